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
    // Twice: the badges below the fold (as a listing's first paint has most of them), then
    // scrolled into view, filling the window (every badge rendered).
    let mut outs = Vec::new();
    for (name, query) in [("browser", ""), ("browser-in-view", "badges=in-view")] {
        let out = util::target_dir().join(format!("bench/{name}.json"));
        let _ = std::fs::remove_file(&out);
        util::run(
            util::cargo()
                .env("CHROMEDRIVER", &chromedriver)
                .env("BENCH_OUT", &out)
                .env("BENCH_QUERY", query)
                .args([
                    "run",
                    "--release",
                    "--package",
                    "kredivo-e2e",
                    "--bin",
                    "browser-bench",
                ]),
        )?;
        outs.push(out);
    }
    summary(&outs[0], &outs[1])
}

/// Reads a JSON file.
fn json(path: &Path) -> Res<Value> {
    let text = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// One row: what, the figure as printed, the goal, and whether it is met (`None`: not measured).
type Row = (&'static str, String, &'static str, Option<bool>);

/// Prints issue 19's targets with the medians just measured (`in_view`: the run with the
/// badges scrolled into view).
fn summary(browser: &Path, in_view: &Path) -> Res {
    let browser = json(browser)?;
    let medians = &browser["warmMedians"];
    let warm = |key: &str| medians[key].as_f64();
    let in_view = json(in_view)?;
    let warm_in_view = |key: &str| in_view["warmMedians"][key].as_f64();
    let native_ns =
        json(&util::target_dir().join(NATIVE_PLANS_INTO))?["median"]["point_estimate"].as_f64();
    let manifest = json(&util::root().join("dist/manifest.json"))?;
    let ms = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.1} ms"));
    let at_most = |v: Option<f64>, goal: f64| v.map(|v| v <= goal);

    let in_hand = warm("badgeInHandToRenderedMs");
    let in_hand_in_view = warm_in_view("badgeInHandToRenderedMs");
    let longest = match (
        warm("badgeLongestTaskMs"),
        warm_in_view("badgeLongestTaskMs"),
    ) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let count = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v}"));
    let to_plans = warm("scriptToPlansMs");
    let after = warm("requestsAfterInstantiation");
    let wasm_ns = warm("plansPerSecond").map(|p| PLANS_PER_CALL * 1e9 / p);
    let ratio = wasm_ns.zip(native_ns).map(|(w, n)| w / n);
    let mut rows: Vec<Row> = vec![
        (
            "200 badges below the fold: table in hand → rendered",
            ms(in_hand),
            "≤ 16 ms",
            at_most(in_hand, 16.0),
        ),
        (
            "  of them rendered by the browser",
            count(warm("badgesRendered")),
            "",
            None,
        ),
        (
            "  table in hand → painted (the next frame's wait too)",
            ms(warm("badgeInHandToPaintedMs")),
            "",
            None,
        ),
        (
            "200 badges in view: table in hand → rendered",
            ms(in_hand_in_view),
            "≤ 16 ms",
            at_most(in_hand_in_view, 16.0),
        ),
        (
            "  of them on screen",
            count(warm_in_view("badgesOnScreen")),
            "",
            None,
        ),
        (
            "  table in hand → painted (the next frame's wait too)",
            ms(warm_in_view("badgeInHandToPaintedMs")),
            "",
            None,
        ),
        (
            "  longest task while they mount (either run)",
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
        "\nissue 19's targets: warm medians of {} browser runs each (the cold first run not counted); {cores} cores, load {}",
        browser["runs"].as_u64().unwrap_or(0).saturating_sub(1),
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
    );
    println!("{:<54} {:>26}  {:<11} result", "target", "median", "goal");
    for (what, figure, goal, met) in rows {
        let result = match met {
            Some(true) => "met",
            Some(false) => "NOT MET",
            None if goal.is_empty() => "",
            None => "not measured",
        };
        println!("{what:<54} {figure:>26}  {goal:<11} {result}");
    }
    Ok(())
}
