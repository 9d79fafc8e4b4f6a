//! Test harness: the proxy on 127.0.0.1:0 with its own fresh SQLite file, and the Kredivo
//! sandbox on another loopback port of the same process, so pushes really travel over HTTP.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use kredivo_api::OrderStatus;
use kredivo_proxy::store::test_support::{fresh_database, TestDatabase};
use kredivo_proxy::store::ProviderCall;
use kredivo_proxy::{app, AppState, Clock, Config, Deps, RateLimit, Secret, SystemClock};
use kredivo_sandbox::{Endpoint, Fault, FaultRule, PushConfig, Sandbox, SandboxConfig, Target};
use serde_json::{json, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Not the documented sandbox key: a leak of this string anywhere is a real leak.
pub const SERVER_KEY: &str = "sk-test-Q7vX2pLm9RtZ4wKc8NbY3hJd";
pub const ADMIN_TOKEN: &str = "admin-token-for-tests-0123456789";
pub const MERCHANT_KEY: &str = "merchant-key-for-tests-0123456789abcdef";
pub const WEBHOOK_SECRET: &str = "whsec_for_tests_0123456789abcdefghijkl";
/// `TOKEN_ENCRYPTION_KEY` of the tests: 32 bytes of 0x2a, base64.
pub const TOKEN_KEY: &str = "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=";

/// Knobs of one test environment.
#[derive(Clone)]
pub struct Options {
    pub upstream_timeout: Duration,
    pub rate_limit: RateLimit,
    /// The limit of `/push` and `/kredivo/return` (off unless a test sets it).
    pub notify_rate_limit: RateLimit,
    /// Key the limiters by the last `X-Forwarded-For` hop, so one test can be many clients.
    pub trust_x_forwarded_for: bool,
    pub cache_ttl: Duration,
    pub clock: Arc<dyn Clock>,
    pub push: PushConfig,
    pub redirect_hosts: Vec<String>,
    pub allowed_origins: Vec<String>,
    pub max_body_bytes: usize,
    /// The sessions API's key (`MERCHANT_API_KEY`); `None` turns the API off.
    pub merchant_api_key: Option<String>,
    /// `MERCHANT_WEBHOOK_URL` (signed with [`WEBHOOK_SECRET`]); `None` sends no webhooks.
    pub webhook_url: Option<String>,
    /// `TOKEN_ENCRYPTION_KEY` then `_PREVIOUS` (default [`TOKEN_KEY`]); empty turns
    /// tokenization off.
    pub token_keys: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            upstream_timeout: Duration::from_secs(2),
            rate_limit: RateLimit::OFF,
            notify_rate_limit: RateLimit::OFF,
            trust_x_forwarded_for: false,
            cache_ttl: Duration::from_secs(60),
            clock: Arc::new(SystemClock),
            push: PushConfig::fast(),
            redirect_hosts: Vec::new(),
            allowed_origins: vec!["https://shop.example".into()],
            max_body_bytes: 64 * 1024,
            merchant_api_key: Some(MERCHANT_KEY.into()),
            webhook_url: None,
            token_keys: vec![TOKEN_KEY.into()],
        }
    }
}

/// One proxy (restartable) + one sandbox.
pub struct Env {
    /// `http://127.0.0.1:PORT` of the proxy.
    pub base: String,
    pub addr: SocketAddr,
    pub sandbox: Sandbox,
    /// `http://127.0.0.1:PORT/sandbox/kredivo`
    pub kredivo_base: String,
    pub state: AppState,
    pub config: Config,
    /// Does not follow redirects.
    pub http: reqwest::Client,
    pub opts: Options,
    /// Every response body the tests saw (for the server-key leak check).
    pub seen: std::sync::Mutex<Vec<String>>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
    _db: TestDatabase,
}

pub async fn start() -> Env {
    start_with(Options::default()).await
}

pub async fn start_with(opts: Options) -> Env {
    start_with_sandbox(opts, |c| c).await
}

pub async fn start_with_sandbox(
    opts: Options,
    tweak: impl FnOnce(SandboxConfig) -> SandboxConfig,
) -> Env {
    // The sandbox, on its own port.
    let sandbox_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind sandbox");
    let sandbox_addr = sandbox_listener.local_addr().expect("addr");
    let (sandbox_config, _sandbox_clock) = SandboxConfig::deterministic(7);
    let sandbox_config = tweak(SandboxConfig {
        server_keys: vec![SERVER_KEY.into()],
        push: opts.push.clone(),
        ..sandbox_config.with_public_base_url(format!("http://{sandbox_addr}/sandbox"))
    });
    let sandbox = Sandbox::new(sandbox_config);
    let sandbox_app = Router::new().nest("/sandbox", sandbox.router());
    tokio::spawn(async move {
        let _ = axum::serve(sandbox_listener, sandbox_app).await;
    });

    let db = fresh_database("proxy").await.expect("test database");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind proxy");
    let addr = listener.local_addr().expect("addr");
    let base = format!("http://{addr}");
    let kredivo_base = format!("http://{sandbox_addr}/sandbox/kredivo");
    let config = Config {
        server_key: Secret::new(SERVER_KEY),
        kredivo_base_url: kredivo_base.parse().expect("url"),
        public_base_url: base.parse().expect("url"),
        database_url: db.url.clone(),
        allowed_origins: opts.allowed_origins.clone(),
        admin_token: Some(Secret::new(ADMIN_TOKEN)),
        payment_types_cache_ttl: opts.cache_ttl,
        upstream_timeout: opts.upstream_timeout,
        rate_limit: opts.rate_limit,
        notify_rate_limit: opts.notify_rate_limit,
        trust_x_forwarded_for: opts.trust_x_forwarded_for,
        redirect_host_allowlist: opts.redirect_hosts.clone(),
        max_body_bytes: opts.max_body_bytes,
        catalogue_path: Some(CATALOGUE.into()),
        merchant_api_key: opts.merchant_api_key.clone().map(Secret::new),
        webhook_url: opts
            .webhook_url
            .as_ref()
            .map(|u| u.parse().expect("webhook url")),
        webhook_secrets: vec![Secret::new(WEBHOOK_SECRET)],
        token_encryption_keys: opts.token_keys.iter().map(Secret::new).collect(),
        ..Config::default()
    };
    let state = new_state(&config, &opts).await;
    let (shutdown, server) = serve(listener, state.clone());
    Env {
        base,
        addr,
        sandbox,
        kredivo_base,
        state,
        config,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        opts,
        seen: std::sync::Mutex::new(Vec::new()),
        shutdown: Some(shutdown),
        server: Some(server),
        _db: db,
    }
}

async fn new_state(config: &Config, opts: &Options) -> AppState {
    AppState::new(
        config.clone(),
        Deps {
            clock: opts.clock.clone(),
            ..Deps::default()
        },
    )
    .await
    .expect("proxy state")
}

fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
) -> (oneshot::Sender<()>, JoinHandle<()>) {
    let (tx, rx) = oneshot::channel::<()>();
    let router = app(state);
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

impl Env {
    /// Stops the proxy: no new connections, idle keep-alive connections closed, the app and
    /// its state dropped. The SQLite file stays.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
        }
    }

    /// Starts a new proxy process-equivalent on the same port and the same SQLite file.
    pub async fn start_again(&mut self) {
        let mut listener = None;
        for _ in 0..50 {
            match tokio::net::TcpListener::bind(self.addr).await {
                Ok(l) => {
                    listener = Some(l);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
        let listener = listener.expect("rebind the proxy port");
        self.state = new_state(&self.config, &self.opts).await;
        let (shutdown, server) = serve(listener, self.state.clone());
        self.shutdown = Some(shutdown);
        self.server = Some(server);
    }

    fn remember(&self, text: &str) {
        self.seen.lock().expect("lock").push(text.to_owned());
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> (u16, Value) {
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        self.remember(&text);
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }

    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(self.http.post(self.url(path)).json(body)).await
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.http.get(self.url(path))).await
    }

    pub fn admin(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        req.bearer_auth(ADMIN_TOKEN)
    }

    /// `POST /sessions` as the merchant's server.
    pub async fn create_session(&self, body: &Value) -> (u16, Value) {
        self.send(
            self.http
                .post(self.url("/api/kredivo/v1/sessions"))
                .bearer_auth(MERCHANT_KEY)
                .json(body),
        )
        .await
    }

    /// How many rows `table` has (straight from the database).
    pub async fn count(&self, table: &str) -> i64 {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&self.config.database_url)
            .await
            .expect("connect");
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut conn)
            .await
            .expect("count");
        n
    }

    /// A successful checkout of `cart` (pairs of product id and quantity).
    pub async fn checkout(&self, cart: &[(&str, u32)], payment_type: &str, key: &str) -> Value {
        let (status, body) = self
            .post(
                "/api/kredivo/v1/checkout",
                &checkout_body(cart, payment_type, key),
            )
            .await;
        assert_eq!(status, 200, "checkout failed: {body}");
        body
    }

    /// Makes Kredivo decide `order_id` (`target`) with `fault` applied to the push that
    /// decision sends (held back, duplicated, out of order, …).
    pub fn drive_with_push_fault(&self, order_id: &str, target: Target, fault: Fault) {
        self.sandbox
            .faults()
            .add(FaultRule::new(Endpoint::Push, fault).times(1));
        self.sandbox.kredivo().drive(order_id, target).unwrap();
    }

    /// Creates a Kredivo transaction for `order_id` straight at the sandbox (as if the proxy
    /// had, or as another shop would), pointing its pushes at this proxy.
    pub async fn kredivo_transaction(&self, order_id: &str, payment_type: &str, amount: u64) {
        let body = json!({
            "server_key": SERVER_KEY, "payment_type": payment_type,
            "push_uri": self.url("/api/kredivo/v1/push"), "back_to_store_uri": self.url("/kredivo/return"),
            "transaction_details": {"order_id": order_id, "amount": amount,
                "items": [{"id": "x", "name": "X", "price": amount, "quantity": 1, "type": "Test", "url": "http://x"}]},
            "customer_details": {"first_name": "A", "email": "a@example.com", "phone": "081513114262"},
            "shipping_address": {"first_name": "A", "address": "Jl. 1", "city": "Jakarta", "postal_code": "12960", "phone": "081513114262", "country_code": "IDN"},
        });
        let created: Value = self
            .http
            .post(format!("{}/v2/checkout_url", self.kredivo_base))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(created["status"], "OK", "{created}");
    }

    pub async fn order_status(&self, order_id: &str) -> OrderStatus {
        self.state
            .store()
            .order(order_id)
            .await
            .expect("store")
            .expect("order exists")
            .status
    }

    /// Polls the store until the order has `status` (pushes are asynchronous).
    pub async fn wait_for(&self, order_id: &str, status: OrderStatus) -> bool {
        for _ in 0..300 {
            if self.order_status(order_id).await == status {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }

    /// Polls until the sandbox's push log has settled (nothing pending).
    pub async fn pushes_settled(&self) {
        for _ in 0..300 {
            let log = self.sandbox.push_log();
            if log
                .iter()
                .all(|p| !matches!(p.outcome, kredivo_sandbox::PushOutcome::Pending))
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("pushes never finished: {:?}", self.sandbox.push_log());
    }

    pub async fn calls(&self, operation: &str) -> Vec<ProviderCall> {
        self.state
            .store()
            .calls(None)
            .await
            .expect("calls")
            .into_iter()
            .filter(|c| c.operation == operation)
            .collect()
    }

    pub async fn verdicts(&self) -> Vec<String> {
        self.state
            .store()
            .notifications(None)
            .await
            .expect("notifications")
            .into_iter()
            .map(|n| n.verdict)
            .collect()
    }

    /// Number of sandbox transactions for an order id.
    pub fn kredivo_transactions(&self, order_id: &str) -> usize {
        self.sandbox
            .transactions()
            .iter()
            .filter(|t| t.order_id == order_id)
            .count()
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The demo's catalogue, which these tests price carts from.
pub const CATALOGUE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../demo/catalogue.json");

/// Doc 000's sandbox shopper, as a shop's checkout form gives it in catalogue mode.
pub fn shopper() -> (Value, Value) {
    (
        json!({"first_name": "Oemang", "last_name": "Tandra", "email": "alie@satuduatiga.com", "phone": "081513114262"}),
        json!({"first_name": "Oemang", "last_name": "Tandra", "address": "Jalan Teknologi Indonesia No. 25",
               "city": "Jakarta", "postal_code": "12960", "phone": "081513114262", "country_code": "IDN"}),
    )
}

/// `body` with the sandbox shopper added (catalogue checkouts need one).
pub fn with_shopper(mut body: Value) -> Value {
    let (customer, address) = shopper();
    body["customer"] = customer;
    body["shipping_address"] = address;
    body
}

pub fn checkout_body(cart: &[(&str, u32)], payment_type: &str, key: &str) -> Value {
    with_shopper(json!({
        "cart": cart.iter().map(|(id, q)| json!({"product_id": id, "quantity": q})).collect::<Vec<_>>(),
        "payment_type": payment_type,
        "idempotency_key": key,
    }))
}

/// Query parameter `name` of `url` (no decoding).
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

/// Collects every log line a test's global subscriber writes (each test that uses it is alone
/// in its binary, so the subscriber sees only it).
#[derive(Clone, Default)]
pub struct LogBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl LogBuffer {
    /// Everything written so far.
    pub fn bytes(&self) -> Vec<u8> {
        self.0.lock().expect("log lock").clone()
    }
}

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
