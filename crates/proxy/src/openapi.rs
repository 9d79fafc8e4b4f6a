//! The OpenAPI 3.1 document of the proxy's whole HTTP surface, generated from the Rust types
//! the handlers use (`crates/api` with its `openapi` feature, the admin records), so it
//! cannot drift from them; `GET /api/kredivo/v1/openapi.json` serves it, `kredivo-proxy
//! openapi` prints it, `cargo xtask dist` writes it to `dist/openapi.json`, and a test
//! validates real answers of the running proxy against it.
//!
//! The operations below are documentation only (utoipa reads their attributes); the
//! handlers live in [`crate::http`].
#![allow(dead_code)]

mod qr;

use kredivo_api::merchant::{
    Cancellation, CreateSession, FeeLine, Seller, SessionCreated, SessionItem, SessionStatus,
    SessionView, WebhookEvent, WebhookEventType, WebhookOrder,
};
use kredivo_api::{
    Address, CartLine, CheckoutRequest, CheckoutResponse, Customer, ErrorBody, ErrorDetail,
    OrderStatus, OrderView, PaymentTypesRequest, PaymentTypesResponse, PlanView,
};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::orders::OrderDetail;
use crate::store::{
    EventRecord, LineRecord, NotificationRecord, OrderRecord, ProviderCall, ShopperDetails,
    WebhookAttempt, WebhookRecord, WebhookStatus,
};

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kredivo checkout proxy",
        description = "The merchant backend of the Kredivo checkout widget: the widget API \
            (browser → proxy), checkout sessions (merchant's server → proxy), provider \
            notifications (provider → proxy), the admin API, and the webhooks the proxy sends \
            to the merchant (see the `WebhookEvent` schema; signed with `Kredivo-Signature: \
            t=<unix seconds>,v1=<hex HMAC-SHA256 of \"t.body\">`). Money is always a decimal \
            string of whole rupiah. Every error is an `ErrorBody` with a stable code."
    ),
    paths(
        payment_types, pricing, checkout, order, create_session, get_session, push,
        admin_orders, admin_order, admin_cancel, admin_refresh, admin_webhooks, admin_redeliver,
        openapi_json, qr::create_qr, qr::get_qr, qr::qr_image, qr::cancel_qr
    ),
    components(schemas(
        CartLine, PaymentTypesRequest, PaymentTypesResponse, PlanView, CheckoutRequest,
        CheckoutResponse, OrderView, OrderStatus, ErrorBody, ErrorDetail, Customer, Address,
        CreateSession, SessionItem, FeeLine, Seller, SessionCreated, SessionStatus, SessionView,
        WebhookEvent, WebhookEventType, WebhookOrder, Cancellation, OrderDetail, OrderRecord,
        LineRecord, EventRecord, NotificationRecord, ProviderCall, ShopperDetails, WebhookRecord,
        WebhookAttempt, WebhookStatus, kredivo_api::QrView, kredivo_api::merchant::CreateQr
    )),
    modifiers(&Auth),
    tags(
        (name = "widget", description = "Called by the checkout widget in the shopper's browser."),
        (name = "merchant", description = "Called by the merchant's server with MERCHANT_API_KEY."),
        (name = "provider", description = "Called by Kredivo or the aggregator."),
        (name = "admin", description = "Called by the operator with ADMIN_TOKEN.")
    )
)]
pub struct ApiDoc;

/// The two bearer schemes.
struct Auth;

impl Modify for Auth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, what) in [
            ("merchant_key", "MERCHANT_API_KEY"),
            ("admin_token", "ADMIN_TOKEN"),
        ] {
            components.add_security_scheme(
                name,
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some(format!("`Authorization: Bearer <{what}>`")))
                        .build(),
                ),
            );
        }
    }
}

/// The document as JSON.
pub fn json() -> String {
    let mut doc = ApiDoc::openapi();
    // Tokenization's routes (issue 17) are documented beside their handlers.
    doc.merge(crate::tokens::openapi::TokensDoc::openapi());
    doc.to_pretty_json()
        .unwrap_or_else(|e| unreachable!("the OpenAPI document always serialises: {e}"))
}

/// The payment types on offer.
#[utoipa::path(post, path = "/api/kredivo/v1/payment-types", tag = "widget",
    request_body = PaymentTypesRequest,
    responses(
        (status = 200, body = PaymentTypesResponse),
        (status = 400, description = "invalid_json, invalid_request, invalid_cart", body = ErrorBody),
        (status = 404, description = "not_found: unknown session secret", body = ErrorBody),
        (status = 410, description = "session_expired", body = ErrorBody),
        (status = 502, description = "upstream_error", body = ErrorBody),
        (status = 503, description = "upstream_unavailable, unavailable", body = ErrorBody),
        (status = 504, description = "upstream_timeout", body = ErrorBody),
    ))]
fn payment_types() {}

/// The pricing table the badges compute from (the plan crate's `PricingTable`).
#[utoipa::path(get, path = "/api/kredivo/v1/pricing", tag = "widget",
    responses((status = 200, description = "The pricing table", body = serde_json::Value)))]
fn pricing() {}

/// Starts paying a session (or a catalogue cart) with a plan.
#[utoipa::path(post, path = "/api/kredivo/v1/checkout", tag = "widget",
    request_body = CheckoutRequest,
    responses(
        (status = 200, body = CheckoutResponse),
        (status = 400, description = "invalid_json, invalid_request, invalid_cart, over_limit (a tokenized shopper's remaining limit does not cover the plan)", body = ErrorBody),
        (status = 403, description = "forbidden_origin", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "session_used", body = ErrorBody),
        (status = 410, description = "session_expired", body = ErrorBody),
        (status = 422, description = "ineligible_amount", body = ErrorBody),
        (status = 429, description = "rate_limited", body = ErrorBody),
        (status = 502, description = "upstream_error", body = ErrorBody),
        (status = 503, description = "upstream_unavailable, unavailable", body = ErrorBody),
        (status = 504, description = "upstream_timeout", body = ErrorBody),
    ))]
fn checkout() {}

/// An order as the shopper may see it.
#[utoipa::path(get, path = "/api/kredivo/v1/orders/{order_id}", tag = "widget",
    params(("order_id" = String, Path, description = "The order id")),
    responses((status = 200, body = OrderView), (status = 404, body = ErrorBody)))]
fn order() {}

/// Creates a checkout session (the merchant's server states the order).
#[utoipa::path(post, path = "/api/kredivo/v1/sessions", tag = "merchant",
    request_body = CreateSession,
    params(("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key and body returns the same session (with a fresh client_secret)")),
    security(("merchant_key" = [])),
    responses(
        (status = 201, body = SessionCreated),
        (status = 400, description = "invalid_json, invalid_request: one detail per field, with its path", body = ErrorBody),
        (status = 401, description = "unauthorized", body = ErrorBody),
        (status = 404, description = "not_found: the sessions API is off (no MERCHANT_API_KEY)", body = ErrorBody),
        (status = 409, description = "idempotency_conflict", body = ErrorBody),
        (status = 503, description = "unavailable", body = ErrorBody),
    ))]
fn create_session() {}

/// A session with its order.
#[utoipa::path(get, path = "/api/kredivo/v1/sessions/{session_id}", tag = "merchant",
    params(("session_id" = String, Path, description = "`ses_…`")),
    security(("merchant_key" = [])),
    responses((status = 200, body = SessionView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
fn get_session() {}

/// A provider's notification (its own dialect); confirmed with the provider before anything
/// changes. 2xx when handled or final; 503 asks the provider to retry.
#[utoipa::path(post, path = "/api/kredivo/v1/push", tag = "provider",
    request_body(content = serde_json::Value, description = "The provider's notification body"),
    responses(
        (status = 200, description = "Handled (applied, a replay, or a final refusal)", body = serde_json::Value),
        (status = 429, description = "rate_limited: retry later", body = ErrorBody),
        (status = 503, description = "Could not be confirmed now: retry later", body = serde_json::Value),
    ))]
fn push() {}

/// Orders, newest first.
#[utoipa::path(get, path = "/api/kredivo/v1/admin/orders", tag = "admin",
    params(("status" = Option<String>, Query, description = "Only this status"), ("limit" = Option<u32>, Query, description = "At most (default 100, max 1000)")),
    security(("admin_token" = [])),
    responses((status = 200, description = "`{\"orders\": [OrderRecord]}`", body = serde_json::Value), (status = 401, body = ErrorBody)))]
fn admin_orders() {}

/// One order with its lines, events, notifications, provider calls and webhooks.
#[utoipa::path(get, path = "/api/kredivo/v1/admin/orders/{order_id}", tag = "admin",
    params(("order_id" = String, Path)),
    security(("admin_token" = [])),
    responses((status = 200, body = OrderDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
fn admin_order() {}

/// Cancels a settled order in full or (with `amount`) in part; an unpaid QR order is voided
/// as the cashier's cancel would.
#[utoipa::path(post, path = "/api/kredivo/v1/admin/orders/{order_id}/cancel", tag = "admin",
    params(("order_id" = String, Path)),
    request_body(content = serde_json::Value, description = "`{\"amount\"?: \"275000\", \"reason\"?: …, \"cancelled_by\"?: …}`"),
    security(("admin_token" = [])),
    responses((status = 200, body = OrderRecord), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
fn admin_cancel() {}

/// Asks the provider for the order's status and applies it.
#[utoipa::path(post, path = "/api/kredivo/v1/admin/orders/{order_id}/refresh", tag = "admin",
    params(("order_id" = String, Path)),
    security(("admin_token" = [])),
    responses((status = 200, description = "`{\"order\": OrderRecord, \"refresh\": …}`", body = serde_json::Value), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
fn admin_refresh() {}

/// Webhook events, oldest first.
#[utoipa::path(get, path = "/api/kredivo/v1/admin/webhooks", tag = "admin",
    params(("status" = Option<String>, Query, description = "pending, delivered or failed"), ("order_id" = Option<String>, Query), ("limit" = Option<u32>, Query)),
    security(("admin_token" = [])),
    responses((status = 200, description = "`{\"webhooks\": [WebhookRecord]}`", body = serde_json::Value), (status = 401, body = ErrorBody)))]
fn admin_webhooks() {}

/// Puts a webhook back in the queue, due now.
#[utoipa::path(post, path = "/api/kredivo/v1/admin/webhooks/{event_id}/redeliver", tag = "admin",
    params(("event_id" = String, Path)),
    security(("admin_token" = [])),
    responses((status = 200, body = serde_json::Value), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
fn admin_redeliver() {}

/// This document.
#[utoipa::path(get, path = "/api/kredivo/v1/openapi.json", tag = "widget",
    responses((status = 200, description = "OpenAPI 3.1", body = serde_json::Value)))]
fn openapi_json() {}
