//! nginx in front of loopback replicas, for the tests and the demo.
//!
//! ```text
//! let lb = Nginx::start(&[8101, 8102], Listen::FreePort)?;   // or Listen::Port(8080)
//! get(lb.url())                                               // lands on 8101 or 8102
//! drop(lb);                                                   // stopped, directory deleted
//! ```
//!
//! nginx runs as a child process (`daemon off`) with a generated configuration in a
//! temporary directory (`kredivo-nginx-*`) that also holds its pid file, error log, access
//! log and temporary files, so it needs nothing of the machine's nginx setup and can run next
//! to it. [`config`] says what the load balancer does: round robin over the upstreams, the
//! client's `Host` and `X-Forwarded-For` passed on, and idempotent requests retried on the
//! next upstream when one refuses, times out or answers 502/503. As root, nginx runs as
//! `nobody` (it needs no privilege on a port above 1023). Dropping [`Nginx`] stops it and
//! deletes the directory.
//!
//! [`Nginx::start_site`] adds what the replica demo needs in front of the replicas: other path
//! prefixes sent to single servers (the sandbox under `/sandbox/`) and a static site served by
//! nginx itself with its headers (the demo store: `index.html`, `www/`, `dist/`).
//!
//! The binary is Debian's (`/usr/sbin/nginx`) or any on PATH; `cargo xtask setup --test`
//! installs Debian's `nginx` when run as root.

use crate::util::{self, io_error, IoError};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// Why nginx could not be started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No nginx binary on PATH or in /usr/sbin.
    #[error("nginx is not installed (not on PATH, not /usr/sbin/nginx)")]
    NotInstalled,
    /// A load balancer needs something to balance.
    #[error("nginx needs at least one upstream port")]
    NoUpstreams,
    /// A file, directory, port or process operation failed.
    #[error(transparent)]
    Io(#[from] IoError),
    /// nginx exited or did not accept connections in time; `error_log` is its error log.
    #[error("nginx did not start on port {port}:\n{error_log}")]
    Start {
        /// The port it was to listen on.
        port: u16,
        /// Its error log.
        error_log: String,
    },
}

/// Where nginx listens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listen {
    /// A free loopback port, chosen at start ([`Nginx::port`] says which).
    FreePort,
    /// This port on 127.0.0.1 (the demo's 8080, say); above 1023 when this process is root.
    Port(u16),
}

const START_TIMEOUT: Duration = Duration::from_secs(30);
const STOP_TIMEOUT: Duration = Duration::from_secs(10);
const ERROR_LOG: &str = "error.log";

/// A running nginx; dropping it stops nginx and deletes its directory.
pub struct Nginx {
    process: Child,
    port: u16,
    binary: PathBuf,
    dir: TempDir,
}

/// What nginx serves: the replicas it balances over, and optionally more.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Site {
    /// The loopback ports of the replicas.
    pub replicas: Vec<u16>,
    /// The path prefixes sent to the replicas (`/` when empty).
    pub replica_prefixes: Vec<String>,
    /// Path prefixes sent to one other loopback port each, e.g. `("/sandbox/", 9000)`; never
    /// retried elsewhere (there is no elsewhere).
    pub routes: Vec<(String, u16)>,
    /// Files nginx serves itself.
    pub files: Option<StaticFiles>,
}

/// A static site: `locations` (nginx location arguments such as `= /` or `/www/`) served from
/// `root`, `/` answered with `index`, each response with `headers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticFiles {
    /// The directory the request paths are resolved in.
    pub root: PathBuf,
    /// The file `/` answers with (relative to `root`).
    pub index: String,
    /// Location arguments served from `root`.
    pub locations: Vec<String>,
    /// Headers added to every file's response (`Content-Security-Policy`, `Cache-Control`).
    pub headers: Vec<(String, String)>,
}

impl Site {
    /// Every path balanced over `replicas`.
    pub fn balance(replicas: &[u16]) -> Site {
        Site {
            replicas: replicas.to_vec(),
            ..Site::default()
        }
    }
}

impl Nginx {
    /// Starts nginx on `listen`, balancing over the loopback `upstreams` ports.
    pub fn start(upstreams: &[u16], listen: Listen) -> Result<Nginx, Error> {
        Nginx::start_site(&Site::balance(upstreams), listen)
    }

    /// Starts nginx on `listen` serving `site`.
    pub fn start_site(site: &Site, listen: Listen) -> Result<Nginx, Error> {
        if site.replicas.is_empty() {
            return Err(Error::NoUpstreams);
        }
        let binary = binary().ok_or(Error::NotInstalled)?;
        let user = if util::is_root() {
            // `nobody` exists on every Debian; without it nginx stays root (its own default
            // would then switch its workers to `nobody`, which must exist anyway).
            util::os_user("nobody")
        } else {
            None
        };
        let dir = util::temp_dir_owned_by("kredivo-nginx-", user)?;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let port = match listen {
                Listen::Port(port) => port,
                Listen::FreePort => {
                    util::free_loopback_port().map_err(io_error("cannot find a free port"))?
                }
            };
            // Each attempt's log starts empty, so a failure reads only its own cause.
            let _ = std::fs::remove_file(dir.path().join(ERROR_LOG));
            let conf = dir.path().join("nginx.conf");
            std::fs::write(&conf, site_config(port, site, dir.path()))
                .map_err(io_error(format!("cannot write {}", conf.display())))?;
            let mut cmd = Command::new(&binary);
            // -e: the error log from the first line on; without it nginx opens the one it
            // was built with (/var/log/nginx/error.log) before reading the configuration.
            cmd.arg("-p")
                .arg(dir.path())
                .arg("-c")
                .arg(&conf)
                .arg("-e")
                .arg(dir.path().join(ERROR_LOG))
                .current_dir(dir.path())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            if let Some((uid, gid)) = user {
                use std::os::unix::process::CommandExt;
                cmd.uid(uid).gid(gid);
            }
            let mut process = cmd
                .spawn()
                .map_err(io_error(format!("cannot start `{}`", util::describe(&cmd))))?;
            match wait_until_listening(&mut process, port, dir.path()) {
                Ok(()) => {
                    return Ok(Nginx {
                        process,
                        port,
                        binary,
                        dir,
                    })
                }
                Err(error) => {
                    stop(&mut process, &binary, dir.path());
                    let taken = matches!(&error, Error::Start { error_log, .. }
                        if error_log.contains("Address already in use"));
                    if !(taken && listen == Listen::FreePort && attempts < 3) {
                        return Err(error);
                    }
                    // The free port was taken since we asked; try another.
                }
            }
        }
    }

    /// The loopback port nginx listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The error log so far (what to print when a request through nginx fails).
    pub fn error_log(&self) -> String {
        error_log(self.dir.path())
    }

    /// The temporary directory (configuration, logs); gone once nginx is dropped.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        stop(&mut self.process, &self.binary, self.dir.path());
        // `self.dir` is deleted when the fields drop, right after this.
    }
}

fn error_log(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(ERROR_LOG)).unwrap_or_default()
}

/// Waits until nginx accepts connections on `port`; a start failure (a bad directive, the
/// port taken) ends the process, and its error log says why.
fn wait_until_listening(process: &mut Child, port: u16, dir: &Path) -> Result<(), Error> {
    let deadline = Instant::now() + START_TIMEOUT;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    loop {
        let exited = matches!(process.try_wait(), Ok(Some(_)));
        if !exited && TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        if exited || Instant::now() > deadline {
            return Err(Error::Start {
                port,
                error_log: error_log(dir),
            });
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Stops nginx: `nginx -s stop` (its fast shutdown, workers included: a killed master
/// would leave them serving), then waits; a master that does not go in time is killed.
fn stop(process: &mut Child, binary: &Path, dir: &Path) {
    if let Ok(Some(_)) = process.try_wait() {
        return;
    }
    let _ = Command::new(binary)
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .arg("-e")
        .arg(dir.join(ERROR_LOG))
        .args(["-s", "stop"])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let deadline = Instant::now() + STOP_TIMEOUT;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = process.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = process.kill();
    let _ = process.wait();
}

/// nginx's configuration: listen on 127.0.0.1:`port`, balance over the `upstreams` ports,
/// keep every file it writes under `dir`.
pub fn config(port: u16, upstreams: &[u16], dir: &Path) -> String {
    site_config(port, &Site::balance(upstreams), dir)
}

/// The proxy settings of every location that passes requests on.
const PASS_ON: &str = "
            # HTTP/1.1 without `Connection: close` lets the upstream connections be reused.
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
            # The upstreams see what the browser asked for: the host with its port (their
            # redirects and absolute URLs use it) and the client's address (rate limits), and
            # nginx's request id, so its access log and their log lines name the same request.
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Request-Id $request_id;
            proxy_connect_timeout 2s;";

/// nginx's configuration for `site`, listening on 127.0.0.1:`port`, every file it writes
/// under `dir`.
pub fn site_config(port: u16, site: &Site, dir: &Path) -> String {
    let dir = dir.display();
    let servers: String = site
        .replicas
        .iter()
        .map(|p| format!("        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n"))
        .collect();
    let mut upstreams =
        format!("    upstream replicas {{\n{servers}        keepalive 16;\n    }}\n");
    let mut locations = String::new();
    let prefixes = if site.replica_prefixes.is_empty() {
        vec!["/".to_owned()]
    } else {
        site.replica_prefixes.clone()
    };
    for prefix in &prefixes {
        locations.push_str(&format!(
            "
        location {prefix} {{
            proxy_pass http://replicas;{PASS_ON}
            # A replica that is down, hung or shutting down: the request goes to the next
            # one. nginx does this only for idempotent methods (GET, HEAD, PUT, DELETE, ...)
            # once the request was sent; without `non_idempotent` a POST such as a checkout
            # is never sent twice.
            proxy_next_upstream error timeout http_502 http_503;
        }}
"
        ));
    }
    for (i, (prefix, upstream_port)) in site.routes.iter().enumerate() {
        upstreams.push_str(&format!(
            "    upstream route{i} {{\n        server 127.0.0.1:{upstream_port};\n        keepalive 8;\n    }}\n"
        ));
        locations.push_str(&format!(
            "
        location {prefix} {{
            proxy_pass http://route{i};{PASS_ON}
        }}
"
        ));
    }
    if let Some(files) = &site.files {
        let root = files.root.display();
        let headers: String = files
            .headers
            .iter()
            .map(|(name, value)| format!("\n            add_header {name} \"{value}\" always;"))
            .collect();
        for location in &files.locations {
            let index = if location == "= /" {
                format!("\n            try_files /{} =404;", files.index)
            } else {
                String::new()
            };
            locations.push_str(&format!(
                "
        location {location} {{
            root {root};{index}
            # Serves `name.gz` when it exists (dist/ ships them).
            gzip_static on;{headers}
        }}
"
            ));
        }
    }
    format!(
        "# Written by kredivo-stack (crates/stack/src/nginx.rs) for one run; deleted when nginx stops.
daemon off;
master_process on;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/{ERROR_LOG} warn;

events {{
    worker_connections 1024;
}}

http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    # Only what the demo store serves; the machine's mime.types is not needed.
    types {{
        text/html html;
        text/css css;
        text/javascript js mjs;
        application/json json map;
        application/wasm wasm;
        image/svg+xml svg;
        image/png png;
        image/x-icon ico;
        text/plain txt ts;
    }}
    default_type application/octet-stream;

{upstreams}
    server {{
        listen 127.0.0.1:{port};
{locations}    }}
}}
"
    )
}

/// The nginx binary: on PATH, else Debian's `/usr/sbin/nginx` (sbin is not on a normal
/// user's PATH).
pub fn binary() -> Option<PathBuf> {
    util::which("nginx").or_else(|| util::which("/usr/sbin/nginx"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_balances_over_every_upstream_and_retries_only_what_nginx_deems_idempotent() {
        let conf = config(8080, &[9001, 9002, 9003], Path::new("/tmp/x"));
        for port in [9001, 9002, 9003] {
            assert!(
                conf.contains(&format!("server 127.0.0.1:{port} ")),
                "{conf}"
            );
        }
        assert!(conf.contains("listen 127.0.0.1:8080;"), "{conf}");
        assert!(
            conf.contains("proxy_next_upstream error timeout http_502 http_503;"),
            "{conf}"
        );
        assert!(
            !conf.contains("non_idempotent;"),
            "a POST must never be resent: {conf}"
        );
    }

    #[test]
    fn a_site_sends_its_prefixes_to_the_replicas_the_sandbox_alone_and_serves_files_itself() {
        let site = Site {
            replicas: vec![9001, 9002],
            replica_prefixes: vec!["/api/".into(), "/kredivo/".into()],
            routes: vec![("/sandbox/".into(), 9100)],
            files: Some(StaticFiles {
                root: PathBuf::from("/srv/shop"),
                index: "index.html".into(),
                locations: vec!["= /".into(), "/www/".into()],
                headers: vec![(
                    "Content-Security-Policy".into(),
                    "default-src 'self'".into(),
                )],
            }),
        };
        let conf = site_config(8080, &site, Path::new("/tmp/x"));
        let block = |location: &str| {
            let start = conf
                .find(&format!("location {location} {{"))
                .unwrap_or_else(|| panic!("no location {location}: {conf}"));
            conf[start..]
                .split_once("\n        }")
                .map(|(b, _)| b.to_owned())
                .unwrap()
        };
        for prefix in ["/api/", "/kredivo/"] {
            assert!(
                block(prefix).contains("proxy_pass http://replicas;"),
                "{conf}"
            );
            assert!(block(prefix).contains("proxy_next_upstream"), "{conf}");
        }
        assert!(
            block("/sandbox/").contains("proxy_pass http://route0;"),
            "{conf}"
        );
        assert!(conf.contains("server 127.0.0.1:9100;"), "{conf}");
        assert!(
            block("= /").contains("try_files /index.html =404;"),
            "{conf}"
        );
        assert!(
            block("/www/")
                .contains("add_header Content-Security-Policy \"default-src 'self'\" always;"),
            "{conf}"
        );
        assert!(
            !conf.contains("location / {"),
            "nothing else reaches a replica: {conf}"
        );
        assert!(conf.contains("application/wasm wasm;"), "{conf}");
    }

    #[test]
    fn every_file_nginx_writes_is_inside_its_directory() {
        let conf = config(8080, &[9001], Path::new("/tmp/kredivo-nginx-x"));
        for directive in [
            "pid",
            "error_log",
            "access_log",
            "client_body_temp_path",
            "proxy_temp_path",
            "fastcgi_temp_path",
            "uwsgi_temp_path",
            "scgi_temp_path",
        ] {
            let line = conf
                .lines()
                .map(str::trim)
                .find(|l| l.starts_with(&format!("{directive} ")))
                .unwrap_or_else(|| panic!("no {directive} in {conf}"));
            assert!(line.contains(" /tmp/kredivo-nginx-x/"), "{line}");
        }
    }
}
