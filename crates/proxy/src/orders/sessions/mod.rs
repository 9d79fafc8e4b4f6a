//! Checkout sessions: the merchant's server states the order (items, fees, customer,
//! addresses), the proxy checks it and hands back an opaque client secret, which is all the
//! browser ever holds (Stripe's PaymentIntent client secret, Snap's token).

pub mod validate;

use kredivo_api::merchant::{
    CreateSession, SessionCreated, SessionStatus, SessionView, WebhookOrder,
};
use kredivo_api::OrderStatus;
use kredivo_plan::{Money, PaymentType};
use sha2::{Digest, Sha256};

use crate::clock::RandomIds;
use crate::error::AppError;
use crate::gateway::{GatewayFee, GatewayItem};
use crate::store::{LineRecord, OrderRecord, SessionInsert, SessionRecord};
use crate::AppState;

/// The payment types a session may offer when the merchant restricts nothing (doc 000).
pub fn all_payment_types() -> Vec<PaymentType> {
    ["30_days", "3_months", "6_months", "12_months"]
        .into_iter()
        .map(|t| t.parse().unwrap_or_else(|never| match never {}))
        .collect()
}

/// The SHA-256 of a client secret, hex: the only form the store keeps.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A new client secret for `session_id`: the id and 32 random characters (160 bits), so a
/// secret names its session in logs without revealing anything that opens it.
fn new_secret(session_id: &str) -> String {
    RandomIds.id_with_len(&format!("{session_id}_secret"), 32)
}

/// Whether `key` is a usable `Idempotency-Key`: 1 to 255 visible ASCII characters.
fn valid_idempotency_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// What `POST /sessions` did.
#[derive(Debug)]
pub struct Created {
    /// The answer (201).
    pub session: SessionCreated,
    /// An idempotent replay of an earlier create (same key, same body).
    pub replayed: bool,
}

/// `POST /sessions`: checks the body, stores the session, issues a client secret. With an
/// `Idempotency-Key`, a retry with the same body returns the same session (with a fresh
/// secret: secrets are never stored, so none can be shown twice; every secret issued for a
/// session opens it) and a retry with another body is refused.
pub async fn create(
    state: &AppState,
    idempotency_key: Option<&str>,
    body: CreateSession,
) -> Result<Created, AppError> {
    if let Some(key) = idempotency_key {
        if !valid_idempotency_key(key) {
            return Err(AppError::InvalidRequest {
                message: "The Idempotency-Key header is malformed.".into(),
                details: vec!["Idempotency-Key: 1 to 255 visible ASCII characters".into()],
            });
        }
    }
    let now = state.clock().now_millis();
    let types = all_payment_types();
    let valid = validate::session(&body, state.config(), &types, now).map_err(|details| {
        AppError::InvalidRequest {
            message: "The session has fields Kredivo cannot accept; see details.".into(),
            details,
        }
    })?;
    crate::tokens::check_session(state, &body)?;
    let canonical = serde_json::to_vec(&body).map_err(|e| AppError::Internal(e.to_string()))?;
    let request_hash = hex::encode(Sha256::digest(&canonical));
    let session_id = RandomIds.id_with_len("ses", 24);
    let record = SessionRecord {
        session_id: session_id.clone(),
        reference: body.reference.clone(),
        idempotency_key: idempotency_key.map(str::to_owned),
        request_hash: request_hash.clone(),
        amount: valid.amount,
        currency: "IDR".into(),
        body,
        expires_at: valid.expires_at_ms,
        order_id: None,
        created_at: now,
    };
    let secret = new_secret(&session_id);
    let store = state.store();
    match store.insert_session(&record, &secret_hash(&secret)).await? {
        SessionInsert::Inserted => Ok(Created {
            session: created(&record, secret),
            replayed: false,
        }),
        SessionInsert::Existing(existing) if existing.request_hash == request_hash => {
            let secret = new_secret(&existing.session_id);
            store
                .add_session_secret(&existing.session_id, &secret_hash(&secret), now)
                .await?;
            Ok(Created {
                session: created(&existing, secret),
                replayed: true,
            })
        }
        SessionInsert::Existing(_) => Err(AppError::IdempotencyConflict),
    }
}

fn created(record: &SessionRecord, client_secret: String) -> SessionCreated {
    SessionCreated {
        session_id: record.session_id.clone(),
        client_secret,
        amount: record.amount.as_decimal(),
        currency: record.currency.clone(),
        expires_at: record.expires_at.div_euclid(1000),
        payment_types: payment_types(record)
            .iter()
            .map(|t| t.as_str().to_owned())
            .collect(),
    }
}

/// The payment types a session may be paid with.
pub fn payment_types(session: &SessionRecord) -> Vec<PaymentType> {
    let all = all_payment_types();
    match &session.body.payment_types {
        None => all,
        Some(list) => all
            .into_iter()
            .filter(|t| list.iter().any(|l| l == t.as_str()))
            .collect(),
    }
}

/// The session a browser's client secret opens, if it can still be paid or has an order.
///
/// `404 not_found` for a malformed or unknown secret; `410 session_expired` for a session
/// past its expiry that nobody checked out (one with an order stays reachable, so a shopper
/// coming back sees their order).
pub async fn open(state: &AppState, client_secret: &str) -> Result<SessionRecord, AppError> {
    let shaped = (8..=128).contains(&client_secret.len())
        && client_secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !shaped {
        return Err(AppError::NotFound("session"));
    }
    let session = state
        .store()
        .session_by_secret(&secret_hash(client_secret))
        .await?
        .ok_or(AppError::NotFound("session"))?;
    if session.order_id.is_none() && state.clock().now_millis() > session.expires_at {
        return Err(AppError::SessionExpired);
    }
    Ok(session)
}

/// The order lines stored for `items` and `fees` (a fee is one line of category `Fee`): what
/// a session's checkout and a QR checkout both record.
pub fn line_records(items: &[GatewayItem], fees: &[GatewayFee]) -> Vec<LineRecord> {
    items
        .iter()
        .map(|i| LineRecord {
            product_id: i.id.clone(),
            name: i.name.clone(),
            category: i.category.clone(),
            quantity: i.quantity,
            unit_price: i.unit_price,
            line_total: i.unit_price.checked_mul(i.quantity).unwrap_or(Money::MAX),
        })
        .chain(fees.iter().map(|f| LineRecord {
            product_id: f.id.clone(),
            name: f.name.clone(),
            category: "Fee".into(),
            quantity: 1,
            unit_price: f.price,
            line_total: f.price,
        }))
        .collect()
}

/// A session's lines for the provider: its items and its fee lines.
pub fn gateway_lines(
    state: &AppState,
    session: &SessionRecord,
) -> (Vec<GatewayItem>, Vec<GatewayFee>) {
    let fallback_url = session
        .body
        .return_url
        .clone()
        .unwrap_or_else(|| state.config().public_url("/"));
    let items = session
        .body
        .items
        .iter()
        .map(|i| GatewayItem {
            id: i.id.clone(),
            name: i.name.clone(),
            // Validated when the session was created.
            unit_price: Money::try_from(i.price).unwrap_or(Money::ZERO),
            quantity: i.quantity,
            category: i.item_type.clone().unwrap_or_else(|| "Product".into()),
            url: i.url.clone().unwrap_or_else(|| fallback_url.clone()),
            image_url: i.image_url.clone(),
            parent_type: i.parent_type.clone(),
            parent_id: i.parent_id.clone(),
        })
        .collect();
    let fees = session
        .body
        .fees
        .iter()
        .map(|f| GatewayFee {
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

/// An order as webhooks and the session view report it.
pub fn order_view(order: &OrderRecord, session: Option<&SessionRecord>) -> WebhookOrder {
    WebhookOrder {
        order_id: order.order_id.clone(),
        session_id: order.session_id.clone(),
        reference: order.reference.clone(),
        status: order.status,
        amount: order.amount.as_decimal(),
        cancelled_amount: order.cancelled_amount.as_decimal(),
        currency: order.currency.clone(),
        payment_type: order.payment_type.clone(),
        gateway: order.gateway.clone(),
        transaction_id: order.transaction_id.clone(),
        metadata: session.and_then(|s| s.body.metadata.clone()),
        cancellation: None,
        source: order.source.clone(),
    }
}

/// `GET /sessions/{id}`: the session with its order.
pub async fn view(state: &AppState, session_id: &str) -> Result<SessionView, AppError> {
    let store = state.store();
    let session = store
        .session(session_id)
        .await?
        .ok_or(AppError::NotFound("session"))?;
    let order = match &session.order_id {
        Some(id) => store.order(id).await?,
        None => None,
    };
    let status = match (&order, state.clock().now_millis() > session.expires_at) {
        (Some(_), _) => SessionStatus::CheckedOut,
        (None, true) => SessionStatus::Expired,
        (None, false) => SessionStatus::Open,
    };
    Ok(SessionView {
        session_id: session.session_id.clone(),
        reference: session.reference.clone(),
        amount: session.amount.as_decimal(),
        currency: session.currency.clone(),
        expires_at: session.expires_at.div_euclid(1000),
        created_at: session.created_at.div_euclid(1000),
        status,
        order: order.as_ref().map(|o| order_view(o, Some(&session))),
    })
}

/// Whether an existing order of a session may simply be resumed by a new checkout request
/// (the shopper came back and pressed pay again): it is still live and for the same plan.
pub fn resumable(order: &OrderRecord, payment_type: &PaymentType) -> bool {
    matches!(order.status, OrderStatus::Created | OrderStatus::Pending)
        && order.payment_type == payment_type.as_str()
}
