//! Mounting: one shadow root per host element, and the widget's life in it.
//!
//! | module | job |
//! |---|---|
//! | this one | mount, update, refresh and destroy one widget; [`MountError`] |
//! | `registry` | which element hosts which widget; the asset URLs |
//! | `observer` | the `MutationObserver` that follows single-page apps |
//! | `events` | widget events as DOM `CustomEvent`s |
//!
//! Options are read by [`crate::options`]; the views by [`crate::view`]. This module imports
//! both, and neither imports it.

mod events;
mod observer;
mod registry;

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use web_sys::{Element, HtmlElement, ShadowRoot};

use crate::event::Emit;
use crate::options::{self, JsOptions, Kind, OptionError};

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
    if let Some(id) = id_of(el) {
        if let Some(js) = js {
            update(id, js)?;
        }
        return Ok(id);
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
    let document = el.owner_document().ok_or(MountError::NoDocument)?;
    let shadow = shadow_root(el)?;
    let assets = registry::assets();

    let link = document.create_element("link").map_err(dom)?;
    let _ = link.set_attribute("rel", "stylesheet");
    let _ = link.set_attribute("href", &assets.css);
    if !assets.nonce.is_empty() {
        // Sets the element's nonce too: pages whose policy allows styles by nonce only.
        let _ = link.set_attribute("nonce", &assets.nonce);
    }
    let root: HtmlElement = document
        .create_element("div")
        .map_err(dom)?
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
    shadow.append_child(&link).map_err(dom)?;
    shadow.append_child(&root).map_err(dom)?;
    let nodes: [Element; 2] = [link.clone().into(), root.clone().into()];

    let id = registry::next_id();
    let alive = Rc::new(Cell::new(true));
    let signal = ArcRwSignal::new(options);
    let view = {
        let (el, alive, signal) = (el.clone(), alive.clone(), signal.clone());
        leptos::mount::mount_to(root, move || {
            let emit = Emit::new(move |event| events::dispatch(&el, &alive, event));
            crate::view::root(Signal::from(signal), assets, emit)
        })
    };
    registry::insert(
        id,
        registry::Mounted {
            el: el.clone(),
            js,
            options: signal,
            alive,
            nodes,
            _view: Box::new(view),
            _on_css: on_css,
        },
    );
    Ok(id)
}

fn shadow_root(el: &Element) -> Result<ShadowRoot, MountError> {
    let shadow = match el.shadow_root() {
        Some(s) => s,
        None => el
            .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
            .map_err(|_| MountError::CannotHost)?,
    };
    // A previous widget's markup (after destroy, or a page restored from cache) goes.
    shadow.set_inner_html("");
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

fn set_options(id: u32, options: options::Options) {
    // Taken out of the registry first: setting the signal runs effects, which may call back
    // into the registry (an event listener that mounts another widget).
    if let Some(s) = registry::with(id, |m| m.options.clone()) {
        if s.with_untracked(|o| o != &options) {
            s.set(options);
        }
    }
}

/// Unmounts a widget: its shadow content goes, its events stop, its requests are dropped.
pub fn destroy(id: u32) {
    let Some(m) = registry::remove(id) else {
        return;
    };
    m.alive.set(false);
    for node in &m.nodes {
        node.remove();
    }
    drop(m);
}
