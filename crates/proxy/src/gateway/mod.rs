//! Payment gateways: one trait, one order state machine.
//!
//! Everything provider-specific (endpoints, JSON dialects, status names, how a notification is
//! verified, what a notification reply looks like) lives in one module per provider; the rest
//! of the proxy sees [`Gateway`], [`ProviderStatus`] with a [`kredivo_api::OrderStatus`], and
//! the plan crate's types. Kredivo direct ([`KredivoGateway`]) is the first implementation;
//! DOKU ([`DokuGateway`]), Midtrans ([`MidtransGateway`]), Xendit ([`XenditGateway`]) and
//! Finpay ([`FinpayGateway`]) follow behind the same trait (see the README's table).

pub mod build;
mod doku;
mod finpay;
mod kredivo;
mod midtrans;
mod upstream;
mod xendit;

use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use kredivo_api::{ErrorCode, OrderStatus};
use kredivo_plan::{Money, PaymentType, Plan};

use kredivo_api::merchant::Seller;
use kredivo_api::{Address, Customer};

use crate::store::{BoxFuture, ProviderCall};

pub use build::{build, BuildError};
pub use doku::DokuGateway;
pub use finpay::FinpayGateway;
pub use kredivo::{decode_signature_key, KredivoGateway};
pub use midtrans::MidtransGateway;
pub use xendit::XenditGateway;

/// Why a provider call failed. The `Display` text goes to logs, never to clients, and never
/// contains the server key (requests are summarised without it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GatewayError {
    /// No answer within the configured timeout.
    #[error("{operation}: no answer within {timeout_ms} ms")]
    Timeout {
        /// Which call.
        operation: &'static str,
        /// The timeout.
        timeout_ms: u64,
    },
    /// Could not connect, or the provider answered 5xx.
    #[error("{operation}: provider unavailable: {reason}")]
    Unavailable {
        /// Which call.
        operation: &'static str,
        /// What happened.
        reason: String,
    },
    /// The provider answered something that is not its documented JSON.
    #[error("{operation}: malformed answer: {reason}")]
    Malformed {
        /// Which call.
        operation: &'static str,
        /// What did not parse.
        reason: String,
    },
    /// The provider answered with an error (`status: ERROR`).
    #[error("{operation}: refused by the provider: {message} (code {code:?})")]
    Rejected {
        /// Which call.
        operation: &'static str,
        /// The provider's message.
        message: String,
        /// The provider's numeric code, if any.
        code: Option<i64>,
    },
    /// The checkout redirect points outside the configured hosts.
    #[error("checkout redirect to host {host:?} is not in the allowlist")]
    RedirectNotAllowed {
        /// The offending host.
        host: String,
    },
    /// This gateway has no such operation (tokenization through an aggregator).
    #[error("{operation}: not supported by the {gateway} gateway")]
    Unsupported {
        /// Which call.
        operation: &'static str,
        /// Which gateway.
        gateway: &'static str,
    },
}

impl GatewayError {
    /// The widget error code this failure is reported with.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Timeout { .. } => ErrorCode::UpstreamTimeout,
            Self::Unavailable { .. } | Self::Malformed { .. } => ErrorCode::UpstreamUnavailable,
            Self::Rejected { .. } | Self::RedirectNotAllowed { .. } => ErrorCode::UpstreamError,
            Self::Unsupported { .. } => ErrorCode::InvalidRequest,
        }
    }

    /// A safe sentence for the client.
    pub fn public_message(&self) -> &'static str {
        match self {
            Self::Timeout { .. } => {
                "The payment provider did not answer in time; please try again."
            }
            Self::Unavailable { .. } | Self::Malformed { .. } => {
                "The payment provider is unavailable right now; please try again shortly."
            }
            Self::Rejected { .. } => "The payment provider refused the request.",
            Self::RedirectNotAllowed { .. } => {
                "The payment provider answered with an unexpected redirect."
            }
            Self::Unsupported { .. } => {
                "This payment gateway cannot do that; only Kredivo direct supports tokenization."
            }
        }
    }

    /// The same error with every free-text field passed through `f` (secret scrubbing: a
    /// provider may echo a key back in its error message or in a field that fails to parse).
    pub fn map_text(self, f: impl Fn(&str) -> String) -> Self {
        match self {
            Self::Timeout { .. } => self,
            Self::Unavailable { operation, reason } => Self::Unavailable {
                operation,
                reason: f(&reason),
            },
            Self::Malformed { operation, reason } => Self::Malformed {
                operation,
                reason: f(&reason),
            },
            Self::Rejected {
                operation,
                message,
                code,
            } => Self::Rejected {
                operation,
                message: f(&message),
                code,
            },
            Self::RedirectNotAllowed { host } => Self::RedirectNotAllowed { host: f(&host) },
            Self::Unsupported { .. } => self,
        }
    }

    /// Whether a refusal of a confirmation call is the provider's final word that a
    /// notification is not genuine — no such transaction, a wrong signature key — as opposed to
    /// a refusal that may pass (its own error, a limit), after which the notification must be
    /// answered non-2xx so the provider sends it again (issue 15: every refusal used to be
    /// acknowledged and the genuine push dropped). Kredivo says "Field signature_key is
    /// INCORRECT." / "… not found"; the aggregators answer 404 (Finpay `404xxxx`, Xendit
    /// `DATA_NOT_FOUND`).
    pub fn is_final_refusal(&self) -> bool {
        match self {
            Self::Rejected { code, message, .. } => {
                let m = message.to_ascii_lowercase();
                matches!(code, Some(404) | Some(4_040_000..=4_049_999))
                    || [
                        "incorrect",
                        "not found",
                        "not_found",
                        "does not exist",
                        "doesn't exist",
                    ]
                    .iter()
                    .any(|w| m.contains(w))
            }
            _ => false,
        }
    }

    /// Whether the provider refused because the user token is invalid or deactivated
    /// (Kredivo: "Invalid user_token", "Field user_token is INCORRECT."): the stored token is
    /// then marked inactive and the shopper falls back to the normal sign-in.
    pub fn is_invalid_token(&self) -> bool {
        matches!(self, Self::Rejected { message, .. } if message.to_ascii_lowercase().contains("user_token"))
    }

    /// Whether the same request may simply be sent again (transport failures, 5xx, garbage).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Timeout { .. } | Self::Unavailable { .. } | Self::Malformed { .. }
        )
    }
}

/// How often a call may be repeated after a transient failure. Only read-only calls
/// (payment types, status, notification confirmation) retry; checkout and cancel never do,
/// because a lost answer does not mean the provider did nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included (1 = no retry).
    pub max_attempts: u32,
    /// Wait before the second attempt; doubles after each further failure.
    pub backoff: Duration,
}

impl RetryPolicy {
    /// One attempt only.
    pub const NONE: RetryPolicy = RetryPolicy {
        max_attempts: 1,
        backoff: Duration::ZERO,
    };
    /// For reads: three attempts, 100 ms then 200 ms apart.
    pub const SAFE_READ: RetryPolicy = RetryPolicy {
        max_attempts: 3,
        backoff: Duration::from_millis(100),
    };
}

/// A line sent to the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayItem {
    /// SKU.
    pub id: String,
    /// Name.
    pub name: String,
    /// Price of one.
    pub unit_price: Money,
    /// How many.
    pub quantity: u32,
    /// Category.
    pub category: String,
    /// Product page.
    pub url: String,
    /// Product image.
    pub image_url: Option<String>,
    /// `SELLER` or `ITEM` (marketplaces).
    pub parent_type: Option<String>,
    /// The seller's or item's id.
    pub parent_id: Option<String>,
}

impl GatewayItem {
    /// A product line without marketplace fields.
    pub fn product(
        id: impl Into<String>,
        name: impl Into<String>,
        unit_price: Money,
        quantity: u32,
        category: impl Into<String>,
        url: impl Into<String>,
    ) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            unit_price,
            quantity,
            category: category.into(),
            url: url.into(),
            image_url: None,
            parent_type: None,
            parent_id: None,
        }
    }
}

/// A fee or adjustment line: one of doc 000's reserved ids (`shippingfee`, `adminfee`,
/// `taxfee`, `discount`, `additionalfee`, `insurancefee`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayFee {
    /// The reserved id.
    pub id: String,
    /// What the shopper reads.
    pub name: String,
    /// Positive, also for a discount.
    pub price: Money,
    /// A discount: subtracted from the total.
    pub subtracted: bool,
    /// `SELLER` or `ITEM`.
    pub parent_type: Option<String>,
    /// The seller's or item's id.
    pub parent_id: Option<String>,
}

/// What plans fit this amount?
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlansQuery {
    /// The total.
    pub amount: Money,
    /// The lines making it up (one synthetic line for a bare amount).
    pub items: Vec<GatewayItem>,
}

/// A checkout to start: everything the merchant's session (or the catalogue and the
/// shop's form) said, for each gateway to put in its own dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutOrder {
    /// Our order id.
    pub order_id: String,
    /// The merchant's reference, when the order came from a session.
    pub reference: Option<String>,
    /// The total: items plus fees, discounts subtracted.
    pub amount: Money,
    /// The shopper's choice.
    pub payment_type: PaymentType,
    /// The product lines.
    pub items: Vec<GatewayItem>,
    /// Fee and adjustment lines.
    pub fees: Vec<GatewayFee>,
    /// Who pays.
    pub customer: Customer,
    /// Where the goods go.
    pub shipping_address: Address,
    /// Where the bill goes (the shipping address unless the merchant said otherwise).
    pub billing_address: Address,
    /// Marketplace sellers.
    pub sellers: Vec<Seller>,
    /// The shopper's address as the proxy saw it (Kredivo's risk metadata).
    pub shopper_ip: Option<String>,
    /// The shopper's browser (Kredivo's risk metadata).
    pub user_agent: Option<String>,
    /// Where the provider sends notifications.
    pub push_uri: String,
    /// Where the shopper comes back to.
    pub back_to_store_uri: String,
    /// Where the shopper goes after cancelling at the provider.
    pub cancel_uri: Option<String>,
    /// When the provider should expire the transaction (Unix seconds).
    pub expires_at_secs: Option<i64>,
    /// When the order was created (Unix seconds): relative expiries are counted from it, so
    /// a retried request is byte for byte the first one (idempotent replays compare bodies).
    pub created_at_secs: i64,
    /// Tokenize the shopper, or pay with their token (Kredivo direct; issue 17).
    pub account: AccountLink,
}

/// What a checkout does with the shopper's Kredivo account (issue 17).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AccountLink {
    /// A normal checkout.
    #[default]
    None,
    /// Ask for a user token once the order settles (`tokenize_user` + `client_user_key`).
    Tokenize {
        /// The merchant's customer id.
        client_user_key: String,
    },
    /// Express checkout with the stored token (`user_token`), no sign-in.
    Express {
        /// The merchant's customer id.
        client_user_key: String,
        /// The token (redacted in `Debug`).
        user_token: crate::config::Secret,
    },
}

/// A tokenized shopper's credit as the provider reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditDetails {
    /// `false` when the provider says the account is inactive (no express checkout).
    pub account_active: bool,
    /// Remaining limit per payment type.
    pub limits: kredivo_plan::CreditLimits,
}

/// A Kredivo Connect to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectStart {
    /// The merchant's customer id.
    pub client_user_key: String,
    /// The shopper's phone.
    pub mobile_number: String,
    /// Where the provider POSTs the token.
    pub callback_url: String,
    /// Where the shopper returns.
    pub redirect_url: String,
    /// Optional details.
    pub customer: Option<Customer>,
}

impl CheckoutOrder {
    /// Whether a fee line is subtracted (a discount): providers whose item prices cannot be
    /// negative and must add up to the amount cannot itemise it.
    pub fn has_subtracted_fees(&self) -> bool {
        self.fees.iter().any(|f| f.subtracted)
    }

    /// Items and fees as plain positive lines (for providers that add every line up).
    pub fn lines_with_fees(&self) -> Vec<GatewayItem> {
        let mut lines = self.items.clone();
        lines.extend(self.fees.iter().map(|f| GatewayItem {
            id: f.id.clone(),
            name: f.name.clone(),
            unit_price: f.price,
            quantity: 1,
            category: "Fee".into(),
            url: self.back_to_store_uri.clone(),
            image_url: None,
            parent_type: f.parent_type.clone(),
            parent_id: f.parent_id.clone(),
        }));
        lines
    }

    /// The lines for a provider whose item prices cannot be negative and must sum to the
    /// amount: every item and fee, or — when a discount is subtracted — one line for the
    /// whole order (the provider's page then shows the order, not its items).
    pub fn lines_summing_to_amount(&self) -> Vec<GatewayItem> {
        if !self.has_subtracted_fees() {
            return self.lines_with_fees();
        }
        let count: u32 = self.items.iter().map(|i| i.quantity).sum();
        let label = self.reference.as_deref().unwrap_or(&self.order_id);
        vec![GatewayItem::product(
            self.order_id.clone(),
            format!("Order {label} ({count} items, discount applied)"),
            self.amount,
            1,
            "Order",
            self.back_to_store_uri.clone(),
        )]
    }

    /// Minutes from the order's creation until [`CheckoutOrder::expires_at_secs`], at least 1.
    pub fn expires_in_minutes(&self) -> Option<u32> {
        self.expires_at_secs.map(|at| {
            u32::try_from((at - self.created_at_secs).div_euclid(60).max(1)).unwrap_or(u32::MAX)
        })
    }
}

/// The provider accepted a checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutStarted {
    /// Where to send the shopper; `None` for an express checkout.
    pub redirect_url: Option<String>,
    /// The provider's transaction id, when it is known this early.
    pub transaction_id: Option<String>,
}

/// A transaction's state as the provider confirmed it (never from an unverified body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderStatus {
    /// The order id the provider has for it.
    pub order_id: String,
    /// The provider's transaction id.
    pub transaction_id: Option<String>,
    /// Our state for it; `None` when the provider reports a state this version does not know.
    pub status: Option<OrderStatus>,
    /// The provider's own words, for the log (`settlement/accept`).
    pub raw_status: String,
    /// The confirmed amount.
    pub amount: Money,
    /// The currency, where the provider names it (Midtrans, Xendit); `IDR` is the only one
    /// an order can have.
    pub currency: Option<String>,
    /// The payment type the shopper finally chose, where the provider says (Kredivo: the
    /// shopper may pick another tenure on Kredivo's page than the one preselected).
    pub payment_type: Option<String>,
    /// A user token the provider issued with this confirmation (Kredivo's `/v2/update` of a
    /// tokenized settlement); redacted in `Debug`, stored only sealed.
    pub user_token: Option<crate::config::Secret>,
}

/// A QR checkout to start (doc 000, "Initiate QR Checkout").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrCheckoutOrder {
    /// Our order id (the merchant's).
    pub order_id: String,
    /// The total: items plus fees, discounts subtracted.
    pub amount: Money,
    /// The product lines.
    pub items: Vec<GatewayItem>,
    /// Fee and adjustment lines.
    pub fees: Vec<GatewayFee>,
    /// The outlet.
    pub sub_merchant_id: String,
    /// Where the provider sends notifications.
    pub push_uri: String,
    /// When the code can no longer be paid (Unix seconds).
    pub expires_at_secs: i64,
}

/// The provider accepted a QR checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrStarted {
    /// The provider's transaction id.
    pub transaction_id: String,
    /// The provider's QR image URL.
    pub qr_image: String,
}

/// A cancellation to ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelOrder {
    /// Our order id.
    pub order_id: String,
    /// The provider's transaction id.
    pub transaction_id: String,
    /// How much; `None` cancels everything.
    pub amount: Option<Money>,
    /// Why.
    pub reason: String,
    /// Who asked.
    pub cancelled_by: String,
    /// Unix seconds.
    pub at_epoch_secs: i64,
    /// Our id for this cancellation.
    pub cancellation_id: String,
}

/// The verdict on a notification whose origin could be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotificationCheck {
    /// The provider confirmed this state.
    Confirmed {
        /// What it confirmed.
        status: ProviderStatus,
        /// The order id the unverified body claimed (for mismatch checks).
        claimed_order_id: Option<String>,
        /// The notification's own unique id where the provider gives one (DOKU's
        /// `Request-Id`): once applied, the same id again is a replay.
        dedupe_key: Option<String>,
    },
    /// The body could not be parsed; nothing to confirm.
    Malformed {
        /// Why.
        reason: String,
    },
    /// The provider said the notification is not genuine (or not about a transaction it
    /// confirms): a final word ([`GatewayError::is_final_refusal`]). Retrying cannot change
    /// that.
    Unconfirmed {
        /// The transaction the body claimed.
        transaction_id: Option<String>,
        /// The order the body claimed.
        claimed_order_id: Option<String>,
        /// The provider's reason.
        reason: String,
    },
}

/// How to answer a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationReply {
    /// Received and handled (applied, a replay, or ignored as bogus): stop retrying.
    Done,
    /// Could not be checked now (provider or store down): retry later.
    RetryLater,
}

/// Records provider calls (the store implements it through [`crate::StoreRecorder`]).
pub trait CallRecorder: Send + Sync + 'static {
    /// Records one call; failures are logged, never propagated.
    fn record(&self, call: ProviderCall) -> BoxFuture<'_, ()>;
}

/// A payment provider as the proxy uses it.
pub trait Gateway: Send + Sync + 'static {
    /// Short name stored with orders and calls, e.g. `kredivo`.
    fn name(&self) -> &'static str;

    /// Whether [`Gateway::payment_types`] figures come from the provider (`false`) or are
    /// estimated from the pricing table (`true`).
    fn estimates_plans(&self) -> bool {
        false
    }

    /// The plans the provider offers for this cart.
    fn payment_types<'a>(
        &'a self,
        query: &'a PlansQuery,
    ) -> BoxFuture<'a, Result<Vec<Plan>, GatewayError>>;

    /// Starts a checkout. Never retried by the gateway.
    fn create_checkout<'a>(
        &'a self,
        order: &'a CheckoutOrder,
    ) -> BoxFuture<'a, Result<CheckoutStarted, GatewayError>>;

    /// The transaction's current state, asked with our credentials.
    fn status<'a>(
        &'a self,
        order_id: &'a str,
    ) -> BoxFuture<'a, Result<ProviderStatus, GatewayError>>;

    /// Cancels all or part of a settled transaction. Never retried by the gateway.
    fn cancel<'a>(
        &'a self,
        cancel: &'a CancelOrder,
    ) -> BoxFuture<'a, Result<ProviderStatus, GatewayError>>;

    /// Whether sending the same checkout again replays the provider's first answer (an
    /// idempotency key or request id) instead of creating a second transaction or refusing:
    /// then a checkout whose answer was lost is simply sent again. Otherwise the proxy first
    /// asks the provider's status API.
    fn replays_checkout(&self) -> bool {
        false
    }

    /// Expires a transaction that is still pending at the provider, where the provider has
    /// an API for it (Midtrans' `/expire`); `Ok(None)` where it has none (Kredivo expires its
    /// transactions itself at the `expiration_time` the proxy sent).
    fn expire<'a>(
        &'a self,
        order_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<ProviderStatus>, GatewayError>> {
        let _ = order_id;
        Box::pin(async { Ok(None) })
    }

    /// Whether this gateway offers QR checkout (Kredivo direct only: no aggregator documents
    /// one for Kredivo).
    fn supports_qr(&self) -> bool {
        false
    }

    /// Starts a QR checkout. Never retried by the gateway.
    fn start_qr<'a>(
        &'a self,
        order: &'a QrCheckoutOrder,
    ) -> BoxFuture<'a, Result<QrStarted, GatewayError>> {
        let _ = order;
        Box::pin(async move {
            Err(GatewayError::Rejected {
                operation: "init_checkout",
                message: format!("{} has no QR checkout", self.name()),
                code: None,
            })
        })
    }

    /// The image URL of a QR transaction known only by its id (its `init_checkout` answer was
    /// lost), where the provider's URLs follow a known pattern.
    fn qr_image_url(&self, transaction_id: &str) -> Option<String> {
        let _ = transaction_id;
        None
    }

    /// Fetches a QR image (`image/svg+xml`) from the provider's `qr_image` URL; only URLs on
    /// the provider's own base URL are fetched.
    fn qr_image<'a>(
        &'a self,
        url: &'a str,
        order_id: &'a str,
    ) -> BoxFuture<'a, Result<String, GatewayError>> {
        let _ = (url, order_id);
        Box::pin(async move {
            Err(GatewayError::Rejected {
                operation: "qr_image",
                message: format!("{} has no QR checkout", self.name()),
                code: None,
            })
        })
    }

    /// Checks a notification's origin (Kredivo: by asking `/v2/update`). `Err` means the
    /// check itself failed and the provider should retry the notification later.
    fn verify_notification<'a>(
        &'a self,
        headers: &'a HeaderMap,
        body: &'a [u8],
    ) -> BoxFuture<'a, Result<NotificationCheck, GatewayError>>;

    /// The HTTP answer the provider expects to a notification.
    fn notification_reply(
        &self,
        reply: NotificationReply,
        message: &str,
    ) -> (StatusCode, serde_json::Value);

    /// Whether this gateway can tokenize shoppers, pay with their token, report their credit
    /// and connect accounts (Kredivo direct only; issue 17).
    fn supports_tokens(&self) -> bool {
        false
    }

    /// A tokenized shopper's remaining limits.
    fn credit_details<'a>(
        &'a self,
        user_token: &'a crate::config::Secret,
    ) -> BoxFuture<'a, Result<CreditDetails, GatewayError>> {
        let _ = user_token;
        let gateway = self.name();
        Box::pin(async move {
            Err(GatewayError::Unsupported {
                operation: "get_user_credit_details",
                gateway,
            })
        })
    }

    /// Deactivates a user token at the provider.
    fn deactivate_token<'a>(
        &'a self,
        user_token: &'a crate::config::Secret,
    ) -> BoxFuture<'a, Result<(), GatewayError>> {
        let _ = user_token;
        let gateway = self.name();
        Box::pin(async move {
            Err(GatewayError::Unsupported {
                operation: "deactive_user_token",
                gateway,
            })
        })
    }

    /// Starts a Kredivo Connect; answers the provider's page for the shopper.
    fn connect<'a>(
        &'a self,
        start: &'a ConnectStart,
    ) -> BoxFuture<'a, Result<String, GatewayError>> {
        let _ = start;
        let gateway = self.name();
        Box::pin(async move {
            Err(GatewayError::Unsupported {
                operation: "connect",
                gateway,
            })
        })
    }
}
