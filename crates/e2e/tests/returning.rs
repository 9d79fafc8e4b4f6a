//! Returning shoppers, end to end in headless Chromium against the demo (issue 17): the shop's
//! server names its customer (`client_user_key`) and asks for tokenization; the first purchase
//! signs in at Kredivo (the sandbox); the second is one click with no sign-in page; the
//! remaining limit shows on each plan and a plan above it cannot be chosen; after the shopper
//! unlinks the shop in the Kredivo app, the next purchase signs in again.

use std::time::Duration;

use kredivo_e2e::journey::{shadow_click, sign_in_and_confirm_at_the_sandbox};
use kredivo_e2e::Harness;
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(20);
const HOST: &str = "[data-kredivo-checkout]";

/// What the shop's server does: a session for `amount` of one item, for customer `customer`,
/// tokenized. Returns the client secret.
async fn session(
    h: &Harness,
    reference: &str,
    amount: u64,
    customer: &str,
) -> anyhow::Result<String> {
    let body = json!({
        "reference": reference,
        "amount": amount.to_string(),
        "items": [{ "id": "laptop-14", "name": "Laptop 14", "price": amount.to_string(), "quantity": 1 }],
        "customer": { "first_name": "Budi", "email": "budi@example.co.id", "phone": "081513114262" },
        "shipping_address": { "first_name": "Budi", "address": "Jl. Sudirman 1", "city": "Jakarta",
            "postal_code": "10220", "phone": "081513114262", "country_code": "IDN" },
        "client_user_key": customer,
        "tokenize": true,
    });
    let (status, answer) = merchant(h, "POST", "/api/kredivo/v1/sessions", Some(body)).await?;
    anyhow::ensure!(status == 201 || status == 200, "session: {status} {answer}");
    Ok(answer["client_secret"]
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

/// A call with the merchant key, as the shop's server makes it (the demo is same-origin, so
/// the test makes it through the browser's fetch; no shop page ever holds the key).
async fn merchant(
    h: &Harness,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> anyhow::Result<(u16, Value)> {
    let v = h
        .js(
            "const [m, p, b, key] = arguments; \
             return fetch(p, { method: m, headers: { 'authorization': 'Bearer ' + key, \
                 'content-type': 'application/json' }, body: b === null ? undefined : JSON.stringify(b) }) \
               .then(async r => [r.status, await r.text()]);",
            vec![
                json!(method),
                json!(path),
                body.unwrap_or(Value::Null),
                json!(kredivo_demo::DEMO_MERCHANT_API_KEY),
            ],
        )
        .await?;
    let text = v[1].as_str().unwrap_or_default();
    Ok((
        v[0].as_u64().unwrap_or(0) as u16,
        serde_json::from_str(text).unwrap_or(Value::String(text.to_owned())),
    ))
}

/// JS: the text of `sel` in the widget's shadow root, or null.
fn shadow_text(sel: &str) -> String {
    format!(
        "const r = document.querySelector({HOST:?})?.shadowRoot; \
         const e = r && r.querySelector({sel:?}); return e ? e.textContent : null;"
    )
}

/// Opens the demo's session page for `secret` and waits for the plans.
async fn open(h: &Harness, secret: &str) -> anyhow::Result<()> {
    h.goto(&format!("/www/session.html?session={secret}"))
        .await?;
    h.wait_js(
        "the plans",
        &format!(
            "document.querySelector({HOST:?})?.shadowRoot?.querySelectorAll('[role=radio]').length >= 3"
        ),
        T,
    )
    .await?;
    Ok(())
}

/// The first purchase: Kredivo's sign-in, then back at the shop; waits until the customer's
/// token is stored.
async fn first_purchase(h: &Harness, customer: &str) -> anyhow::Result<()> {
    // The shop's origin, for the calls its "server" makes through the browser.
    h.goto("/www/session.html").await?;
    let secret = session(h, &format!("{customer}-1"), 2_400_000, customer).await?;
    open(h, &secret).await?;
    anyhow::ensure!(
        h.js(&shadow_text(".kc-limit"), vec![]).await?.is_null(),
        "no limit is known before the first purchase"
    );
    h.js(&shadow_click(HOST, "button.kc-pay"), vec![]).await?;
    sign_in_and_confirm_at_the_sandbox(h).await?;
    h.wait_url("/www/return.html", T).await?;
    let path = format!("/api/kredivo/v1/customers/{customer}/token");
    for _ in 0..100 {
        let (status, token) = merchant(h, "GET", &path, None).await?;
        if status == 200 && token["active"] == json!(true) {
            assert!(
                token.get("user_token").is_none(),
                "the token never leaves the proxy: {token}"
            );
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    anyhow::bail!("the customer's token was never stored")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_returning_shopper_pays_in_one_click_and_sees_the_remaining_limit() -> anyhow::Result<()>
{
    let h = Harness::start("returning", &[]).await?;
    first_purchase(&h, "cust-42").await?;

    // (1) The second purchase: one click, no sign-in page, settled.
    let secret = session(&h, "cust-42-2", 2_400_000, "cust-42").await?;
    open(&h, &secret).await?;
    // The first purchase (30 days, the first plan) used 2.4 M of the 30-day limit's 20 M;
    // the installment limit (30 M) is untouched.
    let limit = h
        .js(
            &shadow_text("[data-payment-type='30_days'] .kc-limit"),
            vec![],
        )
        .await?;
    assert_eq!(limit, json!("Sisa limit Rp 17.600.000"));
    let limit = h
        .js(
            &shadow_text("[data-payment-type='3_months'] .kc-limit"),
            vec![],
        )
        .await?;
    assert_eq!(limit, json!("Sisa limit Rp 30.000.000"));
    h.screenshot("express-plans").await?;
    h.js(&shadow_click(HOST, "button.kc-pay"), vec![]).await?;
    h.wait_js(
        "the express checkout settled",
        &format!(
            "document.querySelector({HOST:?}).shadowRoot.querySelector('.kc-status[data-status=settled]') !== null"
        ),
        Duration::from_secs(40),
    )
    .await?;
    let url = h.client.current_url().await?;
    assert!(
        url.path().starts_with("/www/session.html"),
        "never left the shop: {url}"
    );
    let done = h.js(&shadow_text(".kc-status"), vec![]).await?;
    assert_eq!(done, json!("Pembayaran berhasil. Terima kasih!"));
    h.screenshot("express-settled").await?;

    // (2) A cart of Rp 21,000,000: above what is left of the 30-day limit (20 M - 2 x 2.4 M
    // = 15.2 M) but within the installment limit (30 M): 30 days is shown, disabled with the
    // reason; 3 months is chosen.
    let secret = session(&h, "cust-42-3", 21_000_000, "cust-42").await?;
    open(&h, &secret).await?;
    let state = h
        .js(
            &format!(
                "const r = document.querySelector({HOST:?}).shadowRoot; \
                 const p = t => r.querySelector(`[data-payment-type='${{t}}']`); \
                 return [p('30_days').getAttribute('aria-disabled'), p('30_days').getAttribute('aria-label'), \
                         p('3_months').getAttribute('aria-disabled'), \
                         r.querySelector('[role=radio][aria-checked=true]').dataset.paymentType, \
                         p('30_days').querySelector('.kc-limit').textContent];"
            ),
            vec![],
        )
        .await?;
    assert_eq!(state[0], json!("true"), "{state}");
    assert!(
        state[1]
            .as_str()
            .unwrap_or_default()
            .ends_with("Melebihi sisa limit Anda (Sisa limit Rp 15.200.000)"),
        "a screen reader hears why: {state}"
    );
    assert_eq!(state[2], Value::Null, "{state}");
    assert_eq!(state[3], json!("3_months"), "{state}");
    assert_eq!(
        state[4],
        json!("Melebihi sisa limit Anda (Sisa limit Rp 15.200.000)"),
        "{state}"
    );
    h.screenshot("limit").await?;
    h.assert_accessible("limit").await?;
    h.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_unlinked_in_the_kredivo_app_sends_the_next_purchase_through_sign_in(
) -> anyhow::Result<()> {
    let h = Harness::start("unlinked", &[]).await?;
    first_purchase(&h, "cust-77").await?;

    // (3) The shopper unlinks the shop in the Kredivo app: the sandbox pushes the
    // deactivation, the proxy confirms it with Kredivo and forgets the token.
    let answer = h
        .http_json(
            "POST",
            "/sandbox/kredivo/_sandbox/user_tokens/cust-77/deactivate",
            Some(json!({})),
        )
        .await?;
    assert_eq!(answer.0, 200, "{answer:?}");
    let path = "/api/kredivo/v1/customers/cust-77/token";
    let mut inactive = false;
    for _ in 0..100 {
        let (_, token) = merchant(&h, "GET", path, None).await?;
        if token["active"] == json!(false) {
            inactive = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(inactive, "the confirmed deactivation reached the proxy");

    let secret = session(&h, "cust-77-2", 2_400_000, "cust-77").await?;
    open(&h, &secret).await?;
    assert!(
        h.js(&shadow_text(".kc-limit"), vec![]).await?.is_null(),
        "no limit without a token"
    );
    h.js(&shadow_click(HOST, "button.kc-pay"), vec![]).await?;
    // The normal sign-in, and no error on the way.
    sign_in_and_confirm_at_the_sandbox(&h).await?;
    h.wait_url("/www/return.html", T).await?;
    h.screenshot("after-unlink").await?;
    h.stop().await
}
