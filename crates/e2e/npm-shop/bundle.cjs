// Bundles app.ts into public/app.js with esbuild's JS API (which finds its platform binary by
// itself, whether or not npm ran esbuild's install script). `node bundle.cjs <esbuild dir>`.
const esbuild = require(process.argv[2]);
esbuild.buildSync({
  entryPoints: ["app.ts"],
  bundle: true,
  format: "esm",
  target: "es2022",
  outfile: "public/app.js",
  logLevel: "warning",
});
