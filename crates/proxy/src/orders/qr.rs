//! QR checkout (issue 17; doc 000, "Initiate QR Checkout"): the merchant's POS server starts
//! one with its key, the POS screen shows the code and watches the order through an opaque
//! `qr_id`, the shopper pays in the Kredivo app, and the order settles through the ordinary
//! push → `/v2/update` → compare-and-set path (and its webhook).
//!
//! - Create: validated like a session's lines (the proxy adds them up: no amount is sent),
//!   stored with its order (`source` `QR`) in one transaction, then `init_checkout` with
//!   `source: "QR"`. Idempotent on the order id: the same body gets the same QR; another body
//!   a 409. An answer lost on the way back is not sent again: the provider's status API says
//!   whether it holds the transaction, and its image URL follows doc 000's pattern.
//! - Expiry: the proxy sends its expiry as `expiration_time` (UNCONFIRMED for QR; the sandbox
//!   honours it). Past it, a read of the QR (and the reconciler, which checks QR orders at
//!   their expiry) asks the provider: its final word is applied; a provider that still says
//!   pending [`EXPIRY_GRACE`] later is cancelled there (nobody may pay a code the POS shows as
//!   expired) and the order expired here.
//! - Cancel: the cashier's; a paid order is a refund (409), a cancelled one is returned as is.
//! - Image: the provider's SVG, fetched once from its `qr_image` URL and kept. Not rendered
//!   here: doc 000's API gives the image URL, not the code's payload.

use kredivo_api::merchant::CreateQr;
use kredivo_api::{ErrorCode, OrderStatus, QrView, API_PREFIX};
use kredivo_plan::Money;
use sha2::{Digest, Sha256};
use std::time::Duration;

use super::sessions::validate;
use super::settlement::apply_confirmed;
use crate::clock::RandomIds;
use crate::error::AppError;
use crate::gateway::{CancelOrder, GatewayError, ProviderStatus, QrCheckoutOrder};
use crate::store::{Change, NewEvent, NewOrder, OrderRecord, QrInsert, QrRecord, SOURCE_QR};
use crate::AppState;

/// How long past its expiry a QR the provider still calls pending is left for the provider
/// to expire itself (clock skew), before the proxy cancels it there.
pub const EXPIRY_GRACE: Duration = Duration::from_secs(30);

/// What `POST /qr` did.
#[derive(Debug)]
pub struct Created {
    /// The answer (201).
    pub view: QrView,
    /// A retry of an earlier create (same order id, same body).
    pub replayed: bool,
}

/// What a check of a QR order did (the reconciler counts it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// The provider's state was applied and moved the order.
    Changed,
    /// The order expired.
    Expired,
    /// Nothing moved.
    Unchanged,
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4)
}

/// Whether `order` is a QR checkout.
pub fn is_qr(order: &OrderRecord) -> bool {
    order.source.as_deref() == Some(SOURCE_QR)
}

/// When the reconciler should next look at a live QR order: no later than just after its
/// expiry, so nothing sticks on a POS screen.
pub fn next_check(order: &OrderRecord, proposed: i64, now: i64) -> i64 {
    match order.expires_at {
        Some(at) if is_qr(order) && now <= at => proposed.min(at.saturating_add(1000)),
        _ => proposed,
    }
}

/// The status a confirmed provider status is recorded as: a QR order cancelled at the
/// provider once past its expiry and [`EXPIRY_GRACE`] was voided by the proxy because it was
/// overdue (see [`view`]), so it is recorded as `expired` — also when the void's push arrives
/// before the void's own answer. Every other status is recorded as confirmed.
pub fn recorded_status(order: &OrderRecord, confirmed: OrderStatus, now: i64) -> OrderStatus {
    let overdue = order
        .expires_at
        .is_some_and(|at| now >= at.saturating_add(ms(EXPIRY_GRACE)));
    let live = matches!(order.status, OrderStatus::Created | OrderStatus::Pending);
    if is_qr(order) && confirmed == OrderStatus::Cancelled && live && overdue {
        OrderStatus::Expired
    } else {
        confirmed
    }
}

/// `POST /api/kredivo/v1/qr`.
pub async fn create(state: &AppState, body: CreateQr) -> Result<Created, AppError> {
    let gateway = state.gateway();
    if !gateway.supports_qr() {
        return Err(AppError::invalid(format!(
            "QR checkout needs GATEWAY=kredivo (Kredivo direct); the {} gateway has no QR checkout.",
            gateway.name()
        )));
    }
    let valid =
        validate::qr(&body, state.config().qr_sub_merchant_id.as_deref()).map_err(|details| {
            AppError::InvalidRequest {
                message: "The QR checkout has fields Kredivo cannot accept; see details.".into(),
                details,
            }
        })?;
    let canonical = serde_json::to_vec(&body).map_err(|e| AppError::Internal(e.to_string()))?;
    let request_hash = hex::encode(Sha256::digest(&canonical));
    let now = state.clock().now_millis();
    let order_id = body
        .order_id
        .clone()
        .unwrap_or_else(|| state.ids().order_id());
    let expires_at = now.saturating_add(valid.ttl_secs.saturating_mul(1000));
    let qr = QrRecord {
        // 26 base-32 characters: 130 random bits.
        qr_id: RandomIds.id_with_len("qr", 26),
        order_id: order_id.clone(),
        request_hash: request_hash.clone(),
        sub_merchant_id: valid.sub_merchant_id.clone(),
        language: valid.language.clone(),
        qr_image: None,
        svg: None,
        created_at: now,
        expires_at,
    };
    let reconcile_after = ms(state.config().reconcile_after);
    let order = OrderRecord {
        order_id: order_id.clone(),
        idempotency_key: format!("qr:{order_id}"),
        fingerprint: format!("qr|{request_hash}"),
        cart_id: None,
        // The shopper picks the tenure in the app; the provider's confirmation fills it in.
        payment_type: String::new(),
        amount: valid.amount,
        cancelled_amount: Money::ZERO,
        currency: "IDR".into(),
        status: OrderStatus::Created,
        gateway: gateway.name().to_owned(),
        transaction_id: None,
        redirect_url: None,
        last_error: None,
        lease_until: None,
        created_at: now,
        updated_at: now,
        session_id: None,
        reference: None,
        shopper: None,
        expires_at: Some(expires_at),
        next_check_at: Some(
            now.saturating_add(reconcile_after)
                .min(expires_at.saturating_add(1000)),
        ),
        checks: 0,
        source: Some(SOURCE_QR.to_owned()),
    };
    let (items, fees) = lines(state, &body);
    let new = NewOrder {
        order,
        lines: super::sessions::line_records(&items, &fees),
    };
    let (qr, replayed) = match state.store().insert_qr(&new, &qr).await? {
        QrInsert::Inserted => (qr, false),
        QrInsert::Existing(existing) if existing.request_hash == request_hash => {
            (*existing, true)
        }
        QrInsert::Existing(_) => {
            return Err(AppError::Conflict {
                code: ErrorCode::IdempotencyConflict,
                message: format!(
                    "Order {order_id} already has a QR checkout with a different body; use a new order id."
                ),
            })
        }
        QrInsert::OrderIdTaken => {
            return Err(AppError::Conflict {
                code: ErrorCode::OrderConflict,
                message: format!("Order id {order_id} is already used by another order."),
            })
        }
    };
    start(state, &qr).await?;
    let view = view_of(state, &qr).await?;
    Ok(Created { view, replayed })
}

/// The body's lines as the provider gets them (a session's rules: a product line without a
/// `type` is `Product`, without a `url` the proxy's own).
fn lines(
    state: &AppState,
    body: &CreateQr,
) -> (
    Vec<crate::gateway::GatewayItem>,
    Vec<crate::gateway::GatewayFee>,
) {
    let fallback_url = state.config().public_url("/");
    let items = body
        .items
        .iter()
        .map(|i| crate::gateway::GatewayItem {
            id: i.id.clone(),
            name: i.name.clone(),
            // Validated above.
            unit_price: Money::try_from(i.price).unwrap_or(Money::ZERO),
            quantity: i.quantity,
            category: i.item_type.clone().unwrap_or_else(|| "Product".into()),
            url: i.url.clone().unwrap_or_else(|| fallback_url.clone()),
            image_url: i.image_url.clone(),
            parent_type: None,
            parent_id: None,
        })
        .collect();
    let fees = body
        .fees
        .iter()
        .map(|f| crate::gateway::GatewayFee {
            id: f.id.clone(),
            name: f.name.clone(),
            price: Money::try_from(f.price).unwrap_or(Money::ZERO),
            subtracted: kredivo_plan::ItemKind::from_id(&f.id).is_subtracted(),
            parent_type: f.parent_type.clone(),
            parent_id: f.parent_id.clone(),
        })
        .collect();
    (items, fees)
}

async fn order_of(state: &AppState, qr: &QrRecord) -> Result<OrderRecord, AppError> {
    state
        .store()
        .order(&qr.order_id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("order {} vanished", qr.order_id)))
}

/// Brings a stored QR order to the provider, once: exactly one caller holds the order's
/// checkout lease and calls `init_checkout`; a retry after a lost answer asks the provider
/// first.
async fn start(state: &AppState, qr: &QrRecord) -> Result<(), AppError> {
    super::checkout::under_checkout_lease(
        state,
        &qr.order_id,
        "init_checkout",
        |order| (order.status != OrderStatus::Created).then_some(()),
        async |order| start_claimed(state, qr, &order).await,
    )
    .await
}

async fn start_claimed(
    state: &AppState,
    qr: &QrRecord,
    order: &OrderRecord,
) -> Result<(), AppError> {
    let store = state.store();
    let gateway = state.gateway();
    let now = || state.clock().now_millis();
    if order.last_error.is_some() {
        // An earlier attempt failed, perhaps only on the way back: the provider may hold the
        // transaction already. Sending it again would make a second one (or be refused).
        match gateway.status(&order.order_id).await {
            Ok(ps) if ps.order_id == order.order_id => {
                let image = ps
                    .transaction_id
                    .as_deref()
                    .and_then(|t| gateway.qr_image_url(t));
                store
                    .set_qr_image(&qr.qr_id, image.as_deref(), None)
                    .await?;
                let detail = format!(
                    "retry: the provider already has this QR transaction ({}); not sent again",
                    ps.raw_status
                );
                let event = NewEvent::new(now(), "checkout_started", detail);
                store
                    .checkout_started(&order.order_id, None, ps.transaction_id.as_deref(), &event)
                    .await?;
                if ps.status != Some(OrderStatus::Pending) {
                    apply_confirmed(state, &ps, "QR create retry").await?;
                }
                return Ok(());
            }
            // Not known there (or the provider will not say): creating it is safe.
            Ok(_) | Err(GatewayError::Rejected { .. }) => {}
            Err(e) => {
                let event = NewEvent::new(
                    now(),
                    "checkout_failed",
                    format!("retry: status check: {e}"),
                );
                store.checkout_failed(&order.order_id, &event).await?;
                return Err(e.into());
            }
        }
    }
    let request = qr_request(state, qr, order).await?;
    match gateway.start_qr(&request).await {
        Ok(started) => {
            store
                .set_qr_image(&qr.qr_id, Some(&started.qr_image), None)
                .await?;
            let event = NewEvent::new(now(), "checkout_started", "QR code issued");
            store
                .checkout_started(&order.order_id, None, Some(&started.transaction_id), &event)
                .await?;
            Ok(())
        }
        Err(e) => {
            let event = NewEvent::new(now(), "checkout_failed", e.to_string());
            store.checkout_failed(&order.order_id, &event).await?;
            Err(e.into())
        }
    }
}

/// The provider's request, rebuilt from the stored order lines (so a retry sends exactly the
/// first request).
async fn qr_request(
    state: &AppState,
    qr: &QrRecord,
    order: &OrderRecord,
) -> Result<QrCheckoutOrder, AppError> {
    let stored = state.store().order_lines(&order.order_id).await?;
    let fallback_url = state.config().public_url("/");
    let mut items = Vec::new();
    let mut fees = Vec::new();
    for line in stored {
        if line.category == "Fee" && validate::FEE_IDS.contains(&line.product_id.as_str()) {
            fees.push(crate::gateway::GatewayFee {
                subtracted: kredivo_plan::ItemKind::from_id(&line.product_id).is_subtracted(),
                id: line.product_id,
                name: line.name,
                price: line.unit_price,
                parent_type: None,
                parent_id: None,
            });
        } else {
            items.push(crate::gateway::GatewayItem::product(
                line.product_id,
                line.name,
                line.unit_price,
                line.quantity,
                line.category,
                fallback_url.clone(),
            ));
        }
    }
    Ok(QrCheckoutOrder {
        order_id: order.order_id.clone(),
        amount: order.amount,
        items,
        fees,
        sub_merchant_id: qr.sub_merchant_id.clone(),
        push_uri: state.config().public_url(&format!("{API_PREFIX}/push")),
        expires_at_secs: qr.expires_at.div_euclid(1000),
    })
}

/// A `qr_id` as issued: `qr_` and base-32 characters. Anything else is not looked up.
fn shaped(qr_id: &str) -> bool {
    (8..=64).contains(&qr_id.len())
        && qr_id.starts_with("qr_")
        && qr_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

async fn open(state: &AppState, qr_id: &str) -> Result<QrRecord, AppError> {
    if !shaped(qr_id) {
        return Err(AppError::NotFound("QR checkout"));
    }
    state
        .store()
        .qr(qr_id)
        .await?
        .ok_or(AppError::NotFound("QR checkout"))
}

async fn view_of(state: &AppState, qr: &QrRecord) -> Result<QrView, AppError> {
    let order = order_of(state, qr).await?;
    let now = state.clock().now_millis();
    let left_ms = if order.status.is_final() {
        0
    } else {
        qr.expires_at.saturating_sub(now).max(0)
    };
    Ok(QrView {
        qr_id: qr.qr_id.clone(),
        order_id: order.order_id,
        status: order.status,
        amount: order.amount.as_decimal(),
        currency: order.currency,
        expires_at: kredivo_providers::time::iso_utc(qr.expires_at.div_euclid(1000)),
        // Rounded up: 0 only once the time is really over.
        seconds_left: left_ms.saturating_add(999) / 1000,
        language: qr.language.clone(),
        qr_image_url: state
            .config()
            .public_url(&format!("{API_PREFIX}/qr/{}/image.svg", qr.qr_id)),
    })
}

/// `GET /api/kredivo/v1/qr/{qr_id}`: the QR as the POS screen polls it. A live order past
/// its expiry is settled with the provider first, so the screen never shows a stale code.
pub async fn view(state: &AppState, qr_id: &str) -> Result<QrView, AppError> {
    let qr = open(state, qr_id).await?;
    let order = order_of(state, &qr).await?;
    let now = state.clock().now_millis();
    if !order.status.is_final() && now >= qr.expires_at {
        if let Err(e) = settle_expiry(state, &order, now).await {
            // The screen keeps polling; the reconciler tries again too.
            tracing::warn!(order_id = %order.order_id, error = %crate::error::cause_chain(&e), "QR expiry check failed");
        }
    }
    view_of(state, &qr).await
}

/// Applies the provider's word on a live QR order past its expiry; expires it (voiding it at
/// the provider first) when the provider still calls it pending after [`EXPIRY_GRACE`].
async fn settle_expiry(
    state: &AppState,
    order: &OrderRecord,
    now: i64,
) -> Result<Checked, AppError> {
    let expires_at = order.expires_at.unwrap_or(now);
    match confirmed_status(state, &order.order_id).await {
        Ok(ps) => {
            let before = order.status;
            apply_confirmed(state, &ps, "QR expiry check").await?;
            let after = order_of_id(state, &order.order_id).await?.status;
            if after.is_final() {
                return Ok(if after == OrderStatus::Expired {
                    Checked::Expired
                } else if after != before {
                    Checked::Changed
                } else {
                    Checked::Unchanged
                });
            }
            if now < expires_at.saturating_add(ms(EXPIRY_GRACE)) {
                return Ok(Checked::Unchanged);
            }
            // Still payable at the provider after our expiry and the grace: void it there,
            // so nobody pays a code the POS shows as expired.
            let transaction_id = ps
                .transaction_id
                .clone()
                .or_else(|| order.transaction_id.clone());
            if let Some(transaction_id) = transaction_id {
                let voided =
                    void(state, order, &transaction_id, "QR code expired", "proxy").await?;
                // Recorded as expired (`recorded_status`); anything else the provider says
                // (paid at the last moment) as it says.
                apply_confirmed(state, &voided, "QR expiry void").await?;
                let after = order_of_id(state, &order.order_id).await?.status;
                if after != OrderStatus::Expired && after.is_final() {
                    return Ok(Checked::Changed);
                }
            }
        }
        // The provider does not know it: its create never got there; nobody can pay it.
        Err(GatewayError::Rejected { .. }) if order.status == OrderStatus::Created => {}
        Err(e) => return Err(e.into()),
    }
    let event = NewEvent::new(
        state.clock().now_millis(),
        "status",
        "QR code expired: not paid at the provider by its expiry",
    );
    state
        .store()
        .transition(&order.order_id, OrderStatus::Expired, None, &event)
        .await?;
    Ok(Checked::Expired)
}

async fn order_of_id(state: &AppState, order_id: &str) -> Result<OrderRecord, AppError> {
    state
        .store()
        .order(order_id)
        .await?
        .ok_or(AppError::NotFound("order"))
}

async fn confirmed_status(
    state: &AppState,
    order_id: &str,
) -> Result<ProviderStatus, GatewayError> {
    let ps = state.gateway().status(order_id).await?;
    if ps.order_id != order_id {
        return Err(GatewayError::Malformed {
            operation: "transaction_status",
            reason: format!("asked about {order_id}, answered about {}", ps.order_id),
        });
    }
    Ok(ps)
}

/// Cancels an unpaid QR transaction in full at the provider.
async fn void(
    state: &AppState,
    order: &OrderRecord,
    transaction_id: &str,
    reason: &str,
    by: &str,
) -> Result<ProviderStatus, AppError> {
    let cancel = CancelOrder {
        order_id: order.order_id.clone(),
        transaction_id: transaction_id.to_owned(),
        amount: None,
        reason: reason.to_owned(),
        cancelled_by: by.to_owned(),
        at_epoch_secs: state.clock().now_millis().div_euclid(1000),
        cancellation_id: state.ids().id("cancel"),
    };
    Ok(state.gateway().cancel(&cancel).await?)
}

/// `POST /api/kredivo/v1/qr/{qr_id}/cancel`: the cashier voids an unpaid QR. A cancelled (or
/// otherwise finished) one is returned as is; a paid one is a 409 (that is a refund).
pub async fn cancel(state: &AppState, qr_id: &str) -> Result<QrView, AppError> {
    let qr = open(state, qr_id).await?;
    cancel_qr(state, qr).await
}

/// The admin's cancel of a QR order that is not paid yet (`POST /admin/orders/{id}/cancel`
/// cancels paid orders; an unpaid QR is voided exactly as the cashier would).
pub async fn cancel_order(state: &AppState, order_id: &str) -> Result<QrView, AppError> {
    let qr = state
        .store()
        .qr_by_order(order_id)
        .await?
        .ok_or(AppError::NotFound("QR checkout"))?;
    cancel_qr(state, qr).await
}

async fn cancel_qr(state: &AppState, qr: QrRecord) -> Result<QrView, AppError> {
    let mut order = order_of(state, &qr).await?;
    let now = state.clock().now_millis();
    if !order.status.is_final() && now >= qr.expires_at {
        // Overdue: it expires (as the POS would show on its next poll), it is not cancelled.
        settle_expiry(state, &order, now).await?;
        order = order_of(state, &qr).await?;
    }
    if !order.status.is_final() {
        // The provider's word first: the shopper may have just paid.
        match confirmed_status(state, &order.order_id).await {
            Ok(ps) => {
                apply_confirmed(state, &ps, "QR cancel check").await?;
            }
            Err(GatewayError::Rejected { .. }) if order.status == OrderStatus::Created => {}
            Err(e) => return Err(e.into()),
        }
        order = order_of(state, &qr).await?;
    }
    match order.status {
        OrderStatus::Settled => {
            return Err(AppError::Conflict {
                code: ErrorCode::OrderConflict,
                message: format!(
                    "This QR checkout is already paid; cancelling it is a refund \
                     (POST /api/kredivo/v1/admin/orders/{}/cancel).",
                    order.order_id
                ),
            })
        }
        s if s.is_final() => return view_of(state, &qr).await,
        _ => {}
    }
    let now = state.clock().now_millis();
    let event = match order.transaction_id.clone() {
        Some(transaction_id) => {
            let ps = void(
                state,
                &order,
                &transaction_id,
                "Cancelled at the till",
                "POS",
            )
            .await?;
            if ps.status != Some(OrderStatus::Cancelled) {
                apply_confirmed(state, &ps, "QR cancel").await?;
                return match order_of(state, &qr).await?.status {
                    OrderStatus::Settled => Err(AppError::Conflict {
                        code: ErrorCode::OrderConflict,
                        message: "This QR checkout was paid meanwhile; cancelling it is a refund."
                            .into(),
                    }),
                    _ => view_of(state, &qr).await,
                };
            }
            NewEvent::new(
                now,
                "cancelled",
                format!("QR cancelled at the till (provider: {})", ps.raw_status),
            )
        }
        // Never reached the provider: nothing to void there.
        None => NewEvent::new(
            now,
            "cancelled",
            "QR cancelled at the till before the provider had it",
        ),
    };
    let outcome = state
        .store()
        .apply_change(
            &order.order_id,
            &Change::to(
                OrderStatus::Cancelled,
                order.transaction_id.as_deref(),
                &event,
            ),
        )
        .await?;
    if !matches!(outcome, crate::store::TransitionOutcome::Applied { .. }) {
        // The provider's push of this very cancel got there first.
        state.store().append_event(&order.order_id, &event).await?;
    }
    view_of(state, &qr).await
}

/// `GET /api/kredivo/v1/qr/{qr_id}/image.svg`: the provider's QR image, fetched once and kept.
pub async fn image(state: &AppState, qr_id: &str) -> Result<String, AppError> {
    let qr = open(state, qr_id).await?;
    if let Some(svg) = qr.svg {
        return Ok(svg);
    }
    let order = order_of(state, &qr).await?;
    let gateway = state.gateway();
    let url = qr
        .qr_image
        .clone()
        .or_else(|| {
            order
                .transaction_id
                .as_deref()
                .and_then(|t| gateway.qr_image_url(t))
        })
        .ok_or(AppError::NotFound("QR image"))?;
    let svg = gateway.qr_image(&url, &order.order_id).await?;
    state
        .store()
        .set_qr_image(&qr.qr_id, None, Some(&svg))
        .await?;
    Ok(svg)
}

/// The reconciler's check of a live QR order: its expiry once due, the provider's state
/// otherwise.
pub async fn reconcile(
    state: &AppState,
    order: &OrderRecord,
    now: i64,
) -> Result<Checked, AppError> {
    if order.expires_at.is_some_and(|at| now >= at) {
        return settle_expiry(state, order, now).await;
    }
    match confirmed_status(state, &order.order_id).await {
        Ok(ps) => {
            let applied = apply_confirmed(state, &ps, "reconciler").await?;
            Ok(
                if matches!(
                    applied,
                    super::Applied::Transition {
                        outcome: crate::store::TransitionOutcome::Applied { .. }
                    }
                ) {
                    Checked::Changed
                } else {
                    Checked::Unchanged
                },
            )
        }
        Err(GatewayError::Rejected { .. }) => Ok(Checked::Unchanged),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qr_order(status: OrderStatus, expires_at: i64) -> OrderRecord {
        OrderRecord {
            order_id: "POS-1".into(),
            idempotency_key: "qr:POS-1".into(),
            fingerprint: String::new(),
            cart_id: None,
            payment_type: String::new(),
            amount: Money::from_rupiah(1_000),
            cancelled_amount: Money::ZERO,
            currency: "IDR".into(),
            status,
            gateway: "kredivo".into(),
            transaction_id: None,
            redirect_url: None,
            last_error: None,
            lease_until: None,
            created_at: 0,
            updated_at: 0,
            session_id: None,
            reference: None,
            shopper: None,
            expires_at: Some(expires_at),
            next_check_at: None,
            checks: 0,
            source: Some(SOURCE_QR.into()),
        }
    }

    #[test]
    fn only_a_void_of_an_overdue_live_qr_is_recorded_as_expired() {
        let grace = ms(EXPIRY_GRACE);
        let pending = qr_order(OrderStatus::Pending, 10_000);
        let cancelled = OrderStatus::Cancelled;
        let rows = [
            (
                &pending,
                cancelled,
                10_000 + grace,
                OrderStatus::Expired,
                "overdue void",
            ),
            (
                &pending,
                cancelled,
                10_000,
                cancelled,
                "the cashier, within the grace",
            ),
            (
                &pending,
                OrderStatus::Settled,
                10_000 + grace,
                OrderStatus::Settled,
                "paid",
            ),
        ];
        for (order, confirmed, now, want, why) in rows {
            assert_eq!(recorded_status(order, confirmed, now), want, "{why}");
        }
        let settled = qr_order(OrderStatus::Settled, 10_000);
        assert_eq!(
            recorded_status(&settled, cancelled, 10_000 + grace),
            cancelled,
            "a refund of a paid QR stays a cancel"
        );
        let web = OrderRecord {
            source: None,
            ..qr_order(OrderStatus::Pending, 10_000)
        };
        assert_eq!(recorded_status(&web, cancelled, 10_000 + grace), cancelled);
    }

    #[test]
    fn only_issued_handles_are_looked_up() {
        assert!(shaped("qr_0123456789ABCDEFGHJKMNPQRS"));
        for bad in [
            "",
            "qr_",
            "ses_0123456789ABCDEF",
            "qr_../../etc",
            "qr_a b c d e",
        ] {
            assert!(!shaped(bad), "{bad:?}");
        }
    }
}
