//! The merchant's backend half of Kredivo checkout.
//!
//! It owns the `server_key`, prices every order from the merchant's own catalogue, talks to
//! Kredivo (the sandbox by default, the real host by configuration) and settles an order only
//! after Kredivo confirms it. Use it as a library — build an [`AppState`] and mount
//! [`app`] into an axum service — or run the `kredivo-proxy` binary.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use kredivo_proxy::{app, AppState, Config, Deps};
//! let state = AppState::new(Config::from_env()?, Deps::default()).await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! kredivo_proxy::serve(listener, state).await?;
//! # Ok(()) }
//! ```
//!
//! Map: [`config`] (environment), [`http`] (routes), [`orders`] (the order service: quoting,
//! checkout, notifications, cancel), [`gateway`] (providers; Kredivo's dialect lives only in
//! `gateway/kredivo.rs`), [`store`] (SQLite through sqlx), [`catalogue`] (what the merchant
//! sells), [`security`] (CORS, Origin, rate limit, admin auth), [`error`] (the one error shape),
//! [`ops`] (health and readiness probes, Prometheus metrics, logs, graceful shutdown),
//! [`tokens`] (tokenized shoppers: sealed user tokens, credit limits, express checkout,
//! deactivation, Kredivo Connect).
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod cache;
pub mod catalogue;
pub mod clock;
pub mod config;
pub mod error;
pub mod fallback;
pub mod gateway;
pub mod http;
pub mod openapi;
pub mod ops;
pub mod orders;
pub mod ratelimit;
pub mod reconciler;
pub mod schedule;
pub mod security;
pub mod store;
pub mod tokens;
pub mod webhooks;

use std::sync::Arc;

use axum::Router;
use tokio_util::sync::CancellationToken;

pub use catalogue::{Catalogue, CatalogueError, FileCatalogue};
pub use clock::{Clock, IdGen, ManualClock, RandomIds, SequentialIds, SystemClock};
pub use config::{Config, ConfigError, GatewayKind, RateLimit, Secret};
pub use error::AppError;
pub use gateway::{BuildError, CallRecorder, Gateway, GatewayError, KredivoGateway};
pub use store::{SqlStore, Store, StoreError};

use cache::TtlCache;
use ratelimit::RateLimiter;
use store::{BoxFuture, ProviderCall};

/// Why the proxy could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bad configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The store could not be opened or migrated.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// The HTTP client could not be built.
    #[error("http client: {0}")]
    Http(#[from] reqwest::Error),
    /// The gateway (or the pricing table it estimates with) could not be built.
    #[error(transparent)]
    Gateway(#[from] BuildError),
    /// `CATALOGUE_PATH` could not be used.
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    /// The pricing table could not be served.
    #[error("pricing table: cannot serialise it")]
    Pricing(#[source] serde_json::Error),
}

/// What the proxy takes from the outside world. `Deps::default()` is production: system
/// clock, random ids, a fresh HTTP client, the store at `DATABASE_URL`, the gateway named by
/// `GATEWAY`, and the catalogue at `CATALOGUE_PATH` (none when unset).
pub struct Deps {
    /// Wall-clock time.
    pub clock: Arc<dyn Clock>,
    /// Order and record ids.
    pub ids: Arc<dyn IdGen>,
    /// The HTTP client for provider calls; `None` builds one (per-request timeouts are set
    /// from the config either way).
    pub http: Option<reqwest::Client>,
    /// What the merchant sells, for catalogue-mode checkouts; `None` reads `CATALOGUE_PATH`.
    pub catalogue: Option<Arc<dyn Catalogue>>,
    /// A ready store; `None` opens `config.database_url`.
    pub store: Option<Arc<dyn Store>>,
    /// A ready gateway; `None` builds the one `config.gateway` names.
    pub gateway: Option<Arc<dyn Gateway>>,
}

impl Default for Deps {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            ids: Arc::new(RandomIds),
            http: None,
            catalogue: None,
            store: None,
            gateway: None,
        }
    }
}

/// Records provider calls into the store.
pub struct StoreRecorder(pub Arc<dyn Store>);

impl CallRecorder for StoreRecorder {
    fn record(&self, call: ProviderCall) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            if let Err(e) = self.0.record_call(&call).await {
                tracing::error!(error = %error::cause_chain(&e), operation = %call.operation, "cannot store a provider call");
            }
        })
    }
}

struct Inner {
    config: Config,
    store: Arc<dyn Store>,
    gateway: Arc<dyn Gateway>,
    catalogue: Option<Arc<dyn Catalogue>>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGen>,
    plans_cache: TtlCache<Arc<orders::CachedPlans>>,
    limiter: RateLimiter,
    notify_limiter: RateLimiter,
    pricing_json: String,
    webhook_client: Option<reqwest::Client>,
    shutdown: CancellationToken,
    vault: tokens::Vault,
}

/// Everything a request needs, cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.0.config)
            .field("gateway", &self.0.gateway.name())
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Opens the store (running migrations), builds the gateway and the caches.
    pub async fn new(config: Config, deps: Deps) -> Result<AppState, Error> {
        let store: Arc<dyn Store> = match deps.store {
            Some(store) => store,
            None => Arc::new(
                SqlStore::open(&config.database_url)
                    .await?
                    .with_outbox(config.webhook_url.is_some()),
            ),
        };
        let gateway: Arc<dyn Gateway> = match deps.gateway {
            Some(gateway) => gateway,
            None => {
                let http = match deps.http {
                    Some(http) => http,
                    None => reqwest::Client::builder()
                        .connect_timeout(config.upstream_timeout)
                        .user_agent(concat!("kredivo-proxy/", env!("CARGO_PKG_VERSION")))
                        .build()?,
                };
                gateway::build(
                    &config,
                    http,
                    Arc::new(StoreRecorder(store.clone())),
                    deps.clock.clone(),
                    deps.ids.clone(),
                    store.clone(),
                )?
            }
        };
        let pricing_json = load_pricing(&config)?;
        let catalogue: Option<Arc<dyn Catalogue>> = match (deps.catalogue, &config.catalogue_path) {
            (Some(catalogue), _) => Some(catalogue),
            (None, Some(path)) => Some(Arc::new(FileCatalogue::from_path(path)?)),
            (None, None) => None,
        };
        let webhook_client = match &config.webhook_url {
            // No redirects: a webhook goes where the merchant configured it, nowhere else.
            Some(_) => Some(
                reqwest::Client::builder()
                    .timeout(config.webhook_timeout)
                    .connect_timeout(config.webhook_timeout)
                    .redirect(reqwest::redirect::Policy::none())
                    .user_agent(concat!(
                        "kredivo-proxy-webhooks/",
                        env!("CARGO_PKG_VERSION")
                    ))
                    .build()?,
            ),
            None => None,
        };
        let vault = tokens::Vault::new(&config.token_encryption_keys).map_err(|e| {
            ConfigError::Invalid {
                name: "TOKEN_ENCRYPTION_KEY",
                reason: e.to_string(),
            }
        })?;
        let ttl_ms = i64::try_from(config.payment_types_cache_ttl.as_millis()).unwrap_or(i64::MAX);
        // Before anything is recorded: counts taken before the recorder exists are lost.
        ops::metrics::install();
        Ok(AppState(Arc::new(Inner {
            plans_cache: TtlCache::new(ttl_ms, deps.clock.clone()),
            limiter: RateLimiter::new(config.rate_limit, deps.clock.clone()),
            notify_limiter: RateLimiter::new(config.notify_rate_limit, deps.clock.clone()),
            config,
            store,
            gateway,
            catalogue,
            clock: deps.clock,
            ids: deps.ids,
            pricing_json,
            webhook_client,
            shutdown: CancellationToken::new(),
            vault,
        })))
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.0.config
    }

    /// The order store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.0.store
    }

    /// The payment gateway.
    pub fn gateway(&self) -> &Arc<dyn Gateway> {
        &self.0.gateway
    }

    /// The catalogue of catalogue mode, if the merchant configured one.
    pub fn catalogue(&self) -> Option<&Arc<dyn Catalogue>> {
        self.0.catalogue.as_ref()
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.0.clock
    }

    /// The id generator.
    pub fn ids(&self) -> &Arc<dyn IdGen> {
        &self.0.ids
    }

    /// The payment-types cache.
    pub fn plans_cache(&self) -> &TtlCache<Arc<orders::CachedPlans>> {
        &self.0.plans_cache
    }

    /// The per-IP limiter of the widget and store APIs.
    pub fn limiter(&self) -> &RateLimiter {
        &self.0.limiter
    }

    /// The per-IP limiter of the notification endpoint and the return URI, separate from
    /// [`AppState::limiter`] so neither traffic can use up the other's allowance.
    pub fn notify_limiter(&self) -> &RateLimiter {
        &self.0.notify_limiter
    }

    /// The HTTP client of webhook deliveries, when `MERCHANT_WEBHOOK_URL` is set.
    pub fn webhook_client(&self) -> Option<&reqwest::Client> {
        self.0.webhook_client.as_ref()
    }

    /// The pricing table served on `GET /pricing`, as JSON.
    pub fn pricing_json(&self) -> &str {
        &self.0.pricing_json
    }

    /// The keys that seal stored user tokens (issue 17).
    pub fn vault(&self) -> &tokens::Vault {
        &self.0.vault
    }

    /// Cancelled when this proxy shuts down: the server stops accepting, `/readyz` answers
    /// 503 and the background workers stop after their current pass ([`ops::shutdown`]).
    pub fn shutdown_token(&self) -> &CancellationToken {
        &self.0.shutdown
    }
}

/// The pricing table JSON: from `PRICING_TABLE_PATH` (validated by parsing it with the plan
/// crate) or the plan crate's built-in Kredivo table.
fn load_pricing(config: &Config) -> Result<String, Error> {
    let table = gateway::build::pricing_table(config.pricing_table_path.as_deref())?;
    serde_json::to_string(&table).map_err(Error::Pricing)
}

/// The proxy's background work: the reconciler and the webhook worker (when webhooks are
/// configured). They stop after their current pass once [`AppState::shutdown_token`] is
/// cancelled ([`ops::shutdown::Background::finish`] waits for that); [`serve`] does both. Tests
/// drive [`reconciler::reconcile_due`] and [`webhooks::deliver_due`] themselves.
pub fn spawn_background(state: &AppState) -> ops::shutdown::Background {
    let mut tasks = vec![reconciler::spawn(state.clone())];
    if state.config().webhook_url.is_some() {
        tasks.push(webhooks::spawn(state.clone()));
    }
    ops::shutdown::Background::new(tasks)
}

/// The whole proxy as a router, state applied. Mount it at the root of a service (its paths
/// are absolute: `/api/kredivo/v1/…`, `/api/store/…`, `/kredivo/return`, `/healthz`,
/// `/readyz`, `/metrics`).
pub fn app(state: AppState) -> Router {
    http::router(state)
}

/// Runs the proxy on `listener` until Ctrl-C or SIGTERM: the routes with the peer address
/// available to the rate limiter, and the background workers. On the signal it stops
/// accepting, gives the requests in flight and then the workers `SHUTDOWN_GRACE_SECS` each to
/// finish, and returns.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let stop = state.shutdown_token().clone();
    let grace = state.config().shutdown_grace;
    let background = spawn_background(&state);
    let signal = tokio::spawn(ops::shutdown::cancel_on_signal(stop.clone()));
    let served = ops::shutdown::serve_until(listener, app(state), stop.clone(), grace).await;
    // Also when serving failed: the workers must not outlive the server.
    stop.cancel();
    signal.abort();
    let stopped = background.finish(grace).await;
    tracing::info!(drain = ?served.as_ref().ok(), workers_finished = stopped.finished, workers_aborted = stopped.aborted, "stopped");
    served.map(drop)
}
