//! The npm package as a front-end team uses it: `dist/npm` packed with `npm pack`, installed
//! from the tarball into a throwaway shop, a TypeScript page that uses every public type and
//! method type-checked with `tsc --noEmit --strict`, bundled with esbuild, served from the
//! shop's own origin under a strict policy, and paid through in Chromium. The `.d.ts` cannot
//! drift from what the loader really offers: a missing type fails `tsc`, a missing method
//! fails the page.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{bail, Context};
use axum::http::{header, HeaderValue};
use kredivo_e2e::journey::{shadow_click, sign_in_and_confirm_at_the_sandbox};
use kredivo_e2e::{free_port, repo_root, Harness};
use serde_json::{json, Value};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

const T: Duration = Duration::from_secs(20);
const MERCHANT_KEY: &str = kredivo_demo::DEMO_MERCHANT_API_KEY;

/// Runs `program args` in `dir`, failing with its output.
fn run(dir: &Path, program: &str, args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .with_context(|| format!("cannot run {program}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if !out.status.success() {
        bail!(
            "`{program} {}` failed in {}:\n{text}",
            args.join(" "),
            dir.display()
        );
    }
    Ok(text)
}

/// The pinned build tool `bin` of xtask/minify (`npm ci` by `cargo xtask dist`).
fn tool(path: &str) -> anyhow::Result<String> {
    let bin = repo_root().join("xtask/minify/node_modules").join(path);
    if !bin.exists() {
        bail!(
            "{} is missing: `cargo xtask dist` installs xtask/minify's tools (npm ci)",
            bin.display()
        );
    }
    Ok(bin.display().to_string())
}

/// Packs, installs, type-checks and bundles the shop; returns the folder to serve.
fn build_shop(proxy: &str) -> anyhow::Result<PathBuf> {
    let root = repo_root();
    let package = root.join("dist/npm");
    if !package.join("package.json").exists() {
        bail!("dist/npm is missing: run `cargo xtask dist` first");
    }
    // Beside the harness's artifacts folder, which the harness empties when it starts.
    let shop = root.join("target/e2e-artifacts/npm-shop");
    let _ = std::fs::remove_dir_all(&shop);
    std::fs::create_dir_all(shop.join("public"))?;

    // npm pack: exactly what `npm publish` would upload.
    let packed = run(
        &shop,
        "npm",
        &[
            "pack",
            &package.display().to_string(),
            "--pack-destination",
            ".",
            "--json",
        ],
    )?;
    let packed: Value = serde_json::from_str(packed.trim_start_matches(|c| c != '['))
        .with_context(|| format!("npm pack --json printed {packed}"))?;
    let tarball = packed[0]["filename"]
        .as_str()
        .context("npm pack named no tarball")?
        .to_owned();
    let files: Vec<&str> = packed[0]["files"]
        .as_array()
        .context("npm pack listed no files")?
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    for expected in [
        "package.json",
        "index.js",
        "index.d.ts",
        "kredivo-checkout.js",
        "kredivo-checkout.d.ts",
        "README.md",
    ] {
        assert!(
            files.contains(&expected),
            "{expected} not packed: {files:?}"
        );
    }
    for ext in [".wasm", ".css", ".svg"] {
        assert!(
            files.iter().any(|f| f.ends_with(ext)),
            "no {ext} file packed: {files:?}"
        );
    }
    assert!(
        !files
            .iter()
            .any(|f| f.ends_with(".br") || f.ends_with(".gz")),
        "the package carries no pre-compressed copies: {files:?}"
    );

    // TypeScript reads `exports` conditions in order: `types` must come before `default`.
    let manifest = std::fs::read_to_string(package.join("package.json"))?;
    let (types, default) = (
        manifest.find(r#""types": "./index.d.ts""#),
        manifest.find(r#""default""#),
    );
    assert!(
        matches!((types, default), (Some(t), Some(d)) if t < d),
        "exports lists types first: {manifest}"
    );

    // A throwaway project installs the tarball (no registry needed: it has no dependencies).
    std::fs::write(
        shop.join("package.json"),
        r#"{ "name": "npm-e2e-shop", "private": true, "type": "module" }"#,
    )?;
    run(
        &shop,
        "npm",
        &[
            "install",
            "--offline",
            "--no-audit",
            "--no-fund",
            &format!("./{tarball}"),
        ],
    )?;

    let sources = root.join("crates/e2e/npm-shop");
    for name in ["app.ts", "tsconfig.json", "bundle.cjs"] {
        std::fs::copy(sources.join(name), shop.join(name))?;
    }
    let page = std::fs::read_to_string(sources.join("index.html"))?.replace("__PROXY__", proxy);
    std::fs::write(shop.join("public/index.html"), page)?;

    // The types: every public type and method, strict.
    run(
        &shop,
        "node",
        &[&tool("typescript/bin/tsc")?, "--project", "tsconfig.json"],
    )?;

    // The bundle, and the package's files beside it (the loader finds them next to itself).
    let esbuild = repo_root().join("xtask/minify/node_modules/esbuild");
    tool("esbuild/package.json")?;
    run(
        &shop,
        "node",
        &["bundle.cjs", &esbuild.display().to_string()],
    )?;
    let installed = shop.join("node_modules/kredivo-checkout");
    for entry in std::fs::read_dir(&installed)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("kredivo-") && !name.ends_with(".d.ts") {
            std::fs::copy(entry.path(), shop.join("public").join(&name))?;
        }
    }
    Ok(shop.join("public"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_bundled_from_the_npm_package_type_checks_and_pays() -> anyhow::Result<()> {
    let port = free_port()?;
    let proxy = format!("http://127.0.0.1:{port}");
    let public = build_shop(&proxy)?;

    // The shop's own origin serves the bundle and the package's files, with a policy that
    // names the proxy for connections and nothing inline for scripts.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let shop = format!("http://127.0.0.1:{}", listener.local_addr()?.port());
    let csp = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self' {proxy}; object-src 'none'; base-uri 'none'"
    );
    let site = axum::Router::new()
        .fallback_service(ServeDir::new(&public))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&csp)?,
        ));
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, site).await;
    });

    let h = Harness::start_at("npm", port, &[("ALLOWED_ORIGINS", shop.as_str())]).await?;

    // The shop's server creates the session, as a real one would.
    let http = reqwest::Client::new();
    let created: Value = http
        .post(format!("{proxy}/api/kredivo/v1/sessions"))
        .bearer_auth(MERCHANT_KEY)
        .json(&json!({
            "reference": "NPM-0001", "amount": "578000",
            "items": [{"id": "batik-1", "name": "Kemeja batik", "price": "289000", "quantity": 2,
                       "url": format!("{shop}/batik"), "type": "Fashion"}],
            "customer": {"first_name": "Budi", "last_name": "Santoso", "email": "budi@example.co.id", "phone": "081234567890"},
            "shipping_address": {"first_name": "Budi", "address": "Jl. Sudirman 1", "city": "Jakarta",
                                 "postal_code": "10220", "phone": "081234567890", "country_code": "IDN"}
        }))
        .send()
        .await?
        .json()
        .await?;
    let secret = created["client_secret"]
        .as_str()
        .with_context(|| format!("no client secret in {created}"))?
        .to_owned();
    let session_id = created["session_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    h.client
        .goto(&format!("{shop}/index.html#session={secret}&proxy={proxy}"))
        .await?;
    let report = h
        .wait_js(
            "the page's report",
            "window.__npm && window.__npm.done ? window.__npm : null",
            T,
        )
        .await?;
    assert_eq!(report["failure"], Value::Null, "{report}");
    assert_eq!(report["version"], env!("CARGO_PKG_VERSION"), "{report}");
    assert_eq!(
        report["sameApi"], true,
        "the default export is the named one"
    );
    assert_eq!(report["globalApi"], true, "and window.KredivoCheckout");
    assert_eq!(report["checkoutMounted"], true, "{report}");
    assert_eq!(report["destroyed"], true, "{report}");
    assert!(
        report["unknownKind"]
            .as_str()
            .is_some_and(|m| m.contains("unknown widget kind")),
        "{report}"
    );
    // Every plan of Rp 2,400,000 (four), ten times.
    assert_eq!(report["plansComputed"], 40, "{report}");
    let badge = report["badgeText"].as_str().unwrap_or_default();
    assert!(
        badge.contains("Rp"),
        "the badge shows an installment: {report}"
    );
    assert_eq!(report["errors"], json!([]), "{report}");
    let loaded: Vec<&str> = report["loaded"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert!(
        loaded.contains(&"checkout") && loaded.contains(&"badge"),
        "{report}"
    );

    // The shopper pays: a plan, the Kredivo button, the sandbox's sign-in.
    let host = "#pay";
    let ready = h
        .wait_js(
            "the plans",
            "window.__npm.ready && window.__npm.ready.paymentTypes.length ? window.__npm.ready : null",
            T,
        )
        .await?;
    assert_eq!(ready["amount"], "578000", "{ready}");
    // Not the first plan: that one is selected already and choosing it again says nothing.
    let types: Vec<&str> = ready["paymentTypes"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let plan = types
        .iter()
        .find(|t| **t == "6_months")
        .or(types.last())
        .copied()
        .unwrap_or("30_days")
        .to_owned();
    h.js(
        &shadow_click(host, &format!("[role=radio][data-payment-type=\"{plan}\"]")),
        vec![],
    )
    .await?;
    h.screenshot("npm-shop-checkout").await?;
    let selected = h
        .wait_js("the selection event", "window.__npm.selected", T)
        .await?;
    assert_eq!(selected, plan.as_str());
    h.js(&shadow_click(host, "button.kc-pay"), vec![]).await?;

    let chosen = sign_in_and_confirm_at_the_sandbox(&h).await?;
    assert_eq!(
        chosen, plan,
        "the widget's choice is preselected at Kredivo"
    );

    // The session's order settles (the sandbox's push, confirmed with it).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    let view = loop {
        let view: Value = http
            .get(format!("{proxy}/api/kredivo/v1/sessions/{session_id}"))
            .bearer_auth(MERCHANT_KEY)
            .send()
            .await?
            .json()
            .await?;
        if view["order"]["status"] == "settled" || tokio::time::Instant::now() > deadline {
            break view;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(view["order"]["status"], "settled", "{view}");
    assert_eq!(view["order"]["payment_type"], plan.as_str(), "{view}");
    h.screenshot("npm-shop-paid").await?;
    server.abort();
    h.stop().await
}
