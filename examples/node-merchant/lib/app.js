// The shop's routes:
//
// | method | path | what |
// |---|---|---|
// | GET  | /                   | the cart form |
// | POST | /checkout           | creates the order and its Kredivo session, renders the widget |
// | GET  | /return/<reference> | the shop's own status of the order (the proxy sends shoppers here) |
// | POST | /webhooks/kredivo   | signed events from the proxy: verify, dedupe, update the order |
// | GET  | /orders/<reference> | the order record as JSON (no customer details) |
// | GET  | /static/shop.css, /healthz | |

import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

import { WebhookSignatureError, constructWebhookEvent } from "../verify.js";
import { HttpError, readBody, sendHtml, sendJson, sendText } from "./http.js";
import { isRupiah } from "./money.js";
import { checkoutPage, contentSecurityPolicy, errorPage, returnPage, shopPage, MAX_POLLS } from "./pages.js";
import { ProxyError } from "./proxy-client.js";
import { readCartForm, sessionBody } from "./shop.js";

/** Largest cart form accepted. */
export const MAX_FORM_BYTES = 16 * 1024;
/** Largest webhook accepted; a real event is under 4 KB (metadata included). */
export const MAX_WEBHOOK_BYTES = 64 * 1024;

const REFERENCE = /^[A-Za-z0-9._-]{1,64}$/;
const CSS = readFileSync(new URL("../public/shop.css", import.meta.url));

/**
 * Builds the request handler.
 *
 * @param {object} deps
 * @param {ReturnType<import("./config.js").loadConfig>} deps.config
 * @param {string} deps.publicUrl where shoppers reach this shop
 * @param {import("./store.js").OrderStore} deps.store
 * @param {import("./proxy-client.js").ProxyClient} deps.proxy
 * @param {(level: string, message: string, fields?: object) => void} deps.log
 */
export function createApp({ config, publicUrl, store, proxy, log }) {
  const csp = contentSecurityPolicy(config.proxyPublicUrl);
  const page = (res, status, body, options = {}) => sendHtml(res, status, body, { csp, ...options });

  async function checkout(req, res) {
    const type = req.headers["content-type"] ?? "";
    if (!type.startsWith("application/x-www-form-urlencoded")) {
      return page(
        res,
        415,
        errorPage("Unsupported form", "Send the cart as an HTML form (application/x-www-form-urlencoded)."),
      );
    }
    const form = new URLSearchParams((await readBody(req, MAX_FORM_BYTES)).toString("utf8"));
    const read = readCartForm(form);
    if (read.problems) {
      log("info", "checkout form refused", { problems: read.problems });
      return page(res, 400, shopPage({ values: form, problems: read.problems }));
    }
    const { cart } = read;
    const reference = newReference();
    await store.create({
      reference,
      amount: cart.amount,
      currency: "IDR",
      items: cart.items.map(({ id, name, price, quantity }) => ({ id, name, price, quantity })),
      fees: cart.fees,
      customer: cart.customer,
    });
    const body = sessionBody(reference, cart, { publicUrl, returnUrl: `${publicUrl}/return/${reference}` });
    let session;
    try {
      // The reference doubles as the Idempotency-Key: a retried create returns the same session.
      session = await proxy.createSession(body, reference);
    } catch (e) {
      if (!(e instanceof ProxyError)) throw e;
      await store.setSession(reference, { failure: `${e.code}: ${e.message}` });
      log("error", "creating the Kredivo session failed", {
        reference,
        status: e.status,
        code: e.code,
        message: e.message,
        details: e.details,
      });
      const [status, title, text] = explainProxyError(e);
      return page(res, status, errorPage(title, text));
    }
    await store.setSession(reference, { sessionId: session.session_id });
    log("info", "checkout session created", { reference, session_id: session.session_id, amount: session.amount });
    // For browsers that cannot run the widget: the same checkout as a plain form.
    const fallback = await proxy.fallbackFragment(session.client_secret, "en");
    return page(
      res,
      200,
      checkoutPage({
        order: store.get(reference),
        clientSecret: session.client_secret,
        proxyPublicUrl: config.proxyPublicUrl,
        fallback,
      }),
      {
        noStore: true,
      },
    );
  }

  async function webhook(req, res) {
    const raw = await readBody(req, MAX_WEBHOOK_BYTES);
    let event;
    try {
      // Verify the raw bytes first; only then parse them.
      event = constructWebhookEvent(raw, req.headers["kredivo-signature"], config.webhookSecret.reveal());
    } catch (e) {
      if (e instanceof WebhookSignatureError) {
        log("warn", "webhook refused", { reason: e.reason, message: e.message });
        return sendJson(res, 400, { error: { code: e.reason, message: e.message } });
      }
      if (e instanceof SyntaxError || e instanceof TypeError) {
        log("error", "signed webhook body is not an event", { message: e.message });
        return sendJson(res, 400, { error: { code: "not_an_event", message: e.message } });
      }
      throw e;
    }
    const d = event.data;
    const shapeProblem =
      event.id.length > 200
        ? "id is longer than 200 characters"
        : typeof d.status !== "string"
          ? "data.status is not a string"
          : !isRupiah(d.amount)
            ? "data.amount is not whole rupiah"
            : d.reference !== undefined && d.reference !== null && typeof d.reference !== "string"
              ? "data.reference is not a string"
              : null;
    if (shapeProblem) {
      log("error", "signed webhook has an unexpected shape", {
        event_id: event.id.slice(0, 200),
        problem: shapeProblem,
      });
      return sendJson(res, 400, { error: { code: "not_an_event", message: shapeProblem } });
    }
    const headerId = req.headers["kredivo-event-id"];
    if (headerId !== undefined && headerId !== event.id) {
      // The header is a convenience; the signed body is what counts.
      log("warn", "Kredivo-Event-Id differs from the signed event id", {
        header: headerId.slice(0, 200),
        event_id: event.id,
      });
    }

    let result;
    try {
      result = await store.applyEvent(event);
    } catch (e) {
      log("error", "could not store a webhook event; the proxy will deliver it again", {
        event_id: event.id,
        message: e.message,
      });
      return sendJson(res, 500, {
        error: { code: "store_failed", message: "the event was not stored; deliver it again" },
      });
    }
    const fields = { event_id: event.id, type: event.type, reference: d.reference ?? null, outcome: result.outcome };
    if (result.outcome === "rejected")
      log("error", "webhook disagrees with the order; status unchanged", { ...fields, reason: result.reason });
    else if (result.outcome === "unknown_order") log("warn", "webhook for an order this shop does not know", fields);
    else log("info", "webhook handled", { ...fields, status: result.order?.status });
    return sendJson(res, 200, { received: true, outcome: result.outcome });
  }

  function orderRecord(res, reference) {
    const order = REFERENCE.test(reference) ? store.get(reference) : undefined;
    if (!order)
      return sendJson(res, 404, { error: { code: "not_found", message: `no order ${reference.slice(0, 64)}` } });
    const { customer: _personal, ...view } = order;
    return sendJson(res, 200, view);
  }

  function returnTo(res, reference, query) {
    const order = REFERENCE.test(reference) ? store.get(reference) : undefined;
    if (!order) return page(res, 404, errorPage("No such order", "This shop has no order with that reference."));
    const poll = Math.min(Number(/^[0-9]{1,3}$/.test(query.get("poll") ?? "") ? query.get("poll") : 0), MAX_POLLS);
    return page(res, 200, returnPage({ order, poll }));
  }

  async function route(req, res, url) {
    const path = url.pathname;
    const method = req.method === "HEAD" ? "GET" : req.method;
    const only = (allowed) => {
      if (method === allowed) return true;
      sendText(res, 405, `use ${allowed}\n`, { Allow: allowed === "GET" ? "GET, HEAD" : allowed });
      return false;
    };
    if (path === "/") return only("GET") && page(res, 200, shopPage());
    if (path === "/checkout") return only("POST") && (await checkout(req, res));
    if (path === "/webhooks/kredivo") return only("POST") && (await webhook(req, res));
    if (path.startsWith("/return/"))
      return only("GET") && returnTo(res, decodeURIComponent(path.slice(8)), url.searchParams);
    if (path.startsWith("/orders/")) return only("GET") && orderRecord(res, decodeURIComponent(path.slice(8)));
    if (path === "/static/shop.css") {
      if (!only("GET")) return;
      res.writeHead(200, {
        "Content-Type": "text/css; charset=utf-8",
        "Content-Length": CSS.length,
        "Cache-Control": "max-age=300",
      });
      return res.end(CSS);
    }
    if (path === "/healthz") return only("GET") && sendText(res, 200, "ok\n");
    return page(res, 404, errorPage("Not found", "There is no such page in this shop."));
  }

  return async function handle(req, res) {
    const path = (req.url ?? "/").split("?", 1)[0];
    try {
      let url;
      try {
        url = new URL(req.url, "http://shop.invalid");
      } catch {
        throw new HttpError(400, "the request target is not a URL path");
      }
      await route(req, res, url);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : e instanceof URIError ? 400 : 500;
      const where = { method: req.method, path: path.slice(0, 200) };
      if (status === 500) log("error", "request failed", { ...where, message: e.stack ?? String(e) });
      else log("warn", "request refused", { ...where, status, message: e.message });
      if (res.headersSent) return res.destroy();
      const message = status === 500 ? "Something went wrong in the shop; it has been logged." : e.message;
      // A refused body may still be arriving: close the connection rather than read it.
      const headers = status === 413 ? { Connection: "close" } : {};
      if (path.startsWith("/webhooks/") || path.startsWith("/orders/")) {
        return sendJson(
          res,
          status,
          { error: { code: status === 413 ? "payload_too_large" : "request_failed", message } },
          headers,
        );
      }
      return page(res, status, errorPage(status === 413 ? "Too much data" : "Request failed", message), { headers });
    }
  };
}

/** `INV-20261203-9f2c4e1a7b3d5c60`: dated for people, 64 random bits so it cannot be guessed. */
function newReference() {
  const day = new Date().toISOString().slice(0, 10).replaceAll("-", "");
  return `INV-${day}-${randomBytes(8).toString("hex")}`;
}

/** [HTTP status, title, sentence] for the shopper; the details went to the log. */
function explainProxyError(e) {
  if (e.code === "unreachable" || e.code === "timeout" || e.status === 503 || e.status === 429) {
    return [503, "Kredivo is unavailable right now", "Nothing was charged. Please try again in a minute."];
  }
  if (e.status === 401) {
    return [
      502,
      "This shop cannot reach Kredivo",
      "The shop's Kredivo key was refused. Nothing was charged; the shop has been told.",
    ];
  }
  if (e.status === 400) {
    return [
      502,
      "Kredivo refused this order",
      `The payment service found a problem with the order (${e.code}). Nothing was charged; the details are in the shop's log.`,
    ];
  }
  return [
    502,
    "Could not start the Kredivo payment",
    `The payment service answered with an error (${e.code}). Nothing was charged.`,
  ];
}
