//! Fault injection: make an endpoint slow, fail, lie, misbehave or lose its answer for the
//! next N requests (or until cleared), and make push deliveries drop, repeat, arrive late or
//! out of order. This is the registry; `inject.rs` applies request faults around handlers,
//! and the push engines apply push faults.

use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Which part of a simulator a fault applies to. Names match the last path segment of the
/// endpoint (`checkout_url` is `POST /v2/checkout_url`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Endpoint {
    /// Every JSON endpoint below (not the hosted pages, not the `_sandbox` driver).
    Any,
    /// `POST /v2/payments`.
    Payments,
    /// `POST /v2/checkout_url`.
    CheckoutUrl,
    /// `GET /v2/update`.
    Update,
    /// `POST /transaction/status` and `POST /v2/transaction/status`.
    TransactionStatus,
    /// `POST /v2/cancel_transaction`.
    CancelTransaction,
    /// `POST /v2/deactive_user_token`.
    DeactiveUserToken,
    /// `POST /v2/get_user_credit_details`.
    GetUserCreditDetails,
    /// `POST /v2/connect`.
    Connect,
    /// `POST /offline/v1/init_checkout`.
    InitCheckout,
    /// Outgoing push notifications and connect callbacks (only the push faults apply).
    Push,
    /// DOKU `POST /kredivo-peer-to-peer/v2/generate-order`.
    DokuGenerateOrder,
    /// DOKU `GET /orders/v1/status/{invoice_number}`.
    DokuStatus,
    /// Midtrans `POST /v2/charge`.
    MidtransCharge,
    /// Midtrans `GET /v2/{id}/status`.
    MidtransStatus,
    /// Midtrans `POST /v2/{id}/cancel`, `/expire` and `/refund`.
    MidtransModify,
    /// Xendit `POST /customers`.
    XenditCustomers,
    /// Xendit `POST /paylater/plans`.
    XenditPlans,
    /// Xendit `POST /paylater/charges`.
    XenditCharges,
    /// Xendit `GET /paylater/charges/{id}`.
    XenditChargeStatus,
    /// Xendit `POST /paylater/charges/{id}/refunds`.
    XenditRefunds,
    /// Finpay `POST /pg/payment/card/initiate`.
    FinpayInitiate,
    /// Finpay `GET /pg/payment/card/check/{orderId}`.
    FinpayCheck,
}

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Fault {
    /// Wait this long before answering (the request is then served normally, unless another
    /// rule also matches).
    Latency {
        /// Added delay in milliseconds.
        ms: u64,
    },
    /// Answer with this HTTP status (e.g. 502, 503) and an HTML body, like a load balancer.
    HttpStatus {
        /// The status code; anything outside 100..=599 becomes 500.
        status: u16,
    },
    /// Answer HTTP 200 with a body that is not valid JSON (a truncated OK response).
    MalformedJson,
    /// Answer with this status and body, whatever it is (valid JSON of the wrong shape,
    /// an HTML page with 200, an empty body…), instead of the real answer.
    Raw {
        /// HTTP status; default 200.
        #[serde(default = "ok_status")]
        status: u16,
        /// The body, sent as is.
        #[serde(default)]
        body: String,
        /// `Content-Type`; default `application/json`.
        #[serde(default)]
        content_type: Option<String>,
    },
    /// Answer in the simulator's own error shape carrying this message and code (Kredivo:
    /// HTTP 200 `{"status":"ERROR",…}`; each aggregator: its error body and status).
    Error {
        /// `error.message`.
        message: String,
        /// `error.code` (`null` when absent).
        #[serde(default)]
        code: Option<i64>,
    },
    /// Do the work in full (create the transaction, record the cancel…), then lose the
    /// answer: HTTP 502 from "the load balancer", or with `hang_ms` the real answer held that
    /// long, past the caller's timeout. The work happens even if the caller disconnects.
    LostResponse {
        /// Hold the real answer this long instead of answering 502.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hang_ms: Option<u64>,
    },
    /// Record the push but never send it.
    DropPush,
    /// Send the push twice (the same body and signature key).
    DuplicatePush,
    /// After this push, re-send the transaction's previous push (or a `pending` one) with a
    /// fresh signature key, so a stale status arrives last.
    OutOfOrderPush,
    /// Hold the push this long before its first attempt (later pushes of the same
    /// transaction wait behind it, as they do at Kredivo): the shopper's return, a status
    /// call or the reconciler get there first.
    DelayPush {
        /// Delay in milliseconds.
        ms: u64,
    },
}

fn ok_status() -> u16 {
    200
}

impl Fault {
    /// Whether this fault applies to push delivery rather than to a request.
    pub fn is_push_fault(&self) -> bool {
        matches!(
            self,
            Fault::DropPush
                | Fault::DuplicatePush
                | Fault::OutOfOrderPush
                | Fault::DelayPush { .. }
        )
    }
}

/// One armed fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    /// Where it applies.
    pub endpoint: Endpoint,
    /// What happens.
    pub fault: Fault,
    /// How many more times it fires; `None` means until cleared.
    #[serde(default)]
    pub times: Option<u32>,
}

impl FaultRule {
    /// A rule that fires until cleared.
    pub fn new(endpoint: Endpoint, fault: Fault) -> Self {
        Self {
            endpoint,
            fault,
            times: None,
        }
    }

    /// Limits the rule to the next `n` matching requests or pushes.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }
}

/// What a request should suffer, decided once at its start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestFaults {
    /// Total added latency.
    pub latency: Duration,
    /// The first non-latency fault that matched, if any.
    pub fault: Option<Fault>,
}

/// The registry of armed faults. Cheap to share; every method takes `&self`.
#[derive(Debug, Default)]
pub struct Faults {
    rules: Mutex<Vec<FaultRule>>,
}

impl Faults {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Arms a rule. Push faults are always filed under [`Endpoint::Push`], whatever endpoint
    /// the rule names.
    pub fn add(&self, mut rule: FaultRule) {
        if rule.fault.is_push_fault() {
            rule.endpoint = Endpoint::Push;
        }
        if rule.times == Some(0) {
            return;
        }
        self.lock().push(rule);
    }

    /// Disarms every rule.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Disarms the rules filed under `endpoint` (push faults are filed under
    /// [`Endpoint::Push`]); the others stay armed.
    pub fn clear_endpoint(&self, endpoint: Endpoint) {
        self.lock().retain(|rule| rule.endpoint != endpoint);
    }

    /// The rules still armed.
    pub fn list(&self) -> Vec<FaultRule> {
        self.lock().clone()
    }

    /// Consumes what applies to one request on `endpoint`: every latency rule adds up, and
    /// the first other rule wins. Rules that fire are counted down and removed at zero.
    pub fn take_for_request(&self, endpoint: Endpoint) -> RequestFaults {
        let mut rules = self.lock();
        let mut out = RequestFaults::default();
        for rule in rules.iter_mut() {
            let applies = rule.endpoint == endpoint
                || (rule.endpoint == Endpoint::Any && endpoint != Endpoint::Push);
            if !applies || rule.fault.is_push_fault() {
                continue;
            }
            match &rule.fault {
                Fault::Latency { ms } => {
                    out.latency += Duration::from_millis(*ms);
                }
                other if out.fault.is_none() => out.fault = Some(other.clone()),
                _ => continue,
            }
            rule.times = rule.times.map(|t| t.saturating_sub(1));
        }
        rules.retain(|r| r.times != Some(0));
        out
    }

    /// Consumes the first armed push fault, if any.
    pub fn take_for_push(&self) -> Option<Fault> {
        let mut rules = self.lock();
        let idx = rules.iter().position(|r| r.fault.is_push_fault())?;
        let rule = &mut rules[idx];
        let fault = rule.fault.clone();
        rule.times = rule.times.map(|t| t.saturating_sub(1));
        if rule.times == Some(0) {
            rules.remove(idx);
        }
        Some(fault)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FaultRule>> {
        self.rules.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_limited_to_two_requests_fires_twice_then_disarms() {
        let faults = Faults::new();
        faults.add(FaultRule::new(Endpoint::Payments, Fault::HttpStatus { status: 503 }).times(2));
        for _ in 0..2 {
            let got = faults.take_for_request(Endpoint::Payments);
            assert_eq!(got.fault, Some(Fault::HttpStatus { status: 503 }));
        }
        assert_eq!(faults.take_for_request(Endpoint::Payments).fault, None);
        assert!(faults.list().is_empty());
    }

    #[test]
    fn latency_adds_up_and_does_not_hide_another_fault() {
        let faults = Faults::new();
        faults.add(FaultRule::new(Endpoint::Any, Fault::Latency { ms: 10 }));
        faults.add(FaultRule::new(
            Endpoint::CheckoutUrl,
            Fault::Latency { ms: 5 },
        ));
        faults.add(FaultRule::new(Endpoint::CheckoutUrl, Fault::MalformedJson).times(1));
        let got = faults.take_for_request(Endpoint::CheckoutUrl);
        assert_eq!(got.latency, Duration::from_millis(15));
        assert_eq!(got.fault, Some(Fault::MalformedJson));
        assert_eq!(faults.take_for_request(Endpoint::Payments).fault, None);
    }

    #[test]
    fn push_faults_never_touch_requests() {
        let faults = Faults::new();
        faults.add(FaultRule::new(Endpoint::Any, Fault::DropPush).times(1));
        assert_eq!(
            faults.take_for_request(Endpoint::Update),
            RequestFaults::default()
        );
        assert_eq!(faults.take_for_push(), Some(Fault::DropPush));
        assert_eq!(faults.take_for_push(), None);
    }

    #[test]
    fn clearing_one_endpoint_leaves_the_others_armed() {
        let faults = Faults::new();
        faults.add(FaultRule::new(
            Endpoint::Update,
            Fault::HttpStatus { status: 503 },
        ));
        faults.add(FaultRule::new(Endpoint::Push, Fault::DropPush));
        faults.add(FaultRule::new(Endpoint::Update, Fault::MalformedJson));
        faults.clear_endpoint(Endpoint::Update);
        assert_eq!(faults.take_for_request(Endpoint::Update).fault, None);
        assert_eq!(faults.take_for_push(), Some(Fault::DropPush));
    }

    #[test]
    fn the_new_fault_kinds_parse_from_their_documented_json() {
        let rows = [
            (
                r#"{"kind":"lost_response"}"#,
                Fault::LostResponse { hang_ms: None },
            ),
            (
                r#"{"kind":"lost_response","hang_ms":2500}"#,
                Fault::LostResponse {
                    hang_ms: Some(2500),
                },
            ),
            (
                r#"{"kind":"delay_push","ms":800}"#,
                Fault::DelayPush { ms: 800 },
            ),
            (
                r#"{"kind":"raw","body":"<html>ok</html>","content_type":"text/html"}"#,
                Fault::Raw {
                    status: 200,
                    body: "<html>ok</html>".into(),
                    content_type: Some("text/html".into()),
                },
            ),
        ];
        for (json, fault) in rows {
            assert_eq!(
                serde_json::from_str::<Fault>(json).expect(json),
                fault,
                "{json}"
            );
        }
        assert!(Fault::DelayPush { ms: 1 }.is_push_fault());
        assert!(!Fault::LostResponse { hang_ms: None }.is_push_fault());
    }

    #[test]
    fn a_rule_parses_from_the_driver_json() {
        let rule: FaultRule = serde_json::from_str(
            r#"{"endpoint":"checkout_url","fault":{"kind":"error","message":"Invalid merchant","code":2001},"times":1}"#,
        )
        .expect("valid rule");
        assert_eq!(rule.endpoint, Endpoint::CheckoutUrl);
        assert_eq!(rule.times, Some(1));
    }
}
