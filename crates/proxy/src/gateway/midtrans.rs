//! Kredivo through the Midtrans Core API (doc 003, CONTRACTS.md). The only module that knows
//! Midtrans' paths, `status_code` conventions and status words.
//!
//! - Plans: no plan endpoint for Kredivo at Midtrans; the pricing table's estimate.
//! - Checkout: `POST /v2/charge` with `payment_type: "kredivo"`, item prices summing to
//!   `gross_amount`, Basic auth, `X-Override-Notification` = our notification URL and an
//!   `Idempotency-Key` derived from the order id (a retried checkout replays). The shopper
//!   comes back through the "Finish Redirect URL" configured in Midtrans' dashboard; point it
//!   at `PUBLIC_BASE_URL/kredivo/return` (Midtrans appends `order_id`).
//! - Status: `GET /v2/{order_id}/status`.
//! - Refund (the proxy's cancel of a settled order): `POST /v2/{order_id}/refund` with the
//!   cancellation id as `refund_key`; a partial refund keeps the order settled.
//! - Notifications: `signature_key` = SHA-512(order_id + status_code + gross_amount +
//!   ServerKey) must match, then the status is re-checked with a `GET` and only that answer
//!   is applied. Errors are detected by `status_code` ≥ 300 whatever the HTTP status.

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use kredivo_api::OrderStatus;
use kredivo_plan::{Plan, PricingTable};
use kredivo_providers::auth::basic;
use kredivo_providers::midtrans::{
    self, ChargeRequest, CustomerDetails, FraudStatus, ItemDetail, MidtransAddress, RefundRequest,
    Transaction, TransactionDetails, TransactionStatus,
};
use reqwest::Method;
use serde_json::Value;

use super::upstream::{self, json_body, not_json, Call, Upstream};
use super::*;
use crate::config::Secret;

/// Kredivo through Midtrans.
#[derive(Debug)]
pub struct MidtransGateway {
    up: Upstream,
    server_key: Secret,
    table: PricingTable,
}

impl MidtransGateway {
    pub(crate) fn new(up: Upstream, server_key: Secret, table: PricingTable) -> Self {
        Self {
            up,
            server_key,
            table,
        }
    }

    fn auth(&self) -> (&'static str, String) {
        ("Authorization", basic(self.server_key.expose(), ""))
    }

    /// Sends `call` and reads a transaction-shaped answer, refusing `status_code` ≥ 300.
    async fn transaction(&self, call: Call<'_>) -> Result<Transaction, GatewayError> {
        let op = call.operation;
        self.up
            .send(&call, |a| {
                let tx: Transaction =
                    serde_json::from_str(&a.text).map_err(|e| not_json(op, a, &e))?;
                if tx.is_error() || !a.status.is_success() {
                    let mut message = tx
                        .status_message
                        .clone()
                        .unwrap_or_else(|| format!("HTTP {}", a.status.as_u16()));
                    if let Some(v) = &tx.validation_messages {
                        message.push_str(&format!(" ({})", v.join("; ")));
                    }
                    return Err(GatewayError::Rejected {
                        operation: op,
                        message,
                        code: tx.status_number().map(i64::from),
                    });
                }
                Ok(tx)
            })
            .await
    }

    async fn fetch_status(&self, order_id: &str) -> Result<Transaction, GatewayError> {
        self.transaction(Call {
            operation: "status",
            method: Method::GET,
            path: midtrans::status_path(order_id),
            headers: vec![self.auth()],
            body: None,
            order_id: Some(order_id),
            retry: RetryPolicy::SAFE_READ,
        })
        .await
    }
}

/// Midtrans' status pair in our state machine; `None` for a status this version does not know.
fn map_status(status: &TransactionStatus, fraud: Option<&FraudStatus>) -> Option<OrderStatus> {
    use TransactionStatus as T;
    if fraud == Some(&FraudStatus::Deny) {
        return Some(OrderStatus::Denied);
    }
    match status {
        // A fraud verdict this version does not know is not an accept: nothing settles on it.
        T::Settlement | T::Capture if matches!(fraud, Some(FraudStatus::Unknown(_))) => None,
        T::Settlement => Some(OrderStatus::Settled),
        // A card capture under review is not money yet.
        T::Capture if fraud == Some(&FraudStatus::Challenge) => Some(OrderStatus::Pending),
        T::Capture => Some(OrderStatus::Settled),
        T::Pending | T::Authorize => Some(OrderStatus::Pending),
        T::Deny | T::Failure => Some(OrderStatus::Denied),
        T::Cancel | T::Refund | T::Chargeback => Some(OrderStatus::Cancelled),
        T::PartialRefund | T::PartialChargeback => Some(OrderStatus::Settled),
        T::Expire => Some(OrderStatus::Expired),
        _ => None,
    }
}

fn provider_status(op: &'static str, tx: &Transaction) -> Result<ProviderStatus, GatewayError> {
    let malformed = |what: &str| GatewayError::Malformed {
        operation: op,
        reason: format!("{what} is missing or not an amount"),
    };
    let status = tx
        .transaction_status
        .clone()
        .ok_or_else(|| malformed("transaction_status"))?;
    Ok(ProviderStatus {
        order_id: tx.order_id.clone().ok_or_else(|| malformed("order_id"))?,
        transaction_id: tx.transaction_id.clone(),
        status: map_status(&status, tx.fraud_status.as_ref()),
        raw_status: match &tx.fraud_status {
            Some(f) => format!("{status}/{f}"),
            None => status.to_string(),
        },
        amount: tx.amount().ok_or_else(|| malformed("gross_amount"))?,
        currency: tx.currency.clone(),
        payment_type: None,
        user_token: None,
    })
}

fn address(a: &kredivo_api::Address) -> MidtransAddress {
    MidtransAddress {
        first_name: Some(a.first_name.clone()),
        last_name: a.last_name.clone().filter(|n| !n.is_empty()),
        phone: Some(a.phone.clone()),
        address: Some(a.address.clone()),
        city: Some(a.city.clone()),
        postal_code: Some(a.postal_code.clone()),
        country_code: Some(a.country_code.clone()),
    }
}

fn rupiah(m: kredivo_plan::Money) -> i64 {
    i64::try_from(m.to_rupiah_u64()).unwrap_or(i64::MAX)
}

impl Gateway for MidtransGateway {
    fn name(&self) -> &'static str {
        "midtrans"
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
            const OP: &str = "charge";
            let c = &order.customer;
            // Midtrans adds item_details up to gross_amount and takes a discount as a negative
            // price (doc 003), so every fee line is itemised.
            let fees = order.fees.iter().map(|f| ItemDetail {
                id: Some(f.id.clone()),
                price: if f.subtracted {
                    -rupiah(f.price)
                } else {
                    rupiah(f.price)
                },
                quantity: 1,
                name: f.name.chars().take(50).collect(),
                brand: None,
                category: Some("Fee".into()),
                merchant_name: None,
                url: None,
            });
            let body = ChargeRequest {
                payment_type: midtrans::PAYMENT_TYPE_KREDIVO.into(),
                transaction_details: TransactionDetails {
                    order_id: order.order_id.clone(),
                    gross_amount: order.amount,
                },
                customer_details: Some(CustomerDetails {
                    first_name: Some(c.first_name.clone()),
                    last_name: c.last_name.clone().filter(|n| !n.is_empty()),
                    email: Some(c.email.clone()),
                    phone: Some(c.phone.clone()),
                    billing_address: Some(address(&order.billing_address)),
                    shipping_address: Some(address(&order.shipping_address)),
                }),
                item_details: order
                    .items
                    .iter()
                    .map(|i| ItemDetail {
                        id: Some(i.id.clone()),
                        price: rupiah(i.unit_price),
                        quantity: i.quantity,
                        // Midtrans truncates names at 50 characters; do it ourselves.
                        name: i.name.chars().take(50).collect(),
                        brand: None,
                        category: Some(i.category.clone()),
                        merchant_name: None,
                        url: Some(i.url.clone()),
                    })
                    .chain(fees)
                    .collect(),
                // A hint only: the shopper confirms the tenure on Kredivo's page.
                custom_field1: Some(order.payment_type.as_str().to_owned()),
            };
            let answer = self
                .transaction(Call {
                    operation: OP,
                    method: Method::POST,
                    path: midtrans::CHARGE_PATH.into(),
                    headers: vec![
                        self.auth(),
                        (
                            midtrans::HEADER_OVERRIDE_NOTIFICATION,
                            order.push_uri.clone(),
                        ),
                        (
                            midtrans::HEADER_IDEMPOTENCY_KEY,
                            format!("{}-charge", order.order_id),
                        ),
                    ],
                    body: Some(json_body(OP, &body)?),
                    order_id: Some(&order.order_id),
                    retry: RetryPolicy::NONE,
                })
                .await?;
            let redirect = answer
                .redirect_url
                .filter(|u| !u.trim().is_empty())
                .ok_or_else(|| GatewayError::Malformed {
                    operation: OP,
                    reason: "the charge answer has no redirect_url".into(),
                })?;
            Ok(CheckoutStarted {
                redirect_url: Some(redirect),
                transaction_id: answer.transaction_id,
            })
        })
    }

    fn status<'a>(
        &'a self,
        order_id: &'a str,
    ) -> BoxFuture<'a, Result<ProviderStatus, GatewayError>> {
        Box::pin(async move { provider_status("status", &self.fetch_status(order_id).await?) })
    }

    fn cancel<'a>(
        &'a self,
        cancel: &'a CancelOrder,
    ) -> BoxFuture<'a, Result<ProviderStatus, GatewayError>> {
        Box::pin(async move {
            const OP: &str = "refund";
            let body = RefundRequest {
                refund_key: Some(cancel.cancellation_id.clone()),
                amount: cancel.amount,
                reason: Some(cancel.reason.clone()),
            };
            let answer = self
                .transaction(Call {
                    operation: OP,
                    method: Method::POST,
                    path: midtrans::refund_path(&cancel.order_id),
                    headers: vec![self.auth()],
                    body: Some(json_body(OP, &body)?),
                    order_id: Some(&cancel.order_id),
                    retry: RetryPolicy::NONE,
                })
                .await?;
            provider_status(OP, &answer)
        })
    }

    fn expire<'a>(
        &'a self,
        order_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<ProviderStatus>, GatewayError>> {
        Box::pin(async move {
            const OP: &str = "expire";
            let answer = self
                .transaction(Call {
                    operation: OP,
                    method: Method::POST,
                    path: midtrans::expire_path(order_id),
                    headers: vec![self.auth()],
                    body: None,
                    order_id: Some(order_id),
                    // Expiring twice is harmless: Midtrans answers the same final state.
                    retry: RetryPolicy::SAFE_READ,
                })
                .await?;
            provider_status(OP, &answer).map(Some)
        })
    }

    fn verify_notification<'a>(
        &'a self,
        _headers: &'a HeaderMap,
        body: &'a [u8],
    ) -> BoxFuture<'a, Result<NotificationCheck, GatewayError>> {
        Box::pin(async move {
            let n: Transaction = match serde_json::from_slice(body) {
                Ok(n) => n,
                Err(e) => {
                    return Ok(NotificationCheck::Malformed {
                        reason: format!("not a Midtrans notification: {e}"),
                    })
                }
            };
            let claimed_order_id = n.order_id.clone();
            if let Err(e) = midtrans::verify_signature(&n, self.server_key.expose()) {
                return Ok(NotificationCheck::Unconfirmed {
                    transaction_id: n.transaction_id.clone(),
                    claimed_order_id,
                    reason: e.to_string(),
                });
            }
            let Some(order_id) = claimed_order_id.clone() else {
                return Ok(NotificationCheck::Malformed {
                    reason: "order_id is missing".into(),
                });
            };
            // The signature proves the sender; the GET tells the current truth.
            match self.fetch_status(&order_id).await {
                Ok(confirmed) => Ok(NotificationCheck::Confirmed {
                    status: provider_status("status", &confirmed)?,
                    claimed_order_id,
                    dedupe_key: None,
                }),
                Err(e @ GatewayError::Rejected { .. }) if e.is_final_refusal() => {
                    Ok(NotificationCheck::Unconfirmed {
                        transaction_id: n.transaction_id,
                        claimed_order_id,
                        reason: e.to_string(),
                    })
                }
                Err(e) => Err(e),
            }
        })
    }

    fn notification_reply(&self, reply: NotificationReply, message: &str) -> (StatusCode, Value) {
        // Midtrans accepts any 2xx and retries otherwise.
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

/// Builds the Midtrans gateway.
pub(crate) fn build(
    up: Upstream,
    config: &crate::config::Config,
    table: PricingTable,
) -> Arc<dyn Gateway> {
    Arc::new(MidtransGateway::new(
        up,
        config.aggregators.midtrans.server_key.clone(),
        table,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midtrans_statuses_map_onto_the_order_state_machine() {
        use TransactionStatus as T;
        let accept = Some(FraudStatus::Accept);
        let rows = [
            (T::Settlement, accept.clone(), Some(OrderStatus::Settled)),
            (
                T::Capture,
                Some(FraudStatus::Challenge),
                Some(OrderStatus::Pending),
            ),
            (T::Pending, None, Some(OrderStatus::Pending)),
            (T::Deny, accept.clone(), Some(OrderStatus::Denied)),
            (
                T::Settlement,
                Some(FraudStatus::Deny),
                Some(OrderStatus::Denied),
            ),
            (T::Cancel, None, Some(OrderStatus::Cancelled)),
            (T::Expire, None, Some(OrderStatus::Expired)),
            (T::Refund, None, Some(OrderStatus::Cancelled)),
            (T::PartialRefund, None, Some(OrderStatus::Settled)),
            (T::Unknown("settled_later".into()), accept, None),
            // Regression: an unknown fraud verdict on a capture or settlement used to settle.
            (
                T::Capture,
                Some(FraudStatus::Unknown("review".into())),
                None,
            ),
            (
                T::Settlement,
                Some(FraudStatus::Unknown("review".into())),
                None,
            ),
        ];
        for (status, fraud, expected) in rows {
            assert_eq!(
                map_status(&status, fraud.as_ref()),
                expected,
                "{status} {fraud:?}"
            );
        }
    }
}
