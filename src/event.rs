//! What a widget tells its host page, as plain data, and the handle it tells it through.
//!
//! A leaf module: the views and the model produce [`WidgetEvent`]s, `host::events` turns them
//! into DOM `CustomEvent`s; neither side imports the other for it.

use std::rc::Rc;

#[cfg(any(feature = "checkout", feature = "qr"))]
use leptos::prelude::*;

/// What a widget tells its host page; becomes a DOM `CustomEvent` named `kredivo:*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WidgetEvent {
    /// Plans (or the badge text) are on screen.
    Ready {
        /// The priced amount, digits.
        amount: String,
        /// The payment types on offer.
        payment_types: Vec<String>,
    },
    /// The shopper chose a plan.
    Select(String),
    /// About to leave for Kredivo; cancelable with `preventDefault()`.
    Redirect(String),
    /// Something failed; `code` is stable.
    Error {
        /// The stable code.
        code: String,
        /// The message shown to the shopper.
        message: String,
    },
    /// An express checkout reached a final status.
    Complete {
        /// The merchant's order id.
        order_id: String,
        /// `settled`, `denied`, `expired`, `cancelled` or `refunded`.
        status: String,
    },
}

impl WidgetEvent {
    /// The DOM event's type, e.g. `kredivo:ready`.
    pub fn name(&self) -> &'static str {
        match self {
            WidgetEvent::Ready { .. } => "kredivo:ready",
            WidgetEvent::Select(_) => "kredivo:select",
            WidgetEvent::Redirect(_) => "kredivo:redirect",
            WidgetEvent::Error { .. } => "kredivo:error",
            WidgetEvent::Complete { .. } => "kredivo:complete",
        }
    }
}

/// Sends an event to the host page; `false` when the page called `preventDefault()` or the
/// widget is gone. What the host gives every view.
pub type Listener = Rc<dyn Fn(&WidgetEvent) -> bool>;

/// Reports widget events to the host page from a Leptos view: the [`Listener`] in the
/// reactive arena, so that every handler can hold a `Copy` of it.
///
/// The listener is cloned out of the reactive arena before it runs, because a page's event
/// listener may call back into the widget (mount another one, update this one).
#[cfg(any(feature = "checkout", feature = "qr"))]
#[derive(Clone, Copy)]
pub struct Emit(StoredValue<Listener, LocalStorage>);

#[cfg(any(feature = "checkout", feature = "qr"))]
impl Emit {
    /// Wraps a listener (created inside the widget's reactive owner).
    pub fn new(f: Listener) -> Emit {
        Emit(StoredValue::new_local(f))
    }

    /// Sends an event; `false` when the page called `preventDefault()` or the widget is gone.
    pub fn fire(&self, event: WidgetEvent) -> bool {
        self.0.try_get_value().is_some_and(|f| f(&event))
    }
}
