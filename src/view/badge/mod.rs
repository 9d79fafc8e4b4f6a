//! The product badge ("Cicilan mulai Rp 248.050/bulan dengan Kredivo") and its breakdown
//! dialog, computed in the browser from the page's one pricing table and drawn with web-sys.
//!
//! No reactive graph (issue 19): a badge's text changes only when its options or the pricing
//! table do, so it is drawn straight into the DOM on mount, when the table arrives (every
//! waiting badge in one pass, see [`crate::pricing`]) and when the host hands it new
//! options; and only the nodes that changed are touched. The dialog is built when it opens
//! (`dialog`).
//!
//! | module | job |
//! |---|---|
//! | this one | the badge: skeleton, text or nothing; `ready` events |
//! | `dialog` | the breakdown dialog, built on open |

mod dialog;

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::sync::Arc;

use kredivo_plan::{Locale, Money, PricingTable};
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{Document, Element};

use super::Widget;
use crate::assets::Assets;
use crate::event::{Listener, WidgetEvent};
use crate::options::{Options, Source, Theme};
use crate::{pricing, text};

/// The badge's stylesheet (`www/widget/kredivo-common.css` and `kredivo-badge.css`, folded
/// by `build.rs`), adopted by every badge's shadow root as one constructed sheet.
pub(super) const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/kredivo-badge.css"));

/// A badge for `data-amount`: "from Rp X/month", and a dialog with every plan on click.
/// Hidden for amounts no plan covers.
pub struct Badge(Rc<State>);

/// An eligible amount, priced: what the badge says.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Priced {
    amount: Money,
    /// The lowest monthly installment.
    monthly: Money,
    /// Whether any plan is an installment plan (else only "pay in 30 days" covers it).
    installments: bool,
}

/// What the badge shows now.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shown {
    /// Drawn nothing yet.
    Blank,
    /// The pricing table is loading.
    Skeleton,
    /// No plan covers the amount (or there is none): the badge is hidden.
    Nothing,
    /// The badge's text in a language.
    Text(Priced, Locale),
}

struct State {
    /// The `.kc` wrapper that carries the theme and language; everything else is inside.
    root: Element,
    options: RefCell<Options>,
    assets: Arc<Assets>,
    emit: Listener,
    shown: Cell<Shown>,
    /// The theme and language on `root`.
    look: Cell<Option<(Theme, Locale)>>,
    /// The last pricing, as `ready` follows it: `None` while the table loads, `Some(None)`
    /// for an amount no plan covers. `ready` fires each time it becomes another `Some(Some)`.
    priced: Cell<Option<Option<Priced>>>,
    /// The badge's button, while it shows text.
    button: RefCell<Option<Element>>,
    /// Opens the dialog; the button's `onclick`.
    on_click: Closure<dyn FnMut()>,
    /// The open dialog, if any.
    dialog: RefCell<Option<dialog::Open>>,
}

impl Badge {
    /// Draws a badge in `shell` (the host's `.kc-shell`): skeleton, text or nothing.
    pub fn mount(
        shell: web_sys::HtmlElement,
        options: Options,
        assets: Arc<Assets>,
        emit: Listener,
    ) -> Badge {
        let document = shell.owner_document().unwrap_or_else(document);
        let root = element(&document, "div", "kc");
        let _ = shell.append_child(&root);
        let state = Rc::new_cyclic(|me: &Weak<State>| {
            let me = me.clone();
            State {
                root,
                options: RefCell::new(options),
                assets,
                emit,
                shown: Cell::new(Shown::Blank),
                look: Cell::new(None),
                priced: Cell::new(None),
                button: RefCell::new(None),
                on_click: Closure::new(move || {
                    if let Some(s) = me.upgrade() {
                        dialog::open(&s);
                    }
                }),
                dialog: RefCell::new(None),
            }
        });
        draw(&state);
        Badge(state)
    }
}

impl Widget for Badge {
    fn set_options(&self, options: Options) {
        if *self.0.options.borrow() == options {
            return;
        }
        *self.0.options.borrow_mut() = options;
        draw(&self.0);
    }
}

impl Drop for Badge {
    fn drop(&mut self) {
        // The host removes the shell; a dialog left open goes with it, and its handlers
        // stop before the closures they call are freed.
        dialog::discard(&self.0);
        if let Some(b) = self.0.button.borrow().as_ref() {
            b.unchecked_ref::<web_sys::HtmlElement>().set_onclick(None);
        }
    }
}

/// Brings the badge up to date with its options and the pricing table.
fn draw(state: &Rc<State>) {
    let (proxy, source, amount, locale, theme) = {
        let o = state.options.borrow();
        let amount = match &o.source {
            Source::Amount(a) => Money::try_from(*a).ok(),
            _ => None,
        };
        (o.proxy.clone(), o.pricing, amount, o.locale, o.theme)
    };
    if state.look.replace(Some((theme, locale))) != Some((theme, locale)) {
        let _ = state.root.set_attribute("data-theme", theme.as_str());
        let _ = state.root.set_attribute("lang", locale.as_tag());
    }
    let waiter = {
        let me = Rc::downgrade(state);
        Box::new(move || {
            if let Some(s) = me.upgrade() {
                draw(&s);
            }
        })
    };
    let table = pricing::table(&proxy, source, waiter);
    let priced = table.as_deref().map(|t| amount.and_then(|a| price(t, a)));
    let shown = match priced {
        None => Shown::Skeleton,
        Some(None) => Shown::Nothing,
        Some(Some(p)) => Shown::Text(p, locale),
    };
    if shown != state.shown.get() {
        let reopen = dialog::discard(state);
        show(state, shown);
        if reopen && matches!(shown, Shown::Text(..)) {
            dialog::open(state);
        }
    }
    if priced != state.priced.get() {
        state.priced.set(priced);
        if let (Some(Some(p)), Some(t)) = (priced, &table) {
            ready(state, t, p);
        }
    }
}

/// The badge's figures for `amount`; `None` when no plan covers it.
fn price(table: &PricingTable, amount: Money) -> Option<Priced> {
    let monthly = table.cheapest_monthly(amount)?;
    let installments = table
        .plans(amount)
        .iter()
        .any(|p| p.payment_type().is_installment());
    Some(Priced {
        amount,
        monthly,
        installments,
    })
}

/// Replaces what the badge shows.
fn show(state: &State, shown: Shown) {
    state.shown.set(shown);
    state.root.set_text_content(None);
    if let Some(old) = state.button.borrow_mut().take() {
        old.unchecked_ref::<web_sys::HtmlElement>()
            .set_onclick(None);
    }
    let document = state.root.owner_document().unwrap_or_else(document);
    match shown {
        Shown::Blank | Shown::Nothing => {}
        Shown::Skeleton => {
            let sk = element(&document, "span", "kc-badge-sk");
            let _ = sk.set_attribute("aria-hidden", "true");
            let _ = state.root.append_child(&sk);
        }
        Shown::Text(p, l) => {
            let button = words(&document, p, l);
            button
                .unchecked_ref::<web_sys::HtmlElement>()
                .set_onclick(Some(state.on_click.as_ref().unchecked_ref()));
            let _ = state.root.append_child(&button);
            *state.button.borrow_mut() = Some(button);
        }
    }
}

thread_local! {
    /// The one buffer every badge formats its amount in.
    static MONEY: RefCell<String> = const { RefCell::new(String::new()) };
    /// One button per language and wording, built once and cloned for every badge: a deep
    /// clone is one call into the browser where building costs twenty.
    static BUTTONS: RefCell<Vec<((Locale, bool), Element)>> = const { RefCell::new(Vec::new()) };
}

/// The badge's button: "Cicilan mulai **Rp 248.050**/bulan dengan **Kredivo**", or "Bayar
/// nanti dalam 30 hari dengan **Kredivo**" when only the 30-day plan covers the amount (no
/// "per month" promise).
fn words(document: &Document, p: Priced, l: Locale) -> Element {
    let key = (l, p.installments);
    let cached = BUTTONS.with_borrow(|b| b.iter().find(|(k, _)| *k == key).map(|(_, e)| e.clone()));
    let template = cached.unwrap_or_else(|| {
        let built = build_button(document, l, p.installments);
        BUTTONS.with_borrow_mut(|b| b.push((key, built.clone())));
        built
    });
    let button: Element = template
        .clone_node_with_deep(true)
        .map(JsCast::unchecked_into)
        .unwrap_or_else(|_| build_button(document, l, p.installments));
    if p.installments {
        // The amount is the button's first element.
        if let Some(amount) = button.first_element_child() {
            MONEY.with_borrow_mut(|buf| {
                text::money_into(buf, p.monthly, l);
                amount.set_text_content(Some(buf));
            });
        }
    }
    button
}

/// A badge's button in language `l`, its amount (when `installments`) still empty.
fn build_button(document: &Document, l: Locale, installments: bool) -> Element {
    let s = text::badge_strings(l);
    let button = element(document, "button", "kc-badge");
    for (name, value) in [
        ("type", "button"),
        ("aria-haspopup", "dialog"),
        ("aria-expanded", "false"),
        ("title", s.badge_hint),
    ] {
        let _ = button.set_attribute(name, value);
    }
    if installments {
        let _ = button.append_with_str_1(s.badge_before);
        let _ = button.append_with_node_1(&element(document, "strong", "kc-badge-amount"));
        let _ = button.append_with_str_1(s.badge_after);
    } else {
        let _ = button.append_with_str_1(s.badge_later);
    }
    let brand = element(document, "strong", "kc-brand");
    brand.set_text_content(Some("Kredivo"));
    let _ = button.append_with_node_1(&brand);
    button
}

/// Sends `ready` with the amount's payment types once the badge is on screen: after the next
/// frame (a task queued from its animation-frame callback runs once it is painted), for
/// every badge drawn meanwhile in one batch. The frame that shows a listing's badges thus
/// waits neither for the events nor for the page's listeners (issue 19), and a listener
/// that a script adds right after `KredivoCheckout.mount` still hears it. A badge re-priced
/// or unmounted before then sends only its latest pricing, or nothing.
fn ready(state: &Rc<State>, table: &Arc<PricingTable>, p: Priced) {
    let first = READY.with_borrow_mut(|pending| {
        let first = pending.is_empty();
        // One entry per badge: its latest pricing.
        let me = Rc::downgrade(state);
        pending.retain(|q| !q.state.ptr_eq(&me));
        pending.push(Pending {
            state: me,
            table: table.clone(),
            priced: p,
        });
        first
    });
    if first {
        after_next_frame(send_ready);
    }
}

/// A badge priced since the last frame, waiting to send `ready`.
struct Pending {
    state: Weak<State>,
    table: Arc<PricingTable>,
    priced: Priced,
}

thread_local! {
    static READY: RefCell<Vec<Pending>> = const { RefCell::new(Vec::new()) };
}

fn send_ready() {
    for Pending {
        state,
        table,
        priced: p,
    } in READY.take()
    {
        let Some(state) = state.upgrade() else {
            continue;
        };
        if state.priced.get() != Some(Some(p)) {
            continue; // no longer priced (its amount became ineligible)
        }
        let event = WidgetEvent::Ready {
            amount: p.amount.to_rupiah_u64().to_string(),
            payment_types: table
                .plans(p.amount)
                .iter()
                .map(|plan| plan.payment_type().as_str().to_owned())
                .collect(),
        };
        (state.emit)(&event);
    }
}

/// Runs `f` in a task after the next frame is painted (`requestAnimationFrame`, then
/// `setTimeout(0)`). A hidden page paints no frames, so it runs when the page is shown.
fn after_next_frame(f: fn()) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let then = Closure::once_into_js(move || {
        if let Some(w) = web_sys::window() {
            let task = Closure::once_into_js(f);
            let _ = w.set_timeout_with_callback(task.unchecked_ref());
        }
    });
    let _ = window.request_animation_frame(then.unchecked_ref());
}

/// `<tag class="class">` (no class attribute for `""`).
fn element(document: &Document, tag: &str, class: &str) -> Element {
    let el = document
        .create_element(tag)
        .unwrap_or_else(|_| unreachable!("the document creates plain HTML elements"));
    if !class.is_empty() {
        el.set_class_name(class);
    }
    el
}

fn document() -> Document {
    web_sys::window()
        .and_then(|w| w.document())
        .unwrap_or_else(|| unreachable!("badges are mounted in a document"))
}
