//! QR checkout's operations (`crate::http::qr`), documentation only.

use kredivo_api::merchant::CreateQr;
use kredivo_api::{ErrorBody, QrView};

/// Starts a QR checkout for a POS (doc 000 "Initiate QR Checkout", Kredivo direct only): the
/// proxy adds up the lines, stores the order (source `QR`) and asks Kredivo for the code. The
/// same `order_id` with the same body returns the same QR (`Idempotent-Replayed: true`).
#[utoipa::path(post, path = "/api/kredivo/v1/qr", tag = "merchant",
    request_body = CreateQr,
    security(("merchant_key" = [])),
    responses(
        (status = 201, body = QrView),
        (status = 400, description = "invalid_json, invalid_request: one detail per field, with its path; also a gateway other than Kredivo direct", body = ErrorBody),
        (status = 401, description = "unauthorized", body = ErrorBody),
        (status = 409, description = "idempotency_conflict: this order id has a QR with another body; order_conflict: the order id belongs to another order", body = ErrorBody),
        (status = 502, description = "upstream_error", body = ErrorBody),
        (status = 503, description = "upstream_unavailable, unavailable", body = ErrorBody),
        (status = 504, description = "upstream_timeout: retry with the same body", body = ErrorBody),
    ))]
pub(super) fn create_qr() {}

/// A QR checkout as the POS screen polls it; past its expiry the proxy settles it with the
/// provider before answering.
#[utoipa::path(get, path = "/api/kredivo/v1/qr/{qr_id}", tag = "widget",
    params(("qr_id" = String, Path, description = "`qr_…`, the capability")),
    responses((status = 200, body = QrView), (status = 404, description = "not_found", body = ErrorBody)))]
pub(super) fn get_qr() {}

/// The QR code, `image/svg+xml` (`Cache-Control: private, max-age=300`, a locked-down CSP).
#[utoipa::path(get, path = "/api/kredivo/v1/qr/{qr_id}/image.svg", tag = "widget",
    params(("qr_id" = String, Path, description = "`qr_…`")),
    responses(
        (status = 200, description = "The QR code", content_type = "image/svg+xml", body = String),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 502, description = "upstream_error", body = ErrorBody),
        (status = 503, description = "upstream_unavailable", body = ErrorBody),
    ))]
pub(super) fn qr_image() {}

/// The cashier cancels an unpaid QR (voided at Kredivo). Idempotent; a QR already final is
/// returned as is; a paid one is a 409 (that is a refund: the admin cancel).
#[utoipa::path(post, path = "/api/kredivo/v1/qr/{qr_id}/cancel", tag = "widget",
    params(("qr_id" = String, Path, description = "`qr_…`")),
    responses(
        (status = 200, body = QrView),
        (status = 403, description = "forbidden_origin", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "order_conflict: already paid", body = ErrorBody),
        (status = 502, description = "upstream_error", body = ErrorBody),
        (status = 503, description = "upstream_unavailable", body = ErrorBody),
    ))]
pub(super) fn cancel_qr() {}
