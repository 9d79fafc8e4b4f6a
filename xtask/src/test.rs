//! `cargo xtask test`: every check and test, then a summary line.

use crate::util::{self, run_capture, Res};
use crate::{dist, setup, vendor};
use std::process::Command;
use std::time::Instant;

/// What one step of the test run produced.
struct Step {
    name: &'static str,
    ok: bool,
    passed: u64,
    failed: u64,
    secs: f64,
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

fn step(steps: &mut Vec<Step>, name: &'static str, cmd: &mut Command) {
    eprintln!("\n==> {name}");
    let start = Instant::now();
    let (ok, output) = run_capture(cmd);
    let (passed, failed) = count(&output);
    steps.push(Step {
        name,
        ok,
        passed,
        failed,
        secs: start.elapsed().as_secs_f64(),
    });
}

fn plain_step(steps: &mut Vec<Step>, name: &'static str, f: impl FnOnce() -> Res) {
    eprintln!("\n==> {name}");
    let start = Instant::now();
    let result = f();
    if let Err(e) = &result {
        eprintln!("xtask: {e}");
    }
    steps.push(Step {
        name,
        ok: result.is_ok(),
        passed: 0,
        failed: 0,
        secs: start.elapsed().as_secs_f64(),
    });
}

/// `cargo xtask test`: every check and test, in the order the README gives, then one line
/// `summary: N passed, N failed`. A step that fails without reporting tests (a compile
/// error, a lint) counts as one failure, so the summary never hides it.
pub fn run_all() -> Res {
    setup::setup(true)?;
    let chromedriver =
        util::which("chromedriver").ok_or("chromedriver is not on PATH after setup")?;

    let mut steps = Vec::new();
    step(
        &mut steps,
        "rustfmt",
        util::cargo().args(["fmt", "--all", "--check"]),
    );
    plain_step(
        &mut steps,
        "vendor/ is crates.io's source plus vendor/patches",
        vendor::check,
    );
    step(
        &mut steps,
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
    // The widget for wasm32 as tests build it (both kinds) and as each shipped bundle does.
    for (label, features) in [
        ("clippy (widget for wasm32)", None),
        ("clippy (checkout bundle for wasm32)", Some("checkout")),
        ("clippy (badge bundle for wasm32)", Some("badge")),
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
        step(&mut steps, label, &mut cmd);
    }
    step(
        &mut steps,
        "native tests (every crate, doctests included)",
        util::cargo().args(["test", "--workspace", "--exclude", "kredivo-e2e"]),
    );
    step(
        &mut steps,
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
    plain_step(&mut steps, "dist (release widget for the e2e run)", || {
        dist::dist().map(|_| ())
    });
    step(
        &mut steps,
        "end-to-end tests (demo + sandbox + headless Chromium)",
        util::cargo().env("CHROMEDRIVER", &chromedriver).args([
            "test",
            "--package",
            "kredivo-e2e",
            "--",
            "--test-threads=1",
        ]),
    );

    println!(
        "\n{:<56} {:>7} {:>7} {:>8}",
        "step", "passed", "failed", "time"
    );
    let mut passed = 0;
    let mut failed = 0;
    for s in &steps {
        let step_failures = if s.ok { s.failed } else { s.failed.max(1) };
        passed += s.passed;
        failed += step_failures;
        println!(
            "{:<56} {:>7} {:>7} {:>7.0}s {}",
            s.name,
            s.passed,
            s.failed,
            s.secs,
            if s.ok { "ok" } else { "FAILED" }
        );
    }
    println!("summary: {passed} passed, {failed} failed");
    if failed == 0 && steps.iter().all(|s| s.ok) {
        Ok(())
    } else {
        Err("some steps failed (see the table above)".into())
    }
}

/// Entry point for `cargo xtask test`.
pub fn run(args: &[String]) -> Res {
    if let Some(a) = args.first() {
        return Err(format!("test: unknown option `{a}`"));
    }
    run_all()
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
