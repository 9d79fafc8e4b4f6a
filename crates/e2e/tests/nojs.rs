//! The demo store without JavaScript (issue 18): its server-rendered pages (`/shop`, the
//! demo's `src/shop/`) build a catalogue cart with plain form posts and embed the proxy's
//! checkout fragment for it. Once in Chromium with JavaScript switched off — products chosen,
//! a refused detail named on the proxy's error page, plan chosen, Kredivo's sign-in, back at
//! the store, settled, with Kredivo's push received and confirmed — and once with JavaScript
//! on, where the widget mounts over the same form, pays, and axe-core checks the form's markup
//! (axe is injected by script, so it runs on the same markup with the scripts taken out).

use std::time::Duration;

use fantoccini::{Client, Locator};
use kredivo_e2e::journey::{shadow_click, sign_in_and_confirm_at_the_sandbox};
use kredivo_e2e::Harness;
use serde_json::Value;

const T: Duration = Duration::from_secs(20);
const ADMIN: &str = "admin-token-for-the-nojs-e2e";

/// Types `value` into the input `css` (WebDriver's own keys: no script needed).
async fn type_into(c: &Client, css: &str, value: &str) -> anyhow::Result<()> {
    let input = c.find(Locator::Css(css)).await?;
    input.clear().await?;
    input.send_keys(value).await?;
    Ok(())
}

/// Doc 000's sandbox shopper, typed into the fragment's fields; `phone` as given.
async fn fill_in_the_shopper(c: &Client, phone: &str) -> anyhow::Result<()> {
    for (name, value) in [
        ("first_name", "Oemang"),
        ("last_name", "Tandra"),
        ("email", "alie@satuduatiga.com"),
        ("phone", phone),
        ("address", "Jalan Teknologi Indonesia No. 25"),
        ("city", "Jakarta"),
        ("postal_code", "12960"),
    ] {
        type_into(c, &format!("#kredivo-{name}"), value).await?;
    }
    Ok(())
}

/// The order as the admin API shows it (lines, events, the provider's pushes).
async fn admin_order(base: &str, order_id: &str) -> anyhow::Result<Value> {
    let answer = reqwest::Client::new()
        .get(format!("{base}/api/kredivo/v1/admin/orders/{order_id}"))
        .bearer_auth(ADMIN)
        .send()
        .await?;
    anyhow::ensure!(
        answer.status().is_success(),
        "admin API: {}",
        answer.status()
    );
    Ok(answer.json().await?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shopper_without_javascript_buys_from_the_catalogue_and_pays_through_the_servers_form(
) -> anyhow::Result<()> {
    let h = Harness::start_browser("nojs-cart", 0, &[("ADMIN_TOKEN", ADMIN)], false).await?;
    let c = &h.client;

    // The script store says where to go when no script runs.
    h.goto("/").await?;
    let hint = c
        .find(Locator::Css("p.nojs-hint a[href=\"/shop\"]"))
        .await?;
    assert!(hint.is_displayed().await?, "the <noscript> hint shows");
    h.screenshot("nojs-hint").await?;
    hint.click().await?;

    // The catalogue as one form: a phone and two bags of coffee.
    h.wait_url("/shop", T).await?;
    type_into(c, "#qty-smartphone-x5", "1").await?;
    type_into(c, "#qty-kopi-gayo-250g", "2").await?;
    h.screenshot("nojs-catalogue").await?;
    c.find(Locator::Css("form.nojs-form button[type=submit]"))
        .await?
        .click()
        .await?;

    // The checkout page: the cart priced by the proxy, its form inside the widget's div.
    h.wait_url("/shop/checkout", T).await?;
    let form = Locator::Css("#kredivo-checkout form.kredivo-fallback");
    c.wait().at_most(T).for_element(form).await?;
    let total = c.find(Locator::Css("#cart-total")).await?.text().await?;
    assert_eq!(total, "Rp 2.590.000", "2,400,000 + 2 × 95,000");
    h.screenshot("nojs-checkout-page").await?;
    let plans = c
        .find_all(Locator::Css(
            "#kredivo-checkout input[type=radio][name=payment_type]",
        ))
        .await?;
    assert!(plans.len() >= 3, "the plans are offered: {}", plans.len());

    // A detail the browser lets through but the proxy refuses: named in the shopper's words.
    fill_in_the_shopper(c, "0815-abc").await?;
    c.find(Locator::Css("#kredivo-plan-6_months"))
        .await?
        .click()
        .await?;
    c.find(Locator::Css("#kredivo-checkout button[type=submit]"))
        .await?
        .click()
        .await?;
    h.wait_url("/kredivo/error", T).await?;
    let alert = c
        .find(Locator::Css("[role=alert][data-code=invalid_request]"))
        .await?;
    assert!(alert
        .text()
        .await?
        .contains("Ada data yang kosong atau belum benar"));
    let fields = c.find_all(Locator::Css("li[data-field]")).await?;
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].text().await?, "Nomor HP");
    h.screenshot("nojs-refused-detail").await?;
    c.find(Locator::LinkText("Kembali")).await?.click().await?;

    // Back at the checkout: a fresh form; the details right this time.
    h.wait_url("/shop/checkout", T).await?;
    c.wait()
        .at_most(T)
        .for_element(Locator::Css("#kredivo-checkout form.kredivo-fallback"))
        .await?;
    fill_in_the_shopper(c, "081513114262").await?;
    c.find(Locator::Css("#kredivo-plan-6_months"))
        .await?
        .click()
        .await?;
    h.screenshot("nojs-checkout").await?;
    c.find(Locator::Css("#kredivo-checkout button[type=submit]"))
        .await?
        .click()
        .await?;

    // Kredivo's sign-in, plain forms.
    c.wait()
        .at_most(T)
        .for_element(Locator::Css("input[name=phone]"))
        .await?;
    type_into(c, "input[name=phone]", "81513114262").await?;
    type_into(c, "input[name=pin]", "663482").await?;
    c.find(Locator::Css("#signin-form #submit"))
        .await?
        .click()
        .await?;
    c.wait()
        .at_most(T)
        .for_element(Locator::Css("input[name=otp]"))
        .await?;
    type_into(c, "input[name=otp]", "4567").await?;
    c.find(Locator::Css("#otp-form #submit"))
        .await?
        .click()
        .await?;
    let confirm = c
        .wait()
        .at_most(T)
        .for_element(Locator::Css(
            "#confirm-form input[name=payment_type]:checked",
        ))
        .await?;
    assert_eq!(
        confirm.attr("value").await?.as_deref(),
        Some("6_months"),
        "the form's plan is preselected at Kredivo"
    );
    c.find(Locator::Css("#confirm-form #pay"))
        .await?
        .click()
        .await?;

    // Back at the store: the return page sends a browser without script to the server-rendered
    // status, which refreshes itself until the order is final.
    let url = h.wait_url("/shop/order?order_id=", T).await?;
    c.wait()
        .at_most(Duration::from_secs(40))
        .for_element(Locator::Css("#order-status[data-status=settled]"))
        .await?;
    h.screenshot("nojs-settled").await?;
    let order_id = url
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("order_id="))
        .expect("the order's id")
        .to_owned();

    // What the proxy holds: the catalogue's amount, the form's shopper, and the provider's push.
    let deadline = std::time::Instant::now() + T;
    let detail = loop {
        let detail = admin_order(&h.base, &order_id).await?;
        let pushed = detail["notifications"].as_array().is_some_and(|n| {
            n.iter()
                .any(|n| n["verdict"] == "applied" || n["verdict"] == "duplicate")
        });
        if pushed || std::time::Instant::now() > deadline {
            break detail;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(detail["order"]["status"], "settled", "{detail}");
    assert_eq!(detail["order"]["amount"], "2590000", "{detail}");
    assert_eq!(detail["order"]["payment_type"], "6_months");
    assert_eq!(
        detail["order"]["shopper"]["customer"]["email"],
        "alie@satuduatiga.com"
    );
    let verdicts: Vec<&str> = detail["notifications"]
        .as_array()
        .map(|n| n.iter().filter_map(|n| n["verdict"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        verdicts
            .iter()
            .any(|v| *v == "applied" || *v == "duplicate"),
        "Kredivo's push arrived and was confirmed: {verdicts:?}"
    );
    let orders = reqwest::Client::new()
        .get(format!("{}/api/kredivo/v1/admin/orders", h.base))
        .bearer_auth(ADMIN)
        .send()
        .await?
        .json::<Value>()
        .await?;
    assert_eq!(
        orders["orders"].as_array().map(Vec::len),
        Some(1),
        "the refused form made no order: {orders}"
    );

    // Paid: the store starts a new cart.
    h.goto("/shop/checkout").await?;
    h.wait_url("/shop?", T).await?;
    h.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_the_widget_mounts_over_the_same_form_and_its_markup_passes_axe(
) -> anyhow::Result<()> {
    let h = Harness::start("nojs-cart-js", &[]).await?;
    let c = &h.client;

    // The catalogue page has no script of its own: this is what a browser without one gets.
    h.goto("/shop?lang=en").await?;
    h.assert_accessible("nojs-catalogue").await?;
    type_into(c, "#qty-smartphone-x5", "1").await?;
    c.find(Locator::Css("form.nojs-form button[type=submit]"))
        .await?
        .click()
        .await?;
    h.wait_url("/shop/checkout", T).await?;

    // The widget covers the proxy's form; the shopper's fields move out above it.
    let host = "#kredivo-checkout";
    h.wait_js(
        "the widget's 6-month plan",
        &format!(
            "document.querySelector({host:?}).shadowRoot\
               .querySelector('[role=radio][data-payment-type=\"6_months\"]')"
        ),
        T,
    )
    .await?;
    h.wait_js(
        "the shopper's fields lifted out of the covered form",
        "document.querySelector('#shopper-form > .kredivo-fallback-shopper') \
           && !document.querySelector('#kredivo-checkout .kredivo-fallback-shopper')",
        T,
    )
    .await?;
    h.screenshot("js-checkout").await?;
    h.js(
        "document.querySelector('#kredivo-checkout').scrollIntoView(); return true;",
        vec![],
    )
    .await?;
    h.screenshot("js-widget").await?;

    // The fallback's markup as the server sent it, without its scripts (axe is injected by
    // script, so it cannot run where no script does): the same document in this tab.
    let sent = h
        .js(
            "return fetch('/shop/checkout?lang=en').then(r => r.text());",
            vec![],
        )
        .await?;
    let sent = sent.as_str().unwrap_or_default().to_owned();
    assert!(sent.contains("form class=\"kredivo-fallback\""), "{sent}");
    h.js(
        "const doc = new DOMParser().parseFromString(arguments[0], 'text/html');
         for (const s of doc.querySelectorAll('script')) s.remove();
         document.replaceChild(document.adoptNode(doc.documentElement), document.documentElement);
         return true;",
        vec![Value::String(sent)],
    )
    .await?;
    h.wait_js(
        "the store's stylesheet on the copy",
        "[...document.styleSheets].some(s => s.href && s.href.endsWith('/www/store.css')) \
           && document.querySelector('#kredivo-checkout form.kredivo-fallback')",
        T,
    )
    .await?;
    h.screenshot("fallback-markup").await?;
    h.assert_accessible("nojs-checkout-form").await?;

    // The proxy's error page with the fields to fix.
    h.goto("/kredivo/error?code=invalid_request&locale=en&fields=email,phone")
        .await?;
    h.assert_accessible("nojs-error-page").await?;

    // The widget over the form pays, with the details typed into the lifted fields.
    h.goto("/shop/checkout?lang=en").await?;
    h.wait_js(
        "the lifted fields",
        "document.querySelector('#shopper-form #kredivo-email')",
        T,
    )
    .await?;
    fill_in_the_shopper(c, "081513114262").await?;
    h.wait_js(
        "the widget's 6-month plan",
        &format!(
            "document.querySelector({host:?}).shadowRoot\
               .querySelector('[role=radio][data-payment-type=\"6_months\"]')"
        ),
        T,
    )
    .await?;
    h.js(
        &shadow_click(host, "[role=radio][data-payment-type=\"6_months\"]"),
        vec![],
    )
    .await?;
    h.js(&shadow_click(host, "button.kc-pay"), vec![]).await?;
    let chosen = sign_in_and_confirm_at_the_sandbox(&h).await?;
    assert_eq!(chosen, "6_months");
    h.wait_url("/www/return.html", T).await?;
    let status = h
        .wait_js(
            "the settled order",
            "(() => { const e = document.querySelector('#order-status'); \
               return e && e.dataset.status === 'settled' ? e.dataset.status : null; })()",
            Duration::from_secs(30),
        )
        .await?;
    assert_eq!(status, "settled");
    h.screenshot("js-settled").await?;
    h.stop().await
}
