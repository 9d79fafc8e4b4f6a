//! What Kredivo sends about tokens, each verified before it changes anything:
//!
//! - the "Deactive From Kredivo App" push (doc 000: `{"message", "client_user_key"}`, no
//!   signature, no transaction to confirm with `/v2/update`). The body is never trusted:
//!   the stored token is shown to Kredivo (`/v2/get_user_credit_details`); only when Kredivo
//!   refuses it is it deactivated here. A forged push about a token that still works changes
//!   nothing.
//! - the Connect callback (`{"status", "user_token", "client_user_key", "message"}`). It
//!   must arrive at the callback URL this proxy made for that customer (the URL carries an
//!   expiry and a tag over the customer id, [`super::Vault::tag`]), and Kredivo must
//!   accept the token (credit details) before it is stored.
//! - [`start_connect`]: the merchant API's side of Connect.

use kredivo_api::merchant::{ConnectAccount, ConnectStarted};
use kredivo_providers::kredivo::{ConnectCallback, TokenDeactivatedNotice};
use reqwest::Url;
use serde_json::Value;

use crate::config::Secret;
use crate::error::AppError;
use crate::gateway::ConnectStart;
use crate::orders::NotificationOutcome;
use crate::AppState;

/// Path (under the API prefix) of the Connect callback.
pub const CONNECT_CALLBACK_PATH: &str = "/notify/kredivo/connect";
/// Path (under the API prefix) of the deactivation push, for merchants who register a URL
/// of its own with Kredivo; the same push is also recognised on `/push`.
pub const TOKEN_PUSH_PATH: &str = "/notify/kredivo/token";
/// How long a Connect callback URL stays valid.
const CONNECT_TTL_SECS: i64 = 24 * 3600;

fn done(verdict: &'static str, message: impl Into<String>) -> NotificationOutcome {
    NotificationOutcome {
        verdict,
        retry: false,
        message: message.into(),
    }
}

fn retry(message: impl Into<String>) -> NotificationOutcome {
    NotificationOutcome {
        verdict: "unverified",
        retry: true,
        message: message.into(),
    }
}

/// Whether a body sent to `/push` is the deactivation push rather than a transaction's:
/// it names a `client_user_key` and no `transaction_id`.
pub fn is_deactivation_push(body: &[u8]) -> bool {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => {
            map.contains_key("client_user_key") && !map.contains_key("transaction_id")
        }
        _ => false,
    }
}

/// Handles the "deactivated from the Kredivo app" push: verified by showing Kredivo the
/// stored token; deactivated only when Kredivo refuses it.
pub async fn deactivation_push(state: &AppState, body: &[u8]) -> NotificationOutcome {
    let notice: TokenDeactivatedNotice = match serde_json::from_slice(body) {
        Ok(n) => n,
        Err(e) => return done("malformed", format!("Ignored: {e}.")),
    };
    let key = notice.client_user_key.trim();
    if !kredivo_api::merchant::is_valid_client_user_key(key) {
        return done("malformed", "Ignored: malformed client_user_key.");
    }
    let Some((row, token)) = super::active_token(state, key).await else {
        return done("duplicate", "Received: no active token for this customer.");
    };
    match state.gateway().credit_details(&token).await {
        Ok(details) if details.account_active => {
            tracing::warn!(client_user_key = %key, "deactivation push NOT confirmed: Kredivo still accepts the token; ignored");
            done("unconfirmed", "Ignored: not confirmed.")
        }
        Ok(_) => apply_deactivation(state, key, &row, "account inactive at Kredivo").await,
        Err(e) if e.is_invalid_token() => {
            apply_deactivation(state, key, &row, "deactivated from the Kredivo app").await
        }
        Err(e) => {
            tracing::warn!(client_user_key = %key, error = %e, "deactivation push could not be checked now; asking Kredivo to retry");
            retry("Could not confirm the notification right now; please retry.")
        }
    }
}

async fn apply_deactivation(
    state: &AppState,
    key: &str,
    row: &crate::store::UserTokenRecord,
    why: &str,
) -> NotificationOutcome {
    match super::invalidate(state, key, Some(row), why).await {
        Ok(_) => done("applied", "Received: token deactivated."),
        Err(e) => {
            tracing::error!(error = %crate::error::cause_chain(&e), "cannot deactivate a user token");
            retry("Temporary failure; please retry.")
        }
    }
}

fn connect_message(client_user_key: &str, expires: i64) -> String {
    format!("connect\n{client_user_key}\n{expires}")
}

/// `POST /customers/{key}/connect`: asks Kredivo for its Connect page for this customer,
/// with a callback URL only this proxy can make.
pub async fn start_connect(
    state: &AppState,
    client_user_key: &str,
    body: ConnectAccount,
) -> Result<ConnectStarted, AppError> {
    if !state.gateway().supports_tokens() {
        return Err(crate::gateway::GatewayError::Unsupported {
            operation: "connect",
            gateway: state.gateway().name(),
        }
        .into());
    }
    if !state.vault().enabled() {
        return Err(AppError::InvalidRequest {
            message: super::NO_KEY_MESSAGE.into(),
            details: vec!["TOKEN_ENCRYPTION_KEY: not set on the proxy".into()],
        });
    }
    let mut details = Vec::new();
    let digits = body
        .mobile_number
        .chars()
        .filter(char::is_ascii_digit)
        .count();
    if !(8..=16).contains(&digits) {
        details.push("mobile_number: an Indonesian phone number (8 to 16 digits)".to_owned());
    }
    match Url::parse(&body.redirect_url) {
        Ok(url) if state.config().return_url_allowed(&url) => {}
        _ => details.push(
            "redirect_url: an absolute URL on one of the merchant's hosts (MERCHANT_RETURN_HOSTS)"
                .to_owned(),
        ),
    }
    if !details.is_empty() {
        return Err(AppError::InvalidRequest {
            message: "The connect request has fields Kredivo cannot accept; see details.".into(),
            details,
        });
    }
    let expires = state.clock().now_millis().div_euclid(1000) + CONNECT_TTL_SECS;
    let tag = state
        .vault()
        .tag(&connect_message(client_user_key, expires))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut callback = Url::parse(&state.config().public_url(&format!(
        "{}{CONNECT_CALLBACK_PATH}",
        kredivo_api::API_PREFIX
    )))
    .map_err(|e| AppError::Internal(format!("callback URL: {e}")))?;
    callback
        .query_pairs_mut()
        .append_pair("k", client_user_key)
        .append_pair("exp", &expires.to_string())
        .append_pair("tag", &tag);
    let redirect_url = state
        .gateway()
        .connect(&ConnectStart {
            client_user_key: client_user_key.to_owned(),
            mobile_number: body.mobile_number,
            callback_url: callback.into(),
            redirect_url: body.redirect_url,
            customer: body.customer,
        })
        .await?;
    let parsed = Url::parse(&redirect_url).ok();
    if !parsed
        .as_ref()
        .is_some_and(|u| state.config().redirect_allowed(u))
    {
        let host = parsed
            .as_ref()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "(unparsable)".into());
        return Err(crate::gateway::GatewayError::RedirectNotAllowed { host }.into());
    }
    Ok(ConnectStarted {
        client_user_key: client_user_key.to_owned(),
        redirect_url,
    })
}

/// The query of the Connect callback URL.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CallbackQuery {
    /// The customer the URL was made for.
    #[serde(default)]
    pub k: Option<String>,
    /// Unix seconds after which the URL is refused.
    #[serde(default)]
    pub exp: Option<i64>,
    /// [`super::Vault::tag`] of the two.
    #[serde(default)]
    pub tag: Option<String>,
}

/// The Connect callback: stored only when the URL is one this proxy made for this customer
/// and Kredivo accepts the token.
pub async fn connect_callback(
    state: &AppState,
    query: &CallbackQuery,
    body: &[u8],
) -> NotificationOutcome {
    let callback: ConnectCallback = match serde_json::from_slice(body) {
        Ok(c) => c,
        Err(e) => return done("malformed", format!("Ignored: {e}.")),
    };
    let key = callback.client_user_key.trim();
    let (Some(k), Some(exp), Some(tag)) = (&query.k, query.exp, &query.tag) else {
        tracing::warn!("connect callback without its URL's tag; ignored");
        return done("unconfirmed", "Ignored: not confirmed.");
    };
    let now = state.clock().now_millis().div_euclid(1000);
    if k != key || exp < now || !state.vault().verify_tag(&connect_message(k, exp), tag) {
        tracing::warn!(client_user_key = %key, "connect callback for a URL this proxy did not make (or expired); ignored");
        return done("unconfirmed", "Ignored: not confirmed.");
    }
    if !callback.status.eq_ignore_ascii_case("OK") || callback.user_token.trim().is_empty() {
        return done("ignored", "Received: connect not successful.");
    }
    let token = Secret::new(callback.user_token.trim());
    match state.gateway().credit_details(&token).await {
        Ok(_) => match super::store_token(state, key, &token, "connect").await {
            Ok(()) => done("applied", "Received: account connected."),
            Err(e) => {
                tracing::error!(error = %crate::error::cause_chain(&e), "cannot store a connected token");
                retry("Temporary failure; please retry.")
            }
        },
        Err(e) if e.is_invalid_token() => {
            tracing::warn!(client_user_key = %key, "connect callback token refused by Kredivo; ignored");
            done("unconfirmed", "Ignored: not confirmed.")
        }
        Err(e) => {
            tracing::warn!(error = %e, "connect callback could not be checked now; asking Kredivo to retry");
            retry("Could not confirm the notification right now; please retry.")
        }
    }
}

/// Stores what a token notification was (body scrubbed of tokens) with its verdict, like a
/// transaction's notification.
pub async fn record(state: &AppState, kind: &str, body: &[u8], outcome: &mut NotificationOutcome) {
    let text = super::scrub(&String::from_utf8_lossy(body));
    let cut: String = text.chars().take(512).collect();
    let record = crate::store::NotificationRecord {
        id: state.ids().id("ntf"),
        at: state.clock().now_millis(),
        gateway: state.gateway().name().to_owned(),
        order_id: None,
        transaction_id: None,
        raw_body: format!("{kind}: {cut}"),
        verdict: outcome.verdict.to_owned(),
        detail: outcome.message.clone(),
    };
    if let Err(e) = state.store().record_notification(&record).await {
        tracing::error!(error = %crate::error::cause_chain(&e), "cannot store a token notification; asking to retry");
        outcome.retry = true;
    }
}
