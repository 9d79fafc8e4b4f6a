// examples/php/create-session.php against the same fake proxy the Node shop is tested with:
// the PHP way of creating a session sends what the proxy expects and reports its errors.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

import { API_KEY, startFakeProxy } from "./harness.js";

const SCRIPT = fileURLToPath(new URL("../../php/create-session.php", import.meta.url));

/** Runs the script; resolves to {code, stdout, stderr}. */
function runPhp(env) {
  return new Promise((resolve, reject) => {
    execFile("php", [SCRIPT], { env: { PATH: process.env.PATH, ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== "number") return reject(err);
      resolve({ code: err ? err.code : 0, stdout, stderr });
    });
  });
}

let proxy;
before(async () => {
  proxy = await startFakeProxy();
});
after(() => proxy?.close());

test("the PHP snippet creates a session with the merchant key, an Idempotency-Key and string money", async () => {
  const { code, stdout, stderr } = await runPhp({ PROXY_URL: proxy.url, MERCHANT_API_KEY: API_KEY });
  assert.equal(code, 0, stderr);
  const created = JSON.parse(stdout);
  assert.match(created.client_secret, /^cs_test_/);
  assert.equal(created.amount, "598000");

  const [sent] = proxy.sessionRequests().slice(-1);
  assert.equal(sent.headers.authorization, `Bearer ${API_KEY}`);
  assert.equal(sent.headers["idempotency-key"], sent.body.reference);
  assert.match(sent.body.reference, /^INV-[0-9]{8}-[0-9a-f]{16}$/);
  assert.equal(sent.body.amount, "598000");
  assert.equal(sent.body.items[0].price, "289000");
  assert.equal(sent.body.fees[0].id, "shippingfee");
});

test("the PHP snippet reports the proxy's error code and field paths", async () => {
  proxy.next.push(() => ({
    status: 400,
    json: {
      error: {
        code: "invalid_request",
        message: "the session is invalid",
        details: ["amount: items and fees sum to 598000, not 1"],
      },
    },
  }));
  const { code, stderr } = await runPhp({ PROXY_URL: proxy.url, MERCHANT_API_KEY: API_KEY });
  assert.equal(code, 1);
  assert.match(stderr, /session refused \(400 invalid_request\): the session is invalid/);
  assert.match(stderr, /amount: items and fees sum to 598000, not 1/);
});

test("the PHP snippet reports a wrong merchant key as 401", async () => {
  const { code, stderr } = await runPhp({
    PROXY_URL: proxy.url,
    MERCHANT_API_KEY: "not-the-key-not-the-key-not-the-key",
  });
  assert.equal(code, 1);
  assert.match(stderr, /session refused \(401 unauthorized\)/);
});
