//! `kredivo-demo [--port N]`: the demo store, proxy and sandbox on 127.0.0.1.

use anyhow::Context;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()),
        )
        .init();

    let mut port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8080);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                let value = args.next().context("--port needs a number")?;
                port = value
                    .parse()
                    .with_context(|| format!("`{value}` is not a port"))?;
            }
            other => anyhow::bail!("unknown argument `{other}` (usage: kredivo-demo [--port N])"),
        }
    }

    let root = std::env::current_dir()?;
    std::fs::create_dir_all(root.join("data")).context("cannot create ./data")?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
    let base = format!("http://127.0.0.1:{}", listener.local_addr()?.port());
    let app = kredivo_demo::app(kredivo_demo::DemoConfig::new(&base, root)).await?;

    println!("Kredivo demo store on {base}/  (proxy API {base}/api/kredivo/v1, sandbox {base}/sandbox/kredivo)");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
