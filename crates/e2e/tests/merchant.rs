//! A real merchant, end to end: the Node example shop (examples/node-merchant) creates a
//! checkout session on its server, serves a page with the script tag and `data-session`, the
//! shopper pays in headless Chromium through the sandbox's sign-in, and the shop's own order
//! says paid because the proxy's signed webhook arrived and its documented verifier accepted
//! it. Once through Kredivo direct and once through an aggregator (Midtrans).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::Locator;
use kredivo_e2e::journey::{shadow_click, sign_in_and_confirm_at_the_sandbox};
use kredivo_e2e::{free_port, repo_root, Harness};
use serde_json::Value;

const T: Duration = Duration::from_secs(20);
const MERCHANT_KEY: &str = "demo_merchant_key_for_local_use_only_0001";
const WEBHOOK_SECRET: &str = "whsec_e2e_merchant_0123456789abcdefghij";
const ADMIN: &str = "admin-token-for-the-merchant-e2e";

/// The Node shop, killed when dropped.
struct Shop {
    child: Child,
    url: String,
    _data: tempdir::Dir,
}

mod tempdir {
    /// A directory removed when dropped.
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl Drop for Shop {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_shop(proxy: &str, name: &str) -> anyhow::Result<Shop> {
    // Beside the test's artifacts folder, not in it: `Harness::start_at` empties that folder
    // after the shop has started.
    let data = repo_root()
        .join("target/e2e-artifacts")
        .join(format!("{name}-shop-data"));
    std::fs::create_dir_all(&data)?;
    let mut child = Command::new("node")
        .arg(repo_root().join("examples/node-merchant/server.js"))
        .env("PORT", "0")
        .env("PROXY_URL", proxy)
        .env("MERCHANT_API_KEY", MERCHANT_KEY)
        .env("MERCHANT_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .env("DATA_DIR", &data)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot start node (the test command installs it): {e}"))?;
    let stdout = child.stdout.take().expect("stdout");
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first)?;
    let url = first
        .trim()
        .strip_prefix("listening on ")
        .ok_or_else(|| anyhow::anyhow!("the shop said {first:?}"))?
        .to_owned();
    Ok(Shop {
        child,
        url,
        _data: tempdir::Dir(data),
    })
}

async fn a_merchant_sells_through(gateway: &str) -> anyhow::Result<()> {
    let name = format!("merchant-{gateway}");
    let port = free_port()?;
    let proxy = format!("http://127.0.0.1:{port}");
    let shop = start_shop(&proxy, &name)?;
    let hook = format!("{}/webhooks/kredivo", shop.url);
    let origins = format!("{proxy},{}", shop.url);
    let mut overrides = vec![
        ("MERCHANT_WEBHOOK_URL", hook.as_str()),
        ("MERCHANT_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("ALLOWED_ORIGINS", origins.as_str()),
        ("ADMIN_TOKEN", ADMIN),
    ];
    if gateway != "kredivo" {
        overrides.push(("GATEWAY", gateway));
    }
    let h = Harness::start_at(&name, port, &overrides).await?;

    // The shop's cart: one shirt, the shopper's details, check out.
    h.client.goto(&shop.url).await?;
    h.wait_js(
        "the shop's cart form",
        "document.querySelector('#checkout')",
        T,
    )
    .await?;
    h.js(
        "const q = document.querySelector('input[name^=\"qty.\"]'); q.value = '1';
         const set = (n, v) => { document.querySelector(`input[name=\"${n}\"]`).value = v; };
         set('first_name', 'Oemang'); set('last_name', 'Tandra'); set('email', 'alie@satuduatiga.com');
         set('phone', '081513114262'); set('address', 'Jalan Teknologi Indonesia No. 25');
         set('city', 'Jakarta'); set('postal_code', '12960'); return true;",
        vec![],
    )
    .await?;
    h.screenshot("shop-cart").await?;
    h.js(
        "document.querySelector('#checkout').click(); return true;",
        vec![],
    )
    .await?;

    // The shop's checkout page: the widget with only the session's client secret.
    let host = "#kredivo-checkout";
    let reference = h
        .wait_js(
            "the shop's order summary",
            "document.querySelector('#order-summary') && document.querySelector('#order-summary').dataset.reference",
            T,
        )
        .await?
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let secret_only = h
        .js(
            "const d = document.querySelector('[data-kredivo-checkout]');
             return !!d.dataset.session && !d.dataset.amount && !d.dataset.cart && !d.dataset.cartId;",
            vec![],
        )
        .await?;
    assert_eq!(secret_only, true, "the browser names no amount or cart");
    // Rp 309.000 is offered in 30 days only (the shorter plans need larger amounts).
    let plan = h
        .wait_js(
            "a plan",
            &format!(
                "(() => {{ const r = document.querySelector({host:?}).shadowRoot.querySelector('[role=radio][data-payment-type]'); \
                   return r ? r.dataset.paymentType : null; }})()"
            ),
            T,
        )
        .await?;
    let plan = plan.as_str().unwrap_or_default().to_owned();
    h.js(
        &shadow_click(host, &format!("[role=radio][data-payment-type=\"{plan}\"]")),
        vec![],
    )
    .await?;
    h.screenshot("shop-checkout").await?;
    h.js(&shadow_click(host, "button.kc-pay"), vec![]).await?;

    // Kredivo's pages (the sandbox).
    let chosen = sign_in_and_confirm_at_the_sandbox(&h).await?;
    assert_eq!(
        chosen, plan,
        "the widget's choice is preselected at Kredivo"
    );

    // Back at the shop: its own order is paid, because the verified webhook said so.
    h.wait_url(&format!("{}/return/", shop.url), T).await?;
    let status = h
        .wait_js(
            "the shop's order paid",
            "(() => { const e = document.querySelector('#order-status'); \
               return e && e.dataset.status === 'paid' ? 'paid' : null; })()",
            Duration::from_secs(40),
        )
        .await?;
    assert_eq!(status, "paid");
    h.screenshot("shop-paid").await?;
    // The shop's own record, as its JSON endpoint shows it (opened, not fetched: the shop's
    // pages allow no script connections but to the proxy).
    h.client
        .goto(&format!("{}/orders/{reference}", shop.url))
        .await?;
    let text = h.js("return document.body.innerText;", vec![]).await?;
    let record: Value = serde_json::from_str(text.as_str().unwrap_or_default())?;
    assert_eq!(record["status"], "paid", "{record}");

    // What the provider was sent is the shop's order: its customer, address and fee line.
    let order_id = record["kredivo"]["order_id"]
        .as_str()
        .or_else(|| record["order_id"].as_str())
        .unwrap_or_default()
        .to_owned();
    // The admin API answers its own origin only (no CORS): ask from the proxy's.
    h.goto("/www/return.html").await?;
    let detail: Value = h
        .js(
            "const [url, token] = arguments;
             return fetch(url, { headers: { authorization: 'Bearer ' + token } }).then(r => r.json());",
            vec![
                Value::String(format!("/api/kredivo/v1/admin/orders/{order_id}")),
                Value::String(ADMIN.into()),
            ],
        )
        .await?;
    let checkout_op = if gateway == "kredivo" {
        "checkout_url"
    } else {
        "charge"
    };
    let sent = detail["provider_calls"]
        .as_array()
        .and_then(|calls| calls.iter().find(|c| c["operation"] == checkout_op))
        .and_then(|c| c["request"].as_str())
        .map(|r| r.to_owned())
        .unwrap_or_else(|| panic!("no {checkout_op} call in {detail}"));
    for expected in [
        "alie@satuduatiga.com",
        "Jalan Teknologi Indonesia No. 25",
        "12960",
        "shippingfee",
    ] {
        assert!(
            sent.contains(expected),
            "{expected} not in what {gateway} was sent: {sent}"
        );
    }
    assert_eq!(detail["order"]["status"], "settled");
    assert_eq!(detail["order"]["reference"], reference.as_str());
    h.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_merchant_sells_through_kredivo_with_a_session_and_a_verified_webhook(
) -> anyhow::Result<()> {
    a_merchant_sells_through("kredivo").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_merchant_sells_through_midtrans_with_a_session_and_a_verified_webhook(
) -> anyhow::Result<()> {
    a_merchant_sells_through("midtrans").await
}

/// A shopper whose browser runs no JavaScript at all (an old WebView, a script blocker): the
/// shop embeds the proxy's server-rendered form in the widget's div, and the shopper pays with
/// plain form posts — plan chosen, Kredivo's sign-in, back at the shop, settled by the push and
/// the shop's order paid by the verified webhook.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shopper_without_javascript_pays_through_the_servers_form() -> anyhow::Result<()> {
    let name = "merchant-nojs";
    let port = free_port()?;
    let proxy = format!("http://127.0.0.1:{port}");
    let shop = start_shop(&proxy, name)?;
    let hook = format!("{}/webhooks/kredivo", shop.url);
    let origins = format!("{proxy},{}", shop.url);
    let overrides = [
        ("MERCHANT_WEBHOOK_URL", hook.as_str()),
        ("MERCHANT_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("ALLOWED_ORIGINS", origins.as_str()),
    ];
    let h = Harness::start_browser(name, port, &overrides, false).await?;
    let c = &h.client;
    c.goto(&shop.url).await?;
    let qty = c.find(Locator::Css("input[name^=\"qty.\"]")).await?;
    qty.clear().await?;
    qty.send_keys("1").await?;
    // The shop's form comes prefilled with a shopper; only the quantity is chosen.
    h.screenshot("nojs-cart").await?;
    c.find(Locator::Css("#checkout")).await?.click().await?;

    // The fallback form, inside the widget's div (no widget: no script ran).
    let form = c
        .wait()
        .at_most(T)
        .for_element(Locator::Css("#kredivo-checkout form.kredivo-fallback"))
        .await?;
    let radios = c
        .find_all(Locator::Css(
            "#kredivo-checkout input[type=radio][name=payment_type]",
        ))
        .await?;
    assert!(!radios.is_empty(), "the plans are offered");
    radios[0].click().await?;
    h.screenshot("nojs-checkout").await?;
    form.find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;

    // Kredivo's sign-in, plain forms.
    kredivo_e2e::journey::sign_in_and_confirm_without_script(&h).await?;

    // Back at the shop; its page refreshes itself (a meta refresh, no script) until paid.
    h.wait_url(&format!("{}/return/", shop.url), T).await?;
    c.wait()
        .at_most(Duration::from_secs(40))
        .for_element(Locator::Css("#order-status[data-status=paid]"))
        .await?;
    h.screenshot("nojs-paid").await?;
    h.stop().await
}
