// Test helpers: a fake proxy (the sessions endpoint only), the shop as a child process on a
// free port, and signed webhook deliveries. Everything binds 127.0.0.1 port 0.

import { spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const API_KEY = "test_merchant_key_0123456789abcdefghijklmnop";
export const WEBHOOK_SECRET = "test_webhook_secret_9f8e7d6c5b4a";
const SERVER = fileURLToPath(new URL("../server.js", import.meta.url));

/**
 * A stand-in for the proxy's `POST /api/kredivo/v1/sessions`: checks the merchant key, records
 * every request, answers 201 like the proxy. Set `fake.next` to a list of
 * `(body) => ({status, json})` to script the next answers.
 */
export async function startFakeProxy() {
  const fake = { requests: [], next: [], url: null, server: null };
  fake.server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const text = Buffer.concat(chunks).toString("utf8");
    const record = { method: req.method, url: req.url, headers: req.headers, text, body: null };
    try {
      record.body = JSON.parse(text);
    } catch {
      // recorded as text
    }
    fake.requests.push(record);
    const answer = (status, json) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(json));
    };
    if (req.method !== "POST" || req.url !== "/api/kredivo/v1/sessions") {
      return answer(404, { error: { code: "not_found", message: "no such endpoint" } });
    }
    if (req.headers.authorization !== `Bearer ${API_KEY}`) {
      return answer(401, { error: { code: "unauthorized", message: "merchant key missing or wrong" } });
    }
    const scripted = fake.next.shift();
    if (scripted) {
      const { status, json } = scripted(record.body);
      return answer(status, json);
    }
    return answer(201, {
      session_id: `ses_${fake.requests.length}`,
      client_secret: `cs_test_${randomBytes(16).toString("hex")}`,
      amount: record.body.amount,
      currency: "IDR",
      expires_at: Math.floor(Date.now() / 1000) + 86400,
      payment_types: ["30_days", "3_months", "6_months", "12_months"],
    });
  });
  fake.server.listen(0, "127.0.0.1");
  await once(fake.server, "listening");
  fake.url = `http://127.0.0.1:${fake.server.address().port}`;
  fake.sessionRequests = () => fake.requests.filter((r) => r.url === "/api/kredivo/v1/sessions");
  fake.close = () => new Promise((r) => fake.server.close(r));
  return fake;
}

/**
 * Starts `node server.js` with `env` on PORT=0 and resolves once its first stdout line says
 * where it listens. `shop.stderr()` is everything it logged so far.
 */
export async function startShop(env) {
  const child = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([
    once(lines, "line").then(([line]) => line),
    once(child, "exit").then(([code]) => {
      throw new Error(`server.js exited with ${code} before listening:\n${stderr}`);
    }),
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`server.js did not listen within 10 s:\n${stderr}`)), 10_000).unref(),
    ),
  ]);
  const match = /^listening on (http:\/\/127\.0\.0\.1:[0-9]+)$/.exec(first);
  if (!match) throw new Error(`unexpected first line: ${first}`);
  return {
    url: match[1],
    firstLine: first,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

/** `Kredivo-Signature` for `raw` at `t`, as the proxy writes it. */
export function signature(raw, { secret = WEBHOOK_SECRET, t = Math.floor(Date.now() / 1000) } = {}) {
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${raw}`).digest("hex")}`;
}

/** A `merchant::WebhookEvent` for `order`, as compact JSON text. */
export function eventJson({ id, type, status, reference, amount, sessionId, extra = {} }) {
  return JSON.stringify({
    id,
    type,
    created: Math.floor(Date.now() / 1000),
    data: {
      order_id: `KD-${reference}`,
      session_id: sessionId,
      reference,
      status,
      amount,
      cancelled_amount: "0",
      currency: "IDR",
      payment_type: "3_months",
      gateway: "kredivo",
      transaction_id: "trx_1",
      ...extra,
    },
  });
}

/** POSTs `raw` to the shop's webhook URL with `headers`; resolves to {status, json}. */
export async function deliver(shopUrl, raw, headers) {
  const res = await fetch(`${shopUrl}/webhooks/kredivo`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: raw,
  });
  return { status: res.status, json: await res.json() };
}

/** The cart form as a browser posts it (the sample cart and shopper unless overridden). */
export function cartForm(overrides = {}) {
  return new URLSearchParams({
    "qty.batik-parang": "2",
    "qty.tenun-sumba": "0",
    "qty.kopi-gayo": "0",
    "qty.tas-rotan": "0",
    first_name: "Budi",
    last_name: "Santoso",
    email: "budi@example.co.id",
    phone: "081234567890",
    address: "Jl. Sudirman 1",
    city: "Jakarta",
    postal_code: "10220",
    ...overrides,
  }).toString();
}

export async function postForm(shopUrl, form) {
  const res = await fetch(`${shopUrl}/checkout`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "text/html" },
    body: form,
  });
  return { status: res.status, headers: res.headers, html: await res.text() };
}
