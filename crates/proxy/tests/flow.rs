//! The order's journey: checkout, confirmed pushes, the return URI, and everything a
//! hostile or unlucky network can do to a push.

mod common;

use std::time::Duration;

use common::*;
use kredivo_api::OrderStatus;
use kredivo_plan::Money;
use kredivo_proxy::gateway::ProviderStatus;
use kredivo_proxy::orders::{apply_confirmed, Applied};
use kredivo_proxy::store::{InsertOutcome, LineRecord, NewOrder, OrderRecord, TransitionOutcome};
use kredivo_sandbox::{Endpoint, Fault, FaultRule, PushConfig, Target};
use serde_json::{json, Value};

#[tokio::test]
async fn a_checkout_is_settled_only_by_a_push_that_kredivo_confirms() {
    let env = start().await;
    let answer = env
        .checkout(
            &[("batik-parang-l", 2), ("kopi-gayo-250g", 1)],
            "3_months",
            "happy-path-0001",
        )
        .await;
    let order_id = answer["order_id"].as_str().expect("order id").to_owned();
    assert_eq!(answer["status"], "pending");
    let redirect = answer["redirect_url"].as_str().expect("redirect");
    assert!(redirect.starts_with(&env.kredivo_base), "{redirect}");

    // The order is priced from the catalogue: 2 × 299,000 + 95,000.
    let (status, view) = env.get(&format!("/api/kredivo/v1/orders/{order_id}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        view,
        json!({"order_id": order_id, "status": "pending", "amount": "693000", "payment_type": "3_months"})
    );
    let tx = env
        .sandbox
        .kredivo()
        .transaction(&order_id)
        .expect("Kredivo knows the order");
    assert_eq!(tx.amount, "693000.00");

    env.sandbox
        .kredivo()
        .drive(&order_id, Target::Settle)
        .expect("settle");
    assert!(
        env.wait_for(&order_id, OrderStatus::Settled).await,
        "the confirmed push settles the order"
    );
    env.pushes_settled().await;

    let (_, view) = env.get(&format!("/api/kredivo/v1/orders/{order_id}")).await;
    assert_eq!(view["status"], "settled");
    assert_eq!(env.verdicts().await, vec!["applied"]);
    assert_eq!(
        env.calls("update").await.len(),
        1,
        "the push was confirmed with /v2/update"
    );
    let order = env.state.store().order(&order_id).await.unwrap().unwrap();
    assert_eq!(
        order.transaction_id.as_deref(),
        Some(tx.transaction_id.as_str())
    );
    let kinds: Vec<String> = env
        .state
        .store()
        .events(&order_id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, vec!["created", "checkout_started", "status"]);
    let pushes = env.sandbox.push_log();
    assert!(
        pushes
            .iter()
            .all(|p| matches!(p.outcome, kredivo_sandbox::PushOutcome::Delivered)),
        "Kredivo got {{\"status\":\"OK\"}}: {pushes:?}"
    );
}

#[tokio::test]
async fn a_shopper_who_pays_on_the_hosted_pages_returns_to_a_rechecked_order() {
    let env = start().await;
    let answer = env
        .checkout(&[("smartphone-x5", 1)], "6_months", "hosted-pages-01")
        .await;
    let order_id = answer["order_id"].as_str().unwrap().to_owned();
    let redirect = answer["redirect_url"].as_str().unwrap().to_owned();
    let tk = query_param(&redirect, "tk").expect("page token");
    let form = |path: &str, fields: Vec<(&str, String)>| {
        env.http
            .post(format!("{}{path}", env.kredivo_base))
            .form(&fields)
    };
    let location = |r: reqwest::Response| {
        assert_eq!(r.status(), 303, "{}", r.url());
        r.headers()["location"].to_str().unwrap().to_owned()
    };
    let signin = form(
        "/v2/signin",
        vec![
            ("tk", tk.clone()),
            ("phone", "081513114262".into()),
            ("pin", "663482".into()),
        ],
    );
    location(signin.send().await.unwrap());
    location(
        form("/v2/otp", vec![("tk", tk.clone()), ("otp", "4567".into())])
            .send()
            .await
            .unwrap(),
    );
    let back = location(
        form(
            "/v2/confirm",
            vec![("tk", tk.clone()), ("payment_type", "6_months".into())],
        )
        .send()
        .await
        .unwrap(),
    );
    assert!(
        back.starts_with(&env.url("/kredivo/return?")),
        "Kredivo sends the shopper to back_to_store_uri: {back}"
    );

    // Whatever the pushes are doing, the return URI asks Kredivo itself before redirecting.
    let resp = env.http.get(&back).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(
        resp.headers()["location"],
        format!("/www/return.html?order_id={order_id}").as_str()
    );
    assert_eq!(env.order_status(&order_id).await, OrderStatus::Settled);
    assert!(
        !env.calls("transaction_status").await.is_empty(),
        "the return re-checked the status"
    );
    env.pushes_settled().await;
    assert_eq!(env.order_status(&order_id).await, OrderStatus::Settled);
}

#[tokio::test]
async fn the_return_uri_never_trusts_its_query_string() {
    let env = start().await;
    let answer = env
        .checkout(&[("sambal-set", 1)], "30_days", "return-query-01")
        .await;
    let order_id = answer["order_id"].as_str().unwrap();
    let resp = env
        .http
        .get(env.url(&format!(
            "/kredivo/return?order_id={order_id}&tr_status=settlement&tr_id=x&sign_key=forged"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(
        env.order_status(order_id).await,
        OrderStatus::Pending,
        "tr_status is not evidence"
    );
    let resp = env
        .http
        .get(env.url("/kredivo/return?order_id=nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["location"],
        "/www/return.html?error=unknown_order"
    );
}

#[tokio::test]
async fn forged_pushes_change_nothing_and_are_stored_with_their_verdict() {
    let env = start().await;
    let answer = env
        .checkout(&[("rice-cooker", 1)], "3_months", "forged-push-001")
        .await;
    let order_id = answer["order_id"].as_str().unwrap().to_owned();
    let tx = env.sandbox.kredivo().transaction(&order_id).unwrap();
    let forged = |signature: &str, transaction_id: &str| {
        json!({
            "status": "OK", "amount": "899000.00", "payment_type": "3_months",
            "transaction_status": "settlement", "order_id": order_id, "message": "paid",
            "transaction_time": 1_700_000_000, "transaction_id": transaction_id, "signature_key": signature,
        })
    };
    let cases = [
        forged("bm90LWEtcmVhbC1zaWduYXR1cmU%3D", &tx.transaction_id),
        forged("", &tx.transaction_id),
        forged("c2lnbmF0dXJl", "00000000-0000-0000-0000-000000000000"),
        json!({"order_id": order_id, "transaction_status": "settlement"}),
        json!(["not", "an", "object"]),
    ];
    for body in &cases {
        let (status, reply) = env.post("/api/kredivo/v1/push", body).await;
        assert_eq!(
            status, 200,
            "garbage is acknowledged so Kredivo stops retrying it: {reply}"
        );
        assert_eq!(reply["status"], "OK");
    }
    let (status, _) = env
        .send(
            env.http
                .post(env.url("/api/kredivo/v1/push"))
                .header("content-type", "application/json")
                .body("{not json"),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        env.order_status(&order_id).await,
        OrderStatus::Pending,
        "0 orders wrongly changed"
    );
    let verdicts = env.verdicts().await;
    assert_eq!(
        verdicts,
        vec![
            "unconfirmed",
            "malformed",
            "unconfirmed",
            "malformed",
            "malformed",
            "malformed"
        ]
    );
    let raw = env.state.store().notifications(None).await.unwrap();
    assert_eq!(
        raw[5].raw_body, "{not json",
        "the raw body is kept as received"
    );
    let events = env.state.store().events(&order_id).await.unwrap();
    assert!(
        events.iter().any(|e| e.kind == "notification_rejected"),
        "{events:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_push_is_applied_once_even_when_replays_race() {
    let env = start().await;
    let answer = env
        .checkout(&[("headphone-anc", 1)], "12_months", "replay-push-001")
        .await;
    let order_id = answer["order_id"].as_str().unwrap().to_owned();
    env.sandbox
        .kredivo()
        .drive(&order_id, Target::Settle)
        .unwrap();
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
    env.pushes_settled().await;
    let settlement: Value = env
        .sandbox
        .push_log()
        .into_iter()
        .rev()
        .find(|p| p.body["transaction_status"] == "settlement")
        .expect("settlement push")
        .body;

    let replays: Vec<_> = (0..6)
        .map(|_| Box::pin(env.post("/api/kredivo/v1/push", &settlement)))
        .collect();
    for (status, reply) in join_boxed(replays).await {
        assert_eq!((status, reply["status"].as_str()), (200, Some("OK")));
    }
    assert_eq!(env.order_status(&order_id).await, OrderStatus::Settled);
    let transitions: Vec<_> = env
        .state
        .store()
        .events(&order_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.to_status == Some(OrderStatus::Settled))
        .collect();
    assert_eq!(transitions.len(), 1, "settled once: {transitions:?}");
    let verdicts = env.verdicts().await;
    assert_eq!(
        verdicts.iter().filter(|v| *v == "applied").count(),
        1,
        "{verdicts:?}"
    );
    assert_eq!(
        verdicts.iter().filter(|v| *v == "duplicate").count(),
        6,
        "{verdicts:?}"
    );
}

/// Polls every future together (no `futures` crate here) and returns their outputs in order.
async fn join_boxed<F: std::future::Future + Unpin>(mut futures: Vec<F>) -> Vec<F::Output> {
    use std::task::Poll;
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in futures.iter_mut().enumerate() {
            if outputs[i].is_none() {
                match std::pin::Pin::new(f).poll(cx) {
                    Poll::Ready(v) => outputs[i] = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().map(|o| o.expect("ready")).collect()
}

#[tokio::test]
async fn out_of_order_pushes_never_move_an_order_backwards() {
    let env = start().await;
    let answer = env
        .checkout(&[("wayang-arjuna", 1)], "3_months", "out-of-order-01")
        .await;
    let order_id = answer["order_id"].as_str().unwrap().to_owned();
    // The settlement push is followed by a stale `pending` one with a valid key.
    env.drive_with_push_fault(&order_id, Target::Settle, Fault::OutOfOrderPush);
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
    env.pushes_settled().await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(env.order_status(&order_id).await, OrderStatus::Settled);
    assert!(env.sandbox.push_log().len() >= 2, "the stale push was sent");

    // Even if Kredivo itself confirmed a late `pending`, the state machine refuses it.
    let order = env.state.store().order(&order_id).await.unwrap().unwrap();
    let late = ProviderStatus {
        order_id: order_id.clone(),
        transaction_id: order.transaction_id.clone(),
        status: Some(OrderStatus::Pending),
        raw_status: "pending".into(),
        amount: order.amount,
        currency: None,
        payment_type: None,
        user_token: None,
    };
    let applied = apply_confirmed(&env.state, &late, "test").await.unwrap();
    assert_eq!(
        applied,
        Applied::Transition {
            outcome: TransitionOutcome::Refused {
                current: OrderStatus::Settled
            }
        }
    );
    assert_eq!(env.order_status(&order_id).await, OrderStatus::Settled);
}

#[tokio::test]
async fn a_confirmed_push_for_a_different_amount_changes_nothing() {
    let env = start().await;
    // Our store says the order is Rp 100,000; Kredivo holds a transaction of Rp 5,000,000
    // under the same order id (a bug or an attack on the merchant's side of the flow).
    let order_id = "KD-MISMATCH-0001";
    let now = 1_700_000_000_000;
    let record = OrderRecord {
        order_id: order_id.into(),
        idempotency_key: "mismatch-key-01".into(),
        fingerprint: "3_months|x*1".into(),
        cart_id: None,
        payment_type: "3_months".into(),
        amount: Money::from_rupiah(100_000),
        cancelled_amount: Money::ZERO,
        currency: "IDR".into(),
        status: OrderStatus::Pending,
        gateway: "kredivo".into(),
        transaction_id: None,
        redirect_url: None,
        last_error: None,
        lease_until: None,
        created_at: now,
        updated_at: now,
        session_id: None,
        reference: None,
        shopper: None,
        expires_at: None,
        next_check_at: None,
        checks: 0,
        source: None,
    };
    let line = LineRecord {
        product_id: "x".into(),
        name: "X".into(),
        category: "Test".into(),
        quantity: 1,
        unit_price: Money::from_rupiah(100_000),
        line_total: Money::from_rupiah(100_000),
    };
    let inserted = env
        .state
        .store()
        .insert_order(&NewOrder {
            order: record,
            lines: vec![line],
        })
        .await
        .unwrap();
    assert_eq!(inserted, InsertOutcome::Inserted);
    env.kredivo_transaction(order_id, "3_months", 5_000_000)
        .await;
    env.sandbox
        .kredivo()
        .drive(order_id, Target::Settle)
        .unwrap();
    env.pushes_settled().await;
    assert_eq!(
        env.order_status(order_id).await,
        OrderStatus::Pending,
        "0 orders wrongly changed"
    );
    let verdicts = env.verdicts().await;
    assert!(
        !verdicts.is_empty() && verdicts.iter().all(|v| v == "mismatch"),
        "{verdicts:?}"
    );
    let events = env.state.store().events(order_id).await.unwrap();
    assert!(
        events.iter().any(|e| e.kind == "amount_mismatch"),
        "{events:?}"
    );
}

#[tokio::test]
async fn a_tampered_browser_amount_is_ignored() {
    let env = start().await;
    let body = with_shopper(json!({
        "cart": [{"product_id": "laptop-14", "quantity": 1, "price": "1", "unit_price": "1"}],
        "payment_type": "12_months",
        "idempotency_key": "tampered-amt-01",
        "amount": "1000",
        "total": "1000",
    }));
    let (status, answer) = env.post("/api/kredivo/v1/checkout", &body).await;
    assert_eq!(status, 200, "{answer}");
    let order_id = answer["order_id"].as_str().unwrap();
    let (_, view) = env.get(&format!("/api/kredivo/v1/orders/{order_id}")).await;
    assert_eq!(view["amount"], "8499000");
    let tx = env.sandbox.kredivo().transaction(order_id).unwrap();
    assert_eq!(
        tx.amount, "8499000.00",
        "Kredivo was asked for the catalogue price"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_double_submitted_checkout_creates_one_kredivo_transaction() {
    let env = start().await;
    let body = checkout_body(
        &[("sneakers-kanvas", 1), ("tas-rotan", 2)],
        "3_months",
        "double-click-01",
    );
    // Slow Kredivo down so the two requests really overlap.
    env.sandbox
        .faults()
        .add(FaultRule::new(Endpoint::CheckoutUrl, Fault::Latency { ms: 300 }).times(1));
    let (a, b) = tokio::join!(
        env.post("/api/kredivo/v1/checkout", &body),
        env.post("/api/kredivo/v1/checkout", &body)
    );
    assert_eq!((a.0, b.0), (200, 200), "{a:?} {b:?}");
    assert_eq!(a.1, b.1, "same order, same redirect");
    let (_, again) = env.post("/api/kredivo/v1/checkout", &body).await;
    assert_eq!(again, a.1, "a later retry answers the same");
    let order_id = a.1["order_id"].as_str().unwrap();
    assert_eq!(env.kredivo_transactions(order_id), 1);
    assert_eq!(env.sandbox.transactions().len(), 1);
    assert_eq!(env.calls("checkout_url").await.len(), 1);
    assert_eq!(
        env.state
            .store()
            .list_orders(&Default::default())
            .await
            .unwrap()
            .len(),
        1
    );

    let other_cart = checkout_body(&[("sneakers-kanvas", 2)], "3_months", "double-click-01");
    let (status, err) = env.post("/api/kredivo/v1/checkout", &other_cart).await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["code"], "invalid_request");
    let other_plan = checkout_body(
        &[("sneakers-kanvas", 1), ("tas-rotan", 2)],
        "6_months",
        "double-click-01",
    );
    assert_eq!(
        env.post("/api/kredivo/v1/checkout", &other_plan).await.0,
        400
    );
    assert_eq!(env.sandbox.transactions().len(), 1);
}

#[tokio::test]
async fn an_order_survives_a_restart_and_is_settled_by_kredivos_retried_push() {
    let mut env = start_with(Options {
        // Kredivo keeps retrying for a while: 100 ms, 200 ms, 400 ms, …
        push: PushConfig {
            max_attempts: 8,
            backoff_base: Duration::from_millis(100),
            timeout: Duration::from_secs(2),
        },
        ..Options::default()
    })
    .await;
    let answer = env
        .checkout(&[("ransel-kerja", 1)], "30_days", "restart-test-01")
        .await;
    let order_id = answer["order_id"].as_str().unwrap().to_owned();

    env.stop().await;
    env.sandbox
        .kredivo()
        .drive(&order_id, Target::Settle)
        .unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await; // the first delivery fails
    env.start_again().await;

    assert!(
        env.wait_for(&order_id, OrderStatus::Settled).await,
        "the retried push settles the reopened order"
    );
    env.pushes_settled().await;
    let push = env
        .sandbox
        .push_log()
        .into_iter()
        .find(|p| p.body["transaction_status"] == "settlement")
        .unwrap();
    assert!(
        push.attempts.len() >= 2,
        "delivered on a retry: {:?}",
        push.attempts
    );
    let (status, view) = env.get(&format!("/api/kredivo/v1/orders/{order_id}")).await;
    assert_eq!((status, view["status"].as_str()), (200, Some("settled")));
    // Nothing lost: the lines and the log from before the restart are there.
    assert_eq!(
        env.state
            .store()
            .order_lines(&order_id)
            .await
            .unwrap()
            .len(),
        1
    );
    let kinds: Vec<String> = env
        .state
        .store()
        .events(&order_id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, vec!["created", "checkout_started", "status"]);
    // The same idempotency key after the restart still answers with the same order.
    let again = env
        .checkout(&[("ransel-kerja", 1)], "30_days", "restart-test-01")
        .await;
    assert_eq!(again["order_id"], answer["order_id"]);
}

#[tokio::test]
async fn a_push_that_cannot_be_confirmed_during_an_outage_is_retried_not_dropped() {
    let env = start_with(Options {
        upstream_timeout: Duration::from_millis(500),
        push: PushConfig {
            max_attempts: 6,
            backoff_base: Duration::from_millis(50),
            timeout: Duration::from_secs(5),
        },
        ..Options::default()
    })
    .await;
    let answer = env
        .checkout(&[("sarung-tenun", 1)], "30_days", "outage-push-001")
        .await;
    let order_id = answer["order_id"].as_str().unwrap().to_owned();
    // /v2/update is down for the first delivery (3 read attempts by the proxy).
    env.sandbox
        .faults()
        .add(FaultRule::new(Endpoint::Update, Fault::HttpStatus { status: 503 }).times(3));
    env.sandbox
        .kredivo()
        .drive(&order_id, Target::Settle)
        .unwrap();
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
    env.pushes_settled().await;
    let verdicts = env.verdicts().await;
    assert_eq!(
        verdicts,
        vec!["unverified", "applied"],
        "503 first, so Kredivo retried"
    );
    let push = env.sandbox.push_log().into_iter().next().unwrap();
    assert_eq!(push.attempts.len(), 2, "{:?}", push.attempts);
}

#[tokio::test]
async fn a_genuine_push_for_an_order_we_never_made_is_acknowledged_and_ignored() {
    let env = start().await;
    env.kredivo_transaction("NOT-OURS-0001", "30_days", 150_000)
        .await;
    env.sandbox
        .kredivo()
        .drive("NOT-OURS-0001", Target::Settle)
        .unwrap();
    env.pushes_settled().await;
    assert_eq!(env.verdicts().await, vec!["unknown_order"]);
    assert!(
        env.state
            .store()
            .list_orders(&Default::default())
            .await
            .unwrap()
            .is_empty(),
        "no row was created"
    );
    let pushes = env.sandbox.push_log();
    assert!(
        pushes
            .iter()
            .all(|p| matches!(p.outcome, kredivo_sandbox::PushOutcome::Delivered)),
        "acknowledged once, not retried"
    );
}

#[tokio::test]
async fn a_real_push_relabelled_with_another_order_id_settles_neither_wrongly() {
    let env = start().await;
    let a = env
        .checkout(&[("tas-rotan", 1)], "30_days", "relabel-order-a")
        .await;
    let b = env
        .checkout(&[("laptop-14", 1)], "30_days", "relabel-order-b")
        .await;
    let (a, b) = (
        a["order_id"].as_str().unwrap().to_owned(),
        b["order_id"].as_str().unwrap().to_owned(),
    );
    env.sandbox.kredivo().drive(&a, Target::Settle).unwrap();
    assert!(env.wait_for(&a, OrderStatus::Settled).await);
    env.pushes_settled().await;
    let mut push = env.sandbox.push_log().into_iter().last().unwrap().body;
    push["order_id"] = json!(b);
    push["amount"] = json!("8499000.00");
    let (status, reply) = env.post("/api/kredivo/v1/push", &push).await;
    assert_eq!((status, reply["status"].as_str()), (200, Some("OK")));
    assert_eq!(
        env.order_status(&b).await,
        OrderStatus::Pending,
        "Kredivo confirmed order A, not B"
    );
    assert_eq!(
        env.verdicts().await.last().map(String::as_str),
        Some("mismatch")
    );
}

/// Regression (issue 15): a `status:"ERROR"` from `/v2/update` that is not Kredivo's verdict
/// on the push (its own error) was acknowledged 200 "Ignored", so Kredivo stopped sending a
/// genuine settlement.
#[tokio::test]
async fn a_confirmation_refused_for_a_passing_reason_is_asked_for_again() {
    let env = start().await;
    let answer = env
        .checkout(&[("laptop-14", 1)], "3_months", "update-error-01")
        .await;
    let order_id = answer["order_id"].as_str().unwrap().to_owned();
    env.sandbox.faults().add(
        FaultRule::new(
            Endpoint::Update,
            Fault::Error {
                message: "Internal server error, please retry".into(),
                code: Some(500),
            },
        )
        .times(1),
    );
    env.sandbox
        .kredivo()
        .drive(&order_id, Target::Settle)
        .unwrap();
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
    env.pushes_settled().await;
    assert_eq!(env.verdicts().await, vec!["unverified", "applied"]);
}

/// A forged push (a signature key Kredivo does not recognise) is Kredivo's final word:
/// acknowledged, ignored, never retried.
#[tokio::test]
async fn a_forged_push_is_acknowledged_and_changes_nothing() {
    let env = start().await;
    let answer = env
        .checkout(&[("laptop-14", 1)], "3_months", "forged-push-001")
        .await;
    let order_id = answer["order_id"].as_str().unwrap().to_owned();
    let tx = env.sandbox.kredivo().transaction(&order_id).unwrap();
    let forged = json!({"status": "OK", "order_id": order_id, "transaction_id": tx.transaction_id,
        "transaction_status": "settlement", "amount": "8499000.00", "signature_key": "forged-key-0000"});
    let (status, body) = env.post("/api/kredivo/v1/push", &forged).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(env.order_status(&order_id).await, OrderStatus::Pending);
    assert_eq!(env.verdicts().await, vec!["unconfirmed"]);
}

/// Regression (issue 15): a confirmed currency other than the order's was not compared.
#[tokio::test]
async fn a_confirmation_in_another_currency_changes_nothing() {
    let env = start().await;
    let answer = env
        .checkout(&[("laptop-14", 1)], "3_months", "currency-mism-1")
        .await;
    let order_id = answer["order_id"].as_str().unwrap().to_owned();
    let order = env.state.store().order(&order_id).await.unwrap().unwrap();
    let usd = ProviderStatus {
        order_id: order_id.clone(),
        transaction_id: None,
        status: Some(OrderStatus::Settled),
        raw_status: "settlement".into(),
        amount: order.amount,
        currency: Some("USD".into()),
        payment_type: None,
        user_token: None,
    };
    let applied = apply_confirmed(&env.state, &usd, "test").await.unwrap();
    assert_eq!(applied.verdict(), "mismatch");
    assert_eq!(env.order_status(&order_id).await, OrderStatus::Pending);
    let idr = ProviderStatus {
        currency: Some("IDR".into()),
        ..usd
    };
    apply_confirmed(&env.state, &idr, "test").await.unwrap();
    assert_eq!(env.order_status(&order_id).await, OrderStatus::Settled);
}

/// The shopper may confirm another tenure on Kredivo's page: the order takes the provider's.
#[tokio::test]
async fn a_tenure_changed_at_the_provider_is_what_the_order_records() {
    let env = start().await;
    let answer = env
        .checkout(&[("laptop-14", 1)], "3_months", "tenure-change-1")
        .await;
    let order_id = answer["order_id"].as_str().unwrap().to_owned();
    let order = env.state.store().order(&order_id).await.unwrap().unwrap();
    let confirmed = ProviderStatus {
        order_id: order_id.clone(),
        transaction_id: None,
        status: Some(OrderStatus::Settled),
        raw_status: "settlement".into(),
        amount: order.amount,
        currency: None,
        payment_type: Some("12_months".into()),
        user_token: None,
    };
    apply_confirmed(&env.state, &confirmed, "test")
        .await
        .unwrap();
    let order = env.state.store().order(&order_id).await.unwrap().unwrap();
    assert_eq!(
        (order.status, order.payment_type.as_str()),
        (OrderStatus::Settled, "12_months")
    );
}
