//! QR checkout (issue 17): the POS's server creates a QR with the merchant key, the POS screen
//! watches it through its `qr_id`, the shopper pays in the (sandbox) Kredivo app, and the
//! order settles, expires or is cancelled through the same state machine and webhooks as every
//! other order.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use kredivo_api::merchant::WebhookEventType;
use kredivo_api::OrderStatus;
use kredivo_proxy::store::WebhookFilter;
use kredivo_proxy::ManualClock;
use kredivo_sandbox::{Clock, Endpoint, Fault, FaultRule, Target};
use serde_json::{json, Value};

const QR: &str = "/api/kredivo/v1/qr";
/// 2024-01-01T00:00:00Z: where both manual clocks start.
const T0: i64 = 1_704_067_200;

fn qr_body(order_id: &str) -> Value {
    json!({
        "order_id": order_id,
        "sub_merchant_id": "KFCSenayanCity",
        "items": [
            {"id": "001", "name": "Nasi Capcay Seafood", "price": "50000", "quantity": 2, "type": "Food"},
            {"id": "002", "name": "Cappuccino", "price": "25000", "quantity": 2, "type": "Drink"}
        ],
        "fees": [{"id": "discount", "name": "Promo", "price": "10000"}],
        "language": "en"
    })
}

async fn create(env: &Env, body: &Value) -> (u16, Value) {
    env.send(
        env.http
            .post(env.url(QR))
            .bearer_auth(MERCHANT_KEY)
            .json(body),
    )
    .await
}

async fn created(env: &Env, body: &Value) -> Value {
    let (status, answer) = create(env, body).await;
    assert_eq!(status, 201, "{answer}");
    answer
}

async fn view(env: &Env, qr_id: &str) -> Value {
    let (status, answer) = env.get(&format!("{QR}/{qr_id}")).await;
    assert_eq!(status, 200, "{answer}");
    answer
}

async fn cancel(env: &Env, qr_id: &str) -> (u16, Value) {
    env.send(
        env.http
            .post(env.url(&format!("{QR}/{qr_id}/cancel")))
            .header("origin", "https://shop.example"),
    )
    .await
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} in {v}"))
}

/// How many webhook events of `kind` the outbox holds for `order_id`.
async fn webhooks(env: &Env, order_id: &str, kind: WebhookEventType) -> usize {
    env.state
        .store()
        .webhooks(&WebhookFilter {
            order_id: Some(order_id.to_owned()),
            ..WebhookFilter::default()
        })
        .await
        .expect("webhooks")
        .iter()
        .filter(|w| w.event_type == kind)
        .count()
}

/// A merchant webhook endpoint that records the bodies it receives.
async fn merchant_hooks() -> (String, Arc<Mutex<Vec<Value>>>) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let r = received.clone();
    let app = axum::Router::new().route(
        "/hooks",
        axum::routing::post(move |body: String| {
            let r = r.clone();
            async move {
                r.lock()
                    .unwrap()
                    .push(serde_json::from_str::<Value>(&body).unwrap());
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hooks"), received)
}

async fn env_with_hooks() -> (Env, Arc<Mutex<Vec<Value>>>) {
    let (url, received) = merchant_hooks().await;
    let env = start_with(Options {
        webhook_url: Some(url),
        ..Options::default()
    })
    .await;
    (env, received)
}

/// The proxy and the sandbox on manual clocks at [`T0`], webhooks on.
async fn env_on_manual_clocks() -> (Env, Arc<ManualClock>, Arc<kredivo_sandbox::ManualClock>) {
    let (url, _) = merchant_hooks().await;
    let proxy_clock = Arc::new(ManualClock::new(T0 * 1000));
    let sandbox_clock = Arc::new(kredivo_sandbox::ManualClock::at_unix(T0 as u64));
    let sc = sandbox_clock.clone();
    let env = start_with_sandbox(
        Options {
            clock: proxy_clock.clone(),
            webhook_url: Some(url),
            ..Options::default()
        },
        move |c| kredivo_sandbox::SandboxConfig { clock: sc, ..c },
    )
    .await;
    (env, proxy_clock, sandbox_clock)
}

/// The shopper scans the code and pays in the (sandbox) app: the driver's scan link, the
/// payload URL, sign-in, OTP, confirm — the same form posts a browser makes.
async fn pay_in_the_app(env: &Env, order_id: &str) {
    let scan = format!("{}/_sandbox/qr/{order_id}/scan", env.kredivo_base);
    let resp = env.http.get(&scan).send().await.unwrap();
    assert_eq!(resp.status(), 303, "the scan opens the code's payload");
    let payload = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(payload.contains("/offline/v1/qr/") && payload.ends_with("/pay"));
    let resp = env.http.get(&payload).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    let signin = resp.headers()["location"].to_str().unwrap().to_owned();
    let page = env
        .http
        .get(&signin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for id in [
        "id=\"phone\"",
        "id=\"pin\"",
        "id=\"submit\"",
        "id=\"amount\"",
    ] {
        assert!(page.contains(id), "the app's sign-in page has {id}: {page}");
    }
    let tk = signin.split("tk=").nth(1).unwrap().to_owned();
    let form = |path: &str, fields: Vec<(&str, &str)>| {
        env.http
            .post(format!("{}{path}", env.kredivo_base))
            .form(&fields)
            .send()
    };
    let r = form(
        "/v2/signin",
        vec![("tk", &tk), ("phone", "81513114262"), ("pin", "663482")],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 303, "signed in");
    let r = form("/v2/otp", vec![("tk", &tk), ("otp", "4567")])
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "OTP accepted");
    let page = form(
        "/v2/confirm",
        vec![("tk", &tk), ("payment_type", "30_days")],
    )
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    assert!(page.contains("id=\"status\">settlement<"), "{page}");
}

/// Checks `body` against the OpenAPI document's schema for this answer (as tests/openapi.rs).
fn matches_openapi(doc: &Value, method: &str, path: &str, status: u16, body: &Value) {
    let schema = doc["paths"][path][method]["responses"][status.to_string()]["content"]
        ["application/json"]["schema"]
        .clone();
    assert!(!schema.is_null(), "{method} {path} {status} is documented");
    let mut root = schema;
    root["components"] = doc["components"].clone();
    let validator = jsonschema::validator_for(&root).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(body).map(|e| e.to_string()).collect();
    assert!(
        errors.is_empty(),
        "{method} {path} {status}: {errors:?}\n{body}"
    );
}

#[tokio::test]
async fn a_qr_with_bad_fields_is_refused_with_field_paths_and_nothing_is_stored() {
    let env = start().await;
    let bad = json!({
        "order_id": "not ok!",
        "items": [{"id": "001", "name": "", "price": "-5", "quantity": 0}],
        "fees": [{"id": "tips", "name": "Tip", "price": "1000"}],
        "expires_in_seconds": 2,
        "language": "fr"
    });
    let (status, answer) = create(&env, &bad).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["code"], "invalid_request");
    let details: Vec<&str> = answer["error"]["details"]
        .as_array()
        .expect("details")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for path in [
        "order_id:",
        "items[0].name:",
        "items[0].price:",
        "items[0].quantity:",
        "fees[0].id:",
        "sub_merchant_id:",
        "expires_in_seconds:",
        "language:",
    ] {
        assert!(
            details.iter().any(|d| d.starts_with(path)),
            "{path} in {details:?}"
        );
    }
    // The browser-side rule holds server to server too: the amount is the proxy's to compute.
    let mut with_amount = qr_body("POS-AMOUNT");
    with_amount["amount"] = json!("1");
    let (status, answer) = create(&env, &with_amount).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["code"], "invalid_json");
    assert!(
        s(&answer["error"], "message").contains("amount"),
        "{answer}"
    );
    let (status, _) = create(&env, &json!({"items": []})).await;
    assert_eq!(status, 400);
    assert_eq!(env.count("orders").await, 0, "nothing stored");
    assert_eq!(env.count("qr_checkouts").await, 0);
    assert!(
        env.calls("init_checkout").await.is_empty(),
        "Kredivo not asked"
    );
}

#[tokio::test]
async fn a_wrong_or_missing_merchant_key_is_401_and_creates_nothing() {
    let env = start().await;
    let body = qr_body("POS-401");
    for req in [
        env.http.post(env.url(QR)).json(&body),
        env.http
            .post(env.url(QR))
            .bearer_auth("merchant-key-for-tests-WRONG-0123456789ab")
            .json(&body),
    ] {
        let (status, answer) = env.send(req).await;
        assert_eq!(status, 401, "{answer}");
        assert_eq!(answer["error"]["code"], "unauthorized");
    }
    assert_eq!(env.count("orders").await, 0);
    assert_eq!(env.count("qr_checkouts").await, 0);
}

#[tokio::test]
async fn a_created_qr_is_pending_with_a_countdown_and_a_locked_down_svg_image() {
    let env = start().await;
    let answer = created(&env, &qr_body("POS-0001")).await;
    let qr_id = s(&answer, "qr_id").to_owned();
    assert!(qr_id.starts_with("qr_") && qr_id.len() >= 29, "{qr_id}");
    assert_eq!(answer["order_id"], "POS-0001");
    assert_eq!(answer["status"], "pending");
    // 2×50,000 + 2×25,000 − 10,000: computed by the proxy.
    assert_eq!(answer["amount"], "140000");
    assert_eq!(answer["currency"], "IDR");
    assert_eq!(answer["language"], "en");
    assert!(s(&answer, "expires_at").ends_with('Z'), "{answer}");
    assert_eq!(
        answer["qr_image_url"],
        env.url(&format!("{QR}/{qr_id}/image.svg")).as_str()
    );

    // The POS screen, in a browser on the shop's origin.
    let resp = env
        .http
        .get(env.url(&format!("{QR}/{qr_id}")))
        .header("origin", "https://shop.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["access-control-allow-origin"],
        "https://shop.example"
    );
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let seen: Value = resp.json().await.unwrap();
    assert_eq!(seen["status"], "pending");
    let left = seen["seconds_left"].as_i64().expect("seconds_left");
    assert!((880..=900).contains(&left), "default 900 s: {left}");

    // What Kredivo was told.
    let calls = env.calls("init_checkout").await;
    assert_eq!(calls.len(), 1);
    assert!(calls[0].endpoint.ends_with("/offline/v1/init_checkout"));
    let sent: Value = serde_json::from_str(&calls[0].request).unwrap();
    assert_eq!(sent["source"], "QR");
    assert_eq!(sent["sub_merchant_id"], "KFCSenayanCity");
    assert_eq!(sent["amount"], 140000);
    assert_eq!(sent["order_id"], "POS-0001");
    assert!(s(&sent, "push_uri").ends_with("/api/kredivo/v1/push"));
    let order = env.state.store().order("POS-0001").await.unwrap().unwrap();
    assert_eq!(order.source.as_deref(), Some("QR"));
    assert_eq!(order.status, OrderStatus::Pending);

    // The image.
    for _ in 0..2 {
        let resp = env
            .http
            .get(env.url(&format!("{QR}/{qr_id}/image.svg")))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let h = resp.headers().clone();
        assert_eq!(h["content-type"], "image/svg+xml");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(h["cache-control"].to_str().unwrap().starts_with("private"));
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("sandbox"),
            "{csp}"
        );
        let svg = resp.text().await.unwrap();
        assert!(
            svg.contains("<svg") && svg.contains("<path"),
            "a drawn code"
        );
    }
    assert_eq!(
        env.calls("qr_image").await.len(),
        1,
        "fetched from Kredivo once, then kept"
    );

    // Unknown and malformed handles.
    for id in ["qr_NOPE0000000000000000000000", "ses_x", "qr_../x"] {
        let (status, _) = env.get(&format!("{QR}/{id}")).await;
        assert_eq!(status, 404, "{id}");
    }

    // The answers are the documented ones.
    let (_, doc) = env.get("/api/kredivo/v1/openapi.json").await;
    matches_openapi(&doc, "post", "/api/kredivo/v1/qr", 201, &answer);
    matches_openapi(&doc, "get", "/api/kredivo/v1/qr/{qr_id}", 200, &seen);
}

#[tokio::test]
async fn a_qr_paid_in_the_app_settles_and_the_merchant_hears_it_once() {
    let (env, received) = env_with_hooks().await;
    let answer = created(&env, &qr_body("POS-PAID-1")).await;
    let qr_id = s(&answer, "qr_id").to_owned();
    pay_in_the_app(&env, "POS-PAID-1").await;
    assert!(env.wait_for("POS-PAID-1", OrderStatus::Settled).await);
    env.pushes_settled().await;
    let seen = view(&env, &qr_id).await;
    assert_eq!(seen["status"], "settled");
    assert_eq!(seen["seconds_left"], 0, "nothing left to count down");
    let order = env
        .state
        .store()
        .order("POS-PAID-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        order.payment_type, "30_days",
        "the tenure the shopper chose in the app"
    );
    assert!(
        env.verdicts().await.iter().any(|v| v == "applied"),
        "settled by the confirmed push"
    );
    assert_eq!(
        webhooks(&env, "POS-PAID-1", WebhookEventType::Settled).await,
        1
    );
    // One event per order per pass, in order: order.pending, then order.settled.
    while kredivo_proxy::webhooks::deliver_due(&env.state)
        .await
        .unwrap()
        > 0
    {}
    let settled: Vec<Value> = received
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "order.settled")
        .cloned()
        .collect();
    assert_eq!(settled.len(), 1, "{settled:?}");
    assert_eq!(settled[0]["data"]["order_id"], "POS-PAID-1");
    assert_eq!(settled[0]["data"]["amount"], "140000");
    assert_eq!(settled[0]["data"]["source"], "QR");
}

#[tokio::test]
async fn a_qr_left_alone_expires_at_its_expiry_as_the_provider_confirms() {
    let (env, proxy_clock, sandbox_clock) = env_on_manual_clocks().await;
    let mut body = qr_body("POS-EXP-1");
    body["expires_in_seconds"] = json!(5);
    let answer = created(&env, &body).await;
    let qr_id = s(&answer, "qr_id").to_owned();
    assert_eq!(answer["seconds_left"], 5);
    assert_eq!(answer["expires_at"], "2024-01-01T00:00:05Z");
    let sent: Value = serde_json::from_str(&env.calls("init_checkout").await[0].request).unwrap();
    assert_eq!(sent["expiration_time"], (T0 + 5).to_string());

    proxy_clock.advance(3_000);
    sandbox_clock.advance(Duration::from_secs(3));
    let seen = view(&env, &qr_id).await;
    assert_eq!(
        (seen["status"].as_str(), seen["seconds_left"].as_i64()),
        (Some("pending"), Some(2))
    );
    let checks = env.calls("transaction_status").await.len();

    proxy_clock.advance(3_000);
    sandbox_clock.advance(Duration::from_secs(3));
    let seen = view(&env, &qr_id).await;
    assert_eq!(seen["status"], "expired", "{seen}");
    assert_eq!(seen["seconds_left"], 0);
    assert!(
        env.calls("transaction_status").await.len() > checks,
        "confirmed with the provider"
    );
    assert_eq!(
        env.sandbox
            .kredivo()
            .transaction("POS-EXP-1")
            .unwrap()
            .transaction_status,
        "expire"
    );
    env.pushes_settled().await;
    assert_eq!(env.order_status("POS-EXP-1").await, OrderStatus::Expired);
    assert_eq!(
        webhooks(&env, "POS-EXP-1", WebhookEventType::Expired).await,
        1,
        "the read and Kredivo's expire push: one webhook"
    );
}

#[tokio::test]
async fn the_reconciler_expires_a_qr_nobody_watches_at_its_expiry() {
    let (env, proxy_clock, sandbox_clock) = env_on_manual_clocks().await;
    let mut body = qr_body("POS-EXP-2");
    body["expires_in_seconds"] = json!(60);
    created(&env, &body).await;
    let order = env.state.store().order("POS-EXP-2").await.unwrap().unwrap();
    assert_eq!(
        order.next_check_at,
        Some((T0 + 61) * 1000),
        "checked just after its expiry, before the usual first check"
    );
    proxy_clock.advance(61_000);
    // The provider's clock moves too, but nothing there looks at the transaction.
    sandbox_clock.advance(Duration::from_secs(61));
    let report = kredivo_proxy::reconciler::reconcile_due(&env.state)
        .await
        .unwrap();
    assert_eq!(report.checked, 1, "{report:?}");
    assert_eq!(env.order_status("POS-EXP-2").await, OrderStatus::Expired);
    assert_eq!(
        webhooks(&env, "POS-EXP-2", WebhookEventType::Expired).await,
        1
    );
}

#[tokio::test]
async fn a_qr_the_provider_still_calls_pending_after_the_grace_is_voided_there_and_expired() {
    let (env, proxy_clock, _sandbox_clock) = env_on_manual_clocks().await;
    let mut body = qr_body("POS-EXP-3");
    body["expires_in_seconds"] = json!(5);
    let qr_id = s(&created(&env, &body).await, "qr_id").to_owned();
    // Only our clock moves: Kredivo still calls it pending.
    proxy_clock.advance(6_000);
    let seen = view(&env, &qr_id).await;
    assert_eq!(
        seen["status"], "pending",
        "within the grace Kredivo may still expire it itself"
    );
    assert_eq!(seen["seconds_left"], 0);
    proxy_clock.advance(kredivo_proxy::orders::qr::EXPIRY_GRACE.as_millis() as i64);
    let seen = view(&env, &qr_id).await;
    assert_eq!(seen["status"], "expired", "{seen}");
    assert_eq!(
        env.sandbox
            .kredivo()
            .transaction("POS-EXP-3")
            .unwrap()
            .transaction_status,
        "cancel",
        "nobody can pay a code the POS shows as expired"
    );
    env.pushes_settled().await;
    assert_eq!(env.order_status("POS-EXP-3").await, OrderStatus::Expired);
    assert_eq!(
        webhooks(&env, "POS-EXP-3", WebhookEventType::Expired).await,
        1
    );
    assert_eq!(
        webhooks(&env, "POS-EXP-3", WebhookEventType::Cancelled).await,
        0,
        "the void's push does not move an expired order"
    );
}

#[tokio::test]
async fn the_cashier_cancels_a_qr_and_cancelling_again_changes_nothing() {
    let (env, _received) = env_with_hooks().await;
    let qr_id = s(&created(&env, &qr_body("POS-CXL-1")).await, "qr_id").to_owned();
    let (status, answer) = cancel(&env, &qr_id).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], "cancelled");
    assert_eq!(
        env.sandbox
            .kredivo()
            .transaction("POS-CXL-1")
            .unwrap()
            .transaction_status,
        "cancel",
        "voided at Kredivo"
    );
    let (status, again) = cancel(&env, &qr_id).await;
    assert_eq!((status, again["status"].as_str()), (200, Some("cancelled")));
    assert_eq!(env.calls("cancel_transaction").await.len(), 1);
    env.pushes_settled().await;
    assert_eq!(view(&env, &qr_id).await["status"], "cancelled");
    assert_eq!(
        webhooks(&env, "POS-CXL-1", WebhookEventType::Cancelled).await,
        1
    );
    // A browser on another origin may not cancel.
    let qr_id = s(&created(&env, &qr_body("POS-CXL-2")).await, "qr_id").to_owned();
    let (status, _) = env
        .send(
            env.http
                .post(env.url(&format!("{QR}/{qr_id}/cancel")))
                .header("origin", "https://evil.example"),
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(env.order_status("POS-CXL-2").await, OrderStatus::Pending);
    // The admin's cancel of an unpaid QR voids it the same way (no second route).
    let (status, order) = env
        .send(
            env.admin(
                env.http
                    .post(env.url("/api/kredivo/v1/admin/orders/POS-CXL-2/cancel")),
            ),
        )
        .await;
    assert_eq!(status, 200, "{order}");
    assert_eq!(order["status"], "cancelled");
    assert_eq!(order["source"], "QR");
    assert_eq!(view(&env, &qr_id).await["status"], "cancelled");
}

#[tokio::test]
async fn cancelling_a_paid_qr_is_a_409_because_that_is_a_refund() {
    let env = start().await;
    let qr_id = s(&created(&env, &qr_body("POS-CXL-3")).await, "qr_id").to_owned();
    env.sandbox
        .kredivo()
        .drive("POS-CXL-3", Target::Settle)
        .unwrap();
    assert!(env.wait_for("POS-CXL-3", OrderStatus::Settled).await);
    let (status, answer) = cancel(&env, &qr_id).await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["error"]["code"], "order_conflict");
    assert!(
        s(&answer["error"], "message").contains("refund"),
        "{answer}"
    );
    assert_eq!(env.order_status("POS-CXL-3").await, OrderStatus::Settled);
    assert!(env.calls("cancel_transaction").await.is_empty());
}

#[tokio::test]
async fn a_retried_create_returns_the_same_qr_and_another_body_is_a_409() {
    let env = start().await;
    let first = created(&env, &qr_body("POS-RETRY-1")).await;
    let resp = env
        .http
        .post(env.url(QR))
        .bearer_auth(MERCHANT_KEY)
        .json(&qr_body("POS-RETRY-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    assert_eq!(resp.headers()["idempotent-replayed"], "true");
    let again: Value = resp.json().await.unwrap();
    assert_eq!(again["qr_id"], first["qr_id"]);
    assert_eq!(env.calls("init_checkout").await.len(), 1);
    assert_eq!(env.kredivo_transactions("POS-RETRY-1"), 1);

    let mut other = qr_body("POS-RETRY-1");
    other["items"][0]["quantity"] = json!(3);
    let (status, answer) = create(&env, &other).await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["error"]["code"], "idempotency_conflict");

    // An order id another checkout already uses.
    let web = env
        .checkout(&[("kopi-gayo-250g", 1)], "30_days", "web-order-0001")
        .await;
    let (status, answer) = create(&env, &qr_body(s(&web, "order_id"))).await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["error"]["code"], "order_conflict");

    // Without an order id the proxy makes one.
    let mut anonymous = qr_body("x");
    anonymous.as_object_mut().unwrap().remove("order_id");
    let made = created(&env, &anonymous).await;
    assert!(s(&made, "order_id").starts_with("KD-"), "{made}");
    assert_eq!(env.count("qr_checkouts").await, 2);
}

#[tokio::test]
async fn a_lost_create_answer_is_resumed_not_sent_again() {
    let env = start_with(Options {
        upstream_timeout: Duration::from_millis(400),
        ..Options::default()
    })
    .await;
    env.sandbox.faults().add(
        FaultRule::new(
            Endpoint::InitCheckout,
            Fault::LostResponse { hang_ms: None },
        )
        .times(1),
    );
    let (status, first) = create(&env, &qr_body("POS-LOST-1")).await;
    assert!(status >= 500, "the first answer is lost: {status} {first}");
    for _ in 0..100 {
        if env.kredivo_transactions("POS-LOST-1") == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        env.kredivo_transactions("POS-LOST-1"),
        1,
        "Kredivo did the work"
    );
    let again = created(&env, &qr_body("POS-LOST-1")).await;
    assert_eq!(again["status"], "pending");
    assert_eq!(env.kredivo_transactions("POS-LOST-1"), 1, "created once");
    assert_eq!(env.calls("init_checkout").await.len(), 1, "not sent again");
    // The image is found from the transaction id alone.
    let resp = env
        .http
        .get(s(&again, "qr_image_url"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.unwrap().contains("<svg"));
    // And the code still pays.
    pay_in_the_app(&env, "POS-LOST-1").await;
    assert!(env.wait_for("POS-LOST-1", OrderStatus::Settled).await);
}
