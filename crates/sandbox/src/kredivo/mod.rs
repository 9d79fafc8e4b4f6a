//! Kredivo Checkout API v2 simulator (doc 000).
//!
//! Layout: `model` (state and state machine), `service` (operations on the state that
//! produce pushes), `api` (the JSON endpoints), `hosted` + `pages` (the shopper's pages),
//! `driver` (the `_sandbox` test endpoints), `qr`, `reply` (error shapes, JSON extractor),
//! `hook` (state changes reported to aggregator simulators; a leaf) and `hosting` (how an
//! aggregator creates and follows a Kredivo transaction).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post};
use axum::Router;
use kredivo_plan::{Money, PricingTable};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::faults::{Endpoint, Faults};
use crate::ids::IdSource;
use crate::inject::FaultPoints;
use crate::push::{PushRecord, Pusher};
use crate::{SandboxConfig, SandboxError};

mod api;
mod driver;
pub(crate) mod hook;
mod hosted;
pub(crate) mod hosting;
pub mod model;
mod pages;
mod pricing;
mod qr;
mod reply;
mod service;

pub use driver::Target;
pub use model::{Account, Cancellation, Source, State, Step, Transaction, UserToken};

/// Kredivo-specific behaviour of the simulator.
#[derive(Debug, Clone)]
pub struct KredivoSettings {
    /// Accounts the hosted pages accept; the first is used when a transaction is settled
    /// by the driver without anyone signing in.
    pub accounts: Vec<Account>,
    /// What `/transaction/status` says about the merchant.
    pub merchant: MerchantInfo,
    /// Default lifetime of a pending transaction (doc 000: 24 hours).
    pub expiration: Duration,
    /// Delay before an express checkout (valid `user_token`) settles by push.
    pub express_delay: Duration,
    /// Express checkouts at or above this amount are "flagged by the security system" and
    /// get a `redirect_url` to an OTP challenge instead. `None`: never flagged.
    pub risk_threshold: Option<Money>,
    /// Cancellation is refused this long after `transaction_time` (doc 000: 30 days).
    pub cancel_window: Duration,
    /// Cancellations after this long are recorded as charged a fee (doc 000: 14 days).
    pub cancel_fee_after: Duration,
    /// The merchant's "push notif endpoint url" registered with Kredivo for doc 000's
    /// "Deactive From Kredivo App" push; the driver can name another per call.
    pub token_push_url: Option<String>,
}

impl Default for KredivoSettings {
    fn default() -> Self {
        Self {
            accounts: vec![Account::doc_test_account(), Account::basic_test_account()],
            merchant: MerchantInfo::default(),
            expiration: Duration::from_secs(24 * 3600),
            express_delay: Duration::from_secs(2),
            risk_threshold: Some(Money::from_rupiah(10_000_000)),
            cancel_window: Duration::from_secs(30 * 86_400),
            cancel_fee_after: Duration::from_secs(14 * 86_400),
            token_push_url: None,
        }
    }
}

/// The `merchant` object of doc 000's transaction status example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerchantInfo {
    /// Kredivo's merchant id.
    pub id: i64,
    /// Display name (shown on the hosted pages too).
    pub name: String,
    /// Address.
    pub address: String,
    /// Website.
    pub url: String,
    /// Contact phone.
    pub contact_number: String,
    /// Contact person.
    pub contact_person: String,
    /// Long description.
    pub description: Option<String>,
    /// Short description.
    pub short_description: Option<String>,
}

impl Default for MerchantInfo {
    fn default() -> Self {
        Self {
            id: 110,
            name: "Sandbox Store".into(),
            address: "Indonesia".into(),
            url: "http://127.0.0.1:8080".into(),
            contact_number: "+62-81321881212".into(),
            contact_person: "Sandbox Merchant".into(),
            description: None,
            short_description: None,
        }
    }
}

/// A read-only snapshot of one transaction, for tests and the driver's list endpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransactionView {
    /// Kredivo's id.
    pub transaction_id: String,
    /// The merchant's id.
    pub order_id: String,
    /// How it was created.
    pub source: Source,
    /// `transaction_status`.
    pub transaction_status: String,
    /// `fraud_status`.
    pub fraud_status: String,
    /// Amount at creation, `"6505000.00"`.
    pub amount: String,
    /// What can still be cancelled, `"6505000.00"`.
    pub remaining_amount: String,
    /// Payment type.
    pub payment_type: String,
    /// Creation time, Unix seconds.
    pub transaction_time: i64,
    /// Expiry time, Unix seconds.
    pub expires_at: i64,
    /// The hosted sign-in page (`None` for express checkouts that were not flagged).
    pub redirect_url: Option<String>,
    /// Paying account's phone, once known.
    pub account: Option<String>,
    /// User token issued or used.
    pub user_token: Option<String>,
    /// Every signature key issued (push `signature_key`s and the `sign_key`), unencoded.
    pub signature_keys: Vec<String>,
    /// How far the shopper got on the pages.
    pub step: Step,
    /// Cancellations so far.
    pub cancellations: Vec<Cancellation>,
}

/// What a page token points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageRef {
    Tx(usize),
    Connect(usize),
}

/// All mutable state, behind one mutex (no `.await` while it is held).
#[derive(Debug, Default)]
pub(crate) struct Db {
    pub txs: Vec<Transaction>,
    pub by_tx_id: HashMap<String, usize>,
    pub by_order: HashMap<(usize, String), usize>,
    pub by_page: HashMap<String, PageRef>,
    pub accounts: Vec<Account>,
    pub tokens: HashMap<String, UserToken>,
    pub connects: Vec<model::ConnectRequest>,
}

impl Db {
    /// A transaction by Kredivo id or, failing that, by the most recent order id.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.by_tx_id
            .get(id)
            .copied()
            .or_else(|| self.txs.iter().rposition(|t| t.order_id == id))
    }

    pub fn account_index(&self, phone: &str) -> Option<usize> {
        self.accounts.iter().position(|a| a.phone == phone)
    }
}

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub public_base: String,
    pub server_keys: Vec<String>,
    pub pricing: PricingTable,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdSource>,
    pub faults: Arc<Faults>,
    pub pusher: Arc<Pusher>,
    pub settings: KredivoSettings,
    pub body_limit: usize,
    /// Aggregator simulators told about their transactions' state changes.
    pub hooks: hook::Hooks,
    db: Mutex<Db>,
}

impl Shared {
    pub fn db(&self) -> MutexGuard<'_, Db> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The accepted server key's index, or `None`.
    pub fn merchant_index(&self, server_key: &str) -> Option<usize> {
        self.server_keys.iter().position(|k| k == server_key)
    }

    /// `{public_base}/kredivo{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("{}/kredivo{}", self.public_base, path)
    }
}

/// Handle on the Kredivo simulator. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Kredivo {
    shared: Arc<Shared>,
}

impl Kredivo {
    pub(crate) fn new(config: SandboxConfig) -> Self {
        let pusher = Arc::new(Pusher::new(config.push.clone(), config.clock.clone()));
        let db = Db {
            accounts: config.kredivo.accounts.clone(),
            ..Db::default()
        };
        Self {
            shared: Arc::new(Shared {
                public_base: config.public_base_url.trim_end_matches('/').to_owned(),
                server_keys: config.server_keys,
                pricing: config.pricing,
                clock: config.clock,
                ids: config.ids,
                faults: config.faults,
                pusher,
                settings: config.kredivo,
                body_limit: config.body_limit,
                hooks: hook::Hooks::default(),
                db: Mutex::new(db),
            }),
        }
    }

    /// The simulator's routes, relative to Kredivo's base URL (`…/kredivo`).
    pub fn router(&self) -> Router {
        let state = self.shared.clone();
        // Request faults wrap the JSON endpoints only: hosted pages and the driver stay
        // reachable whatever is armed.
        let at = FaultPoints::new(self.shared.faults.clone(), reply::fault_error);
        Router::new()
            .route(
                "/v2/payments",
                at.wrap(Endpoint::Payments, post(api::payments)),
            )
            .route(
                "/v2/checkout_url",
                at.wrap(Endpoint::CheckoutUrl, post(api::checkout_url)),
            )
            .route("/v2/update", at.wrap(Endpoint::Update, get(api::update)))
            .route(
                "/transaction/status",
                at.wrap(Endpoint::TransactionStatus, post(api::transaction_status)),
            )
            .route(
                "/v2/transaction/status",
                at.wrap(Endpoint::TransactionStatus, post(api::transaction_status)),
            )
            .route(
                "/v2/cancel_transaction",
                at.wrap(Endpoint::CancelTransaction, post(api::cancel_transaction)),
            )
            .route(
                "/v2/deactive_user_token",
                at.wrap(Endpoint::DeactiveUserToken, post(api::deactive_user_token)),
            )
            .route(
                "/v2/get_user_credit_details",
                at.wrap(
                    Endpoint::GetUserCreditDetails,
                    post(api::get_user_credit_details),
                ),
            )
            .route(
                "/v2/connect",
                at.wrap(Endpoint::Connect, post(api::connect))
                    .get(hosted::signin_page),
            )
            .route(
                "/offline/v1/init_checkout",
                at.wrap(Endpoint::InitCheckout, post(api::init_checkout)),
            )
            .route("/offline/v1/qr/{transaction_id}", get(qr::qr_image))
            .route("/offline/v1/qr/{transaction_id}/pay", get(qr::qr_pay))
            .route(
                "/v2/signin",
                get(hosted::signin_page).post(hosted::signin_submit),
            )
            .route("/v2/otp", get(hosted::otp_page).post(hosted::otp_submit))
            .route(
                "/v2/confirm",
                get(hosted::confirm_page).post(hosted::confirm_submit),
            )
            .route("/v2/user_cancel", get(hosted::user_cancel))
            .nest("/_sandbox", driver::router())
            // A catch-all route rather than only `fallback`: fallbacks of doubly nested
            // routers (`/sandbox` → `/kredivo`) are not reached in axum 0.8.
            .route("/{*rest}", any(api::not_found))
            .fallback(api::not_found)
            .layer(axum::middleware::map_response(reply::fill_empty_error))
            .layer(DefaultBodyLimit::max(self.shared.body_limit))
            .with_state(state)
    }

    /// Moves a transaction (by transaction id or order id) to `target`, exactly as if the
    /// shopper or Kredivo had done it, pushes included.
    pub fn drive(&self, id: &str, target: Target) -> Result<TransactionView, SandboxError> {
        service::drive(&self.shared, id, target)
    }

    /// Every transaction, oldest first (expiring overdue ones first).
    pub fn transactions(&self) -> Vec<TransactionView> {
        self.sweep_expired();
        let db = self.shared.db();
        db.txs
            .iter()
            .map(|t| service::view(&self.shared, t))
            .collect()
    }

    /// One transaction by transaction id or order id.
    pub fn transaction(&self, id: &str) -> Option<TransactionView> {
        self.sweep_expired();
        let db = self.shared.db();
        db.find(id).map(|i| service::view(&self.shared, &db.txs[i]))
    }

    /// Every push and connect callback so far, oldest first.
    pub fn push_log(&self) -> Vec<PushRecord> {
        self.shared.pusher.log()
    }

    /// Issues an active user token for an account, as tokenization or Kredivo Connect would,
    /// for the merchant holding `server_key`. Lets tests reach express checkout directly.
    pub fn issue_user_token(
        &self,
        server_key: &str,
        phone: &str,
        client_user_key: &str,
    ) -> Result<String, SandboxError> {
        let merchant = self.shared.merchant_index(server_key).unwrap_or(0);
        let mut db = self.shared.db();
        let phone = model::normalize_phone(phone);
        if db.account_index(&phone).is_none() {
            return Err(SandboxError::UnknownAccount(phone));
        }
        Ok(service::issue_token(
            &self.shared,
            &mut db,
            merchant,
            &phone,
            Some(client_user_key),
        ))
    }

    /// Where the shopper's browser would land back on the store now (`back_to_store_uri`
    /// with `order_id, tr_id, tr_status` and a freshly issued `sign_key`), as the hosted pages
    /// send it after paying, being denied or cancelling. `None` for QR checkouts and
    /// transactions without a store URI. Lets a test play the return without a browser.
    pub fn return_url(&self, id: &str) -> Result<Option<String>, SandboxError> {
        let (url, pushes) = {
            let mut db = self.shared.db();
            let idx = db
                .find(id)
                .ok_or_else(|| SandboxError::UnknownTransaction(id.to_owned()))?;
            let pushes = service::touch(&self.shared, &mut db, idx);
            (
                service::back_to_store_url(&self.shared, &mut db.txs[idx]),
                pushes,
            )
        };
        service::dispatch(&self.shared, pushes);
        Ok(url)
    }

    /// Deactivates `token` (a user token, or a `client_user_key`: its active token) as the
    /// shopper does from the Kredivo app, and pushes doc 000's
    /// `{"message", "client_user_key"}` to `url`, or else to
    /// [`KredivoSettings::token_push_url`]. Returns the deactivated token.
    pub fn deactivate_from_app(
        &self,
        token: &str,
        url: Option<&str>,
    ) -> Result<String, SandboxError> {
        let url = url
            .map(str::to_owned)
            .or_else(|| self.shared.settings.token_push_url.clone())
            .ok_or(SandboxError::NoPushUrl(
                "pass one or set KredivoSettings::token_push_url",
            ))?;
        let (push, deactivated, _) =
            service::deactivate_from_app(&mut self.shared.db(), token, &url)
                .ok_or_else(|| SandboxError::UnknownToken(token.to_owned()))?;
        service::dispatch(&self.shared, vec![push]);
        Ok(deactivated)
    }

    /// Every Kredivo Connect request, oldest first.
    pub fn connects(&self) -> Vec<model::ConnectRequest> {
        self.shared.db().connects.clone()
    }

    /// Finishes a pending Kredivo Connect (by page token or `client_user_key`, the latest
    /// one) as a shopper signing in and entering the OTP would: a token is issued for the
    /// account of `phone`, else of the request's `mobile_number`, else the first account, and
    /// the callback is POSTed to the merchant's `callback_url`. Returns the token.
    pub fn complete_connect(&self, id: &str, phone: Option<&str>) -> Result<String, SandboxError> {
        let (token, callback) = {
            let mut db = self.shared.db();
            let idx = match db.by_page.get(id) {
                Some(PageRef::Connect(idx)) => Some(*idx),
                _ => db.connects.iter().rposition(|c| c.client_user_key == id),
            }
            .ok_or_else(|| SandboxError::UnknownConnect(id.to_owned()))?;
            let account = match phone.map(model::normalize_phone) {
                Some(asked) => db
                    .account_index(&asked)
                    .ok_or(SandboxError::UnknownAccount(asked))?,
                None => {
                    let stated = db.connects[idx]
                        .account
                        .clone()
                        .unwrap_or_else(|| model::normalize_phone(&db.connects[idx].mobile_number));
                    db.account_index(&stated).unwrap_or(0)
                }
            };
            let phone = db
                .accounts
                .get(account)
                .map(|a| a.phone.clone())
                .ok_or_else(|| SandboxError::UnknownAccount(String::new()))?;
            db.connects[idx].account = Some(phone);
            service::complete_connect(&self.shared, &mut db, idx)
        };
        service::dispatch(&self.shared, vec![callback]);
        Ok(token)
    }

    /// Current accounts and their remaining limits.
    pub fn accounts(&self) -> Vec<Account> {
        self.shared.db().accounts.clone()
    }

    /// Expires every pending transaction past its expiration time (pushes included).
    pub fn sweep_expired(&self) {
        service::sweep_expired(&self.shared);
    }

    /// Moves the shared clock forward, then expires what became overdue.
    pub fn advance_clock(&self, by: Duration) {
        self.shared.clock.advance(by);
        self.sweep_expired();
    }
}
