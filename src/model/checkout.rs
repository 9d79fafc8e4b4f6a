//! The checkout widget's state machine: pricing (at once the first time, debounced after,
//! stale answers dropped, retry), the plan choice, and paying (checkout, redirect, polling an
//! express checkout, retry).
//!
//! [`Checkout`] is a plain value. Each transition takes what happened (new options, an
//! answer, a click, a timer) and returns the [`Effect`]s the component must carry out:
//! requests, the debounce timer, the redirect, events for the page. It never touches the DOM,
//! the network or a clock, so every transition is tested natively below; `view::checkout`
//! renders [`Checkout::load`], [`Checkout::selected`], [`Checkout::refreshing`] and
//! [`Checkout::phase`] and feeds the answers back.

use std::sync::Arc;

use kredivo_api::{
    CheckoutRequest, CheckoutResponse, OrderStatus, OrderView, PaymentTypesRequest,
    PaymentTypesResponse,
};
use kredivo_plan::Locale;

use super::{
    checkout_request, is_safe_redirect, payment_types_request, Attempt, Failure, Offer, PlanRow,
    Sequencer, POLL,
};
use crate::event::WidgetEvent;
use crate::options::{Options, Shopper, Source};
use crate::text;

/// What the plan list shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Load {
    /// Nothing to price yet (no cart set).
    #[default]
    Waiting,
    /// First request in flight: the skeleton.
    Loading,
    /// Plans on screen.
    Ready(Arc<Offer>),
    /// The last request failed.
    Failed(Failure),
}

/// Where the checkout itself stands.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Phase {
    /// Nothing under way: the button can be pressed.
    #[default]
    Idle,
    /// `POST checkout` in flight.
    Busy,
    /// Leaving for Kredivo.
    Redirecting,
    /// Express checkout: polling the order.
    Polling,
    /// Express checkout ended.
    Done(OrderStatus),
    /// The checkout failed; the retry button re-sends the same attempt.
    Failed(Failure),
}

impl Load {
    /// Whether the view would show `self` exactly as `other`: the same offer is the same
    /// `Arc`, so nothing compares plans figure by figure.
    pub fn looks_like(&self, other: &Load) -> bool {
        match (self, other) {
            (Load::Ready(a), Load::Ready(b)) => Arc::ptr_eq(a, b),
            (Load::Failed(a), Load::Failed(b)) => a == b,
            (a, b) => core::mem::discriminant(a) == core::mem::discriminant(b),
        }
    }
}

impl Phase {
    /// Whether a checkout is under way: the button spins and ignores clicks.
    pub fn is_busy(&self) -> bool {
        matches!(self, Phase::Busy | Phase::Redirecting | Phase::Polling)
    }

    /// Whether the button is off: a checkout is under way, or it failed in a way no retry
    /// mends (the session expired or was used).
    pub fn blocks_paying(&self) -> bool {
        match self {
            Phase::Failed(f) => !f.can_retry(),
            other => other.is_busy(),
        }
    }
}

/// What the component must do after a transition.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Abort the payment-types request in flight and stop the debounce timer.
    CancelPricing,
    /// (Re)start the debounce timer ([`super::DEBOUNCE_MS`]); when it fires, call
    /// [`Checkout::debounced`].
    Debounce,
    /// Abort what [`Effect::CancelPricing`] aborts, then `POST {proxy}/payment-types`; hand
    /// the answer to [`Checkout::priced`] with `ticket`.
    Price {
        /// Names this request's answer.
        ticket: u32,
        /// The proxy's base URL.
        proxy: String,
        /// What to price.
        request: PaymentTypesRequest,
    },
    /// `POST {proxy}/checkout`; hand the answer to [`Checkout::checked_out`].
    Checkout {
        /// The proxy's base URL.
        proxy: String,
        /// The order to start, with its attempt's idempotency key (boxed: it is by far the
        /// largest effect).
        request: Box<CheckoutRequest>,
    },
    /// Fire `kredivo:redirect`; unless the page cancels it, open the URL in this tab.
    Redirect(String),
    /// Wait `after_ms`, then `GET {proxy}/orders/{order_id}`; hand the answer to
    /// [`Checkout::polled`].
    Poll {
        /// The proxy's base URL.
        proxy: String,
        /// The order being paid.
        order_id: String,
        /// The pause before asking, in milliseconds.
        after_ms: u32,
    },
    /// Tell the page.
    Emit(WidgetEvent),
}

/// An express checkout's order being polled.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Polling {
    proxy: String,
    order_id: String,
    /// Polls answered so far.
    tries: u32,
}

/// The checkout widget's state: what it shows and what it is waiting for.
#[derive(Debug, Clone, Default)]
pub struct Checkout {
    load: Load,
    /// The chosen plan's index in the offer.
    selected: usize,
    /// A newer price is being asked while the current plans stay on screen.
    refreshing: bool,
    phase: Phase,
    /// From the options: where to ask, what is paid for, who pays (catalogue mode), which
    /// language to report in.
    proxy: String,
    source: Source,
    shopper: Shopper,
    locale: Locale,
    /// What was last asked (or is about to be): the proxy, the cart's revision and the request.
    priced_for: Option<(String, String, PaymentTypesRequest)>,
    /// The request waiting for the debounce timer.
    debounced: Option<(String, PaymentTypesRequest)>,
    seq: Sequencer,
    attempt: Option<Attempt>,
    polling: Option<Polling>,
}

impl Checkout {
    /// What the plan list shows.
    pub fn load(&self) -> &Load {
        &self.load
    }

    /// The chosen plan's index in the offer.
    pub fn selected(&self) -> usize {
        self.selected
    }

    /// Whether a newer price is being asked while the plans stay on screen.
    pub fn refreshing(&self) -> bool {
        self.refreshing
    }

    /// Where the checkout stands.
    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// The chosen plan, when plans are on screen.
    fn plan(&self) -> Option<&PlanRow> {
        match &self.load {
            Load::Ready(offer) => offer.plans.get(self.selected),
            _ => None,
        }
    }

    /// The host's options were read (again). Something new to price is asked at once the
    /// first time and after the debounce afterwards, so a shopper clicking "+" five times
    /// sends one request; the same thing again (another theme, say) asks nothing.
    pub fn set_options(&mut self, options: &Options) -> Vec<Effect> {
        self.proxy.clone_from(&options.proxy);
        self.source.clone_from(&options.source);
        self.shopper.clone_from(&options.shopper);
        self.locale = options.locale;
        if let Source::Invalid(_) = options.source {
            self.stop_pricing();
            self.load = Load::Failed(Failure::InvalidOptions);
            return vec![Effect::CancelPricing, self.fail(&Failure::InvalidOptions)];
        }
        let Some(request) = payment_types_request(&options.source) else {
            self.stop_pricing();
            self.load = Load::Waiting;
            return vec![Effect::CancelPricing];
        };
        let key = (options.proxy.clone(), options.revision.clone(), request);
        if self.priced_for.as_ref() == Some(&key) {
            return Vec::new();
        }
        let first = self.priced_for.is_none();
        let (proxy, _, request) = self.priced_for.insert(key).clone();
        if first {
            self.start(proxy, request)
        } else {
            self.debounced = Some((proxy, request));
            vec![Effect::Debounce]
        }
    }

    /// Forgets what was asked: an answer in flight becomes stale, and the same options set
    /// again are asked again (not taken for "unchanged").
    fn stop_pricing(&mut self) {
        self.priced_for = None;
        self.debounced = None;
        self.refreshing = false;
        self.seq.begin();
    }

    /// The debounce timer fired: ask for what is waiting.
    pub fn debounced(&mut self) -> Vec<Effect> {
        match self.debounced.take() {
            Some((proxy, request)) => self.start(proxy, request),
            None => Vec::new(),
        }
    }

    fn start(&mut self, proxy: String, request: PaymentTypesRequest) -> Vec<Effect> {
        self.debounced = None;
        let ticket = self.seq.begin();
        if let Load::Ready(_) = self.load {
            self.refreshing = true;
        } else {
            self.load = Load::Loading;
        }
        vec![Effect::Price {
            ticket,
            proxy,
            request,
        }]
    }

    /// The answer to the payment-types request `ticket`. Only the newest request's answer
    /// counts; the chosen plan stays chosen when the new offer still has it.
    pub fn priced(
        &mut self,
        ticket: u32,
        answer: Result<PaymentTypesResponse, Failure>,
    ) -> Vec<Effect> {
        if !self.seq.is_current(ticket) {
            return Vec::new();
        }
        self.refreshing = false;
        match answer.and_then(|r| Offer::try_from(&r)) {
            Ok(offer) => {
                let previous = self.plan().map(|p| p.payment_type.clone());
                self.selected = offer.index_of(previous.as_deref());
                let ready = WidgetEvent::Ready {
                    amount: offer.amount.to_rupiah_u64().to_string(),
                    payment_types: offer.plans.iter().map(|p| p.payment_type.clone()).collect(),
                };
                self.load = Load::Ready(Arc::new(offer));
                // New figures: a checkout failure shown for the old ones is over.
                self.forget_failure();
                vec![Effect::Emit(ready)]
            }
            Err(f) => {
                let failed = self.fail(&f);
                self.load = Load::Failed(f);
                vec![failed]
            }
        }
    }

    /// The shopper pressed retry on a failed price: ask again, from the skeleton.
    pub fn retry_pricing(&mut self) -> Vec<Effect> {
        match payment_types_request(&self.source) {
            Some(request) => {
                self.load = Load::Loading;
                self.start(self.proxy.clone(), request)
            }
            None => Vec::new(),
        }
    }

    /// The shopper chose plan `index`.
    pub fn choose(&mut self, index: usize) -> Vec<Effect> {
        if index == self.selected {
            return Vec::new();
        }
        let Load::Ready(offer) = &self.load else {
            return Vec::new();
        };
        let Some(plan) = offer.plans.get(index).filter(|p| !p.over_limit) else {
            return Vec::new();
        };
        let select = WidgetEvent::Select(plan.payment_type.clone());
        self.selected = index;
        self.forget_failure();
        vec![Effect::Emit(select)]
    }

    /// Back to idle after a checkout failure that a new try may mend.
    fn forget_failure(&mut self) {
        if let Phase::Failed(f) = &self.phase {
            if f.can_retry() {
                self.phase = Phase::Idle;
            }
        }
    }

    /// The shopper pressed the Kredivo button while the host's options are `options` (the
    /// page may have handed over the form's latest details an instant before). A retry or a
    /// double click re-sends the same attempt (same idempotency key); a click while a
    /// checkout is under way does nothing, and so does one on a preview of a bare amount or
    /// on a spent session.
    pub fn pay(&mut self, options: &Options, random: impl FnOnce() -> [u8; 16]) -> Vec<Effect> {
        let mut effects = self.set_options(options);
        effects.extend(self.send_checkout(random));
        effects
    }

    fn send_checkout(&mut self, random: impl FnOnce() -> [u8; 16]) -> Vec<Effect> {
        if self.phase.blocks_paying() {
            return Vec::new();
        }
        // A plan above the shopper's limit is never sent (every plan may be, and the first
        // is then selected without being choosable).
        let Some(plan) = self.plan().filter(|p| !p.over_limit) else {
            return Vec::new();
        };
        let Some(request) = checkout_request(&self.source, &plan.payment_type, &self.shopper)
        else {
            return Vec::new();
        };
        let attempt = Attempt::start(self.attempt.as_ref(), request, random);
        let request = Box::new(attempt.request().clone());
        self.attempt = Some(attempt);
        self.phase = Phase::Busy;
        vec![Effect::Checkout {
            proxy: self.proxy.clone(),
            request,
        }]
    }

    /// The shopper pressed retry after Kredivo refused an express checkout: another try is
    /// another attempt, with a new key.
    pub fn pay_again(
        &mut self,
        options: &Options,
        random: impl FnOnce() -> [u8; 16],
    ) -> Vec<Effect> {
        self.attempt = None;
        self.phase = Phase::Idle;
        self.pay(options, random)
    }

    /// The answer to the checkout: leave for the provider, poll an express checkout's
    /// order, or show the failure.
    pub fn checked_out(&mut self, answer: Result<CheckoutResponse, Failure>) -> Vec<Effect> {
        if self.phase != Phase::Busy {
            return Vec::new();
        }
        match answer {
            Ok(CheckoutResponse {
                redirect_url: Some(url),
                ..
            }) => {
                if !is_safe_redirect(&url) {
                    self.phase = Phase::Failed(Failure::BadResponse);
                    return vec![self.fail(&Failure::BadResponse)];
                }
                self.phase = Phase::Redirecting;
                vec![Effect::Redirect(url)]
            }
            Ok(CheckoutResponse { order_id, .. }) => {
                self.phase = Phase::Polling;
                let proxy = self.proxy.clone();
                self.polling = Some(Polling {
                    proxy: proxy.clone(),
                    order_id: order_id.clone(),
                    tries: 0,
                });
                vec![Effect::Poll {
                    proxy,
                    order_id,
                    after_ms: 0,
                }]
            }
            Err(f) => {
                let failed = self.fail(&f);
                self.phase = Phase::Failed(f);
                vec![failed]
            }
        }
    }

    /// An answer while polling an express checkout's order: done at a final status, else ask
    /// again after [`POLL`]'s pause, until its last try.
    pub fn polled(&mut self, answer: Result<OrderView, Failure>) -> Vec<Effect> {
        let Some(polling) = self.polling.as_mut() else {
            return Vec::new();
        };
        match answer {
            Ok(order) if order.status.is_final() => {
                self.polling = None;
                self.phase = Phase::Done(order.status);
                let mut effects = vec![Effect::Emit(WidgetEvent::Complete {
                    order_id: order.order_id,
                    status: order.status.as_str().to_owned(),
                })];
                if order.status != OrderStatus::Settled {
                    effects.push(self.fail(&Failure::OrderFailed));
                }
                effects
            }
            // Not final yet, or the proxy did not answer: ask again.
            _ => {
                polling.tries += 1;
                if polling.tries >= POLL.1 {
                    self.polling = None;
                    self.phase = Phase::Failed(Failure::Timeout);
                    return vec![self.fail(&Failure::Timeout)];
                }
                vec![Effect::Poll {
                    proxy: polling.proxy.clone(),
                    order_id: polling.order_id.clone(),
                    after_ms: POLL.0,
                }]
            }
        }
    }

    /// `kredivo:error` for `f`, in the shopper's language.
    fn fail(&self, f: &Failure) -> Effect {
        Effect::Emit(WidgetEvent::Error {
            code: f.code().to_owned(),
            message: text::error(f.code(), self.locale).to_owned(),
        })
    }
}

#[cfg(test)]
mod tests;
