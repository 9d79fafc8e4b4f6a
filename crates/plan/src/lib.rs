//! Exact money and installment plans for Kredivo, shared by the browser widget (wasm32)
//! and the native servers.
//!
//! Everything here is plain Rust on [`rust_decimal`]: no I/O, no floats, no web or server
//! crates, so the browser, the proxy and the sandbox compute the same rupiah.
//!
//! - [`Money`]: a whole, non-negative rupiah amount; an invalid one cannot be built.
//! - [`PaymentType`]: Kredivo's payment types, forward compatible ([`open_enum!`]).
//! - [`PricingTable`] → [`Plan`] → [`Plan::schedule`]: pricing as data, exact plans.
//! - [`order`]: a whole order as stated ([`OrderDraft`]: lines, fees, customer, addresses,
//!   sellers) validated into a [`ValidOrder`] and a [`Cart`], every problem at once with its
//!   field path.
//! - [`format_money`], [`Locale`]: `Rp 2.400.000` / `IDR 2,400,000`, "Bayar dalam 3 bulan".
//! - [`decimal`]: serde for raw decimals written as numbers or strings.
//! - [`PlanError`]: the one error type.
//!
//! No provider's wire format lives here: Kredivo's and the aggregators' JSON is in
//! `kredivo-providers`, which builds on these types.
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
pub mod decimal;
mod display;
mod error;
pub mod money;
mod open_enum;
pub mod order;
mod payment_type;
mod plan;
mod pricing;

pub use cart::{Cart, ItemKind, LineItem};
pub use display::{format_money, parse_money_display, Locale};
pub use error::PlanError;
pub use money::Money;
pub use order::{
    check_phone, validate_order, AddressDraft, CustomerDraft, FieldError, LineDraft, OrderDraft,
    OrderPaths, OrderRules, Problem, SellerDraft, ValidOrder, ValidationErrors, MAX_EMAIL_CHARS,
    MAX_NAME_CHARS, MAX_ORDER_ID_CHARS, MAX_PHONE_DIGITS, MAX_PRICE_DIGITS, MAX_QUANTITY,
};
pub use payment_type::PaymentType;
pub use plan::{CreditLimits, Installment, Installments, Plan, PlanParts};
pub use pricing::{
    InterestModel, PricingRule, PricingTable, PromoRate, Rounding, RoundingMode, ServiceFee,
    MAX_TENURE_MONTHS,
};

/// What [`open_enum!`] expands to needs; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
}
