//! Mounting: one shadow root per host element, a registry so no element is mounted twice,
//! the `MutationObserver` that follows single-page apps, and DOM `CustomEvent`s.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use web_sys::{
    Element, HtmlElement, MutationObserver, MutationObserverInit, MutationRecord, ShadowRoot,
};

use crate::options::{self, JsOptions, Kind, Options, Source};

/// URLs of the widget's static assets, resolved by the loader.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assets {
    /// The stylesheet linked into every shadow root.
    pub css: String,
    /// The blue Kredivo logo (for light buttons).
    pub logo_blue: String,
    /// The white Kredivo logo (for Kredivo-blue buttons).
    pub logo_white: String,
}

/// What a widget tells its host page; becomes a DOM `CustomEvent` named `kredivo:*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WidgetEvent {
    /// Plans (or the badge text) are on screen.
    Ready {
        /// The priced amount, digits.
        amount: String,
        /// The payment types on offer.
        payment_types: Vec<String>,
    },
    /// The shopper chose a plan.
    Select(String),
    /// About to leave for Kredivo; cancelable with `preventDefault()`.
    Redirect(String),
    /// Something failed; `code` is stable.
    Error {
        /// The stable code.
        code: String,
        /// The message shown to the shopper.
        message: String,
    },
    /// An express checkout reached a final status.
    Complete {
        /// The merchant's order id.
        order_id: String,
        /// `settled`, `denied`, `expired` or `cancelled`.
        status: String,
    },
}

impl WidgetEvent {
    fn name(&self) -> &'static str {
        match self {
            WidgetEvent::Ready { .. } => "kredivo:ready",
            WidgetEvent::Select(_) => "kredivo:select",
            WidgetEvent::Redirect(_) => "kredivo:redirect",
            WidgetEvent::Error { .. } => "kredivo:error",
            WidgetEvent::Complete { .. } => "kredivo:complete",
        }
    }

    fn detail(&self) -> JsValue {
        let o = js_sys::Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = js_sys::Reflect::set(&o, &k.into(), &v);
        };
        match self {
            WidgetEvent::Ready {
                amount,
                payment_types,
            } => {
                set("amount", amount.into());
                let list: js_sys::Array = payment_types
                    .iter()
                    .map(|p| JsValue::from(p.as_str()))
                    .collect();
                set("paymentTypes", list.into());
            }
            WidgetEvent::Select(p) => set("paymentType", p.into()),
            WidgetEvent::Redirect(url) => set("url", url.into()),
            WidgetEvent::Error { code, message } => {
                set("code", code.into());
                set("message", message.into());
            }
            WidgetEvent::Complete { order_id, status } => {
                set("orderId", order_id.into());
                set("status", status.into());
            }
        }
        o.into()
    }
}

/// Reports widget events to the host page.
///
/// The listener is cloned out of the reactive arena before it runs, because a page's event
/// listener may call back into the widget (mount another one, update this one).
#[derive(Clone, Copy)]
pub struct Emit(StoredValue<Listener, LocalStorage>);

type Listener = Rc<dyn Fn(&WidgetEvent) -> bool>;
type Observer = (MutationObserver, Closure<dyn FnMut(js_sys::Array)>);

impl Emit {
    /// Wraps a listener (created inside the widget's reactive owner).
    pub fn new(f: impl Fn(&WidgetEvent) -> bool + 'static) -> Emit {
        Emit(StoredValue::new_local(Rc::new(f)))
    }

    /// Sends an event; `false` when the page called `preventDefault()` or the widget is gone.
    pub fn fire(&self, event: WidgetEvent) -> bool {
        self.0.try_get_value().is_some_and(|f| f(&event))
    }
}

/// The name of the JS property that marks a mounted host (not an attribute: clones of a
/// mounted element must mount on their own). Each bundle has its own, since the checkout and
/// badge bundles can run side by side on one page, each with its own ids.
#[cfg(feature = "checkout")]
const MARK: &str = "__kredivoCheckoutId";
/// The badge bundle's mark (see the checkout build's `MARK`).
#[cfg(not(feature = "checkout"))]
const MARK: &str = "__kredivoBadgeId";

/// The mark of the other bundle that may run beside this one; a host it holds is not ours
/// to take (`KredivoCheckout.mount(el, {kind})` against the element's own attribute).
#[cfg(all(feature = "checkout", not(feature = "badge")))]
const OTHER_MARK: Option<&str> = Some("__kredivoBadgeId");
/// See the checkout bundle's `OTHER_MARK`.
#[cfg(all(feature = "badge", not(feature = "checkout")))]
const OTHER_MARK: Option<&str> = Some("__kredivoCheckoutId");
/// One build with both kinds has no other bundle beside it.
#[cfg(all(feature = "checkout", feature = "badge"))]
const OTHER_MARK: Option<&str> = None;

#[cfg(not(any(feature = "checkout", feature = "badge")))]
compile_error!("enable the `checkout` feature, the `badge` feature or both");

/// The elements this build finds by itself. An element carrying both attributes is a badge
/// (as [`options::parse`] decides), so the checkout bundle leaves it to the badge bundle.
#[cfg(all(feature = "checkout", feature = "badge"))]
pub const SELECTOR: &str = "[data-kredivo-checkout],[data-kredivo-badge]";
/// The elements this build finds by itself (the checkout bundle).
#[cfg(all(feature = "checkout", not(feature = "badge")))]
pub const SELECTOR: &str = "[data-kredivo-checkout]:not([data-kredivo-badge])";
/// The elements this build finds by itself (the badge bundle).
#[cfg(all(feature = "badge", not(feature = "checkout")))]
pub const SELECTOR: &str = "[data-kredivo-badge]";

/// Whether this build includes the widget of `kind` (see the crate's features).
pub fn supports(kind: Kind) -> bool {
    match kind {
        Kind::Checkout => cfg!(feature = "checkout"),
        Kind::Badge => cfg!(feature = "badge"),
    }
}

/// Attributes whose change re-reads a host's options.
const WATCHED: [&str; 13] = [
    "data-kredivo-checkout",
    "data-kredivo-badge",
    "data-amount",
    "data-cart",
    "data-cart-id",
    "data-proxy",
    "data-locale",
    "data-theme",
    "data-logo",
    "data-button-width",
    "data-pricing",
    "data-revision",
    "lang",
];

struct Mounted {
    el: Element,
    js: JsOptions,
    options: ArcRwSignal<Options>,
    alive: Rc<Cell<bool>>,
    /// The stylesheet link and the view's root this widget put in the shadow root; destroying
    /// removes exactly these (another bundle may already own the shadow root's content).
    nodes: [Element; 2],
    // Dropping these unmounts the view and detaches the stylesheet listener.
    _view: Box<dyn std::any::Any>,
    _on_css: Closure<dyn FnMut()>,
}

#[derive(Default)]
struct Hub {
    assets: Option<Arc<Assets>>,
    next_id: u32,
    live: Live,
    observer: Option<Observer>,
}

/// Mounted widgets by id. Ids only grow, so pushing keeps the list sorted and lookups are a
/// binary search; a `Vec` instead of a `HashMap` keeps hashbrown's code out of the wasm.
#[derive(Default)]
struct Live(Vec<(u32, Mounted)>);

impl Live {
    fn find(&self, id: u32) -> Result<usize, usize> {
        self.0.binary_search_by_key(&id, |(k, _)| *k)
    }
    fn get(&self, id: &u32) -> Option<&Mounted> {
        self.find(*id).ok().map(|i| &self.0[i].1)
    }
    fn get_mut(&mut self, id: &u32) -> Option<&mut Mounted> {
        self.find(*id).ok().map(|i| &mut self.0[i].1)
    }
    fn contains_key(&self, id: &u32) -> bool {
        self.find(*id).is_ok()
    }
    fn insert(&mut self, id: u32, m: Mounted) {
        match self.find(id) {
            Ok(i) => self.0[i].1 = m,
            Err(i) => self.0.insert(i, (id, m)),
        }
    }
    fn remove(&mut self, id: &u32) -> Option<Mounted> {
        self.find(*id).ok().map(|i| self.0.remove(i).1)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn keys(&self) -> impl Iterator<Item = &u32> + '_ {
        self.0.iter().map(|(k, _)| k)
    }
    fn iter(&self) -> impl Iterator<Item = (&u32, &Mounted)> + '_ {
        self.0.iter().map(|(k, m)| (k, m))
    }
}

thread_local! {
    static HUB: RefCell<Hub> = RefCell::new(Hub::default());
}

/// A mounting failure, reported to JS as an `Error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountError(pub String);

/// Sets the asset URLs; the first call wins, so a second loader changes nothing.
/// Returns `false` when assets were already set.
pub fn set_assets(assets: Assets) -> bool {
    HUB.with_borrow_mut(|h| {
        if h.assets.is_some() {
            false
        } else {
            h.assets = Some(Arc::new(assets));
            true
        }
    })
}

fn assets() -> Arc<Assets> {
    HUB.with_borrow(|h| h.assets.clone()).unwrap_or_default()
}

/// The id of the widget mounted on `el`, if any.
pub fn id_of(el: &Element) -> Option<u32> {
    let v = js_sys::Reflect::get(el, &MARK.into()).ok()?.as_f64()?;
    let id = v as u32;
    // The id must be this element's: another bundle's ids, or a stale mark, are not ours.
    HUB.with_borrow(|h| h.live.get(&id).is_some_and(|m| m.el.is_same_node(Some(el))))
        .then_some(id)
}

/// Whether widget `id` is still mounted.
pub fn is_mounted(id: u32) -> bool {
    HUB.with_borrow(|h| h.live.contains_key(&id))
}

/// How many widgets are mounted (for tests and the benchmark page).
pub fn mounted_count() -> usize {
    HUB.with_borrow(|h| h.live.len())
}

fn document_lang() -> Option<String> {
    web_sys::window()?
        .document()?
        .document_element()?
        .get_attribute("lang")
}

/// Reads a host's options; a malformed option is reported on the console and shown as an
/// `invalid_options` error rather than breaking the page.
fn read_options(el: &Element, js: &JsOptions) -> Result<Options, options::OptionError> {
    let attr = |name: &str| el.get_attribute(name);
    options::parse(&attr, Some(js), document_lang().as_deref())
}

fn fallback_options(el: &Element, js: &JsOptions, e: &options::OptionError) -> Options {
    web_sys::console::error_1(&format!("Kredivo widget: {e}").into());
    let badge = js.kind.as_deref() == Some("badge")
        || (js.kind.is_none() && el.has_attribute("data-kredivo-badge"));
    let attr = |name: &str| match name {
        "data-locale" | "data-theme" | "data-logo" | "data-proxy" => el.get_attribute(name),
        _ => None,
    };
    // With no attributes at all nothing can be malformed, so the inner parse always succeeds.
    let mut o = match options::parse(&attr, None, document_lang().as_deref()) {
        Ok(o) => o,
        Err(_) => match options::parse(&|_| None, None, None) {
            Ok(o) => o,
            Err(_) => unreachable!("empty options always parse"),
        },
    };
    o.kind = if badge { Kind::Badge } else { Kind::Checkout };
    o.source = Source::Invalid(e.to_string());
    o
}

/// Whether the other bundle beside this one has a widget on `el`.
fn held_by_other(el: &Element) -> bool {
    OTHER_MARK.is_some_and(|other| {
        js_sys::Reflect::get(el, &other.into()).is_ok_and(|v| v.as_f64().is_some())
    })
}

/// Mounts an element found in the document. When the other bundle still holds it (an
/// element that just changed kind, whose old bundle lets go of it in its own observer
/// callback for the same mutations, which may run after ours), looks again once both
/// callbacks have run.
fn auto_mount(el: &Element) {
    if !held_by_other(el) {
        let _ = mount(el, None);
        return;
    }
    let el = el.clone();
    let again = Closure::once_into_js(move || {
        let still_ours = el.is_connected() && el.matches(SELECTOR).unwrap_or(false);
        if still_ours && id_of(&el).is_none() && !held_by_other(&el) {
            let _ = mount(&el, None);
        }
    });
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(again.unchecked_ref(), 0);
    }
}

/// Mounts a widget on `el`, or updates the one already there with `js`.
pub fn mount(el: &Element, js: Option<JsOptions>) -> Result<u32, MountError> {
    if let Some(id) = id_of(el) {
        if let Some(js) = js {
            update(id, js)?;
        }
        return Ok(id);
    }
    let from_js = js.is_some();
    let js = js.unwrap_or_default();
    let options = match read_options(el, &js) {
        Ok(o) => o,
        Err(e) if from_js => return Err(MountError(e.to_string())),
        Err(e) => fallback_options(el, &js, &e),
    };
    if !supports(options.kind) {
        return Err(MountError(format!(
            "this bundle has no {} widget; load it with KredivoCheckout.load(\"{}\")",
            options.kind.as_str(),
            options.kind.as_str()
        )));
    }
    if held_by_other(el) {
        return Err(MountError(
            "this element already hosts the other Kredivo widget; destroy it first".into(),
        ));
    }
    let document = el
        .owner_document()
        .ok_or_else(|| MountError("element has no document".into()))?;
    let shadow = shadow_root(el)?;
    let assets = assets();

    let link = document.create_element("link").map_err(js_err)?;
    let _ = link.set_attribute("rel", "stylesheet");
    let _ = link.set_attribute("href", &assets.css);
    let root: HtmlElement = document
        .create_element("div")
        .map_err(js_err)?
        .unchecked_into();
    root.set_class_name("kc-shell");
    // Hidden until the stylesheet arrives, so shoppers never see unstyled markup.
    root.set_hidden(true);
    let on_css = {
        let root = root.clone();
        Closure::<dyn FnMut()>::new(move || root.set_hidden(false))
    };
    let link: web_sys::HtmlLinkElement = link.unchecked_into();
    link.set_onload(Some(on_css.as_ref().unchecked_ref()));
    link.set_onerror(Some(on_css.as_ref().unchecked_ref()));
    shadow.append_child(&link).map_err(js_err)?;
    shadow.append_child(&root).map_err(js_err)?;
    let nodes: [Element; 2] = [link.clone().into(), root.clone().into()];

    let id = HUB.with_borrow_mut(|h| {
        h.next_id += 1;
        h.next_id
    });
    let alive = Rc::new(Cell::new(true));
    let signal = ArcRwSignal::new(options);
    let view = {
        let (el, alive, signal) = (el.clone(), alive.clone(), signal.clone());
        leptos::mount::mount_to(root, move || {
            let emit = Emit::new(move |event| dispatch(&el, &alive, event));
            crate::view::root(Signal::from(signal), assets, emit)
        })
    };
    let _ = js_sys::Reflect::set(el, &MARK.into(), &JsValue::from(id));
    HUB.with_borrow_mut(|h| {
        h.live.insert(
            id,
            Mounted {
                el: el.clone(),
                js,
                options: signal,
                alive,
                nodes,
                _view: Box::new(view),
                _on_css: on_css,
            },
        )
    });
    Ok(id)
}

fn shadow_root(el: &Element) -> Result<ShadowRoot, MountError> {
    let shadow = match el.shadow_root() {
        Some(s) => s,
        None => el
            .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
            .map_err(|_| {
                MountError("this element cannot host the Kredivo widget (use a div)".into())
            })?,
    };
    // A previous widget's markup (after destroy, or a page restored from cache) goes.
    shadow.set_inner_html("");
    Ok(shadow)
}

fn js_err(_: JsValue) -> MountError {
    MountError("the document refused to create the widget's elements".into())
}

fn dispatch(el: &Element, alive: &Cell<bool>, event: &WidgetEvent) -> bool {
    if !alive.get() {
        return false;
    }
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_cancelable(matches!(event, WidgetEvent::Redirect(_)));
    init.set_detail(&event.detail());
    match web_sys::CustomEvent::new_with_event_init_dict(event.name(), &init) {
        Ok(e) => el.dispatch_event(&e).unwrap_or(true),
        Err(_) => true,
    }
}

/// Merges `js` into a mounted widget's options.
pub fn update(id: u32, js: JsOptions) -> Result<(), MountError> {
    let (el, merged) = HUB
        .with_borrow_mut(|h| {
            let m = h.live.get_mut(&id)?;
            m.js.merge(js);
            Some((m.el.clone(), clone_js(&m.js)))
        })
        .ok_or_else(|| MountError("this widget was destroyed".into()))?;
    let options = read_options(&el, &merged).map_err(|e| MountError(e.to_string()))?;
    set_options(id, options);
    Ok(())
}

fn clone_js(js: &JsOptions) -> JsOptions {
    JsOptions {
        kind: js.kind.clone(),
        proxy: js.proxy.clone(),
        cart: js.cart.clone(),
        cart_id: js.cart_id.clone(),
        amount: js.amount.clone(),
        locale: js.locale.clone(),
        theme: js.theme.clone(),
        logo: js.logo.clone(),
        button_width: js.button_width,
        pricing: js.pricing.clone(),
        revision: js.revision.clone(),
    }
}

fn set_options(id: u32, options: Options) {
    // Taken out of the registry first: setting the signal runs effects, which may call back
    // into the registry (an event listener that mounts another widget).
    let signal = HUB.with_borrow(|h| h.live.get(&id).map(|m| m.options.clone()));
    if let Some(s) = signal {
        if s.with_untracked(|o| o != &options) {
            s.set(options);
        }
    }
}

/// Re-reads a host's attributes after they changed.
pub fn refresh(id: u32) {
    let Some((el, js)) =
        HUB.with_borrow(|h| h.live.get(&id).map(|m| (m.el.clone(), clone_js(&m.js))))
    else {
        return;
    };
    let options = read_options(&el, &js).unwrap_or_else(|e| fallback_options(&el, &js, &e));
    set_options(id, options);
}

/// Unmounts a widget: its shadow content goes, its events stop, its requests are dropped.
pub fn destroy(id: u32) {
    let Some(m) = HUB.with_borrow_mut(|h| h.live.remove(&id)) else {
        return;
    };
    m.alive.set(false);
    let _ = js_sys::Reflect::delete_property(&m.el, &MARK.into());
    for node in &m.nodes {
        node.remove();
    }
    drop(m);
}

/// Mounts every matching element under `root` (and `root` itself).
pub fn scan(root: &Element) {
    if root.matches(SELECTOR).unwrap_or(false) {
        auto_mount(root);
    }
    if let Ok(list) = root.query_selector_all(SELECTOR) {
        for i in 0..list.length() {
            if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                auto_mount(&el);
            }
        }
    }
}

/// Destroys widgets whose host left the document (a moved host is still connected and stays).
fn sweep() {
    let gone: Vec<u32> = HUB.with_borrow(|h| {
        h.live
            .iter()
            .filter(|(_, m)| !m.el.is_connected())
            .map(|(id, _)| *id)
            .collect()
    });
    for id in gone {
        destroy(id);
    }
}

/// Starts following the document: added hosts mount, removed ones are destroyed, watched
/// attribute changes update. Idempotent.
pub fn observe() {
    if HUB.with_borrow(|h| h.observer.is_some()) {
        return;
    }
    let Some(doc_el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(on_mutations);
    let Ok(observer) = MutationObserver::new(callback.as_ref().unchecked_ref()) else {
        return;
    };
    let init = MutationObserverInit::new();
    init.set_child_list(true);
    init.set_subtree(true);
    init.set_attributes(true);
    let filter: js_sys::Array = WATCHED.iter().map(|a| JsValue::from(*a)).collect();
    init.set_attribute_filter(&filter);
    if observer.observe_with_options(&doc_el, &init).is_ok() {
        HUB.with_borrow_mut(|h| h.observer = Some((observer, callback)));
    }
}

fn on_mutations(records: js_sys::Array) {
    let mut removed = false;
    let mut lang_changed = false;
    for record in records.iter() {
        let record: MutationRecord = record.unchecked_into();
        if record.type_() == "attributes" {
            let Some(el) = record.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
                continue;
            };
            if record.attribute_name().as_deref() == Some("lang") {
                lang_changed = true;
                continue;
            }
            match id_of(&el) {
                Some(id) if el.matches(SELECTOR).unwrap_or(false) => refresh(id),
                Some(id) => destroy(id),
                None if el.matches(SELECTOR).unwrap_or(false) => {
                    auto_mount(&el);
                }
                None => {}
            }
            continue;
        }
        removed |= record.removed_nodes().length() > 0;
        let added = record.added_nodes();
        for i in 0..added.length() {
            if let Some(el) = added.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                scan(&el);
            }
        }
    }
    if removed {
        sweep();
    }
    if lang_changed {
        let ids: Vec<u32> = HUB.with_borrow(|h| h.live.keys().copied().collect());
        for id in ids {
            refresh(id);
        }
    }
}
