//! What the store keeps about a QR checkout ([`crate::orders::qr`]): one row per QR order,
//! next to the order itself (whose `source` is `QR`).

use serde::Serialize;

/// The `source` of a QR order.
pub const SOURCE_QR: &str = "QR";

/// A QR checkout as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QrRecord {
    /// The POS screen's handle (`qr_…`, 128 random bits): whoever holds it may watch and
    /// cancel this QR, nothing else.
    pub qr_id: String,
    /// The order it shows.
    pub order_id: String,
    /// SHA-256 (hex) of the create request; a retry with another body is refused.
    pub request_hash: String,
    /// The outlet sent to the provider (doc 000's `sub_merchant_id`).
    pub sub_merchant_id: String,
    /// `id` or `en`: the POS screen's language.
    pub language: String,
    /// The provider's QR image URL, once the provider answered.
    pub qr_image: Option<String>,
    /// The image itself, once fetched (a transaction's code never changes).
    #[serde(skip)]
    pub svg: Option<String>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms after which the code can no longer be paid.
    pub expires_at: i64,
}

/// The result of [`super::Store::insert_qr`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrInsert {
    /// Stored: the order (source `QR`), its lines, its `created` event and the QR row.
    Inserted,
    /// This order id already has a QR (compare `request_hash`).
    Existing(Box<QrRecord>),
    /// This order id is taken by an order that is not a QR checkout.
    OrderIdTaken,
}
