//! The production layout end to end: nginx in front of three `kredivo-proxy` processes on one
//! PostgreSQL, the sandbox as its own process (crates/stack). Requests land on different
//! replicas, and still an order is created, charged and settled exactly once.
//!
//! Needs PostgreSQL and nginx (skipped loudly without them; failed with
//! `KREDIVO_TEST_REQUIRE_SERVICES=1`) and, for the browser test, `dist/` and chromedriver like
//! the other end-to-end tests.

use std::time::Duration;

use kredivo_e2e::replicas::{checkout_body, Replicas};
use kredivo_e2e::Harness;
use serde_json::json;

const SETTLE: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_pays_through_nginx_while_its_requests_land_on_different_replicas(
) -> anyhow::Result<()> {
    let Some(r) = Replicas::start("replicas-browser", 3, &[])? else {
        return Ok(());
    };
    let h = Harness::attach("replicas-browser", &r.stack.url()).await?;
    let order_id = kredivo_e2e::journey::buy_two_phones_in_six_months(&h).await?;
    h.stop().await?;

    // Every replica logs each request it answered (the access line of its request span).
    let served_widget_api = r.replicas_logging(&[
        "\"route\":\"/api/kredivo/v1/",
        "finished processing request",
    ])?;
    assert!(
        served_widget_api.len() >= 2,
        "one shopper's widget requests were spread over the replicas, found only {served_widget_api:?}"
    );
    assert_eq!(
        r.provider_transactions(&order_id).await?,
        1,
        "one Kredivo transaction for {order_id}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_double_click_reaching_two_replicas_creates_one_provider_transaction(
) -> anyhow::Result<()> {
    let Some(r) = Replicas::start("replicas-double-click", 3, &[])? else {
        return Ok(());
    };
    let body = checkout_body("smartphone-x5", "3_months", "double-click-0001");
    // Both in flight at once; nginx's round robin sends consecutive requests to different
    // replicas.
    let (first, second) = tokio::join!(
        r.post("/api/kredivo/v1/checkout", &body),
        r.post("/api/kredivo/v1/checkout", &body)
    );
    let (first, second) = (first?, second?);
    assert_eq!(
        (first.status, second.status),
        (200, 200),
        "{first:?} {second:?}"
    );
    assert_ne!(
        first.served_by, second.served_by,
        "the two clicks reached two replicas"
    );
    let order_id = first.body["order_id"]
        .as_str()
        .expect("order id")
        .to_owned();
    assert_eq!(second.body["order_id"], order_id.as_str(), "one order");
    assert_eq!(first.body["redirect_url"], second.body["redirect_url"]);
    assert_eq!(r.provider_transactions(&order_id).await?, 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_landing_on_different_replicas_settle_the_order_once() -> anyhow::Result<()> {
    let Some(r) = Replicas::start("replicas-push", 3, &[])? else {
        return Ok(());
    };
    let answer = r
        .checkout("rice-cooker", "30_days", "push-any-replica-1")
        .await?;
    assert_eq!(answer.status, 200, "{answer:?}");
    let order_id = answer.body["order_id"]
        .as_str()
        .expect("order id")
        .to_owned();

    // The settlement push is sent twice, then once more: three deliveries through nginx.
    r.fault(json!({"endpoint": "push", "fault": {"kind": "duplicate_push"}, "times": 1}))
        .await?;
    r.drive(&order_id, "settle").await?;
    assert!(r.wait_status(1, &order_id, "settled", SETTLE).await?);
    r.drive(&order_id, "repush").await?;

    let handled_by = |verdict: &'static str| {
        let needle = format!("\"verdict\":\"{verdict}\"");
        let order = order_id.clone();
        move |r: &Replicas| r.replicas_logging(&["notification handled", &order, &needle])
    };
    // Wait until all three pushes were handled somewhere.
    let deadline = std::time::Instant::now() + SETTLE;
    loop {
        let verdicts = r
            .get_on(1, &format!("/api/kredivo/v1/admin/orders/{order_id}"))
            .await?
            .body["notifications"]
            .as_array()
            .map_or(0, Vec::len);
        if verdicts >= 3 || std::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let detail = r
        .get_on(1, &format!("/api/kredivo/v1/admin/orders/{order_id}"))
        .await?
        .body;
    let verdicts: Vec<&str> = detail["notifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .filter_map(|n| n["verdict"].as_str())
        .collect();
    assert_eq!(
        verdicts.iter().filter(|v| **v == "applied").count(),
        1,
        "settled once: {verdicts:?}"
    );
    assert_eq!(verdicts.len(), 3, "{verdicts:?}");
    let settlements = detail["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["to_status"] == "settled")
        .count();
    assert_eq!(settlements, 1, "{detail}");
    let mut replicas = handled_by("applied")(&r)?;
    replicas.extend(handled_by("duplicate")(&r)?);
    replicas.sort();
    replicas.dedup();
    assert!(
        replicas.len() >= 2,
        "the pushes were handled on more than one replica: {replicas:?}"
    );
    assert_eq!(r.provider_transactions(&order_id).await?, 1);
    Ok(())
}
