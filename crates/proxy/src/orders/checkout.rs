//! Checkout: an order stored once per idempotency key, and the provider's checkout started
//! by exactly one caller (a lease in the store), also across concurrent requests and
//! replicas.

use std::time::{Duration, Instant};

use kredivo_api::{
    is_valid_idempotency_key, Address, CheckoutRequest, CheckoutResponse, Customer, OrderStatus,
};
use kredivo_plan::{Money, PaymentType};
use reqwest::Url;

use crate::error::AppError;
use crate::gateway::{AccountLink, CheckoutOrder, GatewayError};
use crate::store::{InsertOutcome, NewEvent, NewOrder, OrderRecord, ShopperDetails};
use crate::AppState;

use super::quote::{cached_plans, check_kredivo_limits, gateway_items, price_cart, resolve_cart};
use super::sessions;

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

/// Who is checking out, as the proxy saw the request (Kredivo's risk metadata).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInfo {
    /// The shopper's address (the socket peer, or the trusted `X-Forwarded-For` hop).
    pub ip: Option<String>,
    /// The browser's `User-Agent`, at most 255 characters.
    pub user_agent: Option<String>,
}

impl ClientInfo {
    /// The peer `ip` and the request's `User-Agent` (cut to 255 characters).
    pub fn from_request(ip: std::net::IpAddr, headers: &axum::http::HeaderMap) -> ClientInfo {
        ClientInfo {
            ip: Some(ip.to_string()),
            user_agent: headers
                .get(axum::http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|ua| ua.chars().take(255).collect()),
        }
    }
}

/// `POST /checkout`: the order of a merchant's session, or a catalogue cart priced here;
/// stored once per idempotency key (and once per session), its provider checkout started by
/// exactly one caller (also across concurrent requests and replicas).
pub async fn checkout(
    state: &AppState,
    req: CheckoutRequest,
    client: &ClientInfo,
) -> Result<CheckoutResponse, AppError> {
    if !is_valid_idempotency_key(&req.idempotency_key) {
        return Err(AppError::InvalidRequest {
            message: "The idempotency key is missing or malformed.".into(),
            details: vec!["idempotency_key: 8 to 64 of [A-Za-z0-9_-]".into()],
        });
    }
    let payment_type = parse_payment_type(&req.payment_type)?;
    let order = match req.session.as_deref() {
        Some(secret) => {
            if req.cart.is_some() || req.cart_id.is_some() {
                return Err(AppError::InvalidRequest {
                    message: "Send a session or a cart, not both.".into(),
                    details: vec!["session, cart, cart_id: exactly one is required".into()],
                });
            }
            session_order(state, secret, &req.idempotency_key, &payment_type).await?
        }
        None => catalogue_order(state, req, &payment_type).await?,
    };
    drive_checkout(state, &order.order_id, client).await
}

/// Fails with a clear 422 unless the provider offers `payment_type` for these plans.
fn ensure_offered(
    plans: &super::quote::CachedPlans,
    payment_type: &PaymentType,
    amount: Money,
) -> Result<(), AppError> {
    if plans
        .response
        .plans
        .iter()
        .any(|p| p.payment_type == payment_type.as_str())
    {
        Ok(())
    } else {
        Err(AppError::Ineligible(format!(
            "{} is not offered for an amount of {amount}.",
            payment_type.as_str()
        )))
    }
}

/// A tokenized shopper's plan must fit their remaining limit (the calculator decides, as
/// in `payment-types`): `400 over_limit` before anything is sent to Kredivo. Unknown limits
/// (no token, Kredivo unavailable) let the checkout go on; Kredivo decides then.
async fn ensure_within_limit(
    state: &AppState,
    session: &crate::store::SessionRecord,
    plans: &super::quote::CachedPlans,
    payment_type: &PaymentType,
) -> Result<(), AppError> {
    let Some(credit) = crate::tokens::session_credit(state, session).await else {
        return Ok(());
    };
    match plans.plan(payment_type.as_str()) {
        Some(plan) if !plan.fits_limit(&credit.limits) => Err(AppError::OverLimit(format!(
            "The shopper's remaining Kredivo limit does not cover {}; choose another plan.",
            payment_type.as_str()
        ))),
        _ => Ok(()),
    }
}

fn new_record(
    state: &AppState,
    idempotency_key: &str,
    fingerprint: String,
    payment_type: &PaymentType,
    amount: Money,
) -> OrderRecord {
    let now = state.clock().now_millis();
    OrderRecord {
        order_id: state.ids().order_id(),
        idempotency_key: idempotency_key.to_owned(),
        fingerprint,
        cart_id: None,
        payment_type: payment_type.as_str().to_owned(),
        amount,
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
        expires_at: Some(now.saturating_add(DEFAULT_ORDER_TTL_MS)),
        next_check_at: Some(now.saturating_add(reconcile_after_ms(state))),
        checks: 0,
        source: None,
    }
}

/// How long a catalogue order can be paid: Kredivo's own default transaction expiry.
const DEFAULT_ORDER_TTL_MS: i64 = 24 * 3600 * 1000;

fn reconcile_after_ms(state: &AppState) -> i64 {
    i64::try_from(state.config().reconcile_after.as_millis()).unwrap_or(i64::MAX / 4)
}

fn key_reused() -> AppError {
    AppError::InvalidRequest {
        message: "This idempotency key was already used for a different cart or payment type."
            .into(),
        details: vec!["idempotency_key: reused with a different cart".into()],
    }
}

/// The order of a session: the one it already has (a retry, or the shopper pressing pay
/// again for the same plan), or a new one — a session is paid at most once.
async fn session_order(
    state: &AppState,
    secret: &str,
    idempotency_key: &str,
    payment_type: &PaymentType,
) -> Result<OrderRecord, AppError> {
    let session = sessions::open(state, secret).await?;
    let fingerprint = format!("{}|session:{}", payment_type.as_str(), session.session_id);
    let store = state.store();
    let existing = match &session.order_id {
        Some(order_id) => store.order(order_id).await?,
        None => store.order_by_idempotency_key(idempotency_key).await?,
    };
    let resume = |order: OrderRecord| -> Result<OrderRecord, AppError> {
        if order.idempotency_key == idempotency_key {
            if order.fingerprint == fingerprint {
                Ok(order)
            } else {
                Err(key_reused())
            }
        } else if order.session_id.as_deref() == Some(session.session_id.as_str())
            && sessions::resumable(&order, payment_type)
        {
            Ok(order)
        } else {
            Err(AppError::SessionUsed)
        }
    };
    if let Some(order) = existing {
        return resume(order);
    }
    if !sessions::payment_types(&session).contains(payment_type) {
        return Err(AppError::Ineligible(format!(
            "{} is not offered for this checkout.",
            payment_type.as_str()
        )));
    }
    let plans = super::quote::session_plans(state, &session).await?;
    ensure_offered(&plans, payment_type, session.amount)?;
    ensure_within_limit(state, &session, &plans, payment_type).await?;
    let (items, fees) = sessions::gateway_lines(state, &session);
    let lines = sessions::line_records(&items, &fees);
    let record = OrderRecord {
        session_id: Some(session.session_id.clone()),
        reference: Some(session.reference.clone()),
        expires_at: Some(session.expires_at),
        ..new_record(
            state,
            idempotency_key,
            fingerprint.clone(),
            payment_type,
            session.amount,
        )
    };
    match store
        .insert_order(&NewOrder {
            order: record.clone(),
            lines,
        })
        .await?
    {
        InsertOutcome::Inserted => Ok(record),
        InsertOutcome::Existing(existing) => resume(*existing),
    }
}

/// The order of a catalogue cart, priced from the catalogue, with the shopper's details from
/// the shop's form (required here: there is no merchant server to state them).
async fn catalogue_order(
    state: &AppState,
    req: CheckoutRequest,
    payment_type: &PaymentType,
) -> Result<OrderRecord, AppError> {
    let (lines, cart_id) = resolve_cart(state, req.cart, req.cart_id).await?;
    let priced = price_cart(state, &lines)?;
    let fingerprint = format!("{}|{}", payment_type.as_str(), priced.canonical);
    let store = state.store();
    if let Some(existing) = store.order_by_idempotency_key(&req.idempotency_key).await? {
        return if existing.fingerprint == fingerprint {
            Ok(existing)
        } else {
            Err(key_reused())
        };
    }
    let shopper = shopper_details(req.customer, req.shipping_address)?;
    // The provider decides eligibility, but asking first (usually a cache hit: the widget
    // fetched these plans a moment ago) gives the shopper a clear 422.
    check_kredivo_limits(&priced)?;
    let plans = cached_plans(
        state,
        format!("cart:{}", priced.canonical),
        priced.total,
        || Ok(gateway_items(state, &priced.lines)),
    )
    .await?;
    ensure_offered(&plans, payment_type, priced.total)?;
    let record = OrderRecord {
        cart_id,
        shopper: Some(shopper),
        ..new_record(
            state,
            &req.idempotency_key,
            fingerprint.clone(),
            payment_type,
            priced.total,
        )
    };
    let new = NewOrder {
        order: record.clone(),
        lines: priced.lines,
    };
    match store.insert_order(&new).await? {
        InsertOutcome::Inserted => Ok(record),
        InsertOutcome::Existing(existing) if existing.fingerprint == fingerprint => Ok(*existing),
        InsertOutcome::Existing(_) => Err(key_reused()),
    }
}

/// The shopper of a catalogue checkout, checked like a session's (`customer.email: …`).
fn shopper_details(
    customer: Option<Customer>,
    shipping_address: Option<Address>,
) -> Result<ShopperDetails, AppError> {
    let mut problems = sessions::validate::Problems::default();
    let mut missing = Vec::new();
    if let Some(c) = &customer {
        sessions::validate::customer(&mut problems, "customer", c);
    } else {
        missing.push("customer: is required (the shop's checkout form passes it to the widget)");
    }
    if let Some(a) = &shipping_address {
        sessions::validate::address(&mut problems, "shipping_address", a);
    } else {
        missing.push(
            "shipping_address: is required (the shop's checkout form passes it to the widget)",
        );
    }
    let mut details: Vec<String> = missing.into_iter().map(str::to_owned).collect();
    details.extend(problems.into_vec());
    match (customer, shipping_address, details.is_empty()) {
        (Some(customer), Some(shipping_address), true) => Ok(ShopperDetails {
            customer,
            shipping_address,
        }),
        _ => Err(AppError::InvalidRequest {
            message: "Who pays and where the order goes are needed to check out.".into(),
            details,
        }),
    }
}

/// Brings an order to `pending` with its redirect, or reports why not. Exactly one caller
/// holds the lease and calls the provider; the others wait for its result.
async fn drive_checkout(
    state: &AppState,
    order_id: &str,
    client: &ClientInfo,
) -> Result<CheckoutResponse, AppError> {
    under_checkout_lease(
        state,
        order_id,
        "checkout_url",
        |order| {
            (order.status != OrderStatus::Created || order.redirect_url.is_some())
                .then(|| checkout_response(order))
        },
        async |order| start_checkout(state, &order, client).await,
    )
    .await
}

/// Calls `start` for order `order_id` under its checkout lease, so that exactly one caller
/// (across requests and replicas) brings it to the provider: returns `finished(order)` as
/// soon as the stored order shows a result (an earlier or another caller's), else claims the
/// lease and runs `start`; a caller that finds the lease held waits for its holder, up to
/// twice the upstream timeout, then fails as a timeout of `operation`. Web checkouts and QR
/// checkouts both start this way.
pub(super) async fn under_checkout_lease<T>(
    state: &AppState,
    order_id: &str,
    operation: &'static str,
    finished: impl Fn(&OrderRecord) -> Option<T>,
    start: impl AsyncFnOnce(OrderRecord) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let timeout = state.config().upstream_timeout;
    let deadline = Instant::now() + timeout.saturating_mul(2) + Duration::from_secs(5);
    let lease_ms = i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX / 4) + 5_000;
    loop {
        let order = state
            .store()
            .order(order_id)
            .await?
            .ok_or_else(|| AppError::Internal(format!("order {order_id} vanished")))?;
        if let Some(done) = finished(&order) {
            return Ok(done);
        }
        let now = state.clock().now_millis();
        if state
            .store()
            .claim_checkout(order_id, now, now.saturating_add(lease_ms))
            .await?
        {
            return start(order).await;
        }
        if Instant::now() >= deadline {
            return Err(GatewayError::Timeout {
                operation,
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
    client: &ClientInfo,
) -> Result<CheckoutResponse, AppError> {
    let store = state.store();
    let config = state.config();
    let now = || state.clock().now_millis();
    if order.last_error.is_some() && !state.gateway().replays_checkout() {
        // An earlier attempt failed, perhaps only on the way back: the provider may hold the
        // transaction already, and sending it again would be refused ("This order is already
        // PROCESSED") or create a second one. Ask first.
        if let Some(resumed) = resume_lost_checkout(state, order).await? {
            return Ok(resumed);
        }
    }
    let mut request = checkout_request(state, order, client).await?;
    let mut outcome = state.gateway().create_checkout(&request).await;
    if let (
        Err(e),
        AccountLink::Express {
            client_user_key, ..
        },
    ) = (&outcome, &request.account)
    {
        if e.is_invalid_token() {
            // Kredivo refused the token, so it created nothing: mark the token inactive and
            // send the same order once more as a normal checkout (sign-in page).
            let key = client_user_key.clone();
            crate::tokens::invalidate(state, &key, None, "refused at checkout").await?;
            let event = NewEvent::new(
                now(),
                "express_refused",
                "Kredivo refused the stored user token; retrying as a normal checkout",
            );
            store.append_event(&order.order_id, &event).await?;
            request.account = match state
                .store()
                .session(order.session_id.as_deref().unwrap_or(""))
                .await?
            {
                Some(session) if session.body.tokenize => AccountLink::Tokenize {
                    client_user_key: key,
                },
                _ => AccountLink::None,
            };
            outcome = state.gateway().create_checkout(&request).await;
        }
    }
    let started = match outcome {
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

/// A retried checkout of a provider that does not replay: the provider's status decides.
/// `None` when the provider has no such transaction (send it); the answer when it has one:
/// its final state applied, or — still pending, its redirect lost with the answer — the order
/// left pending without a redirect, which the widget then waits on like an express checkout
/// (its pushes, the shopper's return and the reconciler bring it to its true state; nobody
/// can pay a link nobody received, so it expires). The transaction is never created twice.
async fn resume_lost_checkout(
    state: &AppState,
    order: &OrderRecord,
) -> Result<Option<CheckoutResponse>, AppError> {
    let store = state.store();
    let now = state.clock().now_millis();
    match state.gateway().status(&order.order_id).await {
        Ok(ps) if ps.order_id == order.order_id => {
            let detail = format!(
                "retry: the provider already has this transaction ({}); not sent again",
                ps.raw_status
            );
            store
                .append_event(
                    &order.order_id,
                    &NewEvent::new(now, "checkout_resumed", detail),
                )
                .await?;
            super::settlement::apply_confirmed(state, &ps, "checkout retry").await?;
            let current = store
                .order(&order.order_id)
                .await?
                .ok_or_else(|| AppError::Internal("order vanished".into()))?;
            if current.status == OrderStatus::Created {
                // The provider reported a state we do not map; release the lease and let the
                // shopper (or the reconciler) try again.
                let event = NewEvent::new(
                    now,
                    "checkout_failed",
                    "retry: provider state not understood",
                );
                store.checkout_failed(&order.order_id, &event).await?;
            }
            Ok(Some(checkout_response(&current)))
        }
        // Not known there (or the provider refuses to say): creating it is safe.
        Ok(_) | Err(GatewayError::Rejected { .. }) => Ok(None),
        Err(e) => {
            let event = NewEvent::new(now, "checkout_failed", format!("retry: status check: {e}"));
            store.checkout_failed(&order.order_id, &event).await?;
            Err(e.into())
        }
    }
}

/// Everything the provider is told about an order: from its session, or from the catalogue
/// lines and the shopper of a catalogue checkout.
async fn checkout_request(
    state: &AppState,
    order: &OrderRecord,
    client: &ClientInfo,
) -> Result<CheckoutOrder, AppError> {
    let config = state.config();
    let return_uri = |outcome: &str| {
        config.public_url(&format!(
            "/kredivo/return?order_id={}&outcome={outcome}",
            order.order_id
        ))
    };
    let base = CheckoutOrder {
        order_id: order.order_id.clone(),
        reference: order.reference.clone(),
        amount: order.amount,
        payment_type: parse_payment_type(&order.payment_type)?,
        items: Vec::new(),
        fees: Vec::new(),
        customer: Customer {
            first_name: String::new(),
            last_name: None,
            email: String::new(),
            phone: String::new(),
        },
        shipping_address: empty_address(),
        billing_address: empty_address(),
        sellers: Vec::new(),
        shopper_ip: client.ip.clone(),
        user_agent: client.user_agent.clone(),
        push_uri: config.public_url(&format!("{}/push", kredivo_api::API_PREFIX)),
        back_to_store_uri: config.public_url("/kredivo/return"),
        cancel_uri: None,
        expires_at_secs: order.expires_at.map(|at| at.div_euclid(1000)),
        created_at_secs: order.created_at.div_euclid(1000),
        account: AccountLink::None,
    };
    match &order.session_id {
        Some(session_id) => {
            let session = state
                .store()
                .session(session_id)
                .await?
                .ok_or_else(|| AppError::Internal(format!("session {session_id} vanished")))?;
            let (items, fees) = sessions::gateway_lines(state, &session);
            let account = crate::tokens::account_link(state, &session).await;
            let body = session.body;
            Ok(CheckoutOrder {
                items,
                fees,
                account,
                billing_address: body
                    .billing_address
                    .unwrap_or_else(|| body.shipping_address.clone()),
                customer: body.customer,
                shipping_address: body.shipping_address,
                sellers: body.sellers.unwrap_or_default(),
                cancel_uri: body.cancel_url.as_ref().map(|_| return_uri("cancel")),
                ..base
            })
        }
        None => {
            let shopper = order.shopper.clone().ok_or_else(|| {
                AppError::Internal(format!("order {} has no shopper", order.order_id))
            })?;
            let lines = state.store().order_lines(&order.order_id).await?;
            Ok(CheckoutOrder {
                items: gateway_items(state, &lines),
                customer: shopper.customer,
                billing_address: shopper.shipping_address.clone(),
                shipping_address: shopper.shipping_address,
                ..base
            })
        }
    }
}

fn empty_address() -> Address {
    Address {
        first_name: String::new(),
        last_name: None,
        address: String::new(),
        city: String::new(),
        postal_code: String::new(),
        phone: String::new(),
        country_code: String::new(),
    }
}
