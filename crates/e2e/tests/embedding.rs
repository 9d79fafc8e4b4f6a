//! What a merchant's page sees: the widget under a strict Content-Security-Policy, and a
//! listing whose badges all come from one pricing request.

use std::time::Duration;

use kredivo_e2e::Harness;

const T: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_widget_works_under_a_strict_content_security_policy() -> anyhow::Result<()> {
    let h = Harness::start("csp", &[]).await?;
    h.goto("/www/csp.html").await?;

    // The page really is served with the strict policy (no inline script, wasm allowed).
    let header = h
        .js(
            "return fetch('/www/csp.html').then(r => r.headers.get('content-security-policy'));",
            vec![],
        )
        .await?;
    let header = header.as_str().unwrap_or_default().to_owned();
    let script_src = header
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .unwrap_or_default();
    assert_eq!(
        script_src, "script-src 'self' 'wasm-unsafe-eval'",
        "{header}"
    );

    // …and the widget mounted and rendered plans under it.
    h.wait_js(
        "plans rendered under CSP",
        "(() => { const h = document.querySelector('[data-kredivo-checkout]'); \
           return h && h.shadowRoot && h.shadowRoot.querySelectorAll('[role=radio]').length >= 3; })()",
        T,
    )
    .await?;
    h.screenshot("csp").await?;
    h.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_badge_on_the_listing_comes_from_one_pricing_request() -> anyhow::Result<()> {
    let h = Harness::start("badges", &[]).await?;
    h.goto("/").await?;
    let cards = h
        .wait_js(
            "every card's badge rendered",
            "(() => { const b = [...document.querySelectorAll('[data-kredivo-badge]')]; \
               return b.length >= 6 && b.every(e => e.shadowRoot && e.shadowRoot.querySelector('.kc-badge')) \
                 ? b.length : 0; })()",
            T,
        )
        .await?;
    let requests = h
        .js(
            "return performance.getEntriesByType('resource') \
               .filter(e => e.name.includes('/api/kredivo/v1/pricing')).length;",
            vec![],
        )
        .await?;
    assert_eq!(requests, 1, "{cards} badges, pricing requests: {requests}");
    let plan_requests = h
        .js(
            "return performance.getEntriesByType('resource') \
               .filter(e => e.name.includes('/api/kredivo/v1/payment-types')).length;",
            vec![],
        )
        .await?;
    assert_eq!(
        plan_requests, 0,
        "badges never ask for payment types one by one"
    );
    h.screenshot("listing-badges").await?;
    h.stop().await
}
