//! `cargo xtask selfcheck`: the PostgreSQL and nginx helpers, run for real.
//!
//! A throwaway cluster answers `SELECT 1` through psql with the settings it was given, and
//! leaves nothing behind when dropped; nginx in front of two tiny loopback servers spreads
//! GETs over both, passes `Host` and `X-Forwarded-For`, answers a GET from the healthy
//! server when the other is down or says 503, never resends a POST, and leaves nothing
//! behind either. `cargo xtask test` runs it as one of its steps.

use crate::interrupt;
use crate::nginx::{self, Listen, Nginx};
use crate::postgres::{self, Postgres};
use crate::util::Res;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// `cargo xtask selfcheck`: every check; a helper whose program is missing is a failure.
pub fn run(args: &[String]) -> Res {
    if let Some(a) = args.first() {
        return Err(format!("selfcheck: unknown option `{a}`"));
    }
    interrupt::catch()?;
    let outcome = checks(Missing::Fail);
    println!(
        "selfcheck: {} passed, {} failed",
        outcome.passed, outcome.failed
    );
    if outcome.failed == 0 {
        Ok(())
    } else {
        Err("some checks failed (see above)".into())
    }
}

/// What to do when PostgreSQL or nginx is not installed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Count it as a failed check (`cargo xtask selfcheck`: the user asked for them).
    Fail,
    /// Skip that helper's checks (`cargo xtask test` already said loudly what is missing).
    Skip,
}

/// How many checks passed and failed.
#[derive(Default)]
pub struct Outcome {
    pub passed: u64,
    pub failed: u64,
}

impl Outcome {
    fn record(&mut self, name: &str, result: Result<(), String>) {
        match result {
            Ok(()) => {
                self.passed += 1;
                println!("selfcheck: {name} ... ok");
            }
            Err(why) => {
                self.failed += 1;
                println!("selfcheck: {name} ... FAILED\n{why}");
            }
        }
    }
}

/// Runs every check, one line each.
pub fn checks(missing: Missing) -> Outcome {
    let mut outcome = Outcome::default();
    postgres_checks(&mut outcome, missing);
    if !interrupt::requested() {
        nginx_checks(&mut outcome, missing);
    }
    outcome
}

fn postgres_checks(outcome: &mut Outcome, missing: Missing) {
    let pg = match Postgres::start() {
        Ok(pg) => pg,
        Err(postgres::Error::NotInstalled) if missing == Missing::Skip => {
            println!("selfcheck: PostgreSQL checks skipped: PostgreSQL is not installed");
            return;
        }
        Err(e) => {
            outcome.record("a throwaway PostgreSQL cluster starts", Err(e.to_string()));
            return;
        }
    };
    let with_log = |result: Result<(), String>| {
        result.map_err(|e| format!("{e}\nthe server's log:\n{}", pg.log()))
    };
    outcome.record(
        "a throwaway PostgreSQL answers SELECT 1 through psql at its URL",
        with_log(expect_eq(pg.psql("SELECT 1"), "1")),
    );
    outcome.record(
        "the cluster listens on loopback only, with fsync off",
        with_log(expect_eq(
            pg.psql(
                "SELECT current_setting('listen_addresses') || ' ' || current_setting('fsync')",
            ),
            "127.0.0.1 off",
        )),
    );
    outcome.record(
        "a test can create its own database from the URL",
        with_log(
            pg.psql("CREATE DATABASE selfcheck")
                .map_err(|e| e.to_string())
                .and_then(|_| {
                    expect_eq(
                        pg.psql("SELECT count(*) FROM pg_database WHERE datname = 'selfcheck'"),
                        "1",
                    )
                }),
        ),
    );
    let (dir, port) = (pg.dir().to_path_buf(), pg.port());
    drop(pg);
    outcome.record(
        "a dropped cluster is stopped and its directory deleted",
        gone(&dir, port),
    );
}

fn nginx_checks(outcome: &mut Outcome, missing: Missing) {
    if nginx::binary().is_none() && missing == Missing::Skip {
        println!("selfcheck: nginx checks skipped: nginx is not installed");
        return;
    }
    let (a, b) = match (Upstream::start("a"), Upstream::start("b")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            outcome.record("two loopback upstreams start", Err(e));
            return;
        }
    };
    let lb = match Nginx::start(&[a.port, b.port], Listen::FreePort) {
        Ok(lb) => lb,
        Err(e) => {
            outcome.record("nginx starts in front of two upstreams", Err(e.to_string()));
            return;
        }
    };
    let with_log = |result: Result<(), String>, lb: &Nginx| {
        result.map_err(|e| format!("{e}\nnginx's error log:\n{}", lb.error_log()))
    };

    let answers: Res<Vec<Answer>> = (0..6).map(|_| request(&lb, "GET")).collect();
    outcome.record(
        "nginx spreads GETs over both upstreams",
        with_log(
            answers.and_then(|answers| {
                let by = |name| answers.iter().any(|x| x.status == 200 && x.from(name));
                if by("a") && by("b") {
                    Ok(())
                } else {
                    Err(format!("answers: {answers:?}"))
                }
            }),
            &lb,
        ),
    );

    outcome.record(
        "nginx passes the client's Host and X-Forwarded-For to the upstream",
        with_log(
            request(&lb, "GET").and_then(|answer| {
                let host = format!("host: 127.0.0.1:{}", lb.port());
                if answer.body.contains(&host) && answer.body.contains("x-forwarded-for: 127.0.0.1")
                {
                    Ok(())
                } else {
                    Err(format!("the upstream saw: {answer:?}"))
                }
            }),
            &lb,
        ),
    );

    a.sick.store(true, Ordering::SeqCst);
    outcome.record(
        "a GET that one upstream answers with 503 is answered by the other",
        with_log(all_from(&lb, "GET", "b", 4), &lb),
    );
    drop(lb);

    // A fresh nginx: the one above now counts `a` as failed and would not send it anything.
    let (posts_a, posts_b) = (
        a.posts.load(Ordering::SeqCst),
        b.posts.load(Ordering::SeqCst),
    );
    outcome.record(
        "a POST that an upstream answers with 503 is not sent again",
        Nginx::start(&[a.port, b.port], Listen::FreePort)
            .map_err(|e| e.to_string())
            .and_then(|lb| {
                // Round robin over two upstreams: of two requests, one goes to each.
                let statuses: Vec<u16> = (0..2)
                    .map(|_| request(&lb, "POST").map(|x| x.status))
                    .collect::<Res<_>>()?;
                let sent_a = a.posts.load(Ordering::SeqCst) - posts_a;
                let sent_b = b.posts.load(Ordering::SeqCst) - posts_b;
                let mut sorted = statuses.clone();
                sorted.sort();
                if sorted == [200, 503] && (sent_a, sent_b) == (1, 1) {
                    Ok(())
                } else {
                    Err(format!(
                        "statuses {statuses:?}; POSTs received: a {sent_a}, b {sent_b}\n{}",
                        lb.error_log()
                    ))
                }
            }),
    );

    // A port nothing listens on: a replica that was killed. This nginx listens on a port
    // given to it, as the demo's does.
    let mut dir_and_port = None;
    outcome.record(
        "nginx on a given port: a GET skips an upstream that is down",
        two_free_ports().and_then(|(down, given)| {
            let lb =
                Nginx::start(&[down, b.port], Listen::Port(given)).map_err(|e| e.to_string())?;
            dir_and_port = Some((lb.dir().to_path_buf(), lb.port()));
            if lb.port() != given {
                return Err(format!("asked for port {given}, got {}", lb.port()));
            }
            with_log(all_from(&lb, "GET", "b", 4), &lb)
        }),
    );
    if let Some((dir, port)) = dir_and_port {
        outcome.record(
            "a dropped nginx is stopped and its directory deleted",
            gone(&dir, port),
        );
    }
}

/// Two distinct loopback ports that were free a moment ago.
fn two_free_ports() -> Res<(u16, u16)> {
    let bind = || {
        TcpListener::bind(("127.0.0.1", 0))
            .and_then(|l| Ok((l.local_addr()?.port(), l)))
            .map_err(|e| format!("no free loopback port: {e}"))
    };
    // Both bound at once, so they differ; both released before nginx starts.
    let ((first, _a), (second, _b)) = (bind()?, bind()?);
    Ok((first, second))
}

/// `count` requests, all answered 200 by the upstream `name`.
fn all_from(lb: &Nginx, method: &str, name: &str, count: usize) -> Result<(), String> {
    let answers: Vec<Answer> = (0..count)
        .map(|_| request(lb, method))
        .collect::<Res<_>>()?;
    if answers.iter().all(|x| x.status == 200 && x.from(name)) {
        Ok(())
    } else {
        Err(format!("answers: {answers:?}"))
    }
}

fn expect_eq(got: Result<String, postgres::Error>, want: &str) -> Result<(), String> {
    match got {
        Ok(got) if got == want => Ok(()),
        Ok(got) => Err(format!("expected {want:?}, got {got:?}")),
        Err(e) => Err(e.to_string()),
    }
}

/// Nothing listens on `port` any more and `dir` does not exist.
fn gone(dir: &std::path::Path, port: u16) -> Result<(), String> {
    if dir.exists() {
        return Err(format!("{} still exists", dir.display()));
    }
    match TcpStream::connect(("127.0.0.1", port)) {
        Ok(_) => Err(format!("port {port} still accepts connections")),
        Err(_) => Ok(()),
    }
}

/// What a request through nginx got back.
#[derive(Debug)]
struct Answer {
    status: u16,
    body: String,
}

impl Answer {
    fn from(&self, name: &str) -> bool {
        self.body.starts_with(&format!("upstream {name}\n"))
    }
}

/// One HTTP/1.1 request through `lb` with `Connection: close`, read to the end.
fn request(lb: &Nginx, method: &str) -> Res<Answer> {
    let port = lb.port();
    let failed = |e: std::io::Error| format!("{method} {}/selfcheck: {e}", lb.url());
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(failed)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(failed)?;
    write!(
        stream,
        "{method} /selfcheck HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\
         Connection: close\r\n\r\n"
    )
    .map_err(failed)?;
    let mut response = String::new();
    stream.read_to_string(&mut response).map_err(failed)?;
    let (head, body) = response
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("not an HTTP response: {response:?}"))?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status in {head:?}"))?;
    Ok(Answer {
        status,
        body: body.to_owned(),
    })
}

/// A loopback HTTP server standing in for a proxy replica: it answers every request with
/// its name and the `Host` and `X-Forwarded-For` it received, or with 503 while `sick`.
struct Upstream {
    port: u16,
    sick: Arc<AtomicBool>,
    posts: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Upstream {
    fn start(name: &'static str) -> Res<Upstream> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .map_err(|e| format!("cannot bind a loopback port: {e}"))?;
        let port = listener
            .local_addr()
            .map_err(|e| format!("cannot read the bound port: {e}"))?
            .port();
        let sick = Arc::new(AtomicBool::new(false));
        let posts = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (sick, posts, stop) = (sick.clone(), posts.clone(), stop.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        let _ = answer(stream, name, &sick, &posts);
                    }
                }
            })
        };
        Ok(Upstream {
            port,
            sick,
            posts,
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn answer(
    mut stream: TcpStream,
    name: &str,
    sick: &AtomicBool,
    posts: &AtomicUsize,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    if head.starts_with("post ") {
        posts.fetch_add(1, Ordering::SeqCst);
    }
    let header = |wanted: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(wanted)?.strip_prefix(':'))
            .map(str::trim)
            .unwrap_or("")
            .to_owned()
    };
    let body = format!(
        "upstream {name}\nhost: {}\nx-forwarded-for: {}\n",
        header("host"),
        header("x-forwarded-for")
    );
    let status = if sick.load(Ordering::SeqCst) {
        "503 Service Unavailable"
    } else {
        "200 OK"
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
}
