//! What the proxy's fault matrix needs from the Kredivo simulator (issue 15): answers lost
//! after the work was done, `/v2/update` failing every way a caller can see, a status API
//! down for a while, delayed pushes, and the driver calls that replace a browser (the
//! shopper's return, the app-side token deactivation, a finished Kredivo Connect).

mod common;

use std::time::{Duration, Instant};

use common::*;
use kredivo_sandbox::{Endpoint, Fault, FaultRule, PushKind, Target};
use serde_json::{json, Value};

/// An HTTP client that gives up after `ms`, as the proxy does with `UPSTREAM_TIMEOUT_MS`.
fn impatient(ms: u64) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_millis(ms))
        .build()
        .expect("client")
}

/// Waits until the sandbox has a transaction for `order_id` (panics after 5 s).
async fn transaction_appears(
    app: &App,
    order_id: &str,
) -> kredivo_sandbox::kredivo::TransactionView {
    for _ in 0..500 {
        if let Some(tx) = app.sandbox.kredivo().transaction(order_id) {
            return tx;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no transaction for {order_id}");
}

#[tokio::test]
async fn a_lost_checkout_response_still_creates_the_transaction() {
    let app = spawn().await;
    app.sandbox
        .faults()
        .add(FaultRule::new(Endpoint::CheckoutUrl, Fault::LostResponse { hang_ms: None }).times(1));
    let (status, body) = app
        .post_raw(
            "/v2/checkout_url",
            simple_checkout("LOST-1", 150_000, "https://merchant.test/push").to_string(),
        )
        .await;
    assert_eq!(status, 502, "{body}");
    assert!(body.contains("502 Bad Gateway"), "{body}");

    // Kredivo kept the transaction: a blind retry is refused, the status API finds it.
    let tx = app
        .sandbox
        .kredivo()
        .transaction("LOST-1")
        .expect("created");
    assert_eq!(tx.transaction_status, "pending");
    let retry = app
        .post(
            "/v2/checkout_url",
            &simple_checkout("LOST-1", 150_000, "https://merchant.test/push"),
        )
        .await;
    assert_eq!(
        retry["error"]["message"],
        "This order is already PROCESSED."
    );
    let status = app
        .post(
            "/transaction/status",
            &json!({"server_key": KEY, "order_id": "LOST-1"}),
        )
        .await;
    assert_eq!(status["transaction_id"], tx.transaction_id.as_str());
    assert_eq!(status["transaction_status"], "pending");
}

#[tokio::test]
async fn a_response_held_past_the_callers_timeout_still_creates_the_transaction() {
    let app = spawn().await;
    app.sandbox.faults().add(
        FaultRule::new(
            Endpoint::CheckoutUrl,
            Fault::LostResponse {
                hang_ms: Some(3_000),
            },
        )
        .times(1),
    );
    let started = Instant::now();
    let sent = impatient(300)
        .post(app.url("/v2/checkout_url"))
        .json(&simple_checkout(
            "HANG-1",
            150_000,
            "https://merchant.test/push",
        ))
        .send()
        .await;
    assert!(sent.is_err_and(|e| e.is_timeout()), "the caller timed out");
    assert!(started.elapsed() < Duration::from_secs(2));
    let tx = transaction_appears(&app, "HANG-1").await;
    assert_eq!(tx.transaction_status, "pending");
}

/// The contrast the issue describes: `latency` makes the request late on its way in, so a
/// caller that gives up first leaves nothing behind.
#[tokio::test]
async fn latency_past_the_callers_timeout_creates_nothing() {
    let app = spawn().await;
    app.sandbox
        .faults()
        .add(FaultRule::new(Endpoint::CheckoutUrl, Fault::Latency { ms: 600 }).times(1));
    let sent = impatient(100)
        .post(app.url("/v2/checkout_url"))
        .json(&simple_checkout(
            "LATE-1",
            150_000,
            "https://merchant.test/push",
        ))
        .send()
        .await;
    assert!(sent.is_err_and(|e| e.is_timeout()));
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert!(app.sandbox.kredivo().transaction("LATE-1").is_none());
}

#[tokio::test]
async fn a_lost_cancel_response_still_cancels() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let (_, tx_id) = app
        .checkout(&simple_checkout("LOST-CANCEL", 200_000, &rx.url))
        .await;
    app.sandbox
        .kredivo()
        .drive(&tx_id, Target::Settle)
        .expect("settle");
    app.sandbox.faults().add(
        FaultRule::new(
            Endpoint::CancelTransaction,
            Fault::LostResponse { hang_ms: None },
        )
        .times(1),
    );
    let (status, _) = app
        .post_raw(
            "/v2/cancel_transaction",
            json!({
                "server_key": KEY, "order_id": "LOST-CANCEL", "transaction_id": tx_id,
                "cancellation_reason": "Out of stock", "cancelled_by": "Merchant",
                "cancellation_date": "1704067200", "cancellation_id": "C-1"
            })
            .to_string(),
        )
        .await;
    assert_eq!(status, 502);
    let tx = app.sandbox.kredivo().transaction(&tx_id).expect("tx");
    assert_eq!(tx.transaction_status, "cancel");
    assert_eq!(tx.cancellations.len(), 1, "recorded once");
}

#[tokio::test]
async fn update_fails_every_way_a_caller_can_see_then_tells_the_truth_when_cleared() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let (_, tx_id) = app
        .checkout(&simple_checkout("UPD-1", 100_000, &rx.url))
        .await;
    app.sandbox
        .kredivo()
        .drive(&tx_id, Target::Settle)
        .expect("settle");
    let key = percent_encode(
        &app.sandbox
            .kredivo()
            .transaction(&tx_id)
            .expect("tx")
            .signature_keys[0],
    );
    let update = format!("/v2/update?transaction_id={tx_id}&signature_key={key}");
    let cases: [(Fault, u16, &str); 4] = [
        (
            Fault::HttpStatus { status: 503 },
            503,
            "503 Service Unavailable",
        ),
        (
            Fault::Error {
                message: "Internal error".into(),
                code: None,
            },
            200,
            r#""status":"ERROR""#,
        ),
        (
            Fault::MalformedJson,
            200,
            r#"{"status":"OK","message":"Available"#,
        ),
        (
            Fault::Raw {
                status: 200,
                body: "<html>maintenance</html>".into(),
                content_type: Some("text/html".into()),
            },
            200,
            "<html>maintenance</html>",
        ),
    ];
    for (fault, status, text) in cases {
        app.sandbox
            .faults()
            .add(FaultRule::new(Endpoint::Update, fault.clone()).times(1));
        let resp = app
            .http
            .get(app.url(&update))
            .send()
            .await
            .expect("request");
        assert_eq!(resp.status().as_u16(), status, "{fault:?}");
        let body = resp.text().await.expect("body");
        assert!(body.contains(text), "{fault:?}: {body}");
        assert!(
            serde_json::from_str::<Value>(&body)
                .map_or(true, |v| v.get("transaction_status").is_none()),
            "{fault:?} must not carry a status"
        );
    }

    // A timeout: the answer is held past the caller's patience.
    app.sandbox.faults().add(
        FaultRule::new(
            Endpoint::Update,
            Fault::LostResponse {
                hang_ms: Some(2_000),
            },
        )
        .times(1),
    );
    let sent = impatient(200).get(app.url(&update)).send().await;
    assert!(sent.is_err_and(|e| e.is_timeout()));

    let truth = app.get_json(&update).await;
    assert_eq!(truth["transaction_status"], "settlement");
}

#[tokio::test]
async fn a_status_api_down_for_three_calls_answers_the_fourth_and_one_down_until_cleared_recovers_when_cleared(
) {
    let app = spawn().await;
    let rx = Receiver::start().await;
    app.checkout(&simple_checkout("DOWN-1", 100_000, &rx.url))
        .await;
    let ask = || async {
        let resp = app
            .http
            .post(app.url("/transaction/status"))
            .json(&json!({"server_key": KEY, "order_id": "DOWN-1"}))
            .send()
            .await
            .expect("request");
        resp.status().as_u16()
    };
    app.sandbox.faults().add(
        FaultRule::new(
            Endpoint::TransactionStatus,
            Fault::HttpStatus { status: 503 },
        )
        .times(3),
    );
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(ask().await);
    }
    assert_eq!(statuses, [503, 503, 503, 200]);

    // Until cleared, through the HTTP driver, for this endpoint only.
    app.sandbox.faults().add(FaultRule::new(
        Endpoint::TransactionStatus,
        Fault::HttpStatus { status: 502 },
    ));
    app.sandbox
        .faults()
        .add(FaultRule::new(Endpoint::Push, Fault::DropPush));
    assert_eq!(ask().await, 502);
    assert_eq!(ask().await, 502);
    let left = app
        .http
        .delete(app.url("/_sandbox/faults?endpoint=transaction_status"))
        .send()
        .await
        .expect("clear")
        .json::<Value>()
        .await
        .expect("json");
    assert_eq!(ask().await, 200);
    assert_eq!(
        left.as_array().map(Vec::len),
        Some(1),
        "the push fault stays armed: {left}"
    );
}

#[tokio::test]
async fn a_delayed_push_arrives_after_the_shoppers_return() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let (resp, _) = app
        .checkout(&simple_checkout("DELAY-1", 100_000, &rx.url))
        .await;
    let redirect = resp["redirect_url"].as_str().expect("redirect").to_owned();
    // The sign-in `pending` push is held; the settlement push queues behind it, as a
    // transaction's pushes do at Kredivo.
    app.sandbox
        .faults()
        .add(FaultRule::new(Endpoint::Push, Fault::DelayPush { ms: 700 }).times(1));
    let paid_at = Instant::now();
    let back = app.pay(&redirect, None).await;
    assert!(back.contains("tr_status=settlement"), "{back}");
    assert!(
        rx.received().is_empty(),
        "the shopper is back before any push: {:?}",
        rx.received()
    );
    let pushes = rx.wait_for(2).await;
    assert!(paid_at.elapsed() >= Duration::from_millis(700));
    assert_eq!(pushes[0]["transaction_status"], "pending", "order kept");
    assert_eq!(pushes[1]["transaction_status"], "settlement");
    let log = app.sandbox.push_log();
    assert_eq!(log[0].note.as_deref(), Some("delayed"));
    assert_eq!(log[1].note, None);
}

#[tokio::test]
async fn the_driver_plays_the_shoppers_return_with_a_sign_key_update_accepts() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let (_, tx_id) = app
        .checkout(&simple_checkout("RETURN-1", 100_000, &rx.url))
        .await;
    app.sandbox
        .kredivo()
        .drive(&tx_id, Target::Deny)
        .expect("deny");
    let (_, answer) = app
        .driver(&format!("/_sandbox/transactions/{tx_id}/return"), None)
        .await;
    let url = answer["return_url"].as_str().expect("a return URL");
    assert!(
        url.starts_with("https://merchant.test/back?order_id=RETURN-1&tr_id="),
        "{url}"
    );
    assert_eq!(query_param(url, "tr_status").as_deref(), Some("deny"));
    let sign_key = query_param(url, "sign_key").expect("sign_key");
    let confirmed = app
        .get_json(&format!(
            "/v2/update?transaction_id={tx_id}&signature_key={}",
            percent_encode(&sign_key)
        ))
        .await;
    assert_eq!(confirmed["transaction_status"], "deny");
    assert!(matches!(
        app.sandbox.kredivo().return_url("NO-SUCH-ORDER"),
        Err(kredivo_sandbox::SandboxError::UnknownTransaction(_))
    ));
}

#[tokio::test]
async fn deactivating_a_token_from_the_app_pushes_its_client_user_key_and_disables_it() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let token = app
        .sandbox
        .kredivo()
        .issue_user_token(KEY, "81513114262", "randy@finaccel.co")
        .expect("token");
    let path = format!("/_sandbox/user_tokens/{token}/deactivate");
    let (status, _) = app.driver(&path, None).await;
    assert_eq!(status, 400, "no URL registered or given");
    let (status, answer) = app.driver(&path, Some(&json!({"url": rx.url}))).await;
    assert_eq!((status, &answer["is_active"]), (200, &json!(false)));
    let pushed = rx.wait_for(1).await;
    assert_eq!(pushed[0]["client_user_key"], "randy@finaccel.co");
    assert!(pushed[0]["message"].is_string());
    let record = &app.sandbox.push_log()[0];
    assert_eq!(record.kind, PushKind::TokenDeactivated);

    let details = app
        .post(
            "/v2/get_user_credit_details",
            &json!({"server_key": KEY, "user_token": token}),
        )
        .await;
    assert_eq!(details["status"], "ERROR", "the token no longer works");
    let (status, _) = app
        .driver(
            "/_sandbox/user_tokens/nope/deactivate",
            Some(&json!({"url": rx.url})),
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_driver_finishes_a_connect_and_posts_the_callback() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let started = app
        .post(
            "/v2/connect",
            &json!({
                "server_key": KEY, "mobile_number": "081513114262",
                "client_user_key": "budi@shop.test", "callback_url": rx.callback_url(),
                "redirect_url": "https://merchant.test/connected"
            }),
        )
        .await;
    assert_eq!(started["status"], "OK");
    let listed = app.get_json("/_sandbox/connects").await;
    assert_eq!(listed[0]["step"], "sign_in", "{listed}");

    let (_, done) = app
        .driver("/_sandbox/connects/budi@shop.test/complete", None)
        .await;
    let token = done["user_token"].as_str().expect("token");
    assert_eq!(done["redirect_url"], "https://merchant.test/connected");
    let callback = rx.wait_for(1).await;
    assert_eq!(
        callback[0],
        json!({"status": "OK", "user_token": token, "client_user_key": "budi@shop.test",
               "message": "Kredivo-Connect success."})
    );
    let details = app
        .post(
            "/v2/get_user_credit_details",
            &json!({"server_key": KEY, "user_token": token}),
        )
        .await;
    assert_eq!(details["status"], "OK", "the token is active: {details}");
}
