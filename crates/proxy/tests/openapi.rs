//! The OpenAPI document describes what the running proxy really answers: real answers of the
//! widget, merchant and admin APIs are validated against the document's schemas.

mod common;

use common::*;
use kredivo_sandbox::Target;
use serde_json::{json, Value};

/// Validates `body` against the schema the document gives for `method path` answering
/// `status` (the path as templated in the document).
fn check(doc: &Value, method: &str, path: &str, status: u16, body: &Value) {
    let schema = doc["paths"][path][method]["responses"][status.to_string()]["content"]
        ["application/json"]["schema"]
        .clone();
    assert!(
        schema.is_object(),
        "the document has no schema for {method} {path} {status}"
    );
    let mut root = schema;
    root["components"] = doc["components"].clone();
    let validator = jsonschema::draft202012::new(&root)
        .unwrap_or_else(|e| panic!("schema of {method} {path} {status}: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} {status}: {errors:?}\n{body}"
    );
}

#[tokio::test]
async fn real_answers_match_the_openapi_document() {
    let env = start().await;
    let (status, doc) = env.get("/api/kredivo/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(
        doc,
        serde_json::from_str::<Value>(&kredivo_proxy::openapi::json()).unwrap()
    );
    let mut validated = 0;

    // Merchant: a session, its view.
    let session = json!({
        "reference": "INV-OAS-1", "amount": "598000",
        "items": [{"id": "sku-1", "name": "Kemeja", "price": "289000", "quantity": 2, "url": "https://shop.example/p/1", "type": "Fashion"}],
        "fees": [{"id": "shippingfee", "name": "Ongkir", "price": "20000"}],
        "customer": {"first_name": "Budi", "last_name": "Santoso", "email": "budi@example.co.id", "phone": "081234567890"},
        "shipping_address": {"first_name": "Budi", "address": "Jl. Sudirman 1", "city": "Jakarta", "postal_code": "10220", "phone": "081234567890", "country_code": "IDN"}
    });
    let (status, created) = env.create_session(&session).await;
    check(&doc, "post", "/api/kredivo/v1/sessions", status, &created);
    let mut bad = session.clone();
    bad["amount"] = json!("1");
    let (status, refused) = env.create_session(&bad).await;
    assert_eq!(status, 400);
    check(&doc, "post", "/api/kredivo/v1/sessions", status, &refused);
    let secret = created["client_secret"].as_str().unwrap();
    let session_id = created["session_id"].as_str().unwrap();
    validated += 2;

    // Widget: plans, checkout, the order, errors.
    let (status, plans) = env
        .post("/api/kredivo/v1/payment-types", &json!({"session": secret}))
        .await;
    check(
        &doc,
        "post",
        "/api/kredivo/v1/payment-types",
        status,
        &plans,
    );
    let (status, badge) = env
        .post(
            "/api/kredivo/v1/payment-types",
            &json!({"amount": "2400000"}),
        )
        .await;
    check(
        &doc,
        "post",
        "/api/kredivo/v1/payment-types",
        status,
        &badge,
    );
    let (status, unknown) = env
        .post(
            "/api/kredivo/v1/payment-types",
            &json!({"session": "ses_x_secret_nope_nope"}),
        )
        .await;
    check(
        &doc,
        "post",
        "/api/kredivo/v1/payment-types",
        status,
        &unknown,
    );
    let (status, answer) = env
        .post(
            "/api/kredivo/v1/checkout",
            &json!({"session": secret, "payment_type": "3_months", "idempotency_key": "oas-chk-0001"}),
        )
        .await;
    check(&doc, "post", "/api/kredivo/v1/checkout", status, &answer);
    let (status, used) = env
        .post(
            "/api/kredivo/v1/checkout",
            &json!({"session": secret, "payment_type": "12_months", "idempotency_key": "oas-chk-0002"}),
        )
        .await;
    assert_eq!(status, 409);
    check(&doc, "post", "/api/kredivo/v1/checkout", status, &used);
    let order_id = answer["order_id"].as_str().unwrap();
    env.sandbox
        .kredivo()
        .drive(order_id, Target::Settle)
        .unwrap();
    assert!(
        env.wait_for(order_id, kredivo_api::OrderStatus::Settled)
            .await
    );
    let (status, view) = env.get(&format!("/api/kredivo/v1/orders/{order_id}")).await;
    check(
        &doc,
        "get",
        "/api/kredivo/v1/orders/{order_id}",
        status,
        &view,
    );
    let (status, missing) = env.get("/api/kredivo/v1/orders/KD-NOPE").await;
    check(
        &doc,
        "get",
        "/api/kredivo/v1/orders/{order_id}",
        status,
        &missing,
    );
    validated += 7;

    let (status, sview) = env
        .send(
            env.http
                .get(env.url(&format!("/api/kredivo/v1/sessions/{session_id}")))
                .bearer_auth(MERCHANT_KEY),
        )
        .await;
    check(
        &doc,
        "get",
        "/api/kredivo/v1/sessions/{session_id}",
        status,
        &sview,
    );
    let (status, detail) = env
        .send(
            env.admin(
                env.http
                    .get(env.url(&format!("/api/kredivo/v1/admin/orders/{order_id}"))),
            ),
        )
        .await;
    check(
        &doc,
        "get",
        "/api/kredivo/v1/admin/orders/{order_id}",
        status,
        &detail,
    );
    let (status, cancelled) = env
        .send(
            env.admin(
                env.http
                    .post(env.url(&format!("/api/kredivo/v1/admin/orders/{order_id}/cancel")))
                    .json(&json!({"amount": "20000"})),
            ),
        )
        .await;
    check(
        &doc,
        "post",
        "/api/kredivo/v1/admin/orders/{order_id}/cancel",
        status,
        &cancelled,
    );
    let (status, denied) = env
        .send(env.http.get(env.url("/api/kredivo/v1/admin/webhooks")))
        .await;
    check(
        &doc,
        "get",
        "/api/kredivo/v1/admin/webhooks",
        status,
        &denied,
    );
    validated += 4;
    assert_eq!(validated, 13);
}

/// The webhook payload the document describes is what a delivery carries.
#[test]
fn a_webhook_event_matches_its_schema() {
    let doc: Value = serde_json::from_str(&kredivo_proxy::openapi::json()).unwrap();
    let mut root = json!({"$ref": "#/components/schemas/WebhookEvent"});
    root["components"] = doc["components"].clone();
    let validator = jsonschema::draft202012::new(&root).unwrap();
    let event = json!({"id": "evt_1", "type": "order.cancelled", "created": 1_800_000_000,
        "data": {"order_id": "KD-1", "session_id": "ses_1", "reference": "INV-1", "status": "settled",
                 "amount": "598000", "cancelled_amount": "20000", "currency": "IDR", "payment_type": "3_months",
                 "gateway": "kredivo", "cancellation": {"amount": "20000", "partial": true}}});
    assert!(validator.is_valid(&event));
    let mut wrong = event.clone();
    wrong["data"]["amount"] = json!(598000);
    assert!(
        !validator.is_valid(&wrong),
        "money is a string, never a number"
    );
}

/// Tokenization (issue 17): the express answer with limits, an over-limit refusal and the
/// merchant's customer routes match the document.
#[tokio::test]
async fn tokenization_answers_match_the_openapi_document() {
    let env = start().await;
    let doc: Value = serde_json::from_str(&kredivo_proxy::openapi::json()).unwrap();
    let token = env
        .sandbox
        .kredivo()
        .issue_user_token(SERVER_KEY, "81200000001", "cust-oas")
        .unwrap();
    kredivo_proxy::tokens::store_token(
        &env.state,
        "cust-oas",
        &kredivo_proxy::Secret::new(token),
        "test",
    )
    .await
    .unwrap();
    let session = json!({
        "reference": "INV-OAS-T", "amount": "1500000",
        "items": [{"id": "sku-1", "name": "Kemeja", "price": "1500000", "quantity": 1}],
        "customer": {"first_name": "Budi", "email": "budi@example.co.id", "phone": "081234567890"},
        "shipping_address": {"first_name": "Budi", "address": "Jl. Sudirman 1", "city": "Jakarta", "postal_code": "10220", "phone": "081234567890", "country_code": "IDN"},
        "client_user_key": "cust-oas", "tokenize": true
    });
    let (status, created) = env.create_session(&session).await;
    check(&doc, "post", "/api/kredivo/v1/sessions", status, &created);
    let secret = created["client_secret"].as_str().unwrap();
    let (status, plans) = env
        .post("/api/kredivo/v1/payment-types", &json!({"session": secret}))
        .await;
    assert_eq!(plans["express"], json!(true), "{plans}");
    assert!(plans["plans"][0]["within_limit"].is_boolean());
    check(
        &doc,
        "post",
        "/api/kredivo/v1/payment-types",
        status,
        &plans,
    );
    let (status, over) = env
        .post(
            "/api/kredivo/v1/checkout",
            &json!({"session": secret, "payment_type": "30_days", "idempotency_key": "oas-tok-0001"}),
        )
        .await;
    assert_eq!(status, 400, "{over}");
    check(&doc, "post", "/api/kredivo/v1/checkout", status, &over);
    let path = "/api/kredivo/v1/customers/cust-oas/token";
    for method in ["get", "delete"] {
        let req = match method {
            "get" => env.http.get(env.url(path)),
            _ => env.http.delete(env.url(path)),
        };
        let (status, view) = env.send(req.bearer_auth(MERCHANT_KEY)).await;
        assert_eq!(status, 200, "{view}");
        check(
            &doc,
            method,
            "/api/kredivo/v1/customers/{client_user_key}/token",
            status,
            &view,
        );
    }
    let (status, started) = env
        .send(
            env.http
                .post(env.url("/api/kredivo/v1/customers/cust-oas/connect"))
                .bearer_auth(MERCHANT_KEY)
                .json(&json!({"mobile_number": "081200000001", "redirect_url": "https://shop.example/account"})),
        )
        .await;
    assert_eq!(status, 200, "{started}");
    check(
        &doc,
        "post",
        "/api/kredivo/v1/customers/{client_user_key}/connect",
        status,
        &started,
    );
}
