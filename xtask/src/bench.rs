//! `cargo xtask bench`: the plan calculator's benchmarks, native and in the browser, and a
//! summary of issue 19's four targets from what they measured.

use std::path::Path;

use serde_json::Value;

use crate::util::{self, Res};
use crate::{dist, setup};

/// Criterion's result for the native twin of the browser's `benchPlans`.
const NATIVE_PLANS_INTO: &str = "criterion/plans/plans_into_reference_2_400_000/new/estimates.json";
/// Plans in one `plans_into` call of the bench (Rp 2,400,000, the reference table).
const PLANS_PER_CALL: f64 = 4.0;
/// The size goal per page, brotli bytes (PayPal's Pay Later messages are 68.5 KB).
const PAGE_GOAL: u64 = 68_000;

/// `cargo xtask bench`: criterion for the plan calculator (native), then the browser
/// benchmark page in headless Chromium (wasm plans/s, time to plans, 200 badges), then the
/// targets' summary.
pub fn run(args: &[String]) -> Res {
    if let Some(a) = args.first() {
        return Err(format!("bench: unknown option `{a}`"));
    }
    util::run(util::cargo().args(["bench", "--package", "kredivo-plan"]))?;
    setup::setup(true)?;
    dist::dist()?;
    let chromedriver = util::which("chromedriver").ok_or("chromedriver is not on PATH")?;
    let out = util::target_dir().join("bench/browser.json");
    let _ = std::fs::remove_file(&out);
    util::run(
        util::cargo()
            .env("CHROMEDRIVER", &chromedriver)
            .env("BENCH_OUT", &out)
            .args([
                "run",
                "--release",
                "--package",
                "kredivo-e2e",
                "--bin",
                "browser-bench",
            ]),
    )?;
    summary(&out)
}

/// Reads a JSON file.
fn json(path: &Path) -> Res<Value> {
    let text = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// One row: what, the figure as printed, the goal, and whether it is met (`None`: not measured).
type Row = (&'static str, String, &'static str, Option<bool>);

/// Prints issue 19's targets with the medians just measured.
fn summary(browser: &Path) -> Res {
    let browser = json(browser)?;
    let medians = &browser["warmMedians"];
    let warm = |key: &str| medians[key].as_f64();
    let native_ns =
        json(&util::target_dir().join(NATIVE_PLANS_INTO))?["median"]["point_estimate"].as_f64();
    let manifest = json(&util::root().join("dist/manifest.json"))?;
    let ms = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.1} ms"));
    let at_most = |v: Option<f64>, goal: f64| v.map(|v| v <= goal);

    let in_hand = warm("badgeInHandToPaintedMs");
    let longest = warm("badgeLongestTaskMs");
    let to_plans = warm("scriptToPlansMs");
    let after = warm("requestsAfterInstantiation");
    let wasm_ns = warm("plansPerSecond").map(|p| PLANS_PER_CALL * 1e9 / p);
    let ratio = wasm_ns.zip(native_ns).map(|(w, n)| w / n);
    let mut rows: Vec<Row> = vec![
        (
            "200 badges: pricing table in hand → painted",
            ms(in_hand),
            "≤ 16 ms",
            at_most(in_hand, 16.0),
        ),
        (
            "  longest task while they mount",
            ms(longest),
            "≤ 50 ms",
            at_most(longest, 50.0),
        ),
        (
            "loader start → checkout plans visible (warm)",
            ms(to_plans),
            "≤ 50 ms",
            at_most(to_plans, 50.0),
        ),
        (
            "  payment-types round trips after instantiation",
            after.map_or("-".into(), |v| format!("{v}")),
            "≤ 1",
            at_most(after, 1.0),
        ),
        (
            "plans_into, wasm in Chromium / native",
            match (wasm_ns, native_ns, ratio) {
                (Some(w), Some(n), Some(r)) => format!("{w:.1} / {n:.1} ns = {r:.2}×"),
                _ => "-".into(),
            },
            "≤ 2×",
            at_most(ratio, 2.0),
        ),
    ];
    for (page, label) in [
        ("checkout", "checkout page, brotli"),
        ("badge", "listing / product page, brotli"),
        ("qr", "QR page, brotli"),
    ] {
        let bytes = manifest["transfer_brotli"][page].as_u64();
        rows.push((
            label,
            bytes.map_or("-".into(), |b| format!("{b} B")),
            "≤ 68,000 B",
            bytes.map(|b| b <= PAGE_GOAL),
        ));
    }

    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "\nissue 19's targets: warm medians of {} browser runs (1 cold run not counted); {cores} cores, load {}",
        browser["runs"].as_u64().unwrap_or(0).saturating_sub(1),
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
    );
    println!("{:<50} {:>26}  {:<11} result", "target", "median", "goal");
    for (what, figure, goal, met) in rows {
        let result = match met {
            Some(true) => "met",
            Some(false) => "NOT MET",
            None => "not measured",
        };
        println!("{what:<50} {figure:>26}  {goal:<11} {result}");
    }
    Ok(())
}
