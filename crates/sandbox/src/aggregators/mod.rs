//! Simulators of the aggregators that resell Kredivo: DOKU (doc 001), Midtrans (doc 003),
//! Xendit (doc 004) and Finpay (doc 002), mounted beside Kredivo's under `/doku`,
//! `/midtrans`, `/xendit` and `/finpay`.
//!
//! Each speaks its provider's dialect (paths, authentication, field names, status words,
//! error bodies, idempotency, signed notifications) and sends the shopper through the same
//! hosted Kredivo pages as a direct checkout: an aggregator checkout creates a Kredivo
//! transaction owned by the aggregator (`kredivo/hook.rs`), and every state change of it —
//! the shopper paying, giving up, the driver, the expiry sweep — moves the aggregator's
//! transaction and notifies the merchant through the shared push engine. Request faults use
//! the shared registry with the aggregator [`crate::Endpoint`]s; push faults apply to
//! notifications as they do to Kredivo's pushes.
//!
//! | module | job |
//! |---|---|
//! | `ledger` | what is stored: transactions, refunds, idempotent replays, the driver's view |
//! | `engine` | `Provider<D: Dialect>`: create, follow Kredivo's transitions, refund, notify |
//! | `request` | reading a request: faults, JSON bodies with paths, credentials, headers |
//! | `routes` | the return from Kredivo's pages and the `_sandbox` driver |
//! | `doku`, `midtrans`, `xendit`, `finpay` | one dialect each |
//!
//! The wire types and signatures come from `kredivo-providers`, which the proxy's gateways
//! use too.

// Handlers return their dialect's error `Response` through `Result`s; boxing it would buy
// nothing on these cold, per-request paths.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::Router;
use kredivo_providers::sandbox_defaults as defaults;

use crate::kredivo::Kredivo;

mod doku;
mod engine;
mod finpay;
mod ledger;
mod midtrans;
mod request;
mod routes;
mod xendit;

pub use ledger::{AggregatorState, AggregatorTransaction};

/// The proxy's notification route, the default of every "dashboard" notification URL.
const DEFAULT_NOTIFICATION_PATH: &str = "/api/kredivo/v1/push";
/// The proxy's return route, the default Midtrans "Finish Redirect URL".
const DEFAULT_FINISH_PATH: &str = "/kredivo/return";

/// Which aggregator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Aggregator {
    /// DOKU, `/doku`.
    Doku,
    /// Midtrans, `/midtrans`.
    Midtrans,
    /// Xendit, `/xendit`.
    Xendit,
    /// Finpay, `/finpay`.
    Finpay,
}

/// DOKU's credentials and back-office settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DokuSettings {
    /// Accepted `Client-Id`.
    pub client_id: String,
    /// The secret key of the HMAC-SHA256 signatures (requests and notifications).
    pub secret_key: String,
    /// The back office's "Notification URL"; `None`: `{merchant}/api/kredivo/v1/push`.
    /// `additional_info.override_notification_url` wins over it.
    pub notification_url: Option<String>,
}

/// Midtrans's credentials and dashboard (MAP) settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MidtransSettings {
    /// Accepted server key (Basic auth user; `signature_key` salt).
    pub server_key: String,
    /// `merchant_id` in answers and notifications.
    pub merchant_id: String,
    /// "Payment Notification URL"; `None`: `{merchant}/api/kredivo/v1/push`.
    /// `X-Override-Notification` / `X-Append-Notification` change it per charge.
    pub notification_url: Option<String>,
    /// "Finish Redirect URL" (Kredivo returns with a GET); `None`: `{merchant}/kredivo/return`.
    pub finish_redirect_url: Option<String>,
}

/// Xendit's credentials and dashboard settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XenditSettings {
    /// Accepted secret API key (Basic auth user).
    pub secret_key: String,
    /// Sent as `x-callback-token` with every callback.
    pub callback_token: String,
    /// `business_id` of charges and callbacks.
    pub business_id: String,
    /// The PayLater callback URL; `None`: `{merchant}/api/kredivo/v1/push`.
    pub callback_url: Option<String>,
}

/// Finpay's credentials (the callback URL comes with each request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinpaySettings {
    /// Accepted merchant id (Basic auth user).
    pub merchant_id: String,
    /// Accepted merchant key (Basic auth password; callback HMAC key).
    pub merchant_key: String,
}

/// Settings of the four aggregator simulators. The defaults are the made-up credentials in
/// [`kredivo_providers::sandbox_defaults`], which the proxy also uses by default against a
/// loopback sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AggregatorSettings {
    /// Where the merchant (the proxy) is reachable, without a trailing slash; the default of
    /// every dashboard URL above is built from it. `None`: the sandbox's public base URL
    /// without its `/sandbox` suffix (the demo's layout: proxy and sandbox in one process).
    pub merchant_base_url: Option<String>,
    /// DOKU.
    pub doku: DokuSettings,
    /// Midtrans.
    pub midtrans: MidtransSettings,
    /// Xendit.
    pub xendit: XenditSettings,
    /// Finpay.
    pub finpay: FinpaySettings,
}

impl Default for AggregatorSettings {
    fn default() -> Self {
        Self {
            merchant_base_url: None,
            doku: DokuSettings {
                client_id: defaults::DOKU_CLIENT_ID.into(),
                secret_key: defaults::DOKU_SECRET_KEY.into(),
                notification_url: None,
            },
            midtrans: MidtransSettings {
                server_key: defaults::MIDTRANS_SERVER_KEY.into(),
                merchant_id: defaults::MIDTRANS_MERCHANT_ID.into(),
                notification_url: None,
                finish_redirect_url: None,
            },
            xendit: XenditSettings {
                secret_key: defaults::XENDIT_SECRET_KEY.into(),
                callback_token: defaults::XENDIT_CALLBACK_TOKEN.into(),
                business_id: defaults::XENDIT_BUSINESS_ID.into(),
                callback_url: None,
            },
            finpay: FinpaySettings {
                merchant_id: defaults::FINPAY_MERCHANT_ID.into(),
                merchant_key: defaults::FINPAY_MERCHANT_KEY.into(),
            },
        }
    }
}

/// The four simulators. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Aggregators {
    doku: Arc<engine::Provider<doku::Doku>>,
    midtrans: Arc<engine::Provider<midtrans::Midtrans>>,
    xendit: Arc<engine::Provider<xendit::Xendit>>,
    finpay: Arc<engine::Provider<finpay::Finpay>>,
}

impl Aggregators {
    pub(crate) fn new(kredivo: Kredivo, settings: AggregatorSettings) -> Self {
        let public_base = kredivo.shared().public_base.clone();
        let merchant_base = settings
            .merchant_base_url
            .clone()
            .map(|u| u.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| derive_merchant_base(&public_base));
        let core = Arc::new(engine::Core {
            kredivo,
            public_base,
            merchant_base,
        });
        Self {
            doku: Arc::new(engine::Provider::new(
                core.clone(),
                doku::Doku::new(settings.doku),
            )),
            midtrans: Arc::new(engine::Provider::new(
                core.clone(),
                midtrans::Midtrans::new(settings.midtrans),
            )),
            xendit: Arc::new(engine::Provider::new(
                core.clone(),
                xendit::Xendit::new(settings.xendit),
            )),
            finpay: Arc::new(engine::Provider::new(
                core,
                finpay::Finpay::new(settings.finpay),
            )),
        }
    }

    /// The four routers, to nest under `/doku`, `/midtrans`, `/xendit`, `/finpay`.
    pub(crate) fn routers(&self) -> [(&'static str, Router); 4] {
        [
            ("/doku", doku::router(self.doku.clone())),
            ("/midtrans", midtrans::router(self.midtrans.clone())),
            ("/xendit", xendit::router(self.xendit.clone())),
            ("/finpay", finpay::router(self.finpay.clone())),
        ]
    }

    /// One aggregator's transactions, oldest first.
    pub fn transactions(&self, which: Aggregator) -> Vec<AggregatorTransaction> {
        match which {
            Aggregator::Doku => self.doku.snapshots(),
            Aggregator::Midtrans => self.midtrans.snapshots(),
            Aggregator::Xendit => self.xendit.snapshots(),
            Aggregator::Finpay => self.finpay.snapshots(),
        }
    }

    /// Where the shopper's browser would be sent back to the merchant now (the dialect's
    /// success or failure URL for the transaction's state), as after Kredivo's pages; `None`
    /// for an unknown transaction or one with nowhere to go. Lets a test play the return
    /// without a browser.
    pub fn return_url(&self, which: Aggregator, id: &str) -> Option<String> {
        match which {
            Aggregator::Doku => self.doku.return_url(id),
            Aggregator::Midtrans => self.midtrans.return_url(id),
            Aggregator::Xendit => self.xendit.return_url(id),
            Aggregator::Finpay => self.finpay.return_url(id),
        }
    }

    /// One transaction by the aggregator's id or the merchant's reference.
    pub fn transaction(&self, which: Aggregator, id: &str) -> Option<AggregatorTransaction> {
        match which {
            Aggregator::Doku => self.doku.get(id).map(|t| self.doku.snapshot(&t)),
            Aggregator::Midtrans => self.midtrans.get(id).map(|t| self.midtrans.snapshot(&t)),
            Aggregator::Xendit => self.xendit.get(id).map(|t| self.xendit.snapshot(&t)),
            Aggregator::Finpay => self.finpay.get(id).map(|t| self.finpay.snapshot(&t)),
        }
    }
}

/// `http://127.0.0.1:8080/sandbox` → `http://127.0.0.1:8080`; any other base → its origin.
fn derive_merchant_base(public_base: &str) -> String {
    let base = public_base.trim_end_matches('/');
    if let Some(stripped) = base.strip_suffix("/sandbox") {
        return stripped.to_owned();
    }
    match base.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split('/').next().unwrap_or(rest);
            format!("{scheme}://{host}")
        }
        None => base.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_merchant_base_is_the_sandbox_base_without_its_prefix() {
        assert_eq!(
            derive_merchant_base("http://127.0.0.1:8080/sandbox"),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            derive_merchant_base("https://demo.example/x/y"),
            "https://demo.example"
        );
    }
}
