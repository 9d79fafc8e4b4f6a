//! QR checkout (doc 000, "Initiate QR Checkout"): `POST …/init_checkout` puts an order on a
//! POS screen as a QR code; the shopper scans it with the Kredivo app and pays there. The
//! status, confirmation (`/v2/update`), push and cancel of a QR transaction are the ordinary
//! ones of [`super::status`].
//!
//! UNCONFIRMED (doc 000 shows only `{HOST}/{endpoint}/v1/qr/{id}` for the image): the path
//! `/offline/v1/init_checkout`, and `expiration_time`, which doc 000 documents for
//! `checkout_url` only; the proxy sends it (the sandbox honours it) and does not rely on it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{ServerKey, WireItem, WireTime};

/// Path of QR `init_checkout` after the Kredivo base URL (UNCONFIRMED, see the module docs).
pub const INIT_CHECKOUT_PATH: &str = "/offline/v1/init_checkout";

/// `source` of a QR checkout; doc 000: "Default value is QR".
pub const SOURCE_QR: &str = "QR";

/// Body of QR `init_checkout`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitCheckoutRequest {
    /// The merchant's server key.
    pub server_key: ServerKey,
    /// The transaction amount (items, fees added, `discount` subtracted).
    #[serde(with = "kredivo_plan::decimal")]
    pub amount: Decimal,
    /// [`SOURCE_QR`]. Optional when read (the sandbox answers a missing one like Kredivo's
    /// default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The merchant's order id.
    pub order_id: String,
    /// The outlet, e.g. `KFCSenayanCity` (doc 000: required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_merchant_id: Option<String>,
    /// Where Kredivo pushes status changes.
    pub push_uri: String,
    /// The items (doc 000's "Detail QR Item": `id` and `type` optional).
    pub items: Vec<WireItem>,
    /// Epoch seconds after which the QR can no longer be paid (UNCONFIRMED for QR).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_time: Option<WireTime>,
}

/// Successful answer of QR `init_checkout`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitCheckoutResponse {
    /// `"OK"`.
    #[serde(alias = "Status")]
    pub status: String,
    /// The QR code image URL to show on the POS (`{HOST}/{endpoint}/v1/qr/{transaction_id}`).
    pub qr_image: String,
    /// Kredivo's transaction id.
    pub transaction_id: String,
    /// Free text, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_000_qr_example_round_trips() {
        let body = r#"{"server_key":"8tLHIx8V0N6KtnSpS9Nbd6zROFFJH7","amount":75000,"source":"QR",
            "order_id":"548tIt83saeN","sub_merchant_id":"KFCSenayanCity",
            "push_uri":"https://www.merchantmoka.com/notify",
            "items":[{"id":"001","name":"Nasi Capcay Seafood","price":50000,"type":"Food","quantity":1},
                     {"id":"002","name":"Cappuccino","price":25000,"type":"Drink","quantity":1}]}"#;
        let req: InitCheckoutRequest = serde_json::from_str(body).expect("doc 000 body");
        assert_eq!(req.amount, Decimal::from(75_000));
        assert_eq!(req.items.len(), 2);
        assert_eq!(req.sub_merchant_id.as_deref(), Some("KFCSenayanCity"));
        let answer: InitCheckoutResponse = serde_json::from_str(
            r#"{"status":"OK","qr_image":"https://h/kredivo/v1/qr/6a64","transaction_id":"6a64"}"#,
        )
        .expect("doc 000 answer");
        assert_eq!(answer.transaction_id, "6a64");
    }
}
