//! The views mounted in a host's shadow root. The checkout widget and the QR screen are
//! Leptos components that wire signals to markup; the badge is drawn with web-sys alone (its
//! text changes only when its options do, so it needs no reactive graph, and the badge
//! bundle links no Leptos). The rules live in `model`, `options`, `text` and `kredivo_plan`.
//!
//! The host drives every view through [`Widget`] and never knows which kind it is.

#[cfg(feature = "badge")]
mod badge;
#[cfg(feature = "checkout")]
mod checkout;
#[cfg(feature = "qr")]
mod qr;

use std::rc::Rc;
use std::sync::Arc;

use web_sys::HtmlElement;

use crate::assets::Assets;
use crate::event::Listener;
use crate::options::{Kind, Options};

#[cfg(feature = "badge")]
pub use badge::Badge;
#[cfg(feature = "checkout")]
pub use checkout::Checkout;
#[cfg(feature = "qr")]
pub use qr::Qr;

/// A mounted view, as the host drives it. Dropping it unmounts the view.
pub trait Widget {
    /// Shows new options (the view ignores options equal to the ones it shows).
    fn set_options(&self, options: Options);
}

/// Mounts the view of `options.kind` in `root` (a `.kc-shell` in the host's shadow root).
/// `emit` sends the view's events to the page.
pub fn mount(
    root: HtmlElement,
    options: Options,
    assets: Arc<Assets>,
    emit: Listener,
) -> Rc<dyn Widget> {
    #[cfg(feature = "badge")]
    if options.kind == Kind::Badge {
        return Rc::new(Badge::mount(root, options, assets, emit));
    }
    #[cfg(any(feature = "checkout", feature = "qr"))]
    {
        reactive::mount(root, options, assets, emit)
    }
    // A badge-only build mounts badges only (`host::mount` refuses other kinds).
    #[cfg(not(any(feature = "checkout", feature = "qr")))]
    {
        Rc::new(Badge::mount(root, options, assets, emit))
    }
}

/// The CSS a kind's shadow roots adopt as one constructed stylesheet, compiled into the
/// bundle (the badge's: `build.rs`); `None` for kinds that link the bundle's stylesheet file.
pub fn stylesheet(kind: Kind) -> Option<&'static str> {
    match kind {
        #[cfg(feature = "badge")]
        Kind::Badge => Some(badge::CSS),
        _ => None,
    }
}

/// The Leptos views: the checkout widget and the QR screen.
#[cfg(any(feature = "checkout", feature = "qr"))]
mod reactive {
    use std::rc::Rc;
    use std::sync::Arc;

    use leptos::prelude::*;
    use web_sys::HtmlElement;

    use super::Widget;
    use crate::assets::Assets;
    use crate::event::{Emit, Listener};
    use crate::options::{Kind, Options};

    /// A Leptos view and the signal of its options.
    struct Reactive {
        options: ArcRwSignal<Options>,
        // Dropping it unmounts the view.
        _view: Box<dyn std::any::Any>,
    }

    impl Widget for Reactive {
        fn set_options(&self, options: Options) {
            if self.options.with_untracked(|o| o != &options) {
                self.options.set(options);
            }
        }
    }

    pub(super) fn mount(
        root: HtmlElement,
        options: Options,
        assets: Arc<Assets>,
        emit: Listener,
    ) -> Rc<dyn Widget> {
        let signal = ArcRwSignal::new(options);
        let view = {
            let signal = signal.clone();
            leptos::mount::mount_to(root, move || {
                root_view(Signal::from(signal), assets, Emit::new(emit))
            })
        };
        Rc::new(Reactive {
            options: signal,
            _view: Box::new(view),
        })
    }

    /// The view mounted in a host's shadow root: a themed wrapper around the checkout
    /// widget or the QR screen (the kind is fixed when the host mounts).
    fn root_view(options: Signal<Options>, assets: Arc<Assets>, emit: Emit) -> AnyView {
        let kind = options.with_untracked(|o| o.kind);
        let theme = move || options.with(|o| o.theme.as_str());
        let lang = move || options.with(|o| o.locale.as_tag());
        // `host::mount` refuses kinds this build leaves out, so the fallback arm never renders.
        let inner = match kind {
            #[cfg(feature = "checkout")]
            Kind::Checkout => {
                view! { <super::Checkout options=options assets=assets on_event=emit /> }.into_any()
            }
            #[cfg(feature = "qr")]
            Kind::Qr => {
                view! { <super::Qr options=options assets=assets on_event=emit /> }.into_any()
            }
            #[allow(unreachable_patterns)]
            _ => {
                let _ = (assets, emit);
                ().into_any()
            }
        };
        view! { <div class="kc" data-theme=theme lang=lang>{inner}</div> }.into_any()
    }
}
