//! Midtrans Core API with `payment_type: "kredivo"` (doc 003, CONTRACTS.md), under
//! `…/sandbox/midtrans`.
//!
//! - Every call needs `Authorization: Basic base64(ServerKey + ":")`; otherwise HTTP 401
//!   with `status_code: "401"`.
//! - `POST /v2/charge`: `redirect_url` is `…/midtrans/v2/kredivo/redirect/{transaction_id}`,
//!   which sends the shopper on to Kredivo's sign-in page. Item prices (negative discount
//!   lines allowed) must sum to `gross_amount`. A used `order_id` answers `status_code`
//!   406; an `Idempotency-Key` replays the first answer, or answers 409 for another body.
//! - `GET /v2/{order_id|transaction_id}/status` (with `signature_key`),
//!   `POST /v2/{id}/cancel` and `/expire` (pending only), `/refund` (settled; a repeated
//!   `refund_key` replays; partial refunds become `partial_refund`).
//! - HTTP status: 401 and 404 come with the same HTTP status; every other error comes as
//!   HTTP 200 with the code in `status_code` (Midtrans does both; clients must check the body).
//! - Notifications go to `X-Override-Notification` (or the dashboard URL plus
//!   `X-Append-Notification`; the sandbox notifies the first URL only), signed with
//!   `signature_key`; any 2xx acknowledges. After
//!   Kredivo's pages the shopper is sent to the "Finish Redirect URL" with `order_id`,
//!   `status_code` and `transaction_status`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use kredivo_providers::midtrans::{
    self, ChargeRequest, FraudStatus, RefundRequest, Transaction, TransactionStatus,
};
use serde_json::Value;

use super::engine::{Core, Dialect, Provider};
use super::ledger::{AggTx, AggregatorState, NewAggTx, Notice, RefundRefusal};
use super::request::{self, basic_credentials, header_text, is_http_url, parse_body};
use super::routes;
use super::{MidtransSettings, DEFAULT_FINISH_PATH, DEFAULT_NOTIFICATION_PATH};
use crate::faults::Endpoint;
use crate::inject::FaultPoints;
use crate::kredivo::Target;
use kredivo_providers::encoding::{amount_2dp, with_query};
use kredivo_providers::time::jakarta;

/// Midtrans's dialect.
#[derive(Debug)]
pub(crate) struct Midtrans {
    settings: MidtransSettings,
}

impl Midtrans {
    pub(crate) fn new(settings: MidtransSettings) -> Self {
        Self { settings }
    }
}

/// What Midtrans keeps beyond the common fields.
#[derive(Debug, Clone)]
pub(crate) struct MidtransExtra {
    notification_urls: Vec<String>,
}

type P = Arc<Provider<Midtrans>>;

pub(crate) fn router(p: P) -> Router {
    let limit = p.core.kredivo.shared().body_limit;
    let words = p.clone();
    let at = FaultPoints::new(p.core.faults(), move |message, code| {
        fault_error(&words, message, code)
    });
    Router::new()
        .route(
            midtrans::CHARGE_PATH,
            at.wrap(Endpoint::MidtransCharge, post(charge)),
        )
        .route("/v2/kredivo/redirect/{id}", get(redirect))
        .route(
            "/v2/{id}/status",
            at.wrap(Endpoint::MidtransStatus, get(status)),
        )
        .route(
            "/v2/{id}/cancel",
            at.wrap(Endpoint::MidtransModify, post(cancel)),
        )
        .route(
            "/v2/{id}/expire",
            at.wrap(Endpoint::MidtransModify, post(expire)),
        )
        .route(
            "/v2/{id}/refund",
            at.wrap(Endpoint::MidtransModify, post(refund)),
        )
        .route(
            "/_return/{id}",
            get(routes::return_from_kredivo::<Midtrans>),
        )
        .nest("/_sandbox", routes::driver::<Midtrans>())
        .route("/{*rest}", any(not_found))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(p)
}

/// An error: `{"status_code","status_message","id"}` (+ `validation_messages`).
fn error(
    p: &Provider<Midtrans>,
    code: u16,
    message: &str,
    validation: Option<Vec<String>>,
) -> Response {
    let body = Transaction {
        status_code: code.to_string(),
        status_message: Some(message.to_owned()),
        validation_messages: validation,
        id: Some(p.core.uuid()),
        ..Transaction::default()
    };
    // 401 and 404 keep their HTTP status; other errors arrive in a 200 (see module docs).
    let http = match code {
        401 | 404 => StatusCode::from_u16(code).unwrap_or(StatusCode::OK),
        _ => StatusCode::OK,
    };
    (http, Json(body)).into_response()
}

fn validation(p: &Provider<Midtrans>, messages: Vec<String>) -> Response {
    error(
        p,
        400,
        "One or more parameters in the payload is invalid.",
        Some(messages),
    )
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(serde_json::json!({
            "status_code": "404",
            "status_message": "The requested resource is not found"
        })),
    )
        .into_response()
}

fn authorised(p: &Provider<Midtrans>, headers: &HeaderMap) -> Result<(), Response> {
    match basic_credentials(headers) {
        Some((user, _)) if user == p.dialect.settings.server_key => Ok(()),
        _ => Err(error(
            p,
            401,
            "Access denied due to unauthorized transaction, please check client or server key",
            None,
        )),
    }
}

/// An armed `error` fault as Midtrans words errors: HTTP 200 with the code in `status_code`.
fn fault_error(p: &Provider<Midtrans>, message: String, code: Option<i64>) -> Response {
    let code = code.and_then(|c| u16::try_from(c).ok()).unwrap_or(500);
    let body = Transaction {
        status_code: code.to_string(),
        status_message: Some(message),
        id: Some(p.core.uuid()),
        ..Transaction::default()
    };
    (StatusCode::OK, Json(body)).into_response()
}

fn valid_order_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().count() <= 50
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
}

fn notification_urls(p: &Provider<Midtrans>, headers: &HeaderMap) -> Result<Vec<String>, Response> {
    let split = |v: String| -> Vec<String> {
        v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let dashboard = p
        .dialect
        .settings
        .notification_url
        .clone()
        .unwrap_or_else(|| p.core.merchant_url(DEFAULT_NOTIFICATION_PATH));
    let urls = match header_text(headers, midtrans::HEADER_OVERRIDE_NOTIFICATION) {
        Some(v) => split(v),
        None => {
            let mut urls = vec![dashboard];
            if let Some(v) = header_text(headers, midtrans::HEADER_APPEND_NOTIFICATION) {
                urls.extend(split(v));
            }
            urls
        }
    };
    if urls.is_empty() || urls.len() > 3 || !urls.iter().all(|u| is_http_url(u)) {
        return Err(validation(
            p,
            vec![
                "X-Override-Notification / X-Append-Notification must hold 1 to 3 http(s) URLs"
                    .into(),
            ],
        ));
    }
    Ok(urls)
}

async fn charge(State(p): State<P>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = authorised(&p, &headers) {
        return r;
    }
    let idem = header_text(&headers, midtrans::HEADER_IDEMPOTENCY_KEY);
    if let Some(key) = &idem {
        match p.replay("charge", key, &body) {
            Some(Ok(replay)) => return (replay.status, Json(replay.body)).into_response(),
            Some(Err(())) => {
                return error(
                    &p,
                    409,
                    "Idempotency-Key was already used with a different request body.",
                    None,
                )
            }
            None => {}
        }
    }
    let req: ChargeRequest = match parse_body(&body) {
        Ok(r) => r,
        Err(e) => return validation(&p, vec![e.message()]),
    };
    if req.payment_type != midtrans::PAYMENT_TYPE_KREDIVO {
        return error(&p, 402, "Payment channel is not activated.", None);
    }
    let d = &req.transaction_details;
    if !valid_order_id(&d.order_id) {
        return validation(
            &p,
            vec!["transaction_details.order_id must be 1 to 50 of A-Z a-z 0-9 - _ . ~".into()],
        );
    }
    if d.gross_amount.is_zero() {
        return validation(
            &p,
            vec!["transaction_details.gross_amount must be at least 1".into()],
        );
    }
    if !req.item_details.is_empty() {
        let mut sum: i128 = 0;
        for item in &req.item_details {
            sum += i128::from(item.price) * i128::from(item.quantity);
        }
        if sum != i128::from(d.gross_amount.to_rupiah_u64()) {
            return validation(
                &p,
                vec![
                    "transaction_details.gross_amount is not equal to the sum of item_details"
                        .into(),
                ],
            );
        }
    }
    let urls = match notification_urls(&p, &headers) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if p.ledger().by_ref.contains_key(&d.order_id) {
        return error(
            &p,
            406,
            "The request could not be completed due to a conflict with the current state of the target resource, please try again",
            None,
        );
    }
    let items = req
        .item_details
        .iter()
        .filter_map(|i| serde_json::to_value(i).ok())
        .collect();
    let created = p.create(NewAggTx {
        id: p.core.uuid(),
        reference: d.order_id.clone(),
        amount: d.gross_amount,
        items,
        expires_at: None,
        payment_type: req.custom_field1.as_deref().map(request::hint),
        extra: MidtransExtra {
            notification_urls: urls,
        },
    });
    let tx = match created {
        Ok(tx) => tx,
        Err(why) => {
            return validation(&p, vec![format!("transaction_details.gross_amount: {why}")])
        }
    };
    let mut answer = transaction(&p.dialect, &p.core, &tx);
    answer.status_code = "201".into();
    answer.status_message = Some("Success, Kredivo transaction is created".into());
    answer.redirect_url = Some(
        p.core
            .url("midtrans", &format!("/v2/kredivo/redirect/{}", tx.id)),
    );
    answer.signature_key = None;
    let value = serde_json::to_value(&answer).unwrap_or(Value::Null);
    if let Some(key) = &idem {
        p.remember("charge", key, &body, StatusCode::OK, &value);
    }
    (StatusCode::OK, Json(value)).into_response()
}

/// `GET /v2/kredivo/redirect/{transaction_id}`: on to Kredivo's pages, or back to the
/// merchant when the transaction is over.
async fn redirect(State(p): State<P>, Path(id): Path<String>) -> Response {
    match p.get(&id) {
        Some(tx) if tx.state == AggregatorState::Pending => {
            Redirect::to(&tx.checkout_url).into_response()
        }
        Some(tx) => match p.dialect.return_url(&p.core, &tx) {
            Some(url) => Redirect::to(&url).into_response(),
            None => not_found().await,
        },
        None => not_found().await,
    }
}

fn find(p: &Provider<Midtrans>, id: &str) -> Result<AggTx<MidtransExtra>, Response> {
    p.get(id)
        .ok_or_else(|| error(p, 404, "Transaction doesn't exist.", None))
}

async fn status(State(p): State<P>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Err(r) = authorised(&p, &headers) {
        return r;
    }
    match find(&p, &id) {
        Ok(tx) => {
            let mut answer = transaction(&p.dialect, &p.core, &tx);
            answer.status_message = Some("Success, transaction is found".into());
            (StatusCode::OK, Json(answer)).into_response()
        }
        Err(r) => r,
    }
}

fn cannot_modify(p: &Provider<Midtrans>) -> Response {
    error(
        p,
        412,
        "Merchant cannot modify the status of the transaction",
        None,
    )
}

async fn cancel(State(p): State<P>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    modify(
        p,
        id,
        headers,
        Target::Cancel,
        "Success, transaction is canceled",
    )
    .await
}

async fn expire(State(p): State<P>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    modify(
        p,
        id,
        headers,
        Target::Expire,
        "Success, transaction has expired",
    )
    .await
}

async fn modify(p: P, id: String, headers: HeaderMap, target: Target, message: &str) -> Response {
    if let Err(r) = authorised(&p, &headers) {
        return r;
    }
    let tx = match find(&p, &id) {
        Ok(tx) => tx,
        Err(r) => return r,
    };
    if tx.state != AggregatorState::Pending {
        return cannot_modify(&p);
    }
    let tx = match p.drive_kredivo(&tx.id, target) {
        Ok(tx) => tx,
        Err(_) => return cannot_modify(&p),
    };
    let mut answer = transaction(&p.dialect, &p.core, &tx);
    answer.status_message = Some(message.to_owned());
    answer.signature_key = None;
    (StatusCode::OK, Json(answer)).into_response()
}

async fn refund(
    State(p): State<P>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = authorised(&p, &headers) {
        return r;
    }
    let req: RefundRequest = if body.iter().all(u8::is_ascii_whitespace) {
        RefundRequest {
            refund_key: None,
            amount: None,
            reason: None,
        }
    } else {
        match parse_body(&body) {
            Ok(r) => r,
            Err(e) => return validation(&p, vec![e.message()]),
        }
    };
    let tx = match find(&p, &id) {
        Ok(tx) => tx,
        Err(r) => return r,
    };
    if let Some(key) = &req.refund_key {
        // The key alone identifies a refund: a repeat gets the first answer.
        if let Some(Ok(replay)) = p.replay(&format!("refund:{}", tx.id), key, b"") {
            return (replay.status, Json(replay.body)).into_response();
        }
    }
    let reason = req.reason.clone().unwrap_or_default();
    match p.refund(&tx.id, req.amount, &reason, req.refund_key.as_deref()) {
        Ok((tx, record)) => {
            let mut answer = transaction(&p.dialect, &p.core, &tx);
            answer.status_code = "200".into();
            answer.status_message = Some("Success, refund request is approved".into());
            answer.refund_amount = Some(amount_2dp(record.amount));
            answer.refund_key = record.key.clone();
            answer.refund_chargeback_id = Some(tx.refunds.len().to_string());
            answer.signature_key = None;
            let value = serde_json::to_value(&answer).unwrap_or(Value::Null);
            if let Some(key) = &req.refund_key {
                p.remember(
                    &format!("refund:{}", tx.id),
                    key,
                    b"",
                    StatusCode::OK,
                    &value,
                );
            }
            (StatusCode::OK, Json(value)).into_response()
        }
        Err(RefundRefusal::NotFound) => error(&p, 404, "Transaction doesn't exist.", None),
        Err(RefundRefusal::NotPaid(_)) => cannot_modify(&p),
        Err(RefundRefusal::TooMuch { remaining }) => error(
            &p,
            412,
            &format!(
                "Refund amount must be 1 to the remaining {}",
                amount_2dp(remaining)
            ),
            None,
        ),
    }
}

fn transaction_status(tx: &AggTx<MidtransExtra>) -> TransactionStatus {
    match tx.state {
        AggregatorState::Pending => TransactionStatus::Pending,
        AggregatorState::Paid if !tx.refunded.is_zero() => TransactionStatus::PartialRefund,
        AggregatorState::Paid => TransactionStatus::Settlement,
        AggregatorState::Denied => TransactionStatus::Deny,
        AggregatorState::Expired => TransactionStatus::Expire,
        AggregatorState::Cancelled => TransactionStatus::Cancel,
        AggregatorState::Refunded => TransactionStatus::Refund,
    }
}

/// Midtrans's `status_code` for a transaction state.
fn status_code(tx: &AggTx<MidtransExtra>) -> &'static str {
    match tx.state {
        AggregatorState::Pending => "201",
        AggregatorState::Denied => "202",
        AggregatorState::Expired => "407",
        _ => "200",
    }
}

/// The full transaction object, `signature_key` included.
fn transaction(d: &Midtrans, _core: &Core, tx: &AggTx<MidtransExtra>) -> Transaction {
    let gross = amount_2dp(tx.amount);
    let code = status_code(tx);
    Transaction {
        status_code: code.to_owned(),
        status_message: None,
        validation_messages: None,
        transaction_id: Some(tx.id.clone()),
        order_id: Some(tx.reference.clone()),
        merchant_id: Some(d.settings.merchant_id.clone()),
        signature_key: Some(midtrans::signature_key(
            &tx.reference,
            code,
            &gross,
            &d.settings.server_key,
        )),
        gross_amount: Some(gross),
        currency: Some("IDR".into()),
        payment_type: Some(midtrans::PAYMENT_TYPE_KREDIVO.into()),
        transaction_time: Some(jakarta(tx.created_at)),
        transaction_status: Some(transaction_status(tx)),
        fraud_status: Some(FraudStatus::Accept),
        redirect_url: None,
        settlement_time: tx.paid_at.map(jakarta),
        expiry_time: Some(jakarta(tx.expires_at)),
        refund_amount: (!tx.refunded.is_zero()).then(|| amount_2dp(tx.refunded)),
        refund_key: None,
        refund_chargeback_id: None,
        id: None,
    }
}

impl Dialect for Midtrans {
    type Extra = MidtransExtra;
    const NAME: &'static str = "midtrans";
    const SLOT: usize = 1;

    fn status_word(&self, tx: &AggTx<MidtransExtra>) -> String {
        transaction_status(tx).as_str().to_owned()
    }

    fn notice(&self, core: &Core, tx: &AggTx<MidtransExtra>) -> Option<Notice> {
        if tx.state == AggregatorState::Pending {
            return None;
        }
        let mut n = transaction(self, core, tx);
        n.status_message = Some("midtrans payment notification".into());
        let body = serde_json::to_value(&n).ok()?;
        // Simplification: the sandbox notifies the first URL only.
        let url = tx.extra.notification_urls.first()?.clone();
        Some(Notice {
            url,
            body,
            headers: Vec::new(),
        })
    }

    fn return_url(&self, core: &Core, tx: &AggTx<MidtransExtra>) -> Option<String> {
        let finish = self
            .settings
            .finish_redirect_url
            .clone()
            .unwrap_or_else(|| core.merchant_url(DEFAULT_FINISH_PATH));
        Some(with_query(
            &finish,
            &[
                ("order_id", &tx.reference),
                ("status_code", status_code(tx)),
                ("transaction_status", transaction_status(tx).as_str()),
            ],
        ))
    }

    fn notification_urls(&self, _core: &Core, tx: &AggTx<MidtransExtra>) -> Vec<String> {
        tx.extra.notification_urls.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kredivo_plan::Money;

    #[test]
    fn order_ids_follow_midtrans_rules() {
        for (id, ok) in [
            ("KD-ABC_1.2~x", true),
            ("", false),
            ("has space", false),
            (&"x".repeat(51), false),
        ] {
            assert_eq!(valid_order_id(id), ok, "{id:?}");
        }
    }

    #[test]
    fn gross_amounts_keep_two_decimals_for_the_signature() {
        assert_eq!(amount_2dp(Money::from_rupiah(11_000)), "11000.00");
    }
}
