//! The 2-click checkout end to end over HTTP: checkout_url, hosted pages (form posts),
//! back-to-store redirect, pushes and their confirmation through /v2/update.

mod common;

use common::*;
use kredivo_sandbox::Clock as _;
use serde_json::json;

#[tokio::test]
async fn a_checkout_returns_a_signin_redirect_and_stores_a_pending_transaction() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let (resp, tx_id) = app.checkout(&doc_checkout("KD14721", &rx.url)).await;
    let redirect = resp["redirect_url"].as_str().expect("redirect_url");
    assert!(
        redirect.starts_with(&format!("{}/v2/signin?tk=", app.base)),
        "{redirect}"
    );
    let tx = app.sandbox.kredivo().transaction(&tx_id).expect("stored");
    assert_eq!(tx.transaction_status, "pending");
    assert_eq!(tx.amount, "6505000.00");
}

#[tokio::test]
async fn the_doc_test_account_pays_through_the_hosted_pages_and_returns_to_the_store() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let (resp, tx_id) = app.checkout(&doc_checkout("KD-PAY-1", &rx.url)).await;
    let back = app
        .pay(
            resp["redirect_url"].as_str().expect("redirect"),
            Some("3_months"),
        )
        .await;
    assert!(back.starts_with("https://merchant.test/back?"), "{back}");
    assert_eq!(query_param(&back, "order_id").as_deref(), Some("KD-PAY-1"));
    assert_eq!(query_param(&back, "tr_id").as_deref(), Some(tx_id.as_str()));
    assert_eq!(
        query_param(&back, "tr_status").as_deref(),
        Some("settlement")
    );
    let sign_key = query_param(&back, "sign_key").expect("sign_key");

    // The sign_key is a signature key the sandbox issued: /v2/update confirms it.
    let update = app
        .http
        .get(app.url("/v2/update"))
        .query(&[
            ("transaction_id", tx_id.as_str()),
            ("signature_key", &sign_key),
        ])
        .send()
        .await
        .expect("update")
        .json::<serde_json::Value>()
        .await
        .expect("json");
    assert_eq!(update["status"], "OK", "{update}");
    assert_eq!(update["transaction_status"], "settlement");
    assert_eq!(update["payment_type"], "3_months");
    assert_eq!(update["amount"], "6505000.00");

    // Pending push at sign-in, settlement push after confirmation, both acknowledged.
    let pushes = rx.wait_for(2).await;
    assert_eq!(pushes[0]["transaction_status"], "pending");
    assert_eq!(pushes[1]["transaction_status"], "settlement");
    assert_eq!(pushes[1]["order_id"], "KD-PAY-1");
    assert_eq!(pushes[1]["shipping_address"]["countrycode"], "IDN");
}

#[tokio::test]
async fn a_push_signature_key_confirms_raw_once_encoded_and_twice_encoded() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let (_, tx_id) = app
        .checkout(&simple_checkout("SIG-1", 500_000, &rx.url))
        .await;
    app.sandbox
        .kredivo()
        .drive(&tx_id, kredivo_sandbox::Target::Settle)
        .expect("settle");
    let push = rx.wait_for(1).await.remove(0);
    let as_received = push["signature_key"].as_str().expect("key").to_owned();
    assert!(
        as_received.contains('%'),
        "doc 000 sends it URL-encoded: {as_received}"
    );
    let decoded = percent_decode(&as_received);
    // 1. the body's value pasted verbatim into the URL (decoded once by the server),
    // 2. the body's value encoded by the client's URL builder (decoded twice),
    // 3. the decoded key encoded by the client (decoded once).
    let urls = [
        format!("/v2/update?transaction_id={tx_id}&signature_key={as_received}"),
        format!(
            "/v2/update?transaction_id={tx_id}&signature_key={}",
            percent_encode(&as_received)
        ),
        format!(
            "/v2/update?transaction_id={tx_id}&signature_key={}",
            percent_encode(&decoded)
        ),
    ];
    for url in urls {
        let got = app.get_json(&url).await;
        assert_eq!(got["status"], "OK", "{url}: {got}");
        assert_eq!(got["transaction_status"], "settlement");
        assert_eq!(got["message"], "Confirmed order status. Valid!");
    }
}

#[tokio::test]
async fn update_refuses_a_signature_key_the_sandbox_did_not_issue() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let (_, tx_id) = app
        .checkout(&simple_checkout("SIG-2", 500_000, &rx.url))
        .await;
    let got = app
        .get_json(&format!(
            "/v2/update?transaction_id={tx_id}&signature_key=forged"
        ))
        .await;
    assert_eq!(got["status"], "ERROR");
    assert_eq!(got["error"]["message"], "Field signature_key is INCORRECT.");

    // A key issued for another transaction does not confirm this one.
    let (_, other) = app
        .checkout(&simple_checkout("SIG-3", 500_000, &rx.url))
        .await;
    let view = app
        .sandbox
        .kredivo()
        .drive(&other, kredivo_sandbox::Target::Settle)
        .expect("settle");
    let key = percent_encode(&view.signature_keys[0]);
    let got = app
        .get_json(&format!(
            "/v2/update?transaction_id={tx_id}&signature_key={key}"
        ))
        .await;
    assert_eq!(got["status"], "ERROR");
    let got = app
        .get_json(&format!(
            "/v2/update?transaction_id=nope&signature_key={key}"
        ))
        .await;
    assert_eq!(
        got["error"]["message"],
        "Field transaction_id is INCORRECT."
    );
    let got = app.get_json("/v2/update").await;
    assert_eq!(got["error"]["message"], "Field transaction_id is REQUIRED.");
}

#[tokio::test]
async fn a_wrong_pin_and_a_wrong_otp_show_errors_on_the_page() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let (resp, _) = app
        .checkout(&simple_checkout("PIN-1", 500_000, &rx.url))
        .await;
    let tk = token_of(resp["redirect_url"].as_str().expect("redirect"));
    let page = app
        .form(
            "/v2/signin",
            &[("tk", &tk), ("phone", "81513114262"), ("pin", "000000")],
        )
        .await
        .expect_err("a wrong PIN stays on the page");
    assert!(page.contains("role=\"alert\""), "{page}");
    assert!(page.contains("PIN salah"), "{page}");
    assert!(page.contains("value=\"81513114262\""), "the phone is kept");

    app.form(
        "/v2/signin",
        &[
            ("tk", &tk),
            ("phone", "+62 815-1311-4262"),
            ("pin", "663482"),
        ],
    )
    .await
    .expect("the +62 spelling of the phone signs in");
    let page = app
        .form("/v2/otp", &[("tk", &tk), ("otp", "1111")])
        .await
        .expect_err("a wrong OTP stays on the page");
    assert!(page.contains("OTP salah"), "{page}");
    let loc = app
        .form("/v2/otp", &[("tk", &tk), ("otp", "4567")])
        .await
        .expect("the right OTP moves on");
    assert!(loc.contains("/v2/confirm"));
}

#[tokio::test]
async fn pages_cannot_be_skipped() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let (resp, _) = app
        .checkout(&simple_checkout("SKIP-1", 500_000, &rx.url))
        .await;
    let tk = token_of(resp["redirect_url"].as_str().expect("redirect"));
    let loc = app
        .form("/v2/confirm", &[("tk", &tk), ("payment_type", "30_days")])
        .await
        .expect("redirect");
    assert!(
        loc.contains("/v2/signin"),
        "confirming before signing in goes back: {loc}"
    );
    let loc = app
        .form("/v2/otp", &[("tk", &tk), ("otp", "4567")])
        .await
        .expect("redirect");
    assert!(loc.contains("/v2/signin"), "{loc}");
    let page = app.get_text(&app.url("/v2/signin?tk=unknown")).await;
    assert!(page.contains("tidak dikenal"), "{page}");
}

#[tokio::test]
async fn the_confirmation_page_shows_the_amount_and_the_chosen_monthly_installment() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let mut body = simple_checkout("CONF-1", 2_400_000, &rx.url);
    body["payment_type"] = json!("3_months");
    let (resp, _) = app.checkout(&body).await;
    let tk = token_of(resp["redirect_url"].as_str().expect("redirect"));
    app.form(
        "/v2/signin",
        &[("tk", &tk), ("phone", "81513114262"), ("pin", "663482")],
    )
    .await
    .expect("sign in");
    let loc = app
        .form("/v2/otp", &[("tk", &tk), ("otp", "4567")])
        .await
        .expect("otp");
    let page = app.get_text(&loc).await;
    assert!(page.contains("Rp 2.400.000"), "amount shown: {page}");
    assert!(
        page.contains("value=\"3_months\" checked"),
        "merchant's choice preselected"
    );
    assert!(page.contains("Bayar dalam 3 bulan"));
}

#[tokio::test]
async fn the_cancel_link_cancels_and_sends_the_shopper_to_user_cancel_uri() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let (resp, tx_id) = app.checkout(&doc_checkout("CANCEL-1", &rx.url)).await;
    let tk = token_of(resp["redirect_url"].as_str().expect("redirect"));
    let page = app
        .get_text(resp["redirect_url"].as_str().expect("r"))
        .await;
    assert!(page.contains("id=\"cancel\""), "{page}");
    let resp = app
        .http
        .get(app.url(&format!("/v2/user_cancel?tk={tk}")))
        .send()
        .await
        .expect("cancel");
    assert_eq!(resp.status(), 303);
    assert_eq!(
        resp.headers()["location"].to_str().expect("ascii"),
        "https://merchant.test/cancelled"
    );
    let tx = app.sandbox.kredivo().transaction(&tx_id).expect("tx");
    assert_eq!(tx.transaction_status, "cancel");
    let pushes = rx.wait_for(1).await;
    assert_eq!(pushes[0]["transaction_status"], "cancel");
}

#[tokio::test]
async fn without_user_cancel_uri_the_cancel_link_returns_to_the_store_with_tr_status_cancel() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let (resp, _) = app
        .checkout(&simple_checkout("CANCEL-2", 10_000, &rx.url))
        .await;
    let tk = token_of(resp["redirect_url"].as_str().expect("redirect"));
    let resp = app
        .http
        .get(app.url(&format!("/v2/user_cancel?tk={tk}")))
        .send()
        .await
        .expect("cancel");
    let loc = resp.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(loc.starts_with("https://merchant.test/back?"), "{loc}");
    assert_eq!(query_param(&loc, "tr_status").as_deref(), Some("cancel"));
}

#[tokio::test]
async fn a_tenure_the_basic_accounts_remaining_limit_does_not_cover_is_refused_on_the_page() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let (resp, tx_id) = app
        .checkout(&simple_checkout("LIMIT-1", 500_000, &rx.url))
        .await;
    let tk = token_of(resp["redirect_url"].as_str().expect("redirect"));
    app.form(
        "/v2/signin",
        &[("tk", &tk), ("phone", "081200000001"), ("pin", "111111")],
    )
    .await
    .expect("basic account signs in");
    app.form("/v2/otp", &[("tk", &tk), ("otp", "4567")])
        .await
        .expect("otp");
    let loc = app
        .form("/v2/confirm", &[("tk", &tk), ("payment_type", "30_days")])
        .await
        .expect("paid");
    assert_eq!(
        query_param(&loc, "tr_status").as_deref(),
        Some("settlement")
    );
    // 500,000 of the 1,000,000 limit is used; another 600,000 does not fit.
    let (resp, _) = app
        .checkout(&simple_checkout("LIMIT-2", 600_000, &rx.url))
        .await;
    let tk2 = token_of(resp["redirect_url"].as_str().expect("redirect"));
    app.form(
        "/v2/signin",
        &[("tk", &tk2), ("phone", "81200000001"), ("pin", "111111")],
    )
    .await
    .expect("sign in");
    app.form("/v2/otp", &[("tk", &tk2), ("otp", "4567")])
        .await
        .expect("otp");
    let page = app
        .form("/v2/confirm", &[("tk", &tk2), ("payment_type", "30_days")])
        .await
        .expect_err("an option the limit does not cover is refused on the page");
    assert!(page.contains("tidak tersedia"), "{page}");
    let _ = tx_id;
}

#[tokio::test]
async fn a_pending_transaction_expires_after_24_hours_on_the_clock_and_is_pushed() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let (resp, tx_id) = app
        .checkout(&simple_checkout("EXP-1", 100_000, &rx.url))
        .await;
    app.clock.advance(std::time::Duration::from_secs(23 * 3600));
    let status = app
        .post(
            "/transaction/status",
            &json!({"server_key": KEY, "order_id": "EXP-1"}),
        )
        .await;
    assert_eq!(status["transaction_status"], "pending");
    app.clock.advance(std::time::Duration::from_secs(3600));
    let status = app
        .post(
            "/v2/transaction/status",
            &json!({"server_key": KEY, "order_id": "EXP-1"}),
        )
        .await;
    assert_eq!(
        status["transaction_status"], "expire",
        "expired lazily on access"
    );
    let pushes = rx.wait_for(1).await;
    assert_eq!(pushes[0]["transaction_status"], "expire");
    assert_eq!(pushes[0]["transaction_id"], tx_id.as_str());
    let page = app
        .get_text(resp["redirect_url"].as_str().expect("r"))
        .await;
    assert!(page.contains("id=\"status\">expire<"), "{page}");
}

#[tokio::test]
async fn expiration_time_overrides_the_default_lifetime() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let now = app.sandbox.clock().unix_secs();
    let mut body = simple_checkout("EXP-2", 100_000, &rx.url);
    body["expiration_time"] = json!((now + 600).to_string());
    app.checkout(&body).await;
    app.sandbox
        .kredivo()
        .advance_clock(std::time::Duration::from_secs(601));
    let tx = app.sandbox.kredivo().transaction("EXP-2").expect("tx");
    assert_eq!(tx.transaction_status, "expire");
}
