//! A shopper's whole journey in a real headless Chromium: listing → product → cart →
//! choose 6 months → Kredivo button → sandbox sign-in (phone, PIN, OTP) → back at the store
//! with the order settled by a push the proxy confirmed with the provider.

use kredivo_e2e::Harness;

async fn checkout_flow(gateway: &str) -> anyhow::Result<()> {
    let overrides: Vec<(&str, &str)> = if gateway == "kredivo" {
        vec![]
    } else {
        vec![("GATEWAY", gateway)]
    };
    let h = Harness::start(&format!("checkout-{gateway}"), &overrides).await?;
    kredivo_e2e::journey::buy_two_phones_in_six_months(&h).await?;
    h.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shopper_pays_in_six_months_through_kredivo_and_the_order_settles() -> anyhow::Result<()>
{
    checkout_flow("kredivo").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_widget_pays_through_doku() -> anyhow::Result<()> {
    checkout_flow("doku").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_widget_pays_through_midtrans() -> anyhow::Result<()> {
    checkout_flow("midtrans").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_widget_pays_through_xendit() -> anyhow::Result<()> {
    checkout_flow("xendit").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_widget_pays_through_finpay() -> anyhow::Result<()> {
    checkout_flow("finpay").await
}
