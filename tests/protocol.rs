//! The widget writes its requests and reads its small answers by hand (for size, see
//! `net::body` and `net::answer`); these tests hold both to what `serde_json` writes for the
//! `kredivo_api` types, field for field, so the protocol crate stays the one definition.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use kredivo_api::{
    Address, CartLine, CheckoutRequest, CheckoutResponse, Customer, OrderStatus, OrderView,
    PaymentTypesRequest,
};
use kredivo_checkout::net::{body, Answer};
use rust_decimal::Decimal;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn stringify(v: &JsValue) -> String {
    String::from(js_sys::JSON::stringify(v).unwrap())
}

fn checkout(session: Option<&str>, cart_id: Option<&str>) -> CheckoutRequest {
    CheckoutRequest {
        session: session.map(str::to_owned),
        cart: None,
        cart_id: cart_id.map(str::to_owned),
        payment_type: "6_months".into(),
        idempotency_key: "0123456789abcdef0123456789abcdef".into(),
        customer: None,
        shipping_address: None,
    }
}

#[wasm_bindgen_test]
fn request_bodies_are_the_api_crates_json() {
    let lines = vec![
        CartLine {
            product_id: "batik-parang-m".into(),
            quantity: 2,
        },
        CartLine {
            product_id: "kopi-gayo".into(),
            quantity: 9_999,
        },
    ];
    let payment_types = [
        PaymentTypesRequest {
            session: Some("cs_secret".into()),
            ..PaymentTypesRequest::default()
        },
        PaymentTypesRequest {
            cart: Some(lines.clone()),
            ..PaymentTypesRequest::default()
        },
        PaymentTypesRequest {
            cart_id: Some("cart-1".into()),
            ..PaymentTypesRequest::default()
        },
        PaymentTypesRequest {
            amount: Some(Decimal::from(2_400_000)),
            ..PaymentTypesRequest::default()
        },
    ];
    for r in &payment_types {
        assert_eq!(
            stringify(&body::payment_types(r)),
            serde_json::to_string(r).unwrap()
        );
    }

    let (customer, address) = shopper();
    let address = Address {
        last_name: None,
        ..address
    };
    let mut catalogue = checkout(None, None);
    catalogue.cart = Some(lines);
    catalogue.customer = Some(Customer {
        last_name: None,
        ..customer.clone()
    });
    catalogue.shipping_address = Some(address.clone());
    let mut by_id = checkout(None, Some("cart-1"));
    by_id.customer = Some(customer);
    by_id.shipping_address = Some(Address {
        last_name: Some("Tandra".into()),
        ..address
    });
    for r in [
        checkout(Some("cs_secret"), None),
        catalogue,
        by_id,
        checkout(None, Some("cart-2")),
    ] {
        assert_eq!(
            stringify(&body::checkout(&r)),
            serde_json::to_string(&r).unwrap()
        );
    }
}

#[wasm_bindgen_test]
fn answers_as_serde_writes_them_are_read_back_exactly() {
    for status in OrderStatus::ALL {
        let order = OrderView {
            order_id: "o-1".into(),
            status,
            amount: Decimal::from(2_400_000),
            payment_type: "3_months".into(),
        };
        assert_eq!(OrderView::read(js_json(&order)), Some(order), "{status:?}");
    }
    for redirect_url in [
        None,
        Some("https://sandbox.kredivo.test/signin?tk=1".to_owned()),
    ] {
        let answer = CheckoutResponse {
            order_id: "o-2".into(),
            status: OrderStatus::Pending,
            redirect_url,
        };
        assert_eq!(CheckoutResponse::read(js_json(&answer)), Some(answer));
    }
}

#[wasm_bindgen_test]
fn answers_that_are_not_the_documented_shape_are_refused() {
    let parse = |json: &str| js_sys::JSON::parse(json).unwrap();
    for (json, why) in [
        (r#"{"status":"pending"}"#, "no order id"),
        (r#"{"order_id":"o-1","status":"paid"}"#, "an unknown status"),
        (r#"{"order_id":7,"status":"pending"}"#, "a numeric order id"),
        (
            r#"{"order_id":"o-1","status":"pending","redirect_url":5}"#,
            "a redirect that is not a string",
        ),
    ] {
        assert_eq!(CheckoutResponse::read(parse(json)), None, "{why}");
    }
    for (json, why) in [
        (
            r#"{"order_id":"o-1","status":"settled","amount":2400000,"payment_type":"3_months"}"#,
            "money as a JSON number",
        ),
        (
            r#"{"order_id":"o-1","status":"settled","amount":"2,400,000","payment_type":"3_months"}"#,
            "money that is not a decimal",
        ),
        (
            r#"{"order_id":"o-1","status":"settled","amount":"2400000"}"#,
            "no payment type",
        ),
    ] {
        assert_eq!(OrderView::read(parse(json)), None, "{why}");
    }
}
