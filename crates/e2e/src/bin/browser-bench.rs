//! `cargo xtask bench` (browser half): opens `www/bench.html` on the demo in headless
//! Chromium and prints what it measured (`window.__kredivoBench`): wasm plans/s, time from
//! script start to plans visible, time to render 200 badges with its phases and the longest
//! main-thread task meanwhile.
//!
//! The page is loaded `BENCH_RUNS` times (default 5; the first with a cold HTTP cache, the
//! others warm); the last run is printed whole, then every figure's min, median and max.
//! `BENCH_QUERY` is added to the page's URL: `BENCH_QUERY=badges=in-view` times the badges
//! scrolled into view, filling the window, instead of below the fold.

use std::collections::BTreeMap;
use std::time::Duration;

use kredivo_e2e::Harness;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(5);
    let h = Harness::start("bench", &[]).await?;
    let mut figures: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut last = serde_json::Value::Null;
    let page = match std::env::var("BENCH_QUERY") {
        Ok(q) if !q.is_empty() => format!("/www/bench.html?{q}"),
        _ => "/www/bench.html".to_owned(),
    };
    for _ in 0..runs {
        h.goto(&page).await?;
        let result = h
            .wait_js(
                "the benchmark results",
                "document.body.dataset.benchDone === '1' ? window.__kredivoBench : null",
                Duration::from_secs(120),
            )
            .await?;
        if let Some(o) = result.as_object() {
            for (k, v) in o {
                if let Some(x) = v.as_f64() {
                    figures.entry(k.clone()).or_default().push(x);
                }
            }
        }
        last = result;
    }
    h.screenshot("bench").await?;
    println!("browser benchmark (headless Chromium, this machine), last of {runs} runs:");
    println!("{}", serde_json::to_string_pretty(&last)?);
    println!("\n{runs} runs (the first with a cold HTTP cache): min / median / max");
    for (k, mut xs) in figures {
        xs.sort_by(f64::total_cmp);
        let median = if xs.len() % 2 == 1 {
            xs[xs.len() / 2]
        } else {
            (xs[xs.len() / 2 - 1] + xs[xs.len() / 2]) / 2.0
        };
        println!(
            "{k:<44} {:>12.1} {:>12.1} {:>12.1}",
            xs[0],
            median,
            xs[xs.len() - 1]
        );
    }
    h.stop().await
}
