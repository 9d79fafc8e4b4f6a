//! `cargo xtask demo`: the demo store, proxy and sandbox in one process on one port.

use crate::dist;
use crate::util::{self, Res};
use std::process::Command;

/// The port `demo` listens on: `--port N`, else `PORT`, else 8080.
fn demo_port(args: &[String]) -> Res<u16> {
    let mut port = std::env::var("PORT").ok();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--port" => port = it.next().cloned(),
            s if s.starts_with("--port=") => port = Some(s["--port=".len()..].to_owned()),
            other => return Err(format!("demo: unknown option `{other}` (try --port N)")),
        }
    }
    match port {
        None => Ok(8080),
        Some(p) => p
            .parse()
            .map_err(|_| format!("demo: `{p}` is not a port number")),
    }
}

/// `cargo xtask demo`: dist, then the one demo process in the foreground until Ctrl-C.
pub fn run(args: &[String]) -> Res {
    let port = demo_port(args)?;
    dist::dist()?;
    util::run(util::cargo().args(["build", "--release", "--package", "kredivo-demo"]))?;
    let bin = util::target_dir().join("release/kredivo-demo");
    println!("\nKredivo demo store: http://127.0.0.1:{port}/  (Ctrl-C to stop)\n");
    util::run(
        Command::new(bin)
            .current_dir(util::root())
            .args(["--port", &port.to_string()]),
    )
}
