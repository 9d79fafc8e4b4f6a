//! Kredivo's bodies to and from the plan crate's domain types: `/v2/payments` entries ↔
//! [`Plan`], credit details → [`CreditLimits`], cart lines ↔ [`LineDraft`]/[`LineItem`], and a
//! checkout body → [`OrderDraft`], validated with Kredivo's paths
//! ([`OrderRules::KREDIVO_CHECKOUT`]).

use kredivo_plan::{
    AddressDraft, Cart, CreditLimits, CustomerDraft, LineDraft, LineItem, Locale, Money,
    OrderDraft, OrderRules, PaymentType, Plan, PlanError, PlanParts, SellerDraft, ValidOrder,
    ValidationErrors,
};
use rust_decimal::Decimal;

use super::{
    CheckoutRequest, CreditDetailsResponse, PaymentsRequest, WireAddress, WireCustomer, WireItem,
    WirePaymentType, WireSeller,
};

impl TryFrom<&WirePaymentType> for Plan {
    type Error = PlanError;

    /// Normalises a `/v2/payments` entry. The promotion is kept only when both
    /// `discounted_monthly_installment` and `interest_rate_transition_term` (read as a number
    /// of months — UNCONFIRMED) are positive. Interest is derived as
    /// `installment_amount + down_payment − amount − service_fee`; a provider discount can make
    /// that negative, which is shown as zero interest.
    fn try_from(wire: &WirePaymentType) -> Result<Plan, PlanError> {
        let invalid = |reason| PlanError::InvalidPlan {
            payment_type: wire.id.clone(),
            reason,
        };
        let tenure_months =
            u32::try_from(wire.tenure).map_err(|_| invalid("tenure out of range"))?;
        let service_fee = wire.service_fee.unwrap_or(Money::ZERO);
        let promo_months = wire
            .interest_rate_transition_term
            .and_then(whole_u32)
            .filter(|m| *m > 0);
        let discounted = Some(wire.discounted_monthly_installment).filter(|m| !m.is_zero());
        let (discounted, promo_months) = match (discounted, promo_months) {
            (Some(d), Some(m)) if m < tenure_months => (Some(d), Some(m)),
            _ => (None, None),
        };
        let repaid = wire.installment_amount.checked_add(wire.down_payment)?;
        let interest = repaid
            .checked_sub(wire.amount)
            .and_then(|i| i.checked_sub(service_fee))
            .unwrap_or(Money::ZERO);
        Plan::try_from(PlanParts {
            payment_type: wire.id.clone(),
            tenure_months,
            principal: wire.amount,
            down_payment: wire.down_payment,
            monthly_installment: wire.monthly_installment,
            total: wire.installment_amount,
            interest,
            service_fee,
            discounted_monthly_installment: discounted,
            promo_months,
            rate: wire.rate,
        })
    }
}

impl From<&Plan> for WirePaymentType {
    /// The entry the sandbox serves for this plan, shaped like doc 000: installment types
    /// carry `interest_rate_transition_term` (0 without a promotion), `30_days` does not;
    /// `service_fee` appears only when there is one. The name is Indonesian, like Kredivo's.
    /// A promotion whose installment is Rp 0 is indistinguishable from none on the wire.
    fn from(plan: &Plan) -> WirePaymentType {
        WirePaymentType {
            id: plan.payment_type().clone(),
            name: plan.payment_type().label(Locale::Id).into_owned(),
            tenure: i64::from(plan.tenure_months()),
            amount: plan.principal(),
            installment_amount: plan.total(),
            monthly_installment: plan.monthly_installment(),
            rate: plan.rate(),
            down_payment: plan.down_payment(),
            discounted_monthly_installment: plan
                .discounted_monthly_installment()
                .unwrap_or(Money::ZERO),
            interest_rate_transition_term: (plan.tenure_months() > 1)
                .then(|| Decimal::from(plan.promo_months().unwrap_or(0))),
            raw_amount: None,
            raw_monthly_installment: None,
            service_fee: (!plan.service_fee().is_zero()).then_some(plan.service_fee()),
            service_fee_percentage: None,
            interest_rate: None,
            discount_interest_rate: None,
            mdr: None,
        }
    }
}

/// A non-negative whole `Decimal` as `u32`.
fn whole_u32(value: Decimal) -> Option<u32> {
    if value.is_sign_negative() || !value.fract().is_zero() {
        return None;
    }
    let mut whole = value.trunc();
    whole.rescale(0);
    u32::try_from(whole.mantissa()).ok()
}

impl From<&CreditDetailsResponse> for CreditLimits {
    /// An inactive account (`account_status` 2) gets no limits. A basic account
    /// (`account_type` 1) gets only `30_days`, as doc 000 says, whatever else is listed.
    fn from(response: &CreditDetailsResponse) -> CreditLimits {
        let details = &response.user_credit_details;
        if details.account_status != 1 {
            return CreditLimits::default();
        }
        let basic = details.account_type == 1;
        CreditLimits::new(
            details
                .credit_limit_details
                .iter()
                .filter(|d| !basic || d.payment_type == PaymentType::ThirtyDays)
                .map(|d| (d.payment_type.clone(), d.remaining_user_limit)),
        )
    }
}

impl From<&LineDraft> for WireItem {
    fn from(line: &LineDraft) -> WireItem {
        WireItem {
            id: line.id.clone(),
            name: line.name.clone(),
            price: line.price,
            quantity: line.quantity,
            item_type: line.item_type.clone(),
            url: line.url.clone(),
            image_url: line.image_url.clone(),
            parent_type: line.parent_type.clone(),
            parent_id: line.parent_id.clone(),
        }
    }
}

impl From<&LineItem> for WireItem {
    fn from(item: &LineItem) -> WireItem {
        WireItem::from(&LineDraft::from(item))
    }
}

impl From<&WireItem> for LineDraft {
    fn from(item: &WireItem) -> LineDraft {
        LineDraft {
            id: item.id.clone(),
            name: item.name.clone(),
            price: item.price,
            quantity: item.quantity,
            item_type: item.item_type.clone(),
            url: item.url.clone(),
            image_url: item.image_url.clone(),
            parent_type: item.parent_type.clone(),
            parent_id: item.parent_id.clone(),
        }
    }
}

impl From<&WireAddress> for AddressDraft {
    fn from(a: &WireAddress) -> AddressDraft {
        AddressDraft {
            first_name: a.first_name.clone(),
            last_name: a.last_name.clone(),
            address: a.address.clone(),
            city: a.city.clone(),
            postal_code: a.postal_code.clone(),
            phone: a.phone.clone(),
            country_code: a.country_code.clone(),
        }
    }
}

impl From<&WireCustomer> for CustomerDraft {
    fn from(c: &WireCustomer) -> CustomerDraft {
        CustomerDraft {
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
        }
    }
}

impl From<&WireSeller> for SellerDraft {
    fn from(s: &WireSeller) -> SellerDraft {
        SellerDraft {
            id: s.id.clone(),
            name: s.name.clone(),
            email: s.email.clone(),
            url: s.url.clone(),
            legal_id: s.legal_id.clone(),
            address: s.address.as_ref().map(AddressDraft::from),
        }
    }
}

/// A cart's lines as Kredivo items, in order.
pub fn wire_items(cart: &Cart) -> Vec<WireItem> {
    cart.items().iter().map(WireItem::from).collect()
}

/// Validates a Kredivo cart (`transaction_details` and `sellers`, no customer) with
/// [`kredivo_plan::validate_order`]'s rules and paths; QR checkout's body has no more.
pub fn validate_cart(
    order_id: &str,
    amount: Decimal,
    items: &[WireItem],
    sellers: &[WireSeller],
) -> Result<ValidOrder, ValidationErrors> {
    let lines: Vec<LineDraft> = items.iter().map(LineDraft::from).collect();
    let sellers: Vec<SellerDraft> = sellers.iter().map(SellerDraft::from).collect();
    kredivo_plan::validate_order(order_id, amount, &lines, &sellers)
}

impl CheckoutRequest {
    /// The order this body states, for the plan crate's validation (fees stay among the
    /// items, as Kredivo sends them).
    pub fn to_draft(&self) -> OrderDraft {
        let details = &self.transaction_details;
        OrderDraft {
            order_id: details.order_id.clone(),
            amount: details.amount,
            items: details.items.iter().map(LineDraft::from).collect(),
            fees: Vec::new(),
            customer: self.customer_details.as_ref().map(CustomerDraft::from),
            billing_address: self.billing_address.as_ref().map(AddressDraft::from),
            shipping_address: self.shipping_address.as_ref().map(AddressDraft::from),
            sellers: self
                .sellers
                .iter()
                .flatten()
                .map(SellerDraft::from)
                .collect(),
        }
    }

    /// Validates the whole checkout body as Kredivo does ([`OrderRules::KREDIVO_CHECKOUT`]):
    /// the cart under `transaction_details`, the customer under `customer_details`, the
    /// addresses and the sellers, every problem at once with its path.
    pub fn validate(&self) -> Result<ValidOrder, ValidationErrors> {
        self.to_draft().validate_with(&OrderRules::KREDIVO_CHECKOUT)
    }
}

impl PaymentsRequest {
    /// Validates `amount` and `items` of a `/v2/payments` body (paths `amount`,
    /// `items[i].price`, …) and returns the amount and cart.
    pub fn validate(&self) -> Result<(Money, Cart), ValidationErrors> {
        OrderDraft {
            amount: self.amount,
            items: self.items.iter().map(LineDraft::from).collect(),
            ..OrderDraft::default()
        }
        .validate_with(&OrderRules::KREDIVO_PAYMENTS)
        .map(|order| {
            let (_, amount, cart) = order.into_parts();
            (amount, cart)
        })
    }
}
