//! The only place the simulator touches the plan crate's calculator and order validation,
//! so a change in their API is a change here.

use kredivo_plan::{Money, PaymentType, PricingTable, Problem, ValidationErrors};
use kredivo_providers::kredivo::{validate_cart, WireItem, WirePaymentType};
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

/// Kredivo's error for the first problem the plan crate's validation found (all of them
/// are logged). Blank required values read "Field … is REQUIRED.", anything else
/// "Field … is INCORRECT (why)." `strip` removes a path prefix that does not exist in this
/// body (QR checkout has `amount` and `items` at the top level).
pub(crate) fn validation_error(errors: &ValidationErrors, strip: &str) -> ApiError {
    tracing::debug!(%errors, "request failed validation");
    match errors.errors().first() {
        Some(first) => {
            let path = first.path.strip_prefix(strip).unwrap_or(&first.path);
            match first.problem {
                Problem::Empty => ApiError::required(path),
                ref other => ApiError::new(format!("Field {path} is INCORRECT ({other}).")),
            }
        }
        None => ApiError::new("Request is INCORRECT."),
    }
}

/// Validates a QR checkout's cart with the plan crate's rules (through
/// `kredivo_providers::kredivo::validate_cart`) and returns the amount.
pub(crate) fn validate_qr_cart(
    order_id: &str,
    amount: Decimal,
    items: &[WireItem],
) -> Result<Money, ApiError> {
    validate_cart(order_id, amount, items, &[])
        .map(|order| order.amount())
        .map_err(|errors| validation_error(&errors, "transaction_details."))
}
