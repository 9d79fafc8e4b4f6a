//! What the four aggregator simulators share: their transactions (an aggregator transaction
//! wrapping a hosted Kredivo transaction), the Kredivo hook that moves them, notifications
//! through the shared push engine with push faults applied, request faults rendered in each
//! dialect, idempotent replays, the return route and the `_sandbox` driver.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kredivo_plan::{Money, PaymentType};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use crate::faults::{Endpoint, Fault, Faults};
use crate::ids::IdSourceExt;
use crate::kredivo::hook::{aggregator_slot, HostedRequest, TransitionHook, TxEvent};
use crate::kredivo::model::State as KState;
use crate::kredivo::{Kredivo, Target};
use crate::push::{Delivery, Outgoing, PushKind};

/// The Kredivo simulator plus where things live.
#[derive(Debug)]
pub(crate) struct Core {
    pub kredivo: Kredivo,
    /// `…/sandbox`, no trailing slash.
    pub public_base: String,
    /// Where the merchant lives: the base of the "dashboard" URL defaults.
    pub merchant_base: String,
}

impl Core {
    pub fn now(&self) -> i64 {
        self.kredivo.shared().clock.unix_secs()
    }

    pub fn uuid(&self) -> String {
        self.kredivo.shared().ids.uuid()
    }

    pub fn faults(&self) -> &Faults {
        &self.kredivo.shared().faults
    }

    /// `{public_base}/{provider}{path}`.
    pub fn url(&self, provider: &str, path: &str) -> String {
        format!("{}/{provider}{path}", self.public_base)
    }

    /// `{merchant_base}{path}`: a dashboard setting's default.
    pub fn merchant_url(&self, path: &str) -> String {
        format!("{}{path}", self.merchant_base)
    }
}

/// An aggregator transaction's state, whatever the provider calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AggregatorState {
    /// Waiting for the shopper.
    Pending,
    /// Paid (possibly partly refunded: see `refunded`).
    Paid,
    /// Refused by Kredivo.
    Denied,
    /// Not paid in time.
    Expired,
    /// Given up by the shopper or cancelled by the merchant before payment.
    Cancelled,
    /// Refunded in full.
    Refunded,
}

/// A refund or partial refund.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct RefundRecord {
    pub id: String,
    pub key: Option<String>,
    pub amount: Money,
    pub reason: String,
    pub at: i64,
}

/// A notification ready to send.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Notice {
    pub url: String,
    pub body: Value,
    pub headers: Vec<(String, String)>,
}

/// One aggregator transaction.
#[derive(Debug, Clone)]
pub(crate) struct AggTx<E> {
    /// The aggregator's id (also the Kredivo order id under the aggregator's slot).
    pub id: String,
    /// The merchant's id for it (invoice number, order id, reference id).
    pub reference: String,
    pub amount: Money,
    pub refunded: Money,
    pub state: AggregatorState,
    pub kredivo_tx: String,
    pub checkout_url: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub paid_at: Option<i64>,
    pub updated_at: i64,
    pub payment_type: PaymentType,
    pub refunds: Vec<RefundRecord>,
    pub last_notice: Option<Notice>,
    pub extra: E,
}

impl<E> AggTx<E> {
    pub fn remaining(&self) -> Money {
        self.amount
            .checked_sub(self.refunded)
            .unwrap_or(Money::ZERO)
    }
}

/// A transaction as tests and the driver see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AggregatorTransaction {
    /// `doku`, `midtrans`, `xendit`, `finpay`.
    pub provider: &'static str,
    /// The aggregator's id.
    pub id: String,
    /// The merchant's id.
    pub reference: String,
    /// The amount, `"150000"`.
    pub amount: String,
    /// Refunded so far.
    pub refunded: String,
    /// The provider's own status word (`SUCCESS`, `settlement`, `SUCCEEDED`, `PAID`…).
    pub status: String,
    /// The provider-neutral state.
    pub state: AggregatorState,
    /// The hosted Kredivo transaction behind it.
    pub kredivo_transaction_id: String,
    /// Where the shopper was sent.
    pub checkout_url: String,
    /// Where notifications go.
    pub notification_urls: Vec<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
}

/// A stored answer for an idempotency key.
#[derive(Debug, Clone)]
pub(crate) struct Replay {
    pub request: Vec<u8>,
    pub status: StatusCode,
    pub body: Value,
}

/// What is stored per provider.
#[derive(Debug)]
pub(crate) struct Ledger<E> {
    pub txs: Vec<AggTx<E>>,
    pub by_id: HashMap<String, usize>,
    pub by_ref: HashMap<String, usize>,
    pub by_kredivo: HashMap<String, usize>,
    pub replays: HashMap<String, Replay>,
}

impl<E> Default for Ledger<E> {
    fn default() -> Self {
        Self {
            txs: Vec::new(),
            by_id: HashMap::new(),
            by_ref: HashMap::new(),
            by_kredivo: HashMap::new(),
            replays: HashMap::new(),
        }
    }
}

impl<E> Ledger<E> {
    /// By the aggregator's id, then by the merchant's (latest first).
    pub fn find(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).or_else(|| self.by_ref.get(id)).copied()
    }
}

/// A provider's dialect: names, status words, notifications, redirects.
pub(crate) trait Dialect: Send + Sync + fmt::Debug + 'static {
    /// Provider-specific data stored with each transaction.
    type Extra: Send + Sync + fmt::Debug + Clone + 'static;
    /// Path prefix and push-log prefix: `doku`.
    const NAME: &'static str;
    /// Kredivo merchant slot index (0‥3).
    const SLOT: usize;
    /// The provider's word for the transaction's state.
    fn status_word(&self, tx: &AggTx<Self::Extra>) -> String;
    /// The notification for the transaction's current state; `None` sends nothing.
    fn notice(&self, core: &Core, tx: &AggTx<Self::Extra>) -> Option<Notice>;
    /// Where the shopper goes once Kredivo's pages are done.
    fn return_url(&self, core: &Core, tx: &AggTx<Self::Extra>) -> Option<String>;
    /// Where notifications for this transaction go.
    fn notification_urls(&self, core: &Core, tx: &AggTx<Self::Extra>) -> Vec<String>;
}

/// A new transaction for [`Provider::create`].
#[derive(Debug)]
pub(crate) struct NewAggTx<E> {
    pub id: String,
    pub reference: String,
    pub amount: Money,
    pub items: Vec<Value>,
    pub expires_at: Option<i64>,
    /// The merchant's tenure hint (see `kredivo_providers::PAYMENT_TYPE_HINT`).
    pub payment_type: Option<PaymentType>,
    pub extra: E,
}

/// The tenure hint under `kredivo_providers::PAYMENT_TYPE_HINT` in a free-form object.
pub(crate) fn hint_in(value: Option<&Value>) -> Option<PaymentType> {
    value?
        .get(kredivo_providers::PAYMENT_TYPE_HINT)?
        .as_str()
        .map(hint)
}

/// A tenure hint as a payment type.
pub(crate) fn hint(text: &str) -> PaymentType {
    PaymentType::from(text.trim())
}

/// Why a refund was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RefundRefusal {
    NotFound,
    NotPaid(AggregatorState),
    TooMuch { remaining: Money },
}

/// One aggregator simulator: its dialect, its ledger, the shared core.
pub(crate) struct Provider<D: Dialect> {
    pub core: Arc<Core>,
    pub dialect: D,
    ledger: Mutex<Ledger<D::Extra>>,
}

impl<D: Dialect> fmt::Debug for Provider<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Provider")
            .field("name", &D::NAME)
            .finish_non_exhaustive()
    }
}

impl<D: Dialect> Provider<D> {
    pub fn new(core: Arc<Core>, dialect: D) -> Self {
        Self {
            core,
            dialect,
            ledger: Mutex::new(Ledger::default()),
        }
    }

    /// The ledger. Never call into Kredivo while holding it: Kredivo's hooks lock it.
    pub fn ledger(&self) -> MutexGuard<'_, Ledger<D::Extra>> {
        self.ledger.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Expires overdue Kredivo transactions (the hook then updates ours). Call before
    /// reading a transaction, without holding the ledger.
    pub fn sweep(&self) {
        self.core.kredivo.sweep_expired();
    }

    /// The transaction with this aggregator id or merchant reference, after a sweep.
    pub fn get(&self, id: &str) -> Option<AggTx<D::Extra>> {
        self.sweep();
        let ledger = self.ledger();
        ledger.find(id).map(|i| ledger.txs[i].clone())
    }

    /// Creates the hosted Kredivo transaction and stores ours. `Err` is Kredivo's refusal.
    pub fn create(self: &Arc<Self>, new: NewAggTx<D::Extra>) -> Result<AggTx<D::Extra>, String> {
        let back = self.core.url(
            D::NAME,
            &format!("/_return/{}", percent_encode_segment(&new.id)),
        );
        let hook: Arc<dyn TransitionHook> = self.clone();
        let hosted = self
            .core
            .kredivo
            .create_hosted(
                HostedRequest {
                    slot: aggregator_slot(D::SLOT),
                    order_id: new.id.clone(),
                    amount: new.amount,
                    items: new.items,
                    back_to_store_uri: back,
                    expires_at: new.expires_at,
                    payment_type: new.payment_type,
                },
                hook,
            )
            .map_err(str::to_owned)?;
        let now = self.core.now();
        let payment_type = self
            .core
            .kredivo
            .hosted_state(&hosted.transaction_id)
            .map(|s| s.payment_type)
            .unwrap_or(PaymentType::ThirtyDays);
        let tx = AggTx {
            id: new.id,
            reference: new.reference,
            amount: new.amount,
            refunded: Money::ZERO,
            state: AggregatorState::Pending,
            kredivo_tx: hosted.transaction_id,
            checkout_url: hosted.redirect_url,
            created_at: now,
            expires_at: hosted.expires_at,
            paid_at: None,
            updated_at: now,
            payment_type,
            refunds: Vec::new(),
            last_notice: None,
            extra: new.extra,
        };
        let mut ledger = self.ledger();
        let idx = ledger.txs.len();
        ledger.by_id.insert(tx.id.clone(), idx);
        ledger.by_ref.insert(tx.reference.clone(), idx);
        ledger.by_kredivo.insert(tx.kredivo_tx.clone(), idx);
        ledger.txs.push(tx.clone());
        tracing::info!(provider = D::NAME, id = %tx.id, reference = %tx.reference, "aggregator transaction created");
        Ok(tx)
    }

    /// Moves the Kredivo transaction behind `id` (the hook updates ours and notifies).
    pub fn drive_kredivo(&self, id: &str, target: Target) -> Result<AggTx<D::Extra>, String> {
        let kredivo_tx = {
            let ledger = self.ledger();
            let idx = ledger
                .find(id)
                .ok_or_else(|| format!("no transaction {id:?}"))?;
            ledger.txs[idx].kredivo_tx.clone()
        };
        self.core
            .kredivo
            .drive(&kredivo_tx, target)
            .map_err(|e| e.to_string())?;
        self.get(id).ok_or_else(|| format!("no transaction {id:?}"))
    }

    /// Refunds `amount` (or the rest) of a paid transaction. A full refund cancels the
    /// Kredivo transaction (limit restored; the hook notifies); a partial one is recorded and
    /// notified here. Returns the transaction and the refund.
    pub fn refund(
        &self,
        id: &str,
        amount: Option<Money>,
        reason: &str,
        key: Option<&str>,
    ) -> Result<(AggTx<D::Extra>, RefundRecord), RefundRefusal> {
        self.sweep();
        let (full, kredivo_tx, record, notice) = {
            let mut ledger = self.ledger();
            let idx = ledger.find(id).ok_or(RefundRefusal::NotFound)?;
            let refund_id = self.core.uuid();
            let now = self.core.now();
            let tx = &mut ledger.txs[idx];
            if tx.state != AggregatorState::Paid {
                return Err(RefundRefusal::NotPaid(tx.state));
            }
            let remaining = tx.remaining();
            let amount = amount.unwrap_or(remaining);
            if amount.is_zero() || amount > remaining {
                return Err(RefundRefusal::TooMuch { remaining });
            }
            let record = RefundRecord {
                id: refund_id,
                key: key.map(str::to_owned),
                amount,
                reason: reason.to_owned(),
                at: now,
            };
            tx.refunds.push(record.clone());
            let full = amount == remaining;
            let notice = if full {
                None
            } else {
                tx.refunded = tx.refunded.checked_add(amount).unwrap_or(tx.amount);
                tx.updated_at = now;
                self.prepare_notice(tx)
            };
            (full, tx.kredivo_tx.clone(), record, notice)
        };
        if full {
            if let Err(e) = self.core.kredivo.drive(&kredivo_tx, Target::Cancel) {
                tracing::warn!(provider = D::NAME, error = %e, "refund: Kredivo cancel refused");
            }
        } else if let Some((subject, notice, previous)) = notice {
            self.deliver(subject, notice, previous);
        }
        let tx = self.get(id).ok_or(RefundRefusal::NotFound)?;
        Ok((tx, record))
    }

    /// Sends the current state's notification again.
    pub fn repush(&self, id: &str) -> Result<AggTx<D::Extra>, String> {
        let prepared = {
            let mut ledger = self.ledger();
            let idx = ledger
                .find(id)
                .ok_or_else(|| format!("no transaction {id:?}"))?;
            self.prepare_notice(&mut ledger.txs[idx])
        };
        if let Some((subject, notice, previous)) = prepared {
            self.deliver(subject, notice, previous);
        }
        self.get(id).ok_or_else(|| format!("no transaction {id:?}"))
    }

    /// Builds the notification for `tx`'s current state and remembers it (for an
    /// out-of-order re-send later).
    fn prepare_notice(&self, tx: &mut AggTx<D::Extra>) -> Option<(String, Notice, Option<Notice>)> {
        let notice = self.dialect.notice(&self.core, tx)?;
        let previous = tx.last_notice.replace(notice.clone());
        Some((format!("{}:{}", D::NAME, tx.id), notice, previous))
    }

    /// Hands a notification to the push engine with the armed push faults applied.
    fn deliver(&self, subject: String, notice: Notice, previous: Option<Notice>) {
        let shared = self.core.kredivo.shared();
        let out = |n: &Notice, note: Option<&str>| Outgoing {
            kind: PushKind::Notification,
            subject: subject.clone(),
            url: n.url.clone(),
            body: n.body.clone(),
            note: note.map(str::to_owned),
        };
        let delivery = |n: &Notice| Delivery {
            headers: n.headers.clone(),
            any_2xx: true,
        };
        match shared.faults.take_for_push() {
            Some(Fault::DropPush) => {
                tracing::info!(%subject, "notification dropped by fault");
                shared.pusher.record_dropped(out(&notice, Some("dropped")));
            }
            Some(Fault::DuplicatePush) => {
                shared
                    .pusher
                    .send_with(out(&notice, None), delivery(&notice));
                shared
                    .pusher
                    .send_with(out(&notice, Some("duplicate")), delivery(&notice));
            }
            Some(Fault::OutOfOrderPush) => {
                shared
                    .pusher
                    .send_with(out(&notice, None), delivery(&notice));
                if let Some(stale) = previous {
                    shared
                        .pusher
                        .send_with(out(&stale, Some("out_of_order")), delivery(&stale));
                }
            }
            _ => {
                shared
                    .pusher
                    .send_with(out(&notice, None), delivery(&notice));
            }
        }
    }

    /// Snapshots, oldest first.
    pub fn snapshots(&self) -> Vec<AggregatorTransaction> {
        self.sweep();
        let ledger = self.ledger();
        ledger.txs.iter().map(|t| self.snapshot(t)).collect()
    }

    pub fn snapshot(&self, tx: &AggTx<D::Extra>) -> AggregatorTransaction {
        AggregatorTransaction {
            provider: D::NAME,
            id: tx.id.clone(),
            reference: tx.reference.clone(),
            amount: tx.amount.to_string(),
            refunded: tx.refunded.to_string(),
            status: self.dialect.status_word(tx),
            state: tx.state,
            kredivo_transaction_id: tx.kredivo_tx.clone(),
            checkout_url: tx.checkout_url.clone(),
            notification_urls: self.dialect.notification_urls(&self.core, tx),
            created_at: tx.created_at,
            expires_at: tx.expires_at,
        }
    }

    /// The stored answer for an idempotency key: `Some(Ok)` replays it, `Some(Err)` means the
    /// key was used with another request.
    pub fn replay(&self, scope: &str, key: &str, request: &[u8]) -> Option<Result<Replay, ()>> {
        let ledger = self.ledger();
        let stored = ledger.replays.get(&format!("{scope}\u{0}{key}"))?;
        Some(if stored.request == request {
            Ok(stored.clone())
        } else {
            Err(())
        })
    }

    /// Remembers an answer for an idempotency key.
    pub fn remember(
        &self,
        scope: &str,
        key: &str,
        request: &[u8],
        status: StatusCode,
        body: &Value,
    ) {
        self.ledger().replays.insert(
            format!("{scope}\u{0}{key}"),
            Replay {
                request: request.to_vec(),
                status,
                body: body.clone(),
            },
        );
    }
}

impl<D: Dialect> TransitionHook for Provider<D> {
    fn transitioned(&self, event: &TxEvent) {
        let prepared = {
            let mut ledger = self.ledger();
            let Some(idx) = ledger.by_kredivo.get(&event.transaction_id).copied() else {
                return;
            };
            let now = self.core.now();
            let tx = &mut ledger.txs[idx];
            let next = match (event.from, event.to) {
                (_, KState::Settlement) => AggregatorState::Paid,
                (_, KState::Deny) => AggregatorState::Denied,
                (_, KState::Expire) => AggregatorState::Expired,
                (KState::Settlement, KState::Cancel) => AggregatorState::Refunded,
                (_, KState::Cancel) => AggregatorState::Cancelled,
                (_, KState::Pending) => return,
            };
            if tx.state == next {
                return;
            }
            tx.state = next;
            tx.payment_type = event.payment_type.clone();
            tx.updated_at = now;
            match next {
                AggregatorState::Paid => tx.paid_at = Some(now),
                AggregatorState::Refunded => tx.refunded = tx.amount,
                _ => {}
            }
            tracing::info!(provider = D::NAME, id = %tx.id, state = ?next, "aggregator transaction moved");
            self.prepare_notice(tx)
        };
        if let Some((subject, notice, previous)) = prepared {
            self.deliver(subject, notice, previous);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Request helpers
// ---------------------------------------------------------------------------------------

/// Applies armed request faults for `endpoint`: sleeps for latency, then returns the response
/// that replaces the real one. `error` renders a `Fault::Error` in the provider's shape.
pub(crate) async fn request_faults(
    faults: &Faults,
    endpoint: Endpoint,
    error: impl FnOnce(String, Option<i64>) -> Response,
) -> Option<Response> {
    let got = faults.take_for_request(endpoint);
    if !got.latency.is_zero() {
        tokio::time::sleep(got.latency).await;
    }
    match got.fault? {
        Fault::HttpStatus { status } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let reason = status.canonical_reason().unwrap_or("Error");
            let body = format!(
                "<html><head><title>{0} {reason}</title></head><body><center><h1>{0} {reason}</h1></center></body></html>\n",
                status.as_u16()
            );
            Some((status, [(header::CONTENT_TYPE, "text/html")], body).into_response())
        }
        Fault::MalformedJson => Some(
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                "{\"status\":\"OK\",\"data\":{\"stat",
            )
                .into_response(),
        ),
        Fault::Error { message, code } => Some(error(message, code)),
        _ => None,
    }
}

/// Why a JSON body was refused, with the field path when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Empty, not JSON, or not an object.
    NotJson(&'static str),
    /// A required field is absent (`order.amount`).
    Missing(String),
    /// A field has the wrong type or value.
    Invalid(String),
}

impl BodyError {
    /// `order.amount is required` / `order.amount is invalid` / the reason.
    pub fn message(&self) -> String {
        match self {
            BodyError::NotJson(why) => (*why).to_owned(),
            BodyError::Missing(path) => format!("{path} is required"),
            BodyError::Invalid(path) => format!("{path} is invalid"),
        }
    }
}

/// Parses a JSON object body, naming the offending field by path.
pub(crate) fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, BodyError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(BodyError::NotJson("request body is empty"));
    }
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|_| BodyError::NotJson("request body is not valid JSON"))?;
    if !value.is_object() {
        return Err(BodyError::NotJson("request body must be a JSON object"));
    }
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.inner().to_string();
        match inner
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
        {
            Some(field) if path == "." || path.is_empty() => BodyError::Missing(field.to_owned()),
            Some(field) => BodyError::Missing(format!("{path}.{field}")),
            None => BodyError::Invalid(path),
        }
    })
}

/// The user and password of the request's Basic `Authorization`.
pub(crate) fn basic_credentials(headers: &axum::http::HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    kredivo_providers::auth::parse_basic(value)
}

/// A header's value as text (trimmed), if present and visible ASCII.
pub(crate) fn header_text(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Whether `url` is an absolute http(s) URL.
pub(crate) fn is_http_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")) && lower.len() > 8
}

/// Percent-encodes a path segment (RFC 3986 unreserved characters stay).
pub(crate) fn percent_encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Appends query parameters to a URL that may already have some.
pub(crate) fn with_query(base: &str, params: &[(&str, &str)]) -> String {
    let mut url = base.to_owned();
    for (i, (k, v)) in params.iter().enumerate() {
        url.push(if i == 0 && !base.contains('?') {
            '?'
        } else {
            '&'
        });
        url.push_str(&percent_encode_segment(k));
        url.push('=');
        url.push_str(&percent_encode_segment(v));
    }
    url
}

/// The path of an absolute URL (`/api/kredivo/v1/push`), for DOKU's `Request-Target`.
pub(crate) fn url_path(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path_and_more = rest.find('/').map_or("/", |i| &rest[i..]);
    let end = path_and_more
        .find(['?', '#'])
        .unwrap_or(path_and_more.len());
    path_and_more[..end].to_owned()
}

/// Money with two decimals, `"11000.00"`.
pub(crate) fn amount_2dp(money: Money) -> String {
    format!("{money}.00")
}

// ---------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------

/// (year, month, day, hour, minute, second) of a Unix time shifted by `offset_secs`.
fn civil(unix: i64, offset_secs: i64) -> (i64, i64, i64, i64, i64, i64) {
    let secs = unix + offset_secs;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, rem / 3600, rem % 3600 / 60, rem % 60)
}

const WIB: i64 = 7 * 3600;

/// `2024-01-01T00:00:00Z`.
pub(crate) fn iso_utc(unix: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(unix, 0);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// `2024-01-01T00:00:00.000Z` (Xendit).
pub(crate) fn iso_utc_millis(unix: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(unix, 0);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.000Z")
}

/// `2024-01-01 07:00:00`, Jakarta time (Midtrans, Finpay).
pub(crate) fn jakarta(unix: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(unix, WIB);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
}

/// `20240101070000`, Jakarta time (`utc = false`) or UTC.
pub(crate) fn compact(unix: i64, utc: bool) -> String {
    let (y, mo, d, h, mi, s) = civil(unix, if utc { 0 } else { WIB });
    format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}")
}

// ---------------------------------------------------------------------------------------
// Routes every aggregator has: the return from Kredivo's pages, and the driver
// ---------------------------------------------------------------------------------------

/// `GET /{provider}/_return/{id}`: Kredivo's pages are done; send the shopper to the
/// merchant's URL for the outcome (or show a final page when there is none).
pub(crate) async fn return_from_kredivo<D: Dialect>(
    State(p): State<Arc<Provider<D>>>,
    Path(id): Path<String>,
) -> Response {
    let Some(tx) = p.get(&id) else {
        return crate::html::error_page(
            StatusCode::NOT_FOUND,
            "Transaksi tidak dikenal",
            "Transaksi ini tidak dikenal.",
        );
    };
    match p.dialect.return_url(&p.core, &tx) {
        Some(url) => Redirect::to(&url).into_response(),
        None => crate::html::page(
            "Selesai",
            &format!(
                "<p id=\"status\" data-status=\"{0}\">Status: {0}</p>",
                crate::html::escape(&p.dialect.status_word(&tx))
            ),
        )
        .into_response(),
    }
}

/// `…/{provider}/_sandbox/…`: list, show, and drive transactions.
pub(crate) fn driver<D: Dialect>() -> Router<Arc<Provider<D>>> {
    Router::new()
        .route("/transactions", get(driver_list::<D>))
        .route("/transactions/{id}", get(driver_show::<D>))
        .route("/transactions/{id}/{target}", post(driver_drive::<D>))
}

fn problem(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

async fn driver_list<D: Dialect>(State(p): State<Arc<Provider<D>>>) -> Response {
    Json(p.snapshots()).into_response()
}

async fn driver_show<D: Dialect>(
    State(p): State<Arc<Provider<D>>>,
    Path(id): Path<String>,
) -> Response {
    match p.get(&id) {
        Some(tx) => Json(p.snapshot(&tx)).into_response(),
        None => problem(StatusCode::NOT_FOUND, format!("no transaction {id:?}")),
    }
}

async fn driver_drive<D: Dialect>(
    State(p): State<Arc<Provider<D>>>,
    Path((id, target)): Path<(String, String)>,
) -> Response {
    let result = match target.as_str() {
        "refund" => p
            .refund(&id, None, "Refunded from the sandbox driver", None)
            .map(|(tx, _)| tx)
            .map_err(|e| format!("refund refused: {e:?}")),
        "repush" | "push" => p.repush(&id),
        other => match other.parse::<Target>() {
            Ok(target) => p.drive_kredivo(&id, target),
            Err(msg) => return problem(StatusCode::BAD_REQUEST, format!("{msg}, or refund")),
        },
    };
    match result {
        Ok(tx) => Json(p.snapshot(&tx)).into_response(),
        Err(msg) if msg.starts_with("no transaction") => problem(StatusCode::NOT_FOUND, msg),
        Err(msg) => problem(StatusCode::CONFLICT, msg),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_formatted_in_utc_and_jakarta() {
        // 2024-01-01T00:00:00Z.
        let t = 1_704_067_200;
        assert_eq!(iso_utc(t), "2024-01-01T00:00:00Z");
        assert_eq!(iso_utc_millis(t), "2024-01-01T00:00:00.000Z");
        assert_eq!(jakarta(t), "2024-01-01 07:00:00");
        assert_eq!(compact(t, false), "20240101070000");
        assert_eq!(compact(t, true), "20240101000000");
    }

    #[test]
    fn url_paths_drop_scheme_host_and_query() {
        assert_eq!(
            url_path("http://127.0.0.1:8080/api/kredivo/v1/push?x=1"),
            "/api/kredivo/v1/push"
        );
        assert_eq!(url_path("https://shop.example"), "/");
    }

    #[test]
    fn query_parameters_are_appended_and_encoded() {
        assert_eq!(
            with_query("https://m.test/r?a=1", &[("order_id", "A 1"), ("x", "y/z")]),
            "https://m.test/r?a=1&order_id=A%201&x=y%2Fz"
        );
    }

    #[test]
    fn body_errors_name_the_field() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Probe {
            order: Order,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Order {
            amount: u64,
        }
        assert_eq!(
            parse_body::<Probe>(br#"{"order":{}}"#).unwrap_err(),
            BodyError::Missing("order.amount".into())
        );
        assert_eq!(
            parse_body::<Probe>(br#"{"order":{"amount":"x"}}"#).unwrap_err(),
            BodyError::Invalid("order.amount".into())
        );
        assert!(matches!(
            parse_body::<Probe>(b"[]"),
            Err(BodyError::NotJson(_))
        ));
    }
}
