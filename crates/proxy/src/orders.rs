//! The order service: pricing, checkout, confirmed status changes, cancellation. Shared by
//! the HTTP handlers and the admin CLI, so both follow exactly the same rules.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use kredivo_api::{
    is_valid_idempotency_key, CartLine, CheckoutRequest, CheckoutResponse, OrderStatus, OrderView,
    PaymentTypesRequest, PaymentTypesResponse, PlanView, MAX_CART_LINES, MAX_QUANTITY,
};
use kredivo_plan::{validate_order, Cart, LineItem, Locale, Money, PaymentType, Plan};
use reqwest::Url;
use serde::Serialize;
use std::sync::Arc;

use crate::error::AppError;
use crate::gateway::{
    CancelOrder, CheckoutOrder, GatewayError, GatewayItem, PlansQuery, ProviderStatus,
};
use crate::store::{
    EventRecord, InsertOutcome, LineRecord, NewEvent, NewOrder, NotificationRecord, OrderRecord,
    ProviderCall, StoreError, TransitionOutcome,
};
use crate::AppState;

/// Largest amount a badge may ask about (Rp 1 trillion): far above any Kredivo limit, far
/// below anything that could overflow.
pub const MAX_BADGE_AMOUNT: Money = Money::from_rupiah(1_000_000_000_000);

/// A cart priced from the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedCart {
    /// Lines in the order the shopper added them (duplicates merged).
    pub lines: Vec<LineRecord>,
    /// The sum.
    pub total: Money,
    /// `id*qty` pairs sorted by id: equal carts have equal canonical forms.
    pub canonical: String,
}

/// Prices `lines` from the catalogue, checking the widget protocol's limits.
pub fn price_cart(state: &AppState, lines: &[CartLine]) -> Result<PricedCart, AppError> {
    let mut details = Vec::new();
    if lines.is_empty() {
        return Err(AppError::InvalidCart {
            message: "The cart is empty.".into(),
            details: vec!["cart: at least one line is required".into()],
        });
    }
    if lines.len() > MAX_CART_LINES {
        return Err(AppError::InvalidCart {
            message: format!("A cart has at most {MAX_CART_LINES} lines."),
            details: vec![format!("cart: {} lines", lines.len())],
        });
    }
    // Merge duplicate ids, keeping first-seen order.
    let mut merged: Vec<(String, u64)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.quantity == 0 || line.quantity > MAX_QUANTITY {
            details.push(format!("cart[{i}].quantity: must be 1 to {MAX_QUANTITY}"));
            continue;
        }
        match merged.iter_mut().find(|(id, _)| *id == line.product_id) {
            Some((_, q)) => *q += u64::from(line.quantity),
            None => merged.push((line.product_id.clone(), u64::from(line.quantity))),
        }
    }
    let catalogue = state.catalogue();
    let mut priced = Vec::with_capacity(merged.len());
    let mut total = Money::ZERO;
    for (id, quantity) in &merged {
        let index = lines.iter().position(|l| l.product_id == *id).unwrap_or(0);
        let Some(item) = catalogue.sellable(id) else {
            let shown: String = id.chars().take(64).collect();
            details.push(format!(
                "cart[{index}].product_id: unknown product {shown:?}"
            ));
            continue;
        };
        let quantity = u32::try_from(*quantity).unwrap_or(u32::MAX);
        if quantity > MAX_QUANTITY {
            details.push(format!(
                "cart[{index}].quantity: {id} adds up to more than {MAX_QUANTITY}"
            ));
            continue;
        }
        let line_total = item
            .unit_price
            .checked_mul(quantity)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        total = total
            .checked_add(line_total)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        priced.push(LineRecord {
            product_id: item.id,
            name: item.name,
            category: item.category,
            quantity,
            unit_price: item.unit_price,
            line_total,
        });
    }
    if !details.is_empty() {
        return Err(AppError::InvalidCart {
            message: "The cart has lines the store cannot sell.".into(),
            details,
        });
    }
    let sorted: BTreeMap<&str, u32> = priced
        .iter()
        .map(|l| (l.product_id.as_str(), l.quantity))
        .collect();
    let canonical = sorted
        .iter()
        .map(|(id, q)| format!("{id}*{q}"))
        .collect::<Vec<_>>()
        .join(",");
    Ok(PricedCart {
        lines: priced,
        total,
        canonical,
    })
}

/// Kredivo's own cart rules (name and price limits, the total's digits), checked by the plan
/// crate on exactly the items that will be sent. Kept out of [`price_cart`] so a cached
/// payment-types answer costs no validation; every path that reaches Kredivo calls it.
pub fn check_kredivo_limits(priced: &PricedCart) -> Result<(), AppError> {
    let cart = Cart::new(
        priced
            .lines
            .iter()
            .map(|l| LineItem {
                item_type: Some(l.category.clone()),
                ..LineItem::new(
                    l.product_id.clone(),
                    l.name.clone(),
                    l.unit_price,
                    l.quantity,
                )
            })
            .collect(),
    );
    let cart_total = cart.total().map_err(|e| AppError::InvalidCart {
        message: "The cart total is out of range.".into(),
        details: vec![format!("cart: {e}")],
    })?;
    if let Err(errors) = validate_order(
        "validation",
        cart_total.as_decimal(),
        &cart.to_drafts(),
        &[],
    ) {
        return Err(AppError::InvalidCart {
            message: "The cart breaks one of Kredivo's limits.".into(),
            details: errors
                .errors()
                .iter()
                .map(|e| e.to_string().replace("transaction_details.items", "cart"))
                .collect(),
        });
    }
    Ok(())
}

/// Loads the lines of a cart given inline or by id; exactly one must be set.
pub async fn resolve_cart(
    state: &AppState,
    cart: Option<Vec<CartLine>>,
    cart_id: Option<String>,
) -> Result<(Vec<CartLine>, Option<String>), AppError> {
    match (cart, cart_id) {
        (Some(lines), None) => Ok((lines, None)),
        (None, Some(id)) => {
            let record = state
                .store()
                .cart(&id)
                .await?
                .ok_or(AppError::NotFound("cart"))?;
            Ok((record.lines, Some(id)))
        }
        _ => Err(AppError::InvalidRequest {
            message: "Send exactly one of cart or cart_id.".into(),
            details: vec!["cart, cart_id: exactly one is required".into()],
        }),
    }
}

fn gateway_items(state: &AppState, lines: &[LineRecord]) -> Vec<GatewayItem> {
    let config = state.config();
    lines
        .iter()
        .map(|l| {
            let image = state.catalogue().sellable(&l.product_id).map(|s| s.image);
            let product = state
                .catalogue()
                .sellable(&l.product_id)
                .map(|s| s.product_id)
                .unwrap_or_else(|| l.product_id.clone());
            GatewayItem {
                id: l.product_id.clone(),
                name: l.name.clone(),
                unit_price: l.unit_price,
                quantity: l.quantity,
                category: l.category.clone(),
                url: config.public_url(&format!("/www/product.html?id={product}")),
                image_url: image.map(|i| config.public_url(&i)),
            }
        })
        .collect()
}

/// A plan as the widget shows it.
pub fn plan_view(plan: &Plan) -> PlanView {
    PlanView {
        payment_type: plan.payment_type().as_str().to_owned(),
        tenure_months: plan.tenure_months(),
        name: plan.label(Locale::Id).into_owned(),
        monthly_installment: plan.monthly_installment().as_decimal(),
        total: plan.total().as_decimal(),
        interest: plan.interest().as_decimal(),
        service_fee: plan.service_fee().as_decimal(),
        down_payment: plan.down_payment().as_decimal(),
        rate: Some(plan.rate()).filter(|r| !r.is_zero()),
        discounted_monthly_installment: plan
            .discounted_monthly_installment()
            .map(Money::as_decimal),
        promo_months: plan.promo_months(),
        promo_discount: Some(plan.promo_discount())
            .filter(|m| !m.is_zero())
            .map(Money::as_decimal),
    }
}

/// A payment-types answer as cached: the response and its JSON, serialised once.
#[derive(Debug)]
pub struct CachedPlans {
    /// The answer.
    pub response: PaymentTypesResponse,
    /// `response` as JSON.
    pub json: axum::body::Bytes,
}

/// The plans for an amount, through the TTL cache (one upstream call per key and window).
/// `items` is only called on a miss.
async fn cached_plans(
    state: &AppState,
    key: String,
    amount: Money,
    items: impl FnOnce() -> Result<Vec<GatewayItem>, AppError>,
) -> Result<Arc<CachedPlans>, AppError> {
    let gateway = state.gateway().clone();
    let estimate = gateway.estimates_plans();
    state
        .plans_cache()
        .get_or_fetch(&key, || async move {
            let items = items()?;
            let plans = gateway.payment_types(&PlansQuery { amount, items }).await?;
            let mut views: Vec<PlanView> = plans.iter().map(plan_view).collect();
            views.sort_by_key(|p| p.tenure_months);
            let response = PaymentTypesResponse {
                amount: amount.as_decimal(),
                currency: "IDR".into(),
                estimate,
                plans: views,
            };
            let json =
                serde_json::to_vec(&response).map_err(|e| AppError::Internal(e.to_string()))?;
            Ok::<_, AppError>(Arc::new(CachedPlans {
                response,
                json: json.into(),
            }))
        })
        .await
}

/// `POST /payment-types`.
pub async fn payment_types(
    state: &AppState,
    req: PaymentTypesRequest,
) -> Result<Arc<CachedPlans>, AppError> {
    let set = [
        req.cart.is_some(),
        req.cart_id.is_some(),
        req.amount.is_some(),
    ]
    .iter()
    .filter(|s| **s)
    .count();
    if set != 1 {
        return Err(AppError::InvalidRequest {
            message: "Send exactly one of cart, cart_id or amount.".into(),
            details: vec!["cart, cart_id, amount: exactly one is required".into()],
        });
    }
    if let Some(amount) = req.amount {
        let amount = Money::try_from(amount).map_err(|e| AppError::InvalidRequest {
            message: "The amount must be a whole, positive number of rupiah.".into(),
            details: vec![format!("amount: {e}")],
        })?;
        if amount.is_zero() || amount > MAX_BADGE_AMOUNT {
            return Err(AppError::InvalidRequest {
                message: "The amount must be a whole, positive number of rupiah.".into(),
                details: vec![format!("amount: must be 1 to {MAX_BADGE_AMOUNT}")],
            });
        }
        let url = state.config().public_url("/");
        return cached_plans(state, format!("amount:{amount}"), amount, move || {
            Ok(vec![GatewayItem {
                id: "product".into(),
                name: "Product".into(),
                unit_price: amount,
                quantity: 1,
                category: "Product".into(),
                url,
                image_url: None,
            }])
        })
        .await;
    }
    let (lines, _) = resolve_cart(state, req.cart, req.cart_id).await?;
    let priced = price_cart(state, &lines)?;
    let key = format!("cart:{}", priced.canonical);
    let total = priced.total;
    cached_plans(state, key, total, || {
        check_kredivo_limits(&priced)?;
        Ok(gateway_items(state, &priced.lines))
    })
    .await
}

fn parse_payment_type(raw: &str) -> Result<PaymentType, AppError> {
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

/// What applying a provider-confirmed status did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Applied {
    /// The state machine ran (applied, unchanged or refused as backwards).
    Transition {
        /// What happened.
        outcome: TransitionOutcome,
    },
    /// No such order here.
    UnknownOrder,
    /// The provider's amount is not the order's.
    AmountMismatch {
        /// Ours.
        expected: String,
        /// Theirs.
        confirmed: String,
    },
    /// The provider's transaction is not the one stored for the order.
    TransactionMismatch,
    /// A provider status this version does not map.
    UnknownStatus {
        /// The provider's words.
        raw: String,
    },
}

impl Applied {
    /// The notification verdict for this result.
    pub fn verdict(&self) -> &'static str {
        match self {
            Applied::Transition {
                outcome: TransitionOutcome::Applied { .. },
            } => "applied",
            Applied::Transition {
                outcome: TransitionOutcome::Unchanged,
            } => "duplicate",
            Applied::Transition {
                outcome: TransitionOutcome::Refused { .. },
            } => "stale",
            Applied::UnknownOrder => "unknown_order",
            Applied::AmountMismatch { .. } | Applied::TransactionMismatch => "mismatch",
            Applied::UnknownStatus { .. } => "ignored",
        }
    }
}

/// Applies a status the provider confirmed (never an unverified body), after checking that
/// it is about this order, this transaction and this amount.
pub async fn apply_confirmed(
    state: &AppState,
    ps: &ProviderStatus,
    source: &str,
) -> Result<Applied, StoreError> {
    let store = state.store();
    let Some(order) = store.order(&ps.order_id).await? else {
        return Ok(Applied::UnknownOrder);
    };
    let now = state.clock().now_millis();
    // After a partial cancel Kredivo reports the remaining amount (doc 000's examples).
    let remaining = order
        .amount
        .checked_sub(order.cancelled_amount)
        .unwrap_or(Money::ZERO);
    if ps.amount != order.amount && ps.amount != remaining {
        let applied = Applied::AmountMismatch {
            expected: order.amount.to_string(),
            confirmed: ps.amount.to_string(),
        };
        let detail = format!(
            "{source}: confirmed amount {} differs from the order's {}; ignored",
            ps.amount, order.amount
        );
        store
            .append_event(
                &order.order_id,
                &NewEvent::new(now, "amount_mismatch", detail),
            )
            .await?;
        return Ok(applied);
    }
    if let (Some(ours), Some(theirs)) = (&order.transaction_id, &ps.transaction_id) {
        if ours != theirs {
            let detail =
                format!("{source}: transaction {theirs} is not this order's {ours}; ignored");
            store
                .append_event(
                    &order.order_id,
                    &NewEvent::new(now, "transaction_mismatch", detail),
                )
                .await?;
            return Ok(Applied::TransactionMismatch);
        }
    }
    let Some(to) = ps.status else {
        let detail = format!(
            "{source}: provider status {} is not understood; order unchanged",
            ps.raw_status
        );
        store
            .append_event(
                &order.order_id,
                &NewEvent::new(now, "unknown_status", detail),
            )
            .await?;
        return Ok(Applied::UnknownStatus {
            raw: ps.raw_status.clone(),
        });
    };
    let event = NewEvent::new(now, "status", format!("{source}: {}", ps.raw_status));
    let outcome = store
        .transition(&order.order_id, to, ps.transaction_id.as_deref(), &event)
        .await?;
    if let TransitionOutcome::Refused { current } = outcome {
        let detail = format!(
            "{source}: {} arrived after {}; kept {}",
            ps.raw_status,
            current.as_str(),
            current.as_str()
        );
        store
            .append_event(&order.order_id, &NewEvent::new(now, "stale_status", detail))
            .await?;
    }
    Ok(Applied::Transition { outcome })
}

/// Asks the provider for the order's status and applies it.
pub async fn refresh(state: &AppState, order_id: &str) -> Result<Applied, AppError> {
    state
        .store()
        .order(order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let ps = state.gateway().status(order_id).await?;
    if ps.order_id != order_id {
        return Err(GatewayError::Malformed {
            operation: "transaction_status",
            reason: format!("asked about {order_id}, answered about {}", ps.order_id),
        }
        .into());
    }
    Ok(apply_confirmed(state, &ps, "status check").await?)
}

/// Cancels a settled order in full (`amount: None` or the whole remaining amount) or in part.
pub async fn cancel(
    state: &AppState,
    order_id: &str,
    amount: Option<Money>,
    reason: &str,
    cancelled_by: &str,
) -> Result<OrderRecord, AppError> {
    let store = state.store();
    let mut order = store
        .order(order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    if order.status != OrderStatus::Settled {
        return Err(AppError::invalid(format!(
            "Only settled orders can be cancelled; this one is {}.",
            order.status.as_str()
        )));
    }
    if order.transaction_id.is_none() {
        refresh(state, order_id).await?;
        order = store
            .order(order_id)
            .await?
            .ok_or(AppError::NotFound("order"))?;
    }
    let transaction_id = order
        .transaction_id
        .clone()
        .ok_or_else(|| AppError::invalid("The provider's transaction id is not known yet."))?;
    let remaining = order
        .amount
        .checked_sub(order.cancelled_amount)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let amount = match amount {
        Some(a) if a.is_zero() || a > remaining => {
            return Err(AppError::InvalidRequest {
                message: format!("The cancellation amount must be 1 to {remaining}."),
                details: vec![format!("amount: {a} is outside 1..={remaining}")],
            })
        }
        other => other,
    };
    let reason = if reason.trim().is_empty() {
        "Cancelled by the merchant"
    } else {
        reason.trim()
    };
    let cancel = CancelOrder {
        order_id: order_id.to_owned(),
        transaction_id,
        amount,
        reason: reason.chars().take(255).collect(),
        cancelled_by: cancelled_by.chars().take(64).collect(),
        at_epoch_secs: state.clock().now_millis() / 1000,
        cancellation_id: state.ids().id("cancel"),
    };
    let ps = state.gateway().cancel(&cancel).await?;
    let now = state.clock().now_millis();
    let cancelled = amount.unwrap_or(remaining);
    match ps.status {
        Some(OrderStatus::Cancelled) => {
            let event = NewEvent::new(
                now,
                "cancelled",
                format!("full cancel of {remaining}: {}", cancel.reason),
            );
            store
                .add_cancelled_amount(order_id, remaining, &event)
                .await?;
            let event = NewEvent::new(now, "status", format!("cancel: {}", ps.raw_status));
            store
                .transition(
                    order_id,
                    OrderStatus::Cancelled,
                    ps.transaction_id.as_deref(),
                    &event,
                )
                .await?;
        }
        Some(OrderStatus::Settled) => {
            let event = NewEvent::new(
                now,
                "partially_cancelled",
                format!("cancelled {cancelled}: {}", cancel.reason),
            );
            store
                .add_cancelled_amount(order_id, cancelled, &event)
                .await?;
        }
        _ => {
            let event = NewEvent::new(
                now,
                "cancel_unexpected",
                format!("provider answered {}", ps.raw_status),
            );
            store.append_event(order_id, &event).await?;
        }
    }
    store
        .order(order_id)
        .await?
        .ok_or(AppError::NotFound("order"))
}

/// An order with everything stored about it, for the admin API and CLI.
#[derive(Debug, Clone, Serialize)]
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
        order,
    })
}

/// The outcome of one notification, as stored and answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationOutcome {
    /// The stored verdict (see [`NotificationRecord::verdict`]).
    pub verdict: &'static str,
    /// Whether the provider should send it again later.
    pub retry: bool,
    /// The sentence sent back.
    pub message: String,
}

/// Handles a provider notification: verify its origin with the provider, check it against
/// the stored order, apply it, store it with its verdict.
///
/// Reply policy: anything retrying cannot fix (garbage, a forged or unconfirmable signature,
/// an unknown order, a different amount, a replay, a late status) is answered `200
/// {"status":"OK"}` so the provider stops sending it — and changes nothing. When the check
/// itself could not be made (the provider's confirmation endpoint timed out, failed or
/// answered garbage; our store failed) the answer is `503 {"status":"ERROR"}` so the
/// provider retries: a genuine settlement is never dropped because of an outage.
pub async fn handle_notification(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> NotificationOutcome {
    use crate::gateway::NotificationCheck;
    let at = state.clock().now_millis();
    let check = state.gateway().verify_notification(headers, body).await;
    let (mut outcome, order_id, transaction_id) = match check {
        Err(e) => {
            tracing::warn!(error = %e, "notification could not be confirmed now; asking the provider to retry");
            (
                NotificationOutcome {
                    verdict: "unverified",
                    retry: true,
                    message: "Could not confirm the notification right now; please retry.".into(),
                },
                None,
                None,
            )
        }
        Ok(NotificationCheck::Malformed { reason }) => {
            tracing::warn!(%reason, "malformed notification ignored");
            (done("malformed", format!("Ignored: {reason}.")), None, None)
        }
        Ok(NotificationCheck::Unconfirmed {
            transaction_id,
            claimed_order_id,
            reason,
        }) => {
            tracing::warn!(order_id = ?claimed_order_id, ?transaction_id, %reason, "notification NOT confirmed by the provider; ignored");
            if let Some(id) = &claimed_order_id {
                let event = NewEvent::new(
                    at,
                    "notification_rejected",
                    format!("not confirmed by the provider: {reason}"),
                );
                // Only for orders that exist; a forged id must not create rows.
                if let Ok(Some(_)) = state.store().order(id).await {
                    if let Err(e) = state.store().append_event(id, &event).await {
                        tracing::error!(error = %crate::error::cause_chain(&e), "cannot log a rejected notification");
                    }
                }
            }
            (
                done("unconfirmed", "Ignored: not confirmed.".into()),
                claimed_order_id,
                transaction_id,
            )
        }
        Ok(NotificationCheck::Confirmed {
            status,
            claimed_order_id,
        }) => {
            let tx = status.transaction_id.clone();
            if claimed_order_id
                .as_deref()
                .is_some_and(|c| c != status.order_id)
            {
                tracing::warn!(claimed = ?claimed_order_id, confirmed = %status.order_id, "notification body names another order than the provider confirmed; ignored");
                (
                    done("mismatch", "Ignored: order mismatch.".into()),
                    Some(status.order_id),
                    tx,
                )
            } else {
                match apply_confirmed(state, &status, "notification").await {
                    Ok(applied) => {
                        let verdict = applied.verdict();
                        match verdict {
                            "applied" | "duplicate" => {
                                tracing::info!(order_id = %status.order_id, verdict, status = %status.raw_status, "notification handled")
                            }
                            _ => {
                                tracing::warn!(order_id = %status.order_id, verdict, result = ?applied, "confirmed notification not applied")
                            }
                        }
                        (
                            done(verdict, format!("Received: {verdict}.")),
                            Some(status.order_id),
                            tx,
                        )
                    }
                    Err(e) => {
                        tracing::error!(error = %crate::error::cause_chain(&e), "store failed while applying a notification");
                        (
                            NotificationOutcome {
                                verdict: "error",
                                retry: true,
                                message: "Temporary failure; please retry.".into(),
                            },
                            Some(status.order_id),
                            tx,
                        )
                    }
                }
            }
        }
    };
    let record = NotificationRecord {
        id: state.ids().id("ntf"),
        at,
        gateway: state.gateway().name().to_owned(),
        order_id,
        transaction_id,
        raw_body: String::from_utf8_lossy(body).into_owned(),
        verdict: outcome.verdict.to_owned(),
        detail: outcome.message.clone(),
    };
    if let Err(e) = state.store().record_notification(&record).await {
        tracing::error!(error = %crate::error::cause_chain(&e), "cannot store a notification; asking the provider to retry");
        outcome.retry = true;
    }
    outcome
}

fn done(verdict: &'static str, message: String) -> NotificationOutcome {
    NotificationOutcome {
        verdict,
        retry: false,
        message,
    }
}
