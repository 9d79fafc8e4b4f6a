//! The widget's HTTP: `window.fetch`, the browser's JSON parser and serde-wasm-bindgen.
//!
//! No JSON parser is compiled into the wasm: answers are parsed by `Response.json()` and
//! mapped to the `kredivo_api` types by serde-wasm-bindgen; requests are built as JS objects
//! by [`body`] and written by `JSON.stringify`. Every `JsValue` error becomes a [`Failure`]
//! here, at the boundary.

mod answer;
pub mod body;

pub use answer::Answer;

use js_sys::{Promise, JSON};
use kredivo_api::ErrorCode;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Request, RequestInit, Response};

use crate::model::{Failure, TIMEOUT_MS};

thread_local! {
    static TIMEOUT: std::cell::Cell<i32> = const { std::cell::Cell::new(TIMEOUT_MS) };
    static PREFETCHED: std::cell::RefCell<Option<js_sys::Function>> =
        const { std::cell::RefCell::new(None) };
}

/// Sets the loader's `prefetched(url, body, signal)`: the loader starts the first
/// payment-types request of each checkout already in the page while this bundle downloads and
/// compiles, and hands its `Promise<Response>` over once, to the first request with exactly
/// the same URL and body (else `undefined`). `signal` aborting aborts it, as it would our own
/// fetch. The loader builds only the simplest bodies; whatever it cannot match or gets wrong
/// is fetched here as before, so the worst a mismatch costs is the time it would have saved.
pub fn set_prefetched(take: Option<js_sys::Function>) {
    PREFETCHED.with(|p| *p.borrow_mut() = take);
}

/// The loader's answer for `url` and `body`, if it started that very request.
fn prefetched(url: &str, body: &JsValue, abort: &Abort) -> Option<Promise> {
    PREFETCHED.with(|p| {
        let take = p.borrow();
        let answer = take.as_ref()?.call3(
            &JsValue::NULL,
            &JsValue::from_str(url),
            body,
            &abort.0.signal(),
        );
        // `undefined` when the loader did not start this request, else its `Promise`.
        answer
            .ok()
            .filter(|a| !a.is_undefined())
            .map(JsCast::unchecked_into)
    })
}

/// Sets how long one request may take before it is aborted (default
/// [`TIMEOUT_MS`]); tests shorten it to prove the timeout path.
pub fn set_request_timeout(ms: i32) {
    TIMEOUT.with(|t| t.set(ms));
}

/// `{proxy}/api/kredivo/v1{path}`; an empty proxy means the page's own origin.
pub fn api_url(proxy: &str, path: &str) -> String {
    format!("{proxy}{}{path}", kredivo_api::API_PREFIX)
}

/// A request that can be cancelled: dropping the answer of a superseded request early.
#[derive(Clone)]
pub struct Abort(AbortController);

impl Abort {
    /// A fresh controller.
    pub fn new() -> Option<Abort> {
        AbortController::new().ok().map(Abort)
    }

    /// Cancels the request (its future resolves to [`Failure::Timeout`] or is ignored).
    pub fn abort(&self) {
        self.0.abort();
    }
}

/// `GET` a JSON document.
pub async fn get<T: Answer>(url: &str, abort: Option<&Abort>) -> Result<T, Failure> {
    let v = send(url, "GET", None, abort).await?;
    T::read(v).ok_or(Failure::BadResponse)
}

/// `POST` a body built by [`body`] as JSON, read a JSON answer.
pub async fn post<T: Answer>(
    url: &str,
    body: &JsValue,
    abort: Option<&Abort>,
) -> Result<T, Failure> {
    let body = JSON::stringify(body).map_err(|_| Failure::InvalidOptions)?;
    let v = send(url, "POST", Some(body.into()), abort).await?;
    T::read(v).ok_or(Failure::BadResponse)
}

async fn send(
    url: &str,
    method: &str,
    body: Option<JsValue>,
    abort: Option<&Abort>,
) -> Result<JsValue, Failure> {
    let window = web_sys::window().ok_or(Failure::Network)?;
    let own;
    let controller = match abort {
        Some(a) => a,
        None => {
            own = Abort::new().ok_or(Failure::Network)?;
            &own
        }
    };
    // Only the checkout bundle is handed requests the loader started.
    let started = body
        .as_ref()
        .filter(|_| cfg!(feature = "checkout"))
        .and_then(|b| prefetched(url, b, controller));
    let response = match started {
        Some(started) => started,
        None => {
            let init = RequestInit::new();
            init.set_method(method);
            init.set_signal(Some(&controller.0.signal()));
            let headers = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&headers, &"Accept".into(), &"application/json".into());
            if let Some(b) = &body {
                let _ = js_sys::Reflect::set(
                    &headers,
                    &"Content-Type".into(),
                    &"application/json".into(),
                );
                init.set_body(b);
            }
            init.set_headers(&headers);
            let request =
                Request::new_with_str_and_init(url, &init).map_err(|_| Failure::Network)?;
            window.fetch_with_request(&request)
        }
    };

    // The timeout aborts the request; `timed_out` tells a timeout from a superseded request.
    let timed_out = std::rc::Rc::new(std::cell::Cell::new(false));
    let timer = {
        let (flag, c) = (timed_out.clone(), controller.clone());
        let cb = wasm_bindgen::closure::Closure::once_into_js(move || {
            flag.set(true);
            c.abort();
        });
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                cb.unchecked_ref(),
                TIMEOUT.with(|t| t.get()),
            )
            .ok()
    };
    let result = fetch_json(response).await;
    if let Some(t) = timer {
        window.clear_timeout_with_handle(t);
    }
    match result {
        Err(Failure::Network) if timed_out.get() => Err(Failure::Timeout),
        other => other,
    }
}

async fn fetch_json(response: Promise) -> Result<JsValue, Failure> {
    let response: Response = JsFuture::from(response)
        .await
        .map_err(|_| Failure::Network)?
        .dyn_into()
        .map_err(|_| Failure::Network)?;
    let body = match response.json() {
        Ok(p) => JsFuture::from(p).await.ok(),
        Err(_) => None,
    };
    if response.ok() {
        return body.ok_or(Failure::BadResponse);
    }
    let error = body.and_then(|b| {
        let (code, details) = answer::error_code(&b)?;
        // A refused request's field paths (`customer.email: …`) are for the merchant, who
        // reads the console: the answer goes there whole. The shopper reads the widget.
        if details {
            web_sys::console::warn_2(&"Kredivo widget: the proxy refused the request".into(), &b);
        }
        Some(code)
    });
    Err(match error {
        Some(code) => Failure::from_api_code(&code),
        None if response.status() == 422 => Failure::Api(ErrorCode::IneligibleAmount),
        None if response.status() >= 500 => Failure::Api(ErrorCode::UpstreamUnavailable),
        None => Failure::Api(ErrorCode::Internal),
    })
}

/// Resolves after `ms` milliseconds (for polling).
pub async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// 16 bytes from `crypto.getRandomValues`.
pub fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    bytes
}

#[cfg(test)]
mod tests {
    #[test]
    fn api_urls_join_the_proxy_and_the_versioned_prefix() {
        assert_eq!(super::api_url("", "/pricing"), "/api/kredivo/v1/pricing");
        assert_eq!(
            super::api_url("https://shop.example", "/orders/o-1"),
            "https://shop.example/api/kredivo/v1/orders/o-1"
        );
    }
}
