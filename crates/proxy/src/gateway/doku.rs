//! Kredivo through DOKU (doc 001, CONTRACTS.md). The only module that knows DOKU's paths,
//! signed headers and status words.
//!
//! - Plans: DOKU has no plan endpoint for Kredivo; the configured pricing table gives the
//!   estimate (`estimate: true`).
//! - Checkout: `POST /kredivo-peer-to-peer/v2/generate-order` signed with `Client-Id`,
//!   `Request-Id`, `Request-Timestamp` and `Signature` (`Request-Target` = the request URL's
//!   path). The `Request-Id` is derived from the order id, so a checkout retried after a lost
//!   answer gets DOKU's replay (HTTP 409, same body) instead of a second order. The
//!   notification URL is sent per order (`additional_info.override_notification_url`).
//! - Status: `GET /orders/v1/status/{invoice_number}`, signed without `Digest`.
//! - Notifications: the four headers are checked and the `Signature` verified over the path
//!   of our own notification URL; nothing in an unsigned or wrongly signed body is used.
//! - Cancel/refund: DOKU documents none for Kredivo; refunds are a back-office action.

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use kredivo_api::OrderStatus;
use kredivo_plan::{Plan, PricingTable};
use kredivo_providers::doku::{
    self, AdditionalInfo, Address, Customer, DokuStatus, ErrorResponse, GenerateOrderRequest,
    GenerateOrderResponse, LineItem, Notification, OrderRequest, PeerToPeerRequest, SignatureInput,
    StatusResponse,
};
use reqwest::Method;
use serde_json::Value;

use super::upstream::{self, json_body, not_json, Answer, Call, Upstream};
use super::*;
use crate::config::Secret;

/// Kredivo through DOKU.
#[derive(Debug)]
pub struct DokuGateway {
    up: Upstream,
    client_id: String,
    secret_key: Secret,
    /// The path of our notification URL: the `Request-Target` DOKU signs notifications with.
    notification_path: String,
    table: PricingTable,
}

impl DokuGateway {
    /// A gateway for `config`, signing notifications' `Request-Target` with
    /// `notification_path` (the path of `PUBLIC_BASE_URL` + `/api/kredivo/v1/push`).
    pub(crate) fn new(
        up: Upstream,
        client_id: String,
        secret_key: Secret,
        notification_path: String,
        table: PricingTable,
    ) -> Self {
        Self {
            up,
            client_id,
            secret_key,
            notification_path,
            table,
        }
    }

    fn signed_headers(
        &self,
        request_id: &str,
        target: &str,
        body: Option<&[u8]>,
    ) -> Vec<(&'static str, String)> {
        let timestamp = kredivo_providers::time::iso_utc(self.up.now_secs());
        let signature = doku::sign(
            self.secret_key.expose(),
            &SignatureInput {
                client_id: &self.client_id,
                request_id,
                timestamp: &timestamp,
                target,
                body,
            },
        );
        vec![
            (doku::HEADER_CLIENT_ID, self.client_id.clone()),
            (doku::HEADER_REQUEST_ID, request_id.to_owned()),
            (doku::HEADER_REQUEST_TIMESTAMP, timestamp),
            (doku::HEADER_SIGNATURE, signature),
        ]
    }
}

/// DOKU's error body, or the HTTP status.
fn refusal(operation: &'static str, answer: &Answer) -> GatewayError {
    let message = serde_json::from_str::<ErrorResponse>(&answer.text)
        .map(|e| format!("{}: {}", e.error.code, e.error.message))
        .unwrap_or_else(|_| format!("HTTP {}", answer.status.as_u16()));
    GatewayError::Rejected {
        operation,
        message,
        code: Some(i64::from(answer.status.as_u16())),
    }
}

/// DOKU's status word in our state machine; `None` for a word this version does not know.
fn map_status(status: &DokuStatus) -> Option<OrderStatus> {
    match status {
        DokuStatus::Pending => Some(OrderStatus::Pending),
        DokuStatus::Success => Some(OrderStatus::Settled),
        DokuStatus::Failed => Some(OrderStatus::Denied),
        DokuStatus::Expired => Some(OrderStatus::Expired),
        DokuStatus::Refunded => Some(OrderStatus::Cancelled),
        _ => None,
    }
}

fn provider_status(s: &StatusResponse) -> ProviderStatus {
    ProviderStatus {
        order_id: s.order.invoice_number.clone(),
        // DOKU's answers name no transaction id we can rely on (the acquirer identifiers are
        // UNCONFIRMED); the invoice number identifies the transaction.
        transaction_id: Some(s.order.invoice_number.clone()),
        status: map_status(&s.transaction.status),
        raw_status: s.transaction.status.to_string(),
        amount: s.order.amount,
        currency: None,
        payment_type: None,
        user_token: None,
    }
}

fn address(a: &kredivo_api::Address) -> Address {
    Address {
        first_name: Some(a.first_name.clone()),
        last_name: a.last_name.clone().filter(|n| !n.is_empty()),
        address: Some(a.address.clone()),
        city: Some(a.city.clone()),
        postal_code: Some(a.postal_code.clone()),
        phone: Some(upstream::phone_62(&a.phone)),
        country_code: Some(a.country_code.clone()),
    }
}

/// How far a notification's `Request-Timestamp` may be from our clock. DOKU retries a
/// notification a few times over hours (doc 001); whether a retry carries a fresh timestamp is
/// UNCONFIRMED — one outside the window is not applied, and the reconciler still brings the
/// order to DOKU's state through the status API.
const NOTIFICATION_WINDOW_SECS: i64 = 15 * 60;

impl Gateway for DokuGateway {
    fn name(&self) -> &'static str {
        "doku"
    }

    fn replays_checkout(&self) -> bool {
        true
    }

    fn estimates_plans(&self) -> bool {
        true
    }

    fn payment_types<'a>(
        &'a self,
        query: &'a PlansQuery,
    ) -> BoxFuture<'a, Result<Vec<Plan>, GatewayError>> {
        Box::pin(async move { Ok(upstream::estimate_plans(&self.table, query.amount)) })
    }

    fn create_checkout<'a>(
        &'a self,
        order: &'a CheckoutOrder,
    ) -> BoxFuture<'a, Result<CheckoutStarted, GatewayError>> {
        Box::pin(async move {
            const OP: &str = "generate_order";
            let c = &order.customer;
            let back = upstream::with_order_id(&order.back_to_store_uri, &order.order_id);
            let cancel = order
                .cancel_uri
                .as_deref()
                .map(|u| upstream::with_order_id(u, &order.order_id));
            let body = GenerateOrderRequest {
                order: OrderRequest {
                    invoice_number: order.order_id.clone(),
                    // DOKU adds price × quantity up to the amount (doc 001) and takes no
                    // negative price: a discount collapses the lines into one.
                    line_items: order
                        .lines_summing_to_amount()
                        .iter()
                        .map(|i| LineItem {
                            id: i.id.clone(),
                            name: i.name.clone(),
                            price: i.unit_price,
                            quantity: i.quantity,
                            item_type: i.category.clone(),
                            url: i.url.clone(),
                            image_url: i.image_url.clone(),
                            parent_type: i.parent_type.clone(),
                            parent_id: i.parent_id.clone(),
                        })
                        .collect(),
                    amount: order.amount,
                    callback_url: back.clone(),
                    callback_url_cancel: Some(cancel.unwrap_or(back)),
                },
                peer_to_peer_info: PeerToPeerRequest {
                    expired_time: order.expires_in_minutes(),
                    merchant_unique_reference: order.order_id.clone(),
                },
                customer: Customer {
                    first_name: c.first_name.clone(),
                    last_name: c.last_name.clone().filter(|n| !n.is_empty()),
                    phone: upstream::phone_62(&c.phone),
                    email: c.email.clone(),
                },
                billing_address: Some(address(&order.billing_address)),
                shipping_address: Some(address(&order.shipping_address)),
                additional_info: Some(AdditionalInfo {
                    override_notification_url: Some(order.push_uri.clone()),
                    // A hint only: the shopper confirms the tenure on Kredivo's page.
                    kredivo_payment_type: Some(order.payment_type.as_str().to_owned()),
                }),
            };
            let bytes = json_body(OP, &body)?;
            // Deterministic per order: a retry is DOKU's "same Request-Id, same body" replay.
            let request_id = format!("{}-checkout", order.order_id);
            let target = self.up.url_path(doku::GENERATE_ORDER_PATH);
            let call = Call {
                operation: OP,
                method: Method::POST,
                path: doku::GENERATE_ORDER_PATH.into(),
                headers: self.signed_headers(&request_id, &target, Some(&bytes)),
                body: Some(bytes),
                order_id: Some(&order.order_id),
                retry: RetryPolicy::NONE,
            };
            let answer: GenerateOrderResponse = self
                .up
                .send(&call, |a| {
                    // 409 is the replay of our own earlier request: the same body.
                    if a.status.is_success() || a.status == StatusCode::CONFLICT {
                        serde_json::from_str(&a.text).map_err(|e| {
                            not_json(
                                OP,
                                &Answer {
                                    status: StatusCode::OK,
                                    text: a.text.clone(),
                                },
                                &e,
                            )
                        })
                    } else {
                        Err(refusal(OP, a))
                    }
                })
                .await?;
            match (&answer.payment.status, answer.payment.url) {
                (DokuStatus::Pending, Some(url)) if !url.trim().is_empty() => Ok(CheckoutStarted {
                    redirect_url: Some(url),
                    transaction_id: Some(order.order_id.clone()),
                }),
                (status, _) => Err(GatewayError::Rejected {
                    operation: OP,
                    message: format!("DOKU answered payment.status {status}"),
                    code: None,
                }),
            }
        })
    }

    fn status<'a>(
        &'a self,
        order_id: &'a str,
    ) -> BoxFuture<'a, Result<ProviderStatus, GatewayError>> {
        Box::pin(async move {
            const OP: &str = "status";
            let path = doku::status_path(order_id);
            let request_id = self.up.ids.id("doku");
            let target = self.up.url_path(&path);
            let call = Call {
                operation: OP,
                method: Method::GET,
                headers: self.signed_headers(&request_id, &target, None),
                path,
                body: None,
                order_id: Some(order_id),
                retry: RetryPolicy::SAFE_READ,
            };
            let answer: StatusResponse = self
                .up
                .send(&call, |a| {
                    if a.status.is_success() {
                        serde_json::from_str(&a.text).map_err(|e| not_json(OP, a, &e))
                    } else {
                        Err(refusal(OP, a))
                    }
                })
                .await?;
            Ok(provider_status(&answer))
        })
    }

    fn cancel<'a>(
        &'a self,
        _cancel: &'a CancelOrder,
    ) -> BoxFuture<'a, Result<ProviderStatus, GatewayError>> {
        Box::pin(async move {
            Err(GatewayError::Rejected {
                operation: "cancel",
                message: "DOKU offers no cancel or refund API for Kredivo (doc 001); refund from the DOKU back office".into(),
                code: None,
            })
        })
    }

    fn verify_notification<'a>(
        &'a self,
        headers: &'a HeaderMap,
        body: &'a [u8],
    ) -> BoxFuture<'a, Result<NotificationCheck, GatewayError>> {
        Box::pin(async move {
            let claimed_order_id = serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|v| upstream::claimed(&v, "/order/invoice_number"));
            let unconfirmed = |reason: String| {
                Ok(NotificationCheck::Unconfirmed {
                    transaction_id: None,
                    claimed_order_id: claimed_order_id.clone(),
                    reason,
                })
            };
            let h = |name| upstream::header(headers, name);
            let (Some(client_id), Some(request_id), Some(timestamp), Some(signature)) = (
                h(doku::HEADER_CLIENT_ID),
                h(doku::HEADER_REQUEST_ID),
                h(doku::HEADER_REQUEST_TIMESTAMP),
                h(doku::HEADER_SIGNATURE),
            ) else {
                return unconfirmed("DOKU signature headers are missing".into());
            };
            if client_id != self.client_id {
                return unconfirmed(format!("Client-Id {client_id:?} is not ours"));
            }
            let input = SignatureInput {
                client_id: &client_id,
                request_id: &request_id,
                timestamp: &timestamp,
                target: &self.notification_path,
                body: Some(body),
            };
            if let Err(e) = doku::verify(self.secret_key.expose(), &input, &signature) {
                return unconfirmed(e.to_string());
            }
            // Signed by DOKU — but a signature does not expire: a captured notification
            // could be replayed forever. Only a recent one is considered.
            let now = self.up.now_secs();
            match kredivo_providers::time::parse_iso_utc(&timestamp) {
                Some(at) if (now - at).abs() <= NOTIFICATION_WINDOW_SECS => {}
                _ => {
                    return unconfirmed(format!(
                        "Request-Timestamp {timestamp:?} is more than {NOTIFICATION_WINDOW_SECS} s from now"
                    ))
                }
            }
            let notification: Notification = match serde_json::from_slice(body) {
                Ok(n) => n,
                Err(e) => {
                    return Ok(NotificationCheck::Malformed {
                        reason: format!("not a DOKU notification: {e}"),
                    })
                }
            };
            // The signature proves the sender; DOKU's status API tells the current truth
            // (the notification body is never applied as such).
            let invoice = notification.order.invoice_number.clone();
            match Gateway::status(self, &invoice).await {
                Ok(status) => Ok(NotificationCheck::Confirmed {
                    status,
                    claimed_order_id,
                    dedupe_key: Some(request_id),
                }),
                Err(e @ GatewayError::Rejected { .. }) if e.is_final_refusal() => {
                    unconfirmed(e.to_string())
                }
                Err(e) => Err(e),
            }
        })
    }

    fn notification_reply(&self, reply: NotificationReply, message: &str) -> (StatusCode, Value) {
        // DOKU retries anything but a 2xx.
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

/// Builds the DOKU gateway.
pub(crate) fn build(
    up: Upstream,
    config: &crate::config::Config,
    table: PricingTable,
) -> Arc<dyn Gateway> {
    let c = &config.aggregators.doku;
    let push = config.public_url(&format!("{}/push", kredivo_api::API_PREFIX));
    let notification_path = reqwest::Url::parse(&push)
        .map(|u| u.path().to_owned())
        .unwrap_or_else(|_| format!("{}/push", kredivo_api::API_PREFIX));
    Arc::new(DokuGateway::new(
        up,
        c.client_id.clone(),
        c.secret_key.clone(),
        notification_path,
        table,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doku_statuses_map_onto_the_order_state_machine() {
        let rows = [
            (DokuStatus::Pending, Some(OrderStatus::Pending)),
            (DokuStatus::Success, Some(OrderStatus::Settled)),
            (DokuStatus::Failed, Some(OrderStatus::Denied)),
            (DokuStatus::Expired, Some(OrderStatus::Expired)),
            (DokuStatus::Refunded, Some(OrderStatus::Cancelled)),
            (DokuStatus::Unknown("PARTIAL_REFUND".into()), None),
        ];
        for (status, expected) in rows {
            assert_eq!(map_status(&status), expected, "{status}");
        }
    }
}
