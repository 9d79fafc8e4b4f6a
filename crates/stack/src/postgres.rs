//! A throwaway PostgreSQL cluster for the tests and the demo.
//!
//! ```text
//! let pg = Postgres::start()?;          // initdb + postgres on a free loopback port
//! cmd.env(postgres::TEST_URL_VAR, pg.url());
//! pg.psql("SELECT 1")?;                 // "1"
//! drop(pg);                             // stopped, its directory deleted
//! ```
//!
//! The cluster lives in a temporary directory (`kredivo-pg-*`: `data/`, the unix socket
//! directory `sock/` and `server.log`), listens on 127.0.0.1 only, trusts every local
//! connection (superuser `postgres`, no password) and runs with fsync off: nothing in it
//! needs to survive a crash. As root, it runs as the `postgres` OS user, because initdb and
//! postgres refuse to run as root. Dropping [`Postgres`] stops the server (a fast shutdown)
//! and deletes the directory, also when a test step failed; xtask's `interrupt` makes Ctrl-C
//! end in that drop too.
//!
//! The binaries are Debian's (`/usr/lib/postgresql/<version>/bin`) or any on PATH;
//! `cargo xtask setup --test` installs Debian's `postgresql` when run as root.

use crate::util::{self, io_error, IoError};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// The variable every test step gets: a superuser URL of the throwaway cluster's `postgres`
/// database. Tests create their own databases from it and skip when it is unset.
pub const TEST_URL_VAR: &str = "KREDIVO_TEST_POSTGRES_URL";

/// Why a cluster could not be had.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No initdb/postgres binaries (on PATH or under `/usr/lib/postgresql`).
    #[error("PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql/*/bin)")]
    NotInstalled,
    /// Running as root, but there is no `postgres` OS user to run the server as.
    #[error("running as root and there is no `postgres` OS user to run PostgreSQL as")]
    NoPostgresUser,
    /// A file, directory, port or process operation failed.
    #[error(transparent)]
    Io(#[from] IoError),
    /// A PostgreSQL program exited with an error; `output` is what it printed.
    #[error("`{command}` failed: {output}")]
    Command {
        /// The command line.
        command: String,
        /// Its standard output and error.
        output: String,
    },
    /// The server exited or did not accept connections in time; `log` is its log.
    #[error("the PostgreSQL server did not start on port {port}:\n{log}")]
    Start {
        /// The port it was to listen on.
        port: u16,
        /// Its log.
        log: String,
    },
}

/// How long a fresh cluster may take to accept connections (a few hundred ms when the
/// machine is idle; four engineers compiling on two cores make it seconds).
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A running throwaway cluster; dropping it stops the server and deletes its directory.
pub struct Postgres {
    server: Child,
    port: u16,
    bin: PathBuf,
    /// The OS user the server runs as, when this process is root.
    user: Option<(u32, u32)>,
    dir: TempDir,
}

impl Postgres {
    /// Creates a cluster in a new temporary directory and starts it on a free loopback port.
    pub fn start() -> Result<Postgres, Error> {
        let bin = bin_dir().ok_or(Error::NotInstalled)?;
        let user = if util::is_root() {
            Some(util::os_user("postgres").ok_or(Error::NoPostgresUser)?)
        } else {
            None
        };
        let dir = util::temp_dir_owned_by("kredivo-pg-", user)?;
        let cluster = Cluster {
            bin: &bin,
            user,
            dir: dir.path(),
        };
        cluster.initdb()?;
        // The port was free when asked for; if another process took it in between, the
        // server says so in its log and another port is tried.
        let mut attempts = 0;
        let (server, port) = loop {
            attempts += 1;
            let port = util::free_loopback_port().map_err(io_error("cannot find a free port"))?;
            match cluster.serve(port) {
                Ok(server) => break (server, port),
                Err(Error::Start { log, .. }) if attempts < 3 && log.contains("could not bind") => {
                    continue
                }
                Err(e) => return Err(e),
            }
        };
        Ok(Postgres {
            server,
            port,
            bin,
            user,
            dir,
        })
    }

    /// The loopback port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `postgres://postgres@127.0.0.1:<port>/postgres`: the superuser, no password (trust).
    pub fn url(&self) -> String {
        self.url_for("postgres")
    }

    /// The same server and user, another database.
    pub fn url_for(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// The cluster's directory (data, socket, log); gone once the cluster is dropped.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `sql` with psql over TCP as the superuser and returns what it printed (tuples
    /// only, unaligned: `SELECT 1` gives `1`).
    pub fn psql(&self, sql: &str) -> Result<String, Error> {
        let mut cmd = Command::new(self.bin.join("psql"));
        cmd.args(["-X", "-tA", "-v", "ON_ERROR_STOP=1", "-d"])
            .arg(self.url())
            .args(["-c", sql])
            .env("PGCONNECT_TIMEOUT", "10");
        let out = output(&mut cmd)?;
        Ok(out.trim_end().to_owned())
    }

    /// Stops the server (a fast shutdown: sessions are ended, as in a real restart) and keeps
    /// the cluster, so [`Postgres::start_again`] brings the same data back on the same port.
    pub fn stop(&mut self) -> Result<(), Error> {
        let cluster = self.cluster();
        let mut cmd = cluster.pg_ctl();
        cmd.args(["stop", "-m", "fast", "-w", "-t", "30", "-D"])
            .arg(cluster.data());
        output(&mut cmd)?;
        let _ = self.server.wait();
        Ok(())
    }

    /// Starts the stopped server again on its port and waits until it accepts connections.
    pub fn start_again(&mut self) -> Result<(), Error> {
        self.server = self.cluster().serve(self.port)?;
        Ok(())
    }

    fn cluster(&self) -> Cluster<'_> {
        Cluster {
            bin: &self.bin,
            user: self.user,
            dir: self.dir.path(),
        }
    }

    /// What the server has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join(LOG)).unwrap_or_default()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let cluster = Cluster {
            bin: &self.bin,
            user: self.user,
            dir: self.dir.path(),
        };
        // A fast shutdown ends the sessions tests left open; if pg_ctl cannot do it (the
        // server already died, say), the process is killed so that the directory can go.
        let stopped = cluster
            .pg_ctl()
            .args(["stop", "-m", "fast", "-w", "-t", "30", "-D"])
            .arg(cluster.data())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !stopped {
            let _ = self.server.kill();
        }
        let _ = self.server.wait();
        // `self.dir` is deleted when the fields drop, right after this.
    }
}

const LOG: &str = "server.log";

/// The paths and OS user of one cluster, for the commands that act on it.
struct Cluster<'a> {
    bin: &'a Path,
    user: Option<(u32, u32)>,
    dir: &'a Path,
}

impl Cluster<'_> {
    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn socket_dir(&self) -> PathBuf {
        self.dir.join("sock")
    }

    /// A PostgreSQL program, run as the cluster's OS user from its directory (a program
    /// that drops to `postgres` cannot always read the directory we run in).
    fn program(&self, name: &str) -> Command {
        let mut cmd = Command::new(self.bin.join(name));
        cmd.current_dir(self.dir);
        if let Some((uid, gid)) = self.user {
            use std::os::unix::process::CommandExt;
            cmd.uid(uid).gid(gid);
        }
        cmd
    }

    fn pg_ctl(&self) -> Command {
        self.program("pg_ctl")
    }

    fn initdb(&self) -> Result<(), Error> {
        let mut cmd = self.program("initdb");
        cmd.arg("-D")
            .arg(self.data())
            // Superuser `postgres` trusted on every local connection, whoever runs initdb;
            // C collation and UTF-8 whatever the machine's locale (a fresh CI machine may
            // have none configured); no fsync of the new files.
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ]);
        output(&mut cmd).map(drop)
    }

    /// Starts the server on `port` and waits until it accepts connections.
    fn serve(&self, port: u16) -> Result<Child, Error> {
        let socket_dir = self.socket_dir();
        if !socket_dir.exists() {
            std::fs::create_dir(&socket_dir)
                .map_err(io_error("cannot create the socket directory"))?;
            if let Some((uid, gid)) = self.user {
                std::os::unix::fs::chown(&socket_dir, Some(uid), Some(gid))
                    .map_err(io_error("cannot hand the socket directory to postgres"))?;
            }
        }
        let log_path = self.dir.join(LOG);
        let log = File::create(&log_path).map_err(io_error("cannot create the server log"))?;
        let log_err = log
            .try_clone()
            .map_err(io_error("cannot share the server log"))?;
        let mut cmd = self.program("postgres");
        cmd.arg("-D")
            .arg(self.data())
            .args(["-p", &port.to_string()])
            .arg("-k")
            .arg(&socket_dir)
            .args(SETTINGS.iter().flat_map(|s| ["-c", *s]))
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        let mut server = cmd
            .spawn()
            .map_err(io_error(format!("cannot start `{}`", util::describe(&cmd))))?;
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(Some(_)) = server.try_wait() {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                return Err(Error::Start { port, log });
            }
            if self.is_ready(port) {
                return Ok(server);
            }
            if Instant::now() > deadline {
                let _ = server.kill();
                let _ = server.wait();
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                return Err(Error::Start { port, log });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn is_ready(&self, port: u16) -> bool {
        Command::new(self.bin.join("pg_isready"))
            .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string(), "-t", "1"])
            .status()
            .is_ok_and(|s| s.success())
    }
}

/// The server's settings, as `name=value` for `postgres -c`.
const SETTINGS: [&str; 6] = [
    "listen_addresses=127.0.0.1",
    // A throwaway cluster: losing it in a power cut costs nothing, waiting for the disk
    // on every commit costs the tests their speed.
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    // Every test makes its own database and pool, and the native tests run in parallel.
    "max_connections=300",
    // Its log goes to server.log (the server's stderr), read when it fails to start.
    "log_min_messages=warning",
];

/// Runs `cmd` and returns its standard output, or an error carrying both streams.
fn output(cmd: &mut Command) -> Result<String, Error> {
    let out = cmd
        .output()
        .map_err(io_error(format!("cannot run `{}`", util::describe(cmd))))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(Error::Command {
            command: util::describe(cmd),
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
            .trim()
            .to_owned(),
        })
    }
}

/// The directory holding initdb, postgres, pg_ctl, pg_isready and psql: where `initdb` on
/// PATH lives (symlinks followed), else Debian's newest `/usr/lib/postgresql/<version>/bin`.
pub fn bin_dir() -> Option<PathBuf> {
    let complete = |dir: &Path| {
        ["initdb", "postgres", "pg_ctl", "pg_isready", "psql"]
            .iter()
            .all(|p| dir.join(p).is_file())
    };
    if let Some(dir) = util::which("initdb")
        .and_then(|p| p.canonicalize().ok())
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .filter(|d| complete(d))
    {
        return Some(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, dir)| complete(dir))
        .collect();
    versions.sort();
    versions.pop().map(|(_, dir)| dir)
}
