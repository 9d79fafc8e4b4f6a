//! Widget events as DOM `CustomEvent`s on the host element: they bubble, cross the shadow
//! boundary (`composed`), and `kredivo:redirect` can be cancelled.

use std::cell::Cell;

use wasm_bindgen::JsValue;
use web_sys::Element;

use crate::event::WidgetEvent;

/// Dispatches `event` on `el`; `false` when the page called `preventDefault()` or the widget
/// was destroyed (`alive` is cleared then, so a late answer reaches no listener).
pub(super) fn dispatch(el: &Element, alive: &Cell<bool>, event: &WidgetEvent) -> bool {
    if !alive.get() {
        return false;
    }
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_cancelable(matches!(event, WidgetEvent::Redirect(_)));
    init.set_detail(&detail(event));
    match web_sys::CustomEvent::new_with_event_init_dict(event.name(), &init) {
        Ok(e) => el.dispatch_event(&e).unwrap_or(true),
        Err(_) => true,
    }
}

/// The event's `detail` object, with the camelCase keys `www/README.md` documents.
fn detail(event: &WidgetEvent) -> JsValue {
    let o = js_sys::Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = js_sys::Reflect::set(&o, &k.into(), &v);
    };
    match event {
        WidgetEvent::Ready {
            amount,
            payment_types,
        } => {
            set("amount", amount.into());
            let list: js_sys::Array = payment_types
                .iter()
                .map(|p| JsValue::from(p.as_str()))
                .collect();
            set("paymentTypes", list.into());
        }
        WidgetEvent::Select(p) => set("paymentType", p.into()),
        WidgetEvent::Redirect(url) => set("url", url.into()),
        WidgetEvent::Error { code, message } => {
            set("code", code.into());
            set("message", message.into());
        }
        WidgetEvent::Complete { order_id, status } => {
            set("orderId", order_id.into());
            set("status", status.into());
        }
    }
    o.into()
}
