//! The replica layout: nginx on one port in front of N `kredivo-proxy` processes, the
//! `kredivo-sandbox` process under `/sandbox/`, and the demo store's static files.
//!
//! ```text
//! browser / wrk / tests ──▶ nginx 127.0.0.1:<port>
//!                             ├── /api/, /kredivo/ ──▶ replica-1 … replica-N (round robin;
//!                             │                        idempotent requests retried on the next)
//!                             ├── /sandbox/        ──▶ kredivo-sandbox (pushes come back via nginx)
//!                             └── /, /www/, /dist/ ──▶ files, with the demo's CSP
//! replicas ──▶ DATABASE_URL (PostgreSQL shared by all; or one SQLite file for one replica)
//! ```
//!
//! Each replica gets the demo's configuration ([`demo_env`]) plus its own `BIND_ADDR`,
//! `INSTANCE_NAME=replica-<i>` (answered as `x-served-by`) and `TRUST_X_FORWARDED_FOR=true`
//! (nginx is the peer of every request); [`Options::env`] adds or overrides variables. Every
//! process writes its output to `<logs>/<name>.log`.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::nginx::{self, Listen, Nginx, Site, StaticFiles};
use crate::util::{self, io_error, IoError};

/// The merchant key the demo's sessions API accepts unless `MERCHANT_API_KEY` is set: a
/// made-up key for loopback use only.
pub const DEMO_MERCHANT_API_KEY: &str = "demo_merchant_key_for_local_use_only_0001";

/// The key that seals Kredivo user tokens in the demo unless `TOKEN_ENCRYPTION_KEY` is set:
/// 32 made-up bytes in base64, for loopback use only (issue 17).
pub const DEMO_TOKEN_ENCRYPTION_KEY: &str = "ZGVtby10b2tlbi1rZXktbG9vcGJhY2stb25seS0wMDE=";

/// The widget API's path prefix (the proxy's push URL is `{base}{prefix}/push`).
fn kredivo_api_prefix() -> &'static str {
    "/api/kredivo/v1"
}

/// The Content-Security-Policy of every demo page: no inline script or style, wasm allowed.
/// The widget must work under it (a merchant with a strict policy can embed it unchanged);
/// `crates/e2e/tests/embedding.rs` fails on any violation the page reports.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The policy of the demo's nonce page (`/www/csp-nonce.html`, rendered from
/// `crates/demo/csp-nonce.html`), with `{nonce}` replaced by a fresh value per response: scripts and styles only by nonce, as sites that allow nothing by
/// origin write it. `'strict-dynamic'` lets the nonced loader import the widget's glue; the
/// widget puts the loader's nonce on the stylesheet link it adds to each shadow root.
pub const CSP_NONCE: &str = "default-src 'self'; \
     script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
     style-src 'nonce-{nonce}'; img-src 'self' data:; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The proxy settings of the demo at `base` (where browsers reach it, no trailing slash): the
/// sandbox under `base/sandbox`, the demo catalogue of the repository at `root`, short
/// reconciler delays so a paid order whose pushes were lost settles within seconds.
pub fn demo_env(base: &str, root: &Path, database_url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("KREDIVO_BASE_URL", format!("{base}/sandbox/kredivo")),
        ("PUBLIC_BASE_URL", base.to_owned()),
        ("ALLOWED_ORIGINS", base.to_owned()),
        ("DATABASE_URL", database_url.to_owned()),
        ("RETURN_PAGE", "/www/return.html".to_owned()),
        (
            "CATALOGUE_PATH",
            root.join("crates/demo/catalogue.json")
                .display()
                .to_string(),
        ),
        ("MERCHANT_API_KEY", DEMO_MERCHANT_API_KEY.to_owned()),
        ("TOKEN_ENCRYPTION_KEY", DEMO_TOKEN_ENCRYPTION_KEY.to_owned()),
        // The outlet of the demo's QR checkouts (doc 000's sub_merchant_id).
        ("KREDIVO_SUB_MERCHANT_ID", "DemoStore".to_owned()),
        // Production defaults: 120 s and 30 s.
        ("RECONCILE_AFTER_SECS", "10".to_owned()),
        ("RECONCILE_INTERVAL_SECS", "5".to_owned()),
    ]
}

/// Why the stack could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A binary the stack runs has not been built.
    #[error("{0} is missing: build it first (cargo build -p kredivo-proxy -p kredivo-sandbox)")]
    MissingBinary(PathBuf),
    /// nginx could not be started.
    #[error(transparent)]
    Nginx(#[from] nginx::Error),
    /// A file, port or process operation failed.
    #[error(transparent)]
    Io(#[from] IoError),
    /// A process exited or did not get ready in time; `log` is the end of its output.
    #[error("{name} did not get ready: {reason}\n--- {name}'s log ---\n{log}")]
    NotReady {
        /// `replica-2`, `sandbox`.
        name: String,
        /// What was seen.
        reason: String,
        /// The end of its log.
        log: String,
    },
    /// There is no replica with this number.
    #[error("no replica {0}")]
    NoReplica(usize),
}

/// What to start.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where the built `kredivo-proxy` and `kredivo-sandbox` binaries are (`target/debug`).
    pub bin_dir: PathBuf,
    /// The repository root: static files and the demo catalogue.
    pub root: PathBuf,
    /// How many proxy processes.
    pub replicas: usize,
    /// The store every replica opens (`postgres://…`, or `sqlite://…` for one replica).
    pub database_url: String,
    /// Where nginx listens.
    pub listen: Listen,
    /// Proxy variables added to, or overriding, the defaults.
    pub env: Vec<(String, String)>,
    /// A directory for the processes' logs, kept afterwards; `None`: a temporary one.
    pub logs: Option<PathBuf>,
}

impl Options {
    /// `replicas` proxies on `database_url`, binaries in `bin_dir`, repository at `root`, nginx
    /// on a free port, logs in a temporary directory.
    pub fn new(bin_dir: PathBuf, root: PathBuf, replicas: usize, database_url: String) -> Self {
        Self {
            bin_dir,
            root,
            replicas,
            database_url,
            listen: Listen::FreePort,
            env: Vec::new(),
            logs: None,
        }
    }
}

/// One child process with its log.
struct Process {
    name: String,
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Process {
    fn spawn(name: &str, mut cmd: Command, port: u16, logs: &Path) -> Result<Process, Error> {
        let log = logs.join(format!("{name}.log"));
        let out =
            File::create(&log).map_err(io_error(format!("cannot create {}", log.display())))?;
        let err = out
            .try_clone()
            .map_err(io_error("cannot share a log file"))?;
        cmd.stdin(Stdio::null()).stdout(out).stderr(err);
        let child = cmd
            .spawn()
            .map_err(io_error(format!("cannot start `{}`", util::describe(&cmd))))?;
        Ok(Process {
            name: name.to_owned(),
            child,
            port,
            log,
        })
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// Waits until `GET path` on its port answers 200.
    fn wait_ready(&mut self, path: &str, timeout: Duration) -> Result<(), Error> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(self.not_ready(format!("it exited ({status})")));
            }
            if http_status(self.port, path) == Some(200) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(self.not_ready(format!(
                    "GET {path} on port {} did not answer 200 within {timeout:?}",
                    self.port
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn not_ready(&self, reason: String) -> Error {
        Error::NotReady {
            name: self.name.clone(),
            reason,
            log: self.log_tail(),
        }
    }

    /// SIGTERM, then up to `grace` for it to exit, then SIGKILL.
    fn terminate(&mut self, grace: Duration) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The status code of `GET path` on a loopback port, if it answers HTTP at all.
pub fn http_status(port: u16, path: &str) -> Option<u16> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(500)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

/// Where the logs go: a kept directory, or a temporary one deleted with the stack.
enum Logs {
    Kept(PathBuf),
    Temporary(tempfile::TempDir),
}

impl Logs {
    fn path(&self) -> &Path {
        match self {
            Logs::Kept(p) => p,
            Logs::Temporary(t) => t.path(),
        }
    }
}

/// A running replica layout; dropping it stops every process (replicas with SIGTERM, so they
/// drain) and nginx.
pub struct Stack {
    replicas: Vec<Process>,
    sandbox: Process,
    // Declared after the processes: nginx stops last, so a draining replica's answers still
    // get out.
    nginx: Nginx,
    logs: Logs,
}

/// How long a replica may take to answer `/readyz` after it starts (migrations included; four
/// engineers compiling on two cores make it seconds).
const READY_TIMEOUT: Duration = Duration::from_secs(90);

impl Stack {
    /// Starts the sandbox, the replicas and nginx, and waits until every replica is ready.
    pub fn start(opts: &Options) -> Result<Stack, Error> {
        let proxy_bin = opts.bin_dir.join("kredivo-proxy");
        let sandbox_bin = opts.bin_dir.join("kredivo-sandbox");
        for bin in [&proxy_bin, &sandbox_bin] {
            if !bin.is_file() {
                return Err(Error::MissingBinary(bin.clone()));
            }
        }
        let logs = match &opts.logs {
            Some(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(io_error(format!("cannot create {}", dir.display())))?;
                Logs::Kept(dir.clone())
            }
            None => Logs::Temporary(
                tempfile::Builder::new()
                    .prefix("kredivo-stack-")
                    .tempdir()
                    .map_err(io_error("cannot create a log directory"))?,
            ),
        };
        let free = || util::free_loopback_port().map_err(io_error("cannot find a free port"));
        // nginx's port comes first: every process is told the public address.
        let public_port = match opts.listen {
            Listen::Port(port) => port,
            Listen::FreePort => free()?,
        };
        let base = format!("http://127.0.0.1:{public_port}");

        let sandbox_port = free()?;
        let mut cmd = Command::new(&sandbox_bin);
        cmd.args(["--port", &sandbox_port.to_string()])
            .args(["--public-url", &format!("{base}/sandbox")])
            .args([
                "--token-push-url",
                &format!("{base}{}/push", kredivo_api_prefix()),
            ])
            .current_dir(&opts.root);
        let mut sandbox = Process::spawn("sandbox", cmd, sandbox_port, logs.path())?;
        sandbox.wait_ready("/sandbox/kredivo/_sandbox/clock", READY_TIMEOUT)?;

        let mut replicas = Vec::with_capacity(opts.replicas);
        for i in 1..=opts.replicas {
            let port = free()?;
            let name = format!("replica-{i}");
            let mut cmd = Command::new(&proxy_bin);
            cmd.current_dir(&opts.root)
                .envs(demo_env(&base, &opts.root, &opts.database_url))
                .env("BIND_ADDR", format!("127.0.0.1:{port}"))
                .env("INSTANCE_NAME", &name)
                .env("TRUST_X_FORWARDED_FOR", "true")
                .env("LOG_FORMAT", "json")
                .env("SHUTDOWN_GRACE_SECS", "5")
                .envs(opts.env.iter().map(|(k, v)| (k, v)));
            replicas.push(Process::spawn(&name, cmd, port, logs.path())?);
        }
        // Started together (PostgreSQL's migrations run under an advisory lock), waited for
        // one by one.
        for replica in &mut replicas {
            replica.wait_ready("/readyz", READY_TIMEOUT)?;
        }

        let site = Site {
            replicas: replicas.iter().map(|r| r.port).collect(),
            replica_prefixes: vec!["/api/".into(), "/kredivo/".into()],
            routes: vec![("/sandbox/".into(), sandbox_port)],
            files: Some(StaticFiles {
                root: opts.root.clone(),
                index: "index.html".into(),
                locations: vec![
                    "= /".into(),
                    "= /index.html".into(),
                    "/www/".into(),
                    "/dist/".into(),
                ],
                headers: vec![
                    ("Content-Security-Policy".into(), CSP.into()),
                    ("Cache-Control".into(), "no-cache".into()),
                ],
            }),
        };
        let nginx = Nginx::start_site(&site, Listen::Port(public_port))?;
        Ok(Stack {
            replicas,
            sandbox,
            nginx,
            logs,
        })
    }

    /// `http://127.0.0.1:<port>`: nginx, where browsers and clients go.
    pub fn url(&self) -> String {
        self.nginx.url()
    }

    /// nginx.
    pub fn nginx(&self) -> &Nginx {
        &self.nginx
    }

    /// The replicas' names (`replica-1`, …), as their `x-served-by` says.
    pub fn replica_names(&self) -> Vec<String> {
        self.replicas.iter().map(|r| r.name.clone()).collect()
    }

    /// The loopback port of replica `i` (1-based), to reach it without nginx.
    pub fn replica_port(&self, i: usize) -> Result<u16, Error> {
        Ok(self.replica(i)?.port)
    }

    /// Everything replica `i` (1-based) has logged so far.
    pub fn replica_log(&self, i: usize) -> Result<String, Error> {
        Ok(std::fs::read_to_string(&self.replica(i)?.log).unwrap_or_default())
    }

    /// Kills replica `i` (1-based) with SIGKILL: no drain, no goodbye, as a crash or an OOM kill
    /// would. nginx notices on its next request there.
    pub fn kill(&mut self, i: usize) -> Result<(), Error> {
        let replica = self.replica_mut(i)?;
        replica
            .child
            .kill()
            .map_err(io_error(format!("cannot kill {}", replica.name)))?;
        let _ = replica.child.wait();
        Ok(())
    }

    /// Where the processes' logs are.
    pub fn logs(&self) -> &Path {
        self.logs.path()
    }

    /// The first process (replica or sandbox) that has exited, with its exit status.
    pub fn exited(&mut self) -> Option<String> {
        self.replicas
            .iter_mut()
            .chain(std::iter::once(&mut self.sandbox))
            .find_map(|p| match p.child.try_wait() {
                Ok(Some(status)) => Some(format!("{} exited ({status})", p.name)),
                _ => None,
            })
    }

    fn replica(&self, i: usize) -> Result<&Process, Error> {
        i.checked_sub(1)
            .and_then(|i| self.replicas.get(i))
            .ok_or(Error::NoReplica(i))
    }

    fn replica_mut(&mut self, i: usize) -> Result<&mut Process, Error> {
        i.checked_sub(1)
            .and_then(|i| self.replicas.get_mut(i))
            .ok_or(Error::NoReplica(i))
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        // All at once, then waited for: each drains for at most its SHUTDOWN_GRACE_SECS.
        for replica in &mut self.replicas {
            if let Ok(None) = replica.child.try_wait() {
                let _ = Command::new("kill")
                    .args(["-TERM", &replica.child.id().to_string()])
                    .status();
            }
        }
        for replica in &mut self.replicas {
            replica.terminate(Duration::from_secs(10));
        }
        let _ = self.sandbox.child.kill();
        let _ = self.sandbox.child.wait();
    }
}
