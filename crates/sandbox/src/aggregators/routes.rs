//! The routes every aggregator simulator has beside its dialect's: the shopper's return from
//! Kredivo's pages, and the `_sandbox` driver (list, show, drive).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use super::engine::{Dialect, Provider};
use crate::kredivo::Target;

/// `GET /{provider}/_return/{id}`: Kredivo's pages are done; send the shopper to the
/// merchant's URL for the outcome (or show a final page when there is none).
pub(crate) async fn return_from_kredivo<D: Dialect>(
    State(p): State<Arc<Provider<D>>>,
    Path(id): Path<String>,
) -> Response {
    let Some(tx) = p.get(&id) else {
        return crate::html::error_page(
            StatusCode::NOT_FOUND,
            "Transaksi tidak dikenal",
            "Transaksi ini tidak dikenal.",
        );
    };
    match p.dialect.return_url(&p.core, &tx) {
        Some(url) => Redirect::to(&url).into_response(),
        None => crate::html::page(
            "Selesai",
            &format!(
                "<p id=\"status\" data-status=\"{0}\">Status: {0}</p>",
                crate::html::escape(&p.dialect.status_word(&tx))
            ),
        )
        .into_response(),
    }
}

/// `…/{provider}/_sandbox/…`: list, show, and drive transactions.
pub(crate) fn driver<D: Dialect>() -> Router<Arc<Provider<D>>> {
    Router::new()
        .route("/transactions", get(driver_list::<D>))
        .route("/transactions/{id}", get(driver_show::<D>))
        .route("/transactions/{id}/{target}", post(driver_drive::<D>))
}

fn problem(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

async fn driver_list<D: Dialect>(State(p): State<Arc<Provider<D>>>) -> Response {
    Json(p.snapshots()).into_response()
}

async fn driver_show<D: Dialect>(
    State(p): State<Arc<Provider<D>>>,
    Path(id): Path<String>,
) -> Response {
    match p.get(&id) {
        Some(tx) => Json(p.snapshot(&tx)).into_response(),
        None => problem(StatusCode::NOT_FOUND, format!("no transaction {id:?}")),
    }
}

async fn driver_drive<D: Dialect>(
    State(p): State<Arc<Provider<D>>>,
    Path((id, target)): Path<(String, String)>,
) -> Response {
    let result = match target.as_str() {
        "return" => {
            return match p.get(&id) {
                Some(tx) => Json(json!({ "return_url": p.dialect.return_url(&p.core, &tx) }))
                    .into_response(),
                None => problem(StatusCode::NOT_FOUND, format!("no transaction {id:?}")),
            }
        }
        "refund" => p
            .refund(&id, None, "Refunded from the sandbox driver", None)
            .map(|(tx, _)| tx)
            .map_err(|e| format!("refund refused: {e:?}")),
        "repush" | "push" => p.repush(&id),
        other => match other.parse::<Target>() {
            Ok(target) => p.drive_kredivo(&id, target),
            Err(msg) => {
                return problem(StatusCode::BAD_REQUEST, format!("{msg}, refund or return"))
            }
        },
    };
    match result {
        Ok(tx) => Json(p.snapshot(&tx)).into_response(),
        Err(msg) if msg.starts_with("no transaction") => problem(StatusCode::NOT_FOUND, msg),
        Err(msg) => problem(StatusCode::CONFLICT, msg),
    }
}
