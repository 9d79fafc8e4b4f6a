//! HTTP handlers and the router. QR checkout's routes live in `http/qr.rs`.

mod qr;

use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use kredivo_api::{CartLine, CheckoutRequest, PaymentTypesRequest, API_PREFIX};
use kredivo_plan::{Locale, Money};
use serde::{Deserialize, Serialize};
use tower::util::option_layer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::{read_body, AppError, Json};
use crate::gateway::NotificationReply;
use crate::security::{self, ConnectInfoIp};
use crate::store::{CartRecord, OrderFilter, OrderRecord};
use crate::AppState;
use crate::{ops, orders};

/// Every route of the proxy: the widget API, the notification endpoint, the return URI, the
/// admin API and the demo store API.
pub fn router(state: AppState) -> Router {
    let config = state.config().clone();
    let guarded = |r: Router<AppState>| {
        r.layer(from_fn_with_state(state.clone(), security::check_origin))
            .layer(from_fn_with_state(state.clone(), security::rate_limit))
            .layer(security::cors_layer(&config))
    };
    let notify_limit = from_fn_with_state(state.clone(), security::notify_rate_limit);
    let widget = guarded(
        Router::new()
            .route("/payment-types", post(payment_types))
            .route("/pricing", get(pricing))
            .route("/checkout", post(checkout))
            .route("/orders/{order_id}", get(order))
            .merge(qr::pos_routes()),
    );
    // Server to server with the merchant key: no CORS (no browser calls it), the widget's
    // per-IP limit does not apply (one shop server makes every call).
    let merchant = Router::new()
        .route("/sessions", post(create_session))
        .route("/sessions/{session_id}", get(get_session))
        .merge(qr::merchant_routes())
        .layer(from_fn_with_state(
            state.clone(),
            security::require_merchant,
        ));
    let admin = Router::new()
        .route("/webhooks", get(admin_webhooks))
        .route("/webhooks/{event_id}/redeliver", post(admin_redeliver))
        .route("/orders", get(admin_list))
        .route("/orders/{order_id}", get(admin_show))
        .route("/orders/{order_id}/cancel", post(admin_cancel))
        .route("/orders/{order_id}/refresh", post(admin_refresh))
        .layer(from_fn_with_state(state.clone(), security::require_admin))
        // Outside the token check, so guessing tokens is limited too (issue 15: the admin
        // API had no limit).
        .layer(from_fn_with_state(state.clone(), security::rate_limit));
    let api = Router::new()
        .merge(widget)
        .route("/openapi.json", get(openapi_json))
        // A document the widget frames (no fetch, so no CORS): the per-IP limit only.
        .route(
            "/schedule",
            get(crate::schedule::serve)
                .route_layer(from_fn_with_state(state.clone(), security::rate_limit)),
        )
        // Server to server: no CORS, no Origin check and not the widget's per-IP limit; its
        // own, generous limit (every push costs a confirmation call to the provider) and the
        // body limit apply.
        .route("/push", post(push).route_layer(notify_limit.clone()))
        .merge(merchant)
        // Tokenized shoppers (issue 17): the merchant's customer routes and Kredivo's token
        // notifications.
        .merge(crate::tokens::routes::routes(&state))
        .nest("/admin", admin)
        .fallback(api_not_found);
    let store = guarded(
        Router::new()
            .route("/products", get(products))
            .route("/products/{id}", get(product))
            .route("/carts", post(create_cart))
            .route("/carts/{cart_id}", get(get_cart).put(put_cart)),
    );
    // The checkout without JavaScript (fallback.rs): the fragment a merchant's backend
    // fetches, the form's target and its error page.
    let nojs = Router::new()
        .route("/kredivo/fallback", get(fallback_fragment))
        .route("/kredivo/error", get(fallback_error))
        // Its own Origin check, answered with a page (security::form_origin_allowed).
        .route("/kredivo/pay", post(fallback_pay))
        .layer(from_fn_with_state(state.clone(), security::rate_limit));
    Router::new()
        .nest(API_PREFIX, api)
        .merge(nojs)
        .nest("/api/store", store)
        // The shopper's return re-checks the order with the provider: the same limit as /push.
        .route(
            "/kredivo/return",
            get(kredivo_return).route_layer(notify_limit),
        )
        // The operator's surface (crate::ops): probes for the load balancer, metrics for
        // Prometheus (bearer METRICS_TOKEN, or loopback only).
        .route("/healthz", get(ops::health::healthz))
        .route("/readyz", get(ops::health::readyz))
        .route("/metrics", get(ops::metrics::serve_metrics))
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        // Outermost last: the request id is set first, so the span, the metrics and the
        // response all see the same one.
        .layer(ops::logging::trace_layer())
        .layer(from_fn(ops::metrics::track_http))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(option_layer(ops::served_by_layer(&config)))
        // Every answer is JSON or a redirect: no browser may sniff it into something else.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .with_state(state)
}

async fn openapi_json() -> Response {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        DOC.get_or_init(crate::openapi::json).clone(),
    )
        .into_response()
}

async fn api_not_found() -> AppError {
    AppError::NotFound("endpoint")
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn payment_types(
    State(state): State<AppState>,
    Json(req): Json<PaymentTypesRequest>,
) -> Result<Response, AppError> {
    let answer = orders::payment_types(&state, req).await?;
    let response = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        answer.json.clone(),
    )
        .into_response();
    Ok(no_store(response))
}

async fn pricing(State(state): State<AppState>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        state.pricing_json().to_owned(),
    )
        .into_response()
}

async fn checkout(
    State(state): State<AppState>,
    headers: HeaderMap,
    ConnectInfoIp(ip): ConnectInfoIp,
    Json(req): Json<CheckoutRequest>,
) -> Result<Response, AppError> {
    let client = orders::ClientInfo::from_request(ip, &headers);
    let answer = orders::checkout(&state, req, &client).await?;
    Ok(no_store(axum::Json(answer).into_response()))
}

async fn order(
    State(state): State<AppState>,
    Path(order_id): Path<String>,
) -> Result<Response, AppError> {
    let view = orders::order_view(&state, &order_id).await?;
    Ok(no_store(axum::Json(view).into_response()))
}

async fn push(State(state): State<AppState>, req: Request) -> Response {
    let headers = req.headers().clone();
    let body = match read_body(req, &state).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    if crate::tokens::notify::is_deactivation_push(&body) {
        // "Deactive From Kredivo App" arrives at the push URL Kredivo has registered.
        let mut outcome = crate::tokens::notify::deactivation_push(&state, &body).await;
        crate::tokens::notify::record(&state, "token_deactivated", &body, &mut outcome).await;
        return crate::tokens::routes::reply(&state, &outcome);
    }
    let outcome = orders::handle_notification(&state, &headers, &body).await;
    ops::metrics::notification(outcome.verdict);
    let reply = if outcome.retry {
        NotificationReply::RetryLater
    } else {
        NotificationReply::Done
    };
    let (status, json) = state.gateway().notification_reply(reply, &outcome.message);
    (status, axum::Json(json)).into_response()
}

async fn create_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<kredivo_api::merchant::CreateSession>,
) -> Result<Response, AppError> {
    let key =
        match headers.get("idempotency-key") {
            None => None,
            Some(v) => Some(v.to_str().map_err(|_| {
                AppError::invalid("The Idempotency-Key header must be visible ASCII.")
            })?),
        };
    let created = orders::sessions::create(&state, key, body).await?;
    let mut response = (StatusCode::CREATED, axum::Json(created.session)).into_response();
    if created.replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(no_store(response))
}

async fn get_session(
    State(state): State<AppState>,
    Path(session_id): Path<String>,
) -> Result<Response, AppError> {
    let view = orders::sessions::view(&state, &session_id).await?;
    Ok(no_store(axum::Json(view).into_response()))
}

async fn fallback_fragment(
    State(state): State<AppState>,
    Query(q): Query<crate::fallback::FragmentQuery>,
) -> Result<Response, AppError> {
    let locale = crate::fallback::locale(q.locale.as_deref());
    let source = crate::fallback::Source::from_parts(q.session, q.cart_id)?;
    let html = crate::fallback::fragment(&state, &source, locale, q.back.as_deref()).await?;
    Ok(no_store(
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            html,
        )
            .into_response(),
    ))
}

async fn fallback_pay(
    State(state): State<AppState>,
    headers: HeaderMap,
    ConnectInfoIp(ip): ConnectInfoIp,
    form: Result<axum::Form<crate::fallback::PayForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    use crate::fallback::{self, Next};
    // The shopper sees a page, never a JSON error, whatever went wrong.
    if let Err(e) = security::form_origin_allowed(state.config(), &headers) {
        tracing::warn!(error = %e, "no-JavaScript form refused");
        let page = fallback::error_page("forbidden_origin", Locale::Id, None, &[]);
        return html_page(StatusCode::FORBIDDEN, page);
    }
    let form = match form {
        Ok(axum::Form(form)) => form,
        Err(e) => {
            tracing::warn!(error = %e, "no-JavaScript form unreadable");
            let page = fallback::error_page("invalid_request", Locale::Id, None, &[]);
            return html_page(StatusCode::BAD_REQUEST, page);
        }
    };
    let locale = fallback::locale(form.locale.as_deref());
    let client = orders::ClientInfo::from_request(ip, &headers);
    match fallback::pay(&state, form, &client).await {
        Next::Provider(url) => html_page(StatusCode::OK, fallback::continue_page(&url, locale)),
        Next::Redirect(url) => Redirect::to(&url).into_response(),
    }
}

/// A page of the no-JavaScript checkout: never cached, nothing loaded, never framed.
fn html_page(status: StatusCode, body: String) -> Response {
    no_store(
        (
            status,
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                ),
                (
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(
                        "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
                    ),
                ),
            ],
            body,
        )
            .into_response(),
    )
}

#[derive(Debug, Deserialize)]
struct ErrorQuery {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    locale: Option<String>,
    #[serde(default)]
    back: Option<String>,
    /// A cart's shopper fields to fix, by name, comma-separated.
    #[serde(default)]
    fields: Option<String>,
}

async fn fallback_error(State(state): State<AppState>, Query(q): Query<ErrorQuery>) -> Response {
    use crate::fallback::shopper::Field;
    let locale = crate::fallback::locale(q.locale.as_deref());
    // Only a link to one of the merchant's own hosts: the query is not trusted.
    let back = q
        .back
        .as_deref()
        .filter(|b| reqwest::Url::parse(b).is_ok_and(|u| state.config().return_url_allowed(&u)));
    let code: String = q
        .code
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || *c == '_')
        .take(40)
        .collect();
    // Only names of the form's fields, each once: the query is not trusted.
    let fields: Vec<Field> = Field::ALL
        .into_iter()
        .filter(|f| {
            q.fields
                .as_deref()
                .is_some_and(|list| list.split(',').any(|n| n == f.name()))
        })
        .collect();
    html_page(
        StatusCode::OK,
        crate::fallback::error_page(&code, locale, back, &fields),
    )
}

/// The query Kredivo appends to `back_to_store_uri` (and that we put in the cancel URI).
/// Nothing in it is trusted: only the order id is used, to know which order to re-check.
#[derive(Debug, Deserialize)]
struct ReturnQuery {
    #[serde(default)]
    order_id: Option<String>,
    /// `cancel` when the shopper came back through the cancel link.
    #[serde(default)]
    outcome: Option<String>,
}

async fn kredivo_return(State(state): State<AppState>, Query(q): Query<ReturnQuery>) -> Redirect {
    let page = state.config().return_page.clone();
    let sep = if page.contains('?') { '&' } else { '?' };
    let valid = q.order_id.filter(|id| {
        !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    });
    let Some(order_id) = valid else {
        return Redirect::to(&format!("{page}{sep}error=unknown_order"));
    };
    match state.store().order(&order_id).await {
        Ok(Some(order)) => {
            if !order.status.is_final() {
                // The shopper is back: ask Kredivo now instead of waiting for the push. A
                // failure is fine; the return page polls and the push will still come.
                if let Err(e) = orders::refresh(&state, &order_id).await {
                    tracing::warn!(%order_id, error = %crate::error::cause_chain(&e), "status re-check on return failed");
                }
            }
            if let Some(url) = session_return(&state, &order, q.outcome.as_deref()).await {
                return Redirect::to(&url);
            }
            Redirect::to(&format!("{page}{sep}order_id={order_id}"))
        }
        Ok(None) => Redirect::to(&format!("{page}{sep}error=unknown_order")),
        Err(e) => {
            tracing::error!(error = %crate::error::cause_chain(&e), "store failed on return");
            Redirect::to(&format!("{page}{sep}order_id={order_id}"))
        }
    }
}

/// Where a session's shopper goes back to: the merchant's `return_url` (or `cancel_url` when
/// they cancelled), with the order's id, session and status appended.
async fn session_return(
    state: &AppState,
    order: &OrderRecord,
    outcome: Option<&str>,
) -> Option<String> {
    let session_id = order.session_id.as_deref()?;
    let session = state.store().session(session_id).await.ok()??;
    let order = state.store().order(&order.order_id).await.ok()??;
    let target = match outcome {
        Some("cancel") => session.body.cancel_url.or(session.body.return_url),
        _ => session.body.return_url,
    }?;
    let mut url = reqwest::Url::parse(&target).ok()?;
    url.query_pairs_mut()
        .append_pair("order_id", &order.order_id)
        .append_pair("session_id", session_id)
        .append_pair("status", order.status.as_str());
    Some(url.into())
}

// ----- admin -----

#[derive(Debug, Deserialize)]
struct WebhookQuery {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    order_id: Option<String>,
    #[serde(default)]
    limit: Option<u32>,
}

async fn admin_webhooks(
    State(state): State<AppState>,
    Query(q): Query<WebhookQuery>,
) -> Result<Response, AppError> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(
            crate::store::WebhookStatus::parse(s)
                .ok_or_else(|| AppError::invalid(format!("unknown webhook status {s:?}")))?,
        ),
    };
    let webhooks = state
        .store()
        .webhooks(&crate::store::WebhookFilter {
            status,
            order_id: q.order_id,
            limit: q.limit,
        })
        .await?;
    Ok(no_store(
        axum::Json(serde_json::json!({ "webhooks": webhooks })).into_response(),
    ))
}

async fn admin_redeliver(
    State(state): State<AppState>,
    Path(event_id): Path<String>,
) -> Result<Response, AppError> {
    let now = state.clock().now_millis();
    if !state.store().redeliver_webhook(&event_id, now).await? {
        return Err(AppError::NotFound("webhook event"));
    }
    Ok(no_store(
        axum::Json(serde_json::json!({ "event_id": event_id, "status": "pending" }))
            .into_response(),
    ))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    limit: Option<u32>,
}

/// One order in the admin list.
#[derive(Debug, Serialize)]
struct OrderList {
    orders: Vec<OrderRecord>,
}

async fn admin_list(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(
            crate::store::parse_status(s)
                .ok_or_else(|| AppError::invalid(format!("unknown status {s:?}")))?,
        ),
    };
    let orders = state
        .store()
        .list_orders(&OrderFilter {
            status,
            limit: q.limit,
        })
        .await?;
    Ok(no_store(axum::Json(OrderList { orders }).into_response()))
}

async fn admin_show(
    State(state): State<AppState>,
    Path(order_id): Path<String>,
) -> Result<Response, AppError> {
    let detail = orders::order_detail(&state, &order_id).await?;
    Ok(no_store(axum::Json(detail).into_response()))
}

/// Body of an admin cancel; an absent amount cancels the whole remaining amount.
#[derive(Debug, Default, Deserialize)]
struct CancelBody {
    #[serde(default)]
    amount: Option<Money>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    cancelled_by: Option<String>,
}

async fn admin_cancel(
    State(state): State<AppState>,
    Path(order_id): Path<String>,
    req: Request,
) -> Result<Response, AppError> {
    let bytes = read_body(req, &state).await?;
    let body: CancelBody = if bytes.iter().all(u8::is_ascii_whitespace) {
        CancelBody::default()
    } else {
        crate::error::parse_json(&bytes)?
    };
    let order = orders::cancel(
        &state,
        &order_id,
        body.amount,
        body.reason.as_deref().unwrap_or(""),
        body.cancelled_by.as_deref().unwrap_or("admin"),
    )
    .await?;
    Ok(no_store(axum::Json(order).into_response()))
}

async fn admin_refresh(
    State(state): State<AppState>,
    Path(order_id): Path<String>,
) -> Result<Response, AppError> {
    let applied = orders::refresh(&state, &order_id).await?;
    let order = state
        .store()
        .order(&order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    Ok(no_store(
        axum::Json(serde_json::json!({ "order": order, "refresh": applied })).into_response(),
    ))
}

// ----- demo store -----

async fn products(State(state): State<AppState>) -> Result<Response, AppError> {
    let catalogue = orders::catalogue(&state)?;
    Ok(axum::Json(serde_json::json!({ "products": catalogue.products() })).into_response())
}

async fn product(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let product = orders::catalogue(&state)?
        .product(&id)
        .ok_or(AppError::NotFound("product"))?;
    Ok(axum::Json(product).into_response())
}

/// A priced server-side cart; money as decimal strings.
#[derive(Debug, Serialize)]
struct PricedCartView {
    cart_id: String,
    lines: Vec<PricedLineView>,
    #[serde(with = "kredivo_plan::money::serde_str")]
    total: Money,
}

#[derive(Debug, Serialize)]
struct PricedLineView {
    product_id: String,
    name: String,
    quantity: u32,
    #[serde(with = "kredivo_plan::money::serde_str")]
    unit_price: Money,
    #[serde(with = "kredivo_plan::money::serde_str")]
    line_total: Money,
}

fn priced_view(
    state: &AppState,
    cart_id: &str,
    lines: &[CartLine],
) -> Result<PricedCartView, AppError> {
    if lines.is_empty() {
        return Ok(PricedCartView {
            cart_id: cart_id.to_owned(),
            lines: Vec::new(),
            total: Money::ZERO,
        });
    }
    let priced = orders::price_cart(state, lines)?;
    orders::check_kredivo_limits(&priced)?;
    Ok(PricedCartView {
        cart_id: cart_id.to_owned(),
        lines: priced
            .lines
            .into_iter()
            .map(|l| PricedLineView {
                product_id: l.product_id,
                name: l.name,
                quantity: l.quantity,
                unit_price: l.unit_price,
                line_total: l.line_total,
            })
            .collect(),
        total: priced.total,
    })
}

async fn create_cart(State(state): State<AppState>) -> Result<Response, AppError> {
    let now = state.clock().now_millis();
    let cart = CartRecord {
        cart_id: state.ids().id("cart"),
        lines: Vec::new(),
        created_at: now,
        updated_at: now,
    };
    state.store().put_cart(&cart).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(serde_json::json!({ "cart_id": cart.cart_id })),
    )
        .into_response())
}

/// Body of `PUT /api/store/carts/{cart_id}`.
#[derive(Debug, Deserialize)]
struct PutCart {
    lines: Vec<CartLine>,
}

async fn put_cart(
    State(state): State<AppState>,
    Path(cart_id): Path<String>,
    Json(body): Json<PutCart>,
) -> Result<Response, AppError> {
    let existing = state
        .store()
        .cart(&cart_id)
        .await?
        .ok_or(AppError::NotFound("cart"))?;
    // Priced first: a cart with unknown products or bad quantities is refused, not stored.
    let view = priced_view(&state, &cart_id, &body.lines)?;
    let cart = CartRecord {
        lines: body.lines,
        updated_at: state.clock().now_millis(),
        ..existing
    };
    state.store().put_cart(&cart).await?;
    Ok(no_store(axum::Json(view).into_response()))
}

async fn get_cart(
    State(state): State<AppState>,
    Path(cart_id): Path<String>,
) -> Result<Response, AppError> {
    let cart = state
        .store()
        .cart(&cart_id)
        .await?
        .ok_or(AppError::NotFound("cart"))?;
    let view = priced_view(&state, &cart_id, &cart.lines)?;
    Ok(no_store(axum::Json(view).into_response()))
}
