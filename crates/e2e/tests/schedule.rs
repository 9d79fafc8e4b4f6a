//! The schedule picture (issue 18), in headless Chromium against the demo: a badge's
//! breakdown frames the proxy's month-by-month schedule of the plan it advertises, and the
//! checkout's summary that of the plan chosen — bars, due months, the amounts, and a table
//! for screen readers — in both languages and both themes (the widget's `color-scheme`
//! carries its theme into the framed document).

use std::time::Duration;

use kredivo_e2e::Harness;
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_badge_breakdown_and_the_checkout_show_the_schedule_in_both_languages_and_themes(
) -> anyhow::Result<()> {
    let h = Harness::start("schedule", &[]).await?;
    for (locale, theme, caption, background) in [
        (
            "id",
            "light",
            "Jadwal cicilan · 12 bulan",
            "rgb(246, 248, 251)",
        ),
        (
            "en",
            "light",
            "Installment schedule · 12 months",
            "rgb(246, 248, 251)",
        ),
        ("id", "dark", "Jadwal cicilan · 12 bulan", "rgb(29, 35, 48)"),
        (
            "en",
            "dark",
            "Installment schedule · 12 months",
            "rgb(29, 35, 48)",
        ),
    ] {
        // A dark badge sits on a dark page.
        h.goto("/www/return.html").await?;
        h.js(
            "const [l, t] = arguments; const main = document.querySelector('main'); \
             main.innerHTML = '<h1>Smartphone X5</h1>'; const b = document.createElement('div'); \
             b.id = 'badge'; b.dataset.kredivoBadge = ''; b.dataset.amount = '2400000'; \
             b.dataset.locale = l; b.dataset.theme = t; main.append(b); \
             if (t === 'dark') { document.body.style.background = '#151922'; main.style.color = '#eef1f7'; } \
             return true;",
            vec![json!(locale), json!(theme)],
        )
        .await?;
        h.wait_js(
            "the badge",
            "!!document.getElementById('badge')?.shadowRoot?.querySelector('.kc-badge')",
            T,
        )
        .await?;
        h.js(
            "document.getElementById('badge').shadowRoot.querySelector('.kc-badge').click(); return true;",
            vec![],
        )
        .await?;
        // The framed document is the proxy's, same-origin in the demo: read it.
        h.wait_js(
            "the schedule drawn",
            "(() => { const f = document.getElementById('badge').shadowRoot.querySelector('iframe.kc-sched'); \
               const d = f && f.contentDocument; \
               return !!d && d.readyState === 'complete' && d.querySelectorAll('svg rect').length === 12; })()",
            T,
        )
        .await?;
        let seen: Value = h
            .js(
                "const f = document.getElementById('badge').shadowRoot.querySelector('iframe.kc-sched'); \
                 const d = f.contentDocument; \
                 return [f.title, d.querySelector('caption').textContent, \
                         d.querySelectorAll('tr th[scope=row]').length, \
                         getComputedStyle(d.body).backgroundColor, d.documentElement.lang, \
                         d.querySelector('.r').textContent];",
                vec![],
            )
            .await?;
        assert_eq!(seen[1], json!(caption), "{seen}");
        assert_eq!(
            seen[2],
            json!(12),
            "a row per month for screen readers: {seen}"
        );
        assert_eq!(
            seen[3],
            json!(background),
            "the widget's theme reached the document: {seen}"
        );
        assert_eq!(seen[4], json!(locale), "{seen}");
        let runs = seen[5].as_str().unwrap_or_default();
        let money = if locale == "en" { "248,050" } else { "248.050" };
        assert!(
            runs.contains(money),
            "doc 000's 12-month installment: {runs}"
        );
        h.screenshot(&format!("schedule-{locale}-{theme}")).await?;
        h.assert_accessible(&format!("schedule-{locale}-{theme}"))
            .await?;
    }

    // The checkout's summary frames the selected plan's schedule, drawn from the proxy's
    // figures for that plan; choosing another plan draws its months.
    for (locale, theme, caption) in [
        ("id", "light", "Jadwal cicilan · 3 bulan"),
        ("en", "dark", "Installment schedule · 3 months"),
    ] {
        h.goto("/www/return.html").await?;
        h.js(
            "const [l, t] = arguments; const main = document.querySelector('main'); \
             main.innerHTML = '<h1>Checkout</h1>'; const c = document.createElement('div'); \
             c.id = 'checkout'; c.dataset.kredivoCheckout = ''; c.dataset.amount = '2400000'; \
             c.dataset.locale = l; c.dataset.theme = t; main.append(c); \
             if (t === 'dark') { document.body.style.background = '#151922'; main.style.color = '#eef1f7'; } \
             return true;",
            vec![json!(locale), json!(theme)],
        )
        .await?;
        let three = "document.getElementById('checkout')?.shadowRoot?.querySelector('[data-payment-type=\"3_months\"]')";
        h.wait_js("the plans", &format!("!!{three}"), T).await?;
        h.js(&format!("{three}.click(); return true;"), vec![])
            .await?;
        h.wait_js(
            "the 3 months' schedule drawn",
            "(() => { const f = document.getElementById('checkout').shadowRoot.querySelector('iframe.kc-sched'); \
               const d = f && f.contentDocument; \
               return !!d && d.readyState === 'complete' && d.querySelectorAll('svg rect').length === 3; })()",
            T,
        )
        .await?;
        let seen: Value = h
            .js(
                "const f = document.getElementById('checkout').shadowRoot.querySelector('iframe.kc-sched'); \
                 return [f.contentDocument.querySelector('caption').textContent, \
                         f.contentDocument.querySelector('.r').textContent];",
                vec![],
            )
            .await?;
        assert_eq!(seen[0], json!(caption), "{seen}");
        let money = if locale == "en" {
            "Rp 856,290"
        } else {
            "Rp 856.290"
        };
        assert!(
            seen[1].as_str().unwrap_or_default().contains(money),
            "doc 000's 3 months: {seen}"
        );
        h.js(
            "document.getElementById('checkout').scrollIntoView(); return true;",
            vec![],
        )
        .await?;
        h.screenshot(&format!("checkout-schedule-{locale}-{theme}"))
            .await?;
        h.assert_accessible(&format!("checkout-schedule-{locale}-{theme}"))
            .await?;
    }
    h.stop().await
}
