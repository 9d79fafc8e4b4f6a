//! The credentials the sandbox's aggregator simulators accept by default, and that the proxy
//! uses by default while an aggregator's base URL is a loopback host.
//!
//! Every value is made up for this project: none is a real sandbox or production credential
//! of DOKU, Midtrans, Xendit or Finpay. They live here, not in the sandbox or the proxy, so
//! the two cannot drift apart (the demo switches gateways with no extra configuration).

/// DOKU `Client-Id` (made up).
pub const DOKU_CLIENT_ID: &str = "MCH-0001-SANDBOX00000001";
/// DOKU secret key for the HMAC-SHA256 `Signature` (made up).
pub const DOKU_SECRET_KEY: &str = "SK-sandbox-doku-0000000000000001";

/// Midtrans server key: Basic auth user and `signature_key` salt (made up, sandbox-shaped).
pub const MIDTRANS_SERVER_KEY: &str = "SB-Mid-server-SANDBOX00000000000000001";
/// Midtrans merchant id echoed in responses and notifications (made up).
pub const MIDTRANS_MERCHANT_ID: &str = "G000000001";

/// Xendit secret API key: Basic auth user (made up, test-mode-shaped).
pub const XENDIT_SECRET_KEY: &str =
    "xnd_development_SANDBOX0000000000000000000000000000000000000001";
/// Xendit callback verification token sent as `x-callback-token` (made up).
pub const XENDIT_CALLBACK_TOKEN: &str = "xnd-callback-token-SANDBOX-0000000000000000000001";
/// Xendit `business_id` in charges and callbacks (made up).
pub const XENDIT_BUSINESS_ID: &str = "5f0000000000000000000001";

/// Finpay merchant id: Basic auth user (made up).
pub const FINPAY_MERCHANT_ID: &str = "FP-SANDBOX-0001";
/// Finpay merchant key: Basic auth password and callback HMAC key (made up).
pub const FINPAY_MERCHANT_KEY: &str = "FPKEY-sandbox-0000000000000001";
