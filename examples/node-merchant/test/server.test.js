// The shop as a process (node server.js) against a fake proxy: checkout creates a session with
// the merchant key and renders the widget; signed webhooks change the shop's own order file,
// once per event id; bad input, proxy failures and forged webhooks get clear answers.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  API_KEY,
  WEBHOOK_SECRET,
  cartForm,
  deliver,
  eventJson,
  postForm,
  signature,
  startFakeProxy,
  startShop,
} from "./harness.js";

let proxy;
let shop;
let dataDir;
const env = () => ({
  PROXY_URL: proxy.url,
  MERCHANT_API_KEY: API_KEY,
  MERCHANT_WEBHOOK_SECRET: WEBHOOK_SECRET,
  DATA_DIR: dataDir,
});

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "kredivo-node-merchant-"));
  proxy = await startFakeProxy();
  shop = await startShop(env());
});

after(async () => {
  await shop?.stop();
  await proxy?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const order = async (reference) => {
  const res = await fetch(`${shop.url}/orders/${reference}`);
  return { status: res.status, json: await res.json() };
};
const orderFile = async () => JSON.parse(await readFile(join(dataDir, "orders.json"), "utf8"));
const referenceOf = (html) => /data-reference="([^"]+)"/.exec(html)?.[1];

/** Checks out the sample cart; returns the reference and the session id the proxy gave. */
async function checkedOutOrder() {
  const page = await postForm(shop.url, cartForm());
  assert.equal(page.status, 200, page.html);
  const reference = referenceOf(page.html);
  const { json } = await order(reference);
  return { reference, sessionId: json.session_id, page };
}

test("the first stdout line names the address and the shop page has no inline script under a strict policy", async () => {
  assert.match(shop.firstLine, /^listening on http:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
  const res = await fetch(`${shop.url}/`);
  assert.equal(res.status, 200);
  const csp = res.headers.get("content-security-policy");
  assert.match(csp, new RegExp(`script-src ${proxy.url} 'wasm-unsafe-eval'`));
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.match(csp, /default-src 'none'/);
  const html = await res.text();
  assert.match(html, /<form method="post" action="\/checkout" id="cart-form">/);
  assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)/, "a script element without src");
  assert.doesNotMatch(html, /\son[a-z]+=/i, "an inline event handler");
});

test("checkout creates a session with the merchant key and renders the widget for its client secret only", async () => {
  const before = proxy.sessionRequests().length;
  const { reference, page } = await checkedOutOrder();
  assert.match(reference, /^INV-[0-9]{8}-[0-9a-f]{16}$/);

  const requests = proxy.sessionRequests().slice(before);
  assert.equal(requests.length, 1);
  const [sent] = requests;
  assert.equal(sent.headers.authorization, `Bearer ${API_KEY}`);
  assert.equal(sent.headers["idempotency-key"], reference);
  assert.equal(sent.headers["content-type"], "application/json");
  assert.equal(sent.body.reference, reference);
  assert.equal(sent.body.amount, "598000", "2 × 289000 + 20000 shipping, as a string");
  assert.deepEqual(
    sent.body.items.map(({ id, price, quantity, type }) => ({ id, price, quantity, type })),
    [{ id: "batik-parang", price: "289000", quantity: 2, type: "Fashion" }],
  );
  assert.deepEqual(sent.body.fees, [{ id: "shippingfee", name: "Ongkir (JNE REG)", price: "20000" }]);
  assert.deepEqual(sent.body.customer, {
    first_name: "Budi",
    last_name: "Santoso",
    email: "budi@example.co.id",
    phone: "081234567890",
  });
  assert.equal(sent.body.shipping_address.postal_code, "10220");
  assert.equal(sent.body.shipping_address.country_code, "IDN");
  assert.equal(sent.body.return_url, `${shop.url}/return/${reference}`);

  const secret = /data-session="([^"]+)"/.exec(page.html)?.[1];
  assert.match(secret, /^cs_test_[0-9a-f]{32}$/);
  assert.ok(page.html.includes(`<script type="module" src="${proxy.url}/dist/kredivo-checkout.js" async></script>`));
  assert.ok(page.html.includes(`data-proxy="${proxy.url}"`));
  assert.equal(page.headers.get("cache-control"), "no-store");
  assert.ok(!page.html.includes(API_KEY), "the merchant key must never reach a browser");
  assert.ok(!page.html.includes(WEBHOOK_SECRET));

  const { status, json } = await order(reference);
  assert.equal(status, 200);
  assert.equal(json.status, "awaiting_payment");
  assert.equal(json.session_id, `ses_${proxy.requests.indexOf(sent) + 1}`, "the fake proxy numbers its sessions");
  assert.equal(json.amount, "598000");
  assert.equal(json.customer, undefined, "the JSON view carries no personal data");
  assert.equal(JSON.stringify(json).includes(secret), false, "the client secret is not stored");
});

test("a signed order.settled webhook marks the order paid in the shop's order file", async () => {
  const { reference, sessionId } = await checkedOutOrder();
  const raw = eventJson({
    id: `evt_paid_${reference}`,
    type: "order.settled",
    status: "settled",
    reference,
    amount: "598000",
    sessionId,
  });
  const res = await deliver(shop.url, raw, {
    "Kredivo-Signature": signature(raw),
    "Kredivo-Event-Id": `evt_paid_${reference}`,
  });
  assert.deepEqual(res, { status: 200, json: { received: true, outcome: "applied" } });

  const { json } = await order(reference);
  assert.equal(json.status, "paid");
  assert.equal(json.kredivo.payment_type, "3_months");
  assert.equal((await orderFile()).orders[reference].status, "paid");
  assert.deepEqual(await readdir(dataDir), ["orders.json"], "no temporary file is left behind");
});

test("a redelivered event is acknowledged every time and handled once", async () => {
  const { reference, sessionId } = await checkedOutOrder();
  const id = `evt_twice_${reference}`;
  const raw = eventJson({ id, type: "order.settled", status: "settled", reference, amount: "598000", sessionId });
  const headers = { "Kredivo-Signature": signature(raw) };
  const first = await deliver(shop.url, raw, headers);
  const again = await Promise.all([
    deliver(shop.url, raw, headers),
    deliver(shop.url, raw, { "Kredivo-Signature": signature(raw) }),
  ]);
  assert.equal(first.json.outcome, "applied");
  for (const r of again) assert.deepEqual(r, { status: 200, json: { received: true, outcome: "duplicate" } });

  const history = (await orderFile()).orders[reference].history;
  assert.deepEqual(
    history.map((h) => h.event_id),
    [id],
  );
});

test("concurrent first deliveries of one event are handled once", async () => {
  const { reference, sessionId } = await checkedOutOrder();
  const id = `evt_race_${reference}`;
  const raw = eventJson({ id, type: "order.settled", status: "settled", reference, amount: "598000", sessionId });
  const results = await Promise.all(
    [1, 2, 3].map(() => deliver(shop.url, raw, { "Kredivo-Signature": signature(raw) })),
  );
  assert.deepEqual(results.map((r) => r.json.outcome).sort(), ["applied", "duplicate", "duplicate"]);
  assert.equal((await orderFile()).orders[reference].history.length, 1);
});

test("a tampered, stale, unsigned or wrongly signed webhook is refused with 400 and changes nothing", async () => {
  const { reference, sessionId } = await checkedOutOrder();
  const raw = eventJson({
    id: `evt_forged_${reference}`,
    type: "order.settled",
    status: "settled",
    reference,
    amount: "598000",
    sessionId,
  });
  const cases = [
    ["signature_mismatch", raw.replace('"3_months"', '"6_months"'), { "Kredivo-Signature": signature(raw) }],
    [
      "timestamp_outside_tolerance",
      raw,
      { "Kredivo-Signature": signature(raw, { t: Math.floor(Date.now() / 1000) - 301 }) },
    ],
    ["missing_header", raw, {}],
    ["signature_mismatch", raw, { "Kredivo-Signature": signature(raw, { secret: "someone-elses-secret-000" }) }],
    ["malformed_header", raw, { "Kredivo-Signature": "v1=deadbeef" }],
  ];
  for (const [reason, body, headers] of cases) {
    const res = await deliver(shop.url, body, headers);
    assert.equal(res.status, 400, reason);
    assert.equal(res.json.error.code, reason);
  }
  const { json } = await order(reference);
  assert.equal(json.status, "awaiting_payment");
  assert.deepEqual(json.history, []);
  assert.equal(
    Object.hasOwn((await orderFile()).events, `evt_forged_${reference}`),
    false,
    "a refused event is not marked as seen",
  );
});

test("a late order.pending does not move a paid order back", async () => {
  const { reference, sessionId } = await checkedOutOrder();
  for (const [id, type, status] of [
    ["a", "order.settled", "settled"],
    ["b", "order.pending", "pending"],
  ]) {
    const raw = eventJson({ id: `evt_${id}_${reference}`, type, status, reference, amount: "598000", sessionId });
    assert.equal((await deliver(shop.url, raw, { "Kredivo-Signature": signature(raw) })).status, 200);
  }
  const { json } = await order(reference);
  assert.equal(json.status, "paid");
  assert.deepEqual(
    json.history.map((h) => h.outcome),
    ["applied", "stale"],
  );
});

test("a webhook whose amount differs from the order is acknowledged but does not mark it paid", async () => {
  const { reference, sessionId } = await checkedOutOrder();
  const raw = eventJson({
    id: `evt_cheap_${reference}`,
    type: "order.settled",
    status: "settled",
    reference,
    amount: "1000",
    sessionId,
  });
  const res = await deliver(shop.url, raw, { "Kredivo-Signature": signature(raw) });
  assert.deepEqual(res, { status: 200, json: { received: true, outcome: "rejected" } });
  const { json } = await order(reference);
  assert.equal(json.status, "awaiting_payment");
  assert.match(json.problem, /amount 1000 differs from the order's 598000/);
  assert.match(shop.stderr(), /webhook disagrees with the order/);
});

test("a webhook for an order this shop does not know is acknowledged so it is not sent again", async () => {
  const raw = eventJson({
    id: "evt_stranger",
    type: "order.settled",
    status: "settled",
    reference: "INV-not-ours",
    amount: "5000",
    sessionId: "ses_x",
  });
  const res = await deliver(shop.url, raw, { "Kredivo-Signature": signature(raw) });
  assert.deepEqual(res, { status: 200, json: { received: true, outcome: "unknown_order" } });
  assert.equal((await order("INV-not-ours")).status, 404);
});

test("the return page shows the shop's own status and ignores the status in its query", async () => {
  const { reference, sessionId } = await checkedOutOrder();
  const waiting = await fetch(`${shop.url}/return/${reference}?order_id=KD-1&session_id=${sessionId}&status=settled`);
  const waitingHtml = await waiting.text();
  assert.equal(waiting.status, 200);
  assert.match(waitingHtml, /id="order-status" data-status="awaiting_payment"/);
  assert.match(waitingHtml, new RegExp(`<meta http-equiv="refresh" content="2;url=/return/${reference}\\?poll=1">`));

  const raw = eventJson({
    id: `evt_ret_${reference}`,
    type: "order.settled",
    status: "settled",
    reference,
    amount: "598000",
    sessionId,
  });
  await deliver(shop.url, raw, { "Kredivo-Signature": signature(raw) });
  const paidHtml = await (await fetch(`${shop.url}/return/${reference}?poll=3`)).text();
  assert.match(paidHtml, /id="order-status" data-status="paid"/);
  assert.doesNotMatch(paidHtml, /http-equiv="refresh"/);

  const gaveUp = await (await fetch(`${shop.url}/return/${(await checkedOutOrder()).reference}?poll=60`)).text();
  assert.doesNotMatch(gaveUp, /http-equiv="refresh"/, "polling stops after 60 refreshes");
  assert.match(gaveUp, /Check again/);
});

test("a cart form with bad input gets a 400 page naming each problem, and the proxy is not asked", async () => {
  const before = proxy.sessionRequests().length;
  const page = await postForm(
    shop.url,
    cartForm({ "qty.kopi-gayo": "1.5", email: "budi", postal_code: "1022", first_name: "" }),
  );
  assert.equal(page.status, 400);
  for (const problem of [
    "Kopi Arabika Gayo 250 g: the quantity must be a whole number from 0 to 99",
    "E-mail: expected",
    "Postal code: expected 5 digits",
    "First name: required",
  ]) {
    assert.ok(page.html.includes(problem), problem);
  }
  assert.match(page.html, /value="budi"/, "the form keeps what was typed");

  const empty = await postForm(shop.url, cartForm({ "qty.batik-parang": "0" }));
  assert.equal(empty.status, 400);
  assert.match(empty.html, /The cart is empty/);

  const hostile = await postForm(shop.url, cartForm({ first_name: '"><script>alert(1)</script>', email: "x" }));
  assert.ok(!hostile.html.includes("<script>alert(1)"), "typed text is escaped");
  assert.equal(proxy.sessionRequests().length, before);
});

test("a proxy that refuses the session gives a clear page, a logged reason and a failed order", async () => {
  proxy.next.push(() => ({
    status: 400,
    json: {
      error: {
        code: "invalid_request",
        message: "the session is invalid",
        details: ["items[0].price: must be at least 1"],
      },
    },
  }));
  const page = await postForm(shop.url, cartForm());
  assert.equal(page.status, 502);
  assert.match(page.html, /Kredivo refused this order/);
  assert.match(page.html, /invalid_request/);
  assert.doesNotMatch(page.html, /data-kredivo-checkout/);
  assert.match(shop.stderr(), /items\[0\]\.price: must be at least 1/);
  const reference = proxy.sessionRequests().at(-1).body.reference;
  const { json } = await order(reference);
  assert.equal(json.status, "checkout_failed");
  assert.match(json.problem, /^invalid_request: /);
});

test("a proxy that is unavailable for a moment is asked again with the same Idempotency-Key", async () => {
  const before = proxy.sessionRequests().length;
  proxy.next.push(() => ({ status: 503, json: { error: { code: "unavailable", message: "database unreachable" } } }));
  const page = await postForm(shop.url, cartForm());
  assert.equal(page.status, 200);
  const tries = proxy.sessionRequests().slice(before);
  assert.equal(tries.length, 2);
  assert.equal(tries[0].headers["idempotency-key"], tries[1].headers["idempotency-key"]);
  assert.equal(tries[0].text, tries[1].text, "the retry sends the same body");
});

test("a proxy that stays unavailable gives a try-again page", async () => {
  const down = () => ({ status: 503, json: { error: { code: "unavailable", message: "database unreachable" } } });
  proxy.next.push(down, down);
  const page = await postForm(shop.url, cartForm());
  assert.equal(page.status, 503);
  assert.match(page.html, /Kredivo is unavailable right now/);
});

test("a session for another amount than the order is not shown to the shopper", async () => {
  proxy.next.push((body) => ({
    status: 201,
    json: {
      session_id: "ses_odd",
      client_secret: "cs_test_00000000000000000000",
      amount: "1",
      currency: "IDR",
      expires_at: 1,
      payment_types: [],
    },
  }));
  const page = await postForm(shop.url, cartForm());
  assert.equal(page.status, 502);
  assert.doesNotMatch(page.html, /cs_test_0000/);
  assert.match(shop.stderr(), /amount_mismatch/);
});

test("bodies over the limits are refused with 413", async () => {
  const big = await fetch(`${shop.url}/webhooks/kredivo`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Kredivo-Signature": "t=1,v1=00" },
    body: "x".repeat(64 * 1024 + 1),
  });
  assert.equal(big.status, 413);
  assert.equal((await big.json()).error.code, "payload_too_large");
  // Without a Content-Length the limit is counted while reading.
  const chunk = new TextEncoder().encode("z".repeat(16 * 1024));
  let sent = 0;
  const streamed = await fetch(`${shop.url}/webhooks/kredivo`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    duplex: "half",
    body: new ReadableStream({
      pull(controller) {
        if (sent++ < 5) controller.enqueue(chunk);
        else controller.close();
      },
    }),
  });
  assert.equal(streamed.status, 413);
  const form = await postForm(shop.url, `${cartForm()}&pad=${"y".repeat(16 * 1024)}`);
  assert.equal(form.status, 413);
});

test("unknown orders, paths and methods get 404 and 405", async () => {
  assert.equal((await order("INV-00000000-0000000000000000")).status, 404);
  assert.equal((await order("..%2F..%2Fetc%2Fpasswd")).status, 404);
  assert.equal((await fetch(`${shop.url}/return/nope`)).status, 404);
  assert.equal((await fetch(`${shop.url}/nope`)).status, 404);
  const get = await fetch(`${shop.url}/webhooks/kredivo`);
  assert.equal(get.status, 405);
  assert.equal(get.headers.get("allow"), "POST");
  assert.equal((await fetch(`${shop.url}/checkout`)).status, 405);
  const wrongType = await fetch(`${shop.url}/checkout`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{}",
  });
  assert.equal(wrongType.status, 415);
});

test("a restarted shop still has its orders", async () => {
  const { reference, sessionId } = await checkedOutOrder();
  const raw = eventJson({
    id: `evt_keep_${reference}`,
    type: "order.settled",
    status: "settled",
    reference,
    amount: "598000",
    sessionId,
  });
  await deliver(shop.url, raw, { "Kredivo-Signature": signature(raw) });
  await shop.stop();
  const logs = shop.stderr();
  shop = await startShop(env());
  assert.equal((await order(reference)).json.status, "paid");
  const again = await deliver(shop.url, raw, { "Kredivo-Signature": signature(raw) });
  assert.equal(again.json.outcome, "duplicate", "event ids survive a restart");
  // Checked here, at the end, over everything the first process logged.
  assert.ok(!logs.includes(API_KEY), "the merchant key is never logged");
  assert.ok(!logs.includes(WEBHOOK_SECRET), "the webhook secret is never logged");
  assert.match(logs, /checkout session created/);
});

test("the shop refuses to start without its configuration, naming each variable", async () => {
  await assert.rejects(startShop({ PROXY_URL: "ftp://x", MERCHANT_API_KEY: "short" }), (e) => {
    assert.match(e.message, /exited with 2/);
    assert.match(e.message, /PROXY_URL must be http:\/\/ or https:\/\//);
    assert.match(e.message, /MERCHANT_API_KEY must be at least 32 characters/);
    assert.match(e.message, /MERCHANT_WEBHOOK_SECRET is required/);
    return true;
  });
});
