//! The end-to-end harness: the whole demo (proxy + sandbox + static store) in this process on
//! a free loopback port, a chromedriver child process, and a headless Chromium session; or
//! the browser alone against the replica layout ([`replicas`]).
//!
//! The widget bundle must have been built into `dist/` first (`cargo xtask dist`; `cargo
//! xtask test` does it before running these tests). Screenshots of every step go to
//! `target/e2e-artifacts/<test>/`.
#![deny(missing_docs)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};

pub mod journey;
pub mod replicas;

/// The repository root.
pub fn repo_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors().nth(2).unwrap_or(here).to_path_buf()
}

/// A running demo and a browser pointed at it.
pub struct Harness {
    /// `http://127.0.0.1:PORT` of the demo.
    pub base: String,
    /// The WebDriver session.
    pub client: Client,
    artifacts: PathBuf,
    step: std::sync::atomic::AtomicU32,
    driver: Child,
    /// The in-process demo, when this harness started one.
    server: Option<tokio::task::JoinHandle<()>>,
}

/// A loopback port free right now.
pub fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

async fn wait_for_driver(port: u16) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("chromedriver did not listen on port {port} within 20 s")
}

/// Chromium's flags for a closed, headless machine (as root, too).
pub fn chrome_args(profile: &Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--window-size=1280,1000",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}

impl Harness {
    /// Starts the demo with a fresh store, chromedriver and a browser session.
    /// `name` names the artifacts folder. `overrides` are proxy settings by env-var name
    /// (e.g. `("GATEWAY", "midtrans")`).
    pub async fn start(name: &str, overrides: &[(&str, &str)]) -> Result<Self> {
        Self::start_at(name, 0, overrides).await
    }

    /// The same on a given port (`0`: a free one) — for tests that must tell another process
    /// where the demo will be before it starts.
    pub async fn start_at(name: &str, port: u16, overrides: &[(&str, &str)]) -> Result<Self> {
        Self::start_browser(name, port, overrides, true).await
    }

    /// The same with JavaScript switched off in the browser (`javascript: false`): only
    /// WebDriver's own element commands work then, not [`Harness::js`].
    pub async fn start_browser(
        name: &str,
        port: u16,
        overrides: &[(&str, &str)],
        javascript: bool,
    ) -> Result<Self> {
        let root = repo_root();
        if !root.join("dist/kredivo-checkout.js").exists() {
            bail!("dist/kredivo-checkout.js is missing: run `cargo xtask dist` first");
        }
        let work = root.join("target/e2e-artifacts").join(name);
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(&work)?;

        // The demo, on a free port, with its own SQLite file.
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let base = format!("http://127.0.0.1:{}", listener.local_addr()?.port());
        let mut config = kredivo_demo::DemoConfig::new(&base, &root);
        config.database_url = format!("sqlite://{}?mode=rwc", work.join("orders.db").display());
        config.overrides = overrides
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let app = kredivo_demo::app(config).await?;
        let server = tokio::spawn(async move {
            let _ = axum::serve(
                listener,
                app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await;
        });
        let mut harness = Self::browser(&work, base, javascript).await?;
        harness.server = Some(server);
        Ok(harness)
    }

    /// A browser for a store already running at `base` (the replica layout's nginx); `name`
    /// names the artifacts folder.
    pub async fn attach(name: &str, base: &str) -> Result<Self> {
        let root = repo_root();
        if !root.join("dist/kredivo-checkout.js").exists() {
            bail!("dist/kredivo-checkout.js is missing: run `cargo xtask dist` first");
        }
        let work = root.join("target/e2e-artifacts").join(name).join("browser");
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(&work)?;
        Self::browser(&work, base.to_owned(), true).await
    }

    async fn browser(work: &Path, base: String, javascript: bool) -> Result<Self> {
        // chromedriver on a free port.
        let driver_bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let port = free_port()?;
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {driver_bin}"))?;
        wait_for_driver(port).await?;

        let profile = work.join("chrome-profile");
        let mut caps = serde_json::Map::new();
        let mut chrome = json!({ "args": chrome_args(&profile) });
        if !javascript {
            chrome["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        for bin in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
            if Path::new(bin).exists() {
                chrome["binary"] = json!(bin);
                break;
            }
        }
        caps.insert("goog:chromeOptions".into(), chrome);
        caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("cannot open a Chromium session through chromedriver")?;

        Ok(Self {
            base,
            client,
            artifacts: work.to_path_buf(),
            step: std::sync::atomic::AtomicU32::new(0),
            driver,
            server: None,
        })
    }

    /// Opens `path` on the demo.
    pub async fn goto(&self, path: &str) -> Result<()> {
        self.client.goto(&format!("{}{path}", self.base)).await?;
        Ok(())
    }

    /// Saves a numbered screenshot `NN-label.png` of the current page.
    pub async fn screenshot(&self, label: &str) -> Result<PathBuf> {
        let step = self.step.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let png = self.client.screenshot().await?;
        let path = self.artifacts.join(format!("{step:02}-{label}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Runs axe-core (pinned in `xtask/minify`, installed by `cargo xtask dist`) on the current
    /// page, open shadow roots included, for WCAG 2.0/2.1/2.2 A and AA; writes the result to
    /// `axe-<label>.json` beside the screenshots and fails listing every violation.
    /// Returns how many rules passed, so a check that ran nothing cannot pass quietly.
    pub async fn assert_accessible(&self, label: &str) -> Result<u64> {
        let (passes, violations) = self.axe(label).await?;
        if !violations.is_empty() {
            let list: Vec<String> = violations
                .iter()
                .map(|v| {
                    format!(
                        "{} ({}): {} at {}",
                        v["id"], v["impact"], v["help"], v["nodes"]
                    )
                })
                .collect();
            bail!(
                "{label}: {} WCAG A/AA violation(s):\n{}",
                violations.len(),
                list.join("\n")
            );
        }
        if passes == 0 {
            bail!("{label}: axe-core checked nothing");
        }
        Ok(passes)
    }

    /// axe-core's verdict on the current page (see [`Harness::assert_accessible`]): how many
    /// rules passed and the violations, each `{id, impact, help, nodes}`.
    pub async fn axe(&self, label: &str) -> Result<(u64, Vec<Value>)> {
        static AXE: std::sync::OnceLock<std::result::Result<String, String>> =
            std::sync::OnceLock::new();
        let axe = AXE
            .get_or_init(|| {
                let path = repo_root().join("xtask/minify/node_modules/axe-core/axe.min.js");
                std::fs::read_to_string(&path).map_err(|e| {
                    format!(
                        "{}: {e} (run `cargo xtask dist`, which installs the pinned npm tools)",
                        path.display()
                    )
                })
            })
            .as_ref()
            .map_err(|e| anyhow::anyhow!("axe-core: {e}"))?;
        // WebDriver runs this as a function body: axe's bundle defines `axe` on `window`.
        self.js(&format!("{axe}\n;return typeof window.axe;"), vec![])
            .await?;
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 axe.run(document, { \
                   runOnly: { type: 'tag', values: \
                     ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, \
                   resultTypes: ['violations'] }) \
                 .then(r => done({ passes: r.passes.length, violations: r.violations.map(v => ({ \
                     id: v.id, impact: v.impact, help: v.help, \
                     nodes: v.nodes.slice(0, 5).map(n => ({ target: n.target, \
                       summary: n.failureSummary })) })) })) \
                 .catch(e => done({ error: String(e) }));",
                vec![],
            )
            .await?;
        std::fs::write(
            self.artifacts.join(format!("axe-{label}.json")),
            serde_json::to_vec_pretty(&result)?,
        )?;
        if let Some(e) = result.get("error") {
            bail!("axe-core failed on {label}: {e}");
        }
        let violations = result["violations"].as_array().cloned().unwrap_or_default();
        Ok((result["passes"].as_u64().unwrap_or(0), violations))
    }

    /// Runs `script` (a function body; `arguments[i]` are `args`) in the page.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        Ok(self.client.execute(script, args).await?)
    }

    /// Polls `expr` (a JS expression) until it is truthy; returns its value.
    pub async fn wait_js(&self, what: &str, expr: &str, timeout: Duration) -> Result<Value> {
        let deadline = Instant::now() + timeout;
        let script = format!("try {{ return ({expr}); }} catch (e) {{ return null; }}");
        loop {
            let v = self.js(&script, vec![]).await?;
            let truthy = match &v {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::String(s) => !s.is_empty(),
                Value::Number(n) => n.as_f64() != Some(0.0),
                _ => true,
            };
            if truthy {
                return Ok(v);
            }
            if Instant::now() > deadline {
                let url = self
                    .client
                    .current_url()
                    .await
                    .map(|u| u.to_string())
                    .unwrap_or_default();
                bail!("timed out after {timeout:?} waiting for {what} on {url} (`{expr}`)");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the current URL contains `needle`.
    pub async fn wait_url(&self, needle: &str, timeout: Duration) -> Result<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let url = self.client.current_url().await?.to_string();
            if url.contains(needle) {
                return Ok(url);
            }
            if Instant::now() > deadline {
                bail!("timed out waiting for a URL containing {needle:?}; at {url}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Calls the demo's own HTTP API (no browser), returning status and JSON body.
    pub async fn http_json(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<(u16, Value)> {
        // A one-off request through the browser's fetch keeps this crate free of an HTTP
        // client; the Origin is the demo's own, as for the widget.
        let v = self
            .js(
                "const [m, p, b] = arguments; const done = arguments[arguments.length - 1];
                 return fetch(p, { method: m, headers: { 'content-type': 'application/json' },
                     body: b === null ? undefined : JSON.stringify(b) })
                   .then(async r => [r.status, await r.text()]);",
                vec![json!(method), json!(path), body.unwrap_or(Value::Null)],
            )
            .await?;
        let status = v[0].as_u64().unwrap_or(0) as u16;
        let text = v[1].as_str().unwrap_or_default();
        let json = serde_json::from_str(text).unwrap_or(Value::String(text.to_owned()));
        Ok((status, json))
    }

    /// Where this test's screenshots go.
    pub fn artifacts(&self) -> &Path {
        &self.artifacts
    }

    /// Closes the browser, chromedriver and the demo.
    pub async fn stop(mut self) -> Result<()> {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        if let Some(server) = &self.server {
            server.abort();
        }
        Ok(())
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        // A failing test must not leave chromedriver behind.
        let _ = self.driver.kill();
    }
}
