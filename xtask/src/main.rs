//! `cargo xtask …`: the project's build, demo, dist, test and bench orchestration.
//!
//! Everything a fresh machine lacks is set up here (wasm32 target, the wasm-bindgen CLI at
//! the exact version in Cargo.lock, wasm-pack, and as root Debian's Chromium, chromedriver,
//! PHP, nginx and PostgreSQL), so the README's two commands are all a newcomer needs.
//!
//! Modules: one per command (`demo`, `test`, `dist`, `bench`, `size`, `vendor`, `setup`,
//! `selfcheck`), and the pieces they share: `interrupt` (Ctrl-C stops the throwaway servers
//! cleanly), `names` (dist's short wasm names) and `util`. The servers themselves (a
//! throwaway PostgreSQL, nginx, the replica layout) are `kredivo-stack`'s.

mod bench;
mod demo;
mod dist;
mod interrupt;
mod load;
mod names;
mod selfcheck;
mod setup;
mod size;
mod test;
mod util;
mod vendor;

use std::process::ExitCode;

// The throwaway servers live in crates/stack, shared with the end-to-end tests.
use kredivo_stack::{nginx, postgres};

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  demo [--port N] [--replicas N]
                    build the widget and start the demo store, proxy and sandbox
                    on http://127.0.0.1:8080 (or N; also PORT=N); with --replicas N:
                    PostgreSQL, the sandbox, N proxy processes and nginx in front
  test              fmt, clippy, native tests, browser tests (wasm-pack), end-to-end tests,
                    with a throwaway PostgreSQL (KREDIVO_TEST_POSTGRES_URL for every step)
  selfcheck         start the throwaway PostgreSQL and nginx helpers and check them
  dist              write the deployable widget to dist/ and print its sizes
  bench             plan-calculator benchmarks: criterion (native) and headless Chromium (wasm)
  load              the proxy under wrk through nginx: 1 and 3 replicas on PostgreSQL, 1 on
                    SQLite; cached payment-types and uncached checkout (needs wrk, PostgreSQL)
  size              what each crate costs in each wasm bundle (twiggy; installs it once)
  vendor check      each vendor/<crate> is its published crate plus vendor/patches/<crate>-<version>.diff
  vendor diff       rewrite vendor/patches from the copies (after changing a copy on purpose)
  vendor upgrade <crate> <version>
                    replace a copy with another published version, its diff re-applied
  setup [--browser | --test]
                    install what is missing: the wasm32 target and wasm-bindgen CLI; with
                    --browser also wasm-pack, Chromium and chromedriver; with --test
                    everything `test` needs (as root also php-cli, nginx, postgresql)
";

fn main() -> ExitCode {
    util::ensure_cargo_bin_on_path();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    let result = match cmd.as_str() {
        "demo" => demo::run(rest),
        "test" => test::run(rest),
        "selfcheck" => selfcheck::run(rest),
        "dist" => dist::dist().map(|_| ()),
        "bench" => bench::run(rest),
        "load" => load::run(rest),
        "size" => size::size(),
        "vendor" => vendor::run(rest),
        "setup" => setup::run(rest),
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
