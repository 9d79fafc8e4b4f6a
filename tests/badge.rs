//! Product badges: exact text in both languages, one pricing request for many badges, the
//! embedded fallback, and the accessible breakdown dialog.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use kredivo_plan::PricingTable;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn pricing_json() -> String {
    serde_json::to_string(&PricingTable::kredivo_reference()).unwrap()
}

#[wasm_bindgen_test]
async fn badges_read_exactly_in_indonesian_and_english() {
    boot();
    let _fetch = FakeFetch::install(|_| Reply::Json(200, pricing_json()));
    let id = host(&[
        ("data-kredivo-badge", ""),
        ("data-amount", "2400000"),
        ("data-proxy", "http://text.test"),
    ]);
    let en = host(&[
        ("data-kredivo-badge", ""),
        ("data-amount", "2400000"),
        ("data-locale", "en"),
        ("data-proxy", "http://text.test"),
    ]);
    let id_text = until("id badge", || text(&id, ".kc-badge")).await;
    let en_text = until("en badge", || text(&en, ".kc-badge")).await;
    assert_eq!(id_text, "Cicilan mulai Rp 248.050/bulan dengan Kredivo");
    assert_eq!(en_text, "From Rp 248,050/month with Kredivo");

    id.set_attribute("data-amount", "150000").unwrap();
    let later = until("30-day badge", || {
        text(&id, ".kc-badge").filter(|t| !t.contains("248"))
    })
    .await;
    assert_eq!(
        later, "Bayar nanti dalam 30 hari dengan Kredivo",
        "no monthly promise below Rp 500.000"
    );
    id.set_attribute("data-amount", "5000").unwrap();
    until("hidden when ineligible", || {
        find(&id, ".kc-badge").is_none().then_some(())
    })
    .await;
    id.remove();
    en.remove();
}

#[wasm_bindgen_test]
async fn two_hundred_badges_cost_one_pricing_request() {
    boot();
    let fetch =
        FakeFetch::install(|_| Reply::Later(50, Box::new(Reply::Json(200, pricing_json()))));
    let hosts: Vec<_> = (0..200)
        .map(|i| {
            let amount = (600_000 + i * 10_000).to_string();
            host(&[
                ("data-kredivo-badge", ""),
                ("data-amount", amount.as_str()),
                ("data-proxy", "http://many.test"),
            ])
        })
        .collect();
    until("all badges", || {
        hosts
            .iter()
            .all(|h| find(h, ".kc-badge").is_some())
            .then_some(())
    })
    .await;
    assert_eq!(fetch.count("/api/kredivo/v1/pricing"), 1);
    assert_eq!(fetch.calls().len(), 1);
    for h in hosts {
        h.remove();
    }
}

#[wasm_bindgen_test]
async fn a_failed_pricing_request_falls_back_to_the_embedded_table() {
    boot();
    let fetch = FakeFetch::install(|_| Reply::NetworkError);
    let el = host(&[
        ("data-kredivo-badge", ""),
        ("data-amount", "2400000"),
        ("data-proxy", "http://nopricing.test"),
    ]);
    let t = until("badge", || text(&el, ".kc-badge")).await;
    assert_eq!(t, "Cicilan mulai Rp 248.050/bulan dengan Kredivo");
    let embedded = host(&[
        ("data-kredivo-badge", ""),
        ("data-amount", "2400000"),
        ("data-pricing", "embedded"),
        ("data-proxy", "http://never.test"),
    ]);
    until("embedded badge", || text(&embedded, ".kc-badge")).await;
    assert_eq!(
        fetch.count("never.test"),
        0,
        "embedded pricing makes no request"
    );
    el.remove();
    embedded.remove();
}

#[wasm_bindgen_test]
async fn clicking_a_badge_opens_an_accessible_dialog_that_returns_focus() {
    boot();
    let el = host(&[
        ("data-kredivo-badge", ""),
        ("data-amount", "2400000"),
        ("data-pricing", "embedded"),
    ]);
    let badge = until("badge", || find(&el, "button.kc-badge")).await;
    assert_eq!(
        badge.get_attribute("aria-haspopup").as_deref(),
        Some("dialog")
    );
    badge
        .unchecked_ref::<web_sys::HtmlElement>()
        .focus()
        .unwrap();
    click(&badge);
    let dialog = until("dialog", || find(&el, "dialog[open]")).await;
    assert_eq!(dialog.get_attribute("role").as_deref(), Some("dialog"));
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    let title_id = dialog.get_attribute("aria-labelledby").unwrap();
    assert_eq!(
        text(&el, &format!("#{title_id}")).as_deref(),
        Some("Cicilan dengan Kredivo")
    );
    let rows = find_all(&el, "dialog .kc-table tbody tr");
    assert_eq!(rows.len(), 4);
    assert!(
        rows[2].text_content().unwrap().contains("Rp 450.090/bulan"),
        "{:?}",
        rows[2].text_content()
    );

    // Tab stays inside the dialog.
    let close = find(&el, "button.kc-close").unwrap();
    close
        .unchecked_ref::<web_sys::HtmlElement>()
        .focus()
        .unwrap();
    key(&dialog, "Tab");
    let active = shadow(&el).active_element().unwrap();
    assert!(dialog.contains(Some(&active)), "focus left the dialog");

    // Escape (the browser's `cancel`) closes it and focus returns to the badge.
    let cancel = web_sys::Event::new_with_event_init_dict("cancel", &{
        let i = web_sys::EventInit::new();
        i.set_cancelable(true);
        i
    })
    .unwrap();
    dialog.dispatch_event(&cancel).unwrap();
    until("closed", || find(&el, "dialog").is_none().then_some(())).await;
    let active = shadow(&el)
        .active_element()
        .and_then(|e| e.get_attribute("class"));
    assert_eq!(active.as_deref(), Some("kc-badge"));
    assert_eq!(
        badge.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    el.remove();
}
