//! The replica layout for the end-to-end tests: a throwaway PostgreSQL, the sandbox and N
//! `kredivo-proxy` processes behind nginx ([`kredivo_stack::stack::Stack`]), plus an HTTP
//! client and the sandbox driver calls the tests need.
//!
//! PostgreSQL and nginx come from the machine (`cargo xtask test` installs both as root).
//! When either is missing the test prints a banner and passes as skipped, unless
//! `KREDIVO_TEST_REQUIRE_SERVICES=1` (CI), which makes it fail: a skipped test on CI is a test
//! that silently stopped running.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use kredivo_stack::postgres::{self, Postgres};
use kredivo_stack::stack::{Options, Stack};
use serde_json::{json, Value};

use crate::repo_root;

/// The admin token the replicas are started with.
pub const ADMIN_TOKEN: &str = "admin-token-for-the-replica-tests-01";

/// A running layout; dropped in field order: the replicas and nginx first, then PostgreSQL.
/// Derefs to its [`Shop`] (requests through nginx).
pub struct Replicas {
    /// nginx, the sandbox and the proxies.
    pub stack: Stack,
    /// The cluster they share.
    pub postgres: Postgres,
    /// Requests through nginx; cheap to clone into concurrent tasks.
    pub shop: Shop,
}

/// The store as clients see it: everything through nginx.
#[derive(Debug, Clone)]
pub struct Shop {
    /// An HTTP client that follows no redirects.
    pub http: reqwest::Client,
    /// nginx's `http://127.0.0.1:<port>`.
    pub base: String,
}

impl std::ops::Deref for Replicas {
    type Target = Shop;

    fn deref(&self) -> &Shop {
        &self.shop
    }
}

/// Whether a missing service fails the test instead of skipping it.
fn services_required() -> bool {
    std::env::var("KREDIVO_TEST_REQUIRE_SERVICES").is_ok_and(|v| v == "1")
}

/// Says loudly that `test` cannot run (`why`), then `Ok(None)`: skipped; or an error when
/// services are required.
fn unavailable(test: &str, why: &str) -> Result<Option<Replicas>> {
    if services_required() {
        bail!("{test} cannot run: {why} (KREDIVO_TEST_REQUIRE_SERVICES=1)");
    }
    let rule = "=".repeat(78);
    eprintln!(
        "\n{rule}\n  SKIPPED {test}: {why}.\n  Install postgresql and nginx \
         (`cargo xtask test` does, as root) to run it.\n{rule}\n"
    );
    Ok(None)
}

/// Where cargo puts build output.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                repo_root().join(dir)
            }
        }
        None => repo_root().join("target"),
    }
}

/// Builds the two binaries the layout runs (a no-op when they are fresh).
fn build_binaries() -> Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(repo_root())
        .args([
            "build",
            "--quiet",
            "--package",
            "kredivo-proxy",
            "--package",
            "kredivo-sandbox",
        ])
        .status()
        .context("cannot run cargo build")?;
    if !status.success() {
        bail!("cargo build -p kredivo-proxy -p kredivo-sandbox failed ({status})");
    }
    Ok(target_dir().join("debug"))
}

impl Replicas {
    /// Starts `replicas` proxies for `test` with `env` added to their settings (an admin
    /// token, and no rate limits: every request comes from 127.0.0.1). Logs go to
    /// `target/e2e-artifacts/<test>/`. `Ok(None)`: skipped (see the module docs).
    pub fn start(test: &str, replicas: usize, env: &[(&str, &str)]) -> Result<Option<Replicas>> {
        if postgres::bin_dir().is_none() {
            return unavailable(test, "PostgreSQL is not installed");
        }
        if kredivo_stack::nginx::binary().is_none() {
            return unavailable(test, "nginx is not installed");
        }
        let bin_dir = build_binaries()?;
        let postgres = Postgres::start().context("starting PostgreSQL")?;
        let logs = repo_root().join("target/e2e-artifacts").join(test);
        let _ = std::fs::remove_dir_all(&logs);
        let mut options = Options::new(bin_dir, repo_root(), replicas, postgres.url());
        options.logs = Some(logs);
        options.env = [
            ("ADMIN_TOKEN", ADMIN_TOKEN),
            ("RATE_LIMIT_PER_MINUTE", "0"),
            ("NOTIFY_RATE_LIMIT_PER_MINUTE", "0"),
        ]
        .iter()
        .chain(env)
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let stack = Stack::start(&options).context("starting the replicas")?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(60))
            .build()?;
        let shop = Shop {
            http,
            base: stack.url(),
        };
        Ok(Some(Replicas {
            stack,
            postgres,
            shop,
        }))
    }

    /// `GET path` on replica `i` directly (not through nginx, so nginx's round robin is
    /// untouched), with the admin token.
    pub async fn get_on(&self, i: usize, path: &str) -> Result<Answer> {
        let url = format!("http://127.0.0.1:{}{path}", self.stack.replica_port(i)?);
        Answer::read(self.http.get(url).bearer_auth(ADMIN_TOKEN).send().await?).await
    }

    /// The order's status as replica `i` reads it from the shared store.
    pub async fn status_on(&self, i: usize, order_id: &str) -> Result<String> {
        let answer = self
            .get_on(i, &format!("/api/kredivo/v1/orders/{order_id}"))
            .await?;
        Ok(answer.body["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    /// Polls replica `i` until `order_id` has `status`; `false` after `timeout`.
    pub async fn wait_status(
        &self,
        i: usize,
        order_id: &str,
        status: &str,
        timeout: Duration,
    ) -> Result<bool> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.status_on(i, order_id).await? == status {
                return Ok(true);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(false)
    }

    /// The replicas whose log has a line containing every one of `needles`.
    pub fn replicas_logging(&self, needles: &[&str]) -> Result<Vec<String>> {
        let mut found = Vec::new();
        for (i, name) in self.stack.replica_names().into_iter().enumerate() {
            let log = self.stack.replica_log(i + 1)?;
            if log
                .lines()
                .any(|line| needles.iter().all(|n| line.contains(n)))
            {
                found.push(name);
            }
        }
        Ok(found)
    }
}

impl Shop {
    /// `nginx` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `POST path` through nginx with a JSON body, as the widget on the store's own origin.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Answer> {
        let response = self
            .http
            .post(self.url(path))
            .header("origin", &self.base)
            .json(body)
            .send()
            .await?;
        Answer::read(response).await
    }

    /// `GET path` through nginx.
    pub async fn get(&self, path: &str) -> Result<Answer> {
        Answer::read(self.http.get(self.url(path)).send().await?).await
    }

    /// A catalogue checkout of one `product` through nginx with idempotency key `key`.
    pub async fn checkout(&self, product: &str, payment_type: &str, key: &str) -> Result<Answer> {
        self.post(
            "/api/kredivo/v1/checkout",
            &checkout_body(product, payment_type, key),
        )
        .await
    }

    /// The sandbox's transactions for `order_id` (through nginx's `/sandbox/` route).
    pub async fn provider_transactions(&self, order_id: &str) -> Result<usize> {
        let all = self.get("/sandbox/kredivo/_sandbox/transactions").await?;
        let list = all.body.as_array().cloned().unwrap_or_default();
        Ok(list.iter().filter(|t| t["order_id"] == order_id).count())
    }

    /// Makes Kredivo decide `order_id` (`settle`, `deny`, `repush`, …), pushes included.
    pub async fn drive(&self, order_id: &str, target: &str) -> Result<()> {
        let answer = self
            .post(
                &format!("/sandbox/kredivo/_sandbox/transactions/{order_id}/{target}"),
                &json!({}),
            )
            .await?;
        if answer.status != 200 {
            bail!(
                "driving {order_id} to {target}: {} {}",
                answer.status,
                answer.body
            );
        }
        Ok(())
    }

    /// Arms a sandbox fault (`{"endpoint":…,"fault":…,"times":…}`).
    pub async fn fault(&self, rule: Value) -> Result<()> {
        let answer = self.post("/sandbox/kredivo/_sandbox/faults", &rule).await?;
        if answer.status >= 300 {
            bail!("arming {rule}: {} {}", answer.status, answer.body);
        }
        Ok(())
    }
}

/// A response: status, `x-served-by`, `Retry-After`, JSON body (or the text as a string).
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// Which replica answered (`x-served-by`), when one did.
    pub served_by: Option<String>,
    /// `Retry-After`, when present.
    pub retry_after: Option<String>,
    /// The body.
    pub body: Value,
}

impl Answer {
    async fn read(response: reqwest::Response) -> Result<Answer> {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let served_by = header("x-served-by");
        let retry_after = header("retry-after");
        let status = response.status().as_u16();
        let text = response.text().await?;
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Ok(Answer {
            status,
            served_by,
            retry_after,
            body,
        })
    }
}

/// A catalogue checkout body for one `product` with doc 000's sandbox shopper.
pub fn checkout_body(product: &str, payment_type: &str, key: &str) -> Value {
    json!({
        "cart": [{"product_id": product, "quantity": 1}],
        "payment_type": payment_type,
        "idempotency_key": key,
        "customer": {"first_name": "Oemang", "last_name": "Tandra", "email": "alie@satuduatiga.com", "phone": "081513114262"},
        "shipping_address": {"first_name": "Oemang", "last_name": "Tandra", "address": "Jalan Teknologi Indonesia No. 25",
            "city": "Jakarta", "postal_code": "12960", "phone": "081513114262", "country_code": "IDN"},
    })
}
