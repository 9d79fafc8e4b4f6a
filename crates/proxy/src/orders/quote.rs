//! Quoting: carts priced from the catalogue, Kredivo's cart limits, and the payment types on
//! offer for a cart or an amount (through the TTL cache).

use std::collections::BTreeMap;
use std::sync::Arc;

use kredivo_api::{
    CartLine, PaymentTypesRequest, PaymentTypesResponse, PlanView, MAX_CART_LINES, MAX_QUANTITY,
};
use kredivo_plan::{validate_order, Cart, LineItem, Locale, Money, Plan};

use crate::catalogue::Catalogue;
use crate::error::AppError;
use crate::gateway::{GatewayItem, PlansQuery};
use crate::store::{LineRecord, SessionRecord};
use crate::AppState;

use super::sessions;

/// Largest amount a badge may ask about (Rp 1 trillion): far above any Kredivo limit, far
/// below anything that could overflow.
pub const MAX_BADGE_AMOUNT: Money = Money::from_rupiah(1_000_000_000_000);

/// A cart priced from the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedCart {
    /// Lines in the order the shopper added them (duplicates merged).
    pub lines: Vec<LineRecord>,
    /// The sum.
    pub total: Money,
    /// `id*qty` pairs sorted by id: equal carts have equal canonical forms.
    pub canonical: String,
}

/// The catalogue of catalogue mode, or a clear refusal when the merchant runs sessions only.
pub fn catalogue(state: &AppState) -> Result<&std::sync::Arc<dyn Catalogue>, AppError> {
    state.catalogue().ok_or_else(|| AppError::InvalidRequest {
        message: "This shop takes checkout sessions only: its server creates the order.".into(),
        details: vec![
            "cart, cart_id: catalogue mode is off (no CATALOGUE_PATH); use session".into(),
        ],
    })
}

/// Prices `lines` from the catalogue, checking the widget protocol's limits.
pub fn price_cart(state: &AppState, lines: &[CartLine]) -> Result<PricedCart, AppError> {
    let catalogue = catalogue(state)?;
    let mut details = Vec::new();
    if lines.is_empty() {
        return Err(AppError::InvalidCart {
            message: "The cart is empty.".into(),
            details: vec!["cart: at least one line is required".into()],
        });
    }
    if lines.len() > MAX_CART_LINES {
        return Err(AppError::InvalidCart {
            message: format!("A cart has at most {MAX_CART_LINES} lines."),
            details: vec![format!("cart: {} lines", lines.len())],
        });
    }
    // Merge duplicate ids, keeping first-seen order.
    let mut merged: Vec<(String, u64)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.quantity == 0 || line.quantity > MAX_QUANTITY {
            details.push(format!("cart[{i}].quantity: must be 1 to {MAX_QUANTITY}"));
            continue;
        }
        match merged.iter_mut().find(|(id, _)| *id == line.product_id) {
            Some((_, q)) => *q += u64::from(line.quantity),
            None => merged.push((line.product_id.clone(), u64::from(line.quantity))),
        }
    }
    let mut priced = Vec::with_capacity(merged.len());
    let mut total = Money::ZERO;
    for (id, quantity) in &merged {
        let index = lines.iter().position(|l| l.product_id == *id).unwrap_or(0);
        let Some(item) = catalogue.sellable(id) else {
            let shown: String = id.chars().take(64).collect();
            details.push(format!(
                "cart[{index}].product_id: unknown product {shown:?}"
            ));
            continue;
        };
        let quantity = u32::try_from(*quantity).unwrap_or(u32::MAX);
        if quantity > MAX_QUANTITY {
            details.push(format!(
                "cart[{index}].quantity: {id} adds up to more than {MAX_QUANTITY}"
            ));
            continue;
        }
        let line_total = item
            .unit_price
            .checked_mul(quantity)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        total = total
            .checked_add(line_total)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        priced.push(LineRecord {
            product_id: item.id,
            name: item.name,
            category: item.category,
            quantity,
            unit_price: item.unit_price,
            line_total,
        });
    }
    if !details.is_empty() {
        return Err(AppError::InvalidCart {
            message: "The cart has lines the store cannot sell.".into(),
            details,
        });
    }
    let sorted: BTreeMap<&str, u32> = priced
        .iter()
        .map(|l| (l.product_id.as_str(), l.quantity))
        .collect();
    let canonical = sorted
        .iter()
        .map(|(id, q)| format!("{id}*{q}"))
        .collect::<Vec<_>>()
        .join(",");
    Ok(PricedCart {
        lines: priced,
        total,
        canonical,
    })
}

/// Kredivo's own cart rules (name and price limits, the total's digits), checked by the plan
/// crate on exactly the items that will be sent. Kept out of [`price_cart`] so a cached
/// payment-types answer costs no validation; every path that reaches Kredivo calls it.
pub fn check_kredivo_limits(priced: &PricedCart) -> Result<(), AppError> {
    let cart = Cart::new(
        priced
            .lines
            .iter()
            .map(|l| LineItem {
                item_type: Some(l.category.clone()),
                ..LineItem::new(
                    l.product_id.clone(),
                    l.name.clone(),
                    l.unit_price,
                    l.quantity,
                )
            })
            .collect(),
    );
    let cart_total = cart.total().map_err(|e| AppError::InvalidCart {
        message: "The cart total is out of range.".into(),
        details: vec![format!("cart: {e}")],
    })?;
    if let Err(errors) = validate_order(
        "validation",
        cart_total.as_decimal(),
        &cart.to_drafts(),
        &[],
    ) {
        return Err(AppError::InvalidCart {
            message: "The cart breaks one of Kredivo's limits.".into(),
            details: errors
                .errors()
                .iter()
                .map(|e| e.to_string().replace("transaction_details.items", "cart"))
                .collect(),
        });
    }
    Ok(())
}

/// Loads the lines of a cart given inline or by id; exactly one must be set.
pub async fn resolve_cart(
    state: &AppState,
    cart: Option<Vec<CartLine>>,
    cart_id: Option<String>,
) -> Result<(Vec<CartLine>, Option<String>), AppError> {
    match (cart, cart_id) {
        (Some(lines), None) => Ok((lines, None)),
        (None, Some(id)) => {
            let record = state
                .store()
                .cart(&id)
                .await?
                .ok_or(AppError::NotFound("cart"))?;
            Ok((record.lines, Some(id)))
        }
        _ => Err(AppError::InvalidRequest {
            message: "Send exactly one of cart or cart_id.".into(),
            details: vec!["cart, cart_id: exactly one is required".into()],
        }),
    }
}

pub(super) fn gateway_items(state: &AppState, lines: &[LineRecord]) -> Vec<GatewayItem> {
    let config = state.config();
    lines
        .iter()
        .map(|l| {
            let sellable = state.catalogue().and_then(|c| c.sellable(&l.product_id));
            let product = sellable
                .as_ref()
                .map_or_else(|| l.product_id.clone(), |s| s.product_id.clone());
            GatewayItem {
                image_url: sellable.map(|s| config.public_url(&s.image)),
                ..GatewayItem::product(
                    l.product_id.clone(),
                    l.name.clone(),
                    l.unit_price,
                    l.quantity,
                    l.category.clone(),
                    config.public_url(&format!("/www/product.html?id={product}")),
                )
            }
        })
        .collect()
}

/// The plans of a session's amount, through the cache (one provider call per session and
/// window). A session with a discount is quoted as one line, as the aggregators that add
/// lines up are sent it.
pub(super) async fn session_plans(
    state: &AppState,
    session: &SessionRecord,
) -> Result<Arc<CachedPlans>, AppError> {
    cached_plans(
        state,
        format!("session:{}", session.session_id),
        session.amount,
        || {
            let (items, fees) = sessions::gateway_lines(state, session);
            let mut lines = items;
            if fees.iter().any(|f| f.subtracted) {
                lines = vec![GatewayItem::product(
                    session.session_id.clone(),
                    format!("Order {}", session.reference),
                    session.amount,
                    1,
                    "Order",
                    state.config().public_url("/"),
                )];
            } else {
                lines.extend(fees.into_iter().map(|f| {
                    GatewayItem::product(
                        f.id,
                        f.name,
                        f.price,
                        1,
                        "Fee",
                        state.config().public_url("/"),
                    )
                }));
            }
            Ok(lines)
        },
    )
    .await
}

/// A plan as the widget shows it; `public_base` (where browsers reach this proxy) makes its
/// `schedule_url` absolute, so a widget frames it as it is.
pub fn plan_view(plan: &Plan, public_base: &str) -> PlanView {
    PlanView {
        payment_type: plan.payment_type().as_str().to_owned(),
        tenure_months: plan.tenure_months(),
        name: plan.label(Locale::Id).into_owned(),
        monthly_installment: plan.monthly_installment().as_decimal(),
        total: plan.total().as_decimal(),
        interest: plan.interest().as_decimal(),
        service_fee: plan.service_fee().as_decimal(),
        down_payment: plan.down_payment().as_decimal(),
        rate: Some(plan.rate()).filter(|r| !r.is_zero()),
        discounted_monthly_installment: plan
            .discounted_monthly_installment()
            .map(Money::as_decimal),
        promo_months: plan.promo_months(),
        promo_discount: Some(plan.promo_discount())
            .filter(|m| !m.is_zero())
            .map(Money::as_decimal),
        remaining_limit: None,
        within_limit: None,
        schedule_url: Some(format!(
            "{public_base}{}{}",
            kredivo_api::API_PREFIX,
            crate::schedule::figures_path(plan)
        )),
    }
}

/// A payment-types answer as cached: the response and its JSON, serialised once.
#[derive(Debug)]
pub struct CachedPlans {
    /// The answer.
    pub response: PaymentTypesResponse,
    /// `response` as JSON.
    pub json: axum::body::Bytes,
    /// The plans behind it (the calculator's, for limit checks).
    pub plans: Vec<Plan>,
}

impl CachedPlans {
    /// The calculator's plan for a payment type.
    pub fn plan(&self, payment_type: &str) -> Option<&Plan> {
        self.plans
            .iter()
            .find(|p| p.payment_type().as_str() == payment_type)
    }
}

/// The plans for an amount, through the TTL cache (one upstream call per key and window).
/// `items` is only called on a miss.
pub(super) async fn cached_plans(
    state: &AppState,
    key: String,
    amount: Money,
    items: impl FnOnce() -> Result<Vec<GatewayItem>, AppError>,
) -> Result<Arc<CachedPlans>, AppError> {
    let gateway = state.gateway().clone();
    let estimate = gateway.estimates_plans();
    let base = state.config().public_url("");
    state
        .plans_cache()
        .get_or_fetch(&key, || async move {
            let items = items()?;
            let plans = gateway.payment_types(&PlansQuery { amount, items }).await?;
            let mut views: Vec<PlanView> = plans.iter().map(|p| plan_view(p, &base)).collect();
            views.sort_by_key(|p| p.tenure_months);
            let response = PaymentTypesResponse {
                amount: amount.as_decimal(),
                currency: "IDR".into(),
                estimate,
                plans: views,
                express: false,
            };
            let json =
                serde_json::to_vec(&response).map_err(|e| AppError::Internal(e.to_string()))?;
            Ok::<_, AppError>(Arc::new(CachedPlans {
                response,
                json: json.into(),
                plans,
            }))
        })
        .await
}

/// Adds a tokenized shopper's remaining limit to every plan and whether the plan fits it
/// (the calculator's `Plan::fits_limit`), and marks the answer express.
fn with_limits(
    response: &mut PaymentTypesResponse,
    plans: &CachedPlans,
    limits: &kredivo_plan::CreditLimits,
) {
    for view in &mut response.plans {
        view.remaining_limit =
            crate::tokens::remaining(limits, &view.payment_type).map(Money::as_decimal);
        view.within_limit = Some(
            plans
                .plan(&view.payment_type)
                .is_some_and(|plan| plan.fits_limit(limits)),
        );
    }
    response.express = true;
}

/// `POST /payment-types`.
pub async fn payment_types(
    state: &AppState,
    req: PaymentTypesRequest,
) -> Result<Arc<CachedPlans>, AppError> {
    let set = [
        req.session.is_some(),
        req.cart.is_some(),
        req.cart_id.is_some(),
        req.amount.is_some(),
    ]
    .iter()
    .filter(|s| **s)
    .count();
    if set != 1 {
        return Err(AppError::InvalidRequest {
            message: "Send exactly one of session, cart, cart_id or amount.".into(),
            details: vec!["session, cart, cart_id, amount: exactly one is required".into()],
        });
    }
    if let Some(secret) = &req.session {
        let session = sessions::open(state, secret).await?;
        let plans = session_plans(state, &session).await?;
        let allowed = sessions::payment_types(&session);
        // A tokenized shopper's limits, asked of Kredivo for this request only: the cached
        // answer (per session) never holds them, so no shopper's limits reach another.
        let credit = crate::tokens::session_credit(state, &session).await;
        if credit.is_none()
            && plans
                .response
                .plans
                .iter()
                .all(|p| allowed.iter().any(|t| t.as_str() == p.payment_type))
        {
            return Ok(plans);
        }
        // The merchant restricted the plans: answer only those.
        let mut response = plans.response.clone();
        response
            .plans
            .retain(|p| allowed.iter().any(|t| t.as_str() == p.payment_type));
        if let Some(credit) = &credit {
            with_limits(&mut response, &plans, &credit.limits);
        }
        let json = serde_json::to_vec(&response).map_err(|e| AppError::Internal(e.to_string()))?;
        return Ok(Arc::new(CachedPlans {
            response,
            json: json.into(),
            plans: plans.plans.clone(),
        }));
    }
    if let Some(amount) = req.amount {
        let amount = Money::try_from(amount).map_err(|e| AppError::InvalidRequest {
            message: "The amount must be a whole, positive number of rupiah.".into(),
            details: vec![format!("amount: {e}")],
        })?;
        if amount.is_zero() || amount > MAX_BADGE_AMOUNT {
            return Err(AppError::InvalidRequest {
                message: "The amount must be a whole, positive number of rupiah.".into(),
                details: vec![format!("amount: must be 1 to {MAX_BADGE_AMOUNT}")],
            });
        }
        let url = state.config().public_url("/");
        return cached_plans(state, format!("amount:{amount}"), amount, move || {
            Ok(vec![GatewayItem::product(
                "product", "Product", amount, 1, "Product", url,
            )])
        })
        .await;
    }
    let (lines, _) = resolve_cart(state, req.cart, req.cart_id).await?;
    let priced = price_cart(state, &lines)?;
    let key = format!("cart:{}", priced.canonical);
    let total = priced.total;
    cached_plans(state, key, total, || {
        check_kredivo_limits(&priced)?;
        Ok(gateway_items(state, &priced.lines))
    })
    .await
}
