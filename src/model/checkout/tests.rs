//! Every transition of the checkout state machine, natively: what it shows after, and what
//! it asks the component to do.

use kredivo_api::{Address, Customer, ErrorCode};
use rust_decimal::Decimal;

use super::*;
use crate::model::offer::plan_view;
use crate::options;

const PROXY: &str = "https://shop.test";

fn options(pairs: &[(&str, &str)]) -> Options {
    let attr = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    };
    options::parse(&attr, None, None).expect("test options parse")
}

fn cart(id: &str) -> Options {
    options(&[("data-cart-id", id), ("data-proxy", PROXY)])
}

fn amount(rupiah: &str) -> Options {
    options(&[("data-amount", rupiah), ("data-proxy", PROXY)])
}

/// The proxy's answer for `amount`: one plan per payment type, 3 months each, no interest.
fn plans(amount: i64, types: &[&str]) -> PaymentTypesResponse {
    let plan = |pt: &&str| plan_view(pt, 3, amount / 3, amount, amount);
    PaymentTypesResponse {
        amount: Decimal::from(amount),
        currency: "IDR".into(),
        estimate: false,
        express: false,
        plans: types.iter().map(plan).collect(),
    }
}

const TYPES: [&str; 3] = ["30_days", "3_months", "6_months"];

/// The ticket of the one price request among `effects`.
fn ticket(effects: &[Effect]) -> u32 {
    let tickets: Vec<u32> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Price { ticket, .. } => Some(*ticket),
            _ => None,
        })
        .collect();
    assert_eq!(tickets.len(), 1, "one price request in {effects:?}");
    tickets[0]
}

/// The codes of the `kredivo:error` events among `effects`.
fn errors(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Emit(WidgetEvent::Error { code, .. }) => Some(code.clone()),
            _ => None,
        })
        .collect()
}

/// A machine showing the plans of `TYPES` for `options`.
fn ready(options: &Options) -> Checkout {
    let mut m = Checkout::default();
    let t = ticket(&m.set_options(options));
    m.priced(t, Ok(plans(2_400_000, &TYPES)));
    assert!(matches!(m.load(), Load::Ready(_)));
    m
}

/// The checkout request among `effects`.
fn checkout(effects: &[Effect]) -> CheckoutRequest {
    match effects {
        [Effect::Checkout { proxy, request }] => {
            assert_eq!(proxy, PROXY);
            (**request).clone()
        }
        other => panic!("expected one checkout, got {other:?}"),
    }
}

fn answer(redirect: Option<&str>) -> Result<CheckoutResponse, Failure> {
    Ok(CheckoutResponse {
        order_id: "o-1".into(),
        status: OrderStatus::Pending,
        redirect_url: redirect.map(str::to_owned),
    })
}

fn order(status: OrderStatus) -> Result<OrderView, Failure> {
    Ok(OrderView {
        order_id: "o-1".into(),
        status,
        amount: Decimal::from(2_400_000),
        payment_type: "3_months".into(),
    })
}

#[test]
fn the_first_thing_to_price_is_asked_at_once_behind_the_skeleton() {
    let mut m = Checkout::default();
    assert_eq!(m.load(), &Load::Waiting);
    let effects = m.set_options(&amount("2400000"));
    assert_eq!(
        effects,
        vec![Effect::Price {
            ticket: ticket(&effects),
            proxy: PROXY.into(),
            request: PaymentTypesRequest {
                amount: Some(Decimal::from(2_400_000)),
                ..PaymentTypesRequest::default()
            },
        }]
    );
    assert_eq!(m.load(), &Load::Loading);
    assert!(!m.refreshing());
}

#[test]
fn options_with_nothing_to_price_wait_without_asking() {
    let mut m = Checkout::default();
    assert_eq!(
        m.set_options(&options(&[])),
        vec![Effect::CancelPricing],
        "no request, and none left running"
    );
    assert_eq!(m.load(), &Load::Waiting);
}

#[test]
fn an_answer_shows_the_plans_selects_the_first_and_reports_ready() {
    let mut m = Checkout::default();
    let t = ticket(&m.set_options(&cart("c1")));
    let effects = m.priced(t, Ok(plans(2_400_000, &TYPES)));
    assert_eq!(
        effects,
        vec![Effect::Emit(WidgetEvent::Ready {
            amount: "2400000".into(),
            payment_types: TYPES.map(str::to_owned).to_vec(),
        })]
    );
    let Load::Ready(offer) = m.load() else {
        panic!("{:?}", m.load())
    };
    assert_eq!(offer.plans.len(), 3);
    assert_eq!(m.selected(), 0);
}

#[test]
fn a_changed_source_is_debounced_into_one_request_for_the_last_value() {
    let mut m = ready(&amount("300000"));
    assert_eq!(m.set_options(&amount("600000")), vec![Effect::Debounce]);
    assert_eq!(m.set_options(&amount("900000")), vec![Effect::Debounce]);
    assert!(
        matches!(m.load(), Load::Ready(_)),
        "the old plans stay until the timer fires"
    );
    let effects = m.debounced();
    let Effect::Price { request, .. } = &effects[0] else {
        panic!("{effects:?}")
    };
    assert_eq!(request.amount, Some(Decimal::from(900_000)));
    assert!(m.refreshing(), "plans stay on screen, dimmed, while asking");
    assert_eq!(m.debounced(), vec![], "the timer's request went out once");
}

#[test]
fn the_same_source_again_asks_nothing_but_a_new_revision_asks_again() {
    let mut m = ready(&cart("c1"));
    let mut dark = cart("c1");
    dark.theme = options::Theme::Dark;
    assert_eq!(m.set_options(&dark), vec![], "only the look changed");
    let mut changed = cart("c1");
    changed.revision = "2".into();
    assert_eq!(
        m.set_options(&changed),
        vec![Effect::Debounce],
        "the cart changed under the same id"
    );
}

#[test]
fn a_stale_answer_never_overwrites_a_newer_request() {
    let mut m = ready(&amount("300000"));
    m.set_options(&amount("600000"));
    let old = ticket(&m.debounced());
    m.set_options(&amount("900000"));
    let new = ticket(&m.debounced());
    assert_eq!(m.priced(new, Ok(plans(900_000, &TYPES))), {
        vec![Effect::Emit(WidgetEvent::Ready {
            amount: "900000".into(),
            payment_types: TYPES.map(str::to_owned).to_vec(),
        })]
    });
    assert_eq!(m.priced(old, Ok(plans(600_000, &TYPES))), vec![]);
    let Load::Ready(offer) = m.load() else {
        panic!()
    };
    assert_eq!(offer.amount, kredivo_plan::Money::from_rupiah(900_000));
}

#[test]
fn a_new_offer_keeps_the_chosen_plan_when_it_still_has_it() {
    let mut m = ready(&cart("c1"));
    m.choose(2);
    let mut changed = cart("c1");
    changed.revision = "2".into();
    m.set_options(&changed);
    let t = ticket(&m.debounced());
    m.priced(t, Ok(plans(2_500_000, &["3_months", "6_months"])));
    assert_eq!(m.selected(), 1, "6_months, now second");
    m.set_options(&cart("c2"));
    let t = ticket(&m.debounced());
    m.priced(t, Ok(plans(2_500_000, &["30_days"])));
    assert_eq!(m.selected(), 0, "a vanished plan falls back to the first");
}

#[test]
fn a_failed_price_is_shown_and_reported_in_the_shoppers_language() {
    let mut m = Checkout::default();
    let t = ticket(&m.set_options(&options(&[
        ("data-amount", "2400000"),
        ("data-locale", "en"),
    ])));
    let effects = m.priced(t, Err(Failure::Api(ErrorCode::UpstreamError)));
    assert_eq!(
        effects,
        vec![Effect::Emit(WidgetEvent::Error {
            code: "upstream_error".into(),
            message: "Kredivo is unavailable right now. Please try again in a moment.".into(),
        })]
    );
    assert_eq!(
        m.load(),
        &Load::Failed(Failure::Api(ErrorCode::UpstreamError))
    );
}

#[test]
fn an_answer_that_is_not_an_offer_is_a_bad_response() {
    let mut m = Checkout::default();
    let t = ticket(&m.set_options(&amount("500")));
    let effects = m.priced(t, Ok(plans(500, &[])));
    assert_eq!(errors(&effects), ["ineligible_amount"], "no plan covers it");
    assert!(matches!(m.load(), Load::Failed(f) if f.is_ineligible()));
}

#[test]
fn retry_after_a_failed_price_asks_again_from_the_skeleton() {
    let mut m = Checkout::default();
    let t = ticket(&m.set_options(&cart("c1")));
    m.priced(t, Err(Failure::Network));
    let effects = m.retry_pricing();
    let t = ticket(&effects);
    assert_eq!(m.load(), &Load::Loading);
    m.priced(t, Ok(plans(2_400_000, &TYPES)));
    assert!(matches!(m.load(), Load::Ready(_)));
    assert_eq!(
        Checkout::default().retry_pricing(),
        vec![],
        "nothing to price, nothing to retry"
    );
}

#[test]
fn invalid_options_stop_pricing_and_report_invalid_options() {
    let mut m = Checkout::default();
    let t = ticket(&m.set_options(&cart("c1")));
    let mut bad = cart("c1");
    bad.source = Source::Invalid("invalid cart: \"x\"".into());
    let effects = m.set_options(&bad);
    assert_eq!(effects[0], Effect::CancelPricing);
    assert_eq!(errors(&effects), ["invalid_options"]);
    assert_eq!(m.load(), &Load::Failed(Failure::InvalidOptions));
    assert_eq!(
        m.priced(t, Err(Failure::Network)),
        vec![],
        "the aborted request's answer is stale, not a network error"
    );
}

/// Regression: a host whose attribute went bad and then back to the same value as before
/// kept showing `invalid_options`, because its cart counted as already priced.
#[test]
fn the_same_valid_options_after_invalid_ones_are_priced_again() {
    let mut m = ready(&cart("c1"));
    let mut bad = cart("c1");
    bad.source = Source::Invalid("invalid cart: \"x\"".into());
    m.set_options(&bad);
    let effects = m.set_options(&cart("c1"));
    ticket(&effects);
    assert_eq!(m.load(), &Load::Loading);
}

/// Regression: an answer for a source the merchant removed while it was in flight showed
/// plans for nothing.
#[test]
fn an_answer_for_a_removed_source_is_dropped() {
    let mut m = Checkout::default();
    let t = ticket(&m.set_options(&cart("c1")));
    m.set_options(&options(&[]));
    assert_eq!(m.priced(t, Ok(plans(2_400_000, &TYPES))), vec![]);
    assert_eq!(m.load(), &Load::Waiting);
}

#[test]
fn choosing_a_plan_reports_it_once() {
    let mut m = ready(&cart("c1"));
    assert_eq!(
        m.choose(1),
        vec![Effect::Emit(WidgetEvent::Select("3_months".into()))]
    );
    assert_eq!(m.selected(), 1);
    assert_eq!(m.choose(1), vec![], "the same plan again is no news");
    assert_eq!(m.choose(7), vec![], "no such plan");
    assert_eq!(m.selected(), 1);
}

#[test]
fn paying_sends_one_checkout_and_ignores_clicks_while_it_is_under_way() {
    let mut m = ready(&cart("c1"));
    m.choose(2);
    let request = checkout(&m.pay(&cart("c1"), || [1; 16]));
    assert_eq!(request.cart_id.as_deref(), Some("c1"));
    assert_eq!(request.payment_type, "6_months");
    assert_eq!(request.idempotency_key, "01".repeat(16));
    assert_eq!(m.phase(), &Phase::Busy);
    assert_eq!(m.pay(&cart("c1"), || [2; 16]), vec![], "a double click");
}

#[test]
fn a_plan_above_the_shoppers_limit_can_be_neither_chosen_nor_paid() {
    let mut m = Checkout::default();
    let t = ticket(&m.set_options(&cart("c1")));
    let mut answer = plans(2_400_000, &TYPES);
    answer.express = true;
    for (p, fits) in answer.plans.iter_mut().zip([false, true, false]) {
        p.remaining_limit = Some(Decimal::from(2_000_000));
        p.within_limit = Some(fits);
    }
    m.priced(t, Ok(answer.clone()));
    assert_eq!(
        m.selected(),
        1,
        "the first plan the limit covers is selected"
    );
    assert_eq!(m.choose(2), vec![], "above the limit");
    assert_eq!(m.choose(0), vec![], "above the limit");
    assert_eq!(m.selected(), 1);
    assert_eq!(
        checkout(&m.pay(&cart("c1"), || [1; 16])).payment_type,
        "3_months"
    );

    // No plan fits: the widget shows them all and sends nothing.
    let mut m = Checkout::default();
    let t = ticket(&m.set_options(&cart("c1")));
    for p in &mut answer.plans {
        p.within_limit = Some(false);
    }
    m.priced(t, Ok(answer));
    assert_eq!(m.pay(&cart("c1"), || [1; 16]), vec![]);
    assert_eq!(m.phase(), &Phase::Idle);
}

#[test]
fn a_preview_of_a_bare_amount_cannot_be_paid() {
    let mut m = ready(&amount("2400000"));
    assert_eq!(m.pay(&amount("2400000"), || [1; 16]), vec![]);
    assert_eq!(m.phase(), &Phase::Idle);
    let effects = Checkout::default().pay(&cart("c1"), || [1; 16]);
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Checkout { .. })),
        "no plans on screen yet: {effects:?}"
    );
}

#[test]
fn a_redirect_url_is_followed_only_when_it_is_a_web_url() {
    let mut m = ready(&cart("c1"));
    m.pay(&cart("c1"), || [1; 16]);
    let url = "https://sandbox.kredivo.test/signin?tk=1";
    assert_eq!(
        m.checked_out(answer(Some(url))),
        vec![Effect::Redirect(url.into())]
    );
    assert_eq!(m.phase(), &Phase::Redirecting);

    let mut m = ready(&cart("c1"));
    m.pay(&cart("c1"), || [1; 16]);
    let effects = m.checked_out(answer(Some("javascript:alert(1)")));
    assert_eq!(errors(&effects), ["bad_response"]);
    assert_eq!(m.phase(), &Phase::Failed(Failure::BadResponse));
}

#[test]
fn a_failed_checkout_is_retried_with_the_same_idempotency_key() {
    let mut m = ready(&cart("c1"));
    let first = checkout(&m.pay(&cart("c1"), || [1; 16]));
    let effects = m.checked_out(Err(Failure::Api(ErrorCode::UpstreamTimeout)));
    assert_eq!(errors(&effects), ["upstream_timeout"]);
    assert_eq!(
        m.phase(),
        &Phase::Failed(Failure::Api(ErrorCode::UpstreamTimeout))
    );
    let again = checkout(&m.pay(&cart("c1"), || [2; 16]));
    assert_eq!(again.idempotency_key, first.idempotency_key);
    m.checked_out(Err(Failure::Network));
    m.choose(1);
    assert_eq!(m.phase(), &Phase::Idle, "another plan clears the failure");
    let other = checkout(&m.pay(&cart("c1"), || [3; 16]));
    assert_ne!(
        other.idempotency_key, first.idempotency_key,
        "another plan is another attempt"
    );
}

#[test]
fn new_plans_clear_a_failed_checkout() {
    let mut m = ready(&cart("c1"));
    m.pay(&cart("c1"), || [1; 16]);
    m.checked_out(Err(Failure::Network));
    let mut changed = cart("c1");
    changed.revision = "2".into();
    m.set_options(&changed);
    let t = ticket(&m.debounced());
    m.priced(t, Ok(plans(2_400_000, &TYPES)));
    assert_eq!(m.phase(), &Phase::Idle);
}

#[test]
fn an_express_checkout_polls_its_order_until_it_settles() {
    let mut m = ready(&cart("c1"));
    m.pay(&cart("c1"), || [1; 16]);
    let poll = |after_ms| Effect::Poll {
        proxy: PROXY.into(),
        order_id: "o-1".into(),
        after_ms,
    };
    assert_eq!(m.checked_out(answer(None)), vec![poll(0)]);
    assert_eq!(m.phase(), &Phase::Polling);
    assert_eq!(m.polled(order(OrderStatus::Pending)), vec![poll(POLL.0)]);
    assert_eq!(
        m.polled(Err(Failure::Network)),
        vec![poll(POLL.0)],
        "a missed poll is asked again"
    );
    assert_eq!(
        m.polled(order(OrderStatus::Settled)),
        vec![Effect::Emit(WidgetEvent::Complete {
            order_id: "o-1".into(),
            status: "settled".into(),
        })]
    );
    assert_eq!(m.phase(), &Phase::Done(OrderStatus::Settled));
    assert_eq!(
        m.polled(order(OrderStatus::Settled)),
        vec![],
        "polling is over"
    );
}

#[test]
fn a_refused_express_checkout_completes_and_reports_order_failed() {
    for status in [
        OrderStatus::Denied,
        OrderStatus::Expired,
        OrderStatus::Cancelled,
        OrderStatus::Refunded,
    ] {
        let mut m = ready(&cart("c1"));
        m.pay(&cart("c1"), || [1; 16]);
        m.checked_out(answer(None));
        let effects = m.polled(order(status));
        assert_eq!(
            effects[0],
            Effect::Emit(WidgetEvent::Complete {
                order_id: "o-1".into(),
                status: status.as_str().into(),
            }),
            "{status:?}"
        );
        assert_eq!(errors(&effects), ["order_failed"], "{status:?}");
        assert_eq!(m.phase(), &Phase::Done(status));
    }
}

#[test]
fn polling_gives_up_as_a_timeout_after_its_last_try() {
    let mut m = ready(&cart("c1"));
    m.pay(&cart("c1"), || [1; 16]);
    m.checked_out(answer(None));
    for _ in 1..POLL.1 {
        assert!(matches!(
            m.polled(order(OrderStatus::Pending))[..],
            [Effect::Poll { .. }]
        ));
    }
    let effects = m.polled(order(OrderStatus::Pending));
    assert_eq!(errors(&effects), ["timeout"]);
    assert_eq!(m.phase(), &Phase::Failed(Failure::Timeout));
}

#[test]
fn paying_again_after_a_refusal_is_a_new_attempt_with_a_new_key() {
    let mut m = ready(&cart("c1"));
    let first = checkout(&m.pay(&cart("c1"), || [1; 16]));
    m.checked_out(answer(None));
    m.polled(order(OrderStatus::Denied));
    let again = checkout(&m.pay_again(&cart("c1"), || [2; 16]));
    assert_ne!(again.idempotency_key, first.idempotency_key);
    assert_eq!(m.phase(), &Phase::Busy);
}

#[test]
fn answers_nobody_is_waiting_for_change_nothing() {
    let mut m = ready(&cart("c1"));
    assert_eq!(m.checked_out(answer(None)), vec![], "no checkout in flight");
    assert_eq!(m.polled(order(OrderStatus::Settled)), vec![], "no polling");
    assert_eq!(m.debounced(), vec![], "no request waiting for the timer");
    assert_eq!(m.phase(), &Phase::Idle);
}

fn session(secret: &str) -> Options {
    options(&[("data-session", secret), ("data-proxy", PROXY)])
}

fn shopper() -> (Customer, Address) {
    let customer = Customer {
        first_name: "Oemang".into(),
        last_name: Some("Tandra".into()),
        email: "alie@satuduatiga.com".into(),
        phone: "081513114262".into(),
    };
    let address = Address {
        first_name: "Oemang".into(),
        last_name: Some("Tandra".into()),
        address: "Jalan Teknologi Indonesia No. 25".into(),
        city: "Jakarta".into(),
        postal_code: "12960".into(),
        phone: "081513114262".into(),
        country_code: "IDN".into(),
    };
    (customer, address)
}

#[test]
fn a_session_is_priced_and_paid_by_its_secret_alone() {
    let mut o = session("cs_secret_1");
    // A page may set the catalogue form's options too: a session never sends them.
    let (customer, address) = shopper();
    o.shopper = options::Shopper {
        customer: Some(customer),
        shipping_address: Some(address),
    };
    let mut m = Checkout::default();
    let effects = m.set_options(&o);
    let Effect::Price { request, .. } = &effects[0] else {
        panic!("{effects:?}")
    };
    assert_eq!(
        request,
        &PaymentTypesRequest {
            session: Some("cs_secret_1".into()),
            ..PaymentTypesRequest::default()
        }
    );
    m.priced(ticket(&effects), Ok(plans(2_400_000, &TYPES)));
    m.choose(2);
    let request = checkout(&m.pay(&o, || [4; 16]));
    assert_eq!(
        request,
        CheckoutRequest {
            session: Some("cs_secret_1".into()),
            cart: None,
            cart_id: None,
            payment_type: "6_months".into(),
            idempotency_key: "04".repeat(16),
            customer: None,
            shipping_address: None,
        },
        "the session, the plan and the key: no item, price, amount or customer"
    );
}

#[test]
fn a_catalogue_checkout_carries_the_shoppers_details_and_a_change_is_a_new_attempt() {
    let (customer, address) = shopper();
    let mut o = cart("c1");
    o.shopper = options::Shopper {
        customer: Some(customer.clone()),
        shipping_address: Some(address.clone()),
    };
    let mut m = ready(&o);
    let first = checkout(&m.pay(&o, || [1; 16]));
    assert_eq!(first.customer.as_ref(), Some(&customer));
    assert_eq!(first.shipping_address.as_ref(), Some(&address));
    m.checked_out(Err(Failure::Network));

    // The shopper corrects the e-mail in the shop's form, then tries again.
    o.shopper.customer = Some(Customer {
        email: "oemang@satuduatiga.com".into(),
        ..customer
    });
    assert_eq!(m.set_options(&o), vec![], "details are not priced");
    let second = checkout(&m.pay(&o, || [2; 16]));
    assert_eq!(
        second.customer.map(|c| c.email).as_deref(),
        Some("oemang@satuduatiga.com")
    );
    assert_ne!(
        second.idempotency_key, first.idempotency_key,
        "another customer is another order, not a replay of the first"
    );
}

#[test]
fn a_refused_form_is_reported_in_words_and_can_be_sent_again() {
    let mut m = ready(&cart("c1"));
    let first = checkout(&m.pay(&cart("c1"), || [1; 16]));
    let effects = m.checked_out(Err(Failure::Api(ErrorCode::InvalidRequest)));
    assert_eq!(
        effects,
        vec![Effect::Emit(WidgetEvent::Error {
            code: "invalid_request".into(),
            message: "Periksa kembali nama, kontak, dan alamat pengiriman Anda, lalu coba lagi."
                .into(),
        })]
    );
    assert!(
        !m.phase().blocks_paying(),
        "fixing the form and paying again is the way out"
    );
    assert_eq!(
        checkout(&m.pay(&cart("c1"), || [2; 16])),
        first,
        "the same request again"
    );
}

#[test]
fn a_spent_or_expired_session_keeps_the_button_off() {
    for code in [
        ErrorCode::SessionUsed,
        ErrorCode::SessionExpired,
        ErrorCode::NotFound,
    ] {
        let mut m = ready(&session("cs_secret_1"));
        m.pay(&session("cs_secret_1"), || [1; 16]);
        let effects = m.checked_out(Err(Failure::Api(code)));
        assert_eq!(errors(&effects), [code.as_str()]);
        assert!(m.phase().blocks_paying(), "{code:?}");
        assert_eq!(
            m.pay(&session("cs_secret_1"), || [2; 16]),
            vec![],
            "{code:?}: no second try"
        );
        m.choose(1);
        assert_eq!(
            m.phase(),
            &Phase::Failed(Failure::Api(code)),
            "{code:?}: another plan does not revive the session"
        );
    }
}

#[test]
fn a_shop_that_is_briefly_unavailable_can_be_tried_again() {
    let mut m = ready(&session("cs_secret_1"));
    let first = checkout(&m.pay(&session("cs_secret_1"), || [1; 16]));
    let effects = m.checked_out(Err(Failure::Api(ErrorCode::Unavailable)));
    assert_eq!(errors(&effects), ["unavailable"]);
    let again = checkout(&m.pay(&session("cs_secret_1"), || [2; 16]));
    assert_eq!(again.idempotency_key, first.idempotency_key);
}

#[test]
fn a_click_pays_with_the_details_the_page_handed_over_just_before_it() {
    let (customer, address) = shopper();
    let mut o = cart("c1");
    o.shopper = options::Shopper {
        customer: None,
        shipping_address: Some(address),
    };
    let mut m = ready(&o);
    // The page's form calls `update({customer})`, and the click arrives before the widget's
    // effect has passed the new options on.
    o.shopper.customer = Some(customer.clone());
    let request = checkout(&m.pay(&o, || [1; 16]));
    assert_eq!(request.customer, Some(customer));
}

#[test]
fn the_view_redraws_for_every_new_offer_and_for_nothing_else() {
    let offer = |amount| {
        Load::Ready(Arc::new(
            Offer::try_from(&plans(amount, &TYPES)).expect("an offer"),
        ))
    };
    let shown = offer(2_400_000);
    assert!(shown.looks_like(&shown.clone()), "the same offer");
    assert!(
        !shown.looks_like(&offer(2_400_000)),
        "a new answer, even with the same figures, is drawn again (as it always was)"
    );
    assert!(Load::Loading.looks_like(&Load::Loading));
    assert!(!Load::Loading.looks_like(&Load::Waiting));
    assert!(!Load::Failed(Failure::Network).looks_like(&Load::Failed(Failure::Timeout)));
}
