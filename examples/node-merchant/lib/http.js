// Small node:http helpers: bodies read with a size limit, answers with safe default headers.

/** An answer decided while handling a request (e.g. 413), with a sentence for the client. */
export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.name = "HttpError";
    this.status = status;
  }
}

/**
 * Reads the whole body as a Buffer, refusing more than `limit` bytes with HttpError(413) before
 * buffering them (a declared Content-Length that is too large is refused without reading).
 */
export async function readBody(req, limit) {
  const declared = req.headers["content-length"];
  if (declared !== undefined && !(Number(declared) <= limit)) {
    throw new HttpError(413, `the body is larger than ${limit} bytes`);
  }
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `the body is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const COMMON = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
};

/** Sends an HTML page under `csp`; `noStore` for pages that must not be cached (a client secret). */
export function sendHtml(res, status, page, { csp, noStore = false, headers = {} }) {
  const body = Buffer.from(String(page), "utf8");
  res.writeHead(status, {
    ...COMMON,
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": body.length,
    "Content-Security-Policy": csp,
    "Cache-Control": noStore ? "no-store" : "no-cache",
    ...headers,
  });
  res.end(body);
}

export function sendJson(res, status, value, headers = {}) {
  const body = Buffer.from(JSON.stringify(value), "utf8");
  res.writeHead(status, {
    ...COMMON,
    "Content-Type": "application/json",
    "Content-Length": body.length,
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(body);
}

export function sendText(res, status, text, headers = {}) {
  const body = Buffer.from(text, "utf8");
  res.writeHead(status, {
    ...COMMON,
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": body.length,
    ...headers,
  });
  res.end(body);
}
