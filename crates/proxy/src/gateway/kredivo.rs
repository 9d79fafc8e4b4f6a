//! Kredivo Checkout API v2, direct (doc 000 and CONTRACTS.md). The only module that knows
//! Kredivo's endpoints, JSON and status names.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use kredivo_api::OrderStatus;
use kredivo_plan::Plan;
use kredivo_providers::kredivo as wire;
use kredivo_providers::kredivo::{FraudStatus, ServerKey, TransactionStatus, WireTime};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::upstream::{json_body, Call, Upstream};
use super::*;
use crate::clock::{Clock, IdGen};
use crate::config::Secret;

mod qr;

/// Status check path. CONTRACTS.md: the documented one is `/transaction/status`; some
/// clients use `/v2/transaction/status` and the sandbox serves both.
const STATUS_PATH: &str = "/transaction/status";

/// Kredivo direct. Sends through the same [`Upstream`] as the aggregators (timeouts, retries
/// of reads, every attempt recorded with the server key scrubbed); this module only knows
/// Kredivo's paths, JSON and status words.
#[derive(Debug)]
pub struct KredivoGateway {
    up: Upstream,
    server_key: Secret,
}

impl KredivoGateway {
    /// A gateway talking to `base_url` (e.g. `https://sandbox.kredivo.com/kredivo`) with
    /// `server_key`; every call is recorded through `recorder`.
    pub fn new(
        base_url: &Url,
        server_key: Secret,
        http: reqwest::Client,
        timeout: Duration,
        recorder: Arc<dyn CallRecorder>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGen>,
    ) -> Self {
        let secrets = vec![server_key.expose().to_owned()];
        Self::from_upstream(
            Upstream::new(
                "kredivo", base_url, http, timeout, recorder, clock, ids, secrets,
            ),
            server_key,
        )
    }

    /// The gateway over an [`Upstream`] bound to Kredivo's base URL, whose secrets include
    /// `server_key`.
    pub(crate) fn from_upstream(up: Upstream, server_key: Secret) -> Self {
        Self { up, server_key }
    }

    fn key(&self) -> ServerKey {
        ServerKey::new(self.server_key.expose())
    }

    /// `POST {base}{path}` with a JSON body, answered in Kredivo's envelope.
    async fn post<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &'static str,
        body: &impl Serialize,
        order_id: Option<&str>,
        retry: RetryPolicy,
    ) -> Result<T, GatewayError> {
        let call = Call {
            operation,
            method: Method::POST,
            path: path.to_owned(),
            headers: Vec::new(),
            body: Some(json_body(operation, body)?),
            order_id,
            retry,
        };
        self.up
            .send(&call, |a| parse_answer(operation, a.status, &a.text))
            .await
    }

    async fn update(
        &self,
        transaction_id: &str,
        signature_key: &str,
    ) -> Result<wire::UpdateResponse, GatewayError> {
        // Each value encoded exactly once (the push may carry it encoded once or twice).
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("transaction_id", transaction_id)
            .append_pair("signature_key", &decode_signature_key(signature_key))
            .finish();
        let call = Call {
            operation: "update",
            method: Method::GET,
            path: format!("/v2/update?{query}"),
            headers: Vec::new(),
            body: None,
            order_id: None,
            retry: RetryPolicy::SAFE_READ,
        };
        self.up
            .send(&call, |a| parse_answer("update", a.status, &a.text))
            .await
    }
}

/// Classifies an HTTP answer: 5xx is an outage, `status: ERROR` (any HTTP status) is a
/// refusal, anything that does not parse as `T` is garbage.
fn parse_answer<T: DeserializeOwned>(
    operation: &'static str,
    status: StatusCode,
    text: &str,
) -> Result<T, GatewayError> {
    if status.is_server_error() {
        return Err(GatewayError::Unavailable {
            operation,
            reason: format!("HTTP {}", status.as_u16()),
        });
    }
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) if status.is_success() => {
            return Err(GatewayError::Malformed {
                operation,
                reason: format!("not JSON: {e}"),
            })
        }
        Err(_) => {
            return Err(GatewayError::Rejected {
                operation,
                message: format!("HTTP {}", status.as_u16()),
                code: None,
            })
        }
    };
    let said = value
        .get("status")
        .or_else(|| value.get("Status"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    if said.eq_ignore_ascii_case(wire::STATUS_ERROR) || !status.is_success() {
        let error: wire::ErrorResponse =
            serde_json::from_value(value).map_err(|e| GatewayError::Malformed {
                operation,
                reason: format!("error body: {e}"),
            })?;
        return Err(GatewayError::Rejected {
            operation,
            message: if error.error.message.is_empty() {
                format!("HTTP {}", status.as_u16())
            } else {
                error.error.message
            },
            code: error.error.code,
        });
    }
    serde_json::from_value(value).map_err(|e| GatewayError::Malformed {
        operation,
        reason: e.to_string(),
    })
}

/// Kredivo's status pair in our state machine; `None` for a status this version does not know.
fn map_status(status: &TransactionStatus, fraud: Option<&FraudStatus>) -> Option<OrderStatus> {
    if fraud == Some(&FraudStatus::Deny) && !matches!(status, TransactionStatus::Cancel) {
        // "deny: Denied by FDS. Transaction automatically failed" (doc 000).
        return Some(OrderStatus::Denied);
    }
    match status {
        // A fraud verdict this version does not know ("challenge", "review"…) is not an
        // accept: the settlement waits (unknown statuses never settle).
        TransactionStatus::Settlement if matches!(fraud, Some(FraudStatus::Unknown(_))) => None,
        TransactionStatus::Settlement => Some(OrderStatus::Settled),
        TransactionStatus::Pending => Some(OrderStatus::Pending),
        TransactionStatus::Deny => Some(OrderStatus::Denied),
        TransactionStatus::Cancel => Some(OrderStatus::Cancelled),
        TransactionStatus::Expire => Some(OrderStatus::Expired),
        _ => None,
    }
}

fn raw_status(status: &TransactionStatus, fraud: Option<&FraudStatus>) -> String {
    match fraud {
        Some(f) => format!("{status}/{f}"),
        None => status.to_string(),
    }
}

/// Undoes the URL encoding of a push's `signature_key`, once or twice (clients differ), so
/// it can be encoded exactly once on the way to `/v2/update`. A decoded Kredivo key is base64
/// or hex and never contains `%`, so decoding stops as soon as no escape is left.
///
/// ```
/// use kredivo_proxy::gateway::decode_signature_key;
/// assert_eq!(decode_signature_key("ab%2Fcd%3D"), "ab/cd=");
/// assert_eq!(decode_signature_key("ab%252Fcd%253D"), "ab/cd=");
/// assert_eq!(decode_signature_key("a+b/c="), "a+b/c=");
/// ```
pub fn decode_signature_key(key: &str) -> String {
    let mut current = key.trim().to_owned();
    for _ in 0..2 {
        match percent_decode(&current) {
            Some(decoded) if decoded != current => current = decoded,
            _ => break,
        }
    }
    current
}

/// Strict percent-decoding (`+` stays `+`); `None` if the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' && i + 2 < bytes.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(u8::try_from(h * 16 + l).ok()?);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).ok()
}

fn wire_item(item: &GatewayItem) -> wire::WireItem {
    wire::WireItem {
        id: item.id.clone(),
        name: item.name.clone(),
        price: item.unit_price.as_decimal(),
        quantity: i64::from(item.quantity),
        item_type: Some(item.category.clone()),
        url: Some(item.url.clone()),
        image_url: item.image_url.clone(),
        parent_type: item.parent_type.clone(),
        parent_id: item.parent_id.clone(),
    }
}

/// A fee line as doc 000 wants it: its reserved id and a positive price, also for a discount
/// (Kredivo subtracts `discount`).
fn wire_fee(fee: &GatewayFee) -> wire::WireItem {
    wire::WireItem {
        id: fee.id.clone(),
        name: fee.name.clone(),
        price: fee.price.as_decimal(),
        quantity: 1,
        item_type: None,
        url: None,
        image_url: None,
        parent_type: fee.parent_type.clone(),
        parent_id: fee.parent_id.clone(),
    }
}

fn wire_address(a: &kredivo_api::Address) -> wire::WireAddress {
    wire::WireAddress {
        first_name: a.first_name.clone(),
        last_name: a.last_name.clone().filter(|n| !n.is_empty()),
        address: a.address.clone(),
        city: a.city.clone(),
        postal_code: a.postal_code.clone(),
        phone: a.phone.clone(),
        country_code: a.country_code.clone(),
    }
}

fn wire_seller(s: &kredivo_api::merchant::Seller) -> wire::WireSeller {
    wire::WireSeller {
        id: s.id.clone(),
        name: s.name.clone(),
        email: Some(s.email.clone()),
        url: Some(s.url.clone()),
        legal_id: s.legal_id.clone(),
        address: Some(wire_address(&s.address)),
    }
}

fn value_str(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Gateway for KredivoGateway {
    fn name(&self) -> &'static str {
        "kredivo"
    }

    fn payment_types<'a>(
        &'a self,
        query: &'a PlansQuery,
    ) -> BoxFuture<'a, Result<Vec<Plan>, GatewayError>> {
        Box::pin(async move {
            let body = wire::PaymentsRequest {
                server_key: self.key(),
                amount: query.amount.as_decimal(),
                items: query.items.iter().map(wire_item).collect(),
                user_token: None,
            };
            let answer: wire::PaymentsResponse = self
                .post(
                    "payments",
                    "/v2/payments",
                    &body,
                    None,
                    RetryPolicy::SAFE_READ,
                )
                .await?;
            let mut plans = Vec::with_capacity(answer.payments.len());
            for p in &answer.payments {
                match Plan::try_from(p) {
                    Ok(plan) => plans.push(plan),
                    // One odd entry must not hide the others; it is logged and skipped.
                    Err(e) => {
                        tracing::warn!(payment_type = %p.id, error = %e, "skipping a payment type Kredivo sent")
                    }
                }
            }
            Ok(plans)
        })
    }

    fn create_checkout<'a>(
        &'a self,
        order: &'a CheckoutOrder,
    ) -> BoxFuture<'a, Result<CheckoutStarted, GatewayError>> {
        Box::pin(async move {
            let c = &order.customer;
            let metadata = (order.shopper_ip.is_some() || order.user_agent.is_some()).then(|| {
                wire::WireMetadata {
                    ip_address: order.shopper_ip.clone(),
                    user_agent: order.user_agent.clone(),
                    device_id: None,
                    imsi: None,
                }
            });
            let body = wire::CheckoutRequest {
                server_key: self.key(),
                payment_type: order.payment_type.clone(),
                push_uri: order.push_uri.clone(),
                back_to_store_uri: order.back_to_store_uri.clone(),
                user_cancel_uri: order.cancel_uri.clone(),
                expiration_time: order.expires_at_secs.map(WireTime::epoch_text),
                tokenize_user: matches!(order.account, AccountLink::Tokenize { .. })
                    .then_some(true),
                client_user_key: match &order.account {
                    AccountLink::None => None,
                    AccountLink::Tokenize { client_user_key }
                    | AccountLink::Express {
                        client_user_key, ..
                    } => Some(client_user_key.clone()),
                },
                user_token: match &order.account {
                    AccountLink::Express { user_token, .. } => Some(user_token.expose().to_owned()),
                    _ => None,
                },
                transaction_details: wire::TransactionDetails {
                    amount: order.amount.as_decimal(),
                    order_id: order.order_id.clone(),
                    items: order
                        .items
                        .iter()
                        .map(wire_item)
                        .chain(order.fees.iter().map(wire_fee))
                        .collect(),
                },
                sellers: (!order.sellers.is_empty())
                    .then(|| order.sellers.iter().map(wire_seller).collect()),
                customer_details: Some(wire::WireCustomer {
                    first_name: c.first_name.clone(),
                    last_name: c.last_name.clone().filter(|n| !n.is_empty()),
                    email: c.email.clone(),
                    phone: c.phone.clone(),
                }),
                billing_address: Some(wire_address(&order.billing_address)),
                shipping_address: Some(wire_address(&order.shipping_address)),
                metadata,
            };
            let answer: wire::CheckoutResponse = self
                .post(
                    "checkout_url",
                    "/v2/checkout_url",
                    &body,
                    Some(&order.order_id),
                    RetryPolicy::NONE,
                )
                .await?;
            Ok(CheckoutStarted {
                redirect_url: answer.redirect_url.filter(|u| !u.trim().is_empty()),
                transaction_id: answer.transaction_id,
            })
        })
    }

    fn status<'a>(
        &'a self,
        order_id: &'a str,
    ) -> BoxFuture<'a, Result<ProviderStatus, GatewayError>> {
        Box::pin(async move {
            let body = wire::TransactionStatusRequest {
                server_key: self.key(),
                order_id: order_id.to_owned(),
            };
            let answer: wire::TransactionStatusResponse = self
                .post(
                    "transaction_status",
                    STATUS_PATH,
                    &body,
                    Some(order_id),
                    RetryPolicy::SAFE_READ,
                )
                .await?;
            Ok(ProviderStatus {
                status: map_status(&answer.transaction_status, answer.fraud_status.as_ref()),
                raw_status: raw_status(&answer.transaction_status, answer.fraud_status.as_ref()),
                order_id: answer.order_id,
                transaction_id: Some(answer.transaction_id).filter(|t| !t.is_empty()),
                amount: answer.amount,
                currency: None,
                payment_type: Some(answer.payment_type.to_string()),
                user_token: None,
            })
        })
    }

    fn cancel<'a>(
        &'a self,
        cancel: &'a CancelOrder,
    ) -> BoxFuture<'a, Result<ProviderStatus, GatewayError>> {
        Box::pin(async move {
            let body = wire::CancelRequest {
                server_key: self.key(),
                order_id: cancel.order_id.clone(),
                transaction_id: cancel.transaction_id.clone(),
                cancellation_amount: cancel.amount,
                cancellation_reason: cancel.reason.clone(),
                cancelled_by: cancel.cancelled_by.clone(),
                cancellation_date: WireTime::epoch_text(cancel.at_epoch_secs),
                cancellation_id: Some(cancel.cancellation_id.clone()),
            };
            let answer: wire::CancelResponse = self
                .post(
                    "cancel_transaction",
                    "/v2/cancel_transaction",
                    &body,
                    Some(&cancel.order_id),
                    RetryPolicy::NONE,
                )
                .await?;
            Ok(ProviderStatus {
                status: map_status(&answer.transaction_status, answer.fraud_status.as_ref()),
                raw_status: raw_status(&answer.transaction_status, answer.fraud_status.as_ref()),
                order_id: answer.order_id,
                transaction_id: Some(answer.transaction_id).filter(|t| !t.is_empty()),
                amount: answer.amount,
                currency: None,
                payment_type: Some(answer.payment_type.to_string()),
                user_token: None,
            })
        })
    }

    fn supports_qr(&self) -> bool {
        true
    }

    fn start_qr<'a>(
        &'a self,
        order: &'a QrCheckoutOrder,
    ) -> BoxFuture<'a, Result<QrStarted, GatewayError>> {
        Box::pin(qr::start(self, order))
    }

    fn qr_image_url(&self, transaction_id: &str) -> Option<String> {
        qr::image_url(self, transaction_id)
    }

    fn qr_image<'a>(
        &'a self,
        url: &'a str,
        order_id: &'a str,
    ) -> BoxFuture<'a, Result<String, GatewayError>> {
        Box::pin(qr::image(self, url, order_id))
    }

    fn verify_notification<'a>(
        &'a self,
        _headers: &'a HeaderMap,
        body: &'a [u8],
    ) -> BoxFuture<'a, Result<NotificationCheck, GatewayError>> {
        Box::pin(async move {
            // Only the two ids are read from the untrusted body; everything that matters
            // comes from /v2/update.
            let value: Value = match serde_json::from_slice(body) {
                Ok(v @ Value::Object(_)) => v,
                Ok(_) => {
                    return Ok(NotificationCheck::Malformed {
                        reason: "not a JSON object".into(),
                    })
                }
                Err(e) => {
                    return Ok(NotificationCheck::Malformed {
                        reason: format!("not JSON: {e}"),
                    })
                }
            };
            let claimed_order_id = value_str(&value, "order_id");
            let (Some(transaction_id), Some(signature_key)) = (
                value_str(&value, "transaction_id"),
                value_str(&value, "signature_key"),
            ) else {
                return Ok(NotificationCheck::Malformed {
                    reason: "transaction_id and signature_key are required".into(),
                });
            };
            match self.update(&transaction_id, &signature_key).await {
                Ok(confirmed) => {
                    if confirmed.transaction_id != transaction_id {
                        return Ok(NotificationCheck::Unconfirmed {
                            transaction_id: Some(transaction_id),
                            claimed_order_id,
                            reason: format!(
                                "confirmation is for transaction {}",
                                confirmed.transaction_id
                            ),
                        });
                    }
                    Ok(NotificationCheck::Confirmed {
                        status: ProviderStatus {
                            status: map_status(
                                &confirmed.transaction_status,
                                confirmed.fraud_status.as_ref(),
                            ),
                            raw_status: raw_status(
                                &confirmed.transaction_status,
                                confirmed.fraud_status.as_ref(),
                            ),
                            order_id: confirmed.order_id,
                            transaction_id: Some(confirmed.transaction_id),
                            amount: confirmed.amount,
                            currency: None,
                            payment_type: Some(confirmed.payment_type.to_string()),
                            // Only from the confirmation, never from the push body.
                            user_token: confirmed
                                .user_token
                                .filter(|t| !t.trim().is_empty())
                                .map(|t| Secret::new(t.trim())),
                        },
                        claimed_order_id,
                        dedupe_key: None,
                    })
                }
                Err(e @ GatewayError::Rejected { .. }) if e.is_final_refusal() => {
                    Ok(NotificationCheck::Unconfirmed {
                        transaction_id: Some(transaction_id),
                        claimed_order_id,
                        reason: e.to_string(),
                    })
                }
                Err(e) => Err(e),
            }
        })
    }

    fn supports_tokens(&self) -> bool {
        true
    }

    fn credit_details<'a>(
        &'a self,
        user_token: &'a Secret,
    ) -> BoxFuture<'a, Result<CreditDetails, GatewayError>> {
        Box::pin(async move {
            let body = wire::CreditDetailsRequest {
                server_key: self.key(),
                user_token: user_token.expose().to_owned(),
            };
            let answer: wire::CreditDetailsResponse = self
                .post(
                    "get_user_credit_details",
                    "/v2/get_user_credit_details",
                    &body,
                    None,
                    RetryPolicy::SAFE_READ,
                )
                .await?;
            let details = answer.user_credit_details;
            Ok(CreditDetails {
                // Doc 000: 1 active, 2 inactive.
                account_active: details.account_status == 1,
                limits: kredivo_plan::CreditLimits::new(
                    details
                        .credit_limit_details
                        .into_iter()
                        .map(|l| (l.payment_type, l.remaining_user_limit)),
                ),
            })
        })
    }

    fn deactivate_token<'a>(
        &'a self,
        user_token: &'a Secret,
    ) -> BoxFuture<'a, Result<(), GatewayError>> {
        Box::pin(async move {
            let body = wire::DeactivateTokenRequest {
                server_key: self.key(),
                user_token: user_token.expose().to_owned(),
            };
            let _answer: wire::DeactivateTokenResponse = self
                .post(
                    "deactive_user_token",
                    "/v2/deactive_user_token",
                    &body,
                    None,
                    RetryPolicy::NONE,
                )
                .await?;
            Ok(())
        })
    }

    fn connect<'a>(
        &'a self,
        start: &'a ConnectStart,
    ) -> BoxFuture<'a, Result<String, GatewayError>> {
        Box::pin(async move {
            let body = wire::ConnectRequest {
                server_key: self.key(),
                mobile_number: start.mobile_number.clone(),
                client_user_key: start.client_user_key.clone(),
                callback_url: start.callback_url.clone(),
                redirect_url: start.redirect_url.clone(),
                customer_details: start.customer.as_ref().map(|c| wire::ConnectCustomer {
                    first_name: Some(c.first_name.clone()),
                    last_name: c.last_name.clone(),
                    email: Some(c.email.clone()),
                    ..wire::ConnectCustomer::default()
                }),
            };
            let answer: wire::ConnectResponse = self
                .post("connect", "/v2/connect", &body, None, RetryPolicy::NONE)
                .await?;
            answer
                .redirect_url
                .filter(|u| !u.trim().is_empty())
                .ok_or(GatewayError::Malformed {
                    operation: "connect",
                    reason: "no redirect_url".into(),
                })
        })
    }

    fn notification_reply(&self, reply: NotificationReply, message: &str) -> (StatusCode, Value) {
        // Kredivo expects {"status":"OK","message":…}. A non-2xx ERROR answer makes it retry.
        match reply {
            NotificationReply::Done => (
                StatusCode::OK,
                serde_json::json!({"status": "OK", "message": message}),
            ),
            NotificationReply::RetryLater => (
                StatusCode::SERVICE_UNAVAILABLE,
                serde_json::json!({"status": "ERROR", "message": message}),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_keys_are_decoded_once_or_twice_and_never_mangled() {
        let raw = "o5KZ+DcxgEA9/QutAVcIQ=";
        let once = "o5KZ%2BDcxgEA9%2FQutAVcIQ%3D";
        let twice = "o5KZ%252BDcxgEA9%252FQutAVcIQ%253D";
        for (input, why) in [
            (raw, "raw"),
            (once, "encoded once"),
            (twice, "encoded twice"),
        ] {
            assert_eq!(decode_signature_key(input), raw, "{why}");
        }
        assert_eq!(
            decode_signature_key("5f1fa4a5"),
            "5f1fa4a5",
            "hex keys pass through"
        );
        assert_eq!(decode_signature_key("100%"), "100%", "a lone percent stays");
    }

    #[test]
    fn kredivo_statuses_map_onto_the_order_state_machine() {
        use TransactionStatus as T;
        let rows = [
            (T::Settlement, None, Some(OrderStatus::Settled)),
            (
                T::Settlement,
                Some(FraudStatus::Accept),
                Some(OrderStatus::Settled),
            ),
            (
                T::Settlement,
                Some(FraudStatus::Deny),
                Some(OrderStatus::Denied),
            ),
            (T::Pending, None, Some(OrderStatus::Pending)),
            (T::Deny, None, Some(OrderStatus::Denied)),
            (
                T::Cancel,
                Some(FraudStatus::Deny),
                Some(OrderStatus::Cancelled),
            ),
            (T::Expire, None, Some(OrderStatus::Expired)),
            (T::Unknown("refund".into()), None, None),
            // Regression: an unknown fraud verdict used to settle.
            (
                T::Settlement,
                Some(FraudStatus::Unknown("challenge".into())),
                None,
            ),
        ];
        for (t, f, expected) in rows {
            assert_eq!(map_status(&t, f.as_ref()), expected, "{t} {f:?}");
        }
    }

    #[test]
    fn answers_are_classified_as_outage_refusal_or_garbage() {
        let op = "payments";
        let r = parse_answer::<wire::PaymentsResponse>(op, StatusCode::BAD_GATEWAY, "<html>");
        assert!(matches!(r, Err(GatewayError::Unavailable { .. })));
        let r =
            parse_answer::<wire::PaymentsResponse>(op, StatusCode::OK, "{\"status\":\"OK\",\"paym");
        assert!(matches!(r, Err(GatewayError::Malformed { .. })));
        let r = parse_answer::<wire::PaymentsResponse>(
            op,
            StatusCode::OK,
            r#"{"status":"ERROR","message":"Invalid merchant"}"#,
        );
        assert!(
            matches!(r, Err(GatewayError::Rejected { ref message, .. }) if message == "Invalid merchant")
        );
        let r = parse_answer::<wire::PaymentsResponse>(
            op,
            StatusCode::OK,
            r#"{"status":"ERROR","error":{"message":"Field secret_key is INCORRECT.","kind":"APIException","code":null}}"#,
        );
        assert!(
            matches!(r, Err(GatewayError::Rejected { ref message, .. }) if message.contains("INCORRECT"))
        );
        let r = parse_answer::<wire::PaymentsResponse>(
            op,
            StatusCode::OK,
            r#"{"status":"OK","payments":[]}"#,
        );
        assert!(r.is_ok());
    }

    struct NoRecorder;
    impl CallRecorder for NoRecorder {
        fn record(&self, _call: ProviderCall) -> BoxFuture<'_, ()> {
            Box::pin(async {})
        }
    }

    /// Regression: provider-call records were scrubbed of the server key, but the error
    /// returned to the proxy carried the provider's message verbatim into the log, the order's
    /// event log and `last_error`.
    #[tokio::test]
    async fn a_provider_echoing_the_server_key_does_not_put_it_in_the_error() {
        const KEY: &str = "LIVE-server-key-0123456789";
        let app = axum::Router::new().fallback(|| async {
            axum::Json(serde_json::json!({
                "status": "ERROR",
                "error": {"message": format!("Field secret_key {KEY} is INCORRECT."), "kind": "x", "code": null}
            }))
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let gateway = KredivoGateway::new(
            &Url::parse(&format!("http://{addr}/kredivo")).unwrap(),
            Secret::new(KEY),
            reqwest::Client::new(),
            Duration::from_secs(5),
            Arc::new(NoRecorder),
            Arc::new(crate::clock::ManualClock::new(0)),
            Arc::new(crate::clock::SequentialIds::default()),
        );
        let err = gateway.status("KD-000001").await.unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(KEY), "{shown}");
        assert!(shown.contains("INCORRECT"), "{shown}");
    }
}
