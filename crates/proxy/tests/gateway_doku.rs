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

/// DOKU's notification headers for `body`, signed now with `secret` over our push path.
fn signed(secret: &str, body: &[u8]) -> Vec<(&'static str, String)> {
    signed_at(secret, body, now(), "forged-1")
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The same, at `unix` seconds with request id `rid`.
fn signed_at(secret: &str, body: &[u8], unix: i64, rid: &str) -> Vec<(&'static str, String)> {
    let ts = kredivo_providers::time::iso_utc(unix);
    let rid = rid.to_owned();
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
                timestamp: &h[2].1.clone(),
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
            // Genuinely signed, but its body is never applied: DOKU's status API says the
            // order is still pending, as it was.
            "duplicate",
            "unconfirmed"
        ],
        "each forgery is stored with why it was refused"
    );
}

/// Regression (issue 15): a DOKU notification was applied on its signature alone, so a
/// captured one (or one DOKU sent in error) settled an order DOKU never settled.
#[tokio::test]
async fn a_signed_doku_notification_is_rechecked_with_dokus_status_api() {
    let env = start("doku").await;
    let (order_id, _) = env
        .checkout(&[("kopi-gayo-250g", 1)], "30_days", "doku-recheck-01")
        .await;
    for claimed in ["SUCCESS", "PARTIALLY_PAID"] {
        let body = notification(&order_id, 95_000, claimed);
        let (status, _) = env.notify(&signed(DOKU_SECRET_KEY, &body), &body).await;
        assert_eq!(status, 200);
        assert_eq!(
            env.status(&order_id).await,
            OrderStatus::Pending,
            "{claimed}"
        );
    }
    assert_eq!(env.verdicts().await, ["duplicate", "duplicate"]);
}

/// Regression (issue 15): no timestamp window — a captured notification replayed forever.
#[tokio::test]
async fn a_doku_notification_outside_the_time_window_is_ignored() {
    let env = start("doku").await;
    let (order_id, _) = env
        .checkout(&[("kopi-gayo-250g", 1)], "30_days", "doku-window-001")
        .await;
    env.drive("doku", &order_id, "settle").await;
    let body = notification(&order_id, 95_000, "SUCCESS");
    for offset in [-3600, 3600] {
        let headers = signed_at(DOKU_SECRET_KEY, &body, now() + offset, "old-1");
        let (status, answer) = env.notify(&headers, &body).await;
        assert_eq!(status, 200, "{answer}");
    }
    let verdicts = env.verdicts().await;
    assert!(
        verdicts.iter().take(2).all(|v| v == "unconfirmed"),
        "{verdicts:?}"
    );
}

/// Regression (issue 15): no Request-Id dedupe — the same notification was applied again.
#[tokio::test]
async fn a_replayed_doku_request_id_is_recognised() {
    let env = start("doku").await;
    let (order_id, _) = env
        .checkout(&[("kopi-gayo-250g", 1)], "30_days", "doku-replay-001")
        .await;
    env.drive("doku", &order_id, "settle").await;
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
    env.notifications_delivered().await;
    let body = notification(&order_id, 95_000, "SUCCESS");
    let headers = signed_at(DOKU_SECRET_KEY, &body, now(), "captured-request-id-1");
    for _ in 0..2 {
        let (status, _) = env.notify(&headers, &body).await;
        assert_eq!(status, 200);
    }
    let verdicts = env.verdicts().await;
    let tail: Vec<&str> = verdicts.iter().rev().take(2).map(String::as_str).collect();
    assert_eq!(tail, ["duplicate", "duplicate"], "{verdicts:?}");
    let seen = env
        .state
        .store()
        .notification_key_seen("doku", "captured-request-id-1")
        .await
        .unwrap();
    assert!(seen);
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
