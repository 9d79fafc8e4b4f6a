//! The checkout widget: plans as a radio group, the selected plan's summary and the Kredivo
//! button.

use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use kredivo_api::{
    CheckoutResponse, OrderStatus, OrderView, PaymentTypesRequest, PaymentTypesResponse,
};
use kredivo_plan::Locale;
use leptos::either::Either;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::host::{Assets, Emit, WidgetEvent};
use crate::model::{self, Attempt, Failure, Offer, PlanRow, Sequencer};
use crate::net::{self, Abort};
use crate::options::{Logo, Options, Source};
use crate::text;

/// What the plan list shows.
#[derive(Debug, Clone, PartialEq)]
enum Load {
    /// Nothing to price yet (no cart set).
    Waiting,
    /// First request in flight: the skeleton.
    Loading,
    /// Plans on screen.
    Ready(Arc<Offer>),
    /// The last request failed.
    Failed(Failure),
}

/// Where the checkout itself stands.
#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Idle,
    /// `POST checkout` in flight.
    Busy,
    /// Leaving for Kredivo.
    Redirecting,
    /// Express checkout: polling the order.
    Polling,
    /// Express checkout ended.
    Done(OrderStatus),
    /// The checkout failed; the retry button re-sends the same attempt.
    Failed(Failure),
}

/// Request bookkeeping that is not shown: dropped (aborting what is in flight) when the
/// widget unmounts.
#[derive(Default)]
struct Requests {
    seq: Sequencer,
    inflight: Option<Abort>,
    timer: Option<TimeoutHandle>,
    last: Option<(String, String, PaymentTypesRequest)>,
    attempt: Option<Attempt>,
}

impl Requests {
    fn cancel_pending(&mut self) {
        if let Some(a) = self.inflight.take() {
            a.abort();
        }
        if let Some(t) = self.timer.take() {
            t.clear();
        }
    }
}

impl Drop for Requests {
    fn drop(&mut self) {
        self.cancel_pending();
    }
}

/// The checkout widget for a cart (`data-cart` / `data-cart-id`) or, without the button, a
/// preview for a bare amount (`data-amount`).
#[component]
pub fn Checkout(
    /// The host's resolved options; a change of cart or amount asks the proxy again.
    #[prop(into)]
    options: Signal<Options>,
    /// Logo URLs.
    assets: Arc<Assets>,
    /// Receives `ready`, `select`, `redirect`, `error` and `complete`.
    on_event: Emit,
) -> impl IntoView {
    let load = RwSignal::new(Load::Waiting);
    let refreshing = RwSignal::new(false);
    let selected = RwSignal::new(0usize);
    let phase = RwSignal::new(Phase::Idle);
    let store = StoredValue::new_local(Requests::default());
    let locale = move || options.with(|o| o.locale);

    let fail = move |f: Failure| {
        let l = options.with_untracked(|o| o.locale);
        let code = f.code().to_owned();
        on_event.fire(WidgetEvent::Error {
            message: text::error(&code, l).to_owned(),
            code,
        });
    };

    let start = move |proxy: String, req: PaymentTypesRequest| {
        let Some((ticket, abort)) = store.try_update_value(|r| {
            r.cancel_pending();
            r.inflight = Abort::new();
            (r.seq.begin(), r.inflight.clone())
        }) else {
            return;
        };
        if matches!(load.get_untracked(), Load::Ready(_)) {
            refreshing.set(true);
        } else {
            load.set(Load::Loading);
        }
        leptos::task::spawn_local(async move {
            let url = net::api_url(&proxy, "/payment-types");
            let answer = net::post::<_, PaymentTypesResponse>(&url, &req, abort.as_ref()).await;
            // A newer request (or the widget's removal) makes this answer stale.
            if store.try_with_value(|r| r.seq.is_current(ticket)) != Some(true) {
                return;
            }
            refreshing.set(false);
            match answer.and_then(|r| Offer::try_from(&r)) {
                Ok(offer) => {
                    let previous = match load.get_untracked() {
                        Load::Ready(o) => o
                            .plans
                            .get(selected.get_untracked())
                            .map(|p| p.payment_type.clone()),
                        _ => None,
                    };
                    selected.set(offer.index_of(previous.as_deref()));
                    let event = WidgetEvent::Ready {
                        amount: offer.amount.to_rupiah_u64().to_string(),
                        payment_types: offer.plans.iter().map(|p| p.payment_type.clone()).collect(),
                    };
                    load.set(Load::Ready(Arc::new(offer)));
                    if matches!(phase.get_untracked(), Phase::Failed(_)) {
                        phase.set(Phase::Idle);
                    }
                    on_event.fire(event);
                }
                Err(f) => {
                    load.set(Load::Failed(f.clone()));
                    fail(f);
                }
            }
        });
    };

    // Ask again whenever what is being paid for changes: at once the first time, debounced
    // afterwards (a shopper clicking "+" five times sends one request).
    Effect::new(move |_| {
        let (proxy, source, revision) =
            options.with(|o| (o.proxy.clone(), o.source.clone(), o.revision.clone()));
        if let Source::Invalid(_) = source {
            store.update_value(|r| r.cancel_pending());
            load.set(Load::Failed(Failure::InvalidOptions));
            fail(Failure::InvalidOptions);
            return;
        }
        let Some(req) = model::payment_types_request(&source) else {
            load.set(Load::Waiting);
            return;
        };
        let key = (proxy.clone(), revision, req.clone());
        let first = store.with_value(|r| r.last.is_none());
        if store.with_value(|r| r.last.as_ref() == Some(&key)) {
            return;
        }
        store.update_value(|r| r.last = Some(key));
        if first {
            start(proxy, req);
        } else {
            let timer = set_timeout_with_handle(
                move || start(proxy, req),
                Duration::from_millis(model::DEBOUNCE_MS.into()),
            )
            .ok();
            store.update_value(|r| {
                if let Some(t) = r.timer.take() {
                    t.clear();
                }
                r.timer = timer;
            });
        }
    });

    let retry_load = move || {
        let (proxy, source) = options.with_untracked(|o| (o.proxy.clone(), o.source.clone()));
        if let Some(req) = model::payment_types_request(&source) {
            load.set(Load::Loading);
            start(proxy, req);
        }
    };

    let choose = move |i: usize| {
        if i == selected.get_untracked() {
            return;
        }
        selected.set(i);
        if matches!(phase.get_untracked(), Phase::Failed(_)) {
            phase.set(Phase::Idle);
        }
        if let Load::Ready(o) = load.get_untracked() {
            if let Some(p) = o.plans.get(i) {
                on_event.fire(WidgetEvent::Select(p.payment_type.clone()));
            }
        }
    };

    let pay = move || {
        if matches!(
            phase.get_untracked(),
            Phase::Busy | Phase::Redirecting | Phase::Polling
        ) {
            return;
        }
        let Load::Ready(offer) = load.get_untracked() else {
            return;
        };
        let Some(plan) = offer.plans.get(selected.get_untracked()) else {
            return;
        };
        let (proxy, source) = options.with_untracked(|o| (o.proxy.clone(), o.source.clone()));
        let Some(key) = store.try_update_value(|r| {
            let a = Attempt::for_checkout(
                r.attempt.as_ref(),
                &source,
                &plan.payment_type,
                net::random_bytes,
            );
            r.attempt = Some(a.clone());
            a.key
        }) else {
            return;
        };
        let Some(req) = model::checkout_request(&source, &plan.payment_type, &key) else {
            return;
        };
        phase.set(Phase::Busy);
        leptos::task::spawn_local(async move {
            let answer =
                net::post::<_, CheckoutResponse>(&net::api_url(&proxy, "/checkout"), &req, None)
                    .await;
            match answer {
                Ok(CheckoutResponse {
                    redirect_url: Some(url),
                    ..
                }) => {
                    if !model::is_safe_redirect(&url) {
                        phase.set(Phase::Failed(Failure::BadResponse));
                        fail(Failure::BadResponse);
                        return;
                    }
                    phase.set(Phase::Redirecting);
                    if on_event.fire(WidgetEvent::Redirect(url.clone())) {
                        if let Some(w) = web_sys::window() {
                            let _ = w.location().assign(&url);
                        }
                    }
                }
                Ok(CheckoutResponse { order_id, .. }) => {
                    phase.set(Phase::Polling);
                    poll(proxy, order_id, phase, on_event, fail).await;
                }
                Err(f) => {
                    phase.set(Phase::Failed(f.clone()));
                    fail(f);
                }
            }
        });
    };

    let plans_view = move || -> AnyView {
        let l = locale();
        match load.get() {
            Load::Waiting | Load::Loading => skeleton(l).into_any(),
            Load::Failed(f) if f.is_ineligible() => {
                view! { <p class="kc-notice">{text::strings(l).ineligible}</p> }.into_any()
            }
            Load::Failed(f) => error_box(
                f.code(),
                text::error(f.code(), l),
                None,
                l,
                Rc::new(retry_load),
            )
            .into_any(),
            Load::Ready(offer) => ready(offer, l, selected, refreshing, choose).into_any(),
        }
    };

    let can_buy = move || options.with(|o| matches!(o.source, Source::Cart(_) | Source::CartId(_)));
    let button = move || {
        (can_buy() && matches!(load.get(), Load::Ready(_))).then(|| {
            let assets = assets.clone();
            pay_button(options, phase, assets, pay)
        })
    };

    let status = move || {
        let l = locale();
        let s = text::strings(l);
        let (class, words, spin, data_status) = match phase.get() {
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
                    store.update_value(|r| r.attempt = None);
                    phase.set(Phase::Idle);
                    pay();
                });
                let message = text::order_done(st, l);
                return Some(Either::Right(error_box(
                    "order_failed",
                    message,
                    Some(st.as_str()),
                    l,
                    again,
                )));
            }
            Phase::Failed(f) => {
                let message = text::error(f.code(), l);
                return Some(Either::Right(error_box(
                    f.code(),
                    message,
                    None,
                    l,
                    Rc::new(pay),
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
        <div class="kc-checkout" aria-busy=move || matches!(load.get(), Load::Loading).to_string()>
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

/// The error box with its retry button; one concrete function for every failure.
fn error_box(
    code: &str,
    message: &'static str,
    status: Option<&'static str>,
    l: Locale,
    retry: Rc<dyn Fn()>,
) -> impl IntoView {
    view! {
        <div class="kc-error" role="alert" data-code=code.to_owned() data-status=status>
            <p>{message}</p>
            <button type="button" class="kc-retry" on:click=move |_| retry()>
                {text::strings(l).retry}
            </button>
        </div>
    }
}

fn ready(
    offer: Arc<Offer>,
    l: Locale,
    selected: RwSignal<usize>,
    refreshing: RwSignal<bool>,
    choose: impl Fn(usize) + Copy + 'static,
) -> impl IntoView {
    let s = text::strings(l);
    let len = offer.plans.len();
    let rows = offer
        .plans
        .iter()
        .enumerate()
        .map(|(i, p)| plan_row(p, i, l, selected, choose))
        .collect_view();
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        let current = selected.get_untracked();
        let target = if key == " " || key == "Enter" {
            Some(current)
        } else {
            model::radio_step(current, len, &key)
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
            .get(selected.get())
            .map(|p| summary(p, l))
    };
    view! {
        <div class="kc-ready" class:kc-refreshing=move || refreshing.get()>
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
    selected: RwSignal<usize>,
    choose: impl Fn(usize) + 'static,
) -> impl IntoView {
    let s = text::strings(l);
    let once = p.months <= 1;
    let checked = move || selected.get() == i;
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
    view! {
        <div
            role="radio"
            class="kc-plan"
            data-payment-type=p.payment_type.clone()
            aria-checked=move || if checked() { "true" } else { "false" }
            tabindex=move || if checked() { "0" } else { "-1" }
            aria-label=text::plan_aria(p.monthly, p.total, &p.payment_type, p.months, l)
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
            </span>
        </div>
    }
}

fn summary(p: &PlanRow, l: Locale) -> impl IntoView {
    let s = text::strings(l);
    let mut rows: Vec<(&'static str, String)> = Vec::with_capacity(6);
    if p.months > 1 {
        rows.push((s.monthly, text::money(p.monthly, l)));
    }
    rows.push((s.tenure, text::tenure(&p.payment_type, p.months, l)));
    if !p.down_payment.is_zero() {
        rows.push((s.down_payment, text::money(p.down_payment, l)));
    }
    rows.push((s.interest, text::money(p.interest, l)));
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
    view! {
        <dl class="kc-summary" aria-label=s.summary>
            {items}
            <div class="kc-sum-row kc-sum-total"><dt>{s.total}</dt><dd>{total}</dd></div>
        </dl>
    }
}

fn pay_button(
    options: Signal<Options>,
    phase: RwSignal<Phase>,
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
    let busy = move || {
        matches!(
            phase.get(),
            Phase::Busy | Phase::Redirecting | Phase::Polling
        )
    };
    let s = text::strings(locale);
    view! {
        <button
            type="button"
            class="kc-pay"
            data-logo=logo.as_str()
            style:width=width
            disabled=busy
            aria-busy=move || busy().to_string()
            on:click=move |_| pay()
        >
            {move || busy().then(|| view! { <span class="kc-spin" aria-hidden="true"></span> })}
            <span class="kc-pay-text">{move || if busy() { s.processing } else { s.pay_with }}</span>
            <img class="kc-logo" src=src alt="Kredivo" width="99" height="24" />
        </button>
    }
}

/// Polls an express checkout's order until it is final (or the widget goes away).
async fn poll(
    proxy: String,
    order_id: String,
    phase: RwSignal<Phase>,
    on_event: Emit,
    fail: impl Fn(Failure),
) {
    let url = net::api_url(
        &proxy,
        &format!("/orders/{}", js_sys::encode_uri_component(&order_id)),
    );
    for _ in 0..model::POLL.1 {
        if phase.is_disposed() {
            return;
        }
        if let Ok(order) = net::get::<OrderView>(&url, None).await {
            if order.status.is_final() {
                phase.set(Phase::Done(order.status));
                on_event.fire(WidgetEvent::Complete {
                    order_id: order.order_id,
                    status: order.status.as_str().to_owned(),
                });
                if order.status != OrderStatus::Settled {
                    fail(Failure::OrderFailed);
                }
                return;
            }
        }
        net::sleep(model::POLL.0 as i32).await;
    }
    phase.set(Phase::Failed(Failure::Timeout));
    fail(Failure::Timeout);
}
