//! Kredivo checkout widget and product badges, compiled to WebAssembly.
//!
//! A merchant page includes one script (`kredivo-checkout.js`, the loader in
//! `www/widget/loader.js`); it loads this crate's wasm and calls [`boot`], which mounts a
//! widget on every `[data-kredivo-checkout]` and `[data-kredivo-badge]` element, now and later.
//!
//! | module | role |
//! |---|---|
//! | [`surface`] | the `#[wasm_bindgen]` surface: `boot`, `KredivoCheckout.mount`, `benchPlans` |
//! | [`host`] | shadow roots and their styles, the registry of mounted hosts, the `MutationObserver`, DOM events |
//! | [`options`] | `data-*` attributes and JS options → [`options::Options`], in one place |
//! | [`model`] | plain state rules: the checkout's state machine, offers, failures, requests |
//! | [`text`] | every sentence in Bahasa Indonesia and English |
//! | [`net`] | `fetch`, request bodies and answers, timeouts via `AbortController` |
//! | [`pricing`] | one pricing table per page for all badges, and the badges waiting for it |
//! | [`view`] | the views: the checkout and the QR screen as Leptos components, the badge drawn with web-sys |
//! | [`event`], [`assets`], [`js`], `trace` | leaf modules: widget events, asset URLs, reading JS objects, User Timing marks (bundles with badges) |
//!
//! Imports go one way: `surface` → `host` → `view` → `model`, `pricing` → `net`, `options`,
//! `text`; the leaf modules are imported by any of them and import none. `host` drives every
//! view through [`view::Widget`] and knows nothing of Leptos, which only `view`'s checkout
//! and QR screen use: the badge bundle (`--features badge`) links no Leptos at all.
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
#[cfg(feature = "badge")]
pub mod trace;
pub mod view;

#[cfg(feature = "badge")]
pub use surface::bench_plans;
pub use surface::{boot, mount, Handle};

// The allocator: talc (a small, fast allocator made for wasm) instead of std's dlmalloc, whose
// 7,000 raw bytes were 3 % of the checkout wasm: 251 bytes brotli less on the checkout page,
// 1.9 KB on the listing page. Single-threaded wasm only, as all of ours is.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
