//! Reading an aggregator request: JSON bodies with field paths, Basic
//! credentials, headers, URLs, and the merchant's tenure hint.

use axum::http::header;
use kredivo_plan::PaymentType;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Why a JSON body was refused, with the field path when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Empty, not JSON, or not an object.
    NotJson(&'static str),
    /// A required field is absent (`order.amount`).
    Missing(String),
    /// A field has the wrong type or value.
    Invalid(String),
}

impl BodyError {
    /// `order.amount is required` / `order.amount is invalid` / the reason.
    pub fn message(&self) -> String {
        match self {
            BodyError::NotJson(why) => (*why).to_owned(),
            BodyError::Missing(path) => format!("{path} is required"),
            BodyError::Invalid(path) => format!("{path} is invalid"),
        }
    }
}

/// Parses a JSON object body, naming the offending field by path.
pub(crate) fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, BodyError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(BodyError::NotJson("request body is empty"));
    }
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|_| BodyError::NotJson("request body is not valid JSON"))?;
    if !value.is_object() {
        return Err(BodyError::NotJson("request body must be a JSON object"));
    }
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.inner().to_string();
        match inner
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
        {
            Some(field) if path == "." || path.is_empty() => BodyError::Missing(field.to_owned()),
            Some(field) => BodyError::Missing(format!("{path}.{field}")),
            None => BodyError::Invalid(path),
        }
    })
}

/// The user and password of the request's Basic `Authorization`.
pub(crate) fn basic_credentials(headers: &axum::http::HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    kredivo_providers::auth::parse_basic(value)
}

/// A header's value as text (trimmed), if present and visible ASCII.
pub(crate) fn header_text(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Whether `url` is an absolute http(s) URL.
pub(crate) fn is_http_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")) && lower.len() > 8
}

/// The path of an absolute URL (`/api/kredivo/v1/push`), for DOKU's `Request-Target`.
pub(crate) fn url_path(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path_and_more = rest.find('/').map_or("/", |i| &rest[i..]);
    let end = path_and_more
        .find(['?', '#'])
        .unwrap_or(path_and_more.len());
    path_and_more[..end].to_owned()
}

/// The tenure hint under `kredivo_providers::PAYMENT_TYPE_HINT` in a free-form object.
pub(crate) fn hint_in(value: Option<&Value>) -> Option<PaymentType> {
    value?
        .get(kredivo_providers::PAYMENT_TYPE_HINT)?
        .as_str()
        .map(hint)
}

/// A tenure hint as a payment type.
pub(crate) fn hint(text: &str) -> PaymentType {
    PaymentType::from(text.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_drop_scheme_host_and_query() {
        assert_eq!(
            url_path("http://127.0.0.1:8080/api/kredivo/v1/push?x=1"),
            "/api/kredivo/v1/push"
        );
        assert_eq!(url_path("https://shop.example"), "/");
    }

    #[test]
    fn body_errors_name_the_field() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Probe {
            order: Order,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Order {
            amount: u64,
        }
        assert_eq!(
            parse_body::<Probe>(br#"{"order":{}}"#).unwrap_err(),
            BodyError::Missing("order.amount".into())
        );
        assert_eq!(
            parse_body::<Probe>(br#"{"order":{"amount":"x"}}"#).unwrap_err(),
            BodyError::Invalid("order.amount".into())
        );
        assert!(matches!(
            parse_body::<Probe>(b"[]"),
            Err(BodyError::NotJson(_))
        ));
    }
}
