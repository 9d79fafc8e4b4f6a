//! Provider notifications: verified with the provider, checked against the stored order,
//! applied through settlement, stored with their verdict, answered so that the provider
//! retries exactly when retrying can help.

use crate::store::{NewEvent, NotificationRecord};
use crate::AppState;

use super::settlement::apply_confirmed;

/// The outcome of one notification, as stored and answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationOutcome {
    /// The stored verdict (see [`NotificationRecord::verdict`]).
    pub verdict: &'static str,
    /// Whether the provider should send it again later.
    pub retry: bool,
    /// The sentence sent back.
    pub message: String,
}

/// Handles a provider notification: verify its origin with the provider, check it against
/// the stored order, apply it, store it with its verdict.
///
/// Reply policy: anything retrying cannot fix (garbage, a forged or unconfirmable signature,
/// an unknown order, a different amount, a replay, a late status) is answered `200
/// {"status":"OK"}` so the provider stops sending it — and changes nothing. When the check
/// itself could not be made (the provider's confirmation endpoint timed out, failed or
/// answered garbage; our store failed) the answer is `503 {"status":"ERROR"}` so the
/// provider retries: a genuine settlement is never dropped because of an outage.
pub async fn handle_notification(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> NotificationOutcome {
    use crate::gateway::NotificationCheck;
    let at = state.clock().now_millis();
    let check = state.gateway().verify_notification(headers, body).await;
    let (mut outcome, order_id, transaction_id) = match check {
        Err(e) => {
            tracing::warn!(error = %e, "notification could not be confirmed now; asking the provider to retry");
            (
                NotificationOutcome {
                    verdict: "unverified",
                    retry: true,
                    message: "Could not confirm the notification right now; please retry.".into(),
                },
                None,
                None,
            )
        }
        Ok(NotificationCheck::Malformed { reason }) => {
            tracing::warn!(%reason, "malformed notification ignored");
            (done("malformed", format!("Ignored: {reason}.")), None, None)
        }
        Ok(NotificationCheck::Unconfirmed {
            transaction_id,
            claimed_order_id,
            reason,
        }) => {
            tracing::warn!(order_id = ?claimed_order_id, ?transaction_id, %reason, "notification NOT confirmed by the provider; ignored");
            if let Some(id) = &claimed_order_id {
                let event = NewEvent::new(
                    at,
                    "notification_rejected",
                    format!("not confirmed by the provider: {reason}"),
                );
                // Only for orders that exist; a forged id must not create rows.
                if let Ok(Some(_)) = state.store().order(id).await {
                    if let Err(e) = state.store().append_event(id, &event).await {
                        tracing::error!(error = %crate::error::cause_chain(&e), "cannot log a rejected notification");
                    }
                }
            }
            (
                done("unconfirmed", "Ignored: not confirmed.".into()),
                claimed_order_id,
                transaction_id,
            )
        }
        Ok(NotificationCheck::Confirmed {
            status,
            claimed_order_id,
            dedupe_key,
        }) => {
            let tx = status.transaction_id.clone();
            let gateway = state.gateway().name();
            let replayed = match &dedupe_key {
                Some(key) => state
                    .store()
                    .notification_key_seen(gateway, key)
                    .await
                    .unwrap_or(false),
                None => false,
            };
            if replayed {
                tracing::warn!(order_id = %status.order_id, "a notification id seen before arrived again; ignored");
                (
                    done("duplicate", "Received: duplicate.".into()),
                    Some(status.order_id),
                    tx,
                )
            } else if claimed_order_id
                .as_deref()
                .is_some_and(|c| c != status.order_id)
            {
                tracing::warn!(claimed = ?claimed_order_id, confirmed = %status.order_id, "notification body names another order than the provider confirmed; ignored");
                (
                    done("mismatch", "Ignored: order mismatch.".into()),
                    Some(status.order_id),
                    tx,
                )
            } else {
                match apply_confirmed(state, &status, "notification").await {
                    Ok(applied) => {
                        let verdict = applied.verdict();
                        if let Some(key) = &dedupe_key {
                            // Remembered only once applied: a notification we could not
                            // handle must be accepted when the provider sends it again.
                            if let Err(e) = state
                                .store()
                                .remember_notification_key(gateway, key, at)
                                .await
                            {
                                tracing::error!(error = %crate::error::cause_chain(&e), "cannot remember a notification id");
                            }
                        }
                        match verdict {
                            "applied" | "duplicate" => {
                                tracing::info!(order_id = %status.order_id, verdict, status = %status.raw_status, "notification handled")
                            }
                            _ => {
                                tracing::warn!(order_id = %status.order_id, verdict, result = ?applied, "confirmed notification not applied")
                            }
                        }
                        (
                            done(verdict, format!("Received: {verdict}.")),
                            Some(status.order_id),
                            tx,
                        )
                    }
                    Err(e) => {
                        tracing::error!(error = %crate::error::cause_chain(&e), "store failed while applying a notification");
                        (
                            NotificationOutcome {
                                verdict: "error",
                                retry: true,
                                message: "Temporary failure; please retry.".into(),
                            },
                            Some(status.order_id),
                            tx,
                        )
                    }
                }
            }
        }
    };
    let record = NotificationRecord {
        id: state.ids().id("ntf"),
        at,
        gateway: state.gateway().name().to_owned(),
        order_id,
        transaction_id,
        raw_body: stored_body(outcome.verdict, body),
        verdict: outcome.verdict.to_owned(),
        detail: outcome.message.clone(),
    };
    if let Err(e) = state.store().record_notification(&record).await {
        tracing::error!(error = %crate::error::cause_chain(&e), "cannot store a notification; asking the provider to retry");
        outcome.retry = true;
    }
    outcome
}

/// Longest part of a notification that changed nothing kept in the store (issue 15: every
/// body was kept whole, so a flood of bogus pushes could write megabytes a minute).
pub const MAX_SUMMARY_BYTES: usize = 512;

/// What is stored of a notification's body: the whole body when it changed an order (the
/// evidence of a state change), else its start and its length.
fn stored_body(verdict: &str, body: &[u8]) -> String {
    // A settlement push carries the shopper's user token: never stored (issue 17).
    let text = crate::tokens::scrub(&String::from_utf8_lossy(body));
    if verdict == "applied" || text.len() <= MAX_SUMMARY_BYTES {
        return text;
    }
    let mut cut = MAX_SUMMARY_BYTES;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…[{} bytes]", &text[..cut], body.len())
}

fn done(verdict: &'static str, message: String) -> NotificationOutcome {
    NotificationOutcome {
        verdict,
        retry: false,
        message,
    }
}
