// Configuration from the environment, checked once at start-up: a missing or malformed
// variable stops the server with a sentence naming it, instead of failing on the first order.

import { inspect } from "node:util";
import { resolve } from "node:path";

/** A value that prints as [redacted] in logs, JSON and console.log; `reveal()` gives it. */
export class Secret {
  #value;
  constructor(value) {
    this.#value = value;
  }
  reveal() {
    return this.#value;
  }
  toString() {
    return "[redacted]";
  }
  toJSON() {
    return "[redacted]";
  }
  [inspect.custom]() {
    return "Secret([redacted])";
  }
}

export class ConfigError extends Error {
  constructor(problems) {
    super(`configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** The proxy refuses shorter merchant keys; a short one here is a typo, not a key. */
export const MIN_API_KEY_LENGTH = 32;
export const MIN_WEBHOOK_SECRET_LENGTH = 16;

/**
 * Reads the configuration from `env` (process.env). Throws ConfigError listing every problem.
 *
 * | variable | default | meaning |
 * | PORT | 3000 | 0 picks a free port (printed on the first stdout line) |
 * | HOST | 127.0.0.1 | address to listen on |
 * | PUBLIC_URL | http://127.0.0.1:<port> | where shoppers reach this shop (return URLs) |
 * | PROXY_URL | required | the Kredivo checkout proxy, as this server reaches it |
 * | PROXY_PUBLIC_URL | PROXY_URL | the proxy as browsers reach it (script tag, data-proxy) |
 * | MERCHANT_API_KEY | required | the proxy's MERCHANT_API_KEY; never sent to a browser |
 * | MERCHANT_WEBHOOK_SECRET | required | the proxy's MERCHANT_WEBHOOK_SECRET |
 * | DATA_DIR | ./data | where orders.json is kept |
 */
export function loadConfig(env) {
  const problems = [];

  const portText = env.PORT ?? "3000";
  const port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) problems.push(`PORT must be 0 to 65535, got "${portText}"`);

  const host = env.HOST || "127.0.0.1";

  const url = (name, { required }) => {
    const raw = env[name];
    if (raw === undefined || raw === "") {
      if (required) problems.push(`${name} is required (e.g. http://127.0.0.1:8080)`);
      return null;
    }
    let parsed;
    try {
      parsed = new URL(raw);
    } catch {
      problems.push(`${name} is not a URL: "${raw}"`);
      return null;
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      problems.push(`${name} must be http:// or https://, got "${raw}"`);
      return null;
    }
    if (parsed.search || parsed.hash || parsed.username || parsed.password) {
      problems.push(`${name} must be a base URL without query, fragment or credentials`);
      return null;
    }
    return parsed.href.replace(/\/+$/, "");
  };
  const proxyUrl = url("PROXY_URL", { required: true });
  const proxyPublicUrl = url("PROXY_PUBLIC_URL", { required: false }) ?? proxyUrl;
  const publicUrl = url("PUBLIC_URL", { required: false });

  const secret = (name, min) => {
    const raw = env[name];
    if (!raw) {
      problems.push(`${name} is required`);
      return null;
    }
    if (raw.length < min) problems.push(`${name} must be at least ${min} characters (it is ${raw.length})`);
    if (/\s/.test(raw)) problems.push(`${name} contains whitespace (a copy-paste accident?)`);
    return new Secret(raw);
  };
  const apiKey = secret("MERCHANT_API_KEY", MIN_API_KEY_LENGTH);
  const webhookSecret = secret("MERCHANT_WEBHOOK_SECRET", MIN_WEBHOOK_SECRET_LENGTH);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    publicUrl, // null: derived from the listening port
    proxyUrl,
    proxyPublicUrl,
    apiKey,
    webhookSecret,
    dataDir: resolve(env.DATA_DIR || "data"),
  };
}
