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
            set("paymentTypes", array(payment_types));
        }
        WidgetEvent::Select(p) => set("paymentType", p.into()),
        WidgetEvent::Redirect(url) => set("url", url.into()),
        WidgetEvent::Error {
            code,
            message,
            details,
        } => {
            set("code", code.into());
            set("message", message.into());
            set("details", array(details));
        }
        WidgetEvent::Complete { order_id, status } => {
            set("orderId", order_id.into());
            set("status", status.into());
        }
    }
    o.into()
}

fn array(items: &[String]) -> JsValue {
    let list: js_sys::Array = items.iter().map(|s| JsValue::from(s.as_str())).collect();
    list.into()
}
