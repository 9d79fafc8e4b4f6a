//! Request bodies of the widget API as JS objects, written field by field for
//! `JSON.stringify`.
//!
//! They write exactly what serde writes for the `kredivo_api` types (field names and order,
//! absent options left out, money as decimal strings): the browser test
//! `request_bodies_are_the_api_crates_json` compares the two for every shape the widget
//! sends, so `crates/api` stays the one definition of the protocol. Why not
//! serde-wasm-bindgen, as for answers: its serializer, instantiated for two requests, a cart,
//! a customer and an address, was ~2.5 KB of the checkout bundle's wasm (`cargo xtask dist`);
//! these are a handful of `Reflect.set` calls each.

use js_sys::{Array, Object, Reflect};
use kredivo_api::{Address, CartLine, CheckoutRequest, Customer, PaymentTypesRequest};
use kredivo_plan::Money;
use rust_decimal::Decimal;
use wasm_bindgen::JsValue;

/// A JS object under construction.
struct Fields(Object);

impl Fields {
    fn new() -> Fields {
        Fields(Object::new())
    }

    fn set(&self, key: &str, value: &JsValue) {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&self.0, &JsValue::from_str(key), value);
    }

    fn text(&self, key: &str, value: &str) {
        self.set(key, &JsValue::from_str(value));
    }

    /// An optional text field: absent when `None`, as `skip_serializing_if` leaves it.
    fn maybe(&self, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.text(key, v);
        }
    }

    fn done(self) -> JsValue {
        self.0.into()
    }
}

/// `POST payment-types`: [`PaymentTypesRequest`].
pub fn payment_types(r: &PaymentTypesRequest) -> JsValue {
    let o = Fields::new();
    o.maybe("session", r.session.as_deref());
    if let Some(lines) = &r.cart {
        o.set("cart", &cart(lines));
    }
    o.maybe("cart_id", r.cart_id.as_deref());
    if let Some(amount) = r.amount {
        o.text("amount", &money(amount));
    }
    o.done()
}

/// `POST checkout`: [`CheckoutRequest`].
pub fn checkout(r: &CheckoutRequest) -> JsValue {
    let o = Fields::new();
    o.maybe("session", r.session.as_deref());
    if let Some(lines) = &r.cart {
        o.set("cart", &cart(lines));
    }
    o.maybe("cart_id", r.cart_id.as_deref());
    o.text("payment_type", &r.payment_type);
    o.text("idempotency_key", &r.idempotency_key);
    if let Some(c) = &r.customer {
        o.set("customer", &customer(c));
    }
    if let Some(a) = &r.shipping_address {
        o.set("shipping_address", &address(a));
    }
    o.done()
}

fn cart(lines: &[CartLine]) -> JsValue {
    let list = Array::new();
    for line in lines {
        let o = Fields::new();
        o.text("product_id", &line.product_id);
        o.set("quantity", &JsValue::from(line.quantity));
        list.push(&o.done());
    }
    list.into()
}

fn customer(c: &Customer) -> JsValue {
    let o = Fields::new();
    o.text("first_name", &c.first_name);
    o.maybe("last_name", c.last_name.as_deref());
    o.text("email", &c.email);
    o.text("phone", &c.phone);
    o.done()
}

fn address(a: &Address) -> JsValue {
    let o = Fields::new();
    o.text("first_name", &a.first_name);
    o.maybe("last_name", a.last_name.as_deref());
    o.text("address", &a.address);
    o.text("city", &a.city);
    o.text("postal_code", &a.postal_code);
    o.text("phone", &a.phone);
    o.text("country_code", &a.country_code);
    o.done()
}

/// Money as the protocol writes it, a decimal string of whole rupiah, written from the
/// integer: `Decimal`'s own formatting would link ~1.3 KB of wasm for this one field.
///
/// The widget's amounts are whole rupiah by construction (`options::parse_amount`); a
/// decimal that is not would be written empty, which the proxy refuses rather than prices.
fn money(amount: Decimal) -> String {
    Money::try_from(amount)
        .map(|m| m.to_rupiah_u64().to_string())
        .unwrap_or_default()
}
