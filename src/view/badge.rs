//! The product badge ("Cicilan mulai Rp 248.050/bulan dengan Kredivo") and its breakdown
//! dialog, computed in the browser from the page's one pricing table.

use std::sync::Arc;

use kredivo_plan::{Locale, Money, PricingTable};
use leptos::html::Dialog;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::assets::Assets;
use crate::event::{Emit, WidgetEvent};
use crate::options::{Options, Pricing, Source};
use crate::pricing;
use crate::text;

/// A badge for `data-amount`: "from Rp X/month", and a dialog with every plan on click.
/// Hidden for amounts no plan covers.
#[component]
pub fn Badge(
    /// The host's resolved options (amount, locale, proxy, pricing source).
    #[prop(into)]
    options: Signal<Options>,
    /// Logo URLs.
    assets: Arc<Assets>,
    /// Receives `ready` once the text is shown.
    on_event: Emit,
) -> impl IntoView {
    let table = move || {
        let (proxy, source) = options.with(|o| (o.proxy.clone(), o.pricing));
        pricing::table(&proxy, source).get()
    };
    let amount = move || {
        options.with(|o| match &o.source {
            Source::Amount(a) => Money::try_from(*a).ok(),
            _ => None,
        })
    };
    // `None` while the table loads; `Some(None)` when the amount is not eligible; else the
    // amount, the cheapest monthly installment and whether any plan is an installment plan.
    let monthly = Memo::new(move |_| {
        let t = table()?;
        Some(amount().and_then(|a| {
            let m = t.cheapest_monthly(a)?;
            let installments = t.plans(a).iter().any(|p| p.payment_type().is_installment());
            Some((a, m, installments))
        }))
    });
    let open = RwSignal::new(false);
    let button = NodeRef::<leptos::html::Button>::new();

    Effect::new(move |_| {
        if let Some(Some((a, _, _))) = monthly.get() {
            let plans = table().map(|t| t.plans(a)).unwrap_or_default();
            on_event.fire(WidgetEvent::Ready {
                amount: a.to_rupiah_u64().to_string(),
                payment_types: plans
                    .iter()
                    .map(|p| p.payment_type().as_str().to_owned())
                    .collect(),
            });
        }
    });

    let dialog = NodeRef::<Dialog>::new();
    let close = move || {
        // Leave the top layer first: while the modal dialog is open the rest of the page is
        // inert and the badge could not take focus back.
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
        open.set(false);
        if let Some(b) = button.get_untracked() {
            let _ = b.focus();
        }
    };

    move || {
        let l = options.with(|o| o.locale);
        match monthly.get() {
            None => view! { <span class="kc-badge-sk" aria-hidden="true"></span> }.into_any(),
            Some(None) => ().into_any(),
            Some(Some((a, m, installments))) => {
                let s = text::badge_strings(l);
                let logo = assets.logo_blue.clone();
                let words = if installments {
                    view! {
                        {s.badge_before}
                        <strong class="kc-badge-amount">{text::money(m, l)}</strong>
                        {s.badge_after}
                    }
                    .into_any()
                } else {
                    // Only "pay in 30 days": no "per month" promise.
                    s.badge_later.into_any()
                };
                view! {
                    <button
                        type="button"
                        class="kc-badge"
                        node_ref=button
                        aria-haspopup="dialog"
                        aria-expanded=move || open.get().to_string()
                        title=s.badge_hint
                        on:click=move |_| open.set(true)
                    >
                        {words}
                        <strong class="kc-brand">"Kredivo"</strong>
                    </button>
                    {move || {
                        let logo = logo.clone();
                        let pricing = options.with(|o| (o.proxy.clone(), o.pricing));
                        open.get().then(|| table().map(|t| breakdown(t, a, l, logo, pricing, dialog, close)))
                    }}
                }
                .into_any()
            }
        }
    }
}

/// The accessible breakdown dialog: a modal `<dialog>` (role=dialog, aria-modal), Tab kept
/// inside, Esc and the backdrop close it, and focus returns to the badge.
fn breakdown(
    table: Arc<PricingTable>,
    amount: Money,
    l: Locale,
    logo: String,
    (proxy, pricing): (String, Pricing),
    dialog: NodeRef<Dialog>,
    close: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let s = text::badge_strings(l);
    let plans = table.plans(amount);
    // The schedule of the plan the badge advertises (the lowest monthly installment), drawn by
    // the proxy from the same pricing table (the reference table for embedded pricing); none
    // for a page with embedded pricing and no proxy named.
    let advertised = plans
        .iter()
        .filter(|p| p.payment_type().is_installment())
        .min_by_key(|p| p.monthly_installment());
    let mut schedule = String::new();
    if let Some(p) = advertised.filter(|_| pricing == Pricing::Proxy || !proxy.is_empty()) {
        schedule = crate::net::api_url(&proxy, "/schedule?amount=");
        schedule.push_str(&amount.to_rupiah_u64().to_string());
        schedule.push_str("&payment_type=");
        schedule.push_str(p.payment_type().as_str());
        schedule.push_str("&locale=");
        schedule.push_str(l.as_tag());
        if pricing == Pricing::Embedded {
            schedule.push_str("&table=reference");
        }
    }
    dialog.on_load(|d| {
        let _ = d.show_modal();
    });
    let rows = plans
        .into_iter()
        .map(|p| {
            let pt = p.payment_type().as_str().to_owned();
            let once = p.tenure_months() <= 1;
            let interest = if p.interest().is_zero() && p.service_fee().is_zero() {
                s.no_interest.to_owned()
            } else {
                text::money(
                    p.interest()
                        .checked_add(p.service_fee())
                        .unwrap_or(p.interest()),
                    l,
                )
            };
            view! {
                <tr data-payment-type=pt.clone()>
                    <th scope="row">{text::tenure(&pt, p.tenure_months(), l)}</th>
                    <td class="kc-num">
                        {text::money(if once { p.total() } else { p.monthly_installment() }, l)}
                        {(!once).then_some(s.per_month)}
                    </td>
                    <td class="kc-num">{interest}</td>
                    <td class="kc-num">{text::money(p.total(), l)}</td>
                </tr>
            }
        })
        .collect_view();
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Tab" {
            trap_tab(&ev);
        }
    };
    let (h_tenure, h_monthly, h_cost) = match l {
        Locale::En => ("Term", "Installment", "Interest & fees"),
        _ => ("Tenor", "Cicilan", "Bunga & biaya"),
    };
    view! {
        <dialog
            class="kc-dialog"
            node_ref=dialog
            role="dialog"
            aria-modal="true"
            aria-labelledby="kc-dialog-title"
            on:keydown=on_key
            on:cancel=move |ev: web_sys::Event| {
                ev.prevent_default();
                close();
            }
            on:click=move |ev| {
                // A click on the backdrop targets the dialog element itself.
                let on_backdrop = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlDialogElement>().ok())
                    .is_some();
                if on_backdrop {
                    close();
                }
            }
        >
            <div class="kc-dialog-body">
                <div class="kc-dialog-head">
                    <img class="kc-dialog-logo" src=logo alt="Kredivo" width="96" height="23" />
                    <button type="button" class="kc-close" aria-label=s.close on:click=move |_| close()>
                        <span aria-hidden="true">"×"</span>
                    </button>
                </div>
                <h2 id="kc-dialog-title">{s.dialog_title}</h2>
                <p class="kc-dialog-sub">{text::for_amount(amount, l)}</p>
                <table class="kc-table">
                    <thead>
                        <tr>
                            <th scope="col">{h_tenure}</th>
                            <th scope="col" class="kc-num">{h_monthly}</th>
                            <th scope="col" class="kc-num">{h_cost}</th>
                            <th scope="col" class="kc-num">{s.total}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
                <iframe class="kc-sched" title=s.schedule src=schedule></iframe>
                <p class="kc-note">{s.dialog_note}</p>
            </div>
        </dialog>
    }
}

/// Keeps Tab and Shift+Tab among the dialog's focusable elements.
fn trap_tab(ev: &web_sys::KeyboardEvent) {
    let Some(dialog) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let Ok(list) = dialog.query_selector_all("button,[href],[tabindex]:not([tabindex='-1'])")
    else {
        return;
    };
    let n = list.length();
    if n == 0 {
        return;
    }
    let active = dialog
        .get_root_node()
        .dyn_into::<web_sys::ShadowRoot>()
        .ok()
        .and_then(|r| r.active_element());
    let item = |i: u32| {
        list.item(i)
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
    };
    let (first, last) = (item(0), item(n - 1));
    let at = |e: &Option<web_sys::HtmlElement>| matches!((e, &active), (Some(a), Some(b)) if a.is_same_node(Some(b)));
    let wrap_to = if ev.shift_key() && (at(&first) || active.is_none()) {
        last
    } else if !ev.shift_key() && (at(&last) || active.is_none()) {
        first
    } else {
        None
    };
    if let Some(el) = wrap_to {
        ev.prevent_default();
        let _ = el.focus();
    }
}
