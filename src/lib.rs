//! Kredivo checkout widget and product badges, compiled to WebAssembly.
//!
//! A merchant page includes one script (`kredivo-checkout.js`, the loader in
//! `www/widget/loader.js`); it loads this crate's wasm and calls [`boot`], which mounts a
//! widget on every `[data-kredivo-checkout]` and `[data-kredivo-badge]` element, now and later.
//!
//! | module | role |
//! |---|---|
//! | [`surface`] | the `#[wasm_bindgen]` surface: `boot`, `KredivoCheckout.mount`, `benchPlans` |
//! | [`host`] | shadow roots, the registry of mounted hosts, the `MutationObserver`, DOM events |
//! | [`options`] | `data-*` attributes and JS options → [`options::Options`], in one place |
//! | [`event`], [`assets`] | leaf types the host and the views share: widget events, asset URLs |
//! | [`model`] | plain state rules: offers, failures, request sequencing, idempotency keys |
//! | [`text`] | every sentence in Bahasa Indonesia and English |
//! | [`net`] | `fetch` + `Response.json()` + serde-wasm-bindgen, timeouts via `AbortController` |
//! | [`pricing`] | one pricing table per page for all badges |
//! | [`view`] | the Leptos components |
#![deny(missing_docs)]

pub mod assets;
pub mod event;
pub mod host;
pub mod js;
pub mod model;
pub mod net;
pub mod options;
#[cfg(feature = "badge")]
pub mod pricing;
pub mod surface;
pub mod text;
pub mod view;

#[cfg(feature = "badge")]
pub use surface::bench_plans;
pub use surface::{boot, mount, Handle};
