//! `cargo xtask demo`: the demo store, proxy and sandbox in one process on one port; with
//! `--replicas N`, the production layout instead: PostgreSQL, the sandbox, N proxy processes
//! and nginx in front on the same port.

use crate::postgres::Postgres;
use crate::util::{self, Res};
use crate::{dist, interrupt};
use kredivo_stack::nginx::Listen;
use kredivo_stack::stack::{Options, Stack};
use std::process::Command;
use std::time::Duration;

/// What `demo` was asked for.
#[derive(Debug, PartialEq, Eq)]
struct Args {
    port: u16,
    /// `None`: the one-process demo.
    replicas: Option<usize>,
}

/// `--port N` (else `PORT`, else 8080) and `--replicas N`.
fn parse(args: &[String], env_port: Option<String>) -> Res<Args> {
    let mut port = env_port;
    let mut replicas = None;
    let mut it = args.iter();
    let number = |flag: &str, v: Option<&String>| -> Res<String> {
        v.cloned()
            .ok_or_else(|| format!("demo: {flag} needs a number"))
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--port" => port = Some(number("--port", it.next())?),
            s if s.starts_with("--port=") => port = Some(s["--port=".len()..].to_owned()),
            "--replicas" => replicas = Some(number("--replicas", it.next())?),
            s if s.starts_with("--replicas=") => {
                replicas = Some(s["--replicas=".len()..].to_owned())
            }
            other => {
                return Err(format!(
                    "demo: unknown option `{other}` (try --port N, --replicas N)"
                ))
            }
        }
    }
    let port = match port {
        None => 8080,
        Some(p) => p
            .parse()
            .map_err(|_| format!("demo: `{p}` is not a port number"))?,
    };
    let replicas = match replicas {
        None => None,
        Some(n) => match n.parse::<usize>() {
            Ok(n) if (1..=16).contains(&n) => Some(n),
            _ => return Err(format!("demo: --replicas takes 1 to 16, not `{n}`")),
        },
    };
    Ok(Args { port, replicas })
}

/// `cargo xtask demo`: dist, then the demo in the foreground until Ctrl-C.
pub fn run(args: &[String]) -> Res {
    let args = parse(args, std::env::var("PORT").ok())?;
    dist::dist()?;
    match args.replicas {
        None => one_process(args.port),
        Some(n) => replicas(args.port, n),
    }
}

fn one_process(port: u16) -> Res {
    util::run(util::cargo().args(["build", "--release", "--package", "kredivo-demo"]))?;
    let bin = util::target_dir().join("release/kredivo-demo");
    println!("\nKredivo demo store: http://127.0.0.1:{port}/  (Ctrl-C to stop)\n");
    util::run(
        Command::new(bin)
            .current_dir(util::root())
            .args(["--port", &port.to_string()]),
    )
}

/// PostgreSQL (`DATABASE_URL` when it is a postgres one, else a throwaway cluster), the
/// sandbox, `n` proxies and nginx on `port`, until Ctrl-C.
fn replicas(port: u16, n: usize) -> Res {
    interrupt::catch()?;
    util::build_servers()?;
    let given = std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"));
    // Declared before the stack, so it is dropped after it: the replicas stop first.
    let (_cluster, database_url) = match given {
        Some(url) => (None, url),
        None => {
            let pg = Postgres::start().map_err(|e| {
                format!("demo --replicas needs PostgreSQL: {e} (or set DATABASE_URL=postgres://…)")
            })?;
            let url = pg.url();
            (Some(pg), url)
        }
    };
    let logs = util::target_dir().join("demo-replicas");
    let mut options = Options::new(
        util::target_dir().join("release"),
        util::root(),
        n,
        database_url.clone(),
    );
    options.listen = Listen::Port(port);
    options.logs = Some(logs.clone());
    let mut stack = Stack::start(&options).map_err(|e| e.to_string())?;
    println!(
        "\nKredivo demo store: {}/  (Ctrl-C to stop)\n\
         nginx → {} proxies ({}) on PostgreSQL {database_url}, sandbox under /sandbox/\n\
         logs: {}\n",
        stack.url(),
        n,
        stack.replica_names().join(", "),
        logs.display(),
    );
    while !interrupt::requested() {
        if let Some(exited) = stack.exited() {
            return Err(format!("{exited}; see {}", logs.display()));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    println!("\nstopping the replicas, nginx and PostgreSQL…");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn port_and_replicas_come_from_flags_then_port_from_the_environment() {
        assert_eq!(
            parse(&args(&[]), None),
            Ok(Args {
                port: 8080,
                replicas: None
            })
        );
        assert_eq!(
            parse(&args(&["--replicas", "3"]), Some("9000".into())),
            Ok(Args {
                port: 9000,
                replicas: Some(3)
            })
        );
        assert_eq!(
            parse(&args(&["--port=7000", "--replicas=2"]), Some("9000".into())),
            Ok(Args {
                port: 7000,
                replicas: Some(2)
            })
        );
        assert!(parse(&args(&["--replicas", "0"]), None).is_err());
        assert!(parse(&args(&["--replicas"]), None).is_err());
        assert!(parse(&args(&["--shards", "2"]), None).is_err());
    }
}
