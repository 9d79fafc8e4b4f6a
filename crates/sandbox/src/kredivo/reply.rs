//! Kredivo's answers: the error shapes, the JSON extractor that turns every bad body into
//! one of them, and how an armed `error` fault is worded.

use axum::body::{Bytes, HttpBody as _};
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

/// How an error body is laid out. Doc 000 shows both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `{"status":"ERROR","error":{"message","kind","code"}}` — most endpoints.
    Nested,
    /// `{"status":"ERROR","message":…}` — connect, and the "already cancelled" example.
    Flat,
    /// Both at once: the "already cancelled" answer carries the doc's flat fields *and* the
    /// nested `error` with its code (1009), so a client written against either form of the
    /// documentation finds what it looks for. (Which one production sends: UNCONFIRMED.)
    Both,
}

/// An answer with `"status":"ERROR"`. Always HTTP 200, as doc 000 shows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub message: String,
    pub code: Option<i64>,
    pub shape: Shape,
    /// Extra top-level fields (e.g. `fraud_status`).
    pub extra: Map<String, Value>,
}

impl ApiError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: None,
            shape: Shape::Nested,
            extra: Map::new(),
        }
    }

    pub(crate) fn code(mut self, code: i64) -> Self {
        self.code = Some(code);
        self
    }

    pub(crate) fn shape(mut self, shape: Shape) -> Self {
        self.shape = shape;
        self
    }

    pub(crate) fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(key.to_owned(), value.into());
        self
    }

    /// Doc 000's answer to a wrong `server_key` (the field name in it really is `secret_key`).
    pub(crate) fn bad_server_key() -> Self {
        Self::new("Field secret_key is INCORRECT.")
    }

    /// A required field is absent or empty. Message pattern follows the doc's
    /// "Field … is INCORRECT."; the exact production wording is UNCONFIRMED.
    pub(crate) fn required(path: &str) -> Self {
        Self::new(format!("Field {path} is REQUIRED."))
    }

    /// A field is present but unusable.
    pub(crate) fn incorrect(path: &str) -> Self {
        Self::new(format!("Field {path} is INCORRECT."))
    }

    pub(crate) fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert("status".into(), json!("ERROR"));
        if matches!(self.shape, Shape::Flat | Shape::Both) {
            body.insert("message".into(), json!(self.message));
        }
        if matches!(self.shape, Shape::Nested | Shape::Both) {
            body.insert(
                "error".into(),
                json!({"message": self.message, "kind": "APIException", "code": self.code}),
            );
        }
        for (k, v) in &self.extra {
            body.insert(k.clone(), v.clone());
        }
        Value::Object(body)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        tracing::debug!(message = %self.message, code = ?self.code, "kredivo error reply");
        axum::Json(self.body()).into_response()
    }
}

/// A JSON body parsed into `T`, or Kredivo's error shape naming what is wrong: never axum's
/// plain-text 4xx. Bodies larger than the router's limit get an error too.
#[derive(Debug, Clone)]
pub(crate) struct KJson<T>(pub T);

impl<S, T> FromRequest<S> for KJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new("Request body is too large.").code(413)
            } else {
                ApiError::new("Request body could not be read.")
            }
        })?;
        parse_json(&bytes).map(KJson)
    }
}

/// Parses a body the way [`KJson`] does.
pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::new("Request body is empty."));
    }
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|_| ApiError::new("Request body is not valid JSON."))?;
    if !value.is_object() {
        return Err(ApiError::new("Request body must be a JSON object."));
    }
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.inner().to_string();
        if let Some(field) = missing_field(&inner) {
            let full = if path == "." || path.is_empty() {
                field.to_owned()
            } else {
                format!("{path}.{field}")
            };
            ApiError::required(&full)
        } else {
            ApiError::incorrect(&path)
        }
    })
}

fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

/// Gives a body to framework-generated errors (405 Method Not Allowed and the like), which
/// axum sends empty: every error the sandbox answers carries Kredivo's error shape.
pub(crate) async fn fill_empty_error(response: Response) -> Response {
    let status = response.status();
    let empty = response.body().size_hint().exact() == Some(0)
        || response
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_some_and(|len| len == "0");
    if !(status.is_client_error() || status.is_server_error()) || !empty {
        return response;
    }
    let reason = status.canonical_reason().unwrap_or("Error");
    let mut replaced = ApiError::new(format!("{reason}."))
        .code(i64::from(status.as_u16()))
        .into_response();
    *replaced.status_mut() = status;
    for name in [header::ALLOW] {
        if let Some(value) = response.headers().get(&name) {
            replaced.headers_mut().insert(name, value.clone());
        }
    }
    replaced
}

/// An armed `error` fault in Kredivo's shape: HTTP 200, `{"status":"ERROR","error":{…}}`.
pub(crate) fn fault_error(message: String, code: Option<i64>) -> Response {
    let mut err = ApiError::new(message);
    err.code = code;
    err.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Probe {
        server_key: String,
        transaction_details: Details,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Details {
        order_id: String,
        amount: u64,
    }

    #[test]
    fn a_missing_nested_field_is_named_with_its_path() {
        let err = parse_json::<Probe>(br#"{"server_key":"k","transaction_details":{"amount":1}}"#)
            .expect_err("order_id is missing");
        assert_eq!(
            err.message,
            "Field transaction_details.order_id is REQUIRED."
        );
    }

    #[test]
    fn a_wrong_type_is_named_with_its_path() {
        let err = parse_json::<Probe>(
            br#"{"server_key":"k","transaction_details":{"order_id":"A","amount":"many"}}"#,
        )
        .expect_err("amount is text");
        assert_eq!(
            err.message,
            "Field transaction_details.amount is INCORRECT."
        );
    }

    #[test]
    fn garbage_and_non_objects_get_kredivo_errors() {
        assert!(parse_json::<Probe>(b"{not json").is_err());
        assert!(parse_json::<Probe>(b"[1,2]").is_err());
        assert!(parse_json::<Probe>(b"  ").is_err());
    }

    #[test]
    fn the_both_shape_carries_flat_and_nested_fields() {
        let body = ApiError::new("Transaction is already cancelled.")
            .code(1009)
            .shape(Shape::Both)
            .with("fraud_status", "deny")
            .body();
        assert_eq!(body["message"], "Transaction is already cancelled.");
        assert_eq!(body["error"]["code"], 1009);
        assert_eq!(body["fraud_status"], "deny");
    }
}
