//! Exact money and installment plans for Kredivo, shared by the browser widget (wasm32)
//! and the native servers.
//!
//! Everything here is plain Rust on [`rust_decimal`]: no I/O, no floats, no web or server
//! crates, so the browser, the proxy and the sandbox compute the same rupiah.
//!
//! - [`Money`]: a whole, non-negative rupiah amount; an invalid one cannot be built.
//! - [`PaymentType`], [`TransactionStatus`], [`FraudStatus`]: forward-compatible provider enums.
//! - [`PricingTable`] → [`Plan`] → [`Plan::schedule`]: pricing as data, exact plans.
//! - [`Cart`], [`validate_order`]: carts whose lines sum to the amount, every problem at once.
//! - [`format_money`], [`Locale`]: `Rp 2.400.000` / `IDR 2,400,000`, "Bayar dalam 3 bulan".
//! - [`wire::kredivo`]: Kredivo Checkout API v2 JSON, tolerant on input.
//! - [`PlanError`]: the one error type.
//!
//! ```
//! use kredivo_plan::{format_money, Locale, Money, PricingTable};
//!
//! let table = PricingTable::kredivo_reference();
//! let price = Money::parse("2400000")?;
//! for plan in table.plans(price) {
//!     println!(
//!         "{}: {} × {}",
//!         plan.label(Locale::Id),
//!         plan.tenure_months(),
//!         format_money(plan.monthly_installment(), Locale::Id),
//!     );
//! }
//! // A badge: "from Rp 248.050/month".
//! let cheapest = table.cheapest_monthly(price).expect("2.4M is eligible");
//! assert_eq!(format_money(cheapest, Locale::Id), "Rp 248.050");
//! # Ok::<(), kredivo_plan::PlanError>(())
//! ```
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
