//! Provider simulators for the Kredivo checkout product: the demo and every test run
//! against these instead of the real services.
//!
//! [`kredivo`] simulates Kredivo Checkout API v2 (doc 000); [`aggregators`] simulates DOKU,
//! Midtrans, Xendit and Finpay reselling it (docs 001–004), sharing the clock, id source,
//! fault registry, push engine and Kredivo's hosted pages. [`Sandbox::router`] mounts each
//! under its own path prefix.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use kredivo_sandbox::{Sandbox, SandboxConfig};
//!
//! let sandbox = Sandbox::new(SandboxConfig::default());
//! let app = axum::Router::new().nest("/sandbox", sandbox.router());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app).await
//! # }
//! ```
#![deny(missing_docs)]

use std::sync::Arc;
use std::time::Duration;

use axum::Router;

pub mod aggregators;
pub mod clock;
pub mod faults;
mod html;
pub mod ids;
mod inject;
pub mod kredivo;
pub mod push;

pub use aggregators::{
    Aggregator, AggregatorSettings, AggregatorState, AggregatorTransaction, Aggregators,
    DokuSettings, FinpaySettings, MidtransSettings, XenditSettings,
};
pub use clock::{Clock, ManualClock, SystemClock};
pub use faults::{Endpoint, Fault, FaultRule, Faults};
pub use ids::{IdSource, RandomIds, SeededIds};
pub use kredivo::{Kredivo, KredivoSettings, Target};
pub use push::{PushAttempt, PushConfig, PushKind, PushOutcome, PushRecord};

/// Doc 000's sandbox server key, accepted by default.
pub const DOC_SERVER_KEY: &str = "8tLHIx8V0N6KtnSpS9Nbd6zROFFJH7";

/// The crate's error type (the HTTP layer answers in each provider's own error shape; this
/// type is for the Rust driver API).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// No transaction has this transaction id or order id.
    #[error("no transaction with id or order_id {0:?}")]
    UnknownTransaction(String),
    /// The transaction cannot move to the requested state.
    #[error("transaction {transaction_id} is {from} and cannot become {to}")]
    InvalidTransition {
        /// The transaction.
        transaction_id: String,
        /// Its current status.
        from: String,
        /// The requested status.
        to: String,
    },
    /// No account has this phone.
    #[error("no sandbox account with phone {0:?}")]
    UnknownAccount(String),
    /// No user token is this one.
    #[error("no user token {0:?}")]
    UnknownToken(String),
    /// No Kredivo Connect request has this page token or client user key.
    #[error("no connect request with page token or client_user_key {0:?}")]
    UnknownConnect(String),
    /// A push needs a URL that was neither given nor configured.
    #[error("no URL to push to: {0}")]
    NoPushUrl(&'static str),
    /// Money arithmetic failed (overflow).
    #[error(transparent)]
    Plan(#[from] kredivo_plan::PlanError),
}

/// Everything a [`Sandbox`] is built from. Start from [`SandboxConfig::default`] (real clock,
/// random ids, realistic push retries) or [`SandboxConfig::deterministic`] (tests).
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Where the sandbox router is reachable from a browser, without a trailing slash:
    /// `http://127.0.0.1:8080/sandbox`. Redirect URLs and QR payloads are built from it.
    pub public_base_url: String,
    /// Server keys accepted in request bodies (each is a separate merchant: order ids are
    /// unique per key).
    pub server_keys: Vec<String>,
    /// Pricing for `/v2/payments` and the tenure page.
    pub pricing: kredivo_plan::PricingTable,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Where ids, tokens and signature keys come from.
    pub ids: Arc<dyn IdSource>,
    /// Push retry policy.
    pub push: PushConfig,
    /// The fault registry (shared: keep a clone to arm faults from a test).
    pub faults: Arc<Faults>,
    /// Kredivo-specific behaviour (accounts, expiry, express checkout, limits).
    pub kredivo: KredivoSettings,
    /// Largest accepted request body in bytes.
    pub body_limit: usize,
    /// Credentials and dashboard settings of the DOKU, Midtrans, Xendit and Finpay simulators.
    pub aggregators: AggregatorSettings,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            public_base_url: "http://127.0.0.1:8080/sandbox".into(),
            server_keys: vec![DOC_SERVER_KEY.into()],
            pricing: kredivo_plan::PricingTable::kredivo_reference(),
            clock: Arc::new(SystemClock::new()),
            ids: Arc::new(RandomIds),
            push: PushConfig::default(),
            faults: Arc::new(Faults::new()),
            kredivo: KredivoSettings::default(),
            body_limit: 256 * 1024,
            aggregators: AggregatorSettings::default(),
        }
    }
}

impl SandboxConfig {
    /// For tests: a [`ManualClock`] at 2024-01-01T00:00:00Z, ids seeded with `seed`, fast
    /// push retries and express checkout settled after 20 ms. Returns the clock too, so the
    /// test can move it.
    pub fn deterministic(seed: u64) -> (Self, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::default());
        let config = Self {
            clock: clock.clone(),
            ids: Arc::new(SeededIds::new(seed)),
            push: PushConfig::fast(),
            kredivo: KredivoSettings {
                express_delay: Duration::from_millis(20),
                ..KredivoSettings::default()
            },
            ..Self::default()
        };
        (config, clock)
    }

    /// Sets [`SandboxConfig::public_base_url`] (a trailing `/` is dropped).
    pub fn with_public_base_url(mut self, url: impl Into<String>) -> Self {
        let url: String = url.into();
        self.public_base_url = url.trim_end_matches('/').to_owned();
        self
    }
}

/// The sandbox: every simulator plus the shared clock, faults and push log. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Sandbox {
    kredivo: Kredivo,
    aggregators: Aggregators,
    clock: Arc<dyn Clock>,
    faults: Arc<Faults>,
}

impl Sandbox {
    /// Builds the simulators. Needs no runtime; pushes start flowing once requests arrive
    /// on a tokio runtime.
    pub fn new(config: SandboxConfig) -> Self {
        let clock = config.clock.clone();
        let faults = config.faults.clone();
        let aggregator_settings = config.aggregators.clone();
        let kredivo = Kredivo::new(config);
        Self {
            aggregators: Aggregators::new(kredivo.clone(), aggregator_settings),
            kredivo,
            clock,
            faults,
        }
    }

    /// Every simulator's routes: `/kredivo/...`, `/doku/...`, `/midtrans/...`, `/xendit/...`,
    /// `/finpay/...`. Mount it under `/sandbox` so the Kredivo base URL becomes
    /// `{public_base_url}/kredivo` and DOKU's `{public_base_url}/doku`.
    pub fn router(&self) -> Router {
        let mut router = Router::new().nest("/kredivo", self.kredivo.router());
        for (prefix, aggregator) in self.aggregators.routers() {
            router = router.nest(prefix, aggregator);
        }
        router
    }

    /// The DOKU, Midtrans, Xendit and Finpay simulators.
    pub fn aggregators(&self) -> &Aggregators {
        &self.aggregators
    }

    /// The Kredivo simulator: driver API, transactions, push log.
    pub fn kredivo(&self) -> &Kredivo {
        &self.kredivo
    }

    /// The shared clock.
    pub fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    /// The shared fault registry.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Kredivo's transactions, oldest first (shortcut for `kredivo().transactions()`).
    pub fn transactions(&self) -> Vec<kredivo::TransactionView> {
        self.kredivo.transactions()
    }

    /// Every push and callback sent so far, oldest first.
    pub fn push_log(&self) -> Vec<PushRecord> {
        self.kredivo.push_log()
    }

    /// Spawns a task that expires overdue pending transactions every `period` (access also
    /// expires them lazily, so this only matters for pushes arriving without a request).
    /// Needs a tokio runtime.
    pub fn spawn_expiry_sweeper(&self, period: Duration) -> tokio::task::JoinHandle<()> {
        let kredivo = self.kredivo.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(period);
            loop {
                tick.tick().await;
                kredivo.sweep_expired();
            }
        })
    }
}
