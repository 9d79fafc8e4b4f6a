//! The checkout widget in a real browser: plans from a scripted proxy, keyboard selection,
//! amount updates, stale answers, errors with retry, and the checkout click.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use kredivo_api::ErrorCode;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn plans_from_the_proxy_render_as_a_labelled_radio_group() {
    boot();
    let fetch = FakeFetch::install(|c| match c.url.as_str() {
        u if u.ends_with("/payment-types") => Reply::Json(200, doc_plans()),
        _ => Reply::Json(404, error_body(ErrorCode::NotFound)),
    });
    let el = host(&[
        ("data-kredivo-checkout", ""),
        ("data-amount", "2400000"),
        ("data-proxy", "http://render.test"),
    ]);
    let events = Events::listen(&el);
    let radios = until("four plans", || {
        Some(find_all(&el, "[role=radio]")).filter(|r| r.len() == 4)
    })
    .await;

    let six = find(&el, r#"[role=radio][data-payment-type="6_months"]"#).unwrap();
    assert_eq!(
        six.get_attribute("aria-label").as_deref(),
        Some("Rp 450.090 per bulan selama 6 bulan")
    );
    assert!(
        six.text_content().unwrap().contains("Rp 450.090/bulan"),
        "{:?}",
        six.text_content()
    );
    assert_eq!(
        radios[0].get_attribute("aria-checked").as_deref(),
        Some("true"),
        "first plan selected"
    );
    assert_eq!(
        radios[0].get_attribute("tabindex").as_deref(),
        Some("0"),
        "roving tabindex"
    );
    assert_eq!(radios[1].get_attribute("tabindex").as_deref(), Some("-1"));
    let group = find(&el, "[role=radiogroup]").unwrap();
    assert_eq!(
        group.get_attribute("aria-label").as_deref(),
        Some("Pilih tenor cicilan Kredivo")
    );
    assert!(
        find(&el, "button.kc-pay").is_none(),
        "a bare amount is a preview: no button"
    );

    let calls = fetch.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].method, "POST");
    assert_eq!(
        calls[0].url,
        "http://render.test/api/kredivo/v1/payment-types"
    );
    assert_eq!(calls[0].body, r#"{"amount":"2400000"}"#);
    let ready = events.named("kredivo:ready");
    assert_eq!(ready.len(), 1);
    assert_eq!(field(&ready[0], "amount").as_deref(), Some("2400000"));
    el.remove();
}

#[wasm_bindgen_test]
async fn a_tokenised_shoppers_limit_is_shown_and_plans_above_it_cannot_be_chosen() {
    for (locale, left, over, aria) in [
        (
            "id",
            "Sisa limit Rp 3.000.000",
            "Melebihi sisa limit Anda (Sisa limit Rp 2.000.000)",
            "Rp 450.090 per bulan selama 6 bulan. Melebihi sisa limit Anda (Sisa limit Rp 2.000.000)",
        ),
        (
            "en",
            "Remaining limit Rp 3,000,000",
            "Above your remaining limit (Remaining limit Rp 2,000,000)",
            "Rp 450,090 per month for 6 months. Above your remaining limit (Remaining limit Rp 2,000,000)",
        ),
    ] {
        boot();
        let _fetch = FakeFetch::install(|_| Reply::Json(200, limited_plans()));
        let el = host(&[
            ("data-kredivo-checkout", ""),
            ("data-session", "ks_limit"),
            ("data-locale", locale),
            ("data-proxy", "http://limit.test"),
        ]);
        let events = Events::listen(&el);
        until("plans", || find(&el, "[role=radio]")).await;
        let plan = |pt: &str| find(&el, &format!(r#"[role=radio][data-payment-type="{pt}"]"#)).unwrap();
        let checked = || {
            find(&el, r#"[role=radio][aria-checked="true"]"#)
                .and_then(|e| e.get_attribute("data-payment-type"))
        };
        assert_eq!(checked().as_deref(), Some("3_months"), "the first plan the limit covers");
        let limit = |e: &web_sys::Element| {
            e.query_selector(".kc-limit").unwrap().and_then(|l| l.text_content())
        };
        assert_eq!(limit(&plan("3_months")).as_deref(), Some(left));
        assert_eq!(plan("3_months").get_attribute("aria-disabled"), None);
        let six = plan("6_months");
        assert_eq!(six.get_attribute("aria-disabled").as_deref(), Some("true"));
        assert_eq!(limit(&six).as_deref(), Some(over));
        assert_eq!(six.get_attribute("aria-label").as_deref(), Some(aria));

        click(&six);
        sleep(50).await;
        assert_eq!(checked().as_deref(), Some("3_months"), "a click above the limit does nothing");
        let group = find(&el, "[role=radiogroup]").unwrap();
        key(&group, "ArrowDown");
        until("12 months, past 6", || checked().filter(|p| p == "12_months")).await;
        key(&group, "ArrowDown");
        until("3 months, past 30 days", || checked().filter(|p| p == "3_months")).await;
        key(&group, "Home");
        sleep(50).await;
        assert_eq!(checked().as_deref(), Some("3_months"), "Home: the first choosable plan");
        let selects: Vec<String> = events
            .named("kredivo:select")
            .iter()
            .filter_map(|d| field(d, "paymentType"))
            .collect();
        assert_eq!(selects, ["12_months", "3_months"]);
        assert!(find(&el, "button.kc-pay").is_some(), "a session can be paid");
        el.remove();
    }
}

#[wasm_bindgen_test]
async fn the_selected_plans_schedule_is_the_proxys_document_in_a_titled_frame() {
    boot();
    let mut answer: kredivo_api::PaymentTypesResponse = serde_json::from_str(&doc_plans()).unwrap();
    for p in &mut answer.plans {
        p.schedule_url = Some(format!(
            "https://proxy.test/api/kredivo/v1/schedule?payment_type={}",
            p.payment_type
        ));
    }
    let body = serde_json::to_string(&answer).unwrap();
    let _fetch = FakeFetch::install(move |_| Reply::Json(200, body.clone()));
    let el = host(&[
        ("data-kredivo-checkout", ""),
        ("data-amount", "2400000"),
        ("data-locale", "en"),
        ("data-proxy", "http://schedule.test"),
    ]);
    until("plans", || find(&el, "[role=radio]")).await;
    let frame = until("the schedule frame", || find(&el, "iframe.kc-sched")).await;
    assert_eq!(
        frame.get_attribute("src").as_deref(),
        Some("https://proxy.test/api/kredivo/v1/schedule?payment_type=30_days&locale=en")
    );
    assert_eq!(
        frame.get_attribute("title").as_deref(),
        Some("Installment schedule")
    );
    let group = find(&el, "[role=radiogroup]").unwrap();
    key(&group, "End");
    until("the 12 months' schedule", || {
        find(&el, "iframe.kc-sched")
            .and_then(|f| f.get_attribute("src"))
            .filter(|s| s.contains("payment_type=12_months&locale=en"))
    })
    .await;
    el.remove();

    // A proxy that draws no schedule: the frame stays empty, and the stylesheet hides it.
    let _fetch = FakeFetch::install(|_| Reply::Json(200, doc_plans()));
    let el = host(&[("data-kredivo-checkout", ""), ("data-amount", "2400000")]);
    until("plans", || find(&el, "[role=radio]")).await;
    let frame = find(&el, "iframe.kc-sched").unwrap();
    assert_eq!(frame.get_attribute("src").as_deref(), Some(""));
    el.remove();
}

#[wasm_bindgen_test]
async fn arrow_keys_move_the_selection_and_report_it() {
    boot();
    let _fetch = FakeFetch::install(|_| Reply::Json(200, doc_plans()));
    let el = host(&[
        ("data-kredivo-checkout", ""),
        ("data-amount", "2400000"),
        ("data-locale", "en"),
        ("data-proxy", "http://keys.test"),
    ]);
    let events = Events::listen(&el);
    until("plans", || find(&el, "[role=radio]")).await;
    let checked = || {
        find(&el, r#"[role=radio][aria-checked="true"]"#)
            .and_then(|e| e.get_attribute("data-payment-type"))
    };
    let group = find(&el, "[role=radiogroup]").unwrap();

    key(&group, "ArrowDown");
    until("3 months checked", || checked().filter(|p| p == "3_months")).await;
    key(&group, "ArrowDown");
    until("6 months checked", || checked().filter(|p| p == "6_months")).await;
    key(&group, "ArrowUp");
    until("back to 3 months", || checked().filter(|p| p == "3_months")).await;
    key(&group, "End");
    until("12 months", || checked().filter(|p| p == "12_months")).await;
    key(&group, "ArrowDown");
    until("wraps to 30 days", || checked().filter(|p| p == "30_days")).await;

    let focused = shadow(&el)
        .active_element()
        .and_then(|e| e.get_attribute("data-payment-type"));
    assert_eq!(
        focused.as_deref(),
        Some("30_days"),
        "focus follows the selection"
    );
    let six = find(&el, r#"[data-payment-type="6_months"]"#).unwrap();
    assert_eq!(
        six.get_attribute("aria-label").as_deref(),
        Some("Rp 450,090 per month for 6 months")
    );
    let selects: Vec<String> = events
        .named("kredivo:select")
        .iter()
        .filter_map(|d| field(d, "paymentType"))
        .collect();
    assert_eq!(
        selects,
        ["3_months", "6_months", "3_months", "12_months", "30_days"]
    );
    el.remove();
}

#[wasm_bindgen_test]
async fn rapid_amount_changes_send_one_request_and_show_the_new_amount() {
    boot();
    let fetch = FakeFetch::install(|c| {
        let amount: i64 = c
            .body
            .trim_start_matches(r#"{"amount":""#)
            .trim_end_matches(r#""}"#)
            .parse()
            .unwrap();
        Reply::Json(200, simple_plans(amount))
    });
    let el = host(&[
        ("data-kredivo-checkout", ""),
        ("data-amount", "300000"),
        ("data-proxy", "http://amount.test"),
    ]);
    until("first plans", || {
        text(&el, ".kc-plan").filter(|t| t.contains("Rp 100.000"))
    })
    .await;
    for amount in ["600000", "900000", "1200000"] {
        el.set_attribute("data-amount", amount).unwrap();
        sleep(20).await;
    }
    until("new amount", || {
        text(&el, ".kc-plan").filter(|t| t.contains("Rp 400.000"))
    })
    .await;
    assert_eq!(
        fetch.count("/payment-types"),
        2,
        "three quick changes are debounced into one request"
    );
    el.remove();
}

#[wasm_bindgen_test]
async fn a_slow_stale_answer_never_overwrites_a_newer_one() {
    boot();
    let _fetch = FakeFetch::install(|c| {
        if c.body.contains("\"300000\"") {
            Reply::Json(200, simple_plans(300_000))
        } else if c.body.contains("\"600000\"") {
            Reply::Later(400, Box::new(Reply::Json(200, simple_plans(600_000))))
        } else {
            Reply::Json(200, simple_plans(900_000))
        }
    });
    let el = host(&[
        ("data-kredivo-checkout", ""),
        ("data-amount", "300000"),
        ("data-proxy", "http://stale.test"),
    ]);
    until("first", || {
        text(&el, ".kc-plan").filter(|t| t.contains("Rp 100.000"))
    })
    .await;
    el.set_attribute("data-amount", "600000").unwrap();
    sleep(350).await; // past the debounce: the slow request is in flight
    el.set_attribute("data-amount", "900000").unwrap();
    until("newest", || {
        text(&el, ".kc-plan").filter(|t| t.contains("Rp 300.000"))
    })
    .await;
    sleep(500).await; // the slow answer arrives (or was aborted) and must change nothing
    let shown = text(&el, ".kc-plan").unwrap();
    assert!(
        shown.contains("Rp 300.000"),
        "stale answer overwrote the newer one: {shown}"
    );
    el.remove();
}

#[wasm_bindgen_test]
async fn a_provider_error_shows_a_message_and_retry_recovers() {
    boot();
    let failing = std::rc::Rc::new(std::cell::Cell::new(true));
    let flag = failing.clone();
    let fetch = FakeFetch::install(move |_| {
        if flag.get() {
            Reply::Json(502, error_body(ErrorCode::UpstreamError))
        } else {
            Reply::Json(200, doc_plans())
        }
    });
    let el = host(&[
        ("data-kredivo-checkout", ""),
        ("data-amount", "2400000"),
        ("data-proxy", "http://error.test"),
    ]);
    let events = Events::listen(&el);
    let message = until("error box", || text(&el, ".kc-error p")).await;
    assert_eq!(
        message,
        "Kredivo sedang tidak dapat dihubungi. Silakan coba lagi sebentar lagi."
    );
    let errors = events.named("kredivo:error");
    assert_eq!(errors.len(), 1);
    assert_eq!(field(&errors[0], "code").as_deref(), Some("upstream_error"));

    failing.set(false);
    click(&find(&el, "button.kc-retry").unwrap());
    until("plans after retry", || {
        Some(find_all(&el, "[role=radio]")).filter(|r| r.len() == 4)
    })
    .await;
    assert!(find(&el, ".kc-error").is_none());
    assert_eq!(fetch.count("/payment-types"), 2);
    el.remove();
}

#[wasm_bindgen_test]
async fn an_unreachable_proxy_is_a_network_error_in_the_shoppers_language() {
    boot();
    let _fetch = FakeFetch::install(|_| Reply::NetworkError);
    let el = host(&[
        ("data-kredivo-checkout", ""),
        ("data-amount", "2400000"),
        ("data-locale", "en"),
        ("data-proxy", "http://down.test"),
    ]);
    let events = Events::listen(&el);
    let message = until("error", || text(&el, ".kc-error p")).await;
    assert_eq!(
        message,
        "We couldn't reach the store. Check your connection and try again."
    );
    assert_eq!(text(&el, "button.kc-retry").as_deref(), Some("Try again"));
    assert_eq!(
        field(&events.named("kredivo:error")[0], "code").as_deref(),
        Some("network")
    );
    el.remove();
}

#[wasm_bindgen_test]
async fn an_ineligible_amount_is_explained_not_failed() {
    boot();
    let _fetch = FakeFetch::install(|_| Reply::Json(422, error_body(ErrorCode::IneligibleAmount)));
    let el = host(&[
        ("data-kredivo-checkout", ""),
        ("data-amount", "500"),
        ("data-proxy", "http://small.test"),
    ]);
    let events = Events::listen(&el);
    let notice = until("notice", || text(&el, ".kc-notice")).await;
    assert_eq!(
        notice,
        "Cicilan Kredivo tidak tersedia untuk total belanja ini."
    );
    assert!(find(&el, ".kc-error").is_none());
    assert_eq!(
        field(&events.named("kredivo:error")[0], "code").as_deref(),
        Some("ineligible_amount")
    );
    el.remove();
}

#[wasm_bindgen_test]
async fn the_kredivo_button_checks_out_once_and_redirects() {
    boot();
    let fetch = FakeFetch::install(|c| {
        if c.url.ends_with("/checkout") {
            Reply::Later(
                150,
                Box::new(Reply::Json(
                    200,
                    r#"{"order_id":"o-1","status":"pending","redirect_url":"https://sandbox.kredivo.test/signin?tk=1"}"#.into(),
                )),
            )
        } else {
            Reply::Json(200, doc_plans())
        }
    });
    let el = host(&[
        ("data-kredivo-checkout", ""),
        ("data-cart-id", "cart-9"),
        ("data-proxy", "http://pay.test"),
    ]);
    let events = Events::listen(&el);
    until("plans", || find(&el, "[role=radio]")).await;
    click(&find(&el, r#"[role=radio][data-payment-type="6_months"]"#).unwrap());
    let button = find(&el, "button.kc-pay").unwrap();
    click(&button);
    click(&button);
    until("disabled while in flight", || {
        find(&el, "button.kc-pay[disabled]")
    })
    .await;
    click(&find(&el, "button.kc-pay").unwrap());
    let redirect = until("redirect event", || {
        events.named("kredivo:redirect").first().cloned()
    })
    .await;
    assert_eq!(
        field(&redirect, "url").as_deref(),
        Some("https://sandbox.kredivo.test/signin?tk=1")
    );

    let posts: Vec<Call> = fetch
        .calls()
        .into_iter()
        .filter(|c| c.url.ends_with("/checkout"))
        .collect();
    assert_eq!(posts.len(), 1, "three clicks, one order");
    let body: serde_json::Value = serde_json::from_str(&posts[0].body).unwrap();
    assert_eq!(body["cart_id"], "cart-9");
    assert_eq!(body["payment_type"], "6_months");
    let key = body["idempotency_key"].as_str().unwrap();
    assert!(kredivo_api::is_valid_idempotency_key(key), "{key}");
    assert!(
        body.get("amount").is_none(),
        "the browser never sends an amount"
    );
    el.remove();
}

#[wasm_bindgen_test]
async fn an_express_checkout_polls_the_order_until_it_settles() {
    boot();
    let fetch = FakeFetch::install(|c| {
        if c.url.ends_with("/checkout") {
            Reply::Json(200, r#"{"order_id":"o-2","status":"pending"}"#.into())
        } else if c.url.contains("/orders/o-2") {
            Reply::Json(200, r#"{"order_id":"o-2","status":"settled","amount":"2400000","payment_type":"30_days"}"#.into())
        } else {
            Reply::Json(200, doc_plans())
        }
    });
    let el = host(&[
        ("data-kredivo-checkout", ""),
        (
            "data-cart",
            r#"[{"product_id":"smartphone-x5","quantity":1}]"#,
        ),
        ("data-proxy", "http://express.test"),
    ]);
    let events = Events::listen(&el);
    until("plans", || find(&el, "[role=radio]")).await;
    click(&find(&el, "button.kc-pay").unwrap());
    let done = until("complete", || {
        events.named("kredivo:complete").first().cloned()
    })
    .await;
    assert_eq!(field(&done, "status").as_deref(), Some("settled"));
    assert_eq!(
        text(&el, ".kc-done").as_deref(),
        Some("Pembayaran berhasil. Terima kasih!")
    );
    assert!(events.named("kredivo:redirect").is_empty());
    let checkout = fetch
        .calls()
        .into_iter()
        .find(|c| c.url.ends_with("/checkout"))
        .unwrap();
    assert!(
        checkout
            .body
            .contains(r#""cart":[{"product_id":"smartphone-x5","quantity":1}]"#),
        "{}",
        checkout.body
    );
    el.remove();
}

#[wasm_bindgen_test]
async fn a_failed_checkout_retries_with_the_same_idempotency_key() {
    boot();
    let attempts = std::rc::Rc::new(std::cell::Cell::new(0));
    let seen = attempts.clone();
    let fetch = FakeFetch::install(move |c| {
        if c.url.ends_with("/checkout") {
            seen.set(seen.get() + 1);
            if seen.get() == 1 {
                Reply::Json(504, error_body(ErrorCode::UpstreamTimeout))
            } else {
                Reply::Json(200, r#"{"order_id":"o-3","status":"pending","redirect_url":"https://sandbox.kredivo.test/signin?tk=3"}"#.into())
            }
        } else {
            Reply::Json(200, doc_plans())
        }
    });
    let el = host(&[
        ("data-kredivo-checkout", ""),
        ("data-cart-id", "cart-3"),
        ("data-proxy", "http://retry.test"),
    ]);
    let events = Events::listen(&el);
    until("plans", || find(&el, "[role=radio]")).await;
    click(&find(&el, "button.kc-pay").unwrap());
    let retry = until("checkout error", || {
        find(
            &el,
            r#".kc-error[data-code="upstream_timeout"] button.kc-retry"#,
        )
    })
    .await;
    assert_eq!(
        field(&events.named("kredivo:error")[0], "code").as_deref(),
        Some("upstream_timeout")
    );
    click(&retry);
    until("redirect", || {
        events.named("kredivo:redirect").first().cloned()
    })
    .await;
    let keys: Vec<String> = fetch
        .calls()
        .into_iter()
        .filter(|c| c.url.ends_with("/checkout"))
        .map(|c| {
            serde_json::from_str::<serde_json::Value>(&c.body).unwrap()["idempotency_key"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(
        keys[0], keys[1],
        "a retry of the same attempt reuses its key, so the proxy answers with one order"
    );
    el.remove();
}

#[wasm_bindgen_test]
async fn a_proxy_that_never_answers_times_out_through_the_abort_controller() {
    boot();
    kredivo_checkout::net::set_request_timeout(200);
    let _fetch =
        FakeFetch::install(|_| Reply::Later(10_000, Box::new(Reply::Json(200, doc_plans()))));
    let el = host(&[
        ("data-kredivo-checkout", ""),
        ("data-amount", "2400000"),
        ("data-proxy", "http://slow.test"),
    ]);
    let events = Events::listen(&el);
    let message = until("timeout error", || {
        text(&el, r#".kc-error[data-code="timeout"] p"#)
    })
    .await;
    kredivo_checkout::net::set_request_timeout(kredivo_checkout::model::TIMEOUT_MS);
    assert_eq!(
        message,
        "Kredivo tidak merespons tepat waktu. Silakan coba lagi."
    );
    assert_eq!(
        field(&events.named("kredivo:error")[0], "code").as_deref(),
        Some("timeout")
    );
    el.remove();
}

#[wasm_bindgen_test]
async fn the_button_follows_logo_and_width_changes() {
    boot();
    let _fetch = FakeFetch::install(|_| Reply::Json(200, doc_plans()));
    let el = host(&[
        ("data-kredivo-checkout", ""),
        ("data-cart-id", "cart-logo"),
        ("data-proxy", "http://logo.test"),
        ("data-logo", "blue"),
        ("data-button-width", "250"),
    ]);
    let button = until("the Kredivo button", || find(&el, "button.kc-pay")).await;
    assert_eq!(button.get_attribute("data-logo").as_deref(), Some("blue"));
    let style = button.get_attribute("style").unwrap_or_default();
    assert!(style.contains("width: 250px"), "{style}");
    let logo = find(&el, "button.kc-pay img.kc-logo").unwrap();
    assert_eq!(logo.get_attribute("src").as_deref(), Some("/blue.svg"));

    // The merchant switches to the white logo and a narrower (clamped) button.
    el.set_attribute("data-logo", "white").unwrap();
    el.set_attribute("data-button-width", "60").unwrap();
    until("the white logo", || {
        find(&el, "button.kc-pay img.kc-logo")
            .and_then(|i| i.get_attribute("src"))
            .filter(|s| s == "/white.svg")
    })
    .await;
    let button = find(&el, "button.kc-pay").unwrap();
    assert_eq!(button.get_attribute("data-logo").as_deref(), Some("white"));
    let style = button.get_attribute("style").unwrap_or_default();
    assert!(style.contains("width: 100px"), "clamped to 100 px: {style}");
    el.remove();
}

/// The selected plan's summary as (label, value) pairs, in order.
fn summary_rows(el: &web_sys::Element) -> Vec<(String, String)> {
    find_all(el, ".kc-summary .kc-sum-row")
        .iter()
        .map(|row| {
            let part = |sel: &str| {
                row.query_selector(sel)
                    .ok()
                    .flatten()
                    .and_then(|e| e.text_content())
                    .unwrap_or_default()
            };
            (part("dt"), part("dd"))
        })
        .collect()
}

fn pairs(rows: &[(&str, &str)]) -> Vec<(String, String)> {
    rows.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Every figure doc 000 gives — service fee, down payment, the monthly rate, promotional
/// installments and their discount — in the plans and the selected plan's summary.
/// A plan's id, a phrase its radio shows, and its summary as (label, value) pairs.
type Expected<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

async fn every_figure_is_shown(locale: &str, expect: &[Expected<'_>]) {
    boot();
    let _fetch = FakeFetch::install(|_| Reply::Json(200, every_figure_plans()));
    let el = host(&[
        ("data-kredivo-checkout", ""),
        ("data-amount", "2400000"),
        ("data-locale", locale),
        ("data-proxy", "http://figures.test"),
    ]);
    until("three plans", || {
        Some(find_all(&el, "[role=radio]")).filter(|r| r.len() == 3)
    })
    .await;
    for (payment_type, row_text, summary) in expect {
        let radio = find(
            &el,
            &format!(r#"[role=radio][data-payment-type="{payment_type}"]"#),
        )
        .unwrap();
        click(&radio);
        let want = pairs(summary);
        until(&format!("the {payment_type} summary"), || {
            Some(summary_rows(&el)).filter(|rows| *rows == want)
        })
        .await;
        let shown = radio.text_content().unwrap_or_default();
        assert!(
            shown.contains(row_text),
            "{payment_type} ({locale}) shows {shown:?}, not {row_text:?}"
        );
    }
    el.remove();
}

#[wasm_bindgen_test]
async fn every_figure_of_a_plan_is_shown_in_indonesian() {
    every_figure_is_shown(
        "id",
        &[
            (
                "30_days",
                "Tanpa bunga · Biaya layanan Rp 24.000",
                &[
                    ("Tenor", "30 hari"),
                    ("Bunga", "Rp 0"),
                    ("Biaya layanan", "Rp 24.000"),
                    ("Total", "Rp 2.424.000"),
                ],
            ),
            (
                "3_months",
                "Total Rp 2.628.870 · Bunga Rp 228.870 · Uang muka Rp 240.000",
                &[
                    ("Cicilan per bulan", "Rp 876.290"),
                    ("Tenor", "3 bulan"),
                    ("Uang muka", "Rp 240.000"),
                    ("Bunga", "Rp 228.870"),
                    ("Suku bunga", "2,95%/bulan"),
                    ("Total", "Rp 2.628.870"),
                ],
            ),
            (
                "6_months",
                "Promo Rp 400.000/bulan untuk 2 bulan pertama",
                &[
                    ("Cicilan per bulan", "Rp 450.090"),
                    ("Tenor", "6 bulan"),
                    ("Bunga", "Rp 300.540"),
                    ("Suku bunga", "2,95%/bulan"),
                    ("Diskon promo", "−Rp 100.180"),
                    ("Total", "Rp 2.600.360"),
                ],
            ),
        ],
    )
    .await;
}

#[wasm_bindgen_test]
async fn every_figure_of_a_plan_is_shown_in_english() {
    every_figure_is_shown(
        "en",
        &[
            (
                "30_days",
                "No interest · Service fee Rp 24,000",
                &[
                    ("Term", "30 days"),
                    ("Interest", "Rp 0"),
                    ("Service fee", "Rp 24,000"),
                    ("Total", "Rp 2,424,000"),
                ],
            ),
            (
                "3_months",
                "Total Rp 2,628,870 · Interest Rp 228,870 · Down payment Rp 240,000",
                &[
                    ("Monthly installment", "Rp 876,290"),
                    ("Term", "3 months"),
                    ("Down payment", "Rp 240,000"),
                    ("Interest", "Rp 228,870"),
                    ("Interest rate", "2.95%/month"),
                    ("Total", "Rp 2,628,870"),
                ],
            ),
            (
                "6_months",
                "Promo Rp 400,000/month for the first 2 months",
                &[
                    ("Monthly installment", "Rp 450,090"),
                    ("Term", "6 months"),
                    ("Interest", "Rp 300,540"),
                    ("Interest rate", "2.95%/month"),
                    ("Promo discount", "−Rp 100,180"),
                    ("Total", "Rp 2,600,360"),
                ],
            ),
        ],
    )
    .await;
}
