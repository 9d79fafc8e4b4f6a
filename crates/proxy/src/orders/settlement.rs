//! Settlement: applying what the provider confirmed (never an unverified body) through the
//! store's compare-and-set, asking the provider for an order's status, and cancelling.

use kredivo_api::OrderStatus;
use kredivo_plan::Money;
use serde::Serialize;

use crate::error::AppError;
use crate::gateway::{CancelOrder, GatewayError, ProviderStatus};
use crate::store::{Change, NewEvent, OrderRecord, StoreError, TransitionOutcome};
use crate::AppState;

/// What applying a provider-confirmed status did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Applied {
    /// The state machine ran (applied, unchanged or refused as backwards).
    Transition {
        /// What happened.
        outcome: TransitionOutcome,
    },
    /// No such order here.
    UnknownOrder,
    /// The provider's amount is not the order's.
    AmountMismatch {
        /// Ours.
        expected: String,
        /// Theirs.
        confirmed: String,
    },
    /// The provider's transaction is not the one stored for the order.
    TransactionMismatch,
    /// The provider confirmed another currency than the order's.
    CurrencyMismatch {
        /// Ours.
        expected: String,
        /// Theirs.
        confirmed: String,
    },
    /// A provider status this version does not map.
    UnknownStatus {
        /// The provider's words.
        raw: String,
    },
}

impl Applied {
    /// The notification verdict for this result.
    pub fn verdict(&self) -> &'static str {
        match self {
            Applied::Transition {
                outcome: TransitionOutcome::Applied { .. },
            } => "applied",
            Applied::Transition {
                outcome: TransitionOutcome::Unchanged,
            } => "duplicate",
            Applied::Transition {
                outcome: TransitionOutcome::Refused { .. },
            } => "stale",
            Applied::Transition {
                outcome: TransitionOutcome::ExceedsAmount { .. },
            } => "mismatch",
            Applied::UnknownOrder => "unknown_order",
            Applied::AmountMismatch { .. }
            | Applied::TransactionMismatch
            | Applied::CurrencyMismatch { .. } => "mismatch",
            Applied::UnknownStatus { .. } => "ignored",
        }
    }
}

/// Applies a status the provider confirmed (never an unverified body), after checking that
/// it is about this order, this transaction and this amount.
pub async fn apply_confirmed(
    state: &AppState,
    ps: &ProviderStatus,
    source: &str,
) -> Result<Applied, StoreError> {
    let store = state.store();
    let Some(order) = store.order(&ps.order_id).await? else {
        return Ok(Applied::UnknownOrder);
    };
    let now = state.clock().now_millis();
    // After a partial cancel Kredivo reports the remaining amount (doc 000's examples).
    let remaining = order
        .amount
        .checked_sub(order.cancelled_amount)
        .unwrap_or(Money::ZERO);
    if ps.amount != order.amount && ps.amount != remaining {
        let applied = Applied::AmountMismatch {
            expected: order.amount.to_string(),
            confirmed: ps.amount.to_string(),
        };
        let detail = format!(
            "{source}: confirmed amount {} differs from the order's {}; ignored",
            ps.amount, order.amount
        );
        store
            .append_event(
                &order.order_id,
                &NewEvent::new(now, "amount_mismatch", detail),
            )
            .await?;
        return Ok(applied);
    }
    if let (Some(ours), Some(theirs)) = (&order.transaction_id, &ps.transaction_id) {
        if ours != theirs {
            let detail =
                format!("{source}: transaction {theirs} is not this order's {ours}; ignored");
            store
                .append_event(
                    &order.order_id,
                    &NewEvent::new(now, "transaction_mismatch", detail),
                )
                .await?;
            return Ok(Applied::TransactionMismatch);
        }
    }
    if let Some(currency) = ps
        .currency
        .as_deref()
        .filter(|c| !c.eq_ignore_ascii_case(&order.currency))
    {
        let detail = format!(
            "{source}: confirmed currency {currency} is not the order's {}; ignored",
            order.currency
        );
        store
            .append_event(
                &order.order_id,
                &NewEvent::new(now, "currency_mismatch", detail),
            )
            .await?;
        return Ok(Applied::CurrencyMismatch {
            expected: order.currency.clone(),
            confirmed: currency.to_owned(),
        });
    }
    // The shopper may confirm another tenure on the provider's page than the one the widget
    // preselected: the provider's word is the truth, kept with the change.
    let payment_type = ps
        .payment_type
        .as_deref()
        .filter(|pt| !pt.is_empty() && *pt != order.payment_type);
    let Some(to) = ps.status else {
        let detail = format!(
            "{source}: provider status {} is not understood; order unchanged",
            ps.raw_status
        );
        store
            .append_event(
                &order.order_id,
                &NewEvent::new(now, "unknown_status", detail),
            )
            .await?;
        return Ok(Applied::UnknownStatus {
            raw: ps.raw_status.clone(),
        });
    };
    let detail = match payment_type {
        Some(pt) => format!(
            "{source}: {} (payment type {} → {pt})",
            ps.raw_status, order.payment_type
        ),
        None => format!("{source}: {}", ps.raw_status),
    };
    // A QR the proxy voided at the provider because it was overdue ends expired, whichever
    // of the void's answer and its push arrives first.
    let to = super::qr::recorded_status(&order, to, now);
    let event = NewEvent::new(now, "status", detail);
    let change = Change {
        payment_type,
        ..Change::to(to, ps.transaction_id.as_deref(), &event)
    };
    let outcome = store.apply_change(&order.order_id, &change).await?;
    if let (OrderStatus::Settled, Some(token), Some(session_id)) =
        (to, &ps.user_token, order.session_id.as_deref())
    {
        // Confirmed by the provider, about this order and amount: the shopper asked to be
        // tokenized (issue 17). Also when the order was already settled (the push after the
        // reconciler): storing the same token again changes nothing.
        crate::tokens::on_settled(state, &order.order_id, session_id, token).await;
    }
    if let TransitionOutcome::Refused { current } = outcome {
        let detail = format!(
            "{source}: {} arrived after {}; kept {}",
            ps.raw_status,
            current.as_str(),
            current.as_str()
        );
        store
            .append_event(&order.order_id, &NewEvent::new(now, "stale_status", detail))
            .await?;
    }
    Ok(Applied::Transition { outcome })
}

/// Asks the provider for the order's status and applies it.
pub async fn refresh(state: &AppState, order_id: &str) -> Result<Applied, AppError> {
    state
        .store()
        .order(order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let ps = state.gateway().status(order_id).await?;
    if ps.order_id != order_id {
        return Err(GatewayError::Malformed {
            operation: "transaction_status",
            reason: format!("asked about {order_id}, answered about {}", ps.order_id),
        }
        .into());
    }
    Ok(apply_confirmed(state, &ps, "status check").await?)
}

/// Cancels a settled order in full (`amount: None` or the whole remaining amount) or in part.
pub async fn cancel(
    state: &AppState,
    order_id: &str,
    amount: Option<Money>,
    reason: &str,
    cancelled_by: &str,
) -> Result<OrderRecord, AppError> {
    let store = state.store();
    let mut order = store
        .order(order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    if super::qr::is_qr(&order) && !order.status.is_final() {
        // An unpaid QR on a POS screen: voided as the cashier's button would.
        super::qr::cancel_order(state, order_id).await?;
        return store
            .order(order_id)
            .await?
            .ok_or(AppError::NotFound("order"));
    }
    if order.status != OrderStatus::Settled {
        return Err(AppError::invalid(format!(
            "Only settled orders can be cancelled; this one is {}.",
            order.status.as_str()
        )));
    }
    if order.transaction_id.is_none() {
        refresh(state, order_id).await?;
        order = store
            .order(order_id)
            .await?
            .ok_or(AppError::NotFound("order"))?;
    }
    let transaction_id = order
        .transaction_id
        .clone()
        .ok_or_else(|| AppError::invalid("The provider's transaction id is not known yet."))?;
    let remaining = order
        .amount
        .checked_sub(order.cancelled_amount)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let amount = match amount {
        Some(a) if a.is_zero() || a > remaining => {
            return Err(AppError::InvalidRequest {
                message: format!("The cancellation amount must be 1 to {remaining}."),
                details: vec![format!("amount: {a} is outside 1..={remaining}")],
            })
        }
        other => other,
    };
    let reason = if reason.trim().is_empty() {
        "Cancelled by the merchant"
    } else {
        reason.trim()
    };
    let cancel = CancelOrder {
        order_id: order_id.to_owned(),
        transaction_id,
        amount,
        reason: reason.chars().take(255).collect(),
        cancelled_by: cancelled_by.chars().take(64).collect(),
        at_epoch_secs: state.clock().now_millis() / 1000,
        cancellation_id: state.ids().id("cancel"),
    };
    let ps = state.gateway().cancel(&cancel).await?;
    let now = state.clock().now_millis();
    let cancelled = amount.unwrap_or(remaining);
    let outcome = match ps.status {
        Some(full @ (OrderStatus::Cancelled | OrderStatus::Refunded)) => {
            let event = NewEvent::new(
                now,
                "cancelled",
                format!(
                    "full cancel of {remaining}: {} (provider: {})",
                    cancel.reason, ps.raw_status
                ),
            );
            // No amount: the store takes back exactly what is left, in the same
            // compare-and-set as the status.
            let outcome = store
                .apply_change(
                    order_id,
                    &Change::to(full, ps.transaction_id.as_deref(), &event),
                )
                .await?;
            if !matches!(outcome, TransitionOutcome::Applied { .. }) {
                // The provider's push of this very cancel got there first and moved the
                // order; our call is still part of its history.
                store.append_event(order_id, &event).await?;
            }
            outcome
        }
        Some(OrderStatus::Settled) => {
            let event = NewEvent::new(
                now,
                "partially_cancelled",
                format!("cancelled {cancelled}: {}", cancel.reason),
            );
            store
                .apply_change(order_id, &Change::partial_cancel(cancelled, &event))
                .await?
        }
        _ => {
            let event = NewEvent::new(
                now,
                "cancel_unexpected",
                format!("provider answered {}", ps.raw_status),
            );
            store.append_event(order_id, &event).await?;
            TransitionOutcome::Unchanged
        }
    };
    if let TransitionOutcome::ExceedsAmount { remaining } = outcome {
        // Another cancel of the same order got there first; the provider took ours too.
        tracing::error!(%order_id, %remaining, %cancelled, "a cancellation the provider accepted exceeds what is left of the order");
    }
    store
        .order(order_id)
        .await?
        .ok_or(AppError::NotFound("order"))
}
