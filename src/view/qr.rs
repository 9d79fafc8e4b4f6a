//! The shop counter's QR screen: the code large and crisp, the amount, a countdown to its
//! expiry, and how it ended (paid, expired, cancelled) in the shopper's language; the cashier
//! can cancel.
//!
//! The rules (the answer, the clock, when to ask) live in [`crate::model::qr`]; this
//! component asks the proxy, runs a one-second clock and renders.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::assets::Assets;
use crate::event::{Emit, WidgetEvent};
use crate::model::qr::{self, QrScreen};
use crate::model::Failure;
use crate::net;
use crate::options::Options;
use crate::text;

/// What the screen shows apart from the countdown; a poll that changes none of it renders
/// nothing (the code's image is never reloaded while it is showing).
#[derive(Clone, PartialEq)]
enum Shown {
    Loading,
    Failed(&'static str),
    Code(kredivo_plan::Money, String),
    Done(kredivo_api::OrderStatus, kredivo_plan::Money),
}

/// The QR screen for `data-kredivo-qr` (the `qr_id` the shop's server got from the proxy).
#[component]
pub fn Qr(
    /// The host's resolved options: the QR handle, proxy, locale and theme.
    #[prop(into)]
    options: Signal<Options>,
    /// Logo URLs.
    assets: Arc<Assets>,
    /// Receives `complete` when the order ends and `error` when the screen cannot load.
    on_event: Emit,
) -> impl IntoView {
    let screen = RwSignal::new(None::<Result<QrScreen, Failure>>);
    let left = RwSignal::new(0u32);
    let cancelling = RwSignal::new(false);
    // One question at a time; the clock skips a tick's question while one is out.
    let asking = Rc::new(Cell::new(false));
    let locale = move || options.with(|o| o.locale);

    let url = move |tail: &str| {
        options.with_untracked(|o| {
            let path = format!("/qr/{}{tail}", js_sys::encode_uri_component(&o.qr));
            net::api_url(&o.proxy, &path)
        })
    };
    let apply = move |answer: Result<QrScreen, Failure>| {
        let was_final = screen.with_untracked(|s| matches!(s, Some(Ok(s)) if s.is_final()));
        match answer {
            Ok(s) => {
                if s.is_final() && !was_final {
                    on_event.fire(WidgetEvent::Complete {
                        order_id: s.order_id.clone(),
                        status: s.status.as_str().to_owned(),
                    });
                }
                left.set(s.seconds_left);
                screen.set(Some(Ok(s)));
            }
            // A code on screen stays there through a failed poll; the next tick asks again.
            Err(_) if screen.with_untracked(|s| matches!(s, Some(Ok(_)))) => {}
            Err(f) => {
                on_event.fire(WidgetEvent::Error {
                    code: f.code().to_owned(),
                    message: text::error(f.code(), locale()).to_owned(),
                });
                screen.set(Some(Err(f)));
            }
        }
    };
    let ask = {
        let asking = asking.clone();
        move || {
            if asking.replace(true) {
                return;
            }
            let asking = asking.clone();
            let url = url("");
            leptos::task::spawn_local(async move {
                let answer = net::get::<QrScreen>(&url, None).await;
                asking.set(false);
                apply(answer);
            });
        }
    };

    // A new handle (or proxy) starts over.
    Effect::new({
        let ask = ask.clone();
        move |_| {
            options.with(|o| (o.qr.clone(), o.proxy.clone()));
            screen.set(None);
            ask();
        }
    });

    let ticks = Cell::new(0u32);
    let clock = set_interval_with_handle(
        move || {
            let open = screen.with_untracked(|s| match s {
                Some(Ok(s)) => !s.is_final(),
                Some(Err(f)) => f.can_retry(),
                None => false,
            });
            if !open {
                return;
            }
            ticks.set(ticks.get() + 1);
            let (now, ask_now) = qr::tick(left.get_untracked(), ticks.get());
            left.set(now);
            if ask_now {
                ask();
            }
        },
        Duration::from_secs(1),
    )
    .ok();
    on_cleanup(move || {
        if let Some(c) = clock {
            c.clear();
        }
    });

    let cancel = move |_| {
        cancelling.set(true);
        let url = url("/cancel");
        leptos::task::spawn_local(async move {
            let body = JsValue::from(js_sys::Object::new());
            let answer = net::post::<QrScreen>(&url, &body, None).await;
            cancelling.set(false);
            // Whatever the answer, the order's own state is what the screen shows next.
            if let Ok(s) = answer {
                apply(Ok(s));
            }
        });
    };

    let shown = Memo::new(move |_| {
        screen.with(|s| match s {
            None => Shown::Loading,
            Some(Err(f)) => Shown::Failed(f.code()),
            Some(Ok(s)) if s.is_final() => Shown::Done(s.status, s.amount),
            Some(Ok(s)) => Shown::Code(s.amount, s.image.clone()),
        })
    });
    let status = move || match shown.get() {
        Shown::Loading => "loading",
        Shown::Failed(_) => "failed",
        Shown::Code(..) => "pending",
        Shown::Done(st, _) => st.as_str(),
    };
    let logo = assets.logo_blue.clone();
    let body = move || {
        let l = locale();
        let s = text::qr_strings(l);
        match shown.get() {
            Shown::Loading => view! {
                <div class="kq-wait" role="status">
                    <span class="kc-sr">{s.loading}</span>
                </div>
            }
            .into_any(),
            Shown::Failed(code) => view! {
                <div class="kc-error" role="alert" data-code=code>
                    <p>{text::error(code, l)}</p>
                </div>
            }
            .into_any(),
            Shown::Done(st, amount) => view! {
                <p class="kq-amount">{text::money(amount, l)}</p>
                <p class="kq-done" role="status">{text::order_done(st, l)}</p>
            }
            .into_any(),
            Shown::Code(amount, image) => view! {
                <p class="kq-amount">{text::money(amount, l)}</p>
                <img class="kq-code" src=image alt=s.code width="288" height="288" />
                <p class="kq-scan">{s.scan}</p>
                <p class="kq-time" role="timer">
                    {s.time_left} " " <b class="kq-left">{move || qr::countdown(left.get())}</b>
                </p>
                <button
                    type="button"
                    class="kq-cancel"
                    disabled=move || cancelling.get()
                    on:click=cancel
                >
                    {s.cancel}
                </button>
            }
            .into_any(),
        }
    };
    view! {
        <div class="kq" data-status=status>
            <p class="kq-title">
                {move || text::qr_strings(locale()).title}
                <img class="kq-logo" src=logo alt="Kredivo" width="99" height="24" />
            </p>
            {body}
        </div>
    }
}
