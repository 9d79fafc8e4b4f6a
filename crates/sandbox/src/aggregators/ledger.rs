//! What an aggregator simulator stores: its transactions (each wrapping a hosted Kredivo
//! transaction), their refunds and last notification, and the answers kept for idempotency
//! keys; plus the provider-neutral view tests and the driver get.

use std::collections::HashMap;

use axum::http::StatusCode;
use kredivo_plan::{Money, PaymentType};
use serde::Serialize;
use serde_json::Value;

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

/// Why a refund was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RefundRefusal {
    NotFound,
    NotPaid(AggregatorState),
    TooMuch { remaining: Money },
}
