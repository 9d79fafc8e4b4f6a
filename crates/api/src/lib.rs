//! The JSON protocol between the checkout widget and the merchant's backend proxy.
//!
//! This is a product interface: a merchant whose backend is PHP or Node implements these
//! four endpoints from the README alone, so every type here is small, flat and documented.
//! The widget never talks to a provider and never decides an amount; the proxy prices every
//! cart from its own catalogue.
//!
//! | method | path | body | answer |
//! |---|---|---|---|
//! | POST | `/api/kredivo/v1/payment-types` | [`PaymentTypesRequest`] | [`PaymentTypesResponse`] |
//! | GET | `/api/kredivo/v1/pricing` | — | the pricing table (see `kredivo_plan::PricingTable`) |
//! | POST | `/api/kredivo/v1/checkout` | [`CheckoutRequest`] | [`CheckoutResponse`] |
//! | GET | `/api/kredivo/v1/orders/{order_id}` | — | [`OrderView`] |
//! | GET | `/api/kredivo/v1/qr/{qr_id}` | — | [`QrView`] |
//! | GET | `/api/kredivo/v1/qr/{qr_id}/image.svg` | — | the QR code, `image/svg+xml` |
//! | POST | `/api/kredivo/v1/qr/{qr_id}/cancel` | — | [`QrView`] |
//!
//! Every failure answers with a non-2xx status and an [`ErrorBody`]. The merchant's server
//! talks to the proxy through [`merchant`]: checkout sessions in, signed webhooks out.
//!
//! Money travels as decimal strings of whole rupiah (`"2400000"`), never as JSON numbers, so
//! no JavaScript float ever touches an amount.
#![deny(missing_docs)]

pub mod merchant;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Serde for decimals as text (`"2400000"`, `"2.95"`): `Decimal`'s `Display` and
/// [`kredivo_plan::decimal::parse_exact`] (plain decimal text only).
///
/// Not `rust_decimal::serde::str`, whose reader also tries scientific notation (`"2.4e6"`),
/// which no proxy sends and which costs the browser widget kilobytes of wasm.
pub(crate) mod decimal_text {
    use core::fmt;

    use rust_decimal::Decimal;
    use serde::{de, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        deserializer.deserialize_str(Text)
    }

    struct Text;

    impl de::Visitor<'_> for Text {
        type Value = Decimal;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a decimal number as a string")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
            kredivo_plan::decimal::parse_exact(v)
                .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }

    /// The same for `Option<Decimal>` (`null` is `None`); pair it with `#[serde(default)]`.
    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(
            value: &Option<Decimal>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => serializer.collect_str(v),
                None => serializer.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Decimal>, D::Error> {
            deserializer.deserialize_option(Maybe)
        }

        struct Maybe;

        impl<'de> de::Visitor<'de> for Maybe {
            type Value = Option<Decimal>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal number as a string, or null")
            }

            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }

            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                super::deserialize(d).map(Some)
            }
        }
    }
}

/// Path prefix of the versioned widget API.
pub const API_PREFIX: &str = "/api/kredivo/v1";

/// Most lines a cart may have; the proxy rejects longer carts with `invalid_cart`.
pub const MAX_CART_LINES: usize = 100;

/// Largest quantity of one line (Kredivo allows at most 4 digits).
pub const MAX_QUANTITY: u32 = 9_999;

/// One line of a cart as the browser knows it: a product id from the merchant's catalogue
/// and a quantity. Prices are never sent by the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartLine {
    /// The merchant's product (or variant) id, e.g. `"batik-parang-m"`.
    pub product_id: String,
    /// How many, 1 to [`MAX_QUANTITY`].
    pub quantity: u32,
}

/// `POST /api/kredivo/v1/payment-types`: what may this shopper pay with Kredivo?
///
/// Exactly one of `session` (a checkout session the merchant's server created), `cart`,
/// `cart_id` (catalogue checkout) or `amount` (a product badge's breakdown) is set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentTypesRequest {
    /// A checkout session's client secret (`data-session`): the plans for exactly that
    /// session's amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// The cart, priced by the proxy from its catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cart: Option<Vec<CartLine>>,
    /// A server-side cart reference (the merchant keeps the cart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cart_id: Option<String>,
    /// A bare amount in rupiah, for badges and product pages.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "decimal_text::option"
    )]
    pub amount: Option<Decimal>,
}

/// The payment types on offer for one priced amount.
///
/// Compiled for wasm32 (the browser widget), the fields the widget does not read — the
/// currency (always IDR), each plan's provider label (the widget words its own) and `express`
/// (the checkout's own answer says it went one click) — are `skip_deserializing` and keep
/// their defaults: a reader for each cost the checkout bundle about 65 bytes brotli.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentTypesResponse {
    /// The amount the proxy priced (whole rupiah); for a cart this is the order total.
    #[serde(with = "decimal_text")]
    pub amount: Decimal,
    /// Always `"IDR"`.
    #[cfg_attr(target_arch = "wasm32", serde(skip_deserializing))]
    pub currency: String,
    /// `true` when the figures come from the configured pricing table rather than from the
    /// provider (aggregators that publish no plans): the widget says "estimate".
    pub estimate: bool,
    /// Eligible plans, shortest tenure first. Empty when the amount is outside every plan's
    /// range; the widget then explains instead of failing.
    pub plans: Vec<PlanView>,
    /// `true` when the checkout will be one click: the session's shopper has an active
    /// Kredivo token (tokenisation) and no sign-in at Kredivo is needed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(target_arch = "wasm32", serde(skip_deserializing))]
    pub express: bool,
}

/// One installment plan as the widget shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanView {
    /// Kredivo's payment type id: `30_days`, `3_months`, `6_months`, `12_months`, …
    pub payment_type: String,
    /// Number of monthly installments (1 for `30_days`).
    pub tenure_months: u32,
    /// The provider's label, e.g. `"Bayar dalam 3 bulan"`; the widget localises its own.
    #[cfg_attr(target_arch = "wasm32", serde(skip_deserializing))]
    pub name: String,
    /// Amount due each month.
    #[serde(with = "decimal_text")]
    pub monthly_installment: Decimal,
    /// Total repaid over the whole plan.
    #[serde(with = "decimal_text")]
    pub total: Decimal,
    /// Interest over the whole plan (total − principal − fees).
    #[serde(with = "decimal_text")]
    pub interest: Decimal,
    /// Service fee over the whole plan.
    #[serde(with = "decimal_text")]
    pub service_fee: Decimal,
    /// Paid up front, 0 for most plans.
    #[serde(with = "decimal_text")]
    pub down_payment: Decimal,
    /// The provider's displayed rate in percent (its exact meaning is unconfirmed).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "decimal_text::option"
    )]
    pub rate: Option<Decimal>,
    /// Promotional monthly installment for the first [`PlanView::promo_months`] months.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "decimal_text::option"
    )]
    pub discounted_monthly_installment: Option<Decimal>,
    /// How many months the promotional installment lasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promo_months: Option<u32>,
    /// What the promotion saves over the whole plan, computed by the proxy (the widget shows
    /// it and never works it out itself).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "decimal_text::option"
    )]
    pub promo_discount: Option<Decimal>,
    /// The tokenised shopper's remaining Kredivo limit for this payment type (from Kredivo's
    /// credit details); absent for a shopper the proxy knows nothing about.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "decimal_text::option"
    )]
    pub remaining_limit: Option<Decimal>,
    /// Whether that limit covers the plan (`kredivo_plan::Plan::fits_limit`, decided by the
    /// proxy); `Some(false)` is a plan the widget shows but does not let the shopper choose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_limit: Option<bool>,
    /// Where this plan's month-by-month schedule is drawn: the proxy's absolute URL
    /// (`https://…/api/kredivo/v1/schedule?payment_type=…`), which the widget frames with
    /// `&locale=` added; the theme reaches the document through the frame's color-scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_url: Option<String>,
}

/// `POST /api/kredivo/v1/checkout`: start paying this cart with this plan.
///
/// Exactly one of `session` (the client secret of a session the merchant's server created),
/// `cart` or `cart_id` (catalogue mode) is set. Any amount a browser adds is ignored: the
/// order's amount comes from the session or is priced by the proxy from its catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckoutRequest {
    /// A checkout session's client secret. The session names the items, fees, customer and
    /// addresses; the browser names only the plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// The cart lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cart: Option<Vec<CartLine>>,
    /// A server-side cart reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cart_id: Option<String>,
    /// The chosen payment type id, e.g. `"6_months"`.
    pub payment_type: String,
    /// Chosen by the widget once per checkout attempt (8–64 of `[A-Za-z0-9_-]`). The same key
    /// with the same cart and payment type answers with the same order and redirect, so a
    /// double click or a retry never creates a second transaction.
    pub idempotency_key: String,
    /// Catalogue mode only (ignored with a session): who pays, as the shopper typed it into
    /// the shop's checkout form. Required there; the proxy answers `invalid_request` with a
    /// field path per missing or bad field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<Customer>,
    /// Catalogue mode only (ignored with a session): where the goods go. Required there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<Address>,
}

/// Who pays (doc 000's `customer_details`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    /// Given name, 1 to 255 characters.
    pub first_name: String,
    /// Family name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// E-mail address.
    pub email: String,
    /// Indonesian phone number, local (`0812…`) or international (`+62812…`) form.
    pub phone: String,
}

/// A postal address (doc 000's `Address`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Address {
    /// Given name of the addressee.
    pub first_name: String,
    /// Family name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Street and number.
    pub address: String,
    /// City.
    pub city: String,
    /// Postal code (5 digits in Indonesia).
    pub postal_code: String,
    /// Phone of the addressee.
    pub phone: String,
    /// ISO 3166-1 alpha-3, e.g. `IDN`.
    pub country_code: String,
}

/// The answer to a checkout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckoutResponse {
    /// The merchant's order id.
    pub order_id: String,
    /// The order's state; `pending` right after checkout.
    pub status: OrderStatus,
    /// Where to send the shopper (same tab). Absent for express checkout: the widget then
    /// polls [`OrderView`] until the order settles or fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
}

/// `GET /api/kredivo/v1/orders/{order_id}`: an order as the shopper may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderView {
    /// The merchant's order id.
    pub order_id: String,
    /// Where the order stands, as confirmed with the provider.
    pub status: OrderStatus,
    /// The order total.
    #[serde(with = "decimal_text")]
    pub amount: Decimal,
    /// The chosen payment type id.
    pub payment_type: String,
}

/// The one order state machine every gateway maps onto.
///
/// `created → pending → settled | denied | expired | cancelled`; `settled → cancelled` (full
/// cancel through Kredivo) or `refunded` (full refund through an aggregator). A late
/// notification never moves an order backwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Stored, provider not yet asked.
    Created,
    /// The provider knows the transaction; the shopper has not finished.
    Pending,
    /// Paid: confirmed with the provider.
    Settled,
    /// Rejected by the provider.
    Denied,
    /// Not completed in time.
    Expired,
    /// Cancelled in full (by the shopper before paying, or by the merchant after).
    Cancelled,
    /// Paid, then refunded in full (an aggregator's word for a cancel after settlement).
    Refunded,
}

impl OrderStatus {
    /// The wire name, e.g. `"settled"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Pending => "pending",
            Self::Settled => "settled",
            Self::Denied => "denied",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
            Self::Refunded => "refunded",
        }
    }

    /// Every status, in the state machine's order.
    pub const ALL: [OrderStatus; 7] = [
        Self::Created,
        Self::Pending,
        Self::Settled,
        Self::Denied,
        Self::Expired,
        Self::Cancelled,
        Self::Refunded,
    ];

    /// Parses a wire name; `None` for a name this version does not know.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether the order can no longer change by itself (the widget stops polling).
    pub fn is_final(self) -> bool {
        !matches!(self, Self::Created | Self::Pending)
    }
}

/// The body of every error answer: `{"error": {"code": "...", "message": "..."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong, in a stable code and an English sentence safe to log or show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// A stable code; see [`ErrorCode`]. Unknown codes must be treated as `internal`.
    pub code: String,
    /// A human-readable sentence (English); the widget shows its own localised text.
    pub message: String,
    /// Field-level problems, e.g. `cart[2].quantity: must be 1 to 9999`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

/// The stable error codes of the widget API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// 400: the body is not valid JSON, or not the documented shape.
    InvalidJson,
    /// 400: a field breaks a documented limit.
    InvalidRequest,
    /// 400: the cart names a product the merchant does not sell, or breaks a cart rule.
    InvalidCart,
    /// 422: no Kredivo plan covers this amount (or this payment type).
    IneligibleAmount,
    /// 400: the tokenized shopper's remaining Kredivo limit does not cover this plan
    /// (`within_limit: false` in the payment types); another plan may fit.
    OverLimit,
    /// 404: no such order, session or endpoint.
    NotFound,
    /// 409: this checkout session already has an order (it can be paid once).
    SessionUsed,
    /// 409: this `Idempotency-Key` was used with a different request body.
    IdempotencyConflict,
    /// 410: this checkout session expired; the shop must create a new one.
    SessionExpired,
    /// 403: the request's Origin is not allowed.
    ForbiddenOrigin,
    /// 401: admin token missing or wrong.
    Unauthorized,
    /// 413: the body is too large.
    PayloadTooLarge,
    /// 429: too many requests from this address.
    RateLimited,
    /// 502: the provider answered with an error.
    UpstreamError,
    /// 504: the provider did not answer in time.
    UpstreamTimeout,
    /// 503: the provider could not be reached, or answered garbage.
    UpstreamUnavailable,
    /// 503: the merchant's proxy cannot serve right now (its database is unreachable); the
    /// answer carries `Retry-After`. Nothing was half-written.
    Unavailable,
    /// 500: a bug on the merchant's side; details are in its logs.
    Internal,
    /// 409: the order's state (or its id) does not allow this request, e.g. cancelling a QR
    /// checkout the shopper already paid (that is a refund), or an order id already used by
    /// another order.
    OrderConflict,
}

impl ErrorCode {
    /// Every code, for documentation and tests.
    pub const ALL: [ErrorCode; 19] = [
        Self::InvalidJson,
        Self::InvalidRequest,
        Self::InvalidCart,
        Self::IneligibleAmount,
        Self::OverLimit,
        Self::NotFound,
        Self::SessionUsed,
        Self::IdempotencyConflict,
        Self::SessionExpired,
        Self::ForbiddenOrigin,
        Self::Unauthorized,
        Self::PayloadTooLarge,
        Self::RateLimited,
        Self::UpstreamError,
        Self::UpstreamTimeout,
        Self::UpstreamUnavailable,
        Self::Unavailable,
        Self::Internal,
        Self::OrderConflict,
    ];

    /// The wire string, e.g. `"invalid_cart"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidJson => "invalid_json",
            Self::InvalidRequest => "invalid_request",
            Self::InvalidCart => "invalid_cart",
            Self::IneligibleAmount => "ineligible_amount",
            Self::OverLimit => "over_limit",
            Self::NotFound => "not_found",
            Self::SessionUsed => "session_used",
            Self::IdempotencyConflict => "idempotency_conflict",
            Self::SessionExpired => "session_expired",
            Self::ForbiddenOrigin => "forbidden_origin",
            Self::Unauthorized => "unauthorized",
            Self::PayloadTooLarge => "payload_too_large",
            Self::RateLimited => "rate_limited",
            Self::UpstreamError => "upstream_error",
            Self::UpstreamTimeout => "upstream_timeout",
            Self::UpstreamUnavailable => "upstream_unavailable",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
            Self::OrderConflict => "order_conflict",
        }
    }

    /// The HTTP status that carries this code.
    pub fn http_status(self) -> u16 {
        match self {
            Self::InvalidJson | Self::InvalidRequest | Self::InvalidCart | Self::OverLimit => 400,
            Self::Unauthorized => 401,
            Self::ForbiddenOrigin => 403,
            Self::NotFound => 404,
            Self::SessionUsed | Self::IdempotencyConflict | Self::OrderConflict => 409,
            Self::SessionExpired => 410,
            Self::PayloadTooLarge => 413,
            Self::IneligibleAmount => 422,
            Self::RateLimited => 429,
            Self::Internal => 500,
            Self::UpstreamError => 502,
            Self::UpstreamUnavailable | Self::Unavailable => 503,
            Self::UpstreamTimeout => 504,
        }
    }

    /// Parses a wire string; unknown codes are `None` (treat as [`ErrorCode::Internal`]).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl ErrorBody {
    /// Builds an error body.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            error: ErrorDetail {
                code: code.as_str().to_owned(),
                message: message.into(),
                details: Vec::new(),
            },
        }
    }
}

/// Checks an idempotency key: 8 to 64 characters of `[A-Za-z0-9_-]`.
pub fn is_valid_idempotency_key(key: &str) -> bool {
    (8..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Default time a QR checkout can be paid, in seconds (15 minutes: a shopper at the till,
/// not a web session; doc 000 gives no QR default).
pub const QR_DEFAULT_TTL_SECS: i64 = 900;
/// Shortest `expires_in_seconds` of a QR checkout (small, so tests can watch one expire).
pub const QR_MIN_TTL_SECS: i64 = 5;
/// Longest `expires_in_seconds` of a QR checkout.
pub const QR_MAX_TTL_SECS: i64 = 3600;

/// A QR checkout as the POS screen sees it: the `201` answer of
/// `POST /api/kredivo/v1/qr` (merchant key) and of `GET /api/kredivo/v1/qr/{qr_id}` (the
/// browser; `qr_id` is the capability).
///
/// ```json
/// {"qr_id": "qr_3kTq…", "order_id": "POS-0001", "status": "pending", "amount": "150000",
///  "currency": "IDR", "expires_at": "2026-12-03T16:15:00Z", "seconds_left": 900,
///  "language": "id", "qr_image_url": "https://shop.example/api/kredivo/v1/qr/qr_3kTq…/image.svg"}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QrView {
    /// The QR checkout's handle (`qr_…`, 128 random bits): it opens this view, the image and
    /// the cancel, nothing else.
    pub qr_id: String,
    /// The merchant's order id.
    pub order_id: String,
    /// Where the order stands, as confirmed with the provider: `pending` until the shopper
    /// pays (`settled`), the time runs out (`expired`), the cashier cancels (`cancelled`) or
    /// Kredivo refuses (`denied`).
    pub status: OrderStatus,
    /// The total the shopper pays.
    #[serde(with = "decimal_text")]
    pub amount: Decimal,
    /// `IDR`.
    pub currency: String,
    /// When the code can no longer be paid (RFC 3339, UTC).
    pub expires_at: String,
    /// Whole seconds until `expires_at`, never negative (the POS countdown).
    pub seconds_left: i64,
    /// `id` or `en`: the language the merchant asked the POS screen to speak.
    pub language: String,
    /// The QR code (SVG) to show, served by the proxy.
    pub qr_image_url: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn money_travels_as_strings_so_no_float_touches_it() {
        let r = PaymentTypesResponse {
            amount: Decimal::from(2_400_000),
            currency: "IDR".into(),
            estimate: false,
            express: false,
            plans: vec![PlanView {
                payment_type: "12_months".into(),
                tenure_months: 12,
                name: "Bayar dalam 12 bulan".into(),
                monthly_installment: Decimal::from(248_050),
                total: Decimal::from(2_976_600),
                interest: Decimal::from(576_600),
                service_fee: Decimal::ZERO,
                down_payment: Decimal::ZERO,
                rate: None,
                discounted_monthly_installment: None,
                promo_months: None,
                promo_discount: Some(Decimal::from(100_180)),
                remaining_limit: None,
                within_limit: None,
                schedule_url: None,
            }],
        };
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["amount"], json!("2400000"));
        assert_eq!(v["plans"][0]["promo_discount"], json!("100180"));
        assert_eq!(v["plans"][0]["monthly_installment"], json!("248050"));
        assert!(
            v["plans"][0].get("rate").is_none(),
            "absent options are omitted"
        );
        let back: PaymentTypesResponse = serde_json::from_value(v).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn limits_and_express_are_optional_both_ways() {
        // An answer from a proxy before tokenization (or for a shopper without a token).
        let old = json!({"amount": "2400000", "currency": "IDR", "estimate": false, "plans": [
            {"payment_type": "30_days", "tenure_months": 1, "name": "Bayar dalam 30 hari",
             "monthly_installment": "2424000", "total": "2424000", "interest": "0",
             "service_fee": "24000", "down_payment": "0"}]});
        let r: PaymentTypesResponse = serde_json::from_value(old.clone()).unwrap();
        assert!(!r.express);
        assert_eq!(r.plans[0].remaining_limit, None);
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            old,
            "nothing new is written"
        );
        let mut new = old;
        new["express"] = json!(true);
        new["plans"][0]["remaining_limit"] = json!("1500000");
        new["plans"][0]["within_limit"] = json!(false);
        let r: PaymentTypesResponse = serde_json::from_value(new.clone()).unwrap();
        assert!(r.express);
        assert_eq!(r.plans[0].remaining_limit, Some(Decimal::from(1_500_000)));
        assert_eq!(r.plans[0].within_limit, Some(false));
        assert_eq!(serde_json::to_value(&r).unwrap(), new);
        assert_eq!(ErrorCode::OverLimit.http_status(), 400);
    }

    #[test]
    fn a_badge_request_carries_only_an_amount() {
        let r: PaymentTypesRequest = serde_json::from_str(r#"{"amount":"150000"}"#).unwrap();
        assert_eq!(r.amount, Some(Decimal::from(150_000)));
        assert_eq!(r.cart, None);
    }

    #[test]
    fn amounts_are_plain_decimal_text() {
        let r: PaymentTypesRequest = serde_json::from_str(r#"{"amount":"2.50"}"#).unwrap();
        assert_eq!(r.amount, Some(Decimal::new(250, 2)));
        assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"amount":"2.50"}"#);
        let r: PaymentTypesRequest = serde_json::from_str(r#"{"amount":null}"#).unwrap();
        assert_eq!(r.amount, None);
        for bad in [r#""1.5e6""#, "1500000", r#""""#, r#""Rp 10""#] {
            let json = format!(r#"{{"amount":{bad}}}"#);
            assert!(
                serde_json::from_str::<PaymentTypesRequest>(&json).is_err(),
                "{json}"
            );
        }
    }

    #[test]
    fn every_error_code_round_trips_and_has_an_error_status() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code), "{code:?}");
            assert!(code.http_status() >= 400, "{code:?}");
        }
        assert_eq!(ErrorCode::parse("something_new"), None);
    }

    #[test]
    fn order_status_uses_snake_case_names() {
        for (s, name) in [
            (OrderStatus::Pending, "pending"),
            (OrderStatus::Settled, "settled"),
            (OrderStatus::Cancelled, "cancelled"),
        ] {
            assert_eq!(serde_json::to_value(s).unwrap(), json!(name));
            assert_eq!(s.as_str(), name);
        }
        assert!(!OrderStatus::Pending.is_final());
        assert!(OrderStatus::Denied.is_final());
    }

    #[test]
    fn idempotency_keys_have_limits() {
        for (key, ok) in [
            ("abcd1234", true),
            ("short", false),
            ("has space in it", false),
            ("k-_9ABCDEFGHIJ", true),
            (&"x".repeat(65), false),
        ] {
            assert_eq!(is_valid_idempotency_key(key), ok, "{key:?}");
        }
    }
}
