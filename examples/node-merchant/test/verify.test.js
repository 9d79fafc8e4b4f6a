// The Node verifier against the shared vectors (examples/webhook-vectors.json), which the PHP
// verifier's test reads too, plus what only the Node API has (Buffers, constructWebhookEvent).

import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

import { WebhookSignatureError, constructWebhookEvent, verifyWebhookSignature } from "../verify.js";

const vectors = JSON.parse(readFileSync(new URL("../../webhook-vectors.json", import.meta.url), "utf8"));

for (const v of vectors.vectors) {
  test(`vector: ${v.name}`, () => {
    const verdict = (() => {
      try {
        verifyWebhookSignature(v.raw_body, v.header, v.secret, { now: v.now });
        return { valid: true };
      } catch (e) {
        if (!(e instanceof WebhookSignatureError)) throw e;
        return { valid: false, reason: e.reason };
      }
    })();
    assert.deepEqual(verdict, v.expected);
  });
}

const [first] = vectors.vectors;

test("a valid vector verifies from a Buffer of its bytes as well as from a string", () => {
  const ts = verifyWebhookSignature(Buffer.from(first.raw_body, "utf8"), first.header, first.secret, {
    now: first.now,
  });
  assert.equal(ts, first.timestamp);
});

test("the verifier uses the clock when no now is given", () => {
  const now = Math.floor(Date.now() / 1000);
  const body = '{"id":"evt_clock","type":"order.pending","created":1,"data":{}}';
  const sig = createHmac("sha256", "s3cret").update(`${now}.${body}`).digest("hex");
  assert.equal(verifyWebhookSignature(body, `t=${now},v1=${sig}`, "s3cret"), now);
  const stale = now - 3600;
  const staleSig = createHmac("sha256", "s3cret").update(`${stale}.${body}`).digest("hex");
  assert.throws(
    () => verifyWebhookSignature(body, `t=${stale},v1=${staleSig}`, "s3cret"),
    (e) => e.reason === "timestamp_outside_tolerance",
  );
});

test("an empty secret is a configuration error, not a verdict", () => {
  assert.throws(() => verifyWebhookSignature(first.raw_body, first.header, "", { now: first.now }), TypeError);
});

test("a repeated header handed over as an array is malformed", () => {
  assert.throws(
    () => verifyWebhookSignature(first.raw_body, [first.header, first.header], first.secret, { now: first.now }),
    (e) => e instanceof WebhookSignatureError && e.reason === "malformed_header",
  );
});

test("constructWebhookEvent returns the parsed event of a valid vector", () => {
  const event = constructWebhookEvent(first.raw_body, first.header, first.secret, { now: first.now });
  assert.equal(event.type, "order.settled");
  assert.equal(event.data.amount, "598000");
});

test("constructWebhookEvent refuses a correctly signed body that is not an event", () => {
  const body = '{"hello":"world"}';
  const sig = createHmac("sha256", "s3cret").update(`100.${body}`).digest("hex");
  assert.throws(() => constructWebhookEvent(body, `t=100,v1=${sig}`, "s3cret", { now: 100 }), TypeError);
  const notJson = "not json";
  const sig2 = createHmac("sha256", "s3cret").update(`100.${notJson}`).digest("hex");
  assert.throws(() => constructWebhookEvent(notJson, `t=100,v1=${sig2}`, "s3cret", { now: 100 }), SyntaxError);
});
