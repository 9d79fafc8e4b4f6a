//! The SQL store on the engine this run tests.

use super::*;
use crate::store::test_support::{fresh_database, TestDatabase};

/// A fresh store on the engine this run tests (SQLite, or PostgreSQL with
/// `KREDIVO_TEST_STORE=postgres`); keep the guard alive as long as the store.
async fn fresh(label: &str) -> (TestDatabase, SqlStore) {
    let db = fresh_database(label).await.unwrap();
    let store = SqlStore::open(&db.url).await.unwrap();
    (db, store)
}

fn order(id: &str, key: &str) -> NewOrder {
    NewOrder {
        order: OrderRecord {
            order_id: id.into(),
            idempotency_key: key.into(),
            fingerprint: "fp".into(),
            cart_id: None,
            payment_type: "3_months".into(),
            amount: Money::from_rupiah(100_000),
            cancelled_amount: Money::ZERO,
            currency: "IDR".into(),
            status: OrderStatus::Created,
            gateway: "kredivo".into(),
            transaction_id: None,
            redirect_url: None,
            last_error: None,
            lease_until: None,
            created_at: 1,
            updated_at: 1,
            session_id: None,
            reference: None,
            shopper: None,
            expires_at: None,
            next_check_at: None,
            checks: 0,
            source: None,
        },
        lines: vec![LineRecord {
            product_id: "kopi-gayo-250g".into(),
            name: "Kopi".into(),
            category: "Coffee".into(),
            quantity: 2,
            unit_price: Money::from_rupiah(50_000),
            line_total: Money::from_rupiah(100_000),
        }],
    }
}

#[tokio::test]
async fn an_idempotency_key_is_stored_once() {
    let (_db, store) = fresh("store").await;
    assert_eq!(
        store.insert_order(&order("A", "key-0001")).await.unwrap(),
        InsertOutcome::Inserted
    );
    match store.insert_order(&order("B", "key-0001")).await.unwrap() {
        InsertOutcome::Existing(o) => assert_eq!(o.order_id, "A"),
        other => panic!("{other:?}"),
    }
    assert!(store.order("B").await.unwrap().is_none());
    assert_eq!(store.order_lines("A").await.unwrap().len(), 1);
}

#[tokio::test]
async fn transitions_follow_the_state_machine_and_log_events() {
    let (_db, store) = fresh("store").await;
    store.insert_order(&order("A", "key-0001")).await.unwrap();
    let ev = NewEvent::new(2, "status", "test");
    assert!(store.claim_checkout("A", 2, 100).await.unwrap());
    assert!(
        !store.claim_checkout("A", 3, 100).await.unwrap(),
        "lease held"
    );
    assert!(matches!(
        store
            .checkout_started("A", Some("https://x"), None, &ev)
            .await
            .unwrap(),
        TransitionOutcome::Applied { .. }
    ));
    assert_eq!(
        store
            .transition("A", OrderStatus::Settled, Some("tx-1"), &ev)
            .await
            .unwrap(),
        TransitionOutcome::Applied {
            from: OrderStatus::Pending,
            to: OrderStatus::Settled
        }
    );
    assert_eq!(
        store
            .transition("A", OrderStatus::Pending, None, &ev)
            .await
            .unwrap(),
        TransitionOutcome::Refused {
            current: OrderStatus::Settled
        }
    );
    assert_eq!(
        store
            .transition("A", OrderStatus::Settled, None, &ev)
            .await
            .unwrap(),
        TransitionOutcome::Unchanged
    );
    let o = store.order("A").await.unwrap().unwrap();
    assert_eq!(o.status, OrderStatus::Settled);
    assert_eq!(o.transaction_id.as_deref(), Some("tx-1"));
    let kinds: Vec<_> = store
        .events("A")
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(kinds, vec![1, 2, 3]);
    assert!(matches!(
        store
            .apply_change(
                "A",
                &Change::partial_cancel(Money::from_rupiah(40_000), &ev)
            )
            .await
            .unwrap(),
        TransitionOutcome::Applied { .. }
    ));
    assert_eq!(
        store
            .apply_change(
                "A",
                &Change::partial_cancel(Money::from_rupiah(70_000), &ev)
            )
            .await
            .unwrap(),
        TransitionOutcome::ExceedsAmount {
            remaining: Money::from_rupiah(60_000)
        }
    );
}

#[tokio::test]
async fn an_in_memory_sqlite_store_opens_and_migrates() {
    let store = SqlStore::open("sqlite::memory:").await.unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    store.insert_order(&order("A", "key-0001")).await.unwrap();
    assert!(store.order("A").await.unwrap().is_some());
}

/// Regression (issue 15): two processes opening one fresh SQLite file at the same time
/// raced on the migrations, and the loser failed to start ("table orders already exists").
#[tokio::test]
async fn two_stores_opening_one_fresh_database_at_once_both_start() {
    let db = fresh_database("race").await.unwrap();
    let mut opening = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let url = db.url.clone();
        opening.spawn(async move { SqlStore::open(&url).await });
    }
    while let Some(opened) = opening.join_next().await {
        let store = opened
            .unwrap()
            .unwrap_or_else(|e| panic!("a store failed: {e}"));
        assert!(store.order("nothing").await.unwrap().is_none());
    }
}

/// Concurrent events on one order keep a gapless sequence (on PostgreSQL two appenders
/// used to read the same `MAX(seq)` and one failed on the primary key).
#[tokio::test]
async fn concurrent_events_on_one_order_get_distinct_sequence_numbers() {
    let (_db, store) = fresh("events").await;
    store.insert_order(&order("A", "key-0001")).await.unwrap();
    let store = std::sync::Arc::new(store);
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .append_event("A", &NewEvent::new(i, "note", format!("event {i}")))
                    .await
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let seqs: Vec<i64> = store
        .events("A")
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(seqs, (1..=17).collect::<Vec<_>>());
}

#[tokio::test]
async fn carts_are_upserted() {
    let (_db, store) = fresh("store").await;
    let mut cart = CartRecord {
        cart_id: "c1".into(),
        lines: vec![],
        created_at: 1,
        updated_at: 1,
    };
    store.put_cart(&cart).await.unwrap();
    cart.lines.push(CartLine {
        product_id: "x".into(),
        quantity: 2,
    });
    cart.updated_at = 2;
    store.put_cart(&cart).await.unwrap();
    assert_eq!(store.cart("c1").await.unwrap(), Some(cart));
}

/// Regression (issue 15): a full cancel that arrived by push (not through our own cancel
/// call) moved a settled order to `cancelled` but left `cancelled_amount` at 0.
#[tokio::test]
async fn a_settled_order_cancelled_by_push_records_the_whole_amount_as_cancelled() {
    let (_db, store) = fresh("pushcancel").await;
    store.insert_order(&order("A", "key-0001")).await.unwrap();
    let ev = NewEvent::new(2, "status", "notification: settlement");
    store
        .transition("A", OrderStatus::Settled, Some("tx-1"), &ev)
        .await
        .unwrap();
    store
        .apply_change(
            "A",
            &Change::partial_cancel(Money::from_rupiah(30_000), &ev),
        )
        .await
        .unwrap();
    let ev = NewEvent::new(3, "status", "notification: cancel");
    store
        .transition("A", OrderStatus::Cancelled, None, &ev)
        .await
        .unwrap();
    let o = store.order("A").await.unwrap().unwrap();
    assert_eq!(o.status, OrderStatus::Cancelled);
    assert_eq!(o.cancelled_amount, Money::from_rupiah(100_000));
}

/// An order that never settled and is cancelled gave nothing back.
#[tokio::test]
async fn cancelling_before_payment_takes_nothing_back() {
    let (_db, store) = fresh("precancel").await;
    store.insert_order(&order("A", "key-0001")).await.unwrap();
    let ev = NewEvent::new(2, "status", "shopper cancelled");
    store
        .transition("A", OrderStatus::Cancelled, None, &ev)
        .await
        .unwrap();
    assert_eq!(
        store.order("A").await.unwrap().unwrap().cancelled_amount,
        Money::ZERO
    );
}

async fn webhook_store(label: &str) -> (TestDatabase, SqlStore) {
    let db = fresh_database(label).await.unwrap();
    let store = SqlStore::open(&db.url).await.unwrap().with_outbox(true);
    (db, store)
}

fn payload(w: &WebhookRecord) -> serde_json::Value {
    serde_json::from_str(&w.payload).unwrap()
}

#[tokio::test]
async fn every_state_change_writes_one_outbox_row_in_order_per_order() {
    let (_db, store) = webhook_store("outbox").await;
    store.insert_order(&order("A", "key-0001")).await.unwrap();
    store.insert_order(&order("B", "key-0002")).await.unwrap();
    let ev = NewEvent::new(5_000, "status", "t");
    store
        .checkout_started("A", Some("https://x"), None, &ev)
        .await
        .unwrap();
    store
        .transition("A", OrderStatus::Settled, Some("tx-1"), &ev)
        .await
        .unwrap();
    store
        .transition("A", OrderStatus::Settled, Some("tx-1"), &ev)
        .await
        .unwrap();
    store
        .apply_change(
            "A",
            &Change::partial_cancel(Money::from_rupiah(25_000), &ev),
        )
        .await
        .unwrap();
    store
        .transition("B", OrderStatus::Denied, None, &ev)
        .await
        .unwrap();
    let all = store.webhooks(&WebhookFilter::default()).await.unwrap();
    let a: Vec<(i64, &str)> = all
        .iter()
        .filter(|w| w.order_id == "A")
        .map(|w| (w.seq, w.event_type.as_str()))
        .collect();
    assert_eq!(
        a,
        [
            (1, "order.pending"),
            (2, "order.settled"),
            (3, "order.cancelled")
        ],
        "a replayed settlement writes nothing"
    );
    let partial = payload(&all[2]);
    assert_eq!(partial["data"]["status"], "settled");
    assert_eq!(partial["data"]["cancelled_amount"], "25000");
    assert_eq!(partial["data"]["cancellation"]["amount"], "25000");
    assert_eq!(partial["data"]["cancellation"]["partial"], true);
    assert_eq!(payload(&all[1])["data"]["transaction_id"], "tx-1");
    assert_eq!(payload(&all[1])["created"], 5);
    let ids: std::collections::HashSet<&str> = all.iter().map(|w| w.event_id.as_str()).collect();
    assert_eq!(ids.len(), all.len(), "event ids are unique");
    assert_eq!(store.webhook_backlog().await.unwrap(), (4, Some(5_000)));
}

#[tokio::test]
async fn without_webhooks_no_outbox_row_is_written() {
    let (_db, store) = fresh("nooutbox").await;
    store.insert_order(&order("A", "key-0001")).await.unwrap();
    let ev = NewEvent::new(2, "status", "t");
    store
        .transition("A", OrderStatus::Settled, None, &ev)
        .await
        .unwrap();
    assert!(store
        .webhooks(&WebhookFilter::default())
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn only_an_orders_oldest_undelivered_event_is_claimed_and_a_lease_keeps_others_off() {
    let (_db, store) = webhook_store("claim").await;
    store.insert_order(&order("A", "key-0001")).await.unwrap();
    let ev = NewEvent::new(1_000, "status", "t");
    store
        .checkout_started("A", Some("https://x"), None, &ev)
        .await
        .unwrap();
    store
        .transition("A", OrderStatus::Settled, None, &ev)
        .await
        .unwrap();
    let first = store.claim_webhooks(2_000, 62_000, 10).await.unwrap();
    assert_eq!(
        first.len(),
        1,
        "the settled event waits for the pending one"
    );
    assert_eq!(first[0].event_type.as_str(), "order.pending");
    assert!(
        store
            .claim_webhooks(2_000, 62_000, 10)
            .await
            .unwrap()
            .is_empty(),
        "leased"
    );
    let failed = WebhookAttempt {
        attempt: 1,
        at: 2_000,
        http_status: Some(500),
        latency_ms: 3,
        error: Some("HTTP 500".into()),
        response: Some("x".repeat(5_000)),
    };
    store
        .record_webhook_attempt(&first[0].event_id, &failed, &AttemptResult::RetryAt(10_000))
        .await
        .unwrap();
    assert!(
        store
            .claim_webhooks(9_999, 70_000, 10)
            .await
            .unwrap()
            .is_empty(),
        "not due yet, and the next event still waits behind it"
    );
    let again = store.claim_webhooks(10_000, 70_000, 10).await.unwrap();
    assert_eq!(again[0].event_id, first[0].event_id);
    assert_eq!(again[0].attempts, 1);
    let ok = WebhookAttempt {
        attempt: 2,
        at: 10_000,
        http_status: Some(200),
        latency_ms: 2,
        error: None,
        response: None,
    };
    store
        .record_webhook_attempt(&first[0].event_id, &ok, &AttemptResult::Delivered)
        .await
        .unwrap();
    let next = store.claim_webhooks(10_000, 70_000, 10).await.unwrap();
    assert_eq!(next[0].event_type.as_str(), "order.settled");
    let attempts = store.webhook_attempts(&first[0].event_id).await.unwrap();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0].response.as_ref().map(String::len), Some(1024));
    assert!(store
        .redeliver_webhook(&first[0].event_id, 11_000)
        .await
        .unwrap());
    assert!(!store.redeliver_webhook("evt_nope", 11_000).await.unwrap());
}
