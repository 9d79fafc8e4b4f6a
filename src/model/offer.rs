//! A proxy's payment-types answer, validated into what the checkout shows.

use kredivo_api::{PaymentTypesResponse, PlanView};
use kredivo_plan::Money;

use super::Failure;

/// One plan, validated and ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRow {
    /// Kredivo's payment type id, e.g. `6_months`.
    pub payment_type: String,
    /// Number of monthly installments (1 for `30_days`).
    pub months: u32,
    /// Due each month.
    pub monthly: Money,
    /// Repaid in all.
    pub total: Money,
    /// Interest over the plan.
    pub interest: Money,
    /// Service fee over the plan.
    pub service_fee: Money,
    /// Paid up front.
    pub down_payment: Money,
    /// Promotional monthly installment and for how many months it lasts.
    pub promo: Option<(Money, u32)>,
    /// What the promotion saves in all.
    pub promo_discount: Money,
    /// Kredivo's monthly rate in percent (doc 000's `rate`, e.g. 2.95), when it gives one
    /// above zero.
    pub rate: Option<rust_decimal::Decimal>,
    /// The tokenised shopper's remaining limit for this payment type, when the proxy knows it.
    pub limit: Option<Money>,
    /// The proxy found the limit too small for this plan: shown, but not choosable.
    pub over_limit: bool,
    /// Where the proxy draws this plan's month-by-month schedule (an absolute URL); empty
    /// from a proxy that does not.
    pub schedule: String,
}

impl TryFrom<&PlanView> for PlanRow {
    type Error = Failure;

    fn try_from(v: &PlanView) -> Result<PlanRow, Failure> {
        let m = |d| Money::try_from(d).map_err(|_| Failure::BadResponse);
        let monthly = m(v.monthly_installment)?;
        let promo = match (v.discounted_monthly_installment, v.promo_months) {
            (Some(d), Some(n)) if n > 0 => Some((m(d)?, n)),
            _ => None,
        };
        // The proxy's figure: amounts come from the server, never from browser arithmetic.
        let promo_discount = match v.promo_discount {
            Some(d) => m(d)?,
            None => Money::ZERO,
        };
        let total = m(v.total)?;
        Ok(PlanRow {
            payment_type: v.payment_type.clone(),
            months: v.tenure_months,
            monthly,
            total,
            interest: m(v.interest)?,
            service_fee: m(v.service_fee)?,
            down_payment: m(v.down_payment)?,
            promo,
            promo_discount,
            rate: v.rate.filter(|r| r.is_sign_positive() && !r.is_zero()),
            limit: v.remaining_limit.map(m).transpose()?,
            over_limit: v.within_limit == Some(false),
            schedule: v.schedule_url.clone().unwrap_or_default(),
        })
    }
}

/// The plans on offer for one amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// The amount the proxy priced.
    pub amount: Money,
    /// Figures from a pricing table rather than from Kredivo.
    pub estimate: bool,
    /// Eligible plans, shortest first; never empty (an empty answer is `IneligibleAmount`).
    pub plans: Vec<PlanRow>,
}

impl TryFrom<&PaymentTypesResponse> for Offer {
    type Error = Failure;

    fn try_from(r: &PaymentTypesResponse) -> Result<Offer, Failure> {
        let plans = r
            .plans
            .iter()
            .map(PlanRow::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        if plans.is_empty() {
            return Err(Failure::Api(kredivo_api::ErrorCode::IneligibleAmount));
        }
        Ok(Offer {
            amount: Money::try_from(r.amount).map_err(|_| Failure::BadResponse)?,
            estimate: r.estimate,
            plans,
        })
    }
}

impl Offer {
    /// Index of `payment_type` among the plans the shopper can choose, else the first
    /// choosable plan's (else 0: every plan is above the limit and none can be paid).
    pub fn index_of(&self, payment_type: Option<&str>) -> usize {
        let open = |row: &PlanRow| !row.over_limit;
        payment_type
            .and_then(|p| {
                self.plans
                    .iter()
                    .position(|row| row.payment_type == p && open(row))
            })
            .or_else(|| self.plans.iter().position(open))
            .unwrap_or(0)
    }

    /// Where a key moves the selection from `current` (see [`super::radio_step`]), past
    /// plans above the shopper's limit, as a radio group skips its disabled radios.
    pub fn step(&self, current: usize, key: &str) -> Option<usize> {
        let len = self.plans.len();
        let mut at = super::radio_step(current, len, key)?;
        let back = matches!(key, "ArrowUp" | "ArrowLeft" | "End");
        for _ in 0..len {
            if !self.plans[at].over_limit {
                return Some(at);
            }
            at = super::radio_step(at, len, if back { "ArrowUp" } else { "ArrowDown" })?;
        }
        None
    }
}

/// A plan as a proxy answers it, for tests: `total - principal` is interest, no fees, no
/// promotion.
#[cfg(test)]
pub(crate) fn plan_view(
    payment_type: &str,
    months: u32,
    monthly: i64,
    total: i64,
    principal: i64,
) -> PlanView {
    use rust_decimal::Decimal;
    PlanView {
        payment_type: payment_type.into(),
        tenure_months: months,
        name: String::new(),
        monthly_installment: Decimal::from(monthly),
        total: Decimal::from(total),
        interest: Decimal::from(total - principal),
        service_fee: Decimal::ZERO,
        down_payment: Decimal::ZERO,
        rate: None,
        discounted_monthly_installment: None,
        promo_months: None,
        promo_discount: None,
        remaining_limit: None,
        within_limit: None,
        schedule_url: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn view(pt: &str, n: u32, monthly: i64, total: i64) -> PlanView {
        plan_view(pt, n, monthly, total, 2_400_000)
    }

    #[test]
    fn an_offer_keeps_the_proxys_order_and_figures() {
        let r = PaymentTypesResponse {
            amount: Decimal::from(2_400_000),
            currency: "IDR".into(),
            estimate: false,
            express: false,
            plans: vec![
                view("3_months", 3, 856_290, 2_568_870),
                view("6_months", 6, 450_090, 2_700_540),
            ],
        };
        let o = Offer::try_from(&r).unwrap();
        assert_eq!(o.amount, Money::from_rupiah(2_400_000));
        assert_eq!(o.plans[1].monthly, Money::from_rupiah(450_090));
        assert_eq!(o.plans[1].interest, Money::from_rupiah(300_540));
        assert_eq!(o.index_of(Some("6_months")), 1);
        assert_eq!(
            o.index_of(Some("24_months")),
            0,
            "a vanished plan falls back to the first"
        );
    }

    #[test]
    fn an_empty_offer_is_ineligible_and_a_fractional_amount_is_a_bad_response() {
        let mut r = PaymentTypesResponse {
            amount: Decimal::from(500),
            currency: "IDR".into(),
            estimate: false,
            express: false,
            plans: vec![],
        };
        let e = Offer::try_from(&r).unwrap_err();
        assert!(e.is_ineligible(), "{e:?}");
        r.plans.push(view("3_months", 3, 1, 3));
        r.plans[0].monthly_installment = Decimal::new(105, 1);
        assert_eq!(Offer::try_from(&r).unwrap_err(), Failure::BadResponse);
    }

    #[test]
    fn plans_above_the_limit_are_skipped_by_selection_and_keys() {
        let mut views = vec![
            view("30_days", 1, 2_400_000, 2_400_000),
            view("3_months", 3, 856_290, 2_568_870),
            view("6_months", 6, 450_090, 2_700_540),
            view("12_months", 12, 248_050, 2_976_600),
        ];
        for (v, fits) in views.iter_mut().zip([false, true, false, true]) {
            v.remaining_limit = Some(Decimal::from(2_000_000));
            v.within_limit = Some(fits);
        }
        let o = Offer::try_from(&PaymentTypesResponse {
            amount: Decimal::from(2_400_000),
            currency: "IDR".into(),
            estimate: false,
            express: true,
            plans: views,
        })
        .unwrap();
        assert_eq!(o.plans[0].limit, Some(Money::from_rupiah(2_000_000)));
        assert!(o.plans[0].over_limit && !o.plans[1].over_limit);
        assert_eq!(o.index_of(None), 1, "the first plan the limit covers");
        assert_eq!(
            o.index_of(Some("6_months")),
            1,
            "a plan now above the limit is left"
        );
        assert_eq!(o.index_of(Some("12_months")), 3);
        assert_eq!(o.step(1, "ArrowDown"), Some(3));
        assert_eq!(o.step(3, "ArrowDown"), Some(1), "wraps past the first plan");
        assert_eq!(o.step(1, "ArrowUp"), Some(3));
        assert_eq!(o.step(3, "Home"), Some(1));
        assert_eq!(o.step(1, "End"), Some(3));
        assert_eq!(o.step(1, "a"), None);
    }

    #[test]
    fn when_no_plan_fits_the_limit_no_key_moves_and_a_fractional_limit_is_refused() {
        let mut v = view("3_months", 3, 856_290, 2_568_870);
        v.within_limit = Some(false);
        let r = PaymentTypesResponse {
            amount: Decimal::from(2_400_000),
            currency: "IDR".into(),
            estimate: false,
            express: true,
            plans: vec![v.clone(), v.clone()],
        };
        let o = Offer::try_from(&r).unwrap();
        assert_eq!(o.index_of(None), 0);
        assert_eq!(o.step(0, "ArrowDown"), None);
        v.remaining_limit = Some(Decimal::new(15, 1));
        assert_eq!(PlanRow::try_from(&v).unwrap_err(), Failure::BadResponse);
    }

    #[test]
    fn a_promotion_shows_the_proxys_discount_and_rejects_a_fractional_one() {
        let mut v = view("6_months", 6, 450_090, 2_700_540);
        v.discounted_monthly_installment = Some(Decimal::from(400_000));
        v.promo_months = Some(2);
        let row = PlanRow::try_from(&v).unwrap();
        assert_eq!(row.promo, Some((Money::from_rupiah(400_000), 2)));
        assert_eq!(
            row.promo_discount,
            Money::ZERO,
            "no figure from the proxy, none shown"
        );
        v.promo_discount = Some(Decimal::from(100_180));
        let row = PlanRow::try_from(&v).unwrap();
        assert_eq!(row.promo_discount, Money::from_rupiah(100_180));
        v.promo_discount = Some(Decimal::new(15, 1));
        assert_eq!(PlanRow::try_from(&v).unwrap_err(), Failure::BadResponse);
    }
}
