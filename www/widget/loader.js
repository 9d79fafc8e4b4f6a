// Kredivo Checkout loader.
//
// `cargo xtask dist` copies this template to dist/kredivo-checkout.js and replaces the
// placeholders with content-hashed file names next to it.
//
// The widget ships as three wasm bundles: the checkout widget (`[data-kredivo-checkout]`),
// the installment badges with the plan calculator (`[data-kredivo-badge]`) and the shop
// counter's QR screen (`[data-kredivo-qr]`). The loader
// fetches the bundle of each kind the page has, initialises it and calls its boot(), which
// mounts every element of that kind, now and later. A kind that appears later (still being
// parsed, or added by a single-page app) is loaded then; a page with neither loads nothing
// until it asks with KredivoCheckout.load(kind).
//
// window.KredivoCheckout is the loader's: `version`, `load(kind)`, `mount(target, options)`
// (sent to the bundle of the element's kind, which must be loaded), `stats()` and
// `benchPlans(amount, n)` (badge bundle).
//
// Works under `script-src 'self' 'wasm-unsafe-eval'; style-src 'self'`: no eval, no inline
// script or style, no blob URLs; and under nonce-only policies (see `nonce` below).
// Including the script twice (even from two URLs) loads and mounts once. The guard is a
// registered symbol, which no element's id or name can shadow (DOM clobbering).
const g = globalThis;
const started = Symbol.for("kredivo.checkout");
if (!g[started]) {
  g[started] = true;
  const at = (name) => new URL(name, import.meta.url).href;
  // Marks for `cargo xtask bench` (www/bench.html reads them with the resource timings);
  // performance.mark is optional.
  const mark = (name) => {
    try {
      performance.mark(name);
    } catch (_) {}
  };
  mark("kredivo:loader-start");
  const version = "__VERSION__";
  const logos = { logoBlue: at("__LOGO_BLUE__"), logoWhite: at("__LOGO_WHITE__") };
  // Under a policy that allows styles by nonce only, the stylesheet link the widget adds to
  // each shadow root carries the nonce of the page's scripts (one per response). The loader
  // is a module (no document.currentScript): its own tag tells it, else (imported by a
  // bundle) any nonced script.
  const own = [...document.scripts].find((s) => s.src === import.meta.url);
  const nonce = (own && own.nonce) || (document.querySelector("script[nonce]") || {}).nonce || "";
  // Each bundle has its own stylesheet (the shared rules and its own).
  const bundles = {
    checkout: { js: "__CHECKOUT_JS__", wasm: "__CHECKOUT_WASM__", css: "__CHECKOUT_CSS__", selector: "[data-kredivo-checkout]:not([data-kredivo-badge])" },
    badge: { js: "__BADGE_JS__", wasm: "__BADGE_WASM__", css: "__BADGE_CSS__", selector: "[data-kredivo-badge]" },
    qr: { js: "__QR_JS__", wasm: "__QR_WASM__", css: "__QR_CSS__", selector: "[data-kredivo-qr]:not([data-kredivo-badge])" },
  };
  const kinds = Object.keys(bundles);
  const loading = {};
  const failed = {};
  const booted = {};

  const known = (kind) => typeof kind === "string" && Object.hasOwn(bundles, kind);
  const unknown = (what, kind) =>
    new TypeError(`KredivoCheckout.${what}: unknown widget kind ${JSON.stringify(kind)} (use "checkout", "badge" or "qr")`);

  // The first payment-types request of each checkout already in the page, started here,
  // while its bundle downloads and compiles, instead of after: the bundle takes an answer
  // (once) when it asks for exactly the same URL and body (src/net/mod.rs, `prefetched`);
  // anything else it fetches itself. Only the plain attribute forms are started here: a
  // session, a cart id or an amount of plain digits (a `data-cart` list is left to the
  // widget). The bundle's abort signal (its timeout) aborts a request it takes.
  const prefetched = new Map();
  const prefetch = () => {
    for (const el of document.querySelectorAll(bundles.checkout.selector)) {
      const d = el.dataset;
      const [session, cart_id, amount] = [d.session, d.cartId, d.amount].map((v) => (v || "").trim());
      const body = session ? { session } : "cart" in d ? 0 : cart_id ? { cart_id } : /^[1-9]\d{0,14}$/.test(amount) && { amount };
      if (body) {
        const url = `${(d.proxy || "").trim().replace(/\/+$/, "")}/api/kredivo/v1/payment-types`;
        const abort = new AbortController();
        const init = { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), signal: abort.signal };
        const response = fetch(url, init);
        response.catch(() => {}); // not taken: nobody waits for it
        prefetched.set(`${url}\n${init.body}`, { response, abort });
      }
    }
  };
  const takePrefetched = (url, body, signal) => {
    const key = `${url}\n${body}`;
    const entry = prefetched.get(key);
    if (entry) {
      prefetched.delete(key);
      signal.addEventListener("abort", () => entry.abort.abort());
      return entry.response;
    }
  };

  const load = (kind) => {
    if (!known(kind)) {
      return Promise.reject(unknown("load", kind));
    }
    const b = bundles[kind];
    if (!loading[kind]) {
      delete failed[kind];
      const wasm = fetch(at(b.wasm));
      if (kind === "checkout") {
        prefetch();
      }
      loading[kind] = import(at(b.js))
        .then(async (glue) => {
          await glue.default({ module_or_path: wasm });
          mark(`kredivo:${kind}-instantiated`);
          glue.boot({ ...logos, css: at(b.css), nonce, prefetched: takePrefetched });
          booted[kind] = glue;
          document.dispatchEvent(new CustomEvent("kredivo:loaded", { detail: { version, widget: kind } }));
        })
        .catch((error) => {
          // Not retried on every DOM change; KredivoCheckout.load(kind) tries again.
          delete loading[kind];
          failed[kind] = true;
          console.error(`Kredivo Checkout could not start the ${kind} widget:`, error);
          throw error;
        });
    }
    return loading[kind];
  };

  // The same rule as the widget's options: `kind`, else a badge attribute makes a badge, a
  // QR attribute a QR screen, anything else a checkout.
  const kindOf = (el, options) =>
    (options && options.kind) ||
    (el.hasAttribute("data-kredivo-badge") ? "badge" : el.hasAttribute("data-kredivo-qr") ? "qr" : "checkout");

  const bundleFor = (kind, what) => {
    if (!known(kind)) {
      throw unknown(what, kind);
    }
    const glue = booted[kind];
    if (!glue) {
      throw new Error(`KredivoCheckout.${what}: the ${kind} widget is not loaded yet; await KredivoCheckout.load("${kind}") first`);
    }
    return glue;
  };

  g.KredivoCheckout = Object.freeze({
    version,
    load: (kind) => load(kind).then(() => undefined),
    mount(target, options) {
      const el = typeof target === "string" ? document.querySelector(target) : target;
      if (!(el instanceof Element)) {
        throw new TypeError(
          typeof target === "string"
            ? `KredivoCheckout.mount: nothing matches ${JSON.stringify(target)}`
            : "KredivoCheckout.mount: the first argument must be an element",
        );
      }
      return bundleFor(kindOf(el, options), "mount").mount(el, options);
    },
    stats() {
      const total = { mounted: 0, pricingRequests: 0 };
      for (const glue of Object.values(booted)) {
        const s = glue.stats();
        total.mounted += s.mounted;
        total.pricingRequests += s.pricingRequests;
      }
      return total;
    },
    benchPlans: (amount, iterations) => bundleFor("badge", "benchPlans").benchPlans(amount, iterations),
  });

  // Loads the bundle of every kind on the page; follows the page until every kind is loaded.
  const wanted = () =>
    kinds.filter((k) => !loading[k] && !failed[k] && document.querySelector(bundles[k].selector));
  const start = () => {
    const all = wanted().map(load);
    g[started] = Promise.allSettled(all).then(() => g.KredivoCheckout);
    if (kinds.every((k) => loading[k])) {
      return;
    }
    const observer = new MutationObserver(() => {
      for (const k of wanted()) {
        load(k).catch(() => {});
      }
      if (kinds.every((k) => loading[k])) {
        observer.disconnect();
      }
    });
    observer.observe(document.documentElement, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ["data-kredivo-checkout", "data-kredivo-badge", "data-kredivo-qr"],
    });
  };
  // Started at once: elements parsed after this point reach the observer.
  start();
}
