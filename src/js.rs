//! Reading plain JS objects property by property: the boundaries that turn the page's
//! options, the loader's asset URLs and the proxy's small answers into Rust values use these
//! instead of serde-wasm-bindgen where its generated code would cost more than the reading.
//!
//! A leaf module.

use wasm_bindgen::JsValue;

/// Property `name` of `object`, unless it is `undefined` or `null`.
pub fn property(object: &JsValue, name: &str) -> Option<JsValue> {
    js_sys::Reflect::get(object, &JsValue::from_str(name))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

/// Property `name` of `object` as a string; `None` when absent or not a string.
pub fn text(object: &JsValue, name: &str) -> Option<String> {
    property(object, name)?.as_string()
}
