// Kredivo Checkout loader.
//
// `cargo xtask dist` copies this template to dist/kredivo-checkout.js and replaces the
// placeholders with content-hashed file names next to it. It fetches the wasm while the
// wasm-bindgen glue loads, initialises it, then calls boot(), which mounts every
// [data-kredivo-checkout] and [data-kredivo-badge] element, now and later.
//
// Works under `script-src 'self' 'wasm-unsafe-eval'`: no eval, no inline script, no blob URLs.
// Including the script twice (even from two URLs) loads and mounts once.
const g = globalThis;
if (!g.__kredivoCheckout) {
  const at = (name) => new URL(name, import.meta.url).href;
  try {
    performance.mark("kredivo:loader-start");
  } catch (_) {
    // performance.mark is optional.
  }
  const wasm = fetch(at("__WASM__"));
  g.__kredivoCheckout = import(at("__BINDGEN_JS__"))
    .then(async (glue) => {
      await glue.default({ module_or_path: wasm });
      glue.boot({ css: at("__CSS__"), logoBlue: at("__LOGO_BLUE__"), logoWhite: at("__LOGO_WHITE__") });
      document.dispatchEvent(new CustomEvent("kredivo:loaded", { detail: { version: g.KredivoCheckout.version } }));
      return g.KredivoCheckout;
    })
    .catch((error) => {
      console.error("Kredivo Checkout could not start:", error);
      throw error;
    });
}
