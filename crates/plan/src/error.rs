//! The crate's one error type.

use rust_decimal::Decimal;

use crate::{Money, PaymentType};

/// Everything that can go wrong while parsing money, loading a pricing table or pricing a plan.
///
/// Variants carry the offending data so callers can build their own messages; the
/// `Display` text is safe to show to a merchant (it never contains secrets).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// A result would not fit in [`Money::MAX`] (or in a `Decimal`).
    #[error("amount overflow while computing {operation}")]
    Overflow {
        /// What was being computed, e.g. `"Money::checked_add"`.
        operation: &'static str,
    },
    /// Money cannot be negative (a refund or a discount is a separate, positive amount).
    #[error("amount {value} is negative")]
    Negative {
        /// The rejected value.
        value: Decimal,
    },
    /// Kredivo forbids fractions of a rupiah in requests.
    #[error("amount {value} is not a whole number of rupiah")]
    Fractional {
        /// The rejected value.
        value: Decimal,
    },
    /// Text that is not an amount at all.
    #[error("\"{input}\" is not a valid amount")]
    Invalid {
        /// The rejected text (truncated to 64 characters so logs stay small).
        input: String,
    },
    /// The pricing table has no rule for this payment type, or the amount is outside its bounds.
    #[error("payment type {payment_type} is not offered for an amount of {amount}")]
    NotEligible {
        /// The payment type asked for.
        payment_type: PaymentType,
        /// The amount asked for.
        amount: Money,
    },
    /// A pricing table that would produce nonsense (zero tenure, minimum above maximum, …).
    #[error("invalid pricing rule for {payment_type}: {reason}")]
    InvalidTable {
        /// The payment type of the offending rule.
        payment_type: PaymentType,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A plan whose figures contradict each other (zero tenure, down payment above principal, …).
    #[error("inconsistent plan for {payment_type}: {reason}")]
    InvalidPlan {
        /// The payment type of the offending plan.
        payment_type: PaymentType,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl PlanError {
    /// An [`PlanError::Invalid`] that keeps at most 64 characters of the input.
    pub(crate) fn invalid(input: &str) -> Self {
        PlanError::Invalid {
            input: input.chars().take(64).collect(),
        }
    }
}
