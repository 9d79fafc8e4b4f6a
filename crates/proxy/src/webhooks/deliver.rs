//! Delivering the outbox: claim, sign, POST, record, schedule the retry.

use std::time::{Duration, Instant};

use rand::Rng;

use super::signature::sign;
use crate::store::{AttemptResult, StoreError, WebhookAttempt, WebhookRecord};
use crate::AppState;

/// The signature header's name.
pub const SIGNATURE_HEADER: &str = "Kredivo-Signature";
/// The event id header (the body's `id`, for logs and quick dedupe).
const EVENT_ID_HEADER: &str = "Kredivo-Event-Id";
/// Most events sent at once by one worker.
const BATCH: u32 = 16;
/// How often an idle worker looks for due events.
const POLL: Duration = Duration::from_secs(1);
/// First retry delay; doubles per attempt up to [`MAX_DELAY`].
const FIRST_DELAY: Duration = Duration::from_secs(10);
/// Longest wait between two attempts.
const MAX_DELAY: Duration = Duration::from_secs(3600);

/// How long to wait after the `attempt`-th failed attempt: 10 s doubling to at most an hour,
/// then a random 50–100 % of it ("equal jitter"), so a merchant coming back from an outage
/// is not hit by every replica's backlog in the same second.
pub fn retry_delay(attempt: i64, rng: &mut impl Rng) -> Duration {
    let exponent = u32::try_from(attempt.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    let full = FIRST_DELAY
        .saturating_mul(2u32.saturating_pow(exponent))
        .min(MAX_DELAY);
    full.mul_f64(rng.gen_range(0.5..=1.0))
}

/// Sends every due webhook once (what one tick of the worker does); returns how many were
/// delivered. Tests call it with a manual clock; [`spawn`] calls it every second.
pub async fn deliver_due(state: &AppState) -> Result<usize, StoreError> {
    let (Some(url), Some(http)) = (&state.config().webhook_url, state.webhook_client()) else {
        return Ok(0);
    };
    let now = state.clock().now_millis();
    let timeout = state.config().webhook_timeout;
    // The lease outlives one attempt comfortably; a worker that dies mid-attempt leaves the
    // row to the next worker once it runs out.
    let lease_ms =
        i64::try_from((timeout * 2 + Duration::from_secs(5)).as_millis()).unwrap_or(i64::MAX / 4);
    let batch = state
        .store()
        .claim_webhooks(now, now.saturating_add(lease_ms), BATCH)
        .await?;
    let mut sends = tokio::task::JoinSet::new();
    for record in batch {
        let (state, url, http) = (state.clone(), url.clone(), http.clone());
        sends.spawn(async move { deliver_one(&state, &url, &http, record).await });
    }
    let mut delivered = 0;
    while let Some(done) = sends.join_next().await {
        match done {
            Ok(Ok(true)) => delivered += 1,
            Ok(Ok(false)) => {}
            Ok(Err(e)) => return Err(e),
            Err(e) => tracing::error!(error = %e, "a webhook delivery task failed"),
        }
    }
    Ok(delivered)
}

async fn deliver_one(
    state: &AppState,
    url: &reqwest::Url,
    http: &reqwest::Client,
    record: WebhookRecord,
) -> Result<bool, StoreError> {
    let at = state.clock().now_millis();
    let signature = sign(
        &state.config().webhook_secrets,
        at.div_euclid(1000),
        record.payload.as_bytes(),
    );
    let started = Instant::now();
    let sent = http
        .post(url.clone())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature)
        .header(EVENT_ID_HEADER, &record.event_id)
        .body(record.payload.clone())
        .send()
        .await;
    let (http_status, error, response) = match sent {
        Err(e) => (
            None,
            Some(if e.is_timeout() {
                "no answer in time".to_owned()
            } else {
                crate::error::cause_chain(&e)
            }),
            None,
        ),
        Ok(answer) => {
            let status = answer.status();
            let body = answer.text().await.ok();
            let error = (!status.is_success()).then(|| format!("HTTP {}", status.as_u16()));
            (Some(status.as_u16()), error, body)
        }
    };
    let attempt = WebhookAttempt {
        attempt: record.attempts + 1,
        at,
        http_status,
        latency_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        error: error.clone(),
        response,
    };
    let window = i64::try_from(state.config().webhook_retry_window.as_millis()).unwrap_or(i64::MAX);
    let result = if error.is_none() {
        AttemptResult::Delivered
    } else {
        let delay = retry_delay(attempt.attempt, &mut rand::thread_rng());
        let next = at.saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX));
        if next.saturating_sub(record.created_at) > window {
            AttemptResult::GiveUp
        } else {
            AttemptResult::RetryAt(next)
        }
    };
    match (&result, &error) {
        (AttemptResult::Delivered, _) => {
            tracing::info!(event_id = %record.event_id, order_id = %record.order_id, event = record.event_type.as_str(), attempt = attempt.attempt, "webhook delivered")
        }
        (AttemptResult::GiveUp, Some(e)) => {
            tracing::error!(event_id = %record.event_id, order_id = %record.order_id, error = %e, attempts = attempt.attempt, "webhook given up after the retry window; `webhooks redeliver` sends it again")
        }
        (_, e) => {
            tracing::warn!(event_id = %record.event_id, order_id = %record.order_id, error = ?e, attempt = attempt.attempt, "webhook not delivered; will retry")
        }
    }
    state
        .store()
        .record_webhook_attempt(&record.event_id, &attempt, &result)
        .await?;
    Ok(result == AttemptResult::Delivered)
}

/// Runs [`deliver_due`] every second until the state's shutdown token is cancelled (checked
/// between passes) or the handle aborted. Several replicas may each run one: leases keep them
/// off each other's rows.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let stop = state.shutdown_token().clone();
        while !stop.is_cancelled() {
            match deliver_due(&state).await {
                // A full batch: there may be more right away.
                Ok(n) if n >= BATCH as usize => continue,
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(error = %crate::error::cause_chain(&e), "webhook worker: store failed; retrying")
                }
            }
            tokio::select! {
                () = tokio::time::sleep(POLL) => {}
                () = stop.cancelled() => {}
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn retries_back_off_exponentially_with_jitter_up_to_an_hour() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for (attempt, full) in [(1, 10), (2, 20), (3, 40), (9, 2560), (10, 3600), (50, 3600)] {
            for _ in 0..50 {
                let d = retry_delay(attempt, &mut rng).as_secs_f64();
                assert!(
                    d >= full as f64 * 0.5 && d <= full as f64,
                    "attempt {attempt}: {d} s not in [{}, {full}]",
                    full as f64 * 0.5
                );
            }
        }
    }
}
