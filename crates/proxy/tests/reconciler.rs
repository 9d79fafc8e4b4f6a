//! The reconciler: an order ends in the provider's true state even when every push is lost,
//! and one nobody pays expires.

mod common;

use std::sync::Arc;

use common::*;
use kredivo_api::OrderStatus;
use kredivo_proxy::reconciler::{reconcile_due, EXPIRY_GRACE};
use kredivo_proxy::ManualClock;
use kredivo_sandbox::{Endpoint, Fault, FaultRule, Target};

const START: i64 = 1_800_000_000_000;

async fn env_with_clock() -> (Env, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(START));
    let env = start_with(Options {
        clock: clock.clone(),
        ..Options::default()
    })
    .await;
    (env, clock)
}

#[tokio::test]
async fn a_paid_order_whose_pushes_were_all_dropped_is_settled_by_the_reconciler() {
    let (env, clock) = env_with_clock().await;
    env.sandbox
        .faults()
        .add(FaultRule::new(Endpoint::Push, Fault::DropPush));
    let answer = env
        .checkout(&[("laptop-14", 1)], "3_months", "recon-drop-0001")
        .await;
    let order_id = answer["order_id"].as_str().unwrap();
    env.sandbox
        .kredivo()
        .drive(order_id, Target::Settle)
        .unwrap();
    env.pushes_settled().await;
    assert_eq!(
        env.order_status(order_id).await,
        OrderStatus::Pending,
        "no push arrived"
    );

    let report = reconcile_due(&env.state).await.unwrap();
    assert_eq!(report.checked, 0, "not due before RECONCILE_AFTER_SECS");
    clock.advance(env.config.reconcile_after.as_millis() as i64 + 1);
    let report = reconcile_due(&env.state).await.unwrap();
    assert_eq!((report.checked, report.changed), (1, 1), "{report:?}");
    assert_eq!(env.order_status(order_id).await, OrderStatus::Settled);
    let events = env.state.store().events(order_id).await.unwrap();
    assert!(events.iter().any(|e| e.detail.starts_with("reconciler")));
    // A final order is not checked again.
    clock.advance(24 * 3600 * 1000);
    assert_eq!(reconcile_due(&env.state).await.unwrap().checked, 0);
}

#[tokio::test]
async fn a_pending_order_is_checked_again_with_growing_gaps_until_it_moves() {
    let (env, clock) = env_with_clock().await;
    let answer = env
        .checkout(&[("laptop-14", 1)], "3_months", "recon-wait-0001")
        .await;
    let order_id = answer["order_id"].as_str().unwrap();
    let after = env.config.reconcile_after.as_millis() as i64;
    clock.advance(after + 1);
    assert_eq!(reconcile_due(&env.state).await.unwrap().checked, 1);
    // Next check after twice the first delay, not before.
    clock.advance(after);
    assert_eq!(reconcile_due(&env.state).await.unwrap().checked, 0);
    clock.advance(after + 1);
    assert_eq!(reconcile_due(&env.state).await.unwrap().checked, 1);
    let order = env.state.store().order(order_id).await.unwrap().unwrap();
    assert_eq!(order.checks, 2);
    assert_eq!(order.status, OrderStatus::Pending);
}

#[tokio::test]
async fn a_status_api_that_is_down_is_asked_again_later_and_the_truth_still_lands() {
    let (env, clock) = env_with_clock().await;
    env.sandbox
        .faults()
        .add(FaultRule::new(Endpoint::Push, Fault::DropPush));
    let answer = env
        .checkout(&[("laptop-14", 1)], "6_months", "recon-down-0001")
        .await;
    let order_id = answer["order_id"].as_str().unwrap();
    env.sandbox
        .kredivo()
        .drive(order_id, Target::Settle)
        .unwrap();
    env.pushes_settled().await;
    env.sandbox.faults().add(
        FaultRule::new(
            Endpoint::TransactionStatus,
            Fault::HttpStatus { status: 503 },
        )
        .times(3),
    );
    clock.advance(env.config.reconcile_after.as_millis() as i64 + 1);
    let report = reconcile_due(&env.state).await.unwrap();
    assert_eq!((report.checked, report.failed), (1, 1), "{report:?}");
    assert_eq!(env.order_status(order_id).await, OrderStatus::Pending);
    clock.advance(3600 * 1000);
    let report = reconcile_due(&env.state).await.unwrap();
    assert_eq!(report.changed, 1, "{report:?}");
    assert_eq!(env.order_status(order_id).await, OrderStatus::Settled);
}

#[tokio::test]
async fn an_order_nobody_pays_expires_after_its_expiry_and_a_grace() {
    let (env, clock) = env_with_clock().await;
    let answer = env
        .checkout(&[("laptop-14", 1)], "3_months", "recon-exp-00001")
        .await;
    let order_id = answer["order_id"].as_str().unwrap();
    let order = env.state.store().order(order_id).await.unwrap().unwrap();
    let expires_at = order.expires_at.expect("an expiry");
    assert_eq!(expires_at, START + 24 * 3600 * 1000);
    clock.advance(expires_at - START + 60_000);
    reconcile_due(&env.state).await.unwrap();
    assert_eq!(
        env.order_status(order_id).await,
        OrderStatus::Pending,
        "within the grace"
    );
    clock.advance(EXPIRY_GRACE.as_millis() as i64 + 3600 * 1000);
    let report = reconcile_due(&env.state).await.unwrap();
    assert_eq!(report.expired, 1, "{report:?}");
    assert_eq!(env.order_status(order_id).await, OrderStatus::Expired);
}

#[tokio::test]
async fn an_order_whose_checkout_never_reached_the_provider_expires_too() {
    let (env, clock) = env_with_clock().await;
    env.sandbox.faults().add(FaultRule::new(
        Endpoint::CheckoutUrl,
        Fault::HttpStatus { status: 503 },
    ));
    let (status, answer) = env
        .post(
            "/api/kredivo/v1/checkout",
            &checkout_body(&[("laptop-14", 1)], "3_months", "recon-never-001"),
        )
        .await;
    assert_eq!(status, 503, "{answer}");
    let order = env
        .state
        .store()
        .order_by_idempotency_key("recon-never-001")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.status, OrderStatus::Created);
    clock.advance(25 * 3600 * 1000);
    let report = reconcile_due(&env.state).await.unwrap();
    assert_eq!(report.expired, 1, "{report:?}");
    assert_eq!(
        env.order_status(&order.order_id).await,
        OrderStatus::Expired
    );
    assert_eq!(env.kredivo_transactions(&order.order_id), 0);
}
