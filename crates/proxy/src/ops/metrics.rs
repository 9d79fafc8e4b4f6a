//! Prometheus metrics through the `metrics` facade.
//!
//! Counters and histograms are recorded where things happen: every HTTP request
//! ([`track_http`], by matched route, never the raw path, so an order id cannot become a
//! label), every provider call ([`provider_call`], from `gateway/upstream.rs`, the one place
//! all of them pass), every notification's verdict ([`notification`]). What lives in the store
//! — orders by status, the webhook outbox's backlog and its oldest row's age — is read at
//! scrape time ([`render`]), so every replica reports the same shared figures and nothing has
//! to be kept in step.
//!
//! The recorder is process-wide (the facade has one global recorder, and a process is what
//! Prometheus scrapes): [`install`] puts it in place once, and an application that embeds the
//! proxy with a recorder of its own keeps it — `/metrics` then answers `503`.

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kredivo_api::OrderStatus;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::error::AppError;
use crate::gateway::GatewayError;
use crate::AppState;

/// Requests answered, by `method`, `route` (the matched route pattern) and `status`.
pub const HTTP_REQUESTS: &str = "kredivo_http_requests_total";
/// Time to answer a request, same labels.
pub const HTTP_DURATION: &str = "kredivo_http_request_duration_seconds";
/// Provider calls (each attempt), by `gateway`, `operation` and `outcome`.
pub const PROVIDER_CALLS: &str = "kredivo_provider_calls_total";
/// Time of one provider call attempt, same labels.
pub const PROVIDER_DURATION: &str = "kredivo_provider_call_duration_seconds";
/// Provider notifications handled, by `verdict` (`applied`, `duplicate`, `unverified`, …).
pub const NOTIFICATIONS: &str = "kredivo_notifications_total";
/// Orders in the store, by `status` (read at scrape time).
pub const ORDERS: &str = "kredivo_orders";
/// Undelivered webhooks in the outbox (read at scrape time).
pub const WEBHOOK_BACKLOG: &str = "kredivo_webhook_backlog";
/// Age of the oldest undelivered webhook, 0 when none (read at scrape time).
pub const WEBHOOK_OLDEST_AGE: &str = "kredivo_webhook_oldest_pending_age_seconds";
/// 1 when the scrape could read the store, 0 when it could not (the store gauges then keep
/// their last values).
pub const STORE_UP: &str = "kredivo_store_up";

/// Histogram buckets in seconds: from a cache hit (well under a millisecond) to a provider call
/// running into its timeout.
const BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// How often recorded histogram samples are folded into their buckets when nobody scrapes
/// (without it they pile up in memory between scrapes).
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Longest a scrape waits for the store's figures: a scrape must answer even when the
/// database does not.
const STORE_READ_TIMEOUT: Duration = Duration::from_secs(2);

static RECORDER: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide Prometheus recorder, once; `None` when the application already
/// installed another recorder (its metrics then go there, and `/metrics` answers 503).
pub fn install() -> Option<&'static PrometheusHandle> {
    RECORDER
        .get_or_init(|| {
            let installed = PrometheusBuilder::new()
                .set_buckets(&BUCKETS)
                .and_then(PrometheusBuilder::install_recorder);
            match installed {
                Ok(handle) => {
                    describe();
                    let upkeep = handle.clone();
                    // A plain thread, not a task: it must outlive whichever tokio runtime
                    // happened to build the first AppState (tests build many).
                    let spawned = std::thread::Builder::new()
                        .name("metrics-upkeep".into())
                        .spawn(move || loop {
                            std::thread::sleep(UPKEEP_EVERY);
                            upkeep.run_upkeep();
                        });
                    if let Err(e) = spawned {
                        tracing::warn!(error = %e, "cannot start the metrics upkeep thread; histograms are folded at scrape time only");
                    }
                    Some(handle)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "another metrics recorder is installed; /metrics is off");
                    None
                }
            }
        })
        .as_ref()
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests answered, by matched route and status."
    );
    describe_histogram!(
        HTTP_DURATION,
        Unit::Seconds,
        "Time to answer an HTTP request."
    );
    describe_counter!(
        PROVIDER_CALLS,
        "Provider call attempts by gateway, operation and outcome."
    );
    describe_histogram!(
        PROVIDER_DURATION,
        Unit::Seconds,
        "Time of one provider call attempt."
    );
    describe_counter!(NOTIFICATIONS, "Provider notifications by verdict.");
    describe_gauge!(
        ORDERS,
        "Orders in the store by status, read at scrape time."
    );
    describe_gauge!(WEBHOOK_BACKLOG, "Undelivered webhooks in the outbox.");
    describe_gauge!(
        WEBHOOK_OLDEST_AGE,
        Unit::Seconds,
        "Age of the oldest undelivered webhook (0 when none)."
    );
    describe_gauge!(
        STORE_UP,
        "1 when the last scrape could read the store, else 0."
    );
}

/// Middleware: counts and times every request by method, matched route and status.
pub async fn track_http(req: Request, next: Next) -> Response {
    // The route pattern, not the path: `/orders/{order_id}` is one series, not one per order.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = method_label(req.method());
    let started = Instant::now();
    let response = next.run(req).await;
    let labels = [
        ("method", method.to_owned()),
        ("route", route),
        ("status", response.status().as_u16().to_string()),
    ];
    metrics::counter!(HTTP_REQUESTS, &labels).increment(1);
    metrics::histogram!(HTTP_DURATION, &labels).record(started.elapsed());
    response
}

/// A method as a label: the standard ones by name, anything else as `other`, so a client
/// inventing methods cannot grow the series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Records one provider call attempt; `gateway/upstream.rs` calls it for every attempt, after
/// the answer or the failure. The order it was for, when known, is written into the request's
/// log span (`order_id`), so the request's last log line names the order a checkout created.
pub(crate) fn provider_call(
    gateway: &'static str,
    operation: &'static str,
    order_id: Option<&str>,
    http_status: Option<u16>,
    error: Option<&GatewayError>,
    elapsed: Duration,
) {
    let labels = [
        ("gateway", gateway),
        ("operation", operation),
        ("outcome", outcome(http_status, error)),
    ];
    metrics::counter!(PROVIDER_CALLS, &labels).increment(1);
    metrics::histogram!(PROVIDER_DURATION, &labels).record(elapsed);
    if let Some(order_id) = order_id {
        tracing::Span::current().record("order_id", order_id);
    }
}

/// How a provider call attempt ended, as a label. `ok` means an HTTP answer below 400
/// arrived; whether its body was an acceptance (Kredivo answers `status: ERROR` with HTTP 200)
/// is the gateway's business, not the transport's.
fn outcome(http_status: Option<u16>, error: Option<&GatewayError>) -> &'static str {
    match (http_status, error) {
        (_, Some(GatewayError::Timeout { .. })) => "timeout",
        (Some(status), _) if status >= 500 => "server_error",
        (Some(status), _) if status >= 400 => "rejected",
        (Some(_), None) => "ok",
        // No status, or a status whose body could not be read: the exchange broke.
        (Some(_), Some(_)) | (None, _) => "transport_error",
    }
}

/// Counts one provider notification by the verdict it was stored with.
pub fn notification(verdict: &'static str) {
    metrics::counter!(NOTIFICATIONS, "verdict" => verdict).increment(1);
}

/// The Prometheus text: the store's gauges refreshed, then everything recorded so far.
/// `None` when this process's recorder is not ours (see [`install`]).
pub async fn render(state: &AppState) -> Option<String> {
    let handle = install()?;
    refresh_store_gauges(state).await;
    Some(handle.render())
}

async fn refresh_store_gauges(state: &AppState) {
    let store = state.store();
    let read = async { tokio::join!(store.order_counts(), store.webhook_backlog()) };
    let Ok((counts, backlog)) = tokio::time::timeout(STORE_READ_TIMEOUT, read).await else {
        tracing::warn!("metrics: the store did not answer in time; store gauges are stale");
        metrics::gauge!(STORE_UP).set(0.0);
        return;
    };
    let mut up = true;
    match counts {
        Ok(counts) => {
            // Every status, zeros included: a series that vanishes reads as "no data", not 0.
            for status in OrderStatus::ALL {
                let n = counts
                    .iter()
                    .find(|(s, _)| *s == status)
                    .map_or(0, |(_, n)| *n);
                metrics::gauge!(ORDERS, "status" => status.as_str()).set(n as f64);
            }
        }
        Err(e) => {
            up = false;
            tracing::warn!(error = %crate::error::cause_chain(&e), "metrics: cannot count orders");
        }
    }
    match backlog {
        Ok((pending, oldest)) => {
            let now = state.clock().now_millis();
            let age_ms = oldest.map_or(0, |at| now.saturating_sub(at).max(0));
            metrics::gauge!(WEBHOOK_BACKLOG).set(pending as f64);
            metrics::gauge!(WEBHOOK_OLDEST_AGE).set(age_ms as f64 / 1000.0);
        }
        Err(e) => {
            up = false;
            tracing::warn!(error = %crate::error::cause_chain(&e), "metrics: cannot read the webhook backlog");
        }
    }
    metrics::gauge!(STORE_UP).set(if up { 1.0 } else { 0.0 });
}

/// `GET /metrics`.
pub async fn serve_metrics(State(state): State<AppState>, req: Request) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| *addr);
    if !may_read(&state, req.headers(), peer) {
        return AppError::Unauthorized.into_response();
    }
    match render(&state).await {
        Some(text) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            text,
        )
            .into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            "metrics are recorded by the embedding application\n",
        )
            .into_response(),
    }
}

/// Who may read `/metrics`: with `METRICS_TOKEN`, whoever sends it as a bearer token
/// (compared in constant time); without it, only a loopback peer whose request carries no
/// `X-Forwarded-For` or `Forwarded` header — behind a reverse proxy on the same machine every
/// peer is loopback, and those headers are how a request from outside shows itself.
fn may_read(state: &AppState, headers: &HeaderMap, peer: Option<SocketAddr>) -> bool {
    match &state.config().metrics_token {
        Some(token) => crate::security::bearer(headers).is_some_and(|b| token.matches(b)),
        None => {
            let forwarded =
                headers.contains_key("x-forwarded-for") || headers.contains_key(header::FORWARDED);
            !forwarded && peer.is_some_and(|p| p.ip().is_loopback())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_call_outcomes_name_how_the_exchange_ended() {
        let timeout = GatewayError::Timeout {
            operation: "payments",
            timeout_ms: 10,
        };
        let down = GatewayError::Unavailable {
            operation: "payments",
            reason: "connection refused".into(),
        };
        let rows: [(Option<u16>, Option<&GatewayError>, &str); 7] = [
            (Some(200), None, "ok"),
            (Some(302), None, "ok"),
            (Some(404), None, "rejected"),
            (Some(503), Some(&down), "server_error"),
            (None, Some(&timeout), "timeout"),
            (None, Some(&down), "transport_error"),
            (Some(200), Some(&down), "transport_error"),
        ];
        for (status, error, expected) in rows {
            assert_eq!(outcome(status, error), expected, "{status:?} {error:?}");
        }
    }

    #[test]
    fn unknown_methods_share_one_label() {
        assert_eq!(method_label(&Method::POST), "POST");
        assert_eq!(
            method_label(&Method::from_bytes(b"BREW").expect("method")),
            "other"
        );
    }
}
