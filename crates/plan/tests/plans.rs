//! Pricing tables and plans: the published golden figures, the pricing models, eligibility,
//! limits. Kredivo's wire form of plans is tested in `kredivo-providers`.

use kredivo_plan::{
    Installment, InterestModel, Money, PaymentType, Plan, PlanError, PlanParts, PricingRule,
    PricingTable, PromoRate, Rounding, RoundingMode, ServiceFee,
};
use rust_decimal::Decimal;

fn rp(rupiah: u64) -> Money {
    Money::from_rupiah(rupiah)
}

fn pct(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn rule(payment_type: PaymentType, model: InterestModel) -> PricingRule {
    PricingRule {
        tenure_months: payment_type.tenure_months().unwrap_or(1),
        payment_type,
        model,
        service_fee: ServiceFee::default(),
        down_payment_percent: Decimal::ZERO,
        rounding: Rounding {
            unit: rp(10),
            strategy: RoundingMode::HalfUp,
        },
        min_amount: rp(1),
        max_amount: rp(100_000_000),
        promo: None,
        display_rate: Decimal::ZERO,
    }
}

fn one_rule_table(rule: PricingRule) -> PricingTable {
    PricingTable::new(vec![rule]).unwrap()
}

fn amounts(lines: &[Installment]) -> Vec<u64> {
    lines.iter().map(|l| l.amount.to_rupiah_u64()).collect()
}

#[test]
fn the_reference_table_reproduces_doc_000_for_2_400_000() {
    let plans = PricingTable::kredivo_reference().plans(rp(2_400_000));
    let rows = [
        (
            PaymentType::ThirtyDays,
            1,
            2_400_000,
            2_400_000,
            0,
            "30 days, old table, no fee",
        ),
        (
            PaymentType::ThreeMonths,
            3,
            856_290,
            2_568_870,
            168_870,
            "3 months",
        ),
        (
            PaymentType::SixMonths,
            6,
            450_090,
            2_700_540,
            300_540,
            "6 months",
        ),
        (
            PaymentType::TwelveMonths,
            12,
            248_050,
            2_976_600,
            576_600,
            "12 months",
        ),
    ];
    assert_eq!(plans.len(), rows.len());
    for (plan, (id, tenure, monthly, total, interest, why)) in plans.iter().zip(rows) {
        assert_eq!(plan.payment_type(), &id, "{why}");
        assert_eq!(plan.tenure_months(), tenure, "{why}");
        assert_eq!(plan.principal(), rp(2_400_000), "{why}");
        assert_eq!(plan.monthly_installment(), rp(monthly), "{why}");
        assert_eq!(plan.total(), rp(total), "{why}");
        assert_eq!(plan.interest(), rp(interest), "{why}");
        assert_eq!(plan.service_fee(), Money::ZERO, "{why}");
        assert_eq!(plan.down_payment(), Money::ZERO, "{why}");
        assert_eq!(plan.discounted_monthly_installment(), None, "{why}");
    }
}

#[test]
fn the_2024_table_charges_one_percent_with_a_1_000_minimum_for_30_days() {
    let table = PricingTable::kredivo_2024();
    let rows = [
        (2_400_000, 24_000, 2_424_000, "doc 000 amount, 1 %"),
        (10_000, 1_000, 11_000, "doc 004 Xendit example, minimum fee"),
        (50_000, 1_000, 51_000, "1 % would be 500, the minimum wins"),
        (100_000, 1_000, 101_000, "1 % equals the minimum"),
        (123_456, 1_235, 124_691, "1 % rounded half-up to a rupiah"),
    ];
    for (amount, fee, total, why) in rows {
        let plan = table
            .plan_for(rp(amount), &PaymentType::ThirtyDays)
            .unwrap();
        assert_eq!(plan.service_fee(), rp(fee), "{why}");
        assert_eq!(plan.total(), rp(total), "{why}");
        assert_eq!(plan.monthly_installment(), rp(total), "{why}");
        assert_eq!(plan.interest(), Money::ZERO, "{why}");
        assert_eq!(amounts(&plan.schedule()), [total], "{why}");
    }
}

#[test]
fn eligibility_bounds_of_the_built_in_tables_are_inclusive() {
    let table = PricingTable::kredivo_reference();
    let rows = [
        (9_999, 0, "below the 30-day minimum"),
        (10_000, 1, "30-day minimum"),
        (499_999, 1, "below the installment minimum"),
        (500_000, 4, "installment minimum"),
        (30_000_000, 4, "maximum"),
        (30_000_001, 0, "above the maximum"),
    ];
    for (amount, count, why) in rows {
        assert_eq!(table.plans(rp(amount)).len(), count, "{why}");
    }
}

#[test]
fn plan_for_explains_why_a_payment_type_is_not_offered() {
    let table = PricingTable::kredivo_reference();
    let err = table
        .plan_for(rp(100_000), &PaymentType::SixMonths)
        .unwrap_err();
    assert_eq!(
        err,
        PlanError::NotEligible {
            payment_type: PaymentType::SixMonths,
            amount: rp(100_000)
        }
    );
    assert!(matches!(
        table.plan_for(rp(2_400_000), &PaymentType::TwentyFourMonths),
        Err(PlanError::NotEligible { .. })
    ));
}

#[test]
fn cheapest_monthly_is_the_smallest_offered_installment() {
    let table = PricingTable::kredivo_reference();
    for amount in [10_000, 150_000, 500_000, 2_400_000, 29_999_999] {
        let expected = table
            .plans(rp(amount))
            .iter()
            .map(Plan::monthly_installment)
            .min();
        assert_eq!(table.cheapest_monthly(rp(amount)), expected, "{amount}");
    }
    assert_eq!(
        table.cheapest_monthly(rp(150_000)),
        Some(rp(150_000)),
        "only 30 days"
    );
    assert_eq!(table.cheapest_monthly(rp(1)), None, "nothing offered");
}

#[test]
fn plans_into_reuses_the_callers_buffer() {
    let table = PricingTable::kredivo_reference();
    let mut out = Vec::with_capacity(8);
    let before = (out.as_ptr(), out.capacity());
    for amount in [2_400_000, 10_000, 5, 30_000_000] {
        table.plans_into(rp(amount), &mut out);
        assert_eq!(out, table.plans(rp(amount)), "{amount}");
        assert_eq!(
            (out.as_ptr(), out.capacity()),
            before,
            "no reallocation for {amount}"
        );
    }
}

#[test]
fn zero_interest_installments_put_the_rounding_remainder_in_the_last_month() {
    let mut r = rule(PaymentType::ThreeMonths, InterestModel::ZeroInterest);
    r.rounding.unit = rp(1_000);
    let plan = one_rule_table(r)
        .plan_for(rp(100_000), &PaymentType::ThreeMonths)
        .unwrap();
    assert_eq!(plan.monthly_installment(), rp(33_000));
    assert_eq!(
        plan.total(),
        rp(100_000),
        "zero interest never charges interest through rounding"
    );
    assert_eq!(plan.interest(), Money::ZERO);
    assert_eq!(amounts(&plan.schedule()), [33_000, 33_000, 34_000]);
}

#[test]
fn rounding_modes_pick_the_documented_neighbour() {
    // 100,000 / 3 = 33,333.33…; 100,005 / 3 = 33,335 exactly (a midpoint at unit 10).
    let rows = [
        (RoundingMode::HalfUp, 100_000, 33_330, "nearest"),
        (RoundingMode::Up, 100_000, 33_340, "always up"),
        (RoundingMode::Down, 100_000, 33_330, "always down"),
        (RoundingMode::HalfUp, 100_005, 33_340, "midpoint goes up"),
        (
            RoundingMode::HalfEven,
            100_005,
            33_340,
            "midpoint goes to even 3,334",
        ),
        (
            RoundingMode::HalfEven,
            100_035,
            33_340,
            "midpoint 33,345 goes to even 3,334",
        ),
        (RoundingMode::Down, 100_029, 33_340, "33,343 down"),
    ];
    for (mode, amount, monthly, why) in rows {
        let mut r = rule(PaymentType::ThreeMonths, InterestModel::ZeroInterest);
        r.rounding.strategy = mode;
        let plan = one_rule_table(r)
            .plan_for(rp(amount), &PaymentType::ThreeMonths)
            .unwrap();
        assert_eq!(plan.monthly_installment(), rp(monthly), "{why}");
        let sum: u64 = amounts(&plan.schedule()).iter().sum();
        assert_eq!(sum, amount, "{why}: lines sum to the total");
    }
}

#[test]
fn flat_monthly_rate_charges_the_rate_on_the_financed_amount_each_month() {
    let r = rule(
        PaymentType::ThreeMonths,
        InterestModel::FlatMonthly {
            rate_percent: pct("2"),
        },
    );
    let plan = one_rule_table(r)
        .plan_for(rp(1_000_000), &PaymentType::ThreeMonths)
        .unwrap();
    // 1,000,000 / 3 + 20,000 = 353,333.33 → 353,330; interest 3 × 20,000.
    assert_eq!(plan.monthly_installment(), rp(353_330));
    assert_eq!(plan.interest(), rp(60_000));
    assert_eq!(plan.total(), rp(1_060_000));
    assert_eq!(amounts(&plan.schedule()), [353_330, 353_330, 353_340]);
}

#[test]
fn a_down_payment_is_paid_up_front_and_not_financed() {
    let mut r = rule(PaymentType::ThreeMonths, InterestModel::ZeroInterest);
    r.down_payment_percent = pct("20");
    let plan = one_rule_table(r)
        .plan_for(rp(1_000_000), &PaymentType::ThreeMonths)
        .unwrap();
    assert_eq!(plan.down_payment(), rp(200_000));
    assert_eq!(plan.financed(), rp(800_000));
    assert_eq!(plan.total(), rp(800_000));
    assert_eq!(plan.total_repaid(), Ok(rp(1_000_000)));
    assert_eq!(amounts(&plan.schedule()), [266_670, 266_670, 266_660]);
}

#[test]
fn an_annuity_promotion_discounts_the_first_months_and_reamortises_the_rest() {
    let rows = [
        // 0 % for 2 of 6 months: 2,400,000 / 6 = 400,000; 1,600,000 left over 4 months at
        // 3.4787 % → 435,381.58 → 435,380.
        (
            "0",
            2,
            PaymentType::SixMonths,
            400_000,
            435_380,
            "interest-free first two months",
        ),
        // 1 % over 12 months → 213,237.09 → 213,240 for 3 months; the balance of the promo
        // annuity re-amortised at 3.4787 % over 9 months → 239,862.63 → 239,860.
        (
            "1",
            3,
            PaymentType::TwelveMonths,
            213_240,
            239_860,
            "1 % for three months",
        ),
    ];
    for (promo_rate, months, payment_type, discounted, monthly, why) in rows {
        let mut r = rule(
            payment_type.clone(),
            InterestModel::Annuity {
                monthly_rate_percent: pct("3.4787"),
            },
        );
        r.promo = Some(PromoRate {
            monthly_rate_percent: pct(promo_rate),
            months,
        });
        let plan = one_rule_table(r)
            .plan_for(rp(2_400_000), &payment_type)
            .unwrap();
        assert_eq!(
            plan.discounted_monthly_installment(),
            Some(rp(discounted)),
            "{why}"
        );
        assert_eq!(plan.promo_months(), Some(months), "{why}");
        assert_eq!(plan.monthly_installment(), rp(monthly), "{why}");
        assert_eq!(
            plan.promo_discount(),
            rp((monthly - discounted) * u64::from(months)),
            "{why}"
        );
        let n = plan.tenure_months();
        let expected_total = discounted * u64::from(months) + monthly * u64::from(n - months);
        assert_eq!(plan.total(), rp(expected_total), "{why}");
        let lines = amounts(&plan.schedule());
        assert!(
            lines[..months as usize].iter().all(|l| *l == discounted),
            "{why}"
        );
        assert!(
            lines[months as usize..].iter().all(|l| *l == monthly),
            "{why}"
        );
    }
}

#[test]
fn a_flat_promotion_uses_its_rate_during_the_promotional_months() {
    let mut r = rule(
        PaymentType::ThreeMonths,
        InterestModel::FlatMonthly {
            rate_percent: pct("2"),
        },
    );
    r.promo = Some(PromoRate {
        monthly_rate_percent: pct("0"),
        months: 1,
    });
    let plan = one_rule_table(r)
        .plan_for(rp(900_000), &PaymentType::ThreeMonths)
        .unwrap();
    // 300,000 + 0 in month 1; 300,000 + 18,000 afterwards; interest 2 × 18,000.
    assert_eq!(plan.discounted_monthly_installment(), Some(rp(300_000)));
    assert_eq!(plan.monthly_installment(), rp(318_000));
    assert_eq!(plan.total(), rp(936_000));
    assert_eq!(amounts(&plan.schedule()), [300_000, 318_000, 318_000]);
}

#[test]
fn a_zero_rate_annuity_divides_exactly() {
    let r = rule(
        PaymentType::ThreeMonths,
        InterestModel::Annuity {
            monthly_rate_percent: Decimal::ZERO,
        },
    );
    // 15 / 3 = 5 exactly: a midpoint at unit 10 that an inexact 1/3 would round the wrong way.
    let plan = one_rule_table(r)
        .plan_for(rp(15), &PaymentType::ThreeMonths)
        .unwrap();
    assert_eq!(plan.monthly_installment(), rp(10));
}

#[test]
fn invalid_rules_are_refused_with_a_reason() {
    let base = || rule(PaymentType::ThreeMonths, InterestModel::ZeroInterest);
    let annuity = || {
        rule(
            PaymentType::ThreeMonths,
            InterestModel::Annuity {
                monthly_rate_percent: pct("3"),
            },
        )
    };
    let rows: Vec<(PricingRule, &str)> = vec![
        (
            PricingRule {
                tenure_months: 0,
                ..base()
            },
            "tenure must be 1 to 60 months",
        ),
        (
            PricingRule {
                tenure_months: 4,
                ..base()
            },
            "tenure contradicts the payment type",
        ),
        (
            PricingRule {
                payment_type: PaymentType::Unknown("61_months".into()),
                tenure_months: 61,
                ..base()
            },
            "tenure must be 1 to 60 months",
        ),
        (
            PricingRule {
                service_fee: ServiceFee {
                    percent: pct("101"),
                    minimum: Money::ZERO,
                },
                ..base()
            },
            "service fee percent must be 0 to 100",
        ),
        (
            PricingRule {
                down_payment_percent: pct("100"),
                ..base()
            },
            "down payment percent must be 0 to below 100",
        ),
        (
            PricingRule {
                down_payment_percent: pct("-1"),
                ..base()
            },
            "down payment percent must be 0 to below 100",
        ),
        (
            PricingRule {
                rounding: Rounding {
                    unit: Money::ZERO,
                    strategy: RoundingMode::Up,
                },
                ..base()
            },
            "rounding unit must be at least 1 rupiah",
        ),
        (
            PricingRule {
                min_amount: rp(2),
                max_amount: rp(1),
                ..base()
            },
            "min_amount is above max_amount",
        ),
        (
            PricingRule {
                model: InterestModel::Annuity {
                    monthly_rate_percent: pct("-0.5"),
                },
                ..base()
            },
            "interest rate must be 0 to 100 percent a month",
        ),
        (
            PricingRule {
                promo: Some(PromoRate {
                    monthly_rate_percent: pct("0"),
                    months: 1,
                }),
                ..base()
            },
            "a zero-interest rule cannot have a promotional rate",
        ),
        (
            PricingRule {
                promo: Some(PromoRate {
                    monthly_rate_percent: pct("0"),
                    months: 3,
                }),
                ..annuity()
            },
            "promotion must last 1 to tenure-1 months",
        ),
        (
            PricingRule {
                promo: Some(PromoRate {
                    monthly_rate_percent: pct("200"),
                    months: 1,
                }),
                ..annuity()
            },
            "promotional rate must be 0 to 100 percent a month",
        ),
    ];
    for (bad, reason) in rows {
        match PricingTable::new(vec![bad]) {
            Err(PlanError::InvalidTable { reason: got, .. }) => assert_eq!(got, reason),
            other => panic!("expected {reason:?}, got {other:?}"),
        }
    }
    assert!(matches!(
        PricingTable::new(vec![base(), base()]),
        Err(PlanError::InvalidTable {
            reason: "two rules for one payment type",
            ..
        })
    ));
}

#[test]
fn tables_round_trip_through_json_digit_for_digit() {
    for table in [
        PricingTable::kredivo_reference(),
        PricingTable::kredivo_2024(),
    ] {
        let json = serde_json::to_string(&table).unwrap();
        assert!(
            json.contains(r#""monthly_rate_percent":"3.4787""#),
            "{json}"
        );
        let back: PricingTable = serde_json::from_str(&json).unwrap();
        assert_eq!(back, table);
    }
}

#[test]
fn a_table_loads_from_json_with_numbers_or_strings_and_defaults() {
    let json = r#"{"rules": [
        {"payment_type": "30_days", "tenure_months": 1, "model": {"kind": "zero_interest"},
         "service_fee": {"percent": 1, "minimum": "1000"},
         "min_amount": 10000, "max_amount": "30000000"},
        {"payment_type": "6_months", "tenure_months": 6,
         "model": {"kind": "flat_monthly", "rate_percent": 2.6},
         "rounding": {"unit": 100, "strategy": "up"},
         "min_amount": 500000, "max_amount": 30000000, "display_rate": "2.6",
         "a_comment_for_humans": "ignored"}
    ]}"#;
    let table: PricingTable = serde_json::from_str(json).unwrap();
    let thirty = table.rule(&PaymentType::ThirtyDays).unwrap();
    assert_eq!(
        thirty.rounding,
        Rounding::default(),
        "rounding defaults to Rp 1 half-up"
    );
    assert_eq!(
        table
            .plan_for(rp(10_000), &PaymentType::ThirtyDays)
            .unwrap()
            .total(),
        rp(11_000)
    );
    let six = table
        .plan_for(rp(600_000), &PaymentType::SixMonths)
        .unwrap();
    // 100,000 + 15,600 = 115,600 exactly; interest 6 × 15,600.
    assert_eq!(six.monthly_installment(), rp(115_600));
    assert_eq!(six.total(), rp(693_600));
    assert_eq!(six.rate(), pct("2.6"));
}

#[test]
fn an_invalid_table_fails_to_load() {
    let json = r#"{"rules": [{"payment_type": "3_months", "tenure_months": 6,
        "model": {"kind": "zero_interest"}, "min_amount": 1, "max_amount": 2}]}"#;
    let err = serde_json::from_str::<PricingTable>(json).unwrap_err();
    assert!(
        err.to_string()
            .contains("tenure contradicts the payment type"),
        "{err}"
    );
}

#[test]
fn interest_models_keep_their_json_shape() {
    // The shape `#[serde(tag = "kind")]` gave before the model went through a plain struct.
    let models = [
        (InterestModel::ZeroInterest, r#"{"kind":"zero_interest"}"#),
        (
            InterestModel::FlatMonthly {
                rate_percent: pct("2.6"),
            },
            r#"{"kind":"flat_monthly","rate_percent":"2.6"}"#,
        ),
        (
            InterestModel::Annuity {
                monthly_rate_percent: pct("3.4787"),
            },
            r#"{"kind":"annuity","monthly_rate_percent":"3.4787"}"#,
        ),
    ];
    for (model, json) in models {
        assert_eq!(serde_json::to_string(&model).unwrap(), json);
        assert_eq!(serde_json::from_str::<InterestModel>(json).unwrap(), model);
    }
    // Numbers with a fraction read digit for digit.
    assert_eq!(
        serde_json::from_str::<InterestModel>(
            r#"{"kind":"annuity","monthly_rate_percent":3.4787}"#
        )
        .unwrap(),
        InterestModel::Annuity {
            monthly_rate_percent: pct("3.4787")
        }
    );
    for (json, why) in [
        (r#"{"kind":"annuity"}"#, "monthly_rate_percent"),
        (
            r#"{"kind":"flat_monthly","monthly_rate_percent":"2"}"#,
            "rate_percent",
        ),
        (
            r#"{"kind":"balloon","rate_percent":"2"}"#,
            "unknown variant",
        ),
        (r#"{"rate_percent":"2"}"#, "kind"),
    ] {
        let err = serde_json::from_str::<InterestModel>(json).unwrap_err();
        assert!(err.to_string().contains(why), "{json}: {err}");
    }
}

#[test]
fn incoherent_plans_cannot_be_built() {
    let good = PlanParts {
        payment_type: PaymentType::ThreeMonths,
        tenure_months: 3,
        principal: rp(900),
        down_payment: Money::ZERO,
        monthly_installment: rp(300),
        total: rp(900),
        interest: Money::ZERO,
        service_fee: Money::ZERO,
        discounted_monthly_installment: None,
        promo_months: None,
        rate: Decimal::ZERO,
    };
    assert!(Plan::try_from(good.clone()).is_ok());
    let rows = [
        (
            PlanParts {
                tenure_months: 0,
                ..good.clone()
            },
            "zero tenure",
        ),
        (
            PlanParts {
                tenure_months: 4_000_000_000,
                ..good.clone()
            },
            "absurd tenure that would make schedule() allocate billions of lines",
        ),
        (
            PlanParts {
                down_payment: rp(901),
                ..good.clone()
            },
            "down payment above principal",
        ),
        (
            PlanParts {
                promo_months: Some(1),
                ..good.clone()
            },
            "promo months without an installment",
        ),
        (
            PlanParts {
                discounted_monthly_installment: Some(rp(1)),
                promo_months: Some(3),
                ..good.clone()
            },
            "promotion as long as the tenure",
        ),
    ];
    for (parts, why) in rows {
        assert!(
            matches!(Plan::try_from(parts), Err(PlanError::InvalidPlan { .. })),
            "{why}"
        );
    }
}

#[test]
fn plans_round_trip_through_json() {
    for plan in PricingTable::kredivo_2024().plans(rp(2_400_000)) {
        let json = serde_json::to_string(&plan).unwrap();
        let back: Plan = serde_json::from_str(&json).unwrap();
        assert_eq!(back, plan, "{json}");
    }
    let bad = r#"{"payment_type":"3_months","tenure_months":0,"principal":1,"monthly_installment":1,"total":1}"#;
    assert!(
        serde_json::from_str::<Plan>(bad).is_err(),
        "zero tenure is refused on load too"
    );
}

#[test]
fn a_schedule_never_goes_negative_even_for_incoherent_provider_figures() {
    // A provider entry whose monthly figure exceeds what the total allows.
    let plan = Plan::try_from(PlanParts {
        payment_type: PaymentType::ThreeMonths,
        tenure_months: 3,
        principal: rp(100),
        down_payment: Money::ZERO,
        monthly_installment: rp(60),
        total: rp(100),
        interest: Money::ZERO,
        service_fee: Money::ZERO,
        discounted_monthly_installment: None,
        promo_months: None,
        rate: Decimal::ZERO,
    })
    .unwrap();
    assert_eq!(amounts(&plan.schedule()), [60, 40, 0]);
}

#[test]
fn huge_amounts_never_panic() {
    let mut r = rule(
        PaymentType::TwelveMonths,
        InterestModel::Annuity {
            monthly_rate_percent: pct("100"),
        },
    );
    r.max_amount = Money::MAX;
    r.service_fee = ServiceFee {
        percent: pct("100"),
        minimum: Money::MAX,
    };
    let table = one_rule_table(r);
    for amount in [Money::MAX, rp(u64::MAX / 2), rp(10u64.pow(15))] {
        let _ = table.plans(amount);
        let _ = table.cheapest_monthly(amount);
        let _ = table.plan_for(amount, &PaymentType::TwelveMonths);
    }
}
