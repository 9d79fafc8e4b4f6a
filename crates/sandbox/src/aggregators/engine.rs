//! The engine every aggregator simulator runs on: a [`Provider`] holds one [`Dialect`]'s
//! ledger, creates the hosted Kredivo transaction behind each checkout, follows it through
//! Kredivo's [`TransitionHook`], and notifies the merchant through the shared push engine
//! with the armed push faults applied.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::http::StatusCode;
use kredivo_plan::{Money, PaymentType};
use serde_json::Value;

use super::ledger::{
    AggTx, AggregatorState, AggregatorTransaction, Ledger, NewAggTx, Notice, RefundRecord,
    RefundRefusal, Replay,
};
use crate::faults::{Fault, Faults};
use crate::ids::IdSourceExt;
use crate::kredivo::hook::{TransitionHook, TxEvent};
use crate::kredivo::hosting::{aggregator_slot, HostedRequest};
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

    /// The shared fault registry, for the routers' fault points.
    pub fn faults(&self) -> Arc<Faults> {
        self.kredivo.shared().faults.clone()
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
            &format!(
                "/_return/{}",
                kredivo_providers::encoding::percent_encode(&new.id)
            ),
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

    /// Where the shopper goes back to the merchant now (see [`Dialect::return_url`]).
    pub fn return_url(&self, id: &str) -> Option<String> {
        let tx = self.get(id)?;
        self.dialect.return_url(&self.core, &tx)
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
            delay: Duration::ZERO,
        };
        match shared.faults.take_for_push() {
            Some(Fault::DropPush) => {
                tracing::info!(%subject, "notification dropped by fault");
                shared.pusher.record_dropped(out(&notice, Some("dropped")));
            }
            Some(Fault::DelayPush { ms }) => {
                let later = Delivery {
                    delay: Duration::from_millis(ms),
                    ..delivery(&notice)
                };
                shared
                    .pusher
                    .send_with(out(&notice, Some("delayed")), later);
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
