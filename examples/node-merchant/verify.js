// Verifies Kredivo checkout webhooks: `Kredivo-Signature: t=<unix seconds>,v1=<hex>` where
// v1 = HMAC-SHA256(MERCHANT_WEBHOOK_SECRET, "<t>.<raw body>"). Plain Node (>= 18), no
// dependencies: copy this file into your project. (CommonJS? Replace each `export function`
// with `function` and end with `module.exports = { verifyWebhookSignature, constructWebhookEvent,
// WebhookSignatureError };`.)
//
// Rules, the same in examples/php/verify-webhook.php and checked by examples/webhook-vectors.json:
// - verify the RAW body bytes exactly as received, before any JSON parsing;
// - the header may carry several `v1=` entries while the secret is rotated: one match is enough;
// - compare in constant time;
// - reject a timestamp more than 300 seconds from now (either way): a captured request cannot be
//   replayed later, and within the window you dedupe by event id.

import { createHmac, timingSafeEqual } from "node:crypto";

/** Seconds a signature stays acceptable, either side of now. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

// A real header is about 80 bytes per signature; anything this long is not one.
const MAX_HEADER_LENGTH = 4096;
const MAX_SIGNATURES = 8;
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const UNIX_SECONDS = /^[0-9]{1,12}$/;

/**
 * Why a webhook was refused. `reason` is one of `missing_header`, `malformed_header`,
 * `no_signature`, `signature_mismatch`, `timestamp_outside_tolerance`; answer such a request
 * with 400 and do not process it.
 */
export class WebhookSignatureError extends Error {
  constructor(reason, message) {
    super(message);
    this.name = "WebhookSignatureError";
    this.reason = reason;
  }
}

/**
 * Throws a `WebhookSignatureError` unless `signatureHeader` signs `rawBody` with `secret`
 * within the tolerance; returns the signed timestamp.
 *
 * @param {Buffer|Uint8Array|string} rawBody the request body exactly as received
 * @param {string|undefined|null} signatureHeader the `Kredivo-Signature` header
 * @param {string} secret MERCHANT_WEBHOOK_SECRET
 * @param {{now?: number, toleranceSeconds?: number}} [options] `now` in unix seconds (tests)
 * @returns {number} the header's timestamp `t`
 */
export function verifyWebhookSignature(rawBody, signatureHeader, secret, options = {}) {
  if (typeof secret !== "string" || secret.length === 0) {
    // A configuration mistake, not a bad request: fail loudly instead of "verifying" with "".
    throw new TypeError("the webhook secret is empty: set MERCHANT_WEBHOOK_SECRET");
  }
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;

  const { timestamp, signatures } = parseSignatureHeader(signatureHeader);

  const expected = createHmac("sha256", secret)
    .update(`${timestamp}.`, "utf8")
    .update(typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody)
    .digest();
  // Every entry is 32 bytes (checked while parsing), so timingSafeEqual never throws.
  const matched = signatures.some((candidate) => timingSafeEqual(candidate, expected));
  if (!matched) {
    throw new WebhookSignatureError(
      "signature_mismatch",
      "no v1 signature matches this body: wrong secret, or the body was changed (verify the raw bytes, before JSON parsing)",
    );
  }
  if (Math.abs(now - timestamp) > tolerance) {
    throw new WebhookSignatureError(
      "timestamp_outside_tolerance",
      `the signature's timestamp ${timestamp} is ${now - timestamp} s from now (at most ${tolerance} s allowed): a replay, or this server's clock is wrong`,
    );
  }
  return timestamp;
}

/**
 * Verifies like `verifyWebhookSignature`, then parses the body: returns the event
 * `{id, type, created, data}`. Throws `WebhookSignatureError` for a bad signature and
 * `SyntaxError`/`TypeError` for a signed body that is not an event.
 */
export function constructWebhookEvent(rawBody, signatureHeader, secret, options = {}) {
  verifyWebhookSignature(rawBody, signatureHeader, secret, options);
  const text = typeof rawBody === "string" ? rawBody : Buffer.from(rawBody).toString("utf8");
  const event = JSON.parse(text);
  if (
    event === null ||
    typeof event !== "object" ||
    typeof event.id !== "string" ||
    event.id.length === 0 ||
    typeof event.type !== "string" ||
    event.data === null ||
    typeof event.data !== "object"
  ) {
    throw new TypeError("the signed body is not a webhook event ({id, type, created, data})");
  }
  return event;
}

/** `t=1767225600, v1=ab…,v1=cd…` → `{timestamp, signatures: [Buffer(32), …]}`. */
function parseSignatureHeader(header) {
  if (header === undefined || header === null || header === "") {
    throw new WebhookSignatureError("missing_header", "no Kredivo-Signature header");
  }
  if (typeof header !== "string") {
    // node:http joins repeated headers it knows; an unknown one repeated arrives as one
    // string joined with ", " too, so an array here means a caller bug.
    throw new WebhookSignatureError("malformed_header", "Kredivo-Signature must be one string");
  }
  if (header.length > MAX_HEADER_LENGTH) {
    throw new WebhookSignatureError(
      "malformed_header",
      `Kredivo-Signature is longer than ${MAX_HEADER_LENGTH} characters`,
    );
  }
  let timestamp = null;
  const signatures = [];
  for (const item of header.split(",")) {
    const eq = item.indexOf("=");
    if (eq < 0) {
      throw new WebhookSignatureError("malformed_header", `Kredivo-Signature item "${clip(item)}" is not key=value`);
    }
    const key = trimOws(item.slice(0, eq));
    const value = trimOws(item.slice(eq + 1));
    if (key === "t") {
      if (timestamp !== null) {
        throw new WebhookSignatureError("malformed_header", "Kredivo-Signature names t more than once");
      }
      if (!UNIX_SECONDS.test(value)) {
        throw new WebhookSignatureError("malformed_header", `Kredivo-Signature t="${clip(value)}" is not unix seconds`);
      }
      timestamp = Number(value);
    } else if (key === "v1") {
      if (!HEX_SHA256.test(value)) {
        throw new WebhookSignatureError(
          "malformed_header",
          `Kredivo-Signature v1="${clip(value)}" is not 64 hex digits`,
        );
      }
      if (signatures.length === MAX_SIGNATURES) {
        throw new WebhookSignatureError(
          "malformed_header",
          `Kredivo-Signature carries more than ${MAX_SIGNATURES} v1 entries`,
        );
      }
      signatures.push(Buffer.from(value, "hex"));
    }
    // Other keys (a future v2 scheme) are ignored, so a sender can add one without
    // breaking receivers that only know v1.
  }
  if (timestamp === null) {
    throw new WebhookSignatureError("malformed_header", "Kredivo-Signature has no t=<unix seconds>");
  }
  if (signatures.length === 0) {
    throw new WebhookSignatureError("no_signature", "Kredivo-Signature has no v1 signature");
  }
  return { timestamp, signatures };
}

// HTTP's optional whitespace is space and tab; String.prototype.trim() would also eat
// characters the PHP verifier keeps, and the two must agree on every header.
function trimOws(s) {
  return s.replace(/^[ \t]+|[ \t]+$/g, "");
}

function clip(s) {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
