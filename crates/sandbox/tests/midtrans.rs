//! The Midtrans simulator speaks doc 003's Core API dialect: Basic auth with the server key,
//! `status_code` in every body (errors in HTTP 200s too), 406 for a used order id,
//! Idempotency-Key, cancel/expire/refund, signed notifications and the finish redirect.

mod agg;
mod common;

use agg::Merchant;
use kredivo_providers::auth::basic;
use kredivo_providers::midtrans::{self, Transaction};
use kredivo_providers::sandbox_defaults::MIDTRANS_SERVER_KEY;
use serde_json::{json, Value};

fn charge_body(order_id: &str, amount: i64) -> Value {
    json!({
        "payment_type": "kredivo",
        "transaction_details": {"order_id": order_id, "gross_amount": amount},
        "customer_details": {"first_name": "Oemang", "email": "o@example.com", "phone": "081513114262"},
        "item_details": [
            {"id": "SKU-1", "price": amount + 5_000, "quantity": 1, "name": "Kemeja Batik"},
            {"id": "discount", "price": -5_000, "quantity": 1, "name": "Diskon"}
        ]
    })
}

async fn call(
    app: &common::App,
    method: &str,
    path: &str,
    body: Option<&Value>,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    let url = agg::url(app, "midtrans", path);
    let mut req = if method == "GET" {
        app.http.get(&url)
    } else {
        app.http.post(&url)
    };
    if let Some(b) = body {
        req = req.json(b);
    }
    req = req.header("Authorization", basic(MIDTRANS_SERVER_KEY, ""));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn charge(app: &common::App, order_id: &str, amount: i64, notify: &str) -> Value {
    let (s, answer) = call(
        app,
        "POST",
        "/v2/charge",
        Some(&charge_body(order_id, amount)),
        &[("X-Override-Notification", notify)],
    )
    .await;
    assert_eq!(s, 200, "{answer}");
    assert_eq!(answer["status_code"], "201", "{answer}");
    answer
}

#[tokio::test]
async fn a_charge_is_paid_through_kredivos_pages_then_notified_with_a_valid_signature_key() {
    let app = common::spawn().await;
    let merchant = Merchant::start().await;
    let answer = charge(&app, "order-101", 1_000_000, &merchant.notify_url).await;
    assert_eq!(answer["transaction_status"], "pending");
    assert_eq!(answer["gross_amount"], "1000000.00");
    assert_eq!(answer["payment_type"], "kredivo");
    let redirect = answer["redirect_url"].as_str().expect("redirect_url");
    assert!(
        redirect.contains("/sandbox/midtrans/v2/kredivo/redirect/"),
        "{redirect}"
    );

    let landed = agg::pay_and_return(&app, redirect, Some("3_months")).await;
    assert!(
        landed.ends_with(
            "/kredivo/return?order_id=order-101&status_code=200&transaction_status=settlement"
        ),
        "finish redirect: {landed}"
    );

    let seen = merchant.wait_for(1).await;
    let n: Transaction = serde_json::from_slice(&seen[0].body).expect("a Midtrans notification");
    assert_eq!(
        n.transaction_status,
        Some(midtrans::TransactionStatus::Settlement)
    );
    assert_eq!(midtrans::verify_signature(&n, MIDTRANS_SERVER_KEY), Ok(()));
    assert!(midtrans::verify_signature(&n, "SB-Mid-server-other").is_err());

    let (s, status) = call(&app, "GET", "/v2/order-101/status", None, &[]).await;
    assert_eq!(s, 200);
    assert_eq!(status["transaction_status"], "settlement");
    assert_eq!(status["status_code"], "200");
    let st: Transaction = serde_json::from_value(status).expect("parses");
    assert_eq!(midtrans::verify_signature(&st, MIDTRANS_SERVER_KEY), Ok(()));
}

#[tokio::test]
async fn a_wrong_server_key_is_401_and_business_errors_come_in_200s_with_a_status_code() {
    let app = common::spawn().await;
    let resp = app
        .http
        .post(agg::url(&app, "midtrans", "/v2/charge"))
        .header("Authorization", basic("SB-Mid-server-wrong", ""))
        .json(&charge_body("o-1", 100_000))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 401);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["status_code"], "401");

    charge(&app, "o-1", 100_000, "https://merchant.test/notify").await;
    let (s, dup) = call(
        &app,
        "POST",
        "/v2/charge",
        Some(&charge_body("o-1", 100_000)),
        &[],
    )
    .await;
    assert_eq!((s, dup["status_code"].as_str()), (200, Some("406")));

    let mut bad = charge_body("o-2", 100_000);
    bad["transaction_details"]["gross_amount"] = json!(99_999);
    let (s, answer) = call(&app, "POST", "/v2/charge", Some(&bad), &[]).await;
    assert_eq!((s, answer["status_code"].as_str()), (200, Some("400")));
    assert!(answer["validation_messages"][0]
        .as_str()
        .unwrap_or("")
        .contains("gross_amount"));

    let mut akulaku = charge_body("o-3", 100_000);
    akulaku["payment_type"] = json!("akulaku");
    let (_, answer) = call(&app, "POST", "/v2/charge", Some(&akulaku), &[]).await;
    assert_eq!(answer["status_code"], "402");

    let (s, missing) = call(&app, "GET", "/v2/nope/status", None, &[]).await;
    assert_eq!((s, missing["status_code"].as_str()), (404, Some("404")));
}

#[tokio::test]
async fn an_idempotency_key_replays_the_charge_and_refuses_another_body() {
    let app = common::spawn().await;
    let key = [("Idempotency-Key", "idem-1")];
    let (_, first) = call(
        &app,
        "POST",
        "/v2/charge",
        Some(&charge_body("o-7", 100_000)),
        &key,
    )
    .await;
    let (_, again) = call(
        &app,
        "POST",
        "/v2/charge",
        Some(&charge_body("o-7", 100_000)),
        &key,
    )
    .await;
    assert_eq!(first, again);
    assert_eq!(first["status_code"], "201");
    let (_, other) = call(
        &app,
        "POST",
        "/v2/charge",
        Some(&charge_body("o-8", 100_000)),
        &key,
    )
    .await;
    assert_eq!(other["status_code"], "409");
}

#[tokio::test]
async fn a_pending_charge_can_be_cancelled_or_expired_but_a_settled_one_cannot() {
    let app = common::spawn().await;
    let merchant = Merchant::start().await;
    charge(&app, "o-c", 100_000, &merchant.notify_url).await;
    let (_, cancelled) = call(&app, "POST", "/v2/o-c/cancel", None, &[]).await;
    assert_eq!(cancelled["transaction_status"], "cancel");
    assert_eq!(cancelled["status_code"], "200");
    let seen = merchant.wait_for(1).await;
    assert_eq!(seen[0].json()["transaction_status"], "cancel");
    let (_, again) = call(&app, "POST", "/v2/o-c/cancel", None, &[]).await;
    assert_eq!(again["status_code"], "412");

    charge(&app, "o-e", 100_000, &merchant.notify_url).await;
    let (_, expired) = call(&app, "POST", "/v2/o-e/expire", None, &[]).await;
    assert_eq!(expired["status_code"], "407");
    assert_eq!(expired["transaction_status"], "expire");
}

#[tokio::test]
async fn refunds_go_partial_then_full_and_a_repeated_refund_key_replays() {
    let app = common::spawn().await;
    let merchant = Merchant::start().await;
    let answer = charge(&app, "o-r", 1_000_000, &merchant.notify_url).await;
    let id = answer["transaction_id"].as_str().expect("id").to_owned();
    let settle = agg::url(
        &app,
        "midtrans",
        &format!("/_sandbox/transactions/{id}/settle"),
    );
    app.http.post(settle).send().await.expect("settle");
    merchant.wait_for(1).await;

    let part = json!({"refund_key": "rf-1", "amount": 400_000, "reason": "one item returned"});
    let (_, r1) = call(&app, "POST", "/v2/o-r/refund", Some(&part), &[]).await;
    assert_eq!(r1["status_code"], "200", "{r1}");
    assert_eq!(r1["transaction_status"], "partial_refund");
    assert_eq!(r1["refund_amount"], "400000.00");
    let (_, replay) = call(&app, "POST", "/v2/o-r/refund", Some(&part), &[]).await;
    assert_eq!(replay, r1, "the same refund_key answers the same refund");

    let too_much = json!({"refund_key": "rf-2", "amount": 700_000});
    let (_, refused) = call(&app, "POST", "/v2/o-r/refund", Some(&too_much), &[]).await;
    assert_eq!(refused["status_code"], "412");

    let rest = json!({"refund_key": "rf-3", "reason": "the rest"});
    let (_, r2) = call(&app, "POST", "/v2/o-r/refund", Some(&rest), &[]).await;
    assert_eq!(r2["transaction_status"], "refund");
    assert_eq!(r2["refund_amount"], "600000.00");
    let seen = merchant.wait_for(3).await;
    let last: Transaction = serde_json::from_slice(&seen[2].body).expect("notification");
    assert_eq!(
        last.transaction_status,
        Some(midtrans::TransactionStatus::Refund)
    );
    assert_eq!(
        midtrans::verify_signature(&last, MIDTRANS_SERVER_KEY),
        Ok(())
    );
}

#[tokio::test]
async fn a_lost_charge_response_keeps_the_charge_and_a_retry_with_its_key_replays_it() {
    use kredivo_sandbox::{Aggregator, Endpoint, Fault, FaultRule};
    let app = common::spawn().await;
    let faults = app.sandbox.faults();
    faults.add(
        FaultRule::new(
            Endpoint::MidtransCharge,
            Fault::LostResponse { hang_ms: None },
        )
        .times(1),
    );
    let garbage = Fault::Raw {
        status: 200,
        body: "<html>upstream maintenance</html>".into(),
        content_type: Some("text/html".into()),
    };
    faults.add(FaultRule::new(Endpoint::MidtransStatus, garbage).times(1));
    faults
        .add(FaultRule::new(Endpoint::MidtransStatus, Fault::HttpStatus { status: 503 }).times(1));
    let key = [("Idempotency-Key", "idem-lost")];
    let body = charge_body("o-lost", 100_000);
    let (status, _) = call(&app, "POST", "/v2/charge", Some(&body), &key).await;
    assert_eq!(status, 502);
    let stored = app.sandbox.aggregators().transactions(Aggregator::Midtrans);
    assert_eq!(stored.len(), 1, "Midtrans created the charge");

    let (_, again) = call(&app, "POST", "/v2/charge", Some(&body), &key).await;
    assert_eq!(again["status_code"], "201", "{again}");
    assert_eq!(again["transaction_id"], stored[0].id.as_str());
    assert_eq!(
        app.sandbox
            .aggregators()
            .transactions(Aggregator::Midtrans)
            .len(),
        1
    );

    let (s, garbled) = call(&app, "GET", "/v2/o-lost/status", None, &[]).await;
    assert_eq!((s, garbled), (200, Value::Null), "not JSON at all");
    let (s, _) = call(&app, "GET", "/v2/o-lost/status", None, &[]).await;
    assert_eq!(s, 503);
    let (_, truth) = call(&app, "GET", "/v2/o-lost/status", None, &[]).await;
    assert_eq!(truth["transaction_status"], "pending");
}

#[tokio::test]
async fn dropped_duplicated_delayed_and_stale_notifications_reach_the_merchant_as_armed() {
    let app = common::spawn().await;
    let merchant = Merchant::start().await;
    charge(&app, "o-pf", 100_000, &merchant.notify_url).await;
    agg::push_faults_reach_the_merchant_as_armed(
        &app,
        &merchant,
        "midtrans",
        "o-pf",
        "/transaction_status",
        ("settlement", "refund"),
    )
    .await;
}
