//! Properties that must hold for every amount and every valid pricing table.

use kredivo_plan::money::{serde_str, serde_str_2dp};
use kredivo_plan::{
    format_money, parse_money_display, validate_order, InterestModel, LineDraft, Locale, Money,
    PaymentType, Plan, PricingRule, PricingTable, Problem, PromoRate, Rounding, RoundingMode,
    ServiceFee,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn rp(rupiah: u64) -> Money {
    Money::from_rupiah(rupiah)
}

/// A rate in percent with four decimals, below `max_tenths_of_a_percent / 10` %.
fn percent(max_ten_thousandths: i64) -> impl Strategy<Value = Decimal> {
    (0..=max_ten_thousandths).prop_map(|v| Decimal::new(v, 4))
}

fn mode() -> impl Strategy<Value = RoundingMode> {
    prop_oneof![
        Just(RoundingMode::HalfUp),
        Just(RoundingMode::HalfEven),
        Just(RoundingMode::Up),
        Just(RoundingMode::Down),
    ]
}

fn model() -> impl Strategy<Value = InterestModel> {
    prop_oneof![
        Just(InterestModel::ZeroInterest),
        percent(50_000).prop_map(|rate_percent| InterestModel::FlatMonthly { rate_percent }),
        percent(100_000).prop_map(|monthly_rate_percent| InterestModel::Annuity {
            monthly_rate_percent
        }),
    ]
}

/// Any valid rule: every payment type, model, fee, down payment, unit, strategy and promotion.
fn any_rule() -> impl Strategy<Value = PricingRule> {
    (
        0..PaymentType::KNOWN.len(),
        model(),
        percent(30_000),
        0u64..=5_000,
        percent(500_000),
        prop::sample::select(vec![1u64, 10, 100, 1_000]),
        mode(),
        any::<(u32, u32)>(),
    )
        .prop_map(
            |(
                type_index,
                model,
                fee_percent,
                fee_minimum,
                down_payment,
                unit,
                strategy,
                (promo_seed, promo_rate),
            )| {
                let payment_type = PaymentType::KNOWN[type_index].clone();
                let tenure_months = payment_type.tenure_months().unwrap_or(1);
                let promo = (tenure_months > 1
                    && model != InterestModel::ZeroInterest
                    && promo_seed % 2 == 0)
                    .then(|| PromoRate {
                        monthly_rate_percent: Decimal::new(i64::from(promo_rate % 50_000), 4),
                        months: 1 + promo_seed / 2 % (tenure_months - 1),
                    });
                PricingRule {
                    payment_type,
                    tenure_months,
                    model,
                    service_fee: ServiceFee {
                        percent: fee_percent,
                        minimum: rp(fee_minimum),
                    },
                    down_payment_percent: down_payment,
                    rounding: Rounding {
                        unit: rp(unit),
                        strategy,
                    },
                    min_amount: rp(1),
                    max_amount: rp(999_999_999_999),
                    promo,
                    display_rate: Decimal::ZERO,
                }
            },
        )
}

fn any_amount() -> impl Strategy<Value = u64> {
    prop_oneof![
        1u64..=100_000,
        100_000u64..=100_000_000,
        1u64..=999_999_999_999
    ]
}

fn check_plan(plan: &Plan, unit: Money) -> Result<(), TestCaseError> {
    let lines = plan.schedule();
    prop_assert_eq!(lines.len() as u32, plan.tenure_months());
    let mut sum = Money::ZERO;
    for (i, line) in lines.iter().enumerate() {
        prop_assert_eq!(line.number, i as u32 + 1);
        prop_assert!(
            !line.amount.as_decimal().is_sign_negative(),
            "negative line {:?}",
            line
        );
        sum = sum.checked_add(line.amount).unwrap();
    }
    prop_assert_eq!(
        sum,
        plan.total(),
        "schedule must sum to the total: {:?}",
        plan
    );
    prop_assert!(
        plan.total_repaid().unwrap() >= plan.principal(),
        "repaid below principal: {:?}",
        plan
    );
    prop_assert_eq!(
        plan.financed()
            .checked_add(plan.service_fee())
            .unwrap()
            .checked_add(plan.interest())
            .unwrap(),
        plan.total(),
        "total = financed + fee + interest: {:?}",
        plan
    );
    if plan.tenure_months() > 1 {
        let unit = unit.to_rupiah_u64();
        prop_assert_eq!(
            plan.monthly_installment().to_rupiah_u64() % unit,
            0,
            "{:?}",
            plan
        );
        if let Some(d) = plan.discounted_monthly_installment() {
            prop_assert_eq!(d.to_rupiah_u64() % unit, 0, "{:?}", plan);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn built_in_plans_hold_every_invariant(amount in 10_000u64..=30_000_000) {
        for table in [PricingTable::kredivo_reference(), PricingTable::kredivo_2024()] {
            for plan in table.plans(rp(amount)) {
                let unit = table.rule(plan.payment_type()).unwrap().rounding.unit;
                check_plan(&plan, unit)?;
                prop_assert!(plan.total() >= plan.principal(), "no down payment in built-ins");
                // Annuity plans are quoted as monthly × tenure: every month is the same.
                if plan.tenure_months() > 1 {
                    prop_assert!(plan.schedule().iter().all(|l| l.amount == plan.monthly_installment()));
                }
            }
        }
    }

    #[test]
    fn any_valid_table_yields_coherent_plans(rule in any_rule(), amount in any_amount()) {
        let unit = rule.rounding.unit;
        let table = PricingTable::new(vec![rule]).unwrap();
        for plan in table.plans(rp(amount)) {
            check_plan(&plan, unit)?;
            // Kredivo's wire form of any coherent plan is checked in kredivo-providers.
        }
        let cheapest = table.plans(rp(amount)).iter().map(Plan::monthly_installment).min();
        prop_assert_eq!(table.cheapest_monthly(rp(amount)), cheapest);
    }

    #[test]
    fn plans_into_agrees_with_plans(amount in any_amount()) {
        let table = PricingTable::kredivo_2024();
        let mut out = Vec::new();
        table.plans_into(rp(amount), &mut out);
        prop_assert_eq!(out, table.plans(rp(amount)));
    }

    #[test]
    fn cart_validation_agrees_with_an_independent_sum(
        lines in prop::collection::vec((0i64..=10_000_000, 1i64..=50), 1..8),
        discount in prop::option::of(0i64..=5_000_000),
        delta in prop_oneof![Just(0i64), -3i64..=3],
    ) {
        let mut items: Vec<LineDraft> = lines
            .iter()
            .enumerate()
            .map(|(i, &(price, quantity))| item(&format!("sku{i}"), price, quantity))
            .collect();
        if let Some(d) = discount {
            items.push(item("discount", d, 1));
        }
        let sum: i64 = lines.iter().map(|(p, q)| p * q).sum::<i64>() - discount.unwrap_or(0);
        let amount = sum + delta;
        let result = validate_order("order-1", Decimal::from(amount), &items, &[]);
        prop_assert_eq!(result.is_ok(), sum > 0 && delta == 0, "sum {} amount {}: {:?}", sum, amount, result);
        if let Ok(order) = &result {
            prop_assert_eq!(order.amount().to_rupiah_u64(), sum as u64);
        }
        if sum >= 0 && amount > 0 && delta != 0 {
            let errors = result.unwrap_err();
            prop_assert_eq!(
                errors.at("transaction_details.amount"),
                Some(&Problem::AmountMismatch { expected: Decimal::from(amount), actual: Decimal::from(sum) })
            );
        }
    }

    #[test]
    fn formatting_round_trips_through_parsing(rupiah in any::<u64>()) {
        for locale in [Locale::Id, Locale::En] {
            let text = format_money(rp(rupiah), locale);
            prop_assert_eq!(parse_money_display(&text), Ok(rp(rupiah)), "{}", text);
        }
    }

    #[test]
    fn money_round_trips_through_every_serde_form(rupiah in any::<u64>()) {
        let money = rp(rupiah);
        let number = serde_json::to_string(&money).unwrap();
        prop_assert_eq!(&number, &rupiah.to_string());
        prop_assert_eq!(serde_json::from_str::<Money>(&number).unwrap(), money);

        let text = serde_str::serialize(&money, serde_json::value::Serializer).unwrap();
        prop_assert_eq!(serde_str::deserialize(text).unwrap(), money);

        let cents = serde_str_2dp::serialize(&money, serde_json::value::Serializer).unwrap();
        prop_assert_eq!(cents.as_str().unwrap(), format!("{rupiah}.00"));
        prop_assert_eq!(serde_str_2dp::deserialize(cents).unwrap(), money);

        prop_assert_eq!(Money::parse(&money.to_string()), Ok(money));
    }

    /// Below 10^15 rupiah (15 digits, far above any 12-digit Kredivo amount) a whole
    /// number written with `.0` is read exactly; longer ones are refused (next test).
    #[test]
    fn whole_floats_up_to_15_digits_deserialise_exactly(rupiah in 0u64..1_000_000_000_000_000) {
        let json = format!("{rupiah}.0");
        prop_assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), rp(rupiah));
    }

    #[test]
    fn arbitrary_text_never_panics_the_parsers(text in ".{0,40}") {
        let _ = Money::parse(&text);
        let _ = parse_money_display(&text);
        let _ = text.parse::<PaymentType>();
        let _ = Locale::parse(&text);
        let _ = kredivo_plan::check_phone(&text);
    }
}

fn item(id: &str, price: i64, quantity: i64) -> LineDraft {
    LineDraft {
        id: id.into(),
        name: id.into(),
        price: Decimal::from(price),
        quantity,
        ..LineDraft::default()
    }
}

#[test]
fn long_float_literals_are_exact_or_refused_never_changed() {
    let rows = [
        (
            "3923707461175905.0",
            3_923_707_461_175_905u64,
            "slow-path float parse",
        ),
        (
            "9007199254740991.0",
            9_007_199_254_740_991,
            "largest exact float",
        ),
        ("9007199254740993.0", 9_007_199_254_740_993, "beyond 2^53"),
        ("99999999999999999999.0", 0, "beyond u64"),
    ];
    for (json, expected, why) in rows {
        if let Ok(m) = serde_json::from_str::<Money>(json) {
            assert_eq!(m, rp(expected), "{why}");
        }
    }
    assert!(
        serde_json::from_str::<Money>("1000000000000000.0").is_err(),
        "10^15 with a point is refused"
    );
    assert_eq!(
        serde_json::from_str::<Money>("999999999999999.0").unwrap(),
        rp(999_999_999_999_999)
    );
    assert_eq!(
        serde_json::from_str::<Money>("9007199254740993").unwrap(),
        rp(9_007_199_254_740_993),
        "integers are exact"
    );
    assert!(
        serde_json::from_str::<Money>("12.5").is_err(),
        "a real fraction is refused"
    );
    assert!(
        serde_json::from_str::<Money>("-5").is_err(),
        "negative is refused"
    );
    assert!(
        serde_json::from_str::<Money>("\"1500100.10\"").is_err(),
        "fractional string refused"
    );
}
