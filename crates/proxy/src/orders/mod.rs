//! The order service: pricing, checkout, confirmed status changes, cancellation. Shared by
//! the HTTP handlers and the admin CLI, so both follow exactly the same rules.
//!
//! Map: [`sessions`] (merchant-created checkouts), `quote` (pricing carts, payment types),
//! `checkout` (orders and the provider's checkout), `settlement` (confirmed status
//! changes, refresh, cancel), `notifications` (provider pushes), [`qr`] (QR checkout on a POS
//! screen).

mod checkout;
mod notifications;
pub mod qr;
mod quote;
pub mod sessions;
mod settlement;

pub use checkout::{checkout, ClientInfo};
pub use notifications::{handle_notification, NotificationOutcome};
pub use quote::{
    catalogue, check_kredivo_limits, payment_types, plan_view, price_cart, resolve_cart,
    CachedPlans, PricedCart, MAX_BADGE_AMOUNT,
};
pub use settlement::{apply_confirmed, cancel, refresh, Applied};

use kredivo_api::OrderView;
use serde::Serialize;

use crate::error::AppError;
use crate::store::{
    EventRecord, LineRecord, NotificationRecord, OrderRecord, ProviderCall, WebhookFilter,
    WebhookRecord,
};
use crate::AppState;

/// `GET /orders/{id}`.
pub async fn order_view(state: &AppState, order_id: &str) -> Result<OrderView, AppError> {
    let order = state
        .store()
        .order(order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    Ok(OrderView {
        order_id: order.order_id,
        status: order.status,
        amount: order.amount.as_decimal(),
        payment_type: order.payment_type,
    })
}

/// An order with everything stored about it, for the admin API and CLI.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderDetail {
    /// The order.
    pub order: OrderRecord,
    /// Its lines.
    pub lines: Vec<LineRecord>,
    /// Its event log, oldest first.
    pub events: Vec<EventRecord>,
    /// Notifications about it.
    pub notifications: Vec<NotificationRecord>,
    /// Provider calls about it.
    pub provider_calls: Vec<ProviderCall>,
    /// Webhooks about it, with where their delivery stands.
    pub webhooks: Vec<WebhookRecord>,
}

/// Everything about one order.
pub async fn order_detail(state: &AppState, order_id: &str) -> Result<OrderDetail, AppError> {
    let store = state.store();
    let order = store
        .order(order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    Ok(OrderDetail {
        lines: store.order_lines(order_id).await?,
        events: store.events(order_id).await?,
        notifications: store.notifications(Some(order_id)).await?,
        provider_calls: store.calls(Some(order_id)).await?,
        webhooks: store
            .webhooks(&WebhookFilter {
                order_id: Some(order_id.to_owned()),
                ..WebhookFilter::default()
            })
            .await?,
        order,
    })
}
