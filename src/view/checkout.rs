//! The checkout widget: plans as a radio group, the selected plan's summary and the Kredivo
//! button.
//!
//! The rules live in [`model::checkout::Checkout`]: this component renders its state and
//! carries out its effects (requests, the debounce timer, the redirect, events).

use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use kredivo_api::{CheckoutResponse, OrderStatus, OrderView, PaymentTypesResponse};
use kredivo_plan::Locale;
use leptos::either::Either;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::assets::Assets;
use crate::event::{Emit, WidgetEvent};
use crate::model::checkout::{self as machine, Checkout as Machine, Load, Phase};
use crate::model::{self, Offer, PlanRow};
use crate::net::{self, Abort};
use crate::options::{Logo, Options};
use crate::text;

/// What the effects hold on to: the payment-types request in flight and the debounce timer.
/// Dropped with the widget, which aborts both.
#[derive(Default)]
struct Pending {
    inflight: Option<Abort>,
    timer: Option<TimeoutHandle>,
}

impl Pending {
    fn cancel(&mut self) {
        if let Some(a) = self.inflight.take() {
            a.abort();
        }
        if let Some(t) = self.timer.take() {
            t.clear();
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// The state machine, what tells the view it changed, and what carries out its effects;
/// `Copy`, so every handler and task holds one.
///
/// The view reads the machine through [`Driver::load`] and its siblings, each tracking one
/// trigger; a transition notifies only the triggers of the parts it changed, so choosing a
/// plan never rebuilds the radio group that holds the focus. (Triggers rather than a signal
/// per part: one non-generic type instead of four signal types saves the widget ~1 KB.)
#[derive(Clone, Copy)]
struct Driver {
    machine: StoredValue<Machine, LocalStorage>,
    changed: Changed,
    pending: StoredValue<Pending, LocalStorage>,
    on_event: Emit,
}

/// One trigger per part of the machine's state that the view shows.
#[derive(Clone, Copy)]
struct Changed {
    load: Trigger,
    selected: Trigger,
    refreshing: Trigger,
    phase: Trigger,
}

/// What the view shows of the machine: load, selected plan, refreshing, phase.
type Shown = (Load, usize, bool, Phase);

impl Driver {
    fn read<T>(self, changed: Trigger, f: impl FnOnce(&Machine) -> T) -> Option<T> {
        changed.track();
        self.machine.try_with_value(f)
    }

    /// What the plan list shows.
    fn load(self) -> Load {
        self.read(self.changed.load, |m| m.load().clone())
            .unwrap_or_default()
    }

    /// The chosen plan's index.
    fn selected(self) -> usize {
        self.read(self.changed.selected, Machine::selected)
            .unwrap_or_default()
    }

    /// Whether new plans are being asked while the old ones stay.
    fn refreshing(self) -> bool {
        self.read(self.changed.refreshing, Machine::refreshing)
            .unwrap_or_default()
    }

    /// Where the checkout stands.
    fn phase(self) -> Phase {
        self.read(self.changed.phase, |m| m.phase().clone())
            .unwrap_or_default()
    }

    fn shown(m: &Machine) -> Shown {
        (
            m.load().clone(),
            m.selected(),
            m.refreshing(),
            m.phase().clone(),
        )
    }

    /// Runs a transition, tells the view what changed and carries out the effects; does
    /// nothing once the widget is gone (a late answer or timer of a destroyed widget).
    fn step(self, transition: impl FnOnce(&mut Machine) -> Vec<machine::Effect>) {
        let Some(before) = self.machine.try_with_value(Driver::shown) else {
            return;
        };
        if let Some(effects) = self.machine.try_update_value(transition) {
            self.settle(before, effects);
        }
    }

    fn settle(self, before: Shown, effects: Vec<machine::Effect>) {
        let (load, selected, refreshing, phase) = before;
        let c = self.changed;
        let changed = self.machine.with_value(|m| {
            [
                !m.load().looks_like(&load),
                m.selected() != selected,
                m.refreshing() != refreshing,
                *m.phase() != phase,
            ]
        });
        for (trigger, changed) in [c.load, c.selected, c.refreshing, c.phase]
            .into_iter()
            .zip(changed)
        {
            if changed {
                trigger.notify();
            }
        }
        for effect in effects {
            self.run(effect);
        }
    }

    fn run(self, effect: machine::Effect) {
        match effect {
            machine::Effect::CancelPricing => {
                self.pending.try_update_value(Pending::cancel);
            }
            machine::Effect::Debounce => {
                let timer = set_timeout_with_handle(
                    move || self.step(Machine::debounced),
                    Duration::from_millis(model::DEBOUNCE_MS.into()),
                )
                .ok();
                self.pending.try_update_value(|p| {
                    if let Some(t) = p.timer.take() {
                        t.clear();
                    }
                    p.timer = timer;
                });
            }
            machine::Effect::Price {
                ticket,
                proxy,
                request,
            } => {
                let Some(abort) = self.pending.try_update_value(|p| {
                    p.cancel();
                    p.inflight = Abort::new();
                    p.inflight.clone()
                }) else {
                    return;
                };
                leptos::task::spawn_local(async move {
                    let url = net::api_url(&proxy, "/payment-types");
                    let body = net::body::payment_types(&request);
                    let answer =
                        net::post::<PaymentTypesResponse>(&url, &body, abort.as_ref()).await;
                    self.step(|m| m.priced(ticket, answer));
                });
            }
            machine::Effect::Checkout { proxy, request } => leptos::task::spawn_local(async move {
                let url = net::api_url(&proxy, "/checkout");
                let body = net::body::checkout(&request);
                let answer = net::post::<CheckoutResponse>(&url, &body, None).await;
                self.step(|m| m.checked_out(answer));
            }),
            machine::Effect::Redirect(url) => {
                if self.on_event.fire(WidgetEvent::Redirect(url.clone())) {
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().assign(&url);
                    }
                }
            }
            machine::Effect::Poll {
                proxy,
                order_id,
                after_ms,
            } => leptos::task::spawn_local(async move {
                if after_ms > 0 {
                    net::sleep(after_ms as i32).await;
                }
                let path = format!("/orders/{}", js_sys::encode_uri_component(&order_id));
                let answer = net::get::<OrderView>(&net::api_url(&proxy, &path), None).await;
                self.step(|m| m.polled(answer));
            }),
            machine::Effect::Emit(event) => {
                self.on_event.fire(event);
            }
        }
    }
}

/// The checkout widget for a session the merchant's server created (`data-session`), a
/// catalogue cart (`data-cart` / `data-cart-id`) or, without the button, a preview for a
/// bare amount (`data-amount`).
#[component]
pub fn Checkout(
    /// The host's resolved options; a change of session, cart or amount asks the proxy again.
    #[prop(into)]
    options: Signal<Options>,
    /// Logo URLs.
    assets: Arc<Assets>,
    /// Receives `ready`, `select`, `redirect`, `error` and `complete`.
    on_event: Emit,
) -> impl IntoView {
    let driver = Driver {
        machine: StoredValue::new_local(Machine::default()),
        changed: Changed {
            load: Trigger::new(),
            selected: Trigger::new(),
            refreshing: Trigger::new(),
            phase: Trigger::new(),
        },
        pending: StoredValue::new_local(Pending::default()),
        on_event,
    };
    let locale = move || options.with(|o| o.locale);

    Effect::new(move |_| {
        let o = options.get();
        driver.step(|m| m.set_options(&o));
    });

    let retry_load = move || driver.step(Machine::retry_pricing);
    let choose = move |i: usize| driver.step(move |m| m.choose(i));
    // A click pays with the options as they are at that moment: the page may have handed
    // over the form's latest details just before it, before the effect above has run.
    let pay = move || {
        let now = options.get_untracked();
        driver.step(|m| m.pay(&now, net::random_bytes));
    };

    let plans_view = move || -> AnyView {
        let l = locale();
        match driver.load() {
            Load::Waiting | Load::Loading => skeleton(l).into_any(),
            Load::Failed(f) if f.is_ineligible() => {
                view! { <p class="kc-notice">{text::strings(l).ineligible}</p> }.into_any()
            }
            Load::Failed(f) => error_box(
                f.code(),
                text::error(f.code(), l),
                None,
                l,
                f.can_retry().then(|| Rc::new(retry_load) as Rc<dyn Fn()>),
            )
            .into_any(),
            Load::Ready(offer) => ready(offer, l, driver, choose).into_any(),
        }
    };

    let can_buy = move || options.with(|o| o.source.can_be_bought());
    let button = move || {
        (can_buy() && matches!(driver.load(), Load::Ready(_))).then(|| {
            let assets = assets.clone();
            pay_button(options, driver, assets, pay)
        })
    };

    let status = move || {
        let l = locale();
        let s = text::strings(l);
        let (class, words, spin, data_status) = match driver.phase() {
            Phase::Idle | Phase::Busy => return None,
            Phase::Redirecting => ("kc-status", s.redirecting, false, "redirecting"),
            Phase::Polling => ("kc-status kc-progress", s.waiting, true, "pending"),
            Phase::Done(OrderStatus::Settled) => (
                "kc-status kc-done",
                text::order_done(OrderStatus::Settled, l),
                false,
                "settled",
            ),
            Phase::Done(st) => {
                // A final refusal: another try is another attempt with a fresh key.
                let again: Rc<dyn Fn()> = Rc::new(move || {
                    let now = options.get_untracked();
                    driver.step(|m| m.pay_again(&now, net::random_bytes));
                });
                let message = text::order_done(st, l);
                return Some(Either::Right(error_box(
                    "order_failed",
                    message,
                    Some(st.as_str()),
                    l,
                    Some(again),
                )));
            }
            Phase::Failed(f) => {
                let message = text::error(f.code(), l);
                return Some(Either::Right(error_box(
                    f.code(),
                    message,
                    None,
                    l,
                    f.can_retry().then(|| Rc::new(pay) as Rc<dyn Fn()>),
                )));
            }
        };
        Some(Either::Left(view! {
            <p class=class role="status" data-status=data_status>
                {spin.then(|| view! { <span class="kc-spin" aria-hidden="true"></span> })}
                {words}
            </p>
        }))
    };

    view! {
        <div class="kc-checkout" aria-busy=move || matches!(driver.load(), Load::Loading).to_string()>
            {plans_view}
            {button}
            {status}
        </div>
    }
}

fn skeleton(l: Locale) -> impl IntoView {
    view! {
        <div class="kc-skeleton" role="status">
            <span class="kc-sr">{text::strings(l).loading}</span>
            <div class="kc-sk-row"></div>
            <div class="kc-sk-row"></div>
            <div class="kc-sk-row"></div>
        </div>
    }
}

/// The error box, with a retry button when trying again can help; one concrete function for
/// every failure.
fn error_box(
    code: &str,
    message: &'static str,
    status: Option<&'static str>,
    l: Locale,
    retry: Option<Rc<dyn Fn()>>,
) -> impl IntoView {
    // Always rendered, hidden when no retry can help: one view type for every failure.
    let hidden = retry.is_none();
    view! {
        <div class="kc-error" role="alert" data-code=code.to_owned() data-status=status>
            <p>{message}</p>
            <button
                type="button"
                class="kc-retry"
                hidden=hidden
                on:click=move |_| {
                    if let Some(retry) = &retry {
                        retry();
                    }
                }
            >
                {text::strings(l).retry}
            </button>
        </div>
    }
}

fn ready(
    offer: Arc<Offer>,
    l: Locale,
    driver: Driver,
    choose: impl Fn(usize) + Copy + 'static,
) -> impl IntoView {
    let s = text::strings(l);
    let keys = offer.clone();
    let rows = offer
        .plans
        .iter()
        .enumerate()
        .map(|(i, p)| plan_row(p, i, l, driver, choose))
        .collect_view();
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        let current = untrack(|| driver.selected());
        let target = if key == " " || key == "Enter" {
            Some(current)
        } else {
            keys.step(current, &key)
        };
        let Some(next) = target else { return };
        ev.prevent_default();
        choose(next);
        focus_child(&ev, next);
    };
    let summary_offer = offer.clone();
    let summary = move || {
        summary_offer
            .plans
            .get(driver.selected())
            .map(|p| summary(p, l))
    };
    view! {
        <div class="kc-ready" class:kc-refreshing=move || driver.refreshing()>
            <div class="kc-head">
                <span class="kc-title">{s.choose_plan}</span>
                {offer.estimate.then(|| view! { <span class="kc-tag">{s.estimate}</span> })}
            </div>
            <div role="radiogroup" class="kc-plans" aria-label=s.choose_plan on:keydown=on_key>
                {rows}
            </div>
            {summary}
        </div>
    }
}

fn focus_child(ev: &web_sys::KeyboardEvent, i: usize) {
    let group = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    let child = group.and_then(|g| g.children().item(i as u32));
    if let Some(el) = child.and_then(|c| c.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

fn plan_row(
    p: &PlanRow,
    i: usize,
    l: Locale,
    driver: Driver,
    choose: impl Fn(usize) + 'static,
) -> impl IntoView {
    let s = text::strings(l);
    let once = p.months <= 1;
    let checked = move || driver.selected() == i;
    let headline = if once {
        text::money(p.total, l)
    } else {
        text::money(p.monthly, l)
    };
    let mut meta: Vec<String> = Vec::with_capacity(3);
    if !once {
        meta.push(format!("{} {}", s.total, text::money(p.total, l)));
    }
    meta.push(if p.interest.is_zero() {
        s.no_interest.to_owned()
    } else {
        format!("{} {}", s.interest, text::money(p.interest, l))
    });
    if !p.service_fee.is_zero() {
        meta.push(format!(
            "{} {}",
            s.service_fee,
            text::money(p.service_fee, l)
        ));
    }
    if !p.down_payment.is_zero() {
        meta.push(format!(
            "{} {}",
            s.down_payment,
            text::money(p.down_payment, l)
        ));
    }
    let promo = p
        .promo
        .map(|(m, n)| view! { <span class="kc-promo">{text::promo(m, n, l)}</span> });
    let mut aria = text::plan_aria(p.monthly, p.total, &p.payment_type, p.months, l);
    // A tokenised shopper's limit, and why a plan above it cannot be chosen; a screen reader
    // hears both in the radio's name.
    let limit = p.limit.map(|m| {
        let words = format!("{} {}", s.limit, text::money(m, l));
        let words = if p.over_limit {
            format!("{} ({words})", s.over_limit)
        } else {
            words
        };
        aria = format!("{aria}. {words}");
        view! { <span class="kc-limit">{words}</span> }
    });
    view! {
        <div
            role="radio"
            class="kc-plan"
            data-payment-type=p.payment_type.clone()
            aria-checked=move || if checked() { "true" } else { "false" }
            aria-disabled=p.over_limit.then_some("true")
            tabindex=move || if checked() { "0" } else { "-1" }
            aria-label=aria
            on:click=move |_| choose(i)
        >
            <span class="kc-dot" aria-hidden="true"></span>
            <span class="kc-plan-body" aria-hidden="true">
                <span class="kc-plan-line">
                    <span class="kc-amount">{headline}{(!once).then_some(s.per_month)}</span>
                    <span class="kc-tenure">{text::tenure(&p.payment_type, p.months, l)}</span>
                </span>
                <span class="kc-meta">{meta.join(" · ")}</span>
                {promo}
                {limit}
            </span>
        </div>
    }
}

fn summary(p: &PlanRow, l: Locale) -> impl IntoView {
    let s = text::strings(l);
    let mut rows: Vec<(&'static str, String)> = Vec::with_capacity(7);
    if p.months > 1 {
        rows.push((s.monthly, text::money(p.monthly, l)));
    }
    rows.push((s.tenure, text::tenure(&p.payment_type, p.months, l)));
    if !p.down_payment.is_zero() {
        rows.push((s.down_payment, text::money(p.down_payment, l)));
    }
    rows.push((s.interest, text::money(p.interest, l)));
    if let Some(r) = p.rate {
        rows.push((s.rate, text::rate(r, l)));
    }
    if !p.service_fee.is_zero() {
        rows.push((s.service_fee, text::money(p.service_fee, l)));
    }
    if !p.promo_discount.is_zero() {
        rows.push((
            s.promo_discount,
            format!("−{}", text::money(p.promo_discount, l)),
        ));
    }
    let total = text::money(p.total, l);
    let items = rows
        .into_iter()
        .map(|(k, v)| view! { <div class="kc-sum-row"><dt>{k}</dt><dd>{v}</dd></div> })
        .collect_view();
    // The month-by-month schedule: the proxy's document (chart and table), framed; it takes
    // the widget's theme from the frame's `color-scheme` (the stylesheet sets it).
    let mut src = p.schedule.clone();
    if !src.is_empty() {
        src.push_str("&locale=");
        src.push_str(l.as_tag());
    }
    view! {
        <div>
            <dl class="kc-summary" aria-label=s.summary>
                {items}
                <div class="kc-sum-row kc-sum-total"><dt>{s.total}</dt><dd>{total}</dd></div>
            </dl>
            <iframe class="kc-sched" title=s.schedule src=src></iframe>
        </div>
    }
}

fn pay_button(
    options: Signal<Options>,
    driver: Driver,
    assets: Arc<Assets>,
    pay: impl Fn() + 'static,
) -> impl IntoView {
    // Read once: any change of options re-renders the whole button (see `button` above).
    let (logo, width, locale) = options.with_untracked(|o| {
        (
            o.logo,
            o.button_width
                .map_or_else(|| "100%".to_owned(), |w| format!("{w}px")),
            o.locale,
        )
    });
    let src = if logo == Logo::Blue {
        assets.logo_blue.clone()
    } else {
        assets.logo_white.clone()
    };
    let busy = move || driver.phase().is_busy();
    let s = text::strings(locale);
    view! {
        <button
            type="button"
            class="kc-pay"
            data-logo=logo.as_str()
            style:width=width
            disabled=move || driver.phase().blocks_paying()
            aria-busy=move || busy().to_string()
            on:click=move |_| pay()
        >
            {move || busy().then(|| view! { <span class="kc-spin" aria-hidden="true"></span> })}
            <span class="kc-pay-text">{move || if busy() { s.processing } else { s.pay_with }}</span>
            <img class="kc-logo" src=src alt="Kredivo" width="99" height="24" />
        </button>
    }
}
