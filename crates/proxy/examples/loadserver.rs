//! The proxy with the Kredivo sandbox nested under `/sandbox`, on one loopback port, tuned
//! for load measurement (no rate limit, a long payment-types cache, warn-level logs).
//! Used by `bench/load.sh`; independent of the demo crate.
//!
//! ```sh
//! cargo run --release -p kredivo-proxy --example loadserver -- 18080
//! ```

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use kredivo_proxy::ops::shutdown::{cancel_on_signal, serve_until};
use kredivo_proxy::{app, AppState, Config, Deps, RateLimit, Secret};
use kredivo_sandbox::{Sandbox, SandboxConfig, DOC_SERVER_KEY};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("warn"))
        .with_writer(std::io::stderr)
        .init();
    let port: u16 = std::env::args()
        .nth(1)
        .map(|p| p.parse())
        .transpose()?
        .unwrap_or(18080);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let base = format!("http://{addr}");
    let db = std::env::temp_dir().join(format!("kredivo-loadserver-{}.db", std::process::id()));

    let sandbox =
        Sandbox::new(SandboxConfig::default().with_public_base_url(format!("{base}/sandbox")));
    let config = Config {
        server_key: Secret::new(DOC_SERVER_KEY),
        kredivo_base_url: format!("{base}/sandbox/kredivo").parse()?,
        public_base_url: base.parse()?,
        database_url: format!("sqlite://{}", db.display()),
        rate_limit: RateLimit::OFF,
        notify_rate_limit: RateLimit::OFF,
        payment_types_cache_ttl: Duration::from_secs(3600),
        ..Config::default()
    };
    let state = AppState::new(config, Deps::default()).await?;
    let state_stop = state.shutdown_token().clone();
    let router: Router = app(state).nest("/sandbox", sandbox.router());
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!("loadserver ready on {base} (sandbox at {base}/sandbox/kredivo)");
    let stop = state_stop.clone();
    tokio::spawn(cancel_on_signal(stop.clone()));
    let served = serve_until(listener, router, stop, Duration::from_secs(5)).await;
    let _ = std::fs::remove_file(&db);
    let _ = std::fs::remove_file(db.with_extension("db-wal"));
    let _ = std::fs::remove_file(db.with_extension("db-shm"));
    served?;
    Ok(())
}
