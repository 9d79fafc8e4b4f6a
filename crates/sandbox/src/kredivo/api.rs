//! Kredivo's JSON endpoints. Each handler parses its body with [`KJson`] and answers with
//! `kredivo-providers`' wire types or Kredivo's error shape; armed request faults are applied
//! around it by the router (`inject.rs`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kredivo_plan::{Money, PaymentType};
use kredivo_providers::kredivo::{
    CancelRequest, CancelResponse, CheckoutRequest, CheckoutResponse, ConnectRequest,
    ConnectResponse, CreditDetailsRequest, CreditDetailsResponse, CreditLimitDetail,
    DeactivateTokenRequest, DeactivateTokenResponse, PaymentsRequest, PaymentsResponse,
    TransactionStatusRequest, TransactionStatusResponse, UpdateResponse, UserCreditDetails,
    UserDetails, WireItem, WireMerchant,
};
use kredivo_providers::kredivo::{FraudStatus, ServerKey, WireTime};
use serde::Serialize;
use serde_json::{json, Value};

use super::model::{Cancellation, ConnectRequest as StoredConnect, Source, State as TxState, Step};
use super::reply::{ApiError, KJson, Shape};
use super::service::{self, NewTransaction};
use super::{pricing, PageRef, Shared};
use crate::ids::IdSourceExt;

type AppState = State<Arc<Shared>>;
type Body<T> = Result<KJson<T>, ApiError>;

/// Serialises a success or renders the error.
fn reply<T: Serialize>(result: Result<T, ApiError>) -> Response {
    match result {
        Ok(body) => Json(body).into_response(),
        Err(err) => err.into_response(),
    }
}

/// Runs the body parser, then `f`.
fn handle<T, R: Serialize>(
    shared: &Shared,
    body: Body<T>,
    f: impl FnOnce(&Shared, T) -> Result<R, ApiError>,
) -> Response {
    reply(body.and_then(|KJson(req)| f(shared, req)))
}

fn merchant(shared: &Shared, key: &ServerKey) -> Result<usize, ApiError> {
    shared
        .merchant_index(key.expose())
        .ok_or_else(ApiError::bad_server_key)
}

fn required(value: &str, path: &str) -> Result<(), ApiError> {
    if value.trim().is_empty() {
        Err(ApiError::required(path))
    } else {
        Ok(())
    }
}

fn http_url(value: &str, path: &str) -> Result<(), ApiError> {
    required(value, path)?;
    let lower = value.trim().to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        Ok(())
    } else {
        Err(ApiError::incorrect(path))
    }
}

// ---------------------------------------------------------------------------------------
// POST /v2/payments
// ---------------------------------------------------------------------------------------

pub(crate) async fn payments(State(shared): AppState, body: Body<PaymentsRequest>) -> Response {
    handle(&shared, body, payments_inner)
}

fn payments_inner(shared: &Shared, req: PaymentsRequest) -> Result<PaymentsResponse, ApiError> {
    let merchant = merchant(shared, &req.server_key)?;
    let (amount, _cart) = req
        .validate()
        .map_err(|e| pricing::validation_error(&e, ""))?;
    let mut payments = pricing::offers(&shared.pricing, amount);
    // A known user narrows the list to what the account may use (basic: 30 days only).
    if let Some(token) = req.user_token.as_deref().filter(|t| !t.is_empty()) {
        let db = shared.db();
        let account = service::active_token(&db, merchant, token)
            .and_then(|t| db.account_index(&t.account))
            .map(|i| db.accounts[i].clone());
        if let Some(account) = account {
            payments.retain(|p| account.account_type != 1 || p.id == PaymentType::ThirtyDays);
        }
    }
    Ok(PaymentsResponse {
        status: "OK".into(),
        message: Some("Available payment types are listed.".into()),
        payments,
    })
}

// ---------------------------------------------------------------------------------------
// POST /v2/checkout_url
// ---------------------------------------------------------------------------------------

pub(crate) async fn checkout_url(State(shared): AppState, body: Body<CheckoutRequest>) -> Response {
    reply(body.and_then(|KJson(req)| checkout_inner(&shared, req)))
}

fn checkout_inner(
    shared: &Arc<Shared>,
    req: CheckoutRequest,
) -> Result<CheckoutResponse, ApiError> {
    let merchant = merchant(shared, &req.server_key)?;
    let details = &req.transaction_details;
    // Order id, customer, phones and the cart (items sum to the amount, discounts
    // subtracted), all by the plan crate's validation.
    let order = req
        .validate()
        .map_err(|e| pricing::validation_error(&e, ""))?;
    let amount = order.amount();
    http_url(&req.push_uri, "push_uri")?;
    http_url(&req.back_to_store_uri, "back_to_store_uri")?;
    if let Some(uri) = req.user_cancel_uri.as_deref().filter(|u| !u.is_empty()) {
        http_url(uri, "user_cancel_uri")?;
    }
    let tokenize = req.tokenize_user.unwrap_or(false);
    if tokenize {
        required(
            req.client_user_key.as_deref().unwrap_or(""),
            "client_user_key",
        )?;
    }
    if pricing::offer(&shared.pricing, amount, &req.payment_type).is_none() {
        return Err(ApiError::incorrect("payment_type"));
    }
    let now = shared.clock.unix_secs();
    let expires_at = match &req.expiration_time {
        None => None,
        Some(t) => match t.as_epoch() {
            Some(at) if at > now => Some(at),
            _ => return Err(ApiError::incorrect("expiration_time")),
        },
    };

    // Express checkout: a valid token of this merchant authenticates the shopper.
    let (account, user_token, flagged) = {
        let db = shared.db();
        match req
            .user_token
            .as_deref()
            .and_then(|t| service::active_token(&db, merchant, t))
        {
            Some(token) => {
                let flagged = shared
                    .settings
                    .risk_threshold
                    .is_some_and(|limit| amount >= limit);
                (
                    Some(token.account.clone()),
                    Some(token.token.clone()),
                    flagged,
                )
            }
            None => (None, None, false),
        }
    };
    let express = account.is_some();
    let new = NewTransaction {
        merchant,
        source: if express {
            Source::Express
        } else {
            Source::Checkout
        },
        order_id: details.order_id.clone(),
        amount,
        items: details
            .items
            .iter()
            .filter_map(|i| serde_json::to_value(i).ok())
            .collect(),
        payment_type: req.payment_type.clone(),
        push_uri: Some(req.push_uri.clone()),
        back_to_store_uri: Some(req.back_to_store_uri.clone()),
        user_cancel_uri: req.user_cancel_uri.clone().filter(|u| !u.is_empty()),
        tokenize_user: tokenize,
        client_user_key: req.client_user_key.clone(),
        shipping_address: req
            .shipping_address
            .as_ref()
            .and_then(|a| serde_json::to_value(a).ok()),
        sub_merchant_id: None,
        expires_at,
        account,
        user_token,
        // A flagged express checkout skips phone + PIN and goes straight to the OTP challenge.
        step: if express { Step::Otp } else { Step::SignIn },
    };
    let tx = service::create(shared, new).map_err(ApiError::new)?;
    if express && !flagged {
        schedule_express(shared.clone(), tx.transaction_id.clone());
        return Ok(CheckoutResponse {
            status: "OK".into(),
            message: Some("User is authenticated; wait for the push notification.".into()),
            redirect_url: None,
            transaction_id: None,
        });
    }
    Ok(CheckoutResponse {
        status: "OK".into(),
        message: Some(String::new()),
        redirect_url: Some(service::redirect_url(shared, &tx)),
        transaction_id: None,
    })
}

/// Settles (or denies, when the limit is short) an express checkout after the configured
/// delay, by push.
fn schedule_express(shared: Arc<Shared>, transaction_id: String) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        tracing::warn!("no tokio runtime: express checkout stays pending");
        return;
    };
    runtime.spawn(async move {
        tokio::time::sleep(shared.settings.express_delay).await;
        let pushes = {
            let mut db = shared.db();
            let Some(idx) = db.by_tx_id.get(&transaction_id).copied() else {
                return;
            };
            let mut pushes = service::touch(&shared, &mut db, idx);
            if db.txs[idx].state == TxState::Pending {
                pushes.extend(service::settle_or_deny(&shared, &mut db, idx).unwrap_or_default());
            }
            pushes
        };
        service::dispatch(&shared, pushes);
    });
}

// ---------------------------------------------------------------------------------------
// GET /v2/update
// ---------------------------------------------------------------------------------------

pub(crate) async fn update(
    State(shared): AppState,
    query: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let query = match query {
        Ok(Query(q)) => q,
        Err(_) => return ApiError::new("Query string is malformed.").into_response(),
    };
    reply(update_inner(&shared, &query))
}

fn update_inner(
    shared: &Shared,
    query: &HashMap<String, String>,
) -> Result<UpdateResponse, ApiError> {
    let transaction_id = query
        .get("transaction_id")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::required("transaction_id"))?;
    let signature_key = query
        .get("signature_key")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::required("signature_key"))?;
    let (response, pushes) = {
        let mut db = shared.db();
        let idx = db
            .by_tx_id
            .get(transaction_id.as_str())
            .copied()
            .ok_or_else(|| ApiError::incorrect("transaction_id"))?;
        if !service::signature_matches(&db.txs[idx].signature_keys, signature_key) {
            return Err(ApiError::incorrect("signature_key"));
        }
        let pushes = service::touch(shared, &mut db, idx);
        let tx = &db.txs[idx];
        let account = service::account_of(&db, tx);
        let response = UpdateResponse {
            status: "OK".into(),
            message: "Confirmed order status. Valid!".into(),
            legal_name: account.map(|a| a.legal_name.clone()),
            fraud_status: Some(tx.fraud.clone()),
            order_id: tx.order_id.clone(),
            transaction_time: WireTime::Epoch(tx.transaction_time),
            amount: tx.amount,
            payment_type: tx.payment_type.clone(),
            transaction_status: tx.status(),
            transaction_id: tx.transaction_id.clone(),
            user_token: tx
                .user_token
                .clone()
                .filter(|_| tx.state == TxState::Settlement),
            sub_merchant_id: tx.sub_merchant_id.clone(),
        };
        (response, pushes)
    };
    service::dispatch(shared, pushes);
    Ok(response)
}

// ---------------------------------------------------------------------------------------
// POST /transaction/status, /v2/transaction/status
// ---------------------------------------------------------------------------------------

pub(crate) async fn transaction_status(
    State(shared): AppState,
    body: Body<TransactionStatusRequest>,
) -> Response {
    handle(&shared, body, status_inner)
}

fn status_inner(
    shared: &Shared,
    req: TransactionStatusRequest,
) -> Result<TransactionStatusResponse, ApiError> {
    let merchant = merchant(shared, &req.server_key)?;
    required(&req.order_id, "order_id")?;
    let (response, pushes) = {
        let mut db = shared.db();
        let idx = db
            .by_order
            .get(&(merchant, req.order_id.clone()))
            .copied()
            .ok_or_else(|| ApiError::incorrect("order_id"))?;
        let pushes = service::touch(shared, &mut db, idx);
        let tx = &db.txs[idx];
        let account = service::account_of(&db, tx);
        let m = &shared.settings.merchant;
        let response = TransactionStatusResponse {
            status: "OK".into(),
            message: format!("Transaction is {}", tx.status()),
            legal_name: account.map(|a| a.legal_name.clone()),
            fraud_status: Some(tx.fraud.clone()),
            order_id: tx.order_id.clone(),
            transaction_time: WireTime::Epoch(tx.transaction_time),
            external_userid: account.map(|a| a.external_userid.clone()),
            amount: tx.amount,
            payment_type: tx.payment_type.clone(),
            transaction_status: tx.status(),
            transaction_id: tx.transaction_id.clone(),
            payback_amount: Some(tx.remaining()),
            discount_amount: Some(Money::ZERO),
            items: Some(
                tx.items
                    .iter()
                    .filter_map(|i| serde_json::from_value::<WireItem>(i.clone()).ok())
                    .collect(),
            ),
            merchant: Some(WireMerchant {
                id: Some(m.id),
                name: Some(m.name.clone()),
                address: Some(m.address.clone()),
                url: Some(m.url.clone()),
                contact_person: Some(m.contact_person.clone()),
                contact_number: Some(m.contact_number.clone()),
                short_description: m.short_description.clone(),
                description: m.description.clone(),
            }),
            sub_merchant_id: tx.sub_merchant_id.clone(),
        };
        (response, pushes)
    };
    service::dispatch(shared, pushes);
    Ok(response)
}

// ---------------------------------------------------------------------------------------
// POST /v2/cancel_transaction
// ---------------------------------------------------------------------------------------

/// Doc 000's message when the amount exceeds what is left.
const TOO_LARGE: &str =
    "Cancellation amount bigger than remaining transaction amount that can be cancelled";

pub(crate) async fn cancel_transaction(
    State(shared): AppState,
    body: Body<CancelRequest>,
) -> Response {
    match body.and_then(|KJson(req)| cancel_inner(&shared, req)) {
        Ok(value) => Json(value).into_response(),
        Err(err) => err.into_response(),
    }
}

fn cancel_inner(shared: &Shared, req: CancelRequest) -> Result<Value, ApiError> {
    let merchant = merchant(shared, &req.server_key)?;
    required(&req.order_id, "order_id")?;
    required(&req.transaction_id, "transaction_id")?;
    required(&req.cancellation_reason, "cancellation_reason")?;
    required(&req.cancelled_by, "cancelled_by")?;
    let cancellation_date = match &req.cancellation_date {
        WireTime::Epoch(s) => s.to_string(),
        WireTime::Text(t) if !t.trim().is_empty() => t.clone(),
        WireTime::Text(_) => return Err(ApiError::required("cancellation_date")),
    };
    let (response, pushes) = {
        let mut db = shared.db();
        let idx = db
            .by_tx_id
            .get(req.transaction_id.as_str())
            .copied()
            .filter(|&i| db.txs[i].merchant == merchant)
            .ok_or_else(|| ApiError::incorrect("transaction_id"))?;
        if db.txs[idx].order_id != req.order_id {
            return Err(ApiError::incorrect("order_id"));
        }
        // Idempotency: the same cancellation_id gets the first answer again.
        if let Some(id) = req.cancellation_id.as_deref().filter(|i| !i.is_empty()) {
            if let Some(done) = db.txs[idx]
                .cancellations
                .iter()
                .find(|c| c.cancellation_id.as_deref() == Some(id))
            {
                return Ok(done.response.clone());
            }
        }
        let mut pushes = service::touch(shared, &mut db, idx);
        let now = shared.clock.unix_secs();
        let tx = &db.txs[idx];
        match tx.state {
            TxState::Settlement => {}
            // The cashier cancels a QR nobody has paid yet (the POS's cancel button). Doc 000
            // documents cancel for completed transactions only; voiding an unpaid QR the same
            // way is UNCONFIRMED. Only in full: there is nothing to refund in part.
            TxState::Pending if tx.source == Source::Qr => {
                if req.cancellation_amount.is_some_and(|a| a != tx.remaining()) {
                    return Err(ApiError::new(
                        "An unpaid QR transaction can only be cancelled in full.",
                    ));
                }
            }
            TxState::Cancel => {
                return Err(ApiError::new("Transaction is already cancelled.")
                    .code(1009)
                    .shape(Shape::Both)
                    .with("fraud_status", "deny"));
            }
            other => {
                return Err(ApiError::new(format!(
                    "Transaction can not be cancelled because it is {}.",
                    other.wire()
                )));
            }
        }
        let age = now.saturating_sub(tx.transaction_time);
        let window = i64::try_from(shared.settings.cancel_window.as_secs()).unwrap_or(i64::MAX);
        if age > window {
            return Err(ApiError::new(format!(
                "Transaction can not be cancelled after {} days.",
                window / 86_400
            )));
        }
        let fee_after =
            i64::try_from(shared.settings.cancel_fee_after.as_secs()).unwrap_or(i64::MAX);
        let remaining = tx.remaining();
        let amount = match req.cancellation_amount {
            None => remaining,
            Some(a) if a.is_zero() => {
                return Err(ApiError::new("Cancellation amount must be greater than 0."));
            }
            Some(a) if a > remaining => return Err(ApiError::new(TOO_LARGE).code(2415)),
            Some(a) => a,
        };
        let full = amount == remaining;
        let message = if req.cancellation_amount.is_none() {
            "Cancelled the transaction!"
        } else {
            "Succes cancelling transaction by amount"
        };
        if full {
            pushes.extend(
                service::transition(shared, &mut db, idx, TxState::Cancel, FraudStatus::Accept)
                    .map_err(|e| ApiError::new(e.to_string()))?,
            );
        } else {
            service::restore_limit(&mut db, idx, amount);
            let tx = &mut db.txs[idx];
            tx.cancelled_amount = tx
                .cancelled_amount
                .checked_add(amount)
                .map_err(|e| ApiError::new(e.to_string()))?;
        }
        let tx = &db.txs[idx];
        let response = CancelResponse {
            status: "OK".into(),
            message: message.into(),
            fraud_status: Some(tx.fraud.clone()),
            order_id: tx.order_id.clone(),
            transaction_time: WireTime::Epoch(tx.transaction_time),
            // UNCONFIRMED: doc 000's partial examples show what is left; its full examples
            // show the amount cancelled. The sandbox answers exactly that.
            amount: if full { amount } else { tx.remaining() },
            payment_type: tx.payment_type.clone(),
            transaction_status: tx.status(),
            transaction_id: tx.transaction_id.clone(),
            sub_merchant_id: tx.sub_merchant_id.clone(),
        };
        let response = serde_json::to_value(response).map_err(|e| ApiError::new(e.to_string()))?;
        db.txs[idx].cancellations.push(Cancellation {
            cancellation_id: req.cancellation_id.clone().filter(|i| !i.is_empty()),
            amount,
            reason: req.cancellation_reason.clone(),
            cancelled_by: req.cancelled_by.clone(),
            cancellation_date,
            fee_charged: age > fee_after,
            response: response.clone(),
        });
        (response, pushes)
    };
    service::dispatch(shared, pushes);
    Ok(response)
}

// ---------------------------------------------------------------------------------------
// Tokens: deactivate, credit details, connect
// ---------------------------------------------------------------------------------------

pub(crate) async fn deactive_user_token(
    State(shared): AppState,
    body: Body<DeactivateTokenRequest>,
) -> Response {
    handle(&shared, body, |shared, req| {
        let merchant = merchant(shared, &req.server_key)?;
        let mut db = shared.db();
        let token = db
            .tokens
            .get_mut(req.user_token.as_str())
            .filter(|t| t.merchant == merchant)
            .ok_or_else(|| ApiError::new("Invalid user_token"))?;
        token.is_active = false;
        Ok(DeactivateTokenResponse {
            status: "OK".into(),
            user_token: token.token.clone(),
            is_active: false,
            remarks: Some("deactive user successful".into()),
        })
    })
}

pub(crate) async fn get_user_credit_details(
    State(shared): AppState,
    body: Body<CreditDetailsRequest>,
) -> Response {
    handle(&shared, body, |shared, req| {
        let merchant = merchant(shared, &req.server_key)?;
        let db = shared.db();
        let account = service::active_token(&db, merchant, &req.user_token)
            .and_then(|t| db.account_index(&t.account))
            .map(|i| &db.accounts[i])
            .ok_or_else(|| ApiError::incorrect("user_token"))?;
        Ok(CreditDetailsResponse {
            status: "OK".into(),
            user_details: Some(UserDetails {
                legal_name: account.legal_name.clone(),
                mobile_number: masked_mobile(&account.phone),
            }),
            user_credit_details: UserCreditDetails {
                account_status: 1,
                account_type: i64::from(account.account_type),
                credit_limit_details: account
                    .limits
                    .iter()
                    .map(|(payment_type, left)| CreditLimitDetail {
                        payment_type: PaymentType::from(payment_type.as_str()),
                        remaining_user_limit: *left,
                    })
                    .collect(),
            },
        })
    })
}

/// `62812xxxx0581`, the doc's masking.
fn masked_mobile(phone: &str) -> String {
    let full = format!("62{phone}");
    let n = full.len();
    if n <= 9 {
        return full;
    }
    format!("{}xxxx{}", &full[..5], &full[n - 4..])
}

pub(crate) async fn connect(State(shared): AppState, body: Body<ConnectRequest>) -> Response {
    // Doc 000 shows connect errors flat: {"status":"ERROR","message":…}.
    match body.and_then(|KJson(req)| connect_inner(&shared, req)) {
        Ok(ok) => Json(ok).into_response(),
        Err(err) => err.shape(Shape::Flat).into_response(),
    }
}

fn connect_inner(shared: &Shared, req: ConnectRequest) -> Result<ConnectResponse, ApiError> {
    let merchant = merchant(shared, &req.server_key)?;
    required(&req.mobile_number, "mobile_number")?;
    required(&req.client_user_key, "client_user_key")?;
    http_url(&req.callback_url, "callback_url")?;
    http_url(&req.redirect_url, "redirect_url")?;
    let page_token = shared.ids.alnum(32);
    let mut db = shared.db();
    let idx = db.connects.len();
    db.connects.push(StoredConnect {
        page_token: page_token.clone(),
        merchant,
        mobile_number: req.mobile_number.clone(),
        client_user_key: req.client_user_key.clone(),
        callback_url: req.callback_url.clone(),
        redirect_url: req.redirect_url.clone(),
        step: Step::SignIn,
        account: None,
        user_token: None,
    });
    db.by_page.insert(page_token.clone(), PageRef::Connect(idx));
    Ok(ConnectResponse {
        status: "OK".into(),
        message: Some(String::new()),
        redirect_url: Some(format!("{}?tk={page_token}", shared.url("/v2/connect"))),
    })
}

// ---------------------------------------------------------------------------------------
// QR checkout: POST /offline/v1/init_checkout
// ---------------------------------------------------------------------------------------

pub(crate) async fn init_checkout(
    State(shared): AppState,
    body: Body<kredivo_providers::kredivo::qr::InitCheckoutRequest>,
) -> Response {
    handle(&shared, body, init_checkout_inner)
}

fn init_checkout_inner(
    shared: &Shared,
    req: kredivo_providers::kredivo::qr::InitCheckoutRequest,
) -> Result<Value, ApiError> {
    let merchant = merchant(shared, &req.server_key)?;
    if let Some(source) = req.source.as_deref() {
        if !source.eq_ignore_ascii_case("QR") {
            return Err(ApiError::incorrect("source"));
        }
    }
    required(&req.order_id, "order_id")?;
    required(
        req.sub_merchant_id.as_deref().unwrap_or(""),
        "sub_merchant_id",
    )?;
    http_url(&req.push_uri, "push_uri")?;
    let amount = pricing::validate_qr_cart(&req.order_id, req.amount, &req.items)?;
    // Doc 000 documents `expiration_time` for checkout_url only; honoured here for QR too
    // (UNCONFIRMED), so a POS can show a countdown that the sandbox really enforces.
    let now = shared.clock.unix_secs();
    let expires_at = match &req.expiration_time {
        None => None,
        Some(t) => match t.as_epoch() {
            Some(at) if at > now => Some(at),
            _ => return Err(ApiError::incorrect("expiration_time")),
        },
    };
    let tx = service::create(
        shared,
        NewTransaction {
            merchant,
            source: Source::Qr,
            order_id: req.order_id.clone(),
            amount,
            items: req
                .items
                .iter()
                .filter_map(|i| serde_json::to_value(i).ok())
                .collect(),
            payment_type: PaymentType::ThirtyDays,
            push_uri: Some(req.push_uri.clone()),
            back_to_store_uri: None,
            user_cancel_uri: None,
            tokenize_user: false,
            client_user_key: None,
            shipping_address: None,
            sub_merchant_id: req.sub_merchant_id.clone(),
            expires_at,
            account: None,
            user_token: None,
            step: Step::SignIn,
        },
    )
    .map_err(ApiError::new)?;
    Ok(json!({
        "status": "OK",
        "qr_image": shared.url(&format!("/offline/v1/qr/{}", tx.transaction_id)),
        "transaction_id": tx.transaction_id,
    }))
}

/// Unknown paths answer in Kredivo's error shape (HTTP 404, never an empty body).
pub(crate) async fn not_found() -> Response {
    let mut response = ApiError::new("Resource not found.").into_response();
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers_are_masked_like_doc_000() {
        assert_eq!(masked_mobile("81513114262"), "62815xxxx4262");
    }
}
