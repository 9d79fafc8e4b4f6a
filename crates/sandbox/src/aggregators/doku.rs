//! DOKU's Kredivo peer-to-peer API (doc 001, CONTRACTS.md), under `…/sandbox/doku`.
//!
//! - `POST /kredivo-peer-to-peer/v2/generate-order`: `Client-Id`, `Request-Id` (≤ 128),
//!   `Request-Timestamp` (ISO 8601 UTC) and `Signature` are checked; the signature's
//!   `Request-Target` may be the documented path or the full path as received (behind the
//!   `/sandbox/doku` prefix). The same `Request-Id` with the same body replays the first
//!   answer with HTTP 409; with another body it is refused (400 `invalid_request_id`,
//!   UNCONFIRMED). A duplicate invoice number, or an amount Kredivo offers nothing for,
//!   answers 200 with `payment.status: FAILED` (doc 001: "retry with a different invoice").
//! - `GET /orders/v1/status/{invoice_number}`: signed without `Digest`.
//! - Notifications: the status body, signed with the same four headers, `Request-Target` =
//!   the path of the notification URL; any 2xx acknowledges.
//!
//! DOKU has no refund API for Kredivo in doc 001: a refund is a back-office action, which the
//! driver's `refund` target plays (`REFUNDED` + notification).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, OriginalUri, Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use kredivo_plan::Money;
use kredivo_providers::doku::{
    self, AdditionalInfo, DokuStatus, GenerateOrderRequest, GenerateOrderResponse, IdRef,
    Identifier, OrderRef, Payment, PeerToPeerInfo, SignatureInput, StatusResponse, TransactionInfo,
};
use serde_json::{json, Value};

use super::engine::{Core, Dialect, Provider};
use super::ledger::{AggTx, AggregatorState, NewAggTx, Notice};
use super::request::{self, header_text, is_http_url, parse_body, url_path};
use super::routes;
use super::{DokuSettings, DEFAULT_NOTIFICATION_PATH};
use crate::faults::Endpoint;
use crate::inject::{error_status, FaultPoints};
use kredivo_providers::time::{compact, iso_utc};

/// DOKU's dialect.
#[derive(Debug)]
pub(crate) struct Doku {
    settings: DokuSettings,
}

impl Doku {
    pub(crate) fn new(settings: DokuSettings) -> Self {
        Self { settings }
    }
}

/// What DOKU keeps about an order beyond the common fields.
#[derive(Debug, Clone)]
pub(crate) struct DokuExtra {
    request_id: String,
    callback_url: String,
    callback_url_cancel: Option<String>,
    notification_url: String,
    merchant_unique_reference: String,
}

type P = Arc<Provider<Doku>>;

pub(crate) fn router(p: P) -> Router {
    let limit = p.core.kredivo.shared().body_limit;
    let at = FaultPoints::new(p.core.faults(), fault_error);
    Router::new()
        .route(
            doku::GENERATE_ORDER_PATH,
            at.wrap(Endpoint::DokuGenerateOrder, post(generate_order)),
        )
        .route(
            "/orders/v1/status/{invoice_number}",
            at.wrap(Endpoint::DokuStatus, get(status)),
        )
        .route("/_return/{id}", get(routes::return_from_kredivo::<Doku>))
        .nest("/_sandbox", routes::driver::<Doku>())
        .route("/{*rest}", any(not_found))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(p)
}

fn error(status: StatusCode, code: &str, message: impl Into<String>, kind: &str) -> Response {
    (
        status,
        Json(json!({"error": {"code": code, "message": message.into(), "type": kind}})),
    )
        .into_response()
}

fn invalid(message: impl Into<String>) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "invalid_parameter",
        message,
        "invalid_request",
    )
}

async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        "The requested URL was not found",
        "invalid_request",
    )
}

/// An armed `error` fault in DOKU's shape, its code as the HTTP status.
fn fault_error(message: String, code: Option<i64>) -> Response {
    error(
        error_status(code),
        "sandbox_fault",
        message,
        "invalid_request",
    )
}

/// The checked request headers.
struct Signed {
    request_id: String,
}

/// Checks `Client-Id`, `Request-Id`, `Request-Timestamp` and `Signature` against any of
/// `targets` (the documented path and the path as received).
fn check_headers(
    d: &Doku,
    headers: &HeaderMap,
    targets: &[&str],
    body: Option<&[u8]>,
) -> Result<Signed, Response> {
    let header = |name: &str| header_text(headers, name);
    let Some(client_id) = header(doku::HEADER_CLIENT_ID) else {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "invalid_client_id",
            "Client-Id header is required",
            "invalid_header",
        ));
    };
    if client_id != d.settings.client_id {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "invalid_client_id",
            "Client-Id is not registered",
            "invalid_header",
        ));
    }
    let request_id = header(doku::HEADER_REQUEST_ID)
        .filter(|r| r.chars().count() <= doku::MAX_REQUEST_ID_CHARS)
        .ok_or_else(|| {
            error(
                StatusCode::BAD_REQUEST,
                "invalid_request_id",
                "Request-Id header is required (at most 128 characters)",
                "invalid_header",
            )
        })?;
    let timestamp = header(doku::HEADER_REQUEST_TIMESTAMP)
        .filter(|t| doku::is_valid_timestamp(t))
        .ok_or_else(|| {
            error(
                StatusCode::BAD_REQUEST,
                "invalid_timestamp",
                "Request-Timestamp must be ISO 8601 UTC, e.g. 2021-07-07T08:45:42Z",
                "invalid_header",
            )
        })?;
    let signature = header(doku::HEADER_SIGNATURE).unwrap_or_default();
    let ok = targets.iter().any(|target| {
        doku::verify(
            &d.settings.secret_key,
            &SignatureInput {
                client_id: &client_id,
                request_id: &request_id,
                timestamp: &timestamp,
                target,
                body,
            },
            &signature,
        )
        .is_ok()
    });
    if !ok {
        tracing::info!(%request_id, "DOKU: invalid signature");
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "invalid_signature",
            "Invalid Header Signature",
            "invalid_header",
        ));
    }
    Ok(Signed { request_id })
}

/// A JSON answer with DOKU's response headers (signed over the body — UNCONFIRMED).
fn signed_answer(
    d: &Doku,
    core: &Core,
    status: StatusCode,
    request_id: &str,
    body: &Value,
) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let ts = iso_utc(core.now());
    let signature = doku::sign(
        &d.settings.secret_key,
        &SignatureInput {
            client_id: &d.settings.client_id,
            request_id,
            timestamp: &ts,
            target: doku::GENERATE_ORDER_PATH,
            body: Some(&bytes),
        },
    );
    let mut response = (status, Json(body.clone())).into_response();
    let h = response.headers_mut();
    for (name, value) in [
        (doku::HEADER_CLIENT_ID, d.settings.client_id.as_str()),
        (doku::HEADER_REQUEST_ID, request_id),
        (doku::HEADER_RESPONSE_TIMESTAMP, ts.as_str()),
        (doku::HEADER_SIGNATURE, signature.as_str()),
    ] {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            h.insert(n, v);
        }
    }
    response
}

fn validate(req: &GenerateOrderRequest) -> Result<(), Response> {
    let o = &req.order;
    let invoice_len = o.invoice_number.trim().chars().count();
    if invoice_len == 0 || invoice_len > doku::MAX_INVOICE_CHARS {
        return Err(invalid("order.invoice_number must be 1 to 64 characters"));
    }
    if o.line_items.is_empty() {
        return Err(invalid("order.line_items is required"));
    }
    let mut sum = Money::ZERO;
    for (i, item) in o.line_items.iter().enumerate() {
        let name_len = item.name.trim().chars().count();
        if name_len == 0 || name_len > 255 {
            return Err(invalid(format!(
                "order.line_items[{i}].name must be 1 to 255 characters"
            )));
        }
        if item.quantity == 0 || item.quantity > 9999 {
            return Err(invalid(format!(
                "order.line_items[{i}].quantity must be 1 to 9999"
            )));
        }
        if item.price.to_string().len() > 12 {
            return Err(invalid(format!(
                "order.line_items[{i}].price has more than 12 digits"
            )));
        }
        let line = item
            .price
            .checked_mul(item.quantity)
            .map_err(|_| invalid(format!("order.line_items[{i}].price is too large")))?;
        sum = sum
            .checked_add(line)
            .map_err(|_| invalid("order.amount is too large"))?;
    }
    if o.amount.is_zero() || o.amount.to_string().len() > 12 {
        return Err(invalid("order.amount must be 1 to 12 digits"));
    }
    if sum != o.amount {
        return Err(invalid(format!(
            "order.amount {} must equal the sum of line_items price x quantity ({sum})",
            o.amount
        )));
    }
    if !is_http_url(&o.callback_url) {
        return Err(invalid("order.callback_url must be an http(s) URL"));
    }
    if let Some(cancel) = &o.callback_url_cancel {
        if !is_http_url(cancel) {
            return Err(invalid("order.callback_url_cancel must be an http(s) URL"));
        }
    }
    if req
        .peer_to_peer_info
        .merchant_unique_reference
        .trim()
        .is_empty()
    {
        return Err(invalid(
            "peer_to_peer_info.merchant_unique_reference is required",
        ));
    }
    if let Some(minutes) = req.peer_to_peer_info.expired_time {
        if minutes == 0 || minutes > 99_999 {
            return Err(invalid("peer_to_peer_info.expired_time must be 1 to 99999"));
        }
    }
    let c = &req.customer;
    if c.first_name.trim().is_empty() {
        return Err(invalid("customer.first_name is required"));
    }
    if c.email.trim().is_empty() {
        return Err(invalid("customer.email is required"));
    }
    if c.phone.is_empty() || c.phone.len() > 16 || !c.phone.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            "customer.phone must be 1 to 16 digits: {calling_code}{phone_number}",
        ));
    }
    if let Some(url) = req
        .additional_info
        .as_ref()
        .and_then(|a| a.override_notification_url.as_deref())
    {
        if !is_http_url(url) {
            return Err(invalid(
                "additional_info.override_notification_url must be an http(s) URL",
            ));
        }
    }
    Ok(())
}

fn failed(req: &GenerateOrderRequest) -> GenerateOrderResponse {
    GenerateOrderResponse {
        order: OrderRef {
            invoice_number: req.order.invoice_number.clone(),
            amount: req.order.amount,
        },
        payment: Payment {
            status: DokuStatus::Failed,
            url: None,
        },
        peer_to_peer_info: PeerToPeerInfo {
            merchant_unique_reference: Some(
                req.peer_to_peer_info.merchant_unique_reference.clone(),
            ),
            ..PeerToPeerInfo::default()
        },
        additional_info: req.additional_info.clone(),
    }
}

async fn generate_order(
    State(p): State<P>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let signed = match check_headers(
        &p.dialect,
        &headers,
        &[doku::GENERATE_ORDER_PATH, uri.path()],
        Some(&body),
    ) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match p.replay("generate-order", &signed.request_id, &body) {
        Some(Ok(replay)) => {
            // CONTRACTS.md: the same Request-Id and body get the same body, with HTTP 409.
            return signed_answer(
                &p.dialect,
                &p.core,
                StatusCode::CONFLICT,
                &signed.request_id,
                &replay.body,
            );
        }
        Some(Err(())) => {
            return error(
                StatusCode::BAD_REQUEST,
                "invalid_request_id",
                "Request-Id was already used for another request",
                "invalid_header",
            )
        }
        None => {}
    }
    let req: GenerateOrderRequest = match parse_body(&body) {
        Ok(r) => r,
        Err(e) => return invalid(e.message()),
    };
    if let Err(r) = validate(&req) {
        return r;
    }
    let invoice = req.order.invoice_number.trim().to_owned();
    let now = p.core.now();
    let duplicate = p.ledger().by_id.contains_key(&invoice);
    let answer = if duplicate {
        tracing::info!(%invoice, "DOKU: invoice number already used");
        failed(&req)
    } else {
        let notification_url = req
            .additional_info
            .as_ref()
            .and_then(|a| a.override_notification_url.clone())
            .or_else(|| p.dialect.settings.notification_url.clone())
            .unwrap_or_else(|| p.core.merchant_url(DEFAULT_NOTIFICATION_PATH));
        let minutes = i64::from(req.peer_to_peer_info.expired_time.unwrap_or(1440));
        let items = req
            .order
            .line_items
            .iter()
            .filter_map(|i| serde_json::to_value(i).ok())
            .collect();
        let created = p.create(NewAggTx {
            id: invoice.clone(),
            reference: req.peer_to_peer_info.merchant_unique_reference.clone(),
            amount: req.order.amount,
            items,
            expires_at: Some(now.saturating_add(minutes.saturating_mul(60))),
            payment_type: req
                .additional_info
                .as_ref()
                .and_then(|a| a.kredivo_payment_type.as_deref())
                .map(request::hint),
            extra: DokuExtra {
                request_id: signed.request_id.clone(),
                callback_url: req.order.callback_url.clone(),
                callback_url_cancel: req.order.callback_url_cancel.clone(),
                notification_url,
                merchant_unique_reference: req.peer_to_peer_info.merchant_unique_reference.clone(),
            },
        });
        match created {
            Err(why) => {
                tracing::info!(%invoice, %why, "DOKU: Kredivo refused the order");
                failed(&req)
            }
            Ok(tx) => GenerateOrderResponse {
                order: OrderRef {
                    invoice_number: invoice.clone(),
                    amount: tx.amount,
                },
                payment: Payment {
                    status: DokuStatus::Pending,
                    url: Some(tx.checkout_url.clone()),
                },
                peer_to_peer_info: PeerToPeerInfo {
                    identifier: identifiers(&tx),
                    created_date: Some(compact(tx.created_at, false)),
                    expired_date: Some(compact(tx.expires_at, false)),
                    // Doc 001 says created_date_utc "uses UTC+7" and expired_date_utc is UTC;
                    // both are written as documented.
                    created_date_utc: Some(compact(tx.created_at, false)),
                    expired_date_utc: Some(compact(tx.expires_at, true)),
                    merchant_unique_reference: Some(tx.extra.merchant_unique_reference.clone()),
                },
                additional_info: req
                    .additional_info
                    .clone()
                    .or(Some(AdditionalInfo::default())),
            },
        }
    };
    let value = serde_json::to_value(&answer).unwrap_or(Value::Null);
    p.remember(
        "generate-order",
        &signed.request_id,
        &body,
        StatusCode::OK,
        &value,
    );
    signed_answer(
        &p.dialect,
        &p.core,
        StatusCode::OK,
        &signed.request_id,
        &value,
    )
}

fn identifiers(tx: &AggTx<DokuExtra>) -> Vec<Identifier> {
    vec![Identifier {
        name: "KREDIVO_TRANSACTION_ID".into(),
        value: Some(tx.kredivo_tx.clone()),
    }]
}

fn doku_status(tx: &AggTx<DokuExtra>) -> DokuStatus {
    match tx.state {
        AggregatorState::Pending => DokuStatus::Pending,
        AggregatorState::Paid => DokuStatus::Success,
        AggregatorState::Denied | AggregatorState::Cancelled => DokuStatus::Failed,
        AggregatorState::Expired => DokuStatus::Expired,
        AggregatorState::Refunded => DokuStatus::Refunded,
    }
}

fn status_body(tx: &AggTx<DokuExtra>) -> StatusResponse {
    StatusResponse {
        service: Some(IdRef {
            id: "PEER_TO_PEER".into(),
        }),
        acquirer: Some(IdRef {
            id: "KREDIVO".into(),
        }),
        channel: Some(IdRef {
            id: "PEER_TO_PEER_KREDIVO".into(),
        }),
        order: OrderRef {
            invoice_number: tx.id.clone(),
            amount: tx.amount,
        },
        transaction: TransactionInfo {
            status: doku_status(tx),
            date: Some(iso_utc(tx.updated_at)),
            original_request_id: Some(tx.extra.request_id.clone()),
        },
        peer_to_peer_info: Some(PeerToPeerInfo {
            identifier: identifiers(tx),
            merchant_unique_reference: Some(tx.extra.merchant_unique_reference.clone()),
            ..PeerToPeerInfo::default()
        }),
    }
}

async fn status(
    State(p): State<P>,
    OriginalUri(uri): OriginalUri,
    Path(invoice): Path<String>,
    headers: HeaderMap,
) -> Response {
    let documented = doku::status_path(&invoice);
    let signed = match check_headers(&p.dialect, &headers, &[&documented, uri.path()], None) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match p.get(&invoice) {
        Some(tx) => {
            let value = serde_json::to_value(status_body(&tx)).unwrap_or(Value::Null);
            signed_answer(
                &p.dialect,
                &p.core,
                StatusCode::OK,
                &signed.request_id,
                &value,
            )
        }
        None => error(
            StatusCode::NOT_FOUND,
            "invoice_not_found",
            "Invoice number not found",
            "invalid_request",
        ),
    }
}

impl Dialect for Doku {
    type Extra = DokuExtra;
    const NAME: &'static str = "doku";
    const SLOT: usize = 0;

    fn status_word(&self, tx: &AggTx<DokuExtra>) -> String {
        doku_status(tx).as_str().to_owned()
    }

    fn notice(&self, core: &Core, tx: &AggTx<DokuExtra>) -> Option<Notice> {
        if tx.state == AggregatorState::Pending {
            return None;
        }
        let body = serde_json::to_value(status_body(tx)).ok()?;
        // The push engine sends `serde_json::to_vec(&body)`; the digest covers those bytes.
        let bytes = serde_json::to_vec(&body).ok()?;
        let request_id = core.uuid();
        let timestamp = iso_utc(core.now());
        let target = url_path(&tx.extra.notification_url);
        let signature = doku::sign(
            &self.settings.secret_key,
            &SignatureInput {
                client_id: &self.settings.client_id,
                request_id: &request_id,
                timestamp: &timestamp,
                target: &target,
                body: Some(&bytes),
            },
        );
        Some(Notice {
            url: tx.extra.notification_url.clone(),
            body,
            headers: vec![
                (
                    doku::HEADER_CLIENT_ID.into(),
                    self.settings.client_id.clone(),
                ),
                (doku::HEADER_REQUEST_ID.into(), request_id),
                (doku::HEADER_REQUEST_TIMESTAMP.into(), timestamp),
                (doku::HEADER_SIGNATURE.into(), signature),
            ],
        })
    }

    fn return_url(&self, _core: &Core, tx: &AggTx<DokuExtra>) -> Option<String> {
        Some(match tx.state {
            AggregatorState::Paid | AggregatorState::Pending => tx.extra.callback_url.clone(),
            _ => tx
                .extra
                .callback_url_cancel
                .clone()
                .unwrap_or_else(|| tx.extra.callback_url.clone()),
        })
    }

    fn notification_urls(&self, _core: &Core, tx: &AggTx<DokuExtra>) -> Vec<String> {
        vec![tx.extra.notification_url.clone()]
    }
}
