//! QR checkout: the image behind `qr_image`, and the page its payload opens (standing in
//! for the Kredivo app), which leads into the ordinary sign-in → OTP → confirm flow.
//!
//! Paths (UNCONFIRMED in doc 000, which only shows `{HOST}/{endpoint}/v1/qr/{id}`):
//! `POST /offline/v1/init_checkout`, `GET /offline/v1/qr/{transaction_id}` (SVG) and
//! `GET /offline/v1/qr/{transaction_id}/pay` (the payload URL).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use qrcode::render::svg;
use qrcode::QrCode;

use super::model::Source;
use super::reply::ApiError;
use super::Shared;

/// The URL encoded in a transaction's QR code.
pub(crate) fn payload_url(shared: &Shared, transaction_id: &str) -> String {
    shared.url(&format!("/offline/v1/qr/{transaction_id}/pay"))
}

/// An SVG QR code for `data`.
pub(crate) fn svg_for(data: &str) -> Option<String> {
    let code = QrCode::new(data.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color<'_>>()
            .min_dimensions(240, 240)
            .quiet_zone(true)
            .build(),
    )
}

fn not_found() -> Response {
    let mut response = ApiError::incorrect("transaction_id").into_response();
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

fn qr_transaction(shared: &Shared, transaction_id: &str) -> Option<(String, String)> {
    let db = shared.db();
    let idx = db.by_tx_id.get(transaction_id).copied()?;
    let tx = &db.txs[idx];
    (tx.source == Source::Qr).then(|| (tx.transaction_id.clone(), tx.page_token.clone()))
}

/// `GET /offline/v1/qr/{transaction_id}`: the QR image (`image/svg+xml`).
pub(crate) async fn qr_image(
    State(shared): State<Arc<Shared>>,
    Path(transaction_id): Path<String>,
) -> Response {
    let Some((id, _)) = qr_transaction(&shared, &transaction_id) else {
        return not_found();
    };
    match svg_for(&payload_url(&shared, &id)) {
        Some(svg) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            svg,
        )
            .into_response(),
        None => ApiError::new("QR code could not be generated.").into_response(),
    }
}

/// `GET /kredivo/_sandbox/qr/{id}/scan` (driver; `id` is the transaction id or the merchant's
/// order id): what a phone camera does with the code on the POS screen — a 303 to the code's
/// payload URL. A browser test knows the order id from the proxy's QR view and cannot decode
/// the image, so it starts here.
pub(crate) async fn qr_scan(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let found = {
        let db = shared.db();
        db.find(&id)
            .map(|i| &db.txs[i])
            .filter(|t| t.source == Source::Qr)
            .map(|t| t.transaction_id.clone())
    };
    match found {
        Some(transaction_id) => {
            Redirect::to(&payload_url(&shared, &transaction_id)).into_response()
        }
        None => not_found(),
    }
}

/// `GET /offline/v1/qr/{transaction_id}/pay`: what scanning the code opens.
pub(crate) async fn qr_pay(
    State(shared): State<Arc<Shared>>,
    Path(transaction_id): Path<String>,
) -> Response {
    let Some((_, tk)) = qr_transaction(&shared, &transaction_id) else {
        return not_found();
    };
    Redirect::to(&format!("{}?tk={tk}", shared.url("/v2/signin"))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_qr_code_renders_as_svg() {
        let svg = svg_for("http://127.0.0.1:8080/sandbox/kredivo/offline/v1/qr/x/pay")
            .expect("short URLs fit in a QR code");
        assert!(svg.starts_with("<?xml"));
        assert!(svg.contains("<svg"));
    }
}
