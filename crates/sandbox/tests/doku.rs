//! The DOKU simulator speaks doc 001's dialect: signed headers both ways, Request-Id
//! idempotency, FAILED for a reused invoice, DOKU's error shape, the hosted Kredivo pages,
//! and signed notifications.

mod agg;
mod common;

use agg::Merchant;
use kredivo_providers::doku::{self, SignatureInput};
use kredivo_providers::sandbox_defaults::{DOKU_CLIENT_ID, DOKU_SECRET_KEY};
use kredivo_sandbox::{Aggregator, Endpoint, Fault, FaultRule};
use serde_json::{json, Value};

const TS: &str = "2024-01-01T00:00:00Z";

fn order(invoice: &str, amount: u64, notify: &str) -> Value {
    json!({
        "order": {
            "invoice_number": invoice,
            "line_items": [
                {"id": "SKU-1", "name": "Kemeja Batik", "price": amount - 10_000, "quantity": 1,
                 "type": "Fashion", "url": "https://merchant.test/p/1"},
                {"id": "shippingfee", "name": "Ongkos kirim", "price": 5_000, "quantity": 2,
                 "type": "Fee", "url": "https://merchant.test/shipping"}
            ],
            "amount": amount,
            "callback_url": "https://merchant.test/return?order_id=INV",
            "callback_url_cancel": "https://merchant.test/cancelled"
        },
        "peer_to_peer_info": {"merchant_unique_reference": invoice, "expired_time": 60},
        "customer": {"first_name": "Oemang", "last_name": "Tandra", "phone": "6281513114262",
                     "email": "o@example.com"},
        "additional_info": {"override_notification_url": notify}
    })
}

/// Sends a signed DOKU request; returns (status, headers, body).
async fn send(
    app: &common::App,
    method: &str,
    path: &str,
    request_id: &str,
    body: Option<&Value>,
    secret: &str,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let url = agg::url(app, "doku", path);
    let bytes = body.map(|b| serde_json::to_vec(b).expect("json"));
    let signature = doku::sign(
        secret,
        &SignatureInput {
            client_id: DOKU_CLIENT_ID,
            request_id,
            timestamp: TS,
            target: path,
            body: bytes.as_deref(),
        },
    );
    let mut req = if method == "GET" {
        app.http.get(&url)
    } else {
        app.http
            .post(&url)
            .header("content-type", "application/json")
    };
    if let Some(bytes) = bytes {
        req = req.body(bytes);
    }
    let resp = req
        .header("Client-Id", DOKU_CLIENT_ID)
        .header("Request-Id", request_id)
        .header("Request-Timestamp", TS)
        .header("Signature", signature)
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.json().await.unwrap_or(Value::Null);
    (status, headers, body)
}

#[tokio::test]
async fn a_signed_order_is_paid_through_kredivos_pages_and_notified_with_a_verifiable_signature() {
    let app = common::spawn().await;
    let merchant = Merchant::start().await;
    let body = order("INV-1001", 1_500_000, &merchant.notify_url);
    let (status, headers, answer) = send(
        &app,
        "POST",
        doku::GENERATE_ORDER_PATH,
        "req-1",
        Some(&body),
        DOKU_SECRET_KEY,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["payment"]["status"], "PENDING");
    assert_eq!(answer["order"]["amount"], 1_500_000);
    let url = answer["payment"]["url"].as_str().expect("payment.url");
    assert!(url.contains("/sandbox/kredivo/v2/signin?tk="), "{url}");
    assert!(
        headers.get("Signature").is_some(),
        "answers carry DOKU's response headers"
    );
    assert_eq!(
        answer["peer_to_peer_info"]["merchant_unique_reference"],
        "INV-1001"
    );

    let landed = agg::pay_and_return(&app, url, Some("3_months")).await;
    assert_eq!(landed, "https://merchant.test/return?order_id=INV");

    let seen = merchant.wait_for(1).await;
    let n = &seen[0];
    let timestamp = n.header("Request-Timestamp");
    let request_id = n.header("Request-Id");
    assert_eq!(n.header("Client-Id"), DOKU_CLIENT_ID);
    assert!(
        doku::verify(
            DOKU_SECRET_KEY,
            &SignatureInput {
                client_id: DOKU_CLIENT_ID,
                request_id: &request_id,
                timestamp: &timestamp,
                target: "/merchant/notify",
                body: Some(&n.body),
            },
            &n.header("Signature"),
        )
        .is_ok(),
        "the notification is signed over the merchant's own notification path"
    );
    let note = n.json();
    assert_eq!(note["transaction"]["status"], "SUCCESS");
    assert_eq!(note["order"]["invoice_number"], "INV-1001");
    assert_eq!(note["transaction"]["original_request_id"], "req-1");
    assert_eq!(note["service"]["id"], "PEER_TO_PEER");

    let (status, _, st) = send(
        &app,
        "GET",
        &doku::status_path("INV-1001"),
        "req-2",
        None,
        DOKU_SECRET_KEY,
    )
    .await;
    assert_eq!(status, 200, "{st}");
    assert_eq!(st["transaction"]["status"], "SUCCESS");
    let view = app
        .sandbox
        .aggregators()
        .transaction(Aggregator::Doku, "INV-1001")
        .expect("stored");
    assert_eq!(view.status, "SUCCESS");
}

#[tokio::test]
async fn bad_signatures_unknown_clients_and_bad_timestamps_get_dokus_error_shape() {
    let app = common::spawn().await;
    let body = order("INV-2001", 150_000, "https://merchant.test/notify");
    let (status, _, answer) = send(
        &app,
        "POST",
        doku::GENERATE_ORDER_PATH,
        "req-1",
        Some(&body),
        "SK-wrong",
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(answer["error"]["code"], "invalid_signature");

    let url = agg::url(&app, "doku", doku::GENERATE_ORDER_PATH);
    let resp = app
        .http
        .post(&url)
        .header("Client-Id", "MCH-unknown")
        .header("Request-Id", "r")
        .header("Request-Timestamp", TS)
        .header("Signature", "HMACSHA256=AAAA")
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 401);
    let answer: Value = resp.json().await.expect("json");
    assert_eq!(answer["error"]["code"], "invalid_client_id");

    let resp = app
        .http
        .post(&url)
        .header("Client-Id", DOKU_CLIENT_ID)
        .header("Request-Id", "r")
        .header("Request-Timestamp", "yesterday")
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 400);
    let answer: Value = resp.json().await.expect("json");
    assert_eq!(answer["error"]["code"], "invalid_timestamp");
    assert!(app
        .sandbox
        .aggregators()
        .transactions(Aggregator::Doku)
        .is_empty());
}

#[tokio::test]
async fn the_same_request_id_and_body_replay_the_answer_with_409_and_another_body_is_refused() {
    let app = common::spawn().await;
    let body = order("INV-3001", 150_000, "https://merchant.test/notify");
    let (s1, _, first) = send(
        &app,
        "POST",
        doku::GENERATE_ORDER_PATH,
        "req-9",
        Some(&body),
        DOKU_SECRET_KEY,
    )
    .await;
    let (s2, _, second) = send(
        &app,
        "POST",
        doku::GENERATE_ORDER_PATH,
        "req-9",
        Some(&body),
        DOKU_SECRET_KEY,
    )
    .await;
    assert_eq!((s1, s2), (200, 409));
    assert_eq!(first, second, "the replay carries the same body");
    assert_eq!(
        app.sandbox
            .aggregators()
            .transactions(Aggregator::Doku)
            .len(),
        1
    );

    let other = order("INV-3002", 150_000, "https://merchant.test/notify");
    let (s3, _, third) = send(
        &app,
        "POST",
        doku::GENERATE_ORDER_PATH,
        "req-9",
        Some(&other),
        DOKU_SECRET_KEY,
    )
    .await;
    assert_eq!(s3, 400);
    assert_eq!(third["error"]["code"], "invalid_request_id");
}

#[tokio::test]
async fn a_reused_invoice_number_answers_failed_and_a_wrong_total_is_an_invalid_parameter() {
    let app = common::spawn().await;
    let body = order("INV-4001", 150_000, "https://merchant.test/notify");
    let (s, _, _) = send(
        &app,
        "POST",
        doku::GENERATE_ORDER_PATH,
        "a",
        Some(&body),
        DOKU_SECRET_KEY,
    )
    .await;
    assert_eq!(s, 200);
    let (s, _, again) = send(
        &app,
        "POST",
        doku::GENERATE_ORDER_PATH,
        "b",
        Some(&body),
        DOKU_SECRET_KEY,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(again["payment"]["status"], "FAILED");
    assert!(again["payment"].get("url").is_none());

    let mut wrong = order("INV-4002", 150_000, "https://merchant.test/notify");
    wrong["order"]["amount"] = json!(150_001);
    let (s, _, answer) = send(
        &app,
        "POST",
        doku::GENERATE_ORDER_PATH,
        "c",
        Some(&wrong),
        DOKU_SECRET_KEY,
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(answer["error"]["code"], "invalid_parameter");
    assert!(answer["error"]["message"]
        .as_str()
        .unwrap_or("")
        .contains("order.amount"));
}

#[tokio::test]
async fn a_status_request_is_signed_without_a_digest_line() {
    let app = common::spawn().await;
    let body = order("INV-5001", 150_000, "https://merchant.test/notify");
    send(
        &app,
        "POST",
        doku::GENERATE_ORDER_PATH,
        "a",
        Some(&body),
        DOKU_SECRET_KEY,
    )
    .await;
    let path = doku::status_path("INV-5001");
    let (s, _, st) = send(&app, "GET", &path, "b", None, DOKU_SECRET_KEY).await;
    assert_eq!(s, 200, "{st}");
    assert_eq!(st["transaction"]["status"], "PENDING");
    // A GET signed as if it had a body (a Digest line) is refused.
    let signature = doku::sign(
        DOKU_SECRET_KEY,
        &SignatureInput {
            client_id: DOKU_CLIENT_ID,
            request_id: "c",
            timestamp: TS,
            target: &path,
            body: Some(b""),
        },
    );
    let resp = app
        .http
        .get(agg::url(&app, "doku", &path))
        .header("Client-Id", DOKU_CLIENT_ID)
        .header("Request-Id", "c")
        .header("Request-Timestamp", TS)
        .header("Signature", signature)
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 401);
    let (s, _, missing) = send(
        &app,
        "GET",
        &doku::status_path("INV-none"),
        "d",
        None,
        DOKU_SECRET_KEY,
    )
    .await;
    assert_eq!(s, 404);
    assert_eq!(missing["error"]["code"], "invoice_not_found");
}

#[tokio::test]
async fn a_shopper_who_gives_up_lands_on_the_cancel_url_and_the_merchant_hears_failed() {
    let app = common::spawn().await;
    let merchant = Merchant::start().await;
    let body = order("INV-6001", 150_000, &merchant.notify_url);
    let (_, _, answer) = send(
        &app,
        "POST",
        doku::GENERATE_ORDER_PATH,
        "a",
        Some(&body),
        DOKU_SECRET_KEY,
    )
    .await;
    let url = answer["payment"]["url"].as_str().expect("url");
    let landed = agg::give_up(&app, url).await;
    assert_eq!(landed, "https://merchant.test/cancelled");
    let seen = merchant.wait_for(1).await;
    assert_eq!(seen[0].json()["transaction"]["status"], "FAILED");
}

#[tokio::test]
async fn a_back_office_refund_from_the_driver_is_notified_as_refunded() {
    let app = common::spawn().await;
    let merchant = Merchant::start().await;
    let body = order("INV-7001", 150_000, &merchant.notify_url);
    send(
        &app,
        "POST",
        doku::GENERATE_ORDER_PATH,
        "a",
        Some(&body),
        DOKU_SECRET_KEY,
    )
    .await;
    let drive = |target: &str| {
        agg::url(
            &app,
            "doku",
            &format!("/_sandbox/transactions/INV-7001/{target}"),
        )
    };
    let settled: Value = app
        .http
        .post(drive("settle"))
        .send()
        .await
        .expect("settle")
        .json()
        .await
        .expect("json");
    assert_eq!(settled["status"], "SUCCESS");
    let refunded: Value = app
        .http
        .post(drive("refund"))
        .send()
        .await
        .expect("refund")
        .json()
        .await
        .expect("json");
    assert_eq!(refunded["status"], "REFUNDED");
    let seen = merchant.wait_for(2).await;
    assert_eq!(seen[1].json()["transaction"]["status"], "REFUNDED");
}

#[tokio::test]
async fn an_armed_fault_answers_in_dokus_error_shape_once() {
    let app = common::spawn().await;
    app.sandbox.faults().add(
        FaultRule::new(
            Endpoint::DokuGenerateOrder,
            Fault::Error {
                message: "Acquirer unavailable".into(),
                code: Some(503),
            },
        )
        .times(1),
    );
    let body = order("INV-8001", 150_000, "https://merchant.test/notify");
    let (s, _, answer) = send(
        &app,
        "POST",
        doku::GENERATE_ORDER_PATH,
        "a",
        Some(&body),
        DOKU_SECRET_KEY,
    )
    .await;
    assert_eq!(s, 503);
    assert_eq!(answer["error"]["message"], "Acquirer unavailable");
    let (s, _, _) = send(
        &app,
        "POST",
        doku::GENERATE_ORDER_PATH,
        "b",
        Some(&body),
        DOKU_SECRET_KEY,
    )
    .await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn a_lost_generate_order_response_keeps_the_order_and_a_retry_replays_it() {
    let app = common::spawn().await;
    let merchant = Merchant::start().await;
    let body = order("INV-LOST", 150_000, &merchant.notify_url);
    let faults = app.sandbox.faults();
    faults.add(
        FaultRule::new(
            Endpoint::DokuGenerateOrder,
            Fault::LostResponse { hang_ms: None },
        )
        .times(1),
    );
    faults.add(FaultRule::new(Endpoint::DokuStatus, Fault::HttpStatus { status: 503 }).times(2));
    let path = doku::GENERATE_ORDER_PATH;
    let (status, _, _) = send(&app, "POST", path, "req-lost", Some(&body), DOKU_SECRET_KEY).await;
    assert_eq!(status, 502);
    let stored = app.sandbox.aggregators().transactions(Aggregator::Doku);
    assert_eq!(stored.len(), 1, "DOKU created the order");

    // The same Request-Id and body replay the first answer (409): still one order.
    let (status, _, again) =
        send(&app, "POST", path, "req-lost", Some(&body), DOKU_SECRET_KEY).await;
    assert_eq!(status, 409);
    assert_eq!(again["payment"]["url"], stored[0].checkout_url.as_str());
    assert_eq!(
        app.sandbox
            .aggregators()
            .transactions(Aggregator::Doku)
            .len(),
        1
    );

    // The status endpoint is down twice, then tells the truth, paid once the shopper pays.
    let status_path = doku::status_path("INV-LOST");
    let mut seen = Vec::new();
    for i in 0..3 {
        let (s, _, body) = send(
            &app,
            "GET",
            &status_path,
            &format!("st-{i}"),
            None,
            DOKU_SECRET_KEY,
        )
        .await;
        seen.push((s, body["transaction"]["status"].clone()));
    }
    assert_eq!(
        seen,
        [
            (503, Value::Null),
            (503, Value::Null),
            (200, json!("PENDING"))
        ]
    );
    agg::drive(&app, "doku", "INV-LOST", "settle").await;
    let (_, _, paid) = send(&app, "GET", &status_path, "st-9", None, DOKU_SECRET_KEY).await;
    assert_eq!(paid["transaction"]["status"], "SUCCESS");
}

#[tokio::test]
async fn notifications_carry_a_request_id_to_dedupe_and_a_timestamp_to_window() {
    use kredivo_sandbox::Clock;
    let app = common::spawn().await;
    let merchant = Merchant::start().await;
    let body = order("INV-HDR", 150_000, &merchant.notify_url);
    let path = doku::GENERATE_ORDER_PATH;
    let (status, _, _) = send(&app, "POST", path, "req-hdr", Some(&body), DOKU_SECRET_KEY).await;
    assert_eq!(status, 200);

    app.sandbox
        .faults()
        .add(FaultRule::new(Endpoint::Push, Fault::DuplicatePush).times(1));
    agg::drive(&app, "doku", "INV-HDR", "settle").await;
    let seen = merchant.wait_for(2).await;
    let first_id = seen[0].header("Request-Id");
    assert!(!first_id.is_empty());
    assert_eq!(
        seen[1].header("Request-Id"),
        first_id,
        "a duplicate repeats its id"
    );
    let now = app.clock.unix_secs();
    let stamp = seen[0].header("Request-Timestamp");
    assert_eq!(kredivo_providers::time::parse_iso_utc(&stamp), Some(now));

    app.clock.advance(std::time::Duration::from_secs(90));
    agg::drive(&app, "doku", "INV-HDR", "repush").await;
    let seen = merchant.wait_for(3).await;
    assert_ne!(
        seen[2].header("Request-Id"),
        first_id,
        "a new notification, a new id"
    );
    let stamp = seen[2].header("Request-Timestamp");
    assert_eq!(
        kredivo_providers::time::parse_iso_utc(&stamp),
        Some(now + 90)
    );
    for s in &seen {
        let verified = doku::verify(
            DOKU_SECRET_KEY,
            &SignatureInput {
                client_id: &s.header("Client-Id"),
                request_id: &s.header("Request-Id"),
                timestamp: &s.header("Request-Timestamp"),
                target: "/merchant/notify",
                body: Some(&s.body),
            },
            &s.header("Signature"),
        );
        assert!(verified.is_ok(), "{verified:?}");
    }
}

#[tokio::test]
async fn dropped_duplicated_delayed_and_stale_notifications_reach_the_merchant_as_armed() {
    let app = common::spawn().await;
    let merchant = Merchant::start().await;
    let body = order("INV-PF", 150_000, &merchant.notify_url);
    let path = doku::GENERATE_ORDER_PATH;
    let (status, _, _) = send(&app, "POST", path, "req-pf", Some(&body), DOKU_SECRET_KEY).await;
    assert_eq!(status, 200);
    agg::push_faults_reach_the_merchant_as_armed(
        &app,
        &merchant,
        "doku",
        "INV-PF",
        "/transaction/status",
        ("SUCCESS", "REFUNDED"),
    )
    .await;
}
