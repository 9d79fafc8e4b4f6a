// The example shop: `node server.js` with the environment described in README.md.
// The first line on stdout is `listening on http://<host>:<port>` (PORT=0 picks a free port);
// logs go to stderr, one line each.

import { createServer } from "node:http";

import { createApp } from "./lib/app.js";
import { ConfigError, loadConfig } from "./lib/config.js";
import { ProxyClient } from "./lib/proxy-client.js";
import { OrderStore } from "./lib/store.js";

function log(level, message, fields = {}) {
  process.stderr.write(
    `${new Date().toISOString()} ${level} ${message}${Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : ""}\n`,
  );
}

let config;
try {
  config = loadConfig(process.env);
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  for (const problem of e.problems) process.stderr.write(`configuration: ${problem}\n`);
  process.stderr.write("see examples/node-merchant/README.md for every variable\n");
  process.exit(2);
}

let store;
try {
  store = await OrderStore.open(config.dataDir);
} catch (e) {
  process.stderr.write(`cannot open the order store in DATA_DIR=${config.dataDir}: ${e.message}\n`);
  process.exit(2);
}

let handle = null;
const server = createServer((req, res) => {
  if (handle === null) {
    res.writeHead(503, { "Retry-After": "1" });
    return res.end();
  }
  handle(req, res);
});
// Slow or endless requests must not hold a connection forever.
server.headersTimeout = 10_000;
server.requestTimeout = 30_000;
server.maxHeadersCount = 100;

server.on("error", (e) => {
  process.stderr.write(`cannot listen on ${config.host}:${config.port}: ${e.message}\n`);
  process.exit(1);
});

server.listen(config.port, config.host, () => {
  const { port } = server.address();
  const host =
    config.host === "0.0.0.0" || config.host === "::"
      ? "127.0.0.1"
      : config.host.includes(":")
        ? `[${config.host}]`
        : config.host;
  const publicUrl = config.publicUrl ?? `http://${host}:${port}`;
  handle = createApp({
    config,
    publicUrl,
    store,
    proxy: new ProxyClient({ baseUrl: config.proxyUrl, apiKey: config.apiKey }),
    log,
  });
  process.stdout.write(`listening on http://${host}:${port}\n`);
  log("info", "shop started", { public_url: publicUrl, proxy: config.proxyUrl, data_dir: config.dataDir });
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    log("info", `${signal}: stopping`);
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5_000).unref();
  });
}
