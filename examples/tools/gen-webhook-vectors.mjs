// Writes examples/webhook-vectors.json: the cases every Kredivo-Signature verifier must decide
// the same way (the Node and PHP verifiers' tests read it; the proxy's signer can check its
// output against the valid ones). Run it after changing a case and commit both files:
//
//   node examples/tools/gen-webhook-vectors.mjs
//
// The signatures are computed here with node:crypto directly, not with the verifier under test.

import { createHmac } from "node:crypto";
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const SECRET = "whsec_vectors_only_5d1f0a3c9e7b2468ace013579bdf2468";
const OLD_SECRET = "whsec_vectors_old_0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const T = 1767225600; // 2026-01-01T00:00:00Z

// Exactly what the proxy sends: serde_json's compact form of merchant::WebhookEvent.
const BODY =
  '{"id":"evt_01JH2V7K4M9Q8R6T5W3X2Y1Z0A","type":"order.settled","created":1767225598,' +
  '"data":{"order_id":"KD-20260101-7F3K9Q","session_id":"ses_4b8d2f6a1c9e7b3d",' +
  '"reference":"INV-2026-0001","status":"settled","amount":"598000","cancelled_amount":"0",' +
  '"currency":"IDR","payment_type":"3_months","gateway":"kredivo","transaction_id":"trx_8812734"}}';

// Bytes a re-encoder would change: a multi-byte name, an escaped slash and spaces.
const BODY_UNICODE =
  '{"id": "evt_unicode_1", "type": "order.cancelled", "created": 1767225590, ' +
  '"data": {"order_id": "KD-20260101-8H2J4L", "reference": "INV\\/2026\\/0002", ' +
  '"status": "cancelled", "amount": "1250000", "cancelled_amount": "1250000", ' +
  '"currency": "IDR", "payment_type": "6_months", "gateway": "midtrans", ' +
  '"metadata": {"note": "Batik Parang — ukuran M, ongkir ✓"}, ' +
  '"cancellation": {"amount": "1250000", "partial": false}}}';

const sign = (secret, t, body) => createHmac("sha256", secret).update(`${t}.${body}`, "utf8").digest("hex");
const good = sign(SECRET, T, BODY);

const valid = { valid: true };
const invalid = (reason) => ({ valid: false, reason });

// [name, {secret?, timestamp, now, raw_body?, header}, expected]
const cases = [
  ["a correctly signed event is accepted", { timestamp: T, now: T + 2, header: `t=${T},v1=${good}` }, valid],
  [
    "a body with multi-byte characters, escaped slashes and spaces is verified over its exact bytes",
    { timestamp: T, now: T, raw_body: BODY_UNICODE, header: `t=${T},v1=${sign(SECRET, T, BODY_UNICODE)}` },
    valid,
  ],
  [
    "a body with one changed digit in the amount is rejected",
    {
      timestamp: T,
      now: T + 2,
      raw_body: BODY.replace('"amount":"598000"', '"amount":"598001"'),
      header: `t=${T},v1=${good}`,
    },
    invalid("signature_mismatch"),
  ],
  [
    "a body with a trailing newline added is rejected",
    { timestamp: T, now: T + 2, raw_body: `${BODY}\n`, header: `t=${T},v1=${good}` },
    invalid("signature_mismatch"),
  ],
  [
    "a signature made with another secret is rejected",
    { timestamp: T, now: T + 2, header: `t=${T},v1=${sign("whsec_someone_else_entirely_0000000000000000", T, BODY)}` },
    invalid("signature_mismatch"),
  ],
  [
    "a signature over the body alone, without the timestamp prefix, is rejected",
    { timestamp: T, now: T + 2, header: `t=${T},v1=${createHmac("sha256", SECRET).update(BODY).digest("hex")}` },
    invalid("signature_mismatch"),
  ],
  [
    "a valid signature moved to another timestamp is rejected",
    { timestamp: T + 1, now: T + 2, header: `t=${T + 1},v1=${good}` },
    invalid("signature_mismatch"),
  ],
  [
    "a timestamp exactly 300 seconds old is still accepted",
    { timestamp: T, now: T + 300, header: `t=${T},v1=${good}` },
    valid,
  ],
  [
    "a timestamp 301 seconds old is rejected",
    { timestamp: T, now: T + 301, header: `t=${T},v1=${good}` },
    invalid("timestamp_outside_tolerance"),
  ],
  [
    "a timestamp a day old is rejected",
    { timestamp: T, now: T + 86400, header: `t=${T},v1=${good}` },
    invalid("timestamp_outside_tolerance"),
  ],
  [
    "a timestamp 300 seconds in the future is still accepted",
    { timestamp: T, now: T - 300, header: `t=${T},v1=${good}` },
    valid,
  ],
  [
    "a timestamp 301 seconds in the future is rejected",
    { timestamp: T, now: T - 301, header: `t=${T},v1=${good}` },
    invalid("timestamp_outside_tolerance"),
  ],
  ["a missing header is rejected", { timestamp: null, now: T, header: null }, invalid("missing_header")],
  ["an empty header is rejected", { timestamp: null, now: T, header: "" }, invalid("missing_header")],
  [
    "a header without key=value items is rejected",
    { timestamp: null, now: T, header: good },
    invalid("malformed_header"),
  ],
  [
    "a header without a timestamp is rejected",
    { timestamp: null, now: T, header: `v1=${good}` },
    invalid("malformed_header"),
  ],
  [
    "a header whose timestamp is not whole seconds is rejected",
    { timestamp: null, now: T, header: `t=${T}.5,v1=${good}` },
    invalid("malformed_header"),
  ],
  [
    "a header whose timestamp is negative is rejected",
    { timestamp: null, now: T, header: `t=-${T},v1=${good}` },
    invalid("malformed_header"),
  ],
  [
    "a header naming the timestamp twice is rejected",
    { timestamp: null, now: T, header: `t=${T},t=${T},v1=${good}` },
    invalid("malformed_header"),
  ],
  [
    "a v1 entry that is not 64 hex digits is rejected",
    { timestamp: T, now: T, header: `t=${T},v1=${good.slice(0, 63)}` },
    invalid("malformed_header"),
  ],
  [
    "a header with a trailing comma is rejected",
    { timestamp: T, now: T, header: `t=${T},v1=${good},` },
    invalid("malformed_header"),
  ],
  [
    "a header with a timestamp but no v1 entry is rejected",
    { timestamp: T, now: T, header: `t=${T}` },
    invalid("no_signature"),
  ],
  [
    "a header with only an unknown scheme is rejected",
    { timestamp: T, now: T, header: `t=${T},v0=${good}` },
    invalid("no_signature"),
  ],
  [
    "during a rotation, a header whose second v1 entry is valid is accepted",
    { timestamp: T, now: T + 1, header: `t=${T},v1=${sign(OLD_SECRET, T, BODY)},v1=${good}` },
    valid,
  ],
  [
    "during a rotation, a header whose first v1 entry is valid is accepted",
    { timestamp: T, now: T + 1, header: `t=${T},v1=${good},v1=${sign(OLD_SECRET, T, BODY)}` },
    valid,
  ],
  [
    "a header with two v1 entries, neither valid, is rejected",
    { timestamp: T, now: T + 1, header: `t=${T},v1=${sign(OLD_SECRET, T, BODY)},v1=${"0".repeat(64)}` },
    invalid("signature_mismatch"),
  ],
  ["the signature may come before the timestamp", { timestamp: T, now: T + 1, header: `v1=${good},t=${T}` }, valid],
  [
    "spaces and tabs around items, keys and values are ignored",
    { timestamp: T, now: T + 1, header: ` t = ${T} ,\tv1=\t${good} ` },
    valid,
  ],
  [
    "an unknown scheme beside a valid v1 entry is ignored",
    { timestamp: T, now: T + 1, header: `t=${T},v2=future-scheme,v1=${good}` },
    valid,
  ],
  [
    "upper-case hex digits are accepted",
    { timestamp: T, now: T + 1, header: `t=${T},v1=${good.toUpperCase()}` },
    valid,
  ],
  [
    "a header with nine v1 entries is rejected",
    { timestamp: T, now: T + 1, header: `t=${T},${Array(9).fill(`v1=${good}`).join(",")}` },
    invalid("malformed_header"),
  ],
  [
    "a header longer than 4096 characters is rejected",
    { timestamp: T, now: T + 1, header: `t=${T},v1=${good},x=${"a".repeat(4096)}` },
    invalid("malformed_header"),
  ],
];

/** The file's exact text. */
export function vectorsJson() {
  return `${JSON.stringify(vectors(), null, 2)}\n`;
}

function vectors() {
  const out = {
    about:
      'Kredivo-Signature verification cases: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>, ' +
      "tolerance 300 s either way. For each vector, verifying raw_body (UTF-8 bytes) with header, secret and now " +
      "must give expected; a rejection names its reason (missing_header, malformed_header, no_signature, " +
      "signature_mismatch, timestamp_outside_tolerance; a signature is checked before the timestamp). " +
      "Written by examples/tools/gen-webhook-vectors.mjs.",
    tolerance_seconds: 300,
    vectors: cases.map(([name, c, expected]) => ({
      name,
      secret: c.secret ?? SECRET,
      timestamp: c.timestamp,
      now: c.now,
      raw_body: c.raw_body ?? BODY,
      header: c.header,
      expected,
    })),
  };

  const names = new Set(out.vectors.map((v) => v.name));
  if (names.size !== out.vectors.length) throw new Error("two vectors share a name");
  return out;
}

/** Where the file lives. */
export const VECTORS_PATH = fileURLToPath(new URL("../webhook-vectors.json", import.meta.url));

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  writeFileSync(VECTORS_PATH, vectorsJson());
  console.log(`wrote ${VECTORS_PATH}`);
}
