//! The order store: orders, their lines and event log, every provider call and every
//! notification, and the demo's server-side carts.
//!
//! Behind a trait; [`SqlStore`] implements it on SQLite (one process, the default) and on
//! PostgreSQL (several replicas), chosen by `DATABASE_URL`. The SQL is written for both
//! (numbered `$n` placeholders, `BIGINT` epoch milliseconds, `TEXT` money, no
//! `AUTOINCREMENT`, no `RETURNING` that depends on the old row). Every status change is a
//! compare-and-set `UPDATE … WHERE status = $observed` in one transaction with its event row,
//! so concurrent replays are safe, also across replicas.

pub mod qr;
mod sql;
pub mod test_support;
mod tokens;

use std::future::Future;
use std::pin::Pin;

use kredivo_api::merchant::{CreateSession, WebhookEventType};
use kredivo_api::{Address, CartLine, Customer, OrderStatus};
use kredivo_plan::Money;
use serde::{Deserialize, Serialize};

pub use qr::{QrInsert, QrRecord, SOURCE_QR};
pub use sql::{Backend, SqlStore};
pub use tokens::{UserTokenRecord, UserTokenStore};

/// A boxed, sendable future: how the object-safe traits of this crate return async results.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database refused or failed.
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// Migrations could not be applied.
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database URL names an engine this build does not support.
    #[error("unsupported database URL: {0}")]
    Unsupported(String),
    /// A stored value does not parse (hand-edited row, or a newer schema).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// Creating the database directory failed.
    #[error("cannot create the database directory {path}")]
    Io {
        /// The directory.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl StoreError {
    /// Whether the database could not be reached (down, restarting, pool exhausted), as
    /// opposed to refusing or failing a statement: the request may simply be retried, and
    /// nothing was written.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Database(
                sqlx::Error::Io(_)
                    | sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::Tls(_)
                    | sqlx::Error::WorkerCrashed
            )
        )
    }
}

/// An order as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OrderRecord {
    /// Our order id, also Kredivo's `order_id`.
    pub order_id: String,
    /// The widget's idempotency key (unique).
    pub idempotency_key: String,
    /// Canonical cart + payment type; the same key with another fingerprint is refused.
    pub fingerprint: String,
    /// The server-side cart this order was made from, if any.
    pub cart_id: Option<String>,
    /// Kredivo payment type id.
    pub payment_type: String,
    /// The total, priced by us.
    #[serde(with = "kredivo_plan::money::serde_str")]
    #[schema(value_type = String, example = "598000")]
    pub amount: Money,
    /// Sum of partial cancellations so far.
    #[serde(with = "kredivo_plan::money::serde_str")]
    #[schema(value_type = String, example = "598000")]
    pub cancelled_amount: Money,
    /// Always `IDR`.
    pub currency: String,
    /// Where the order stands.
    pub status: OrderStatus,
    /// Gateway name, e.g. `kredivo`.
    pub gateway: String,
    /// The provider's transaction id once known (from a confirmed push or a status check).
    pub transaction_id: Option<String>,
    /// The checkout redirect handed to the browser.
    pub redirect_url: Option<String>,
    /// The last checkout failure, if the order is stuck in `created`.
    pub last_error: Option<String>,
    /// Until when one request owns the checkout call (Unix ms); see [`Store::claim_checkout`].
    pub lease_until: Option<i64>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
    /// The checkout session it was made from (merchant-created orders).
    pub session_id: Option<String>,
    /// The merchant's reference, from the session.
    pub reference: Option<String>,
    /// Who pays, for a catalogue-mode order (a session's order reads its session instead).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shopper: Option<ShopperDetails>,
    /// When it can no longer be paid (Unix ms): its session's expiry, else 24 hours.
    pub expires_at: Option<i64>,
    /// When the reconciler next asks the provider about it (Unix ms), while live.
    pub next_check_at: Option<i64>,
    /// How often the reconciler has asked.
    pub checks: i64,
    /// Where the order came from: `None` for the web checkout, `Some("QR")` for a QR checkout
    /// on a POS screen ([`crate::orders::qr`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The shopper of a catalogue-mode checkout, as the shop's form gave them to the widget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ShopperDetails {
    /// Who pays.
    pub customer: Customer,
    /// Where the goods go (also the billing address).
    pub shipping_address: Address,
}

/// One priced line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LineRecord {
    /// The catalogue id (product or variant).
    pub product_id: String,
    /// Name at the time of the order.
    pub name: String,
    /// Category sent to Kredivo as the item `type`.
    pub category: String,
    /// How many.
    pub quantity: u32,
    /// Price of one, at the time of the order.
    #[serde(with = "kredivo_plan::money::serde_str")]
    #[schema(value_type = String, example = "598000")]
    pub unit_price: Money,
    /// `unit_price × quantity`.
    #[serde(with = "kredivo_plan::money::serde_str")]
    #[schema(value_type = String, example = "598000")]
    pub line_total: Money,
}

/// What [`Store::insert_order`] stores.
#[derive(Debug, Clone)]
pub struct NewOrder {
    /// The order row (status must be `created`).
    pub order: OrderRecord,
    /// Its lines, in cart order.
    pub lines: Vec<LineRecord>,
}

/// The result of [`Store::insert_order`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsertOutcome {
    /// The order is new.
    Inserted,
    /// An order with this idempotency key already exists (it may differ; compare fingerprints).
    Existing(Box<OrderRecord>),
}

/// The result of a status change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum TransitionOutcome {
    /// The status moved.
    Applied {
        /// Before.
        from: OrderStatus,
        /// After.
        to: OrderStatus,
    },
    /// The order already had this status (a replay).
    Unchanged,
    /// The change would move the order backwards (e.g. a late `pending` after `settled`).
    Refused {
        /// The status the order keeps.
        current: OrderStatus,
    },
    /// The cancellation would take back more than is left of the order.
    ExceedsAmount {
        /// What is left.
        #[serde(with = "kredivo_plan::money::serde_str")]
        remaining: Money,
    },
}

/// A change to an order, applied by [`Store::apply_change`] as one compare-and-set with its
/// event (and, when webhooks are on, its outbox row) in one transaction.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// The status to move to; `None` keeps it (a partial cancellation).
    pub to: Option<OrderStatus>,
    /// The provider's transaction id, stored if the order has none yet.
    pub transaction_id: Option<&'a str>,
    /// Rupiah this change takes back. `None` with `to` = cancelled or refunded of a settled
    /// order takes back everything that is left.
    pub cancelled: Option<Money>,
    /// The event logged with it.
    pub event: &'a NewEvent,
    /// The payment type the provider says the shopper finally chose, when it differs.
    pub payment_type: Option<&'a str>,
}

impl<'a> Change<'a> {
    /// A status change.
    pub fn to(status: OrderStatus, transaction_id: Option<&'a str>, event: &'a NewEvent) -> Self {
        Self {
            to: Some(status),
            transaction_id,
            cancelled: None,
            event,
            payment_type: None,
        }
    }

    /// A partial cancellation of a settled order.
    pub fn partial_cancel(amount: Money, event: &'a NewEvent) -> Self {
        Self {
            to: None,
            transaction_id: None,
            cancelled: Some(amount),
            event,
            payment_type: None,
        }
    }
}

/// One entry in an order's event log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct EventRecord {
    /// 1, 2, 3… per order.
    pub seq: i64,
    /// Unix ms.
    pub at: i64,
    /// What happened, e.g. `created`, `checkout_started`, `status`, `notification_rejected`.
    pub kind: String,
    /// Status before, for status changes.
    pub from_status: Option<OrderStatus>,
    /// Status after, for status changes.
    pub to_status: Option<OrderStatus>,
    /// Free text for people (never secrets).
    pub detail: String,
}

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Unix ms.
    pub at: i64,
    /// What happened.
    pub kind: String,
    /// Free text for people.
    pub detail: String,
}

impl NewEvent {
    /// An event at `at`.
    pub fn new(at: i64, kind: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            at,
            kind: kind.into(),
            detail: detail.into(),
        }
    }
}

/// One call to the provider, with the server key removed from the request summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ProviderCall {
    /// Opaque id.
    pub id: String,
    /// Unix ms when the call started.
    pub at: i64,
    /// Gateway name.
    pub gateway: String,
    /// What for, e.g. `payments`, `checkout_url`, `update`, `transaction_status`, `cancel`.
    pub operation: String,
    /// `GET` or `POST`.
    pub method: String,
    /// The URL without query secrets.
    pub endpoint: String,
    /// The order concerned, when known.
    pub order_id: Option<String>,
    /// The request body (JSON) or query, redacted.
    pub request: String,
    /// The response body (truncated), when one arrived.
    pub response: Option<String>,
    /// The HTTP status, when one arrived.
    pub http_status: Option<u16>,
    /// Milliseconds until the answer or the failure.
    pub latency_ms: i64,
    /// How the call failed, if it did.
    pub error: Option<String>,
}

/// One notification received, whatever became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct NotificationRecord {
    /// Opaque id.
    pub id: String,
    /// Unix ms.
    pub at: i64,
    /// Gateway name.
    pub gateway: String,
    /// The order it was (confirmed to be, or claimed to be) about.
    pub order_id: Option<String>,
    /// The provider transaction it named.
    pub transaction_id: Option<String>,
    /// The body exactly as received (truncated to 64 KiB by the body limit).
    pub raw_body: String,
    /// `applied`, `duplicate`, `stale`, `unconfirmed`, `unknown_order`, `mismatch`,
    /// `malformed` or `unverified` (confirmation could not be reached).
    pub verdict: String,
    /// Why, for people.
    pub detail: String,
}

/// A server-side cart of the demo store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CartRecord {
    /// Opaque id.
    pub cart_id: String,
    /// The lines as the shopper set them.
    pub lines: Vec<CartLine>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
}

/// A checkout session as stored: the validated body the merchant's server sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionRecord {
    /// `ses_…`.
    pub session_id: String,
    /// The merchant's reference.
    pub reference: String,
    /// The merchant's `Idempotency-Key`, if it sent one.
    pub idempotency_key: Option<String>,
    /// SHA-256 (hex) of the body it was created with; a replay with another body is refused.
    pub request_hash: String,
    /// The total.
    #[serde(with = "kredivo_plan::money::serde_str")]
    pub amount: Money,
    /// `IDR`.
    pub currency: String,
    /// The validated body.
    pub body: CreateSession,
    /// Unix ms.
    pub expires_at: i64,
    /// The order made from it, once the shopper checked out.
    pub order_id: Option<String>,
    /// Unix ms.
    pub created_at: i64,
}

/// The result of [`Store::insert_session`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionInsert {
    /// Stored.
    Inserted,
    /// A session with this idempotency key exists (compare `request_hash`).
    Existing(Box<SessionRecord>),
}

/// A webhook event in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct WebhookRecord {
    /// `evt_…`, also the event's `id`.
    pub event_id: String,
    /// The order it is about.
    pub order_id: String,
    /// 1, 2, 3… per order: the delivery order.
    pub seq: i64,
    /// What happened.
    pub event_type: WebhookEventType,
    /// The body exactly as delivered (the signature covers these bytes).
    pub payload: String,
    /// Unix ms.
    pub created_at: i64,
    /// Where delivery stands.
    pub status: WebhookStatus,
    /// Attempts so far.
    pub attempts: i64,
    /// Unix ms of the next attempt while pending.
    pub next_attempt_at: i64,
    /// Unix ms.
    pub delivered_at: Option<i64>,
    /// The last failure, for people.
    pub last_error: Option<String>,
    /// The merchant's last HTTP status.
    pub last_http_status: Option<u16>,
}

/// Where a webhook's delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(utoipa::ToSchema)]
pub enum WebhookStatus {
    /// Waiting for its (next) attempt.
    Pending,
    /// The merchant answered 2xx.
    Delivered,
    /// Retried for the whole retry window without a 2xx; `webhooks redeliver` resets it.
    Failed,
}

impl WebhookStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Delivered, Self::Failed]
            .into_iter()
            .find(|w| w.as_str() == s)
    }
}

/// One delivery attempt of a webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct WebhookAttempt {
    /// 1, 2, 3…
    pub attempt: i64,
    /// Unix ms.
    pub at: i64,
    /// The merchant's HTTP status, when it answered.
    pub http_status: Option<u16>,
    /// Until the answer or the failure.
    pub latency_ms: i64,
    /// Transport failure or non-2xx, for people.
    pub error: Option<String>,
    /// The start of the merchant's answer (at most 1 KiB).
    pub response: Option<String>,
}

/// What became of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptResult {
    /// 2xx: done.
    Delivered,
    /// Try again at this time (Unix ms).
    RetryAt(i64),
    /// The retry window is over.
    GiveUp,
}

/// Which webhooks to list.
#[derive(Debug, Clone, Default)]
pub struct WebhookFilter {
    /// Only this status.
    pub status: Option<WebhookStatus>,
    /// Only this order's.
    pub order_id: Option<String>,
    /// At most this many, oldest first (default 100, capped at 1000).
    pub limit: Option<u32>,
}

/// Which orders to list.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    /// Only this status.
    pub status: Option<OrderStatus>,
    /// At most this many, newest first (default 100, capped at 1000).
    pub limit: Option<u32>,
}

/// Persistence of everything the proxy must not lose.
pub trait Store: Send + Sync + 'static {
    /// Stores a new order and its lines and the `created` event, unless an order with the same
    /// idempotency key exists, which is returned instead.
    fn insert_order<'a>(
        &'a self,
        order: &'a NewOrder,
    ) -> BoxFuture<'a, Result<InsertOutcome, StoreError>>;
    /// The order made with this idempotency key, if any.
    fn order_by_idempotency_key<'a>(
        &'a self,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Option<OrderRecord>, StoreError>>;
    /// One order.
    fn order<'a>(
        &'a self,
        order_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<OrderRecord>, StoreError>>;
    /// An order's lines, in cart order.
    fn order_lines<'a>(
        &'a self,
        order_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<LineRecord>, StoreError>>;
    /// Orders, newest first.
    fn list_orders<'a>(
        &'a self,
        filter: &'a OrderFilter,
    ) -> BoxFuture<'a, Result<Vec<OrderRecord>, StoreError>>;
    /// Takes the right to call the provider's checkout for an order still in `created` without
    /// a redirect, if nobody holds it (or the holder's lease ran out). `true` if taken.
    fn claim_checkout<'a>(
        &'a self,
        order_id: &'a str,
        now: i64,
        lease_until: i64,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;
    /// Records a successful checkout: `created → pending`, the redirect, the event; releases
    /// the lease.
    fn checkout_started<'a>(
        &'a self,
        order_id: &'a str,
        redirect_url: Option<&'a str>,
        transaction_id: Option<&'a str>,
        event: &'a NewEvent,
    ) -> BoxFuture<'a, Result<TransitionOutcome, StoreError>>;
    /// Records a failed checkout: releases the lease, keeps `created`, notes the error.
    fn checkout_failed<'a>(
        &'a self,
        order_id: &'a str,
        event: &'a NewEvent,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// The one compare-and-set of an order's state: moves it to `change.to` if the state
    /// machine allows it from its current status, adds `change.cancelled` if it stays within
    /// the amount, stores the transaction id if it was unknown, appends the event and (webhooks
    /// on) the outbox row — atomically. Pushes, returns, the reconciler, cancels and the admin
    /// all come through here.
    fn apply_change<'a>(
        &'a self,
        order_id: &'a str,
        change: &'a Change<'a>,
    ) -> BoxFuture<'a, Result<TransitionOutcome, StoreError>>;
    /// [`Store::apply_change`] for a status change only.
    fn transition<'a>(
        &'a self,
        order_id: &'a str,
        to: OrderStatus,
        transaction_id: Option<&'a str>,
        event: &'a NewEvent,
    ) -> BoxFuture<'a, Result<TransitionOutcome, StoreError>> {
        Box::pin(async move {
            self.apply_change(order_id, &Change::to(to, transaction_id, event))
                .await
        })
    }
    /// Appends an event without changing the order.
    fn append_event<'a>(
        &'a self,
        order_id: &'a str,
        event: &'a NewEvent,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// An order's event log, oldest first.
    fn events<'a>(
        &'a self,
        order_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<EventRecord>, StoreError>>;
    /// Stores a provider call.
    fn record_call<'a>(&'a self, call: &'a ProviderCall) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Provider calls, oldest first; only one order's when `order_id` is set.
    fn calls<'a>(
        &'a self,
        order_id: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<ProviderCall>, StoreError>>;
    /// Stores a notification.
    fn record_notification<'a>(
        &'a self,
        n: &'a NotificationRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Notifications, oldest first; only one order's when `order_id` is set.
    fn notifications<'a>(
        &'a self,
        order_id: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<NotificationRecord>, StoreError>>;
    /// Creates or replaces a cart.
    fn put_cart<'a>(&'a self, cart: &'a CartRecord) -> BoxFuture<'a, Result<(), StoreError>>;
    /// One cart.
    fn cart<'a>(
        &'a self,
        cart_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<CartRecord>, StoreError>>;

    /// Stores a session and its first client secret's hash, unless a session with the same
    /// idempotency key exists, which is returned instead.
    fn insert_session<'a>(
        &'a self,
        session: &'a SessionRecord,
        secret_hash: &'a str,
    ) -> BoxFuture<'a, Result<SessionInsert, StoreError>>;
    /// Adds another client secret to a session (an idempotent replay of its creation).
    fn add_session_secret<'a>(
        &'a self,
        session_id: &'a str,
        secret_hash: &'a str,
        at: i64,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// One session.
    fn session<'a>(
        &'a self,
        session_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<SessionRecord>, StoreError>>;
    /// The session a client secret (by its hash) opens.
    fn session_by_secret<'a>(
        &'a self,
        secret_hash: &'a str,
    ) -> BoxFuture<'a, Result<Option<SessionRecord>, StoreError>>;

    /// Takes up to `limit` webhooks that are due (pending, `next_attempt_at` ≤ `now`, not
    /// leased), at most one per order and only an order's oldest undelivered one, and leases
    /// them until `lease_until` so no other worker (or replica) sends them meanwhile.
    fn claim_webhooks<'a>(
        &'a self,
        now: i64,
        lease_until: i64,
        limit: u32,
    ) -> BoxFuture<'a, Result<Vec<WebhookRecord>, StoreError>>;
    /// Records one delivery attempt and what follows from it; releases the lease.
    fn record_webhook_attempt<'a>(
        &'a self,
        event_id: &'a str,
        attempt: &'a WebhookAttempt,
        result: &'a AttemptResult,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Webhooks, oldest first.
    fn webhooks<'a>(
        &'a self,
        filter: &'a WebhookFilter,
    ) -> BoxFuture<'a, Result<Vec<WebhookRecord>, StoreError>>;
    /// One webhook's delivery attempts, oldest first.
    fn webhook_attempts<'a>(
        &'a self,
        event_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<WebhookAttempt>, StoreError>>;
    /// Puts a webhook back in the queue, due at `now` (the operator's `webhooks redeliver`).
    /// `false` when there is no such event.
    fn redeliver_webhook<'a>(
        &'a self,
        event_id: &'a str,
        now: i64,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;
    /// Undelivered webhooks: how many, and the creation time (Unix ms) of the oldest.
    fn webhook_backlog(&self) -> BoxFuture<'_, Result<(u64, Option<i64>), StoreError>>;

    /// Whether a notification with this unique id was already applied (a replay).
    fn notification_key_seen<'a>(
        &'a self,
        gateway: &'a str,
        key: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;
    /// Remembers an applied notification's unique id (idempotent).
    fn remember_notification_key<'a>(
        &'a self,
        gateway: &'a str,
        key: &'a str,
        at: i64,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Forgets notifications that changed nothing once older than `before` (Unix ms), and
    /// beyond the newest `keep` of them, with notification keys older than `before`: what a
    /// flood of bogus pushes can make the proxy store is bounded. Returns the rows removed.
    fn prune_notifications(&self, before: i64, keep: u32)
        -> BoxFuture<'_, Result<u64, StoreError>>;

    /// Takes up to `limit` live (created or pending) orders whose next check is due and that
    /// no other reconciler holds, and leases them until `lease_until`.
    fn claim_checks<'a>(
        &'a self,
        now: i64,
        lease_until: i64,
        limit: u32,
    ) -> BoxFuture<'a, Result<Vec<OrderRecord>, StoreError>>;
    /// Records a check: the next one at `next_at` (`None`: no more), the lease released.
    fn schedule_check<'a>(
        &'a self,
        order_id: &'a str,
        next_at: Option<i64>,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// How many orders have each status (statuses without orders are absent); `/metrics`
    /// reads it at scrape time.
    fn order_counts(&self) -> BoxFuture<'_, Result<Vec<(OrderStatus, u64)>, StoreError>>;
    /// Whether every migration this build carries is applied; `/readyz` asks it, which also
    /// proves the database answers.
    fn migrations_applied(&self) -> BoxFuture<'_, Result<bool, StoreError>>;

    /// Stored Kredivo user tokens (issue 17).
    fn user_tokens(&self) -> &dyn UserTokenStore;
    // ----- QR checkout (crate::orders::qr) -----

    /// Stores a QR order — the order (its `source` `QR`), its lines, its `created` event and
    /// its QR row — in one transaction, unless its order id is taken: by a QR order (returned,
    /// so a retried create finds it) or by another order.
    fn insert_qr<'a>(
        &'a self,
        order: &'a NewOrder,
        qr: &'a QrRecord,
    ) -> BoxFuture<'a, Result<QrInsert, StoreError>>;
    /// One QR checkout by its handle.
    fn qr<'a>(&'a self, qr_id: &'a str) -> BoxFuture<'a, Result<Option<QrRecord>, StoreError>>;
    /// The QR checkout of an order, if it is one.
    fn qr_by_order<'a>(
        &'a self,
        order_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<QrRecord>, StoreError>>;
    /// Records the provider's image URL (once known) and the image (once fetched); `None`
    /// keeps what is stored.
    fn set_qr_image<'a>(
        &'a self,
        qr_id: &'a str,
        qr_image: Option<&'a str>,
        svg: Option<&'a str>,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}

/// The statuses from which an order may move to `to`; the state machine in one place.
///
/// `created → pending → settled | denied | expired | cancelled`, `settled → cancelled |
/// refunded`; an order the provider reports before our checkout call returned may skip
/// `pending`.
pub fn predecessors(to: OrderStatus) -> &'static [OrderStatus] {
    use OrderStatus::*;
    match to {
        Created => &[],
        Pending => &[Created],
        Settled | Denied | Expired => &[Created, Pending],
        Cancelled => &[Created, Pending, Settled],
        Refunded => &[Settled],
    }
}

/// Parses a stored status.
pub fn parse_status(s: &str) -> Option<OrderStatus> {
    OrderStatus::parse(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus::*;

    #[test]
    fn no_status_can_be_reached_from_a_later_one() {
        // Settlement is not undone by a late pending, a final status never reopens.
        assert!(!predecessors(Pending).contains(&Settled));
        for final_status in [Denied, Expired, Cancelled, Refunded] {
            for to in OrderStatus::ALL {
                assert!(
                    !predecessors(to).contains(&final_status),
                    "{final_status:?} -> {to:?}"
                );
            }
        }
        assert!(
            predecessors(Cancelled).contains(&Settled),
            "full cancel after settlement"
        );
    }

    #[test]
    fn every_status_round_trips_through_its_stored_name() {
        for s in OrderStatus::ALL {
            assert_eq!(parse_status(s.as_str()), Some(s));
        }
        assert_eq!(parse_status("chargeback"), None);
    }
}
