//! Tokenisation: `POST /v2/deactive_user_token` (and the push the Kredivo app sends when a
//! shopper unlinks a merchant), `POST /v2/get_user_credit_details`, `POST /v2/connect` and
//! its callback.

use serde::{Deserialize, Serialize};

use kredivo_plan::{Money, PaymentType};

use super::ServerKey;

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
    #[serde(with = "kredivo_plan::money::serde_str")]
    pub remaining_user_limit: Money,
}

/// `user_credit_details` of a credit details answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCreditDetails {
    /// 1 active, 2 inactive.
    #[serde(with = "crate::serde_text::integer")]
    pub account_status: i64,
    /// 1 basic (30 days only), 2 premium (all payment types).
    #[serde(with = "crate::serde_text::integer")]
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
