//! `GATEWAY=doku` end to end against the DOKU simulator: estimated plans, a signed
//! generate-order, Kredivo's hosted pages by form posts, a notification verified by its
//! header signature over our own notification path, and forged notifications that change
//! nothing.

mod gateways;

use gateways::{assert_no_secret_stored, assert_notified, assert_returned, start};
use kredivo_api::OrderStatus;
use kredivo_providers::doku::{self, SignatureInput};
use kredivo_providers::sandbox_defaults::{DOKU_CLIENT_ID, DOKU_SECRET_KEY};
use serde_json::{json, Value};

const PUSH_PATH: &str = "/api/kredivo/v1/push";

/// DOKU's notification headers for `body`, signed with `secret` over our push path.
fn signed(secret: &str, body: &[u8]) -> Vec<(&'static str, String)> {
    let ts = "2024-01-01T00:00:00Z".to_owned();
    let rid = "forged-1".to_owned();
    let signature = doku::sign(
        secret,
        &SignatureInput {
            client_id: DOKU_CLIENT_ID,
            request_id: &rid,
            timestamp: &ts,
            target: PUSH_PATH,
            body: Some(body),
        },
    );
    vec![
        ("Client-Id", DOKU_CLIENT_ID.to_owned()),
        ("Request-Id", rid),
        ("Request-Timestamp", ts),
        ("Signature", signature),
    ]
}

fn notification(order_id: &str, amount: u64, status: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "service": {"id": "PEER_TO_PEER"}, "acquirer": {"id": "KREDIVO"},
        "channel": {"id": "PEER_TO_PEER_KREDIVO"},
        "order": {"invoice_number": order_id, "amount": amount},
        "transaction": {"status": status, "date": "2024-01-01T00:00:00Z"}
    }))
    .expect("json")
}

#[tokio::test]
async fn a_doku_order_is_estimated_paid_on_kredivos_pages_and_settled_by_a_signed_notification() {
    let env = start("doku").await;
    let plans = env.plans(&[("smartphone-x5", 1)]).await;
    assert_eq!(
        plans["estimate"], true,
        "DOKU has no plan API: the table estimates"
    );
    let kinds: Vec<&str> = plans["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .filter_map(|p| p["payment_type"].as_str())
        .collect();
    assert_eq!(kinds, ["30_days", "3_months", "6_months", "12_months"]);

    let (order_id, redirect) = env
        .checkout(&[("smartphone-x5", 1)], "3_months", "doku-flow-0001")
        .await;
    let sandbox_tx = env
        .sandbox
        .aggregators()
        .transaction(kredivo_sandbox::Aggregator::Doku, &order_id)
        .expect("DOKU has the invoice");
    assert_eq!(sandbox_tx.amount, "2400000");
    assert_eq!(
        sandbox_tx.notification_urls,
        [format!("{}{PUSH_PATH}", env.base)]
    );

    let hops = env.pay_on_hosted_pages(&redirect, "3_months").await;
    assert_returned(&hops, &order_id);
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
    assert_notified(&env).await;
    assert_no_secret_stored(&env, &[DOKU_SECRET_KEY]).await;
}

#[tokio::test]
async fn forged_doku_notifications_change_no_order() {
    let env = start("doku").await;
    let (order_id, _) = env
        .checkout(&[("rice-cooker", 1)], "30_days", "doku-forged-001")
        .await;
    let before = env.all_statuses().await;

    // A signature made with another secret.
    let body = notification(&order_id, 899_000, "SUCCESS");
    let (status, answer) = env.notify(&signed("SK-forger", &body), &body).await;
    assert_eq!(status, 200, "answered so DOKU stops retrying: {answer}");
    // No headers at all.
    let (status, _) = env.notify(&[], &body).await;
    assert_eq!(status, 200);
    // A genuine signature over a body whose amount was changed afterwards.
    let genuine = notification(&order_id, 899_000, "SUCCESS");
    let headers = signed(DOKU_SECRET_KEY, &genuine);
    let tampered = notification(&order_id, 1, "SUCCESS");
    env.notify(&headers, &tampered).await;
    // Signed with the real key but for another amount than the order's.
    let other_amount = notification(&order_id, 1_000, "SUCCESS");
    env.notify(&signed(DOKU_SECRET_KEY, &other_amount), &other_amount)
        .await;
    // Signed over another path than our notification URL.
    let wrong_target = {
        let mut h = signed(DOKU_SECRET_KEY, &genuine);
        h[3].1 = doku::sign(
            DOKU_SECRET_KEY,
            &SignatureInput {
                client_id: DOKU_CLIENT_ID,
                request_id: "forged-1",
                timestamp: "2024-01-01T00:00:00Z",
                target: "/somewhere/else",
                body: Some(&genuine),
            },
        );
        h
    };
    env.notify(&wrong_target, &genuine).await;

    assert_eq!(env.all_statuses().await, before, "no order changed");
    assert_eq!(env.status(&order_id).await, OrderStatus::Pending);
    let verdicts = env.verdicts().await;
    assert_eq!(
        verdicts,
        [
            "unconfirmed",
            "unconfirmed",
            "unconfirmed",
            "mismatch",
            "unconfirmed"
        ],
        "each forgery is stored with why it was refused"
    );
}

#[tokio::test]
async fn an_unknown_doku_status_is_kept_verbatim_and_never_settles() {
    let env = start("doku").await;
    let (order_id, _) = env
        .checkout(&[("kopi-gayo-250g", 1)], "30_days", "doku-unknown-01")
        .await;
    let body = notification(&order_id, 95_000, "PARTIALLY_PAID");
    let (status, _) = env.notify(&signed(DOKU_SECRET_KEY, &body), &body).await;
    assert_eq!(status, 200);
    assert_eq!(env.status(&order_id).await, OrderStatus::Pending);
    assert_eq!(env.verdicts().await, ["ignored"]);
    let events = env.state.store().events(&order_id).await.expect("events");
    assert!(
        events
            .iter()
            .any(|e| e.kind == "unknown_status" && e.detail.contains("PARTIALLY_PAID")),
        "{events:?}"
    );
}

#[tokio::test]
async fn doku_has_no_refund_api_but_a_back_office_refund_cancels_the_order() {
    let env = start("doku").await;
    let (order_id, _) = env
        .checkout(&[("sarung-tenun", 1)], "30_days", "doku-refund-001")
        .await;
    env.drive("doku", &order_id, "settle").await;
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
    env.notifications_delivered().await;
    assert_eq!(
        env.verdicts().await,
        ["applied"],
        "the notification alone settled it"
    );

    let (status, body) = env.admin_cancel(&order_id, json!({})).await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(body["error"]["code"], "upstream_error");
    assert_eq!(env.status(&order_id).await, OrderStatus::Settled);

    let refunded: Value = env.drive("doku", &order_id, "refund").await;
    assert_eq!(refunded["status"], "REFUNDED");
    assert!(env.wait_for(&order_id, OrderStatus::Cancelled).await);
}
