//! `cargo xtask bench` (browser half): opens `www/bench.html` on the demo in headless
//! Chromium several times and prints what it measured (`window.__kredivoBench`): wasm plans/s,
//! time from script start to plans visible with its phases, time to render 200 badges.
//!
//! The first run starts from an empty HTTP cache; the others reload the page in the same
//! browser, with the widget's content-hashed files cached (`immutable`): what a returning
//! shopper, or a shopper moving from the listing to the checkout, gets. Each figure is printed
//! for the cold run and as min / median / max over the warm runs. `BENCH_RUNS` sets the
//! number of warm runs (default 7). With `BENCH_OUT=<file>` the warm medians are also written
//! there as JSON (`cargo xtask bench` prints its summary from them).
//! `BENCH_QUERY` is added to the page's URL: `BENCH_QUERY=badges=in-view` times the badges
//! scrolled into view, filling the window, instead of below the fold.

use std::collections::BTreeMap;
use std::time::Duration;

use kredivo_e2e::Harness;
use serde_json::Value;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let warm_runs: usize = match std::env::var("BENCH_RUNS") {
        Ok(n) => n
            .parse()
            .map_err(|_| anyhow::anyhow!("BENCH_RUNS={n}: not a number"))?,
        Err(_) => 7,
    };
    let h = Harness::start("bench", &[]).await?;
    let mut runs: Vec<BTreeMap<String, Value>> = Vec::new();
    let page = match std::env::var("BENCH_QUERY") {
        Ok(q) if !q.is_empty() => format!("/www/bench.html?{q}"),
        _ => "/www/bench.html".to_owned(),
    };
    for run in 0..=warm_runs {
        h.goto(&page).await?;
        let result = match h
            .wait_js(
                "the benchmark results",
                "document.body.dataset.benchDone === '1' ? window.__kredivoBench : null",
                Duration::from_secs(120),
            )
            .await
        {
            Ok(r) => r,
            Err(e) => {
                // Where the page stopped, and what it shows.
                let stage = h
                    .js("return document.body.dataset.benchStage || null;", vec![])
                    .await
                    .unwrap_or_default();
                let shot = h.screenshot("bench-unfinished").await;
                anyhow::bail!("run {run}: {e}; the page's stage: {stage}; screenshot: {shot:?}");
            }
        };
        if run == 0 {
            h.screenshot("bench").await?;
        }
        let Value::Object(fields) = result else {
            anyhow::bail!("the bench page answered {result}");
        };
        runs.push(fields.into_iter().collect());
    }

    let (cold, warm) = runs.split_first().expect("at least the cold run");
    println!(
        "browser benchmark (headless Chromium on loopback, this machine): 1 cold run, {} warm runs",
        warm.len()
    );
    if let Some(Value::String(agent)) = cold.get("userAgent") {
        println!("user agent: {agent}");
    }
    println!(
        "{:<40} {:>12} {:>12} {:>12} {:>12}",
        "figure", "cold", "warm min", "warm median", "warm max"
    );
    let mut medians = serde_json::Map::new();
    for (key, value) in cold {
        let Some(first) = value.as_f64() else {
            continue;
        };
        let mut values: Vec<f64> = warm
            .iter()
            .filter_map(|r| r.get(key).and_then(Value::as_f64))
            .collect();
        values.sort_by(f64::total_cmp);
        let (min, median, max) = match values.as_slice() {
            [] => (f64::NAN, f64::NAN, f64::NAN),
            v => (v[0], v[v.len() / 2], v[v.len() - 1]),
        };
        println!(
            "{key:<40} {:>12} {:>12} {:>12} {:>12}",
            figure(first),
            figure(min),
            figure(median),
            figure(max)
        );
        if !median.is_nan() {
            medians.insert(key.clone(), median.into());
        }
    }
    // `cargo xtask bench` reads the warm medians back for its summary of issue 19's targets.
    if let Some(out) = std::env::var_os("BENCH_OUT") {
        let out = std::path::PathBuf::from(out);
        if let Some(dir) = out.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let summary = serde_json::json!({ "runs": runs.len(), "warmMedians": medians });
        std::fs::write(&out, serde_json::to_vec_pretty(&summary)?)?;
    }
    h.stop().await
}

/// A figure with one decimal, or a whole number with thousands separators when large.
fn figure(v: f64) -> String {
    if v.is_nan() {
        return "-".into();
    }
    if v.abs() >= 10_000.0 {
        let whole = format!("{:.0}", v);
        let digits = whole.trim_start_matches('-');
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        return if v < 0.0 { format!("-{out}") } else { out };
    }
    format!("{v:.1}")
}
