//! Leptos components. They wire signals to markup; the rules live in `model`, `options`,
//! `text` and `kredivo_plan`.

mod badge;
mod checkout;

use std::sync::Arc;

use leptos::prelude::*;

use crate::host::{Assets, Emit};
use crate::options::{Kind, Options};

pub use badge::Badge;
pub use checkout::Checkout;

/// The view mounted in a host's shadow root: a themed wrapper around the checkout widget or
/// the badge (the kind is fixed when the host mounts).
pub fn root(options: Signal<Options>, assets: Arc<Assets>, emit: Emit) -> AnyView {
    let kind = options.with_untracked(|o| o.kind);
    let theme = move || options.with(|o| o.theme.as_str());
    let lang = move || options.with(|o| o.locale.as_tag());
    let inner = match kind {
        Kind::Checkout => {
            view! { <Checkout options=options assets=assets on_event=emit /> }.into_any()
        }
        Kind::Badge => view! { <Badge options=options assets=assets on_event=emit /> }.into_any(),
    };
    view! { <div class="kc" data-theme=theme lang=lang>{inner}</div> }.into_any()
}
