//! The widget API's edges, the upstream's failures, the guards, the admin API and the demo
//! store API.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use kredivo_api::OrderStatus;
use kredivo_proxy::{ManualClock, RateLimit};
use kredivo_sandbox::{Endpoint, Fault, FaultRule, Target};
use serde_json::{json, Value};

const PT: &str = "/api/kredivo/v1/payment-types";

#[tokio::test]
async fn payment_types_for_a_badge_amount_match_kredivos_documented_figures() {
    let env = start().await;
    let (status, body) = env.post(PT, &json!({"amount": "2400000"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["amount"], "2400000");
    assert_eq!(body["currency"], "IDR");
    assert_eq!(body["estimate"], false);
    let plans = body["plans"].as_array().unwrap();
    let by_type = |t: &str| {
        plans
            .iter()
            .find(|p| p["payment_type"] == t)
            .cloned()
            .unwrap_or(Value::Null)
    };
    // Doc 000: 3 m 856,290 → 2,568,870; 6 m 450,090 → 2,700,540; 12 m 248,050 → 2,976,600.
    for (t, monthly, total) in [
        ("3_months", "856290", "2568870"),
        ("6_months", "450090", "2700540"),
        ("12_months", "248050", "2976600"),
    ] {
        assert_eq!(by_type(t)["monthly_installment"], monthly, "{t}");
        assert_eq!(by_type(t)["total"], total, "{t}");
    }
    let tenures: Vec<u64> = plans
        .iter()
        .map(|p| p["tenure_months"].as_u64().unwrap())
        .collect();
    assert!(
        tenures.windows(2).all(|w| w[0] <= w[1]),
        "shortest first: {tenures:?}"
    );
}

#[tokio::test]
async fn payment_types_are_fetched_once_per_cart_within_the_cache_window() {
    let clock = Arc::new(ManualClock::new(1_700_000_000_000));
    let env = start_with(Options {
        clock: clock.clone(),
        cache_ttl: Duration::from_secs(30),
        ..Options::default()
    })
    .await;
    let cart = json!({"cart": [{"product_id": "kopi-gayo-1kg", "quantity": 2}, {"product_id": "sambal-set", "quantity": 1}]});
    let same_cart_reordered = json!({"cart": [{"product_id": "sambal-set", "quantity": 1}, {"product_id": "kopi-gayo-1kg", "quantity": 2}]});
    let (a, b, c) = tokio::join!(
        env.post(PT, &cart),
        env.post(PT, &cart),
        env.post(PT, &same_cart_reordered)
    );
    assert_eq!((a.0, b.0, c.0), (200, 200, 200));
    assert_eq!(a.1, b.1);
    assert_eq!(a.1, c.1);
    assert_eq!(a.1["amount"], "825000");
    assert_eq!(
        env.calls("payments").await.len(),
        1,
        "concurrent and equal carts share one upstream call"
    );

    env.post(PT, &json!({"amount": "825000"})).await;
    assert_eq!(
        env.calls("payments").await.len(),
        2,
        "a different key is fetched"
    );
    clock.advance(29_000);
    env.post(PT, &cart).await;
    assert_eq!(
        env.calls("payments").await.len(),
        2,
        "still inside the window"
    );
    clock.advance(2_000);
    env.post(PT, &cart).await;
    assert_eq!(
        env.calls("payments").await.len(),
        3,
        "fetched again after the TTL"
    );
}

#[tokio::test]
async fn bad_payment_type_requests_get_our_error_shape() {
    let env = start().await;
    let cases = [
        (json!({}), 400, "invalid_request"),
        (json!({"amount": "100", "cart": []}), 400, "invalid_request"),
        (json!({"amount": "10.5"}), 400, "invalid_request"),
        (json!({"amount": "0"}), 400, "invalid_request"),
        (json!({"amount": 2400000}), 400, "invalid_json"),
        (
            json!({"cart": [{"product_id": "unicorn", "quantity": 1}]}),
            400,
            "invalid_cart",
        ),
        (
            json!({"cart": [{"product_id": "tas-rotan", "quantity": 0}]}),
            400,
            "invalid_cart",
        ),
        (
            json!({"cart": [{"product_id": "tas-rotan", "quantity": 10000}]}),
            400,
            "invalid_cart",
        ),
        (
            json!({"cart": [{"product_id": "tas-rotan", "quantity": -1}]}),
            400,
            "invalid_json",
        ),
        (json!({"cart": []}), 400, "invalid_cart"),
        (json!({"cart_id": "cart_missing"}), 404, "not_found"),
    ];
    for (body, status, code) in cases {
        let (got, answer) = env.post(PT, &body).await;
        assert_eq!(
            (got, answer["error"]["code"].as_str()),
            (status, Some(code)),
            "{body} → {answer}"
        );
        assert!(answer["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    let (_, unknown) = env
        .post(
            PT,
            &json!({"cart": [{"product_id": "unicorn", "quantity": 1}]}),
        )
        .await;
    assert_eq!(
        unknown["error"]["details"][0],
        "cart[0].product_id: unknown product \"unicorn\""
    );
    assert_eq!(
        env.calls("payments").await.len(),
        0,
        "nothing invalid reaches Kredivo"
    );
}

#[tokio::test]
async fn malformed_oversized_and_deeply_nested_bodies_are_refused_in_our_shape() {
    let env = start().await;
    let raw = |body: String, content_type: &str| {
        env.http
            .post(env.url("/api/kredivo/v1/checkout"))
            .header("content-type", content_type)
            .body(body)
    };
    let (status, body) = env
        .send(raw("{\"cart\": [".into(), "application/json"))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_json"))
    );
    let (status, body) = env.send(raw("{}".into(), "text/plain")).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_json")),
        "text/plain would skip CORS preflight"
    );
    let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
    let (status, body) = env.send(raw(deep, "application/json")).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_json"))
    );
    let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(70 * 1024));
    let (status, body) = env.send(raw(huge, "application/json")).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (413, Some("payload_too_large"))
    );
    let (status, body) = env.get("/api/kredivo/v1/no-such-endpoint").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, body) = env
        .post(
            "/api/kredivo/v1/checkout",
            &checkout_body(&[("tas-rotan", 1)], "3_months", "short"),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_request")),
        "idempotency key too short"
    );
}

#[tokio::test]
async fn a_payment_type_kredivo_does_not_offer_is_ineligible() {
    let env = start().await;
    // Rp 95,000 is below the installment minimum of the reference table: only 30 days.
    let (status, body) = env
        .post(
            "/api/kredivo/v1/checkout",
            &checkout_body(&[("kopi-gayo-250g", 1)], "12_months", "ineligible-001"),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("ineligible_amount")),
        "{body}"
    );
    assert!(env.sandbox.transactions().is_empty());
    assert!(env
        .state
        .store()
        .list_orders(&Default::default())
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn upstream_timeouts_5xx_and_garbage_give_clear_errors_and_store_nothing_wrong() {
    let env = start_with(Options {
        upstream_timeout: Duration::from_millis(300),
        ..Options::default()
    })
    .await;
    let faults = env.sandbox.faults();
    let cases = [
        (Fault::Latency { ms: 1_000 }, 504, "upstream_timeout"),
        (
            Fault::HttpStatus { status: 503 },
            503,
            "upstream_unavailable",
        ),
        (Fault::MalformedJson, 503, "upstream_unavailable"),
        (
            Fault::Error {
                message: "Invalid merchant".into(),
                code: None,
            },
            502,
            "upstream_error",
        ),
    ];
    for (i, (fault, status, code)) in cases.into_iter().enumerate() {
        faults.add(FaultRule::new(Endpoint::CheckoutUrl, fault.clone()).times(1));
        let key = format!("upstream-fail-{i:02}");
        let (got, body) = env
            .post(
                "/api/kredivo/v1/checkout",
                &checkout_body(&[("tas-rotan", 2)], "3_months", &key),
            )
            .await;
        assert_eq!(
            (got, body["error"]["code"].as_str()),
            (status, Some(code)),
            "{fault:?}: {body}"
        );
        let order = env
            .state
            .store()
            .order_by_idempotency_key(&key)
            .await
            .unwrap()
            .expect("the order is kept");
        assert_eq!(
            order.status,
            OrderStatus::Created,
            "{fault:?}: not pending, not settled"
        );
        assert_eq!(
            order.redirect_url, None,
            "{fault:?}: nothing to redirect to"
        );
        assert!(order.last_error.is_some(), "{fault:?}");
        // The same key, once Kredivo is back, completes the same order.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let (got, body) = env
            .post(
                "/api/kredivo/v1/checkout",
                &checkout_body(&[("tas-rotan", 2)], "3_months", &key),
            )
            .await;
        // Regression (issue 15): a retry with the same key used to re-send the checkout,
        // which Kredivo refuses once it holds the order ("already PROCESSED"): 502 forever.
        assert_eq!(got, 200, "{fault:?}: {body}");
        assert_eq!(body["order_id"], order.order_id.as_str());
        assert_eq!(body["status"], "pending");
        assert_eq!(env.kredivo_transactions(&order.order_id), 1, "{fault:?}");
    }
    // payment-types: a garbage answer is an error and is not cached.
    faults.add(FaultRule::new(Endpoint::Payments, Fault::MalformedJson).times(3));
    let (status, body) = env.post(PT, &json!({"amount": "500000"})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (503, Some("upstream_unavailable"))
    );
    let (status, _) = env.post(PT, &json!({"amount": "500000"})).await;
    assert_eq!(status, 200, "the failure was not cached");
    assert!(env.verdicts().await.is_empty());
}

#[tokio::test]
async fn a_redirect_to_a_host_outside_the_allowlist_is_never_handed_out() {
    let env = start_with(Options {
        redirect_hosts: vec!["pay.kredivo.example".into()],
        ..Options::default()
    })
    .await;
    let (status, body) = env
        .post(
            "/api/kredivo/v1/checkout",
            &checkout_body(&[("tas-rotan", 1)], "30_days", "allowlist-0001"),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (502, Some("upstream_error")),
        "{body}"
    );
    assert!(
        !body.to_string().contains("signin"),
        "no URL leaks into the error"
    );
    let order = env
        .state
        .store()
        .order_by_idempotency_key("allowlist-0001")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.redirect_url, None);
    assert_eq!(order.status, OrderStatus::Created);
}

#[tokio::test]
async fn foreign_origins_may_not_change_state_but_allowlisted_ones_may() {
    let env = start().await;
    let body = checkout_body(&[("tas-rotan", 1)], "30_days", "origin-check-01");
    let (status, err) = env
        .send(
            env.http
                .post(env.url("/api/kredivo/v1/checkout"))
                .header("origin", "https://evil.example")
                .json(&body),
        )
        .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (403, Some("forbidden_origin"))
    );
    assert!(env.sandbox.transactions().is_empty());

    let preflight = env
        .http
        .request(
            reqwest::Method::OPTIONS,
            env.url("/api/kredivo/v1/checkout"),
        )
        .header("origin", "https://shop.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "https://shop.example"
    );
    let evil_preflight = env
        .http
        .request(
            reqwest::Method::OPTIONS,
            env.url("/api/kredivo/v1/checkout"),
        )
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(evil_preflight
        .headers()
        .get("access-control-allow-origin")
        .is_none());

    let (status, _) = env
        .send(
            env.http
                .post(env.url("/api/kredivo/v1/checkout"))
                .header("origin", "https://shop.example")
                .json(&body),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = env
        .send(
            env.http
                .post(env.url("/api/kredivo/v1/checkout"))
                .header("origin", env.base.clone())
                .json(&body),
        )
        .await;
    assert_eq!(status, 200, "same origin");
}

#[tokio::test]
async fn a_client_over_its_rate_limit_gets_429_with_retry_after() {
    let env = start_with(Options {
        rate_limit: RateLimit {
            per_minute: 60,
            burst: 5,
        },
        ..Options::default()
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let resp = env
            .http
            .get(env.url("/api/kredivo/v1/pricing"))
            .send()
            .await
            .unwrap();
        statuses.push(resp.status().as_u16());
        if resp.status() == 429 {
            assert_eq!(resp.headers()["retry-after"], "1");
            let body: Value = resp.json().await.unwrap();
            assert_eq!(body["error"]["code"], "rate_limited");
        }
    }
    assert_eq!(statuses, vec![200, 200, 200, 200, 200, 429, 429]);
    // Kredivo's pushes are not throttled by the widget's limit.
    let (status, _) = env.post("/api/kredivo/v1/push", &json!({})).await;
    assert_eq!(status, 200);
}

const PUSH: &str = "/api/kredivo/v1/push";

/// Sends `req` as if from `ip` (the test env trusts `X-Forwarded-For` when asked to).
async fn from_ip(req: reqwest::RequestBuilder, ip: &str) -> reqwest::Response {
    req.header("x-forwarded-for", ip)
        .send()
        .await
        .expect("request")
}

/// A 429 in our error shape with a `Retry-After` of at most a minute (the tests' refill
/// rate is one token a minute).
async fn assert_rate_limited(resp: reqwest::Response) {
    assert_eq!(resp.status(), 429);
    let retry_after: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
}

fn tiny_notify_limit() -> Options {
    Options {
        notify_rate_limit: RateLimit {
            per_minute: 1,
            burst: 2,
        },
        trust_x_forwarded_for: true,
        ..Options::default()
    }
}

/// The gap this pins: `/push` had no limit at all, and every push makes the proxy call
/// `/v2/update`, so a flood from one address was amplified against Kredivo.
#[tokio::test]
async fn a_third_push_from_one_ip_within_the_window_gets_429_and_changes_nothing() {
    let env = start_with(tiny_notify_limit()).await;
    let answer = env
        .checkout(&[("rice-cooker", 1)], "3_months", "notify-limit-01")
        .await;
    let order_id = answer["order_id"].as_str().unwrap().to_owned();
    // Kredivo settles the order, but its push is held back so the test delivers it.
    env.drive_with_push_fault(&order_id, Target::Settle, Fault::DropPush);
    let settlement = env
        .sandbox
        .push_log()
        .into_iter()
        .find(|p| p.body["transaction_status"] == "settlement")
        .expect("the dropped settlement push is logged")
        .body;
    let mut forged = settlement.clone();
    forged["signature_key"] = json!("bm90LWEtcmVhbC1zaWduYXR1cmU%3D");

    let attacker = "203.0.113.7";
    for _ in 0..2 {
        let resp = from_ip(env.http.post(env.url(PUSH)).json(&forged), attacker).await;
        assert_eq!(resp.status(), 200, "within the burst: checked and ignored");
    }
    assert_eq!(env.calls("update").await.len(), 2, "one check per push");

    // The third, even a genuine one, is refused before it is read, stored or checked.
    assert_rate_limited(from_ip(env.http.post(env.url(PUSH)).json(&settlement), attacker).await)
        .await;
    assert_eq!(env.order_status(&order_id).await, OrderStatus::Pending);
    assert_eq!(
        env.calls("update").await.len(),
        2,
        "no confirmation call for the limited push"
    );
    assert_eq!(
        env.verdicts().await,
        vec!["unconfirmed", "unconfirmed"],
        "the limited push was not stored"
    );

    // Another address has its own bucket: the same push from Kredivo's address settles.
    let resp = from_ip(
        env.http.post(env.url(PUSH)).json(&settlement),
        "198.51.100.9",
    )
    .await;
    assert_eq!(resp.status(), 200);
    let reply: Value = resp.json().await.unwrap();
    assert_eq!(reply["status"], "OK");
    assert_eq!(env.order_status(&order_id).await, OrderStatus::Settled);
    assert_eq!(env.calls("update").await.len(), 3);
}

#[tokio::test]
async fn a_third_return_from_one_ip_within_the_window_gets_429_without_a_status_call() {
    let env = start_with(tiny_notify_limit()).await;
    let answer = env
        .checkout(&[("sambal-set", 1)], "30_days", "notify-limit-02")
        .await;
    let order_id = answer["order_id"].as_str().unwrap().to_owned();
    let back = env.url(&format!("/kredivo/return?order_id={order_id}"));
    let shopper = "203.0.113.8";
    for _ in 0..2 {
        let resp = from_ip(env.http.get(&back), shopper).await;
        assert_eq!(resp.status(), 303);
    }
    assert_eq!(
        env.calls("transaction_status").await.len(),
        2,
        "each return re-checked the pending order"
    );
    assert_rate_limited(from_ip(env.http.get(&back), shopper).await).await;
    assert_eq!(
        env.calls("transaction_status").await.len(),
        2,
        "no status call for the limited return"
    );
    let resp = from_ip(env.http.get(&back), "198.51.100.10").await;
    assert_eq!(resp.status(), 303, "another address is not affected");
}

#[tokio::test]
async fn the_widget_limit_and_the_notify_limit_do_not_share_tokens() {
    let env = start_with(Options {
        rate_limit: RateLimit {
            per_minute: 1,
            burst: 2,
        },
        ..tiny_notify_limit()
    })
    .await;
    let pricing = env.url("/api/kredivo/v1/pricing");

    // One address uses up its widget allowance; its pushes still go through.
    let a = "203.0.113.20";
    for expected in [200, 200, 429] {
        assert_eq!(from_ip(env.http.get(&pricing), a).await.status(), expected);
    }
    for _ in 0..2 {
        let resp = from_ip(env.http.post(env.url(PUSH)).json(&json!({})), a).await;
        assert_eq!(
            resp.status(),
            200,
            "the widget's limit does not cover /push"
        );
    }

    // Another uses up its notify allowance; its widget calls still go through.
    let b = "203.0.113.21";
    for expected in [200, 200, 429] {
        let resp = from_ip(env.http.post(env.url(PUSH)).json(&json!({})), b).await;
        assert_eq!(resp.status(), expected);
    }
    for _ in 0..2 {
        let resp = from_ip(env.http.get(&pricing), b).await;
        assert_eq!(
            resp.status(),
            200,
            "the notify limit does not cover the widget"
        );
    }
}

#[tokio::test]
async fn a_notify_limit_of_zero_per_minute_limits_nothing() {
    let env = start_with(Options {
        notify_rate_limit: RateLimit {
            per_minute: 0,
            burst: 2,
        },
        trust_x_forwarded_for: true,
        ..Options::default()
    })
    .await;
    let ip = "203.0.113.30";
    for _ in 0..20 {
        let resp = from_ip(env.http.post(env.url(PUSH)).json(&json!({})), ip).await;
        assert_eq!(resp.status(), 200);
        let resp = from_ip(env.http.get(env.url("/kredivo/return?order_id=nope")), ip).await;
        assert_eq!(resp.status(), 303);
    }
    assert!(env.state.notify_limiter().is_empty(), "no bucket was made");
}

#[tokio::test]
async fn the_pricing_table_is_served_with_a_cache_header_and_parses_with_the_plan_crate() {
    let env = start().await;
    let resp = env
        .http
        .get(env.url("/api/kredivo/v1/pricing"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["cache-control"], "public, max-age=300");
    let table: kredivo_plan::PricingTable = resp.json().await.unwrap();
    assert_eq!(table, kredivo_plan::PricingTable::kredivo_reference());
}

#[tokio::test]
async fn admin_endpoints_need_the_bearer_token() {
    let env = start().await;
    for token in [None, Some("wrong-token-0123456789"), Some("")] {
        let mut req = env.http.get(env.url("/api/kredivo/v1/admin/orders"));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let (status, body) = env.send(req).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (401, Some("unauthorized")),
            "{token:?}"
        );
    }
    let (status, _) = env
        .send(
            env.http
                .post(env.url("/api/kredivo/v1/admin/orders/x/cancel"))
                .json(&json!({})),
        )
        .await;
    assert_eq!(status, 401);
    let (status, body) = env
        .send(env.admin(env.http.get(env.url("/api/kredivo/v1/admin/orders"))))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["orders"], json!([]));
}

#[tokio::test]
async fn an_admin_cancels_part_then_all_of_a_settled_order_with_kredivo() {
    let env = start().await;
    let answer = env
        .checkout(
            &[("rice-cooker", 1), ("tas-rotan", 1)],
            "3_months",
            "admin-cancel-01",
        )
        .await;
    let order_id = answer["order_id"].as_str().unwrap().to_owned();
    let cancel = |body: Value| {
        env.admin(
            env.http
                .post(env.url(&format!("/api/kredivo/v1/admin/orders/{order_id}/cancel"))),
        )
        .json(&body)
    };
    let (status, body) = env.send(cancel(json!({}))).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_request")),
        "not settled yet"
    );

    env.sandbox
        .kredivo()
        .drive(&order_id, Target::Settle)
        .unwrap();
    assert!(env.wait_for(&order_id, OrderStatus::Settled).await);
    env.pushes_settled().await;

    let (status, body) = env.send(cancel(json!({"amount": "2000000"}))).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_request")),
        "more than the order"
    );
    let (status, body) = env
        .send(cancel(
            json!({"amount": "275000", "reason": "Tas rotan out of stock"}),
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["status"], "settled",
        "a partial cancel keeps the order settled"
    );
    assert_eq!(body["cancelled_amount"], "275000");
    let tx = env.sandbox.kredivo().transaction(&order_id).unwrap();
    assert_eq!(tx.remaining_amount, "899000.00");

    let (status, body) = env
        .send(cancel(json!({"reason": "Customer changed their mind"})))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "cancelled");
    assert_eq!(body["cancelled_amount"], "1174000");
    env.pushes_settled().await;
    assert_eq!(env.order_status(&order_id).await, OrderStatus::Cancelled);

    let (status, detail) = env
        .send(
            env.admin(
                env.http
                    .get(env.url(&format!("/api/kredivo/v1/admin/orders/{order_id}"))),
            ),
        )
        .await;
    assert_eq!(status, 200);
    let kinds: Vec<&str> = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds[..3], ["created", "checkout_started", "status"]);
    assert!(
        kinds.contains(&"partially_cancelled") && kinds.contains(&"cancelled"),
        "{kinds:?}"
    );
    assert_eq!(detail["lines"].as_array().unwrap().len(), 2);
    assert!(detail["provider_calls"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["operation"] == "cancel_transaction"));

    let (status, list) = env
        .send(
            env.admin(
                env.http
                    .get(env.url("/api/kredivo/v1/admin/orders?status=cancelled")),
            ),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(list["orders"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_admin_refresh_applies_what_kredivo_says_when_a_push_was_lost() {
    let env = start().await;
    let answer = env
        .checkout(&[("wayang-arjuna", 1)], "3_months", "admin-refresh-1")
        .await;
    let order_id = answer["order_id"].as_str().unwrap().to_owned();
    env.drive_with_push_fault(&order_id, Target::Deny, Fault::DropPush);
    env.pushes_settled().await;
    assert_eq!(
        env.order_status(&order_id).await,
        OrderStatus::Pending,
        "the push was dropped"
    );
    let (status, body) = env
        .send(
            env.admin(
                env.http
                    .post(env.url(&format!("/api/kredivo/v1/admin/orders/{order_id}/refresh"))),
            ),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["order"]["status"], "denied");
    assert_eq!(body["refresh"]["outcome"]["outcome"], "applied");
}

#[tokio::test]
async fn the_demo_store_lists_products_and_prices_server_side_carts() {
    let env = start().await;
    let (status, body) = env.get("/api/store/products").await;
    assert_eq!(status, 200);
    let products = body["products"].as_array().unwrap();
    assert_eq!(products.len(), 12);
    assert!(products
        .iter()
        .all(|p| p["image"].as_str().unwrap().starts_with("/www/img/")));
    let (status, batik) = env.get("/api/store/products/batik-parang").await;
    assert_eq!(status, 200);
    assert_eq!(
        batik["variants"][2],
        json!({"id": "batik-parang-xl", "label": "XL", "price": "319000"})
    );
    assert_eq!(env.get("/api/store/products/nope").await.0, 404);

    let (status, created) = env.post("/api/store/carts", &json!({})).await;
    assert_eq!(status, 201);
    let cart_id = created["cart_id"].as_str().unwrap().to_owned();
    let put = |lines: Value| {
        env.http
            .put(env.url(&format!("/api/store/carts/{cart_id}")))
            .json(&json!({ "lines": lines }))
    };
    let (status, priced) = env
        .send(put(json!([{"product_id": "batik-parang-xl", "quantity": 2}, {"product_id": "kopi-gayo-250g", "quantity": 3}])))
        .await;
    assert_eq!(status, 200, "{priced}");
    assert_eq!(
        priced,
        json!({"cart_id": cart_id, "total": "923000", "lines": [
            {"product_id": "batik-parang-xl", "name": "Kemeja Batik Parang (XL)", "quantity": 2, "unit_price": "319000", "line_total": "638000"},
            {"product_id": "kopi-gayo-250g", "name": "Kopi Arabika Gayo (250 g)", "quantity": 3, "unit_price": "95000", "line_total": "285000"},
        ]})
    );
    let (status, err) = env
        .send(put(json!([{"product_id": "batik-parang", "quantity": 1}])))
        .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (400, Some("invalid_cart")),
        "buy a variant, not the product"
    );
    let (_, again) = env.get(&format!("/api/store/carts/{cart_id}")).await;
    assert_eq!(again, priced, "a refused update leaves the cart as it was");

    // Checkout and payment types by cart id.
    let (status, plans) = env.post(PT, &json!({ "cart_id": cart_id })).await;
    assert_eq!((status, plans["amount"].as_str()), (200, Some("923000")));
    let (status, answer) = env
        .post(
            "/api/kredivo/v1/checkout",
            &with_shopper(json!({"cart_id": cart_id, "payment_type": "6_months", "idempotency_key": "cart-id-chk-01"})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let (_, view) = env
        .get(&format!(
            "/api/kredivo/v1/orders/{}",
            answer["order_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(view["amount"], "923000");
    assert_eq!(env.get("/api/store/carts/cart_nope").await.0, 404);
}

/// Regression (issue 15): answers carried no `X-Content-Type-Options: nosniff`.
#[tokio::test]
async fn every_answer_forbids_content_sniffing() {
    let env = start().await;
    for path in [
        "/api/kredivo/v1/pricing",
        "/api/kredivo/v1/orders/KD-NONE",
        "/kredivo/return",
    ] {
        let answer = env.http.get(env.url(path)).send().await.unwrap();
        assert_eq!(
            answer
                .headers()
                .get("x-content-type-options")
                .map(|v| v.to_str().unwrap()),
            Some("nosniff"),
            "{path}"
        );
    }
}

/// Regression (issue 15): the admin API had no rate limit, so tokens could be guessed at
/// full speed.
#[tokio::test]
async fn the_admin_api_is_rate_limited_before_the_token_is_checked() {
    let env = start_with(Options {
        rate_limit: RateLimit {
            per_minute: 60,
            burst: 3,
        },
        ..Options::default()
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let (status, _) = env
            .send(
                env.http
                    .get(env.url("/api/kredivo/v1/admin/orders"))
                    .bearer_auth("a-guess-at-the-admin-token-000"),
            )
            .await;
        statuses.push(status);
    }
    assert_eq!(statuses, [401, 401, 401, 429, 429]);
}

#[tokio::test]
async fn a_plans_schedule_url_draws_its_months_in_a_locked_down_document() {
    let env = start().await;
    let (status, body) = env.post(PT, &json!({"amount": "2400000"})).await;
    assert_eq!(status, 200, "{body}");
    let six = body["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["payment_type"] == "6_months")
        .cloned()
        .unwrap();
    let path = six["schedule_url"]
        .as_str()
        .expect("each plan names its schedule");
    assert!(
        path.starts_with(&format!(
            "{}/api/kredivo/v1/schedule?payment_type=6_months&",
            env.base
        )),
        "absolute, as the widget frames it: {path}"
    );

    let r = env
        .http
        .get(format!("{path}&locale=en"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let header = |name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "text/html; charset=utf-8");
    assert_eq!(header("x-content-type-options"), "nosniff");
    let csp = header("content-security-policy");
    assert!(
        csp.starts_with("default-src 'none'; style-src 'sha256-"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'self'"), "{csp}");
    let html = r.text().await.unwrap();
    assert_eq!(html.matches("<rect ").count(), 6, "{html}");
    assert!(html.contains("Months 1–6: Rp 450,090"), "{html}");
    assert!(!html.contains("<script"), "no script in the document");

    // Table mode, as badges ask; and a query that names no plan.
    let (status, _) = env
        .get("/api/kredivo/v1/schedule?amount=2400000&payment_type=12_months")
        .await;
    assert_eq!(status, 200);
    let r = env
        .http
        .get(env.url("/api/kredivo/v1/schedule?amount=12.5&payment_type=3_months"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("amount must be whole rupiah"));
}
