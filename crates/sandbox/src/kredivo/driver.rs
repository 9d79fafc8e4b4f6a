//! The sandbox-only driver under `/kredivo/_sandbox/...`: move transactions to any state,
//! inspect transactions and pushes, arm faults, move the clock. Plain JSON, not Kredivo's
//! shapes: nothing here exists in production.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::model::normalize_phone;
use super::reply::parse_json;
use super::{service, Kredivo, Shared};
use crate::faults::FaultRule;
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
        SandboxError::UnknownTransaction(_) | SandboxError::UnknownAccount(_) => {
            StatusCode::NOT_FOUND
        }
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

async fn clear_faults(State(shared): AppState) -> Response {
    shared.faults.clear();
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
