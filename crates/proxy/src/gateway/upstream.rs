//! The HTTP side the four aggregator gateways share: one request with headers and a raw body,
//! per-attempt timeout, retries for read-only calls, every attempt recorded (secrets removed),
//! and small helpers (times, phone formats, URLs, plan estimates).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use kredivo_plan::{Money, Plan, PricingTable};
use reqwest::{Method, Url};

use super::{CallRecorder, GatewayError, RetryPolicy};
use crate::clock::{Clock, IdGen};
use crate::store::ProviderCall;

/// Largest response body kept in a provider-call record.
const MAX_STORED_RESPONSE: usize = 8 * 1024;

/// An HTTP client bound to one provider's base URL.
pub(crate) struct Upstream {
    pub gateway: &'static str,
    base_url: String,
    http: reqwest::Client,
    timeout: Duration,
    recorder: Arc<dyn CallRecorder>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGen>,
    /// Strings that must never reach a log or a stored record (keys, tokens, auth headers).
    secrets: Vec<String>,
}

impl std::fmt::Debug for Upstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upstream")
            .field("gateway", &self.gateway)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// One request.
#[derive(Debug, Clone)]
pub(crate) struct Call<'a> {
    /// Recorded as the provider call's operation.
    pub operation: &'static str,
    pub method: Method,
    /// Path after the base URL, starting with `/`.
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
    /// A JSON body, sent as is.
    pub body: Option<Vec<u8>>,
    pub order_id: Option<&'a str>,
    pub retry: RetryPolicy,
}

/// An answer that arrived (any status but 5xx).
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub text: String,
}

/// Answers that are not JSON: garbage for a 2xx, a refusal otherwise.
pub(crate) fn not_json(
    operation: &'static str,
    answer: &Answer,
    e: &serde_json::Error,
) -> GatewayError {
    if answer.status.is_success() {
        GatewayError::Malformed {
            operation,
            reason: format!("not the documented JSON: {e}"),
        }
    } else {
        GatewayError::Rejected {
            operation,
            message: format!("HTTP {}", answer.status.as_u16()),
            code: None,
        }
    }
}

impl Upstream {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        gateway: &'static str,
        base_url: &Url,
        http: reqwest::Client,
        timeout: Duration,
        recorder: Arc<dyn CallRecorder>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGen>,
        secrets: Vec<String>,
    ) -> Self {
        Self {
            gateway,
            base_url: base_url.as_str().trim_end_matches('/').to_owned(),
            http,
            timeout,
            recorder,
            clock,
            ids,
            secrets: secrets.into_iter().filter(|s| !s.is_empty()).collect(),
        }
    }

    /// `{base}{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The path part of `{base}{path}` (DOKU signs it as `Request-Target`).
    pub fn url_path(&self, path: &str) -> String {
        Url::parse(&self.url(path))
            .map(|u| u.path().to_owned())
            .unwrap_or_else(|_| path.to_owned())
    }

    /// Unix seconds now.
    pub fn now_secs(&self) -> i64 {
        self.clock.now_millis().div_euclid(1000)
    }

    fn redact(&self, text: &str) -> String {
        // User tokens travel in bodies (checkout, credit details, deactivation, /v2/update's
        // answer): never recorded (issue 17).
        let mut out = crate::tokens::scrub(text);
        for secret in &self.secrets {
            out = out.replace(secret.as_str(), "[redacted]");
        }
        out
    }

    /// Sends `call`, retrying per its policy, then parses with `parse`. 5xx answers and
    /// transport failures are `Unavailable`/`Timeout` (transient); `parse` decides the rest.
    pub async fn send<T>(
        &self,
        call: &Call<'_>,
        parse: impl Fn(&Answer) -> Result<T, GatewayError>,
    ) -> Result<T, GatewayError> {
        let mut attempt = 1;
        loop {
            // Scrubbed here because `parse` builds errors from the provider's words, which
            // travel on into logs, the order's event log and `last_error`.
            let result = match self.attempt(call).await {
                Ok(answer) => parse(&answer),
                Err(e) => Err(e),
            }
            .map_err(|e| e.map_text(|t| self.redact(t)));
            match result {
                Err(e) if e.is_transient() && attempt < call.retry.max_attempts => {
                    let wait = call
                        .retry
                        .backoff
                        .saturating_mul(2u32.saturating_pow(attempt - 1));
                    tracing::warn!(gateway = self.gateway, operation = call.operation, attempt, error = %e, "retrying a read-only provider call");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn attempt(&self, call: &Call<'_>) -> Result<Answer, GatewayError> {
        let operation = call.operation;
        let at = self.clock.now_millis();
        let started = Instant::now();
        let url = self.url(&call.path);
        let mut builder = self
            .http
            .request(call.method.clone(), &url)
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(self.timeout);
        for (name, value) in &call.headers {
            builder = builder.header(*name, value.as_str());
        }
        if let Some(body) = &call.body {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let (http_status, text, outcome) = match builder.send().await {
            Err(e) => (None, None, Err(self.transport_error(operation, &e))),
            Ok(response) => {
                let status = response.status();
                match response.text().await {
                    Err(e) => (
                        Some(status.as_u16()),
                        None,
                        Err(self.transport_error(operation, &e)),
                    ),
                    Ok(text) if status.is_server_error() => (
                        Some(status.as_u16()),
                        Some(text),
                        Err(GatewayError::Unavailable {
                            operation,
                            reason: format!("HTTP {}", status.as_u16()),
                        }),
                    ),
                    Ok(text) => (
                        Some(status.as_u16()),
                        Some(text.clone()),
                        Ok(Answer { status, text }),
                    ),
                }
            }
        };
        crate::ops::metrics::provider_call(
            self.gateway,
            operation,
            call.order_id,
            http_status,
            outcome.as_ref().err(),
            started.elapsed(),
        );
        let latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let response = text.map(|t| {
            let mut t = self.redact(&t);
            if t.len() > MAX_STORED_RESPONSE {
                let mut cut = MAX_STORED_RESPONSE;
                while !t.is_char_boundary(cut) {
                    cut -= 1;
                }
                t.truncate(cut);
                t.push_str("…[truncated]");
            }
            t
        });
        let request = call
            .body
            .as_deref()
            .map(|b| self.redact(&String::from_utf8_lossy(b)))
            .unwrap_or_else(|| "{}".to_owned());
        self.recorder
            .record(ProviderCall {
                id: self.ids.id("call"),
                at,
                gateway: self.gateway.into(),
                operation: operation.into(),
                method: call.method.as_str().to_owned(),
                endpoint: url,
                order_id: call.order_id.map(str::to_owned),
                request,
                response,
                http_status,
                latency_ms,
                error: outcome.as_ref().err().map(|e| self.redact(&e.to_string())),
            })
            .await;
        outcome
    }

    fn transport_error(&self, operation: &'static str, e: &reqwest::Error) -> GatewayError {
        if e.is_timeout() {
            GatewayError::Timeout {
                operation,
                timeout_ms: u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX),
            }
        } else {
            GatewayError::Unavailable {
                operation,
                reason: self.redact(&crate::error::cause_chain(e)),
            }
        }
    }
}

/// Serialises a request body.
pub(crate) fn json_body<T: serde::Serialize>(
    operation: &'static str,
    body: &T,
) -> Result<Vec<u8>, GatewayError> {
    serde_json::to_vec(body).map_err(|e| GatewayError::Malformed {
        operation,
        reason: format!("cannot encode the request: {e}"),
    })
}

/// The plans the configured pricing table offers for `amount`: the estimate DOKU, Midtrans
/// and Finpay merchants show (those aggregators publish no plan endpoint for Kredivo).
pub(crate) fn estimate_plans(table: &PricingTable, amount: Money) -> Vec<Plan> {
    table.plans(amount)
}

/// Digits of a phone in international form without `+`: `0815…` / `815…` / `+62 815…` →
/// `62815…` (DOKU wants `{calling_code}{number}`).
pub(crate) fn phone_62(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if let Some(rest) = digits.strip_prefix('0') {
        format!("62{rest}")
    } else if digits.starts_with('8') {
        format!("62{digits}")
    } else {
        digits
    }
}

/// E.164 with `+`: `+62815…` (Xendit, Finpay).
pub(crate) fn phone_e164(phone: &str) -> String {
    format!("+{}", phone_62(phone))
}

/// `url` with `order_id` added to its query, for aggregators that redirect back without it.
pub(crate) fn with_order_id(url: &str, order_id: &str) -> String {
    match Url::parse(url) {
        Ok(mut u) => {
            u.query_pairs_mut().append_pair("order_id", order_id);
            u.into()
        }
        Err(_) => url.to_owned(),
    }
}

/// A header's value as text.
pub(crate) fn header(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The order id a notification body claims, read without trusting anything else in it.
pub(crate) fn claimed(value: &serde_json::Value, pointer: &str) -> Option<String> {
    match value.pointer(pointer)? {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_become_international_digits() {
        for (input, expected) in [
            ("081513114262", "6281513114262"),
            ("81513114262", "6281513114262"),
            ("+62 815-1311-4262", "6281513114262"),
        ] {
            assert_eq!(phone_62(input), expected, "{input}");
        }
        assert_eq!(phone_e164("0815"), "+62815");
    }

    #[test]
    fn the_order_id_is_appended_to_return_urls() {
        assert_eq!(
            with_order_id("https://shop.example/kredivo/return", "KD-1"),
            "https://shop.example/kredivo/return?order_id=KD-1"
        );
        assert_eq!(
            with_order_id("https://shop.example/r?x=1", "KD-1"),
            "https://shop.example/r?x=1&order_id=KD-1"
        );
    }

    struct NoRecorder;
    impl CallRecorder for NoRecorder {
        fn record(&self, _call: ProviderCall) -> crate::store::BoxFuture<'_, ()> {
            Box::pin(async {})
        }
    }

    /// Regression: aggregator errors built from the provider's words (a rejection message, a
    /// serde error quoting a field) left `send` unscrubbed, so an echoed secret key reached
    /// the log, the order's event log and `last_error`.
    #[tokio::test]
    async fn errors_built_from_the_answer_are_scrubbed_of_secrets() {
        const KEY: &str = "xnd_production_0123456789";
        let app = axum::Router::new().fallback(|| async {
            (
                StatusCode::UNAUTHORIZED,
                format!(
                    "{{\"error_code\":\"INVALID_API_KEY\",\"message\":\"key {KEY} is invalid\"}}"
                ),
            )
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let up = Upstream::new(
            "xendit",
            &Url::parse(&format!("http://{addr}")).unwrap(),
            reqwest::Client::new(),
            Duration::from_secs(5),
            Arc::new(NoRecorder),
            Arc::new(crate::clock::ManualClock::new(0)),
            Arc::new(crate::clock::SequentialIds::default()),
            vec![KEY.to_owned()],
        );
        let call = Call {
            operation: "charge",
            method: Method::GET,
            path: "/paylater/charges/plc_1".into(),
            headers: Vec::new(),
            body: None,
            order_id: None,
            retry: RetryPolicy::NONE,
        };
        let err = up
            .send(&call, |a| {
                Err::<(), _>(GatewayError::Rejected {
                    operation: "charge",
                    message: a.text.clone(),
                    code: None,
                })
            })
            .await
            .unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(KEY), "{shown}");
        assert!(shown.contains("is invalid"), "{shown}");
    }
}
