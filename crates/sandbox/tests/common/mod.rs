//! Shared test helpers: a sandbox on 127.0.0.1:0, a push receiver, the hosted-page flow
//! done with plain HTTP form posts, and doc 000's request bodies.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use kredivo_sandbox::{ManualClock, Sandbox, SandboxConfig, DOC_SERVER_KEY};
use serde_json::{json, Value};

pub const KEY: &str = DOC_SERVER_KEY;

/// A running sandbox.
pub struct App {
    /// `http://127.0.0.1:PORT/sandbox/kredivo`
    pub base: String,
    pub sandbox: Sandbox,
    pub clock: Arc<ManualClock>,
    /// Does not follow redirects, so tests can read `Location`.
    pub http: reqwest::Client,
}

pub async fn spawn() -> App {
    spawn_with(|c| c).await
}

pub async fn spawn_with(tweak: impl FnOnce(SandboxConfig) -> SandboxConfig) -> App {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (config, clock) = SandboxConfig::deterministic(42);
    let config = tweak(config.with_public_base_url(format!("http://{addr}/sandbox")));
    let sandbox = Sandbox::new(config);
    let app = Router::new().nest("/sandbox", sandbox.router());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    App {
        base: format!("http://{addr}/sandbox/kredivo"),
        sandbox,
        clock,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
    }
}

impl App {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn post(&self, path: &str, body: &Value) -> Value {
        let resp = self
            .http
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request");
        assert_eq!(resp.status(), StatusCode::OK, "{path} answers HTTP 200");
        resp.json().await.expect("JSON body")
    }

    pub async fn post_raw(&self, path: &str, body: impl Into<reqwest::Body>) -> (u16, String) {
        let resp = self
            .http
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("request");
        let status = resp.status().as_u16();
        (status, resp.text().await.unwrap_or_default())
    }

    pub async fn get_json(&self, path: &str) -> Value {
        self.http
            .get(self.url(path))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("JSON body")
    }

    /// POSTs to the `_sandbox` driver (`path` after `…/kredivo`), with an optional JSON
    /// body; returns the status and the JSON answer.
    pub async fn driver(&self, path: &str, body: Option<&Value>) -> (u16, Value) {
        let mut request = self.http.post(self.url(path));
        if let Some(body) = body {
            request = request.json(body);
        }
        let resp = request.send().await.expect("driver");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// Creates a checkout and returns (response, transaction_id).
    pub async fn checkout(&self, body: &Value) -> (Value, String) {
        let resp = self.post("/v2/checkout_url", body).await;
        assert_eq!(resp["status"], "OK", "checkout failed: {resp}");
        let order_id = body["transaction_details"]["order_id"]
            .as_str()
            .expect("order id");
        let tx = self
            .sandbox
            .kredivo()
            .transaction(order_id)
            .expect("stored");
        (resp, tx.transaction_id)
    }

    /// Walks the hosted pages with form posts: sign in, OTP, confirm `payment_type`.
    /// Returns the final `Location` (the back-to-store URL).
    pub async fn pay(&self, redirect_url: &str, payment_type: Option<&str>) -> String {
        let tk = token_of(redirect_url);
        let page = self.get_text(redirect_url).await;
        assert!(page.contains("name=\"phone\""), "sign-in page: {page}");
        let loc = self
            .form(
                "/v2/signin",
                &[("tk", &tk), ("phone", "081513114262"), ("pin", "663482")],
            )
            .await
            .expect("sign-in redirects");
        assert!(loc.contains("/v2/otp"), "{loc}");
        let loc = self
            .form("/v2/otp", &[("tk", &tk), ("otp", "4567")])
            .await
            .expect("OTP redirects");
        assert!(loc.contains("/v2/confirm"), "{loc}");
        let page = self.get_text(&loc).await;
        assert!(
            page.contains("name=\"payment_type\""),
            "confirm page: {page}"
        );
        let mut fields = vec![("tk", tk.as_str())];
        if let Some(p) = payment_type {
            fields.push(("payment_type", p));
        }
        self.form("/v2/confirm", &fields)
            .await
            .expect("confirm redirects")
    }

    pub async fn get_text(&self, url: &str) -> String {
        self.http
            .get(url)
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("text")
    }

    /// Posts a form; `Some(location)` on a 303, `None` (with the page) otherwise.
    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> Result<String, String> {
        let resp = self
            .http
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("request");
        if resp.status() == StatusCode::SEE_OTHER {
            Ok(resp
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned())
        } else {
            Err(resp.text().await.unwrap_or_default())
        }
    }
}

pub fn token_of(url: &str) -> String {
    url.split("tk=").nth(1).unwrap_or_default().to_owned()
}

/// Query parameter `name` of `url`, percent-decoded once.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| percent_decode(v))
    })
}

/// `%XX` decoded once; the text as it was when it is not well-formed.
pub fn percent_decode(s: &str) -> String {
    kredivo_providers::encoding::percent_decode(s).unwrap_or_else(|| s.to_owned())
}

// Not every test file that includes this module encodes.
#[allow(unused_imports)]
pub use kredivo_providers::encoding::percent_encode;

/// A merchant push endpoint that records every body and answers from a script.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    received: Arc<Mutex<Vec<Value>>>,
    /// Replies to use, in order; when exhausted, `{"status":"OK"}`.
    script: Arc<Mutex<Vec<(u16, String)>>>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        Self::scripted(Vec::new()).await
    }

    pub async fn scripted(script: Vec<(u16, &str)>) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let rx = Receiver {
            url: format!("http://{addr}/push"),
            received: Arc::default(),
            script: Arc::new(Mutex::new(
                script.into_iter().map(|(s, b)| (s, b.to_owned())).collect(),
            )),
        };
        let state = rx.clone();
        let app = Router::new()
            .route("/push", post(record))
            .route("/callback", post(record))
            .with_state(state);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        rx
    }

    pub fn callback_url(&self) -> String {
        self.url.replace("/push", "/callback")
    }

    pub fn received(&self) -> Vec<Value> {
        self.received.lock().expect("lock").clone()
    }

    /// Waits until at least `n` bodies arrived (panics after 5 s).
    pub async fn wait_for(&self, n: usize) -> Vec<Value> {
        for _ in 0..500 {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("expected {n} pushes, got {:?}", self.received());
    }
}

async fn record(State(rx): State<Receiver>, Json(body): Json<Value>) -> (StatusCode, String) {
    rx.received.lock().expect("lock").push(body);
    let next = {
        let mut script = rx.script.lock().expect("lock");
        (!script.is_empty()).then(|| script.remove(0))
    };
    match next {
        Some((status, text)) => (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), text),
        None => (
            StatusCode::OK,
            r#"{"status":"OK","message":"received"}"#.to_owned(),
        ),
    }
}

/// Doc 000's checkout request (6,505,000 cart), with our order id and URIs.
pub fn doc_checkout(order_id: &str, push_uri: &str) -> Value {
    json!({
        "server_key": KEY,
        "payment_type": "30_days",
        "tokenize_user": false,
        "client_user_key": "randy@finaccel.co",
        "transaction_details": {
            "amount": 6505000,
            "order_id": order_id,
            "items": [
                {"id":"BB12345678","name":"iPhone 5S","price":6000000,"type":"Smartphone",
                 "url":"http://merchant.com/cellphones/iphone5s_64g","quantity":1},
                {"id":"AZ14565678","name":"Hailee Sneakers Blink Silver","price":250000,
                 "url":"http://merchant.com/fashion/shoes/sneakers-blink-shoes","type":"Sneakers",
                 "quantity":2,"parent_type":"SELLER","parent_id":"SELLER456"},
                {"id":"taxfee","name":"Tax Fee","price":1000,"quantity":1},
                {"id":"shippingfee","name":"Shipping Fee","price":9000,"quantity":1,
                 "parent_type":"SELLER","parent_id":"SELLER456"},
                {"id":"discount","name":"Discount","price":5000,"quantity":1}
            ]
        },
        "sellers": [
            {"id":"SELLER123","name":"Sunrise","email":"sunrise@gmail.com",
             "url":"https://onlineshop/seller/sunrise",
             "address":{"first_name":"Irfan","last_name":"Sutandro","address":"Jalan Tentara Pelajar no 49",
                        "city":"Jakarta Utara","postal_code":"12960","phone":"08123456789","country_code":"IDN"}},
            {"id":"SELLER456","name":"Toko Bagus","email":"tokobagus@gmail.com",
             "url":"https://onlineshop/seller/tokobagus",
             "address":{"first_name":"Toto","last_name":"Wahyuni","address":"Jalan Krici raya IX",
                        "city":"Jakarta Selatan","postal_code":"12960","phone":"08123456789","country_code":"IDN"}}
        ],
        "customer_details": {"first_name":"Oemang","last_name":"Tandra",
            "email":"alie@satuduatiga.com","phone":"081513114262"},
        "shipping_address": {"first_name":"Oemang","last_name":"Tandra",
            "address":"Jalan Teknologi Indonesia No. 25","city":"Jakarta","postal_code":"12960",
            "phone":"081513114262","country_code":"IDN"},
        "push_uri": push_uri,
        "back_to_store_uri": "https://merchant.test/back",
        "user_cancel_uri": "https://merchant.test/cancelled"
    })
}

/// A one-item checkout of `amount`.
pub fn simple_checkout(order_id: &str, amount: u64, push_uri: &str) -> Value {
    json!({
        "server_key": KEY,
        "payment_type": "30_days",
        "transaction_details": {
            "amount": amount,
            "order_id": order_id,
            "items": [{"id":"SKU1","name":"Thing","price":amount,"type":"Gadget",
                       "url":"https://merchant.test/p/1","quantity":1}]
        },
        "customer_details": {"first_name":"Oemang","email":"o@example.com","phone":"081513114262"},
        "push_uri": push_uri,
        "back_to_store_uri": "https://merchant.test/back"
    })
}

/// Waits until `f` holds on the push log (panics after 5 s).
pub async fn wait_until(
    sandbox: &Sandbox,
    what: &str,
    f: impl Fn(&[kredivo_sandbox::PushRecord]) -> bool,
) {
    for _ in 0..500 {
        if f(&sandbox.push_log()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}: {:#?}", sandbox.push_log());
}
