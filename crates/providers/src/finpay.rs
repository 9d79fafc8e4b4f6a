//! Finpay (Finnet) payment gateway with `sourceOfFunds.type: "kredivo"` (doc 002,
//! CONTRACTS.md).
//!
//! Requests use `Authorization: Basic base64(MerchantId:MerchantKey)`; amounts and quantities
//! are strings. Response codes are seven digits — HTTP status, service, case — with
//! `2000000` for success. Callbacks carry
//! `signature = hex(HMAC_SHA512(MerchantKey, json_encode(body without "signature")))`, the JSON
//! written the way PHP writes it ([`crate::php_json`]) — UNCONFIRMED byte form.
//!
//! The callback's field layout is not in doc 002 either (UNCONFIRMED): these types follow the
//! check endpoint's `data` (`order`, `result.payment`), which is what Finpay's check answer
//! documents, and everything in them is optional except what verification needs.

use hmac::{Hmac, Mac};
use kredivo_plan::Money;
use serde::{Deserialize, Serialize};
use sha2::Sha512;

use crate::auth::constant_time_eq;
use crate::php_json;
use crate::ProviderError;

/// `sourceOfFunds.type` for Kredivo.
pub const SOURCE_KREDIVO: &str = "kredivo";
/// `POST` path that starts a payment.
pub const INITIATE_PATH: &str = "/pg/payment/card/initiate";
/// Prefix of the check path; see [`check_path`].
pub const CHECK_PATH_PREFIX: &str = "/pg/payment/card/check/";
/// `responseCode` of success.
pub const CODE_SUCCESS: &str = "2000000";
/// The callback field that holds the signature.
pub const SIGNATURE_FIELD: &str = "signature";

/// `GET /pg/payment/card/check/{orderId}`.
pub fn check_path(order_id: &str) -> String {
    format!("{CHECK_PATH_PREFIX}{order_id}")
}

/// `hex(HMAC_SHA512(merchant_key, canonical))`, lowercase.
pub fn signature(merchant_key: &str, canonical: &str) -> String {
    let mut mac = <Hmac<Sha512> as Mac>::new_from_slice(merchant_key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(canonical.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The bytes a callback's signature covers: the body as received, parsed with its key order,
/// without the top-level `signature`, re-encoded as PHP's `json_encode` would. Returns the
/// canonical text and the presented signature (if any).
pub fn canonical_callback(body: &[u8]) -> Result<(String, Option<String>), ProviderError> {
    let mut node = php_json::parse(body)?;
    if !matches!(node, php_json::Node::Object(_)) {
        return Err(ProviderError::Json(
            "a callback must be a JSON object".into(),
        ));
    }
    let presented = node
        .remove(SIGNATURE_FIELD)
        .and_then(|n| n.as_str().map(str::to_owned));
    Ok((php_json::encode(&node), presented))
}

/// Verifies a callback's `signature` (hex case ignored, constant time) and parses it.
pub fn verify_callback(merchant_key: &str, body: &[u8]) -> Result<Callback, ProviderError> {
    let (canonical, presented) = canonical_callback(body)?;
    let presented = presented.ok_or(ProviderError::Missing {
        provider: "finpay",
        what: "signature",
    })?;
    let expected = signature(merchant_key, &canonical);
    if !constant_time_eq(
        expected.as_bytes(),
        presented.trim().to_ascii_lowercase().as_bytes(),
    ) {
        return Err(ProviderError::BadSignature {
            provider: "finpay",
            reason: "HMAC-SHA512 of the body without signature does not match".into(),
        });
    }
    serde_json::from_slice(body).map_err(|e| ProviderError::Json(e.to_string()))
}

/// Adds `signature` to a callback body (the sandbox's side). The signature covers
/// [`php_json::encode_value`] of `body` without `signature`; send the returned value as is
/// (its key order is the one signed).
pub fn sign_callback(merchant_key: &str, mut body: serde_json::Value) -> serde_json::Value {
    if let Some(map) = body.as_object_mut() {
        map.remove(SIGNATURE_FIELD);
        let canonical = php_json::encode_value(&serde_json::Value::Object(map.clone()));
        map.insert(
            SIGNATURE_FIELD.to_owned(),
            serde_json::Value::String(signature(merchant_key, &canonical)),
        );
    }
    body
}

kredivo_plan::open_enum! {
    /// `result.payment.status`.
    pub enum PaymentStatus {
        /// Created; the shopper has not started.
        Initiated => "INITIATED",
        /// Created; the shopper has not started (another spelling).
        RequestInitiated => "REQUEST_INITIATED",
        /// Waiting for the shopper.
        Pending => "PENDING",
        /// Paid.
        Paid => "PAID",
        /// Cancelled.
        Cancelled => "CANCELLED",
        /// Refunded.
        Refunded => "REFUNDED",
        /// Refused or failed.
        Failure => "FAILURE" | "FAILED",
        /// Not paid in time.
        Expired => "EXPIRED",
    }
}

/// `customer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FinpayCustomer {
    /// E-mail.
    pub email: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    #[serde(default)]
    pub last_name: String,
    /// `+6281…`.
    pub mobile_phone: String,
}

/// One line of `order.item`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FinpayItem {
    /// Name.
    pub name: String,
    /// How many, as a string.
    #[serde(with = "crate::serde_text::u32_str")]
    pub quantity: u32,
    /// Price of one, as a string.
    #[serde(with = "kredivo_plan::money::serde_str")]
    pub unit_price: Money,
    /// Product page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// `order`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinpayOrder {
    /// The merchant's order id.
    pub id: String,
    /// The total, as a string.
    #[serde(with = "kredivo_plan::money::serde_str")]
    pub amount: Money,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<FinpayItem>,
}

/// `url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FinpayUrls {
    /// Where Finpay posts the callback.
    pub callback_url: String,
    /// Where the shopper goes after paying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_url: Option<String>,
    /// Where the shopper goes after failing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_url: Option<String>,
}

/// `sourceOfFunds`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceOfFunds {
    /// `kredivo`.
    #[serde(rename = "type")]
    pub source_type: String,
}

/// `billing.address` (mandatory for Kredivo).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FinpayAddress {
    /// City.
    #[serde(default)]
    pub city: String,
    /// ISO 3166-1 alpha-3, `IDN`.
    #[serde(default)]
    pub country: String,
    /// Postal code.
    #[serde(default)]
    pub postcode_zip: String,
    /// Street.
    #[serde(default)]
    pub street: String,
}

/// `billing`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Billing {
    /// The address.
    pub address: FinpayAddress,
}

/// `POST /pg/payment/card/initiate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitiateRequest {
    /// Who pays.
    pub customer: FinpayCustomer,
    /// What.
    pub order: FinpayOrder,
    /// Callback and redirects.
    pub url: FinpayUrls,
    /// `{"type":"kredivo"}`.
    pub source_of_funds: SourceOfFunds,
    /// Billing address.
    pub billing: Billing,
    /// Shipping (optional, free form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<serde_json::Value>,
    /// `meta` ("Detail of MetaData", free form; its inner layout is UNCONFIRMED). The proxy
    /// sends `{"kredivo_payment_type": "6_months"}`; the sandbox preselects that tenure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<serde_json::Value>,
}

/// The initiate answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InitiateResponse {
    /// `2000000` on success.
    #[serde(rename = "responseCode", default)]
    pub response_code: String,
    /// Text.
    #[serde(rename = "responseMessage", default)]
    pub response_message: String,
    /// Kredivo's page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirecturl: Option<String>,
    /// `YYYY-MM-DD HH:MM:SS`.
    #[serde(
        rename = "expiryLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub expiry_link: Option<String>,
    /// Payment code (not used by Kredivo).
    #[serde(
        rename = "paymentCode",
        default,
        with = "crate::serde_text::lenient_string"
    )]
    pub payment_code: Option<String>,
    /// Seconds spent.
    #[serde(
        rename = "processingTime",
        default,
        with = "crate::serde_text::lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub processing_time: Option<String>,
}

/// `result.payment`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentResult {
    /// Where it stands.
    pub status: PaymentStatus,
    /// Text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_desc: Option<String>,
    /// The amount.
    #[serde(
        default,
        with = "kredivo_plan::money::serde_str::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount: Option<Money>,
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datetime: Option<String>,
    /// Finpay's reference.
    #[serde(
        default,
        with = "crate::serde_text::lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub reference: Option<String>,
}

/// `result`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentResultWrapper {
    /// The payment.
    pub payment: PaymentResult,
}

/// `order` in check answers and callbacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRef {
    /// The merchant's order id.
    pub id: String,
    /// The amount.
    #[serde(
        default,
        with = "kredivo_plan::money::serde_str::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount: Option<Money>,
}

/// `data` of a check answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckData {
    /// The order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<OrderRef>,
    /// The payment.
    pub result: PaymentResultWrapper,
    /// `{"type":"kredivo"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_of_funds: Option<SourceOfFunds>,
}

/// `GET /pg/payment/card/check/{orderId}` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResponse {
    /// `2000000` on success.
    #[serde(rename = "responseCode", default)]
    pub response_code: String,
    /// Text.
    #[serde(rename = "responseMessage", default)]
    pub response_message: String,
    /// The payment, on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<CheckData>,
}

/// The callback body (layout UNCONFIRMED, see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Callback {
    /// The order.
    pub order: OrderRef,
    /// The payment.
    pub result: PaymentResultWrapper,
    /// `{"type":"kredivo"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_of_funds: Option<SourceOfFunds>,
    /// See [`verify_callback`].
    #[serde(default)]
    pub signature: String,
}

/// Every non-success answer: `{"responseCode","responseMessage"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// Seven digits.
    #[serde(rename = "responseCode")]
    pub response_code: String,
    /// Text.
    #[serde(rename = "responseMessage", default)]
    pub response_message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    // An independently computed vector (Python: json.dumps(body, separators=(',', ':'),
    // ensure_ascii=True).replace('/', '\\/'), then hmac.new(b"FP-test-key", …, sha512)).
    const CANONICAL: &str = r#"{"order":{"id":"ORD-1","amount":"150000"},"result":{"payment":{"status":"PAID","statusDesc":"Pembayaran berhasil \u00e9","amount":"150000"}},"url":"https:\/\/m.test\/a\/b"}"#;
    const SIGNATURE: &str = "bcde1ce69b52784ddb71f13805a1aaff8f7f5f2272e5e0861f7b6ecfe60920e0\
                             448f14ea5708f323edccb7bc9b46259351bfba3d9667696080e8e13640a41fa8";

    fn received(signature: &str) -> String {
        // As a PHP sender would post it: readable UTF-8 and unescaped slashes are fine on the
        // wire; the signature covers the re-encoded form.
        format!(
            r#"{{"order": {{"id": "ORD-1", "amount": "150000"}}, "result": {{"payment": {{"status": "PAID", "statusDesc": "Pembayaran berhasil é", "amount": "150000"}}}}, "signature": "{signature}", "url": "https://m.test/a/b"}}"#
        )
    }

    #[test]
    fn the_signature_matches_an_independently_computed_hmac_sha512() {
        assert_eq!(signature("FP-test-key", CANONICAL), SIGNATURE);
        let (canonical, presented) =
            canonical_callback(received(SIGNATURE).as_bytes()).expect("parses");
        assert_eq!(canonical, CANONICAL);
        assert_eq!(presented.as_deref(), Some(SIGNATURE));
    }

    #[test]
    fn a_genuine_callback_verifies_and_parses() {
        let callback =
            verify_callback("FP-test-key", received(SIGNATURE).as_bytes()).expect("genuine");
        assert_eq!(callback.order.id, "ORD-1");
        assert_eq!(callback.result.payment.status, PaymentStatus::Paid);
        assert_eq!(
            callback.result.payment.amount,
            Some(Money::from_rupiah(150_000))
        );
        let upper = received(&SIGNATURE.to_ascii_uppercase());
        assert!(
            verify_callback("FP-test-key", upper.as_bytes()).is_ok(),
            "hex case is ignored"
        );
    }

    #[test]
    fn a_tampered_or_unsigned_callback_is_refused() {
        let tampered = received(SIGNATURE).replace("\"150000\"}}", "\"1500000\"}}");
        assert!(matches!(
            verify_callback("FP-test-key", tampered.as_bytes()),
            Err(ProviderError::BadSignature { .. })
        ));
        assert!(matches!(
            verify_callback("other-key", received(SIGNATURE).as_bytes()),
            Err(ProviderError::BadSignature { .. })
        ));
        assert!(matches!(
            verify_callback("FP-test-key", br#"{"order":{"id":"x"}}"#),
            Err(ProviderError::Missing {
                what: "signature",
                ..
            })
        ));
        assert!(verify_callback("FP-test-key", b"[1]").is_err());
    }

    #[test]
    fn what_the_sandbox_signs_the_proxy_verifies() {
        let body = serde_json::json!({
            "order": {"id": "ORD-9", "amount": "2400000"},
            "result": {"payment": {"status": "PAID", "statusDesc": "Sukses / é", "amount": "2400000"}},
            "sourceOfFunds": {"type": "kredivo"}
        });
        let signed = sign_callback("k", body);
        let bytes = serde_json::to_vec(&signed).expect("json");
        let callback = verify_callback("k", &bytes).expect("verifies");
        assert_eq!(callback.order.amount, Some(Money::from_rupiah(2_400_000)));
    }

    #[test]
    fn doc_002s_request_and_answer_parse() {
        let req: InitiateRequest = serde_json::from_str(
            r#"{"customer": {"email": "hajar.finnet@gmail.com", "firstName": "Hajar",
                "lastName": "Ismail", "mobilePhone": "+6281286288844"},
              "order": {"id": "1680579407638", "amount": "200", "description": "Testing",
                "item": [{"name": "name", "quantity": "1", "unitPrice": "100", "url": "https://finpay.id"},
                         {"name": "name", "quantity": "1", "unitPrice": "100", "url": "https://finpay.id"}]},
              "url": {"callbackUrl": "https://sandbox.finpay.co.id/simdev/finpay/result/resultsuccess.php",
                "successUrl": "https://sandbox.finpay.co.id/simdev/finpay/result/resultsuccess.php",
                "failUrl": "https://sandbox.finpay.co.id/simdev/finpay/result/resultfailed.php"},
              "sourceOfFunds": {"type": "kredivo"},
              "billing": {"address": {"city": "Jakarta Selatan", "country": "IDN",
                "postcodeZip": "12740", "street": "Jalan Gatot Subroto"}}}"#,
        )
        .expect("doc 002's request parses");
        assert_eq!(req.order.amount, Money::from_rupiah(200));
        assert_eq!(req.order.item[1].quantity, 1);
        let json = serde_json::to_value(&req).expect("json");
        assert_eq!(json["order"]["amount"], "200", "amounts go out as strings");
        assert_eq!(json["order"]["item"][0]["quantity"], "1");
        let answer: InitiateResponse = serde_json::from_str(
            r#"{"responseCode": "2000000", "responseMessage": "Success",
                "redirecturl": "https://sandbox.kredivo.com/kredivo/v2/signin?tk=XXX",
                "expiryLink": "2023-04-04 10:51:47", "paymentCode": null,
                "processingTime": 0.257188081741333}"#,
        )
        .expect("doc 002's answer parses");
        assert_eq!(answer.response_code, CODE_SUCCESS);
        assert_eq!(answer.processing_time.as_deref(), Some("0.257188081741333"));
    }
}
