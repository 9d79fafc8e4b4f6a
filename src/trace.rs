//! User Timing marks around the badges' phases, for the benchmark page (`www/bench.html`)
//! and a merchant's DevTools: written only when the page sets `window.__kredivoTrace`, so a
//! long-lived page does not fill its performance timeline. Bundles with badges only.
//!
//! A leaf module.

use wasm_bindgen::JsValue;

fn performance() -> Option<web_sys::Performance> {
    let on = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("__kredivoTrace"))
        .is_ok_and(|v| v.is_truthy());
    on.then(|| web_sys::window()?.performance()).flatten()
}

/// `performance.mark(name)`.
pub fn mark(name: &str) {
    if let Some(p) = performance() {
        let _ = p.mark(name);
    }
}

/// `performance.measure(name, start)`: from the mark `start` to now.
pub fn measure(name: &str, start: &str) {
    if let Some(p) = performance() {
        let _ = p.measure_with_start_mark(name, start);
    }
}
