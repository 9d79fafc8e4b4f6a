//! Plans on Kredivo's wire: doc 000's `/v2/payments` array, the newer fields (service fee,
//! promotions) and `get_user_credit_details` limits, converted to and from the plan crate.

use kredivo_plan::{CreditLimits, Money, PaymentType, Plan, PlanParts, PricingTable};
use kredivo_providers::kredivo::{CreditDetailsResponse, PaymentsResponse, WirePaymentType};
use rust_decimal::Decimal;
use serde_json::Value;

fn rp(rupiah: u64) -> Money {
    Money::from_rupiah(rupiah)
}

const PAYMENTS_RESPONSE: &str = include_str!("fixtures/payments_response.json");

#[test]
fn the_reference_plans_serialise_to_exactly_the_documented_payments_array() {
    let plans = PricingTable::kredivo_reference().plans(rp(2_400_000));
    let wire: Vec<WirePaymentType> = plans.iter().map(WirePaymentType::from).collect();
    let documented: Value = serde_json::from_str(PAYMENTS_RESPONSE).unwrap();
    assert_eq!(serde_json::to_value(&wire).unwrap(), documented["payments"]);
}

#[test]
fn the_documented_payments_normalise_into_the_same_plans_we_compute() {
    let response: PaymentsResponse = serde_json::from_str(PAYMENTS_RESPONSE).unwrap();
    let normalised: Vec<Plan> = response
        .payments
        .iter()
        .map(|w| Plan::try_from(w).unwrap())
        .collect();
    assert_eq!(
        normalised,
        PricingTable::kredivo_reference().plans(rp(2_400_000))
    );
}

#[test]
fn the_2024_table_sends_the_service_fee_on_the_wire() {
    let plan = PricingTable::kredivo_2024()
        .plan_for(rp(2_400_000), &PaymentType::ThirtyDays)
        .unwrap();
    let wire = WirePaymentType::from(&plan);
    assert_eq!(wire.service_fee, Some(rp(24_000)));
    assert_eq!(wire.installment_amount, rp(2_424_000));
    assert_eq!(Plan::try_from(&wire).unwrap(), plan);
}

#[test]
fn credit_limits_filter_plans_per_payment_type() {
    // Doc 000's get_user_credit_details example (commas restored, `12_month` verbatim).
    let body = r#"{"Status": "OK",
        "user_details": {"legal_name": "Randy Raharja", "mobile_number": "62812xxxx0581"},
        "user_credit_details": {"account_status": 1, "account_type": 2, "credit_limit_details": [
            {"payment_type": "30_days", "remaining_user_limit": "1500000"},
            {"payment_type": "3_months", "remaining_user_limit": "5000000"},
            {"payment_type": "6_months", "remaining_user_limit": "1000000"},
            {"payment_type": "12_month", "remaining_user_limit": "15000000"}]}}"#;
    let response: CreditDetailsResponse = serde_json::from_str(body).unwrap();
    let limits = CreditLimits::from(&response);
    let table = PricingTable::kredivo_reference();
    let offered: Vec<PaymentType> = table
        .eligible_with_limit(rp(2_400_000), &limits)
        .iter()
        .map(|p| p.payment_type().clone())
        .collect();
    assert_eq!(
        offered,
        [PaymentType::ThreeMonths, PaymentType::TwelveMonths]
    );

    let exactly_enough = CreditLimits::new([(PaymentType::SixMonths, rp(2_400_000))]);
    assert_eq!(
        table
            .eligible_with_limit(rp(2_400_000), &exactly_enough)
            .len(),
        1,
        "limit is inclusive"
    );

    let mut inactive = response.clone();
    inactive.user_credit_details.account_status = 2;
    assert!(table
        .eligible_with_limit(rp(100_000), &CreditLimits::from(&inactive))
        .is_empty());

    let mut basic = response;
    basic.user_credit_details.account_type = 1;
    let offered = table.eligible_with_limit(rp(1_000_000), &CreditLimits::from(&basic));
    assert_eq!(offered.len(), 1);
    assert_eq!(
        offered[0].payment_type(),
        &PaymentType::ThirtyDays,
        "basic accounts get 30 days only"
    );
}

/// The two promotions of the plan crate's annuity-promotion test, as the figures it prices
/// them at: on the wire they become `discounted_monthly_installment` and
/// `interest_rate_transition_term`, and come back as the same plan.
#[test]
fn an_annuity_promotion_crosses_the_wire_as_a_discounted_installment_and_a_term() {
    let rows = [
        (
            PaymentType::SixMonths,
            2,
            400_000,
            435_380,
            "interest-free first two months",
        ),
        (
            PaymentType::TwelveMonths,
            3,
            213_240,
            239_860,
            "1 % for three months",
        ),
    ];
    for (payment_type, months, discounted, monthly, why) in rows {
        let tenure = payment_type.tenure_months().unwrap();
        let total = discounted * u64::from(months) + monthly * u64::from(tenure - months);
        let plan = Plan::try_from(PlanParts {
            payment_type,
            tenure_months: tenure,
            principal: rp(2_400_000),
            down_payment: Money::ZERO,
            monthly_installment: rp(monthly),
            total: rp(total),
            interest: rp(total - 2_400_000),
            service_fee: Money::ZERO,
            discounted_monthly_installment: Some(rp(discounted)),
            promo_months: Some(months),
            rate: Decimal::ZERO,
        })
        .unwrap();
        let wire = WirePaymentType::from(&plan);
        assert_eq!(wire.discounted_monthly_installment, rp(discounted), "{why}");
        assert_eq!(
            wire.interest_rate_transition_term,
            Some(Decimal::from(months)),
            "{why}"
        );
        assert_eq!(
            Plan::try_from(&wire).unwrap(),
            plan,
            "{why}: wire round trip"
        );
    }
}
