//! `kredivo-proxy`: serve the merchant backend, or administer orders from the shell.
//!
//! Configuration comes from the environment (see the crate README). The admin subcommands
//! open the same store and gateway in-process and apply exactly the rules of the admin API.

use anyhow::Context;
use clap::{Parser, Subcommand};
use kredivo_plan::Money;
use kredivo_proxy::ops::logging::{self, LogFormat};
use kredivo_proxy::store::{parse_status, OrderFilter};
use kredivo_proxy::{orders, serve, AppState, Config, Deps};

#[derive(Parser)]
#[command(
    name = "kredivo-proxy",
    version,
    about = "Kredivo checkout: the merchant's backend proxy"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the widget API, notifications, the return URI, admin and store APIs (default).
    Serve,
    /// Inspect and manage orders.
    Orders {
        #[command(subcommand)]
        action: OrdersCommand,
    },
    /// Print the OpenAPI 3.1 document of the HTTP surface.
    Openapi,
    /// Inspect and resend webhooks.
    Webhooks {
        #[command(subcommand)]
        action: WebhooksCommand,
    },
    /// Re-seal every stored Kredivo user token with the current TOKEN_ENCRYPTION_KEY (after a
    /// rotation, with the old key as TOKEN_ENCRYPTION_KEY_PREVIOUS); then the old key can go.
    RotateTokens,
}

#[derive(Subcommand)]
enum WebhooksCommand {
    /// List webhook events, oldest first.
    List {
        /// Only those given up after the retry window (`webhooks redeliver` sends them again).
        #[arg(long)]
        failed: bool,
        /// Only those still waiting to be delivered.
        #[arg(long, conflicts_with = "failed")]
        pending: bool,
        /// Only this order's.
        #[arg(long)]
        order: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Show one event's delivery attempts.
    Show {
        /// The event id (`evt_…`).
        id: String,
    },
    /// Put an event back in the queue, due now (a running proxy sends it within a second).
    Redeliver {
        /// The event id (`evt_…`).
        id: String,
    },
}

#[derive(Subcommand)]
enum OrdersCommand {
    /// List orders, newest first.
    List {
        /// Only orders with this status (created, pending, settled, denied, expired, cancelled).
        #[arg(long)]
        status: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Show one order with its lines, event log, notifications and provider calls.
    Show {
        /// The order id.
        id: String,
    },
    /// Cancel a settled order with Kredivo, in full or (with --amount) in part.
    Cancel {
        /// The order id.
        id: String,
        /// Rupiah to cancel; the whole remaining amount when absent.
        #[arg(long)]
        amount: Option<String>,
        /// Why (sent to Kredivo).
        #[arg(long, default_value = "Cancelled by the merchant")]
        reason: String,
    },
    /// Ask Kredivo for the order's status and apply it.
    Refresh {
        /// The order id.
        id: String,
    },
}

fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One line with the cause chain; no backtrace for operator errors.
            eprintln!("kredivo-proxy: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Some(Command::Openapi) = cli.command {
        // Needs no configuration, store or provider.
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        return match writeln!(out, "{}", kredivo_proxy::openapi::json()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other.context("writing the document"),
        };
    }
    logging::init(LogFormat::from_env()?);
    let config = Config::from_env().context("configuration")?;
    let state = AppState::new(config, Deps::default())
        .await
        .context("starting the proxy")?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let addr = state.config().bind_addr;
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("binding {addr}"))?;
            let addr = listener.local_addr().unwrap_or(addr);
            tracing::info!(%addr, kredivo = %state.config().kredivo_base_url, "kredivo-proxy listening");
            serve(listener, state).await.context("serving")?;
        }
        Command::Openapi => unreachable!("handled before the state is built"),
        Command::RotateTokens => {
            print_json(&kredivo_proxy::tokens::rotate_all(&state).await?)?;
        }
        Command::Webhooks { action } => match action {
            WebhooksCommand::List {
                failed,
                pending,
                order,
                limit,
            } => {
                use kredivo_proxy::store::{WebhookFilter, WebhookStatus};
                let status = match (failed, pending) {
                    (true, _) => Some(WebhookStatus::Failed),
                    (_, true) => Some(WebhookStatus::Pending),
                    _ => None,
                };
                let webhooks = state
                    .store()
                    .webhooks(&WebhookFilter {
                        status,
                        order_id: order,
                        limit: Some(limit),
                    })
                    .await?;
                print_json(&webhooks)?;
            }
            WebhooksCommand::Show { id } => {
                print_json(&state.store().webhook_attempts(&id).await?)?;
            }
            WebhooksCommand::Redeliver { id } => {
                let now = state.clock().now_millis();
                if !state.store().redeliver_webhook(&id, now).await? {
                    anyhow::bail!("no webhook event {id}");
                }
                println!("{id}: queued for delivery");
            }
        },
        Command::Orders { action } => match action {
            OrdersCommand::List { status, limit } => {
                let status = match status {
                    Some(s) => {
                        Some(parse_status(&s).with_context(|| format!("unknown status {s:?}"))?)
                    }
                    None => None,
                };
                let orders = state
                    .store()
                    .list_orders(&OrderFilter {
                        status,
                        limit: Some(limit),
                    })
                    .await?;
                print_json(&orders)?;
            }
            OrdersCommand::Show { id } => print_json(&orders::order_detail(&state, &id).await?)?,
            OrdersCommand::Cancel { id, amount, reason } => {
                let amount = amount
                    .map(|a| Money::parse(&a).with_context(|| format!("amount {a:?}")))
                    .transpose()?;
                print_json(&orders::cancel(&state, &id, amount, &reason, "cli").await?)?;
            }
            OrdersCommand::Refresh { id } => {
                let applied = orders::refresh(&state, &id).await?;
                print_json(
                    &serde_json::json!({ "refresh": applied, "order": state.store().order(&id).await? }),
                )?;
            }
        },
    }
    Ok(())
}
