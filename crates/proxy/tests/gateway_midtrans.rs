//! `GATEWAY=midtrans` end to end against the Midtrans simulator: estimated plans, a Core API
//! charge, Midtrans' redirect hop and Kredivo's hosted pages by form posts, a notification
//! verified by `signature_key` and re-checked with a status GET, partial and full refunds,
//! and forged notifications that change nothing.

mod gateways;

use gateways::{assert_no_secret_stored, assert_notified, assert_returned, start};
use kredivo_api::OrderStatus;
use kredivo_providers::midtrans::signature_key;
use kredivo_providers::sandbox_defaults::MIDTRANS_SERVER_KEY;
use serde_json::json;

fn notification(
    order_id: &str,
    status_code: &str,
    gross: &str,
    status: &str,
    key: &str,
) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "transaction_time": "2024-01-01 07:00:00",
        "transaction_status": status,
        "transaction_id": "0b0e3b3a-0000-4000-8000-000000000000",
        "status_message": "midtrans payment notification",
        "status_code": status_code,
        "signature_key": signature_key(order_id, status_code, gross, key),
        "payment_type": "kredivo",
        "order_id": order_id,
        "merchant_id": "G000000001",
        "gross_amount": gross,
        "fraud_status": "accept",
        "currency": "IDR"
    }))
    .expect("json")
}

#[tokio::test]
async fn a_midtrans_charge_is_paid_on_kredivos_pages_and_settled_after_a_status_recheck() {
    let env = start("midtrans").await;
    let plans = env.plans(&[("headphone-anc", 1)]).await;
    assert_eq!(
        plans["estimate"], true,
        "Midtrans has no plan API: the table estimates"
    );
    assert!(
        plans["plans"].as_array().is_some_and(|p| p.len() == 4),
        "{plans}"
    );

    let (order_id, redirect) = env
        .checkout(&[("headphone-anc", 1)], "6_months", "midtrans-flow-01")
        .await;
    assert!(
        redirect.contains("/sandbox/midtrans/v2/kredivo/redirect/"),
        "Midtrans' own redirect hop: {redirect}"
    );
    let hops = env.pay_on_hosted_pages(&redirect, "6_months").await;
    assert_returned(&hops, &order_id);
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
    assert_notified(&env).await;
    assert_no_secret_stored(
        &env,
        &[
            MIDTRANS_SERVER_KEY,
            &kredivo_providers::auth::basic(MIDTRANS_SERVER_KEY, ""),
        ],
    )
    .await;
    let order = env
        .state
        .store()
        .order(&order_id)
        .await
        .expect("store")
        .expect("order");
    let sandbox_tx = env
        .sandbox
        .aggregators()
        .transaction(kredivo_sandbox::Aggregator::Midtrans, &order_id)
        .expect("charged");
    assert_eq!(
        order.transaction_id.as_deref(),
        Some(sandbox_tx.id.as_str())
    );
}

#[tokio::test]
async fn forged_midtrans_notifications_change_no_order() {
    let env = start("midtrans").await;
    let (order_id, _) = env
        .checkout(&[("rice-cooker", 1)], "30_days", "midtrans-forged-1")
        .await;
    let before = env.all_statuses().await;

    // A signature_key made with another server key.
    let bad_key = notification(
        &order_id,
        "200",
        "899000.00",
        "settlement",
        "SB-Mid-server-forger",
    );
    let (status, answer) = env.notify(&[], &bad_key).await;
    assert_eq!(status, 200, "{answer}");
    // A genuine signature whose amount was changed afterwards.
    let mut tampered: serde_json::Value = serde_json::from_slice(&notification(
        &order_id,
        "200",
        "899000.00",
        "settlement",
        MIDTRANS_SERVER_KEY,
    ))
    .expect("json");
    tampered["gross_amount"] = json!("1.00");
    env.notify(&[], &serde_json::to_vec(&tampered).expect("json"))
        .await;
    // Correctly signed (as if the key leaked) with another amount and a settlement that
    // Midtrans does not confirm: the status GET says pending, so nothing settles.
    let leaked = notification(
        &order_id,
        "200",
        "1000.00",
        "settlement",
        MIDTRANS_SERVER_KEY,
    );
    env.notify(&[], &leaked).await;
    // Garbage.
    env.notify(&[], b"{not json").await;

    assert_eq!(env.all_statuses().await, before, "no order changed");
    assert_eq!(env.status(&order_id).await, OrderStatus::Pending);
    let verdicts = env.verdicts().await;
    assert_eq!(
        verdicts[..2],
        ["unconfirmed", "unconfirmed"],
        "{verdicts:?}"
    );
    assert_eq!(verdicts[3], "malformed", "{verdicts:?}");
}

#[tokio::test]
async fn a_settled_midtrans_order_is_refunded_in_part_then_in_full() {
    let env = start("midtrans").await;
    let (order_id, _) = env
        .checkout(
            &[("rice-cooker", 1), ("tas-rotan", 1)],
            "3_months",
            "midtrans-refund-1",
        )
        .await;
    env.drive("midtrans", &order_id, "settle").await;
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
    env.notifications_delivered().await;
    assert_eq!(
        env.verdicts().await,
        ["applied"],
        "the notification alone settled it"
    );

    let (status, body) = env
        .admin_cancel(
            &order_id,
            json!({"amount": "275000", "reason": "Tas rotan out of stock"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["status"], "settled",
        "a partial refund keeps the order settled"
    );
    assert_eq!(body["cancelled_amount"], "275000");
    let tx = env
        .sandbox
        .aggregators()
        .transaction(kredivo_sandbox::Aggregator::Midtrans, &order_id)
        .expect("tx");
    assert_eq!(
        (tx.status.as_str(), tx.refunded.as_str()),
        ("partial_refund", "275000")
    );

    let (status, body) = env
        .admin_cancel(&order_id, json!({"reason": "changed mind"}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "cancelled");
    assert_eq!(body["cancelled_amount"], "1174000");
    env.notifications_delivered().await;
    assert_eq!(env.status(&order_id).await, OrderStatus::Cancelled);
}

#[tokio::test]
async fn a_shopper_who_gives_up_on_kredivos_page_cancels_the_midtrans_order() {
    let env = start("midtrans").await;
    let (order_id, redirect) = env
        .checkout(&[("kopi-gayo-250g", 2)], "30_days", "midtrans-cancel-1")
        .await;
    let hops = env.follow(&redirect).await;
    let signin = hops.last().expect("signin");
    let tk = signin.split("tk=").nth(1).expect("tk");
    let back = env
        .follow(&format!(
            "{}/sandbox/kredivo/v2/user_cancel?tk={tk}",
            env.base
        ))
        .await;
    assert_returned(&back, &order_id);
    assert!(env.wait_for(&order_id, OrderStatus::Cancelled).await);
}
