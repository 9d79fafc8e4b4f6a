//! A badge's breakdown: a modal `<dialog>` (role=dialog, aria-modal) with every plan, the
//! advertised plan's schedule and the Kredivo logo, built with web-sys when the shopper
//! opens it and removed when it closes. Tab stays inside, Escape and the backdrop close it,
//! and focus returns to the badge.

use std::rc::Rc;

use kredivo_plan::{Locale, Money};
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{Document, Element, HtmlDialogElement, HtmlElement, KeyboardEvent};

use super::{element, Shown, State};
use crate::options::Pricing;
use crate::{pricing, text};

/// An open dialog and the handlers it calls.
pub(super) struct Open {
    dialog: HtmlDialogElement,
    _on_key: Closure<dyn FnMut(KeyboardEvent)>,
    _on_cancel: Closure<dyn FnMut(web_sys::Event)>,
    _on_click: Closure<dyn FnMut(web_sys::Event)>,
    _on_close: Closure<dyn FnMut()>,
}

/// Opens the breakdown of what the badge shows (nothing when it shows no text or the
/// dialog is open already).
pub(super) fn open(state: &Rc<State>) {
    let Shown::Text(p, l) = state.shown.get() else {
        return;
    };
    if state.dialog.borrow().is_some() {
        return;
    }
    let (proxy, source) = {
        let o = state.options.borrow();
        (o.proxy.clone(), o.pricing)
    };
    // Drawn text means the table is in hand; the waiter is never needed.
    let Some(table) = pricing::table(&proxy, source, Box::new(|| {})) else {
        return;
    };
    let document = state.root.owner_document().unwrap_or_else(super::document);
    let plans = table.plans(p.amount);
    // The schedule of the plan the badge advertises (the lowest monthly installment), drawn
    // by the proxy from the same pricing table (the reference table for embedded pricing);
    // none for a page with embedded pricing and no proxy named.
    let advertised = plans
        .iter()
        .filter(|plan| plan.payment_type().is_installment())
        .min_by_key(|plan| plan.monthly_installment());
    let mut schedule = String::new();
    if let Some(plan) = advertised.filter(|_| source == Pricing::Proxy || !proxy.is_empty()) {
        schedule = crate::net::api_url(&proxy, "/schedule?amount=");
        schedule.push_str(&p.amount.to_rupiah_u64().to_string());
        schedule.push_str("&payment_type=");
        schedule.push_str(plan.payment_type().as_str());
        schedule.push_str("&locale=");
        schedule.push_str(l.as_tag());
        if source == Pricing::Embedded {
            schedule.push_str("&table=reference");
        }
    }

    let s = text::badge_strings(l);
    let dialog: HtmlDialogElement = element(&document, "dialog", "kc-dialog").unchecked_into();
    attrs(
        &dialog,
        &[
            ("role", "dialog"),
            ("aria-modal", "true"),
            ("aria-labelledby", "kc-dialog-title"),
        ],
    );
    let body = child(&document, &dialog, "div", "kc-dialog-body");
    let head = child(&document, &body, "div", "kc-dialog-head");
    let logo = child(&document, &head, "img", "kc-dialog-logo");
    attrs(
        &logo,
        &[
            ("src", &state.assets.logo_blue),
            ("alt", "Kredivo"),
            ("width", "96"),
            ("height", "23"),
        ],
    );
    let close_button: HtmlElement = child(&document, &head, "button", "kc-close").unchecked_into();
    attrs(
        &close_button,
        &[("type", "button"), ("aria-label", s.close)],
    );
    let x = child(&document, &close_button, "span", "");
    let _ = x.set_attribute("aria-hidden", "true");
    x.set_text_content(Some("×"));
    let title = child(&document, &body, "h2", "");
    title.set_id("kc-dialog-title");
    title.set_text_content(Some(s.dialog_title));
    let sub = child(&document, &body, "p", "kc-dialog-sub");
    sub.set_text_content(Some(&text::for_amount(p.amount, l)));

    let table_el = child(&document, &body, "table", "kc-table");
    let head_row = child(
        &document,
        &child(&document, &table_el, "thead", ""),
        "tr",
        "",
    );
    let (h_tenure, h_monthly, h_cost) = match l {
        Locale::En => ("Term", "Installment", "Interest & fees"),
        _ => ("Tenor", "Cicilan", "Bunga & biaya"),
    };
    for (i, label) in [h_tenure, h_monthly, h_cost, s.total]
        .into_iter()
        .enumerate()
    {
        let th = child(
            &document,
            &head_row,
            "th",
            if i == 0 { "" } else { "kc-num" },
        );
        let _ = th.set_attribute("scope", "col");
        th.set_text_content(Some(label));
    }
    let rows = child(&document, &table_el, "tbody", "");
    for plan in &plans {
        let pt = plan.payment_type().as_str();
        let once = plan.tenure_months() <= 1;
        let tr = child(&document, &rows, "tr", "");
        let _ = tr.set_attribute("data-payment-type", pt);
        let th = child(&document, &tr, "th", "");
        let _ = th.set_attribute("scope", "row");
        th.set_text_content(Some(&text::tenure(pt, plan.tenure_months(), l)));
        let mut installment = text::money(
            if once {
                plan.total()
            } else {
                plan.monthly_installment()
            },
            l,
        );
        if !once {
            installment.push_str(s.per_month);
        }
        let interest = if plan.interest().is_zero() && plan.service_fee().is_zero() {
            s.no_interest.to_owned()
        } else {
            let cost: Money = plan
                .interest()
                .checked_add(plan.service_fee())
                .unwrap_or(plan.interest());
            text::money(cost, l)
        };
        for cell in [installment, interest, text::money(plan.total(), l)] {
            child(&document, &tr, "td", "kc-num").set_text_content(Some(&cell));
        }
    }
    let frame = child(&document, &body, "iframe", "kc-sched");
    attrs(&frame, &[("title", s.schedule), ("src", &schedule)]);
    child(&document, &body, "p", "kc-note").set_text_content(Some(s.dialog_note));

    let weak = Rc::downgrade(state);
    let closer = move || {
        let weak = weak.clone();
        move || {
            if let Some(s) = weak.upgrade() {
                close(&s);
            }
        }
    };
    let on_key = Closure::<dyn FnMut(KeyboardEvent)>::new(|ev: KeyboardEvent| {
        if ev.key() == "Tab" {
            trap_tab(&ev);
        }
    });
    let on_cancel = {
        let close = closer();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            // Escape: closed here, so that focus returns to the badge.
            ev.prevent_default();
            close();
        })
    };
    let on_click = {
        let close = closer();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            // A click on the backdrop targets the dialog element itself; one on the close
            // button, the button or its ×.
            let target = ev.target().and_then(|t| t.dyn_into::<Element>().ok());
            let on_backdrop = target
                .as_ref()
                .is_some_and(|t| t.is_instance_of::<HtmlDialogElement>());
            let on_close = target
                .and_then(|t| t.closest(".kc-close").ok().flatten())
                .is_some();
            if on_backdrop || on_close {
                close();
            }
        })
    };
    // Closed by other means (a script calling `dialog.close()`).
    let on_close = Closure::<dyn FnMut()>::new(closer());
    dialog.set_onkeydown(Some(on_key.as_ref().unchecked_ref()));
    dialog.set_oncancel(Some(on_cancel.as_ref().unchecked_ref()));
    dialog.set_onclick(Some(on_click.as_ref().unchecked_ref()));
    dialog.set_onclose(Some(on_close.as_ref().unchecked_ref()));

    let _ = state.root.append_child(&dialog);
    if let Some(b) = state.button.borrow().as_ref() {
        let _ = b.set_attribute("aria-expanded", "true");
    }
    let _ = dialog.show_modal();
    *state.dialog.borrow_mut() = Some(Open {
        dialog,
        _on_key: on_key,
        _on_cancel: on_cancel,
        _on_click: on_click,
        _on_close: on_close,
    });
}

/// Closes the dialog and gives focus back to the badge.
fn close(state: &State) {
    if discard(state) {
        if let Some(b) = state.button.borrow().as_ref() {
            let _ = b.unchecked_ref::<HtmlElement>().focus();
        }
    }
}

/// Takes the dialog away, if open; `true` when it was.
pub(super) fn discard(state: &State) -> bool {
    let Some(open) = state.dialog.borrow_mut().take() else {
        return false;
    };
    let d = &open.dialog;
    // Its handlers stop first: a `close` event still queued must not reach freed closures.
    d.set_onkeydown(None);
    d.set_oncancel(None);
    d.set_onclick(None);
    d.set_onclose(None);
    // Leave the top layer before going: while the modal dialog is open the rest of the page
    // is inert and the badge could not take focus back.
    d.close();
    d.remove();
    if let Some(b) = state.button.borrow().as_ref() {
        let _ = b.set_attribute("aria-expanded", "false");
    }
    // Freed after the handler that may be running now has returned.
    wasm_bindgen_futures::spawn_local(async move { drop(open) });
    true
}

/// `parent.appendChild(<tag class="class">)`.
fn child(document: &Document, parent: &Element, tag: &str, class: &str) -> Element {
    let el = element(document, tag, class);
    let _ = parent.append_child(&el);
    el
}

fn attrs(el: &Element, list: &[(&str, &str)]) {
    for (name, value) in list {
        let _ = el.set_attribute(name, value);
    }
}

/// Keeps Tab and Shift+Tab among the dialog's focusable elements.
fn trap_tab(ev: &KeyboardEvent) {
    let Some(dialog) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<Element>().ok())
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
    let item = |i: u32| list.item(i).and_then(|n| n.dyn_into::<HtmlElement>().ok());
    let (first, last) = (item(0), item(n - 1));
    let at = |e: &Option<HtmlElement>| matches!((e, &active), (Some(a), Some(b)) if a.is_same_node(Some(b)));
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
