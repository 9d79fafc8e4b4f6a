//! `GATEWAY=xendit` end to end against the Xendit simulator: live plans from
//! `/paylater/plans`, customer → plan → charge, Kredivo's hosted pages by form posts, a
//! callback verified by `x-callback-token` and a GET of the charge, refunds, and forged
//! callbacks that change nothing.

mod gateways;

use gateways::{assert_no_secret_stored, assert_notified, assert_returned, start};
use kredivo_api::OrderStatus;
use kredivo_providers::sandbox_defaults::{XENDIT_CALLBACK_TOKEN, XENDIT_SECRET_KEY};
use kredivo_sandbox::Aggregator;
use serde_json::json;

fn callback(charge_id: &str, order_id: &str, amount: u64, status: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "event": "paylater.payment",
        "business_id": "5f0000000000000000000001",
        "created": "2024-01-01T00:00:00.000Z",
        "data": {"id": charge_id, "reference_id": order_id, "amount": amount, "status": status,
                 "currency": "IDR", "channel_code": "ID_KREDIVO"}
    }))
    .expect("json")
}

#[tokio::test]
async fn a_xendit_charge_uses_live_plans_is_paid_on_kredivos_pages_and_settled_after_a_get() {
    let env = start("xendit").await;
    let plans = env.plans(&[("smartphone-x5", 1)]).await;
    assert_eq!(
        plans["estimate"], false,
        "Xendit's plans come from /paylater/plans"
    );
    let three = plans["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .find(|p| p["payment_type"] == "3_months")
        .expect("a 3-month option")
        .clone();
    assert_eq!(three["monthly_installment"], "856290", "{three}");

    let (order_id, redirect) = env
        .checkout(&[("smartphone-x5", 1)], "3_months", "xendit-flow-0001")
        .await;
    let hops = env.pay_on_hosted_pages(&redirect, "3_months").await;
    assert_returned(&hops, &order_id);
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
    assert_notified(&env).await;
    assert_no_secret_stored(&env, &[XENDIT_SECRET_KEY, XENDIT_CALLBACK_TOKEN]).await;

    let order = env
        .state
        .store()
        .order(&order_id)
        .await
        .expect("store")
        .expect("order");
    let charge = env
        .sandbox
        .aggregators()
        .transaction(Aggregator::Xendit, &order_id)
        .expect("charged");
    assert!(charge.id.starts_with("plc_"));
    assert_eq!(order.transaction_id.as_deref(), Some(charge.id.as_str()));
    assert_eq!(charge.status, "SUCCEEDED");
}

#[tokio::test]
async fn forged_xendit_callbacks_change_no_order() {
    let env = start("xendit").await;
    let (order_id, _) = env
        .checkout(&[("rice-cooker", 1)], "30_days", "xendit-forged-01")
        .await;
    let charge_id = env
        .sandbox
        .aggregators()
        .transaction(Aggregator::Xendit, &order_id)
        .expect("charge")
        .id;
    let before = env.all_statuses().await;

    // The wrong token, and no token.
    let body = callback(&charge_id, &order_id, 899_000, "SUCCEEDED");
    let (status, answer) = env
        .notify(&[("x-callback-token", "guessed-token".into())], &body)
        .await;
    assert_eq!(status, 200, "{answer}");
    env.notify(&[], &body).await;
    // The right token (as if it leaked) claiming success with a tampered amount: the GET of
    // the charge says PENDING and the real amount, so nothing settles.
    let tampered = callback(&charge_id, &order_id, 1, "SUCCEEDED");
    env.notify(
        &[("x-callback-token", XENDIT_CALLBACK_TOKEN.into())],
        &tampered,
    )
    .await;
    // The right token for a charge Xendit does not know.
    let unknown = callback("plc_forged", &order_id, 899_000, "SUCCEEDED");
    env.notify(
        &[("x-callback-token", XENDIT_CALLBACK_TOKEN.into())],
        &unknown,
    )
    .await;

    assert_eq!(env.all_statuses().await, before, "no order changed");
    assert_eq!(env.status(&order_id).await, OrderStatus::Pending);
    let verdicts = env.verdicts().await;
    assert_eq!(
        verdicts[..2],
        ["unconfirmed", "unconfirmed"],
        "{verdicts:?}"
    );
    assert_eq!(verdicts[3], "unconfirmed", "{verdicts:?}");
}

#[tokio::test]
async fn a_settled_xendit_order_is_refunded_through_the_refunds_api() {
    let env = start("xendit").await;
    let (order_id, _) = env
        .checkout(
            &[("rice-cooker", 1), ("tas-rotan", 1)],
            "3_months",
            "xendit-refund-01",
        )
        .await;
    let charge_id = env
        .sandbox
        .aggregators()
        .transaction(Aggregator::Xendit, &order_id)
        .expect("charge")
        .id;
    env.drive("xendit", &charge_id, "settle").await;
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
    env.notifications_delivered().await;
    assert_eq!(
        env.verdicts().await,
        ["applied"],
        "the callback alone settled it"
    );

    let (status, body) = env
        .admin_cancel(
            &order_id,
            json!({"amount": "275000", "reason": "REQUESTED_BY_CUSTOMER"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "settled");
    assert_eq!(body["cancelled_amount"], "275000");

    let (status, body) = env
        .admin_cancel(&order_id, json!({"reason": "CANCELLATION"}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "cancelled");
    let charge = env
        .sandbox
        .aggregators()
        .transaction(Aggregator::Xendit, &charge_id)
        .expect("charge");
    assert_eq!(charge.status, "REFUNDED");
    env.notifications_delivered().await;
    assert_eq!(env.status(&order_id).await, OrderStatus::Cancelled);
}
