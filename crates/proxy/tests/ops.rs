//! The operator's surface: `/healthz`, `/readyz`, `/metrics`, request ids, `x-served-by` and
//! graceful shutdown.
//!
//! The metrics recorder is process-wide, so this file is its own test binary and only one of
//! its tests pays for an order: the counters it reads can only have been moved by it. Keep it
//! that way (a test added here must not call the provider or receive a push).

mod common;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use axum::Router;
use common::*;
use kredivo_api::OrderStatus;
use kredivo_proxy::ops::shutdown::{serve_until, Drain};
use kredivo_proxy::{app, AppState, Config, Deps, Secret, SqlStore};
use kredivo_sandbox::Target;
use tokio::sync::{oneshot, Notify};
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

/// The value of the sample `name{labels…}` in a Prometheus text (0 when the series is absent:
/// a counter that never moved is not rendered).
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.rsplit_once(' '))
        .filter(|(series, _)| {
            let (series_name, series_labels) = series.split_once('{').unwrap_or((series, ""));
            series_name == name
                && labels
                    .iter()
                    .all(|(k, v)| series_labels.contains(&format!("{k}=\"{v}\"")))
        })
        .map(|(_, value)| value.parse::<f64>().expect("a number"))
        .sum()
}

async fn scrape(env: &Env) -> String {
    let response = env
        .http
        .get(env.url("/metrics"))
        .send()
        .await
        .expect("scrape");
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    response.text().await.expect("body")
}

#[tokio::test]
async fn a_scrape_after_a_payment_finds_its_request_provider_calls_notification_and_order() {
    let env = start().await;
    let before = scrape(&env).await;
    let checkout = [
        ("method", "POST"),
        ("route", "/api/kredivo/v1/checkout"),
        ("status", "200"),
    ];
    let checkout_url = [
        ("gateway", "kredivo"),
        ("operation", "checkout_url"),
        ("outcome", "ok"),
    ];
    let applied = [("verdict", "applied")];

    let answer = env
        .checkout(&[("smartphone-x5", 1)], "6_months", "metrics-0001")
        .await;
    let order_id = answer["order_id"].as_str().expect("order id").to_owned();
    env.sandbox
        .kredivo()
        .drive(&order_id, Target::Settle)
        .expect("settle");
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
    env.pushes_settled().await;

    let after = scrape(&env).await;
    let moved = |name: &str, labels: &[(&str, &str)]| {
        sample(&after, name, labels) - sample(&before, name, labels)
    };
    assert_eq!(
        moved("kredivo_http_requests_total", &checkout),
        1.0,
        "{after}"
    );
    assert_eq!(
        moved("kredivo_http_request_duration_seconds_count", &checkout),
        1.0,
        "{after}"
    );
    assert_eq!(
        moved("kredivo_provider_calls_total", &checkout_url),
        1.0,
        "{after}"
    );
    assert_eq!(
        moved(
            "kredivo_provider_call_duration_seconds_count",
            &checkout_url
        ),
        1.0,
        "{after}"
    );
    // The push was confirmed with Kredivo before it was applied.
    assert!(
        moved(
            "kredivo_provider_calls_total",
            &[("operation", "update"), ("outcome", "ok")]
        ) >= 1.0,
        "{after}"
    );
    assert!(
        moved("kredivo_notifications_total", &applied) >= 1.0,
        "{after}"
    );
    // Read from this test's store at scrape time.
    assert_eq!(
        sample(&after, "kredivo_orders", &[("status", "settled")]),
        1.0,
        "{after}"
    );
    assert_eq!(
        sample(&after, "kredivo_orders", &[("status", "pending")]),
        0.0,
        "{after}"
    );
    assert_eq!(sample(&after, "kredivo_store_up", &[]), 1.0, "{after}");
    assert_eq!(
        sample(&after, "kredivo_webhook_backlog", &[]),
        0.0,
        "{after}"
    );
    // A route pattern, never a raw path: no series names this order.
    assert!(!after.contains(&order_id), "{after}");
}

/// The same proxy as `env`, over its own pool of the same database, so the test can close it.
async fn state_over_own_pool(env: &Env, config: Config) -> (AppState, SqlStore) {
    let store = SqlStore::open(&env.config.database_url)
        .await
        .expect("store");
    let state = AppState::new(
        config,
        Deps {
            store: Some(Arc::new(store.clone())),
            ..Deps::default()
        },
    )
    .await
    .expect("state");
    (state, store)
}

async fn get_json(router: &Router, path: &str) -> (StatusCode, serde_json::Value, Option<String>) {
    let response = router
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
        retry_after,
    )
}

#[tokio::test]
async fn readyz_turns_503_when_the_database_is_gone_while_healthz_stays_200() {
    let env = start().await;
    let (state, store) = state_over_own_pool(&env, env.config.clone()).await;
    let router = app(state);

    let (status, body, _) = get_json(&router, "/readyz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["store"], "ok", "{body}");
    assert_eq!(body["provider"], "reachable", "the sandbox answers: {body}");

    store.close().await;
    let (status, body, retry_after) = get_json(&router, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["status"], "not_ready", "{body}");
    assert_eq!(body["store"], "unreachable", "{body}");
    assert!(retry_after.is_some(), "a 503 says when to come back");

    let (status, _, _) = get_json(&router, "/healthz").await;
    assert_eq!(status, StatusCode::OK, "the process itself is fine");
}

#[tokio::test]
async fn readyz_reports_an_unreachable_provider_without_failing() {
    let env = start().await;
    // Nothing listens on the sandbox's old port once it is taken from a closed listener.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead_url = format!(
        "http://{}/sandbox/kredivo",
        dead.local_addr().expect("addr")
    );
    drop(dead);
    let config = Config {
        kredivo_base_url: dead_url.parse().expect("url"),
        ..env.config.clone()
    };
    let (state, _store) = state_over_own_pool(&env, config).await;
    let (status, body, _) = get_json(&app(state), "/readyz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["provider"], "unreachable", "{body}");
}

#[tokio::test]
async fn readyz_says_draining_once_shutdown_began() {
    let env = start().await;
    let (state, _store) = state_over_own_pool(&env, env.config.clone()).await;
    state.shutdown_token().cancel();
    let (status, body, _) = get_json(&app(state), "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["draining"], true, "{body}");
}

#[tokio::test]
async fn metrics_are_for_loopback_peers_that_came_through_no_proxy() {
    let env = start().await;
    let direct = env.http.get(env.url("/metrics")).send().await.unwrap();
    assert_eq!(direct.status(), 200);
    // Through nginx on the same machine the peer is loopback too; the header gives it away.
    let forwarded = env
        .http
        .get(env.url("/metrics"))
        .header("x-forwarded-for", "203.0.113.9")
        .send()
        .await
        .unwrap();
    assert_eq!(forwarded.status(), 401);
}

#[tokio::test]
async fn metrics_need_the_token_when_one_is_configured() {
    const TOKEN: &str = "metrics-token-for-tests-0001";
    let env = start().await;
    let config = Config {
        metrics_token: Some(Secret::new(TOKEN)),
        ..env.config.clone()
    };
    let (state, _store) = state_over_own_pool(&env, config).await;
    let router = app(state);
    let ask = |auth: Option<&str>| {
        let router = router.clone();
        let mut req = Request::get("/metrics");
        if let Some(auth) = auth {
            req = req.header("authorization", auth);
        }
        async move {
            router
                .oneshot(req.body(Body::empty()).unwrap())
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(ask(None).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        ask(Some("Bearer not-the-token-000000")).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(ask(Some(&format!("Bearer {TOKEN}"))).await, StatusCode::OK);
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_keeps_the_one_it_was_given() {
    let env = start().await;
    let made = env.http.get(env.url("/healthz")).send().await.unwrap();
    let id = made.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let other = env.http.get(env.url("/healthz")).send().await.unwrap();
    assert_ne!(other.headers()["x-request-id"], id.as_str());
    let given = env
        .http
        .get(env.url("/api/kredivo/v1/pricing"))
        .header("x-request-id", "nginx-4f2a9c")
        .send()
        .await
        .unwrap();
    assert_eq!(given.headers()["x-request-id"], "nginx-4f2a9c");
}

#[tokio::test]
async fn the_instance_name_is_sent_as_x_served_by_only_when_configured() {
    let env = start().await;
    let plain = env.http.get(env.url("/healthz")).send().await.unwrap();
    assert!(plain.headers().get("x-served-by").is_none());
    let config = Config {
        instance_name: Some("replica-2".into()),
        ..env.config.clone()
    };
    let (state, _store) = state_over_own_pool(&env, config).await;
    let response = app(state)
        .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.headers()["x-served-by"], "replica-2");
}

/// A router whose one route tells `started` it is running, then waits for `release`.
fn held_router(started: Arc<Notify>, release: Arc<Notify>) -> Router {
    Router::new().route(
        "/slow",
        get(move || async move {
            started.notify_one();
            release.notified().await;
            "done"
        }),
    )
}

async fn listener() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/slow", listener.local_addr().expect("addr"));
    (listener, url)
}

#[tokio::test]
async fn a_request_in_flight_when_shutdown_begins_still_gets_its_answer() {
    let (started, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let (listener, url) = listener().await;
    let stop = CancellationToken::new();
    let server = tokio::spawn(serve_until(
        listener,
        held_router(started.clone(), release.clone()),
        stop.clone(),
        Duration::from_secs(60),
    ));
    let request = tokio::spawn(async move { reqwest::get(url).await?.text().await });
    started.notified().await;

    stop.cancel();
    release.notify_one();
    assert_eq!(request.await.unwrap().expect("answered"), "done");
    assert_eq!(server.await.unwrap().expect("served"), Drain::Complete);
}

#[tokio::test]
async fn a_request_still_running_at_the_deadline_is_cut_and_the_server_returns() {
    let (started, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let (listener, url) = listener().await;
    let stop = CancellationToken::new();
    let server = tokio::spawn(serve_until(
        listener,
        held_router(started.clone(), release),
        stop.clone(),
        Duration::from_millis(50),
    ));
    let (done_tx, _done_rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = reqwest::get(url).await;
        let _ = done_tx.send(());
    });
    started.notified().await;
    stop.cancel();
    assert_eq!(
        server.await.unwrap().expect("served"),
        Drain::DeadlinePassed
    );
}

#[tokio::test]
async fn the_background_workers_stop_after_their_pass_once_shutdown_begins() {
    let env = start_with(Options {
        webhook_url: Some("http://127.0.0.1:9/webhooks".into()),
        ..Options::default()
    })
    .await;
    let (state, _store) = state_over_own_pool(&env, env.config.clone()).await;
    let background = kredivo_proxy::spawn_background(&state);
    state.shutdown_token().cancel();
    let stopped = background.finish(Duration::from_secs(60)).await;
    assert_eq!(
        (stopped.finished, stopped.aborted),
        (2, 0),
        "the reconciler and the webhook worker both returned"
    );
}

#[tokio::test]
async fn requests_to_no_route_share_one_series_whatever_their_path() {
    let env = start().await;
    for path in [
        "/api/kredivo/v1/no-such-thing-1",
        "/nowhere/at/all-2",
        "/api/store/x-3",
    ] {
        env.http.get(env.url(path)).send().await.unwrap();
    }
    let text = scrape(&env).await;
    for leaked in ["no-such-thing-1", "all-2", "x-3"] {
        assert!(!text.contains(leaked), "{leaked} became a label: {text}");
    }
}
