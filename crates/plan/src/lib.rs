//! Exact money and installment plans for Kredivo, shared by the browser widget (wasm32)
//! and the native servers.
//!
//! Everything here is plain Rust on [`rust_decimal`]: no I/O, no floats, no web or server
//! crates, so the same figures come out in the browser, the proxy and the sandbox.
//!
//! - [`Money`]: a whole, non-negative rupiah amount; an invalid one cannot be built.
//! - [`PaymentType`], [`TransactionStatus`], [`FraudStatus`]: forward-compatible provider enums.
//! - [`format_money`], [`Locale`]: `Rp 2.400.000` / `IDR 2,400,000`.
//! - [`PricingTable`] → [`Plan`] → [`Plan::schedule`]: pricing as data, exact plans.
//! - [`Cart`], [`validate_order`]: carts whose lines sum to the amount, every problem at once.
//! - [`wire::kredivo`]: Kredivo Checkout API v2 JSON, tolerant on input.
//! - [`PlanError`]: the one error type.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod cart;
mod display;
mod error;
pub mod money;
mod payment_type;
mod plan;
mod pricing;
mod string_enum;
pub mod wire;

pub use cart::{
    check_phone, validate_order, Cart, FieldError, ItemKind, LineItem, Problem, ValidOrder,
    ValidationErrors, MAX_EMAIL_CHARS, MAX_NAME_CHARS, MAX_ORDER_ID_CHARS, MAX_PHONE_DIGITS,
    MAX_PRICE_DIGITS, MAX_QUANTITY,
};
pub use display::{format_money, parse_money_display, Locale};
pub use error::PlanError;
pub use money::Money;
pub use payment_type::{FraudStatus, PaymentType, TransactionStatus};
pub use plan::{CreditLimits, Installment, Installments, Plan, PlanParts};
pub use pricing::{
    InterestModel, PricingRule, PricingTable, PromoRate, Rounding, RoundingMode, ServiceFee,
    MAX_TENURE_MONTHS,
};
