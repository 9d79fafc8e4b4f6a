//! A shopper's whole journey in the browser, shared by the one-process and the replica tests:
//! listing → product → cart → choose 6 months → Kredivo button → sandbox sign-in (phone, PIN,
//! OTP) → back at the store with the order settled by a push the proxy confirmed with the
//! provider.

use std::time::Duration;

use crate::Harness;

const T: Duration = Duration::from_secs(20);

/// JS: the text inside the first element matching `sel` in the shadow root of `host`.
fn shadow(host: &str, sel: &str) -> String {
    format!(
        "(() => {{ const h = document.querySelector({host:?}); \
           const r = h && h.shadowRoot; const e = r && r.querySelector({sel:?}); \
           return e ? (e.textContent || 'present') : null; }})()"
    )
}

/// JS: clicks the first element matching `sel` inside `host`'s shadow root.
pub fn shadow_click(host: &str, sel: &str) -> String {
    format!(
        "document.querySelector({host:?}).shadowRoot.querySelector({sel:?}).click(); return true;"
    )
}

/// Buys two phones in 6 months on the store `h` is attached to; returns the settled order's id.
pub async fn buy_two_phones_in_six_months(h: &Harness) -> anyhow::Result<String> {
    // Listing: every product card carries a badge computed in the browser.
    h.goto("/").await?;
    h.wait_js(
        "product cards",
        "document.querySelectorAll('a[data-product-id]').length >= 6",
        T,
    )
    .await?;
    // Doc 000's example amount: 12 months at Rp 248.050 is the cheapest monthly plan.
    let phone_badge = "[data-kredivo-badge][data-amount=\"2400000\"]";
    let badge = h
        .wait_js("the phone's badge", &shadow(phone_badge, ".kc-badge"), T)
        .await?;
    let badge = badge
        .as_str()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(badge, "Cicilan mulai Rp 248.050/bulan dengan Kredivo");
    h.screenshot("listing").await?;

    // Product page: open the phone, buy two.
    h.js(
        "document.querySelector('a[data-product-id=\"smartphone-x5\"]').click(); return true;",
        vec![],
    )
    .await?;
    h.wait_url("product", T).await?;
    h.wait_js(
        "add-to-cart button",
        "document.querySelector('#add-to-cart')",
        T,
    )
    .await?;
    h.wait_js(
        "product badge",
        &shadow("[data-kredivo-badge]", ".kc-badge"),
        T,
    )
    .await?;
    let before = h
        .js(
            &format!("return {};", shadow("[data-kredivo-badge]", ".kc-badge")),
            vec![],
        )
        .await?;
    h.js(
        "const q = document.querySelector('#quantity'); q.value = '2'; \
         q.dispatchEvent(new Event('input', {bubbles: true})); \
         q.dispatchEvent(new Event('change', {bubbles: true})); return true;",
        vec![],
    )
    .await?;
    h.wait_js(
        "the badge to follow the quantity",
        &format!(
            "{} !== {}",
            shadow("[data-kredivo-badge]", ".kc-badge"),
            before
        ),
        T,
    )
    .await?;
    h.screenshot("product").await?;
    h.js(
        "document.querySelector('#add-to-cart').click(); return true;",
        vec![],
    )
    .await?;
    h.wait_js(
        "the cart to hold both phones",
        "document.querySelector('[data-cart-count]').textContent.trim() === '2'",
        T,
    )
    .await?;

    // Cart: the checkout widget lists the plans from the proxy.
    h.goto("/www/cart.html").await?;
    let host = "#kredivo-checkout";
    h.wait_js(
        "the 6-month plan",
        &shadow(host, "[role=radio][data-payment-type=\"6_months\"]"),
        T,
    )
    .await?;
    h.js(
        &shadow_click(host, "[role=radio][data-payment-type=\"6_months\"]"),
        vec![],
    )
    .await?;
    h.wait_js(
        "6 months selected",
        &format!(
            "document.querySelector({host:?}).shadowRoot\
               .querySelector('[data-payment-type=\"6_months\"]')\
               .getAttribute('aria-checked') === 'true'"
        ),
        T,
    )
    .await?;
    h.screenshot("checkout").await?;

    // The Kredivo button sends the shopper to the (sandbox) hosted sign-in.
    h.js(&shadow_click(host, "button.kc-pay"), vec![]).await?;
    let chosen = sign_in_and_confirm_at_the_sandbox(h).await?;
    assert_eq!(chosen, "6_months", "the widget's choice is preselected");

    let url = h.wait_url("/www/return.html", T).await?;
    let status = h
        .wait_js(
            "the settled order",
            "(() => { const e = document.querySelector('#order-status'); \
               return e && e.dataset.status === 'settled' ? e.dataset.status : null; })()",
            Duration::from_secs(30),
        )
        .await?;
    assert_eq!(status, "settled", "return page at {url}");
    h.screenshot("settled").await?;

    // The proxy agrees: the order is settled, as confirmed with the provider.
    let order_id = url
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("order_id="))
        .map(str::to_owned)
        .expect("the return URL names the order");
    let (code, order) = h
        .http_json("GET", &format!("/api/kredivo/v1/orders/{order_id}"), None)
        .await?;
    assert_eq!(code, 200, "{order}");
    assert_eq!(order["status"], "settled", "{order}");
    assert_eq!(order["payment_type"], "6_months", "{order}");
    Ok(order_id)
}

/// The shopper at Kredivo's hosted pages (the sandbox's), after the Kredivo button: signs in
/// with doc 000's sandbox phone and PIN, enters the OTP and confirms the plan preselected
/// there, with a screenshot of each page. Returns that plan (the widget's choice).
pub async fn sign_in_and_confirm_at_the_sandbox(h: &Harness) -> anyhow::Result<String> {
    h.wait_url("/sandbox/", T).await?;
    h.wait_js(
        "the sign-in form",
        "document.querySelector('input[name=phone]')",
        T,
    )
    .await?;
    h.screenshot("signin").await?;
    h.js(
        "document.querySelector('input[name=phone]').value = '81513114262'; \
         document.querySelector('input[name=pin]').value = '663482'; \
         document.querySelector('#signin-form #submit').click(); return true;",
        vec![],
    )
    .await?;
    h.wait_js(
        "the OTP form",
        "document.querySelector('input[name=otp]')",
        T,
    )
    .await?;
    h.screenshot("otp").await?;
    h.js(
        "document.querySelector('input[name=otp]').value = '4567'; \
         document.querySelector('#otp-form #submit').click(); return true;",
        vec![],
    )
    .await?;
    h.wait_js(
        "the confirmation form",
        "document.querySelector('#confirm-form #pay')",
        T,
    )
    .await?;
    let chosen = h
        .js(
            "const r = document.querySelector('#confirm-form input[name=payment_type]:checked'); \
             return r ? r.value : null;",
            vec![],
        )
        .await?;
    h.screenshot("confirm").await?;
    h.js(
        "document.querySelector('#pay').click(); return true;",
        vec![],
    )
    .await?;
    Ok(chosen.as_str().unwrap_or_default().to_owned())
}

/// The same at Kredivo's hosted pages for a browser that runs no script: WebDriver types and
/// clicks, the pages post plain forms. Returns the plan preselected on the confirmation form
/// (the one the shop's form sent).
pub async fn sign_in_and_confirm_without_script(h: &Harness) -> anyhow::Result<Option<String>> {
    use fantoccini::Locator;

    // Off the shop's page first: its form has a phone field of its own.
    h.wait_url("/sandbox/", T).await?;
    let c = &h.client;
    let type_into = |css: &'static str, value: &'static str| async move {
        let input = c.wait().at_most(T).for_element(Locator::Css(css)).await?;
        input.clear().await?;
        input.send_keys(value).await?;
        anyhow::Ok(())
    };
    type_into("input[name=phone]", "81513114262").await?;
    type_into("input[name=pin]", "663482").await?;
    c.find(Locator::Css("#signin-form #submit"))
        .await?
        .click()
        .await?;
    type_into("input[name=otp]", "4567").await?;
    c.find(Locator::Css("#otp-form #submit"))
        .await?
        .click()
        .await?;
    let chosen = c
        .wait()
        .at_most(T)
        .for_element(Locator::Css(
            "#confirm-form input[name=payment_type]:checked",
        ))
        .await?
        .attr("value")
        .await?;
    c.find(Locator::Css("#confirm-form #pay"))
        .await?
        .click()
        .await?;
    Ok(chosen)
}
