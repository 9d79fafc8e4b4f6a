//! Bad input never panics and never gets an empty 500: wrong types, missing fields, not
//! JSON, huge bodies, unknown ids and paths all get Kredivo's error shape.

mod common;

use common::*;
use serde_json::{json, Value};

const JSON_ENDPOINTS: [&str; 9] = [
    "/v2/payments",
    "/v2/checkout_url",
    "/transaction/status",
    "/v2/transaction/status",
    "/v2/cancel_transaction",
    "/v2/deactive_user_token",
    "/v2/get_user_credit_details",
    "/v2/connect",
    "/offline/v1/init_checkout",
];

fn is_kredivo_error(text: &str) -> bool {
    serde_json::from_str::<Value>(text)
        .map(|v| v["status"] == "ERROR")
        .unwrap_or(false)
}

#[tokio::test]
async fn every_endpoint_answers_garbage_with_a_kredivo_error() {
    let app = spawn().await;
    let bodies = [
        "",
        "not json",
        "{\"server_key\":",
        "[1,2,3]",
        "42",
        "null",
        "{}",
        "{\"server_key\": 12}",
        "{\"server_key\": \"8tLHIx8V0N6KtnSpS9Nbd6zROFFJH7\", \"amount\": {\"nested\": true}}",
        "\u{feff}{}",
    ];
    for path in JSON_ENDPOINTS {
        for body in bodies {
            let (status, text) = app.post_raw(path, body.to_owned()).await;
            assert_eq!(status, 200, "{path} with {body:?}");
            assert!(is_kredivo_error(&text), "{path} with {body:?}: {text}");
        }
    }
}

#[tokio::test]
async fn a_huge_body_is_refused_in_kredivo_shape() {
    let app = spawn().await;
    let huge = format!("{{\"server_key\":\"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let (status, text) = app.post_raw("/v2/checkout_url", huge).await;
    assert_eq!(status, 200);
    assert!(text.contains("too large"), "{text}");
    assert!(is_kredivo_error(&text));
}

#[tokio::test]
async fn wrong_types_are_named_by_field_path() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let rows = [
        (
            "/transaction/status",
            json!({"server_key": KEY, "order_id": 5}),
            "Field order_id is INCORRECT.",
        ),
        (
            "/transaction/status",
            json!({"server_key": KEY}),
            "Field order_id is REQUIRED.",
        ),
        (
            "/v2/cancel_transaction",
            json!({"server_key": KEY, "order_id": "a", "transaction_id": "b",
            "cancellation_amount": "many", "cancellation_reason": "r", "cancelled_by": "c",
            "cancellation_date": "1"}),
            "Field cancellation_amount is INCORRECT.",
        ),
        (
            "/v2/cancel_transaction",
            json!({"server_key": KEY, "order_id": "a", "transaction_id": "b",
            "cancellation_reason": "r", "cancelled_by": "c", "cancellation_date": "1"}),
            "Field transaction_id is INCORRECT.",
        ),
        (
            "/v2/payments",
            json!({"server_key": KEY, "amount": 1000, "items": [{"name": "x", "price": true, "quantity": 1}]}),
            "Field items[0].price is INCORRECT.",
        ),
        (
            "/v2/checkout_url",
            {
                let mut b = simple_checkout("T-1", 1000, &rx.url);
                b["transaction_details"]["items"] = json!("nope");
                b
            },
            "Field transaction_details.items is INCORRECT.",
        ),
        (
            "/v2/checkout_url",
            {
                let mut b = simple_checkout("T-2", 1000, &rx.url);
                b["tokenize_user"] = json!("yes");
                b
            },
            "Field tokenize_user is INCORRECT.",
        ),
    ];
    for (path, body, message) in rows {
        let resp = app.post(path, &body).await;
        assert_eq!(resp["status"], "ERROR", "{path} {body}");
        assert_eq!(resp["error"]["message"], message, "{path} {body}");
    }
}

#[tokio::test]
async fn unknown_paths_and_ids_get_errors_with_bodies() {
    let app = spawn().await;
    let resp = app
        .http
        .post(app.url("/v2/nope"))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 404);
    assert!(is_kredivo_error(&resp.text().await.expect("text")));
    let resp = app
        .http
        .get(app.url("/v2/signin?tk=nope"))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 404);
    assert!(resp.text().await.expect("text").contains("role=\"alert\""));
    let resp = app
        .http
        .get(app.url("/v2/signin"))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 404, "no tk at all");
    let got = app
        .get_json("/v2/update?transaction_id=x&signature_key=%ZZ%")
        .await;
    assert_eq!(got["status"], "ERROR");
    let resp = app
        .http
        .post(app.url("/v2/signin"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("tk=%ZZ&&&phone")
        .send()
        .await
        .expect("request");
    assert!(
        resp.status().is_client_error() || resp.status().is_success(),
        "{}",
        resp.status()
    );
    assert!(!resp.text().await.expect("text").is_empty());
}

#[tokio::test]
async fn the_wrong_http_method_is_refused_with_a_status() {
    let app = spawn().await;
    let resp = app
        .http
        .get(app.url("/v2/checkout_url"))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers()["allow"], "POST");
    assert!(is_kredivo_error(&resp.text().await.expect("text")));
}
