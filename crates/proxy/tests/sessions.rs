//! Checkout sessions: the merchant's server creates the order, the browser holds only the
//! client secret, and the provider hears exactly what the merchant said.

mod common;

use std::sync::Arc;

use common::*;
use kredivo_api::OrderStatus;
use kredivo_proxy::ManualClock;
use kredivo_sandbox::Target;
use serde_json::{json, Value};

const PT: &str = "/api/kredivo/v1/payment-types";
const CHECKOUT: &str = "/api/kredivo/v1/checkout";

/// The documented body, with a discount too: 2 × 289,000 + 20,000 shipping + 5,000
/// tax − 10,000 discount = 593,000.
fn session_body(reference: &str) -> Value {
    json!({
        "reference": reference, "amount": "593000",
        "items": [{"id": "sku-1", "name": "Kemeja", "price": "289000", "quantity": 2,
                   "url": "https://shop.example/p/1", "type": "Fashion"}],
        "fees": [{"id": "shippingfee", "name": "Ongkir", "price": "20000"},
                 {"id": "taxfee", "name": "PPN", "price": "5000"},
                 {"id": "discount", "name": "Promo", "price": "10000"}],
        "customer": {"first_name": "Budi", "last_name": "Santoso", "email": "budi@example.co.id", "phone": "081234567890"},
        "shipping_address": {"first_name": "Budi", "address": "Jl. Sudirman 1", "city": "Jakarta", "postal_code": "10220", "phone": "081234567890", "country_code": "IDN"},
        "billing_address": null, "sellers": null, "metadata": {"cart": "c-77"}, "expires_at": null,
        "return_url": "https://shop.example/thanks", "cancel_url": "https://shop.example/cart", "payment_types": null
    })
}

async fn new_session(env: &Env, reference: &str) -> (String, String) {
    let (status, created) = env.create_session(&session_body(reference)).await;
    assert_eq!(status, 201, "{created}");
    (
        created["session_id"].as_str().unwrap().to_owned(),
        created["client_secret"].as_str().unwrap().to_owned(),
    )
}

fn checkout(secret: &str, payment_type: &str, key: &str) -> Value {
    json!({"session": secret, "payment_type": payment_type, "idempotency_key": key})
}

#[tokio::test]
async fn a_session_is_paid_through_the_widget_protocol_and_the_provider_hears_the_merchants_order()
{
    let env = start().await;
    let (status, created) = env.create_session(&session_body("INV-2026-0001")).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["amount"], "593000");
    assert_eq!(created["currency"], "IDR");
    assert_eq!(
        created["payment_types"],
        json!(["30_days", "3_months", "6_months", "12_months"])
    );
    let secret = created["client_secret"].as_str().unwrap();
    let session_id = created["session_id"].as_str().unwrap();
    assert!(secret.len() >= 32 + session_id.len(), "{secret}");

    let (status, plans) = env.post(PT, &json!({ "session": secret })).await;
    assert_eq!(status, 200, "{plans}");
    assert_eq!(plans["amount"], "593000");
    assert!(!plans["plans"].as_array().unwrap().is_empty());

    let (status, answer) = env
        .post(CHECKOUT, &checkout(secret, "3_months", "ses-chk-0001"))
        .await;
    assert_eq!(status, 200, "{answer}");
    let order_id = answer["order_id"].as_str().unwrap().to_owned();
    assert!(answer["redirect_url"].as_str().is_some());

    // What went to Kredivo is the merchant's order, not a demo shopper.
    let sent: Value = serde_json::from_str(&env.calls("checkout_url").await[0].request).unwrap();
    assert_eq!(sent["transaction_details"]["amount"], json!(593000));
    let items = sent["transaction_details"]["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["sku-1", "shippingfee", "taxfee", "discount"]);
    assert_eq!(
        items[3]["price"],
        json!(10000),
        "a discount travels positive"
    );
    assert_eq!(sent["customer_details"]["email"], "budi@example.co.id");
    assert_eq!(sent["shipping_address"]["address"], "Jl. Sudirman 1");
    assert_eq!(sent["shipping_address"]["postal_code"], "10220");
    assert_eq!(
        sent["billing_address"]["address"], "Jl. Sudirman 1",
        "billing defaults to shipping"
    );
    assert!(sent["expiration_time"].is_string(), "{sent}");
    assert!(sent["user_cancel_uri"]
        .as_str()
        .unwrap()
        .contains("outcome=cancel"));
    assert!(
        !sent.to_string().contains("Oemang"),
        "no demo shopper: {sent}"
    );

    env.sandbox
        .kredivo()
        .drive(&order_id, Target::Settle)
        .unwrap();
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
    let (status, view) = env
        .send(
            env.http
                .get(env.url(&format!("/api/kredivo/v1/sessions/{session_id}")))
                .bearer_auth(MERCHANT_KEY),
        )
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["status"], "checked_out");
    assert_eq!(view["reference"], "INV-2026-0001");
    assert_eq!(view["order"]["status"], "settled");
    assert_eq!(view["order"]["amount"], "593000");
    assert_eq!(view["order"]["metadata"]["cart"], "c-77");

    // Back from Kredivo: on the merchant's page with the outcome.
    let back = env
        .http
        .get(env.url(&format!("/kredivo/return?order_id={order_id}")))
        .send()
        .await
        .unwrap();
    let location = back.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("https://shop.example/thanks?order_id="),
        "{location}"
    );
    assert!(location.contains(&format!("session_id={session_id}")));
    assert!(location.ends_with("status=settled"), "{location}");
}

#[tokio::test]
async fn every_bad_session_body_is_refused_with_a_field_path_and_stores_nothing() {
    let env = start().await;
    let base = session_body("INV-BAD-1");
    type Mutation = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Mutation, &str)> = vec![
        (
            "missing items",
            Box::new(|b| {
                b.as_object_mut().unwrap().remove("items");
            }),
            "items",
        ),
        (
            "missing customer",
            Box::new(|b| {
                b.as_object_mut().unwrap().remove("customer");
            }),
            "customer",
        ),
        (
            "wrong type",
            Box::new(|b| b["items"][0]["quantity"] = json!("two")),
            "items[0].quantity",
        ),
        (
            "amount as a number",
            Box::new(|b| b["amount"] = json!(593000)),
            "amount",
        ),
        (
            "sums that disagree",
            Box::new(|b| b["amount"] = json!("600000")),
            "amount: is 600000 but the items and fees add up to 593000",
        ),
        (
            "over-long name",
            Box::new(|b| b["items"][0]["name"] = json!("x".repeat(256))),
            "items[0].name: has 256 characters",
        ),
        (
            "too many items",
            Box::new(|b| {
                b["items"] = json!((0..101)
                    .map(
                        |i| json!({"id": format!("s{i}"), "name": "X", "price": "1", "quantity": 1})
                    )
                    .collect::<Vec<_>>());
            }),
            "items: has 101 lines",
        ),
        (
            "negative rupiah",
            Box::new(|b| b["fees"][0]["price"] = json!("-20000")),
            "fees[0].price: must not be negative",
        ),
        (
            "fractional rupiah",
            Box::new(|b| b["items"][0]["price"] = json!("289000.50")),
            "items[0].price: must be a whole number of rupiah",
        ),
        (
            "unknown fee id",
            Box::new(|b| b["fees"][0]["id"] = json!("handlingfee")),
            "fees[0].id: \"handlingfee\" is not a fee id",
        ),
        (
            "a fee id as an item",
            Box::new(|b| b["items"][0]["id"] = json!("shippingfee")),
            "items[0].id: \"shippingfee\" is a reserved fee id",
        ),
        (
            "bad phone",
            Box::new(|b| b["customer"]["phone"] = json!("call me")),
            "customer.phone",
        ),
        (
            "bad e-mail",
            Box::new(|b| b["customer"]["email"] = json!("budi")),
            "customer.email: is not an e-mail address",
        ),
        (
            "bad country",
            Box::new(|b| b["shipping_address"]["country_code"] = json!("ID")),
            "shipping_address.country_code",
        ),
        (
            "foreign return URL",
            Box::new(|b| b["return_url"] = json!("https://evil.example/x")),
            "return_url",
        ),
        (
            "unknown payment type",
            Box::new(|b| b["payment_types"] = json!(["45_days"])),
            "payment_types[0]",
        ),
        (
            "expiry in the past",
            Box::new(|b| b["expires_at"] = json!(1)),
            "expires_at",
        ),
        (
            "bad reference",
            Box::new(|b| b["reference"] = json!("no spaces please")),
            "reference",
        ),
    ];
    for (why, mutate, path) in &cases {
        let mut body = base.clone();
        mutate(&mut body);
        let (status, answer) = env.create_session(&body).await;
        assert_eq!(status, 400, "{why}: {answer}");
        let details = answer["error"]["details"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let shown: Vec<&str> = details.iter().filter_map(Value::as_str).collect();
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(
            shown.iter().any(|d| d.contains(path)) || message.contains(path),
            "{why}: expected {path:?} in {answer}"
        );
    }
    assert_eq!(env.count("sessions").await, 0, "nothing stored");
    assert_eq!(env.count("session_secrets").await, 0);
}

#[tokio::test]
async fn a_wrong_or_missing_merchant_key_is_401_and_creates_nothing() {
    let env = start().await;
    let url = env.url("/api/kredivo/v1/sessions");
    let body = session_body("INV-KEY-1");
    for req in [
        env.http.post(&url).json(&body),
        env.http
            .post(&url)
            .bearer_auth("not-the-merchant-key-0123456789abcdef")
            .json(&body),
        env.http.post(&url).bearer_auth(ADMIN_TOKEN).json(&body),
    ] {
        let (status, answer) = env.send(req).await;
        assert_eq!(status, 401, "{answer}");
    }
    assert_eq!(env.count("sessions").await, 0);
}

#[tokio::test]
async fn without_a_merchant_key_there_is_no_sessions_api() {
    let env = start_with(Options {
        merchant_api_key: None,
        ..Options::default()
    })
    .await;
    let (status, answer) = env.create_session(&session_body("INV-OFF-1")).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
}

#[tokio::test]
async fn an_idempotency_key_replays_the_same_session_and_refuses_another_body() {
    let env = start().await;
    let post = |body: &Value| {
        env.http
            .post(env.url("/api/kredivo/v1/sessions"))
            .bearer_auth(MERCHANT_KEY)
            .header("Idempotency-Key", "inv-2026-0009-create")
            .json(body)
    };
    let (status, first) = env.send(post(&session_body("INV-IDEM-1"))).await;
    assert_eq!(status, 201, "{first}");
    let (status, again) = env.send(post(&session_body("INV-IDEM-1"))).await;
    assert_eq!(status, 201, "{again}");
    assert_eq!(again["session_id"], first["session_id"]);
    assert_ne!(
        again["client_secret"], first["client_secret"],
        "a fresh secret"
    );
    // Both secrets open the one session.
    for secret in [&first["client_secret"], &again["client_secret"]] {
        let (status, plans) = env.post(PT, &json!({ "session": secret })).await;
        assert_eq!((status, plans["amount"].as_str()), (200, Some("593000")));
    }
    let mut other = session_body("INV-IDEM-1");
    other["amount"] = json!("598000");
    other["fees"] = json!([{"id": "shippingfee", "name": "Ongkir", "price": "20000"}]);
    let (status, refused) = env.send(post(&other)).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (409, Some("idempotency_conflict"))
    );
    assert_eq!(env.count("sessions").await, 1);
}

/// The browser names a session and a plan; an amount, a price or a cart it adds changes
/// nothing or is refused.
#[tokio::test]
async fn a_browser_cannot_name_the_amount_or_the_items_of_a_session() {
    let env = start().await;
    let (_, secret) = new_session(&env, "INV-BROWSER-1").await;
    let mut tampered = checkout(&secret, "6_months", "ses-tamper-01");
    tampered["amount"] = json!("1000");
    tampered["items"] = json!([{"id": "sku-1", "price": "1", "quantity": 1}]);
    let (status, answer) = env.post(CHECKOUT, &tampered).await;
    assert_eq!(status, 200, "{answer}");
    let order_id = answer["order_id"].as_str().unwrap();
    let (_, view) = env.get(&format!("/api/kredivo/v1/orders/{order_id}")).await;
    assert_eq!(view["amount"], "593000");
    let tx = env.sandbox.kredivo().transaction(order_id).unwrap();
    assert_eq!(tx.amount, "593000.00");

    let mut both = checkout(&secret, "6_months", "ses-tamper-02");
    both["cart"] = json!([{"product_id": "laptop-14", "quantity": 1}]);
    let (status, answer) = env.post(CHECKOUT, &both).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (400, Some("invalid_request"))
    );
    let (status, answer) = env
        .post(PT, &json!({"session": secret, "amount": "1000"}))
        .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (400, Some("invalid_request"))
    );
}

#[tokio::test]
async fn a_session_is_paid_at_most_once() {
    let env = start().await;
    let (_, secret) = new_session(&env, "INV-ONCE-1").await;
    let (status, first) = env
        .post(CHECKOUT, &checkout(&secret, "3_months", "ses-once-0001"))
        .await;
    assert_eq!(status, 200, "{first}");
    // The shopper came back and pressed pay again (a new attempt key, same plan): resumed.
    let (status, again) = env
        .post(CHECKOUT, &checkout(&secret, "3_months", "ses-once-0002"))
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["order_id"], first["order_id"]);
    assert_eq!(again["redirect_url"], first["redirect_url"]);
    // Another plan would be a second order: refused.
    let (status, other) = env
        .post(CHECKOUT, &checkout(&secret, "12_months", "ses-once-0003"))
        .await;
    assert_eq!(
        (status, other["error"]["code"].as_str()),
        (409, Some("session_used"))
    );
    let order_id = first["order_id"].as_str().unwrap();
    env.sandbox
        .kredivo()
        .drive(order_id, Target::Settle)
        .unwrap();
    assert!(env.wait_for(order_id, OrderStatus::Settled).await);
    let (status, paid) = env
        .post(CHECKOUT, &checkout(&secret, "3_months", "ses-once-0004"))
        .await;
    assert_eq!(
        (status, paid["error"]["code"].as_str()),
        (409, Some("session_used"))
    );
    assert_eq!(env.kredivo_transactions(order_id), 1);
    assert_eq!(env.count("orders").await, 1);
}

#[tokio::test]
async fn an_expired_session_is_410_and_an_unknown_secret_is_404() {
    let clock = Arc::new(ManualClock::new(1_800_000_000_000));
    let env = start_with(Options {
        clock: clock.clone(),
        ..Options::default()
    })
    .await;
    let mut body = session_body("INV-EXP-1");
    body["expires_at"] = json!(1_800_000_000 + 600);
    let (status, created) = env.create_session(&body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["expires_at"], json!(1_800_000_600));
    let secret = created["client_secret"].as_str().unwrap();
    clock.advance(601_000);
    for (path, body) in [
        (PT, json!({ "session": secret })),
        (CHECKOUT, checkout(secret, "3_months", "ses-expired-01")),
    ] {
        let (status, answer) = env.post(path, &body).await;
        assert_eq!(
            (status, answer["error"]["code"].as_str()),
            (410, Some("session_expired")),
            "{path}"
        );
    }
    for unknown in [
        "ses_nope_secret_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "x",
        "<script>",
    ] {
        let (status, answer) = env.post(PT, &json!({ "session": unknown })).await;
        assert_eq!(
            (status, answer["error"]["code"].as_str()),
            (404, Some("not_found")),
            "{unknown}"
        );
    }
}

#[tokio::test]
async fn a_merchant_can_restrict_the_plans_of_a_session() {
    let env = start().await;
    let mut body = session_body("INV-PLANS-1");
    body["payment_types"] = json!(["3_months", "6_months"]);
    let (status, created) = env.create_session(&body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["payment_types"], json!(["3_months", "6_months"]));
    let secret = created["client_secret"].as_str().unwrap();
    let (_, plans) = env.post(PT, &json!({ "session": secret })).await;
    let offered: Vec<&str> = plans["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["payment_type"].as_str().unwrap())
        .collect();
    assert_eq!(offered, ["3_months", "6_months"]);
    let (status, answer) = env
        .post(CHECKOUT, &checkout(secret, "12_months", "ses-plans-01"))
        .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (422, Some("ineligible_amount"))
    );
}

/// Catalogue mode takes who pays from the shop's form; without it, a clear 400.
#[tokio::test]
async fn a_catalogue_checkout_without_the_shoppers_details_is_refused_with_field_paths() {
    let env = start().await;
    let body = json!({"cart": [{"product_id": "laptop-14", "quantity": 1}], "payment_type": "3_months", "idempotency_key": "no-shopper-01"});
    let (status, answer) = env.post(CHECKOUT, &body).await;
    assert_eq!(status, 400, "{answer}");
    let details = answer["error"]["details"].to_string();
    assert!(details.contains("customer: is required"), "{details}");
    assert!(
        details.contains("shipping_address: is required"),
        "{details}"
    );
    let mut bad = with_shopper(body.clone());
    bad["customer"]["email"] = json!("nope");
    let (status, answer) = env.post(CHECKOUT, &bad).await;
    assert_eq!(status, 400);
    assert!(answer["error"]["details"]
        .to_string()
        .contains("customer.email"));
    assert_eq!(env.count("orders").await, 0);
    // With the form's details it goes through, and Kredivo hears them.
    let (status, answer) = env.post(CHECKOUT, &with_shopper(body)).await;
    assert_eq!(status, 200, "{answer}");
    let sent: Value = serde_json::from_str(&env.calls("checkout_url").await[0].request).unwrap();
    assert_eq!(sent["customer_details"]["email"], "alie@satuduatiga.com");
}
