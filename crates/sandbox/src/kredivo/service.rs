//! Operations on the simulator's state. Each one locks the state, changes it, builds the
//! pushes the change calls for, unlocks, and only then hands the pushes to the push engine.

use std::time::Duration;

use kredivo_plan::{Money, PaymentType};
use kredivo_providers::encoding::{amount_2dp, percent_decode, percent_encode, with_query};
use kredivo_providers::kredivo::FraudStatus;
use kredivo_providers::time::jakarta_iso;
use serde_json::{json, Map, Value};

use super::model::{Account, Source, State, Step, Transaction, UserToken};
use super::{Db, PageRef, Shared, Target, TransactionView};
use crate::faults::Fault;
use crate::ids::IdSourceExt;
use crate::push::{Delivery, Outgoing, PushKind};
use crate::SandboxError;

/// What to do with a push once the state lock is released.
#[derive(Debug)]
pub(crate) enum Dispatch {
    Send(Outgoing),
    /// Send after a `delay_push` fault's wait.
    SendLater(Outgoing, Duration),
    Drop(Outgoing),
    /// Tell the aggregator simulator that owns the transaction (see `hook.rs`).
    Hook(super::hook::Fired),
}

/// Hands pushes to the push engine (call without holding the state lock).
pub(crate) fn dispatch(shared: &Shared, pushes: Vec<Dispatch>) {
    for push in pushes {
        match push {
            Dispatch::Send(out) => {
                shared.pusher.send(out);
            }
            Dispatch::SendLater(out, delay) => {
                shared.pusher.send_with(
                    out,
                    Delivery {
                        delay,
                        ..Delivery::default()
                    },
                );
            }
            Dispatch::Drop(out) => {
                tracing::info!(subject = %out.subject, "push dropped by fault");
                shared.pusher.record_dropped(out);
            }
            Dispatch::Hook(fired) => fired.run(),
        }
    }
}

/// A transaction to create, already validated.
#[derive(Debug, Clone)]
pub(crate) struct NewTransaction {
    pub merchant: usize,
    pub source: Source,
    pub order_id: String,
    pub amount: Money,
    pub items: Vec<Value>,
    pub payment_type: PaymentType,
    pub push_uri: Option<String>,
    pub back_to_store_uri: Option<String>,
    pub user_cancel_uri: Option<String>,
    pub tokenize_user: bool,
    pub client_user_key: Option<String>,
    pub shipping_address: Option<Value>,
    pub sub_merchant_id: Option<String>,
    pub expires_at: Option<i64>,
    /// Account already known (express checkout with a valid token).
    pub account: Option<String>,
    pub user_token: Option<String>,
    pub step: Step,
}

/// Error for a duplicate `order_id` (doc 000's wording).
pub(crate) const ALREADY_PROCESSED: &str = "This order is already PROCESSED.";

/// Stores a new pending transaction; `Err` when the merchant already used the order id.
pub(crate) fn create(shared: &Shared, new: NewTransaction) -> Result<Transaction, &'static str> {
    let now = shared.clock.unix_secs();
    let expiration = i64::try_from(shared.settings.expiration.as_secs()).unwrap_or(i64::MAX);
    let mut db = shared.db();
    if db
        .by_order
        .contains_key(&(new.merchant, new.order_id.clone()))
    {
        return Err(ALREADY_PROCESSED);
    }
    let tx = Transaction {
        transaction_id: shared.ids.uuid(),
        order_id: new.order_id,
        merchant: new.merchant,
        source: new.source,
        amount: new.amount,
        cancelled_amount: Money::ZERO,
        items: new.items,
        payment_type: new.payment_type,
        state: State::Pending,
        fraud: FraudStatus::Accept,
        transaction_time: now,
        expires_at: new
            .expires_at
            .unwrap_or_else(|| now.saturating_add(expiration)),
        push_uri: new.push_uri,
        back_to_store_uri: new.back_to_store_uri,
        user_cancel_uri: new.user_cancel_uri,
        tokenize_user: new.tokenize_user,
        client_user_key: new.client_user_key,
        user_token: new.user_token,
        account: new.account,
        page_token: shared.ids.alnum(32),
        step: new.step,
        signature_keys: Vec::new(),
        shipping_address: new.shipping_address,
        sub_merchant_id: new.sub_merchant_id,
        cancellations: Vec::new(),
        last_push: None,
    };
    let idx = db.txs.len();
    db.by_tx_id.insert(tx.transaction_id.clone(), idx);
    db.by_order.insert((tx.merchant, tx.order_id.clone()), idx);
    db.by_page.insert(tx.page_token.clone(), PageRef::Tx(idx));
    db.txs.push(tx.clone());
    tracing::info!(transaction_id = %tx.transaction_id, order_id = %tx.order_id, "transaction created");
    Ok(tx)
}

/// The hosted sign-in URL of a transaction.
pub(crate) fn redirect_url(shared: &Shared, tx: &Transaction) -> String {
    format!("{}?tk={}", shared.url("/v2/signin"), tx.page_token)
}

/// Expires `idx` if it is pending and overdue; returns the pushes to send.
pub(crate) fn expire_if_due(shared: &Shared, db: &mut Db, idx: usize) -> Vec<Dispatch> {
    let now = shared.clock.unix_secs();
    let tx = &db.txs[idx];
    if tx.state == State::Pending && now >= tx.expires_at {
        return transition(shared, db, idx, State::Expire, FraudStatus::Accept).unwrap_or_default();
    }
    Vec::new()
}

/// Expires every overdue pending transaction.
pub(crate) fn sweep_expired(shared: &Shared) {
    let pushes = {
        let mut db = shared.db();
        let mut pushes = Vec::new();
        for idx in 0..db.txs.len() {
            pushes.extend(expire_if_due(shared, &mut db, idx));
        }
        pushes
    };
    dispatch(shared, pushes);
}

/// Looks up a transaction by index after expiring it if due; returns it and the pushes.
pub(crate) fn touch(shared: &Shared, db: &mut Db, idx: usize) -> Vec<Dispatch> {
    expire_if_due(shared, db, idx)
}

/// Moves `idx` to `to`, applying every side effect: limits, tokens, page step, pushes.
pub(crate) fn transition(
    shared: &Shared,
    db: &mut Db,
    idx: usize,
    to: State,
    fraud: FraudStatus,
) -> Result<Vec<Dispatch>, SandboxError> {
    let from = db.txs[idx].state;
    if !from.can_become(to) {
        return Err(SandboxError::InvalidTransition {
            transaction_id: db.txs[idx].transaction_id.clone(),
            from: from.wire().to_string(),
            to: to.wire().to_string(),
        });
    }
    match to {
        State::Settlement => {
            if db.txs[idx].account.is_none() {
                db.txs[idx].account = db.accounts.first().map(|a| a.phone.clone());
            }
            let (phone, payment_type, amount) = {
                let tx = &db.txs[idx];
                (tx.account.clone(), tx.payment_type.clone(), tx.amount)
            };
            if let Some(acc) = phone.as_deref().and_then(|p| db.account_index(p)) {
                let account = &mut db.accounts[acc];
                let left = account.limit_for(&payment_type);
                // The driver may force a settlement beyond the limit; never go negative.
                let new_left = left.checked_sub(amount).unwrap_or(Money::ZERO);
                account
                    .limits
                    .insert(payment_type.as_str().to_owned(), new_left);
            }
            let wants_token = db.txs[idx].tokenize_user && db.txs[idx].user_token.is_none();
            if let (true, Some(phone)) = (wants_token, phone) {
                let merchant = db.txs[idx].merchant;
                let key = db.txs[idx].client_user_key.clone();
                let token = issue_token(shared, db, merchant, &phone, key.as_deref());
                db.txs[idx].user_token = Some(token);
            }
        }
        State::Cancel if from == State::Settlement => {
            let remaining = db.txs[idx].remaining();
            restore_limit(db, idx, remaining);
            let tx = &mut db.txs[idx];
            tx.cancelled_amount = tx.amount;
        }
        _ => {}
    }
    let tx = &mut db.txs[idx];
    tx.state = to;
    tx.fraud = fraud;
    if to != State::Pending {
        tx.step = Step::Done;
    }
    tracing::info!(transaction_id = %tx.transaction_id, from = %from.wire(), to = %to.wire(), "transition");
    let mut pushes = build_pushes(shared, tx);
    pushes.extend(super::hook::fire(shared, tx, from).map(Dispatch::Hook));
    Ok(pushes)
}

/// Gives back `amount` of limit to the paying account.
pub(crate) fn restore_limit(db: &mut Db, idx: usize, amount: Money) {
    let (phone, payment_type) = {
        let tx = &db.txs[idx];
        (tx.account.clone(), tx.payment_type.clone())
    };
    if let Some(acc) = phone.as_deref().and_then(|p| db.account_index(p)) {
        let account = &mut db.accounts[acc];
        let left = account.limit_for(&payment_type);
        let restored = left.checked_add(amount).unwrap_or(left);
        account
            .limits
            .insert(payment_type.as_str().to_owned(), restored);
    }
}

/// Settles `idx` if the paying account's limit covers it, otherwise denies it (the
/// outcome the shopper would get from the real service).
pub(crate) fn settle_or_deny(
    shared: &Shared,
    db: &mut Db,
    idx: usize,
) -> Result<Vec<Dispatch>, SandboxError> {
    let tx = &db.txs[idx];
    let covered = tx
        .account
        .as_deref()
        .and_then(|p| db.account_index(p))
        .map(|a| db.accounts[a].limit_for(&tx.payment_type) >= tx.amount)
        .unwrap_or(true);
    if covered {
        transition(shared, db, idx, State::Settlement, FraudStatus::Accept)
    } else {
        tracing::info!(transaction_id = %tx.transaction_id, "denied: insufficient limit");
        transition(shared, db, idx, State::Deny, FraudStatus::Accept)
    }
}

/// Issues (or reuses) an active token for `(merchant, phone, client_user_key)`.
pub(crate) fn issue_token(
    shared: &Shared,
    db: &mut Db,
    merchant: usize,
    phone: &str,
    client_user_key: Option<&str>,
) -> String {
    if let Some(existing) = db.tokens.values().find(|t| {
        t.is_active
            && t.merchant == merchant
            && t.account == phone
            && t.client_user_key.as_deref() == client_user_key
    }) {
        return existing.token.clone();
    }
    let token = format!("{}-{}", shared.ids.alnum(8), shared.ids.alnum(24));
    db.tokens.insert(
        token.clone(),
        UserToken {
            token: token.clone(),
            account: phone.to_owned(),
            client_user_key: client_user_key.map(str::to_owned),
            merchant,
            is_active: true,
        },
    );
    token
}

/// The active token `token` of `merchant`, if any.
pub(crate) fn active_token<'a>(db: &'a Db, merchant: usize, token: &str) -> Option<&'a UserToken> {
    db.tokens
        .get(token)
        .filter(|t| t.is_active && t.merchant == merchant)
}

/// Whether `presented` is one of `issued`, allowing for the ways clients mangle it: sent
/// as received (URL-encoded once), encoded again, or decoded with `+` turned into a space.
pub(crate) fn signature_matches(issued: &[String], presented: &str) -> bool {
    let mut candidates = vec![presented.to_owned()];
    let mut current = presented.to_owned();
    for _ in 0..2 {
        match percent_decode(&current) {
            Some(next) if next != current => {
                candidates.push(next.clone());
                current = next;
            }
            _ => break,
        }
    }
    let spaced: Vec<String> = candidates.iter().map(|c| c.replace(' ', "+")).collect();
    candidates.extend(spaced);
    candidates
        .iter()
        .any(|c| !c.is_empty() && issued.iter().any(|k| k == c))
}

/// Where the shopper's browser goes back to the store now: `back_to_store_uri` with
/// `order_id, tr_id, tr_status, sign_key`, a fresh `sign_key` issued for it (valid for
/// `/v2/update`). `None` for QR checkouts and transactions without a store URI.
pub(crate) fn back_to_store_url(shared: &Shared, tx: &mut Transaction) -> Option<String> {
    let uri = tx.back_to_store_uri.clone()?;
    if tx.source == Source::Qr {
        return None;
    }
    let status = tx.status().to_string();
    let sign_key = new_signature_key(shared, tx);
    Some(with_query(
        &uri,
        &[
            ("order_id", &tx.order_id),
            ("tr_id", &tx.transaction_id),
            ("tr_status", &status),
            ("sign_key", &sign_key),
        ],
    ))
}

/// Finishes a Kredivo Connect as a correct OTP does: issues (or reuses) the token for the
/// signed-in account and builds the callback to the merchant's `callback_url`. Returns the
/// token and the callback to dispatch.
pub(crate) fn complete_connect(shared: &Shared, db: &mut Db, idx: usize) -> (String, Dispatch) {
    let (merchant, key, phone) = {
        let c = &db.connects[idx];
        (
            c.merchant,
            c.client_user_key.clone(),
            c.account.clone().unwrap_or_default(),
        )
    };
    let token = issue_token(shared, db, merchant, &phone, Some(&key));
    let c = &mut db.connects[idx];
    c.user_token = Some(token.clone());
    c.step = Step::Done;
    let callback = Dispatch::Send(Outgoing {
        kind: PushKind::ConnectCallback,
        subject: format!("connect:{}", c.page_token),
        url: c.callback_url.clone(),
        body: json!({
            "status": "OK",
            "user_token": token,
            "client_user_key": c.client_user_key,
            "message": "Kredivo-Connect success.",
        }),
        note: None,
    });
    (token, callback)
}

/// Deactivates `token` as the shopper does from the Kredivo app, and builds doc 000's push
/// to the merchant's registered URL: `{"message", "client_user_key"}`.
/// Returns the push to send and what was deactivated: the token and its `client_user_key`.
pub(crate) fn deactivate_from_app(
    db: &mut Db,
    token: &str,
    url: &str,
) -> Option<(Dispatch, String, String)> {
    // By token, or else by the merchant's client_user_key (its active token): an end-to-end
    // test knows the customer, never the token (the proxy keeps it to itself).
    let token = if db.tokens.contains_key(token) {
        token.to_owned()
    } else {
        db.tokens
            .values()
            .find(|t| t.is_active && t.client_user_key.as_deref() == Some(token))?
            .token
            .clone()
    };
    let token = token.as_str();
    let stored = db.tokens.get_mut(token)?;
    stored.is_active = false;
    let client_user_key = stored.client_user_key.clone().unwrap_or_default();
    let push = Dispatch::Send(Outgoing {
        kind: PushKind::TokenDeactivated,
        subject: format!("token:{token}"),
        url: url.to_owned(),
        body: json!({
            "message": "User deactivated the merchant from the Kredivo app.",
            "client_user_key": client_user_key,
        }),
        note: None,
    });
    Some((push, token.to_owned(), client_user_key))
}

/// Issues a new signature key for `tx` and returns it (unencoded).
pub(crate) fn new_signature_key(shared: &Shared, tx: &mut Transaction) -> String {
    let key = shared.ids.signature_key();
    tx.signature_keys.push(key.clone());
    key
}

fn status_message(state: State) -> String {
    format!("Transaction status is {}", state.wire())
}

/// Doc 000's push body for `tx` in its current state, with a fresh signature key.
fn push_body(shared: &Shared, tx: &mut Transaction, state: State) -> Value {
    let key = new_signature_key(shared, tx);
    let mut body = Map::new();
    body.insert("status".into(), json!("OK"));
    body.insert("amount".into(), json!(amount_2dp(tx.amount)));
    body.insert("payment_type".into(), json!(tx.payment_type.as_str()));
    body.insert("transaction_status".into(), json!(state.wire().as_str()));
    body.insert("order_id".into(), json!(tx.order_id));
    body.insert("message".into(), json!(status_message(state)));
    if let Some(addr) = &tx.shipping_address {
        body.insert("shipping_address".into(), push_address(addr, tx));
    }
    body.insert("transaction_time".into(), json!(tx.transaction_time));
    body.insert("transaction_id".into(), json!(tx.transaction_id));
    // Doc 000's example carries the key URL-encoded inside the JSON.
    body.insert("signature_key".into(), json!(percent_encode(&key)));
    if state == State::Settlement {
        if let Some(token) = &tx.user_token {
            body.insert("user_token".into(), json!(token));
        }
    }
    if let Some(sub) = &tx.sub_merchant_id {
        body.insert("sub_merchant_id".into(), json!(sub));
    }
    Value::Object(body)
}

/// Reshapes a request address into the push's "Response Address Info".
fn push_address(addr: &Value, tx: &Transaction) -> Value {
    let text = |k: &str| addr.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    json!({
        "city": text("city"),
        "first_name": text("first_name"),
        "last_name": text("last_name"),
        "countrycode": text("country_code"),
        "creation_date": jakarta_iso(tx.transaction_time),
        "phone": text("phone"),
        "state": "",
        "transaction": 1_000_000 + tx.transaction_time.rem_euclid(1_000_000),
        "postcode": text("postal_code"),
        "location_details": text("address"),
    })
}

/// The pushes for `tx`'s current state, with push faults applied.
pub(crate) fn build_pushes(shared: &Shared, tx: &mut Transaction) -> Vec<Dispatch> {
    let Some(url) = tx.push_uri.clone() else {
        return Vec::new();
    };
    let previous = tx.last_push.clone();
    let body = push_body(shared, tx, tx.state);
    tx.last_push = Some(body.clone());
    let subject = tx.transaction_id.clone();
    let out = |body: Value, note: Option<&str>| Outgoing {
        kind: PushKind::Notification,
        subject: subject.clone(),
        url: url.clone(),
        body,
        note: note.map(str::to_owned),
    };
    match shared.faults.take_for_push() {
        Some(Fault::DropPush) => vec![Dispatch::Drop(out(body, Some("dropped")))],
        Some(Fault::DelayPush { ms }) => vec![Dispatch::SendLater(
            out(body, Some("delayed")),
            Duration::from_millis(ms),
        )],
        Some(Fault::DuplicatePush) => vec![
            Dispatch::Send(out(body.clone(), None)),
            Dispatch::Send(out(body, Some("duplicate"))),
        ],
        Some(Fault::OutOfOrderPush) => {
            let stale_state = previous
                .as_ref()
                .and_then(|p| p.get("transaction_status"))
                .and_then(Value::as_str)
                .map(|s| s.to_owned());
            let mut stale = previous.unwrap_or_else(|| {
                let mut pending = body.clone();
                pending["transaction_status"] = json!("pending");
                pending["message"] = json!(status_message(State::Pending));
                if let Some(map) = pending.as_object_mut() {
                    map.remove("user_token");
                }
                pending
            });
            let key = new_signature_key(shared, tx);
            stale["signature_key"] = json!(percent_encode(&key));
            tracing::debug!(?stale_state, "out-of-order push armed");
            vec![
                Dispatch::Send(out(body, None)),
                Dispatch::Send(out(stale, Some("out_of_order"))),
            ]
        }
        _ => vec![Dispatch::Send(out(body, None))],
    }
}

/// A pending push for `tx` (sent when the shopper signs in), faults applied.
pub(crate) fn pending_push(shared: &Shared, tx: &mut Transaction) -> Vec<Dispatch> {
    if tx.state != State::Pending {
        return Vec::new();
    }
    build_pushes(shared, tx)
}

/// The driver's operation.
pub(crate) fn drive(
    shared: &Shared,
    id: &str,
    target: Target,
) -> Result<TransactionView, SandboxError> {
    let (view, pushes) = {
        let mut db = shared.db();
        let idx = db
            .find(id)
            .ok_or_else(|| SandboxError::UnknownTransaction(id.to_owned()))?;
        let mut pushes = touch(shared, &mut db, idx);
        pushes.extend(match target {
            Target::Settle => {
                transition(shared, &mut db, idx, State::Settlement, FraudStatus::Accept)?
            }
            Target::Deny => transition(shared, &mut db, idx, State::Deny, FraudStatus::Deny)?,
            Target::Expire => transition(shared, &mut db, idx, State::Expire, FraudStatus::Accept)?,
            Target::Cancel => transition(shared, &mut db, idx, State::Cancel, FraudStatus::Accept)?,
            Target::Repush => build_pushes(shared, &mut db.txs[idx]),
        });
        (view(shared, &db.txs[idx]), pushes)
    };
    dispatch(shared, pushes);
    Ok(view)
}

/// A snapshot of `tx`.
pub(crate) fn view(shared: &Shared, tx: &Transaction) -> TransactionView {
    TransactionView {
        transaction_id: tx.transaction_id.clone(),
        order_id: tx.order_id.clone(),
        source: tx.source,
        transaction_status: tx.state.wire().to_string(),
        fraud_status: tx.fraud.to_string(),
        amount: amount_2dp(tx.amount),
        remaining_amount: amount_2dp(tx.remaining()),
        payment_type: tx.payment_type.to_string(),
        transaction_time: tx.transaction_time,
        expires_at: tx.expires_at,
        redirect_url: (tx.source != Source::Express || tx.step != Step::Done)
            .then(|| redirect_url(shared, tx)),
        account: tx.account.clone(),
        user_token: tx.user_token.clone(),
        signature_keys: tx.signature_keys.clone(),
        step: tx.step,
        cancellations: tx.cancellations.clone(),
    }
}

/// The account a transaction is paid from (or the default one).
pub(crate) fn account_of<'a>(db: &'a Db, tx: &Transaction) -> Option<&'a Account> {
    tx.account
        .as_deref()
        .and_then(|p| db.account_index(p))
        .map(|i| &db.accounts[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_key_matches_raw_encoded_once_twice_or_plus_mangled() {
        let key = "ab+c/d=".to_owned();
        let issued = vec![key.clone()];
        let once = percent_encode(&key);
        let twice = percent_encode(&once);
        assert!(signature_matches(&issued, &key));
        assert!(signature_matches(&issued, &once));
        assert!(signature_matches(&issued, &twice));
        assert!(
            signature_matches(&issued, "ab c/d="),
            "form decoding turned + into space"
        );
        assert!(!signature_matches(&issued, "ab+c/d"));
        assert!(!signature_matches(&issued, ""));
    }
}
