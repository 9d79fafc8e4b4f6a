//! `cargo xtask bench`: the plan calculator's benchmarks, native and in the browser.

use crate::util::{self, Res};
use crate::{dist, setup};

/// `cargo xtask bench`: criterion for the plan calculator (native), then the browser
/// benchmark page in headless Chromium (wasm plans/s, time to plans, 200 badges).
pub fn run(args: &[String]) -> Res {
    if let Some(a) = args.first() {
        return Err(format!("bench: unknown option `{a}`"));
    }
    util::run(util::cargo().args(["bench", "--package", "kredivo-plan"]))?;
    setup::setup(true)?;
    dist::dist()?;
    let chromedriver = util::which("chromedriver").ok_or("chromedriver is not on PATH")?;
    util::run(util::cargo().env("CHROMEDRIVER", &chromedriver).args([
        "run",
        "--release",
        "--package",
        "kredivo-e2e",
        "--bin",
        "browser-bench",
    ]))
}
