//! The demo as one process: the merchant proxy's router, the provider sandbox mounted under
//! `/sandbox`, and the static demo store (`index.html`, `www/`, `dist/`) beside them.
//!
//! Production is the same proxy without the sandbox and with real provider hosts in config;
//! this crate is mostly glue (the end-to-end tests in `crates/e2e` drive it through a
//! browser). It also plays a merchant's backend for the store without JavaScript
//! (`src/shop/`: server-rendered pages under `/shop`), which fetch the proxy's checkout
//! fragment server side as a merchant's server would.
#![deny(missing_docs)]

mod shop;

use std::path::PathBuf;

use axum::http::{header, HeaderValue};
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

// One definition for the one-process demo and the replica demo behind nginx (crates/stack).
pub use kredivo_stack::stack::{CSP, CSP_NONCE, DEMO_MERCHANT_API_KEY};

/// What the demo process is built from.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// Where a browser reaches this process, without a trailing slash:
    /// `http://127.0.0.1:8080`. Provider redirects, push and return URLs derive from it.
    pub base_url: String,
    /// The repository root: `index.html`, `www/` and `dist/` are served from here.
    pub root: PathBuf,
    /// The order store (`sqlite://…`).
    pub database_url: String,
    /// Extra proxy settings by environment-variable name (`GATEWAY`, `ADMIN_TOKEN`, …);
    /// real environment variables win over these defaults.
    pub overrides: Vec<(String, String)>,
}

impl DemoConfig {
    /// Defaults for `base_url`, with the store under `./data/`.
    pub fn new(base_url: impl Into<String>, root: impl Into<PathBuf>) -> Self {
        Self {
            base_url: base_url.into(),
            root: root.into(),
            database_url: "sqlite://data/demo.db".into(),
            overrides: Vec::new(),
        }
    }
}

/// The whole demo as one router.
pub async fn app(config: DemoConfig) -> anyhow::Result<Router> {
    let base = config.base_url.trim_end_matches('/').to_owned();

    let mut sandbox_config = kredivo_sandbox::SandboxConfig {
        public_base_url: format!("{base}/sandbox"),
        ..Default::default()
    };
    // The "deactivated from the Kredivo app" push goes to the proxy's push URL (issue 17).
    sandbox_config.kredivo.token_push_url = Some(format!("{base}/api/kredivo/v1/push"));
    let sandbox = kredivo_sandbox::Sandbox::new(sandbox_config);

    // The proxy reads the same variables as in production; the demo only supplies defaults
    // that point it at the embedded sandbox.
    let defaults = kredivo_stack::stack::demo_env(&base, &config.root, &config.database_url);
    let lookup = |name: &str| -> Option<String> {
        std::env::var(name)
            .ok()
            .or_else(|| {
                config
                    .overrides
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            })
            .or_else(|| {
                defaults
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.clone())
            })
    };
    let proxy_config = kredivo_proxy::Config::from_lookup(lookup)?;
    let state = kredivo_proxy::AppState::new(proxy_config, kredivo_proxy::Deps::default()).await?;
    // The webhook worker lives as long as the runtime serving the demo.
    drop(kredivo_proxy::spawn_background(&state));

    let proxy = kredivo_proxy::app(state);
    let shop = shop::routes(proxy.clone(), &base, config.root.clone());
    Ok(proxy
        .nest("/sandbox", sandbox.router())
        .merge(shop)
        .merge(static_site(&config.root)))
}

/// `index.html`, `www/` and `dist/` with the demo's CSP and cache headers.
fn static_site(root: &std::path::Path) -> Router {
    let csp = SetResponseHeaderLayer::overriding(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    let no_cache = SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    );
    // Files under dist/ carry a content hash in their names (but the loader), so they are
    // cached for good (`immutable`: a reload asks nothing); the loader keeps a stable name and
    // is revalidated, and it names the hashed files of the current build.
    // The widget's files are public: a shop on another origin loads them (a module script and
    // its wasm are fetched in CORS mode), as it would from a CDN.
    let any_origin = SetResponseHeaderLayer::overriding(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    let dist = Router::new()
        .nest_service(
            "/dist",
            ServeDir::new(root.join("dist"))
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(no_cache.clone())
        .layer(axum::middleware::from_fn(hashed_is_immutable))
        .layer(any_origin);
    // The template lives outside every served folder: no path (nor nginx's static files in the
    // replica layout) can serve it raw, with its placeholder for a nonce.
    let nonce_page = root.join("crates/demo/csp-nonce.html");
    Router::new()
        .route_service("/", ServeFile::new(root.join("index.html")))
        .route_service("/index.html", ServeFile::new(root.join("index.html")))
        .nest_service("/www", ServeDir::new(root.join("www")))
        .layer(no_cache)
        .merge(dist)
        .layer(csp)
        // Its own policy, with a nonce of its own per response.
        .route(
            "/www/csp-nonce.html",
            axum::routing::get(move || nonce_page_response(nonce_page.clone())),
        )
}

/// `Cache-Control: immutable` for a content-hashed file under `/dist`
/// (`kredivo-badge.8f58568799.css`): its bytes can never change under that name, so a warm
/// cache asks nothing. Errors keep the `no-cache` set inside.
async fn hashed_is_immutable(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let hashed = is_content_hashed(request.uri().path());
    let mut response = next.run(request).await;
    let status = response.status();
    if hashed && (status.is_success() || status == axum::http::StatusCode::NOT_MODIFIED) {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    response
}

/// Whether a `/dist` path names a content-hashed file: `name.<10 hex digits>.<ext>`.
pub fn is_content_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let mut parts = file.rsplitn(3, '.');
    let (_ext, hash) = (parts.next(), parts.next().unwrap_or_default());
    parts.next().is_some_and(|stem| !stem.is_empty())
        && hash.len() == 10
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `crates/demo/csp-nonce.html` with a fresh nonce in its tags and in its policy ([`CSP_NONCE`]):
/// the page that proves the widget works where scripts and styles are allowed by nonce only.
async fn nonce_page_response(path: PathBuf) -> axum::response::Response {
    use axum::response::IntoResponse;
    use base64::Engine;
    use rand::RngCore;

    let template = match tokio::fs::read_to_string(&path).await {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(path = %path.display(), error = %e, "cannot read the nonce page");
            return (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "the page is unavailable",
            )
                .into_response();
        }
    };
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let nonce = base64::engine::general_purpose::STANDARD.encode(bytes);
    let policy = CSP_NONCE.replace("{nonce}", &nonce);
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
            (header::CONTENT_SECURITY_POLICY, policy),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        template.replace("__NONCE__", &nonce),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::is_content_hashed;

    #[test]
    fn only_content_hashed_names_are_cached_for_good() {
        for hashed in [
            "/dist/kredivo-badge.8f58568799.css",
            "/dist/kredivo-checkout.8a50331afa.wasm",
            "/dist/kredivo-logo-blue.624bdae169.svg",
        ] {
            assert!(is_content_hashed(hashed), "{hashed}");
        }
        for stable in [
            "/dist/kredivo-checkout.js",
            "/dist/kredivo-checkout.d.ts",
            "/dist/manifest.json",
            "/dist/.8f58568799.css",
            "/dist/kredivo.8F58568799.css",
            "/dist/kredivo.8f5856879.css",
            "/dist/npm/package.json",
        ] {
            assert!(!is_content_hashed(stable), "{stable}");
        }
    }
}
