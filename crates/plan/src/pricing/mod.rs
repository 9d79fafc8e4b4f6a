//! Pricing tables: how each payment type turns an amount into a plan.
//!
//! Pricing is data, not code. A [`PricingTable`] is a list of [`PricingRule`]s that the
//! caller may load from JSON or TOML (it is plain serde), or take from the built-ins
//! [`PricingTable::kredivo_reference`] and [`PricingTable::kredivo_2024`]. Building a table
//! checks every rule and precomputes the annuity factors, so pricing an amount is a handful
//! of multiplications with no allocation: in whole-rupiah `u64` integers ([`exact`], every
//! amount of the built-in tables), else in `Decimal`s, with the same figures either way.
//!
//! # How a plan is priced
//!
//! With `P` the amount, `n` the tenure and `unit` the rule's rounding unit:
//!
//! 1. `down_payment = round₁(P × down_payment_percent / 100)` and `financed = P − down_payment`.
//! 2. `service_fee = max(round₁(P × percent / 100), minimum)`.
//! 3. The monthly installment, rounded to `unit` with the rule's strategy:
//!    - zero interest: `(financed + fee) / n`;
//!    - flat monthly rate `r`: `(financed + fee) / n + financed × r`;
//!    - annuity monthly rate `r`: `financed × r / (1 − (1 + r)^−n) + fee / n`.
//! 4. The total (`installment_amount`):
//!    - annuity: the sum of the rounded installments (`monthly × n`), which is how Kredivo
//!      quotes (doc 000: 856,290 × 3 = 2,568,870);
//!    - zero interest and flat: exactly `financed + fee + round₁(interest)`, where the last
//!      month absorbs the rounding remainder (see [`Plan::schedule`]), so a zero-interest
//!      plan never charges a rupiah of interest through rounding. A single installment
//!      (`30_days`) is this exact total, whatever the rounding unit.
//!
//! `round₁` rounds to whole rupiah with the rule's strategy. Every rounding names its
//! strategy ([`RoundingMode`]); nothing uses banker's rounding by accident.
//!
//! A promotion (`promo`) prices the first `months` installments at its own monthly rate
//! (`discounted_monthly_installment`). For annuities the balance left after the promotion is
//! re-amortised at the regular rate over the remaining months; for flat rates the promotional
//! rate replaces the regular one during those months. Zero-interest rules take no promotion.

use core::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::plan::{CreditLimits, Plan, PlanParts};
use crate::{Money, PaymentType, PlanError};

mod exact;

/// Longest tenure a rule may have; keeps `(1 + r)^n` far inside `Decimal`'s range.
pub const MAX_TENURE_MONTHS: u32 = 60;

/// How a rounding treats the part it drops. Amounts are never negative, so "up" means
/// towards more rupiah.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// Nearest; halves go up (`MidpointAwayFromZero`). Reproduces doc 000.
    #[default]
    HalfUp,
    /// Nearest; halves go to the even neighbour (`MidpointNearestEven`, banker's rounding).
    HalfEven,
    /// Always up (`AwayFromZero`).
    Up,
    /// Always down (`ToZero`).
    Down,
}

impl RoundingMode {
    /// The `rust_decimal` strategy this mode names.
    pub fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
            RoundingMode::Down => RoundingStrategy::ToZero,
        }
    }

    /// Rounds a non-negative value to whole rupiah in this mode.
    ///
    /// Gives exactly `value.round_dp_with_strategy(0, self.strategy())` (a test pins the
    /// equivalence) but works on the 96-bit mantissa with one integer division, which is
    /// several times faster on the pricing hot path.
    ///
    /// ```
    /// use kredivo_plan::{Money, RoundingMode};
    /// use rust_decimal::Decimal;
    /// let half = Decimal::new(25, 1); // 2.5
    /// assert_eq!(RoundingMode::HalfUp.round_to_rupiah(half)?, Money::from_rupiah(3));
    /// assert_eq!(RoundingMode::HalfEven.round_to_rupiah(half)?, Money::from_rupiah(2));
    /// assert_eq!(RoundingMode::Up.round_to_rupiah(Decimal::new(21, 1))?, Money::from_rupiah(3));
    /// assert_eq!(RoundingMode::Down.round_to_rupiah(Decimal::new(29, 1))?, Money::from_rupiah(2));
    /// # Ok::<(), kredivo_plan::PlanError>(())
    /// ```
    pub fn round_to_rupiah(self, value: Decimal) -> Result<Money, PlanError> {
        let scale = value.scale();
        if scale == 0 {
            return Money::try_from(value);
        }
        if value.is_sign_negative() && !value.is_zero() {
            return Err(PlanError::Negative { value });
        }
        let mantissa = value.mantissa().unsigned_abs();
        // scale <= 28, and 10^28 < 2^94, so the power fits in u128.
        let divisor = 10u128.pow(scale);
        let (quotient, remainder) = (mantissa / divisor, mantissa % divisor);
        let round_up = match self {
            RoundingMode::Down => false,
            RoundingMode::Up => remainder != 0,
            RoundingMode::HalfUp => remainder >= divisor - remainder,
            RoundingMode::HalfEven => {
                let twice = remainder * 2;
                twice > divisor || (twice == divisor && quotient % 2 == 1)
            }
        };
        let whole = quotient + u128::from(round_up);
        u64::try_from(whole)
            .map(Money::from_rupiah)
            .map_err(|_| PlanError::Overflow {
                operation: "RoundingMode::round_to_rupiah",
            })
    }
}

/// How monthly installments are rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rounding {
    /// Installments are multiples of this (e.g. Rp 10); at least 1.
    pub unit: Money,
    /// Which way to round.
    #[serde(default)]
    pub strategy: RoundingMode,
}

impl Default for Rounding {
    fn default() -> Rounding {
        Rounding {
            unit: Money::from_rupiah(1),
            strategy: RoundingMode::HalfUp,
        }
    }
}

/// How interest accrues.
///
/// Serde: `{"kind": "zero_interest"}`, `{"kind": "flat_monthly", "rate_percent": "2.6"}` or
/// `{"kind": "annuity", "monthly_rate_percent": "3.4787"}`. It goes through the plain struct
/// [`ModelSpec`] rather than `#[serde(tag = "kind")]`: an internally tagged enum buffers the
/// whole object into serde's `Content` first, which costs the browser widget kilobytes of
/// wasm for the one pricing table it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ModelSpec", into = "ModelSpec")]
pub enum InterestModel {
    /// No interest: the amount (plus any fee) split evenly.
    ZeroInterest,
    /// A flat rate on the financed amount every month.
    FlatMonthly {
        /// Monthly rate in percent (2.6 means 2.6 % per month).
        rate_percent: Decimal,
    },
    /// An amortising loan: `P·r / (1 − (1+r)^−n)`.
    Annuity {
        /// Monthly rate in percent (3.4787 reproduces doc 000).
        monthly_rate_percent: Decimal,
    },
}

/// Which [`InterestModel`] a [`ModelSpec`] names.
#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ModelKind {
    ZeroInterest,
    FlatMonthly,
    Annuity,
}

/// The serde shape of an [`InterestModel`]: the tag plus whichever rate it needs.
#[derive(Serialize, Deserialize)]
struct ModelSpec {
    kind: ModelKind,
    #[serde(
        default,
        with = "percent::option",
        skip_serializing_if = "Option::is_none"
    )]
    rate_percent: Option<Decimal>,
    #[serde(
        default,
        with = "percent::option",
        skip_serializing_if = "Option::is_none"
    )]
    monthly_rate_percent: Option<Decimal>,
}

impl TryFrom<ModelSpec> for InterestModel {
    type Error = &'static str;
    fn try_from(spec: ModelSpec) -> Result<InterestModel, &'static str> {
        match spec.kind {
            ModelKind::ZeroInterest => Ok(InterestModel::ZeroInterest),
            ModelKind::FlatMonthly => spec
                .rate_percent
                .map(|rate_percent| InterestModel::FlatMonthly { rate_percent })
                .ok_or("missing field `rate_percent`"),
            ModelKind::Annuity => spec
                .monthly_rate_percent
                .map(|monthly_rate_percent| InterestModel::Annuity {
                    monthly_rate_percent,
                })
                .ok_or("missing field `monthly_rate_percent`"),
        }
    }
}

impl From<InterestModel> for ModelSpec {
    fn from(model: InterestModel) -> ModelSpec {
        let (kind, rate_percent, monthly_rate_percent) = match model {
            InterestModel::ZeroInterest => (ModelKind::ZeroInterest, None, None),
            InterestModel::FlatMonthly { rate_percent } => {
                (ModelKind::FlatMonthly, Some(rate_percent), None)
            }
            InterestModel::Annuity {
                monthly_rate_percent,
            } => (ModelKind::Annuity, None, Some(monthly_rate_percent)),
        };
        ModelSpec {
            kind,
            rate_percent,
            monthly_rate_percent,
        }
    }
}

/// A service fee charged on top of the amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ServiceFee {
    /// Percent of the amount (1 means 1 %).
    #[serde(default, with = "percent")]
    pub percent: Decimal,
    /// The fee is at least this much.
    #[serde(default)]
    pub minimum: Money,
}

/// A promotional rate for the first months of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromoRate {
    /// Monthly rate in percent during the promotion.
    #[serde(with = "percent")]
    pub monthly_rate_percent: Decimal,
    /// Number of promotional months (Kredivo's `interest_rate_transition_term`); fewer than
    /// the tenure.
    pub months: u32,
}

/// How one payment type is priced, and for which amounts it is offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricingRule {
    /// The payment type this rule prices.
    pub payment_type: PaymentType,
    /// Number of monthly installments; must match a known payment type's tenure.
    pub tenure_months: u32,
    /// How interest accrues.
    pub model: InterestModel,
    /// Fee on top of the amount.
    #[serde(default)]
    pub service_fee: ServiceFee,
    /// Percent of the amount paid up front.
    #[serde(default, with = "percent")]
    pub down_payment_percent: Decimal,
    /// How installments are rounded.
    #[serde(default)]
    pub rounding: Rounding,
    /// Smallest amount this payment type is offered for (inclusive).
    pub min_amount: Money,
    /// Largest amount this payment type is offered for (inclusive).
    pub max_amount: Money,
    /// Optional promotional rate for the first months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promo: Option<PromoRate>,
    /// Kredivo's display `rate` (2.95 in doc 000). It does not drive the figures and its
    /// meaning is UNCONFIRMED, so it is carried as data into [`Plan::rate`].
    #[serde(default, with = "percent")]
    pub display_rate: Decimal,
}

/// A validated set of pricing rules with precomputed factors.
///
/// Serde: `{"rules": [PricingRule, …]}`; loading checks every rule, so an invalid table
/// cannot be built.
///
/// ```
/// use kredivo_plan::{Money, PricingTable};
/// let json = r#"{"rules": [{
///     "payment_type": "3_months", "tenure_months": 3,
///     "model": {"kind": "annuity", "monthly_rate_percent": "3.4787"},
///     "rounding": {"unit": 10, "strategy": "half_up"},
///     "min_amount": 500000, "max_amount": 30000000, "display_rate": 2.95
/// }]}"#;
/// let table: PricingTable = serde_json::from_str(json).unwrap();
/// let plans = table.plans(Money::from_rupiah(2_400_000));
/// assert_eq!(plans[0].monthly_installment(), Money::from_rupiah(856_290));
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TableSpec", into = "TableSpec")]
pub struct PricingTable {
    rules: Vec<CompiledRule>,
}

/// The serde shape of a [`PricingTable`].
#[derive(Serialize, Deserialize)]
struct TableSpec {
    rules: Vec<PricingRule>,
}

impl TryFrom<TableSpec> for PricingTable {
    type Error = PlanError;
    fn try_from(spec: TableSpec) -> Result<PricingTable, PlanError> {
        PricingTable::new(spec.rules)
    }
}

impl From<PricingTable> for TableSpec {
    fn from(table: PricingTable) -> TableSpec {
        TableSpec {
            rules: table.rules.into_iter().map(|c| c.rule).collect(),
        }
    }
}

impl fmt::Debug for PricingTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.rules.iter().map(|c| &c.rule))
            .finish()
    }
}

/// One-hundredth, for percentages.
const HUNDREDTH: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// A rule plus everything about it that does not depend on the amount.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CompiledRule {
    rule: PricingRule,
    tenure: Decimal,
    unit: Decimal,
    unit_is_one: bool,
    /// `Some(k)` when the unit is `10^k` (k ≥ 1): rounding then shifts the scale instead of
    /// dividing, which is exact and several times faster.
    unit_power_of_ten: Option<u32>,
    strategy: RoundingStrategy,
    fee_fraction: Decimal,
    down_payment_fraction: Decimal,
    pricing: Pricing,
    /// The same rule as integers, for [`exact`]'s hot path; `None` when the rule has a
    /// figure that path cannot hold (every amount then takes the decimal path).
    exact: Option<exact::Exact>,
}

/// The amount-independent part of each model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pricing {
    /// `(financed + fee) / n`, exact total.
    Even,
    /// Flat: regular monthly rate, optional (months, promotional rate), and the multiplier
    /// that gives the whole interest (`rate × regular months + promo × promo months`).
    Flat {
        rate: Decimal,
        promo: Option<(u32, Decimal)>,
        interest_multiplier: Decimal,
    },
    /// Annuity: `monthly = financed × factor`; with a promotion, the promotional months pay
    /// `financed × promo_factor` and the rest `financed × factor` (which then already
    /// includes the re-amortisation of the balance left after the promotion).
    /// `factor` is `None` for a zero rate without promotion: the payment is then
    /// `financed / n`, divided exactly rather than multiplied by an inexact `1/n`.
    Annuity {
        factor: Option<Decimal>,
        promo: Option<(u32, Decimal)>,
    },
}

impl PricingTable {
    /// Checks and compiles rules.
    ///
    /// Rejects a tenure of 0 or above [`MAX_TENURE_MONTHS`], a tenure that contradicts a known
    /// payment type, rates outside 0–100 %, a down payment of 100 % or more, a rounding unit
    /// of 0, a minimum above the maximum, a promotion that is not shorter than the tenure or
    /// sits on a zero-interest rule, and two rules for one payment type.
    pub fn new(rules: Vec<PricingRule>) -> Result<PricingTable, PlanError> {
        let mut compiled: Vec<CompiledRule> = Vec::with_capacity(rules.len());
        for rule in rules {
            if compiled
                .iter()
                .any(|c| c.rule.payment_type == rule.payment_type)
            {
                return Err(PlanError::InvalidTable {
                    payment_type: rule.payment_type,
                    reason: "two rules for one payment type",
                });
            }
            compiled.push(CompiledRule::new(rule)?);
        }
        Ok(PricingTable { rules: compiled })
    }

    /// The rules, in table order.
    pub fn rules(&self) -> impl Iterator<Item = &PricingRule> + '_ {
        self.rules.iter().map(|c| &c.rule)
    }

    /// The rule for one payment type.
    pub fn rule(&self, payment_type: &PaymentType) -> Option<&PricingRule> {
        self.rules().find(|r| &r.payment_type == payment_type)
    }

    /// Kredivo's published pricing as of doc 000, reproducing its `/v2/payments` example for
    /// Rp 2,400,000 exactly: `30_days` 2,400,000 with no fee; `3_months` 856,290 → 2,568,870;
    /// `6_months` 450,090 → 2,700,540; `12_months` 248,050 → 2,976,600 (annuity at
    /// 3.4787 %/month, installments rounded half-up to Rp 10).
    ///
    /// Eligibility bounds are configurable data and UNCONFIRMED (Kredivo does not publish
    /// them): `30_days` from Rp 10,000 (doc 004's smallest example), installments from
    /// Rp 500,000, everything up to Rp 30,000,000 (the largest premium limit Kredivo
    /// advertises). Merchants with other terms load their own table.
    pub fn kredivo_reference() -> PricingTable {
        PricingTable::builtin(ServiceFee::default())
    }

    /// Kredivo's newer 30-day pricing: a 1 % service fee with a Rp 1,000 minimum
    /// (2,400,000 → 2,424,000; doc 004: 10,000 → 11,000). Installment rules are those of
    /// [`PricingTable::kredivo_reference`], since no newer installment figures are published
    /// (UNCONFIRMED). Same eligibility bounds.
    pub fn kredivo_2024() -> PricingTable {
        PricingTable::builtin(ServiceFee {
            percent: Decimal::ONE,
            minimum: Money::from_rupiah(1_000),
        })
    }

    fn builtin(thirty_day_fee: ServiceFee) -> PricingTable {
        let max_amount = Money::from_rupiah(30_000_000);
        let thirty_days = PricingRule {
            payment_type: PaymentType::ThirtyDays,
            tenure_months: 1,
            model: InterestModel::ZeroInterest,
            service_fee: thirty_day_fee,
            down_payment_percent: Decimal::ZERO,
            rounding: Rounding::default(),
            min_amount: Money::from_rupiah(10_000),
            max_amount,
            promo: None,
            display_rate: Decimal::ZERO,
        };
        let installment = |payment_type: PaymentType, tenure_months| PricingRule {
            payment_type,
            tenure_months,
            model: InterestModel::Annuity {
                // 3.4787 %/month.
                monthly_rate_percent: Decimal::from_parts(34_787, 0, 0, false, 4),
            },
            service_fee: ServiceFee::default(),
            down_payment_percent: Decimal::ZERO,
            rounding: Rounding {
                unit: Money::from_rupiah(10),
                strategy: RoundingMode::HalfUp,
            },
            min_amount: Money::from_rupiah(500_000),
            max_amount,
            promo: None,
            // 2.95, as doc 000 shows it.
            display_rate: Decimal::from_parts(295, 0, 0, false, 2),
        };
        let rules = vec![
            thirty_days,
            installment(PaymentType::ThreeMonths, 3),
            installment(PaymentType::SixMonths, 6),
            installment(PaymentType::TwelveMonths, 12),
        ];
        // The built-in rules satisfy every check in `new`; the tests pin that.
        PricingTable::new(rules).unwrap_or(PricingTable { rules: Vec::new() })
    }

    /// Every plan offered for `amount`, in table order.
    ///
    /// A rule is skipped when the amount is outside its bounds, or in the degenerate case of
    /// a table whose rounding would make the plan cost less than its principal.
    ///
    /// ```
    /// use kredivo_plan::{Money, PaymentType, PricingTable};
    /// let plans = PricingTable::kredivo_reference().plans(Money::from_rupiah(2_400_000));
    /// let monthly: Vec<u64> = plans.iter().map(|p| p.monthly_installment().to_rupiah_u64()).collect();
    /// assert_eq!(monthly, [2_400_000, 856_290, 450_090, 248_050]);
    /// assert_eq!(plans[3].total(), Money::from_rupiah(2_976_600));
    /// // Below Rp 500,000 only 30 days is offered.
    /// let small = PricingTable::kredivo_reference().plans(Money::from_rupiah(150_000));
    /// assert_eq!(small.len(), 1);
    /// assert_eq!(small[0].payment_type(), &PaymentType::ThirtyDays);
    /// ```
    pub fn plans(&self, amount: Money) -> Vec<Plan> {
        let mut out = Vec::with_capacity(self.rules.len());
        self.plans_into(amount, &mut out);
        out
    }

    /// [`PricingTable::plans`] into a caller's buffer, for hot loops (badges, benchmarks).
    ///
    /// Clears `out` first. Allocation-free once `out` has capacity for the table's rules,
    /// as long as the payment types are known ones (an `Unknown` type clones its name).
    ///
    /// ```
    /// use kredivo_plan::{Money, PricingTable};
    /// let table = PricingTable::kredivo_reference();
    /// let mut out = Vec::with_capacity(8);
    /// for rupiah in [150_000, 2_400_000, 9_999_000] {
    ///     table.plans_into(Money::from_rupiah(rupiah), &mut out);
    ///     assert!(!out.is_empty());
    /// }
    /// ```
    pub fn plans_into(&self, amount: Money, out: &mut Vec<Plan>) {
        out.clear();
        for rule in &self.rules {
            if rule.is_eligible(amount) {
                if let Ok(plan) = rule.price(amount) {
                    out.push(plan);
                }
            }
        }
    }

    /// The plan for one payment type, with a typed reason when there is none.
    ///
    /// ```
    /// use kredivo_plan::{Money, PaymentType, PlanError, PricingTable};
    /// let table = PricingTable::kredivo_2024();
    /// let plan = table.plan_for(Money::from_rupiah(10_000), &PaymentType::ThirtyDays)?;
    /// assert_eq!(plan.total(), Money::from_rupiah(11_000));
    /// assert!(matches!(
    ///     table.plan_for(Money::from_rupiah(10_000), &PaymentType::TwelveMonths),
    ///     Err(PlanError::NotEligible { .. })
    /// ));
    /// # Ok::<(), PlanError>(())
    /// ```
    pub fn plan_for(&self, amount: Money, payment_type: &PaymentType) -> Result<Plan, PlanError> {
        let not_eligible = || PlanError::NotEligible {
            payment_type: payment_type.clone(),
            amount,
        };
        let rule = self
            .rules
            .iter()
            .find(|c| &c.rule.payment_type == payment_type)
            .ok_or_else(not_eligible)?;
        if !rule.is_eligible(amount) {
            return Err(not_eligible());
        }
        rule.price(amount)
    }

    /// The smallest monthly installment among the plans offered for `amount`, for badges
    /// ("from Rp 248.050/month"). `None` when nothing is offered. Allocation-free.
    ///
    /// ```
    /// use kredivo_plan::{Money, PricingTable};
    /// let table = PricingTable::kredivo_reference();
    /// assert_eq!(table.cheapest_monthly(Money::from_rupiah(2_400_000)), Some(Money::from_rupiah(248_050)));
    /// assert_eq!(table.cheapest_monthly(Money::from_rupiah(5_000)), None);
    /// ```
    pub fn cheapest_monthly(&self, amount: Money) -> Option<Money> {
        self.rules
            .iter()
            .filter(|rule| rule.is_eligible(amount))
            .filter_map(|rule| rule.monthly_only(amount).ok())
            .min()
    }

    /// The plans offered for `amount` that the shopper's remaining limits cover
    /// (see [`Plan::fits_limit`]).
    ///
    /// ```
    /// use kredivo_plan::{CreditLimits, Money, PaymentType, PricingTable};
    /// let limits = CreditLimits::new([
    ///     (PaymentType::ThirtyDays, Money::from_rupiah(1_500_000)),
    ///     (PaymentType::ThreeMonths, Money::from_rupiah(5_000_000)),
    /// ]);
    /// let plans = PricingTable::kredivo_reference().eligible_with_limit(Money::from_rupiah(2_400_000), &limits);
    /// assert_eq!(plans.len(), 1);
    /// assert_eq!(plans[0].payment_type(), &PaymentType::ThreeMonths);
    /// ```
    pub fn eligible_with_limit(&self, amount: Money, limits: &CreditLimits) -> Vec<Plan> {
        let mut plans = self.plans(amount);
        plans.retain(|plan| plan.fits_limit(limits));
        plans
    }
}

impl CompiledRule {
    fn new(rule: PricingRule) -> Result<CompiledRule, PlanError> {
        let invalid = |reason| PlanError::InvalidTable {
            payment_type: rule.payment_type.clone(),
            reason,
        };
        let n = rule.tenure_months;
        if n == 0 || n > MAX_TENURE_MONTHS {
            return Err(invalid("tenure must be 1 to 60 months"));
        }
        if rule.payment_type.tenure_months().is_some_and(|t| t != n) {
            return Err(invalid("tenure contradicts the payment type"));
        }
        let hundred = Decimal::ONE_HUNDRED;
        let percent_ok = |p: Decimal| !p.is_sign_negative() && p <= hundred;
        if !percent_ok(rule.service_fee.percent) {
            return Err(invalid("service fee percent must be 0 to 100"));
        }
        if !percent_ok(rule.down_payment_percent) || rule.down_payment_percent == hundred {
            return Err(invalid("down payment percent must be 0 to below 100"));
        }
        if rule.rounding.unit.is_zero() {
            return Err(invalid("rounding unit must be at least 1 rupiah"));
        }
        if rule.min_amount > rule.max_amount {
            return Err(invalid("min_amount is above max_amount"));
        }
        let regular_percent = match rule.model {
            InterestModel::ZeroInterest => Decimal::ZERO,
            InterestModel::FlatMonthly { rate_percent } => rate_percent,
            InterestModel::Annuity {
                monthly_rate_percent,
            } => monthly_rate_percent,
        };
        if !percent_ok(regular_percent) {
            return Err(invalid("interest rate must be 0 to 100 percent a month"));
        }
        let promo = match rule.promo {
            None => None,
            Some(_) if rule.model == InterestModel::ZeroInterest => {
                return Err(invalid(
                    "a zero-interest rule cannot have a promotional rate",
                ))
            }
            Some(p) if p.months == 0 || p.months >= n => {
                return Err(invalid("promotion must last 1 to tenure-1 months"))
            }
            Some(p) if !percent_ok(p.monthly_rate_percent) => {
                return Err(invalid("promotional rate must be 0 to 100 percent a month"))
            }
            Some(p) => Some((p.months, p.monthly_rate_percent * HUNDREDTH)),
        };
        let overflow = || invalid("rates too large to compute");
        let r = regular_percent * HUNDREDTH;
        let pricing = match rule.model {
            InterestModel::ZeroInterest => Pricing::Even,
            InterestModel::FlatMonthly { .. } => {
                let interest_multiplier = match promo {
                    None => r * Decimal::from(n),
                    Some((months, p)) => p * Decimal::from(months) + r * Decimal::from(n - months),
                };
                Pricing::Flat {
                    rate: r,
                    promo,
                    interest_multiplier,
                }
            }
            InterestModel::Annuity { .. } => match promo {
                None if r.is_zero() => Pricing::Annuity {
                    factor: None,
                    promo: None,
                },
                None => Pricing::Annuity {
                    factor: Some(hot_factor(annuity_factor(r, n).ok_or_else(overflow)?)),
                    promo: None,
                },
                Some((months, p)) => {
                    // Promotional months pay the annuity at rate p over the whole tenure; the
                    // balance left after them (the present value of the remaining promo
                    // payments) is re-amortised at the regular rate.
                    let promo_factor = annuity_factor(p, n).ok_or_else(overflow)?;
                    let rest = n - months;
                    let balance_per_unit = promo_factor
                        .checked_mul(present_value_factor(p, rest).ok_or_else(overflow)?)
                        .ok_or_else(overflow)?;
                    let factor = balance_per_unit
                        .checked_mul(annuity_factor(r, rest).ok_or_else(overflow)?)
                        .ok_or_else(overflow)?;
                    Pricing::Annuity {
                        factor: Some(hot_factor(factor)),
                        promo: Some((months, hot_factor(promo_factor))),
                    }
                }
            },
        };
        let unit = rule.rounding.unit.as_decimal();
        let fee_fraction = rule.service_fee.percent * HUNDREDTH;
        let down_payment_fraction = rule.down_payment_percent * HUNDREDTH;
        let exact = exact::Exact::new(&rule, fee_fraction, down_payment_fraction, pricing);
        Ok(CompiledRule {
            tenure: Decimal::from(n),
            unit,
            unit_is_one: unit == Decimal::ONE,
            unit_power_of_ten: power_of_ten(rule.rounding.unit.to_rupiah_u64()),
            strategy: rule.rounding.strategy.strategy(),
            fee_fraction,
            down_payment_fraction,
            pricing,
            exact,
            rule,
        })
    }

    fn is_eligible(&self, amount: Money) -> bool {
        self.rule.min_amount <= amount && amount <= self.rule.max_amount
    }

    /// Rounds to whole rupiah with the rule's strategy.
    fn round_rupiah(&self, value: Decimal) -> Result<Money, PlanError> {
        self.rule.rounding.strategy.round_to_rupiah(value)
    }

    /// Rounds to the rule's unit with the rule's strategy.
    fn round_unit(&self, value: Decimal) -> Result<Money, PlanError> {
        if self.unit_is_one {
            return self.round_rupiah(value);
        }
        if let Some(k) = self.unit_power_of_ten {
            // value / 10^k is the same mantissa at a larger scale.
            let mut shifted = value;
            if shifted.set_scale(value.scale() + k).is_ok() {
                let units = self.round_rupiah(shifted)?;
                let unit = self.rule.rounding.unit.to_rupiah_u64();
                return units
                    .to_rupiah_u64()
                    .checked_mul(unit)
                    .map(Money::from_rupiah)
                    .ok_or(PlanError::Overflow {
                        operation: "round to unit",
                    });
            }
        }
        let units = value
            .checked_div(self.unit)
            .ok_or(PlanError::Overflow {
                operation: "round to unit",
            })?
            .round_dp_with_strategy(0, self.strategy);
        let rounded = units.checked_mul(self.unit).ok_or(PlanError::Overflow {
            operation: "round to unit",
        })?;
        Money::try_from(rounded)
    }

    /// Down payment, financed amount and fee.
    fn basics(&self, amount: Money) -> Result<(Money, Money, Money), PlanError> {
        let principal = amount.as_decimal();
        let down_payment = if self.down_payment_fraction.is_zero() {
            Money::ZERO
        } else {
            self.round_rupiah(mul(principal, self.down_payment_fraction)?)?
        };
        let financed = amount.checked_sub(down_payment)?;
        let fee = &self.rule.service_fee;
        let percent_fee = if self.fee_fraction.is_zero() {
            Money::ZERO
        } else {
            self.round_rupiah(mul(principal, self.fee_fraction)?)?
        };
        Ok((down_payment, financed, percent_fee.max(fee.minimum)))
    }

    /// `fee / n`, skipping the division when there is no fee.
    fn fee_per_month(&self, fee: Money) -> Result<Decimal, PlanError> {
        if fee.is_zero() {
            Ok(Decimal::ZERO)
        } else {
            div(fee.as_decimal(), self.tenure)
        }
    }

    /// `total / n` rounded to the unit; a single installment is the exact total, so a
    /// 30-day plan never quotes a figure that differs from what is due.
    fn even_monthly(&self, total: Money) -> Result<Money, PlanError> {
        if self.rule.tenure_months == 1 {
            Ok(total)
        } else {
            self.round_unit(div(total.as_decimal(), self.tenure)?)
        }
    }

    /// Only the regular monthly installment (for badges).
    fn monthly_only(&self, amount: Money) -> Result<Money, PlanError> {
        Ok(self.price(amount)?.monthly_installment())
    }

    /// The plan for an eligible amount: its figures in whole-rupiah integers where
    /// [`exact`] can compute them (every amount of the built-in tables), else in decimals,
    /// then checked and assembled. Both give the same figures (see [`exact`]).
    fn price(&self, amount: Money) -> Result<Plan, PlanError> {
        let figures = match self.exact.as_ref().and_then(|e| e.figures(amount)) {
            Some(figures) => figures,
            None => self.decimal_figures(amount)?,
        };
        self.assemble(amount, figures)
    }

    /// The plan's figures in `Decimal` arithmetic: the definition the integer path is held
    /// to, and the path for what it does not cover (a fee on an annuity, amounts above
    /// [`exact::MAX_AMOUNT`], factors or units outside its ranges).
    fn decimal_figures(&self, amount: Money) -> Result<Figures, PlanError> {
        let (down_payment, financed, fee) = self.basics(amount)?;
        let f = financed.as_decimal();
        let n = self.rule.tenure_months;
        let (monthly, discounted, total) = match self.pricing {
            Pricing::Even => {
                let total = financed.checked_add(fee)?;
                let monthly = self.even_monthly(total)?;
                (monthly, None, total)
            }
            Pricing::Flat {
                rate,
                promo,
                interest_multiplier,
            } => {
                let base = div(financed.checked_add(fee)?.as_decimal(), self.tenure)?;
                let monthly = self.round_unit(add(base, mul(f, rate)?)?)?;
                let discounted = match promo {
                    Some((months, p)) => Some((months, self.round_unit(add(base, mul(f, p)?)?)?)),
                    None => None,
                };
                let interest = self.round_rupiah(mul(f, interest_multiplier)?)?;
                let total = financed.checked_add(fee)?.checked_add(interest)?;
                let monthly = if n == 1 { total } else { monthly };
                (monthly, discounted, total)
            }
            Pricing::Annuity { factor, promo } => {
                let fee_share = self.fee_per_month(fee)?;
                let regular = match factor {
                    Some(factor) => mul(f, factor)?,
                    None => div(f, self.tenure)?,
                };
                let monthly = if fee.is_zero() {
                    // Adding a zero of another scale would still cost a rescale.
                    self.round_unit(regular)?
                } else {
                    self.round_unit(add(regular, fee_share)?)?
                };
                match promo {
                    None => (monthly, None, monthly.checked_mul(n)?),
                    Some((months, promo_factor)) => {
                        let discounted = self.round_unit(add(mul(f, promo_factor)?, fee_share)?)?;
                        let total = discounted
                            .checked_mul(months)?
                            .checked_add(monthly.checked_mul(n - months)?)?;
                        (monthly, Some((months, discounted)), total)
                    }
                }
            }
        };
        Ok(Figures {
            down_payment,
            financed,
            fee,
            monthly,
            discounted,
            total,
        })
    }

    /// Checks the figures and makes them a [`Plan`].
    fn assemble(&self, amount: Money, figures: Figures) -> Result<Plan, PlanError> {
        let Figures {
            down_payment,
            financed,
            fee,
            monthly,
            discounted,
            total,
        } = figures;
        // Interest is what remains of the total after the financed amount and the fee;
        // rounding in a degenerate table could make it negative, and such a plan is refused.
        let interest = total.checked_sub(financed)?.checked_sub(fee)?;
        Ok(Plan::priced(PlanParts {
            payment_type: self.rule.payment_type.clone(),
            tenure_months: self.rule.tenure_months,
            principal: amount,
            down_payment,
            monthly_installment: monthly,
            total,
            interest,
            service_fee: fee,
            discounted_monthly_installment: discounted.map(|(_, d)| d),
            promo_months: discounted.map(|(m, _)| m),
            rate: self.rule.display_rate,
        }))
    }
}

/// The figures of one plan, before they are checked and assembled into a [`Plan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Figures {
    down_payment: Money,
    financed: Money,
    fee: Money,
    /// The regular monthly installment.
    monthly: Money,
    /// The promotional months and their installment.
    discounted: Option<(u32, Money)>,
    total: Money,
}

/// `Some(k)` when `n == 10^k` with `k ≥ 1`.
fn power_of_ten(mut n: u64) -> Option<u32> {
    let mut k = 0;
    while n >= 10 && n.is_multiple_of(10) {
        n /= 10;
        k += 1;
    }
    (n == 1 && k > 0).then_some(k)
}

fn mul(a: Decimal, b: Decimal) -> Result<Decimal, PlanError> {
    a.checked_mul(b).ok_or(PlanError::Overflow {
        operation: "pricing multiplication",
    })
}

fn div(a: Decimal, b: Decimal) -> Result<Decimal, PlanError> {
    a.checked_div(b).ok_or(PlanError::Overflow {
        operation: "pricing division",
    })
}

fn add(a: Decimal, b: Decimal) -> Result<Decimal, PlanError> {
    a.checked_add(b).ok_or(PlanError::Overflow {
        operation: "pricing addition",
    })
}

/// Decimal places kept in a precomputed factor.
const FACTOR_DECIMALS: u32 = 20;

/// Keeps a factor to [`FACTOR_DECIMALS`] places (half-up). The error is below 10^-20 per
/// rupiah financed, i.e. under 10^-8 rupiah even at `Money::MAX`, so it can only matter for a
/// value within that distance of a rounding midpoint; in exchange `amount × factor` fits
/// `Decimal`'s 96-bit mantissa for amounts up to about Rp 2 billion and skips the costly
/// rescaling a 28-digit factor forces on every multiplication.
fn hot_factor(factor: Decimal) -> Decimal {
    factor.round_dp_with_strategy(FACTOR_DECIMALS, RoundingStrategy::MidpointAwayFromZero)
}

/// `(1 + r)^n` by repeated exact multiplication (n ≤ 60, computed once per rule).
/// `Decimal` keeps 28 significant digits; the last ones are rounded, never truncated silently
/// into a wrong magnitude.
fn growth(r: Decimal, n: u32) -> Option<Decimal> {
    let base = Decimal::ONE.checked_add(r)?;
    let mut acc = Decimal::ONE;
    for _ in 0..n {
        acc = acc.checked_mul(base)?;
    }
    Some(acc)
}

/// `r / (1 − (1 + r)^−n)`: the monthly payment per rupiah borrowed; `1/n` when `r = 0`.
fn annuity_factor(r: Decimal, n: u32) -> Option<Decimal> {
    if r.is_zero() {
        return Decimal::ONE.checked_div(Decimal::from(n));
    }
    let discount = Decimal::ONE.checked_div(growth(r, n)?)?;
    r.checked_div(Decimal::ONE.checked_sub(discount)?)
}

/// `(1 − (1 + r)^−k) / r`: the present value of `k` payments of 1; `k` when `r = 0`.
fn present_value_factor(r: Decimal, k: u32) -> Option<Decimal> {
    if r.is_zero() {
        return Some(Decimal::from(k));
    }
    let discount = Decimal::ONE.checked_div(growth(r, k)?)?;
    Decimal::ONE.checked_sub(discount)?.checked_div(r)
}

/// Serde for percentages: read from a number or a string, written as a string so that a
/// table round-trips digit for digit (`"3.4787"`), in JSON and TOML alike.
mod percent {
    use super::*;

    pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&value.normalize())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        deserializer.deserialize_any(crate::decimal::DecimalVisitor)
    }

    /// The same for an optional percentage (`null` or absent is `None`).
    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(
            value: &Option<Decimal>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => super::serialize(v, serializer),
                None => serializer.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Decimal>, D::Error> {
            deserializer.deserialize_option(crate::decimal::OptionVisitor(
                crate::decimal::DecimalVisitor,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MODES: [RoundingMode; 4] = [
        RoundingMode::HalfUp,
        RoundingMode::HalfEven,
        RoundingMode::Up,
        RoundingMode::Down,
    ];

    proptest! {
        #[test]
        fn fast_rounding_matches_rust_decimal_for_every_mode(
            lo in any::<u32>(), mid in any::<u32>(), hi in 0u32..16, scale in 0u32..=28,
        ) {
            let value = Decimal::from_parts(lo, mid, hi, false, scale);
            for mode in MODES {
                let expected = value.round_dp_with_strategy(0, mode.strategy());
                let got = mode.round_to_rupiah(value);
                match Money::try_from(expected) {
                    Ok(money) => prop_assert_eq!(got, Ok(money), "{} {:?}", value, mode),
                    Err(_) => prop_assert!(got.is_err(), "{} {:?}", value, mode),
                }
            }
        }
    }

    #[test]
    fn fast_rounding_handles_midpoints_in_each_mode() {
        let rows = [
            ("2.5", [3, 2, 3, 2]),
            ("3.5", [4, 4, 4, 3]),
            ("0.5", [1, 0, 1, 0]),
            ("0.0000000000000000000000000001", [0, 0, 1, 0]),
            ("7.4999999999999999999999999999", [7, 7, 8, 7]),
            (
                "856293.50978966484439829573",
                [856_294, 856_294, 856_294, 856_293],
            ),
        ];
        for (text, expected) in rows {
            let value: Decimal = text.parse().unwrap();
            for (mode, rupiah) in MODES.into_iter().zip(expected) {
                assert_eq!(
                    mode.round_to_rupiah(value),
                    Ok(Money::from_rupiah(rupiah)),
                    "{text} {mode:?}"
                );
            }
        }
        assert!(RoundingMode::HalfUp
            .round_to_rupiah(Decimal::new(-15, 1))
            .is_err());
    }

    #[test]
    fn powers_of_ten_are_recognised() {
        let rows = [
            (1, None),
            (10, Some(1)),
            (100, Some(2)),
            (1_000, Some(3)),
            (20, None),
            (5, None),
        ];
        for (unit, expected) in rows {
            assert_eq!(power_of_ten(unit), expected, "{unit}");
        }
    }
}
