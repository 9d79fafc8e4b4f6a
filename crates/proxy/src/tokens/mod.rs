//! Tokenized shoppers (issue 17, Kredivo direct only): the merchant names its customer
//! (`client_user_key`) and asks for `tokenize`; Kredivo issues a `user_token` when the order
//! settles (confirmed by `/v2/update`) or when the shopper connects their account; the proxy
//! keeps it sealed (AES-256-GCM, [`vault`]) and uses it for the shopper's remaining limits in
//! `payment-types` and for one-click (express) checkout. The token never leaves the proxy
//! except towards Kredivo: not to a browser, not to the merchant, not into a log or a stored
//! record ([`scrub`]).
//!
//! Map: [`vault`] (sealing, key ids, rotation, tags), [`scrub`] (redaction), this module
//! (the service: store, look up, limits, deactivate), [`notify`] (the deactivation push and
//! the Connect callback, both verified with Kredivo), [`routes`] (the merchant API and the
//! notification routes).

pub mod notify;
pub mod openapi;
pub mod routes;
mod scrub;
pub mod vault;

use kredivo_api::merchant::{is_valid_client_user_key, CreateSession, CustomerToken};
use kredivo_plan::{CreditLimits, PaymentType};

pub use scrub::scrub;
pub use vault::{Sealed, Vault, VaultError};

use crate::config::Secret;
use crate::error::AppError;
use crate::gateway::{AccountLink, CreditDetails};
use crate::store::{SessionRecord, UserTokenRecord};
use crate::AppState;

/// The sentence a merchant reads when the operator has not configured a key.
pub const NO_KEY_MESSAGE: &str =
    "Tokenization is off on this proxy: its operator must set TOKEN_ENCRYPTION_KEY (32 bytes, base64).";

/// Checks a session's `client_user_key` and `tokenize` (400 with field paths): the key's
/// shape, `tokenize` only with a key, only on a gateway that tokenizes, only with a key to
/// seal tokens with.
pub fn check_session(state: &AppState, body: &CreateSession) -> Result<(), AppError> {
    let mut details = Vec::new();
    if let Some(key) = &body.client_user_key {
        if !is_valid_client_user_key(key) {
            details.push("client_user_key: 1 to 64 of [A-Za-z0-9._:@-]".to_owned());
        }
    }
    if body.tokenize {
        if body.client_user_key.is_none() {
            details
                .push("tokenize: needs client_user_key (the merchant's id of the customer)".into());
        }
        if !state.gateway().supports_tokens() {
            return Err(AppError::InvalidRequest {
                message: format!(
                    "Tokenization is not available through the {} gateway; only Kredivo direct tokenizes shoppers.",
                    state.gateway().name()
                ),
                details: vec![format!(
                    "tokenize: not supported by GATEWAY={}",
                    state.gateway().name()
                )],
            });
        }
        if !state.vault().enabled() {
            return Err(AppError::InvalidRequest {
                message: NO_KEY_MESSAGE.into(),
                details: vec!["tokenize: TOKEN_ENCRYPTION_KEY is not set on the proxy".into()],
            });
        }
    }
    if details.is_empty() {
        Ok(())
    } else {
        Err(AppError::InvalidRequest {
            message: "The session has fields Kredivo cannot accept; see details.".into(),
            details,
        })
    }
}

/// The path of a customer in the merchant API, checked.
pub fn customer_key(raw: &str) -> Result<String, AppError> {
    if is_valid_client_user_key(raw) {
        Ok(raw.to_owned())
    } else {
        Err(AppError::InvalidRequest {
            message: "Malformed customer id.".into(),
            details: vec!["client_user_key: 1 to 64 of [A-Za-z0-9._:@-]".into()],
        })
    }
}

fn sealed_of(row: &UserTokenRecord) -> Sealed {
    Sealed {
        ciphertext: row.ciphertext.clone(),
        nonce: row.nonce.clone(),
        key_id: row.key_id.clone(),
    }
}

/// Seals and stores a token Kredivo issued for `client_user_key` (active from now on).
pub async fn store_token(
    state: &AppState,
    client_user_key: &str,
    token: &Secret,
    source: &str,
) -> Result<(), AppError> {
    let provider = state.gateway().name();
    let sealed = state
        .vault()
        .seal(provider, client_user_key, token.expose())
        .map_err(|e| AppError::Internal(format!("cannot seal a user token: {e}")))?;
    let now = state.clock().now_millis();
    state
        .store()
        .user_tokens()
        .put_user_token(&UserTokenRecord {
            client_user_key: client_user_key.to_owned(),
            provider: provider.to_owned(),
            ciphertext: sealed.ciphertext,
            nonce: sealed.nonce,
            key_id: sealed.key_id,
            active: true,
            created_at: now,
            updated_at: now,
            deactivated_at: None,
        })
        .await?;
    tracing::info!(%client_user_key, provider, source, "user token stored (sealed)");
    Ok(())
}

/// A customer's active token, opened. Re-seals a row sealed with the previous key (key
/// rotation on read). `None` when there is none, it is inactive, or it does not open (a
/// wrong key or a row moved to another customer: logged, never used).
pub async fn active_token(
    state: &AppState,
    client_user_key: &str,
) -> Option<(UserTokenRecord, Secret)> {
    if !state.gateway().supports_tokens() || !state.vault().enabled() {
        return None;
    }
    let provider = state.gateway().name();
    let tokens = state.store().user_tokens();
    let row = match tokens.user_token(provider, client_user_key).await {
        Ok(Some(row)) if row.active => row,
        Ok(_) => return None,
        Err(e) => {
            tracing::warn!(error = %crate::error::cause_chain(&e), "cannot read a user token; going on without it");
            return None;
        }
    };
    let sealed = sealed_of(&row);
    let token = match state.vault().open(provider, client_user_key, &sealed) {
        Ok(token) => token,
        Err(e) => {
            tracing::error!(%client_user_key, key_id = %row.key_id, error = %e, "stored user token does not open; ignored");
            return None;
        }
    };
    if state.vault().is_stale(&sealed) {
        if let Ok(fresh) = state
            .vault()
            .seal(provider, client_user_key, token.expose())
        {
            let resealed = UserTokenRecord {
                ciphertext: fresh.ciphertext,
                nonce: fresh.nonce,
                key_id: fresh.key_id,
                updated_at: state.clock().now_millis(),
                ..row.clone()
            };
            match tokens.reseal_user_token(&row.nonce, &resealed).await {
                Ok(true) => {
                    tracing::info!(%client_user_key, from = %row.key_id, to = %resealed.key_id, "user token re-sealed with the current key");
                    return Some((resealed, token));
                }
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(error = %crate::error::cause_chain(&e), "cannot re-seal a user token; kept as it was")
                }
            }
        }
    }
    Some((row, token))
}

/// Marks a customer's token inactive (only the sealing in `row` when given). `true` when an
/// active token became inactive.
pub async fn invalidate(
    state: &AppState,
    client_user_key: &str,
    row: Option<&UserTokenRecord>,
    why: &str,
) -> Result<bool, AppError> {
    let provider = state.gateway().name();
    let changed = state
        .store()
        .user_tokens()
        .deactivate_user_token(
            provider,
            client_user_key,
            row.map(|r| r.nonce.as_str()),
            state.clock().now_millis(),
        )
        .await?;
    if changed {
        tracing::info!(%client_user_key, provider, why, "user token deactivated");
    }
    Ok(changed)
}

/// A tokenized customer's credit, asked of Kredivo now (never cached across sessions: the
/// limit changes with every purchase). `None` — and the normal flow — when there is no
/// active token, the account is inactive, or the call fails; a token Kredivo calls invalid
/// is marked inactive.
pub async fn credit(state: &AppState, client_user_key: &str) -> Option<CreditDetails> {
    let (row, token) = active_token(state, client_user_key).await?;
    match state.gateway().credit_details(&token).await {
        Ok(details) if details.account_active => Some(details),
        Ok(_) => {
            tracing::info!(%client_user_key, "Kredivo account inactive: no limits, no express checkout");
            None
        }
        Err(e) if e.is_invalid_token() => {
            if let Err(e) =
                invalidate(state, client_user_key, Some(&row), "Kredivo refused it").await
            {
                tracing::warn!(error = %crate::error::cause_chain(&e), "cannot mark a refused user token inactive");
            }
            None
        }
        Err(e) => {
            tracing::warn!(%client_user_key, error = %e, "credit details unavailable; normal checkout");
            None
        }
    }
}

/// The credit of a session's customer, if the session names one with an active token.
pub async fn session_credit(state: &AppState, session: &SessionRecord) -> Option<CreditDetails> {
    let key = session.body.client_user_key.as_deref()?;
    credit(state, key).await
}

/// The remaining limit of one payment type.
pub fn remaining(limits: &CreditLimits, payment_type: &str) -> Option<kredivo_plan::Money> {
    let pt: PaymentType = payment_type.parse().unwrap_or_else(|never| match never {});
    limits.remaining(&pt)
}

/// What a session's checkout does with the shopper's account: express with an active
/// token, tokenize when asked, else nothing.
pub async fn account_link(state: &AppState, session: &SessionRecord) -> AccountLink {
    let Some(key) = session.body.client_user_key.clone() else {
        return AccountLink::None;
    };
    if !state.gateway().supports_tokens() {
        return AccountLink::None;
    }
    if let Some((_, user_token)) = active_token(state, &key).await {
        return AccountLink::Express {
            client_user_key: key,
            user_token,
        };
    }
    if session.body.tokenize && state.vault().enabled() {
        return AccountLink::Tokenize {
            client_user_key: key,
        };
    }
    AccountLink::None
}

/// A settled order's confirmation carried a user token: store it for the session's
/// customer when the session asked for tokenization (an event on the order says so, without
/// the token).
pub async fn on_settled(state: &AppState, order_id: &str, session_id: &str, token: &Secret) {
    let session = match state.store().session(session_id).await {
        Ok(Some(s)) => s,
        _ => return,
    };
    let Some(key) = session.body.client_user_key.as_deref() else {
        return;
    };
    if !session.body.tokenize {
        return;
    }
    if let Some((_, current)) = active_token(state, key).await {
        if current.expose() == token.expose() {
            return;
        }
    }
    match store_token(state, key, token, "settlement").await {
        Ok(()) => {
            let event = crate::store::NewEvent::new(
                state.clock().now_millis(),
                "customer_tokenized",
                format!("Kredivo tokenized customer {key} (token stored sealed)"),
            );
            if let Err(e) = state.store().append_event(order_id, &event).await {
                tracing::warn!(error = %crate::error::cause_chain(&e), "cannot log the tokenization");
            }
        }
        Err(e) => {
            tracing::error!(%order_id, error = %crate::error::cause_chain(&e), "cannot store the user token of a settled order")
        }
    }
}

/// What the merchant API shows of a customer's token (never the token).
pub async fn view(state: &AppState, client_user_key: &str) -> Result<CustomerToken, AppError> {
    let provider = state.gateway().name();
    let row = state
        .store()
        .user_tokens()
        .user_token(provider, client_user_key)
        .await?
        .ok_or(AppError::NotFound("customer token"))?;
    Ok(customer_view(&row))
}

fn customer_view(row: &UserTokenRecord) -> CustomerToken {
    CustomerToken {
        client_user_key: row.client_user_key.clone(),
        provider: row.provider.clone(),
        active: row.active,
        created_at: row.created_at.div_euclid(1000),
        updated_at: row.updated_at.div_euclid(1000),
        deactivated_at: row.deactivated_at.map(|t| t.div_euclid(1000)),
    }
}

/// `DELETE /customers/{key}/token`: deactivates the token at Kredivo
/// (`/v2/deactive_user_token`), then here. A token Kredivo no longer knows is deactivated
/// here all the same; an outage answers the gateway's error and changes nothing.
pub async fn deactivate(
    state: &AppState,
    client_user_key: &str,
) -> Result<CustomerToken, AppError> {
    let provider = state.gateway().name();
    if !state.gateway().supports_tokens() {
        return Err(crate::gateway::GatewayError::Unsupported {
            operation: "deactive_user_token",
            gateway: provider,
        }
        .into());
    }
    let tokens = state.store().user_tokens();
    let row = tokens
        .user_token(provider, client_user_key)
        .await?
        .ok_or(AppError::NotFound("customer token"))?;
    if row.active {
        match state
            .vault()
            .open(provider, client_user_key, &sealed_of(&row))
        {
            Ok(token) => match state.gateway().deactivate_token(&token).await {
                Ok(()) => {}
                Err(e) if e.is_invalid_token() => {
                    tracing::info!(%client_user_key, "Kredivo no longer knows the token; deactivated here")
                }
                Err(e) => return Err(e.into()),
            },
            Err(e) => {
                tracing::warn!(%client_user_key, error = %e, "token does not open; deactivated here only")
            }
        }
        invalidate(state, client_user_key, None, "merchant API").await?;
    }
    view(state, client_user_key).await
}

/// What [`rotate_all`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Rotation {
    /// The current key's id.
    pub key_id: String,
    /// Rows re-sealed with it.
    pub resealed: u64,
    /// Rows that open with no configured key (left as they are; those shoppers sign in and
    /// are tokenized again).
    pub unreadable: u64,
    /// Rows that changed while being re-sealed (a new token was stored meanwhile).
    pub skipped: u64,
}

/// `kredivo-proxy rotate-tokens`: re-seals every stored token not sealed with the current
/// `TOKEN_ENCRYPTION_KEY` (opened with `TOKEN_ENCRYPTION_KEY_PREVIOUS`), so the previous key
/// can then be dropped. Safe to run while serving, and again.
pub async fn rotate_all(state: &AppState) -> Result<Rotation, AppError> {
    let vault = state.vault();
    let key_id = vault
        .current_key_id()
        .ok_or_else(|| AppError::invalid(NO_KEY_MESSAGE))?
        .to_owned();
    let tokens = state.store().user_tokens();
    let mut report = Rotation {
        key_id: key_id.clone(),
        ..Rotation::default()
    };
    let (mut after_key, mut after_provider) = (String::new(), String::new());
    loop {
        let page = tokens
            .user_tokens_not_sealed_with(&key_id, &after_key, &after_provider, 500)
            .await?;
        let Some(last) = page.last() else {
            return Ok(report);
        };
        (after_key, after_provider) = (last.client_user_key.clone(), last.provider.clone());
        for row in &page {
            let opened = vault.open(&row.provider, &row.client_user_key, &sealed_of(row));
            let Ok(token) = opened else {
                report.unreadable += 1;
                continue;
            };
            let fresh = vault
                .seal(&row.provider, &row.client_user_key, token.expose())
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let resealed = UserTokenRecord {
                ciphertext: fresh.ciphertext,
                nonce: fresh.nonce,
                key_id: fresh.key_id,
                updated_at: state.clock().now_millis(),
                ..row.clone()
            };
            if tokens.reseal_user_token(&row.nonce, &resealed).await? {
                report.resealed += 1;
            } else {
                report.skipped += 1;
            }
        }
    }
}
