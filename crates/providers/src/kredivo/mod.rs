//! Kredivo Checkout API v2, direct (doc 000): every request, response and notification
//! body, shared by the sandbox (server side) and the proxy (client side).
//!
//! | module | endpoints |
//! |---|---|
//! | this one | what every body shares: [`ServerKey`], [`WireTime`], the status enums, the error shapes ([`ErrorResponse`]), `{status, message}` |
//! | [`checkout`] | `POST /v2/checkout_url`, `POST /v2/payments`: items, customer, addresses, sellers, payment types |
//! | [`status`] | the push notification, `GET /v2/update`, `POST /transaction/status`, `POST /v2/cancel_transaction` |
//! | [`qr`] | QR checkout: `POST /offline/v1/init_checkout` (path UNCONFIRMED) → `qr_image`, `transaction_id` |
//! | [`tokens`] | `POST /v2/deactive_user_token` and its app-side push, `POST /v2/get_user_credit_details`, `POST /v2/connect` and its callback |
//! | [`convert`] | to and from the plan crate: `/v2/payments` entries ↔ [`kredivo_plan::Plan`], credit details → [`kredivo_plan::CreditLimits`], checkout bodies → [`kredivo_plan::OrderDraft`] and their validation |
//!
//! Field names are Kredivo's. Unknown fields are ignored so newer responses keep parsing;
//! optional fields are skipped when `None` so requests look like the documented examples.
//! Amounts in requests are raw `Decimal`s (validation reports bad ones with field paths, see
//! [`CheckoutRequest::validate`]); amounts in responses are [`Money`](kredivo_plan::Money),
//! read from a number or a string. Errors arrive as HTTP 200 with `status: "ERROR"`: parse
//! those bodies as [`ErrorResponse`].

use core::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub mod checkout;
pub mod convert;
pub mod qr;
pub mod status;
pub mod tokens;

pub use checkout::*;
pub use convert::{validate_cart, wire_items};
pub use status::*;
pub use tokens::*;

/// `status` value of a successful body.
pub const STATUS_OK: &str = "OK";
/// `status` value of an error body.
pub const STATUS_ERROR: &str = "ERROR";

kredivo_plan::open_enum! {
    /// Kredivo's `transaction_status`.
    ///
    /// A partial cancel keeps `settlement`; a full cancel moves to `cancel`.
    pub enum TransactionStatus {
        /// The shopper paid; the merchant may ship.
        Settlement => "settlement",
        /// The shopper has not finished.
        Pending => "pending",
        /// Kredivo refused the transaction.
        Deny => "deny",
        /// The merchant cancelled it.
        Cancel => "cancel",
        /// The shopper did not finish in time.
        Expire => "expire",
    }
}

kredivo_plan::open_enum! {
    /// Kredivo's `fraud_status` (result of its fraud detection system).
    pub enum FraudStatus {
        /// Approved.
        Accept => "accept",
        /// Denied; the transaction fails automatically.
        Deny => "deny",
    }
}

/// A merchant's server key. `Debug` and `Display` redact it, so it cannot leak into logs.
///
/// ```
/// use kredivo_providers::kredivo::ServerKey;
/// let key = ServerKey::new("8tLHIx8V0N6KtnSpS9Nbd6zROFFJH7");
/// assert_eq!(format!("{key:?}"), "ServerKey(***)");
/// assert_eq!(key.expose(), "8tLHIx8V0N6KtnSpS9Nbd6zROFFJH7");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ServerKey(String);

impl ServerKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> ServerKey {
        ServerKey(key.into())
    }

    /// The key itself, for comparing or sending; never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerKey(***)")
    }
}

/// A time as Kredivo sends it: usually UNIX epoch seconds as a number (`1501846094`), but
/// `cancellation_date` is a string of digits (`"1501844808"`) and the QR status response
/// uses text (`"2017-12-14 16:07:24"`). Both shapes are kept as received.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WireTime {
    /// Epoch seconds sent as a JSON number.
    Epoch(i64),
    /// Anything sent as a JSON string (epoch digits or a date-time).
    Text(String),
}

impl WireTime {
    /// Epoch seconds written as a string, the way doc 000 sends `cancellation_date`.
    pub fn epoch_text(seconds: i64) -> WireTime {
        WireTime::Text(seconds.to_string())
    }

    /// Epoch seconds if the value is a number or a string of digits.
    pub fn as_epoch(&self) -> Option<i64> {
        match self {
            WireTime::Epoch(seconds) => Some(*seconds),
            WireTime::Text(text) => text.trim().parse().ok(),
        }
    }
}

impl Serialize for WireTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            WireTime::Epoch(seconds) => serializer.serialize_i64(*seconds),
            WireTime::Text(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for WireTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<WireTime, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = WireTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("epoch seconds as a number or a string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<WireTime, E> {
                Ok(WireTime::Epoch(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<WireTime, E> {
                i64::try_from(v)
                    .map(WireTime::Epoch)
                    .map_err(|_| E::custom("timestamp out of range"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<WireTime, E> {
                // Some clients send 1501846094.0; only whole seconds are meaningful here.
                if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15 {
                    Ok(WireTime::Epoch(v as i64))
                } else {
                    Err(E::custom("timestamp is not whole seconds"))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<WireTime, E> {
                Ok(WireTime::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<WireTime, E> {
                Ok(WireTime::Text(v))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// The body of an error, found either nested under `error` or flat beside `status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Human-readable message, e.g. `"Field secret_key is INCORRECT."`.
    #[serde(default)]
    pub message: String,
    /// Error kind, e.g. `"APIException"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Numeric code when Kredivo gives one (2415 cancellation too large, 1009 already
    /// cancelled); `null` otherwise.
    #[serde(
        default,
        with = "crate::serde_text::integer::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub code: Option<i64>,
}

/// An error body: `{"status":"ERROR","error":{"message","kind","code"}}` or the flat
/// `{"status":"ERROR","message":…}`; both parse, and it serialises in the nested form.
///
/// ```
/// use kredivo_providers::kredivo::ErrorResponse;
/// let nested: ErrorResponse = serde_json::from_str(
///     r#"{"status":"ERROR","error":{"message":"Invalid merchant","kind":"APIException","code":null}}"#,
/// ).unwrap();
/// let flat: ErrorResponse =
///     serde_json::from_str(r#"{"status":"ERROR","message":"Invalid merchant"}"#).unwrap();
/// assert_eq!(nested.error.message, flat.error.message);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "RawErrorResponse")]
pub struct ErrorResponse {
    /// `"ERROR"`.
    pub status: String,
    /// What went wrong.
    pub error: ApiError,
    /// Present on some cancel errors (`"fraud_status": "deny"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraud_status: Option<FraudStatus>,
}

impl ErrorResponse {
    /// A nested error body as Kredivo sends it.
    pub fn new(message: impl Into<String>, kind: Option<&str>, code: Option<i64>) -> ErrorResponse {
        ErrorResponse {
            status: STATUS_ERROR.to_owned(),
            error: ApiError {
                message: message.into(),
                kind: kind.map(str::to_owned),
                code,
            },
            fraud_status: None,
        }
    }
}

/// Both error shapes at once; [`ErrorResponse`] is built from it.
#[derive(Deserialize)]
struct RawErrorResponse {
    #[serde(default, alias = "Status")]
    status: String,
    #[serde(default)]
    error: Option<ApiError>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default, with = "crate::serde_text::integer::option")]
    code: Option<i64>,
    #[serde(default)]
    fraud_status: Option<FraudStatus>,
}

impl From<RawErrorResponse> for ErrorResponse {
    fn from(raw: RawErrorResponse) -> ErrorResponse {
        let error = raw.error.unwrap_or(ApiError {
            message: raw.message.unwrap_or_default(),
            kind: raw.kind,
            code: raw.code,
        });
        ErrorResponse {
            status: raw.status,
            error,
            fraud_status: raw.fraud_status,
        }
    }
}

/// `{status, message}`: the merchant's reply to a push, and a few other small bodies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusMessage {
    /// `"OK"` or `"ERROR"`.
    #[serde(alias = "Status")]
    pub status: String,
    /// Free text.
    #[serde(default)]
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_parse_known_values_and_keep_unknown_ones() {
        assert_eq!(
            "settlement".parse::<TransactionStatus>().unwrap(),
            TransactionStatus::Settlement
        );
        assert_eq!(
            "SETTLEMENT".parse::<TransactionStatus>().unwrap(),
            TransactionStatus::Settlement
        );
        assert_eq!(
            "refund".parse::<TransactionStatus>().unwrap(),
            TransactionStatus::Unknown("refund".into())
        );
        assert_eq!("deny".parse::<FraudStatus>().unwrap(), FraudStatus::Deny);
        assert_eq!(FraudStatus::Accept.as_str(), "accept");
    }
}
