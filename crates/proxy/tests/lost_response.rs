//! A checkout whose answer is lost after the provider did the work: the retry never creates
//! a second transaction and never tells the shopper "already PROCESSED".

mod common;

use std::time::Duration;

use common::*;
use kredivo_api::OrderStatus;
use kredivo_sandbox::{Endpoint, Fault, FaultRule, Target};

const CHECKOUT: &str = "/api/kredivo/v1/checkout";

async fn lost_then_retried(hang_ms: Option<u64>) -> (Env, String, serde_json::Value) {
    let env = start_with(Options {
        upstream_timeout: Duration::from_millis(400),
        ..Options::default()
    })
    .await;
    env.sandbox
        .faults()
        .add(FaultRule::new(Endpoint::CheckoutUrl, Fault::LostResponse { hang_ms }).times(1));
    let body = checkout_body(&[("laptop-14", 1)], "6_months", "lost-answer-0001");
    let (status, first) = env.post(CHECKOUT, &body).await;
    assert!(status >= 500, "the first answer is lost: {status} {first}");
    let order = env
        .state
        .store()
        .order_by_idempotency_key("lost-answer-0001")
        .await
        .unwrap()
        .unwrap();
    // The provider did the work: it holds the transaction.
    for _ in 0..100 {
        if env.kredivo_transactions(&order.order_id) == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(env.kredivo_transactions(&order.order_id), 1);
    // The widget retries with the same key.
    let (status, again) = env.post(CHECKOUT, &body).await;
    assert_eq!(
        status, 200,
        "never 'already PROCESSED' to the shopper: {again}"
    );
    (env, order.order_id, again)
}

#[tokio::test]
async fn a_lost_checkout_answer_is_resumed_not_sent_again() {
    let (env, order_id, again) = lost_then_retried(None).await;
    assert_eq!(again["order_id"], order_id.as_str());
    assert_eq!(again["status"], "pending");
    assert!(
        again.get("redirect_url").is_none(),
        "the link was lost with the answer: the widget waits on the order"
    );
    assert_eq!(env.kredivo_transactions(&order_id), 1, "created once");
    let events = env.state.store().events(&order_id).await.unwrap();
    assert!(events.iter().any(|e| e.kind == "checkout_resumed"));
    // It ends in the provider's true state: nobody can pay a link nobody got, it expires.
    env.sandbox
        .kredivo()
        .drive(&order_id, Target::Expire)
        .unwrap();
    assert!(env.wait_for(&order_id, OrderStatus::Expired).await);
    let (_, view) = env.get(&format!("/api/kredivo/v1/orders/{order_id}")).await;
    assert_eq!(view["status"], "expired");
}

#[tokio::test]
async fn an_answer_held_past_the_timeout_is_resumed_too() {
    let (env, order_id, again) = lost_then_retried(Some(1_500)).await;
    assert_eq!(again["order_id"], order_id.as_str());
    assert_eq!(env.kredivo_transactions(&order_id), 1);
}

#[tokio::test]
async fn a_provider_that_settled_before_the_retry_is_reported_settled() {
    let env = start_with(Options {
        upstream_timeout: Duration::from_millis(400),
        ..Options::default()
    })
    .await;
    env.sandbox
        .faults()
        .add(FaultRule::new(Endpoint::CheckoutUrl, Fault::LostResponse { hang_ms: None }).times(1));
    env.sandbox
        .faults()
        .add(FaultRule::new(Endpoint::Push, Fault::DropPush));
    let body = checkout_body(&[("laptop-14", 1)], "6_months", "lost-settled-01");
    let (status, _) = env.post(CHECKOUT, &body).await;
    assert!(status >= 500);
    let order_id = env
        .state
        .store()
        .order_by_idempotency_key("lost-settled-01")
        .await
        .unwrap()
        .unwrap()
        .order_id;
    env.sandbox
        .kredivo()
        .drive(&order_id, Target::Settle)
        .unwrap();
    let (status, again) = env.post(CHECKOUT, &body).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["status"], "settled");
    assert_eq!(env.order_status(&order_id).await, OrderStatus::Settled);
    assert_eq!(env.kredivo_transactions(&order_id), 1);
}
