//! The checkout without JavaScript: the fragment a merchant's backend embeds, the form's
//! POST that checks out like the widget, and the error page in the shopper's language.

mod common;

use std::sync::Arc;

use common::*;
use kredivo_proxy::ManualClock;
use serde_json::json;

fn session_body(reference: &str) -> serde_json::Value {
    json!({
        "reference": reference, "amount": "2400000",
        "items": [{"id": "hp-1", "name": "Smartphone <Nusa> X5", "price": "2400000", "quantity": 1}],
        "customer": {"first_name": "Budi", "email": "budi@example.co.id", "phone": "081234567890"},
        "shipping_address": {"first_name": "Budi", "address": "Jl. Sudirman 1", "city": "Jakarta", "postal_code": "10220", "phone": "081234567890", "country_code": "IDN"},
        "cancel_url": "https://shop.example/cart"
    })
}

async fn fragment(env: &Env, secret: &str, locale: &str) -> (u16, String) {
    let answer = env
        .http
        .get(env.url(&format!(
            "/kredivo/fallback?session={secret}&locale={locale}"
        )))
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

/// A hidden field's value in the fragment.
fn field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect(name) + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn the_fragment_offers_the_widgets_plans_as_a_plain_form() {
    let env = start().await;
    let (_, created) = env.create_session(&session_body("INV-NOJS-1")).await;
    let secret = created["client_secret"].as_str().unwrap();
    let (status, id) = fragment(&env, secret, "id").await;
    assert_eq!(status, 200, "{id}");
    assert!(
        id.contains("<form class=\"kredivo-fallback\" method=\"post\""),
        "{id}"
    );
    assert!(id.contains(&format!("action=\"{}/kredivo/pay\"", env.base)));
    // Doc 000's figures for Rp 2,400,000, as the widget shows them.
    for expected in [
        "Pilih cicilan Kredivo",
        "Rp 856.290/bulan",
        "Rp 450.090/bulan",
        "Rp 248.050/bulan",
        "12 bulan",
        "Total Rp 2.976.600",
        "Bayar dengan Kredivo",
        "type=\"radio\" name=\"payment_type\"",
    ] {
        assert!(id.contains(expected), "{expected} missing: {id}");
    }
    assert_eq!(field(&id, "session"), secret);
    assert!(field(&id, "idempotency_key").len() >= 8);
    let (_, en) = fragment(&env, secret, "en").await;
    for expected in [
        "Choose a Kredivo installment plan",
        "Rp 248,050/month",
        "12 months",
        "Pay with Kredivo",
    ] {
        assert!(en.contains(expected), "{expected} missing: {en}");
    }
    // Each plan's schedule, framed only when the shopper opens it; the frame's document is
    // the proxy's and draws the plan's months.
    assert!(
        en.contains("<details><summary>Installment schedule · 12 months</summary><iframe src=\""),
        "{en}"
    );
    let start = en.find("<iframe src=\"").unwrap() + "<iframe src=\"".len();
    let src = en[start..].split('"').next().unwrap().replace("&amp;", "&");
    assert!(
        src.starts_with(&format!(
            "{}/api/kredivo/v1/schedule?payment_type=",
            env.base
        )),
        "{src}"
    );
    assert!(src.ends_with("&locale=en"), "{src}");
    let doc = env.http.get(&src).send().await.unwrap();
    assert_eq!(doc.status(), 200);
    assert!(doc
        .text()
        .await
        .unwrap()
        .contains("<caption>Installment schedule"));
    let (status, unknown) = fragment(&env, "ses_none_secret_AAAAAAAAAAAAAAAAAAAA", "id").await;
    assert_eq!(status, 404, "{unknown}");
}

#[tokio::test]
async fn the_form_checks_out_once_even_when_sent_twice() {
    let env = start().await;
    let (_, created) = env.create_session(&session_body("INV-NOJS-2")).await;
    let secret = created["client_secret"].as_str().unwrap();
    let (_, html) = fragment(&env, secret, "id").await;
    let key = field(&html, "idempotency_key");
    let form = [
        ("session", secret),
        ("payment_type", "6_months"),
        ("idempotency_key", key.as_str()),
        ("locale", "id"),
    ];
    let mut locations = Vec::new();
    for _ in 0..2 {
        let answer = env
            .http
            .post(env.url("/kredivo/pay"))
            .header("origin", "https://shop.example")
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 200);
        let csp = answer.headers()["content-security-policy"]
            .to_str()
            .unwrap();
        assert!(csp.contains("default-src 'none'"), "{csp}");
        let page = answer.text().await.unwrap();
        assert!(!page.contains("<script"), "no script: {page}");
        // The page moves on by itself and offers a link for a browser that does not.
        let refresh = "<meta http-equiv=\"refresh\" content=\"0; url=";
        let start = page.find(refresh).expect("a refresh") + refresh.len();
        let url = page[start..start + page[start..].find('"').unwrap()].replace("&amp;", "&");
        assert!(
            page.contains(&format!(
                "<a href=\"{}\">Lanjut ke Kredivo</a>",
                &page[start..start + page[start..].find('"').unwrap()]
            )),
            "{page}"
        );
        locations.push(url);
    }
    assert!(
        locations[0].contains("/sandbox/kredivo/v2/signin"),
        "{locations:?}"
    );
    assert_eq!(
        locations[0], locations[1],
        "a double submit is one checkout"
    );
    assert_eq!(env.count("orders").await, 1);
    let order_id = env
        .state
        .store()
        .list_orders(&Default::default())
        .await
        .unwrap()[0]
        .order_id
        .clone();
    assert_eq!(env.kredivo_transactions(&order_id), 1);
}

#[tokio::test]
async fn a_form_sent_from_a_foreign_site_changes_nothing() {
    let env = start().await;
    let (_, created) = env.create_session(&session_body("INV-NOJS-3")).await;
    let secret = created["client_secret"].as_str().unwrap();
    let answer = env
        .http
        .post(env.url("/kredivo/pay"))
        .header("origin", "https://evil.example")
        .form(&[
            ("session", secret),
            ("payment_type", "6_months"),
            ("idempotency_key", "nojs-evil-0001"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 403);
    let page = answer.text().await.unwrap();
    assert!(
        page.contains("Formulir pembayaran ini dikirim dari halaman yang tidak diizinkan."),
        "a page the shopper can read, not JSON: {page}"
    );
    assert_eq!(env.count("orders").await, 0);
    // A form with fields missing is a page too, and changes nothing.
    let answer = env
        .http
        .post(env.url("/kredivo/pay"))
        .form(&[("session", secret)])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 400);
    assert!(answer
        .text()
        .await
        .unwrap()
        .contains("<p role=\"alert\" data-code=\"invalid_request\">"));
    assert_eq!(env.count("orders").await, 0);
}

/// A shop whose pages send `Referrer-Policy: same-origin` makes the browser send
/// `Origin: null` with the cross-origin form post: the client secret is the capability, so the
/// checkout goes on.
#[tokio::test]
async fn a_form_from_a_page_with_a_strict_referrer_policy_checks_out() {
    let env = start().await;
    let (_, created) = env.create_session(&session_body("INV-NOJS-5")).await;
    let secret = created["client_secret"].as_str().unwrap();
    let answer = env
        .http
        .post(env.url("/kredivo/pay"))
        .header("origin", "null")
        .header("sec-fetch-site", "cross-site")
        .form(&[
            ("session", secret),
            ("payment_type", "3_months"),
            ("idempotency_key", "nojs-null-origin-1"),
            ("locale", "en"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    assert!(answer.text().await.unwrap().contains("Continue to Kredivo"));
    assert_eq!(env.count("orders").await, 1);
}

#[tokio::test]
async fn an_expired_session_lands_on_a_clear_page_in_the_shoppers_language() {
    let clock = Arc::new(ManualClock::new(1_800_000_000_000));
    let env = start_with(Options {
        clock: clock.clone(),
        ..Options::default()
    })
    .await;
    let (_, created) = env.create_session(&session_body("INV-NOJS-4")).await;
    let secret = created["client_secret"].as_str().unwrap();
    let (_, html) = fragment(&env, secret, "en").await;
    let key = field(&html, "idempotency_key");
    clock.advance(25 * 3600 * 1000);
    let answer = env
        .http
        .post(env.url("/kredivo/pay"))
        .form(&[
            ("session", secret),
            ("payment_type", "6_months"),
            ("idempotency_key", key.as_str()),
            ("locale", "en"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 303);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.contains("/kredivo/error?code=session_expired&locale=en"),
        "{location}"
    );
    let page = env
        .http
        .get(&location)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("This checkout has expired."), "{page}");
    assert!(
        page.contains("href=\"https://shop.example/cart\""),
        "back to the shop: {page}"
    );
    assert!(!page.contains("<script"), "no script");
    // A back link to another site is never rendered.
    let forged = env
        .http
        .get(env.url("/kredivo/error?code=not_found&locale=id&back=https://evil.example/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(forged.contains("Pembayaran ini tidak ditemukan."));
    assert!(!forged.contains("evil.example"), "{forged}");
}
