//! What the page supplies, read into [`JsOptions`] and [`Options`]: the options object of
//! `KredivoCheckout.mount(el, options)` (property by property) and the host element's
//! `data-*` attributes.

use wasm_bindgen::JsValue;
use web_sys::Element;

use super::{parse, JsOptions, Kind, OptionError, Options, Source};
use crate::js::property;

impl JsOptions {
    /// Reads the options object property by property (`Reflect.get`), the way the TypeScript
    /// types describe it; unknown properties are ignored, and a property of the wrong type is
    /// an error that names it. `undefined` and `null` are no options.
    ///
    /// Not a serde derive: a derived `Deserialize` for these optional fields, driven through
    /// serde-wasm-bindgen's map access, cost each bundle ~1 KB brotli more (measured with
    /// `cargo xtask dist`). The text options are read by one loop over a table rather than
    /// one call each, whose error paths each dropped the fields read before them (5.5 KB of
    /// wasm in all). The cart keeps serde: it is the one nested list.
    pub fn from_js(options: &JsValue) -> Result<JsOptions, OptionError> {
        let mut o = JsOptions::default();
        if options.is_undefined() || options.is_null() {
            return Ok(o);
        }
        if !options.is_object() {
            return Err(OptionError::NotAnObject);
        }
        let get = |name: &str| property(options, name);
        let wrong = |field, rule| OptionError::WrongType { field, rule };
        for (name, slot) in [
            ("kind", &mut o.kind),
            ("proxy", &mut o.proxy),
            ("session", &mut o.session),
            ("cartId", &mut o.cart_id),
            ("locale", &mut o.locale),
            ("theme", &mut o.theme),
            ("logo", &mut o.logo),
            ("pricing", &mut o.pricing),
            ("revision", &mut o.revision),
        ] {
            if let Some(v) = get(name) {
                *slot = Some(v.as_string().ok_or(wrong(name, "must be a string"))?);
            }
        }
        #[cfg(feature = "qr")]
        if let Some(v) = get("qr") {
            o.qr = Some(v.as_string().ok_or(wrong("qr", "must be a string"))?);
        }
        // A whole number of up to 2^53 (every integer a JS number holds exactly).
        let whole = |v: &JsValue| {
            v.as_f64()
                .filter(|n| n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0)
                .map(|n| n as i64)
        };
        if let Some(v) = get("amount") {
            o.amount = Some(match (v.as_string(), v.as_f64()) {
                (Some(text), _) => text,
                // Printed as an integer (no float formatting); a fraction stays text that
                // the option parser then reports as an invalid amount.
                (None, Some(_)) => {
                    whole(&v).map_or_else(|| "not-a-whole-number".into(), |n| n.to_string())
                }
                (None, None) => {
                    return Err(wrong(
                        "amount",
                        "must be a string of digits or a whole number",
                    ))
                }
            });
        }
        if let Some(v) = get("buttonWidth") {
            o.button_width = Some(
                whole(&v)
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or(wrong("buttonWidth", "must be a whole number of pixels"))?,
            );
        }
        if let Some(v) = get("cart") {
            #[cfg(feature = "checkout")]
            {
                o.cart =
                    Some(serde_wasm_bindgen::from_value(v).map_err(|_| {
                        wrong("cart", "must be an array of {product_id, quantity}")
                    })?);
            }
            // This bundle mounts only badges, which take an amount (see `cart_from_json`).
            #[cfg(not(feature = "checkout"))]
            {
                let _ = v;
                return Err(wrong(
                    "cart",
                    "is for the checkout widget; a badge takes `amount`",
                ));
            }
        }
        // The catalogue checkout's shopper: read in the checkout bundle only (a badge never
        // pays, and its bundle has no field for them).
        #[cfg(feature = "checkout")]
        {
            if let Some(v) = get("customer") {
                o.shopper.customer = Some(customer_from(&v)?);
            }
            if let Some(v) = get("shippingAddress") {
                o.shopper.shipping_address = Some(address_from(&v)?);
            }
        }
        Ok(o)
    }
}

/// Fills each slot with the string property of `object` it names; a missing one stays empty
/// (the proxy then names it in its `invalid_request` answer). Not an object, or a property
/// that is not a string, is an error naming `field`.
#[cfg(feature = "checkout")]
fn fill(
    object: &JsValue,
    field: &'static str,
    slots: &mut [(&str, &mut String)],
) -> Result<(), OptionError> {
    let wrong = || OptionError::WrongType {
        field,
        rule: "must be an object whose fields are strings",
    };
    if !object.is_object() {
        return Err(wrong());
    }
    for (key, slot) in slots {
        if let Some(v) = property(object, key) {
            **slot = v.as_string().ok_or_else(wrong)?;
        }
    }
    Ok(())
}

/// An empty last name is none (many Indonesians have one name).
#[cfg(feature = "checkout")]
fn optional(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// `customer`: `{first_name, last_name?, email, phone}`, as the widget API spells it.
#[cfg(feature = "checkout")]
fn customer_from(v: &JsValue) -> Result<kredivo_api::Customer, OptionError> {
    let [mut first_name, mut last_name, mut email, mut phone] = Default::default();
    fill(
        v,
        "customer",
        &mut [
            ("first_name", &mut first_name),
            ("last_name", &mut last_name),
            ("email", &mut email),
            ("phone", &mut phone),
        ],
    )?;
    Ok(kredivo_api::Customer {
        first_name,
        last_name: optional(last_name),
        email,
        phone,
    })
}

/// `shippingAddress`: `{first_name, last_name?, address, city, postal_code, phone,
/// country_code}`, as the widget API spells it.
#[cfg(feature = "checkout")]
fn address_from(v: &JsValue) -> Result<kredivo_api::Address, OptionError> {
    let [mut first_name, mut last_name, mut address, mut city, mut postal_code, mut phone, mut country_code]: [String; 7] =
        Default::default();
    fill(
        v,
        "shippingAddress",
        &mut [
            ("first_name", &mut first_name),
            ("last_name", &mut last_name),
            ("address", &mut address),
            ("city", &mut city),
            ("postal_code", &mut postal_code),
            ("phone", &mut phone),
            ("country_code", &mut country_code),
        ],
    )?;
    Ok(kredivo_api::Address {
        first_name,
        last_name: optional(last_name),
        address,
        city,
        postal_code,
        phone,
        country_code,
    })
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
    parse(&attr, Some(js), page_lang().as_deref())
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
    let qr = cfg!(feature = "qr")
        && (js.kind.as_deref() == Some("qr")
            || (js.kind.is_none() && el.has_attribute("data-kredivo-qr")));
    o.kind = if badge {
        Kind::Badge
    } else if qr {
        Kind::Qr
    } else {
        Kind::Checkout
    };
    o.source = Source::Invalid(e.to_string());
    o
}

/// `<html lang>`, or what a [`PageLang`] pass read of it.
fn page_lang() -> Option<String> {
    #[cfg(feature = "badge")]
    if let Some(lang) = PASS_LANG.with_borrow(Clone::clone) {
        return lang;
    }
    document_lang()
}

#[cfg(feature = "badge")]
thread_local! {
    /// `<html lang>` as the live [`PageLang`] read it.
    static PASS_LANG: std::cell::RefCell<Option<Option<String>>> = const { std::cell::RefCell::new(None) };
}

/// While it lives, [`read`] takes `<html lang>` as read when it was made instead of reading
/// it again for every host: its four calls into the browser were a third of the options
/// phase of 200 badges. For a pass over many hosts that cannot change `<html lang>` (a batch
/// of badges); bundles with badges only, as the others mount a few widgets one at a time.
#[cfg(feature = "badge")]
pub struct PageLang(Option<Option<String>>);

#[cfg(feature = "badge")]
impl PageLang {
    /// Reads `<html lang>` once for the pass.
    pub fn read_once() -> PageLang {
        PageLang(PASS_LANG.replace(Some(document_lang())))
    }
}

#[cfg(feature = "badge")]
impl Drop for PageLang {
    fn drop(&mut self) {
        PASS_LANG.set(self.0.take());
    }
}
