//! `POST /v2/checkout_url` and `POST /v2/payments`: the cart and who pays for it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use kredivo_plan::{Money, PaymentType};

use super::{ServerKey, WireTime};

// ---------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------

/// A line of a cart: a product or one of the reserved fee ids (`shippingfee`, `discount`, …).
///
/// `price` and `quantity` stay raw here so that a negative, fractional or oversized value
/// reaches [`kredivo_plan::validate_order`], which names the field, instead of failing the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireItem {
    /// SKU or reserved fee id. Optional in QR checkout, hence the default.
    #[serde(default)]
    pub id: String,
    /// Product name (≤ 255 characters).
    pub name: String,
    /// Unit price in rupiah; `discount` lines carry a positive price that is subtracted.
    #[serde(with = "kredivo_plan::decimal")]
    pub price: Decimal,
    /// Quantity (1..=9999).
    #[serde(with = "crate::serde_text::integer")]
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
    /// Required; at most 16 digits (see [`kredivo_plan::check_phone`]).
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

// ---------------------------------------------------------------------------------------
// POST /v2/checkout_url
// ---------------------------------------------------------------------------------------

/// `transaction_details` of a checkout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionDetails {
    /// Order total; must equal the items' sum (discounts subtracted).
    #[serde(with = "kredivo_plan::decimal")]
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
    #[serde(with = "kredivo_plan::decimal")]
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
    #[serde(with = "crate::serde_text::integer")]
    pub tenure: i64,
    /// Transaction amount (the principal).
    pub amount: Money,
    /// Total to repay over the tenure.
    pub installment_amount: Money,
    /// Each month's installment.
    pub monthly_installment: Money,
    /// Kredivo's `rate` (2.95 in doc 000). It is NOT the monthly rate that reproduces the
    /// figures (that is 3.4787 %); its meaning is UNCONFIRMED, so it is kept as data.
    #[serde(with = "kredivo_plan::decimal", default)]
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
        with = "kredivo_plan::decimal::option",
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
        with = "kredivo_plan::decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub service_fee_percentage: Option<Decimal>,
    /// Newer responses: interest rate, sent as a string.
    #[serde(
        default,
        with = "crate::serde_text::lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub interest_rate: Option<String>,
    /// Newer responses: discounted interest rate.
    #[serde(
        default,
        with = "kredivo_plan::decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub discount_interest_rate: Option<Decimal>,
    /// Newer responses: merchant discount rate.
    #[serde(
        default,
        with = "kredivo_plan::decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub mdr: Option<Decimal>,
}
