//! `cargo xtask load`: the proxy under load through nginx, side by side in one run — one
//! replica on PostgreSQL, three replicas on PostgreSQL, one replica on SQLite — each measured
//! on the cached `POST /payment-types` and the uncached `POST /checkout` (a new idempotency
//! key per request: a new order, a new provider transaction at the sandbox).
//!
//! wrk (Debian's `wrk`; `crates/proxy/bench/replicas.sh` installs it) drives each for
//! `DURATION` (10 s) with `THREADS` (2) threads and `CONNECTIONS` (32) connections, loopback
//! only. The servers are release builds logging at `warn`, rate limits off.

use crate::postgres::Postgres;
use crate::util::{self, Res};
use kredivo_stack::stack::{Options, Stack};
use std::path::Path;
use std::process::Command;

/// One layout of the comparison.
struct Layout {
    label: &'static str,
    replicas: usize,
    postgres: bool,
}

const LAYOUTS: [Layout; 3] = [
    Layout {
        label: "1 replica, PostgreSQL",
        replicas: 1,
        postgres: true,
    },
    Layout {
        label: "3 replicas, PostgreSQL",
        replicas: 3,
        postgres: true,
    },
    Layout {
        label: "1 replica, SQLite",
        replicas: 1,
        postgres: false,
    },
];

const CART: &str =
    r#"[{"product_id":"smartphone-x5","quantity":1},{"product_id":"kopi-gayo-250g","quantity":2}]"#;

/// What wrk measured.
#[derive(Debug, Clone, PartialEq)]
struct Figures {
    requests_per_sec: f64,
    p99: String,
    non_2xx: u64,
    socket_errors: String,
}

/// `cargo xtask load`.
pub fn run(args: &[String]) -> Res {
    if let Some(a) = args.first() {
        return Err(format!("load: unknown option `{a}`"));
    }
    let wrk = util::which("wrk").ok_or(
        "wrk is missing: apt-get install wrk (crates/proxy/bench/replicas.sh does it as root)",
    )?;
    let setting =
        |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.into());
    let (duration, threads, connections) = (
        setting("DURATION", "10s"),
        setting("THREADS", "2"),
        setting("CONNECTIONS", "32"),
    );
    util::build_servers()?;
    let pg = Postgres::start().map_err(|e| format!("load needs PostgreSQL: {e}"))?;
    let scratch = tempfile::Builder::new()
        .prefix("kredivo-load-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let scripts = Scripts::write(scratch.path())?;

    let mut rows = Vec::new();
    for (n, layout) in LAYOUTS.iter().enumerate() {
        let database_url = if layout.postgres {
            let name = format!("load{n}");
            pg.psql(&format!("CREATE DATABASE {name}"))
                .map_err(|e| e.to_string())?;
            pg.url_for(&name)
        } else {
            format!(
                "sqlite://{}",
                scratch.path().join(format!("load{n}.db")).display()
            )
        };
        let mut options = Options::new(
            util::target_dir().join("release"),
            util::root(),
            layout.replicas,
            database_url,
        );
        options.env = [
            ("RATE_LIMIT_PER_MINUTE", "0"),
            ("NOTIFY_RATE_LIMIT_PER_MINUTE", "0"),
            ("PAYMENT_TYPES_CACHE_TTL_SECS", "3600"),
            ("RUST_LOG", "warn"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        eprintln!("\n==> {}", layout.label);
        let stack = Stack::start(&options).map_err(|e| e.to_string())?;
        // Each replica has its own cache: warm every one (nginx takes turns).
        for _ in 0..layout.replicas * 2 {
            curl_post(
                &format!("{}/api/kredivo/v1/payment-types", stack.url()),
                &format!(r#"{{"cart":{CART}}}"#),
            )?;
        }
        let mut measure = |what: &str, script: &Path, path: &str| -> Res {
            let mut cmd = Command::new(&wrk);
            cmd.args([
                format!("-t{threads}"),
                format!("-c{connections}"),
                format!("-d{duration}"),
                "--latency".into(),
            ])
            .arg("-s")
            .arg(script)
            .arg(format!("{}{path}", stack.url()));
            let (ok, output) = util::run_capture(&mut cmd);
            if !ok {
                return Err(format!("wrk failed on {}", layout.label));
            }
            rows.push((layout.label, what.to_owned(), parse_wrk(&output)?));
            Ok(())
        };
        measure(
            "cached `POST /payment-types`",
            &scripts.payment_types,
            "/api/kredivo/v1/payment-types",
        )?;
        measure(
            "uncached `POST /checkout`",
            &scripts.checkout,
            "/api/kredivo/v1/checkout",
        )?;
        drop(stack);
    }

    println!(
        "\nwrk -t{threads} -c{connections} -d{duration} --latency through nginx; {} cores ({}), \
         wrk, nginx, the sandbox, the replicas and PostgreSQL all on this machine\n",
        std::thread::available_parallelism().map_or(0, usize::from),
        cpu_model().unwrap_or_else(|| "unknown CPU".into()),
    );
    println!("| layout | request | requests/s | p99 | non-2xx | socket errors |");
    println!("|---|---|---|---|---|---|");
    for (label, what, f) in &rows {
        println!(
            "| {label} | {what} | {:.0} | {} | {} | {} |",
            f.requests_per_sec, f.p99, f.non_2xx, f.socket_errors
        );
    }
    Ok(())
}

/// The wrk Lua scripts of the two requests.
struct Scripts {
    payment_types: std::path::PathBuf,
    checkout: std::path::PathBuf,
}

impl Scripts {
    fn write(dir: &Path) -> Res<Scripts> {
        let payment_types = dir.join("payment-types.lua");
        let checkout = dir.join("checkout.lua");
        let write = |path: &Path, text: String| {
            std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        };
        write(
            &payment_types,
            format!(
                "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n\
                 wrk.body = '{{\"cart\":{CART}}}'\n"
            ),
        )?;
        // A new idempotency key per request, unique across wrk's threads: every request is a
        // new order and a new provider transaction.
        write(
            &checkout,
            format!(
                r#"local threads = {{}}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local body = '{{"cart":{CART},"payment_type":"30_days","idempotency_key":"load-' .. id .. '-' .. counter .. '",' ..
    '"customer":{{"first_name":"Oemang","last_name":"Tandra","email":"alie@satuduatiga.com","phone":"081513114262"}},' ..
    '"shipping_address":{{"first_name":"Oemang","last_name":"Tandra","address":"Jalan Teknologi Indonesia No. 25",' ..
    '"city":"Jakarta","postal_code":"12960","phone":"081513114262","country_code":"IDN"}}}}'
  return wrk.format(nil, nil, nil, body)
end
"#
            ),
        )?;
        Ok(Scripts {
            payment_types,
            checkout,
        })
    }
}

fn curl_post(url: &str, body: &str) -> Res {
    util::run(Command::new("curl").args([
        "-fsS",
        "-o",
        "/dev/null",
        "-X",
        "POST",
        "-H",
        "content-type: application/json",
        "-d",
        body,
        url,
    ]))
}

fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).trim().to_owned())
}

/// Requests/s, the 99th percentile, non-2xx answers and socket errors from wrk's report.
fn parse_wrk(output: &str) -> Res<Figures> {
    let mut requests_per_sec = None;
    let mut p99 = None;
    let mut non_2xx = 0;
    let mut socket_errors = "0".to_owned();
    for line in output.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", n] => requests_per_sec = n.parse().ok(),
            ["99%", latency] => p99 = Some((*latency).to_owned()),
            ["Non-2xx", "or", "3xx", "responses:", n] => non_2xx = n.parse().unwrap_or(0),
            ["Socket", "errors:", rest @ ..] => socket_errors = rest.join(" "),
            _ => {}
        }
    }
    match (requests_per_sec, p99) {
        (Some(requests_per_sec), Some(p99)) => Ok(Figures {
            requests_per_sec,
            p99,
            non_2xx,
            socket_errors,
        }),
        _ => Err(format!("cannot read wrk's report:\n{output}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_reports_are_read_for_rate_p99_and_errors() {
        let report = "Running 10s test @ http://127.0.0.1:8080/api/kredivo/v1/checkout
  2 threads and 32 connections
  Latency Distribution
     50%    5.10ms
     99%   40.27ms
  12345 requests in 10.00s, 4.00MB read
  Socket errors: connect 0, read 0, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:   1234.50
Transfer/sec:    409.60KB";
        assert_eq!(
            parse_wrk(report),
            Ok(Figures {
                requests_per_sec: 1234.5,
                p99: "40.27ms".into(),
                non_2xx: 7,
                socket_errors: "connect 0, read 0, write 0, timeout 3".into(),
            })
        );
        assert!(parse_wrk("wrk: connection refused").is_err());
    }
}
