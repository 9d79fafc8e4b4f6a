//! `GATEWAY=finpay` end to end against the Finpay simulator: estimated plans, an initiate
//! with string amounts, Kredivo's hosted pages by form posts, a callback verified by its
//! HMAC-SHA512 signature and a status check, and forged callbacks that change nothing.

mod gateways;

use gateways::{assert_no_secret_stored, assert_notified, assert_returned, start};
use kredivo_api::OrderStatus;
use kredivo_providers::finpay::sign_callback;
use kredivo_providers::sandbox_defaults::{FINPAY_MERCHANT_ID, FINPAY_MERCHANT_KEY};
use serde_json::{json, Value};

fn callback(order_id: &str, amount: &str, status: &str) -> Value {
    json!({
        "order": {"id": order_id, "amount": amount},
        "result": {"payment": {"status": status, "statusDesc": "Pembayaran berhasil", "amount": amount,
                               "datetime": "2024-01-01 07:00:00"}},
        "sourceOfFunds": {"type": "kredivo"}
    })
}

#[tokio::test]
async fn a_finpay_payment_is_estimated_paid_on_kredivos_pages_and_settled_after_a_check() {
    let env = start("finpay").await;
    let plans = env.plans(&[("laptop-14", 1)]).await;
    assert_eq!(
        plans["estimate"], true,
        "Finpay has no plan API: the table estimates"
    );

    let (order_id, redirect) = env
        .checkout(&[("laptop-14", 1)], "12_months", "finpay-flow-0001")
        .await;
    assert!(
        redirect.contains("/sandbox/kredivo/v2/signin?tk="),
        "{redirect}"
    );
    let hops = env.pay_on_hosted_pages(&redirect, "12_months").await;
    assert_returned(&hops, &order_id);
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
    assert_notified(&env).await;
    assert_no_secret_stored(
        &env,
        &[
            FINPAY_MERCHANT_KEY,
            &kredivo_providers::auth::basic(FINPAY_MERCHANT_ID, FINPAY_MERCHANT_KEY),
        ],
    )
    .await;
}

#[tokio::test]
async fn forged_finpay_callbacks_change_no_order() {
    let env = start("finpay").await;
    let (order_id, _) = env
        .checkout(&[("rice-cooker", 1)], "30_days", "finpay-forged-01")
        .await;
    let before = env.all_statuses().await;

    // Signed with another key.
    let wrong_key = sign_callback("FPKEY-forger", callback(&order_id, "899000", "PAID"));
    let (status, answer) = env
        .notify(&[], &serde_json::to_vec(&wrong_key).expect("json"))
        .await;
    assert_eq!(status, 200, "{answer}");
    // A genuine signature, then the amount changed.
    let mut tampered = sign_callback(FINPAY_MERCHANT_KEY, callback(&order_id, "899000", "PAID"));
    tampered["order"]["amount"] = json!("1");
    env.notify(&[], &serde_json::to_vec(&tampered).expect("json"))
        .await;
    // No signature at all.
    env.notify(
        &[],
        &serde_json::to_vec(&callback(&order_id, "899000", "PAID")).expect("json"),
    )
    .await;
    // Correctly signed (as if the key leaked) with a tampered amount: the status check says
    // PENDING, so nothing settles.
    let leaked = sign_callback(FINPAY_MERCHANT_KEY, callback(&order_id, "1", "PAID"));
    env.notify(&[], &serde_json::to_vec(&leaked).expect("json"))
        .await;

    assert_eq!(env.all_statuses().await, before, "no order changed");
    assert_eq!(env.status(&order_id).await, OrderStatus::Pending);
    let verdicts = env.verdicts().await;
    assert_eq!(
        verdicts[..3],
        ["unconfirmed", "unconfirmed", "unconfirmed"],
        "{verdicts:?}"
    );
}

#[tokio::test]
async fn finpay_has_no_refund_api_but_a_refund_in_its_portal_cancels_the_order() {
    let env = start("finpay").await;
    let (order_id, _) = env
        .checkout(&[("wayang-arjuna", 1)], "3_months", "finpay-refund-01")
        .await;
    env.drive("finpay", &order_id, "settle").await;
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
    env.notifications_delivered().await;
    assert_eq!(
        env.verdicts().await,
        ["applied"],
        "the callback alone settled it"
    );

    let (status, body) = env.admin_cancel(&order_id, json!({})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (502, Some("upstream_error"))
    );
    assert_eq!(env.status(&order_id).await, OrderStatus::Settled);

    env.drive("finpay", &order_id, "refund").await;
    assert!(env.wait_for(&order_id, OrderStatus::Cancelled).await);
}
