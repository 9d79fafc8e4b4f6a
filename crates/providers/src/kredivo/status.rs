//! The push notification and what confirms it: `GET /v2/update`, `POST /transaction/status`,
//! and `POST /v2/cancel_transaction`.

use serde::{Deserialize, Serialize};

use kredivo_plan::{Money, PaymentType};

use super::{FraudStatus, ServerKey, TransactionStatus, WireItem, WireTime};

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
        with = "crate::serde_text::integer::option",
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
    #[serde(with = "kredivo_plan::money::serde_str_2dp")]
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
    #[serde(with = "kredivo_plan::money::serde_str_2dp")]
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
        with = "crate::serde_text::integer::option",
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
    #[serde(with = "kredivo_plan::money::serde_str_2dp")]
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
    #[serde(with = "kredivo_plan::money::serde_str_2dp")]
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
