//! The one error type of the HTTP surface and the JSON extractor that produces it.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kredivo_api::{ErrorBody, ErrorCode};
use serde::de::DeserializeOwned;

use crate::gateway::GatewayError;
use crate::store::StoreError;

/// `Retry-After` of a 503 answered while the store is unreachable.
pub const STORE_RETRY_AFTER_SECS: u64 = 5;

/// Deepest JSON nesting a request body may have; the widget protocol needs 3.
pub const MAX_JSON_DEPTH: usize = 16;

/// Everything a handler can fail with. Each variant maps to one stable [`ErrorCode`]; the
/// client sees the code and a safe sentence, the log sees the whole cause chain (once, in
/// [`IntoResponse`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// The body is not JSON or not the documented shape.
    #[error("invalid JSON: {message}")]
    InvalidJson {
        /// What is wrong, with the path of the offending field.
        message: String,
    },
    /// A field breaks a documented limit.
    #[error("invalid request: {message}")]
    InvalidRequest {
        /// The sentence for the client.
        message: String,
        /// Field-level problems.
        details: Vec<String>,
    },
    /// The cart names unknown products or breaks a cart rule.
    #[error("invalid cart: {message}")]
    InvalidCart {
        /// The sentence for the client.
        message: String,
        /// One entry per offending line, e.g. `cart[2].product_id: unknown product "x"`.
        details: Vec<String>,
    },
    /// The tokenized shopper's remaining Kredivo limit does not cover the chosen plan.
    #[error("over limit: {0}")]
    OverLimit(String),
    /// No plan covers this amount or payment type.
    #[error("ineligible: {0}")]
    Ineligible(String),
    /// No such order, cart, product or session.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The session already has an order for another plan, or a final one.
    #[error("session already checked out")]
    SessionUsed,
    /// The session expired before anyone checked out.
    #[error("session expired")]
    SessionExpired,
    /// An idempotency key reused with a different body.
    #[error("idempotency key reused with a different body")]
    IdempotencyConflict,
    /// A browser on a foreign origin tried a state-changing call.
    #[error("origin {0:?} is not allowed")]
    ForbiddenOrigin(String),
    /// Missing or wrong admin token or merchant key.
    #[error("unauthorized")]
    Unauthorized,
    /// The body is larger than the configured limit.
    #[error("payload too large")]
    PayloadTooLarge,
    /// The client's token bucket is empty.
    #[error("rate limited; retry in {retry_after_secs}s")]
    RateLimited {
        /// Seconds until a request would be allowed.
        retry_after_secs: u64,
    },
    /// The provider failed or refused.
    #[error("gateway: {0}")]
    Gateway(#[from] GatewayError),
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// A bug or an impossible state on our side.
    #[error("internal: {0}")]
    Internal(String),
    /// A 409 with its own sentence: the order's state or id does not allow the request
    /// (`code` is a 409 code: `order_conflict` or `idempotency_conflict`).
    #[error("conflict: {message}")]
    Conflict {
        /// The stable code.
        code: ErrorCode,
        /// The sentence for the client.
        message: String,
    },
}

impl AppError {
    /// An [`AppError::InvalidRequest`] without details.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidRequest {
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// The stable code this error is reported with.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidJson { .. } => ErrorCode::InvalidJson,
            Self::InvalidRequest { .. } => ErrorCode::InvalidRequest,
            Self::InvalidCart { .. } => ErrorCode::InvalidCart,
            Self::Ineligible(_) => ErrorCode::IneligibleAmount,
            Self::OverLimit(_) => ErrorCode::OverLimit,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::SessionUsed => ErrorCode::SessionUsed,
            Self::SessionExpired => ErrorCode::SessionExpired,
            Self::IdempotencyConflict => ErrorCode::IdempotencyConflict,
            Self::ForbiddenOrigin(_) => ErrorCode::ForbiddenOrigin,
            Self::Unauthorized => ErrorCode::Unauthorized,
            Self::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::Gateway(e) => e.code(),
            Self::Store(e) if e.is_unavailable() => ErrorCode::Unavailable,
            Self::Store(_) | Self::Internal(_) => ErrorCode::Internal,
            Self::Conflict { code, .. } => *code,
        }
    }

    /// The sentence the client sees. Never contains provider bodies, SQL or secrets.
    fn public_message(&self) -> String {
        match self {
            Self::InvalidJson { message } => {
                format!("The body is not valid JSON for this endpoint: {message}")
            }
            Self::InvalidRequest { message, .. }
            | Self::InvalidCart { message, .. }
            | Self::Conflict { message, .. } => message.clone(),
            Self::Ineligible(message) | Self::OverLimit(message) => message.clone(),
            Self::NotFound(what) => format!("No such {what}."),
            Self::SessionUsed => {
                "This checkout was already started; the shop must create a new one to pay again."
                    .into()
            }
            Self::SessionExpired => "This checkout expired; the shop must create a new one.".into(),
            Self::IdempotencyConflict => {
                "This Idempotency-Key was already used with a different request body.".into()
            }
            Self::ForbiddenOrigin(_) => "This origin may not call this endpoint.".into(),
            Self::Unauthorized => "A valid bearer token is required.".into(),
            Self::PayloadTooLarge => "The request body is too large.".into(),
            Self::RateLimited { .. } => "Too many requests; slow down.".into(),
            Self::Gateway(e) => e.public_message().into(),
            Self::Store(e) if e.is_unavailable() => {
                "The service is briefly unavailable; nothing was changed. Please retry.".into()
            }
            Self::Store(_) | Self::Internal(_) => {
                "Something went wrong on our side; it has been logged.".into()
            }
        }
    }

    fn details(&self) -> Vec<String> {
        match self {
            Self::InvalidRequest { details, .. } | Self::InvalidCart { details, .. } => {
                details.clone()
            }
            _ => Vec::new(),
        }
    }
}

/// Writes the cause chain of `e` as `a: b: c`.
pub fn cause_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let code = self.code();
        let status =
            StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let chain = cause_chain(&self);
        if status.is_server_error() {
            tracing::error!(code = code.as_str(), error = %chain, "request failed");
        } else {
            tracing::info!(code = code.as_str(), error = %chain, "request rejected");
        }
        let mut body = ErrorBody::new(code, self.public_message());
        body.error.details = self.details();
        let mut response = (status, axum::Json(body)).into_response();
        let retry_after = match &self {
            Self::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            _ if code == ErrorCode::Unavailable => Some(STORE_RETRY_AFTER_SECS),
            _ => None,
        };
        if let Some(secs) = retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

/// A JSON body extractor whose failures answer in our [`ErrorBody`] shape: it requires
/// `Content-Type: application/json` (which also forces a CORS preflight for cross-site
/// callers), enforces the body limit and [`MAX_JSON_DEPTH`], and names the offending field.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                let mime = v
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                mime == "application/json"
                    || (mime.starts_with("application/") && mime.ends_with("+json"))
            })
            .unwrap_or(false);
        if !is_json {
            return Err(AppError::InvalidJson {
                message: "expected Content-Type: application/json".into(),
            });
        }
        let bytes = read_body(req, state).await?;
        parse_json(&bytes).map(Json)
    }
}

/// Reads a whole body within the configured limit.
pub async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, AppError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::InvalidJson {
                message: rejection.body_text(),
            }
        }
    })
}

/// Parses `bytes` as `T`, refusing nesting deeper than [`MAX_JSON_DEPTH`] before serde sees it.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    if json_depth(bytes) > MAX_JSON_DEPTH {
        return Err(AppError::InvalidJson {
            message: format!("nesting deeper than {MAX_JSON_DEPTH} levels"),
        });
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = if path == "." || path.is_empty() {
            inner.to_string()
        } else {
            format!("{path}: {inner}")
        };
        AppError::InvalidJson { message }
    })?;
    de.end().map_err(|e| AppError::InvalidJson {
        message: e.to_string(),
    })?;
    Ok(value)
}

/// The deepest nesting of arrays and objects in `bytes`, ignoring brackets inside strings.
/// Malformed input gets some number; serde then reports the real error.
pub fn json_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_ignores_brackets_inside_strings() {
        assert_eq!(json_depth(br#"{"a":[1,{"b":"[[[[{{"}]}"#), 3);
        assert_eq!(json_depth(b"1"), 0);
        assert_eq!(json_depth(br#""\"[""#), 0);
    }

    #[test]
    fn deep_json_is_refused_before_serde_recurses() {
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        let err = parse_json::<serde_json::Value>(deep.as_bytes()).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidJson);
    }

    #[test]
    fn a_wrong_field_type_names_its_path() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Body {
            cart: Vec<kredivo_api::CartLine>,
        }
        let err =
            parse_json::<Body>(br#"{"cart":[{"product_id":"a","quantity":"two"}]}"#).unwrap_err();
        assert!(err.to_string().contains("cart[0].quantity"), "{err}");
    }

    #[test]
    fn trailing_garbage_is_invalid_json() {
        assert!(parse_json::<serde_json::Value>(b"{} x").is_err());
    }

    #[test]
    fn every_error_maps_to_its_documented_status() {
        let cases = [
            (AppError::invalid("x"), 400),
            (AppError::NotFound("order"), 404),
            (AppError::Unauthorized, 401),
            (AppError::ForbiddenOrigin("https://evil".into()), 403),
            (AppError::PayloadTooLarge, 413),
            (
                AppError::RateLimited {
                    retry_after_secs: 1,
                },
                429,
            ),
            (AppError::Internal("boom".into()), 500),
        ];
        for (err, status) in cases {
            let code = err.code();
            assert_eq!(err.into_response().status().as_u16(), status, "{code:?}");
        }
    }
}
