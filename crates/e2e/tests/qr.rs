//! QR checkout at a shop counter, end to end in headless Chromium against the demo (issue
//! 17): the POS's server starts a QR checkout with the merchant key, the counter's screen
//! (`www/pos.html`, the widget's QR bundle) shows the code, the amount and the countdown; the
//! shopper pays in the Kredivo "app" (the sandbox's pages, in a second tab) and the screen
//! turns to paid by itself; a code left alone expires and the screen says so.

use std::time::Duration;

use kredivo_e2e::journey::sign_in_and_confirm_at_the_sandbox;
use kredivo_e2e::Harness;
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(20);
const HOST: &str = "[data-kredivo-qr]";

/// What the POS's server does: `POST /api/kredivo/v1/qr` with the merchant key. Returns the
/// answer (`qr_id`, `order_id`, `seconds_left`, …).
async fn start_qr(
    h: &Harness,
    order_id: &str,
    expires_in: u32,
    language: &str,
) -> anyhow::Result<Value> {
    let body = json!({
        "order_id": order_id,
        "items": [{ "id": "kopi-1kg", "name": "Kopi Gayo 1 kg", "price": "150000", "quantity": 1 }],
        "expires_in_seconds": expires_in,
        "language": language,
    });
    let v = h
        .js(
            "const [b, key] = arguments; \
             return fetch('/api/kredivo/v1/qr', { method: 'POST', headers: { \
                 'authorization': 'Bearer ' + key, 'content-type': 'application/json' }, \
                 body: JSON.stringify(b) }).then(async r => [r.status, await r.json()]);",
            vec![body, json!(kredivo_demo::DEMO_MERCHANT_API_KEY)],
        )
        .await?;
    anyhow::ensure!(v[0] == json!(201), "QR create: {v}");
    Ok(v[1].clone())
}

/// JS: the QR screen's `data-status`.
fn screen_status() -> String {
    format!("return document.querySelector({HOST:?})?.shadowRoot?.querySelector('.kq')?.dataset.status ?? null;")
}

/// JS: the text of `sel` in the QR screen.
fn screen_text(sel: &str) -> String {
    format!(
        "const e = document.querySelector({HOST:?})?.shadowRoot?.querySelector({sel:?}); \
         return e ? e.textContent : null;"
    )
}

async fn wait_status(h: &Harness, status: &str, timeout: Duration) -> anyhow::Result<()> {
    h.wait_js(
        &format!("the screen to say {status}"),
        &format!(
            "document.querySelector({HOST:?})?.shadowRoot?.querySelector('.kq')?.dataset.status === {status:?}"
        ),
        timeout,
    )
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_qr_shown_at_the_counter_is_paid_in_the_app_and_the_screen_says_paid(
) -> anyhow::Result<()> {
    let h = Harness::start("qr-pay", &[]).await?;
    h.goto("/www/pos.html").await?;
    let qr = start_qr(&h, "POS-E2E-1", 600, "id").await?;
    let qr_id = qr["qr_id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        qr["amount"],
        json!("150000"),
        "the server adds up the items: {qr}"
    );

    h.goto(&format!("/www/pos.html?qr={qr_id}")).await?;
    wait_status(&h, "pending", T).await?;
    h.wait_js(
        "the code's image",
        &format!(
            "(i => !!i && i.complete && i.naturalWidth > 0)(\
               document.querySelector({HOST:?}).shadowRoot.querySelector('img.kq-code'))"
        ),
        T,
    )
    .await?;
    assert_eq!(
        h.js(&screen_text(".kq-amount"), vec![]).await?,
        json!("Rp 150.000")
    );
    let left = h.js(&screen_text(".kq-left"), vec![]).await?;
    let left = left.as_str().unwrap_or_default();
    assert!(
        left.starts_with("10:") || left.starts_with("9:"),
        "a ten-minute countdown: {left}"
    );
    h.screenshot("pos-pending").await?;
    h.assert_accessible("pos-pending").await?;

    // The shopper scans the code: a second tab stands in for the Kredivo app (the sandbox's
    // scan page opens what the code encodes).
    let counter = h.client.window().await?;
    let app = h.client.new_window(true).await?;
    h.client.switch_to_window(app.handle).await?;
    h.goto("/sandbox/kredivo/_sandbox/qr/POS-E2E-1/scan")
        .await?;
    sign_in_and_confirm_at_the_sandbox(&h).await?;
    h.wait_js(
        "the app's confirmation",
        "document.querySelector('#status')?.textContent?.includes('settlement') ?? false",
        T,
    )
    .await?;
    h.screenshot("app-paid").await?;

    // Back at the counter: the screen turned by itself (the proxy confirmed the push).
    h.client.switch_to_window(counter).await?;
    wait_status(&h, "settled", Duration::from_secs(30)).await?;
    assert_eq!(
        h.js(&screen_text(".kq-done"), vec![]).await?,
        json!("Pembayaran berhasil. Terima kasih!")
    );
    assert_eq!(
        h.js(&screen_text("img.kq-code"), vec![]).await?,
        Value::Null,
        "the code is gone"
    );
    h.screenshot("pos-settled").await?;
    let (_, order) = h
        .http_json("GET", "/api/kredivo/v1/orders/POS-E2E-1", None)
        .await?;
    assert_eq!(order["status"], json!("settled"), "{order}");
    h.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_qr_left_to_expire_says_expired_in_english() -> anyhow::Result<()> {
    let h = Harness::start("qr-expire", &[]).await?;
    h.goto("/www/pos.html").await?;
    let qr = start_qr(&h, "POS-E2E-2", 5, "en").await?;
    let qr_id = qr["qr_id"].as_str().unwrap_or_default().to_owned();
    h.goto(&format!("/www/pos.html?qr={qr_id}&lang=en&theme=dark"))
        .await?;
    wait_status(&h, "pending", T).await?;
    h.screenshot("pos-en-dark").await?;
    wait_status(&h, "expired", Duration::from_secs(40)).await?;
    assert_eq!(
        h.js(&screen_text(".kq-done"), vec![]).await?,
        json!("The payment expired.")
    );
    assert_eq!(h.js(&screen_status(), vec![]).await?, json!("expired"));
    h.screenshot("pos-expired").await?;
    h.assert_accessible("pos-expired").await?;
    let (_, order) = h
        .http_json("GET", "/api/kredivo/v1/orders/POS-E2E-2", None)
        .await?;
    assert_eq!(order["status"], json!("expired"), "{order}");
    h.stop().await
}
