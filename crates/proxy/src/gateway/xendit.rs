//! Kredivo through Xendit PayLater (doc 004, CONTRACTS.md). The only module that knows
//! Xendit's paths, error codes and charge statuses.
//!
//! - Plans: live, from `POST /paylater/plans` for the cart (a customer is needed first: the
//!   gateway creates one "plans" customer per process and reuses it).
//! - Checkout: customer (reference = order id) → plan (the order's items) → charge
//!   (`reference_id` = order id, `ONE_TIME_PAYMENT`, success/failure URLs = our return URL
//!   with `?order_id=`), each with an `x-idempotency-key` derived from the order id so a
//!   retried checkout replays instead of charging twice. The tenure is chosen on Kredivo's
//!   page (a PayLater charge is for a plan, not for one option of it).
//! - Status: `GET /paylater/charges/{id}`; the charge id is the order's stored transaction id.
//! - Refund (the proxy's cancel): `POST /paylater/charges/{id}/refunds`, then a `GET` of the
//!   charge (`REFUNDED` = cancelled, still `SUCCEEDED` = partly refunded).
//! - Callbacks: `x-callback-token` must equal the dashboard token (constant time), then the
//!   charge is fetched with our key and only that answer is applied. The callback URL is set
//!   in Xendit's dashboard: `PUBLIC_BASE_URL/api/kredivo/v1/push`.

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use kredivo_api::OrderStatus;
use kredivo_plan::{Money, PaymentType, Plan, PlanParts};
use kredivo_providers::auth::basic;
use kredivo_providers::xendit::{
    self, Callback, Charge, ChargeRequest, ChargeStatus, CreateCustomerRequest, Customer,
    CustomerAddress, ErrorResponse, OrderItem, Plan as XenditPlan, PlanOption, PlanRequest,
    RefundRequest,
};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::Mutex;

use super::upstream::{self, json_body, not_json, Answer, Call, Upstream};
use super::*;
use crate::config::Secret;
use crate::store::Store;

/// Kredivo through Xendit PayLater.
pub struct XenditGateway {
    up: Upstream,
    secret_key: Secret,
    callback_token: Secret,
    store: Arc<dyn Store>,
    /// The customer plans are asked for (created once per process).
    plans_customer: Mutex<Option<String>>,
}

impl std::fmt::Debug for XenditGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XenditGateway")
            .field("up", &self.up)
            .field("secret_key", &self.secret_key)
            .field("callback_token", &self.callback_token)
            .finish_non_exhaustive()
    }
}

/// Xendit's error body, or the HTTP status.
fn refusal(operation: &'static str, answer: &Answer) -> GatewayError {
    let message = serde_json::from_str::<ErrorResponse>(&answer.text)
        .map(|e| format!("{}: {}", e.error_code, e.message))
        .unwrap_or_else(|_| format!("HTTP {}", answer.status.as_u16()));
    GatewayError::Rejected {
        operation,
        message,
        code: Some(i64::from(answer.status.as_u16())),
    }
}

impl XenditGateway {
    pub(crate) fn new(
        up: Upstream,
        secret_key: Secret,
        callback_token: Secret,
        store: Arc<dyn Store>,
    ) -> Self {
        Self {
            up,
            secret_key,
            callback_token,
            store,
            plans_customer: Mutex::new(None),
        }
    }

    /// Sends `call` with our Basic auth and, for a POST, `idempotency_key`.
    async fn call<T: DeserializeOwned>(
        &self,
        mut call: Call<'_>,
        idempotency_key: Option<String>,
    ) -> Result<T, GatewayError> {
        let operation = call.operation;
        call.headers
            .push(("Authorization", basic(self.secret_key.expose(), "")));
        if let Some(key) = idempotency_key {
            call.headers.push((xendit::HEADER_IDEMPOTENCY_KEY, key));
        }
        self.up
            .send(&call, |a| {
                if a.status.is_success() {
                    serde_json::from_str(&a.text).map_err(|e| not_json(operation, a, &e))
                } else {
                    Err(refusal(operation, a))
                }
            })
            .await
    }

    async fn create_customer(
        &self,
        body: &CreateCustomerRequest,
        idempotency_key: String,
        order_id: Option<&str>,
    ) -> Result<Customer, GatewayError> {
        const OP: &str = "customers";
        self.call(
            post(
                OP,
                xendit::CUSTOMERS_PATH.into(),
                json_body(OP, body)?,
                order_id,
                RetryPolicy::SAFE_READ,
            ),
            Some(idempotency_key),
        )
        .await
    }

    async fn create_plan(
        &self,
        customer_id: &str,
        amount: Money,
        items: &[GatewayItem],
        idempotency_key: String,
        order_id: Option<&str>,
    ) -> Result<XenditPlan, GatewayError> {
        const OP: &str = "plans";
        let body = PlanRequest {
            customer_id: customer_id.to_owned(),
            channel_code: xendit::CHANNEL_KREDIVO.into(),
            currency: "IDR".into(),
            amount,
            order_items: items.iter().map(order_item).collect(),
        };
        // Creating a plan changes nothing that matters and carries an idempotency key: safe
        // to repeat after a transient failure.
        self.call(
            post(
                OP,
                xendit::PLANS_PATH.into(),
                json_body(OP, &body)?,
                order_id,
                RetryPolicy::SAFE_READ,
            ),
            Some(idempotency_key),
        )
        .await
    }

    async fn plans_customer(&self) -> Result<String, GatewayError> {
        let mut slot = self.plans_customer.lock().await;
        if let Some(id) = slot.as_ref() {
            return Ok(id.clone());
        }
        let reference = self.up.ids.id("kredivo-proxy-plans");
        let customer = self
            .create_customer(
                &CreateCustomerRequest {
                    reference_id: reference.clone(),
                    given_names: "Kredivo plans".into(),
                    surname: None,
                    email: Some("plans@kredivo-proxy.invalid".into()),
                    mobile_number: None,
                    addresses: Vec::new(),
                },
                reference,
                None,
            )
            .await?;
        *slot = Some(customer.id.clone());
        Ok(customer.id)
    }

    async fn charge(
        &self,
        charge_id: &str,
        order_id: Option<&str>,
    ) -> Result<Charge, GatewayError> {
        self.call(
            Call {
                operation: "charge",
                method: Method::GET,
                path: xendit::charge_path(charge_id),
                headers: Vec::new(),
                body: None,
                order_id,
                retry: RetryPolicy::SAFE_READ,
            },
            None,
        )
        .await
    }
}

/// A POST of a JSON body.
fn post<'a>(
    operation: &'static str,
    path: String,
    body: Vec<u8>,
    order_id: Option<&'a str>,
    retry: RetryPolicy,
) -> Call<'a> {
    Call {
        operation,
        method: Method::POST,
        path,
        headers: Vec::new(),
        body: Some(body),
        order_id,
        retry,
    }
}

fn order_item(i: &GatewayItem) -> OrderItem {
    OrderItem {
        item_type: "PHYSICAL_PRODUCT".into(),
        reference_id: i.id.clone(),
        name: i.name.clone(),
        net_unit_amount: i.unit_price,
        quantity: i.quantity,
        url: i.url.clone(),
        category: i.category.clone(),
        subcategory: None,
        description: None,
    }
}

/// One plan option as a [`Plan`]: `total_recurrence` months; what is repaid above the
/// principal is a service fee for a single payment (Kredivo's 30-day pricing) and interest
/// otherwise.
fn plan_from_option(amount: Money, option: &PlanOption) -> Option<Plan> {
    let months = option.total_recurrence.max(1);
    let payment_type = PaymentType::from_tenure_months(months)
        .unwrap_or_else(|| PaymentType::Unknown(format!("{months}_months")));
    let down_payment = option.downpayment_amount.unwrap_or(Money::ZERO);
    let extra = option
        .total_amount
        .checked_add(down_payment)
        .and_then(|repaid| repaid.checked_sub(amount))
        .unwrap_or(Money::ZERO);
    let (interest, service_fee) = if months == 1 {
        (Money::ZERO, extra)
    } else {
        (extra, Money::ZERO)
    };
    Plan::try_from(PlanParts {
        payment_type,
        tenure_months: months,
        principal: amount,
        down_payment,
        monthly_installment: option.installment_amount,
        total: option.total_amount,
        interest,
        service_fee,
        discounted_monthly_installment: None,
        promo_months: None,
        rate: option.interest_rate.unwrap_or_default(),
    })
    .ok()
}

/// A charge's status in our state machine; `None` for a status this version does not know.
fn map_status(charge: &Charge) -> Option<OrderStatus> {
    match &charge.status {
        ChargeStatus::Pending => Some(OrderStatus::Pending),
        ChargeStatus::Succeeded => Some(OrderStatus::Settled),
        ChargeStatus::Failed => Some(match charge.failure_code.as_deref() {
            Some(code) if code.contains("EXPIRED") => OrderStatus::Expired,
            Some(code) if code.contains("CANCEL") => OrderStatus::Cancelled,
            _ => OrderStatus::Denied,
        }),
        ChargeStatus::Refunded | ChargeStatus::Voided => Some(OrderStatus::Cancelled),
        _ => None,
    }
}

fn provider_status(charge: &Charge) -> ProviderStatus {
    ProviderStatus {
        order_id: charge.reference_id.clone(),
        transaction_id: Some(charge.id.clone()),
        status: map_status(charge),
        raw_status: match &charge.failure_code {
            Some(code) => format!("{}/{code}", charge.status),
            None => charge.status.to_string(),
        },
        amount: charge.amount,
        currency: Some(charge.currency.clone()),
        payment_type: None,
        user_token: None,
    }
}

impl Gateway for XenditGateway {
    fn name(&self) -> &'static str {
        "xendit"
    }

    fn replays_checkout(&self) -> bool {
        true
    }

    fn payment_types<'a>(
        &'a self,
        query: &'a PlansQuery,
    ) -> BoxFuture<'a, Result<Vec<Plan>, GatewayError>> {
        Box::pin(async move {
            let customer = self.plans_customer().await?;
            let key = self.up.ids.id("plans");
            let plan = self
                .create_plan(&customer, query.amount, &query.items, key, None)
                .await?;
            let mut plans: Vec<Plan> = Vec::with_capacity(plan.options.len());
            for option in &plan.options {
                match plan_from_option(plan.amount, option) {
                    Some(p) => plans.push(p),
                    None => {
                        tracing::warn!(description = %option.description, "skipping a Xendit plan option")
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
            const OP: &str = "charges";
            let c = &order.customer;
            let a = &order.billing_address;
            let oid = order.order_id.as_str();
            let customer = self
                .create_customer(
                    &CreateCustomerRequest {
                        reference_id: oid.to_owned(),
                        given_names: c.first_name.clone(),
                        surname: c.last_name.clone().filter(|n| !n.is_empty()),
                        email: Some(c.email.clone()),
                        mobile_number: Some(upstream::phone_e164(&c.phone)),
                        addresses: vec![CustomerAddress {
                            country: "ID".into(),
                            street_line1: a.address.clone(),
                            city: a.city.clone(),
                            postal_code: a.postal_code.clone(),
                            ..CustomerAddress::default()
                        }],
                    },
                    format!("{oid}-customer"),
                    Some(oid),
                )
                .await?;
            let plan = self
                .create_plan(
                    &customer.id,
                    order.amount,
                    // Xendit's order items add up to the amount with no negative price (doc
                    // 004): a discount collapses them into one line.
                    &order.lines_summing_to_amount(),
                    format!("{oid}-plan"),
                    Some(oid),
                )
                .await?;
            let back = upstream::with_order_id(&order.back_to_store_uri, oid);
            let body = ChargeRequest {
                plan_id: plan.id,
                reference_id: oid.to_owned(),
                checkout_method: xendit::CHECKOUT_ONE_TIME.into(),
                success_redirect_url: back.clone(),
                failure_redirect_url: Some(
                    order
                        .cancel_uri
                        .as_deref()
                        .map_or(back, |u| upstream::with_order_id(u, oid)),
                ),
                // A hint only: the shopper confirms the tenure on Kredivo's page.
                metadata: Some(serde_json::json!({
                    kredivo_providers::PAYMENT_TYPE_HINT: order.payment_type.as_str()
                })),
            };
            let charge: Charge = self
                .call(
                    post(
                        OP,
                        xendit::CHARGES_PATH.into(),
                        json_body(OP, &body)?,
                        Some(oid),
                        RetryPolicy::NONE,
                    ),
                    Some(format!("{oid}-charge")),
                )
                .await?;
            let url = charge
                .actions
                .as_ref()
                .and_then(|a| {
                    a.desktop_web_checkout_url
                        .clone()
                        .or_else(|| a.mobile_web_checkout_url.clone())
                })
                .filter(|u| !u.trim().is_empty())
                .ok_or_else(|| GatewayError::Malformed {
                    operation: OP,
                    reason: "the charge has no checkout URL".into(),
                })?;
            Ok(CheckoutStarted {
                redirect_url: Some(url),
                transaction_id: Some(charge.id),
            })
        })
    }

    fn status<'a>(
        &'a self,
        order_id: &'a str,
    ) -> BoxFuture<'a, Result<ProviderStatus, GatewayError>> {
        Box::pin(async move {
            let stored =
                self.store
                    .order(order_id)
                    .await
                    .map_err(|e| GatewayError::Unavailable {
                        operation: "charge",
                        reason: format!("store: {e}"),
                    })?;
            let Some(charge_id) = stored.and_then(|o| o.transaction_id) else {
                return Err(GatewayError::Rejected {
                    operation: "charge",
                    message: "no Xendit charge is known for this order yet".into(),
                    code: None,
                });
            };
            Ok(provider_status(
                &self.charge(&charge_id, Some(order_id)).await?,
            ))
        })
    }

    fn cancel<'a>(
        &'a self,
        cancel: &'a CancelOrder,
    ) -> BoxFuture<'a, Result<ProviderStatus, GatewayError>> {
        Box::pin(async move {
            const OP: &str = "refunds";
            let body = RefundRequest {
                amount: cancel.amount,
                reason: cancel.reason.clone(),
            };
            let _refund: Value = self
                .call(
                    post(
                        OP,
                        xendit::refunds_path(&cancel.transaction_id),
                        json_body(OP, &body)?,
                        Some(&cancel.order_id),
                        RetryPolicy::NONE,
                    ),
                    Some(cancel.cancellation_id.clone()),
                )
                .await?;
            let charge = self
                .charge(&cancel.transaction_id, Some(&cancel.order_id))
                .await?;
            Ok(provider_status(&charge))
        })
    }

    fn verify_notification<'a>(
        &'a self,
        headers: &'a HeaderMap,
        body: &'a [u8],
    ) -> BoxFuture<'a, Result<NotificationCheck, GatewayError>> {
        Box::pin(async move {
            let value: Option<Value> = serde_json::from_slice(body).ok();
            let claimed_order_id = value
                .as_ref()
                .and_then(|v| upstream::claimed(v, "/data/reference_id"));
            let claimed_charge = value
                .as_ref()
                .and_then(|v| upstream::claimed(v, "/data/id"));
            let token =
                upstream::header(headers, xendit::HEADER_CALLBACK_TOKEN).unwrap_or_default();
            if !xendit::callback_token_matches(self.callback_token.expose(), &token) {
                return Ok(NotificationCheck::Unconfirmed {
                    transaction_id: claimed_charge,
                    claimed_order_id,
                    reason: "x-callback-token does not match".into(),
                });
            }
            let callback: Callback = match serde_json::from_slice(body) {
                Ok(c) => c,
                Err(e) => {
                    return Ok(NotificationCheck::Malformed {
                        reason: format!("not a Xendit PayLater callback: {e}"),
                    })
                }
            };
            // The token proves the sender; the charge fetched with our key is the truth.
            match self
                .charge(&callback.data.id, Some(&callback.data.reference_id))
                .await
            {
                Ok(charge) if charge.id == callback.data.id => Ok(NotificationCheck::Confirmed {
                    status: provider_status(&charge),
                    claimed_order_id,
                    dedupe_key: None,
                }),
                Ok(charge) => Ok(NotificationCheck::Unconfirmed {
                    transaction_id: Some(callback.data.id),
                    claimed_order_id,
                    reason: format!("Xendit answered about charge {}", charge.id),
                }),
                Err(e @ GatewayError::Rejected { .. }) if e.is_final_refusal() => {
                    Ok(NotificationCheck::Unconfirmed {
                        transaction_id: Some(callback.data.id),
                        claimed_order_id,
                        reason: e.to_string(),
                    })
                }
                Err(e) => Err(e),
            }
        })
    }

    fn notification_reply(&self, reply: NotificationReply, message: &str) -> (StatusCode, Value) {
        // Xendit wants a 200 within 30 s and retries otherwise.
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

/// Builds the Xendit gateway.
pub(crate) fn build(
    up: Upstream,
    config: &crate::config::Config,
    store: Arc<dyn Store>,
) -> Arc<dyn Gateway> {
    let c = &config.aggregators.xendit;
    Arc::new(XenditGateway::new(
        up,
        c.secret_key.clone(),
        c.callback_token.clone(),
        store,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn option(total: u64, monthly: u64, months: u32) -> PlanOption {
        PlanOption {
            total_amount: Money::from_rupiah(total),
            installment_amount: Money::from_rupiah(monthly),
            interval: "MONTH".into(),
            interval_count: 1,
            total_recurrence: months,
            interest_rate: None,
            description: String::new(),
            downpayment_amount: None,
        }
    }

    #[test]
    fn doc_004s_thirty_day_option_becomes_a_plan_with_a_service_fee() {
        let plan = plan_from_option(Money::from_rupiah(10_000), &option(11_000, 11_000, 1))
            .expect("valid");
        assert_eq!(plan.payment_type(), &PaymentType::ThirtyDays);
        assert_eq!(plan.service_fee(), Money::from_rupiah(1_000));
        assert_eq!(plan.total(), Money::from_rupiah(11_000));
        let three = plan_from_option(
            Money::from_rupiah(2_400_000),
            &option(2_568_870, 856_290, 3),
        )
        .expect("valid");
        assert_eq!(three.payment_type(), &PaymentType::ThreeMonths);
        assert_eq!(three.interest(), Money::from_rupiah(168_870));
    }

    #[test]
    fn charge_statuses_map_onto_the_order_state_machine() {
        let charge = |status: &str, failure: Option<&str>| -> Charge {
            serde_json::from_value(serde_json::json!({
                "id": "plc_1", "reference_id": "KD-1", "amount": 10000, "status": status,
                "failure_code": failure
            }))
            .expect("charge")
        };
        let rows = [
            ("PENDING", None, Some(OrderStatus::Pending)),
            ("SUCCEEDED", None, Some(OrderStatus::Settled)),
            ("FAILED", None, Some(OrderStatus::Denied)),
            ("FAILED", Some("EXPIRED"), Some(OrderStatus::Expired)),
            (
                "FAILED",
                Some("CANCELLED_BY_CUSTOMER"),
                Some(OrderStatus::Cancelled),
            ),
            ("REFUNDED", None, Some(OrderStatus::Cancelled)),
            ("PARTIALLY_SETTLED", None, None),
        ];
        for (status, failure, expected) in rows {
            assert_eq!(
                map_status(&charge(status, failure)),
                expected,
                "{status} {failure:?}"
            );
        }
    }
}
