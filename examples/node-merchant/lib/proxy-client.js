// The merchant side of the proxy's session API (crates/api merchant.rs):
//   POST {PROXY_URL}/api/kredivo/v1/sessions → 201 {session_id, client_secret, amount, …}
// with `Authorization: Bearer <MERCHANT_API_KEY>`. The key is only ever sent here, server to
// server; errors come back as {"error":{"code","message","details"}}.

import { isRupiah } from "./money.js";

const MAX_ANSWER_BYTES = 256 * 1024;

/** The proxy refused, failed or could not be reached. `code` is the proxy's error code. */
export class ProxyError extends Error {
  constructor(message, { status = null, code = "unreachable", details = [], retryable = false } = {}) {
    super(message);
    this.name = "ProxyError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryable = retryable;
  }
}

export class ProxyClient {
  #root;
  #base;
  #apiKey;
  #timeoutMs;
  #retryDelayMs;

  /**
   * @param {{baseUrl: string, apiKey: import("./config.js").Secret, timeoutMs?: number, retryDelayMs?: number}} options
   */
  constructor({ baseUrl, apiKey, timeoutMs = 10_000, retryDelayMs = 500 }) {
    this.#root = baseUrl;
    this.#base = `${baseUrl}/api/kredivo/v1`;
    this.#apiKey = apiKey;
    this.#timeoutMs = timeoutMs;
    this.#retryDelayMs = retryDelayMs;
  }

  /**
   * Creates a checkout session. `idempotencyKey` (the order reference) makes a retry return
   * the same session instead of a second one, so a timeout or a 503 is retried once.
   * Resolves to the checked `SessionCreated`; rejects with ProxyError.
   */
  async createSession(body, idempotencyKey) {
    let answer;
    try {
      answer = await this.#request("POST", "/sessions", body, idempotencyKey);
    } catch (e) {
      if (!(e instanceof ProxyError) || !e.retryable) throw e;
      await new Promise((r) => setTimeout(r, this.#retryDelayMs));
      answer = await this.#request("POST", "/sessions", body, idempotencyKey);
    }
    const { status, json } = answer;
    const ok =
      status === 201 &&
      json !== null &&
      typeof json === "object" &&
      typeof json.session_id === "string" &&
      /^[\x21-\x7e]{1,200}$/.test(json.session_id) &&
      typeof json.client_secret === "string" &&
      /^[\x21-\x7e]{16,512}$/.test(json.client_secret) &&
      isRupiah(json.amount) &&
      Number.isSafeInteger(json.expires_at);
    if (!ok) {
      throw new ProxyError(`the proxy answered ${status} without a session`, { status, code: "bad_response" });
    }
    // Compare as strings: the session must be for exactly the amount this shop computed.
    if (json.amount !== body.amount || json.currency !== "IDR") {
      throw new ProxyError(
        `the proxy's session is for ${json.amount} ${json.currency}, the order is ${body.amount} IDR`,
        {
          status,
          code: "amount_mismatch",
        },
      );
    }
    return json;
  }

  /**
   * The checkout as plain HTML, for browsers where the widget cannot run (no JavaScript or
   * WebAssembly): put it inside the widget's div; the widget covers it when it runs.
   * Resolves to the fragment, or null when the proxy cannot give one (the page still works
   * wherever the widget runs).
   */
  async fallbackFragment(clientSecret, locale = "id") {
    const query = new URLSearchParams({ session: clientSecret, locale });
    try {
      const res = await fetch(`${this.#root}/kredivo/fallback?${query}`, {
        redirect: "error",
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      const text = await readCapped(res);
      return res.status === 200 ? text : null;
    } catch {
      return null;
    }
  }

  async #request(method, path, body, idempotencyKey) {
    const headers = { Authorization: `Bearer ${this.#apiKey.reveal()}`, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
    let res;
    try {
      res = await fetch(`${this.#base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: "error",
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (e) {
      const timedOut = e?.name === "TimeoutError";
      throw new ProxyError(
        timedOut
          ? `the proxy did not answer within ${this.#timeoutMs} ms`
          : `cannot reach the proxy: ${e?.cause?.code ?? e?.message}`,
        { code: timedOut ? "timeout" : "unreachable", retryable: true },
      );
    }
    const text = await readCapped(res);
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      // handled below: a non-JSON answer is a bad response
    }
    if (res.status >= 200 && res.status < 300) return { status: res.status, json };
    const err = json?.error;
    const details = Array.isArray(err?.details) ? err.details.filter((d) => typeof d === "string").slice(0, 50) : [];
    throw new ProxyError(
      typeof err?.message === "string" ? err.message : `the proxy answered ${res.status} ${res.statusText}`,
      {
        status: res.status,
        code: typeof err?.code === "string" ? err.code : "bad_response",
        details,
        // 503: the proxy's database is away for a moment (it sends Retry-After).
        retryable: res.status === 503,
      },
    );
  }
}

async function readCapped(res) {
  const chunks = [];
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) {
        throw new ProxyError(`the proxy's answer is larger than ${MAX_ANSWER_BYTES} bytes`, {
          status: res.status,
          code: "bad_response",
        });
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof ProxyError) throw e;
    throw new ProxyError(`the proxy's answer broke off: ${e?.message}`, { status: res.status, code: "unreachable" });
  }
  return Buffer.concat(chunks).toString("utf8");
}
