//! `cargo run -p kredivo-sandbox -- --port 9000`: the sandbox alone, mounted under
//! `/sandbox` like in the demo, so Kredivo's base URL is `http://127.0.0.1:9000/sandbox/kredivo`.

use std::time::Duration;

use anyhow::{bail, Context};
use kredivo_sandbox::{Sandbox, SandboxConfig};

const USAGE: &str = "usage: kredivo-sandbox [--port N] [--public-url URL] [--token-push-url URL]\n\
  --port N          listen on 127.0.0.1:N (default 8090; 0 picks a free port)\n\
  --public-url URL  base URL browsers use to reach /sandbox (default http://127.0.0.1:N/sandbox)\n\
  --token-push-url URL  where the \"deactivated from the Kredivo app\" push goes (the merchant's push URL)";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "kredivo_sandbox=info".into()),
        )
        .init();

    let mut port: u16 = 8090;
    let mut public_url: Option<String> = None;
    let mut token_push_url: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" | "-p" => {
                let value = args.next().context("--port needs a value")?;
                port = value
                    .parse()
                    .with_context(|| format!("bad port {value:?}"))?;
            }
            "--public-url" => public_url = Some(args.next().context("--public-url needs a value")?),
            "--token-push-url" => {
                token_push_url = Some(args.next().context("--token-push-url needs a value")?)
            }
            "--help" | "-h" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .with_context(|| format!("binding 127.0.0.1:{port}"))?;
    let addr = listener.local_addr()?;
    let public = public_url.unwrap_or_else(|| format!("http://127.0.0.1:{}/sandbox", addr.port()));
    let mut config = SandboxConfig::default().with_public_base_url(public.clone());
    config.kredivo.token_push_url = token_push_url;
    let sandbox = Sandbox::new(config);
    let _sweeper = sandbox.spawn_expiry_sweeper(Duration::from_secs(30));
    let app = axum::Router::new().nest("/sandbox", sandbox.router());

    println!("Kredivo sandbox listening on http://{addr}");
    println!("Kredivo base URL: {public}/kredivo");
    println!("Server key: {}", kredivo_sandbox::DOC_SERVER_KEY);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
