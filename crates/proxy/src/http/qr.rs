//! The QR checkout routes (`crate::orders::qr`): create with the merchant key; view, image
//! and cancel for the POS screen in a browser, where the `qr_id` is the capability (CORS and
//! the Origin check like the other widget routes).

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use kredivo_api::merchant::CreateQr;

use super::no_store;
use crate::error::{AppError, Json};
use crate::orders::qr;
use crate::AppState;

/// `POST /qr`, behind the merchant key.
pub(super) fn merchant_routes() -> Router<AppState> {
    Router::new().route("/qr", post(create))
}

/// `GET /qr/{qr_id}`, `GET /qr/{qr_id}/image.svg`, `POST /qr/{qr_id}/cancel`, for browsers.
pub(super) fn pos_routes() -> Router<AppState> {
    Router::new()
        .route("/qr/{qr_id}", get(view))
        .route("/qr/{qr_id}/image.svg", get(image))
        .route("/qr/{qr_id}/cancel", post(cancel))
}

async fn create(
    State(state): State<AppState>,
    Json(body): Json<CreateQr>,
) -> Result<Response, AppError> {
    let created = qr::create(&state, body).await?;
    let mut response = (StatusCode::CREATED, axum::Json(created.view)).into_response();
    if created.replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(no_store(response))
}

async fn view(
    State(state): State<AppState>,
    Path(qr_id): Path<String>,
) -> Result<Response, AppError> {
    let view = qr::view(&state, &qr_id).await?;
    Ok(no_store(axum::Json(view).into_response()))
}

async fn cancel(
    State(state): State<AppState>,
    Path(qr_id): Path<String>,
) -> Result<Response, AppError> {
    let view = qr::cancel(&state, &qr_id).await?;
    Ok(no_store(axum::Json(view).into_response()))
}

/// The code as `image/svg+xml`. The SVG comes from the provider and is served from our
/// origin, so it is locked down: no scripts, no loads, no framing, sandboxed when opened on
/// its own (an `<img>` never runs scripts anyway). A transaction's code never changes, but
/// the handle is a capability: private caching only.
async fn image(
    State(state): State<AppState>,
    Path(qr_id): Path<String>,
) -> Result<Response, AppError> {
    let svg = qr::image(&state, &qr_id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml")),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=300"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox",
                ),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        svg,
    )
        .into_response())
}
