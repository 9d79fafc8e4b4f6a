//! Checkout: an order stored once per idempotency key, and the provider's checkout started
//! by exactly one caller (a lease in the store), also across concurrent requests and
//! replicas.

use std::time::{Duration, Instant};

use kredivo_api::{is_valid_idempotency_key, CheckoutRequest, CheckoutResponse, OrderStatus};
use kredivo_plan::{Money, PaymentType};
use reqwest::Url;

use crate::error::AppError;
use crate::gateway::{CheckoutOrder, GatewayError};
use crate::store::{InsertOutcome, NewEvent, NewOrder, OrderRecord};
use crate::AppState;

use super::quote::{cached_plans, check_kredivo_limits, gateway_items, price_cart, resolve_cart};

pub(super) fn parse_payment_type(raw: &str) -> Result<PaymentType, AppError> {
    let ok = !raw.is_empty()
        && raw.len() <= 32
        && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !ok {
        return Err(AppError::InvalidRequest {
            message: "Unknown payment type.".into(),
            details: vec!["payment_type: 1-32 of [A-Za-z0-9_]".into()],
        });
    }
    Ok(raw.parse().unwrap_or_else(|never| match never {}))
}

fn checkout_response(order: &OrderRecord) -> CheckoutResponse {
    let live = matches!(order.status, OrderStatus::Created | OrderStatus::Pending);
    CheckoutResponse {
        order_id: order.order_id.clone(),
        status: order.status,
        redirect_url: order.redirect_url.clone().filter(|_| live),
    }
}

/// `POST /checkout`: prices the cart, stores the order, starts the provider checkout once
/// per idempotency key (also across concurrent requests and replicas).
pub async fn checkout(
    state: &AppState,
    req: CheckoutRequest,
) -> Result<CheckoutResponse, AppError> {
    if !is_valid_idempotency_key(&req.idempotency_key) {
        return Err(AppError::InvalidRequest {
            message: "The idempotency key is missing or malformed.".into(),
            details: vec!["idempotency_key: 8 to 64 of [A-Za-z0-9_-]".into()],
        });
    }
    let payment_type = parse_payment_type(&req.payment_type)?;
    let (lines, cart_id) = resolve_cart(state, req.cart, req.cart_id).await?;
    let priced = price_cart(state, &lines)?;
    let fingerprint = format!("{}|{}", payment_type.as_str(), priced.canonical);
    let store = state.store();

    let order = match store.order_by_idempotency_key(&req.idempotency_key).await? {
        Some(existing) => existing,
        None => {
            // The provider decides eligibility, but asking first (usually a cache hit: the
            // widget fetched these plans a moment ago) gives the shopper a clear 422.
            check_kredivo_limits(&priced)?;
            let plans = cached_plans(
                state,
                format!("cart:{}", priced.canonical),
                priced.total,
                || Ok(gateway_items(state, &priced.lines)),
            )
            .await?;
            if !plans
                .response
                .plans
                .iter()
                .any(|p| p.payment_type == payment_type.as_str())
            {
                return Err(AppError::Ineligible(format!(
                    "{} is not offered for an amount of {}.",
                    payment_type.as_str(),
                    priced.total
                )));
            }
            let now = state.clock().now_millis();
            let record = OrderRecord {
                order_id: state.ids().order_id(),
                idempotency_key: req.idempotency_key.clone(),
                fingerprint: fingerprint.clone(),
                cart_id,
                payment_type: payment_type.as_str().to_owned(),
                amount: priced.total,
                cancelled_amount: Money::ZERO,
                currency: "IDR".into(),
                status: OrderStatus::Created,
                gateway: state.gateway().name().to_owned(),
                transaction_id: None,
                redirect_url: None,
                last_error: None,
                lease_until: None,
                created_at: now,
                updated_at: now,
                session_id: None,
                reference: None,
                shopper: None,
            };
            let new = NewOrder {
                order: record.clone(),
                lines: priced.lines.clone(),
            };
            match store.insert_order(&new).await? {
                InsertOutcome::Inserted => record,
                InsertOutcome::Existing(existing) => *existing,
            }
        }
    };
    if order.fingerprint != fingerprint {
        return Err(AppError::InvalidRequest {
            message: "This idempotency key was already used for a different cart or payment type."
                .into(),
            details: vec!["idempotency_key: reused with a different cart".into()],
        });
    }
    drive_checkout(state, &order.order_id).await
}

/// Brings an order to `pending` with its redirect, or reports why not. Exactly one caller
/// holds the lease and calls the provider; the others wait for its result.
async fn drive_checkout(state: &AppState, order_id: &str) -> Result<CheckoutResponse, AppError> {
    let timeout = state.config().upstream_timeout;
    let deadline = Instant::now() + timeout.saturating_mul(2) + Duration::from_secs(5);
    let lease_ms = i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX / 4) + 5_000;
    loop {
        let order = state
            .store()
            .order(order_id)
            .await?
            .ok_or_else(|| AppError::Internal(format!("order {order_id} vanished")))?;
        if order.status != OrderStatus::Created || order.redirect_url.is_some() {
            return Ok(checkout_response(&order));
        }
        let now = state.clock().now_millis();
        if state
            .store()
            .claim_checkout(order_id, now, now.saturating_add(lease_ms))
            .await?
        {
            return start_checkout(state, &order).await;
        }
        if Instant::now() >= deadline {
            return Err(GatewayError::Timeout {
                operation: "checkout_url",
                timeout_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
            }
            .into());
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn start_checkout(
    state: &AppState,
    order: &OrderRecord,
) -> Result<CheckoutResponse, AppError> {
    let store = state.store();
    let config = state.config();
    let lines = store.order_lines(&order.order_id).await?;
    let request = CheckoutOrder {
        order_id: order.order_id.clone(),
        amount: order.amount,
        payment_type: parse_payment_type(&order.payment_type)?,
        items: gateway_items(state, &lines),
        shopper: state.catalogue().shopper(order.cart_id.as_deref()),
        push_uri: config.public_url(&format!("{}/push", kredivo_api::API_PREFIX)),
        back_to_store_uri: config.public_url("/kredivo/return"),
    };
    let now = || state.clock().now_millis();
    let started = match state.gateway().create_checkout(&request).await {
        Ok(started) => started,
        Err(e) => {
            let event = NewEvent::new(now(), "checkout_failed", e.to_string());
            store.checkout_failed(&order.order_id, &event).await?;
            return Err(e.into());
        }
    };
    if let Some(url) = &started.redirect_url {
        let parsed = Url::parse(url).ok();
        if !parsed.as_ref().is_some_and(|u| config.redirect_allowed(u)) {
            let host = parsed
                .as_ref()
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_else(|| "(unparsable)".into());
            let e = GatewayError::RedirectNotAllowed { host };
            let event = NewEvent::new(now(), "checkout_failed", e.to_string());
            store.checkout_failed(&order.order_id, &event).await?;
            return Err(e.into());
        }
    }
    let detail = match &started.redirect_url {
        Some(_) => "redirect issued".to_owned(),
        None => "express checkout: no redirect, waiting for the notification".to_owned(),
    };
    let event = NewEvent::new(now(), "checkout_started", detail);
    store
        .checkout_started(
            &order.order_id,
            started.redirect_url.as_deref(),
            started.transaction_id.as_deref(),
            &event,
        )
        .await?;
    let order = store
        .order(&order.order_id)
        .await?
        .ok_or_else(|| AppError::Internal("order vanished".into()))?;
    Ok(checkout_response(&order))
}
