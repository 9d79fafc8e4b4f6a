//! `cargo xtask bench` (browser half): opens `www/bench.html` on the demo in headless
//! Chromium and prints what it measured (`window.__kredivoBench`): wasm plans/s, time from
//! script start to plans visible, time to render 200 badges.

use std::time::Duration;

use kredivo_e2e::Harness;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let h = Harness::start("bench", &[]).await?;
    h.goto("/www/bench.html").await?;
    let result = h
        .wait_js(
            "the benchmark results",
            "document.body.dataset.benchDone === '1' ? window.__kredivoBench : null",
            Duration::from_secs(120),
        )
        .await?;
    h.screenshot("bench").await?;
    println!("browser benchmark (headless Chromium, this machine):");
    println!("{}", serde_json::to_string_pretty(&result)?);
    h.stop().await
}
