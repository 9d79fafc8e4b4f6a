//! Sessions and the shop's form in a real browser: a `data-session` checkout names only its
//! client secret, a catalogue checkout carries the page's customer and address, and every
//! session error, the proxy's `unavailable` and a refunded order read clearly in Indonesian
//! and English.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use kredivo_api::{Address, CheckoutRequest, Customer, ErrorCode};
use kredivo_checkout::Handle;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A client secret as the merchant's server would put it in `data-session`.
const SECRET: &str = "cs_test_4f9a0c2e8b7d4e1f9a3c5b6d7e8f9a0b";

const REDIRECT: &str = r#"{"order_id":"o-s1","status":"pending","redirect_url":"https://sandbox.kredivo.test/signin?tk=s1"}"#;

/// Mounts a catalogue checkout of `cart_id` from script, with the shop form's details.
fn catalogue(
    el: &web_sys::Element,
    cart_id: &str,
    customer: &Customer,
    address: &Address,
) -> Handle {
    js_mount(
        el,
        &options(&[
            ("cartId", cart_id.into()),
            ("proxy", "http://form.test".into()),
            ("customer", js_json(customer)),
            ("shippingAddress", js_json(address)),
        ]),
    )
    .unwrap()
}

fn checkouts(fetch: &FakeFetch) -> Vec<CheckoutRequest> {
    fetch
        .calls()
        .into_iter()
        .filter(|c| c.url.ends_with("/checkout"))
        .map(|c| serde_json::from_str(&c.body).unwrap())
        .collect()
}

#[wasm_bindgen_test]
async fn a_session_is_priced_and_paid_by_its_client_secret_alone() {
    boot();
    let fetch = FakeFetch::install(|c| {
        if c.url.ends_with("/checkout") {
            Reply::Json(200, REDIRECT.into())
        } else {
            Reply::Json(200, doc_plans())
        }
    });
    let el = host(&[
        ("data-kredivo-checkout", ""),
        ("data-session", SECRET),
        ("data-proxy", "http://session.test"),
    ]);
    let events = Events::listen(&el);
    until("plans", || find(&el, "[role=radio]")).await;
    click(&find(&el, r#"[role=radio][data-payment-type="6_months"]"#).unwrap());
    click(&find(&el, "button.kc-pay").unwrap());
    until("redirect", || {
        events.named("kredivo:redirect").first().cloned()
    })
    .await;

    let calls = fetch.calls();
    assert_eq!(
        calls[0].body,
        format!(r#"{{"session":"{SECRET}"}}"#),
        "plans for exactly the session's amount, which the browser never names"
    );
    let body: serde_json::Value = serde_json::from_str(&calls[1].body).unwrap();
    let mut keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["idempotency_key", "payment_type", "session"],
        "no item, price, amount or customer: {body}"
    );
    assert_eq!(body["session"], SECRET);
    assert_eq!(body["payment_type"], "6_months");
    el.remove();
}

#[wasm_bindgen_test]
async fn session_errors_and_an_unavailable_shop_read_clearly_in_both_languages() {
    boot();
    let rows: [(ErrorCode, &str, &str, bool); 8] = [
        (
            ErrorCode::SessionExpired,
            "id",
            "Sesi pembayaran ini sudah kedaluwarsa. Kembali ke toko untuk checkout ulang.",
            false,
        ),
        (
            ErrorCode::SessionExpired,
            "en",
            "This checkout has expired. Go back to the shop to check out again.",
            false,
        ),
        (
            ErrorCode::NotFound,
            "id",
            "Sesi pembayaran tidak ditemukan. Kembali ke toko lalu coba lagi.",
            false,
        ),
        (
            ErrorCode::NotFound,
            "en",
            "This checkout wasn't found. Go back to the shop and try again.",
            false,
        ),
        (
            ErrorCode::SessionUsed,
            "id",
            "Sesi pembayaran ini sudah digunakan. Cek status pesanan Anda di toko.",
            false,
        ),
        (
            ErrorCode::SessionUsed,
            "en",
            "This checkout has already been used. Check your order's status in the shop.",
            false,
        ),
        (
            ErrorCode::Unavailable,
            "id",
            "Toko sedang tidak dapat memproses pembayaran. Silakan coba lagi beberapa menit lagi.",
            true,
        ),
        (
            ErrorCode::Unavailable,
            "en",
            "The shop can't take payments right now. Please try again in a few minutes.",
            true,
        ),
    ];
    for (code, locale, words, retry) in rows {
        let status = code.http_status();
        let _fetch = FakeFetch::install(move |_| Reply::Json(status, error_body(code)));
        let el = host(&[
            ("data-kredivo-checkout", ""),
            ("data-session", SECRET),
            ("data-locale", locale),
            ("data-proxy", "http://session-errors.test"),
        ]);
        let events = Events::listen(&el);
        let selector = format!(r#".kc-error[data-code="{}"]"#, code.as_str());
        let shown = until(code.as_str(), || find(&el, &selector)).await;
        let what = format!("{} in {locale}", code.as_str());
        assert_eq!(
            shown.query_selector("p").unwrap().unwrap().text_content(),
            Some(words.to_owned()),
            "{what}"
        );
        let button = shown.query_selector("button.kc-retry").unwrap().unwrap();
        assert_eq!(!button.has_attribute("hidden"), retry, "{what}: retry");
        assert!(
            find(&el, "button.kc-pay").is_none(),
            "{what}: nothing to pay"
        );
        let errors = events.named("kredivo:error");
        assert_eq!(field(&errors[0], "code").as_deref(), Some(code.as_str()));
        assert_eq!(field(&errors[0], "message").as_deref(), Some(words));
        el.remove();
    }
}

#[wasm_bindgen_test]
async fn a_session_paid_in_another_tab_keeps_the_button_off() {
    boot();
    let fetch = FakeFetch::install(|c| {
        if c.url.ends_with("/checkout") {
            Reply::Json(409, error_body(ErrorCode::SessionUsed))
        } else {
            Reply::Json(200, doc_plans())
        }
    });
    let el = host(&[
        ("data-kredivo-checkout", ""),
        ("data-session", SECRET),
        ("data-locale", "en"),
        ("data-proxy", "http://used.test"),
    ]);
    until("plans", || find(&el, "[role=radio]")).await;
    click(&find(&el, "button.kc-pay").unwrap());
    let message = until("session_used", || {
        text(&el, r#".kc-error[data-code="session_used"] p"#)
    })
    .await;
    assert_eq!(
        message,
        "This checkout has already been used. Check your order's status in the shop."
    );
    until("the button off", || find(&el, "button.kc-pay[disabled]")).await;
    assert!(find(&el, "button.kc-retry[hidden]").is_some(), "no retry");
    click(&find(&el, r#"[role=radio][data-payment-type="3_months"]"#).unwrap());
    click(&find(&el, "button.kc-pay").unwrap());
    sleep(100).await;
    assert_eq!(
        checkouts(&fetch).len(),
        1,
        "a spent session is not sent again"
    );
    el.remove();
}

#[wasm_bindgen_test]
async fn a_refunded_express_checkout_says_so_in_both_languages() {
    boot();
    let _fetch = FakeFetch::install(|c| {
        if c.url.ends_with("/checkout") {
            Reply::Json(200, r#"{"order_id":"o-r","status":"pending"}"#.into())
        } else if c.url.contains("/orders/o-r") {
            Reply::Json(
                200,
                r#"{"order_id":"o-r","status":"refunded","amount":"2400000","payment_type":"30_days"}"#
                    .into(),
            )
        } else {
            Reply::Json(200, doc_plans())
        }
    });
    for (locale, words) in [
        ("id", "Pembayaran telah dikembalikan (refund)."),
        ("en", "The payment was refunded."),
    ] {
        let el = host(&[
            ("data-kredivo-checkout", ""),
            ("data-session", SECRET),
            ("data-locale", locale),
            ("data-proxy", "http://refunded.test"),
        ]);
        let events = Events::listen(&el);
        until("plans", || find(&el, "[role=radio]")).await;
        click(&find(&el, "button.kc-pay").unwrap());
        let done = until("complete", || {
            events.named("kredivo:complete").first().cloned()
        })
        .await;
        assert_eq!(field(&done, "status").as_deref(), Some("refunded"));
        let shown = until("the refund", || {
            text(&el, r#".kc-error[data-status="refunded"] p"#)
        })
        .await;
        assert_eq!(shown, words, "{locale}");
        el.remove();
    }
}

#[wasm_bindgen_test]
async fn a_catalogue_checkout_carries_the_shop_forms_customer_and_address() {
    boot();
    let fetch = FakeFetch::install(|c| {
        if c.url.ends_with("/checkout") {
            Reply::Json(200, REDIRECT.into())
        } else {
            Reply::Json(200, doc_plans())
        }
    });
    let (customer, address) = shopper();
    let el = host(&[]);
    let events = Events::listen(&el);
    catalogue(&el, "cart-form", &customer, &address);
    until("plans", || find(&el, "[role=radio]")).await;
    click(&find(&el, "button.kc-pay").unwrap());
    until("redirect", || {
        events.named("kredivo:redirect").first().cloned()
    })
    .await;
    let sent = checkouts(&fetch);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].cart_id.as_deref(), Some("cart-form"));
    assert_eq!(sent[0].customer.as_ref(), Some(&customer));
    assert_eq!(sent[0].shipping_address.as_ref(), Some(&address));
    assert_eq!(sent[0].session, None);
    el.remove();
}

#[wasm_bindgen_test]
async fn a_refused_form_is_explained_and_paid_after_the_shopper_fixes_it() {
    boot();
    let refused = std::rc::Rc::new(std::cell::Cell::new(true));
    let flag = refused.clone();
    let fetch = FakeFetch::install(move |c| {
        if c.url.ends_with("/checkout") && flag.get() {
            let mut body = kredivo_api::ErrorBody::new(ErrorCode::InvalidRequest, "test");
            body.error.details = vec!["customer.email: must be an e-mail address".into()];
            Reply::Json(400, serde_json::to_string(&body).unwrap())
        } else if c.url.ends_with("/checkout") {
            Reply::Json(200, REDIRECT.into())
        } else {
            Reply::Json(200, doc_plans())
        }
    });
    let (customer, address) = shopper();
    let typo = Customer {
        email: "alie@".into(),
        ..customer.clone()
    };
    let el = host(&[]);
    let events = Events::listen(&el);
    let handle = catalogue(&el, "cart-typo", &typo, &address);
    until("plans", || find(&el, "[role=radio]")).await;
    click(&find(&el, "button.kc-pay").unwrap());
    let message = until("invalid_request", || {
        text(&el, r#".kc-error[data-code="invalid_request"] p"#)
    })
    .await;
    assert_eq!(
        message,
        "Periksa kembali nama, kontak, dan alamat pengiriman Anda, lalu coba lagi."
    );
    assert_eq!(
        field(&events.named("kredivo:error")[0], "code").as_deref(),
        Some("invalid_request")
    );

    // The shop's form hands the corrected e-mail over; the shopper tries again.
    refused.set(false);
    handle
        .update(options(&[("customer", js_json(&customer))]))
        .map_err(JsValue::from)
        .unwrap();
    click(&find(&el, "button.kc-retry:not([hidden])").unwrap());
    until("redirect", || {
        events.named("kredivo:redirect").first().cloned()
    })
    .await;
    let sent = checkouts(&fetch);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].customer.as_ref(), Some(&customer));
    assert_ne!(
        sent[1].idempotency_key, sent[0].idempotency_key,
        "a corrected form is a new attempt"
    );
    el.remove();
}

#[wasm_bindgen_test]
fn a_customer_that_is_not_an_object_of_strings_is_refused_by_name() {
    boot();
    for (option, value) in [
        ("customer", JsValue::from("Oemang Tandra")),
        (
            "shippingAddress",
            js_sys::JSON::parse(r#"{"first_name":"Oemang","postal_code":12960}"#).unwrap(),
        ),
    ] {
        let e = js_mount(&host(&[]), &options(&[(option, value)])).expect_err("mount throws");
        let got = message(e);
        assert!(
            got.contains(&format!(
                "`{option}` must be an object whose fields are strings"
            )),
            "{got}"
        );
    }
}
