//! Push delivery (retries, backoff, log) and every injectable fault, through the Rust API
//! and the HTTP driver under `/kredivo/_sandbox`.

mod common;

use std::time::{Duration, Instant};

use common::*;
use kredivo_sandbox::{Endpoint, Fault, FaultRule, PushOutcome, Target};
use serde_json::{json, Value};

#[tokio::test]
async fn a_push_is_retried_until_the_merchant_answers_status_ok() {
    let app = spawn().await;
    let rx = Receiver::scripted(vec![
        (500, "oops"),
        (200, r#"{"status":"ERROR","message":"not yet"}"#),
    ])
    .await;
    let (_, tx_id) = app
        .checkout(&simple_checkout("RETRY-1", 100_000, &rx.url))
        .await;
    app.sandbox
        .kredivo()
        .drive(&tx_id, Target::Settle)
        .expect("settle");
    wait_until(&app.sandbox, "delivery", |log| {
        log.iter().any(|r| r.outcome == PushOutcome::Delivered)
    })
    .await;
    let record = &app.sandbox.push_log()[0];
    assert_eq!(record.attempts.len(), 3);
    assert_eq!(record.attempts[0].http_status, Some(500));
    assert!(
        !record.attempts[1].acknowledged,
        "status ERROR is not an acknowledgement"
    );
    assert!(record.attempts[2].acknowledged);
    assert_eq!(rx.received().len(), 3, "same body three times");
}

#[tokio::test]
async fn a_push_gives_up_after_max_attempts() {
    let app = spawn().await;
    let rx = Receiver::scripted(vec![(503, ""); 10]).await;
    let (_, tx_id) = app
        .checkout(&simple_checkout("RETRY-2", 100_000, &rx.url))
        .await;
    app.sandbox
        .kredivo()
        .drive(&tx_id, Target::Deny)
        .expect("deny");
    wait_until(&app.sandbox, "give up", |log| {
        log.iter().any(|r| r.outcome == PushOutcome::GaveUp)
    })
    .await;
    assert_eq!(
        app.sandbox.push_log()[0].attempts.len(),
        3,
        "PushConfig::fast has 3"
    );
    assert_eq!(rx.received()[0]["transaction_status"], "deny");
}

#[tokio::test]
async fn an_unreachable_push_uri_is_logged_with_the_transport_error() {
    let app = spawn().await;
    let (_, tx_id) = app
        .checkout(&simple_checkout(
            "RETRY-3",
            100_000,
            "http://127.0.0.1:9/push",
        ))
        .await;
    app.sandbox
        .kredivo()
        .drive(&tx_id, Target::Settle)
        .expect("settle");
    wait_until(&app.sandbox, "give up", |log| {
        log.iter().any(|r| r.outcome == PushOutcome::GaveUp)
    })
    .await;
    assert!(app.sandbox.push_log()[0].attempts[0].error.is_some());
}

#[tokio::test]
async fn a_dropped_push_is_logged_but_never_sent() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    app.sandbox
        .faults()
        .add(FaultRule::new(Endpoint::Push, Fault::DropPush).times(1));
    let (_, tx_id) = app
        .checkout(&simple_checkout("DROP-1", 100_000, &rx.url))
        .await;
    app.sandbox
        .kredivo()
        .drive(&tx_id, Target::Settle)
        .expect("settle");
    app.sandbox
        .kredivo()
        .drive(&tx_id, Target::Repush)
        .expect("repush");
    let got = rx.wait_for(1).await;
    assert_eq!(got.len(), 1, "only the re-push arrives");
    assert_eq!(app.sandbox.push_log()[0].outcome, PushOutcome::Dropped);
}

#[tokio::test]
async fn a_duplicated_push_arrives_twice_with_the_same_body() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    app.sandbox
        .faults()
        .add(FaultRule::new(Endpoint::Push, Fault::DuplicatePush).times(1));
    let (_, tx_id) = app
        .checkout(&simple_checkout("DUPP-1", 100_000, &rx.url))
        .await;
    app.sandbox
        .kredivo()
        .drive(&tx_id, Target::Settle)
        .expect("settle");
    let got = rx.wait_for(2).await;
    assert_eq!(got[0], got[1]);
}

#[tokio::test]
async fn an_out_of_order_push_delivers_a_stale_pending_after_settlement() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    app.sandbox
        .faults()
        .add(FaultRule::new(Endpoint::Push, Fault::OutOfOrderPush).times(1));
    let (_, tx_id) = app
        .checkout(&simple_checkout("OOO-1", 100_000, &rx.url))
        .await;
    app.sandbox
        .kredivo()
        .drive(&tx_id, Target::Settle)
        .expect("settle");
    let got = rx.wait_for(2).await;
    assert_eq!(got[0]["transaction_status"], "settlement");
    assert_eq!(got[1]["transaction_status"], "pending");
    // Its signature key is genuine, and /v2/update tells the truth: settlement.
    let key = got[1]["signature_key"].as_str().expect("key");
    let update = app
        .get_json(&format!(
            "/v2/update?transaction_id={tx_id}&signature_key={key}"
        ))
        .await;
    assert_eq!(update["transaction_status"], "settlement");
}

#[tokio::test]
async fn each_push_carries_a_fresh_signature_key() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let (_, tx_id) = app
        .checkout(&simple_checkout("KEYS-1", 100_000, &rx.url))
        .await;
    app.sandbox
        .kredivo()
        .drive(&tx_id, Target::Settle)
        .expect("settle");
    app.sandbox
        .kredivo()
        .drive(&tx_id, Target::Repush)
        .expect("repush");
    let got = rx.wait_for(2).await;
    assert_ne!(got[0]["signature_key"], got[1]["signature_key"]);
}

#[tokio::test]
async fn request_faults_add_latency_then_fail_then_lie_then_disarm() {
    let app = spawn().await;
    let faults = app.sandbox.faults();
    faults.add(FaultRule::new(Endpoint::Payments, Fault::Latency { ms: 150 }).times(1));
    faults.add(FaultRule::new(Endpoint::Payments, Fault::HttpStatus { status: 503 }).times(1));
    let body = json!({"server_key": KEY, "amount": 100000,
        "items": [{"id":"a","name":"a","price":100000,"quantity":1,"type":"t","url":"https://x"}]});

    let started = Instant::now();
    let (status, text) = app.post_raw("/v2/payments", body.to_string()).await;
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "latency applied"
    );
    assert_eq!(status, 503);
    assert!(
        text.contains("503"),
        "an HTML error body, not an empty one: {text}"
    );

    faults.add(FaultRule::new(Endpoint::Payments, Fault::MalformedJson).times(1));
    let (status, text) = app.post_raw("/v2/payments", body.to_string()).await;
    assert_eq!(status, 200);
    assert!(
        serde_json::from_str::<Value>(&text).is_err(),
        "malformed: {text}"
    );

    faults.add(
        FaultRule::new(
            Endpoint::Any,
            Fault::Error {
                message: "Invalid merchant".into(),
                code: Some(2001),
            },
        )
        .times(1),
    );
    let resp = app.post("/v2/payments", &body).await;
    assert_eq!(resp["error"]["message"], "Invalid merchant");
    assert_eq!(resp["error"]["code"], 2001);

    let resp = app.post("/v2/payments", &body).await;
    assert_eq!(resp["status"], "OK", "every rule has fired out");
    assert!(app.sandbox.faults().list().is_empty());
}

#[tokio::test]
async fn a_fault_on_one_endpoint_leaves_the_others_alone() {
    let app = spawn().await;
    app.sandbox.faults().add(FaultRule::new(
        Endpoint::CheckoutUrl,
        Fault::HttpStatus { status: 502 },
    ));
    let resp = app
        .post(
            "/transaction/status",
            &json!({"server_key": KEY, "order_id": "x"}),
        )
        .await;
    assert_eq!(resp["status"], "ERROR", "a normal Kredivo answer");
    let (status, _) = app.post_raw("/v2/checkout_url", "{}").await;
    assert_eq!(status, 502);
    let (status, _) = app.post_raw("/v2/checkout_url", "{}").await;
    assert_eq!(status, 502, "no `times`: stays armed");
}

#[tokio::test]
async fn the_http_driver_arms_faults_drives_transactions_and_shows_pushes() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let http = reqwest::Client::new();
    let driver = |p: &str| app.url(&format!("/_sandbox{p}"));

    let armed: Value = http
        .post(driver("/faults"))
        .json(&json!({"endpoint":"checkout_url","fault":{"kind":"http_status","status":500},"times":1}))
        .send()
        .await
        .expect("arm")
        .json()
        .await
        .expect("json");
    assert_eq!(armed.as_array().map(Vec::len), Some(1));
    let (status, _) = app
        .post_raw(
            "/v2/checkout_url",
            simple_checkout("DRV-1", 100_000, &rx.url).to_string(),
        )
        .await;
    assert_eq!(status, 500);
    let (resp, _) = app
        .checkout(&simple_checkout("DRV-1", 100_000, &rx.url))
        .await;
    assert_eq!(resp["status"], "OK");

    let list: Value = http
        .get(driver("/transactions"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(list[0]["order_id"], "DRV-1");
    let view: Value = http
        .post(driver("/transactions/DRV-1/settle"))
        .send()
        .await
        .expect("drive")
        .json()
        .await
        .expect("json");
    assert_eq!(view["transaction_status"], "settlement");
    let conflict = http
        .post(driver("/transactions/DRV-1/expire"))
        .send()
        .await
        .expect("drive");
    assert_eq!(conflict.status(), 409, "settled transactions do not expire");
    let missing = http
        .post(driver("/transactions/nope/settle"))
        .send()
        .await
        .expect("drive");
    assert_eq!(missing.status(), 404);
    let bad = http
        .post(driver("/transactions/DRV-1/refund"))
        .send()
        .await
        .expect("drive");
    assert_eq!(bad.status(), 400);

    rx.wait_for(1).await;
    wait_until(&app.sandbox, "delivered", |log| {
        log.iter().any(|r| r.outcome == PushOutcome::Delivered)
    })
    .await;
    let pushes: Value = http
        .get(driver("/pushes"))
        .send()
        .await
        .expect("pushes")
        .json()
        .await
        .expect("json");
    assert_eq!(pushes[0]["outcome"], "delivered");
    assert_eq!(pushes[0]["attempts"][0]["http_status"], 200);

    let clock: Value = http
        .post(driver("/clock/advance"))
        .json(&json!({"seconds": 90000}))
        .send()
        .await
        .expect("advance")
        .json()
        .await
        .expect("json");
    assert!(clock["now"].as_i64().is_some());
    let token: Value = http
        .post(driver("/user_tokens"))
        .json(&json!({"phone": "081513114262", "client_user_key": "u1"}))
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    assert!(token["user_token"].as_str().is_some(), "{token}");
    let accounts: Value = http
        .get(driver("/accounts"))
        .send()
        .await
        .expect("a")
        .json()
        .await
        .expect("json");
    assert_eq!(accounts[0]["phone"], "81513114262");
    assert!(accounts[0].get("pin").is_none(), "PINs are not listed");
    let cleared = http.delete(driver("/faults")).send().await.expect("clear");
    assert_eq!(cleared.status(), 200);
}

#[tokio::test]
async fn seeded_sandboxes_hand_out_the_same_ids() {
    let a = spawn().await;
    let b = spawn().await;
    let rx = Receiver::start().await;
    let (_, id_a) = a
        .checkout(&simple_checkout("SEED-1", 100_000, &rx.url))
        .await;
    let (_, id_b) = b
        .checkout(&simple_checkout("SEED-1", 100_000, &rx.url))
        .await;
    assert_eq!(id_a, id_b);
}
