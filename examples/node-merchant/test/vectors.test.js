// The shared vectors file is generated; a hand edit that its generator would not write (or a
// generator change whose output was not committed) fails here.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { VECTORS_PATH, vectorsJson } from "../../tools/gen-webhook-vectors.mjs";

test("webhook-vectors.json is exactly what tools/gen-webhook-vectors.mjs writes", () => {
  assert.equal(readFileSync(VECTORS_PATH, "utf8"), vectorsJson(), "run: node examples/tools/gen-webhook-vectors.mjs");
});

test("the vectors cover every rejection reason and both verdicts", () => {
  const { vectors } = JSON.parse(readFileSync(VECTORS_PATH, "utf8"));
  const reasons = new Set(vectors.map((v) => (v.expected.valid ? "valid" : v.expected.reason)));
  assert.deepEqual([...reasons].sort(), [
    "malformed_header",
    "missing_header",
    "no_signature",
    "signature_mismatch",
    "timestamp_outside_tolerance",
    "valid",
  ]);
});
