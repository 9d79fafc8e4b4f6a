//! Mounting: one shadow root per host element, and the widget's life in it.
//!
//! | module | job |
//! |---|---|
//! | this one | mount (one element, or all found at once, in phases), update, refresh and destroy; [`MountError`] |
//! | `registry` | which element hosts which widget; the asset URLs |
//! | `observer` | the `MutationObserver` that follows single-page apps |
//! | `style` | the shared constructed stylesheet, or a stylesheet link |
//! | `events` | widget events as DOM `CustomEvent`s |
//!
//! Options are read by [`crate::options`]; the views by [`crate::view`]. This module imports
//! both, and neither imports it. Nothing here knows how a view draws (Leptos or plain DOM):
//! it hands the view a root element and its options through [`crate::view::Widget`].

mod events;
mod observer;
mod registry;
mod style;

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, ShadowRoot};

use crate::event::Listener;
use crate::options::{self, JsOptions, Kind, OptionError, Options};
#[cfg(feature = "badge")]
use crate::trace;

pub use observer::{observe, scan};
pub use registry::{id_of, is_mounted, mounted_count, set_assets};

#[cfg(not(any(
    all(feature = "checkout", feature = "badge", feature = "qr"),
    all(feature = "checkout", not(feature = "badge"), not(feature = "qr")),
    all(feature = "badge", not(feature = "checkout"), not(feature = "qr")),
    all(feature = "qr", not(feature = "checkout"), not(feature = "badge")),
)))]
compile_error!("build one of the `checkout`, `badge` and `qr` features, or all three");

/// The elements this build finds by itself. An element carrying the badge attribute is a
/// badge whatever else it carries (as [`options::parse`] decides), so the other bundles leave
/// it to the badge bundle.
#[cfg(all(feature = "checkout", feature = "badge", feature = "qr"))]
pub const SELECTOR: &str = "[data-kredivo-checkout],[data-kredivo-badge],[data-kredivo-qr]";
/// The elements this build finds by itself (the checkout bundle).
#[cfg(all(feature = "checkout", not(feature = "badge")))]
pub const SELECTOR: &str = "[data-kredivo-checkout]:not([data-kredivo-badge])";
/// The elements this build finds by itself (the badge bundle).
#[cfg(all(feature = "badge", not(feature = "checkout")))]
pub const SELECTOR: &str = "[data-kredivo-badge]";
/// The elements this build finds by itself (the QR bundle).
#[cfg(all(feature = "qr", not(feature = "checkout")))]
pub const SELECTOR: &str = "[data-kredivo-qr]:not([data-kredivo-badge])";

/// Whether this build includes the widget of `kind` (see the crate's features).
pub fn supports(kind: Kind) -> bool {
    match kind {
        Kind::Checkout => cfg!(feature = "checkout"),
        Kind::Badge => cfg!(feature = "badge"),
        Kind::Qr => cfg!(feature = "qr"),
    }
}

/// Why a widget could not be mounted or updated; thrown to JS as an `Error` with this text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MountError {
    /// The options object, or one of its values, cannot be read.
    #[error(transparent)]
    Options(#[from] OptionError),
    /// The element's kind is the other bundle's, and that bundle is not this one.
    #[error("this bundle has no {} widget; load it with KredivoCheckout.load(\"{}\")", .0.as_str(), .0.as_str())]
    NotInBundle(Kind),
    /// The other bundle beside this one already has a widget on the element.
    #[error("this element already hosts the other Kredivo widget; destroy it first")]
    HeldByOther,
    /// The element is not in a document.
    #[error("element has no document")]
    NoDocument,
    /// The element cannot have a shadow root (`<span>` can, `<img>` cannot).
    #[error("this element cannot host the Kredivo widget (use a div)")]
    CannotHost,
    /// The document refused to create the stylesheet link or the view's root.
    #[error("the document refused to create the widget's elements")]
    Dom,
    /// The widget was destroyed before this call.
    #[error("this widget was destroyed")]
    Destroyed,
}

/// Mounts a widget on `el`, or updates the one already there with `js`.
///
/// Options from script (`js`) that cannot be read are an error; attributes that cannot be
/// read mount a widget that shows `invalid_options`, so a typo never breaks the page.
pub fn mount(el: &Element, js: Option<JsOptions>) -> Result<u32, MountError> {
    match read(el, js)? {
        Read::Mounted(id) => Ok(id),
        Read::New(new) => Ok(start(attach(new)?)),
    }
}

/// Runs `f`, which finds elements to mount ([`found`]); in a bundle with badges they are
/// mounted together when it returns, phase by phase (read every element's options, then
/// give each a shadow root and its style, then draw every view), so that the browser lays
/// them out once and the benchmark page can time each phase. A bundle without badges mounts
/// its few widgets one at a time, as they are found, and pays no code for the phases.
/// Nested calls join the outer one.
pub(super) fn batch(f: impl FnOnce()) {
    #[cfg(feature = "badge")]
    {
        if BATCH.with_borrow(Option::is_some) {
            return f();
        }
        BATCH.set(Some(Vec::new()));
        f();
        mount_all(BATCH.take().unwrap_or_default());
    }
    #[cfg(not(feature = "badge"))]
    f()
}

/// Mounts `el`, found in the document, or (inside [`batch`]) adds it to the batch.
/// Elements that cannot be mounted are skipped, as a page's markup never throws.
pub(super) fn found(el: &Element) {
    #[cfg(feature = "badge")]
    {
        let queued = BATCH.with_borrow_mut(|b| b.as_mut().map(|v| v.push(el.clone())));
        if queued.is_some() {
            return;
        }
    }
    let _ = mount(el, None);
}

#[cfg(feature = "badge")]
thread_local! {
    /// The elements found by the current [`batch`], if one runs.
    static BATCH: std::cell::RefCell<Option<Vec<Element>>> = const { std::cell::RefCell::new(None) };
}

/// Mounts a [`batch`]'s elements phase by phase, with User Timing marks ([`trace`]).
#[cfg(feature = "badge")]
fn mount_all(found: Vec<Element>) {
    if found.is_empty() {
        return;
    }
    trace::mark("kredivo:mount-start");
    let lang = options::PageLang::read_once();
    let read: Vec<New> = found
        .iter()
        .filter(|el| registry::claim(el))
        .filter_map(|el| match read(el, None) {
            Ok(Read::New(new)) => Some(new),
            _ => {
                registry::unclaim(el);
                None
            }
        })
        .collect();
    drop(lang);
    trace::measure("kredivo:mount-options", "kredivo:mount-start");
    trace::mark("kredivo:mount-attach-start");
    let attached: Vec<Attached> = read
        .into_iter()
        .filter_map(|n| {
            let el = n.el.clone();
            attach(n).map_err(|_| registry::unclaim(&el)).ok()
        })
        .collect();
    trace::measure("kredivo:mount-attach", "kredivo:mount-attach-start");
    trace::mark("kredivo:mount-render-start");
    for a in attached {
        start(a);
    }
    trace::measure("kredivo:mount-render", "kredivo:mount-render-start");
    trace::measure("kredivo:mount", "kredivo:mount-start");
}

/// What reading an element gave: the widget already on it, or the options of a new one.
// Returned and taken apart at once, never stored: boxing `New` would only add an allocation.
#[allow(clippy::large_enum_variant)]
enum Read {
    Mounted(u32),
    New(New),
}

/// A widget to mount: its element and options.
struct New {
    el: Element,
    js: JsOptions,
    options: Options,
}

/// A widget whose shadow root is ready: its root element is in it, styled.
struct Attached {
    new: New,
    root: HtmlElement,
    link: style::Linked,
    assets: std::sync::Arc<crate::assets::Assets>,
}

fn read(el: &Element, js: Option<JsOptions>) -> Result<Read, MountError> {
    if let Some(id) = id_of(el) {
        if let Some(js) = js {
            update(id, js)?;
        }
        return Ok(Read::Mounted(id));
    }
    let from_js = js.is_some();
    let js = js.unwrap_or_default();
    let options = match options::read(el, &js) {
        Ok(o) => o,
        Err(e) if from_js => return Err(e.into()),
        Err(e) => options::fallback(el, &js, &e),
    };
    if !supports(options.kind) {
        return Err(MountError::NotInBundle(options.kind));
    }
    if registry::held_by_other(el) {
        return Err(MountError::HeldByOther);
    }
    Ok(Read::New(New {
        el: el.clone(),
        js,
        options,
    }))
}

fn attach(new: New) -> Result<Attached, MountError> {
    let document = new.el.owner_document().ok_or(MountError::NoDocument)?;
    let shadow = shadow_root(&new.el)?;
    let root: HtmlElement = document
        .create_element("div")
        .map_err(dom)?
        .unchecked_into();
    root.set_class_name("kc-shell");
    let assets = registry::assets();
    let css = crate::view::stylesheet(new.options.kind);
    let link = style::apply(&document, &shadow, &root, &assets, css).map_err(dom)?;
    shadow.append_child(&root).map_err(dom)?;
    Ok(Attached {
        new,
        root,
        link,
        assets,
    })
}

fn start(a: Attached) -> u32 {
    let New { el, js, options } = a.new;
    let id = registry::next_id();
    let alive = Rc::new(Cell::new(true));
    let emit: Listener = {
        let (el, alive) = (el.clone(), alive.clone());
        Rc::new(move |event| events::dispatch(&el, &alive, event))
    };
    let view = crate::view::mount(a.root.clone(), options, a.assets, emit);
    registry::insert(
        id,
        registry::Mounted {
            el,
            js,
            alive,
            root: a.root.into(),
            link: a.link,
            view,
        },
    );
    id
}

fn shadow_root(el: &Element) -> Result<ShadowRoot, MountError> {
    let shadow = match el.shadow_root() {
        Some(s) => {
            // A previous widget's markup (after destroy, or a page restored from cache) goes;
            // a fresh shadow root has none. (A badge's adopted sheet goes when it is
            // destroyed.)
            s.set_inner_html("");
            s
        }
        None => el
            .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
            .map_err(|_| MountError::CannotHost)?,
    };
    Ok(shadow)
}

fn dom(_: JsValue) -> MountError {
    MountError::Dom
}

/// Merges `js` into a mounted widget's options.
pub fn update(id: u32, js: JsOptions) -> Result<(), MountError> {
    let (el, merged) = registry::with(id, |m| {
        m.js.merge(js);
        (m.el.clone(), m.js.clone())
    })
    .ok_or(MountError::Destroyed)?;
    set_options(id, options::read(&el, &merged)?);
    Ok(())
}

/// Re-reads a host's attributes after they changed.
pub fn refresh(id: u32) {
    let Some((el, js)) = registry::with(id, |m| (m.el.clone(), m.js.clone())) else {
        return;
    };
    let options = options::read(&el, &js).unwrap_or_else(|e| options::fallback(&el, &js, &e));
    set_options(id, options);
}

fn set_options(id: u32, options: Options) {
    // The view is taken out of the registry first: drawing may call back into the registry
    // (a page's event listener that mounts another widget).
    if let Some(view) = registry::with(id, |m| m.view.clone()) {
        view.set_options(options);
    }
}

/// Unmounts a widget: its shadow content goes, its events stop, its requests are dropped.
pub fn destroy(id: u32) {
    let Some(m) = registry::remove(id) else {
        return;
    };
    m.alive.set(false);
    m.root.remove();
    if let Some((link, _)) = &m.link {
        link.remove();
    }
    // Only a bundle with badges adopts a sheet (see `style`).
    #[cfg(feature = "badge")]
    if m.link.is_none() {
        if let Some(shadow) = m.el.shadow_root() {
            shadow.set_adopted_style_sheets(&js_sys::Array::new());
        }
    }
    drop(m);
}
