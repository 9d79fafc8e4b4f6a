//! Xendit PayLater with `channel_code: "ID_KREDIVO"` (doc 004, CONTRACTS.md).
//!
//! Flow: create a customer → initiate a plan for the cart (the installment options) → create
//! a charge on the plan (checkout URLs) → callback → `GET` the charge. Requests use
//! `Authorization: Basic base64(secret_key + ":")` and may carry `x-idempotency-key`;
//! callbacks carry `x-callback-token`, compared with [`callback_token_matches`].

use kredivo_plan::Money;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::auth::constant_time_eq;

/// Kredivo's channel code.
pub const CHANNEL_KREDIVO: &str = "ID_KREDIVO";
/// The one checkout method of PayLater charges.
pub const CHECKOUT_ONE_TIME: &str = "ONE_TIME_PAYMENT";
/// Header of callbacks.
pub const HEADER_CALLBACK_TOKEN: &str = "x-callback-token";
/// Header that makes a POST idempotent.
pub const HEADER_IDEMPOTENCY_KEY: &str = "x-idempotency-key";
/// `event` of a PayLater payment callback.
pub const EVENT_PAYMENT: &str = "paylater.payment";
/// `POST /customers`.
pub const CUSTOMERS_PATH: &str = "/customers";
/// `POST /paylater/plans`.
pub const PLANS_PATH: &str = "/paylater/plans";
/// `POST /paylater/charges`.
pub const CHARGES_PATH: &str = "/paylater/charges";
/// The amount that makes the test mode answer `CHANNEL_UNAVAILABLE` (CONTRACTS.md).
pub const TEST_UNAVAILABLE_AMOUNT: Money = Money::from_rupiah(10_101);

/// `GET /paylater/charges/{id}`.
pub fn charge_path(id: &str) -> String {
    format!("{CHARGES_PATH}/{id}")
}

/// `POST /paylater/charges/{id}/refunds`.
pub fn refunds_path(charge_id: &str) -> String {
    format!("{CHARGES_PATH}/{charge_id}/refunds")
}

/// Whether a callback's `x-callback-token` is the dashboard's token, in constant time. An
/// empty expected token never matches (an unconfigured proxy must not accept everything).
pub fn callback_token_matches(expected: &str, presented: &str) -> bool {
    !expected.is_empty() && constant_time_eq(expected.as_bytes(), presented.trim().as_bytes())
}

kredivo_plan::open_enum! {
    /// A PayLater charge's `status`.
    pub enum ChargeStatus {
        /// Waiting for the shopper.
        Pending => "PENDING",
        /// Paid.
        Succeeded => "SUCCEEDED",
        /// Refused, cancelled or expired.
        Failed => "FAILED",
        /// Refunded in full.
        Refunded => "REFUNDED",
        /// Voided before settlement.
        Voided => "VOIDED",
    }
}

kredivo_plan::open_enum! {
    /// A refund's `status`.
    pub enum RefundStatus {
        /// Accepted, not yet done.
        Pending => "PENDING",
        /// Done.
        Succeeded => "SUCCEEDED",
        /// Refused.
        Failed => "FAILED",
    }
}

/// An address of a customer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerAddress {
    /// ISO 3166-1 alpha-2, `ID`.
    pub country: String,
    /// Street.
    #[serde(default)]
    pub street_line1: String,
    /// More street.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_line2: Option<String>,
    /// City.
    #[serde(default)]
    pub city: String,
    /// Province.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    /// State.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Postal code.
    #[serde(default)]
    pub postal_code: String,
    /// `HOME`, `WORK`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Preferred address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_preferred: Option<bool>,
}

/// `POST /customers` (API version 2020-10-31).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateCustomerRequest {
    /// The merchant's id for the customer (unique).
    pub reference_id: String,
    /// Given names.
    pub given_names: String,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// E.164 mobile number, `+6281…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_number: Option<String>,
    /// Addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<CustomerAddress>,
}

/// A customer as Xendit answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    /// Xendit's id (a UUID).
    pub id: String,
    /// The merchant's id.
    #[serde(default)]
    pub reference_id: String,
    /// Given names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_names: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Mobile number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_number: Option<String>,
    /// Addresses.
    #[serde(default)]
    pub addresses: Vec<CustomerAddress>,
}

/// One line of the cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderItem {
    /// `PHYSICAL_PRODUCT`, `DIGITAL_PRODUCT`, `SERVICE`…
    #[serde(rename = "type")]
    pub item_type: String,
    /// SKU.
    pub reference_id: String,
    /// Name.
    pub name: String,
    /// Price of one.
    pub net_unit_amount: Money,
    /// How many.
    pub quantity: u32,
    /// Product page.
    pub url: String,
    /// Category.
    pub category: String,
    /// Subcategory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subcategory: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `POST /paylater/plans`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRequest {
    /// From `POST /customers`.
    pub customer_id: String,
    /// `ID_KREDIVO`.
    pub channel_code: String,
    /// `IDR`.
    pub currency: String,
    /// The total; equals the items' sum.
    pub amount: Money,
    /// The cart.
    pub order_items: Vec<OrderItem>,
}

/// One installment option of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanOption {
    /// Everything the shopper repays.
    pub total_amount: Money,
    /// One installment.
    pub installment_amount: Money,
    /// `MONTH`.
    pub interval: String,
    /// Interval length (1).
    pub interval_count: u32,
    /// Number of installments (1 for 30 days).
    pub total_recurrence: u32,
    /// Interest rate as Xendit shows it.
    #[serde(default, with = "kredivo_plan::decimal::option")]
    pub interest_rate: Option<Decimal>,
    /// `Bayar dalam 30 hari`.
    #[serde(default)]
    pub description: String,
    /// Paid up front.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downpayment_amount: Option<Money>,
}

/// A plan (`plp_…`): the options Kredivo offers for this cart and customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// `plp_…`.
    pub id: String,
    /// The customer.
    #[serde(default)]
    pub customer_id: String,
    /// `ID_KREDIVO`.
    #[serde(default)]
    pub channel_code: String,
    /// `IDR`.
    #[serde(default)]
    pub currency: String,
    /// The total.
    pub amount: Money,
    /// The cart.
    #[serde(default)]
    pub order_items: Vec<OrderItem>,
    /// The installment options (estimates by the provider).
    #[serde(default)]
    pub options: Vec<PlanOption>,
    /// ISO 8601.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
}

/// `POST /paylater/charges`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeRequest {
    /// From `POST /paylater/plans`.
    pub plan_id: String,
    /// The merchant's order id.
    pub reference_id: String,
    /// `ONE_TIME_PAYMENT`.
    pub checkout_method: String,
    /// Where the shopper goes after paying.
    pub success_redirect_url: String,
    /// Where the shopper goes after failing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_redirect_url: Option<String>,
    /// Free data echoed back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
}

/// `actions` of a charge.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actions {
    /// Kredivo's page for desktops.
    #[serde(default)]
    pub desktop_web_checkout_url: Option<String>,
    /// Kredivo's page for phones.
    #[serde(default)]
    pub mobile_web_checkout_url: Option<String>,
    /// Kredivo's app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_deeplink_checkout_url: Option<String>,
}

/// A PayLater charge (`plc_…`), as answered and as the `data` of a callback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    /// `plc_…`.
    pub id: String,
    /// The merchant's Xendit account.
    #[serde(default)]
    pub business_id: String,
    /// The merchant's order id.
    pub reference_id: String,
    /// The customer.
    #[serde(default)]
    pub customer_id: String,
    /// The plan.
    #[serde(default)]
    pub plan_id: String,
    /// `IDR`.
    #[serde(default)]
    pub currency: String,
    /// The total.
    pub amount: Money,
    /// `ID_KREDIVO`.
    #[serde(default)]
    pub channel_code: String,
    /// `ONE_TIME_PAYMENT`.
    #[serde(default)]
    pub checkout_method: String,
    /// Where it stands.
    pub status: ChargeStatus,
    /// Checkout URLs.
    #[serde(default)]
    pub actions: Option<Actions>,
    /// Echo.
    #[serde(default)]
    pub success_redirect_url: Option<String>,
    /// Echo.
    #[serde(default)]
    pub failure_redirect_url: Option<String>,
    /// The dashboard's callback URL.
    #[serde(default)]
    pub callback_url: Option<String>,
    /// ISO 8601.
    #[serde(default)]
    pub created: Option<String>,
    /// ISO 8601.
    #[serde(default)]
    pub updated: Option<String>,
    /// The cart.
    #[serde(default)]
    pub order_items: Vec<OrderItem>,
    /// When voided.
    #[serde(default)]
    pub voided_at: Option<String>,
    /// Payment method.
    #[serde(default)]
    pub payment_method_id: Option<String>,
    /// Echo.
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
    /// Kredivo's transaction id.
    #[serde(default)]
    pub channel_reference: Option<String>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_code: Option<String>,
}

/// `POST /paylater/charges/{id}/refunds`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRequest {
    /// How much; absent refunds the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// Why (`CANCELLATION`, `REQUESTED_BY_CUSTOMER`, free text).
    pub reason: String,
}

/// A refund (`plr_…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    /// `plr_…`.
    pub id: String,
    /// The charge.
    #[serde(default)]
    pub charge_id: String,
    /// Where it stands.
    pub status: RefundStatus,
    /// `IDR`.
    #[serde(default)]
    pub currency: String,
    /// How much.
    pub amount: Money,
    /// Why.
    #[serde(default)]
    pub reason: String,
    /// ISO 8601.
    #[serde(default)]
    pub created: Option<String>,
    /// ISO 8601.
    #[serde(default)]
    pub updated: Option<String>,
}

/// The callback body: `{event, business_id, created, data: charge}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Callback {
    /// `paylater.payment`.
    pub event: String,
    /// The merchant's Xendit account.
    #[serde(default)]
    pub business_id: String,
    /// ISO 8601.
    #[serde(default)]
    pub created: Option<String>,
    /// The charge.
    pub data: Charge,
}

/// Error answers (HTTP 4xx/5xx): `{"error_code","message","errors"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// `API_VALIDATION_ERROR`, `CHANNEL_UNAVAILABLE`, `DATA_NOT_FOUND`…
    pub error_code: String,
    /// Text.
    #[serde(default)]
    pub message: String,
    /// Field problems.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<serde_json::Value>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_callback_token_is_compared_exactly_and_never_matches_empty() {
        assert!(callback_token_matches("tok", "tok"));
        assert!(callback_token_matches("tok", " tok "));
        assert!(!callback_token_matches("tok", "Tok"));
        assert!(!callback_token_matches("tok", "tok2"));
        assert!(!callback_token_matches("", ""));
    }

    #[test]
    fn doc_004s_plan_parses() {
        let plan: Plan = serde_json::from_str(
            r#"{
                "id" : "plp_49915991-a7a8-4c21-9ae1-de9b95f5cb3d",
                "customer_id": "e296f81b-074c-44ef-9977-d0ace6c6df1f",
                "channel_code": "ID_KREDIVO", "currency": "IDR", "amount": 10000,
                "order_items": [{"type": "PHYSICAL_PRODUCT",
                    "reference_id": "SKU_backtoschool-promotion123", "name": "Nymbus twothousand",
                    "net_unit_amount": 10000, "quantity": 1,
                    "url": "https://www.wzardingworld.com/nymbus", "category": "Sports",
                    "subcategory": "Equipment", "description": "Sports equipment for quidditch",
                    "metadata": null}],
                "options": [{"total_amount": 11000, "installment_amount": 11000,
                    "interval": "MONTH", "interval_count": 1, "total_recurrence": 1,
                    "interest_rate": 0, "description": "Bayar dalam 30 hari"}],
                "created": "2021-11-01T02:40:47.896Z"
            }"#,
        )
        .expect("doc 004's plan parses");
        assert_eq!(plan.options[0].total_amount, Money::from_rupiah(11_000));
        assert_eq!(plan.options[0].interest_rate, Some(Decimal::ZERO));
    }

    #[test]
    fn doc_004s_charge_parses_and_keeps_an_unknown_status() {
        let mut charge: Charge = serde_json::from_str(
            r#"{
                "id" : "plc_b7b2669e-0e3d-4cbd-8b36-cf16be78606c",
                "business_id": "59ed61db656f544f3ca5v6f6", "reference_id": "order_id_456",
                "customer_id": "6a55adf8-1520-4651-8a05-9d04e0a4c48d",
                "plan_id": "plp_c0df725d-4997-461d-8530-f2cc661f7e14", "currency": "IDR",
                "amount": 5000000, "channel_code": "ID_KREDIVO",
                "checkout_method": "ONE_TIME_PAYMENT", "status": "PENDING",
                "actions": {
                    "desktop_web_checkout_url": "https://pay-sandbox.kredivo.com/signIn?tk=c1",
                    "mobile_web_checkout_url": "https://pay-sandbox.kredivo.com/signIn?tk=c1"},
                "success_redirect_url": "https://www.wzardingworld.com/successful-payments",
                "failure_redirect_url": "https://www.wzardingworld.com/failed-payments",
                "callback_url": "https://webhook.site/5b30c7db",
                "created": "2021-10-29T06:50:57.877Z", "updated": "2021-10-29T06:50:58.213Z",
                "order_items": [], "voided_at": null, "payment_method_id": null,
                "metadata": null, "channel_reference": "5cf2bf8a-b705-419a-9d2d-ad7cdf5363e2"
            }"#,
        )
        .expect("doc 004's charge parses");
        assert_eq!(charge.status, ChargeStatus::Pending);
        assert_eq!(charge.amount, Money::from_rupiah(5_000_000));
        charge = serde_json::from_value(serde_json::json!({
            "id": "plc_1", "reference_id": "o", "amount": "5000000", "status": "PARTIALLY_REFUNDED"
        }))
        .expect("minimal charge parses");
        assert_eq!(
            charge.status,
            ChargeStatus::Unknown("PARTIALLY_REFUNDED".into())
        );
    }

    #[test]
    fn an_error_answer_parses() {
        let e: ErrorResponse = serde_json::from_str(
            r#"{"error_code":"CHANNEL_UNAVAILABLE","message":"The payment channel is unavailable"}"#,
        )
        .expect("parses");
        assert_eq!(e.error_code, "CHANNEL_UNAVAILABLE");
    }
}
