//! How an aggregator simulator reuses Kredivo's hosted pages: it creates a Kredivo
//! transaction for its own checkout ([`Kredivo::create_hosted`]), sends the shopper to the
//! ordinary sign-in page, and registers a [`TransitionHook`] to follow it.
//!
//! Such a transaction has no `push_uri` (Kredivo pushes nothing to a merchant) and belongs to
//! a merchant slot no server key can name, so the Kredivo API cannot reach it. Its
//! `back_to_store_uri` points at the aggregator, which sends the shopper on.

use std::sync::Arc;

use kredivo_plan::{Money, PaymentType};
use serde_json::Value;

use super::hook::TransitionHook;
use super::model::{Source, State, Step};
use super::service::{self, NewTransaction};
use super::{Kredivo, Shared};

/// What an aggregator asks Kredivo to create.
#[derive(Debug, Clone)]
pub(crate) struct HostedRequest {
    /// The aggregator's merchant slot (see [`aggregator_slot`]).
    pub slot: usize,
    /// Unique per slot: the aggregator's own transaction id.
    pub order_id: String,
    /// The amount.
    pub amount: Money,
    /// Items as Kredivo JSON (shown nowhere; kept for the record).
    pub items: Vec<Value>,
    /// Where the hosted pages send the shopper at the end (the aggregator's return route).
    pub back_to_store_uri: String,
    /// Absolute expiry (Unix seconds); `None` uses Kredivo's default.
    pub expires_at: Option<i64>,
    /// The tenure to preselect on the confirmation page (the merchant's hint); ignored when
    /// the pricing table does not offer it for the amount.
    pub payment_type: Option<PaymentType>,
}

/// A Kredivo transaction created for an aggregator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hosted {
    /// Kredivo's transaction id.
    pub transaction_id: String,
    /// The hosted sign-in page.
    pub redirect_url: String,
    /// Unix seconds.
    pub expires_at: i64,
}

/// Kredivo's view of a hosted transaction.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HostedState {
    /// Where it is.
    pub state: State,
    /// The payment type.
    pub payment_type: PaymentType,
}

/// A merchant slot no server key can name (server keys take slots 0, 1, 2…), one per
/// aggregator, so aggregator order ids never collide with a direct merchant's.
pub(crate) fn aggregator_slot(index: usize) -> usize {
    usize::MAX - index
}

impl Kredivo {
    /// Creates a pending Kredivo transaction for an aggregator and registers `hook` for its
    /// state changes. `Err` carries Kredivo's refusal (duplicate order id, nothing offered
    /// for the amount).
    pub(crate) fn create_hosted(
        &self,
        req: HostedRequest,
        hook: Arc<dyn TransitionHook>,
    ) -> Result<Hosted, &'static str> {
        let shared = &self.shared;
        // The shopper picks the tenure on the confirmation page; it starts on the merchant's
        // hint when the pricing table offers it, else on the first plan offered.
        let offers = shared.pricing.plans(req.amount);
        let payment_type = req
            .payment_type
            .filter(|hint| offers.iter().any(|p| p.payment_type() == hint))
            .or_else(|| offers.first().map(|p| p.payment_type().clone()))
            .ok_or("No Kredivo payment type is offered for this amount.")?;
        let tx = service::create(
            shared,
            NewTransaction {
                merchant: req.slot,
                source: Source::Checkout,
                order_id: req.order_id,
                amount: req.amount,
                items: req.items,
                payment_type,
                push_uri: None,
                back_to_store_uri: Some(req.back_to_store_uri),
                user_cancel_uri: None,
                tokenize_user: false,
                client_user_key: None,
                shipping_address: None,
                sub_merchant_id: None,
                expires_at: req.expires_at,
                account: None,
                user_token: None,
                step: Step::SignIn,
            },
        )?;
        shared.hooks.register(&tx.transaction_id, hook);
        Ok(Hosted {
            redirect_url: service::redirect_url(shared, &tx),
            expires_at: tx.expires_at,
            transaction_id: tx.transaction_id,
        })
    }

    /// The current state of a transaction (expiring it first if it is overdue).
    pub(crate) fn hosted_state(&self, transaction_id: &str) -> Option<HostedState> {
        self.transaction(transaction_id).and_then(|_| {
            let db = self.shared.db();
            let idx = db.by_tx_id.get(transaction_id).copied()?;
            let tx = &db.txs[idx];
            Some(HostedState {
                state: tx.state,
                payment_type: tx.payment_type.clone(),
            })
        })
    }

    /// The shared parts the aggregator simulators reuse: clock, ids, faults, push engine,
    /// pricing, public base URL, body limit.
    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }
}
