//! TEMPORARY STUB until kredivo-plan publishes PricingTable and validate_order.
use kredivo_plan::wire::kredivo::{WireItem, WirePaymentType};
use kredivo_plan::{Money, PaymentType};
use rust_decimal::Decimal;

use super::reply::ApiError;

/// stub
#[derive(Debug, Clone, Default)]
pub struct PricingTable;
impl PricingTable {
    /// stub
    pub fn kredivo_reference() -> Self {
        PricingTable
    }
}

pub(crate) fn offers(_table: &PricingTable, amount: Money) -> Vec<WirePaymentType> {
    [PaymentType::ThirtyDays, PaymentType::ThreeMonths]
        .into_iter()
        .map(|id| WirePaymentType {
            name: id.label(kredivo_plan::Locale::Id).into_owned(),
            tenure: id.tenure_months().unwrap_or(1) as i64,
            id,
            amount,
            installment_amount: amount,
            monthly_installment: amount,
            rate: Decimal::ZERO,
            down_payment: Money::ZERO,
            discounted_monthly_installment: Money::ZERO,
            interest_rate_transition_term: None,
            raw_amount: None,
            raw_monthly_installment: None,
            service_fee: None,
            service_fee_percentage: None,
            interest_rate: None,
            discount_interest_rate: None,
            mdr: None,
        })
        .collect()
}

pub(crate) fn offer(
    table: &PricingTable,
    amount: Money,
    payment_type: &PaymentType,
) -> Option<WirePaymentType> {
    offers(table, amount)
        .into_iter()
        .find(|p| &p.id == payment_type)
}

pub(crate) fn validate_cart(
    amount: Decimal,
    _items: &[WireItem],
    prefix: &str,
) -> Result<Money, ApiError> {
    Money::try_from(amount).map_err(|_| ApiError::incorrect(&format!("{prefix}amount")))
}
