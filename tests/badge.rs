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

/// The shadow root's `adoptedStyleSheets`.
fn adopted(el: &web_sys::Element) -> js_sys::Array {
    shadow(el).adopted_style_sheets()
}

/// How many User Timing measures named `name` the page holds.
fn measures(name: &str) -> u32 {
    let performance = web_sys::window().unwrap().performance().unwrap();
    performance
        .get_entries_by_name_with_entry_type(name, "measure")
        .length()
}

#[wasm_bindgen_test]
async fn every_badge_adopts_the_one_shared_stylesheet_and_links_none() {
    boot();
    let hosts: Vec<_> = (0..3)
        .map(|_| {
            host(&[
                ("data-kredivo-badge", ""),
                ("data-amount", "2400000"),
                ("data-pricing", "embedded"),
            ])
        })
        .collect();
    for h in &hosts {
        until("badge", || find(h, ".kc-badge")).await;
    }
    let first = adopted(&hosts[0]);
    assert_eq!(first.length(), 1, "one adopted sheet");
    let sheet: web_sys::CssStyleSheet = first.get(0).unchecked_into();
    assert!(
        sheet.css_rules().unwrap().length() > 10,
        "the sheet holds the badge's rules"
    );
    for h in &hosts {
        let a = adopted(h);
        assert_eq!(a.length(), 1);
        assert!(
            js_sys::Object::is(&a.get(0), &sheet),
            "every badge adopts the same sheet object"
        );
        assert!(find(h, "link").is_none(), "no stylesheet link per badge");
        assert_eq!(
            find(h, ".kc-shell").unwrap().get_attribute("hidden"),
            None,
            "nothing waits for a stylesheet to load"
        );
        // The sheet applies inside the shadow root.
        let button = find(h, "button.kc-badge").unwrap();
        let style = web_sys::window()
            .unwrap()
            .get_computed_style(&button)
            .unwrap()
            .unwrap();
        assert_eq!(style.get_property_value("cursor").unwrap(), "pointer");
    }
    for h in hosts {
        h.remove();
    }
}

/// Whether the browser renders (styles, lays out, paints) what is inside the badge on `el`:
/// `checkVisibility` is false for content that `content-visibility: auto` skips.
fn rendered(el: &web_sys::Element) -> bool {
    let root = find(el, ".kc").expect("the badge's root");
    let check: js_sys::Function = js_sys::Reflect::get(&root, &"checkVisibility".into())
        .unwrap()
        .unchecked_into();
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"contentVisibilityAuto".into(), &true.into()).unwrap();
    check.call1(&root, &options).unwrap().is_truthy()
}

/// Issue 19: a listing's badges far below the window cost the browser no style, layout or
/// paint until the shopper scrolls near them; their text is in the page all along (for
/// find-in-page and screen readers), and scrolled to, they render.
#[wasm_bindgen_test]
async fn a_badge_far_off_screen_renders_only_when_scrolled_near_and_its_text_is_there_all_along() {
    boot();
    let badge = [
        ("data-kredivo-badge", ""),
        ("data-amount", "2400000"),
        ("data-pricing", "embedded"),
    ];
    let near = host(&badge);
    let spacer = host(&[("style", "height: 20000px")]);
    let far = host(&badge);
    let window = web_sys::window().unwrap();
    window.scroll_to_with_x_and_y(0.0, 0.0);
    near.scroll_into_view();
    let far_text = until("far badge's text", || text(&far, ".kc-badge")).await;
    assert_eq!(far_text, "Cicilan mulai Rp 248.050/bulan dengan Kredivo");
    until("near badge rendered", || rendered(&near).then_some(())).await;
    assert!(!rendered(&far), "a badge 20,000 px below is skipped");
    let style = window.get_computed_style(&far).unwrap().unwrap();
    assert_eq!(
        style.get_property_value("content-visibility").unwrap(),
        "auto"
    );

    far.scroll_into_view();
    until("far badge rendered once scrolled to", || {
        rendered(&far).then_some(())
    })
    .await;
    window.scroll_to_with_x_and_y(0.0, 0.0);
    for el in [near, spacer, far] {
        el.remove();
    }
}

#[wasm_bindgen_test]
async fn badges_added_together_are_mounted_and_priced_in_one_pass_each() {
    boot();
    let fetch =
        FakeFetch::install(|_| Reply::Later(80, Box::new(Reply::Json(200, pricing_json()))));
    let global = js_sys::global();
    js_sys::Reflect::set(&global, &"__kredivoTrace".into(), &true.into()).unwrap();
    let (mounts, passes) = (measures("kredivo:mount"), measures("kredivo:badge-pass"));

    // Fifty badges appended at once: one batch of mutations.
    let doc = web_sys::window().unwrap().document().unwrap();
    let list = doc.create_element("section").unwrap();
    for i in 0..50 {
        let b = doc.create_element("span").unwrap();
        b.set_attribute("data-kredivo-badge", "").unwrap();
        b.set_attribute("data-amount", &(600_000 + i * 10_000).to_string())
            .unwrap();
        b.set_attribute("data-proxy", "http://onepass.test")
            .unwrap();
        list.append_child(&b).unwrap();
    }
    doc.body().unwrap().append_child(&list).unwrap();
    let hosts: Vec<web_sys::Element> = {
        let l = list.query_selector_all("[data-kredivo-badge]").unwrap();
        (0..l.length())
            .map(|i| l.item(i).unwrap().unchecked_into())
            .collect()
    };
    // While the table loads, every badge shows its skeleton, mounted by one pass.
    until("skeletons", || {
        hosts
            .iter()
            .all(|h| find(h, ".kc-badge-sk").is_some())
            .then_some(())
    })
    .await;
    assert_eq!(measures("kredivo:mount"), mounts + 1, "one mounting pass");
    // The moment one badge has its text, all have: the table's arrival draws them together.
    until("a priced badge", || {
        hosts
            .iter()
            .any(|h| find(h, ".kc-badge").is_some())
            .then_some(())
    })
    .await;
    assert!(
        hosts.iter().all(|h| find(h, ".kc-badge").is_some()),
        "every waiting badge drawn in the same pass"
    );
    assert_eq!(
        measures("kredivo:badge-pass"),
        passes + 1,
        "one drawing pass"
    );
    assert_eq!(fetch.count("/api/kredivo/v1/pricing"), 1);
    js_sys::Reflect::delete_property(
        global.unchecked_ref::<js_sys::Object>(),
        &"__kredivoTrace".into(),
    )
    .unwrap();
    list.remove();
}

#[wasm_bindgen_test]
async fn the_dialog_is_built_when_opened_accessible_and_removed_when_closed() {
    boot();
    let el = host(&[
        ("data-kredivo-badge", ""),
        ("data-amount", "2400000"),
        ("data-locale", "en"),
        ("data-pricing", "embedded"),
    ]);
    let badge = until("badge", || find(&el, "button.kc-badge")).await;
    assert!(
        find(&el, "dialog").is_none(),
        "no dialog before it is opened"
    );
    assert_eq!(
        badge.get_attribute("title").as_deref(),
        Some("See installment details")
    );
    assert_eq!(badge.get_attribute("type").as_deref(), Some("button"));

    click(&badge);
    let dialog = until("dialog", || find(&el, "dialog.kc-dialog[open]")).await;
    assert_eq!(
        badge.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    assert_eq!(
        text(&el, "#kc-dialog-title").as_deref(),
        Some("Pay later with Kredivo")
    );
    assert_eq!(
        text(&el, ".kc-dialog-sub").as_deref(),
        Some("For a purchase of Rp 2,400,000")
    );
    let logo = find(&el, "img.kc-dialog-logo").unwrap();
    assert_eq!(logo.get_attribute("src").as_deref(), Some("/blue.svg"));
    assert_eq!(logo.get_attribute("alt").as_deref(), Some("Kredivo"));
    let close = find(&el, "button.kc-close").unwrap();
    assert_eq!(close.get_attribute("aria-label").as_deref(), Some("Close"));
    let heads: Vec<String> = find_all(&el, "thead th")
        .iter()
        .map(|th| th.text_content().unwrap())
        .collect();
    assert_eq!(heads, ["Term", "Installment", "Interest & fees", "Total"]);
    let rows: Vec<String> = find_all(&el, "tbody tr")
        .iter()
        .map(|tr| tr.text_content().unwrap())
        .collect();
    assert_eq!(
        rows,
        [
            "30 daysRp 2,400,000No interestRp 2,400,000",
            "3 monthsRp 856,290/monthRp 168,870Rp 2,568,870",
            "6 monthsRp 450,090/monthRp 300,540Rp 2,700,540",
            "12 monthsRp 248,050/monthRp 576,600Rp 2,976,600",
        ]
    );
    let frame = find(&el, "iframe.kc-sched").unwrap();
    assert_eq!(
        frame.get_attribute("title").as_deref(),
        Some("Installment schedule")
    );
    assert_eq!(
        frame.get_attribute("src").as_deref(),
        Some(""),
        "embedded pricing and no proxy: no schedule to frame"
    );

    // The close button closes it, removes it and gives focus back.
    click(&close);
    until("closed", || find(&el, "dialog").is_none().then_some(())).await;
    assert_eq!(
        badge.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    let active = shadow(&el).active_element();
    assert!(active.is_some_and(|a| a.is_same_node(Some(&badge))));

    // It opens again, and a script closing it (`dialog.close()`) takes it away too.
    click(&badge);
    let dialog = until("reopened", || find(&el, "dialog[open]")).await;
    dialog.unchecked_ref::<web_sys::HtmlDialogElement>().close();
    until("closed by script", || {
        find(&el, "dialog").is_none().then_some(())
    })
    .await;
    assert_eq!(
        badge.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    el.remove();
}

#[wasm_bindgen_test]
async fn a_new_amount_redraws_the_text_and_fires_ready_and_a_new_theme_does_not() {
    boot();
    let _fetch = FakeFetch::install(|_| Reply::Json(200, pricing_json()));
    let el = host(&[
        ("data-kredivo-badge", ""),
        ("data-amount", "2400000"),
        ("data-proxy", "http://redraw.test"),
    ]);
    let events = Events::listen(&el);
    until("badge", || text(&el, ".kc-badge")).await;
    until("ready", || {
        (events.named("kredivo:ready").len() == 1).then_some(())
    })
    .await;
    let ready = &events.named("kredivo:ready")[0];
    assert_eq!(field(ready, "amount").as_deref(), Some("2400000"));
    let types: Vec<String> =
        js_sys::Array::from(&js_sys::Reflect::get(ready, &"paymentTypes".into()).unwrap())
            .iter()
            .map(|v| v.as_string().unwrap())
            .collect();
    assert_eq!(types, ["30_days", "3_months", "6_months", "12_months"]);

    el.set_attribute("data-amount", "3100000").unwrap();
    let t = until("re-priced", || {
        text(&el, ".kc-badge").filter(|t| !t.contains("248"))
    })
    .await;
    assert_eq!(t, "Cicilan mulai Rp 320.400/bulan dengan Kredivo");
    until("second ready", || {
        (events.named("kredivo:ready").len() == 2).then_some(())
    })
    .await;
    assert_eq!(
        field(&events.named("kredivo:ready")[1], "amount").as_deref(),
        Some("3100000")
    );

    // The theme is the wrapper's attribute: the button stays, no new `ready`.
    let button = find(&el, "button.kc-badge").unwrap();
    el.set_attribute("data-theme", "dark").unwrap();
    until("dark", || find(&el, ".kc[data-theme=dark]").map(|_| ())).await;
    sleep(50).await;
    assert!(find(&el, "button.kc-badge")
        .unwrap()
        .is_same_node(Some(&button)));
    assert_eq!(events.named("kredivo:ready").len(), 2);

    // The language redraws the words.
    el.set_attribute("data-locale", "en").unwrap();
    let en = until("english", || {
        text(&el, ".kc-badge").filter(|t| t.starts_with("From"))
    })
    .await;
    assert_eq!(en, "From Rp 320,400/month with Kredivo");
    assert_eq!(
        find(&el, ".kc").unwrap().get_attribute("lang").as_deref(),
        Some("en")
    );
    el.remove();
}

/// A badge for `amount` mounted by script, priced from the embedded table (no request), and
/// its events heard from the start.
fn embedded_badge(amount: &str) -> (web_sys::HtmlElement, Events, kredivo_checkout::Handle) {
    boot();
    let el = host(&[]);
    let events = Events::listen(&el);
    let handle = js_mount(
        &el,
        &options(&[
            ("kind", "badge".into()),
            ("amount", amount.into()),
            ("pricing", "embedded".into()),
        ]),
    )
    .unwrap();
    (el, events, handle)
}

#[wasm_bindgen_test]
async fn destroying_a_badge_takes_its_text_dialog_and_sheet_and_stops_its_events() {
    let (el, events, handle) = embedded_badge("2400000");
    let badge = until("badge", || find(&el, "button.kc-badge")).await;
    until("ready heard after mount() returned", || {
        (events.named("kredivo:ready").len() == 1).then_some(())
    })
    .await;
    click(&badge);
    until("dialog", || find(&el, "dialog[open]")).await;

    handle.destroy();
    assert!(!handle.mounted());
    assert_eq!(shadow(&el).child_element_count(), 0, "text and dialog gone");
    assert_eq!(adopted(&el).length(), 0, "the sheet let go");
    el.set_attribute("data-amount", "3100000").unwrap();
    handle
        .update(options(&[("amount", "3100000".into())]))
        .expect_err("a destroyed badge takes no options");
    sleep(100).await;
    assert_eq!(shadow(&el).child_element_count(), 0);
    assert_eq!(
        events.named("kredivo:ready").len(),
        1,
        "no event after destroy"
    );
    handle.destroy(); // twice is harmless
    el.remove();
}

#[wasm_bindgen_test]
async fn ready_follows_the_frame_that_shows_the_badge_and_only_its_latest_price() {
    let (el, events, handle) = embedded_badge("2400000");
    // Drawn at once from the embedded table, and re-priced in the same task: the frame
    // shows the second price, and `ready` (sent after that frame) tells only of it.
    assert!(find(&el, "button.kc-badge").is_some(), "drawn by mount()");
    handle
        .update(options(&[("amount", "3100000".into())]))
        .unwrap();
    assert_eq!(
        text(&el, ".kc-badge").as_deref(),
        Some("Cicilan mulai Rp 320.400/bulan dengan Kredivo")
    );
    assert!(
        events.named("kredivo:ready").is_empty(),
        "not before the frame"
    );
    until("ready", || {
        (!events.named("kredivo:ready").is_empty()).then_some(())
    })
    .await;
    sleep(100).await;
    let ready = events.named("kredivo:ready");
    assert_eq!(ready.len(), 1, "the superseded price sends nothing");
    assert_eq!(field(&ready[0], "amount").as_deref(), Some("3100000"));
    handle.destroy();
    el.remove();
}
