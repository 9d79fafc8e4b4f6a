//! What the widget asks the proxy: the payment-types and checkout requests for a source,
//! the idempotency key of a checkout attempt, and the sequencing that drops stale answers.

use kredivo_api::{CheckoutRequest, PaymentTypesRequest};

use crate::options::{Shopper, Source};

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
        Source::Session(secret) => r.session = Some(secret.clone()),
        Source::Cart(lines) => r.cart = Some(lines.clone()),
        Source::CartId(id) => r.cart_id = Some(id.clone()),
        Source::Amount(a) => r.amount = Some(*a),
    }
    Some(r)
}

/// The checkout request, `None` for a bare amount (a preview cannot be bought).
///
/// A session names only itself and the plan: its items, amount, customer and address are
/// the merchant's server's. A catalogue cart carries the shopper's details from the shop's
/// form (the proxy answers `invalid_request` when they are missing). The idempotency key is
/// empty: [`Attempt::start`] gives it one.
pub fn checkout_request(
    source: &Source,
    payment_type: &str,
    shopper: &Shopper,
) -> Option<CheckoutRequest> {
    let mut r = CheckoutRequest {
        session: None,
        cart: None,
        cart_id: None,
        payment_type: payment_type.to_owned(),
        idempotency_key: String::new(),
        customer: None,
        shipping_address: None,
    };
    match source {
        Source::Session(secret) => {
            r.session = Some(secret.clone());
            return Some(r);
        }
        Source::Cart(lines) => r.cart = Some(lines.clone()),
        Source::CartId(id) => r.cart_id = Some(id.clone()),
        Source::Amount(_) | Source::None | Source::Invalid(_) => return None,
    }
    r.customer.clone_from(&shopper.customer);
    r.shipping_address.clone_from(&shopper.shipping_address);
    Some(r)
}

/// A checkout attempt: the request as sent, idempotency key included.
///
/// Retrying after a network error or a double click sends the same request again, so it
/// keeps the key and the proxy answers with the same order; changing the cart or the plan
/// changes the request and starts a new attempt with a new key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt(CheckoutRequest);

impl Attempt {
    /// Starts sending `request` (its key is replaced): with `previous`'s key when `previous`
    /// sent the same request, else with a new key from `random`.
    pub fn start(
        previous: Option<&Attempt>,
        mut request: CheckoutRequest,
        random: impl FnOnce() -> [u8; 16],
    ) -> Attempt {
        if let Some(Attempt(sent)) = previous {
            request.idempotency_key.clone_from(&sent.idempotency_key);
            if *sent == request {
                return Attempt(request);
            }
        }
        request.idempotency_key = idempotency_key(&random());
        Attempt(request)
    }

    /// The request, with its key.
    pub fn request(&self) -> &CheckoutRequest {
        &self.0
    }

    /// The idempotency key.
    pub fn key(&self) -> &str {
        &self.0.idempotency_key
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

#[cfg(test)]
mod tests {
    use super::*;
    use kredivo_api::CartLine;
    use rust_decimal::Decimal;

    #[test]
    fn only_the_newest_request_may_apply_its_answer() {
        let mut s = Sequencer::default();
        let old = s.begin();
        let new = s.begin();
        assert!(!s.is_current(old), "a stale answer is dropped");
        assert!(s.is_current(new));
    }

    #[test]
    fn one_checkout_attempt_keeps_one_idempotency_key() {
        let cart = Source::CartId("c1".into());
        let six = checkout_request(&cart, "6_months", &Shopper::default()).unwrap();
        let first = Attempt::start(None, six.clone(), || [7; 16]);
        assert!(
            kredivo_api::is_valid_idempotency_key(first.key()),
            "{}",
            first.key()
        );
        let again = Attempt::start(Some(&first), six, || [9; 16]);
        assert_eq!(
            again.key(),
            first.key(),
            "a retry or double click reuses the key"
        );
        let three = checkout_request(&cart, "3_months", &Shopper::default()).unwrap();
        let other = Attempt::start(Some(&first), three, || [9; 16]);
        assert_ne!(other.key(), first.key(), "another plan is another attempt");
        assert_eq!(other.request().payment_type, "3_months");
        assert_eq!(idempotency_key(&[0xab; 16]), "ab".repeat(16));
    }

    #[test]
    fn checkout_needs_a_cart_and_previews_cannot_be_bought() {
        let lines = vec![CartLine {
            product_id: "p".into(),
            quantity: 1,
        }];
        let r = checkout_request(
            &Source::Cart(lines.clone()),
            "3_months",
            &Shopper::default(),
        )
        .unwrap();
        assert_eq!(r.cart, Some(lines));
        assert_eq!(
            checkout_request(
                &Source::Amount(Decimal::ONE),
                "3_months",
                &Shopper::default()
            ),
            None
        );
        let q = payment_types_request(&Source::CartId("x".into())).unwrap();
        assert_eq!(q.cart_id.as_deref(), Some("x"));
        assert_eq!(payment_types_request(&Source::None), None);
    }
}
