//! DOKU (non-SNAP) Kredivo peer-to-peer API, doc 001 and CONTRACTS.md.
//!
//! Every request and notification carries `Client-Id`, `Request-Id`, `Request-Timestamp` and
//! `Signature`. The signature is an HMAC-SHA256, keyed with the merchant's secret key, over
//! the *component* string
//!
//! ```text
//! Client-Id:{client id}\nRequest-Id:{request id}\nRequest-Timestamp:{timestamp}\nRequest-Target:{path}\nDigest:{digest}
//! ```
//!
//! where `Digest = base64(SHA256(body))`; GET requests have no body and omit the `Digest`
//! line. For a notification, `Request-Target` is the path of the merchant's own notification
//! URL.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use kredivo_plan::Money;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::auth::constant_time_eq;
use crate::ProviderError;

/// `Client-Id` header.
pub const HEADER_CLIENT_ID: &str = "Client-Id";
/// `Request-Id` header.
pub const HEADER_REQUEST_ID: &str = "Request-Id";
/// `Request-Timestamp` header.
pub const HEADER_REQUEST_TIMESTAMP: &str = "Request-Timestamp";
/// `Response-Timestamp` header (responses).
pub const HEADER_RESPONSE_TIMESTAMP: &str = "Response-Timestamp";
/// `Signature` header.
pub const HEADER_SIGNATURE: &str = "Signature";
/// Longest `Request-Id` DOKU accepts.
pub const MAX_REQUEST_ID_CHARS: usize = 128;
/// Longest `invoice_number`.
pub const MAX_INVOICE_CHARS: usize = 64;
/// `POST` path that creates a Kredivo order.
pub const GENERATE_ORDER_PATH: &str = "/kredivo-peer-to-peer/v2/generate-order";
/// Prefix of the status path; see [`status_path`].
pub const STATUS_PATH_PREFIX: &str = "/orders/v1/status/";
/// The prefix of a signature value.
pub const SIGNATURE_PREFIX: &str = "HMACSHA256=";

/// `GET /orders/v1/status/{invoice_number}`.
pub fn status_path(invoice_number: &str) -> String {
    format!("{STATUS_PATH_PREFIX}{invoice_number}")
}

/// `base64(SHA256(body))`, the `Digest` component.
///
/// ```
/// use kredivo_providers::doku::digest;
/// assert_eq!(
///     digest(br#"{"order":{"invoice_number":"INV-1","amount":30000}}"#),
///     "3W/48QlFiQhDWmQduxiI/wqyz3hEpPXKIYKqNq9lQSQ="
/// );
/// ```
pub fn digest(body: &[u8]) -> String {
    STANDARD.encode(Sha256::digest(body))
}

/// What a signature covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignatureInput<'a> {
    /// `Client-Id`.
    pub client_id: &'a str,
    /// `Request-Id`.
    pub request_id: &'a str,
    /// `Request-Timestamp` (`2021-07-07T08:45:42Z`).
    pub timestamp: &'a str,
    /// The request path (`/kredivo-peer-to-peer/v2/generate-order`) or, for a notification,
    /// the path of the merchant's notification URL.
    pub target: &'a str,
    /// The body; `None` for a GET, which has no `Digest` line.
    pub body: Option<&'a [u8]>,
}

/// The component string, exactly as CONTRACTS.md spells it (no trailing newline).
pub fn component(input: &SignatureInput<'_>) -> String {
    let mut text = format!(
        "Client-Id:{}\nRequest-Id:{}\nRequest-Timestamp:{}\nRequest-Target:{}",
        input.client_id, input.request_id, input.timestamp, input.target
    );
    if let Some(body) = input.body {
        text.push_str("\nDigest:");
        text.push_str(&digest(body));
    }
    text
}

fn mac(secret_key: &str, component: &str) -> Hmac<Sha256> {
    // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret_key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(component.as_bytes());
    mac
}

/// `HMACSHA256=` + base64 of the HMAC-SHA256 of [`component`], the `Signature` header.
pub fn sign(secret_key: &str, input: &SignatureInput<'_>) -> String {
    let tag = mac(secret_key, &component(input)).finalize().into_bytes();
    format!("{SIGNATURE_PREFIX}{}", STANDARD.encode(tag))
}

/// Checks a presented `Signature` header in constant time.
pub fn verify(
    secret_key: &str,
    input: &SignatureInput<'_>,
    presented: &str,
) -> Result<(), ProviderError> {
    let presented = presented.trim();
    let Some(encoded) = presented.strip_prefix(SIGNATURE_PREFIX) else {
        return Err(ProviderError::Malformed {
            provider: "doku",
            what: "Signature",
            reason: format!("does not start with {SIGNATURE_PREFIX}"),
        });
    };
    let Ok(tag) = STANDARD.decode(encoded) else {
        return Err(ProviderError::Malformed {
            provider: "doku",
            what: "Signature",
            reason: "not base64".into(),
        });
    };
    let expected = mac(secret_key, &component(input)).finalize().into_bytes();
    if constant_time_eq(&expected, &tag) {
        Ok(())
    } else {
        Err(ProviderError::BadSignature {
            provider: "doku",
            reason: format!(
                "Signature over Request-Target {} does not match",
                input.target
            ),
        })
    }
}

/// Whether `ts` looks like DOKU's `Request-Timestamp`: `YYYY-MM-DDTHH:MM:SSZ` in UTC
/// (fractional seconds tolerated).
pub fn is_valid_timestamp(ts: &str) -> bool {
    let b = ts.as_bytes();
    if b.len() < 20 || b.last() != Some(&b'Z') {
        return false;
    }
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let shape = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
        .iter()
        .all(|&i| digit(i))
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':';
    let tail = &b[19..b.len() - 1];
    let fraction_ok = tail.is_empty()
        || (tail[0] == b'.' && tail.len() > 1 && tail[1..].iter().all(u8::is_ascii_digit));
    shape && fraction_ok
}

kredivo_plan::open_enum! {
    /// DOKU's `payment.status` and `transaction.status`.
    pub enum DokuStatus {
        /// Waiting for the shopper (`payment.url` is valid).
        Pending => "PENDING",
        /// Paid.
        Success => "SUCCESS",
        /// Refused, or could not be created (retry with another invoice number).
        Failed => "FAILED",
        /// Not paid in time.
        Expired => "EXPIRED",
        /// Refunded after payment.
        Refunded => "REFUNDED",
    }
}

/// A line of the order. `price × quantity` over all lines must equal `order.amount`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineItem {
    /// SKU.
    pub id: String,
    /// Name, at most 255 characters.
    pub name: String,
    /// Price of one, in rupiah.
    pub price: Money,
    /// How many (at most 4 digits).
    pub quantity: u32,
    /// Category.
    #[serde(rename = "type")]
    pub item_type: String,
    /// Product page.
    pub url: String,
    /// Product image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// `SELLER` or `ITEM`, for fee lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_type: Option<String>,
    /// The seller or item a fee belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
}

/// `order` of a generate-order request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRequest {
    /// The merchant's unique invoice number (≤ 64).
    pub invoice_number: String,
    /// The lines.
    pub line_items: Vec<LineItem>,
    /// The total, whole rupiah.
    pub amount: Money,
    /// Where the shopper goes after completing.
    pub callback_url: String,
    /// Where the shopper goes after giving up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url_cancel: Option<String>,
}

/// `peer_to_peer_info` of a generate-order request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerToPeerRequest {
    /// Minutes until the order expires (default 1440).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_time: Option<u32>,
    /// The merchant's unique reference, used as the order id towards Kredivo.
    pub merchant_unique_reference: String,
}

/// `customer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    /// Given name.
    pub first_name: String,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// `{calling code}{number}`, digits only, ≤ 16: `6281122334455`.
    pub phone: String,
    /// E-mail.
    pub email: String,
}

/// `billing_address` / `shipping_address`. Doc 001 types some of these as numbers; they
/// are strings here and read leniently.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// Given name.
    #[serde(
        default,
        with = "crate::serde_text::lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub first_name: Option<String>,
    /// Family name.
    #[serde(
        default,
        with = "crate::serde_text::lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_name: Option<String>,
    /// Street.
    #[serde(
        default,
        with = "crate::serde_text::lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub address: Option<String>,
    /// City.
    #[serde(
        default,
        with = "crate::serde_text::lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub city: Option<String>,
    /// Postal code.
    #[serde(
        default,
        with = "crate::serde_text::lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub postal_code: Option<String>,
    /// Phone.
    #[serde(
        default,
        with = "crate::serde_text::lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub phone: Option<String>,
    /// ISO 3166-1 alpha-3.
    #[serde(
        default,
        with = "crate::serde_text::lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub country_code: Option<String>,
}

/// `additional_info`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdditionalInfo {
    /// Overrides the notification URL configured in the DOKU back office.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_notification_url: Option<String>,
    /// The tenure the shopper picked in the merchant's widget (`6_months`). Not a documented
    /// DOKU field (UNCONFIRMED that DOKU passes extra keys on): the sandbox preselects it on
    /// Kredivo's page; the real shopper confirms the tenure there anyway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kredivo_payment_type: Option<String>,
}

/// `POST /kredivo-peer-to-peer/v2/generate-order`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateOrderRequest {
    /// The order.
    pub order: OrderRequest,
    /// Kredivo-specific fields.
    pub peer_to_peer_info: PeerToPeerRequest,
    /// Who pays.
    pub customer: Customer,
    /// Billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<Address>,
    /// Shipping address (required for goods).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<Address>,
    /// Extras.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_info: Option<AdditionalInfo>,
}

/// `order` in answers and notifications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRef {
    /// The invoice number.
    pub invoice_number: String,
    /// The amount.
    pub amount: Money,
}

/// `payment` of a generate-order answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// `PENDING` (send the shopper to `url`) or `FAILED`.
    pub status: DokuStatus,
    /// Kredivo's payment page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// One transaction identifier from the acquirer. Which names Kredivo uses is UNCONFIRMED;
/// the sandbox sends `KREDIVO_TRANSACTION_ID`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identifier {
    /// What it is.
    pub name: String,
    /// Its value.
    #[serde(default, with = "crate::serde_text::lenient_string")]
    pub value: Option<String>,
}

/// `peer_to_peer_info` of answers and notifications.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerToPeerInfo {
    /// Acquirer transaction identifiers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier>,
    /// `yyyyMMddHHmmss`, Jakarta time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date: Option<String>,
    /// `yyyyMMddHHmmss`, Jakarta time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_date: Option<String>,
    /// `yyyyMMddHHmmss` (doc 001 says this one is UTC+7 too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date_utc: Option<String>,
    /// `yyyyMMddHHmmss`, UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_date_utc: Option<String>,
    /// Echo of the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_unique_reference: Option<String>,
}

/// The generate-order answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateOrderResponse {
    /// Echo of the order.
    pub order: OrderRef,
    /// Where the shopper pays.
    pub payment: Payment,
    /// Dates and identifiers.
    #[serde(default)]
    pub peer_to_peer_info: PeerToPeerInfo,
    /// Echo of the request's extras.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_info: Option<AdditionalInfo>,
}

/// `{"id": …}` objects (`service`, `acquirer`, `channel`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdRef {
    /// The id, e.g. `PEER_TO_PEER`, `KREDIVO`.
    pub id: String,
}

/// `transaction` of status answers and notifications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionInfo {
    /// Where it stands.
    pub status: DokuStatus,
    /// When it got there (ISO 8601 UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The `Request-Id` of the generate-order request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_request_id: Option<String>,
}

/// `GET /orders/v1/status/{invoice_number}` answer, and the notification body (same shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusResponse {
    /// `{"id":"PEER_TO_PEER"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<IdRef>,
    /// `{"id":"KREDIVO"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquirer: Option<IdRef>,
    /// `{"id":"PEER_TO_PEER_KREDIVO"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<IdRef>,
    /// The order.
    pub order: OrderRef,
    /// Its transaction.
    pub transaction: TransactionInfo,
    /// Identifiers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_to_peer_info: Option<PeerToPeerInfo>,
}

/// The HTTP notification DOKU posts to the merchant (same shape as a status answer).
pub type Notification = StatusResponse;

/// `error` of an error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Machine code, e.g. `invalid_signature`.
    #[serde(default)]
    pub code: String,
    /// Text.
    #[serde(default)]
    pub message: String,
    /// Class of error, e.g. `invalid_header`.
    #[serde(default, rename = "type")]
    pub error_type: String,
}

/// Non-2xx answers: `{"error":{"code","message","type"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// What went wrong.
    pub error: ErrorDetail,
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = br#"{"order":{"invoice_number":"INV-1","amount":30000}}"#;

    fn vector() -> SignatureInput<'static> {
        SignatureInput {
            client_id: "MCH-0001-10791114622547",
            request_id: "baec7d95-f30a-4b78-b711-6ebe0ccdf50b",
            timestamp: "2021-07-07T08:45:42Z",
            target: GENERATE_ORDER_PATH,
            body: Some(BODY),
        }
    }

    #[test]
    fn the_contracts_vector_gives_the_published_digest_and_signature() {
        assert_eq!(digest(BODY), "3W/48QlFiQhDWmQduxiI/wqyz3hEpPXKIYKqNq9lQSQ=");
        assert_eq!(
            sign("SK-test", &vector()),
            "HMACSHA256=zcUl4cMxZgSY56Nnw9p32egH42I4RrhlvgMRW50EfJ8="
        );
        assert_eq!(
            verify(
                "SK-test",
                &vector(),
                "HMACSHA256=zcUl4cMxZgSY56Nnw9p32egH42I4RrhlvgMRW50EfJ8="
            ),
            Ok(())
        );
    }

    #[test]
    fn the_component_has_no_trailing_newline_and_get_omits_the_digest() {
        let post = component(&vector());
        assert!(post.ends_with("Digest:3W/48QlFiQhDWmQduxiI/wqyz3hEpPXKIYKqNq9lQSQ="));
        let get = component(&SignatureInput {
            body: None,
            target: "/orders/v1/status/INV-1",
            ..vector()
        });
        assert_eq!(
            get,
            "Client-Id:MCH-0001-10791114622547\nRequest-Id:baec7d95-f30a-4b78-b711-6ebe0ccdf50b\n\
             Request-Timestamp:2021-07-07T08:45:42Z\nRequest-Target:/orders/v1/status/INV-1"
        );
    }

    #[test]
    fn a_signature_fails_when_any_signed_part_changes() {
        let good = sign("SK-test", &vector());
        let tampered_body = br#"{"order":{"invoice_number":"INV-1","amount":30001}}"#;
        let cases = [
            ("secret", "SK-other", vector()),
            (
                "body",
                "SK-test",
                SignatureInput {
                    body: Some(tampered_body),
                    ..vector()
                },
            ),
            (
                "target",
                "SK-test",
                SignatureInput {
                    target: "/other",
                    ..vector()
                },
            ),
            (
                "request id",
                "SK-test",
                SignatureInput {
                    request_id: "x",
                    ..vector()
                },
            ),
            (
                "timestamp",
                "SK-test",
                SignatureInput {
                    timestamp: "2021-07-07T08:45:43Z",
                    ..vector()
                },
            ),
        ];
        for (what, secret, input) in cases {
            assert!(
                matches!(
                    verify(secret, &input, &good),
                    Err(ProviderError::BadSignature { .. })
                ),
                "changing the {what} must break the signature"
            );
        }
    }

    #[test]
    fn malformed_signature_headers_are_reported_as_such() {
        for bad in [
            "zcUl4cMxZgSY56Nnw9p32egH42I4RrhlvgMRW50EfJ8=",
            "HMACSHA256=***",
            "",
        ] {
            assert!(
                matches!(
                    verify("SK-test", &vector(), bad),
                    Err(ProviderError::Malformed { .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn timestamps_must_be_iso_8601_utc() {
        for (ts, ok) in [
            ("2021-07-07T08:45:42Z", true),
            ("2021-07-07T08:45:42.123Z", true),
            ("2021-07-07T08:45:42+07:00", false),
            ("2021-07-07 08:45:42Z", false),
            ("2021-07-07T08:45:42.Z", false),
            ("", false),
        ] {
            assert_eq!(is_valid_timestamp(ts), ok, "{ts}");
        }
    }

    #[test]
    fn statuses_parse_case_insensitively_and_keep_unknown_values() {
        assert_eq!(DokuStatus::from("success"), DokuStatus::Success);
        let odd: DokuStatus = serde_json::from_str("\"PARTIAL_REFUND\"").expect("parses");
        assert_eq!(odd, DokuStatus::Unknown("PARTIAL_REFUND".into()));
        assert_eq!(
            serde_json::to_string(&odd).expect("json"),
            "\"PARTIAL_REFUND\""
        );
    }

    #[test]
    fn a_notification_parses_with_string_amounts_and_unknown_identifiers() {
        let body = r#"{
            "service": {"id": "PEER_TO_PEER"}, "acquirer": {"id": "KREDIVO"},
            "channel": {"id": "PEER_TO_PEER_KREDIVO"},
            "order": {"invoice_number": "INV-1", "amount": "30000.00"},
            "transaction": {"status": "SUCCESS", "date": "2021-07-07T08:50:00Z",
                            "original_request_id": "abc"},
            "peer_to_peer_info": {"merchant_unique_reference": "INV-1",
                                  "identifier": [{"name": "KREDIVO_TRANSACTION_ID", "value": 12}]}
        }"#;
        let n: Notification = serde_json::from_str(body).expect("parses");
        assert_eq!(n.order.amount, Money::from_rupiah(30_000));
        assert_eq!(n.transaction.status, DokuStatus::Success);
        let info = n.peer_to_peer_info.expect("present");
        assert_eq!(info.identifier[0].value.as_deref(), Some("12"));
    }
}
