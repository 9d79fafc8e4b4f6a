//! The operator's surface: what a load balancer, Prometheus and a log shipper need.
//!
//! | endpoint | answers | who may read it |
//! |---|---|---|
//! | `GET /healthz` | `200` while the process serves requests | anyone (says nothing) |
//! | `GET /readyz` | `200` when the store answers and every migration is applied; `503` otherwise and while shutting down; the provider's reachability is reported, not fatal | anyone (check names and `ok`/`unreachable` only; the causes go to the log) |
//! | `GET /metrics` | Prometheus text | a `Bearer` of `METRICS_TOKEN` when it is set; otherwise only a loopback peer that came through no proxy |
//!
//! Map: [`health`] (the two probes), [`metrics`] (the Prometheus recorder, the request
//! middleware, provider calls and notifications, the store's gauges read at scrape time),
//! [`logging`] (`LOG_FORMAT`, the per-request span with its request id and order id),
//! [`shutdown`] (SIGTERM: stop accepting, drain in-flight requests within
//! `SHUTDOWN_GRACE_SECS`, stop the background workers between passes).

pub mod health;
pub mod logging;
pub mod metrics;
pub mod shutdown;

use axum::http::{HeaderName, HeaderValue};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::config::Config;

/// The response header naming the replica that answered (`INSTANCE_NAME`).
pub const SERVED_BY: HeaderName = HeaderName::from_static("x-served-by");

/// `x-served-by: <INSTANCE_NAME>` on every response, when an instance name is configured: which
/// replica behind the load balancer answered, for people debugging a request and for the
/// replica tests. Off by default (it names a piece of the deployment).
pub fn served_by_layer(config: &Config) -> Option<SetResponseHeaderLayer<HeaderValue>> {
    let name = config.instance_name.as_deref()?;
    let value = HeaderValue::from_str(name).ok()?;
    Some(SetResponseHeaderLayer::overriding(SERVED_BY, value))
}
