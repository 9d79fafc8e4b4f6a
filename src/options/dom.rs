//! What the page supplies, read into [`JsOptions`] and [`Options`]: the options object of
//! `KredivoCheckout.mount(el, options)` (property by property) and the host element's
//! `data-*` attributes.

use wasm_bindgen::JsValue;
use web_sys::Element;

use super::{parse, JsOptions, Kind, OptionError, Options, Source};

impl JsOptions {
    /// Reads the options object property by property (`Reflect.get`), the way the TypeScript
    /// types describe it; unknown properties are ignored, and a property of the wrong type is
    /// an error that names it. `undefined` and `null` are no options.
    ///
    /// Not a serde derive: a derived `Deserialize` for these optional fields, driven through
    /// serde-wasm-bindgen's map access, cost each bundle ~1 KB brotli more (measured with
    /// `cargo xtask dist`). The cart keeps serde: it is the one nested value.
    pub fn from_js(options: &JsValue) -> Result<JsOptions, OptionError> {
        if options.is_undefined() || options.is_null() {
            return Ok(JsOptions::default());
        }
        if !options.is_object() {
            return Err(OptionError::NotAnObject);
        }
        let wrong = |field, rule| OptionError::WrongType { field, rule };
        let get = |name: &str| {
            js_sys::Reflect::get(options, &JsValue::from_str(name))
                .ok()
                .filter(|v| !v.is_undefined() && !v.is_null())
        };
        let text = |name: &'static str| match get(name) {
            None => Ok(None),
            Some(v) => v
                .as_string()
                .map(Some)
                .ok_or_else(|| wrong(name, "must be a string")),
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
                return Err(wrong(
                    "amount",
                    "must be a string of digits or a whole number",
                ))
            }
        };
        let button_width = match get("buttonWidth") {
            None => None,
            Some(v) => Some(
                whole(&v)
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| wrong("buttonWidth", "must be a whole number of pixels"))?,
            ),
        };
        let cart = match get("cart") {
            None => None,
            #[cfg(feature = "checkout")]
            Some(v) => Some(
                serde_wasm_bindgen::from_value(v)
                    .map_err(|_| wrong("cart", "must be an array of {product_id, quantity}"))?,
            ),
            // This bundle mounts only badges, which take an amount (see `cart_from_json`).
            #[cfg(not(feature = "checkout"))]
            Some(_) => {
                return Err(wrong(
                    "cart",
                    "is for the checkout widget; a badge takes `amount`",
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
}

fn document_lang() -> Option<String> {
    web_sys::window()?
        .document()?
        .document_element()?
        .get_attribute("lang")
}

/// A host's options: its attributes, overridden by `js`, with `<html lang>` as the default
/// locale.
pub fn read(el: &Element, js: &JsOptions) -> Result<Options, OptionError> {
    let attr = |name: &str| el.get_attribute(name);
    parse(&attr, Some(js), document_lang().as_deref())
}

/// What a host whose options cannot be read shows: its kind, language, theme and proxy if
/// those can be read, and [`Source::Invalid`], which the widget shows as `invalid_options`.
/// The error also goes to the console, for the merchant.
pub fn fallback(el: &Element, js: &JsOptions, e: &OptionError) -> Options {
    web_sys::console::error_1(&format!("Kredivo widget: {e}").into());
    let badge = js.kind.as_deref() == Some("badge")
        || (js.kind.is_none() && el.has_attribute("data-kredivo-badge"));
    let attr = |name: &str| match name {
        "data-locale" | "data-theme" | "data-logo" | "data-proxy" => el.get_attribute(name),
        _ => None,
    };
    // With no attributes at all nothing can be malformed, so the inner parse always succeeds.
    let mut o = match parse(&attr, None, document_lang().as_deref()) {
        Ok(o) => o,
        Err(_) => match parse(&|_| None, None, None) {
            Ok(o) => o,
            Err(_) => unreachable!("empty options always parse"),
        },
    };
    o.kind = if badge { Kind::Badge } else { Kind::Checkout };
    o.source = Source::Invalid(e.to_string());
    o
}
