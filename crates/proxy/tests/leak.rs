//! The server key must never leave the proxy except in the body of a request to Kredivo:
//! not in a response, not in a stored record, not in a log line (TRACE, every crate).
//! Alone in its own test binary so the global log subscriber sees only this test.

mod common;

use std::time::Duration;

use common::*;
use kredivo_api::OrderStatus;
use kredivo_sandbox::{Endpoint, Fault, FaultRule, Target};
use serde_json::json;

const PT: &str = "/api/kredivo/v1/payment-types";

#[tokio::test]
async fn the_server_key_never_appears_in_any_response_log_or_stored_record() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
    let env = start_with(Options {
        upstream_timeout: Duration::from_millis(300),
        ..Options::default()
    })
    .await;
    // A full flow plus every kind of failure.
    let answer = env
        .checkout(&[("laptop-14", 1)], "12_months", "leak-check-0001")
        .await;
    let order_id = answer["order_id"].as_str().unwrap().to_owned();
    env.post(PT, &json!({"amount": "1500000"})).await;
    env.sandbox
        .kredivo()
        .drive(&order_id, Target::Settle)
        .unwrap();
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
    env.pushes_settled().await;
    env.send(
        env.admin(
            env.http
                .post(env.url(&format!("/api/kredivo/v1/admin/orders/{order_id}/cancel"))),
        )
        .json(&json!({"amount": "1000"})),
    )
    .await;
    env.send(
        env.admin(
            env.http
                .post(env.url(&format!("/api/kredivo/v1/admin/orders/{order_id}/refresh"))),
        ),
    )
    .await;
    for fault in [
        Fault::HttpStatus { status: 500 },
        Fault::MalformedJson,
        Fault::Latency { ms: 800 },
    ] {
        env.sandbox
            .faults()
            .add(FaultRule::new(Endpoint::Any, fault).times(3));
        env.post(
            "/api/kredivo/v1/checkout",
            &checkout_body(&[("tas-rotan", 1)], "30_days", "leak-check-0002"),
        )
        .await;
        env.post(PT, &json!({"amount": "777000"})).await;
        env.sandbox.faults().clear();
    }
    // Kredivo refusing our key echoes nothing back either.
    env.sandbox.faults().add(
        FaultRule::new(
            Endpoint::Any,
            Fault::Error {
                message: "Field secret_key is INCORRECT.".into(),
                code: None,
            },
        )
        .times(1),
    );
    env.post(PT, &json!({"amount": "888000"})).await;
    env.send(
        env.admin(
            env.http
                .get(env.url(&format!("/api/kredivo/v1/admin/orders/{order_id}"))),
        ),
    )
    .await;
    env.send(env.admin(env.http.get(env.url("/api/kredivo/v1/admin/orders"))))
        .await;

    let store = env.state.store();
    let mut stored = Vec::new();
    let calls = store.calls(None).await.unwrap();
    assert!(
        calls.len() >= 8,
        "the flow made provider calls: {}",
        calls.len()
    );
    assert!(calls
        .iter()
        .any(|c| c.operation == "checkout_url" && c.request.contains("transaction_details")));
    stored.push(serde_json::to_string(&calls).unwrap());
    stored.push(serde_json::to_string(&store.notifications(None).await.unwrap()).unwrap());
    for order in store.list_orders(&Default::default()).await.unwrap() {
        stored.push(serde_json::to_string(&order).unwrap());
        stored.push(serde_json::to_string(&store.events(&order.order_id).await.unwrap()).unwrap());
    }
    let seen = env.seen.lock().unwrap().clone();
    assert!(seen.len() >= 10);
    for text in seen.iter().chain(stored.iter()) {
        assert!(!text.contains(SERVER_KEY), "server key leaked: {text}");
    }
    // And the key really was sent to Kredivo (the sandbox accepted it).
    assert!(env.kredivo_transactions(&order_id) == 1);
    assert!(!format!("{:?}", env.state).contains(SERVER_KEY));
    let logs = String::from_utf8_lossy(&logs.bytes()).into_owned();
    assert!(
        logs.contains("request failed"),
        "failures were logged: {} bytes",
        logs.len()
    );
    assert!(!logs.contains(SERVER_KEY), "server key in the logs");
}
