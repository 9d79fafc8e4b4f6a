//! Every JSON endpoint over HTTP: payments, status, cancel, tokens, credit details,
//! connect, QR checkout, express checkout.

mod common;

use std::time::Duration;

use common::*;
use kredivo_sandbox::{Clock as _, Target};
use serde_json::{json, Value};

fn cancel_body(order_id: &str, tx_id: &str, amount: Option<u64>, id: Option<&str>) -> Value {
    let mut body = json!({
        "server_key": KEY,
        "order_id": order_id,
        "transaction_id": tx_id,
        "cancellation_reason": "Out of stock",
        "cancelled_by": "Althea",
        "cancellation_date": "1501844808"
    });
    if let Some(a) = amount {
        body["cancellation_amount"] = json!(a);
    }
    if let Some(i) = id {
        body["cancellation_id"] = json!(i);
    }
    body
}

async fn settled(app: &App, rx: &Receiver, order_id: &str, amount: u64) -> String {
    let (_, tx_id) = app
        .checkout(&simple_checkout(order_id, amount, &rx.url))
        .await;
    app.sandbox
        .kredivo()
        .drive(&tx_id, Target::Settle)
        .expect("settle");
    tx_id
}

#[tokio::test]
async fn payments_reproduce_doc_000s_figures_for_2_400_000() {
    let app = spawn().await;
    let resp = app
        .post(
            "/v2/payments",
            &json!({"server_key": KEY, "amount": 2400000, "items": [{"id":"BB12345678",
                "name":"iPhone 5S","price":2400000,"url":"http://merchant.com/x","type":"Smartphone",
                "quantity":1}]}),
        )
        .await;
    assert_eq!(resp["status"], "OK");
    assert_eq!(resp["message"], "Available payment types are listed.");
    let by_id = |id: &str| -> Value {
        resp["payments"]
            .as_array()
            .expect("payments")
            .iter()
            .find(|p| p["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} offered: {resp}"))
    };
    for (id, monthly, total) in [
        ("3_months", 856_290, 2_568_870),
        ("6_months", 450_090, 2_700_540),
        ("12_months", 248_050, 2_976_600),
    ] {
        let p = by_id(id);
        assert_eq!(p["monthly_installment"], monthly, "{id}");
        assert_eq!(p["installment_amount"], total, "{id}");
        assert_eq!(p["amount"], 2_400_000, "{id}");
    }
    assert_eq!(by_id("30_days")["tenure"], 1);
}

#[tokio::test]
async fn payments_with_a_wrong_server_key_get_doc_000s_error() {
    let app = spawn().await;
    let resp = app
        .post(
            "/v2/payments",
            &json!({"server_key": "nope", "amount": 1000, "items": []}),
        )
        .await;
    assert_eq!(
        resp,
        json!({"status":"ERROR","error":{"message":"Field secret_key is INCORRECT.","kind":"APIException","code":null}})
    );
}

#[tokio::test]
async fn a_duplicate_order_id_is_already_processed() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    app.checkout(&simple_checkout("DUP-1", 100_000, &rx.url))
        .await;
    let resp = app
        .post(
            "/v2/checkout_url",
            &simple_checkout("DUP-1", 100_000, &rx.url),
        )
        .await;
    assert_eq!(resp["status"], "ERROR");
    assert_eq!(resp["error"]["message"], "This order is already PROCESSED.");
}

#[tokio::test]
async fn checkout_rejects_missing_required_fields_naming_each() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let base = simple_checkout("REQ-1", 100_000, &rx.url);
    type Edit = Box<dyn Fn(&mut Value)>;
    let rows: Vec<(&str, Edit, &str)> = vec![
        (
            "no push_uri",
            Box::new(|b| {
                b.as_object_mut().map(|o| o.remove("push_uri"));
            }),
            "Field push_uri is REQUIRED.",
        ),
        (
            "no back_to_store_uri",
            Box::new(|b| {
                b.as_object_mut().map(|o| o.remove("back_to_store_uri"));
            }),
            "Field back_to_store_uri is REQUIRED.",
        ),
        (
            "no customer_details",
            Box::new(|b| {
                b.as_object_mut().map(|o| o.remove("customer_details"));
            }),
            "Field customer_details is REQUIRED.",
        ),
        (
            "no order_id",
            Box::new(|b| {
                b["transaction_details"]
                    .as_object_mut()
                    .map(|o| o.remove("order_id"));
            }),
            "Field transaction_details.order_id is REQUIRED.",
        ),
        (
            "empty email",
            Box::new(|b| {
                b["customer_details"]["email"] = json!("");
            }),
            "Field customer_details.email is REQUIRED.",
        ),
        (
            "tokenize without key",
            Box::new(|b| {
                b["tokenize_user"] = json!(true);
            }),
            "Field client_user_key is REQUIRED.",
        ),
        (
            "unknown payment type",
            Box::new(|b| {
                b["payment_type"] = json!("45_days");
            }),
            "Field payment_type is INCORRECT.",
        ),
        (
            "push_uri not http",
            Box::new(|b| {
                b["push_uri"] = json!("ftp://x");
            }),
            "Field push_uri is INCORRECT.",
        ),
        (
            "amount as words",
            Box::new(|b| {
                b["transaction_details"]["amount"] = json!("lots");
            }),
            "Field transaction_details.amount is INCORRECT.",
        ),
    ];
    for (why, edit, message) in rows {
        let mut body = base.clone();
        edit(&mut body);
        let resp = app.post("/v2/checkout_url", &body).await;
        assert_eq!(resp["status"], "ERROR", "{why}: {resp}");
        assert_eq!(resp["error"]["message"], message, "{why}");
        assert_eq!(resp["error"]["kind"], "APIException", "{why}");
    }
}

#[tokio::test]
async fn checkout_refuses_items_that_do_not_sum_to_the_amount_with_discounts_subtracted() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    // Doc 000's cart sums to 6,505,000 only when the discount line is subtracted.
    let mut body = doc_checkout("SUM-1", &rx.url);
    body["transaction_details"]["amount"] = json!(6_515_000);
    let resp = app.post("/v2/checkout_url", &body).await;
    assert_eq!(resp["status"], "ERROR");
    let message = resp["error"]["message"].as_str().expect("message");
    assert!(
        message.starts_with("Field transaction_details.amount is INCORRECT"),
        "{message}"
    );
    let resp = app
        .post("/v2/checkout_url", &doc_checkout("SUM-1", &rx.url))
        .await;
    assert_eq!(resp["status"], "OK", "6,505,000 is right: {resp}");
    let resp = app
        .post(
            "/v2/payments",
            &json!({"server_key": KEY, "amount": 100, "items": [
            {"id":"a","name":"a","price":90,"quantity":1,"type":"t","url":"https://x"}]}),
        )
        .await;
    assert!(
        resp["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Field amount is INCORRECT")),
        "{resp}"
    );
}

#[tokio::test]
async fn transaction_status_answers_on_both_paths_and_refuses_unknown_orders() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let tx_id = settled(&app, &rx, "ST-1", 75_000).await;
    for path in ["/transaction/status", "/v2/transaction/status"] {
        let resp = app
            .post(path, &json!({"server_key": KEY, "order_id": "ST-1"}))
            .await;
        assert_eq!(resp["status"], "OK", "{path}");
        assert_eq!(resp["transaction_status"], "settlement");
        assert_eq!(resp["message"], "Transaction is settlement");
        assert_eq!(resp["transaction_id"], tx_id.as_str());
        assert_eq!(resp["amount"], "75000.00");
        assert_eq!(resp["legal_name"], "OEMANG TANDRA");
    }
    let resp = app
        .post(
            "/transaction/status",
            &json!({"server_key": KEY, "order_id": "nope"}),
        )
        .await;
    assert_eq!(resp["error"]["message"], "Field order_id is INCORRECT.");
}

#[tokio::test]
async fn a_full_cancel_moves_to_cancel_pushes_and_cannot_be_repeated() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let tx_id = settled(&app, &rx, "CX-1", 5_000_000).await;
    let resp = app
        .post(
            "/v2/cancel_transaction",
            &cancel_body("CX-1", &tx_id, None, None),
        )
        .await;
    assert_eq!(resp["status"], "OK", "{resp}");
    assert_eq!(resp["transaction_status"], "cancel");
    assert_eq!(resp["message"], "Cancelled the transaction!");
    assert_eq!(resp["amount"], "5000000.00");
    let pushes = rx.wait_for(2).await;
    assert_eq!(pushes[1]["transaction_status"], "cancel");

    let again = app
        .post(
            "/v2/cancel_transaction",
            &cancel_body("CX-1", &tx_id, None, None),
        )
        .await;
    assert_eq!(again["status"], "ERROR");
    assert_eq!(again["message"], "Transaction is already cancelled.");
    assert_eq!(again["fraud_status"], "deny");
    assert_eq!(again["error"]["code"], 1009);
}

#[tokio::test]
async fn partial_cancels_keep_settlement_until_nothing_is_left() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let tx_id = settled(&app, &rx, "CX-2", 1_000_000).await;
    let resp = app
        .post(
            "/v2/cancel_transaction",
            &cancel_body("CX-2", &tx_id, Some(400_000), None),
        )
        .await;
    assert_eq!(resp["transaction_status"], "settlement", "{resp}");
    assert_eq!(resp["message"], "Succes cancelling transaction by amount");
    assert_eq!(resp["amount"], "600000.00", "what is left");

    let too_much = app
        .post(
            "/v2/cancel_transaction",
            &cancel_body("CX-2", &tx_id, Some(600_001), None),
        )
        .await;
    assert_eq!(too_much["status"], "ERROR");
    assert_eq!(too_much["error"]["code"], 2415);
    assert_eq!(
        too_much["error"]["message"],
        "Cancellation amount bigger than remaining transaction amount that can be cancelled"
    );
    let zero = app
        .post(
            "/v2/cancel_transaction",
            &cancel_body("CX-2", &tx_id, Some(0), None),
        )
        .await;
    assert_eq!(zero["status"], "ERROR");
    let negative = app
        .post("/v2/cancel_transaction", &{
            let mut b = cancel_body("CX-2", &tx_id, None, None);
            b["cancellation_amount"] = json!(-5);
            b
        })
        .await;
    assert_eq!(negative["status"], "ERROR");

    let rest = app
        .post(
            "/v2/cancel_transaction",
            &cancel_body("CX-2", &tx_id, Some(600_000), None),
        )
        .await;
    assert_eq!(rest["transaction_status"], "cancel", "{rest}");
}

#[tokio::test]
async fn a_repeated_cancellation_id_replays_the_first_answer_without_cancelling_twice() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let tx_id = settled(&app, &rx, "CX-3", 1_000_000).await;
    let body = cancel_body("CX-3", &tx_id, Some(100_000), Some("c-1"));
    let first = app.post("/v2/cancel_transaction", &body).await;
    let second = app.post("/v2/cancel_transaction", &body).await;
    assert_eq!(first, second);
    let tx = app.sandbox.kredivo().transaction(&tx_id).expect("tx");
    assert_eq!(tx.remaining_amount, "900000.00");
    let other = app
        .post(
            "/v2/cancel_transaction",
            &cancel_body("CX-3", &tx_id, Some(100_000), Some("c-2")),
        )
        .await;
    assert_eq!(other["amount"], "800000.00");
}

#[tokio::test]
async fn cancelling_is_refused_after_30_days_and_for_pending_transactions() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let (_, pending) = app
        .checkout(&simple_checkout("CX-4", 100_000, &rx.url))
        .await;
    let resp = app
        .post(
            "/v2/cancel_transaction",
            &cancel_body("CX-4", &pending, None, None),
        )
        .await;
    assert_eq!(
        resp["status"], "ERROR",
        "pending cannot be cancelled: {resp}"
    );

    let tx_id = settled(&app, &rx, "CX-5", 100_000).await;
    app.clock.advance(Duration::from_secs(30 * 86_400 + 1));
    let resp = app
        .post(
            "/v2/cancel_transaction",
            &cancel_body("CX-5", &tx_id, None, None),
        )
        .await;
    assert_eq!(resp["status"], "ERROR");
    assert_eq!(
        resp["error"]["message"],
        "Transaction can not be cancelled after 30 days."
    );
    let resp = app
        .post(
            "/v2/cancel_transaction",
            &cancel_body("WRONG", &tx_id, None, None),
        )
        .await;
    assert_eq!(resp["error"]["message"], "Field order_id is INCORRECT.");
}

#[tokio::test]
async fn a_cancel_after_14_days_is_recorded_with_a_fee() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let tx_id = settled(&app, &rx, "CX-6", 100_000).await;
    app.clock.advance(Duration::from_secs(15 * 86_400));
    let resp = app
        .post(
            "/v2/cancel_transaction",
            &cancel_body("CX-6", &tx_id, Some(10_000), None),
        )
        .await;
    assert_eq!(resp["status"], "OK");
    let tx = app.sandbox.kredivo().transaction(&tx_id).expect("tx");
    assert!(tx.cancellations[0].fee_charged);
}

#[tokio::test]
async fn tokenize_user_yields_a_token_that_drives_express_checkout_and_credit_details() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let mut body = doc_checkout("TOK-1", &rx.url);
    body["tokenize_user"] = json!(true);
    let (resp, tx_id) = app.checkout(&body).await;
    app.pay(resp["redirect_url"].as_str().expect("r"), Some("30_days"))
        .await;
    let pushes = rx.wait_for(2).await;
    let token = pushes[1]["user_token"]
        .as_str()
        .expect("settlement push carries user_token")
        .to_owned();
    let key = percent_decode(pushes[1]["signature_key"].as_str().expect("key"));
    let update = app
        .http
        .get(app.url("/v2/update"))
        .query(&[
            ("transaction_id", tx_id.as_str()),
            ("signature_key", key.as_str()),
        ])
        .send()
        .await
        .expect("update")
        .json::<Value>()
        .await
        .expect("json");
    assert_eq!(update["user_token"], token.as_str());

    // Credit details: 30-day limit reduced by the purchase.
    let credit = app
        .post(
            "/v2/get_user_credit_details",
            &json!({"server_key": KEY, "user_token": token}),
        )
        .await;
    assert_eq!(credit["status"], "OK", "{credit}");
    let limit = |c: &Value, pt: &str| -> String {
        c["user_credit_details"]["credit_limit_details"]
            .as_array()
            .expect("limits")
            .iter()
            .find(|d| d["payment_type"] == pt)
            .map(|d| {
                d["remaining_user_limit"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .unwrap_or_default()
    };
    assert_eq!(
        limit(&credit, "30_days"),
        "13495000",
        "20,000,000 − 6,505,000"
    );
    assert_eq!(credit["user_details"]["mobile_number"], "62815xxxx4262");

    // Express checkout: no redirect_url, settled by push shortly after.
    let mut express = simple_checkout("TOK-2", 100_000, &rx.url);
    express["user_token"] = json!(token);
    let resp = app.post("/v2/checkout_url", &express).await;
    assert_eq!(resp["status"], "OK");
    assert!(
        resp.get("redirect_url").is_none(),
        "express has no redirect: {resp}"
    );
    let pushes = rx.wait_for(3).await;
    assert_eq!(pushes[2]["order_id"], "TOK-2");
    assert_eq!(pushes[2]["transaction_status"], "settlement");

    // Cancelling restores the limit.
    app.post(
        "/v2/cancel_transaction",
        &cancel_body("TOK-1", &tx_id, None, None),
    )
    .await;
    let credit = app
        .post(
            "/v2/get_user_credit_details",
            &json!({"server_key": KEY, "user_token": token}),
        )
        .await;
    assert_eq!(
        limit(&credit, "30_days"),
        "19900000",
        "only TOK-2's 100,000 still used"
    );

    // Deactivation ends it all.
    let resp = app
        .post(
            "/v2/deactive_user_token",
            &json!({"server_key": KEY, "user_token": token}),
        )
        .await;
    assert_eq!(
        resp,
        json!({"status":"OK","user_token": token,"is_active":false,"remarks":"deactive user successful"})
    );
    let credit = app
        .post(
            "/v2/get_user_credit_details",
            &json!({"server_key": KEY, "user_token": token}),
        )
        .await;
    assert_eq!(credit["error"]["message"], "Field user_token is INCORRECT.");
    let mut again = simple_checkout("TOK-3", 100_000, &rx.url);
    again["user_token"] = json!(token);
    let resp = app.post("/v2/checkout_url", &again).await;
    assert!(
        resp["redirect_url"].as_str().is_some(),
        "a deactivated token falls back to the normal flow: {resp}"
    );
}

#[tokio::test]
async fn a_flagged_express_checkout_gets_an_otp_challenge() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let token = app
        .sandbox
        .kredivo()
        .issue_user_token(KEY, "81513114262", "randy@finaccel.co")
        .expect("token");
    let mut body = simple_checkout("RISK-1", 12_000_000, &rx.url);
    body["user_token"] = json!(token);
    let resp = app.post("/v2/checkout_url", &body).await;
    let redirect = resp["redirect_url"]
        .as_str()
        .expect("flagged: redirect to OTP");
    let page = reqwest::get(redirect)
        .await
        .expect("follows")
        .text()
        .await
        .expect("text");
    assert!(
        page.contains("name=\"otp\""),
        "straight to the OTP page: {page}"
    );
}

#[tokio::test]
async fn unknown_tokens_are_refused_by_deactivate_and_credit_details() {
    let app = spawn().await;
    let resp = app
        .post(
            "/v2/deactive_user_token",
            &json!({"server_key": KEY, "user_token": "XXXX-YYYY"}),
        )
        .await;
    assert_eq!(resp["error"]["message"], "Invalid user_token");
    let resp = app
        .post(
            "/v2/deactive_user_token",
            &json!({"server_key": "bad", "user_token": "XXXX-YYYY"}),
        )
        .await;
    assert_eq!(resp["error"]["message"], "Field secret_key is INCORRECT.");
}

#[tokio::test]
async fn connect_links_an_account_and_calls_back_with_a_user_token() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let resp = app
        .post(
            "/v2/connect",
            &json!({"server_key": KEY, "mobile_number": "085276767676",
                    "client_user_key": "randy@finaccel.co", "callback_url": rx.callback_url(),
                    "redirect_url": "https://merchant.test/linked",
                    "customer_details": {"first_name":"Oemang","email":"randy@finaccel.co"}}),
        )
        .await;
    assert_eq!(resp["status"], "OK");
    let redirect = resp["redirect_url"].as_str().expect("redirect");
    assert!(
        redirect.starts_with(&format!("{}/v2/connect?tk=", app.base)),
        "{redirect}"
    );
    let page = app.get_text(redirect).await;
    assert!(
        page.contains("value=\"085276767676\""),
        "phone prefilled: {page}"
    );
    let tk = token_of(redirect);
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
    assert_eq!(loc, "https://merchant.test/linked");
    let callbacks = rx.wait_for(1).await;
    assert_eq!(callbacks[0]["status"], "OK");
    assert_eq!(callbacks[0]["client_user_key"], "randy@finaccel.co");
    assert_eq!(callbacks[0]["message"], "Kredivo-Connect success.");
    let token = callbacks[0]["user_token"].as_str().expect("token");
    let credit = app
        .post(
            "/v2/get_user_credit_details",
            &json!({"server_key": KEY, "user_token": token}),
        )
        .await;
    assert_eq!(credit["status"], "OK");

    let bad = app
        .post(
            "/v2/connect",
            &json!({"server_key": "bad", "mobile_number": "1",
            "client_user_key": "k", "callback_url": "https://x", "redirect_url": "https://x"}),
        )
        .await;
    assert_eq!(
        bad,
        json!({"status":"ERROR","message":"Field secret_key is INCORRECT."})
    );
}

#[tokio::test]
async fn qr_checkout_returns_a_real_qr_image_whose_payload_completes_the_payment() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let resp = app
        .post(
            "/offline/v1/init_checkout",
            &json!({"server_key": KEY, "amount": 75000, "source": "QR", "order_id": "548tIt83saeN",
                    "sub_merchant_id": "KFCSenayanCity", "push_uri": rx.url,
                    "items": [{"id":"001","name":"Nasi Capcay Seafood","price":50000,"type":"Food","quantity":1},
                              {"id":"002","name":"Cappuccino","price":25000,"type":"Drink","quantity":1}]}),
        )
        .await;
    assert_eq!(resp["status"], "OK", "{resp}");
    let tx_id = resp["transaction_id"].as_str().expect("id").to_owned();
    let qr_url = resp["qr_image"].as_str().expect("qr_image");
    assert_eq!(qr_url, app.url(&format!("/offline/v1/qr/{tx_id}")));
    let image = app.http.get(qr_url).send().await.expect("image");
    assert_eq!(image.headers()["content-type"], "image/svg+xml");
    let svg = image.text().await.expect("svg");
    assert!(
        svg.contains("<svg") && svg.contains("<path"),
        "a drawn QR code"
    );

    // The payload URL (what the QR encodes) leads into the sign-in flow.
    let pay = app
        .http
        .get(app.url(&format!("/offline/v1/qr/{tx_id}/pay")))
        .send()
        .await
        .expect("pay");
    assert_eq!(pay.status(), 303);
    let signin = pay.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let tk = token_of(&signin);
    app.form(
        "/v2/signin",
        &[("tk", &tk), ("phone", "81513114262"), ("pin", "663482")],
    )
    .await
    .expect("sign in");
    app.form("/v2/otp", &[("tk", &tk), ("otp", "4567")])
        .await
        .expect("otp");
    let page = app
        .form("/v2/confirm", &[("tk", &tk), ("payment_type", "30_days")])
        .await
        .expect_err("QR ends on a page, not a redirect");
    assert!(page.contains("id=\"status\">settlement<"), "{page}");
    let pushes = rx.wait_for(2).await;
    assert_eq!(pushes[1]["sub_merchant_id"], "KFCSenayanCity");
    let status = app
        .post(
            "/transaction/status",
            &json!({"server_key": KEY, "order_id": "548tIt83saeN"}),
        )
        .await;
    assert_eq!(status["payback_amount"], 75000);
    assert_eq!(status["items"][1]["name"], "Cappuccino");
    let missing = app
        .http
        .get(app.url("/offline/v1/qr/nope"))
        .send()
        .await
        .expect("404");
    assert_eq!(missing.status(), 404);
    let _ = app.sandbox.clock().unix_secs();
}

#[tokio::test]
async fn a_qr_expires_at_its_expiration_time_can_be_voided_unpaid_and_is_scanned_by_order_id() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let now = app.clock.unix_secs();
    let init = |order_id: &str, expires: Option<i64>| {
        let mut body = json!({"server_key": KEY, "amount": 75000, "source": "QR", "order_id": order_id,
            "sub_merchant_id": "KFCSenayanCity", "push_uri": rx.url,
            "items": [{"id":"001","name":"Nasi Capcay Seafood","price":75000,"type":"Food","quantity":1}]});
        if let Some(at) = expires {
            body["expiration_time"] = json!(at.to_string());
        }
        body
    };
    // Expires on the sandbox clock at the expiration_time it was given.
    let resp = app
        .post("/offline/v1/init_checkout", &init("QR-EXP", Some(now + 5)))
        .await;
    assert_eq!(resp["status"], "OK", "{resp}");
    let past = app
        .post("/offline/v1/init_checkout", &init("QR-PAST", Some(now - 1)))
        .await;
    assert_eq!(past["status"], "ERROR", "an expiry in the past: {past}");
    app.clock.advance(Duration::from_secs(4));
    assert_eq!(
        app.sandbox
            .kredivo()
            .transaction("QR-EXP")
            .unwrap()
            .transaction_status,
        "pending"
    );
    app.clock.advance(Duration::from_secs(1));
    assert_eq!(
        app.sandbox
            .kredivo()
            .transaction("QR-EXP")
            .unwrap()
            .transaction_status,
        "expire"
    );

    // An unpaid QR is voided in full (not in part).
    let resp = app
        .post("/offline/v1/init_checkout", &init("QR-VOID", None))
        .await;
    let tx_id = resp["transaction_id"].as_str().unwrap().to_owned();
    let part = app
        .post(
            "/v2/cancel_transaction",
            &cancel_body("QR-VOID", &tx_id, Some(1000), None),
        )
        .await;
    assert_eq!(part["status"], "ERROR", "{part}");
    let full = app
        .post(
            "/v2/cancel_transaction",
            &cancel_body("QR-VOID", &tx_id, None, None),
        )
        .await;
    assert_eq!(full["transaction_status"], "cancel", "{full}");

    // The driver's scan: order id → the code's payload URL.
    let resp = app
        .post("/offline/v1/init_checkout", &init("QR-SCAN", None))
        .await;
    let tx_id = resp["transaction_id"].as_str().unwrap().to_owned();
    let scan = app
        .http
        .get(app.url("/_sandbox/qr/QR-SCAN/scan"))
        .send()
        .await
        .unwrap();
    assert_eq!(scan.status(), 303);
    assert_eq!(
        scan.headers()["location"],
        app.url(&format!("/offline/v1/qr/{tx_id}/pay")).as_str()
    );
    let missing = app
        .http
        .get(app.url("/_sandbox/qr/NOPE/scan"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}
