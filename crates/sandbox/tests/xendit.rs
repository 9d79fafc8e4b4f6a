//! The Xendit simulator speaks doc 004's PayLater dialect: Basic auth with the secret key,
//! customer → plan → charge, `x-idempotency-key`, `CHANNEL_UNAVAILABLE` for 10101, refunds,
//! and callbacks carrying `x-callback-token`.

mod agg;
mod common;

use agg::Merchant;
use kredivo_providers::auth::basic;
use kredivo_providers::sandbox_defaults::{XENDIT_CALLBACK_TOKEN, XENDIT_SECRET_KEY};
use kredivo_providers::xendit::{self, Callback, ChargeStatus};
use kredivo_sandbox::{AggregatorSettings, SandboxConfig, XenditSettings};
use serde_json::{json, Value};

async fn spawn(callback_url: &str) -> common::App {
    let url = callback_url.to_owned();
    common::spawn_with(move |c: SandboxConfig| SandboxConfig {
        aggregators: AggregatorSettings {
            xendit: XenditSettings {
                callback_url: Some(url),
                ..AggregatorSettings::default().xendit
            },
            ..AggregatorSettings::default()
        },
        ..c
    })
    .await
}

async fn call(
    app: &common::App,
    method: &str,
    path: &str,
    body: Option<&Value>,
    idem: Option<&str>,
) -> (u16, Value) {
    let url = agg::url(app, "xendit", path);
    let mut req = if method == "GET" {
        app.http.get(&url)
    } else {
        app.http.post(&url)
    };
    if let Some(b) = body {
        req = req.json(b);
    }
    if let Some(k) = idem {
        req = req.header("x-idempotency-key", k);
    }
    let resp = req
        .header("Authorization", basic(XENDIT_SECRET_KEY, ""))
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn items(amount: u64) -> Value {
    json!([{"type": "PHYSICAL_PRODUCT", "reference_id": "SKU-1", "name": "Kemeja Batik",
            "net_unit_amount": amount, "quantity": 1, "url": "https://merchant.test/p/1",
            "category": "Fashion"}])
}

/// Customer, plan and charge; returns the charge.
async fn checkout(app: &common::App, reference: &str, amount: u64) -> Value {
    let plan = plan(app, reference, amount).await;
    let (s, charge) = charge(app, &plan, reference).await;
    assert_eq!(s, 201, "{charge}");
    charge
}

/// Customer and plan; returns the plan.
async fn plan(app: &common::App, reference: &str, amount: u64) -> Value {
    let (s, customer) = call(
        app,
        "POST",
        "/customers",
        Some(
            &json!({"reference_id": format!("cust-{reference}"), "given_names": "Oemang",
                     "email": "o@example.com", "mobile_number": "+6281513114262"}),
        ),
        None,
    )
    .await;
    assert_eq!(s, 201, "{customer}");
    let (s, plan) = call(
        app,
        "POST",
        "/paylater/plans",
        Some(
            &json!({"customer_id": customer["id"], "channel_code": "ID_KREDIVO", "currency": "IDR",
                     "amount": amount, "order_items": items(amount)}),
        ),
        None,
    )
    .await;
    assert_eq!(s, 200, "{plan}");
    assert!(plan["id"].as_str().unwrap_or("").starts_with("plp_"));
    plan
}

/// The charge of `plan`, with the idempotency key `charge-{reference}`.
async fn charge(app: &common::App, plan: &Value, reference: &str) -> (u16, Value) {
    call(
        app,
        "POST",
        "/paylater/charges",
        Some(&json!({"plan_id": plan["id"], "reference_id": reference,
                     "checkout_method": "ONE_TIME_PAYMENT",
                     "success_redirect_url": "https://merchant.test/ok",
                     "failure_redirect_url": "https://merchant.test/failed"})),
        Some(&format!("charge-{reference}")),
    )
    .await
}

#[tokio::test]
async fn plans_come_from_the_pricing_table_and_a_charge_is_paid_then_called_back_with_the_token() {
    let merchant = Merchant::start().await;
    let app = spawn(&merchant.notify_url).await;
    let (_, customer) = call(
        &app,
        "POST",
        "/customers",
        Some(&json!({"reference_id": "c-0", "given_names": "O", "email": "o@example.com"})),
        None,
    )
    .await;
    let (_, plan) = call(
        &app,
        "POST",
        "/paylater/plans",
        Some(
            &json!({"customer_id": customer["id"], "channel_code": "ID_KREDIVO", "currency": "IDR",
                     "amount": 2_400_000, "order_items": items(2_400_000)}),
        ),
        None,
    )
    .await;
    let recurrences: Vec<u64> = plan["options"]
        .as_array()
        .expect("options")
        .iter()
        .filter_map(|o| o["total_recurrence"].as_u64())
        .collect();
    assert_eq!(recurrences, [1, 3, 6, 12]);
    assert_eq!(
        plan["options"][1]["installment_amount"], 856_290,
        "doc 000's 3-month figure"
    );

    let charge = checkout(&app, "order-1", 1_000_000).await;
    assert_eq!(charge["status"], "PENDING");
    assert_eq!(charge["callback_url"], merchant.notify_url.as_str());
    let url = charge["actions"]["desktop_web_checkout_url"]
        .as_str()
        .expect("url");
    let landed = agg::pay_and_return(&app, url, None).await;
    assert_eq!(landed, "https://merchant.test/ok");

    let seen = merchant.wait_for(1).await;
    assert_eq!(seen[0].header("x-callback-token"), XENDIT_CALLBACK_TOKEN);
    let cb: Callback = serde_json::from_slice(&seen[0].body).expect("a callback");
    assert_eq!(cb.event, "paylater.payment");
    assert_eq!(cb.data.status, ChargeStatus::Succeeded);
    assert_eq!(cb.data.reference_id, "order-1");

    let id = charge["id"].as_str().expect("id");
    let (_, got) = call(&app, "GET", &xendit::charge_path(id), None, None).await;
    assert_eq!(got["status"], "SUCCEEDED");
}

#[tokio::test]
async fn bad_keys_amount_10101_and_mismatched_totals_get_xendits_error_codes() {
    let app = spawn("https://merchant.test/cb").await;
    let resp = app
        .http
        .post(agg::url(&app, "xendit", "/customers"))
        .header("Authorization", basic("xnd_development_wrong", ""))
        .json(&json!({}))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 401);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["error_code"], "INVALID_API_KEY");

    let (_, customer) = call(
        &app,
        "POST",
        "/customers",
        Some(&json!({"reference_id": "c-1", "given_names": "O", "email": "o@example.com"})),
        None,
    )
    .await;
    let (s, unavailable) = call(
        &app,
        "POST",
        "/paylater/plans",
        Some(
            &json!({"customer_id": customer["id"], "channel_code": "ID_KREDIVO", "currency": "IDR",
                     "amount": 10_101, "order_items": items(10_101)}),
        ),
        None,
    )
    .await;
    assert_eq!(
        (s, unavailable["error_code"].as_str()),
        (503, Some("CHANNEL_UNAVAILABLE"))
    );

    let (s, mismatch) = call(
        &app,
        "POST",
        "/paylater/plans",
        Some(
            &json!({"customer_id": customer["id"], "channel_code": "ID_KREDIVO", "currency": "IDR",
                     "amount": 20_000, "order_items": items(10_000)}),
        ),
        None,
    )
    .await;
    assert_eq!(
        (s, mismatch["error_code"].as_str()),
        (400, Some("API_VALIDATION_ERROR"))
    );

    let (s, dup) = call(
        &app,
        "POST",
        "/customers",
        Some(&json!({"reference_id": "c-1", "given_names": "O", "email": "o@example.com"})),
        None,
    )
    .await;
    assert_eq!(
        (s, dup["error_code"].as_str()),
        (409, Some("DUPLICATE_ERROR"))
    );

    let (s, missing) = call(&app, "GET", &xendit::charge_path("plc_nope"), None, None).await;
    assert_eq!(
        (s, missing["error_code"].as_str()),
        (404, Some("DATA_NOT_FOUND"))
    );
}

#[tokio::test]
async fn the_idempotency_key_replays_a_charge_and_refuses_a_different_body() {
    let app = spawn("https://merchant.test/cb").await;
    let first = checkout(&app, "order-2", 100_000).await;
    let plan_id = first["plan_id"].clone();
    let body = json!({"plan_id": plan_id, "reference_id": "order-2",
                      "checkout_method": "ONE_TIME_PAYMENT",
                      "success_redirect_url": "https://merchant.test/ok",
                      "failure_redirect_url": "https://merchant.test/failed"});
    let (s, again) = call(
        &app,
        "POST",
        "/paylater/charges",
        Some(&body),
        Some("charge-order-2"),
    )
    .await;
    assert_eq!(s, 201);
    assert_eq!(
        again["id"], first["id"],
        "the same key and body create nothing new"
    );
    let mut other = body.clone();
    other["reference_id"] = json!("order-3");
    let (s, conflict) = call(
        &app,
        "POST",
        "/paylater/charges",
        Some(&other),
        Some("charge-order-2"),
    )
    .await;
    assert_eq!(
        (s, conflict["error_code"].as_str()),
        (409, Some("DUPLICATE_ERROR"))
    );
}

#[tokio::test]
async fn only_a_succeeded_charge_can_be_refunded_and_a_full_refund_calls_back_refunded() {
    let merchant = Merchant::start().await;
    let app = spawn(&merchant.notify_url).await;
    let charge = checkout(&app, "order-4", 1_000_000).await;
    let id = charge["id"].as_str().expect("id").to_owned();
    let refund = json!({"amount": 1_000_000, "reason": "CANCELLATION"});
    let (s, early) = call(
        &app,
        "POST",
        &xendit::refunds_path(&id),
        Some(&refund),
        None,
    )
    .await;
    assert_eq!(
        (s, early["error_code"].as_str()),
        (400, Some("INELIGIBLE_TRANSACTION_ERROR"))
    );

    let settle = agg::url(
        &app,
        "xendit",
        &format!("/_sandbox/transactions/{id}/settle"),
    );
    app.http.post(settle).send().await.expect("settle");
    merchant.wait_for(1).await;
    let (s, refunded) = call(
        &app,
        "POST",
        &xendit::refunds_path(&id),
        Some(&refund),
        Some("rf-1"),
    )
    .await;
    assert_eq!(s, 201, "{refunded}");
    assert!(
        refunded["id"].as_str().unwrap_or("").starts_with("plr_"),
        "{refunded}"
    );
    assert_eq!(refunded["status"], "PENDING");
    let (_, got) = call(&app, "GET", &xendit::charge_path(&id), None, None).await;
    assert_eq!(got["status"], "REFUNDED");
    let seen = merchant.wait_for(2).await;
    let cb: Callback = serde_json::from_slice(&seen[1].body).expect("callback");
    assert_eq!(cb.data.status, ChargeStatus::Refunded);
}

#[tokio::test]
async fn a_shopper_who_gives_up_fails_the_charge_and_lands_on_the_failure_url() {
    let merchant = Merchant::start().await;
    let app = spawn(&merchant.notify_url).await;
    let charge = checkout(&app, "order-5", 100_000).await;
    let url = charge["actions"]["mobile_web_checkout_url"]
        .as_str()
        .expect("url");
    assert_eq!(
        agg::give_up(&app, url).await,
        "https://merchant.test/failed"
    );
    let seen = merchant.wait_for(1).await;
    let cb: Callback = serde_json::from_slice(&seen[0].body).expect("callback");
    assert_eq!(cb.data.status, ChargeStatus::Failed);
}

#[tokio::test]
async fn a_lost_charge_response_keeps_the_charge_and_a_retry_with_its_key_replays_it() {
    use kredivo_sandbox::{Aggregator, Endpoint, Fault, FaultRule};
    let app = spawn("https://merchant.test/cb").await;
    let plan = plan(&app, "ref-lost", 1_000_000).await;
    let faults = app.sandbox.faults();
    faults.add(
        FaultRule::new(
            Endpoint::XenditCharges,
            Fault::LostResponse { hang_ms: None },
        )
        .times(1),
    );
    let outage = Fault::Error {
        message: "Xendit is down".into(),
        code: Some(503),
    };
    faults.add(FaultRule::new(Endpoint::XenditChargeStatus, outage).times(2));
    let (status, _) = charge(&app, &plan, "ref-lost").await;
    assert_eq!(status, 502);
    let stored = app.sandbox.aggregators().transactions(Aggregator::Xendit);
    assert_eq!(stored.len(), 1, "Xendit created the charge");

    let (status, again) = charge(&app, &plan, "ref-lost").await;
    assert_eq!(status, 201, "{again}");
    assert_eq!(again["id"], stored[0].id.as_str());
    assert_eq!(
        app.sandbox
            .aggregators()
            .transactions(Aggregator::Xendit)
            .len(),
        1
    );

    let path = format!("/paylater/charges/{}", stored[0].id);
    for _ in 0..2 {
        let (s, down) = call(&app, "GET", &path, None, None).await;
        assert_eq!(
            (s, down["error_code"].as_str()),
            (503, Some("SANDBOX_FAULT"))
        );
    }
    let (_, truth) = call(&app, "GET", &path, None, None).await;
    assert_eq!(truth["status"], "PENDING");
}

#[tokio::test]
async fn dropped_duplicated_delayed_and_stale_notifications_reach_the_merchant_as_armed() {
    let merchant = Merchant::start().await;
    let app = spawn(&merchant.notify_url).await;
    checkout(&app, "ref-pf", 1_000_000).await;
    agg::push_faults_reach_the_merchant_as_armed(
        &app,
        &merchant,
        "xendit",
        "ref-pf",
        "/data/status",
        ("SUCCEEDED", "REFUNDED"),
    )
    .await;
}
