//! User Timing marks around the widget's phases, for the benchmark page (`www/bench.html`)
//! and a merchant's DevTools: written only when the page sets `window.__kredivoTrace`, so a
//! long-lived page does not fill its performance timeline.
//!
//! Written by bundles with badges only (whose listing the benchmark page times); in the
//! others these do nothing and cost no bytes.
//!
//! A leaf module.

#[cfg(feature = "badge")]
use wasm_bindgen::JsValue;

#[cfg(feature = "badge")]
fn performance() -> Option<web_sys::Performance> {
    let on = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("__kredivoTrace"))
        .is_ok_and(|v| v.is_truthy());
    on.then(|| web_sys::window()?.performance()).flatten()
}

/// `performance.mark(name)`.
pub fn mark(name: &str) {
    #[cfg(feature = "badge")]
    if let Some(p) = performance() {
        let _ = p.mark(name);
    }
    let _ = name;
}

/// `performance.measure(name, start)`: from the mark `start` to now.
pub fn measure(name: &str, start: &str) {
    #[cfg(feature = "badge")]
    if let Some(p) = performance() {
        let _ = p.measure_with_start_mark(name, start);
    }
    let _ = (name, start);
}
