// The shop's HTML. Every interpolated value is escaped by `html`; nothing here runs script: the
// only script on any page is the widget's, loaded from the proxy, so the pages work under the
// strict Content-Security-Policy that `contentSecurityPolicy` builds.

import { CATALOGUE, CUSTOMER_FIELDS, SHIPPING_FEE } from "./shop.js";
import { formatRupiah } from "./money.js";

class Html {
  constructor(text) {
    this.text = text;
  }
  toString() {
    return this.text;
  }
}

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escape = (value) => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** Tagged template: interpolations are escaped, unless they are `html` results (or arrays of them). */
export function html(strings, ...values) {
  const render = (v) =>
    v instanceof Html
      ? v.text
      : Array.isArray(v)
        ? v.map(render).join("")
        : v === null || v === undefined || v === false
          ? ""
          : escape(v);
  return new Html(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]) : ""), ""));
}

/**
 * The policy of every page: scripts, wasm, styles and requests only from this shop and the
 * proxy; no inline script or style, no plugins, no framing, forms post only here.
 */
export function contentSecurityPolicy(proxyPublicUrl) {
  const proxy = new URL(proxyPublicUrl).origin;
  return [
    "default-src 'none'",
    `script-src ${proxy} 'wasm-unsafe-eval'`,
    `connect-src ${proxy}`,
    `style-src 'self' ${proxy}`,
    `img-src 'self' ${proxy} data:`,
    `font-src ${proxy}`,
    // The no-JavaScript checkout's form posts to the proxy.
    `form-action 'self' ${proxy}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function layout(title, body, { refresh = null } = {}) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh ? html`<meta http-equiv="refresh" content="${refresh}">` : ""}
<title>${title} — Warung Contoh</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/shop.css">
</head>
<body>
<header><a class="brand" href="/">Warung Contoh</a><span class="tag">example shop paying with Kredivo</span></header>
<main>
${body}
</main>
</body>
</html>
`;
}

/** The cart form: products with quantities and the shopper's details. */
export function shopPage({ values = null, problems = [] } = {}) {
  // First visit: a sample cart and shopper, so the demo (and the end-to-end test) can pay in
  // one click. A real shop fills these from its cart and the signed-in customer.
  const sample = {
    "qty.batik-parang": "2",
    first_name: "Budi",
    last_name: "Santoso",
    email: "budi@example.co.id",
    phone: "081234567890",
    address: "Jl. Sudirman 1",
    city: "Jakarta",
    postal_code: "10220",
  };
  const get = values ? (name) => values.get(name) ?? "" : (name) => sample[name] ?? "";
  return layout(
    "Your cart",
    html`<h1>Your cart</h1>
${problems.length > 0 ? html`<div class="problems" id="form-problems" role="alert"><p>Please correct:</p><ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>` : ""}
<form method="post" action="/checkout" id="cart-form">
<table class="cart">
<thead><tr><th>Product</th><th class="num">Price</th><th class="num">Quantity</th></tr></thead>
<tbody>
${CATALOGUE.map(
  (p) => html`<tr id="${p.id}"><td>${p.name}</td><td class="num">${formatRupiah(p.price)}</td>
<td class="num"><input name="qty.${p.id}" type="number" min="0" max="99" inputmode="numeric" value="${get(`qty.${p.id}`) || "0"}" aria-label="Quantity of ${p.name}"></td></tr>`,
)}
<tr><td>${SHIPPING_FEE.name}</td><td class="num">${formatRupiah(SHIPPING_FEE.price)}</td><td></td></tr>
</tbody>
</table>
<fieldset><legend>Deliver to</legend>
${CUSTOMER_FIELDS.map(
  ([name, label, longest]) =>
    html`<label>${label}<input name="${name}" maxlength="${longest}" value="${get(name)}"${name === "last_name" ? "" : html` required`}></label>`,
)}
</fieldset>
<button type="submit" id="checkout">Check out with Kredivo</button>
</form>`,
  );
}

/** The checkout page: the order summary and the widget for this session. */
export function checkoutPage({ order, clientSecret, proxyPublicUrl, fallback = null }) {
  return layout(
    "Pay with Kredivo",
    html`<h1>Pay with Kredivo</h1>
<section class="summary" id="order-summary" data-reference="${order.reference}">
<p>Order <strong>${order.reference}</strong></p>
<table class="cart"><tbody>
${order.items.map((i) => html`<tr><td>${i.quantity} × ${i.name}</td><td class="num">${formatRupiah(i.price)}</td></tr>`)}
${order.fees.map((f) => html`<tr><td>${f.name}</td><td class="num">${formatRupiah(f.price)}</td></tr>`)}
<tr class="total"><td>Total</td><td class="num" id="order-total" data-amount="${order.amount}">${formatRupiah(order.amount)}</td></tr>
</tbody></table>
</section>
<script type="module" src="${proxyPublicUrl}/dist/kredivo-checkout.js" async></script>
<div id="kredivo-checkout" data-kredivo-checkout data-session="${clientSecret}" data-proxy="${proxyPublicUrl}" data-locale="en">${fallback === null ? "" : new Html(fallback)}</div>
<p class="muted">After paying you return to <a href="/return/${order.reference}">this order's page</a>.</p>`,
  );
}

const STATUS_TEXT = {
  awaiting_payment: ["Waiting for your payment", "We have not heard from Kredivo about this order yet."],
  pending: ["Kredivo is confirming your payment", "This page updates by itself."],
  paid: ["Paid — thank you!", "Kredivo confirmed the payment. We are packing your order."],
  denied: ["Payment declined", "Kredivo declined this payment. You can try again with another plan."],
  expired: ["Payment expired", "The payment was not completed in time."],
  cancelled: ["Order cancelled", "This order was cancelled."],
  refunded: ["Order refunded", "This order was refunded."],
  checkout_failed: ["Could not start the payment", "Starting the Kredivo payment failed. Nothing was charged."],
};

/** Polled statuses refresh the page (no script needed) up to this many times. */
export const MAX_POLLS = 60;

/**
 * The shop's own view of an order after the shopper comes back. Only a verified webhook
 * changes the status; the query the proxy appends on the way back is not trusted.
 */
export function returnPage({ order, poll }) {
  const [title, text] = STATUS_TEXT[order.status] ?? [order.status, ""];
  const waiting = order.status === "awaiting_payment" || order.status === "pending";
  const again = waiting && poll < MAX_POLLS;
  return layout(
    title,
    html`<section class="status" id="order-status" data-status="${order.status}" aria-live="polite">
<h1>${title}</h1>
<p>${text}</p>
${waiting && !again ? html`<p>Still no word from Kredivo. <a href="/return/${order.reference}">Check again</a>.</p>` : ""}
<dl>
<dt>Order</dt><dd>${order.reference}</dd>
<dt>Amount</dt><dd>${formatRupiah(order.amount)}</dd>
${order.kredivo ? html`<dt>Plan</dt><dd>${order.kredivo.payment_type}</dd>` : ""}
</dl>
<p><a href="/">Back to the shop</a></p>
</section>`,
    { refresh: again ? `2;url=/return/${encodeURIComponent(order.reference)}?poll=${poll + 1}` : null },
  );
}

/** A page for something that went wrong: what happened and what to do. */
export function errorPage(title, message, { details = [] } = {}) {
  return layout(
    title,
    html`<section class="status" id="error" data-status="error" role="alert">
<h1>${title}</h1>
<p>${message}</p>
${details.length > 0 ? html`<ul>${details.map((d) => html`<li>${d}</li>`)}</ul>` : ""}
<p><a href="/">Back to the shop</a></p>
</section>`,
  );
}
