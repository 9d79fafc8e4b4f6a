//! Midtrans Core API, cardless credit with `payment_type: "kredivo"` (doc 003, CONTRACTS.md).
//!
//! Requests authenticate with `Authorization: Basic base64(ServerKey + ":")`
//! ([`crate::auth::basic`]). Notifications carry
//! `signature_key = hex(SHA512(order_id + status_code + gross_amount + ServerKey))`, with
//! `gross_amount` exactly as sent (`"11000.00"`); so do status answers.

use kredivo_plan::Money;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha512};

use crate::auth::constant_time_eq;
use crate::ProviderError;

/// The `payment_type` for Kredivo.
pub const PAYMENT_TYPE_KREDIVO: &str = "kredivo";
/// `POST` path of the Charge API.
pub const CHARGE_PATH: &str = "/v2/charge";
/// Header that replaces the dashboard's notification URL(s) for one charge (comma-separated).
pub const HEADER_OVERRIDE_NOTIFICATION: &str = "X-Override-Notification";
/// Header that adds notification URL(s) to the dashboard's for one charge.
pub const HEADER_APPEND_NOTIFICATION: &str = "X-Append-Notification";
/// Header that makes a charge idempotent.
pub const HEADER_IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// `GET /v2/{order_id or transaction_id}/status`.
pub fn status_path(id: &str) -> String {
    format!("/v2/{id}/status")
}

/// `POST /v2/{id}/cancel`.
pub fn cancel_path(id: &str) -> String {
    format!("/v2/{id}/cancel")
}

/// `POST /v2/{id}/expire`.
pub fn expire_path(id: &str) -> String {
    format!("/v2/{id}/expire")
}

/// `POST /v2/{id}/refund`.
pub fn refund_path(id: &str) -> String {
    format!("/v2/{id}/refund")
}

/// `hex(SHA512(order_id + status_code + gross_amount + server_key))`.
///
/// ```
/// use kredivo_providers::midtrans::signature_key;
/// let key = signature_key("order-1", "200", "11000.00", "SB-Mid-server-x");
/// assert_eq!(key.len(), 128);
/// ```
pub fn signature_key(
    order_id: &str,
    status_code: &str,
    gross_amount: &str,
    server_key: &str,
) -> String {
    let mut hash = Sha512::new();
    hash.update(order_id.as_bytes());
    hash.update(status_code.as_bytes());
    hash.update(gross_amount.as_bytes());
    hash.update(server_key.as_bytes());
    hex::encode(hash.finalize())
}

/// Checks a notification's (or status answer's) `signature_key` in constant time; hex case is
/// ignored.
pub fn verify_signature(tx: &Transaction, server_key: &str) -> Result<(), ProviderError> {
    let missing = |what| ProviderError::Missing {
        provider: "midtrans",
        what,
    };
    let presented = tx
        .signature_key
        .as_deref()
        .ok_or(missing("signature_key"))?;
    let order_id = tx.order_id.as_deref().ok_or(missing("order_id"))?;
    let gross = tx.gross_amount.as_deref().ok_or(missing("gross_amount"))?;
    let expected = signature_key(order_id, &tx.status_code, gross, server_key);
    if constant_time_eq(
        expected.as_bytes(),
        presented.trim().to_ascii_lowercase().as_bytes(),
    ) {
        Ok(())
    } else {
        Err(ProviderError::BadSignature {
            provider: "midtrans",
            reason: "signature_key does not match order_id + status_code + gross_amount".into(),
        })
    }
}

kredivo_plan::open_enum! {
    /// Midtrans `transaction_status`.
    pub enum TransactionStatus {
        /// Card authorised, not captured.
        Authorize => "authorize",
        /// Card captured.
        Capture => "capture",
        /// Paid.
        Settlement => "settlement",
        /// Waiting for the shopper.
        Pending => "pending",
        /// Refused by the provider or fraud detection.
        Deny => "deny",
        /// Cancelled.
        Cancel => "cancel",
        /// Not completed in time.
        Expire => "expire",
        /// Failed for technical reasons.
        Failure => "failure",
        /// Refunded in full.
        Refund => "refund",
        /// Refunded in part.
        PartialRefund => "partial_refund",
        /// Charged back in full.
        Chargeback => "chargeback",
        /// Charged back in part.
        PartialChargeback => "partial_chargeback",
    }
}

kredivo_plan::open_enum! {
    /// Midtrans `fraud_status`.
    pub enum FraudStatus {
        /// Passed.
        Accept => "accept",
        /// Refused.
        Deny => "deny",
        /// Needs review.
        Challenge => "challenge",
    }
}

/// `transaction_details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionDetails {
    /// The merchant's order id (≤ 50 of `[A-Za-z0-9-_.~]`).
    pub order_id: String,
    /// The total, an integer.
    pub gross_amount: Money,
}

/// One line of `item_details`. Prices may be negative (discounts); `price × quantity` over
/// all lines must equal `gross_amount`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemDetail {
    /// SKU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Price of one; negative for a discount.
    #[serde(with = "crate::serde_text::integer")]
    pub price: i64,
    /// How many.
    pub quantity: u32,
    /// Name (≤ 50 characters at Midtrans).
    pub name: String,
    /// Brand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    /// Category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Seller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_name: Option<String>,
    /// Product page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// An address inside `customer_details`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MidtransAddress {
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Street.
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

/// `customer_details`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetails {
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<MidtransAddress>,
    /// Shipping address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<MidtransAddress>,
}

/// `POST /v2/charge`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeRequest {
    /// `kredivo`.
    pub payment_type: String,
    /// Order id and total.
    pub transaction_details: TransactionDetails,
    /// Who pays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_details: Option<CustomerDetails>,
    /// The lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item_details: Vec<ItemDetail>,
    /// Midtrans' free-form `custom_field1`, echoed in notifications. The proxy puts the
    /// widget's tenure (`6_months`) here; the sandbox preselects it on Kredivo's page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_field1: Option<String>,
}

/// Every transaction-shaped answer — charge, status, cancel, expire, refund — and the HTTP
/// notification. Everything but `status_code` is optional because error answers carry only
/// `status_code`, `status_message` and sometimes `validation_messages`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    /// `"200"`, `"201"`, `"407"`…: the API call's outcome (errors may arrive with HTTP 200).
    #[serde(with = "status_code_text")]
    pub status_code: String,
    /// Human text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    /// Field problems of a 400.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_messages: Option<Vec<String>>,
    /// Midtrans's id (a UUID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// The merchant's order id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// The merchant's Midtrans id.
    #[serde(
        default,
        with = "crate::serde_text::lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub merchant_id: Option<String>,
    /// The total, exactly as Midtrans spells it (`"11000.00"`): part of the signature.
    #[serde(
        default,
        with = "crate::serde_text::lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub gross_amount: Option<String>,
    /// `IDR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// `kredivo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_type: Option<String>,
    /// `YYYY-MM-DD HH:MM:SS`, Jakarta time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_time: Option<String>,
    /// Where it stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_status: Option<TransactionStatus>,
    /// Fraud check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraud_status: Option<FraudStatus>,
    /// Where to send the shopper (charge answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// When it settled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement_time: Option<String>,
    /// When a pending transaction expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_time: Option<String>,
    /// See [`signature_key`]. Notifications and status answers carry it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_key: Option<String>,
    /// Refunded so far (`"5000.00"`).
    #[serde(
        default,
        with = "crate::serde_text::lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub refund_amount: Option<String>,
    /// The refund's key (refund answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_key: Option<String>,
    /// The refund's numeric id (refund answer).
    #[serde(
        default,
        with = "crate::serde_text::lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub refund_chargeback_id: Option<String>,
    /// Error reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

impl Transaction {
    /// The numeric `status_code`, if it is one.
    pub fn status_number(&self) -> Option<u16> {
        self.status_code.trim().parse().ok()
    }

    /// Whether `status_code` reports a failure (≥ 300), whatever the HTTP status was.
    pub fn is_error(&self) -> bool {
        self.status_number().is_none_or(|n| n >= 300) && !self.is_expired_ok()
    }

    /// `407` on an expire call is the success answer ("transaction has expired"), not an error.
    fn is_expired_ok(&self) -> bool {
        self.status_number() == Some(407)
            && self.transaction_status == Some(TransactionStatus::Expire)
    }

    /// `gross_amount` as money; `None` when absent or not a whole amount.
    pub fn amount(&self) -> Option<Money> {
        self.gross_amount
            .as_deref()
            .and_then(|g| Money::parse(g).ok())
    }
}

/// `status_code` arrives as a string (`"201"`); tolerate a number.
mod status_code_text {
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &str, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(value)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Ok(crate::serde_text::lenient_string::deserialize(d)?.unwrap_or_default())
    }
}

/// `POST /v2/{id}/refund`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRequest {
    /// The merchant's id for this refund; repeating it returns the same refund.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_key: Option<String>,
    /// How much; absent refunds the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_key_matches_an_independently_computed_sha512() {
        // Computed with Python: hashlib.sha512(("order-101-1578567480" + "200" + "11000.00"
        // + "SB-Mid-server-TEST-made-up").encode()).hexdigest()
        assert_eq!(
            signature_key(
                "order-101-1578567480",
                "200",
                "11000.00",
                "SB-Mid-server-TEST-made-up"
            ),
            "d9f79431dfada913d9eb93dced21703559106374709ec5d7c8cd1749ba116be2\
             fd27c94a4aaef58e76cf51850a66e2370765160bc992d7ccbb231924c067402d"
        );
    }

    fn notification() -> Transaction {
        serde_json::from_str(
            r#"{
                "transaction_time": "2020-01-09 17:58:00",
                "transaction_status": "settlement",
                "transaction_id": "fa05cba0-8ea3-4e46-a2b1-daea2a01785c",
                "status_message": "midtrans payment notification",
                "status_code": "200",
                "signature_key": "D9F79431DFADA913D9EB93DCED21703559106374709EC5D7C8CD1749BA116BE2FD27C94A4AAEF58E76CF51850A66E2370765160BC992D7CCBB231924C067402D",
                "settlement_time": "2020-01-09 18:00:48",
                "payment_type": "kredivo",
                "order_id": "order-101-1578567480",
                "merchant_id": "G812785002",
                "gross_amount": "11000.00",
                "fraud_status": "accept",
                "currency": "IDR"
            }"#,
        )
        .expect("doc 003's notification parses")
    }

    #[test]
    fn a_notification_verifies_with_its_server_key_and_fails_with_another() {
        let n = notification();
        assert_eq!(verify_signature(&n, "SB-Mid-server-TEST-made-up"), Ok(()));
        assert!(matches!(
            verify_signature(&n, "SB-Mid-server-other"),
            Err(ProviderError::BadSignature { .. })
        ));
    }

    #[test]
    fn tampering_with_a_signed_field_breaks_the_signature() {
        let key = "SB-Mid-server-TEST-made-up";
        let mut amount = notification();
        amount.gross_amount = Some("1100.00".into());
        let mut status = notification();
        status.status_code = "201".into();
        let mut order = notification();
        order.order_id = Some("order-102".into());
        for (what, n) in [("amount", amount), ("status", status), ("order", order)] {
            assert!(verify_signature(&n, key).is_err(), "{what}");
        }
        let mut unsigned = notification();
        unsigned.signature_key = None;
        assert!(matches!(
            verify_signature(&unsigned, key),
            Err(ProviderError::Missing {
                what: "signature_key",
                ..
            })
        ));
    }

    #[test]
    fn status_codes_above_299_are_errors_even_in_a_200_answer() {
        let parse = |json: &str| serde_json::from_str::<Transaction>(json).expect(json);
        assert!(!parse(r#"{"status_code":"201","transaction_status":"pending"}"#).is_error());
        assert!(
            parse(r#"{"status_code":"406","status_message":"Duplicate order ID."}"#).is_error()
        );
        assert!(parse(r#"{"status_code":404}"#).is_error());
        assert!(!parse(r#"{"status_code":"407","transaction_status":"expire"}"#).is_error());
        assert!(parse(r#"{"status_code":"407","status_message":"expired"}"#).is_error());
    }

    #[test]
    fn amounts_are_read_from_midtrans_strings() {
        let n = notification();
        assert_eq!(n.amount(), Some(Money::from_rupiah(11_000)));
        assert_eq!(n.transaction_status, Some(TransactionStatus::Settlement));
        assert_eq!(n.fraud_status, Some(FraudStatus::Accept));
    }

    #[test]
    fn a_charge_request_serialises_with_integer_amounts_and_negative_discounts() {
        let req = ChargeRequest {
            payment_type: PAYMENT_TYPE_KREDIVO.into(),
            transaction_details: TransactionDetails {
                order_id: "order-1".into(),
                gross_amount: Money::from_rupiah(45_000),
            },
            customer_details: None,
            item_details: vec![
                ItemDetail {
                    id: Some("a".into()),
                    price: 50_000,
                    quantity: 1,
                    name: "A".into(),
                    brand: None,
                    category: None,
                    merchant_name: None,
                    url: None,
                },
                ItemDetail {
                    id: Some("discount".into()),
                    price: -5_000,
                    quantity: 1,
                    name: "Discount".into(),
                    brand: None,
                    category: None,
                    merchant_name: None,
                    url: None,
                },
            ],
            custom_field1: None,
        };
        let json = serde_json::to_value(&req).expect("json");
        assert_eq!(json["transaction_details"]["gross_amount"], 45_000);
        assert_eq!(json["item_details"][1]["price"], -5_000);
    }
}
