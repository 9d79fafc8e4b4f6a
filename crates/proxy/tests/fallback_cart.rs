//! The checkout without JavaScript for a catalogue cart (the demo store): the fragment asks
//! for the shopper's details besides the plans, the form's POST checks out the server-side
//! cart priced from the catalogue, and every failure is a page in the shopper's language.

mod common;

use common::*;
use serde_json::json;

const SHOP_PAGE: &str = "https://shop.example/shop/checkout";

/// A server-side cart holding `lines`, through the store API as the demo's pages build it.
async fn cart(env: &Env, lines: &[(&str, u32)]) -> String {
    let (status, created) = env.post("/api/store/carts", &json!({})).await;
    assert_eq!(status, 201, "{created}");
    let id = created["cart_id"].as_str().unwrap().to_owned();
    let body = json!({"lines": lines.iter().map(|(p, q)| json!({"product_id": p, "quantity": q})).collect::<Vec<_>>()});
    let (status, priced) = env
        .send(
            env.http
                .put(env.url(&format!("/api/store/carts/{id}")))
                .json(&body),
        )
        .await;
    assert_eq!(status, 200, "{priced}");
    id
}

async fn fragment(env: &Env, query: &str) -> (u16, String) {
    let answer = env
        .http
        .get(env.url(&format!("/kredivo/fallback?{query}")))
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

/// A hidden field's value in the fragment.
fn field(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    Some(html[start..start + html[start..].find('"')?].to_owned())
}

/// The form as a shopper fills it in: doc 000's sandbox shopper.
fn filled(cart_id: &str, key: &str, locale: &str) -> Vec<(&'static str, String)> {
    [
        ("cart_id", cart_id),
        ("payment_type", "6_months"),
        ("idempotency_key", key),
        ("locale", locale),
        ("back", SHOP_PAGE),
        ("first_name", "Oemang"),
        ("last_name", "Tandra"),
        ("email", "alie@satuduatiga.com"),
        ("phone", "081513114262"),
        ("address", "Jalan Teknologi Indonesia No. 25"),
        ("city", "Jakarta"),
        ("postal_code", "12960"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

fn without(form: &[(&'static str, String)], name: &str) -> Vec<(&'static str, String)> {
    form.iter().filter(|(k, _)| *k != name).cloned().collect()
}

fn with(
    form: &[(&'static str, String)],
    name: &'static str,
    value: String,
) -> Vec<(&'static str, String)> {
    let mut form = without(form, name);
    form.push((name, value));
    form
}

async fn pay(env: &Env, form: &[(&str, String)]) -> reqwest::Response {
    env.http
        .post(env.url("/kredivo/pay"))
        .header("origin", "https://shop.example")
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn page(env: &Env, url: &str) -> String {
    env.http
        .get(url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_fragment_of_a_cart_asks_for_the_shopper_and_offers_the_carts_plans() {
    let env = start().await;
    let id = cart(&env, &[("smartphone-x5", 1)]).await;
    let (status, html) = fragment(&env, &format!("cart_id={id}&locale=id&back={SHOP_PAGE}")).await;
    assert_eq!(status, 200, "{html}");
    // Doc 000's figures for Rp 2,400,000, priced from the catalogue.
    for expected in [
        "<form class=\"kredivo-fallback\" method=\"post\"",
        "<fieldset class=\"kredivo-fallback-shopper\">",
        "<legend>Data pembeli dan alamat pengiriman</legend>",
        "<label for=\"kredivo-email\">Email</label>",
        "name=\"email\" type=\"email\" autocomplete=\"email\" required maxlength=\"254\"",
        "name=\"postal_code\"",
        "Rp 248.050/bulan",
        "Total Rp 2.976.600",
        "Bayar dengan Kredivo",
    ] {
        assert!(html.contains(expected), "{expected} missing: {html}");
    }
    assert_eq!(field(&html, "cart_id").as_deref(), Some(id.as_str()));
    assert_eq!(
        field(&html, "session"),
        None,
        "a cart form names no session"
    );
    assert_eq!(field(&html, "back").as_deref(), Some(SHOP_PAGE));
    assert!(field(&html, "idempotency_key").unwrap().len() >= 8);

    let (_, en) = fragment(&env, &format!("cart_id={id}&locale=en")).await;
    for expected in [
        "<legend>Your details and delivery address</legend>",
        "Mobile number",
        "Rp 248,050/month",
    ] {
        assert!(en.contains(expected), "{expected} missing: {en}");
    }
    // A page of another site is never offered as the way back.
    let (_, foreign) = fragment(&env, &format!("cart_id={id}&back=https://evil.example/")).await;
    assert_eq!(field(&foreign, "back"), None, "{foreign}");

    // A session's fragment asks for nothing: the session names its shopper.
    let (status, unknown) = fragment(&env, "cart_id=cart_nothing_here").await;
    assert_eq!(status, 404, "{unknown}");
    let (status, both) = fragment(&env, &format!("cart_id={id}&session=ses_x_secret_y")).await;
    assert_eq!(status, 400, "{both}");
    let (status, malformed) = fragment(&env, "cart_id=%3Cscript%3E").await;
    assert_eq!(status, 400, "{malformed}");
}

#[tokio::test]
async fn a_cart_form_checks_out_once_at_the_catalogues_price_even_when_sent_twice() {
    let env = start().await;
    let id = cart(&env, &[("smartphone-x5", 1), ("kopi-gayo-250g", 2)]).await;
    let (_, html) = fragment(&env, &format!("cart_id={id}")).await;
    let key = field(&html, "idempotency_key").unwrap();
    // A price or an amount the page adds is not read.
    let form = with(&filled(&id, &key, "id"), "amount", "1000".into());
    let mut locations = Vec::new();
    for _ in 0..2 {
        let answer = pay(&env, &form).await;
        assert_eq!(answer.status().as_u16(), 200);
        let body = answer.text().await.unwrap();
        assert!(body.contains("Lanjut ke Kredivo"), "{body}");
        let refresh = "<meta http-equiv=\"refresh\" content=\"0; url=";
        let start = body.find(refresh).expect("a refresh") + refresh.len();
        locations.push(body[start..start + body[start..].find('"').unwrap()].to_owned());
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
    let order = env
        .state
        .store()
        .list_orders(&Default::default())
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        order.amount.to_string(),
        "2590000",
        "2,400,000 + 2 × 95,000"
    );
    assert_eq!(order.cart_id.as_deref(), Some(id.as_str()));
    assert_eq!(order.payment_type, "6_months");
    let shopper = order.shopper.expect("the form's shopper");
    assert_eq!(shopper.customer.email, "alie@satuduatiga.com");
    assert_eq!(shopper.shipping_address.postal_code, "12960");
    assert_eq!(shopper.shipping_address.country_code, "IDN");
    assert_eq!(env.kredivo_transactions(&order.order_id), 1);
}

#[tokio::test]
async fn missing_or_oversized_details_are_named_in_the_shoppers_language_and_change_nothing() {
    let env = start().await;
    let id = cart(&env, &[("sarung-tenun", 1)]).await;
    let base = filled(&id, "nojs-cart-fields-1", "en");
    let cases = [
        (
            "en",
            with(&without(&base, "email"), "first_name", "O".repeat(256)),
            vec![("first_name", "First name"), ("email", "E-mail")],
            "Please check:",
        ),
        (
            "id",
            with(
                &with(&base, "locale", "id".into()),
                "phone",
                "0815 1311 4262 1234 5678 9012".into(),
            ),
            vec![("phone", "Nomor HP")],
            "Periksa lagi:",
        ),
        (
            "id",
            with(
                &with(&base, "locale", "id".into()),
                "postal_code",
                "".into(),
            ),
            vec![("postal_code", "Kode pos")],
            "Periksa lagi:",
        ),
    ];
    for (locale, form, fields, check) in cases {
        let answer = pay(&env, &form).await;
        assert_eq!(answer.status().as_u16(), 303, "{fields:?}");
        let location = answer.headers()["location"].to_str().unwrap().to_owned();
        let names: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
        assert!(
            location.contains(&format!(
                "/kredivo/error?code=invalid_request&locale={locale}&fields={}",
                names.join("%2C")
            )),
            "{location}"
        );
        let html = page(&env, &location).await;
        assert!(html.contains(check), "{html}");
        for (name, label) in &fields {
            assert!(
                html.contains(&format!("<li data-field=\"{name}\">{label}</li>")),
                "{label} missing: {html}"
            );
        }
        assert_eq!(
            html.matches("<li data-field=").count(),
            fields.len(),
            "only the wrong fields: {html}"
        );
        assert!(
            html.contains(&format!("href=\"{SHOP_PAGE}\"")),
            "back to the shop: {html}"
        );
    }
    assert_eq!(env.count("orders").await, 0);
    // The list is the form's field names only, whatever the query says.
    let forged = page(
        &env,
        &env.url("/kredivo/error?code=invalid_request&locale=en&fields=email,<b>x</b>,email"),
    )
    .await;
    assert_eq!(forged.matches("<li data-field=").count(), 1, "{forged}");
    assert!(!forged.contains("<b>"), "{forged}");
}

#[tokio::test]
async fn an_unknown_or_emptied_cart_lands_on_a_clear_page_in_the_shoppers_language() {
    let env = start().await;
    let answer = pay(
        &env,
        &filled("cart_nothing_here", "nojs-cart-unknown-1", "id"),
    )
    .await;
    assert_eq!(answer.status().as_u16(), 303);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("code=not_found&locale=id"), "{location}");
    let html = page(&env, &location).await;
    assert!(html.contains("Pembayaran ini tidak ditemukan."), "{html}");
    assert!(html.contains("<html lang=\"id\">"), "{html}");

    // A cart emptied in another tab after its form was rendered.
    let id = cart(&env, &[("sambal-set", 1)]).await;
    let (_, html) = fragment(&env, &format!("cart_id={id}&locale=en")).await;
    let key = field(&html, "idempotency_key").unwrap();
    let (status, _) = env
        .send(
            env.http
                .put(env.url(&format!("/api/store/carts/{id}")))
                .json(&json!({"lines": []})),
        )
        .await;
    assert_eq!(status, 200);
    let answer = pay(&env, &filled(&id, &key, "en")).await;
    assert_eq!(answer.status().as_u16(), 303);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.contains("code=invalid_cart&locale=en"),
        "{location}"
    );
    let html = page(&env, &location).await;
    assert!(html.contains("This cart cannot be paid as it is"), "{html}");
    assert_eq!(env.count("orders").await, 0);
}

#[tokio::test]
async fn a_cart_form_sent_from_a_foreign_site_changes_nothing() {
    let env = start().await;
    let id = cart(&env, &[("smartphone-x5", 1)]).await;
    let answer = env
        .http
        .post(env.url("/kredivo/pay"))
        .header("origin", "https://evil.example")
        .form(&filled(&id, "nojs-cart-evil-0001", "en"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 403);
    let html = answer.text().await.unwrap();
    assert!(
        html.contains("Formulir pembayaran ini dikirim dari halaman yang tidak diizinkan."),
        "{html}"
    );
    assert_eq!(env.count("orders").await, 0);
    // Neither a session nor a cart: a page, no order.
    let answer = pay(
        &env,
        &with(
            &filled(&id, "nojs-cart-both-0001", "en"),
            "session",
            "ses_x_secret_y".into(),
        ),
    )
    .await;
    assert_eq!(answer.status().as_u16(), 303);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.contains("code=invalid_request&locale=en"),
        "{location}"
    );
    assert_eq!(env.count("orders").await, 0);
}
