//! Helpers for the aggregator simulator tests: a merchant endpoint that records headers and
//! raw bodies, URLs under each aggregator's prefix, and the shopper's trip through Kredivo's
//! hosted pages and back.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::Value;

use crate::common::App;

/// One notification as the merchant received it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON notification")
    }

    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }
}

/// A merchant notification endpoint at `…/merchant/notify` answering `reply` (HTTP 200 with
/// an empty JSON object by default: aggregators accept any 2xx).
#[derive(Clone)]
pub struct Merchant {
    pub notify_url: String,
    pub base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Merchant {
    pub async fn start() -> Merchant {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let merchant = Merchant {
            notify_url: format!("http://{addr}/merchant/notify"),
            base: format!("http://{addr}"),
            seen: Arc::default(),
        };
        let app = Router::new()
            .route("/merchant/notify", post(record))
            .with_state(merchant.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        merchant
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }

    /// Waits until at least `n` notifications arrived (panics after 5 s).
    pub async fn wait_for(&self, n: usize) -> Vec<Seen> {
        for _ in 0..500 {
            let got = self.seen();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("expected {n} notifications, got {}", self.seen().len());
    }
}

async fn record(
    State(m): State<Merchant>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    m.seen.lock().expect("lock").push(Seen {
        headers,
        body: body.to_vec(),
    });
    (StatusCode::OK, "{}")
}

/// `http://127.0.0.1:PORT/sandbox/{provider}{path}`.
pub fn url(app: &App, provider: &str, path: &str) -> String {
    let root = app.base.trim_end_matches("/kredivo");
    format!("{root}/{provider}{path}")
}

/// The shopper pays on Kredivo's pages from `redirect_url`, then follows the aggregator's
/// return hop. Returns the merchant URL the shopper lands on.
pub async fn pay_and_return(app: &App, redirect_url: &str, payment_type: Option<&str>) -> String {
    // Midtrans' redirect_url is its own hop to Kredivo's page.
    let redirect_url = follow_once(app, redirect_url).await;
    let back = app.pay(&redirect_url, payment_type).await;
    follow_once(app, &back).await
}

/// The `Location` of a redirect, or `url` itself when it does not redirect.
pub async fn follow_once(app: &App, url: &str) -> String {
    let resp = app.http.get(url).send().await.expect("request");
    if resp.status().is_redirection() {
        resp.headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    } else {
        url.to_owned()
    }
}

/// The shopper gives up on Kredivo's first page. Returns where the aggregator sends them.
pub async fn give_up(app: &App, redirect_url: &str) -> String {
    let redirect_url = follow_once(app, redirect_url).await;
    let tk = crate::common::token_of(&redirect_url);
    let cancel = app.url(&format!("/v2/user_cancel?tk={tk}"));
    let back = follow_once(app, &cancel).await;
    follow_once(app, &back).await
}

/// POSTs to a provider's `_sandbox` driver (`…/{provider}/_sandbox/transactions/{id}/{target}`)
/// and returns the answer, which must be 200.
pub async fn drive(app: &App, provider: &str, id: &str, target: &str) -> Value {
    let url = url(
        app,
        provider,
        &format!("/_sandbox/transactions/{id}/{target}"),
    );
    let resp = app.http.post(&url).send().await.expect("driver");
    assert_eq!(resp.status().as_u16(), 200, "{provider} {target} {id}");
    resp.json().await.expect("driver JSON")
}

/// Arms each push fault in turn on a paid-then-refunded transaction and checks what the
/// merchant receives: nothing for `drop_push`, the same notification twice for
/// `duplicate_push`, a late one for `delay_push`, and after a refund the stale paid one last
/// for `out_of_order_push`. `status` points at the status word in a notification body.
pub async fn push_faults_reach_the_merchant_as_armed(
    app: &App,
    merchant: &Merchant,
    provider: &str,
    id: &str,
    status: &str,
    (paid, refunded): (&str, &str),
) {
    use kredivo_sandbox::{Endpoint, Fault, FaultRule, PushOutcome};
    let arm = |fault| {
        app.sandbox
            .faults()
            .add(FaultRule::new(Endpoint::Push, fault).times(1))
    };
    let word = |seen: &Seen| seen.json().pointer(status).cloned().unwrap_or_default();

    arm(Fault::DropPush);
    drive(app, provider, id, "settle").await;
    let dropped = app
        .sandbox
        .push_log()
        .iter()
        .filter(|r| r.outcome == PushOutcome::Dropped && r.subject.starts_with(provider))
        .count();
    assert_eq!(dropped, 1, "{provider}: the paid notification was dropped");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(merchant.seen().is_empty(), "{provider}: nothing arrived");

    arm(Fault::DuplicatePush);
    drive(app, provider, id, "repush").await;
    let seen = merchant.wait_for(2).await;
    assert_eq!(
        seen[0].body, seen[1].body,
        "{provider}: the same body twice"
    );
    assert_eq!(word(&seen[0]), paid, "{provider}");

    arm(Fault::DelayPush { ms: 400 });
    let sent = std::time::Instant::now();
    drive(app, provider, id, "repush").await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(merchant.seen().len(), 2, "{provider}: the repush is held");
    merchant.wait_for(3).await;
    assert!(sent.elapsed() >= Duration::from_millis(400), "{provider}");

    arm(Fault::OutOfOrderPush);
    drive(app, provider, id, "refund").await;
    let seen = merchant.wait_for(5).await;
    assert_eq!(word(&seen[3]), refunded, "{provider}: the refund first");
    assert_eq!(word(&seen[4]), paid, "{provider}: then the stale paid one");
    let truth = drive(app, provider, id, "return").await;
    assert!(truth["return_url"].is_string(), "{provider}: {truth}");
}
