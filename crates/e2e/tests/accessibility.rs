//! Accessibility as a shopper with assistive technology meets it: axe-core (WCAG 2.0–2.2 A and
//! AA, open shadow roots included) on every state a shopper sees, and a payment made with the
//! keyboard alone — Tab, the arrow keys and Enter, from the shop's cart to the settled order.

use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use kredivo_e2e::Harness;
use serde_json::json;

const T: Duration = Duration::from_secs(20);

/// JS: whether the element `id` has a shadow root holding `sel`.
fn shadow_has(id: &str, sel: &str) -> String {
    format!(
        "(() => {{ const h = document.getElementById({id:?}); \
           return !!(h && h.shadowRoot && h.shadowRoot.querySelector({sel:?})); }})()"
    )
}

/// Puts two phones in the demo cart from the product page, as a shopper does.
async fn fill_cart(h: &Harness) -> anyhow::Result<()> {
    h.goto("/www/product.html?id=smartphone-x5").await?;
    h.wait_js(
        "add-to-cart button",
        "document.querySelector('#add-to-cart')",
        T,
    )
    .await?;
    h.js(
        "document.querySelector('#add-to-cart').click(); return true;",
        vec![],
    )
    .await?;
    h.wait_js(
        "the cart to hold the phone",
        "document.querySelector('[data-cart-count]').textContent.trim() === '1'",
        T,
    )
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_a_shopper_sees_has_no_wcag_violations() -> anyhow::Result<()> {
    let h = Harness::start("accessibility", &[]).await?;

    // The listing with its badges.
    h.goto("/").await?;
    h.wait_js(
        "every card's badge rendered",
        "(() => { const b = [...document.querySelectorAll('[data-kredivo-badge]')]; \
           return b.length >= 6 && b.every(e => e.shadowRoot && e.shadowRoot.querySelector('.kc-badge')); })()",
        T,
    )
    .await?;
    // The check sees inside shadow roots: a nameless button in one is caught.
    h.js(
        "const probe = document.createElement('div'); probe.id = 'axe-probe'; \
         probe.attachShadow({ mode: 'open' }).innerHTML = '<button></button>'; \
         document.querySelector('main').append(probe);",
        vec![],
    )
    .await?;
    let (_, caught) = h.axe("probe").await?;
    assert!(
        caught.iter().any(|v| v["id"] == "button-name"),
        "axe-core looks into shadow roots: {caught:?}"
    );
    h.js("document.getElementById('axe-probe').remove();", vec![])
        .await?;
    h.assert_accessible("listing").await?;

    // A badge's breakdown, open.
    h.js(
        "document.querySelector('[data-kredivo-badge]').shadowRoot.querySelector('.kc-badge').click();",
        vec![],
    )
    .await?;
    h.wait_js(
        "the badge's dialog open",
        "!!document.querySelector('[data-kredivo-badge]').shadowRoot.querySelector('dialog[open]')",
        T,
    )
    .await?;
    h.screenshot("badge-dialog").await?;
    h.assert_accessible("badge-dialog").await?;

    // The checkout with its plans, in both languages.
    fill_cart(&h).await?;
    h.goto("/www/cart.html").await?;
    h.wait_js(
        "the plans",
        &shadow_has("kredivo-checkout", "[role=radio]"),
        T,
    )
    .await?;
    h.screenshot("checkout").await?;
    h.assert_accessible("checkout").await?;

    // The same plans in the dark theme, and a checkout whose proxy cannot be reached.
    h.js(
        "const main = document.querySelector('main'); \
         const dark = document.createElement('div'); dark.id = 'dark'; \
         dark.dataset.kredivoCheckout = ''; dark.dataset.amount = '2400000'; \
         dark.dataset.theme = 'dark'; dark.dataset.locale = 'en'; main.append(dark); \
         const down = document.createElement('div'); down.id = 'down'; \
         down.dataset.kredivoCheckout = ''; down.dataset.amount = '2400000'; \
         down.dataset.proxy = 'http://127.0.0.1:9'; main.append(down);",
        vec![],
    )
    .await?;
    h.wait_js("the dark plans", &shadow_has("dark", "[role=radio]"), T)
        .await?;
    h.wait_js(
        "the unreachable proxy's error",
        &shadow_has("down", ".kc-error[role=alert]"),
        T,
    )
    .await?;
    h.js(
        "document.getElementById('dark').scrollIntoView(); return true;",
        vec![],
    )
    .await?;
    h.screenshot("checkout-dark-and-error").await?;
    h.assert_accessible("checkout-dark-and-error").await?;

    // The checkout without JavaScript: the proxy's fragment for a session, inside a page.
    let secret = h
        .js(
            "const [key] = arguments; \
             return fetch('/api/kredivo/v1/sessions', { method: 'POST', headers: { \
                 'authorization': 'Bearer ' + key, 'content-type': 'application/json' }, \
               body: JSON.stringify({ reference: 'A11Y-1', amount: '2400000', \
                 items: [{ id: 'smartphone-x5', name: 'Smartphone X5', price: '2400000', quantity: 1 }], \
                 customer: { first_name: 'Budi', email: 'budi@example.co.id', phone: '081234567890' }, \
                 shipping_address: { first_name: 'Budi', address: 'Jl. Sudirman 1', city: 'Jakarta', \
                   postal_code: '10220', phone: '081234567890', country_code: 'IDN' } }) }) \
             .then(r => r.json()).then(s => s.client_secret || JSON.stringify(s));",
            vec![json!(kredivo_demo::DEMO_MERCHANT_API_KEY)],
        )
        .await?;
    let secret = secret.as_str().unwrap_or_default().to_owned();
    assert!(secret.contains("_secret_"), "a session: {secret}");
    for locale in ["id", "en"] {
        h.goto("/www/return.html").await?;
        h.js(
            "const [secret, locale] = arguments; \
             return fetch('/kredivo/fallback?locale=' + locale + '&session=' + encodeURIComponent(secret)) \
               .then(r => r.text()).then(html => { \
                 document.documentElement.lang = locale; \
                 document.querySelector('main').innerHTML = '<h1>Checkout</h1>' + html; return true; });",
            vec![json!(secret), json!(locale)],
        )
        .await?;
        h.wait_js(
            "the fallback form",
            "document.querySelectorAll('form.kredivo-fallback input[type=radio]').length >= 3",
            T,
        )
        .await?;
        h.screenshot(&format!("fallback-{locale}")).await?;
        h.assert_accessible(&format!("fallback-{locale}")).await?;
    }
    h.stop().await
}

/// Presses and releases each key in `keys`, in order, on whatever has focus.
async fn press(h: &Harness, keys: &[char]) -> anyhow::Result<()> {
    let mut actions = KeyActions::new("keyboard".into());
    for &k in keys {
        actions = actions
            .then(KeyAction::Down { value: k })
            .then(KeyAction::Up { value: k });
    }
    h.client.perform_actions(actions).await?;
    h.client.release_actions().await?;
    Ok(())
}

/// JS: a description of the focused element, looking through shadow roots.
const FOCUSED: &str = "(() => { let a = document.activeElement; \
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement; \
    if (!a) return ''; \
    return [a.tagName.toLowerCase(), a.id, a.getAttribute('name') || '', \
            a.getAttribute('data-payment-type') || '', a.className || '', \
            a.getAttribute('aria-checked') || ''].join('|'); })()";

/// Presses Tab until the focused element's description contains `needle` (at most 60 times).
async fn tab_to(h: &Harness, needle: &str) -> anyhow::Result<String> {
    for _ in 0..60 {
        let focused = h.js(&format!("return {FOCUSED};"), vec![]).await?;
        let focused = focused.as_str().unwrap_or_default().to_owned();
        if focused.contains(needle) {
            return Ok(focused);
        }
        press(h, &[Key::Tab.into()]).await?;
    }
    anyhow::bail!("Tab never reached {needle:?}")
}

/// Types `text` on the keyboard into whatever has focus.
async fn type_keys(h: &Harness, text: &str) -> anyhow::Result<()> {
    press(h, &text.chars().collect::<Vec<_>>()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shopper_pays_with_the_keyboard_alone() -> anyhow::Result<()> {
    let h = Harness::start("keyboard", &[]).await?;
    fill_cart(&h).await?;
    h.goto("/www/cart.html").await?;
    h.wait_js(
        "the plans",
        &shadow_has(
            "kredivo-checkout",
            "[role=radio][data-payment-type=\"3_months\"]",
        ),
        T,
    )
    .await?;

    // Tab reaches the plan group once (roving focus: the checked plan), the arrows choose.
    let first = tab_to(&h, "kc-plan").await?;
    assert!(
        first.ends_with("|true"),
        "focus lands on the checked plan: {first}"
    );
    let mut chosen = first.clone();
    for _ in 0..4 {
        press(&h, &[Key::Down.into()]).await?;
        chosen = h
            .js(&format!("return {FOCUSED};"), vec![])
            .await?
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if chosen.contains("|6_months|") {
            break;
        }
    }
    assert!(
        chosen.contains("|6_months|") && chosen.ends_with("|true"),
        "ArrowDown moves focus and the choice together: {chosen}"
    );
    h.screenshot("plan-chosen-by-keyboard").await?;

    // Tab to the Kredivo button, Enter: the sandbox's sign-in.
    tab_to(&h, "kc-pay").await?;
    press(&h, &[Key::Enter.into()]).await?;
    h.wait_url("/sandbox/", T).await?;
    h.wait_js(
        "the sign-in form",
        "document.querySelector('input[name=phone]')",
        T,
    )
    .await?;
    tab_to(&h, "|phone|").await?;
    type_keys(&h, "81513114262").await?;
    tab_to(&h, "|pin|").await?;
    type_keys(&h, "663482").await?;
    press(&h, &[Key::Enter.into()]).await?;
    h.wait_js(
        "the OTP form",
        "document.querySelector('input[name=otp]')",
        T,
    )
    .await?;
    tab_to(&h, "|otp|").await?;
    type_keys(&h, "4567").await?;
    press(&h, &[Key::Enter.into()]).await?;
    h.wait_js(
        "the confirmation form",
        "document.querySelector('#confirm-form #pay')",
        T,
    )
    .await?;
    let preselected = h
        .js(
            "const r = document.querySelector('#confirm-form input[name=payment_type]:checked'); \
             return r ? r.value : null;",
            vec![],
        )
        .await?;
    assert_eq!(
        preselected, "6_months",
        "the keyboard's choice reached Kredivo"
    );
    tab_to(&h, "button|pay|").await?;
    press(&h, &[Key::Enter.into()]).await?;

    h.wait_url("/www/return.html", T).await?;
    h.wait_js(
        "the settled order",
        "(() => { const e = document.querySelector('#order-status'); \
           return e && e.dataset.status === 'settled'; })()",
        Duration::from_secs(30),
    )
    .await?;
    h.screenshot("settled").await?;
    h.stop().await
}
