//! Browser test helpers: a scripted `window.fetch`, waiting, and shadow-root queries.
#![allow(dead_code)]

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Promise, Reflect};
use kredivo_api::{PaymentTypesResponse, PlanView};
use rust_decimal::Decimal;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{Element, HtmlElement, Request, Response, ResponseInit, ShadowRoot};

/// What the scripted proxy answers.
pub enum Reply {
    /// A JSON body with a status.
    Json(u16, String),
    /// `fetch` rejects, as when the proxy is down.
    NetworkError,
    /// Answers after a delay (aborting the request rejects it at once).
    Later(i32, Box<Reply>),
}

/// One request the widget made.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub url: String,
    pub body: String,
}

type Handler = Rc<dyn Fn(&Call) -> Reply>;

/// A scripted `window.fetch`; every call is recorded.
#[derive(Clone)]
pub struct FakeFetch {
    calls: Rc<RefCell<Vec<Call>>>,
}

impl FakeFetch {
    /// Replaces `window.fetch` with `handler`.
    pub fn install(handler: impl Fn(&Call) -> Reply + 'static) -> FakeFetch {
        let calls: Rc<RefCell<Vec<Call>>> = Rc::default();
        let handler: Handler = Rc::new(handler);
        let recorded = calls.clone();
        let fetch = Closure::<dyn Fn(Request) -> Promise>::new(move |request: Request| {
            let (handler, recorded) = (handler.clone(), recorded.clone());
            future_to_promise(async move {
                let body = match request.text() {
                    Ok(p) => JsFuture::from(p)
                        .await
                        .ok()
                        .and_then(|v| v.as_string())
                        .unwrap_or_default(),
                    Err(_) => String::new(),
                };
                let call = Call {
                    method: request.method(),
                    url: request.url(),
                    body,
                };
                recorded.borrow_mut().push(call.clone());
                let mut reply = handler(&call);
                loop {
                    match reply {
                        Reply::Later(ms, next) => {
                            let aborted = abortable_sleep(&request, ms).await;
                            if aborted {
                                return Err(JsValue::from_str("AbortError"));
                            }
                            reply = *next;
                        }
                        Reply::NetworkError => {
                            return Err(js_sys::TypeError::new("Failed to fetch").into())
                        }
                        Reply::Json(status, body) => {
                            if request.signal().aborted() {
                                return Err(JsValue::from_str("AbortError"));
                            }
                            let init = ResponseInit::new();
                            init.set_status(status);
                            let headers = js_sys::Object::new();
                            Reflect::set(
                                &headers,
                                &"Content-Type".into(),
                                &"application/json".into(),
                            )?;
                            init.set_headers(&headers);
                            return Response::new_with_opt_str_and_init(Some(&body), &init)
                                .map(JsValue::from);
                        }
                    }
                }
            })
        });
        let window = web_sys::window().unwrap();
        Reflect::set(&window, &"fetch".into(), &fetch.into_js_value()).unwrap();
        FakeFetch { calls }
    }

    pub fn calls(&self) -> Vec<Call> {
        self.calls.borrow().clone()
    }

    pub fn count(&self, path_part: &str) -> usize {
        self.calls
            .borrow()
            .iter()
            .filter(|c| c.url.contains(path_part))
            .count()
    }
}

async fn abortable_sleep(request: &Request, ms: i32) -> bool {
    let signal = request.signal();
    let p = Promise::new(&mut |resolve, _| {
        let w = web_sys::window().unwrap();
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        signal.set_onabort(Some(&resolve));
    });
    let _ = JsFuture::from(p).await;
    request.signal().aborted()
}

/// Starts the widget once per test binary (boot is idempotent anyway).
pub fn boot() {
    kredivo_checkout::surface::boot_with(kredivo_checkout::assets::Assets {
        css: "/kredivo-test.css".into(),
        logo_blue: "/blue.svg".into(),
        logo_white: "/white.svg".into(),
        nonce: "test-nonce".into(),
    })
    .unwrap();
}

pub async fn sleep(ms: i32) {
    kredivo_checkout::net::sleep(ms).await;
}

/// Waits (up to 3 s) until `f` answers `Some`.
pub async fn until<T>(what: &str, f: impl Fn() -> Option<T>) -> T {
    for _ in 0..300 {
        if let Some(v) = f() {
            return v;
        }
        sleep(10).await;
    }
    panic!("timed out waiting for {what}");
}

/// A fresh host element in the page: `<div attrs…>`.
pub fn host(attrs: &[(&str, &str)]) -> HtmlElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let el: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    for (k, v) in attrs {
        el.set_attribute(k, v).unwrap();
    }
    doc.body().unwrap().append_child(&el).unwrap();
    el
}

pub fn shadow(el: &Element) -> ShadowRoot {
    el.shadow_root()
        .expect("the widget attaches an open shadow root")
}

pub fn find(el: &Element, selector: &str) -> Option<Element> {
    el.shadow_root()?.query_selector(selector).ok().flatten()
}

pub fn find_all(el: &Element, selector: &str) -> Vec<Element> {
    let Some(root) = el.shadow_root() else {
        return vec![];
    };
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into().ok())
        .collect()
}

pub fn text(el: &Element, selector: &str) -> Option<String> {
    find(el, selector).and_then(|e| e.text_content())
}

/// Collects `kredivo:*` events dispatched on `el` as `(type, detail)`.
#[derive(Clone, Default)]
pub struct Events(pub Rc<RefCell<Vec<(String, JsValue)>>>);

impl Events {
    pub fn listen(el: &Element) -> Events {
        let events = Events::default();
        for name in [
            "kredivo:ready",
            "kredivo:select",
            "kredivo:redirect",
            "kredivo:error",
            "kredivo:complete",
        ] {
            let store = events.0.clone();
            let cb =
                Closure::<dyn Fn(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
                    if e.type_() == "kredivo:redirect" {
                        // Tests never leave the page.
                        e.prevent_default();
                    }
                    store.borrow_mut().push((e.type_(), e.detail()));
                });
            el.add_event_listener_with_callback(name, cb.as_ref().unchecked_ref())
                .unwrap();
            cb.forget();
        }
        events
    }

    pub fn named(&self, name: &str) -> Vec<JsValue> {
        self.0
            .borrow()
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, d)| d.clone())
            .collect()
    }

    pub fn len(&self) -> usize {
        self.0.borrow().len()
    }
}

pub fn field(detail: &JsValue, key: &str) -> Option<String> {
    Reflect::get(detail, &key.into()).ok()?.as_string()
}

fn plan(pt: &str, n: u32, monthly: i64, total: i64, amount: i64) -> PlanView {
    PlanView {
        payment_type: pt.into(),
        tenure_months: n,
        name: String::new(),
        monthly_installment: Decimal::from(monthly),
        total: Decimal::from(total),
        interest: Decimal::from(total - amount),
        service_fee: Decimal::ZERO,
        down_payment: Decimal::ZERO,
        rate: None,
        discounted_monthly_installment: None,
        promo_months: None,
        promo_discount: None,
        remaining_limit: None,
        within_limit: None,
    }
}

/// Kredivo's doc-000 figures for Rp 2,400,000, as the proxy answers them.
pub fn doc_plans() -> String {
    let a = 2_400_000;
    serde_json::to_string(&PaymentTypesResponse {
        amount: Decimal::from(a),
        currency: "IDR".into(),
        estimate: false,
        express: false,
        plans: vec![
            plan("30_days", 1, a, a, a),
            plan("3_months", 3, 856_290, 2_568_870, a),
            plan("6_months", 6, 450_090, 2_700_540, a),
            plan("12_months", 12, 248_050, 2_976_600, a),
        ],
    })
    .unwrap()
}

/// Doc 000's plans for Rp 2,400,000 for a tokenised shopper with Rp 2,000,000 left on the
/// 30-day and 6-month payment types and Rp 3,000,000 on the others: the 30-day plan and the
/// 6-month plan are above the limit.
pub fn limited_plans() -> String {
    let mut r: PaymentTypesResponse = serde_json::from_str(&doc_plans()).unwrap();
    r.express = true;
    for p in &mut r.plans {
        let over = p.payment_type == "30_days" || p.payment_type == "6_months";
        p.remaining_limit = Some(Decimal::from(if over { 2_000_000 } else { 3_000_000 }));
        p.within_limit = Some(!over);
    }
    serde_json::to_string(&r).unwrap()
}

/// Every figure doc 000 can give, for Rp 2,400,000: a 30-day plan with a 1 % service fee, a
/// 3-month plan with a down payment and the 2.95 % rate, and a 6-month plan whose first two
/// installments are promotional.
pub fn every_figure_plans() -> String {
    let a = 2_400_000;
    let d = Decimal::from;
    let mut once = plan("30_days", 1, 2_424_000, 2_424_000, a);
    once.interest = Decimal::ZERO;
    once.service_fee = d(24_000);
    let mut three = plan("3_months", 3, 876_290, 2_628_870, a);
    three.down_payment = d(240_000);
    three.rate = Some(Decimal::new(295, 2));
    let mut six = plan("6_months", 6, 450_090, 2_600_360, a);
    six.interest = d(300_540);
    six.rate = Some(Decimal::new(295, 2));
    six.discounted_monthly_installment = Some(d(400_000));
    six.promo_months = Some(2);
    six.promo_discount = Some(d(100_180));
    serde_json::to_string(&PaymentTypesResponse {
        amount: d(a),
        currency: "IDR".into(),
        estimate: false,
        express: false,
        plans: vec![once, three, six],
    })
    .unwrap()
}

/// One plan for `amount` (3 months at amount/3, no interest), to tell answers apart.
pub fn simple_plans(amount: i64) -> String {
    serde_json::to_string(&PaymentTypesResponse {
        amount: Decimal::from(amount),
        currency: "IDR".into(),
        estimate: false,
        express: false,
        plans: vec![plan("3_months", 3, amount / 3, amount, amount)],
    })
    .unwrap()
}

pub fn error_body(code: kredivo_api::ErrorCode) -> String {
    serde_json::to_string(&kredivo_api::ErrorBody::new(code, "test")).unwrap()
}

/// Dispatches a keydown on `el`.
pub fn key(el: &Element, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let e = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    el.dispatch_event(&e).unwrap();
}

pub fn click(el: &Element) {
    el.unchecked_ref::<HtmlElement>().click();
}

/// `mount` as the bundle exports it to the loader (`window.KredivoCheckout.mount` forwards
/// here; the loader's own part is tested end to end in crates/e2e/tests/embedding.rs).
pub fn js_mount(
    el: &web_sys::Element,
    options: &JsValue,
) -> Result<kredivo_checkout::Handle, JsValue> {
    kredivo_checkout::mount(el.clone().into(), options.clone()).map_err(JsValue::from)
}

/// A JS options object from `(name, value)` pairs.
pub fn options(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

/// A JS value from what `serde_json` writes for `value` (the protocol's own JSON).
pub fn js_json(value: &impl serde::Serialize) -> JsValue {
    js_sys::JSON::parse(&serde_json::to_string(value).unwrap()).unwrap()
}

/// The message of a thrown `Error`.
pub fn message(e: JsValue) -> String {
    String::from(js_sys::Error::from(e).message())
}

/// Doc 000's sandbox shopper, as the demo store's form has it.
pub fn shopper() -> (kredivo_api::Customer, kredivo_api::Address) {
    (
        kredivo_api::Customer {
            first_name: "Oemang".into(),
            last_name: Some("Tandra".into()),
            email: "alie@satuduatiga.com".into(),
            phone: "081513114262".into(),
        },
        kredivo_api::Address {
            first_name: "Oemang".into(),
            last_name: Some("Tandra".into()),
            address: "Jalan Teknologi Indonesia No. 25".into(),
            city: "Jakarta".into(),
            postal_code: "12960".into(),
            phone: "081513114262".into(),
            country_code: "IDN".into(),
        },
    )
}
