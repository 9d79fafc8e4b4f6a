//! The hook through which the aggregator simulators (DOKU, Midtrans, Xendit, Finpay) are told
//! about every state change of the Kredivo transactions they created (`hosting.rs`) —
//! whoever causes it (the shopper, the driver, the expiry sweep).
//!
//! This module is a leaf: the state machine (`service`) fires hooks, `hosting` registers
//! them, and neither is imported here. Hooks run from `service::dispatch`, after the state
//! lock is released, so an aggregator may lock its own state (and even read Kredivo's)
//! without lock-order trouble.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use kredivo_plan::PaymentType;

use super::model::{State, Transaction};
use super::Shared;

/// Told about state changes of the Kredivo transactions it created.
pub(crate) trait TransitionHook: Send + Sync + fmt::Debug {
    /// `event` happened (the Kredivo state lock is not held).
    fn transitioned(&self, event: &TxEvent);
}

/// One state change.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TxEvent {
    /// Kredivo's transaction id.
    pub transaction_id: String,
    /// Before.
    pub from: State,
    /// After.
    pub to: State,
    /// The payment type the shopper confirmed (or the default).
    pub payment_type: PaymentType,
}

/// Registered hooks by Kredivo transaction id.
#[derive(Debug, Default)]
pub(crate) struct Hooks(Mutex<HashMap<String, Arc<dyn TransitionHook>>>);

impl Hooks {
    pub(crate) fn register(&self, transaction_id: &str, hook: Arc<dyn TransitionHook>) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(transaction_id.to_owned(), hook);
    }

    fn get(&self, transaction_id: &str) -> Option<Arc<dyn TransitionHook>> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(transaction_id)
            .cloned()
    }
}

/// A hook call waiting for the state lock to be released.
pub(crate) struct Fired {
    hook: Arc<dyn TransitionHook>,
    event: TxEvent,
}

impl fmt::Debug for Fired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fired").field("event", &self.event).finish()
    }
}

impl Fired {
    /// Calls the hook.
    pub(crate) fn run(self) {
        self.hook.transitioned(&self.event);
    }
}

/// The hook call for `tx`'s transition from `from`, if an aggregator owns `tx`.
pub(crate) fn fire(shared: &Shared, tx: &Transaction, from: State) -> Option<Fired> {
    let hook = shared.hooks.get(&tx.transaction_id)?;
    Some(Fired {
        hook,
        event: TxEvent {
            transaction_id: tx.transaction_id.clone(),
            from,
            to: tx.state,
            payment_type: tx.payment_type.clone(),
        },
    })
}
