//! Browser-facing guards: CORS allowlist, the Origin check on state-changing calls, the
//! per-IP rate limits (one for the widget and store APIs, one for the push and return
//! endpoints) and admin bearer authentication.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::config::Config;
use crate::error::AppError;
use crate::ratelimit::RateLimiter;
use crate::AppState;

/// The CORS layer of the widget and store APIs: only the configured origins, only the
/// methods and header the widget uses, no credentials.
pub fn cors_layer(config: &Config) -> CorsLayer {
    let origins: Vec<HeaderValue> = config
        .allowed_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PUT])
        .allow_headers([header::CONTENT_TYPE])
        .max_age(Duration::from_secs(600))
}

/// Whether a request with these headers may change state: no `Origin` (not a browser, or a
/// same-origin navigation) unless `Sec-Fetch-Site` says cross-site; otherwise our own origin,
/// the `Host` it was sent to, or an allowlisted origin.
pub fn origin_allowed(config: &Config, headers: &HeaderMap) -> Result<(), AppError> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        let cross_site = headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"));
        return if cross_site {
            Err(AppError::ForbiddenOrigin("(none, cross-site)".into()))
        } else {
            Ok(())
        };
    };
    let origin = origin
        .to_str()
        .map_err(|_| AppError::ForbiddenOrigin("(not ASCII)".into()))?
        .trim_end_matches('/')
        .to_ascii_lowercase();
    if origin == config.own_origin() || config.allowed_origins.contains(&origin) {
        return Ok(());
    }
    if let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
        let host = host.to_ascii_lowercase();
        if origin == format!("http://{host}") || origin == format!("https://{host}") {
            return Ok(());
        }
    }
    Err(AppError::ForbiddenOrigin(
        origin.chars().take(100).collect(),
    ))
}

/// The Origin check of the no-JavaScript form (`POST /kredivo/pay`): [`origin_allowed`], and
/// also `Origin: null`, which is what a browser sends for a cross-origin form post from a page
/// with `Referrer-Policy: same-origin` or `no-referrer` (common on shops). The form carries
/// the session's client secret, a capability only the shop's page has, so an opaque origin
/// adds no risk; a named foreign origin is still refused.
pub fn form_origin_allowed(config: &Config, headers: &HeaderMap) -> Result<(), AppError> {
    let opaque = headers
        .get(header::ORIGIN)
        .is_some_and(|o| o.as_bytes() == b"null");
    if opaque {
        return Ok(());
    }
    origin_allowed(config, headers)
}

/// Middleware: the Origin check for POST, PUT, PATCH and DELETE.
pub async fn check_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let changes_state = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if changes_state {
        if let Err(e) = origin_allowed(state.config(), req.headers()) {
            return e.into_response();
        }
    }
    next.run(req).await
}

/// The client address: the socket peer, or the last `X-Forwarded-For` hop when configured
/// to trust a reverse proxy. Without either (an in-process `oneshot` test) every caller
/// shares one bucket.
pub fn client_ip(config: &Config, req: &Request) -> IpAddr {
    client_ip_of(config, req.headers(), req.extensions())
}

fn client_ip_of(
    config: &Config,
    headers: &HeaderMap,
    extensions: &axum::http::Extensions,
) -> IpAddr {
    if config.trust_x_forwarded_for {
        // The last hop is the one our own reverse proxy appended: the last entry of the last
        // header line (a client may send its own lines and entries before it).
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .and_then(|ip| ip.trim().parse().ok());
        if let Some(ip) = forwarded {
            return ip;
        }
    }
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

/// Extractor: the client address as [`client_ip`] sees it (for handlers that record it).
#[derive(Debug, Clone, Copy)]
pub struct ConnectInfoIp(pub IpAddr);

impl axum::extract::FromRequestParts<AppState> for ConnectInfoIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(client_ip_of(
            state.config(),
            &parts.headers,
            &parts.extensions,
        )))
    }
}

/// Middleware: the per-IP token bucket of the widget and store APIs.
pub async fn rate_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    limit_with(state.limiter(), "widget", &state, req, next).await
}

/// Middleware: the per-IP token bucket of `POST …/push` and `GET /kredivo/return`. Each
/// request there that gets through makes us call the provider to confirm the transaction,
/// so a limited one is refused here, before its body is read, stored or checked: it changes
/// nothing and costs no upstream call. The 429 is a non-2xx, which the providers treat as
/// not delivered and retry, like the 503 of `NotificationReply::RetryLater`.
pub async fn notify_rate_limit(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    limit_with(state.notify_limiter(), "notify", &state, req, next).await
}

async fn limit_with(
    limiter: &RateLimiter,
    which: &'static str,
    state: &AppState,
    req: Request,
    next: Next,
) -> Response {
    let ip = client_ip(state.config(), &req);
    match limiter.check(ip) {
        Ok(()) => next.run(req).await,
        Err(retry_after_secs) => {
            tracing::debug!(%ip, limiter = which, "rate limited");
            AppError::RateLimited { retry_after_secs }.into_response()
        }
    }
}

/// The bearer token of an `Authorization` header, if any.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
}

/// Middleware: `Authorization: Bearer <ADMIN_TOKEN>`; everything is refused when no token
/// is configured.
pub async fn require_admin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match (&state.config().admin_token, bearer(req.headers())) {
        (Some(token), Some(p)) if token.matches(p) => next.run(req).await,
        _ => AppError::Unauthorized.into_response(),
    }
}

/// Middleware: `Authorization: Bearer <MERCHANT_API_KEY>` on the merchant's server-to-server
/// API, compared in constant time; the API does not exist (404) when no key is configured.
pub async fn require_merchant(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match (&state.config().merchant_api_key, bearer(req.headers())) {
        (None, _) => AppError::NotFound("endpoint").into_response(),
        (Some(key), Some(p)) if key.matches(p) => next.run(req).await,
        _ => AppError::Unauthorized.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn only_our_own_or_allowlisted_origins_may_change_state() {
        let config = Config {
            allowed_origins: vec!["https://shop.example".into()],
            ..Config::default()
        };
        type Row = (&'static [(&'static str, &'static str)], bool, &'static str);
        let rows: [Row; 7] = [
            (&[], true, "no Origin: curl or a server"),
            (
                &[("origin", "http://127.0.0.1:8080")],
                true,
                "PUBLIC_BASE_URL's origin",
            ),
            (&[("origin", "https://shop.example")], true, "allowlisted"),
            (
                &[
                    ("origin", "http://localhost:3000"),
                    ("host", "localhost:3000"),
                ],
                true,
                "same host",
            ),
            (
                &[
                    ("origin", "https://evil.example"),
                    ("host", "127.0.0.1:8080"),
                ],
                false,
                "foreign",
            ),
            (&[("origin", "null")], false, "sandboxed iframe or file:"),
            (
                &[("sec-fetch-site", "cross-site")],
                false,
                "cross-site without Origin",
            ),
        ];
        for (h, ok, why) in rows {
            assert_eq!(origin_allowed(&config, &headers(h)).is_ok(), ok, "{why}");
        }
    }
}
