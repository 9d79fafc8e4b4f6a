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

use crate::host::{self, Assets};
use crate::options::JsOptions;

/// The widget's version (the loader publishes it as `window.KredivoCheckout.version`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Starts the bundle: records the asset URLs, mounts every element of this bundle's kinds
/// ([`host::SELECTOR`]) and follows the document for more.
///
/// Called once by the loader with `{css, logoBlue, logoWhite}`; later calls do nothing.
#[wasm_bindgen]
pub fn boot(assets: JsValue) -> Result<(), JsError> {
    let assets: Assets = serde_wasm_bindgen::from_value(assets).map_err(|_| {
        JsError::new("KredivoCheckout boot: expected {css, logoBlue, logoWhite} (URLs)")
    })?;
    boot_with(assets)
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
        host::update(self.id, parse_options(options)?).map_err(|e| JsError::new(&e.0))
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

/// Reads the options object property by property (`Reflect.get`), the way the TypeScript
/// types describe it; unknown properties are ignored and a property of the wrong type is an
/// error that names it.
///
/// Not a serde derive: a derived `Deserialize` for these eleven optional fields, driven
/// through serde-wasm-bindgen's map access, cost each bundle ~1 KB brotli more (measured
/// with `cargo xtask dist`). The cart keeps serde: it is the one nested value.
fn parse_options(options: JsValue) -> Result<JsOptions, JsError> {
    let error = |what: &str| JsError::new(&format!("KredivoCheckout options: {what}"));
    if options.is_undefined() || options.is_null() {
        return Ok(JsOptions::default());
    }
    if !options.is_object() {
        return Err(error("expected an object"));
    }
    let get = |name: &str| {
        js_sys::Reflect::get(&options, &JsValue::from_str(name))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    };
    let text = |name: &str| match get(name) {
        None => Ok(None),
        Some(v) => v
            .as_string()
            .map(Some)
            .ok_or_else(|| error(&format!("`{name}` must be a string"))),
    };
    // A whole number of up to 2^53 (every integer a JS number holds exactly).
    let whole = |v: &JsValue| {
        v.as_f64()
            .filter(|n| n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0)
            .map(|n| n as i64)
    };
    let amount = match get("amount") {
        None => None,
        Some(v) if v.as_string().is_some() => v.as_string(),
        // Printed as an integer (no float formatting); a fraction stays text that the
        // option parser then reports as an invalid amount.
        Some(v) if v.as_f64().is_some() => {
            Some(whole(&v).map_or_else(|| "not-a-whole-number".into(), |n| n.to_string()))
        }
        Some(_) => {
            return Err(error(
                "`amount` must be a string of digits or a whole number",
            ))
        }
    };
    let button_width = match get("buttonWidth") {
        None => None,
        Some(v) => Some(
            whole(&v)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| error("`buttonWidth` must be a whole number of pixels"))?,
        ),
    };
    let cart = match get("cart") {
        None => None,
        #[cfg(feature = "checkout")]
        Some(v) => Some(
            serde_wasm_bindgen::from_value(v)
                .map_err(|_| error("`cart` must be an array of {product_id, quantity}"))?,
        ),
        // This bundle mounts only badges, which take an amount (see options::cart_from_json).
        #[cfg(not(feature = "checkout"))]
        Some(_) => {
            return Err(error(
                "`cart` is for the checkout widget; a badge takes `amount`",
            ))
        }
    };
    Ok(JsOptions {
        kind: text("kind")?,
        proxy: text("proxy")?,
        cart,
        cart_id: text("cartId")?,
        amount,
        locale: text("locale")?,
        theme: text("theme")?,
        logo: text("logo")?,
        button_width,
        pricing: text("pricing")?,
        revision: text("revision")?,
    })
}

/// `KredivoCheckout.mount(target, options)`: mounts a widget on an element (or the first
/// element matching a CSS selector). Mounting an element twice returns the same widget,
/// updated with `options`.
#[wasm_bindgen]
pub fn mount(target: JsValue, options: JsValue) -> Result<Handle, JsError> {
    let el: Element = match target.as_string() {
        Some(selector) => web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(&selector).ok().flatten())
            .ok_or_else(|| {
                JsError::new(&format!(
                    "KredivoCheckout.mount: nothing matches \"{selector}\""
                ))
            })?,
        None => target.dyn_into().map_err(|_| {
            JsError::new("KredivoCheckout.mount: the first argument must be an element")
        })?,
    };
    let options = if options.is_undefined() {
        None
    } else {
        Some(parse_options(options)?)
    };
    let id = host::mount(&el, options).map_err(|e| JsError::new(&e.0))?;
    Ok(Handle { id })
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
