//! Kredivo through Finpay (doc 002, CONTRACTS.md). The only module that knows Finpay's paths,
//! seven-digit response codes and payment statuses.
//!
//! - Plans: no plan endpoint for Kredivo at Finpay; the pricing table's estimate.
//! - Checkout: `POST /pg/payment/card/initiate` with Basic `MerchantId:MerchantKey`, string
//!   amounts and quantities, `sourceOfFunds.type: "kredivo"`, the mandatory
//!   `billing.address`, `url.callbackUrl` = our notification URL and success/fail URLs = our
//!   return URL with `?order_id=`. Finpay has no idempotency key: a checkout retried after a
//!   lost answer is refused as a duplicate order (`4090001`) and stays failed.
//! - Status: `GET /pg/payment/card/check/{orderId}`.
//! - Callbacks: `signature` = hex HMAC-SHA512(MerchantKey, PHP `json_encode` of the body
//!   without it) must match, then the status is re-checked and only that answer applied.
//! - Cancel/refund: Finpay documents none for Kredivo.

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use kredivo_api::OrderStatus;
use kredivo_plan::{Plan, PricingTable};
use kredivo_providers::auth::basic;
use kredivo_providers::finpay::{
    self, Billing, CheckResponse, FinpayAddress, FinpayCustomer, FinpayItem, FinpayOrder,
    FinpayUrls, InitiateRequest, InitiateResponse, PaymentStatus, SourceOfFunds,
};
use kredivo_providers::ProviderError;
use reqwest::Method;
use serde_json::Value;

use super::upstream::{self, json_body, not_json, Call, Upstream};
use super::*;
use crate::config::Secret;

/// Kredivo through Finpay.
#[derive(Debug)]
pub struct FinpayGateway {
    up: Upstream,
    merchant_id: String,
    merchant_key: Secret,
    table: PricingTable,
}

impl FinpayGateway {
    pub(crate) fn new(
        up: Upstream,
        merchant_id: String,
        merchant_key: Secret,
        table: PricingTable,
    ) -> Self {
        Self {
            up,
            merchant_id,
            merchant_key,
            table,
        }
    }

    fn auth(&self) -> (&'static str, String) {
        (
            "Authorization",
            basic(&self.merchant_id, self.merchant_key.expose()),
        )
    }

    async fn check(&self, order_id: &str) -> Result<ProviderStatus, GatewayError> {
        const OP: &str = "check";
        let answer: CheckResponse = self
            .up
            .send(
                &Call {
                    operation: OP,
                    method: Method::GET,
                    path: finpay::check_path(order_id),
                    headers: vec![self.auth()],
                    body: None,
                    order_id: Some(order_id),
                    retry: RetryPolicy::SAFE_READ,
                },
                |a| {
                    let r: CheckResponse =
                        serde_json::from_str(&a.text).map_err(|e| not_json(OP, a, &e))?;
                    if r.response_code != finpay::CODE_SUCCESS {
                        return Err(refused(OP, &r.response_code, &r.response_message));
                    }
                    Ok(r)
                },
            )
            .await?;
        let data = answer.data.ok_or_else(|| GatewayError::Malformed {
            operation: OP,
            reason: "a successful check without data".into(),
        })?;
        let payment = &data.result.payment;
        let amount = payment
            .amount
            .or_else(|| data.order.as_ref().and_then(|o| o.amount))
            .ok_or_else(|| GatewayError::Malformed {
                operation: OP,
                reason: "the check answer has no amount".into(),
            })?;
        let confirmed_order = data
            .order
            .as_ref()
            .map(|o| o.id.clone())
            .unwrap_or_else(|| order_id.to_owned());
        Ok(ProviderStatus {
            transaction_id: Some(confirmed_order.clone()),
            order_id: confirmed_order,
            status: map_status(&payment.status),
            raw_status: payment.status.to_string(),
            amount,
            currency: None,
            payment_type: None,
            user_token: None,
        })
    }
}

fn refused(operation: &'static str, code: &str, message: &str) -> GatewayError {
    GatewayError::Rejected {
        operation,
        message: format!("{code} {message}"),
        code: code.parse().ok(),
    }
}

/// Finpay's payment status in our state machine; `None` for a status this version does not
/// know.
fn map_status(status: &PaymentStatus) -> Option<OrderStatus> {
    match status {
        PaymentStatus::Paid => Some(OrderStatus::Settled),
        PaymentStatus::Pending | PaymentStatus::Initiated | PaymentStatus::RequestInitiated => {
            Some(OrderStatus::Pending)
        }
        PaymentStatus::Cancelled | PaymentStatus::Refunded => Some(OrderStatus::Cancelled),
        PaymentStatus::Failure => Some(OrderStatus::Denied),
        PaymentStatus::Expired => Some(OrderStatus::Expired),
        _ => None,
    }
}

impl Gateway for FinpayGateway {
    fn name(&self) -> &'static str {
        "finpay"
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
            const OP: &str = "initiate";
            let c = &order.customer;
            let bill = &order.billing_address;
            let back = upstream::with_order_id(&order.back_to_store_uri, &order.order_id);
            let fail = order.cancel_uri.as_deref().map_or_else(
                || back.clone(),
                |u| upstream::with_order_id(u, &order.order_id),
            );
            let body = InitiateRequest {
                customer: FinpayCustomer {
                    email: c.email.clone(),
                    first_name: c.first_name.clone(),
                    last_name: c.last_name.clone().unwrap_or_default(),
                    mobile_phone: upstream::phone_e164(&c.phone),
                },
                order: FinpayOrder {
                    id: order.order_id.clone(),
                    amount: order.amount,
                    description: Some(format!("Order {}", order.order_id)),
                    // Finpay's items add up to the amount with no negative price (doc 002): a
                    // discount collapses them into one line.
                    item: order
                        .lines_summing_to_amount()
                        .iter()
                        .map(|i| FinpayItem {
                            name: i.name.clone(),
                            quantity: i.quantity,
                            unit_price: i.unit_price,
                            url: Some(i.url.clone()),
                        })
                        .collect(),
                },
                url: FinpayUrls {
                    callback_url: order.push_uri.clone(),
                    success_url: Some(back),
                    fail_url: Some(fail),
                },
                source_of_funds: SourceOfFunds {
                    source_type: finpay::SOURCE_KREDIVO.into(),
                },
                billing: Billing {
                    address: FinpayAddress {
                        city: bill.city.clone(),
                        country: bill.country_code.clone(),
                        postcode_zip: bill.postal_code.clone(),
                        street: bill.address.clone(),
                    },
                },
                // `shipping`'s layout is not documented beyond its name (doc 002); the
                // same fields as `billing.address` are the likeliest reading.
                shipping: Some(serde_json::json!({
                    "address": {
                        "city": order.shipping_address.city,
                        "country": order.shipping_address.country_code,
                        "postcodeZip": order.shipping_address.postal_code,
                        "street": order.shipping_address.address,
                    }
                })),
                // A hint only: the shopper confirms the tenure on Kredivo's page.
                meta: Some(serde_json::json!({
                    kredivo_providers::PAYMENT_TYPE_HINT: order.payment_type.as_str()
                })),
            };
            let answer: InitiateResponse = self
                .up
                .send(
                    &Call {
                        operation: OP,
                        method: Method::POST,
                        path: finpay::INITIATE_PATH.into(),
                        headers: vec![self.auth()],
                        body: Some(json_body(OP, &body)?),
                        order_id: Some(&order.order_id),
                        retry: RetryPolicy::NONE,
                    },
                    |a| {
                        let r: InitiateResponse =
                            serde_json::from_str(&a.text).map_err(|e| not_json(OP, a, &e))?;
                        if r.response_code != finpay::CODE_SUCCESS {
                            return Err(refused(OP, &r.response_code, &r.response_message));
                        }
                        Ok(r)
                    },
                )
                .await?;
            let url = answer
                .redirecturl
                .filter(|u| !u.trim().is_empty())
                .ok_or_else(|| GatewayError::Malformed {
                    operation: OP,
                    reason: "a successful initiate without redirecturl".into(),
                })?;
            Ok(CheckoutStarted {
                redirect_url: Some(url),
                transaction_id: Some(order.order_id.clone()),
            })
        })
    }

    fn status<'a>(
        &'a self,
        order_id: &'a str,
    ) -> BoxFuture<'a, Result<ProviderStatus, GatewayError>> {
        Box::pin(self.check(order_id))
    }

    fn cancel<'a>(
        &'a self,
        _cancel: &'a CancelOrder,
    ) -> BoxFuture<'a, Result<ProviderStatus, GatewayError>> {
        Box::pin(async move {
            Err(GatewayError::Rejected {
                operation: "cancel",
                message: "Finpay offers no cancel or refund API for Kredivo (doc 002); refund through Finpay's merchant portal".into(),
                code: None,
            })
        })
    }

    fn verify_notification<'a>(
        &'a self,
        _headers: &'a HeaderMap,
        body: &'a [u8],
    ) -> BoxFuture<'a, Result<NotificationCheck, GatewayError>> {
        Box::pin(async move {
            let claimed_order_id = serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|v| upstream::claimed(&v, "/order/id"));
            let callback = match finpay::verify_callback(self.merchant_key.expose(), body) {
                Ok(c) => c,
                Err(ProviderError::Json(reason)) => {
                    return Ok(NotificationCheck::Malformed {
                        reason: format!("not a Finpay callback: {reason}"),
                    })
                }
                Err(e) => {
                    return Ok(NotificationCheck::Unconfirmed {
                        transaction_id: None,
                        claimed_order_id,
                        reason: e.to_string(),
                    })
                }
            };
            // The HMAC proves the sender; the check tells the current truth.
            match self.check(&callback.order.id).await {
                Ok(status) => Ok(NotificationCheck::Confirmed {
                    status,
                    claimed_order_id,
                    dedupe_key: None,
                }),
                Err(e @ GatewayError::Rejected { .. }) if e.is_final_refusal() => {
                    Ok(NotificationCheck::Unconfirmed {
                        transaction_id: None,
                        claimed_order_id,
                        reason: e.to_string(),
                    })
                }
                Err(e) => Err(e),
            }
        })
    }

    fn notification_reply(&self, reply: NotificationReply, message: &str) -> (StatusCode, Value) {
        match reply {
            NotificationReply::Done => (
                StatusCode::OK,
                serde_json::json!({"responseCode": finpay::CODE_SUCCESS, "responseMessage": message}),
            ),
            NotificationReply::RetryLater => (
                StatusCode::SERVICE_UNAVAILABLE,
                serde_json::json!({"responseCode": "5030000", "responseMessage": message}),
            ),
        }
    }
}

/// Builds the Finpay gateway.
pub(crate) fn build(
    up: Upstream,
    config: &crate::config::Config,
    table: PricingTable,
) -> Arc<dyn Gateway> {
    let c = &config.aggregators.finpay;
    Arc::new(FinpayGateway::new(
        up,
        c.merchant_id.clone(),
        c.merchant_key.clone(),
        table,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finpay_statuses_map_onto_the_order_state_machine() {
        let rows = [
            ("PAID", Some(OrderStatus::Settled)),
            ("INITIATED", Some(OrderStatus::Pending)),
            ("REQUEST_INITIATED", Some(OrderStatus::Pending)),
            ("PENDING", Some(OrderStatus::Pending)),
            ("CANCELLED", Some(OrderStatus::Cancelled)),
            ("REFUNDED", Some(OrderStatus::Cancelled)),
            ("FAILURE", Some(OrderStatus::Denied)),
            ("EXPIRED", Some(OrderStatus::Expired)),
            ("CHARGEBACK", None),
        ];
        for (word, expected) in rows {
            assert_eq!(map_status(&PaymentStatus::from(word)), expected, "{word}");
        }
    }
}
