//! What the providers say: Kredivo itself (doc 000) and the payment aggregators that resell
//! it — DOKU (doc 001), Finpay (doc 002), Midtrans (doc 003) and Xendit (doc 004) — as plain
//! data and pure functions: their JSON request, response and notification bodies, their
//! status vocabularies, how each one signs or authenticates a message, and how each one
//! writes times, amounts and URLs.
//!
//! No I/O and no HTTP framework: the proxy's gateways and the sandbox's simulators both build
//! on these types, so the two sides of every exchange agree by construction, and the
//! signature code is tested once against the published vectors.
//!
//! - [`kredivo`]: Checkout API v2 — checkout, payments, push, update, status, cancel, tokens,
//!   connect, errors — and its conversions to the plan crate's [`kredivo_plan::Plan`] and
//!   [`kredivo_plan::OrderDraft`].
//! - [`doku`]: `Digest` + HMAC-SHA256 `Signature` headers (CONTRACTS.md's vector is a test).
//! - [`midtrans`]: Basic auth and the SHA-512 `signature_key` of notifications.
//! - [`xendit`]: Basic auth, the `x-callback-token` comparison, customers/plans/charges.
//! - [`finpay`]: Basic auth and the HMAC-SHA512 callback `signature` over PHP-style JSON
//!   ([`php_json`]).
//! - [`time`], [`encoding`], [`serde_text`]: the providers' date formats, `"…00"` amounts and
//!   percent-encoding, numbers sent as strings.
//!
//! Parsing is tolerant where providers are inconsistent: money fields accept JSON numbers and
//! strings (`11000`, `"11000.00"`) through [`kredivo_plan::Money`], and every status enum keeps
//! values this version does not know in an `Unknown(String)` variant
//! ([`kredivo_plan::open_enum!`]).
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod auth;
pub mod doku;
pub mod encoding;
pub mod finpay;
pub mod kredivo;
pub mod midtrans;
pub mod php_json;
pub mod sandbox_defaults;
pub mod serde_text;
pub mod time;
pub mod xendit;

/// The key under which the proxy passes the widget's tenure (`6_months`) in an aggregator's
/// free-form field (Xendit `metadata`, Finpay `meta`, DOKU `additional_info`; Midtrans uses
/// `custom_field1`). Aggregators do not carry a Kredivo tenure — the shopper confirms it on
/// Kredivo's page — so this is only a hint, which the sandbox uses to preselect the choice.
pub const PAYMENT_TYPE_HINT: &str = "kredivo_payment_type";

/// Why a message could not be built, parsed or authenticated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProviderError {
    /// A signature, token or credential does not match.
    #[error("{provider}: signature mismatch: {reason}")]
    BadSignature {
        /// Which provider's scheme.
        provider: &'static str,
        /// What did not match (never the secret or the expected value).
        reason: String,
    },
    /// A header or field needed to check a message is absent.
    #[error("{provider}: {what} is missing")]
    Missing {
        /// Which provider's scheme.
        provider: &'static str,
        /// The header or field.
        what: &'static str,
    },
    /// A header or field is present but malformed.
    #[error("{provider}: {what} is malformed: {reason}")]
    Malformed {
        /// Which provider's scheme.
        provider: &'static str,
        /// The header or field.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// A body is not the JSON it should be.
    #[error("invalid JSON: {0}")]
    Json(String),
}
