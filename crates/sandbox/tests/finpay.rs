//! The Finpay simulator speaks doc 002's dialect: Basic auth with merchant id and key, string
//! amounts, seven-digit response codes, the check endpoint, and callbacks signed with
//! HMAC-SHA512 over PHP-style JSON.

mod agg;
mod common;

use agg::Merchant;
use kredivo_plan::Money;
use kredivo_providers::auth::basic;
use kredivo_providers::finpay::{self, PaymentStatus};
use kredivo_providers::sandbox_defaults::{FINPAY_MERCHANT_ID, FINPAY_MERCHANT_KEY};
use serde_json::{json, Value};

fn initiate_body(order_id: &str, amount: u64, callback: &str) -> Value {
    json!({
        "customer": {"email": "o@example.com", "firstName": "Oemang", "lastName": "Tandra",
                     "mobilePhone": "+6281513114262"},
        "order": {"id": order_id, "amount": amount.to_string(), "description": "Kemeja",
                  "item": [{"name": "Kemeja Batik", "quantity": "2",
                            "unitPrice": (amount / 2).to_string(), "url": "https://merchant.test/p/1"}]},
        "url": {"callbackUrl": callback, "successUrl": "https://merchant.test/ok",
                "failUrl": "https://merchant.test/failed"},
        "sourceOfFunds": {"type": "kredivo"},
        "billing": {"address": {"city": "Jakarta Selatan", "country": "IDN",
                                "postcodeZip": "12740", "street": "Jalan Gatot Subroto"}}
    })
}

async fn call(
    app: &common::App,
    method: &str,
    path: &str,
    body: Option<&Value>,
    key: &str,
) -> (u16, Value) {
    let url = agg::url(app, "finpay", path);
    let mut req = if method == "GET" {
        app.http.get(&url)
    } else {
        app.http.post(&url)
    };
    if let Some(b) = body {
        req = req.json(b);
    }
    let resp = req
        .header("Authorization", basic(FINPAY_MERCHANT_ID, key))
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_initiated_payment_is_paid_through_kredivos_pages_and_called_back_with_a_valid_hmac() {
    let app = common::spawn().await;
    let merchant = Merchant::start().await;
    let (s, answer) = call(
        &app,
        "POST",
        finpay::INITIATE_PATH,
        Some(&initiate_body("FP-1", 1_000_000, &merchant.notify_url)),
        FINPAY_MERCHANT_KEY,
    )
    .await;
    assert_eq!(s, 200, "{answer}");
    assert_eq!(answer["responseCode"], "2000000");
    assert_eq!(answer["responseMessage"], "Success");
    let url = answer["redirecturl"].as_str().expect("redirecturl");
    assert!(url.contains("/sandbox/kredivo/v2/signin?tk="));
    assert!(answer["expiryLink"].as_str().is_some());

    let (_, before) = call(
        &app,
        "GET",
        &finpay::check_path("FP-1"),
        None,
        FINPAY_MERCHANT_KEY,
    )
    .await;
    assert_eq!(before["data"]["result"]["payment"]["status"], "PENDING");

    let landed = agg::pay_and_return(&app, url, Some("6_months")).await;
    assert_eq!(landed, "https://merchant.test/ok");
    let seen = merchant.wait_for(1).await;
    let cb =
        finpay::verify_callback(FINPAY_MERCHANT_KEY, &seen[0].body).expect("a genuine callback");
    assert_eq!(cb.order.id, "FP-1");
    assert_eq!(cb.result.payment.status, PaymentStatus::Paid);
    assert_eq!(
        cb.result.payment.amount,
        Some(Money::from_rupiah(1_000_000))
    );
    assert!(finpay::verify_callback("another-key", &seen[0].body).is_err());

    let (_, after) = call(
        &app,
        "GET",
        &finpay::check_path("FP-1"),
        None,
        FINPAY_MERCHANT_KEY,
    )
    .await;
    assert_eq!(after["responseCode"], "2000000");
    assert_eq!(after["data"]["result"]["payment"]["status"], "PAID");
    assert_eq!(after["data"]["result"]["payment"]["amount"], "1000000");
}

#[tokio::test]
async fn wrong_credentials_missing_billing_wrong_source_and_duplicates_get_finpay_codes() {
    let app = common::spawn().await;
    let body = initiate_body("FP-2", 100_000, "https://merchant.test/cb");
    let (s, unauth) = call(
        &app,
        "POST",
        finpay::INITIATE_PATH,
        Some(&body),
        "wrong-key",
    )
    .await;
    assert_eq!((s, unauth["responseCode"].as_str()), (401, Some("4010000")));

    let mut no_billing = body.clone();
    no_billing["billing"]["address"]["street"] = json!("");
    let (s, missing) = call(
        &app,
        "POST",
        finpay::INITIATE_PATH,
        Some(&no_billing),
        FINPAY_MERCHANT_KEY,
    )
    .await;
    assert_eq!(
        (s, missing["responseCode"].as_str()),
        (400, Some("4000002"))
    );
    assert!(missing["responseMessage"]
        .as_str()
        .unwrap_or("")
        .contains("billing.address.street"));

    let mut card = body.clone();
    card["sourceOfFunds"]["type"] = json!("cc");
    let (_, wrong) = call(
        &app,
        "POST",
        finpay::INITIATE_PATH,
        Some(&card),
        FINPAY_MERCHANT_KEY,
    )
    .await;
    assert_eq!(wrong["responseCode"], "4000001");

    let mut numbers = body.clone();
    numbers["order"]["amount"] = json!("10x");
    let (_, bad) = call(
        &app,
        "POST",
        finpay::INITIATE_PATH,
        Some(&numbers),
        FINPAY_MERCHANT_KEY,
    )
    .await;
    assert_eq!(bad["responseCode"], "4000001");

    let (s, _) = call(
        &app,
        "POST",
        finpay::INITIATE_PATH,
        Some(&body),
        FINPAY_MERCHANT_KEY,
    )
    .await;
    assert_eq!(s, 200);
    let (s, dup) = call(
        &app,
        "POST",
        finpay::INITIATE_PATH,
        Some(&body),
        FINPAY_MERCHANT_KEY,
    )
    .await;
    assert_eq!((s, dup["responseCode"].as_str()), (409, Some("4090001")));

    let (s, none) = call(
        &app,
        "GET",
        &finpay::check_path("FP-none"),
        None,
        FINPAY_MERCHANT_KEY,
    )
    .await;
    assert_eq!((s, none["responseCode"].as_str()), (404, Some("4040001")));
}

#[tokio::test]
async fn a_denied_payment_is_called_back_signed_as_failure_and_the_shopper_lands_on_the_fail_url() {
    let app = common::spawn().await;
    let merchant = Merchant::start().await;
    let (_, answer) = call(
        &app,
        "POST",
        finpay::INITIATE_PATH,
        Some(&initiate_body("FP-3", 100_000, &merchant.notify_url)),
        FINPAY_MERCHANT_KEY,
    )
    .await;
    let deny = agg::url(&app, "finpay", "/_sandbox/transactions/FP-3/deny");
    let view: Value = app
        .http
        .post(deny)
        .send()
        .await
        .expect("deny")
        .json()
        .await
        .expect("json");
    assert_eq!(view["status"], "FAILURE");
    let seen = merchant.wait_for(1).await;
    let cb = finpay::verify_callback(FINPAY_MERCHANT_KEY, &seen[0].body).expect("genuine");
    assert_eq!(cb.result.payment.status, PaymentStatus::Failure);
    let url = answer["redirecturl"].as_str().expect("url");
    // Kredivo's page for a finished transaction offers the way back; the aggregator's return
    // hop sends the shopper to the fail URL.
    let back = agg::url(&app, "finpay", "/_return/FP-3");
    assert_eq!(
        agg::follow_once(&app, &back).await,
        "https://merchant.test/failed"
    );
    assert!(url.contains("tk="));
}

#[tokio::test]
async fn a_lost_initiate_response_keeps_the_payment_and_a_retry_is_told_it_exists() {
    use kredivo_sandbox::{Aggregator, Endpoint, Fault, FaultRule};
    let app = common::spawn().await;
    let faults = app.sandbox.faults();
    faults.add(
        FaultRule::new(
            Endpoint::FinpayInitiate,
            Fault::LostResponse { hang_ms: None },
        )
        .times(1),
    );
    let outage = Fault::Error {
        message: "Service unavailable".into(),
        code: Some(5_030_000),
    };
    faults.add(FaultRule::new(Endpoint::FinpayCheck, outage).times(1));
    let body = initiate_body("FP-LOST", 100_000, "https://merchant.test/cb");
    let path = "/pg/payment/card/initiate";
    let (status, _) = call(&app, "POST", path, Some(&body), FINPAY_MERCHANT_KEY).await;
    assert_eq!(status, 502);
    assert_eq!(
        app.sandbox
            .aggregators()
            .transactions(Aggregator::Finpay)
            .len(),
        1,
        "Finpay created the payment"
    );

    let (status, dup) = call(&app, "POST", path, Some(&body), FINPAY_MERCHANT_KEY).await;
    assert_eq!(
        (status, dup["responseCode"].as_str()),
        (409, Some("4090001"))
    );
    let check = "/pg/payment/card/check/FP-LOST";
    let (status, down) = call(&app, "GET", check, None, FINPAY_MERCHANT_KEY).await;
    assert_eq!(
        (status, down["responseCode"].as_str()),
        (503, Some("5030000"))
    );
    let (_, truth) = call(&app, "GET", check, None, FINPAY_MERCHANT_KEY).await;
    assert_eq!(truth["data"]["result"]["payment"]["status"], "PENDING");
    assert_eq!(
        app.sandbox
            .aggregators()
            .transactions(Aggregator::Finpay)
            .len(),
        1
    );
}

#[tokio::test]
async fn dropped_duplicated_delayed_and_stale_notifications_reach_the_merchant_as_armed() {
    let app = common::spawn().await;
    let merchant = Merchant::start().await;
    let body = initiate_body("FP-PF", 100_000, &merchant.notify_url);
    let (status, _) = call(
        &app,
        "POST",
        "/pg/payment/card/initiate",
        Some(&body),
        FINPAY_MERCHANT_KEY,
    )
    .await;
    assert_eq!(status, 200);
    agg::push_faults_reach_the_merchant_as_armed(
        &app,
        &merchant,
        "finpay",
        "FP-PF",
        "/result/payment/status",
        ("PAID", "REFUNDED"),
    )
    .await;
}
