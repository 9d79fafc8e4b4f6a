//! The OpenAPI part of tokenization (merged into `crate::openapi`'s document): the merchant's
//! customer routes and Kredivo's token notifications. Documentation only.
#![allow(dead_code)]

use kredivo_api::merchant::{ConnectAccount, ConnectStarted, CustomerToken};
use kredivo_api::ErrorBody;
use utoipa::OpenApi;

/// The tokenization paths and schemas.
#[derive(OpenApi)]
#[openapi(
    paths(
        customer_token,
        delete_customer_token,
        connect,
        connect_callback,
        token_push
    ),
    components(schemas(ConnectAccount, ConnectStarted, CustomerToken))
)]
pub struct TokensDoc;

/// Whether the proxy holds an active Kredivo user token for this customer (never the token).
#[utoipa::path(get, path = "/api/kredivo/v1/customers/{client_user_key}/token", tag = "merchant",
    params(("client_user_key" = String, Path, description = "The merchant's customer id (1 to 64 of `[A-Za-z0-9._:@-]`)")),
    security(("merchant_key" = [])),
    responses(
        (status = 200, body = CustomerToken),
        (status = 400, description = "invalid_request: malformed customer id", body = ErrorBody),
        (status = 401, description = "unauthorized", body = ErrorBody),
        (status = 404, description = "not_found: no token for this customer", body = ErrorBody),
    ))]
fn customer_token() {}

/// Deactivates the customer's token at Kredivo (`/v2/deactive_user_token`) and here; the next
/// checkout signs in normally.
#[utoipa::path(delete, path = "/api/kredivo/v1/customers/{client_user_key}/token", tag = "merchant",
    params(("client_user_key" = String, Path, description = "The merchant's customer id")),
    security(("merchant_key" = [])),
    responses(
        (status = 200, description = "Now inactive", body = CustomerToken),
        (status = 400, description = "invalid_request: malformed id, or a gateway without tokenization", body = ErrorBody),
        (status = 401, description = "unauthorized", body = ErrorBody),
        (status = 404, description = "not_found: no token for this customer", body = ErrorBody),
        (status = 502, description = "upstream_error", body = ErrorBody),
        (status = 503, description = "upstream_unavailable, unavailable", body = ErrorBody),
        (status = 504, description = "upstream_timeout", body = ErrorBody),
    ))]
fn delete_customer_token() {}

/// Starts Kredivo Connect for this customer (doc 000 "Connect Kredivo Account"): send the
/// shopper's browser to `redirect_url`; the token arrives on the proxy's callback.
#[utoipa::path(post, path = "/api/kredivo/v1/customers/{client_user_key}/connect", tag = "merchant",
    params(("client_user_key" = String, Path, description = "The merchant's customer id")),
    request_body = ConnectAccount,
    security(("merchant_key" = [])),
    responses(
        (status = 200, body = ConnectStarted),
        (status = 400, description = "invalid_json, invalid_request (field paths; a gateway without tokenization; TOKEN_ENCRYPTION_KEY not set)", body = ErrorBody),
        (status = 401, description = "unauthorized", body = ErrorBody),
        (status = 502, description = "upstream_error", body = ErrorBody),
        (status = 503, description = "upstream_unavailable, unavailable", body = ErrorBody),
        (status = 504, description = "upstream_timeout", body = ErrorBody),
    ))]
fn connect() {}

/// Kredivo's Connect callback (`{"status","user_token","client_user_key","message"}`): only at
/// the URL the proxy made for that customer (`k`, `exp`, `tag`), and only a token Kredivo
/// accepts, is stored.
#[utoipa::path(post, path = "/api/kredivo/v1/notify/kredivo/connect", tag = "provider",
    params(
        ("k" = String, Query, description = "The customer the URL was made for"),
        ("exp" = i64, Query, description = "Unix seconds after which it is refused"),
        ("tag" = String, Query, description = "The proxy's tag over both"),
    ),
    request_body(content = serde_json::Value, description = "Kredivo's callback body"),
    responses(
        (status = 200, description = "Handled (stored, or ignored as not confirmed)", body = serde_json::Value),
        (status = 503, description = "Could not be confirmed now: retry later", body = serde_json::Value),
    ))]
fn connect_callback() {}

/// Doc 000's "Deactive From Kredivo App" push (`{"message","client_user_key"}`), also
/// accepted on `/push`. Deactivates only when Kredivo no longer accepts the stored token.
#[utoipa::path(post, path = "/api/kredivo/v1/notify/kredivo/token", tag = "provider",
    request_body(content = serde_json::Value, description = "`{\"message\", \"client_user_key\"}`"),
    responses(
        (status = 200, description = "Handled (applied, or ignored as not confirmed)", body = serde_json::Value),
        (status = 503, description = "Could not be confirmed now: retry later", body = serde_json::Value),
    ))]
fn token_push() {}
