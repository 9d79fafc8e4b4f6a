//! Tokenized shoppers (issue 17): the token sealed at rest, limits in payment-types, one-click
//! checkout, over-limit plans, deactivation (merchant, Kredivo app, forged push), bad tokens
//! and Kredivo Connect — against the Kredivo sandbox in the same process.

mod common;

use std::time::Duration;

use common::*;
use kredivo_api::OrderStatus;
use kredivo_proxy::tokens::{Sealed, Vault};
use kredivo_proxy::Secret;
use kredivo_sandbox::Target;
use serde_json::{json, Value};

const PT: &str = "/api/kredivo/v1/payment-types";
const CHECKOUT: &str = "/api/kredivo/v1/checkout";
const PUSH: &str = "/api/kredivo/v1/push";
/// Doc 000's sandbox account (premium: 20,000,000 for 30 days, 30,000,000 per tenure).
const DOC_PHONE: &str = "81513114262";
/// The sandbox's basic account: 30 days only, 1,000,000.
const BASIC_PHONE: &str = "81200000001";

/// A session of `amount` (one item) for `customer`, tokenizing when asked.
fn session(reference: &str, amount: u64, customer: Option<&str>, tokenize: bool) -> Value {
    let mut body = json!({
        "reference": reference, "amount": amount.to_string(),
        "items": [{"id": "sku-1", "name": "Kemeja", "price": amount.to_string(), "quantity": 1,
                   "url": "https://shop.example/p/1", "type": "Fashion"}],
        "customer": {"first_name": "Budi", "email": "budi@example.co.id", "phone": "081234567890"},
        "shipping_address": {"first_name": "Budi", "address": "Jl. Sudirman 1", "city": "Jakarta",
                             "postal_code": "10220", "phone": "081234567890", "country_code": "IDN"},
        "return_url": "https://shop.example/thanks"
    });
    if let Some(key) = customer {
        body["client_user_key"] = json!(key);
    }
    if tokenize {
        body["tokenize"] = json!(true);
    }
    body
}

async fn secret_of(env: &Env, body: &Value) -> String {
    let (status, created) = env.create_session(body).await;
    assert_eq!(status, 201, "{created}");
    created["client_secret"].as_str().unwrap().to_owned()
}

fn checkout(secret: &str, payment_type: &str, key: &str) -> Value {
    json!({"session": secret, "payment_type": payment_type, "idempotency_key": key})
}

/// The stored row of `customer`, straight from the database.
async fn row(env: &Env, customer: &str) -> Option<kredivo_proxy::store::UserTokenRecord> {
    env.state
        .store()
        .user_tokens()
        .user_token("kredivo", customer)
        .await
        .unwrap()
}

async fn wait_for_token(env: &Env, customer: &str, active: bool) {
    for _ in 0..300 {
        if row(env, customer).await.is_some_and(|r| r.active == active) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the token of {customer} never became active={active}");
}

/// A first purchase that asks for tokenization, settled at Kredivo: returns the token
/// Kredivo issued (the sandbox knows it; the proxy never shows it).
async fn first_purchase(env: &Env, customer: &str) -> String {
    let secret = secret_of(env, &session("INV-T-1", 600_000, Some(customer), true)).await;
    let (status, answer) = env
        .post(CHECKOUT, &checkout(&secret, "30_days", "tok-first-0001"))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert!(
        answer["redirect_url"].is_string(),
        "a first purchase signs in"
    );
    let sent: Value = serde_json::from_str(&env.calls("checkout_url").await[0].request).unwrap();
    assert_eq!(sent["tokenize_user"], json!(true));
    assert_eq!(sent["client_user_key"], json!(customer));
    let order_id = answer["order_id"].as_str().unwrap().to_owned();
    let tx = env
        .sandbox
        .kredivo()
        .drive(&order_id, Target::Settle)
        .unwrap();
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
    wait_for_token(env, customer, true).await;
    tx.user_token.expect("the sandbox issued a token")
}

/// A token issued straight by the sandbox for `phone` and stored in the proxy, as a
/// settlement or a Connect would.
async fn given_token(env: &Env, phone: &str, customer: &str) -> String {
    let token = env
        .sandbox
        .kredivo()
        .issue_user_token(SERVER_KEY, phone, customer)
        .unwrap();
    kredivo_proxy::tokens::store_token(&env.state, customer, &Secret::new(&token), "test")
        .await
        .unwrap();
    token
}

/// Every text the proxy wrote down that could hold a token.
async fn stored_texts(env: &Env) -> String {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&env.config.database_url)
        .await
        .unwrap();
    let mut all = String::new();
    for (table, cols) in [
        (
            "user_tokens",
            "client_user_key || ciphertext || nonce || key_id",
        ),
        (
            "provider_calls",
            "request || COALESCE(response, '') || COALESCE(error, '')",
        ),
        ("notifications", "raw_body || detail"),
        ("order_events", "detail"),
    ] {
        let rows: Vec<String> = sqlx::query_scalar(&format!("SELECT {cols} FROM {table}"))
            .fetch_all(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{table}: {e}"));
        all.push_str(&rows.join("\n"));
    }
    all
}

#[tokio::test]
async fn a_stored_token_is_sealed_bound_to_its_customer_and_useless_with_another_key() {
    let env = start().await;
    let token = first_purchase(&env, "cust-seal").await;
    env.pushes_settled().await;

    let texts = stored_texts(&env).await;
    assert!(!texts.is_empty());
    assert!(
        !texts.contains(&token),
        "the token is somewhere in the database"
    );
    for seen in env.seen.lock().unwrap().iter() {
        assert!(!seen.contains(&token), "an HTTP answer showed the token");
    }

    let stored = row(&env, "cust-seal").await.unwrap();
    let sealed = Sealed {
        ciphertext: stored.ciphertext.clone(),
        nonce: stored.nonce.clone(),
        key_id: stored.key_id.clone(),
    };
    let right = Vault::new(&[Secret::new(TOKEN_KEY)]).unwrap();
    assert_eq!(
        right
            .open("kredivo", "cust-seal", &sealed)
            .unwrap()
            .expose(),
        token
    );
    let other_key =
        Vault::new(&[Secret::new("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=")]).unwrap();
    assert!(other_key.open("kredivo", "cust-seal", &sealed).is_err());
    assert!(
        right.open("kredivo", "cust-other", &sealed).is_err(),
        "a row moved to another customer does not open"
    );

    // Moved in the database: the other customer gets no express checkout, no error.
    {
        use sqlx::Connection;
        let mut conn = sqlx::AnyConnection::connect(&env.config.database_url)
            .await
            .unwrap();
        sqlx::query("UPDATE user_tokens SET client_user_key = 'cust-other'")
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let secret = secret_of(
        &env,
        &session("INV-T-2", 300_000, Some("cust-other"), false),
    )
    .await;
    let (status, plans) = env.post(PT, &json!({ "session": secret })).await;
    assert_eq!(status, 200, "{plans}");
    assert!(plans.get("express").is_none(), "{plans}");
}

#[tokio::test]
async fn a_tokenized_shopper_sees_limits_and_pays_the_second_time_in_one_click() {
    let env = start().await;
    let token = first_purchase(&env, "cust-2").await;

    let secret = secret_of(&env, &session("INV-T-2", 300_000, Some("cust-2"), false)).await;
    let (status, plans) = env.post(PT, &json!({ "session": secret })).await;
    assert_eq!(status, 200, "{plans}");
    assert_eq!(plans["express"], json!(true), "{plans}");
    let thirty = plans["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["payment_type"] == "30_days")
        .unwrap();
    // 20,000,000 minus the first purchase.
    assert_eq!(thirty["remaining_limit"], json!("19400000"), "{thirty}");
    assert_eq!(thirty["within_limit"], json!(true));

    let (status, answer) = env
        .post(CHECKOUT, &checkout(&secret, "30_days", "tok-second-001"))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer.get("redirect_url").is_none(), "one click: {answer}");
    assert_eq!(answer["status"], "pending");
    let order_id = answer["order_id"].as_str().unwrap().to_owned();
    let calls = env.calls("checkout_url").await;
    let sent = &calls.last().unwrap().request;
    assert!(sent.contains(r#""user_token":"[redacted]""#), "{sent}");
    assert!(!sent.contains(&token));
    // The widget polls the order until the push settles it.
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
    let (status, view) = env.get(&format!("/api/kredivo/v1/orders/{order_id}")).await;
    assert_eq!((status, view["status"].clone()), (200, json!("settled")));
}

#[tokio::test]
async fn an_express_checkout_the_risk_system_flags_gets_the_otp_page() {
    let env = start().await;
    given_token(&env, DOC_PHONE, "cust-otp").await;
    // The sandbox flags express checkouts of 10,000,000 and more.
    let secret = secret_of(
        &env,
        &session("INV-OTP", 12_000_000, Some("cust-otp"), false),
    )
    .await;
    let (status, answer) = env
        .post(CHECKOUT, &checkout(&secret, "30_days", "tok-otp-00001"))
        .await;
    assert_eq!(status, 200, "{answer}");
    let url = answer["redirect_url"].as_str().expect("an OTP challenge");
    assert!(url.starts_with(&env.kredivo_base), "{url}");
}

#[tokio::test]
async fn a_plan_above_the_remaining_limit_is_marked_and_refused_with_over_limit() {
    let env = start().await;
    given_token(&env, BASIC_PHONE, "cust-basic").await;
    let secret = secret_of(
        &env,
        &session("INV-LIM", 1_500_000, Some("cust-basic"), false),
    )
    .await;
    let (status, plans) = env.post(PT, &json!({ "session": secret })).await;
    assert_eq!(status, 200, "{plans}");
    assert_eq!(plans["express"], json!(true));
    for plan in plans["plans"].as_array().unwrap() {
        assert_eq!(plan["within_limit"], json!(false), "{plan}");
    }
    let thirty = plans["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["payment_type"] == "30_days")
        .unwrap();
    assert_eq!(thirty["remaining_limit"], json!("1000000"));

    let (status, answer) = env
        .post(CHECKOUT, &checkout(&secret, "30_days", "tok-limit-0001"))
        .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["code"], "over_limit");
    assert!(
        env.calls("checkout_url").await.is_empty(),
        "Kredivo was not asked"
    );

    // A plan the limit covers still goes through.
    let secret = secret_of(
        &env,
        &session("INV-LIM-2", 900_000, Some("cust-basic"), false),
    )
    .await;
    let (status, plans) = env.post(PT, &json!({ "session": secret })).await;
    assert_eq!(status, 200);
    let thirty = plans["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["payment_type"] == "30_days")
        .unwrap();
    assert_eq!(thirty["within_limit"], json!(true), "{thirty}");
    let (status, answer) = env
        .post(CHECKOUT, &checkout(&secret, "30_days", "tok-limit-0002"))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer.get("redirect_url").is_none());
}

#[tokio::test]
async fn a_forged_deactivation_push_changes_nothing() {
    let env = start().await;
    given_token(&env, DOC_PHONE, "cust-forged").await;
    let (status, reply) = env
        .post(
            PUSH,
            &json!({"message": "User deactivated", "client_user_key": "cust-forged"}),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["status"], "OK");
    assert!(
        row(&env, "cust-forged").await.unwrap().active,
        "still active"
    );
    // Same on the dedicated path.
    let (status, _) = env
        .post(
            "/api/kredivo/v1/notify/kredivo/token",
            &json!({"message": "x", "client_user_key": "cust-forged"}),
        )
        .await;
    assert_eq!(status, 200);
    assert!(row(&env, "cust-forged").await.unwrap().active);
    assert!(env.verdicts().await.iter().all(|v| v == "unconfirmed"));
}

#[tokio::test]
async fn a_deactivation_from_the_kredivo_app_falls_back_to_the_normal_sign_in() {
    let env = start().await;
    first_purchase(&env, "cust-app").await;

    // The e2e tests' way: the sandbox's driver, by client_user_key, pushing to our push URL.
    let driver = format!(
        "{}/_sandbox/user_tokens/cust-app/deactivate",
        env.kredivo_base
    );
    let answer = env
        .http
        .post(driver)
        .json(&json!({"url": env.url(PUSH)}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    wait_for_token(&env, "cust-app", false).await;

    let secret = secret_of(&env, &session("INV-APP", 300_000, Some("cust-app"), true)).await;
    let (status, plans) = env.post(PT, &json!({ "session": secret })).await;
    assert_eq!(status, 200, "{plans}");
    assert!(plans.get("express").is_none(), "{plans}");
    assert!(plans["plans"][0].get("remaining_limit").is_none());
    let (status, answer) = env
        .post(CHECKOUT, &checkout(&secret, "30_days", "tok-app-00001"))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert!(
        answer["redirect_url"].is_string(),
        "normal sign-in: {answer}"
    );
    let sent: Value =
        serde_json::from_str(&env.calls("checkout_url").await.last().unwrap().request).unwrap();
    assert!(sent.get("user_token").is_none(), "{sent}");
    assert_eq!(sent["tokenize_user"], json!(true), "asks to tokenize again");
}

#[tokio::test]
async fn credit_details_with_a_bad_token_give_the_normal_flow() {
    let env = start().await;
    kredivo_proxy::tokens::store_token(
        &env.state,
        "cust-bad",
        &Secret::new("XXXX-NOT-A-TOKEN"),
        "test",
    )
    .await
    .unwrap();
    let secret = secret_of(&env, &session("INV-BAD", 300_000, Some("cust-bad"), false)).await;
    let (status, plans) = env.post(PT, &json!({ "session": secret })).await;
    assert_eq!(status, 200, "{plans}");
    assert!(plans.get("express").is_none(), "{plans}");
    assert!(
        !row(&env, "cust-bad").await.unwrap().active,
        "Kredivo refused it: inactive"
    );
    let (status, answer) = env
        .post(CHECKOUT, &checkout(&secret, "30_days", "tok-bad-00001"))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer["redirect_url"].is_string());
}

#[tokio::test]
async fn the_merchant_deactivates_a_token_at_kredivo_and_here() {
    let env = start().await;
    let token = given_token(&env, DOC_PHONE, "cust-del").await;
    let path = "/api/kredivo/v1/customers/cust-del/token";
    let (status, _) = env.send(env.http.delete(env.url(path))).await;
    assert_eq!(status, 401, "merchant key required");
    let (status, view) = env
        .send(env.http.get(env.url(path)).bearer_auth(MERCHANT_KEY))
        .await;
    assert_eq!(
        (status, view["active"].clone()),
        (200, json!(true)),
        "{view}"
    );
    let (status, view) = env
        .send(env.http.delete(env.url(path)).bearer_auth(MERCHANT_KEY))
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["active"], json!(false));
    assert!(view["deactivated_at"].is_i64());
    assert!(!view.to_string().contains(&token));
    // Kredivo no longer accepts it.
    let answer: Value = env
        .http
        .post(format!("{}/v2/get_user_credit_details", env.kredivo_base))
        .json(&json!({"server_key": SERVER_KEY, "user_token": token}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["status"], "ERROR", "{answer}");
    let (status, _) = env
        .send(
            env.http
                .delete(env.url("/api/kredivo/v1/customers/nobody/token"))
                .bearer_auth(MERCHANT_KEY),
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_kredivo_connect_round_trip_stores_the_token_and_a_forged_callback_does_not() {
    let env = start().await;
    let (status, started) = env
        .send(
            env.http
                .post(env.url("/api/kredivo/v1/customers/cust-conn/connect"))
                .bearer_auth(MERCHANT_KEY)
                .json(&json!({"mobile_number": "081513114262",
                              "redirect_url": "https://shop.example/account"})),
        )
        .await;
    assert_eq!(status, 200, "{started}");
    assert!(started["redirect_url"]
        .as_str()
        .unwrap()
        .starts_with(&env.kredivo_base));

    // A forged callback (no tag from this proxy) with a genuine token of another shopper.
    let stolen = env
        .sandbox
        .kredivo()
        .issue_user_token(SERVER_KEY, BASIC_PHONE, "someone-else")
        .unwrap();
    let (status, _) = env
        .post(
            "/api/kredivo/v1/notify/kredivo/connect",
            &json!({"status": "OK", "user_token": stolen, "client_user_key": "cust-conn", "message": "x"}),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        row(&env, "cust-conn").await.is_none(),
        "forged: nothing stored"
    );

    // The shopper finishes Connect on Kredivo's pages (the sandbox's driver plays it).
    env.sandbox
        .kredivo()
        .complete_connect("cust-conn", None)
        .unwrap();
    wait_for_token(&env, "cust-conn", true).await;
    let secret = secret_of(
        &env,
        &session("INV-CONN", 300_000, Some("cust-conn"), false),
    )
    .await;
    let (status, plans) = env.post(PT, &json!({ "session": secret })).await;
    assert_eq!(status, 200);
    assert_eq!(plans["express"], json!(true), "{plans}");
}

#[tokio::test]
async fn sessions_check_client_user_key_and_tokenize() {
    let env = start().await;
    let (status, answer) = env
        .create_session(&session("INV-V1", 300_000, None, true))
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["error"]["details"][0]
            .as_str()
            .unwrap()
            .starts_with("tokenize:"),
        "{answer}"
    );
    let (status, answer) = env
        .create_session(&session("INV-V2", 300_000, Some("bad key!"), false))
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer.to_string().contains("client_user_key:"), "{answer}");

    let off = start_with(Options {
        token_keys: Vec::new(),
        ..Options::default()
    })
    .await;
    let (status, answer) = off
        .create_session(&session("INV-V3", 300_000, Some("cust-1"), true))
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("TOKEN_ENCRYPTION_KEY"),
        "{answer}"
    );
    // Without tokenize the key alone is fine (nothing to seal).
    let (status, _) = off
        .create_session(&session("INV-V4", 300_000, Some("cust-1"), false))
        .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn a_token_sealed_with_the_previous_key_is_resealed_with_the_current_one() {
    const NEW_KEY: &str = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";
    let mut env = start().await;
    given_token(&env, DOC_PHONE, "cust-rot").await;
    let before = row(&env, "cust-rot").await.unwrap();
    env.stop().await;
    env.config.token_encryption_keys = vec![Secret::new(NEW_KEY), Secret::new(TOKEN_KEY)];
    env.start_again().await;
    let secret = secret_of(&env, &session("INV-ROT", 300_000, Some("cust-rot"), false)).await;
    let (_, plans) = env.post(PT, &json!({ "session": secret })).await;
    assert_eq!(plans["express"], json!(true), "{plans}");
    let after = row(&env, "cust-rot").await.unwrap();
    assert_ne!(after.key_id, before.key_id, "re-sealed on read");
    let new_only = Vault::new(&[Secret::new(NEW_KEY)]).unwrap();
    let sealed = Sealed {
        ciphertext: after.ciphertext,
        nonce: after.nonce,
        key_id: after.key_id,
    };
    assert!(new_only.open("kredivo", "cust-rot", &sealed).is_ok());

    // Customers who do not come back: `kredivo-proxy rotate-tokens` re-seals the rest.
    let old_only = Vault::new(&[Secret::new(TOKEN_KEY)]).unwrap();
    let old_id = old_only.current_key_id().unwrap().to_owned();
    for n in 0..3 {
        let sealed = old_only
            .seal("kredivo", &format!("idle-{n}"), "TOKEN-IDLE")
            .unwrap();
        env.state
            .store()
            .user_tokens()
            .put_user_token(&kredivo_proxy::store::UserTokenRecord {
                client_user_key: format!("idle-{n}"),
                provider: "kredivo".into(),
                ciphertext: sealed.ciphertext,
                nonce: sealed.nonce,
                key_id: sealed.key_id,
                active: true,
                created_at: 0,
                updated_at: 0,
                deactivated_at: None,
            })
            .await
            .unwrap();
    }
    let report = kredivo_proxy::tokens::rotate_all(&env.state).await.unwrap();
    assert_eq!((report.resealed, report.unreadable), (3, 0), "{report:?}");
    for n in 0..3 {
        let r = row(&env, &format!("idle-{n}")).await.unwrap();
        assert_ne!(r.key_id, old_id);
    }
    let again = kredivo_proxy::tokens::rotate_all(&env.state).await.unwrap();
    assert_eq!(again.resealed, 0, "nothing left to do");
}

#[tokio::test]
async fn a_token_kredivo_refuses_at_checkout_is_deactivated_and_the_same_order_signs_in() {
    use kredivo_sandbox::{Endpoint, Fault, FaultRule};
    let env = start().await;
    given_token(&env, DOC_PHONE, "cust-refused").await;
    let secret = secret_of(
        &env,
        &session("INV-REF", 300_000, Some("cust-refused"), true),
    )
    .await;
    // Credit details still pass; the checkout itself refuses the token, once.
    env.sandbox.faults().add(
        FaultRule::new(
            Endpoint::CheckoutUrl,
            Fault::Error {
                message: "Invalid user_token".into(),
                code: None,
            },
        )
        .times(1),
    );
    let (status, answer) = env
        .post(CHECKOUT, &checkout(&secret, "30_days", "tok-refused-01"))
        .await;
    assert_eq!(status, 200, "no error to the shopper: {answer}");
    assert!(
        answer["redirect_url"].is_string(),
        "normal sign-in: {answer}"
    );
    let order_id = answer["order_id"].as_str().unwrap();
    assert_eq!(env.kredivo_transactions(order_id), 1);
    assert!(!row(&env, "cust-refused").await.unwrap().active);
    let calls = env.calls("checkout_url").await;
    assert_eq!(calls.len(), 2, "one express try, one normal checkout");
    let retry: Value = serde_json::from_str(&calls[1].request).unwrap();
    assert!(retry.get("user_token").is_none());
    assert_eq!(retry["tokenize_user"], json!(true));
}

#[tokio::test]
async fn a_lost_express_answer_is_resumed_and_the_order_still_settles() {
    use kredivo_sandbox::{Endpoint, Fault, FaultRule};
    let env = start_with(Options {
        upstream_timeout: Duration::from_millis(400),
        ..Options::default()
    })
    .await;
    given_token(&env, DOC_PHONE, "cust-lost").await;
    let secret = secret_of(
        &env,
        &session("INV-LOST", 300_000, Some("cust-lost"), false),
    )
    .await;
    env.sandbox
        .faults()
        .add(FaultRule::new(Endpoint::CheckoutUrl, Fault::LostResponse { hang_ms: None }).times(1));
    let body = checkout(&secret, "30_days", "tok-lost-00001");
    let (status, first) = env.post(CHECKOUT, &body).await;
    assert!(status >= 500, "the first answer is lost: {status} {first}");
    let (status, again) = env.post(CHECKOUT, &body).await;
    assert_eq!(status, 200, "{again}");
    assert!(again.get("redirect_url").is_none());
    let order_id = again["order_id"].as_str().unwrap().to_owned();
    assert_eq!(env.kredivo_transactions(&order_id), 1, "created once");
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
}

#[tokio::test]
async fn an_express_checkout_the_limit_no_longer_covers_ends_denied() {
    // Two tabs: both plans fit the limit when checked, the first purchase uses it up before
    // Kredivo decides the second.
    let env = start_with_sandbox(Options::default(), |mut c| {
        c.kredivo.express_delay = Duration::from_millis(300);
        c
    })
    .await;
    given_token(&env, BASIC_PHONE, "cust-tabs").await;
    let first = secret_of(
        &env,
        &session("INV-TAB-1", 900_000, Some("cust-tabs"), false),
    )
    .await;
    let second = secret_of(
        &env,
        &session("INV-TAB-2", 900_000, Some("cust-tabs"), false),
    )
    .await;
    let (status, a) = env
        .post(CHECKOUT, &checkout(&first, "30_days", "tok-tab-00001"))
        .await;
    assert_eq!(status, 200, "{a}");
    let (status, b) = env
        .post(CHECKOUT, &checkout(&second, "30_days", "tok-tab-00002"))
        .await;
    assert_eq!(status, 200, "{b}");
    assert!(a.get("redirect_url").is_none() && b.get("redirect_url").is_none());
    let a = a["order_id"].as_str().unwrap().to_owned();
    let b = b["order_id"].as_str().unwrap().to_owned();
    assert!(env.wait_for(&a, OrderStatus::Settled).await);
    assert!(
        env.wait_for(&b, OrderStatus::Denied).await,
        "denied for limit"
    );
    let (_, view) = env.get(&format!("/api/kredivo/v1/orders/{b}")).await;
    assert_eq!(view["status"], "denied");
}

#[tokio::test]
async fn the_no_javascript_form_shows_the_limit_and_disables_plans_it_does_not_cover() {
    let env = start().await;
    given_token(&env, BASIC_PHONE, "cust-nojs").await;
    let secret = secret_of(
        &env,
        &session("INV-NOJS", 1_500_000, Some("cust-nojs"), false),
    )
    .await;
    let html = env
        .http
        .get(env.url(&format!("/kredivo/fallback?session={secret}&locale=id")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Sisa limit Rp 1.000.000"), "{html}");
    assert!(html.contains("tidak cukup untuk cicilan ini"), "{html}");
    let radios = html.matches("type=\"radio\"").count();
    assert!(radios > 0);
    assert_eq!(html.matches(" disabled>").count(), radios, "{html}");
    assert!(!html.contains(" checked"), "nothing payable is preselected");
}
