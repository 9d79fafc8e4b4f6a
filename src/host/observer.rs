//! Following the document: the `MutationObserver` that mounts added hosts, destroys removed
//! ones and re-reads options when a watched attribute (or `<html lang>`) changes.

use std::cell::RefCell;

use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use web_sys::{Element, MutationObserver, MutationObserverInit, MutationRecord};

use super::{batch, destroy, found, refresh, registry, SELECTOR};

type Observer = (MutationObserver, Closure<dyn FnMut(js_sys::Array)>);

thread_local! {
    static OBSERVER: RefCell<Option<Observer>> = const { RefCell::new(None) };
}

/// Starts following the document: added hosts mount, removed ones are destroyed, watched
/// attribute changes update. Idempotent.
pub fn observe() {
    if OBSERVER.with_borrow(Option::is_some) {
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
    let filter: js_sys::Array = crate::options::WATCHED
        .iter()
        .map(|a| JsValue::from(*a))
        .collect();
    init.set_attribute_filter(&filter);
    if observer.observe_with_options(&doc_el, &init).is_ok() {
        OBSERVER.with_borrow_mut(|o| *o = Some((observer, callback)));
    }
}

/// Mounts every matching element under `root` (and `root` itself), in one pass.
pub fn scan(root: &Element) {
    batch(|| {
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
    });
}

/// Mounts an element found in the document. When the other bundle still holds it (an
/// element that just changed kind, whose old bundle lets go of it in its own observer
/// callback for the same mutations, which may run after ours), looks again once both
/// callbacks have run.
fn auto_mount(el: &Element) {
    if !registry::held_by_other(el) {
        found(el);
        return;
    }
    let el = el.clone();
    let again = Closure::once_into_js(move || {
        let still_ours = el.is_connected() && el.matches(SELECTOR).unwrap_or(false);
        if still_ours && registry::id_of(&el).is_none() && !registry::held_by_other(&el) {
            let _ = super::mount(&el, None);
        }
    });
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(again.unchecked_ref(), 0);
    }
}

fn on_mutations(records: js_sys::Array) {
    let mut removed = false;
    let mut lang_changed = false;
    // Every host these mutations added is mounted when the loop ends, in one pass.
    batch(|| {
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
                match registry::id_of(&el) {
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
    });
    if removed {
        // A moved host is still connected and stays mounted.
        for id in registry::ids_where(|el| !el.is_connected()) {
            destroy(id);
        }
    }
    if lang_changed {
        for id in registry::ids_where(|_| true) {
            refresh(id);
        }
    }
}
