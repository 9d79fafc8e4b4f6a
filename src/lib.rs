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
//! | [`model`] | plain state rules: the checkout's state machine, offers, failures, requests |
//! | [`text`] | every sentence in Bahasa Indonesia and English |
//! | [`net`] | `fetch`, request bodies and answers, timeouts via `AbortController` |
//! | [`pricing`] | one pricing table per page for all badges |
//! | [`view`] | the Leptos components: they render `model`'s state and wire events |
//! | [`event`], [`assets`], [`js`] | leaf modules: widget events, asset URLs, reading JS objects |
//!
//! Imports go one way: `surface` → `host` → `view` → `model` → `options`, `text`; the leaf
//! modules are imported by any of them and import none.
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
pub mod trace;
pub mod view;

#[cfg(feature = "badge")]
pub use surface::bench_plans;
pub use surface::{boot, mount, Handle};
