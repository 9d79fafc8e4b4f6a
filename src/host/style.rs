//! Styling a shadow root: the bundle's one constructed stylesheet, adopted by every shadow
//! root of a kind that compiles its CSS in (badges), or a `<link>` to the bundle's stylesheet
//! file (the checkout and the QR screen, and badges where the browser cannot construct
//! stylesheets).
//!
//! Both work under strict policies: a constructed sheet is no inline `<style>`, so
//! `style-src 'self'` and nonce-only policies allow it (and it needs no request); the link
//! is same-origin with the loader and carries the page's nonce.

use std::cell::OnceCell;

use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{CssStyleSheet, Document, Element, HtmlElement, ShadowRoot};

use crate::assets::Assets;

thread_local! {
    /// Built on first use, once per page; `None` where `new CSSStyleSheet()` throws
    /// (Safari before 16.4).
    static SHEET: OnceCell<Option<CssStyleSheet>> = const { OnceCell::new() };
}

/// How a widget was styled: nothing to undo for an adopted sheet; a link to remove (and its
/// listener to keep alive) otherwise.
pub(super) type Linked = Option<(Element, Closure<dyn FnMut()>)>;

/// Styles `shadow`: adopts the shared sheet built from `css` when given and possible, else
/// links `assets.css` and keeps `root` hidden until it loads, so that shoppers never see
/// unstyled markup.
pub(super) fn apply(
    document: &Document,
    shadow: &ShadowRoot,
    root: &HtmlElement,
    assets: &Assets,
    css: Option<&'static str>,
) -> Result<Linked, wasm_bindgen::JsValue> {
    if let Some(sheet) = css.and_then(shared) {
        shadow.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
        return Ok(None);
    }
    let link: web_sys::HtmlLinkElement = document.create_element("link")?.unchecked_into();
    let _ = link.set_attribute("rel", "stylesheet");
    let _ = link.set_attribute("href", &assets.css);
    if !assets.nonce.is_empty() {
        // Sets the element's nonce too: pages whose policy allows styles by nonce only.
        let _ = link.set_attribute("nonce", &assets.nonce);
    }
    root.set_hidden(true);
    let on_css = {
        let root = root.clone();
        Closure::<dyn FnMut()>::new(move || root.set_hidden(false))
    };
    link.set_onload(Some(on_css.as_ref().unchecked_ref()));
    link.set_onerror(Some(on_css.as_ref().unchecked_ref()));
    shadow.append_child(&link)?;
    Ok(Some((link.into(), on_css)))
}

/// The page's one constructed sheet of `css` (a bundle compiles in at most one).
fn shared(css: &'static str) -> Option<CssStyleSheet> {
    SHEET.with(|s| {
        s.get_or_init(|| {
            let sheet = CssStyleSheet::new().ok()?;
            sheet.replace_sync(css).ok()?;
            Some(sheet)
        })
        .clone()
    })
}
