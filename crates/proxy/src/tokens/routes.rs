//! The routes of tokenization, mounted under the API prefix by `crate::http`:
//!
//! | method | path | auth | answer |
//! |---|---|---|---|
//! | GET | `/customers/{client_user_key}/token` | merchant key | `CustomerToken` |
//! | DELETE | `/customers/{client_user_key}/token` | merchant key | `CustomerToken` (inactive) |
//! | POST | `/customers/{client_user_key}/connect` | merchant key | `ConnectStarted` |
//! | POST | `/notify/kredivo/connect?k=…&exp=…&tag=…` | the URL's tag + Kredivo | `{"status":"OK"}` |
//! | POST | `/notify/kredivo/token` | Kredivo re-check | `{"status":"OK"}` |
//!
//! The deactivation push is also recognised on `/push` (see `crate::http`).

use axum::extract::{Path, Query, Request, State};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use kredivo_api::merchant::ConnectAccount;

use crate::error::{read_body, AppError, Json};
use crate::gateway::NotificationReply;
use crate::orders::NotificationOutcome;
use crate::{security, AppState};

use super::notify::{self, CallbackQuery, CONNECT_CALLBACK_PATH, TOKEN_PUSH_PATH};

/// The merchant's customer routes (merchant key) and Kredivo's token notifications (the
/// notification rate limit), to merge into the API router.
pub fn routes(state: &AppState) -> Router<AppState> {
    let merchant = Router::new()
        .route(
            "/customers/{client_user_key}/token",
            get(show_token).delete(delete_token),
        )
        .route("/customers/{client_user_key}/connect", post(connect))
        .layer(from_fn_with_state(
            state.clone(),
            security::require_merchant,
        ));
    let notify_limit = from_fn_with_state(state.clone(), security::notify_rate_limit);
    let notify = Router::new()
        .route(CONNECT_CALLBACK_PATH, post(connect_callback))
        .route(TOKEN_PUSH_PATH, post(token_push))
        .route_layer(notify_limit);
    merchant.merge(notify)
}

fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

async fn show_token(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    let key = super::customer_key(&key)?;
    let view = super::view(&state, &key).await?;
    Ok(no_store(axum::Json(view).into_response()))
}

async fn delete_token(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    let key = super::customer_key(&key)?;
    let view = super::deactivate(&state, &key).await?;
    Ok(no_store(axum::Json(view).into_response()))
}

async fn connect(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Json(body): Json<ConnectAccount>,
) -> Result<Response, AppError> {
    let key = super::customer_key(&key)?;
    let started = notify::start_connect(&state, &key, body).await?;
    Ok(no_store(axum::Json(started).into_response()))
}

/// Answers a token notification the way Kredivo expects a push answered.
pub fn reply(state: &AppState, outcome: &NotificationOutcome) -> Response {
    let reply = if outcome.retry {
        NotificationReply::RetryLater
    } else {
        NotificationReply::Done
    };
    let (status, json) = state.gateway().notification_reply(reply, &outcome.message);
    (status, axum::Json(json)).into_response()
}

async fn connect_callback(
    State(state): State<AppState>,
    Query(query): Query<CallbackQuery>,
    req: Request,
) -> Response {
    let body = match read_body(req, &state).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let mut outcome = notify::connect_callback(&state, &query, &body).await;
    notify::record(&state, "connect_callback", &body, &mut outcome).await;
    reply(&state, &outcome)
}

async fn token_push(State(state): State<AppState>, req: Request) -> Response {
    let body = match read_body(req, &state).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let mut outcome = notify::deactivation_push(&state, &body).await;
    notify::record(&state, "token_deactivated", &body, &mut outcome).await;
    reply(&state, &outcome)
}
