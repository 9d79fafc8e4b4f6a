//! Faults in the replica layout (crates/stack), loopback only, bounded: a replica killed with
//! SIGKILL in the middle of a stream of checkouts and pushes, and PostgreSQL restarted under
//! load. Each prints its counts (the README quotes them).
//!
//! Needs PostgreSQL and nginx (skipped loudly without them; failed with
//! `KREDIVO_TEST_REQUIRE_SERVICES=1`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use kredivo_e2e::replicas::{Answer, Replicas, Shop};

/// Orders in the kill -9 stream, and how many clients send them at once.
const ORDERS: usize = 24;
const CLIENTS: usize = 4;
/// The replica killed, and after how many finished orders.
const VICTIM: usize = 2;
const KILL_AFTER: usize = 8;
/// How long anything may take to converge before the test gives up on it.
const CONVERGE: Duration = Duration::from_secs(90);

/// What the clients saw.
#[derive(Default)]
struct Tally {
    /// Checkout requests that failed (5xx or no answer) and were sent again with the same
    /// idempotency key, as the widget does.
    checkout_retries: AtomicUsize,
    /// Status reads (`GET`, which nginx retries on a live replica) that did not answer 200.
    failed_reads: AtomicUsize,
    /// Status reads in total.
    reads: AtomicUsize,
    /// Orders whose checkout and provider decision are done.
    done: AtomicUsize,
}

/// A checkout with `key`, sent again (same key) while it fails, as the widget would.
async fn checkout_until_answered(shop: &Shop, key: &str, tally: &Tally) -> Result<Answer> {
    let deadline = Instant::now() + CONVERGE;
    loop {
        match shop.checkout("kopi-gayo-1kg", "30_days", key).await {
            Ok(answer) if answer.status == 200 => return Ok(answer),
            Ok(answer) if answer.status < 500 => bail!("checkout {key} refused: {answer:?}"),
            _ if Instant::now() > deadline => bail!("checkout {key} never succeeded"),
            _ => {
                tally.checkout_retries.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}

/// The provider's decision for order `n`: most pay, every third is denied.
fn decision(n: usize) -> (&'static str, &'static str) {
    if n % 3 == 2 {
        ("deny", "denied")
    } else {
        ("settle", "settled")
    }
}

/// One client: checkouts `n = first, first + CLIENTS, …`, each read back and decided at the
/// provider (whose push comes back through nginx to any replica). Returns (order id, the
/// status it must end in).
async fn client(
    shop: Shop,
    first: usize,
    tally: Arc<Tally>,
) -> Result<Vec<(String, &'static str)>> {
    let mut orders = Vec::new();
    for n in (first..ORDERS).step_by(CLIENTS) {
        let answer = checkout_until_answered(&shop, &format!("kill9-{n:03}"), &tally).await?;
        let order_id = answer.body["order_id"]
            .as_str()
            .ok_or_else(|| anyhow::anyhow!("no order id in {answer:?}"))?
            .to_owned();
        tally.reads.fetch_add(1, Ordering::Relaxed);
        match shop
            .get(&format!("/api/kredivo/v1/orders/{order_id}"))
            .await
        {
            Ok(read) if read.status == 200 => {}
            _ => {
                tally.failed_reads.fetch_add(1, Ordering::Relaxed);
            }
        }
        let (target, status) = decision(n);
        shop.drive(&order_id, target).await?;
        orders.push((order_id, status));
        tally.done.fetch_add(1, Ordering::Relaxed);
    }
    Ok(orders)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_killed_mid_stream_loses_and_duplicates_nothing() -> Result<()> {
    let Some(mut r) = Replicas::start(
        "fault-kill-replica",
        3,
        &[
            // The reconciler finishes quickly what the dead replica left; a checkout lease
            // held by the dead replica expires after the upstream timeout plus 5 s.
            ("RECONCILE_AFTER_SECS", "2"),
            ("RECONCILE_INTERVAL_SECS", "1"),
            ("UPSTREAM_TIMEOUT_MS", "2000"),
        ],
    )?
    else {
        return Ok(());
    };
    let tally = Arc::new(Tally::default());
    let clients: Vec<_> = (0..CLIENTS)
        .map(|first| tokio::spawn(client(r.shop.clone(), first, tally.clone())))
        .collect();
    let deadline = Instant::now() + CONVERGE;
    while tally.done.load(Ordering::Relaxed) < KILL_AFTER {
        if Instant::now() > deadline {
            bail!("the stream never got going");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    r.stack.kill(VICTIM)?;
    let killed_after = tally.done.load(Ordering::Relaxed);

    let mut orders = Vec::new();
    for c in clients {
        orders.extend(c.await??);
    }
    assert_eq!(orders.len(), ORDERS);

    // Every order reaches the state the provider decided, read by a surviving replica.
    let mut lost = Vec::new();
    let converged_by = Instant::now() + CONVERGE;
    for (order_id, status) in &orders {
        let wait = converged_by
            .saturating_duration_since(Instant::now())
            .max(Duration::from_secs(1));
        if !r.wait_status(1, order_id, status, wait).await? {
            lost.push(format!(
                "{order_id}: {} (want {status})",
                r.status_on(1, order_id).await?
            ));
        }
    }
    let mut duplicated = Vec::new();
    for (order_id, _) in &orders {
        let n = r.provider_transactions(order_id).await?;
        if n != 1 {
            duplicated.push(format!("{order_id}: {n} provider transactions"));
        }
    }
    let stored: usize = r.postgres.psql("SELECT COUNT(*) FROM orders")?.parse()?;
    let settled = orders.iter().filter(|(_, s)| *s == "settled").count();
    println!(
        "kill -9 of replica-{VICTIM} after {killed_after} of {ORDERS} orders ({CLIENTS} clients): \
         {ORDERS} orders ({settled} settled, {} denied), {stored} stored, duplicates {}, lost {}, \
         checkout retries {}, status reads {} of which failed {}",
        ORDERS - settled,
        duplicated.len(),
        lost.len(),
        tally.checkout_retries.load(Ordering::Relaxed),
        tally.reads.load(Ordering::Relaxed),
        tally.failed_reads.load(Ordering::Relaxed),
    );
    assert!(lost.is_empty(), "orders not in their true state: {lost:?}");
    assert!(duplicated.is_empty(), "{duplicated:?}");
    assert_eq!(stored, ORDERS, "one order per idempotency key, none extra");
    assert_eq!(
        tally.failed_reads.load(Ordering::Relaxed),
        0,
        "nginx retries a GET that met the dead replica on a live one"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_restart_answers_503_meanwhile_and_recovers_without_a_proxy_restart(
) -> Result<()> {
    let Some(mut r) = Replicas::start("fault-postgres-restart", 2, &[])? else {
        return Ok(());
    };
    let before = r
        .checkout("sambal-set", "30_days", "pg-restart-before")
        .await?;
    assert_eq!(before.status, 200, "{before:?}");
    let known = before.body["order_id"]
        .as_str()
        .expect("order id")
        .to_owned();

    r.postgres.stop()?;
    let mut outage = Vec::new();
    for n in 0..3 {
        outage.push((
            "checkout",
            r.checkout("sambal-set", "30_days", &format!("pg-restart-{n}"))
                .await?,
        ));
        outage.push((
            "order",
            r.get(&format!("/api/kredivo/v1/orders/{known}")).await?,
        ));
    }
    let ready = [r.get_on(1, "/readyz").await?, r.get_on(2, "/readyz").await?];
    let unclear: Vec<_> = outage
        .iter()
        .filter(|(_, a)| {
            a.status != 503 || a.retry_after.is_none() || a.body["error"]["code"] != "unavailable"
        })
        .collect();

    r.postgres.start_again()?;
    // Recovery without restarting a proxy: the pools reconnect by themselves.
    let deadline = Instant::now() + CONVERGE;
    let mut attempts_to_recover = 0;
    let recovered = loop {
        attempts_to_recover += 1;
        let answer = r
            .checkout("sambal-set", "30_days", "pg-restart-after")
            .await?;
        if answer.status == 200 {
            break answer;
        }
        if Instant::now() > deadline {
            bail!("no recovery after the restart: {answer:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // Nothing half-written: every order has its lines and its `created` event.
    let orphans: usize = r
        .postgres
        .psql(
            "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.order_id) \
             OR NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.order_id AND e.kind = 'created')",
        )?
        .parse()?;
    let orders: usize = r.postgres.psql("SELECT COUNT(*) FROM orders")?.parse()?;
    let panics: usize = r
        .stack
        .replica_names()
        .iter()
        .enumerate()
        .map(|(i, _)| {
            r.stack
                .replica_log(i + 1)
                .map(|log| log.matches("panicked").count())
        })
        .sum::<Result<usize, _>>()?;
    println!(
        "PostgreSQL restart: {} requests during the outage, {} answered 503 + Retry-After, \
         readyz {} / {}; recovered on attempt {attempts_to_recover} without a proxy restart; \
         {orders} orders stored, half-written 0 expected, found {orphans}; panics {panics}",
        outage.len(),
        outage.len() - unclear.len(),
        ready[0].status,
        ready[1].status,
    );
    assert!(unclear.is_empty(), "answers during the outage: {unclear:?}");
    for answer in &ready {
        assert_eq!(answer.status, 503, "{answer:?}");
        assert_eq!(answer.body["store"], "unreachable", "{answer:?}");
    }
    assert_eq!(recovered.status, 200);
    assert_eq!(orphans, 0);
    assert_eq!(panics, 0);
    assert_eq!(r.get_on(1, "/readyz").await?.status, 200, "ready again");
    Ok(())
}
