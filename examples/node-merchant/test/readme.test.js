// Code the READMEs quote must be the tested code: every block after `<!-- quoted from PATH -->`
// must appear in PATH verbatim (give or take a uniform indentation).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const EXAMPLES = new URL("../../", import.meta.url);
const QUOTE = /<!-- quoted from (\S+) -->\n```[a-z]*\n([\s\S]*?)\n```/g;

for (const readme of ["README.md", "node-merchant/README.md"]) {
  const text = readFileSync(new URL(readme, EXAMPLES), "utf8");
  const quotes = [...text.matchAll(QUOTE)];
  for (const [, path, block] of quotes) {
    test(`${readme} quotes ${path} verbatim: ${block.split("\n")[0].slice(0, 60)}`, () => {
      const source = readFileSync(new URL(path, EXAMPLES), "utf8");
      const lines = block.split("\n");
      const found = [0, 2, 4, 6, 8].some((n) =>
        source.includes(lines.map((l) => (l === "" ? l : " ".repeat(n) + l)).join("\n")),
      );
      assert.ok(found, `this block is not in ${path} any more: update the README`);
    });
  }
  if (readme === "README.md") {
    test("the integration README quotes both verifiers and both handlers", () => {
      const paths = quotes.map(([, path]) => path);
      for (const p of [
        "node-merchant/verify.js",
        "node-merchant/lib/app.js",
        "php/verify-webhook.php",
        "php/webhook.php",
      ]) {
        assert.ok(paths.includes(p), p);
      }
    });
  }
}
