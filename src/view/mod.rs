//! Leptos components. They wire signals to markup; the rules live in `model`, `options`,
//! `text` and `kredivo_plan`.

#[cfg(feature = "badge")]
mod badge;
#[cfg(feature = "checkout")]
mod checkout;
#[cfg(feature = "qr")]
mod qr;

use std::sync::Arc;

use leptos::prelude::*;

use crate::assets::Assets;
use crate::event::Emit;
use crate::options::{Kind, Options};

#[cfg(feature = "badge")]
pub use badge::Badge;
#[cfg(feature = "checkout")]
pub use checkout::Checkout;
#[cfg(feature = "qr")]
pub use qr::Qr;

/// The view mounted in a host's shadow root: a themed wrapper around the checkout widget, the
/// badge or the QR screen (the kind is fixed when the host mounts).
pub fn root(options: Signal<Options>, assets: Arc<Assets>, emit: Emit) -> AnyView {
    let kind = options.with_untracked(|o| o.kind);
    let theme = move || options.with(|o| o.theme.as_str());
    let lang = move || options.with(|o| o.locale.as_tag());
    // `host::mount` refuses kinds this build leaves out, so the fallback arm never renders.
    let inner = match kind {
        #[cfg(feature = "checkout")]
        Kind::Checkout => {
            view! { <Checkout options=options assets=assets on_event=emit /> }.into_any()
        }
        #[cfg(feature = "badge")]
        Kind::Badge => view! { <Badge options=options assets=assets on_event=emit /> }.into_any(),
        #[cfg(feature = "qr")]
        Kind::Qr => view! { <Qr options=options assets=assets on_event=emit /> }.into_any(),
        #[allow(unreachable_patterns)]
        _ => {
            let _ = (assets, emit);
            ().into_any()
        }
    };
    view! { <div class="kc" data-theme=theme lang=lang>{inner}</div> }.into_any()
}
