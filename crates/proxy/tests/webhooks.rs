//! Webhooks: every state change reaches the merchant's server, signed, at least once, in order
//! per order — also across a proxy killed mid-way and a merchant down for an hour.

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use axum::http::HeaderMap;
use common::*;
use kredivo_api::OrderStatus;
use kredivo_proxy::webhooks::deliver_due;
use kredivo_proxy::ManualClock;
use kredivo_sandbox::Target;
use serde_json::{json, Value};

/// One delivery as the merchant's server saw it.
#[derive(Debug, Clone)]
struct Delivery {
    signature: String,
    event_id: String,
    body: String,
}

/// A merchant webhook endpoint on 127.0.0.1:0 that records what arrives and answers with
/// `status` (200, or 503 to play "down").
#[derive(Clone)]
struct Merchant {
    url: String,
    status: Arc<AtomicU16>,
    received: Arc<Mutex<Vec<Delivery>>>,
}

impl Merchant {
    async fn start() -> Merchant {
        let status = Arc::new(AtomicU16::new(200));
        let received = Arc::new(Mutex::new(Vec::new()));
        let (s, r) = (status.clone(), received.clone());
        let app = axum::Router::new().route(
            "/hooks/kredivo",
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let (s, r) = (s.clone(), r.clone());
                async move {
                    let code = s.load(Ordering::SeqCst);
                    if code == 200 {
                        let header = |n: &str| {
                            headers
                                .get(n)
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or_default()
                                .to_owned()
                        };
                        r.lock().unwrap().push(Delivery {
                            signature: header("kredivo-signature"),
                            event_id: header("kredivo-event-id"),
                            body,
                        });
                    }
                    axum::http::StatusCode::from_u16(code).unwrap()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Merchant {
            url: format!("http://{addr}/hooks/kredivo"),
            status,
            received,
        }
    }

    fn events(&self) -> Vec<Value> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .map(|d| serde_json::from_str(&d.body).unwrap())
            .collect()
    }
}

async fn env_with(merchant: &Merchant, clock: Option<Arc<ManualClock>>) -> Env {
    let mut opts = Options {
        webhook_url: Some(merchant.url.clone()),
        ..Options::default()
    };
    if let Some(clock) = clock {
        opts.clock = clock;
    }
    start_with(opts).await
}

/// Settles one catalogue order; returns its id.
async fn settled_order(env: &Env, key: &str) -> String {
    let answer = env.checkout(&[("kopi-gayo-250g", 2)], "30_days", key).await;
    let order_id = answer["order_id"].as_str().unwrap().to_owned();
    env.sandbox
        .kredivo()
        .drive(&order_id, Target::Settle)
        .unwrap();
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
    order_id
}

fn examples_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples"))
}

/// The documented Node verifier's verdict on a delivery (`valid` or `invalid <reason>`).
fn node_verdict(d: &Delivery, body: &str, now: i64) -> String {
    let script = format!(
        "import {{ verifyWebhookSignature }} from {:?};\n\
         try {{ verifyWebhookSignature(Buffer.from(process.env.BODY, 'utf8'), process.env.SIG, process.env.SECRET, {{ now: Number(process.env.NOW) }}); console.log('valid'); }}\n\
         catch (e) {{ console.log('invalid ' + e.reason); }}",
        format!("file://{}", examples_dir().join("node-merchant/verify.js").display())
    );
    run(
        std::process::Command::new("node").args(["--input-type=module", "-e", &script]),
        d,
        body,
        now,
    )
}

/// The documented PHP verifier's verdict on a delivery.
fn php_verdict(d: &Delivery, body: &str, now: i64) -> String {
    let script = format!(
        "require {:?}; try {{ kredivo_verify_webhook_signature(getenv('BODY'), getenv('SIG'), getenv('SECRET'), (int) getenv('NOW')); echo \"valid\\n\"; }} catch (KredivoWebhookSignatureError $e) {{ echo 'invalid ' . $e->reason . \"\\n\"; }}",
        examples_dir().join("php/verify-webhook.php").display().to_string()
    );
    run(
        std::process::Command::new("php").args(["-r", &script]),
        d,
        body,
        now,
    )
}

fn run(cmd: &mut std::process::Command, d: &Delivery, body: &str, now: i64) -> String {
    let out = cmd
        .env("BODY", body)
        .env("SIG", &d.signature)
        .env("SECRET", WEBHOOK_SECRET)
        .env("NOW", now.to_string())
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e} (the test command installs node and php-cli)"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[tokio::test]
async fn settlement_is_announced_by_a_webhook_both_documented_verifiers_accept_and_a_tampered_one_fails(
) {
    let merchant = Merchant::start().await;
    let env = env_with(&merchant, None).await;
    let order_id = settled_order(&env, "hook-node-php-01").await;
    let mut delivered = 0;
    for _ in 0..5 {
        delivered += deliver_due(&env.state).await.unwrap();
    }
    assert_eq!(delivered, 2, "order.pending then order.settled");
    let events = merchant.events();
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["order.pending", "order.settled"]);
    let settled = &events[1];
    assert_eq!(settled["data"]["order_id"], order_id.as_str());
    assert_eq!(settled["data"]["status"], "settled");
    assert_eq!(settled["data"]["amount"], "190000");
    assert_eq!(settled["data"]["payment_type"], "30_days");
    let d = merchant.received.lock().unwrap()[1].clone();
    assert_eq!(d.event_id, settled["id"].as_str().unwrap());

    let now = env.state.clock().now_millis() / 1000;
    assert_eq!(node_verdict(&d, &d.body, now), "valid");
    assert_eq!(php_verdict(&d, &d.body, now), "valid");
    assert!(kredivo_proxy::webhooks::signature::verify(
        WEBHOOK_SECRET,
        &d.signature,
        d.body.as_bytes(),
        now
    )
    .is_ok());
    let tampered = d.body.replace("\"190000\"", "\"1900000\"");
    assert_ne!(tampered, d.body);
    assert_eq!(
        node_verdict(&d, &tampered, now),
        "invalid signature_mismatch"
    );
    assert_eq!(
        php_verdict(&d, &tampered, now),
        "invalid signature_mismatch"
    );
    // A delivery captured and replayed ten minutes later is refused.
    assert_eq!(
        node_verdict(&d, &d.body, now + 600),
        "invalid timestamp_outside_tolerance"
    );
    assert_eq!(
        php_verdict(&d, &d.body, now + 600),
        "invalid timestamp_outside_tolerance"
    );
}

#[tokio::test]
async fn a_merchant_down_for_an_hour_gets_every_event_in_order_once_it_is_back() {
    let clock = Arc::new(ManualClock::new(1_800_000_000_000));
    let merchant = Merchant::start().await;
    let env = env_with(&merchant, Some(clock.clone())).await;
    merchant.status.store(503, Ordering::SeqCst);
    let a = settled_order(&env, "hook-outage-a1").await;
    let b = settled_order(&env, "hook-outage-b1").await;
    // A partial cancel of a gives a third event for it.
    let (status, body) = env
        .send(
            env.admin(
                env.http
                    .post(env.url(&format!("/api/kredivo/v1/admin/orders/{a}/cancel")))
                    .json(&json!({"amount": "50000"})),
            ),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // An hour of a down merchant, the worker ticking every minute.
    for _ in 0..60 {
        deliver_due(&env.state).await.unwrap();
        clock.advance(60_000);
    }
    assert!(merchant.events().is_empty());
    let (status, pending) = env
        .send(
            env.admin(
                env.http
                    .get(env.url("/api/kredivo/v1/admin/webhooks?status=pending")),
            ),
        )
        .await;
    assert_eq!(status, 200);
    let pending = pending["webhooks"].as_array().unwrap();
    assert_eq!(pending.len(), 5);
    let tried = pending
        .iter()
        .filter(|w| w["attempts"].as_i64().unwrap() >= 1)
        .count();
    assert_eq!(
        tried, 2,
        "only each order's oldest event is tried; later ones wait behind it"
    );
    // Back: within the back-off cap (an hour) everything arrives.
    merchant.status.store(200, Ordering::SeqCst);
    for _ in 0..70 {
        deliver_due(&env.state).await.unwrap();
        clock.advance(60_000);
    }
    let events = merchant.events();
    let of = |order: &str| -> Vec<String> {
        events
            .iter()
            .filter(|e| e["data"]["order_id"] == order)
            .map(|e| e["type"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        of(&a),
        ["order.pending", "order.settled", "order.cancelled"]
    );
    assert_eq!(of(&b), ["order.pending", "order.settled"]);
    let ids: std::collections::HashSet<&str> =
        events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), events.len(), "each event once");
    let cancel = events
        .iter()
        .find(|e| e["type"] == "order.cancelled")
        .unwrap();
    assert_eq!(
        cancel["data"]["cancellation"],
        json!({"amount": "50000", "partial": true})
    );
    assert_eq!(cancel["data"]["status"], "settled");
    let (_, after) = env
        .send(
            env.admin(
                env.http
                    .get(env.url("/api/kredivo/v1/admin/webhooks?status=pending")),
            ),
        )
        .await;
    assert!(after["webhooks"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_proxy_killed_between_the_change_and_the_delivery_delivers_after_restart() {
    let merchant = Merchant::start().await;
    let mut env = env_with(&merchant, None).await;
    let order_id = settled_order(&env, "hook-restart-01").await;
    // The state changed and its outbox row is written; the process dies before any delivery.
    env.stop().await;
    env.start_again().await;
    assert!(merchant.events().is_empty());
    while deliver_due(&env.state).await.unwrap() > 0 {}
    let types: Vec<String> = merchant
        .events()
        .iter()
        .filter(|e| e["data"]["order_id"] == order_id.as_str())
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(types, ["order.pending", "order.settled"]);
}

#[tokio::test]
async fn an_operator_sees_failed_webhooks_and_redelivers_one() {
    let clock = Arc::new(ManualClock::new(1_800_000_000_000));
    let merchant = Merchant::start().await;
    let env = env_with(&merchant, Some(clock.clone())).await;
    merchant.status.store(500, Ordering::SeqCst);
    let order_id = settled_order(&env, "hook-failed-01").await;
    // Past the whole retry window (72 h), ticking every 10 minutes.
    for _ in 0..(73 * 6) {
        deliver_due(&env.state).await.unwrap();
        clock.advance(600_000);
    }
    let (_, failed) = env
        .send(
            env.admin(
                env.http
                    .get(env.url("/api/kredivo/v1/admin/webhooks?status=failed")),
            ),
        )
        .await;
    let failed = failed["webhooks"].as_array().unwrap().clone();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(failed.iter().all(|w| w["last_http_status"] == 500));
    let (_, detail) = env
        .send(
            env.admin(
                env.http
                    .get(env.url(&format!("/api/kredivo/v1/admin/orders/{order_id}"))),
            ),
        )
        .await;
    assert_eq!(detail["webhooks"].as_array().unwrap().len(), 2);
    merchant.status.store(200, Ordering::SeqCst);
    for w in &failed {
        let id = w["event_id"].as_str().unwrap();
        let (status, _) = env
            .send(
                env.admin(
                    env.http
                        .post(env.url(&format!("/api/kredivo/v1/admin/webhooks/{id}/redeliver"))),
                ),
            )
            .await;
        assert_eq!(status, 200);
    }
    while deliver_due(&env.state).await.unwrap() > 0 {}
    assert_eq!(merchant.events().len(), 2);
    let (status, _) = env
        .send(
            env.admin(
                env.http
                    .post(env.url("/api/kredivo/v1/admin/webhooks/evt_nope/redeliver")),
            ),
        )
        .await;
    assert_eq!(status, 404);
}

/// One amount end to end, over random sessions (items, fee lines, discounts): the session's
/// total = what the provider was asked = what it confirmed = what the webhook says = what is
/// stored.
#[tokio::test]
async fn random_sessions_keep_one_amount_from_the_merchant_to_the_webhook() {
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, TestRunner};

    let merchant = Merchant::start().await;
    let env = env_with(&merchant, None).await;
    let item = (1u64..3_000_000, 1u32..4);
    let strategy = (
        proptest::collection::vec(item, 1..5),
        proptest::option::of(1u64..200_000),
        proptest::option::of(1u64..50_000),
        0u64..100,
    );
    let mut runner = TestRunner::new(Config {
        cases: 24,
        ..Config::default()
    });
    let mut paid = 0;
    for case in 0..24 {
        let (items, shipping, tax, discount_percent) =
            strategy.new_tree(&mut runner).unwrap().current();
        let subtotal: u64 = items.iter().map(|(p, q)| p * u64::from(*q)).sum();
        let discount = subtotal * discount_percent / 400; // at most a quarter of the items
        let amount = subtotal + shipping.unwrap_or(0) + tax.unwrap_or(0) - discount;
        let mut fees = Vec::new();
        if let Some(s) = shipping {
            fees.push(json!({"id": "shippingfee", "name": "Ongkir", "price": s.to_string()}));
        }
        if let Some(t) = tax {
            fees.push(json!({"id": "taxfee", "name": "PPN", "price": t.to_string()}));
        }
        if discount > 0 {
            fees.push(json!({"id": "discount", "name": "Promo", "price": discount.to_string()}));
        }
        let body = json!({
            "reference": format!("PROP-{case}"), "amount": amount.to_string(),
            "items": items.iter().enumerate().map(|(i, (p, q))| json!({"id": format!("sku-{i}"), "name": format!("Item {i}"), "price": p.to_string(), "quantity": q})).collect::<Vec<_>>(),
            "fees": fees,
            "customer": {"first_name": "Budi", "email": "budi@example.co.id", "phone": "081234567890"},
            "shipping_address": {"first_name": "Budi", "address": "Jl. Sudirman 1", "city": "Jakarta", "postal_code": "10220", "phone": "081234567890", "country_code": "IDN"},
        });
        let (status, created) = env.create_session(&body).await;
        assert_eq!(status, 201, "case {case}: {created}");
        assert_eq!(created["amount"], amount.to_string(), "session total");
        let secret = created["client_secret"].as_str().unwrap();
        let (_, plans) = env
            .post(
                "/api/kredivo/v1/payment-types",
                &json!({ "session": secret }),
            )
            .await;
        assert_eq!(plans["amount"], amount.to_string(), "case {case}");
        let Some(plan) = plans["plans"].as_array().unwrap().first() else {
            continue; // outside every plan's range: nothing to pay
        };
        let (status, answer) = env
            .post(
                "/api/kredivo/v1/checkout",
                &json!({"session": secret, "payment_type": plan["payment_type"], "idempotency_key": format!("prop-case-{case:04}")}),
            )
            .await;
        assert_eq!(status, 200, "case {case}: {answer}");
        let order_id = answer["order_id"].as_str().unwrap().to_owned();
        env.sandbox
            .kredivo()
            .drive(&order_id, Target::Settle)
            .unwrap();
        assert!(
            env.wait_for(&order_id, OrderStatus::Settled).await,
            "case {case}"
        );
        while deliver_due(&env.state).await.unwrap() > 0 {}

        let asked = env
            .calls("checkout_url")
            .await
            .into_iter()
            .find(|c| c.order_id.as_deref() == Some(order_id.as_str()))
            .map(|c| serde_json::from_str::<Value>(&c.request).unwrap())
            .unwrap();
        let confirmed = env.sandbox.kredivo().transaction(&order_id).unwrap();
        let stored = env.state.store().order(&order_id).await.unwrap().unwrap();
        let hook = merchant
            .events()
            .into_iter()
            .find(|e| e["type"] == "order.settled" && e["data"]["order_id"] == order_id.as_str())
            .unwrap();
        assert_eq!(
            asked["transaction_details"]["amount"],
            json!(amount),
            "case {case}: provider request"
        );
        assert_eq!(
            confirmed.amount,
            format!("{amount}.00"),
            "case {case}: confirmed"
        );
        assert_eq!(
            stored.amount.to_string(),
            amount.to_string(),
            "case {case}: stored"
        );
        assert_eq!(
            hook["data"]["amount"],
            amount.to_string(),
            "case {case}: webhook"
        );
        paid += 1;
    }
    assert!(
        paid >= 12,
        "most random sessions are payable ({paid} of 24)"
    );
}
