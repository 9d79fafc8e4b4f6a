//! Installment plans: what a shopper pays, month by month.

use core::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{Locale, Money, PaymentType, PlanError};

/// One priced payment type for one amount.
///
/// Built by [`crate::PricingTable::plans`] or from a provider's figures through
/// [`PlanParts`] (`kredivo-providers` converts Kredivo's `/v2/payments` entries); the constructor checks that the figures are coherent
/// (tenure 1 to 60 months, down payment ≤ principal, promotion shorter than the tenure), so
/// every `Plan` can produce a schedule.
///
/// Terms, in Kredivo's vocabulary: `principal` is `amount`; `total` is
/// `installment_amount`, the sum of every monthly installment (the down payment is paid
/// up front and is not part of it); `interest` and `service_fee` are included in `total`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PlanParts")]
pub struct Plan {
    payment_type: PaymentType,
    tenure_months: u32,
    principal: Money,
    down_payment: Money,
    monthly_installment: Money,
    total: Money,
    interest: Money,
    service_fee: Money,
    discounted_monthly_installment: Option<Money>,
    promo_months: Option<u32>,
    #[serde(with = "crate::decimal")]
    rate: Decimal,
}

/// The fields of a [`Plan`], unchecked; `Plan::try_from(parts)` checks them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanParts {
    /// The payment type.
    pub payment_type: PaymentType,
    /// Number of monthly installments (1 for `30_days`).
    pub tenure_months: u32,
    /// The transaction amount.
    pub principal: Money,
    /// Paid up front, outside the installments.
    #[serde(default)]
    pub down_payment: Money,
    /// The regular monthly installment (after any promotional months).
    pub monthly_installment: Money,
    /// Sum of all installments (Kredivo's `installment_amount`).
    pub total: Money,
    /// Interest included in `total`.
    #[serde(default)]
    pub interest: Money,
    /// Service fee included in `total`.
    #[serde(default)]
    pub service_fee: Money,
    /// Installment during the promotional months, if any.
    #[serde(default)]
    pub discounted_monthly_installment: Option<Money>,
    /// Number of promotional months, if any.
    #[serde(default)]
    pub promo_months: Option<u32>,
    /// Kredivo's display `rate` (meaning UNCONFIRMED; kept as data).
    #[serde(default, with = "crate::decimal")]
    pub rate: Decimal,
}

impl TryFrom<PlanParts> for Plan {
    type Error = PlanError;

    fn try_from(parts: PlanParts) -> Result<Plan, PlanError> {
        let invalid = |reason| PlanError::InvalidPlan {
            payment_type: parts.payment_type.clone(),
            reason,
        };
        // The upper bound keeps a provider's figure from making `schedule()` allocate
        // billions of lines.
        if parts.tenure_months == 0 || parts.tenure_months > crate::MAX_TENURE_MONTHS {
            return Err(invalid("tenure must be 1 to 60 months"));
        }
        if parts.down_payment > parts.principal {
            return Err(invalid("down payment exceeds the principal"));
        }
        match (parts.discounted_monthly_installment, parts.promo_months) {
            (None, None) => {}
            (Some(_), Some(months)) if months >= 1 && months < parts.tenure_months => {}
            _ => {
                return Err(invalid(
                    "a promotion needs both its installment and 1..tenure months",
                ))
            }
        }
        Ok(Plan {
            payment_type: parts.payment_type,
            tenure_months: parts.tenure_months,
            principal: parts.principal,
            down_payment: parts.down_payment,
            monthly_installment: parts.monthly_installment,
            total: parts.total,
            interest: parts.interest,
            service_fee: parts.service_fee,
            discounted_monthly_installment: parts.discounted_monthly_installment,
            promo_months: parts.promo_months,
            rate: parts.rate,
        })
    }
}

impl Plan {
    /// A plan from a compiled pricing rule, without `TryFrom<PlanParts>`'s checks, which
    /// `PricingTable::new` already made of the rule: its tenure is 1 to 60, its down
    /// payment a fraction below 1 of the principal (so, rounded, at most the principal), its
    /// promotion shorter than the tenure, and pricing sets the promotional installment and
    /// months together. This is the pricing hot path, and the checks and the extra move
    /// through `PlanParts` were a quarter of its time (`perf` on the plans benchmark).
    pub(crate) fn priced(parts: PlanParts) -> Plan {
        debug_assert!(
            Plan::try_from(parts.clone()).is_ok(),
            "a pricing rule made an incoherent plan: {parts:?}"
        );
        Plan {
            payment_type: parts.payment_type,
            tenure_months: parts.tenure_months,
            principal: parts.principal,
            down_payment: parts.down_payment,
            monthly_installment: parts.monthly_installment,
            total: parts.total,
            interest: parts.interest,
            service_fee: parts.service_fee,
            discounted_monthly_installment: parts.discounted_monthly_installment,
            promo_months: parts.promo_months,
            rate: parts.rate,
        }
    }
}

impl From<Plan> for PlanParts {
    fn from(plan: Plan) -> PlanParts {
        PlanParts {
            payment_type: plan.payment_type,
            tenure_months: plan.tenure_months,
            principal: plan.principal,
            down_payment: plan.down_payment,
            monthly_installment: plan.monthly_installment,
            total: plan.total,
            interest: plan.interest,
            service_fee: plan.service_fee,
            discounted_monthly_installment: plan.discounted_monthly_installment,
            promo_months: plan.promo_months,
            rate: plan.rate,
        }
    }
}

impl Plan {
    /// The payment type.
    pub fn payment_type(&self) -> &PaymentType {
        &self.payment_type
    }

    /// Number of monthly installments (1 for `30_days`).
    pub fn tenure_months(&self) -> u32 {
        self.tenure_months
    }

    /// The transaction amount (Kredivo's `amount`).
    pub fn principal(&self) -> Money {
        self.principal
    }

    /// Paid up front, outside the installments.
    pub fn down_payment(&self) -> Money {
        self.down_payment
    }

    /// What the shopper borrows: principal minus down payment.
    pub fn financed(&self) -> Money {
        // Cannot fail: the constructor checked down_payment <= principal.
        self.principal
            .checked_sub(self.down_payment)
            .unwrap_or(Money::ZERO)
    }

    /// The regular monthly installment (after any promotional months).
    pub fn monthly_installment(&self) -> Money {
        self.monthly_installment
    }

    /// Sum of all installments (Kredivo's `installment_amount`), fee and interest included.
    pub fn total(&self) -> Money {
        self.total
    }

    /// Everything the shopper pays: down payment plus installments.
    pub fn total_repaid(&self) -> Result<Money, PlanError> {
        self.down_payment.checked_add(self.total)
    }

    /// Interest included in the total.
    pub fn interest(&self) -> Money {
        self.interest
    }

    /// Service fee included in the total.
    pub fn service_fee(&self) -> Money {
        self.service_fee
    }

    /// Installment during the promotional months, if the plan has a promotion.
    pub fn discounted_monthly_installment(&self) -> Option<Money> {
        self.discounted_monthly_installment
    }

    /// Number of promotional months, if the plan has a promotion.
    pub fn promo_months(&self) -> Option<u32> {
        self.promo_months
    }

    /// What the promotion saves over the whole plan: (regular − promotional installment) ×
    /// promotional months; zero without a promotion.
    ///
    /// ```
    /// use kredivo_plan::{Money, PricingTable};
    /// let plans = PricingTable::kredivo_reference().plans(Money::from_rupiah(2_400_000));
    /// assert!(plans.iter().all(|p| p.promo_discount() == Money::ZERO));
    /// ```
    pub fn promo_discount(&self) -> Money {
        match (self.discounted_monthly_installment, self.promo_months) {
            (Some(d), Some(n)) => self
                .monthly_installment
                .checked_sub(d)
                .and_then(|per_month| per_month.checked_mul(n))
                .unwrap_or(Money::ZERO),
            _ => Money::ZERO,
        }
    }

    /// Kredivo's display `rate` (2.95 in doc 000; meaning UNCONFIRMED).
    pub fn rate(&self) -> Decimal {
        self.rate
    }

    /// The shopper-facing name: "Bayar dalam 3 bulan".
    pub fn label(&self, locale: Locale) -> std::borrow::Cow<'static, str> {
        self.payment_type.label(locale)
    }

    /// The month-by-month installments, without allocating.
    ///
    /// Months inside the promotion pay the discounted installment, later months the regular
    /// one, and **the last month absorbs the rounding remainder** so that the lines always sum
    /// exactly to [`Plan::total`]. For annuity plans priced by Kredivo's convention the total
    /// is the monthly figure times the tenure, so the last month equals the others. A line is
    /// never more than what is still owed, so no line is ever negative.
    pub fn installments(&self) -> Installments<'_> {
        Installments {
            plan: self,
            next: 1,
            remaining: self.total,
        }
    }

    /// The month-by-month schedule; the lines sum exactly to [`Plan::total`], the last month
    /// absorbing any rounding remainder (see [`Plan::installments`]).
    ///
    /// ```
    /// use kredivo_plan::{Money, PaymentType, PricingTable};
    /// let table = PricingTable::kredivo_reference();
    /// let plan = table.plan_for(Money::from_rupiah(2_400_000), &PaymentType::ThreeMonths)?;
    /// let lines = plan.schedule();
    /// assert_eq!(lines.len(), 3);
    /// assert!(lines.iter().all(|l| l.amount == Money::from_rupiah(856_290)));
    /// assert_eq!(lines[2].number, 3);
    /// # Ok::<(), kredivo_plan::PlanError>(())
    /// ```
    pub fn schedule(&self) -> Vec<Installment> {
        self.installments().collect()
    }

    /// Whether the shopper's remaining limit for this payment type covers the financed
    /// amount (principal minus down payment). Which figure Kredivo checks against the limit
    /// is UNCONFIRMED; the financed amount is what the shopper borrows.
    pub fn fits_limit(&self, limits: &CreditLimits) -> bool {
        limits
            .remaining(&self.payment_type)
            .is_some_and(|remaining| remaining >= self.financed())
    }
}

/// One month of a [`Plan::schedule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installment {
    /// 1-based month number.
    pub number: u32,
    /// Amount due that month.
    pub amount: Money,
}

/// Iterator behind [`Plan::installments`].
#[derive(Debug, Clone)]
pub struct Installments<'a> {
    plan: &'a Plan,
    next: u32,
    remaining: Money,
}

impl Iterator for Installments<'_> {
    type Item = Installment;

    fn next(&mut self) -> Option<Installment> {
        let plan = self.plan;
        if self.next > plan.tenure_months {
            return None;
        }
        let number = self.next;
        let planned = if number == plan.tenure_months {
            self.remaining
        } else {
            match (plan.promo_months, plan.discounted_monthly_installment) {
                (Some(months), Some(discounted)) if number <= months => discounted,
                _ => plan.monthly_installment,
            }
        };
        let amount = planned.min(self.remaining);
        // Cannot fail: amount <= remaining.
        self.remaining = self.remaining.checked_sub(amount).unwrap_or(Money::ZERO);
        self.next += 1;
        Some(Installment { number, amount })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.plan.tenure_months + 1).saturating_sub(self.next) as usize;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Installments<'_> {}

impl fmt::Display for Plan {
    /// `3_months: 3 × 856290 = 2568870`, for logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} × {} = {}",
            self.payment_type, self.tenure_months, self.monthly_installment, self.total
        )
    }
}

// ---------------------------------------------------------------------------------------
// Credit limits (doc 000 get_user_credit_details)
// ---------------------------------------------------------------------------------------

/// A shopper's remaining limit per payment type, from `get_user_credit_details`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CreditLimits {
    limits: Vec<(PaymentType, Money)>,
}

impl CreditLimits {
    /// Limits from `(payment type, remaining limit)` pairs; a later pair for the same type wins.
    pub fn new(limits: impl IntoIterator<Item = (PaymentType, Money)>) -> CreditLimits {
        let mut out = CreditLimits::default();
        for (payment_type, remaining) in limits {
            out.set(payment_type, remaining);
        }
        out
    }

    /// Sets one payment type's remaining limit.
    pub fn set(&mut self, payment_type: PaymentType, remaining: Money) {
        match self.limits.iter_mut().find(|(p, _)| *p == payment_type) {
            Some(entry) => entry.1 = remaining,
            None => self.limits.push((payment_type, remaining)),
        }
    }

    /// Remaining limit for a payment type; `None` when the shopper cannot use it at all.
    pub fn remaining(&self, payment_type: &PaymentType) -> Option<Money> {
        self.limits
            .iter()
            .find(|(p, _)| p == payment_type)
            .map(|(_, m)| *m)
    }
}
