//! `cargo xtask test`: every check and test, then one line `summary: N passed, N failed`.
//!
//! Before the first step it installs what is missing ([`setup::for_tests`]) and starts a
//! throwaway PostgreSQL ([`Postgres`]); every step gets its URL as
//! `KREDIVO_TEST_POSTGRES_URL` and the cluster is deleted when the run ends, whether a step
//! failed or Ctrl-C stopped it ([`interrupt`]). Without PostgreSQL (not root and not
//! installed, say) a banner says that its tests are skipped and the run goes on, unless
//! `KREDIVO_TEST_REQUIRE_SERVICES=1` (CI) makes that a failure.

use crate::postgres::{self, Postgres};
use crate::util::{self, run_capture, Res};
use crate::{dist, interrupt, nginx, selfcheck, setup, vendor};
use std::process::Command;
use std::time::Instant;

/// Set to `1`, a run that would skip the PostgreSQL or nginx tests fails instead (`.ci/run`
/// sets it: on CI, a skipped test is a test that silently stopped running).
const REQUIRE_SERVICES_VAR: &str = "KREDIVO_TEST_REQUIRE_SERVICES";

/// Entry point for `cargo xtask test`.
pub fn run(args: &[String]) -> Res {
    if let Some(a) = args.first() {
        return Err(format!("test: unknown option `{a}`"));
    }
    interrupt::catch()?;
    setup::for_tests()?;
    let chromedriver =
        util::which("chromedriver").ok_or("chromedriver is not on PATH after setup")?;

    let mut run = Run::default();
    // Declared before the steps run and dropped after the summary: the cluster outlives every
    // step, and goes whatever happens to them.
    let _postgres = test_postgres(&mut run);
    if nginx::binary().is_none() {
        run.unavailable(
            "nginx",
            "it is not installed",
            "the nginx tests",
            "run as root on Debian (`cargo xtask test` installs it), or apt-get install nginx",
        );
    }

    run.command("rustfmt", util::cargo().args(["fmt", "--all", "--check"]));
    run.plain(
        "vendor/ is crates.io's source plus vendor/patches",
        vendor::check,
    );
    run.command(
        "clippy (native, all targets)",
        util::cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    );
    // The widget for wasm32 as tests build it (every kind) and as each shipped bundle does.
    for (label, features) in [
        ("clippy (widget for wasm32)", None),
        ("clippy (checkout bundle for wasm32)", Some("checkout")),
        ("clippy (badge bundle for wasm32)", Some("badge")),
        ("clippy (QR bundle for wasm32)", Some("qr")),
    ] {
        let mut cmd = util::cargo();
        cmd.args([
            "clippy",
            "--package",
            "kredivo-checkout",
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
        ]);
        if let Some(f) = features {
            cmd.args(["--no-default-features", "--features", f]);
        }
        cmd.args(["--", "-D", "warnings"]);
        run.command(label, &mut cmd);
    }
    run.checks("xtask selfcheck (PostgreSQL and nginx helpers)", || {
        selfcheck::checks(selfcheck::Missing::Skip)
    });
    run.command(
        "native tests (every crate, doctests included)",
        util::cargo().args(["test", "--workspace", "--exclude", "kredivo-e2e"]),
    );
    // The proxy's whole suite again, every test on its own database in the PostgreSQL above:
    // the one SQL store must hold on both engines.
    if run.env.iter().any(|(k, _)| *k == postgres::TEST_URL_VAR)
        || std::env::var_os(postgres::TEST_URL_VAR).is_some()
    {
        run.command(
            "proxy tests on PostgreSQL (KREDIVO_TEST_STORE=postgres)",
            util::cargo().env("KREDIVO_TEST_STORE", "postgres").args([
                "test",
                "--package",
                "kredivo-proxy",
            ]),
        );
    }
    run.command(
        "merchant examples (Node shop, Node and PHP webhook verifiers)",
        Command::new("bash")
            .current_dir(util::root())
            .arg("examples/run-tests.sh"),
    );
    run.command(
        "widget browser tests (wasm-pack, headless Chromium)",
        Command::new("wasm-pack")
            .current_dir(util::root())
            .arg("test")
            .arg("--headless")
            .arg("--chrome")
            .arg("--chromedriver")
            .arg(&chromedriver)
            // Only the widget: the servers in the workspace do not build for wasm32.
            .args(["--", "--package", "kredivo-checkout"]),
    );
    run.plain("dist (release widget for the e2e run)", || {
        dist::dist().map(|_| ())
    });
    run.command(
        "end-to-end tests (demo + sandbox + headless Chromium)",
        // --no-fail-fast: one failing test file must not hide whether the others pass.
        util::cargo().env("CHROMEDRIVER", &chromedriver).args([
            "test",
            "--package",
            "kredivo-e2e",
            "--no-fail-fast",
            "--",
            "--test-threads=1",
        ]),
    );
    run.finish()
}

/// The PostgreSQL the tests get: the caller's, when `KREDIVO_TEST_POSTGRES_URL` is already
/// set (the steps inherit it), else a throwaway cluster, else none, said loudly.
fn test_postgres(run: &mut Run) -> Option<Postgres> {
    const STEP: &str = "PostgreSQL for the tests (throwaway cluster)";
    if std::env::var_os(postgres::TEST_URL_VAR).is_some() {
        println!(
            "xtask: the tests use the PostgreSQL in {} (set by the caller)",
            postgres::TEST_URL_VAR
        );
        return None;
    }
    eprintln!("\n==> {STEP}");
    let start = Instant::now();
    match Postgres::start() {
        Ok(pg) => {
            println!("xtask: {}={}", postgres::TEST_URL_VAR, pg.url());
            run.env.push((postgres::TEST_URL_VAR, pg.url()));
            run.record(STEP, Status::Ok, (0, 0), start);
            Some(pg)
        }
        Err(e) => {
            run.unavailable(
                "PostgreSQL",
                &e.to_string(),
                "the PostgreSQL tests",
                &format!(
                    "run as root on Debian (`cargo xtask test` installs and starts it), \
                     install postgresql, or point {} at a server",
                    postgres::TEST_URL_VAR
                ),
            );
            None
        }
    }
}

/// How a step ended.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Ok,
    Failed,
    /// Its tools are missing and the tests that need them skip themselves.
    Skipped,
    /// Ctrl-C came first.
    NotRun,
}

/// What one step of the test run produced.
struct Step {
    name: String,
    status: Status,
    passed: u64,
    failed: u64,
    secs: f64,
}

/// The steps so far, and what every command step gets in its environment.
#[derive(Default)]
struct Run {
    steps: Vec<Step>,
    env: Vec<(&'static str, String)>,
    /// Banners to repeat above the summary, where they are not lost in the output.
    banners: Vec<String>,
}

impl Run {
    /// Prints the step's header; `false` (and a "not run" row) once Ctrl-C was pressed.
    fn begin(&mut self, name: &str) -> bool {
        if interrupt::requested() {
            self.record(name, Status::NotRun, (0, 0), Instant::now());
            return false;
        }
        eprintln!("\n==> {name}");
        true
    }

    fn record(&mut self, name: &str, status: Status, (passed, failed): (u64, u64), start: Instant) {
        self.steps.push(Step {
            name: name.to_owned(),
            status,
            passed,
            failed,
            secs: start.elapsed().as_secs_f64(),
        });
    }

    /// A command whose output is searched for `test result:` lines.
    fn command(&mut self, name: &str, cmd: &mut Command) {
        if !self.begin(name) {
            return;
        }
        let start = Instant::now();
        for (key, value) in &self.env {
            cmd.env(key, value);
        }
        let (ok, output) = run_capture(cmd);
        let status = if ok { Status::Ok } else { Status::Failed };
        self.record(name, status, count(&output), start);
    }

    /// A step done inside xtask that reports no test counts.
    fn plain(&mut self, name: &str, f: impl FnOnce() -> Res) {
        if !self.begin(name) {
            return;
        }
        let start = Instant::now();
        let status = match f() {
            Ok(()) => Status::Ok,
            Err(e) => {
                eprintln!("xtask: {e}");
                Status::Failed
            }
        };
        self.record(name, status, (0, 0), start);
    }

    /// A step done inside xtask that counts its own checks.
    fn checks(&mut self, name: &str, f: impl FnOnce() -> selfcheck::Outcome) {
        if !self.begin(name) {
            return;
        }
        let start = Instant::now();
        let outcome = f();
        let status = if outcome.failed == 0 {
            Status::Ok
        } else {
            Status::Failed
        };
        self.record(name, status, (outcome.passed, outcome.failed), start);
    }

    /// `what` cannot run here (`why`), so `skipped` will: a banner now and above the
    /// summary, and a row that is skipped, or failed when `KREDIVO_TEST_REQUIRE_SERVICES=1`.
    fn unavailable(&mut self, what: &str, why: &str, skipped: &str, advice: &str) {
        let required = std::env::var(REQUIRE_SERVICES_VAR).is_ok_and(|v| v == "1");
        let verdict = if required {
            format!("FAIL ({REQUIRE_SERVICES_VAR}=1)")
        } else {
            "are SKIPPED".to_owned()
        };
        let banner = banner(&[
            &format!("{skipped} {verdict}: {what} is unavailable."),
            why,
            &format!("To run them: {advice}."),
        ]);
        eprintln!("{banner}");
        self.banners.push(banner);
        let status = if required {
            Status::Failed
        } else {
            Status::Skipped
        };
        self.record(
            &format!("{what} for the tests"),
            status,
            (0, 0),
            Instant::now(),
        );
    }

    /// Prints the step table and the summary line; an error if anything failed or was cut
    /// short. A step that fails without reporting tests (a compile error, a lint) counts as
    /// one failure, so the summary never hides it.
    fn finish(self) -> Res {
        for banner in &self.banners {
            println!("{banner}");
        }
        println!(
            "\n{:<56} {:>7} {:>7} {:>8}",
            "step", "passed", "failed", "time"
        );
        let mut passed = 0;
        let mut failed = 0;
        for s in &self.steps {
            let step_failures = match s.status {
                Status::Failed => s.failed.max(1),
                _ => s.failed,
            };
            passed += s.passed;
            failed += step_failures;
            let verdict = match s.status {
                Status::Ok => "ok",
                Status::Failed => "FAILED",
                Status::Skipped => "SKIPPED",
                Status::NotRun => "not run (interrupted)",
            };
            println!(
                "{:<56} {:>7} {:>7} {:>7.0}s {verdict}",
                s.name, s.passed, s.failed, s.secs,
            );
        }
        println!("summary: {passed} passed, {failed} failed");
        if interrupt::requested() {
            Err("interrupted".into())
        } else if failed == 0 {
            Ok(())
        } else {
            Err("some steps failed (see the table above)".into())
        }
    }
}

/// A block of lines that stands out in a long log.
fn banner(lines: &[&str]) -> String {
    let rule = "=".repeat(78);
    let mut text = format!("\n{rule}\n");
    for line in lines {
        text.push_str("  ");
        text.push_str(line);
        text.push('\n');
    }
    text.push_str(&rule);
    text
}

/// Sums every `test result: … N passed; M failed` line (cargo test, doctests and
/// wasm-bindgen-test-runner all print one per test binary).
fn count(output: &str) -> (u64, u64) {
    let mut passed = 0;
    let mut failed = 0;
    for line in output.lines() {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            continue;
        };
        for part in rest.split([';', '.']) {
            let mut words = part.split_whitespace();
            if let (Some(n), Some(kind)) = (words.next(), words.next()) {
                if let Ok(n) = n.parse::<u64>() {
                    match kind {
                        "passed" => passed += n,
                        "failed" => failed += n,
                        _ => {}
                    }
                }
            }
        }
    }
    (passed, failed)
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn counts_add_up_over_every_result_line() {
        let out = "test result: ok. 5 passed; 0 failed; 1 ignored; 0 measured\n\
                   noise\n\
                   test result: FAILED. 3 passed; 2 failed; 0 ignored\n";
        assert_eq!(count(out), (8, 2));
    }

    #[test]
    fn output_without_results_counts_nothing() {
        assert_eq!(count("error[E0425]: cannot find value"), (0, 0));
    }
}
