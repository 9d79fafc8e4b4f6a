//! The widget's state as plain types: what the view shows and the rules that move it.
//!
//! Nothing here touches the DOM, so every rule is unit-tested natively.

use kredivo_api::{CheckoutRequest, PaymentTypesRequest, PaymentTypesResponse, PlanView};
use kredivo_plan::Money;

use crate::options::Source;

/// One plan, validated and ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRow {
    /// Kredivo's payment type id, e.g. `6_months`.
    pub payment_type: String,
    /// Number of monthly installments (1 for `30_days`).
    pub months: u32,
    /// Due each month.
    pub monthly: Money,
    /// Repaid in all.
    pub total: Money,
    /// Interest over the plan.
    pub interest: Money,
    /// Service fee over the plan.
    pub service_fee: Money,
    /// Paid up front.
    pub down_payment: Money,
    /// Promotional monthly installment and for how many months it lasts.
    pub promo: Option<(Money, u32)>,
    /// What the promotion saves in all.
    pub promo_discount: Money,
}

impl TryFrom<&PlanView> for PlanRow {
    type Error = Failure;

    fn try_from(v: &PlanView) -> Result<PlanRow, Failure> {
        let m = |d| Money::try_from(d).map_err(|_| Failure::BadResponse);
        let monthly = m(v.monthly_installment)?;
        let promo = match (v.discounted_monthly_installment, v.promo_months) {
            (Some(d), Some(n)) if n > 0 => Some((m(d)?, n)),
            _ => None,
        };
        // The proxy's figure: amounts come from the server, never from browser arithmetic.
        let promo_discount = match v.promo_discount {
            Some(d) => m(d)?,
            None => Money::ZERO,
        };
        Ok(PlanRow {
            payment_type: v.payment_type.clone(),
            months: v.tenure_months,
            monthly,
            total: m(v.total)?,
            interest: m(v.interest)?,
            service_fee: m(v.service_fee)?,
            down_payment: m(v.down_payment)?,
            promo,
            promo_discount,
        })
    }
}

/// The plans on offer for one amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// The amount the proxy priced.
    pub amount: Money,
    /// Figures from a pricing table rather than from Kredivo.
    pub estimate: bool,
    /// Eligible plans, shortest first; never empty (an empty answer is `IneligibleAmount`).
    pub plans: Vec<PlanRow>,
}

impl TryFrom<&PaymentTypesResponse> for Offer {
    type Error = Failure;

    fn try_from(r: &PaymentTypesResponse) -> Result<Offer, Failure> {
        let plans = r
            .plans
            .iter()
            .map(PlanRow::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        if plans.is_empty() {
            return Err(Failure::Api("ineligible_amount".into()));
        }
        Ok(Offer {
            amount: Money::try_from(r.amount).map_err(|_| Failure::BadResponse)?,
            estimate: r.estimate,
            plans,
        })
    }
}

impl Offer {
    /// Index of `payment_type` among the plans, else the first plan's.
    pub fn index_of(&self, payment_type: Option<&str>) -> usize {
        payment_type
            .and_then(|p| self.plans.iter().position(|row| row.payment_type == p))
            .unwrap_or(0)
    }
}

/// Why the widget could not go on; `code()` is `kredivo:error`'s `detail.code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// `fetch` itself failed: offline, DNS, CORS, the proxy is down.
    Network,
    /// No answer within the timeout (the request was aborted).
    Timeout,
    /// The proxy answered with an error code of the widget API (unknown codes become
    /// `internal`, as the protocol asks).
    Api(String),
    /// A 2xx answer that is not the documented shape.
    BadResponse,
    /// The element's options cannot be read.
    InvalidOptions,
    /// An express checkout ended denied, expired or cancelled.
    OrderFailed,
}

impl Failure {
    /// The stable code.
    pub fn code(&self) -> &str {
        match self {
            Failure::Network => "network",
            Failure::Timeout => "timeout",
            Failure::Api(code) => code,
            Failure::BadResponse => "bad_response",
            Failure::InvalidOptions => "invalid_options",
            Failure::OrderFailed => "order_failed",
        }
    }

    /// A failure from an error answer's code string.
    pub fn from_api_code(code: &str) -> Failure {
        let known = kredivo_api::ErrorCode::parse(code).unwrap_or(kredivo_api::ErrorCode::Internal);
        Failure::Api(known.as_str().to_owned())
    }

    /// Whether the amount is outside every plan: explained, not shown as an error.
    pub fn is_ineligible(&self) -> bool {
        self.code() == "ineligible_amount"
    }
}

/// Numbers requests so that only the newest answer is applied.
///
/// Answers can arrive out of order (a slow request for the old quantity after a fast one for
/// the new quantity); each request takes a ticket and its answer is dropped unless the ticket
/// is still the latest.
#[derive(Debug, Default, Clone, Copy)]
pub struct Sequencer {
    latest: u32,
}

impl Sequencer {
    /// Starts a request; returns its ticket.
    pub fn begin(&mut self) -> u32 {
        self.latest = self.latest.wrapping_add(1);
        self.latest
    }

    /// Whether `ticket` belongs to the newest request.
    pub fn is_current(&self, ticket: u32) -> bool {
        ticket == self.latest
    }
}

/// The payment-types request for a source, `None` when there is nothing to price yet.
pub fn payment_types_request(source: &Source) -> Option<PaymentTypesRequest> {
    let mut r = PaymentTypesRequest::default();
    match source {
        Source::None | Source::Invalid(_) => return None,
        Source::Cart(lines) => r.cart = Some(lines.clone()),
        Source::CartId(id) => r.cart_id = Some(id.clone()),
        Source::Amount(a) => r.amount = Some(*a),
    }
    Some(r)
}

/// The checkout request, `None` for a bare amount (a preview cannot be bought).
pub fn checkout_request(source: &Source, payment_type: &str, key: &str) -> Option<CheckoutRequest> {
    let (cart, cart_id) = match source {
        Source::Cart(lines) => (Some(lines.clone()), None),
        Source::CartId(id) => (None, Some(id.clone())),
        Source::Amount(_) | Source::None | Source::Invalid(_) => return None,
    };
    Some(CheckoutRequest {
        session: None,
        cart,
        cart_id,
        payment_type: payment_type.to_owned(),
        idempotency_key: key.to_owned(),
        customer: None,
        shipping_address: None,
    })
}

/// A checkout attempt: one idempotency key for one (cart, payment type).
///
/// Retrying after a network error or a double click reuses the key, so the proxy answers
/// with the same order; changing the cart or the plan starts a new attempt with a new key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// What the key was made for.
    pub fingerprint: (Source, String),
    /// The idempotency key.
    pub key: String,
}

impl Attempt {
    /// Reuses `previous` when it was for the same cart and plan, else makes a key from `random`.
    pub fn for_checkout(
        previous: Option<&Attempt>,
        source: &Source,
        payment_type: &str,
        random: impl FnOnce() -> [u8; 16],
    ) -> Attempt {
        let fingerprint = (source.clone(), payment_type.to_owned());
        match previous {
            Some(a) if a.fingerprint == fingerprint => a.clone(),
            _ => Attempt {
                fingerprint,
                key: idempotency_key(&random()),
            },
        }
    }
}

/// 16 random bytes as 32 lowercase hex digits (a valid key of the widget API).
pub fn idempotency_key(bytes: &[u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(32);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    s
}

/// Whether a `redirect_url` may be followed: absolute `https:` or `http:` only, so a broken or
/// hostile proxy cannot make the widget run a `javascript:` URL.
pub fn is_safe_redirect(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// Where a key press moves the selection in a radio group of `len` options (WAI-ARIA: arrows
/// wrap around, Home and End jump). `None` for keys the group does not handle.
pub fn radio_step(current: usize, len: usize, key: &str) -> Option<usize> {
    if len == 0 {
        return None;
    }
    let last = len - 1;
    match key {
        "ArrowDown" | "ArrowRight" => Some(if current >= last { 0 } else { current + 1 }),
        "ArrowUp" | "ArrowLeft" => Some(if current == 0 { last } else { current - 1 }),
        "Home" => Some(0),
        "End" => Some(last),
        _ => None,
    }
}

/// How long to wait between polls of an express checkout's order, and how many polls at most.
pub const POLL: (u32, u32) = (2_000, 90);

/// The pause after a `data-*` change before asking the proxy again (typing a quantity).
pub const DEBOUNCE_MS: u32 = 250;

/// How long one request may take before it is aborted.
pub const TIMEOUT_MS: i32 = 15_000;

#[cfg(test)]
mod tests {
    use super::*;
    use kredivo_api::CartLine;
    use rust_decimal::Decimal;

    fn view(pt: &str, n: u32, monthly: i64, total: i64) -> PlanView {
        PlanView {
            payment_type: pt.into(),
            tenure_months: n,
            name: String::new(),
            monthly_installment: Decimal::from(monthly),
            total: Decimal::from(total),
            interest: Decimal::from(total - 2_400_000),
            service_fee: Decimal::ZERO,
            down_payment: Decimal::ZERO,
            rate: None,
            discounted_monthly_installment: None,
            promo_months: None,
            promo_discount: None,
        }
    }

    #[test]
    fn an_offer_keeps_the_proxys_order_and_figures() {
        let r = PaymentTypesResponse {
            amount: Decimal::from(2_400_000),
            currency: "IDR".into(),
            estimate: false,
            plans: vec![
                view("3_months", 3, 856_290, 2_568_870),
                view("6_months", 6, 450_090, 2_700_540),
            ],
        };
        let o = Offer::try_from(&r).unwrap();
        assert_eq!(o.amount, Money::from_rupiah(2_400_000));
        assert_eq!(o.plans[1].monthly, Money::from_rupiah(450_090));
        assert_eq!(o.plans[1].interest, Money::from_rupiah(300_540));
        assert_eq!(o.index_of(Some("6_months")), 1);
        assert_eq!(
            o.index_of(Some("24_months")),
            0,
            "a vanished plan falls back to the first"
        );
    }

    #[test]
    fn an_empty_offer_is_ineligible_and_a_fractional_amount_is_a_bad_response() {
        let mut r = PaymentTypesResponse {
            amount: Decimal::from(500),
            currency: "IDR".into(),
            estimate: false,
            plans: vec![],
        };
        let e = Offer::try_from(&r).unwrap_err();
        assert!(e.is_ineligible(), "{e:?}");
        r.plans.push(view("3_months", 3, 1, 3));
        r.plans[0].monthly_installment = Decimal::new(105, 1);
        assert_eq!(Offer::try_from(&r).unwrap_err(), Failure::BadResponse);
    }

    #[test]
    fn a_promotion_shows_the_proxys_discount_and_rejects_a_fractional_one() {
        let mut v = view("6_months", 6, 450_090, 2_700_540);
        v.discounted_monthly_installment = Some(Decimal::from(400_000));
        v.promo_months = Some(2);
        let row = PlanRow::try_from(&v).unwrap();
        assert_eq!(row.promo, Some((Money::from_rupiah(400_000), 2)));
        assert_eq!(
            row.promo_discount,
            Money::ZERO,
            "no figure from the proxy, none shown"
        );
        v.promo_discount = Some(Decimal::from(100_180));
        let row = PlanRow::try_from(&v).unwrap();
        assert_eq!(row.promo_discount, Money::from_rupiah(100_180));
        v.promo_discount = Some(Decimal::new(15, 1));
        assert_eq!(PlanRow::try_from(&v).unwrap_err(), Failure::BadResponse);
    }

    #[test]
    fn only_the_newest_request_may_apply_its_answer() {
        let mut s = Sequencer::default();
        let old = s.begin();
        let new = s.begin();
        assert!(!s.is_current(old), "a stale answer is dropped");
        assert!(s.is_current(new));
    }

    #[test]
    fn unknown_error_codes_are_treated_as_internal() {
        assert_eq!(
            Failure::from_api_code("upstream_error").code(),
            "upstream_error"
        );
        assert_eq!(Failure::from_api_code("brand_new").code(), "internal");
        assert_eq!(Failure::Timeout.code(), "timeout");
    }

    #[test]
    fn one_checkout_attempt_keeps_one_idempotency_key() {
        let cart = Source::CartId("c1".into());
        let first = Attempt::for_checkout(None, &cart, "6_months", || [7; 16]);
        assert!(
            kredivo_api::is_valid_idempotency_key(&first.key),
            "{}",
            first.key
        );
        let again = Attempt::for_checkout(Some(&first), &cart, "6_months", || [9; 16]);
        assert_eq!(
            again.key, first.key,
            "a retry or double click reuses the key"
        );
        let other = Attempt::for_checkout(Some(&first), &cart, "3_months", || [9; 16]);
        assert_ne!(other.key, first.key, "another plan is another attempt");
        assert_eq!(idempotency_key(&[0xab; 16]), "ab".repeat(16));
    }

    #[test]
    fn checkout_needs_a_cart_and_previews_cannot_be_bought() {
        let lines = vec![CartLine {
            product_id: "p".into(),
            quantity: 1,
        }];
        let r = checkout_request(&Source::Cart(lines.clone()), "3_months", "k").unwrap();
        assert_eq!(r.cart, Some(lines));
        assert_eq!(
            checkout_request(&Source::Amount(Decimal::ONE), "3_months", "k"),
            None
        );
        let q = payment_types_request(&Source::CartId("x".into())).unwrap();
        assert_eq!(q.cart_id.as_deref(), Some("x"));
        assert_eq!(payment_types_request(&Source::None), None);
    }

    #[test]
    fn only_web_urls_are_followed() {
        for (url, ok) in [
            ("https://sandbox.kredivo.com/kredivo/v2/signin?tk=1", true),
            ("HTTP://localhost:8080/sandbox", true),
            ("javascript:alert(1)", false),
            ("//evil.example", false),
            ("", false),
        ] {
            assert_eq!(is_safe_redirect(url), ok, "{url}");
        }
    }

    #[test]
    fn arrow_keys_wrap_around_the_radio_group() {
        let rows = [
            (0, "ArrowDown", Some(1)),
            (3, "ArrowDown", Some(0)),
            (0, "ArrowUp", Some(3)),
            (2, "ArrowLeft", Some(1)),
            (1, "ArrowRight", Some(2)),
            (2, "Home", Some(0)),
            (0, "End", Some(3)),
            (1, "a", None),
        ];
        for (from, key, want) in rows {
            assert_eq!(radio_step(from, 4, key), want, "{key} from {from}");
        }
        assert_eq!(radio_step(0, 0, "ArrowDown"), None);
    }
}
