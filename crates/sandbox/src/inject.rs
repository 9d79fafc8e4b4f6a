//! Armed request faults, applied around an endpoint's handler so that no handler knows about
//! them. Every simulator's router wraps each JSON endpoint with [`FaultPoints::wrap`], naming
//! its [`Endpoint`]; the registry ([`Faults`]) decides what the next request suffers.
//!
//! - `latency` waits *before* the handler runs: a caller that times out meanwhile drops the
//!   request, and nothing happens — a request lost on its way in.
//! - `http_status`, `malformed_json`, `body` and `error` answer instead of the handler: the
//!   provider did nothing.
//! - `lost_response` runs the handler to completion on a task of its own — so the work is
//!   done even when the caller has already gone — and then loses the answer: a 502 from "the
//!   load balancer", or, with `hang_ms`, the real answer held that long (past the caller's
//!   timeout). This is the fault a retried checkout must survive: the provider has the
//!   transaction, the merchant never heard.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;

use crate::faults::{Endpoint, Fault, Faults};

/// Renders an `error` fault (`message`, `code`) in a simulator's own error shape.
pub(crate) type ErrorShape = Arc<dyn Fn(String, Option<i64>) -> Response + Send + Sync>;

/// The fault registry plus how one simulator words an error.
#[derive(Clone)]
pub(crate) struct FaultPoints {
    faults: Arc<Faults>,
    error: ErrorShape,
}

impl FaultPoints {
    /// Points for one simulator.
    pub(crate) fn new(
        faults: Arc<Faults>,
        error: impl Fn(String, Option<i64>) -> Response + Send + Sync + 'static,
    ) -> Self {
        Self {
            faults,
            error: Arc::new(error),
        }
    }

    /// `route` with `endpoint`'s faults applied to every method it has so far (add methods
    /// that must stay fault-free, such as a hosted page's `GET`, afterwards).
    pub(crate) fn wrap<S>(&self, endpoint: Endpoint, route: MethodRouter<S>) -> MethodRouter<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        let point = Point {
            faults: self.faults.clone(),
            error: self.error.clone(),
            endpoint,
        };
        route.layer(axum::middleware::from_fn_with_state(point, apply))
    }
}

/// One endpoint's faults: the state of the middleware.
#[derive(Clone)]
struct Point {
    faults: Arc<Faults>,
    error: ErrorShape,
    endpoint: Endpoint,
}

async fn apply(State(point): State<Point>, request: Request, next: Next) -> Response {
    let got = point.faults.take_for_request(point.endpoint);
    if !got.latency.is_zero() {
        tokio::time::sleep(got.latency).await;
    }
    let Some(fault) = got.fault else {
        return next.run(request).await;
    };
    tracing::info!(endpoint = ?point.endpoint, ?fault, "request fault");
    match fault {
        Fault::HttpStatus { status } => {
            gateway_page(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        }
        Fault::MalformedJson => raw(
            StatusCode::OK,
            "application/json",
            "{\"status\":\"OK\",\"message\":\"Available payment ty".to_owned(),
        ),
        Fault::Raw {
            status,
            body,
            content_type,
        } => raw(
            StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            content_type.as_deref().unwrap_or("application/json"),
            body,
        ),
        Fault::Error { message, code } => (point.error)(message, code),
        Fault::LostResponse { hang_ms } => {
            // The caller may time out and disconnect, which drops this future: the handler
            // runs on its own task so that the provider's side of the work still happens.
            let work = tokio::spawn(next.run(request));
            let answer = work.await;
            match (hang_ms, answer) {
                (Some(ms), Ok(answer)) => {
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    answer
                }
                _ => gateway_page(StatusCode::BAD_GATEWAY),
            }
        }
        // Latency was applied above; push faults are filed under `push` and never reach a
        // request.
        Fault::Latency { .. }
        | Fault::DropPush
        | Fault::DuplicatePush
        | Fault::OutOfOrderPush
        | Fault::DelayPush { .. } => next.run(request).await,
    }
}

/// The HTTP status an `error` fault's `code` names, when it is a 4xx or 5xx; else 400. For
/// dialects that carry the code as the HTTP status (DOKU, Xendit).
pub(crate) fn error_status(code: Option<i64>) -> StatusCode {
    code.and_then(|c| u16::try_from(c).ok())
        .and_then(|c| StatusCode::from_u16(c).ok())
        .filter(|s| s.is_client_error() || s.is_server_error())
        .unwrap_or(StatusCode::BAD_REQUEST)
}

/// An HTML error page with `status`, as a load balancer in front of a provider sends.
fn gateway_page(status: StatusCode) -> Response {
    let reason = status.canonical_reason().unwrap_or("Error");
    let code = status.as_u16();
    let body = format!(
        "<html><head><title>{code} {reason}</title></head><body><center><h1>{code} {reason}</h1></center></body></html>\n"
    );
    raw(status, "text/html", body)
}

fn raw(status: StatusCode, content_type: &str, body: String) -> Response {
    let mut response = (status, body).into_response();
    if let Ok(value) = header::HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}
