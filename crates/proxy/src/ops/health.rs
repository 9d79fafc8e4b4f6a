//! `GET /healthz` and `GET /readyz`: the probes a load balancer or an orchestrator asks.
//!
//! `healthz` is liveness: the process answers, so restarting it would not help. `readyz` is
//! readiness: this replica can do its job now — the store answers and carries every migration
//! this build expects — and is not shutting down. The provider's reachability is reported
//! too, but does not make a replica unready: the provider is shared by all replicas, so taking
//! them all out of the load balancer would turn a provider outage into a total one, while the
//! proxy answers provider failures itself (`503 upstream_unavailable`, pushes retried).
//!
//! The answers say which check failed and no more (no host names, no error texts: the probes
//! are unauthenticated); the cause is logged.

use std::sync::OnceLock;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::AppState;

/// Longest the store check may take before the store counts as unreachable.
const STORE_TIMEOUT: Duration = Duration::from_secs(3);
/// Longest the provider check may take before the provider counts as unreachable.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(2);

/// What `GET /readyz` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Readiness {
    /// `ready` or `not_ready`.
    pub status: &'static str,
    /// `ok`, `unreachable`, `migrations_pending` or `error`.
    pub store: &'static str,
    /// `reachable` or `unreachable` (not part of the verdict).
    pub provider: &'static str,
    /// Whether the process is shutting down (then never ready: let the load balancer move on).
    pub draining: bool,
}

/// `GET /healthz`: 200 while the process serves requests.
pub async fn healthz() -> Response {
    no_store(
        (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok"})),
        )
            .into_response(),
    )
}

/// `GET /readyz`: 200 when ready, 503 (with `Retry-After`) when not.
pub async fn readyz(State(state): State<AppState>) -> Response {
    let readiness = check(&state).await;
    let status = if readiness.status == "ready" {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let mut response = no_store((status, axum::Json(readiness)).into_response());
    if status != StatusCode::OK {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(crate::error::STORE_RETRY_AFTER_SECS),
        );
    }
    response
}

/// Runs the readiness checks (the store and the provider at once).
pub async fn check(state: &AppState) -> Readiness {
    let (store, provider) = tokio::join!(check_store(state), check_provider(state));
    let draining = state.shutdown_token().is_cancelled();
    Readiness {
        status: if store == "ok" && !draining {
            "ready"
        } else {
            "not_ready"
        },
        store,
        provider,
        draining,
    }
}

async fn check_store(state: &AppState) -> &'static str {
    match tokio::time::timeout(STORE_TIMEOUT, state.store().migrations_applied()).await {
        Ok(Ok(true)) => "ok",
        Ok(Ok(false)) => {
            tracing::warn!("readyz: the database lacks migrations this build expects");
            "migrations_pending"
        }
        Ok(Err(e)) if e.is_unavailable() => {
            tracing::warn!(error = %crate::error::cause_chain(&e), "readyz: the store is unreachable");
            "unreachable"
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %crate::error::cause_chain(&e), "readyz: the store check failed");
            "error"
        }
        Err(_) => {
            tracing::warn!(timeout = ?STORE_TIMEOUT, "readyz: the store did not answer in time");
            "unreachable"
        }
    }
}

/// Whether the configured gateway's base URL answers HTTP at all: any status counts (a `HEAD`
/// of an API root is often a 404), only a transport failure or a timeout does not. No
/// credentials are sent.
async fn check_provider(state: &AppState) -> &'static str {
    static CLIENT: OnceLock<Option<reqwest::Client>> = OnceLock::new();
    let client = CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(PROVIDER_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .ok()
    });
    let Some(client) = client else {
        return "unreachable";
    };
    let config = state.config();
    let base = config
        .aggregators
        .base_url(config.gateway)
        .unwrap_or(&config.kredivo_base_url);
    match client.head(base.clone()).send().await {
        Ok(_) => "reachable",
        Err(e) => {
            tracing::warn!(gateway = state.gateway().name(), error = %crate::error::cause_chain(&e), "readyz: the provider is unreachable");
            "unreachable"
        }
    }
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
