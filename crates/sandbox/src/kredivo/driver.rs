//! The sandbox-only driver under `/kredivo/_sandbox/...`: move transactions to any state,
//! play the shopper's return, inspect transactions and pushes, arm faults, move the clock,
//! fire the token-deactivation push, finish a Kredivo Connect and "scan" a QR code. Plain JSON, not Kredivo's
//! shapes: nothing here exists in production.
//!
//! Tokens: `POST /user_tokens` `{phone, client_user_key}` issues one;
//! `POST /user_tokens/{token or client_user_key}/deactivate` `{url?}` deactivates it as the
//! shopper does in the Kredivo app and pushes `{"message","client_user_key"}` to `url` or the
//! configured `token_push_url`; `GET /connects` and `POST /connects/{page token or
//! client_user_key}/complete` `{phone?}` finish a Kredivo Connect (the callback is POSTed).

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::model::normalize_phone;
use super::reply::parse_json;
use super::{service, Kredivo, Shared};
use crate::faults::{Endpoint, FaultRule};
use crate::SandboxError;

/// Where the driver moves a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Target {
    /// `settlement` (fraud `accept`); reduces the account's limit, issues a token if asked.
    Settle,
    /// `deny` with fraud `deny`.
    Deny,
    /// `expire`.
    Expire,
    /// `cancel` (a full cancel when settled: limit restored).
    Cancel,
    /// No state change: push the current state again (fresh signature key).
    Repush,
}

impl FromStr for Target {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "settle" | "settlement" => Ok(Target::Settle),
            "deny" => Ok(Target::Deny),
            "expire" => Ok(Target::Expire),
            "cancel" => Ok(Target::Cancel),
            "repush" | "push" => Ok(Target::Repush),
            other => Err(format!(
                "unknown target {other:?}: use settle, deny, expire, cancel or repush"
            )),
        }
    }
}

type AppState = State<Arc<Shared>>;

fn problem(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

fn handle_error(err: SandboxError) -> Response {
    let status = match err {
        SandboxError::UnknownTransaction(_)
        | SandboxError::UnknownAccount(_)
        | SandboxError::UnknownToken(_)
        | SandboxError::UnknownConnect(_) => StatusCode::NOT_FOUND,
        SandboxError::NoPushUrl(_) => StatusCode::BAD_REQUEST,
        SandboxError::InvalidTransition { .. } => StatusCode::CONFLICT,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    problem(status, err.to_string())
}

fn kredivo(shared: &Arc<Shared>) -> Kredivo {
    Kredivo {
        shared: shared.clone(),
    }
}

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/transactions", get(list))
        .route("/transactions/{id}", get(one))
        .route("/transactions/{id}/{target}", post(drive))
        .route("/pushes", get(pushes))
        .route("/faults", get(faults).post(add_fault).delete(clear_faults))
        .route("/clock", get(clock))
        .route("/clock/advance", post(advance))
        .route("/accounts", get(accounts))
        .route("/user_tokens", post(user_token))
        .route("/user_tokens/{token}/deactivate", post(deactivate_token))
        .route("/connects", get(connects))
        .route("/connects/{id}/complete", post(complete_connect))
        .route("/qr/{id}/scan", get(super::qr::qr_scan))
        .fallback(|| async { problem(StatusCode::NOT_FOUND, "no such driver endpoint") })
}

async fn list(State(shared): AppState) -> Response {
    Json(kredivo(&shared).transactions()).into_response()
}

async fn one(State(shared): AppState, Path(id): Path<String>) -> Response {
    match kredivo(&shared).transaction(&id) {
        Some(view) => Json(view).into_response(),
        None => handle_error(SandboxError::UnknownTransaction(id)),
    }
}

async fn drive(State(shared): AppState, Path((id, target)): Path<(String, String)>) -> Response {
    if target.eq_ignore_ascii_case("return") {
        return match kredivo(&shared).return_url(&id) {
            Ok(url) => Json(json!({ "return_url": url })).into_response(),
            Err(err) => handle_error(err),
        };
    }
    let target = match Target::from_str(&target) {
        Ok(t) => t,
        Err(msg) => return problem(StatusCode::BAD_REQUEST, msg),
    };
    match service::drive(&shared, &id, target) {
        Ok(view) => Json(view).into_response(),
        Err(err) => handle_error(err),
    }
}

async fn pushes(State(shared): AppState) -> Response {
    Json(shared.pusher.log()).into_response()
}

async fn faults(State(shared): AppState) -> Response {
    Json(shared.faults.list()).into_response()
}

async fn add_fault(State(shared): AppState, body: axum::body::Bytes) -> Response {
    // One rule or a list of rules.
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(FaultRule),
        Many(Vec<FaultRule>),
    }
    let rules = match serde_json::from_slice::<OneOrMany>(&body) {
        Ok(OneOrMany::One(rule)) => vec![rule],
        Ok(OneOrMany::Many(rules)) => rules,
        Err(err) => return problem(StatusCode::BAD_REQUEST, format!("bad fault rule: {err}")),
    };
    for rule in rules {
        shared.faults.add(rule);
    }
    Json(shared.faults.list()).into_response()
}

/// `DELETE /faults` disarms everything; `DELETE /faults?endpoint=update` only that endpoint's
/// rules (`push` for the push faults).
async fn clear_faults(
    State(shared): AppState,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    match query.get("endpoint") {
        None => shared.faults.clear(),
        Some(name) => match serde_json::from_value::<Endpoint>(json!(name)) {
            Ok(endpoint) => shared.faults.clear_endpoint(endpoint),
            Err(_) => {
                return problem(
                    StatusCode::BAD_REQUEST,
                    format!("unknown endpoint {name:?}"),
                )
            }
        },
    }
    Json(shared.faults.list()).into_response()
}

async fn clock(State(shared): AppState) -> Response {
    Json(json!({ "now": shared.clock.unix_secs() })).into_response()
}

#[derive(Deserialize)]
struct Advance {
    seconds: u64,
}

async fn advance(State(shared): AppState, body: axum::body::Bytes) -> Response {
    let advance: Advance = match parse_json(&body) {
        Ok(a) => a,
        Err(err) => return problem(StatusCode::BAD_REQUEST, err.message),
    };
    kredivo(&shared).advance_clock(Duration::from_secs(advance.seconds));
    Json(json!({ "now": shared.clock.unix_secs() })).into_response()
}

async fn accounts(State(shared): AppState) -> Response {
    Json(kredivo(&shared).accounts()).into_response()
}

#[derive(Deserialize)]
struct NewToken {
    #[serde(default)]
    server_key: Option<String>,
    phone: String,
    client_user_key: String,
}

async fn user_token(State(shared): AppState, body: axum::body::Bytes) -> Response {
    let req: NewToken = match parse_json(&body) {
        Ok(r) => r,
        Err(err) => return problem(StatusCode::BAD_REQUEST, err.message),
    };
    let key = req
        .server_key
        .or_else(|| shared.server_keys.first().cloned())
        .unwrap_or_default();
    match kredivo(&shared).issue_user_token(
        &key,
        &normalize_phone(&req.phone),
        &req.client_user_key,
    ) {
        Ok(token) => Json(json!({ "user_token": token })).into_response(),
        Err(err) => handle_error(err),
    }
}

/// Optional body of the token and connect driver calls.
#[derive(Deserialize, Default)]
struct Options {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    phone: Option<String>,
}

/// An empty body means no options; a bad one is the message to answer 400 with.
fn options(body: &[u8]) -> Result<Options, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Options::default());
    }
    parse_json(body).map_err(|err| err.message)
}

async fn deactivate_token(
    State(shared): AppState,
    Path(token): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let options = match options(&body) {
        Ok(o) => o,
        Err(message) => return problem(StatusCode::BAD_REQUEST, message),
    };
    match kredivo(&shared).deactivate_from_app(&token, options.url.as_deref()) {
        Ok(deactivated) => {
            Json(json!({ "user_token": deactivated, "is_active": false })).into_response()
        }
        Err(err) => handle_error(err),
    }
}

async fn connects(State(shared): AppState) -> Response {
    Json(kredivo(&shared).connects()).into_response()
}

async fn complete_connect(
    State(shared): AppState,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let options = match options(&body) {
        Ok(o) => o,
        Err(message) => return problem(StatusCode::BAD_REQUEST, message),
    };
    let kredivo = kredivo(&shared);
    match kredivo.complete_connect(&id, options.phone.as_deref()) {
        Ok(token) => {
            let connect = kredivo
                .connects()
                .into_iter()
                .rfind(|c| c.user_token.as_deref() == Some(token.as_str()));
            Json(json!({
                "user_token": token,
                "client_user_key": connect.as_ref().map(|c| c.client_user_key.clone()),
                "redirect_url": connect.map(|c| c.redirect_url),
            }))
            .into_response()
        }
        Err(err) => handle_error(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_from_path_segments() {
        assert_eq!("settle".parse::<Target>(), Ok(Target::Settle));
        assert_eq!("SETTLEMENT".parse::<Target>(), Ok(Target::Settle));
        assert!("refund".parse::<Target>().is_err());
    }
}
