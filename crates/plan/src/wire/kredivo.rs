//! Kredivo Checkout API v2 (doc 000), shared by the sandbox (server side) and the proxy
//! (client side).
//!
//! Field names are Kredivo's. Unknown fields are ignored so newer responses keep parsing;
//! optional fields are skipped when `None` so requests look like the documented examples.
//! Amounts in requests are raw [`Decimal`]s (validation reports bad ones with field paths,
//! see [`crate::validate_order`]); amounts in responses are [`Money`], read from a number
//! or a string. Errors arrive as HTTP 200 with `status: "ERROR"`: parse those bodies as
//! [`ErrorResponse`].

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{ServerKey, WireTime};
use crate::{money, Money, PaymentType};

pub use crate::{FraudStatus, TransactionStatus};

/// `status` value of a successful body.
pub const STATUS_OK: &str = "OK";
/// `status` value of an error body.
pub const STATUS_ERROR: &str = "ERROR";

// ---------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------

/// A line of a cart: a product or one of the reserved fee ids (`shippingfee`, `discount`, …).
///
/// `price` and `quantity` stay raw here so that a negative, fractional or oversized value
/// reaches [`crate::validate_order`], which names the field, instead of failing the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireItem {
    /// SKU or reserved fee id. Optional in QR checkout, hence the default.
    #[serde(default)]
    pub id: String,
    /// Product name (≤ 255 characters).
    pub name: String,
    /// Unit price in rupiah; `discount` lines carry a positive price that is subtracted.
    #[serde(with = "super::decimal")]
    pub price: Decimal,
    /// Quantity (1..=9999).
    #[serde(with = "super::integer")]
    pub quantity: i64,
    /// Product category (`type`); doc 000 requires it for products, fee lines omit it.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub item_type: Option<String>,
    /// Product page on the merchant's site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Product image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// `SELLER` or `ITEM`: what a fee is tied to; absent means the whole transaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_type: Option<String>,
    /// The seller id or item id named by `parent_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
}

/// A postal address (billing, shipping, seller).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WireAddress {
    /// Required.
    #[serde(default)]
    pub first_name: String,
    /// Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Street address. Required.
    #[serde(default)]
    pub address: String,
    /// Required.
    #[serde(default)]
    pub city: String,
    /// Required.
    #[serde(default)]
    pub postal_code: String,
    /// Required; at most 16 digits (see [`crate::check_phone`]).
    #[serde(default)]
    pub phone: String,
    /// ISO 3166-1 alpha-3, e.g. `IDN`. Required.
    #[serde(default)]
    pub country_code: String,
}

/// The shopper (`customer_details`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WireCustomer {
    /// Required.
    #[serde(default)]
    pub first_name: String,
    /// Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Required.
    #[serde(default)]
    pub email: String,
    /// Required; at most 16 digits.
    #[serde(default)]
    pub phone: String,
}

/// A marketplace seller (`sellers[]`); items and fees point at it through `parent_id`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WireSeller {
    /// Seller id.
    pub id: String,
    /// Seller name.
    #[serde(default)]
    pub name: String,
    /// Seller email (required by doc 000, tolerated missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Seller page (required by doc 000, tolerated missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// KTP, SIM or passport number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_id: Option<String>,
    /// Residential address (required by doc 000, tolerated missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<WireAddress>,
}

/// Optional device metadata for Kredivo's risk checks.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WireMetadata {
    /// Shopper's IP address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// Shopper's browser user agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// IMEI or IMSI of the shopper's device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// IMSI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imsi: Option<String>,
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
        with = "super::integer::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub code: Option<i64>,
}

/// An error body: `{"status":"ERROR","error":{"message","kind","code"}}` or the flat
/// `{"status":"ERROR","message":…}`; both parse, and it serialises in the nested form.
///
/// ```
/// use kredivo_plan::wire::kredivo::ErrorResponse;
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
    #[serde(default, with = "super::integer::option")]
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

// ---------------------------------------------------------------------------------------
// POST /v2/checkout_url
// ---------------------------------------------------------------------------------------

/// `transaction_details` of a checkout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionDetails {
    /// Order total; must equal the items' sum (discounts subtracted).
    #[serde(with = "super::decimal")]
    pub amount: Decimal,
    /// Merchant's order id (≤ 64 characters).
    pub order_id: String,
    /// The cart.
    pub items: Vec<WireItem>,
}

/// Body of `POST /v2/checkout_url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutRequest {
    /// Merchant's key.
    pub server_key: ServerKey,
    /// The shopper's choice (`30_days`, `3_months`, …).
    pub payment_type: PaymentType,
    /// Where Kredivo POSTs the push notification.
    pub push_uri: String,
    /// Store page the settlement page links back to (receives `order_id, tr_id, tr_status,
    /// sign_key`).
    pub back_to_store_uri: String,
    /// Where a shopper who cancels is sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_cancel_uri: Option<String>,
    /// Epoch seconds (as a string per doc 000); Kredivo defaults to 24 hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_time: Option<WireTime>,
    /// Ask Kredivo for a `user_token` once settled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokenize_user: Option<bool>,
    /// Merchant's unique user key; required when `tokenize_user` is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_user_key: Option<String>,
    /// Token for express checkout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_token: Option<String>,
    /// Amount, order id and cart.
    pub transaction_details: TransactionDetails,
    /// Marketplace sellers (compulsory for marketplaces).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sellers: Option<Vec<WireSeller>>,
    /// The shopper (doc 000: required; optional here so the sandbox can answer with
    /// Kredivo's own error instead of a parse failure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_details: Option<WireCustomer>,
    /// Billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<WireAddress>,
    /// Shipping address (required for goods, not for tickets or vouchers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<WireAddress>,
    /// Device metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<WireMetadata>,
}

/// Successful answer of `POST /v2/checkout_url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutResponse {
    /// `"OK"`.
    #[serde(alias = "Status")]
    pub status: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Hosted sign-in page (`…/v2/signin?tk=…`). Absent for an express checkout with a valid
    /// `user_token` that the risk system did not flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// Kredivo's transaction id, when it is sent at this stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
}

// ---------------------------------------------------------------------------------------
// POST /v2/payments
// ---------------------------------------------------------------------------------------

/// Body of `POST /v2/payments`: which payment types fit this cart, and at what price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentsRequest {
    /// Merchant's key.
    pub server_key: ServerKey,
    /// Transaction amount.
    #[serde(with = "super::decimal")]
    pub amount: Decimal,
    /// The cart.
    pub items: Vec<WireItem>,
    /// Shopper's token, for limits personalised to them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_token: Option<String>,
}

/// Answer of `POST /v2/payments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentsResponse {
    /// `"OK"`.
    #[serde(alias = "Status")]
    pub status: String,
    /// `"Available payment types are listed."`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// One entry per eligible payment type.
    #[serde(default)]
    pub payments: Vec<WirePaymentType>,
}

/// One entry of `payments[]`, with the old field set and the newer optional one.
///
/// Convert with `Plan::try_from(&wire)` and `WirePaymentType::from(&plan)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WirePaymentType {
    /// Payment type id (`3_months`).
    pub id: PaymentType,
    /// Display name (`Bayar dalam 3 bulan`).
    #[serde(default)]
    pub name: String,
    /// Number of monthly installments (1 for `30_days`).
    #[serde(with = "super::integer")]
    pub tenure: i64,
    /// Transaction amount (the principal).
    pub amount: Money,
    /// Total to repay over the tenure.
    pub installment_amount: Money,
    /// Each month's installment.
    pub monthly_installment: Money,
    /// Kredivo's `rate` (2.95 in doc 000). It is NOT the monthly rate that reproduces the
    /// figures (that is 3.4787 %); its meaning is UNCONFIRMED, so it is kept as data.
    #[serde(with = "super::decimal", default)]
    pub rate: Decimal,
    /// Down payment.
    #[serde(default)]
    pub down_payment: Money,
    /// Installment during a promotional period; 0 when there is none.
    #[serde(default)]
    pub discounted_monthly_installment: Money,
    /// Number of promotional months ("spesial interest"); 0 or absent when none.
    #[serde(
        default,
        with = "super::decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub interest_rate_transition_term: Option<Decimal>,
    /// Newer responses: amount before adjustments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_amount: Option<Money>,
    /// Newer responses: monthly installment before adjustments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_monthly_installment: Option<Money>,
    /// Newer responses: service fee in rupiah.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_fee: Option<Money>,
    /// Newer responses: service fee as a percentage.
    #[serde(
        default,
        with = "super::decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub service_fee_percentage: Option<Decimal>,
    /// Newer responses: interest rate, sent as a string.
    #[serde(
        default,
        with = "super::lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub interest_rate: Option<String>,
    /// Newer responses: discounted interest rate.
    #[serde(
        default,
        with = "super::decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub discount_interest_rate: Option<Decimal>,
    /// Newer responses: merchant discount rate.
    #[serde(
        default,
        with = "super::decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub mdr: Option<Decimal>,
}

// ---------------------------------------------------------------------------------------
// Push notification and GET /v2/update
// ---------------------------------------------------------------------------------------

/// The shipping address inside a push notification (a different shape from requests').
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PushAddress {
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Country code (`IDN`), spelled `countrycode` here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub countrycode: Option<String>,
    /// `2017-08-04T18:28:14`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<String>,
    /// Phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// State or province.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Kredivo's internal transaction number.
    #[serde(
        default,
        with = "super::integer::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction: Option<i64>,
    /// Postal code, spelled `postcode` here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    /// Street address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_details: Option<String>,
}

/// What Kredivo POSTs to `push_uri`. Never trust it: confirm with `GET /v2/update`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushNotification {
    /// `"OK"`.
    #[serde(alias = "Status")]
    pub status: String,
    /// `"Transaction status is pending"`.
    #[serde(default)]
    pub message: String,
    /// Amount as a string (`"1500100.00"`).
    #[serde(with = "money::serde_str_2dp")]
    pub amount: Money,
    /// Chosen payment type.
    pub payment_type: PaymentType,
    /// Status at the time of the push.
    pub transaction_status: TransactionStatus,
    /// Merchant's order id.
    pub order_id: String,
    /// Kredivo's transaction id.
    pub transaction_id: String,
    /// Epoch seconds.
    pub transaction_time: WireTime,
    /// URL-encoded signature key to pass to `/v2/update`.
    pub signature_key: String,
    /// Shipping address as Kredivo recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<PushAddress>,
    /// Token for express checkout, when the user was tokenised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_token: Option<String>,
    /// QR checkout: the sub-merchant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_merchant_id: Option<String>,
}

/// Query of `GET /v2/update?transaction_id=…&signature_key=…` (no server key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateQuery {
    /// From the push.
    pub transaction_id: String,
    /// From the push (clients may encode it twice; the sandbox should accept both).
    pub signature_key: String,
}

/// Answer of `GET /v2/update`: the confirmed state of the transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateResponse {
    /// `"OK"`.
    #[serde(alias = "Status")]
    pub status: String,
    /// `"Confirmed order status. Valid!"`.
    #[serde(default)]
    pub message: String,
    /// Legal name of the Kredivo account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_name: Option<String>,
    /// Fraud detection result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraud_status: Option<FraudStatus>,
    /// Merchant's order id: compare with the stored order.
    pub order_id: String,
    /// Epoch seconds.
    pub transaction_time: WireTime,
    /// Confirmed amount: compare with the stored order.
    #[serde(with = "money::serde_str_2dp")]
    pub amount: Money,
    /// Chosen payment type.
    pub payment_type: PaymentType,
    /// Confirmed status.
    pub transaction_status: TransactionStatus,
    /// Kredivo's transaction id.
    pub transaction_id: String,
    /// Token for express checkout, when the user was tokenised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_token: Option<String>,
    /// QR checkout: the sub-merchant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_merchant_id: Option<String>,
}

// ---------------------------------------------------------------------------------------
// POST /transaction/status (also /v2/transaction/status)
// ---------------------------------------------------------------------------------------

/// Body of `POST /transaction/status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionStatusRequest {
    /// Merchant's key.
    pub server_key: ServerKey,
    /// Merchant's order id.
    pub order_id: String,
}

/// The merchant block of a QR status response.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WireMerchant {
    /// Kredivo's merchant id.
    #[serde(
        default,
        with = "super::integer::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<i64>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Contact person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_person: Option<String>,
    /// Contact number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_number: Option<String>,
    /// Short description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_description: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Answer of `POST /transaction/status` (2-click and QR variants).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionStatusResponse {
    /// `"OK"`.
    #[serde(alias = "Status")]
    pub status: String,
    /// `"Transaction is pending"`.
    #[serde(default)]
    pub message: String,
    /// Legal name of the Kredivo account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_name: Option<String>,
    /// Fraud detection result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraud_status: Option<FraudStatus>,
    /// Merchant's order id.
    pub order_id: String,
    /// Epoch seconds (2-click) or `"2017-12-14 16:07:24"` (QR).
    pub transaction_time: WireTime,
    /// Kredivo user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_userid: Option<String>,
    /// Transaction amount (`"1500000.00"`, or a number in QR).
    #[serde(with = "money::serde_str_2dp")]
    pub amount: Money,
    /// Chosen payment type.
    pub payment_type: PaymentType,
    /// Current status.
    pub transaction_status: TransactionStatus,
    /// Kredivo's transaction id.
    pub transaction_id: String,
    /// QR: what the shopper pays back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payback_amount: Option<Money>,
    /// QR: the shopper's discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_amount: Option<Money>,
    /// QR: the cart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<WireItem>>,
    /// QR: the merchant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant: Option<WireMerchant>,
    /// QR: the sub-merchant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_merchant_id: Option<String>,
}

// ---------------------------------------------------------------------------------------
// POST /v2/cancel_transaction
// ---------------------------------------------------------------------------------------

/// Body of `POST /v2/cancel_transaction`; without `cancellation_amount` (or with the full
/// amount) it cancels everything, with less it is a partial cancel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelRequest {
    /// Merchant's key.
    pub server_key: ServerKey,
    /// Merchant's order id.
    pub order_id: String,
    /// Kredivo's transaction id.
    pub transaction_id: String,
    /// Amount to cancel; absent means all of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancellation_amount: Option<Money>,
    /// Why.
    pub cancellation_reason: String,
    /// Who asked (name or id).
    pub cancelled_by: String,
    /// Epoch seconds, a string in doc 000's examples (see [`WireTime::epoch_text`]).
    pub cancellation_date: WireTime,
    /// Merchant's id for this cancellation, to tell partial cancels apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancellation_id: Option<String>,
}

/// Answer of a successful cancel. A partial cancel keeps `settlement`, a full one → `cancel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelResponse {
    /// `"OK"`.
    #[serde(alias = "Status")]
    pub status: String,
    /// `"Succes cancelling transaction by amount"` (sic).
    #[serde(default)]
    pub message: String,
    /// Fraud detection result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraud_status: Option<FraudStatus>,
    /// Merchant's order id.
    pub order_id: String,
    /// Epoch seconds.
    pub transaction_time: WireTime,
    /// Amount that remains after the cancel, per doc 000's examples.
    #[serde(with = "money::serde_str_2dp")]
    pub amount: Money,
    /// Chosen payment type.
    pub payment_type: PaymentType,
    /// `settlement` after a partial cancel, `cancel` after a full one.
    pub transaction_status: TransactionStatus,
    /// Kredivo's transaction id.
    pub transaction_id: String,
    /// QR: the sub-merchant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_merchant_id: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Tokenisation: deactivate, credit details, connect
// ---------------------------------------------------------------------------------------

/// Body of `POST /v2/deactive_user_token` (sic).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeactivateTokenRequest {
    /// Merchant's key.
    pub server_key: ServerKey,
    /// The token to deactivate.
    pub user_token: String,
}

/// Answer of `POST /v2/deactive_user_token`. Kredivo capitalises `Status` here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeactivateTokenResponse {
    /// `"OK"`.
    #[serde(alias = "Status")]
    pub status: String,
    /// The token.
    pub user_token: String,
    /// `false` once deactivated.
    #[serde(default)]
    pub is_active: bool,
    /// `"deactive user successful"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

/// What Kredivo pushes when a shopper unlinks the merchant from the Kredivo app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenDeactivatedNotice {
    /// Free text.
    #[serde(default)]
    pub message: String,
    /// The merchant's user key whose token is no longer valid.
    pub client_user_key: String,
}

/// Body of `POST /v2/get_user_credit_details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditDetailsRequest {
    /// Merchant's key.
    pub server_key: ServerKey,
    /// The shopper's token.
    pub user_token: String,
}

/// `user_details` of a credit details answer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UserDetails {
    /// Legal name.
    #[serde(default)]
    pub legal_name: String,
    /// Masked mobile number (`62812xxxx0581`).
    #[serde(default)]
    pub mobile_number: String,
}

/// One entry of `credit_limit_details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditLimitDetail {
    /// Payment type (doc 000 spells twelve months `12_month`; it parses as `12_months`).
    pub payment_type: PaymentType,
    /// Remaining limit for that payment type, sent as a string.
    #[serde(with = "money::serde_str")]
    pub remaining_user_limit: Money,
}

/// `user_credit_details` of a credit details answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCreditDetails {
    /// 1 active, 2 inactive.
    #[serde(with = "super::integer")]
    pub account_status: i64,
    /// 1 basic (30 days only), 2 premium (all payment types).
    #[serde(with = "super::integer")]
    pub account_type: i64,
    /// Remaining limit per payment type.
    #[serde(default)]
    pub credit_limit_details: Vec<CreditLimitDetail>,
}

/// Answer of `POST /v2/get_user_credit_details`. Kredivo capitalises `Status` here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditDetailsResponse {
    /// `"OK"`.
    #[serde(alias = "Status")]
    pub status: String,
    /// Who the token belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_details: Option<UserDetails>,
    /// Limits.
    pub user_credit_details: UserCreditDetails,
}

/// `customer_details` of a connect request (a flat address, unlike checkout's).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConnectCustomer {
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Street address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
}

/// Body of `POST /v2/connect`: link a shopper's Kredivo account to the merchant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectRequest {
    /// Merchant's key.
    pub server_key: ServerKey,
    /// Shopper's phone.
    pub mobile_number: String,
    /// Merchant's unique user key.
    pub client_user_key: String,
    /// Where Kredivo POSTs the `user_token`.
    pub callback_url: String,
    /// Where the shopper returns afterwards.
    pub redirect_url: String,
    /// Optional details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_details: Option<ConnectCustomer>,
}

/// Answer of `POST /v2/connect` (success or flat error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectResponse {
    /// `"OK"` or `"ERROR"`.
    #[serde(alias = "Status")]
    pub status: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Kredivo's connect page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
}

/// What Kredivo POSTs to `callback_url` after a successful connect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectCallback {
    /// `"OK"`.
    #[serde(alias = "Status")]
    pub status: String,
    /// The new token.
    pub user_token: String,
    /// The merchant's user key.
    pub client_user_key: String,
    /// `"Kredivo-Connect success."`.
    #[serde(default)]
    pub message: String,
}
