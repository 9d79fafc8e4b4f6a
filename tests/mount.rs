//! Mounting: data attributes, the JS API, single-page-app additions and removals, loading
//! twice, and destroy.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn elements_mount_from_data_attributes_with_an_open_shadow_root_and_the_stylesheet() {
    boot();
    let _fetch = FakeFetch::install(|_| Reply::Json(200, doc_plans()));
    let el = host(&[
        ("data-kredivo-checkout", ""),
        ("data-amount", "2400000"),
        ("data-theme", "dark"),
        ("data-proxy", "http://attrs.test"),
    ]);
    until("plans", || find(&el, "[role=radio]")).await;
    let root = shadow(&el);
    let link = root
        .query_selector("link[rel=stylesheet]")
        .unwrap()
        .unwrap();
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("/kredivo-test.css")
    );
    // The loader's nonce (boot's `nonce`), for pages that allow styles by nonce only.
    assert_eq!(link.get_attribute("nonce").as_deref(), Some("test-nonce"));
    assert_eq!(
        find(&el, ".kc")
            .unwrap()
            .get_attribute("data-theme")
            .as_deref(),
        Some("dark")
    );
    assert_eq!(
        find(&el, ".kc").unwrap().get_attribute("lang").as_deref(),
        Some("id-ID")
    );
    el.remove();
}

#[wasm_bindgen_test]
async fn the_exported_api_mounts_updates_and_destroys() {
    boot();
    let fetch = FakeFetch::install(|c| {
        let amount: i64 = c
            .body
            .trim_start_matches(r#"{"amount":""#)
            .trim_end_matches(r#""}"#)
            .parse()
            .unwrap_or(0);
        Reply::Json(200, simple_plans(amount))
    });
    // A plain div without data attributes, mounted from script.
    let el = host(&[]);
    let events = Events::listen(&el);
    let handle = js_mount(
        &el,
        &options(&[
            ("amount", 300_000.into()),
            ("locale", "en".into()),
            ("proxy", "http://api.test".into()),
        ]),
    )
    .unwrap();
    until("plans", || {
        text(&el, ".kc-plan").filter(|t| t.contains("Rp 100,000"))
    })
    .await;

    handle
        .update(options(&[("amount", "600000".into())]))
        .map_err(JsValue::from)
        .unwrap();
    until("updated", || {
        text(&el, ".kc-plan").filter(|t| t.contains("Rp 200,000"))
    })
    .await;

    // Mounting the same element again is the same widget, not a second one.
    sleep(50).await;
    let before = kredivo_checkout::host::mounted_count();
    let again = js_mount(&el, &JsValue::UNDEFINED).unwrap();
    assert_eq!(kredivo_checkout::host::mounted_count(), before);
    assert_eq!(
        shadow(&el)
            .query_selector_all(".kc-shell")
            .unwrap()
            .length(),
        1
    );
    assert!(again.mounted());

    let bad = js_mount(&host(&[]), &options(&[("amount", "12.5".into())]));
    assert!(bad.is_err(), "invalid options throw");
    // A property of the wrong type is named in the error.
    let message = |opts: JsValue| {
        let e = js_mount(&host(&[]), &opts).err().expect("mount throws");
        String::from(js_sys::Error::from(e).message())
    };
    for (opts, expected) in [
        (options(&[("proxy", 5.into())]), "`proxy` must be a string"),
        (
            options(&[("buttonWidth", "wide".into())]),
            "`buttonWidth` must be a whole number of pixels",
        ),
        (
            options(&[("amount", true.into())]),
            "`amount` must be a string of digits or a whole number",
        ),
        (options(&[("cart", "p1".into())]), "`cart` must be an array"),
        (JsValue::from(7), "expected an object"),
    ] {
        let got = message(opts);
        assert!(got.contains(expected), "{got}");
    }
    // A whole number is an amount; a fraction is reported as one.
    assert!(js_mount(&host(&[]), &options(&[("amount", 1.5.into())])).is_err());

    handle.destroy();
    assert_eq!(
        shadow(&el).child_element_count(),
        0,
        "shadow content is gone"
    );
    assert!(!handle.mounted());
    let (calls, seen) = (fetch.calls().len(), events.len());
    el.set_attribute("data-amount", "900000").unwrap();
    sleep(400).await;
    assert_eq!(fetch.calls().len(), calls, "no request after destroy");
    assert_eq!(events.len(), seen, "no event after destroy");
    handle.destroy(); // twice is harmless
    el.remove();
}

#[wasm_bindgen_test]
async fn booting_twice_and_spa_additions_mount_each_element_once() {
    boot();
    boot();
    let _fetch = FakeFetch::install(|_| Reply::Json(200, doc_plans()));
    let doc = web_sys::window().unwrap().document().unwrap();
    // A single-page app renders a subtree later.
    let wrapper = doc.create_element("section").unwrap();
    wrapper.set_inner_html(
        r#"<div id="spa-a" data-kredivo-checkout data-amount="2400000" data-proxy="http://spa.test"></div>
           <p><span id="spa-b" data-kredivo-badge data-amount="2400000" data-pricing="embedded"></span></p>"#,
    );
    sleep(50).await; // let earlier tests' removals reach the observer
    let before = kredivo_checkout::host::mounted_count();
    doc.body().unwrap().append_child(&wrapper).unwrap();
    let a = doc.get_element_by_id("spa-a").unwrap();
    let b = doc.get_element_by_id("spa-b").unwrap();
    until("spa checkout", || find(&a, "[role=radio]")).await;
    until("spa badge", || find(&b, ".kc-badge")).await;
    assert_eq!(kredivo_checkout::host::mounted_count(), before + 2);
    kredivo_checkout::surface::boot_with(Default::default()).unwrap();
    kredivo_checkout::host::scan(&doc.document_element().unwrap());
    assert_eq!(
        kredivo_checkout::host::mounted_count(),
        before + 2,
        "a rescan mounts nothing twice"
    );
    assert_eq!(
        shadow(&a).query_selector_all(".kc-shell").unwrap().length(),
        1
    );

    // Moving an element keeps its widget; removing it destroys it.
    doc.body().unwrap().append_child(&a).unwrap();
    sleep(50).await;
    assert!(
        kredivo_checkout::host::id_of(&a).is_some(),
        "a moved host stays mounted"
    );
    wrapper.remove();
    a.remove();
    until("removed hosts destroyed", || {
        (kredivo_checkout::host::mounted_count() == before).then_some(())
    })
    .await;
    assert_eq!(shadow(&b).child_element_count(), 0);
}

#[wasm_bindgen_test]
async fn a_malformed_attribute_shows_invalid_options() {
    boot();
    let _fetch = FakeFetch::install(|_| Reply::Json(200, doc_plans()));
    let el = host(&[
        ("data-kredivo-checkout", ""),
        ("data-cart", "not json"),
        ("data-proxy", "http://bad.test"),
    ]);
    let events = Events::listen(&el);
    let shown = until("invalid options", || {
        find(&el, r#".kc-error[data-code="invalid_options"]"#)
    })
    .await;
    assert!(shown
        .text_content()
        .unwrap()
        .contains("Widget Kredivo ini belum diatur dengan benar."));
    let errors = events.named("kredivo:error");
    assert_eq!(errors.len(), 1);
    assert_eq!(
        field(&errors[0], "code").as_deref(),
        Some("invalid_options")
    );
    el.set_attribute("data-cart", r#"[{"product_id":"p","quantity":1}]"#)
        .unwrap();
    until("recovers", || find(&el, "[role=radio]")).await;
    el.remove();
}
