//! The merchant's server ↔ proxy protocol: checkout sessions in, signed webhooks out.
//!
//! | method | path | auth | body | answer |
//! |---|---|---|---|---|
//! | POST | `/api/kredivo/v1/sessions` | `Authorization: Bearer <MERCHANT_API_KEY>`, optional `Idempotency-Key` | [`CreateSession`] | `201` [`SessionCreated`] |
//! | GET | `/api/kredivo/v1/sessions/{session_id}` | merchant key | — | [`SessionView`] |
//! | POST | `/api/kredivo/v1/qr` | merchant key | [`CreateQr`] | `201` [`crate::QrView`] |
//! | POST | the merchant's `MERCHANT_WEBHOOK_URL` | `Kredivo-Signature: t=…,v1=…` | [`WebhookEvent`] | any 2xx |
//!
//! The merchant's server states every amount; the browser only ever holds the session's
//! `client_secret`. Money is a decimal string of whole rupiah, as everywhere in this protocol.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{decimal_text, Address, Customer, OrderStatus};

/// Most item lines a session may have.
pub const MAX_SESSION_ITEMS: usize = 100;
/// Most fee and adjustment lines a session may have.
pub const MAX_SESSION_FEES: usize = 20;
/// Most sellers a marketplace session may name.
pub const MAX_SESSION_SELLERS: usize = 20;
/// Most metadata entries; keys up to 40 characters, values up to 500.
pub const MAX_METADATA_ENTRIES: usize = 20;
/// Longest a session may stay open (and its default): 24 hours, Kredivo's own default
/// transaction expiry (doc 000, `expiration_time`).
pub const MAX_SESSION_TTL_SECS: i64 = 24 * 60 * 60;
/// Shortest a session may stay open.
pub const MIN_SESSION_TTL_SECS: i64 = 60;

/// `POST /api/kredivo/v1/sessions`: the merchant's server creates a checkout.
///
/// ```json
/// {"reference": "INV-2026-0001", "amount": "598000",
///  "items": [{"id": "sku-1", "name": "Kemeja", "price": "289000", "quantity": 2,
///             "url": "https://shop.example/p/1", "type": "Fashion"}],
///  "fees": [{"id": "shippingfee", "name": "Ongkir", "price": "20000"}],
///  "customer": {"first_name": "Budi", "last_name": "Santoso", "email": "budi@example.co.id",
///               "phone": "081234567890"},
///  "shipping_address": {"first_name": "Budi", "address": "Jl. Sudirman 1", "city": "Jakarta",
///                       "postal_code": "10220", "phone": "081234567890", "country_code": "IDN"}}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateSession {
    /// The merchant's own order reference (1 to 64 of `[A-Za-z0-9._/-]`), echoed in every
    /// webhook.
    pub reference: String,
    /// The total the shopper pays: items + fees − discount, which the proxy checks.
    #[serde(with = "decimal_text")]
    pub amount: Decimal,
    /// What is bought, 1 to [`MAX_SESSION_ITEMS`] lines.
    pub items: Vec<SessionItem>,
    /// Fee and adjustment lines with Kredivo's reserved ids: `shippingfee`, `adminfee`,
    /// `taxfee`, `discount` (written positive, subtracted), `additionalfee`, `insurancefee`.
    #[serde(default)]
    pub fees: Vec<FeeLine>,
    /// Who pays.
    pub customer: Customer,
    /// Where the goods go.
    pub shipping_address: Address,
    /// Defaults to the shipping address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<Address>,
    /// Marketplace sellers (doc 000: compulsory for marketplaces).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sellers: Option<Vec<Seller>>,
    /// The merchant's own key-value pairs, stored and echoed in webhooks, never sent to the
    /// provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, String>>,
    /// Unix seconds after which the session can no longer be paid; default and maximum 24 h
    /// from now, at least 60 s from now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// Where the shopper lands after paying (on the merchant's site, host allowlisted,
    /// `https` unless loopback); `?order_id=…&session_id=…&status=…` is appended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// Where the shopper lands after cancelling at the provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_url: Option<String>,
    /// Only these payment types may be offered (`30_days`, `3_months`, …); all when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_types: Option<Vec<String>>,
    /// The merchant's own id of this shopper (1 to 64 of `[A-Za-z0-9._:@-]`, stable per
    /// customer account). With it, a shopper whose Kredivo account is tokenized for this key
    /// sees their remaining limit and pays in one click (Kredivo direct only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_user_key: Option<String>,
    /// Ask Kredivo to tokenize the shopper when this order settles, so the next purchase is
    /// one click. Needs `client_user_key`; Kredivo direct only; the proxy must have
    /// `TOKEN_ENCRYPTION_KEY`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tokenize: bool,
}

/// Most characters of a `client_user_key`.
pub const MAX_CLIENT_USER_KEY: usize = 64;

/// Whether `key` is a usable `client_user_key`: 1 to [`MAX_CLIENT_USER_KEY`] of
/// `[A-Za-z0-9._:@-]`.
pub fn is_valid_client_user_key(key: &str) -> bool {
    (1..=MAX_CLIENT_USER_KEY).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'@' | b'-'))
}

/// `POST /api/kredivo/v1/customers/{client_user_key}/connect`: link a shopper's Kredivo
/// account from the merchant's account page (doc 000 "Connect Kredivo Account").
///
/// ```json
/// {"mobile_number": "081513114262", "redirect_url": "https://shop.example/account"}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectAccount {
    /// The shopper's phone, local (`0812…`) or international (`+62812…`).
    pub mobile_number: String,
    /// Where Kredivo sends the shopper back afterwards (host allowlisted like a session's
    /// `return_url`).
    pub redirect_url: String,
    /// Optional details Kredivo may prefill.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<Customer>,
}

/// `200` answer to [`ConnectAccount`]: send the shopper's browser to `redirect_url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectStarted {
    /// The customer.
    pub client_user_key: String,
    /// Kredivo's connect page.
    pub redirect_url: String,
}

/// `GET` and `DELETE /api/kredivo/v1/customers/{client_user_key}/token`: whether the proxy
/// holds an active Kredivo token for this customer. The token itself is never shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerToken {
    /// The customer.
    pub client_user_key: String,
    /// `kredivo`.
    pub provider: String,
    /// Whether express checkout is possible with it.
    pub active: bool,
    /// Unix seconds when it was first stored.
    pub created_at: i64,
    /// Unix seconds of the last change.
    pub updated_at: i64,
    /// Unix seconds when it was deactivated (by the merchant, by the shopper from the
    /// Kredivo app, or because Kredivo no longer accepted it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivated_at: Option<i64>,
}

/// One item line of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionItem {
    /// The merchant's SKU (not one of the reserved fee ids).
    pub id: String,
    /// Product name.
    pub name: String,
    /// Price of one, whole rupiah.
    #[serde(with = "decimal_text")]
    pub price: Decimal,
    /// How many, 1 to 9999.
    pub quantity: u32,
    /// The product page on the merchant's site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Product category (Kredivo's item `type`).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub item_type: Option<String>,
    /// Product image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// `SELLER` for marketplace items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_type: Option<String>,
    /// The seller's id when `parent_type` is `SELLER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
}

/// A fee or adjustment line; its id is one of Kredivo's reserved ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeeLine {
    /// `shippingfee`, `adminfee`, `taxfee`, `discount`, `additionalfee` or `insurancefee`.
    pub id: String,
    /// What the shopper reads, e.g. `Ongkir`.
    pub name: String,
    /// Whole rupiah, positive; a `discount` is subtracted from the total.
    #[serde(with = "decimal_text")]
    pub price: Decimal,
    /// `SELLER` or `ITEM` to tie the fee to one seller or item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_type: Option<String>,
    /// The seller's or item's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
}

/// A marketplace seller (doc 000's `Seller`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Seller {
    /// The seller's id, referenced by items' `parent_id`.
    pub id: String,
    /// Shop name.
    pub name: String,
    /// Contact e-mail.
    pub email: String,
    /// The seller's page.
    pub url: String,
    /// KTP, SIM or passport number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_id: Option<String>,
    /// Residential address.
    pub address: Address,
}

/// `201` answer to [`CreateSession`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionCreated {
    /// The session's id (`ses_…`), for the merchant's server.
    pub session_id: String,
    /// The only thing the browser gets: `data-session="<client_secret>"`. Unguessable
    /// (≥ 128 bits) and stored by the proxy only as a hash, so it is shown once.
    pub client_secret: String,
    /// The amount, as checked.
    #[serde(with = "decimal_text")]
    pub amount: Decimal,
    /// `IDR`.
    pub currency: String,
    /// Unix seconds.
    pub expires_at: i64,
    /// The payment types this session may be paid with.
    pub payment_types: Vec<String>,
}

/// Where a session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// Not checked out yet, not expired.
    Open,
    /// The shopper checked out: see its order.
    CheckedOut,
    /// Expired before anyone checked out.
    Expired,
}

/// `GET /api/kredivo/v1/sessions/{session_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    /// The session's id.
    pub session_id: String,
    /// The merchant's reference.
    pub reference: String,
    /// The amount.
    #[serde(with = "decimal_text")]
    pub amount: Decimal,
    /// `IDR`.
    pub currency: String,
    /// Unix seconds.
    pub expires_at: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Where the session stands.
    pub status: SessionStatus,
    /// The order made from it, once checked out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<WebhookOrder>,
}

/// What a webhook says happened (`type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub enum WebhookEventType {
    /// The provider has the transaction; the shopper has not finished.
    #[serde(rename = "order.pending")]
    Pending,
    /// Paid, confirmed with the provider: ship the goods.
    #[serde(rename = "order.settled")]
    Settled,
    /// The provider declined.
    #[serde(rename = "order.denied")]
    Denied,
    /// Cancelled, in full or (`data.cancellation.partial`) in part.
    #[serde(rename = "order.cancelled")]
    Cancelled,
    /// Refunded in full by an aggregator.
    #[serde(rename = "order.refunded")]
    Refunded,
    /// Not paid in time.
    #[serde(rename = "order.expired")]
    Expired,
}

impl WebhookEventType {
    /// The wire name, e.g. `order.settled`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "order.pending",
            Self::Settled => "order.settled",
            Self::Denied => "order.denied",
            Self::Cancelled => "order.cancelled",
            Self::Refunded => "order.refunded",
            Self::Expired => "order.expired",
        }
    }

    /// The event an order status change announces; `None` for `created` (nothing to tell).
    pub fn for_status(status: OrderStatus) -> Option<Self> {
        Some(match status {
            OrderStatus::Created => return None,
            OrderStatus::Pending => Self::Pending,
            OrderStatus::Settled => Self::Settled,
            OrderStatus::Denied => Self::Denied,
            OrderStatus::Expired => Self::Expired,
            OrderStatus::Cancelled => Self::Cancelled,
            OrderStatus::Refunded => Self::Refunded,
        })
    }
}

/// The body of every webhook `POST`, signed with `Kredivo-Signature: t=<unix seconds>,v1=<hex
/// HMAC-SHA256 of "t.body" with MERCHANT_WEBHOOK_SECRET>`. Delivered at least once: dedupe by
/// `id`. Events of one order are delivered in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEvent {
    /// Unique per event (`evt_…`); a redelivery carries the same id.
    pub id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub event_type: WebhookEventType,
    /// Unix seconds when the state changed.
    pub created: i64,
    /// The order after the change.
    pub data: WebhookOrder,
}

/// An order as webhooks and the session view report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookOrder {
    /// The proxy's order id (also the provider's `order_id`).
    pub order_id: String,
    /// The session it was made from (absent for catalogue-mode orders).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// The merchant's reference (absent for catalogue-mode orders).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Where the order stands now.
    pub status: OrderStatus,
    /// The order's amount.
    #[serde(with = "decimal_text")]
    pub amount: Decimal,
    /// Cancelled or refunded so far.
    #[serde(with = "decimal_text")]
    pub cancelled_amount: Decimal,
    /// `IDR`.
    pub currency: String,
    /// The plan the shopper chose.
    pub payment_type: String,
    /// `kredivo`, `doku`, `midtrans`, `xendit` or `finpay`.
    pub gateway: String,
    /// The provider's transaction id, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// The session's metadata, as the merchant sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, String>>,
    /// For `order.cancelled` and `order.refunded`: this cancellation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancellation: Option<Cancellation>,
    /// `QR` for a QR checkout on a POS ([`CreateQr`]); absent for the web checkout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One cancellation or refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cancellation {
    /// How much this cancellation took back.
    #[serde(with = "decimal_text")]
    pub amount: Decimal,
    /// Whether part of the order stays paid.
    pub partial: bool,
}

/// `POST /api/kredivo/v1/qr`: the merchant's POS server starts a QR checkout (doc 000,
/// "Initiate QR Checkout"). The proxy adds the lines up: there is no amount to send.
///
/// ```json
/// {"order_id": "POS-0001", "sub_merchant_id": "KFCSenayanCity", "expires_in_seconds": 900,
///  "items": [{"id": "001", "name": "Nasi Capcay Seafood", "price": "50000", "quantity": 2,
///             "type": "Food"}],
///  "fees": [{"id": "taxfee", "name": "PB1", "price": "50000"}], "language": "id"}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateQr {
    /// The merchant's order id (1 to 64 of `[A-Za-z0-9._/-]`); generated when absent. The same
    /// id with the same body returns the same QR (a retry); with another body it is a 409.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// What is bought, 1 to [`MAX_SESSION_ITEMS`] lines (the same shape and rules as a
    /// session's items).
    pub items: Vec<SessionItem>,
    /// Fee and adjustment lines with Kredivo's reserved ids (`discount` is subtracted), as in
    /// a session.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fees: Vec<FeeLine>,
    /// The outlet (doc 000's `sub_merchant_id`, e.g. `KFCSenayanCity`, 1 to 64 of
    /// `[A-Za-z0-9._-]`); defaults to `KREDIVO_SUB_MERCHANT_ID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_merchant_id: Option<String>,
    /// How long the code can be paid, [`crate::QR_MIN_TTL_SECS`] to
    /// [`crate::QR_MAX_TTL_SECS`]; default [`crate::QR_DEFAULT_TTL_SECS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_seconds: Option<i64>,
    /// `id` (default) or `en`: the POS screen's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_documented_session_body_parses_with_nulls_for_the_optional_fields() {
        let body = json!({"reference": "INV-2026-0001", "amount": "598000",
           "items": [{"id": "sku-1", "name": "Kemeja", "price": "289000", "quantity": 2, "url": "https://shop.example/p/1", "type": "Fashion"}],
           "fees": [{"id": "shippingfee", "name": "Ongkir", "price": "20000"}],
           "customer": {"first_name": "Budi", "last_name": "Santoso", "email": "budi@example.co.id", "phone": "081234567890"},
           "shipping_address": {"first_name": "Budi", "address": "Jl. Sudirman 1", "city": "Jakarta", "postal_code": "10220", "phone": "081234567890", "country_code": "IDN"},
           "billing_address": null, "sellers": null, "metadata": null, "expires_at": null, "return_url": null, "cancel_url": null, "payment_types": null});
        let s: CreateSession = serde_json::from_value(body).unwrap();
        assert_eq!(s.amount, Decimal::from(598_000));
        assert_eq!(s.items[0].item_type.as_deref(), Some("Fashion"));
        assert_eq!(s.fees[0].price, Decimal::from(20_000));
        assert_eq!(s.billing_address, None);
        assert_eq!(s.customer.last_name.as_deref(), Some("Santoso"));
    }

    #[test]
    fn webhook_events_use_dotted_type_names_and_string_money() {
        let e = WebhookEvent {
            id: "evt_1".into(),
            event_type: WebhookEventType::Settled,
            created: 1_700_000_000,
            data: WebhookOrder {
                order_id: "KD-1".into(),
                session_id: Some("ses_1".into()),
                reference: Some("INV-1".into()),
                status: OrderStatus::Settled,
                amount: Decimal::from(598_000),
                cancelled_amount: Decimal::ZERO,
                currency: "IDR".into(),
                payment_type: "3_months".into(),
                gateway: "kredivo".into(),
                transaction_id: None,
                metadata: None,
                cancellation: None,
                source: None,
            },
        };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["type"], json!("order.settled"));
        assert_eq!(v["data"]["amount"], json!("598000"));
        assert_eq!(
            serde_json::from_value::<WebhookEvent>(v).unwrap(),
            e,
            "round trip"
        );
        for status in OrderStatus::ALL {
            if let Some(t) = WebhookEventType::for_status(status) {
                assert_eq!(
                    serde_json::to_value(t).unwrap(),
                    json!(t.as_str()),
                    "{status:?}"
                );
            }
        }
    }
}
