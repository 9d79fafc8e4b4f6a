//! Outgoing notifications (Kredivo pushes, connect callbacks): bounded retries with
//! exponential backoff, delivered in order per transaction, every attempt logged.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::clock::Clock;

/// How hard the sandbox tries to deliver a push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushConfig {
    /// Attempts per push, the first included (at least 1).
    pub max_attempts: u32,
    /// Wait before the second attempt; doubles after each further failure.
    pub backoff_base: Duration,
    /// Per-attempt HTTP timeout.
    pub timeout: Duration,
}

impl Default for PushConfig {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            backoff_base: Duration::from_secs(2),
            timeout: Duration::from_secs(10),
        }
    }
}

impl PushConfig {
    /// Tiny delays for tests: three attempts, 10 ms apart (doubling), 2 s timeout.
    pub fn fast() -> Self {
        Self {
            max_attempts: 3,
            backoff_base: Duration::from_millis(10),
            timeout: Duration::from_secs(2),
        }
    }

    /// The wait after failed attempt number `attempt` (1-based).
    pub fn backoff_after(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(16));
        self.backoff_base.saturating_mul(factor)
    }
}

/// What kind of outgoing call a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PushKind {
    /// A transaction status notification to `push_uri`.
    Notification,
    /// A Kredivo Connect callback to `callback_url`.
    ConnectCallback,
    /// Doc 000's "Deactive From Kredivo App" push to the merchant's registered URL.
    TokenDeactivated,
}

/// Where a push stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PushOutcome {
    /// Waiting for its turn or between attempts.
    Pending,
    /// The merchant answered `{"status":"OK"}`.
    Delivered,
    /// Every attempt failed.
    GaveUp,
    /// A `drop_push` fault swallowed it.
    Dropped,
    /// No async runtime was running to deliver it (library use outside tokio).
    NotSent,
}

/// One HTTP attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PushAttempt {
    /// 1-based attempt number.
    pub attempt: u32,
    /// Sandbox clock, Unix seconds.
    pub at: i64,
    /// HTTP status, when a response arrived.
    pub http_status: Option<u16>,
    /// The response body (first 2 KiB), when one arrived.
    pub reply: Option<String>,
    /// Transport error, when no response arrived.
    pub error: Option<String>,
    /// Whether the reply counted as an acknowledgement (`2xx` and `"status":"OK"`).
    pub acknowledged: bool,
}

/// One outgoing push and its history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PushRecord {
    /// Sequence number, from 1, in the order pushes were queued.
    pub id: u64,
    /// Notification or connect callback.
    pub kind: PushKind,
    /// The transaction (or connect request) it is about.
    pub subject: String,
    /// Destination URL.
    pub url: String,
    /// The JSON body sent.
    pub body: Value,
    /// Why this push exists or is odd (`"duplicate"`, `"out_of_order"`, `"dropped"`,
    /// `"delayed"`).
    pub note: Option<String>,
    /// Where it stands.
    pub outcome: PushOutcome,
    /// Every attempt so far.
    pub attempts: Vec<PushAttempt>,
}

/// A push to send.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    pub kind: PushKind,
    pub subject: String,
    pub url: String,
    pub body: Value,
    pub note: Option<String>,
}

/// How a push is sent and what counts as an acknowledgement. Kredivo's pushes use the
/// default; aggregator notifications add signed headers and accept any 2xx.
#[derive(Debug, Clone, Default)]
pub(crate) struct Delivery {
    /// Extra request headers (DOKU's signature headers, Xendit's `x-callback-token`).
    pub headers: Vec<(String, String)>,
    /// Any 2xx acknowledges (Midtrans, Xendit, DOKU, Finpay) instead of Kredivo's
    /// `{"status":"OK"}`.
    pub any_2xx: bool,
    /// Wait this long before the first attempt (a `delay_push` fault); the transaction's
    /// later pushes wait behind it.
    pub delay: Duration,
}

struct Job {
    id: u64,
    url: String,
    body: Value,
    delivery: Delivery,
}

/// Queues and delivers pushes; shared by every simulator.
pub(crate) struct Pusher {
    client: reqwest::Client,
    config: PushConfig,
    clock: Arc<dyn Clock>,
    log: Mutex<Vec<PushRecord>>,
    queues: Mutex<HashMap<String, mpsc::UnboundedSender<Job>>>,
}

impl std::fmt::Debug for Pusher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pusher")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Pusher {
    pub(crate) fn new(config: PushConfig, clock: Arc<dyn Clock>) -> Self {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .unwrap_or_default();
        Self {
            client,
            config,
            clock,
            log: Mutex::new(Vec::new()),
            queues: Mutex::new(HashMap::new()),
        }
    }

    /// Logs a push that will never be sent (dropped by a fault).
    pub(crate) fn record_dropped(&self, out: Outgoing) -> u64 {
        self.record(out, PushOutcome::Dropped)
    }

    /// Queues a push behind earlier pushes with the same subject.
    pub(crate) fn send(self: &Arc<Self>, out: Outgoing) -> u64 {
        self.send_with(out, Delivery::default())
    }

    /// [`Pusher::send`] with extra headers and another acknowledgement rule.
    pub(crate) fn send_with(self: &Arc<Self>, out: Outgoing, delivery: Delivery) -> u64 {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::warn!(subject = %out.subject, "no tokio runtime: push not sent");
            return self.record(out, PushOutcome::NotSent);
        };
        let subject = out.subject.clone();
        let job = Job {
            id: 0,
            url: out.url.clone(),
            body: out.body.clone(),
            delivery,
        };
        let id = self.record(out, PushOutcome::Pending);
        let job = Job { id, ..job };
        let mut queues = self.queues.lock().unwrap_or_else(|p| p.into_inner());
        let sender = queues.entry(subject).or_insert_with(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            runtime.spawn(Arc::clone(self).worker(rx));
            tx
        });
        if let Err(mpsc::error::SendError(job)) = sender.send(job) {
            // The worker died with an old runtime (tests reuse nothing, but be safe):
            // start a fresh one on the current runtime.
            let (tx, rx) = mpsc::unbounded_channel();
            runtime.spawn(Arc::clone(self).worker(rx));
            let _ = tx.send(job);
            *sender = tx;
        }
        id
    }

    /// A snapshot of every push so far, oldest first.
    pub(crate) fn log(&self) -> Vec<PushRecord> {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn record(&self, out: Outgoing, outcome: PushOutcome) -> u64 {
        let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        let id = log.len() as u64 + 1;
        log.push(PushRecord {
            id,
            kind: out.kind,
            subject: out.subject,
            url: out.url,
            body: out.body,
            note: out.note,
            outcome,
            attempts: Vec::new(),
        });
        id
    }

    fn update(&self, id: u64, f: impl FnOnce(&mut PushRecord)) {
        let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(rec) = usize::try_from(id)
            .ok()
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| log.get_mut(i))
        {
            f(rec);
        }
    }

    async fn worker(self: Arc<Self>, mut rx: mpsc::UnboundedReceiver<Job>) {
        while let Some(job) = rx.recv().await {
            self.deliver(job).await;
        }
    }

    async fn deliver(&self, job: Job) {
        if !job.delivery.delay.is_zero() {
            tracing::debug!(push = job.id, delay = ?job.delivery.delay, "push delayed by fault");
            tokio::time::sleep(job.delivery.delay).await;
        }
        let max = self.config.max_attempts.max(1);
        for attempt in 1..=max {
            let mut request = self.client.post(&job.url).json(&job.body);
            for (name, value) in &job.delivery.headers {
                request = request.header(name.as_str(), value.as_str());
            }
            let result = request.send().await;
            let record = match result {
                Ok(resp) => {
                    let status = resp.status();
                    let text = resp.text().await.unwrap_or_default();
                    let acknowledged =
                        status.is_success() && (job.delivery.any_2xx || is_ok_reply(&text));
                    PushAttempt {
                        attempt,
                        at: self.clock.unix_secs(),
                        http_status: Some(status.as_u16()),
                        reply: Some(truncate(&text, 2048)),
                        error: None,
                        acknowledged,
                    }
                }
                Err(err) => PushAttempt {
                    attempt,
                    at: self.clock.unix_secs(),
                    http_status: None,
                    reply: None,
                    error: Some(err.to_string()),
                    acknowledged: false,
                },
            };
            let acknowledged = record.acknowledged;
            tracing::debug!(push = job.id, attempt, acknowledged, url = %job.url, "push attempt");
            let last = attempt == max;
            self.update(job.id, |rec| {
                rec.attempts.push(record);
                if acknowledged {
                    rec.outcome = PushOutcome::Delivered;
                } else if last {
                    rec.outcome = PushOutcome::GaveUp;
                }
            });
            if acknowledged {
                return;
            }
            if !last {
                tokio::time::sleep(self.config.backoff_after(attempt)).await;
            }
        }
        tracing::warn!(push = job.id, url = %job.url, "push gave up after {max} attempts");
    }
}

/// Kredivo wants `{"status":"OK", ...}`; the comparison ignores case.
fn is_ok_reply(text: &str) -> bool {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| v.get("status").and_then(Value::as_str).map(str::to_owned))
        .is_some_and(|s| s.eq_ignore_ascii_case("ok"))
}

fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_json_status_ok_counts_as_an_acknowledgement() {
        assert!(is_ok_reply(r#"{"status":"OK","message":"thanks"}"#));
        assert!(is_ok_reply(r#"{"status":"ok"}"#));
        assert!(!is_ok_reply("OK"));
        assert!(!is_ok_reply(r#"{"status":"ERROR"}"#));
        assert!(!is_ok_reply(""));
    }

    #[test]
    fn backoff_doubles_from_the_base() {
        let config = PushConfig {
            max_attempts: 4,
            backoff_base: Duration::from_millis(100),
            timeout: Duration::from_secs(1),
        };
        assert_eq!(config.backoff_after(1), Duration::from_millis(100));
        assert_eq!(config.backoff_after(3), Duration::from_millis(400));
    }

    #[test]
    fn truncation_respects_character_boundaries() {
        assert_eq!(truncate("héllo", 2), "h");
    }
}
