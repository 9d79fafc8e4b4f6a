//! Answers of the widget API, read from the value `Response.json()` gave.
//!
//! The large answers (plans, the pricing table) go through serde-wasm-bindgen and the
//! `kredivo_api` derives. The small ones the checkout polls and branches on are read by name:
//! their derived deserializers (an order status visitor, a decimal reader, three structs)
//! cost the checkout bundle more than these few lines. Each reader is strict where serde
//! would be (a missing or mistyped field is a bad answer); the browser tests feed them the
//! JSON that `serde_json` writes for the `kredivo_api` types, so the two cannot drift.

use kredivo_api::{CheckoutResponse, OrderStatus, OrderView, PaymentTypesResponse};
use wasm_bindgen::JsValue;

use crate::js::{property, text};

/// An answer body the widget can read; `None` when it is not the documented shape.
pub trait Answer: Sized {
    /// Reads the parsed JSON body.
    fn read(v: JsValue) -> Option<Self>;
}

impl Answer for PaymentTypesResponse {
    fn read(v: JsValue) -> Option<Self> {
        serde_wasm_bindgen::from_value(v).ok()
    }
}

#[cfg(feature = "badge")]
impl Answer for kredivo_plan::PricingTable {
    fn read(v: JsValue) -> Option<Self> {
        serde_wasm_bindgen::from_value(v).ok()
    }
}

/// An optional text field: absent (or `null`) is `None`, anything but a string is a bad
/// answer.
fn optional_text(v: &JsValue, name: &str) -> Option<Option<String>> {
    match property(v, name) {
        None => Some(None),
        Some(s) => s.as_string().map(Some),
    }
}

fn status(v: &JsValue) -> Option<OrderStatus> {
    OrderStatus::parse(&text(v, "status")?)
}

impl Answer for CheckoutResponse {
    fn read(v: JsValue) -> Option<Self> {
        Some(CheckoutResponse {
            order_id: text(&v, "order_id")?,
            status: status(&v)?,
            redirect_url: optional_text(&v, "redirect_url")?,
        })
    }
}

impl Answer for OrderView {
    fn read(v: JsValue) -> Option<Self> {
        Some(OrderView {
            order_id: text(&v, "order_id")?,
            status: status(&v)?,
            amount: kredivo_plan::decimal::parse_exact(&text(&v, "amount")?)?,
            payment_type: text(&v, "payment_type")?,
        })
    }
}

/// The stable code of an error answer (`{"error": {"code", "message", "details"?}}`), and
/// whether it names fields (`details`).
pub fn error_code(v: &JsValue) -> Option<(String, bool)> {
    let error = property(v, "error")?;
    let details = property(&error, "details")
        .is_some_and(|d| js_sys::Array::is_array(&d) && js_sys::Array::from(&d).length() > 0);
    Some((text(&error, "code")?, details))
}

#[cfg(feature = "qr")]
impl Answer for crate::model::qr::QrScreen {
    fn read(v: JsValue) -> Option<Self> {
        let seconds = property(&v, "seconds_left")?.as_f64()?;
        Some(crate::model::qr::QrScreen {
            order_id: text(&v, "order_id")?,
            status: status(&v)?,
            amount: kredivo_plan::Money::parse(&text(&v, "amount")?).ok()?,
            // A count the proxy cannot mean (negative, fractional, beyond a day) is a bad answer.
            seconds_left: ((0.0..=86_400.0).contains(&seconds) && seconds.fract() == 0.0)
                .then_some(seconds as u32)?,
            image: text(&v, "qr_image_url").filter(|u| crate::model::is_safe_redirect(u))?,
        })
    }
}
