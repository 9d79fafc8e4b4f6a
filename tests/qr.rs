//! The shop counter's QR screen in a real browser, against a scripted proxy: the code, the
//! amount and the countdown; settled, cancelled by the cashier, expired; a handle the proxy
//! does not know.
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use common::*;
use kredivo_api::ErrorCode;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The proxy's answer for QR checkout `id` in `status` with `left` seconds to go.
fn view(id: &str, status: &str, left: u32) -> String {
    serde_json::json!({
        "qr_id": id,
        "order_id": format!("pos-{id}"),
        "status": status,
        "amount": "150000",
        "currency": "IDR",
        "expires_at": "2026-12-03T10:15:00Z",
        "seconds_left": left,
        "qr_image_url": format!("https://proxy.test/api/kredivo/v1/qr/{id}/image.svg"),
    })
    .to_string()
}

/// Waits up to 8 s: the screen asks the proxy every 2 s.
async fn eventually<T>(what: &str, f: impl Fn() -> Option<T>) -> T {
    for _ in 0..800 {
        if let Some(v) = f() {
            return v;
        }
        sleep(10).await;
    }
    panic!("timed out waiting for {what}");
}

fn status_of(el: &web_sys::Element) -> Option<String> {
    find(el, ".kq").and_then(|k| k.get_attribute("data-status"))
}

#[wasm_bindgen_test]
async fn the_code_amount_and_countdown_show_until_the_order_settles() {
    boot();
    // The proxy counts down from 65 s, as the real one does from the expiry.
    let state = Rc::new(RefCell::new(("pending", 65)));
    let s = state.clone();
    let start = js_sys::Date::now();
    let fetch = FakeFetch::install(move |c| {
        let (status, total) = *s.borrow();
        let left = total - ((js_sys::Date::now() - start) / 1000.0) as u32;
        match c.url.as_str() {
            "https://proxy.test/api/kredivo/v1/qr/q1" => Reply::Json(200, view("q1", status, left)),
            _ => Reply::Json(404, error_body(ErrorCode::NotFound)),
        }
    });
    let el = host(&[
        ("data-kredivo-qr", "q1"),
        ("data-proxy", "https://proxy.test"),
        ("data-locale", "id"),
    ]);
    let events = Events::listen(&el);
    let img = until("the code", || find(&el, "img.kq-code")).await;
    assert_eq!(
        img.get_attribute("src").as_deref(),
        Some("https://proxy.test/api/kredivo/v1/qr/q1/image.svg")
    );
    assert_eq!(
        img.get_attribute("alt").as_deref(),
        Some("Kode QR pembayaran Kredivo")
    );
    assert_eq!(text(&el, ".kq-amount").as_deref(), Some("Rp 150.000"));
    assert_eq!(status_of(&el).as_deref(), Some("pending"));
    let left = text(&el, ".kq-left").unwrap();
    assert!(left == "1:05" || left == "1:04", "{left}");
    assert_eq!(
        text(&el, ".kq-scan").as_deref(),
        Some("Pindai kode QR ini dengan aplikasi Kredivo")
    );
    // The clock runs between answers.
    eventually("the countdown to move", || {
        text(&el, ".kq-left").filter(|t| t.as_str() < "1:04")
    })
    .await;

    *state.borrow_mut() = ("settled", 40);
    eventually("settled", || status_of(&el).filter(|s| s == "settled")).await;
    assert_eq!(
        text(&el, ".kq-done").as_deref(),
        Some("Pembayaran berhasil. Terima kasih!")
    );
    assert!(find(&el, "img.kq-code").is_none(), "the code goes");
    let done = events.named("kredivo:complete");
    assert_eq!(done.len(), 1);
    assert_eq!(field(&done[0], "status").as_deref(), Some("settled"));
    assert_eq!(field(&done[0], "orderId").as_deref(), Some("pos-q1"));
    let asked = fetch.count("/qr/q1");
    sleep(2_500).await;
    assert_eq!(
        fetch.count("/qr/q1"),
        asked,
        "a settled screen stops asking"
    );
    el.remove();
}

#[wasm_bindgen_test]
async fn the_cashier_cancels_and_the_screen_says_so_in_english() {
    boot();
    let cancelled = Rc::new(RefCell::new(false));
    let c2 = cancelled.clone();
    let fetch = FakeFetch::install(move |c| match (c.method.as_str(), c.url.as_str()) {
        ("POST", "https://proxy.test/api/kredivo/v1/qr/q2/cancel") => {
            *c2.borrow_mut() = true;
            Reply::Json(200, view("q2", "cancelled", 0))
        }
        ("GET", "https://proxy.test/api/kredivo/v1/qr/q2") => {
            let status = if *c2.borrow() { "cancelled" } else { "pending" };
            Reply::Json(200, view("q2", status, 600))
        }
        _ => Reply::Json(404, error_body(ErrorCode::NotFound)),
    });
    let el = host(&[
        ("data-kredivo-qr", "q2"),
        ("data-proxy", "https://proxy.test/"),
        ("data-locale", "en"),
        ("data-theme", "dark"),
    ]);
    let button = until("the cancel button", || find(&el, "button.kq-cancel")).await;
    assert_eq!(button.text_content().as_deref(), Some("Cancel payment"));
    assert_eq!(text(&el, ".kq-amount").as_deref(), Some("Rp 150,000"));
    assert_eq!(text(&el, ".kq-left").as_deref(), Some("10:00"));
    click(&button);
    eventually("cancelled", || status_of(&el).filter(|s| s == "cancelled")).await;
    assert_eq!(
        text(&el, ".kq-done").as_deref(),
        Some("The payment was cancelled.")
    );
    assert_eq!(fetch.count("/qr/q2/cancel"), 1);
    el.remove();
}

#[wasm_bindgen_test]
async fn a_code_left_to_run_out_asks_the_proxy_and_shows_expired() {
    boot();
    let asks = Rc::new(RefCell::new(0));
    let a = asks.clone();
    let _fetch = FakeFetch::install(move |_| {
        *a.borrow_mut() += 1;
        // The first answer has one second left; the proxy then confirms the expiry.
        let status = if *a.borrow() == 1 {
            "pending"
        } else {
            "expired"
        };
        Reply::Json(200, view("q3", status, 1))
    });
    let el = host(&[
        ("data-kredivo-qr", "q3"),
        ("data-proxy", "https://proxy.test"),
    ]);
    until("the code", || find(&el, "img.kq-code")).await;
    eventually("expired", || status_of(&el).filter(|s| s == "expired")).await;
    assert_eq!(
        text(&el, ".kq-done").as_deref(),
        Some("Waktu pembayaran telah habis.")
    );
    el.remove();
}

#[wasm_bindgen_test]
async fn an_unknown_code_and_an_unsafe_image_url_are_errors_not_a_blank_screen() {
    boot();
    let _fetch = FakeFetch::install(|c| {
        if c.url.ends_with("/qr/evil") {
            let body =
                view("evil", "pending", 60).replace("https://proxy.test", "javascript:alert(1)//");
            Reply::Json(200, body)
        } else {
            Reply::Json(404, error_body(ErrorCode::NotFound))
        }
    });
    let el = host(&[
        ("data-kredivo-qr", "nope"),
        ("data-proxy", "https://proxy.test"),
    ]);
    let error = until("an error", || find(&el, ".kc-error")).await;
    assert_eq!(
        error.get_attribute("data-code").as_deref(),
        Some("not_found")
    );
    assert_eq!(error.get_attribute("role").as_deref(), Some("alert"));
    el.remove();

    let el = host(&[
        ("data-kredivo-qr", "evil"),
        ("data-proxy", "https://proxy.test"),
    ]);
    let error = until("an error", || find(&el, ".kc-error")).await;
    assert_eq!(
        error.get_attribute("data-code").as_deref(),
        Some("bad_response")
    );
    assert!(find(&el, "img").is_some_and(|i| i.class_name() == "kq-logo"));
    el.remove();
}
