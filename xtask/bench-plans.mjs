// The wasm plan calculator in Node: the badge bundle's `benchPlans` (every plan of an amount
// with the reference table, into one reused buffer), as shipped in dist/.
//
//   cargo xtask dist && node xtask/bench-plans.mjs [dist] [runs]
//
// Prints plans/second and the time per call (wall and CPU) for each run, and the medians. A quicker stand-in for `cargo xtask
// bench`'s browser figure (same wasm, V8 in both); run it right after
// `cargo bench -p kredivo-plan --bench plans` for a native/wasm ratio taken back to back.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";

const dist = resolve(process.argv[2] ?? "dist");
const runs = Number(process.argv[3] ?? 7);
const pick = (ext) => {
  const name = readdirSync(dist).find((f) => f.startsWith("kredivo-badge.") && f.endsWith(ext));
  if (!name) throw new Error(`no kredivo-badge.*${ext} in ${dist}: run cargo xtask dist`);
  return join(dist, name);
};
const glue = await import(pathToFileURL(pick(".js")).href);
await glue.default({ module_or_path: readFileSync(pick(".wasm")) });

const amount = "2400000";
const iterations = 1_000_000;
glue.benchPlans(amount, 20_000); // warm up: tier-up to the optimising compiler
const rates = [];
const perIteration = [];
const cpuPerIteration = [];
for (let i = 0; i < runs; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const plans = glue.benchPlans(amount, iterations);
  const seconds = (performance.now() - t0) / 1000;
  // CPU time of this process: on a machine shared with other builds, wall time also counts
  // the time the scheduler gave to others.
  const cpu = process.cpuUsage(c0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  rates.push(plans / seconds);
  perIteration.push((seconds * 1e9) / iterations);
  cpuPerIteration.push((cpuSeconds * 1e9) / iterations);
  console.log(
    `run ${i + 1}: ${(plans / seconds / 1e6).toFixed(1)} M plans/s (${plans} plans), ` +
      `${((seconds * 1e9) / iterations).toFixed(1)} ns per call wall, ${((cpuSeconds * 1e9) / iterations).toFixed(1)} ns CPU`,
  );
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `wasm benchPlans(${amount}) in Node ${process.version}: median ${(median(rates) / 1e6).toFixed(1)} M plans/s, ` +
    `${median(perIteration).toFixed(1)} ns per call (CPU time ${median(cpuPerIteration).toFixed(1)} ns; ` +
    `${iterations / 1e6} M calls a run, ${runs} runs)`,
);
