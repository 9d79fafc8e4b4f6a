//! The only place the simulator touches the plan crate's calculator and cart validation,
//! so a change in their API is a change here.

use kredivo_plan::wire::kredivo::{WireItem, WirePaymentType};
use kredivo_plan::{Money, PaymentType, PricingTable};
use rust_decimal::Decimal;

use super::reply::ApiError;

/// Payment types offered for `amount`, in the wire shape of `/v2/payments`.
pub(crate) fn offers(table: &PricingTable, amount: Money) -> Vec<WirePaymentType> {
    table
        .plans(amount)
        .iter()
        .map(WirePaymentType::from)
        .collect()
}

/// The offer for one payment type, if the table offers it for `amount`.
pub(crate) fn offer(
    table: &PricingTable,
    amount: Money,
    payment_type: &PaymentType,
) -> Option<WirePaymentType> {
    offers(table, amount)
        .into_iter()
        .find(|p| &p.id == payment_type)
}

/// Validates a cart the way Kredivo does (items sum to the amount, discounts subtracted,
/// sane prices and quantities) and returns the amount. `prefix` is the JSON path of the
/// object holding `amount` and `items` (`transaction_details.` or empty).
pub(crate) fn validate_cart(
    amount: Decimal,
    items: &[WireItem],
    prefix: &str,
) -> Result<Money, ApiError> {
    // INTERIM until kredivo-plan publishes `validate_order`: only the amount is checked
    // (whole, non-negative rupiah); the items' sum is not compared yet.
    let _ = items;
    Money::try_from(amount).map_err(|_| ApiError::incorrect(&format!("{prefix}amount")))
}
