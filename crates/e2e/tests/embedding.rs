//! What a merchant's page sees: the widget under a strict Content-Security-Policy, a listing
//! whose badges all come from one pricing request, and the loader fetching only the bundle
//! each page needs (and the other one when a single-page app adds its kind later).

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
    let style_src = header
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("style-src"))
        .unwrap_or_default();
    assert_eq!(
        style_src, "style-src 'self'",
        "no inline styles either: {header}"
    );

    // …and the widget mounted and rendered plans under it.
    h.wait_js(
        "plans rendered under CSP",
        "(() => { const h = document.querySelector('[data-kredivo-checkout]'); \
           return h && h.shadowRoot && h.shadowRoot.querySelectorAll('[role=radio]').length >= 3; })()",
        T,
    )
    .await?;
    // The page has both kinds, so both bundles loaded and the badge rendered too.
    h.wait_js(
        "badge rendered under CSP",
        "(() => { const b = document.querySelector('[data-kredivo-badge]'); \
           return !!(b && b.shadowRoot && b.shadowRoot.querySelector('.kc-badge')); })()",
        T,
    )
    .await?;
    assert_eq!(wasm_loaded(&h).await?, vec!["badge", "checkout"]);

    // Both bundles follow the same document: a badge's new amount is the badge bundle's
    // business only, and the checkout beside it stays mounted.
    h.js(
        "document.getElementById('csp-badge').setAttribute('data-amount', '3100000');",
        vec![],
    )
    .await?;
    h.wait_js(
        "the badge re-priced",
        "(() => { const b = document.getElementById('csp-badge'); \
           const t = b && b.shadowRoot && b.shadowRoot.querySelector('.kc-badge'); \
           return !!t && /320[.,]400/.test(t.textContent); })()",
        T,
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    wait_for_plans(&h, "csp-checkout", "the checkout still mounted").await?;
    let mounted = h
        .js("return KredivoCheckout.stats().mounted;", vec![])
        .await?;
    assert_eq!(
        mounted, 2,
        "one checkout and one badge, each in its own bundle"
    );
    h.screenshot("csp").await?;
    assert_styled_without_violations(&h, &["csp-checkout", "csp-badge"]).await?;

    // An element switched from checkout to badge in place: the checkout bundle lets go of it,
    // the badge bundle takes it, whichever of their observers runs first.
    h.js(
        "const el = document.getElementById('csp-checkout'); \
         el.removeAttribute('data-cart'); el.setAttribute('data-amount', '2400000'); \
         el.setAttribute('data-kredivo-badge', '');",
        vec![],
    )
    .await?;
    h.wait_js(
        "the switched element shows a badge and no plans",
        "(() => { const r = document.getElementById('csp-checkout').shadowRoot; \
           const b = r && r.querySelector('.kc-badge'); \
           return !!b && /248[.,]050/.test(b.textContent) \
             && r.querySelectorAll('[role=radio]').length === 0 \
             && r.querySelectorAll('.kc-shell').length === 1; })()",
        T,
    )
    .await?;
    h.stop().await
}

/// Every widget on `ids` has its stylesheet applied (a blocked sheet has no rules): a
/// checkout its linked sheet, a badge the one constructed sheet every badge adopts and no
/// link; and the page heard no policy violation but the one it provokes on purpose
/// (store.js's inline `onclick` probe, which must be blocked).
async fn assert_styled_without_violations(h: &Harness, ids: &[&str]) -> anyhow::Result<()> {
    for id in ids {
        let rules = h
            .js(
                "const el = document.getElementById(arguments[0]); const r = el.shadowRoot; \
                 const l = r.querySelector('link[rel=stylesheet]'); \
                 if (el.hasAttribute('data-kredivo-badge')) { \
                   return !l && r.adoptedStyleSheets.length === 1 \
                     ? r.adoptedStyleSheets[0].cssRules.length : 0; } \
                 return l && l.sheet ? l.sheet.cssRules.length : 0;",
                vec![serde_json::json!(id)],
            )
            .await?;
        assert!(
            rules.as_u64().unwrap_or(0) > 10,
            "#{id}'s stylesheet was not applied ({rules} rules)"
        );
    }
    let violations = h
        .js(
            "return (window.__cspViolations || []).filter(v => v.directive !== 'script-src-attr');",
            vec![],
        )
        .await?;
    assert_eq!(violations, serde_json::json!([]), "policy violations");
    let probe = h
        .js("return (window.__cspViolations || []).length;", vec![])
        .await?;
    assert!(
        probe.as_u64().unwrap_or(0) >= 1,
        "the watcher hears violations (the inline-handler probe)"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_widget_works_where_scripts_and_styles_are_allowed_by_nonce_only() -> anyhow::Result<()>
{
    let h = Harness::start("csp-nonce", &[]).await?;
    h.goto("/www/csp-nonce.html").await?;
    let (header, nonce) = {
        let v = h
            .js(
                "return fetch('/www/csp-nonce.html').then(r => r.headers.get('content-security-policy'))\
                   .then(p => [p, document.querySelector('script[src$=\"kredivo-checkout.js\"]').nonce]);",
                vec![],
            )
            .await?;
        (
            v[0].as_str().unwrap_or_default().to_owned(),
            v[1].as_str().unwrap_or_default().to_owned(),
        )
    };
    assert!(
        header.contains("script-src 'nonce-") && header.contains("style-src 'nonce-"),
        "{header}"
    );
    assert!(
        !header.contains("'self' 'wasm") && !header.contains("unsafe-inline"),
        "{header}"
    );
    assert!(
        !nonce.is_empty() && !header.contains(&nonce),
        "a fresh nonce per response"
    );

    wait_for_plans(&h, "csp-checkout", "plans under the nonce policy").await?;
    h.wait_js(
        "badge rendered under the nonce policy",
        "(() => { const b = document.querySelector('[data-kredivo-badge]'); \
           return !!(b && b.shadowRoot && b.shadowRoot.querySelector('.kc-badge')); })()",
        T,
    )
    .await?;
    // The widget's links carry the page's nonce (read through the IDL: the attribute itself
    // is hidden once the element is in a page with a nonce policy).
    let link_nonce = h
        .js(
            "return document.getElementById('csp-checkout').shadowRoot.querySelector('link[rel=stylesheet]').nonce;",
            vec![],
        )
        .await?;
    assert_eq!(link_nonce, serde_json::json!(nonce));
    assert_styled_without_violations(&h, &["csp-checkout", "csp-badge"]).await?;
    h.screenshot("csp-nonce").await?;
    h.stop().await
}

/// `KredivoCheckout.mount(#id, options)`'s error message, or `"mounted"` if it did not throw.
async fn mount_error(h: &Harness, id: &str, options: &str) -> anyhow::Result<String> {
    let script = format!(
        "try {{ KredivoCheckout.mount(document.getElementById('{id}'), {options}); \
           return 'mounted'; }} catch (e) {{ return e.message; }}"
    );
    let v = h.js(&script, vec![]).await?;
    Ok(v.as_str().unwrap_or_default().to_owned())
}

/// Waits until the checkout widget on `#id` shows its plans.
async fn wait_for_plans(h: &Harness, id: &str, what: &str) -> anyhow::Result<()> {
    let expr = format!(
        "(() => {{ const h = document.getElementById('{id}'); \
           return !!(h && h.shadowRoot && h.shadowRoot.querySelectorAll('[role=radio]').length >= 3); }})()"
    );
    h.wait_js(what, &expr, T).await?;
    Ok(())
}

/// Which widget bundles (`kredivo-<kind>.<hash>.wasm`) the page downloaded, sorted.
async fn wasm_loaded(h: &Harness) -> anyhow::Result<Vec<String>> {
    let v = h
        .js(
            "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname) \
               .filter(p => p.startsWith('/dist/') && p.endsWith('.wasm')) \
               .map(p => p.split('/').pop().split('.')[0].replace('kredivo-', '')).sort();",
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(v)?)
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
    // A listing downloads the badge bundle only.
    assert_eq!(wasm_loaded(&h).await?, vec!["badge"]);
    h.screenshot("listing-badges").await?;

    // The badge bundle takes no carts: a badge given one says what it takes instead.
    h.js(
        "const el = document.createElement('span'); el.id = 'cart-badge'; \
         el.dataset.kredivoBadge = ''; document.querySelector('main').append(el);",
        vec![],
    )
    .await?;
    let carted = mount_error(
        &h,
        "cart-badge",
        "{ cart: [{ product_id: 'batik-parang', quantity: 1 }] }",
    )
    .await?;
    assert!(carted.contains("a badge takes `amount`"), "{carted}");
    h.js("document.getElementById('cart-badge').remove();", vec![])
        .await?;

    // A badge opens its breakdown, styled by the badge bundle's own stylesheet.
    h.js(
        "document.querySelector('[data-kredivo-badge]').shadowRoot.querySelector('.kc-badge').click();",
        vec![],
    )
    .await?;
    let radius = h
        .wait_js(
            "the badge's dialog open and styled",
            "(() => { const d = document.querySelector('[data-kredivo-badge]').shadowRoot \
               .querySelector('dialog.kc-dialog[open]'); \
               return d ? getComputedStyle(d).borderRadius : ''; })()",
            T,
        )
        .await?;
    assert_eq!(
        radius, "18px",
        "kredivo-badge.css applies inside the shadow root"
    );
    h.screenshot("badge-dialog").await?;
    h.js(
        "document.querySelector('[data-kredivo-badge]').shadowRoot.querySelector('dialog').close();",
        vec![],
    )
    .await?;

    // Mounting a checkout from JS needs its bundle: a clear error while it is not loaded.
    h.js(
        "const el = document.createElement('div'); el.id = 'spa-checkout'; \
         document.querySelector('main').prepend(el);",
        vec![],
    )
    .await?;
    let refused = mount_error(&h, "spa-checkout", "{ amount: '2400000' }").await?;
    assert!(
        refused.contains("KredivoCheckout.load(\"checkout\")"),
        "{refused}"
    );
    let unknown = mount_error(&h, "spa-checkout", "{ kind: 'popup' }").await?;
    assert!(
        unknown.contains("unknown widget kind \"popup\""),
        "{unknown}"
    );
    // A single-page app adding a checkout element gets it mounted by the loader alone.
    h.js(
        "const el = document.createElement('div'); el.id = 'spa-added'; \
         el.dataset.kredivoCheckout = ''; el.dataset.amount = '3100000'; \
         document.querySelector('main').prepend(el);",
        vec![],
    )
    .await?;
    wait_for_plans(&h, "spa-added", "a checkout element added later mounted").await?;
    // A kind forced against the element's own widget is refused, not taken over.
    let taken = mount_error(&h, "spa-added", "{ kind: 'badge' }").await?;
    assert!(
        taken.contains("already hosts the other Kredivo widget"),
        "{taken}"
    );
    // …and `mount` works once `load` says the bundle is there.
    h.js(
        "KredivoCheckout.load('checkout').then(() => \
           KredivoCheckout.mount(document.getElementById('spa-checkout'), { amount: '2400000' }));",
        vec![],
    )
    .await?;
    wait_for_plans(
        &h,
        "spa-checkout",
        "the checkout mounted from JS after load()",
    )
    .await?;

    assert_eq!(wasm_loaded(&h).await?, vec!["badge", "checkout"]);
    // The checkout bundle links its own stylesheet: the selected plan's dot is filled.
    let border = h
        .js(
            "const p = document.getElementById('spa-checkout').shadowRoot \
               .querySelector('.kc-plan[aria-checked=\"true\"] .kc-dot'); \
             return getComputedStyle(p).borderTopWidth;",
            vec![],
        )
        .await?;
    assert_eq!(
        border, "6px",
        "kredivo-checkout.css applies inside the shadow root"
    );
    h.screenshot("listing-with-spa-checkout").await?;
    h.stop().await
}

/// The loader starts a checkout's first payment-types request itself, while the bundle
/// downloads and compiles, and the widget takes that answer instead of asking again: one
/// request, sent before the wasm was instantiated. A checkout whose request the loader could
/// not start (a `data-cart` list) still asks for itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_loader_asks_for_the_plans_while_the_widget_loads() -> anyhow::Result<()> {
    let h = Harness::start("prefetch", &[]).await?;
    // A page with the loader and no widget yet: the checkout arrives as a single-page app
    // would add it, and the loader's observer loads the bundle for it.
    h.goto("/www/return.html").await?;
    h.js(
        "const a = document.createElement('div'); a.id = 'by-amount'; \
         a.dataset.kredivoCheckout = ''; a.dataset.amount = '2400000'; \
         const c = document.createElement('div'); c.id = 'by-cart'; \
         c.dataset.kredivoCheckout = ''; \
         c.dataset.cart = JSON.stringify([{ product_id: 'batik-parang-m', quantity: 10 }]); \
         document.body.append(a, c);",
        vec![],
    )
    .await?;
    wait_for_plans(&h, "by-amount", "the prefetched plans shown").await?;
    wait_for_plans(&h, "by-cart", "the cart's plans shown").await?;
    let timeline = h
        .js(
            "const i = performance.getEntriesByName('kredivo:checkout-instantiated')[0].startTime; \
             const r = performance.getEntriesByType('resource') \
               .filter(e => e.name.endsWith('/api/kredivo/v1/payment-types')); \
             return { requests: r.length, before: r.filter(e => e.startTime < i).length };",
            vec![],
        )
        .await?;
    assert_eq!(
        timeline["requests"], 2,
        "one request per checkout, none repeated: {timeline}"
    );
    assert_eq!(
        timeline["before"], 1,
        "the amount's request started before instantiation, the cart's after: {timeline}"
    );
    let amount = h
        .js(
            "return document.getElementById('by-amount').shadowRoot.textContent;",
            vec![],
        )
        .await?;
    assert!(
        amount.as_str().unwrap_or_default().contains("2.400.000"),
        "the prefetched answer is the one shown: {amount}"
    );
    h.stop().await
}
