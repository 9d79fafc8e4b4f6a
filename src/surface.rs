//! The whole JavaScript surface of one bundle, in one place: `boot` (called by the loader),
//! `mount(el, options)` with its handle, `stats` and (badge bundle) `benchPlans`.
//!
//! `window.KredivoCheckout` itself belongs to the loader (`www/widget/loader.js`): it loads
//! the checkout bundle, the badge bundle or both, as the page needs, and sends each
//! `mount` to the bundle of the element's kind.
//!
//! Every function takes one options object through serde-wasm-bindgen and returns
//! `Result<_, JsError>`; names are camelCase. The TypeScript types ship as
//! `www/widget/kredivo-checkout.d.ts`.

use wasm_bindgen::prelude::*;
use web_sys::Element;

use crate::assets::Assets;
use crate::host::{self, MountError};
use crate::options::JsOptions;

/// The widget's version (the loader publishes it as `window.KredivoCheckout.version`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Starts the bundle: records the asset URLs, mounts every element of this bundle's kinds
/// ([`host::SELECTOR`]) and follows the document for more.
///
/// Called once by the loader with `{css, logoBlue, logoWhite, nonce, prefetched}` (`nonce`
/// optional; `prefetched`, the checkout's first payment-types answers the loader started,
/// see [`crate::net::set_prefetched`]); later calls do nothing.
#[wasm_bindgen]
pub fn boot(assets: JsValue) -> Result<(), JsError> {
    // Three strings read by name: serde-wasm-bindgen's map access for them cost ~1 KB of wasm.
    let url = |name| crate::js::text(&assets, name);
    #[cfg(feature = "checkout")]
    crate::net::set_prefetched(
        crate::js::property(&assets, "prefetched").and_then(|f| f.dyn_into().ok()),
    );
    match (url("css"), url("logoBlue"), url("logoWhite")) {
        (Some(css), Some(logo_blue), Some(logo_white)) => boot_with(Assets {
            css,
            logo_blue,
            logo_white,
            nonce: url("nonce").unwrap_or_default(),
        }),
        _ => Err(JsError::new(
            "KredivoCheckout boot: expected {css, logoBlue, logoWhite} (URLs)",
        )),
    }
}

/// [`boot`] for Rust callers (tests).
pub fn boot_with(assets: Assets) -> Result<(), JsError> {
    if !host::set_assets(assets) {
        return Ok(());
    }
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        host::scan(&root);
    }
    host::observe();
    Ok(())
}

/// A mounted widget, returned by `KredivoCheckout.mount`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Handle {
    id: u32,
}

#[wasm_bindgen]
impl Handle {
    /// Merges new options (e.g. `{cartId}` or `{amount: "150000"}`) into the widget's.
    pub fn update(&self, options: JsValue) -> Result<(), JsError> {
        let options = JsOptions::from_js(&options).map_err(js_error)?;
        host::update(self.id, options).map_err(js_error)
    }

    /// Unmounts the widget; it fires no more events. Calling it twice is harmless.
    pub fn destroy(&self) {
        host::destroy(self.id);
    }

    /// Whether the widget is still mounted.
    #[wasm_bindgen(getter)]
    pub fn mounted(&self) -> bool {
        host::is_mounted(self.id)
    }
}

/// `KredivoCheckout.mount(element, options)`: mounts a widget on an element. Mounting an
/// element twice returns the same widget, updated with `options`.
///
/// The loader's `KredivoCheckout.mount` resolves a CSS selector to its element and picks the
/// bundle of the element's kind before calling this.
#[wasm_bindgen]
pub fn mount(target: JsValue, options: JsValue) -> Result<Handle, JsError> {
    let el: Element = target.dyn_into().map_err(|_| {
        JsError::new("KredivoCheckout.mount: the first argument must be an element")
    })?;
    let options = if options.is_undefined() {
        None
    } else {
        Some(JsOptions::from_js(&options).map_err(js_error)?)
    };
    let id = host::mount(&el, options).map_err(js_error)?;
    Ok(Handle { id })
}

/// A mounting error as the `Error` JS sees, with its message.
fn js_error(e: impl Into<MountError>) -> JsError {
    JsError::new(&e.into().to_string())
}

#[cfg(feature = "badge")]
/// `benchPlans(amount, iterations)`: computes every plan of `amount` with the reference
/// table `iterations` times into one reused buffer; returns how many plans were computed.
/// The benchmark page times it with `performance.now()`.
#[wasm_bindgen(js_name = benchPlans)]
pub fn bench_plans(amount: &str, iterations: u32) -> Result<u32, JsError> {
    // A fixed message: `PlanError`'s Display would link decimal formatting into the bundle
    // for this benchmark hook alone.
    let amount = kredivo_plan::Money::parse(amount).map_err(|_| {
        JsError::new("benchPlans: the amount must be whole rupiah, e.g. \"2400000\"")
    })?;
    let table = crate::pricing::embedded();
    let mut out = Vec::with_capacity(8);
    let mut total = 0u32;
    for _ in 0..iterations {
        table.plans_into(std::hint::black_box(amount), &mut out);
        total = total.wrapping_add(std::hint::black_box(out.len()) as u32);
    }
    Ok(total)
}

/// How many widgets are mounted and how many pricing requests the page made
/// (`{mounted, pricingRequests}`), for the benchmark page and tests.
#[wasm_bindgen(js_name = stats)]
pub fn stats() -> JsValue {
    let o = js_sys::Object::new();
    let _ = js_sys::Reflect::set(
        &o,
        &"mounted".into(),
        &(host::mounted_count() as u32).into(),
    );
    let _ = js_sys::Reflect::set(
        &o,
        &"pricingRequests".into(),
        &(pricing_requests() as u32).into(),
    );
    o.into()
}

#[cfg(feature = "badge")]
fn pricing_requests() -> usize {
    crate::pricing::requests_started()
}

#[cfg(not(feature = "badge"))]
fn pricing_requests() -> usize {
    0
}
