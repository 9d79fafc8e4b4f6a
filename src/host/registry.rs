//! The registry of mounted widgets: which element hosts which widget, what each holds, and
//! the asset URLs every widget links.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use wasm_bindgen::JsValue;
use web_sys::Element;

use crate::assets::Assets;
use crate::options::JsOptions;
use crate::view::Widget;

/// The name of the JS property that marks a mounted host (not an attribute: clones of a
/// mounted element must mount on their own). Each bundle has its own, since the checkout and
/// badge bundles can run side by side on one page, each with its own ids.
#[cfg(feature = "checkout")]
const MARK: &str = "__kredivoCheckoutId";
/// The badge bundle's mark (see the checkout build's `MARK`).
#[cfg(all(feature = "badge", not(feature = "checkout")))]
const MARK: &str = "__kredivoBadgeId";
/// The QR bundle's mark (see the checkout build's `MARK`).
#[cfg(all(feature = "qr", not(feature = "checkout")))]
const MARK: &str = "__kredivoQrId";

/// The marks of the other bundles that may run beside this one; a host one of them holds is
/// not ours to take (`KredivoCheckout.mount(el, {kind})` against the element's own attribute).
#[cfg(all(feature = "checkout", not(feature = "badge")))]
const OTHER_MARKS: &[&str] = &["__kredivoBadgeId", "__kredivoQrId"];
/// See the checkout bundle's `OTHER_MARKS`.
#[cfg(all(feature = "badge", not(feature = "checkout")))]
const OTHER_MARKS: &[&str] = &["__kredivoCheckoutId", "__kredivoQrId"];
/// See the checkout bundle's `OTHER_MARKS`.
#[cfg(all(feature = "qr", not(feature = "checkout")))]
const OTHER_MARKS: &[&str] = &["__kredivoCheckoutId", "__kredivoBadgeId"];
/// One build with every kind has no other bundle beside it.
#[cfg(all(feature = "checkout", feature = "badge"))]
const OTHER_MARKS: &[&str] = &[];

/// One mounted widget.
pub(super) struct Mounted {
    pub(super) el: Element,
    pub(super) js: JsOptions,
    pub(super) alive: Rc<Cell<bool>>,
    /// The view's root this widget put in the shadow root, and its stylesheet link if it has
    /// one; destroying removes exactly these (another bundle may already own the shadow
    /// root's content). Dropping the link's listener with it.
    pub(super) root: Element,
    pub(super) link: super::style::Linked,
    /// Dropping it unmounts the view.
    pub(super) view: Rc<dyn Widget>,
}

#[derive(Default)]
struct Hub {
    assets: Option<Arc<Assets>>,
    next_id: u32,
    live: Live,
}

/// Mounted widgets by id. Ids only grow, so pushing keeps the list sorted and lookups are a
/// binary search; a `Vec` instead of a `HashMap` keeps hashbrown's code out of the wasm.
#[derive(Default)]
struct Live(Vec<(u32, Mounted)>);

impl Live {
    fn find(&self, id: u32) -> Result<usize, usize> {
        self.0.binary_search_by_key(&id, |(k, _)| *k)
    }
    fn get_mut(&mut self, id: u32) -> Option<&mut Mounted> {
        self.find(id).ok().map(|i| &mut self.0[i].1)
    }
}

thread_local! {
    static HUB: RefCell<Hub> = RefCell::new(Hub::default());
}

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

/// The asset URLs (empty ones before `boot`, as in tests that mount without it).
pub(super) fn assets() -> Arc<Assets> {
    HUB.with_borrow(|h| h.assets.clone()).unwrap_or_default()
}

/// A fresh widget id.
pub(super) fn next_id() -> u32 {
    HUB.with_borrow_mut(|h| {
        h.next_id += 1;
        h.next_id
    })
}

/// Records widget `id` and marks its host element with it.
pub(super) fn insert(id: u32, m: Mounted) {
    let _ = js_sys::Reflect::set(&m.el, &MARK.into(), &JsValue::from(id));
    // Ids only grow, so the new one goes last.
    HUB.with_borrow_mut(|h| h.live.0.push((id, m)));
}

/// Claims an unmarked `el` for a widget about to mount in the current pass (its mark holds
/// 0, which is no widget's id); `false` when it is marked already: mounted, or claimed by
/// this pass (an element that one batch of mutations names twice).
#[cfg(feature = "badge")]
pub(super) fn claim(el: &Element) -> bool {
    let marked = js_sys::Reflect::get(el, &MARK.into()).is_ok_and(|v| !v.is_undefined());
    !marked && js_sys::Reflect::set(el, &MARK.into(), &JsValue::from(0)).is_ok()
}

/// Gives up a claim that did not become a widget.
#[cfg(feature = "badge")]
pub(super) fn unclaim(el: &Element) {
    let _ = js_sys::Reflect::delete_property(el, &MARK.into());
}

/// Takes widget `id` out of the registry and unmarks its host.
pub(super) fn remove(id: u32) -> Option<Mounted> {
    let m = HUB.with_borrow_mut(|h| h.live.find(id).ok().map(|i| h.live.0.remove(i).1))?;
    let _ = js_sys::Reflect::delete_property(&m.el, &MARK.into());
    Some(m)
}

/// Runs `f` on widget `id`'s record; `None` when it is not mounted.
///
/// `f` must not call back into the registry or run reactive effects (a page's listener may
/// mount another widget): take what it needs out and act after.
pub(super) fn with<R>(id: u32, f: impl FnOnce(&mut Mounted) -> R) -> Option<R> {
    HUB.with_borrow_mut(|h| h.live.get_mut(id).map(f))
}

/// The ids of every mounted widget whose host passes `keep`.
pub(super) fn ids_where(keep: impl Fn(&Element) -> bool) -> Vec<u32> {
    HUB.with_borrow(|h| {
        h.live
            .0
            .iter()
            .filter(|(_, m)| keep(&m.el))
            .map(|(id, _)| *id)
            .collect()
    })
}

/// The id of the widget mounted on `el`, if any.
pub fn id_of(el: &Element) -> Option<u32> {
    let v = js_sys::Reflect::get(el, &MARK.into()).ok()?.as_f64()?;
    let id = v as u32;
    // The id must be this element's: another bundle's ids, or a stale mark, are not ours.
    HUB.with_borrow(|h| {
        h.live
            .find(id)
            .is_ok_and(|i| h.live.0[i].1.el.is_same_node(Some(el)))
    })
    .then_some(id)
}

/// Whether widget `id` is still mounted.
pub fn is_mounted(id: u32) -> bool {
    HUB.with_borrow(|h| h.live.find(id).is_ok())
}

/// How many widgets are mounted (for tests and the benchmark page).
pub fn mounted_count() -> usize {
    HUB.with_borrow(|h| h.live.0.len())
}

/// Whether another bundle beside this one has a widget on `el`.
pub(super) fn held_by_other(el: &Element) -> bool {
    OTHER_MARKS
        .iter()
        .any(|other| js_sys::Reflect::get(el, &(*other).into()).is_ok_and(|v| v.as_f64().is_some()))
}
