//! Harness of the aggregator gateway tests, laid out like the demo: the proxy's router and
//! the sandbox (mounted under `/sandbox`) on one loopback port of this process, a fresh SQLite
//! file, and the proxy configured through `Config::from_lookup` with nothing but `GATEWAY`
//! and the demo's own variables — so the aggregator base URLs and sandbox credentials are the
//! defaults the demo relies on.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use kredivo_api::OrderStatus;
use kredivo_proxy::store::test_support::{fresh_database, TestDatabase};
use kredivo_proxy::{app, AppState, Clock, Config, Deps, SystemClock};
use kredivo_sandbox::{PushConfig, Sandbox, SandboxConfig};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::sync::oneshot;

pub const ADMIN_TOKEN: &str = "admin-token-for-gateway-tests-0123";
pub const PHONE: &str = "081513114262";
pub const PIN: &str = "663482";
pub const OTP: &str = "4567";

/// The proxy and the sandbox on one port.
pub struct Env {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    pub addr: SocketAddr,
    pub sandbox: Sandbox,
    pub state: AppState,
    pub config: Config,
    /// Does not follow redirects.
    pub http: reqwest::Client,
    clock: Arc<dyn Clock>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    _db: TestDatabase,
}

/// What a test changes of the demo-shaped setup.
#[derive(Clone)]
pub struct Setup {
    /// The proxy's clock (the sandbox's stays real time).
    pub clock: Arc<dyn Clock>,
    /// Extra proxy variables (`MERCHANT_WEBHOOK_URL`, `UPSTREAM_TIMEOUT_MS`, …).
    pub vars: Vec<(&'static str, String)>,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            vars: Vec::new(),
        }
    }
}

/// Starts the demo-shaped app with `GATEWAY=gateway`.
pub async fn start(gateway: &str) -> Env {
    start_with(gateway, Setup::default()).await
}

fn serve(
    listener: tokio::net::TcpListener,
    router: axum::Router,
) -> (oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = rx.await;
        })
        .await;
    });
    (tx, server)
}

/// Starts it with `setup`.
pub async fn start_with(gateway: &str, setup: Setup) -> Env {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let base = format!("http://{addr}");
    let (sandbox_config, clock) = SandboxConfig::deterministic(11);
    // The sandbox's clock reads the proxy's time (DOKU's notifications carry a timestamp the
    // proxy holds to a window).
    clock.set(std::time::SystemTime::now());
    let sandbox = Sandbox::new(SandboxConfig {
        push: PushConfig::fast(),
        ..sandbox_config.with_public_base_url(format!("{base}/sandbox"))
    });
    let db = fresh_database("gateway").await.expect("test database");
    let mut vars: Vec<(&str, String)> = vec![
        ("GATEWAY", gateway.to_owned()),
        ("KREDIVO_BASE_URL", format!("{base}/sandbox/kredivo")),
        ("PUBLIC_BASE_URL", base.clone()),
        ("DATABASE_URL", db.url.clone()),
        (
            "CATALOGUE_PATH",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../demo/catalogue.json").to_owned(),
        ),
        ("ADMIN_TOKEN", ADMIN_TOKEN.to_owned()),
        ("RATE_LIMIT_PER_MINUTE", "0".to_owned()),
        ("UPSTREAM_TIMEOUT_MS", "3000".to_owned()),
    ];
    // A test's variables win (they come first).
    let mut extra = setup.vars.clone();
    extra.append(&mut vars);
    let vars = extra;
    let config = Config::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .expect("the demo's variables are enough for every gateway");
    let state = new_state(&config, &setup.clock).await;
    let (shutdown, server) = serve(
        listener,
        app(state.clone()).nest("/sandbox", sandbox.router()),
    );
    Env {
        base,
        addr,
        sandbox,
        state,
        config,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        clock: setup.clock,
        shutdown: Some(shutdown),
        server: Some(server),
        _db: db,
    }
}

async fn new_state(config: &Config, clock: &Arc<dyn Clock>) -> AppState {
    AppState::new(
        config.clone(),
        Deps {
            clock: clock.clone(),
            ..Deps::default()
        },
    )
    .await
    .expect("proxy state")
}

impl Env {
    /// The proxy process dies and a new one starts on the same port and database: every
    /// in-memory thing (caches, leases held, requests in flight) is gone, the store stays.
    pub async fn restart(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
        }
        let mut listener = None;
        for _ in 0..100 {
            match tokio::net::TcpListener::bind(self.addr).await {
                Ok(l) => {
                    listener = Some(l);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
        self.state = new_state(&self.config, &self.clock).await;
        let router = app(self.state.clone()).nest("/sandbox", self.sandbox.router());
        let (shutdown, server) = serve(listener.expect("rebind"), router);
        self.shutdown = Some(shutdown);
        self.server = Some(server);
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{}", self.base, path)
        }
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> (u16, Value) {
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(self.http.post(self.url(path)).json(body)).await
    }

    /// `POST /payment-types` for a cart.
    pub async fn plans(&self, cart: &[(&str, u32)]) -> Value {
        let (status, body) = self
            .post(
                "/api/kredivo/v1/payment-types",
                &json!({"cart": cart_json(cart)}),
            )
            .await;
        assert_eq!(status, 200, "payment-types: {body}");
        body
    }

    /// A successful checkout; returns `(order_id, redirect_url)`.
    pub async fn checkout(
        &self,
        cart: &[(&str, u32)],
        payment_type: &str,
        key: &str,
    ) -> (String, String) {
        let (status, body) = self
            .post(
                "/api/kredivo/v1/checkout",
                &json!({"cart": cart_json(cart), "payment_type": payment_type, "idempotency_key": key,
                        "customer": {"first_name": "Oemang", "last_name": "Tandra", "email": "alie@satuduatiga.com", "phone": "081513114262"},
                        "shipping_address": {"first_name": "Oemang", "address": "Jalan Teknologi Indonesia No. 25", "city": "Jakarta",
                                             "postal_code": "12960", "phone": "081513114262", "country_code": "IDN"}}),
            )
            .await;
        assert_eq!(status, 200, "checkout: {body}");
        assert_eq!(body["status"], "pending", "{body}");
        (
            body["order_id"].as_str().expect("order_id").to_owned(),
            body["redirect_url"]
                .as_str()
                .expect("redirect_url")
                .to_owned(),
        )
    }

    /// GET `url`; the `Location` of a redirect, or `None` with the page.
    pub async fn get_location(&self, url: &str) -> (StatusCode, Option<String>, String) {
        let resp = self.http.get(self.url(url)).send().await.expect("GET");
        let status = resp.status();
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (status, location, resp.text().await.unwrap_or_default())
    }

    /// POST a form; the `Location` of the 303.
    pub async fn post_form(&self, url: &str, fields: &[(&str, &str)]) -> String {
        let resp = self
            .http
            .post(self.url(url))
            .form(fields)
            .send()
            .await
            .expect("POST form");
        assert_eq!(
            resp.status(),
            StatusCode::SEE_OTHER,
            "form post to {url} should redirect"
        );
        resp.headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    /// Follows redirects from `url` until a non-redirect or a URL outside this server;
    /// returns every URL visited.
    pub async fn follow(&self, url: &str) -> Vec<String> {
        let mut visited = vec![url.to_owned()];
        let mut current = url.to_owned();
        for _ in 0..10 {
            if current.starts_with("http") && !current.starts_with(&self.base) {
                break;
            }
            let (_, location, _) = self.get_location(&current).await;
            match location {
                Some(next) => {
                    current = if next.starts_with('/') {
                        format!("{}{next}", self.base)
                    } else {
                        next
                    };
                    visited.push(current.clone());
                }
                None => break,
            }
        }
        visited
    }

    /// The shopper's trip: from the checkout's `redirect_url` (through any aggregator hop) to
    /// Kredivo's sign-in page, phone + PIN, OTP, the tenure, and back to the store. Plain HTTP
    /// form posts; returns every URL after the confirmation.
    pub async fn pay_on_hosted_pages(&self, redirect_url: &str, payment_type: &str) -> Vec<String> {
        let hops = self.follow(redirect_url).await;
        let signin = hops.last().expect("a page").clone();
        assert!(
            signin.contains("/sandbox/kredivo/v2/signin?tk="),
            "the shopper reaches Kredivo's sign-in page: {hops:?}"
        );
        let tk = signin.split("tk=").nth(1).expect("tk").to_owned();
        let (status, _, page) = self.get_location(&signin).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("name=\"phone\""), "sign-in form: {page}");
        let kredivo = format!("{}/sandbox/kredivo", self.base);
        let otp = self
            .post_form(
                &format!("{kredivo}/v2/signin"),
                &[("tk", &tk), ("phone", PHONE), ("pin", PIN)],
            )
            .await;
        assert!(otp.contains("/v2/otp"), "{otp}");
        let confirm = self
            .post_form(&format!("{kredivo}/v2/otp"), &[("tk", &tk), ("otp", OTP)])
            .await;
        assert!(confirm.contains("/v2/confirm"), "{confirm}");
        let (_, _, page) = self.get_location(&confirm).await;
        assert!(
            page.contains(&format!("value=\"{payment_type}\" checked")),
            "the widget's tenure is preselected on Kredivo's page: {page}"
        );
        let back = self
            .post_form(
                &format!("{kredivo}/v2/confirm"),
                &[("tk", &tk), ("payment_type", payment_type)],
            )
            .await;
        self.follow(&back).await
    }

    pub async fn status(&self, order_id: &str) -> OrderStatus {
        self.state
            .store()
            .order(order_id)
            .await
            .expect("store")
            .expect("order")
            .status
    }

    /// Polls until the order has `status` (notifications are asynchronous).
    pub async fn wait_for(&self, order_id: &str, status: OrderStatus) -> bool {
        for _ in 0..250 {
            if self.status(order_id).await == status {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }

    /// Every order's status, for "nothing changed" checks.
    pub async fn all_statuses(&self) -> Vec<(String, OrderStatus)> {
        self.state
            .store()
            .list_orders(&Default::default())
            .await
            .expect("orders")
            .into_iter()
            .map(|o| (o.order_id, o.status))
            .collect()
    }

    /// Stored notification verdicts, oldest first.
    pub async fn verdicts(&self) -> Vec<String> {
        let mut n = self
            .state
            .store()
            .notifications(None)
            .await
            .expect("notifications");
        n.sort_by_key(|r| r.at);
        n.into_iter().map(|r| r.verdict).collect()
    }

    /// Waits until no sandbox notification is still being delivered.
    pub async fn notifications_delivered(&self) {
        for _ in 0..250 {
            if self
                .sandbox
                .push_log()
                .iter()
                .all(|p| !matches!(p.outcome, kredivo_sandbox::PushOutcome::Pending))
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!(
            "notifications never finished: {:?}",
            self.sandbox.push_log()
        );
    }

    /// POSTs a notification to the proxy as a provider would.
    pub async fn notify(&self, headers: &[(&str, String)], body: &[u8]) -> (u16, Value) {
        let mut req = self
            .http
            .post(self.url("/api/kredivo/v1/push"))
            .header("content-type", "application/json")
            .body(body.to_vec());
        for (k, v) in headers {
            req = req.header(*k, v.as_str());
        }
        self.send(req).await
    }

    /// `POST /admin/orders/{id}/cancel`.
    pub async fn admin_cancel(&self, order_id: &str, body: Value) -> (u16, Value) {
        self.send(
            self.http
                .post(self.url(&format!("/api/kredivo/v1/admin/orders/{order_id}/cancel")))
                .bearer_auth(ADMIN_TOKEN)
                .json(&body),
        )
        .await
    }

    /// Drives the aggregator transaction of `id` through the sandbox driver.
    pub async fn drive(&self, provider: &str, id: &str, target: &str) -> Value {
        let (status, body) = self
            .send(self.http.post(self.url(&format!(
                "/sandbox/{provider}/_sandbox/transactions/{id}/{target}"
            ))))
            .await;
        assert_eq!(status, 200, "driver {target}: {body}");
        body
    }
}

pub fn cart_json(cart: &[(&str, u32)]) -> Value {
    Value::Array(
        cart.iter()
            .map(|(id, q)| json!({"product_id": id, "quantity": q}))
            .collect(),
    )
}

/// Asserts no stored provider call or notification contains any of `secrets` (keys, tokens,
/// Basic auth values).
pub async fn assert_no_secret_stored(env: &Env, secrets: &[&str]) {
    let store = env.state.store();
    let calls = store.calls(None).await.expect("calls");
    assert!(!calls.is_empty(), "provider calls are recorded");
    let mut texts: Vec<String> = calls
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {:?} {:?}",
                c.endpoint, c.request, c.operation, c.response, c.error
            )
        })
        .collect();
    texts.extend(
        store
            .notifications(None)
            .await
            .expect("notifications")
            .into_iter()
            .map(|n| format!("{} {}", n.raw_body, n.detail)),
    );
    for secret in secrets {
        for text in &texts {
            assert!(
                !text.contains(secret),
                "a secret leaked into the store: {text}"
            );
        }
    }
}

/// Asserts notifications arrived and every one was verified: `applied`, or `duplicate` when
/// the return route's status re-check settled the order first.
pub async fn assert_notified(env: &Env) {
    env.notifications_delivered().await;
    let verdicts = env.verdicts().await;
    assert!(!verdicts.is_empty(), "a notification arrived");
    assert!(
        verdicts.iter().all(|v| v == "applied" || v == "duplicate"),
        "every notification verified: {verdicts:?}"
    );
}

/// Asserts the shopper came back through the proxy's return route and ended on the store's
/// return page for `order_id`.
pub fn assert_returned(hops: &[String], order_id: &str) {
    assert!(
        hops.iter()
            .any(|h| h.contains("/kredivo/return?") && h.contains(order_id)),
        "the shopper came back through the proxy's return route: {hops:?}"
    );
    let last = hops.last().expect("hops");
    assert!(
        last.contains("/www/return.html") && last.contains(&format!("order_id={order_id}")),
        "and landed on the return page: {hops:?}"
    );
}
