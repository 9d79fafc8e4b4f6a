//! Finpay (Finnet) with `sourceOfFunds.type: "kredivo"` (doc 002, CONTRACTS.md), under
//! `…/sandbox/finpay`.
//!
//! - Every call needs `Authorization: Basic base64(MerchantId:MerchantKey)`; otherwise HTTP
//!   401 `{"responseCode":"4010000","responseMessage":"Unauthorized"}`.
//! - `POST /pg/payment/card/initiate`: amounts and quantities are strings,
//!   `billing.address` is mandatory, items must sum to `order.amount`; answers
//!   `{responseCode:"2000000", responseMessage:"Success", redirecturl, expiryLink,
//!   paymentCode:null, processingTime}` with `redirecturl` = Kredivo's sign-in page.
//! - `GET /pg/payment/card/check/{orderId}`: `data.result.payment{amount, status, statusDesc}`.
//! - Response codes are HTTP status + service `00` + case (the cases are the sandbox's own,
//!   UNCONFIRMED): `4000001` invalid field format, `4000002` missing mandatory field,
//!   `4010000` unauthorized, `4040001` not found, `4090001` duplicate order id.
//! - Callbacks go to `url.callbackUrl` on every final status, signed with
//!   `hex(HMAC_SHA512(MerchantKey, json_encode(body without signature)))`; any 2xx
//!   acknowledges. Refunds exist only as the driver's `refund` target (no API in doc 002).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use kredivo_plan::Money;
use kredivo_providers::finpay::{
    self, CheckData, CheckResponse, InitiateRequest, OrderRef, PaymentResult, PaymentResultWrapper,
    PaymentStatus, SourceOfFunds,
};
use serde_json::{json, Value};

use super::engine::{Core, Dialect, Provider};
use super::ledger::{AggTx, AggregatorState, NewAggTx, Notice};
use super::request::{self, basic_credentials, is_http_url, parse_body, BodyError};
use super::routes;
use super::FinpaySettings;
use crate::faults::Endpoint;
use crate::inject::FaultPoints;
use kredivo_providers::time::jakarta;

/// Finpay's dialect.
#[derive(Debug)]
pub(crate) struct Finpay {
    settings: FinpaySettings,
}

impl Finpay {
    pub(crate) fn new(settings: FinpaySettings) -> Self {
        Self { settings }
    }
}

/// What Finpay keeps beyond the common fields.
#[derive(Debug, Clone)]
pub(crate) struct FinpayExtra {
    callback_url: String,
    success_url: Option<String>,
    fail_url: Option<String>,
}

type P = Arc<Provider<Finpay>>;

pub(crate) fn router(p: P) -> Router {
    let limit = p.core.kredivo.shared().body_limit;
    let at = FaultPoints::new(p.core.faults(), fault_error);
    Router::new()
        .route(
            finpay::INITIATE_PATH,
            at.wrap(Endpoint::FinpayInitiate, post(initiate)),
        )
        .route(
            "/pg/payment/card/check/{order_id}",
            at.wrap(Endpoint::FinpayCheck, get(check)),
        )
        .route("/_return/{id}", get(routes::return_from_kredivo::<Finpay>))
        .nest("/_sandbox", routes::driver::<Finpay>())
        .route("/{*rest}", any(not_found))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(p)
}

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({"responseCode": code, "responseMessage": message.into()})),
    )
        .into_response()
}

fn invalid_format(field: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "4000001",
        format!("Invalid Field Format {field}"),
    )
}

fn missing(field: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "4000002",
        format!("Invalid Mandatory Field {field}"),
    )
}

fn body_error(e: &BodyError) -> Response {
    match e {
        BodyError::Missing(path) => missing(path),
        BodyError::Invalid(path) => invalid_format(path),
        BodyError::NotJson(why) => error(
            StatusCode::BAD_REQUEST,
            "4000000",
            format!("Bad Request: {why}"),
        ),
    }
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "4040000", "Not Found")
}

/// An armed `error` fault as Finpay words errors: the code as `responseCode`, its first
/// three digits as the HTTP status.
fn fault_error(message: String, code: Option<i64>) -> Response {
    let code = code.map_or_else(|| "5000000".to_owned(), |c| c.to_string());
    let status = code
        .get(..3)
        .and_then(|s| s.parse::<u16>().ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    error(status, &code, message)
}

fn authorised(p: &Provider<Finpay>, headers: &HeaderMap) -> Result<(), Response> {
    let s = &p.dialect.settings;
    match basic_credentials(headers) {
        Some((id, key)) if id == s.merchant_id && key == s.merchant_key => Ok(()),
        _ => Err(error(StatusCode::UNAUTHORIZED, "4010000", "Unauthorized")),
    }
}

fn validate(req: &InitiateRequest) -> Result<(), Response> {
    if req.source_of_funds.source_type != finpay::SOURCE_KREDIVO {
        return Err(invalid_format("sourceOfFunds.type"));
    }
    let o = &req.order;
    if o.id.trim().is_empty() || o.id.len() > 50 {
        return Err(invalid_format("order.id"));
    }
    if o.amount.is_zero() {
        return Err(invalid_format("order.amount"));
    }
    if !o.item.is_empty() {
        let mut sum = Money::ZERO;
        for item in &o.item {
            let line = item
                .unit_price
                .checked_mul(item.quantity)
                .map_err(|_| invalid_format("order.item.unitPrice"))?;
            sum = sum
                .checked_add(line)
                .map_err(|_| invalid_format("order.amount"))?;
        }
        if sum != o.amount {
            return Err(invalid_format("order.amount"));
        }
    }
    let c = &req.customer;
    if c.email.trim().is_empty() {
        return Err(missing("customer.email"));
    }
    if c.first_name.trim().is_empty() {
        return Err(missing("customer.firstName"));
    }
    if c.mobile_phone.trim().is_empty() {
        return Err(missing("customer.mobilePhone"));
    }
    let a = &req.billing.address;
    for (value, field) in [
        (&a.city, "billing.address.city"),
        (&a.country, "billing.address.country"),
        (&a.postcode_zip, "billing.address.postcodeZip"),
        (&a.street, "billing.address.street"),
    ] {
        if value.trim().is_empty() {
            return Err(missing(field));
        }
    }
    if !is_http_url(&req.url.callback_url) {
        return Err(invalid_format("url.callbackUrl"));
    }
    for (url, field) in [
        (&req.url.success_url, "url.successUrl"),
        (&req.url.fail_url, "url.failUrl"),
    ] {
        if url.as_deref().is_some_and(|u| !is_http_url(u)) {
            return Err(invalid_format(field));
        }
    }
    Ok(())
}

async fn initiate(State(p): State<P>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = authorised(&p, &headers) {
        return r;
    }
    let req: InitiateRequest = match parse_body(&body) {
        Ok(r) => r,
        Err(e) => return body_error(&e),
    };
    if let Err(r) = validate(&req) {
        return r;
    }
    let order_id = req.order.id.trim().to_owned();
    if p.ledger().by_id.contains_key(&order_id) {
        return error(StatusCode::CONFLICT, "4090001", "Duplicate Order Id");
    }
    let items = req
        .order
        .item
        .iter()
        .filter_map(|i| serde_json::to_value(i).ok())
        .collect();
    let created = p.create(NewAggTx {
        id: order_id.clone(),
        reference: order_id,
        amount: req.order.amount,
        items,
        expires_at: None,
        payment_type: request::hint_in(req.meta.as_ref()),
        extra: FinpayExtra {
            callback_url: req.url.callback_url.clone(),
            success_url: req.url.success_url.clone(),
            fail_url: req.url.fail_url.clone(),
        },
    });
    match created {
        Ok(tx) => (
            StatusCode::OK,
            Json(json!({
                "responseCode": finpay::CODE_SUCCESS,
                "responseMessage": "Success",
                "redirecturl": tx.checkout_url,
                "expiryLink": jakarta(tx.expires_at),
                "paymentCode": null,
                "processingTime": 0.012,
            })),
        )
            .into_response(),
        Err(_) => invalid_format("order.amount"),
    }
}

fn payment_status(tx: &AggTx<FinpayExtra>) -> (PaymentStatus, &'static str) {
    match tx.state {
        AggregatorState::Pending => (PaymentStatus::Pending, "Menunggu pembayaran"),
        AggregatorState::Paid => (PaymentStatus::Paid, "Pembayaran berhasil"),
        AggregatorState::Denied => (PaymentStatus::Failure, "Pembayaran ditolak"),
        AggregatorState::Expired => (PaymentStatus::Expired, "Transaksi kedaluwarsa"),
        AggregatorState::Cancelled => (PaymentStatus::Cancelled, "Transaksi dibatalkan"),
        AggregatorState::Refunded => (PaymentStatus::Refunded, "Dana dikembalikan"),
    }
}

fn payment(tx: &AggTx<FinpayExtra>) -> PaymentResultWrapper {
    let (status, desc) = payment_status(tx);
    PaymentResultWrapper {
        payment: PaymentResult {
            status,
            status_desc: Some(desc.to_owned()),
            amount: Some(tx.amount),
            datetime: Some(jakarta(tx.updated_at)),
            reference: Some(tx.kredivo_tx.clone()),
        },
    }
}

async fn check(State(p): State<P>, Path(order_id): Path<String>, headers: HeaderMap) -> Response {
    if let Err(r) = authorised(&p, &headers) {
        return r;
    }
    match p.get(&order_id) {
        Some(tx) => (
            StatusCode::OK,
            Json(CheckResponse {
                response_code: finpay::CODE_SUCCESS.into(),
                response_message: "Success".into(),
                data: Some(CheckData {
                    order: Some(OrderRef {
                        id: tx.id.clone(),
                        amount: Some(tx.amount),
                    }),
                    result: payment(&tx),
                    source_of_funds: Some(SourceOfFunds {
                        source_type: finpay::SOURCE_KREDIVO.into(),
                    }),
                }),
            }),
        )
            .into_response(),
        None => error(StatusCode::NOT_FOUND, "4040001", "Transaction Not Found"),
    }
}

impl Dialect for Finpay {
    type Extra = FinpayExtra;
    const NAME: &'static str = "finpay";
    const SLOT: usize = 3;

    fn status_word(&self, tx: &AggTx<FinpayExtra>) -> String {
        payment_status(tx).0.as_str().to_owned()
    }

    fn notice(&self, _core: &Core, tx: &AggTx<FinpayExtra>) -> Option<Notice> {
        if tx.state == AggregatorState::Pending {
            return None;
        }
        let body = json!({
            "order": {"id": tx.id, "amount": tx.amount.to_string()},
            "result": serde_json::to_value(payment(tx)).unwrap_or(Value::Null),
            "sourceOfFunds": {"type": finpay::SOURCE_KREDIVO},
        });
        Some(Notice {
            url: tx.extra.callback_url.clone(),
            body: finpay::sign_callback(&self.settings.merchant_key, body),
            headers: Vec::new(),
        })
    }

    fn return_url(&self, _core: &Core, tx: &AggTx<FinpayExtra>) -> Option<String> {
        match tx.state {
            AggregatorState::Paid | AggregatorState::Pending => tx.extra.success_url.clone(),
            _ => tx
                .extra
                .fail_url
                .clone()
                .or_else(|| tx.extra.success_url.clone()),
        }
    }

    fn notification_urls(&self, _core: &Core, tx: &AggTx<FinpayExtra>) -> Vec<String> {
        vec![tx.extra.callback_url.clone()]
    }
}
