//! Xendit PayLater with `channel_code: "ID_KREDIVO"` (doc 004, CONTRACTS.md), under
//! `…/sandbox/xendit`.
//!
//! - Every call needs `Authorization: Basic base64(secret_key + ":")`; otherwise 401
//!   `INVALID_API_KEY`. Errors are HTTP 4xx/5xx `{"error_code","message","errors"?}`.
//! - `POST /customers` (a used `reference_id` → 409 `DUPLICATE_ERROR`, UNCONFIRMED code),
//!   `POST /paylater/plans` (options from the pricing table; amount 10101 → 503
//!   `CHANNEL_UNAVAILABLE`), `POST /paylater/charges` (`actions.*_checkout_url` = Kredivo's
//!   sign-in page), `GET /paylater/charges/{id}`, `POST /paylater/charges/{id}/refunds`
//!   (`PENDING` in the answer, `SUCCEEDED` right after; a full refund makes the charge
//!   `REFUNDED`), `GET /paylater/charges/{id}/refunds/{refund_id}`.
//! - `x-idempotency-key` on every POST: the same key and body replay the first answer; the
//!   same key with another body is 409 `DUPLICATE_ERROR` (UNCONFIRMED wording).
//! - Callbacks `{event: "paylater.payment", business_id, created, data: charge}` with
//!   `x-callback-token` go to the dashboard's callback URL on `SUCCEEDED`, `FAILED` and
//!   `REFUNDED`; any 2xx acknowledges.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use kredivo_plan::{Locale, Money};
use kredivo_providers::xendit::{
    self, Actions, Callback, Charge, ChargeRequest, ChargeStatus, CreateCustomerRequest, Customer,
    Plan, PlanOption, PlanRequest, Refund, RefundRequest, RefundStatus,
};
use serde::Serialize;
use serde_json::{json, Value};

use super::engine::{Core, Dialect, Provider};
use super::ledger::{AggTx, AggregatorState, NewAggTx, Notice, RefundRecord, RefundRefusal};
use super::request::{self, basic_credentials, header_text, is_http_url, parse_body, BodyError};
use super::routes;
use super::{XenditSettings, DEFAULT_NOTIFICATION_PATH};
use crate::faults::Endpoint;
use crate::inject::{error_status, FaultPoints};
use kredivo_providers::time::iso_utc_millis;

/// Xendit's dialect, with its customers and plans.
#[derive(Debug)]
pub(crate) struct Xendit {
    settings: XenditSettings,
    state: Mutex<XenditState>,
}

#[derive(Debug, Default)]
struct XenditState {
    customers: HashMap<String, Customer>,
    customer_refs: HashMap<String, String>,
    plans: HashMap<String, Plan>,
}

impl Xendit {
    pub(crate) fn new(settings: XenditSettings) -> Self {
        Self {
            settings,
            state: Mutex::new(XenditState::default()),
        }
    }

    fn state(&self) -> MutexGuard<'_, XenditState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The parts of a charge that do not change after creation.
#[derive(Debug, Clone)]
pub(crate) struct XenditExtra {
    template: Charge,
}

type P = Arc<Provider<Xendit>>;

pub(crate) fn router(p: P) -> Router {
    let limit = p.core.kredivo.shared().body_limit;
    let at = FaultPoints::new(p.core.faults(), fault_error);
    Router::new()
        .route(
            xendit::CUSTOMERS_PATH,
            at.wrap(Endpoint::XenditCustomers, post(create_customer)),
        )
        .route(
            xendit::PLANS_PATH,
            at.wrap(Endpoint::XenditPlans, post(create_plan)),
        )
        .route(
            xendit::CHARGES_PATH,
            at.wrap(Endpoint::XenditCharges, post(create_charge)),
        )
        .route(
            "/paylater/charges/{id}",
            at.wrap(Endpoint::XenditChargeStatus, get(get_charge)),
        )
        .route(
            "/paylater/charges/{id}/refunds",
            at.wrap(Endpoint::XenditRefunds, post(create_refund)),
        )
        .route(
            "/paylater/charges/{id}/refunds/{refund_id}",
            at.wrap(Endpoint::XenditChargeStatus, get(get_refund)),
        )
        .route("/_return/{id}", get(routes::return_from_kredivo::<Xendit>))
        .nest("/_sandbox", routes::driver::<Xendit>())
        .route("/{*rest}", any(not_found))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(p)
}

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({"error_code": code, "message": message.into()})),
    )
        .into_response()
}

fn validation(message: impl Into<String>) -> Response {
    let message = message.into();
    (
        StatusCode::BAD_REQUEST,
        Json(json!({
            "error_code": "API_VALIDATION_ERROR",
            "message": message,
            "errors": [{"message": message}],
        })),
    )
        .into_response()
}

fn body_error(e: &BodyError) -> Response {
    validation(e.message())
}

async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "The requested resource was not found",
    )
}

fn unavailable() -> Response {
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "CHANNEL_UNAVAILABLE",
        "The payment channel requested is currently experiencing unexpected issues",
    )
}

fn authorised(p: &Provider<Xendit>, headers: &HeaderMap) -> Result<(), Response> {
    match basic_credentials(headers) {
        Some((user, _)) if user == p.dialect.settings.secret_key => Ok(()),
        _ => Err(error(
            StatusCode::UNAUTHORIZED,
            "INVALID_API_KEY",
            "API key is not authorized for this API service",
        )),
    }
}

/// An armed `error` fault as Xendit words errors: its code as the HTTP status (400 when it
/// is not an error status).
fn fault_error(message: String, code: Option<i64>) -> Response {
    error(error_status(code), "SANDBOX_FAULT", message)
}

/// Runs `create` at most once per `x-idempotency-key` and body; answers with its result.
fn idempotent(
    p: &Provider<Xendit>,
    scope: &str,
    headers: &HeaderMap,
    body: &[u8],
    create: impl FnOnce() -> Result<(StatusCode, Value), Response>,
) -> Response {
    let key = header_text(headers, xendit::HEADER_IDEMPOTENCY_KEY);
    if let Some(key) = &key {
        match p.replay(scope, key, body) {
            Some(Ok(replay)) => return (replay.status, Json(replay.body)).into_response(),
            Some(Err(())) => {
                return error(
                    StatusCode::CONFLICT,
                    "DUPLICATE_ERROR",
                    "The idempotency key has been used with a different request",
                )
            }
            None => {}
        }
    }
    match create() {
        Ok((status, value)) => {
            if let Some(key) = &key {
                p.remember(scope, key, body, status, &value);
            }
            (status, Json(value)).into_response()
        }
        Err(r) => r,
    }
}

fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

async fn create_customer(State(p): State<P>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = authorised(&p, &headers) {
        return r;
    }
    idempotent(&p, "customers", &headers, &body, || {
        let req: CreateCustomerRequest = parse_body(&body).map_err(|e| body_error(&e))?;
        if req.reference_id.trim().is_empty() || req.given_names.trim().is_empty() {
            return Err(validation("reference_id and given_names are required"));
        }
        if req.email.as_deref().is_none_or(|e| e.trim().is_empty())
            && req
                .mobile_number
                .as_deref()
                .is_none_or(|m| m.trim().is_empty())
        {
            return Err(validation("email or mobile_number is required"));
        }
        let mut state = p.dialect.state();
        if state.customer_refs.contains_key(&req.reference_id) {
            return Err(error(
                StatusCode::CONFLICT,
                "DUPLICATE_ERROR",
                "A customer with this reference_id already exists",
            ));
        }
        let customer = Customer {
            id: p.core.uuid(),
            reference_id: req.reference_id.clone(),
            given_names: Some(req.given_names),
            surname: req.surname,
            email: req.email,
            mobile_number: req.mobile_number,
            addresses: req.addresses,
        };
        state
            .customer_refs
            .insert(req.reference_id, customer.id.clone());
        state
            .customers
            .insert(customer.id.clone(), customer.clone());
        Ok((StatusCode::CREATED, to_value(&customer)))
    })
}

fn plan_options(p: &Provider<Xendit>, amount: Money) -> Vec<PlanOption> {
    p.core
        .kredivo
        .shared()
        .pricing
        .plans(amount)
        .iter()
        .map(|plan| PlanOption {
            total_amount: plan.total(),
            installment_amount: plan.monthly_installment(),
            interval: "MONTH".into(),
            interval_count: 1,
            total_recurrence: plan.tenure_months(),
            interest_rate: Some(plan.rate()),
            description: plan.label(Locale::Id).into_owned(),
            downpayment_amount: Some(plan.down_payment()),
        })
        .collect()
}

async fn create_plan(State(p): State<P>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = authorised(&p, &headers) {
        return r;
    }
    idempotent(&p, "plans", &headers, &body, || {
        let req: PlanRequest = parse_body(&body).map_err(|e| body_error(&e))?;
        if req.channel_code != xendit::CHANNEL_KREDIVO {
            return Err(validation(
                "channel_code must be ID_KREDIVO in this sandbox",
            ));
        }
        if req.currency != "IDR" {
            return Err(validation("currency must be IDR"));
        }
        if req.order_items.is_empty() {
            return Err(validation("order_items is required"));
        }
        let mut sum = Money::ZERO;
        for (i, item) in req.order_items.iter().enumerate() {
            if item.quantity == 0 {
                return Err(validation(format!(
                    "order_items[{i}].quantity must be at least 1"
                )));
            }
            let line = item
                .net_unit_amount
                .checked_mul(item.quantity)
                .map_err(|_| validation("amount is too large"))?;
            sum = sum
                .checked_add(line)
                .map_err(|_| validation("amount is too large"))?;
        }
        if sum != req.amount {
            return Err(validation(format!(
                "amount {} must equal the sum of order_items net_unit_amount x quantity ({sum})",
                req.amount
            )));
        }
        if req.amount == xendit::TEST_UNAVAILABLE_AMOUNT {
            return Err(unavailable());
        }
        let mut state = p.dialect.state();
        if !state.customers.contains_key(&req.customer_id) {
            return Err(error(
                StatusCode::NOT_FOUND,
                "DATA_NOT_FOUND",
                "Customer not found",
            ));
        }
        let plan = Plan {
            id: format!("plp_{}", p.core.uuid()),
            customer_id: req.customer_id,
            channel_code: req.channel_code,
            currency: req.currency,
            amount: req.amount,
            order_items: req.order_items,
            options: plan_options(&p, req.amount),
            created: Some(iso_utc_millis(p.core.now())),
        };
        state.plans.insert(plan.id.clone(), plan.clone());
        Ok((StatusCode::OK, to_value(&plan)))
    })
}

async fn create_charge(State(p): State<P>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = authorised(&p, &headers) {
        return r;
    }
    idempotent(&p, "charges", &headers, &body, || {
        let req: ChargeRequest = parse_body(&body).map_err(|e| body_error(&e))?;
        if req.checkout_method != xendit::CHECKOUT_ONE_TIME {
            return Err(validation("checkout_method must be ONE_TIME_PAYMENT"));
        }
        if req.reference_id.trim().is_empty() {
            return Err(validation("reference_id is required"));
        }
        if !is_http_url(&req.success_redirect_url) {
            return Err(validation("success_redirect_url must be an http(s) URL"));
        }
        if let Some(url) = &req.failure_redirect_url {
            if !is_http_url(url) {
                return Err(validation("failure_redirect_url must be an http(s) URL"));
            }
        }
        let plan = p
            .dialect
            .state()
            .plans
            .get(&req.plan_id)
            .cloned()
            .ok_or_else(|| error(StatusCode::NOT_FOUND, "DATA_NOT_FOUND", "Plan not found"))?;
        if plan.amount == xendit::TEST_UNAVAILABLE_AMOUNT {
            return Err(unavailable());
        }
        if plan.options.is_empty() {
            return Err(validation(
                "the plan offers no installment option for this amount",
            ));
        }
        let id = format!("plc_{}", p.core.uuid());
        let now = iso_utc_millis(p.core.now());
        let callback_url = p
            .dialect
            .settings
            .callback_url
            .clone()
            .unwrap_or_else(|| p.core.merchant_url(DEFAULT_NOTIFICATION_PATH));
        let template = Charge {
            id: id.clone(),
            business_id: p.dialect.settings.business_id.clone(),
            reference_id: req.reference_id.clone(),
            customer_id: plan.customer_id.clone(),
            plan_id: plan.id.clone(),
            currency: plan.currency.clone(),
            amount: plan.amount,
            channel_code: plan.channel_code.clone(),
            checkout_method: req.checkout_method.clone(),
            status: ChargeStatus::Pending,
            actions: None,
            success_redirect_url: Some(req.success_redirect_url.clone()),
            failure_redirect_url: req.failure_redirect_url.clone(),
            callback_url: Some(callback_url),
            created: Some(now.clone()),
            updated: Some(now),
            order_items: plan.order_items.clone(),
            voided_at: None,
            payment_method_id: None,
            metadata: req.metadata.clone(),
            channel_reference: None,
            failure_code: None,
        };
        let items = plan.order_items.iter().map(to_value).collect();
        let tx = p
            .create(NewAggTx {
                id,
                reference: req.reference_id,
                amount: plan.amount,
                items,
                expires_at: None,
                payment_type: request::hint_in(req.metadata.as_ref()),
                extra: XenditExtra { template },
            })
            .map_err(validation)?;
        Ok((StatusCode::CREATED, to_value(&charge(&tx))))
    })
}

fn find(p: &Provider<Xendit>, id: &str) -> Result<AggTx<XenditExtra>, Response> {
    // Charges are looked up by Xendit's id only (a reference_id may repeat).
    p.get(id)
        .filter(|tx| tx.id == id)
        .ok_or_else(|| error(StatusCode::NOT_FOUND, "DATA_NOT_FOUND", "Charge not found"))
}

async fn get_charge(State(p): State<P>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Err(r) = authorised(&p, &headers) {
        return r;
    }
    match find(&p, &id) {
        Ok(tx) => (StatusCode::OK, Json(charge(&tx))).into_response(),
        Err(r) => r,
    }
}

fn refund_view(tx: &AggTx<XenditExtra>, record: &RefundRecord, status: RefundStatus) -> Refund {
    Refund {
        id: format!("plr_{}", record.id),
        charge_id: tx.id.clone(),
        status,
        currency: "IDR".into(),
        amount: record.amount,
        reason: record.reason.clone(),
        created: Some(iso_utc_millis(record.at)),
        updated: Some(iso_utc_millis(record.at)),
    }
}

async fn create_refund(
    State(p): State<P>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = authorised(&p, &headers) {
        return r;
    }
    let scope = format!("refunds:{id}");
    idempotent(&p, &scope, &headers, &body, || {
        let req: RefundRequest = parse_body(&body).map_err(|e| body_error(&e))?;
        let tx = find(&p, &id)?;
        match p.refund(&tx.id, req.amount, &req.reason, None) {
            Ok((tx, record)) => Ok((
                StatusCode::CREATED,
                to_value(&refund_view(&tx, &record, RefundStatus::Pending)),
            )),
            Err(RefundRefusal::NotFound) => Err(error(
                StatusCode::NOT_FOUND,
                "DATA_NOT_FOUND",
                "Charge not found",
            )),
            Err(RefundRefusal::NotPaid(_)) => Err(error(
                StatusCode::BAD_REQUEST,
                "INELIGIBLE_TRANSACTION_ERROR",
                "Only a SUCCEEDED charge can be refunded",
            )),
            Err(RefundRefusal::TooMuch { remaining }) => Err(validation(format!(
                "amount must be 1 to the refundable {remaining}"
            ))),
        }
    })
}

async fn get_refund(
    State(p): State<P>,
    Path((id, refund_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = authorised(&p, &headers) {
        return r;
    }
    let tx = match find(&p, &id) {
        Ok(tx) => tx,
        Err(r) => return r,
    };
    let wanted = refund_id.strip_prefix("plr_").unwrap_or(&refund_id);
    match tx.refunds.iter().find(|r| r.id == wanted) {
        // The sandbox completes refunds at once.
        Some(record) => (
            StatusCode::OK,
            Json(refund_view(&tx, record, RefundStatus::Succeeded)),
        )
            .into_response(),
        None => error(StatusCode::NOT_FOUND, "DATA_NOT_FOUND", "Refund not found"),
    }
}

fn charge_status(tx: &AggTx<XenditExtra>) -> ChargeStatus {
    match tx.state {
        AggregatorState::Pending => ChargeStatus::Pending,
        AggregatorState::Paid => ChargeStatus::Succeeded,
        AggregatorState::Denied | AggregatorState::Expired | AggregatorState::Cancelled => {
            ChargeStatus::Failed
        }
        AggregatorState::Refunded => ChargeStatus::Refunded,
    }
}

/// The charge as it stands now.
fn charge(tx: &AggTx<XenditExtra>) -> Charge {
    let mut c = tx.extra.template.clone();
    c.status = charge_status(tx);
    c.updated = Some(iso_utc_millis(tx.updated_at));
    c.actions = Some(Actions {
        desktop_web_checkout_url: Some(tx.checkout_url.clone()),
        mobile_web_checkout_url: Some(tx.checkout_url.clone()),
        mobile_deeplink_checkout_url: None,
    });
    c.channel_reference = Some(tx.kredivo_tx.clone());
    c.failure_code = match tx.state {
        // UNCONFIRMED failure codes.
        AggregatorState::Denied => Some("DECLINED_BY_PROVIDER".into()),
        AggregatorState::Expired => Some("EXPIRED".into()),
        AggregatorState::Cancelled => Some("CANCELLED_BY_CUSTOMER".into()),
        _ => None,
    };
    c
}

impl Dialect for Xendit {
    type Extra = XenditExtra;
    const NAME: &'static str = "xendit";
    const SLOT: usize = 2;

    fn status_word(&self, tx: &AggTx<XenditExtra>) -> String {
        charge_status(tx).as_str().to_owned()
    }

    fn notice(&self, core: &Core, tx: &AggTx<XenditExtra>) -> Option<Notice> {
        // Partial refunds leave the charge SUCCEEDED: nothing new to call back about.
        if tx.state == AggregatorState::Pending
            || (tx.state == AggregatorState::Paid && !tx.refunded.is_zero())
        {
            return None;
        }
        let c = charge(tx);
        let url = c.callback_url.clone()?;
        let body = serde_json::to_value(Callback {
            event: xendit::EVENT_PAYMENT.into(),
            business_id: self.settings.business_id.clone(),
            created: Some(iso_utc_millis(core.now())),
            data: c,
        })
        .ok()?;
        Some(Notice {
            url,
            body,
            headers: vec![(
                xendit::HEADER_CALLBACK_TOKEN.into(),
                self.settings.callback_token.clone(),
            )],
        })
    }

    fn return_url(&self, _core: &Core, tx: &AggTx<XenditExtra>) -> Option<String> {
        let t = &tx.extra.template;
        match tx.state {
            AggregatorState::Paid | AggregatorState::Pending => t.success_redirect_url.clone(),
            _ => t
                .failure_redirect_url
                .clone()
                .or_else(|| t.success_redirect_url.clone()),
        }
    }

    fn notification_urls(&self, _core: &Core, tx: &AggTx<XenditExtra>) -> Vec<String> {
        tx.extra.template.callback_url.iter().cloned().collect()
    }
}
