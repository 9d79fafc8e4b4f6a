//! The reconciler: no order sticks.
//!
//! Pushes get lost, shoppers close the tab, a provider answers after our timeout. Every live
//! (created or pending) order is therefore asked about with the provider's status API from
//! `RECONCILE_AFTER_SECS` after its creation on, backing off (doubling, at most an hour)
//! while it stays pending, and only what the provider confirms is applied — through the same
//! compare-and-set as a confirmed push. An order past its expiry (its session's, else 24 h)
//! that the provider still reports pending, or does not know, is expired: at the provider
//! where it has an API for it (Midtrans), locally otherwise (Kredivo expires its transaction
//! itself at the `expiration_time` the proxy sent).
//!
//! Several replicas may run it on one database: each order is leased by one checker at a
//! time (`FOR UPDATE SKIP LOCKED` on PostgreSQL).

use std::time::Duration;

use kredivo_api::OrderStatus;

use crate::gateway::GatewayError;
use crate::orders::{apply_confirmed, Applied};
use crate::store::{NewEvent, OrderRecord, StoreError};
use crate::AppState;

/// Most orders one pass checks.
const BATCH: u32 = 32;
/// Longest wait between two checks of one order.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// How long past its expiry an order the provider still calls pending waits before it is
/// expired here (clock skew between us and the provider, a shopper on the last page).
pub const EXPIRY_GRACE: Duration = Duration::from_secs(600);

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    /// Orders asked about.
    pub checked: usize,
    /// Orders whose state moved on what the provider confirmed.
    pub changed: usize,
    /// Orders expired (at the provider or here).
    pub expired: usize,
    /// Checks that could not be made (provider down, answer garbage); retried later.
    pub failed: usize,
}

/// When to check again after the `checks`-th check: `after` doubling per check, at most an
/// hour.
pub fn backoff(after: Duration, checks: i64) -> Duration {
    let exponent = u32::try_from(checks.clamp(0, 16)).unwrap_or(16);
    after
        .saturating_mul(2u32.saturating_pow(exponent))
        .min(MAX_BACKOFF)
        .max(after.min(MAX_BACKOFF))
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4)
}

/// How long notifications that changed nothing are kept, and at most how many.
pub const NOTIFICATION_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);
/// See [`NOTIFICATION_RETENTION`].
pub const NOTIFICATIONS_KEPT: u32 = 10_000;

/// Checks every due order once (one pass of the worker), and prunes what notifications that
/// changed nothing left behind. Tests call it with a manual clock.
pub async fn reconcile_due(state: &AppState) -> Result<Report, StoreError> {
    let now = state.clock().now_millis();
    state
        .store()
        .prune_notifications(now - ms(NOTIFICATION_RETENTION), NOTIFICATIONS_KEPT)
        .await?;
    let lease = state.config().upstream_timeout * 4 + Duration::from_secs(10);
    let due = state
        .store()
        .claim_checks(now, now.saturating_add(ms(lease)), BATCH)
        .await?;
    let mut report = Report::default();
    for order in due {
        report.checked += 1;
        match check(state, &order, now).await {
            Ok(Outcome::Changed) => report.changed += 1,
            Ok(Outcome::Expired) => report.expired += 1,
            Ok(Outcome::Unchanged) => {}
            Err(e) => {
                report.failed += 1;
                tracing::warn!(order_id = %order.order_id, error = %crate::error::cause_chain(&e), "reconciler: could not check the order; will retry");
            }
        }
        let current = state.store().order(&order.order_id).await?;
        let next = current.filter(|o| !o.status.is_final()).map(|o| {
            let proposed =
                now.saturating_add(ms(backoff(state.config().reconcile_after, o.checks + 1)));
            crate::orders::qr::next_check(&o, proposed, now)
        });
        state.store().schedule_check(&order.order_id, next).await?;
    }
    Ok(report)
}

enum Outcome {
    Changed,
    Expired,
    Unchanged,
}

async fn check(state: &AppState, order: &OrderRecord, now: i64) -> Result<Outcome, CheckError> {
    if crate::orders::qr::is_qr(order) {
        // A POS screen waits on it: expired at its own expiry, not a grace of minutes later.
        use crate::orders::qr::Checked;
        return match crate::orders::qr::reconcile(state, order, now).await {
            Ok(Checked::Changed) => Ok(Outcome::Changed),
            Ok(Checked::Expired) => Ok(Outcome::Expired),
            Ok(Checked::Unchanged) => Ok(Outcome::Unchanged),
            Err(e) => Err(CheckError::Qr(Box::new(e))),
        };
    }
    let gateway = state.gateway();
    let status = gateway.status(&order.order_id).await;
    let provider_pending = match &status {
        Ok(ps) if ps.order_id != order.order_id => {
            return Err(CheckError::Gateway(GatewayError::Malformed {
                operation: "transaction_status",
                reason: format!(
                    "asked about {}, answered about {}",
                    order.order_id, ps.order_id
                ),
            }))
        }
        Ok(ps) => {
            let applied = apply_confirmed(state, ps, "reconciler").await?;
            if matches!(
                applied,
                Applied::Transition {
                    outcome: crate::store::TransitionOutcome::Applied { .. }
                }
            ) {
                tracing::info!(order_id = %order.order_id, status = %ps.raw_status, "reconciler: applied the provider's state");
                return Ok(Outcome::Changed);
            }
            ps.status == Some(OrderStatus::Pending)
        }
        // The provider does not know the order (its checkout never reached it) or refuses
        // to say: nothing to apply; it may still expire below.
        Err(GatewayError::Rejected { .. }) => order.status == OrderStatus::Created,
        Err(e) => return Err(CheckError::Gateway(e.clone())),
    };
    let expired = order
        .expires_at
        .is_some_and(|at| now > at.saturating_add(ms(EXPIRY_GRACE)));
    if !(provider_pending && expired) {
        return Ok(Outcome::Unchanged);
    }
    // Past its expiry and still not paid: expire it, at the provider first where it can be.
    if let Some(ps) = gateway.expire(&order.order_id).await? {
        apply_confirmed(state, &ps, "reconciler expiry").await?;
        return Ok(Outcome::Expired);
    }
    let event = NewEvent::new(
        now,
        "status",
        "reconciler: past its expiry and not paid at the provider",
    );
    state
        .store()
        .transition(&order.order_id, OrderStatus::Expired, None, &event)
        .await?;
    Ok(Outcome::Expired)
}

#[derive(Debug, thiserror::Error)]
enum CheckError {
    #[error(transparent)]
    Gateway(#[from] GatewayError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Qr(Box<crate::error::AppError>),
}

/// Runs [`reconcile_due`] every `RECONCILE_INTERVAL_SECS` until the state's shutdown token is
/// cancelled (checked between passes, so a pass is never cut halfway) or the handle aborted.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let interval = state.config().reconcile_interval;
        let stop = state.shutdown_token().clone();
        while !stop.is_cancelled() {
            match reconcile_due(&state).await {
                Ok(report) if report.checked > 0 => {
                    tracing::info!(
                        checked = report.checked,
                        changed = report.changed,
                        expired = report.expired,
                        failed = report.failed,
                        "reconciler pass"
                    );
                    if report.checked >= BATCH as usize {
                        continue;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(error = %crate::error::cause_chain(&e), "reconciler: store failed; retrying")
                }
            }
            tokio::select! {
                () = tokio::time::sleep(interval) => {}
                () = stop.cancelled() => {}
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_back_off_from_the_first_delay_doubling_to_an_hour() {
        let after = Duration::from_secs(120);
        let rows = [
            (0, 120),
            (1, 240),
            (2, 480),
            (4, 1920),
            (5, 3600),
            (40, 3600),
        ];
        for (checks, secs) in rows {
            assert_eq!(
                backoff(after, checks),
                Duration::from_secs(secs),
                "{checks}"
            );
        }
        assert_eq!(backoff(Duration::from_secs(5), 0), Duration::from_secs(5));
    }
}
