//! The widget's state as plain types: what the view shows and the rules that move it.
//!
//! Nothing here touches the DOM or the network, so every rule is unit-tested natively
//! (`cargo test -p kredivo-checkout --lib`).
//!
//! | module | rules |
//! |---|---|
//! | [`checkout`] | the checkout widget's state machine: pricing, the plan choice, paying |
//! | `offer` | a payment-types answer, validated into [`Offer`] and [`PlanRow`]s |
//! | `request` | what the widget asks the proxy; idempotency keys; dropping stale answers |
//! | [`qr`] | the POS QR screen: its answer, the countdown, when to ask again |
//! | this one | [`Failure`], redirect safety, radio-group keys, timings |

#[cfg(feature = "checkout")]
pub mod checkout;
mod offer;
#[cfg(feature = "qr")]
pub mod qr;
mod request;

use kredivo_api::ErrorCode;

pub use offer::{Offer, PlanRow};
pub use request::{checkout_request, idempotency_key, payment_types_request, Attempt, Sequencer};

/// Why the widget could not go on; `code()` is `kredivo:error`'s `detail.code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// `fetch` itself failed: offline, DNS, CORS, the proxy is down.
    Network,
    /// No answer within the timeout (the request was aborted).
    Timeout,
    /// The proxy answered with an error code of the widget API (unknown codes become
    /// `internal`, as the protocol asks).
    Api(ErrorCode),
    /// A 2xx answer that is not the documented shape.
    BadResponse,
    /// The element's options cannot be read.
    InvalidOptions,
    /// An express checkout ended denied, expired or cancelled.
    OrderFailed,
}

impl Failure {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Failure::Network => "network",
            Failure::Timeout => "timeout",
            Failure::Api(code) => code.as_str(),
            Failure::BadResponse => "bad_response",
            Failure::InvalidOptions => "invalid_options",
            Failure::OrderFailed => "order_failed",
        }
    }

    /// A failure from an error answer's code string.
    pub fn from_api_code(code: &str) -> Failure {
        Failure::Api(ErrorCode::parse(code).unwrap_or(ErrorCode::Internal))
    }

    /// Whether trying again can help. A session that expired, was paid already or does not
    /// exist stays that way: the shopper must go back to the shop, so there is no retry.
    pub fn can_retry(&self) -> bool {
        !matches!(
            self,
            Failure::Api(ErrorCode::SessionExpired | ErrorCode::SessionUsed | ErrorCode::NotFound)
        )
    }

    /// Whether the amount is outside every plan: explained, not shown as an error.
    pub fn is_ineligible(&self) -> bool {
        *self == Failure::Api(ErrorCode::IneligibleAmount)
    }
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
    fn only_a_spent_expired_or_unknown_session_cannot_be_retried() {
        for (code, retry) in [
            ("session_expired", false),
            ("session_used", false),
            ("not_found", false),
            ("unavailable", true),
            ("upstream_timeout", true),
            ("invalid_request", true),
        ] {
            assert_eq!(Failure::from_api_code(code).can_retry(), retry, "{code}");
        }
        assert!(Failure::Network.can_retry());
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
