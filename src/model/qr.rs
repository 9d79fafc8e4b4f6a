//! The shop counter's QR checkout screen: what the proxy says about one QR checkout
//! (`GET /api/kredivo/v1/qr/{qr_id}`), the countdown to its expiry and when to ask again.
//!
//! The proxy is the clock that counts: the screen counts down from the answer's
//! `seconds_left` between answers and asks again every [`POLL_EVERY`] seconds, and at once
//! when its own count reaches zero (the proxy then confirms the expiry with the provider).

use kredivo_api::OrderStatus;
use kredivo_plan::Money;

/// Seconds between two questions to the proxy while the code is showing.
pub const POLL_EVERY: u32 = 2;

/// One QR checkout as the screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrScreen {
    /// The shop's order id.
    pub order_id: String,
    /// Where the order stands.
    pub status: OrderStatus,
    /// What the shopper pays (from the shop's server, through the proxy).
    pub amount: Money,
    /// Seconds until the code expires, as the proxy counted them.
    pub seconds_left: u32,
    /// The QR image (an SVG the proxy serves); only `http(s)` URLs are shown.
    pub image: String,
}

impl QrScreen {
    /// Whether the order reached a status the screen shows instead of the code.
    pub fn is_final(&self) -> bool {
        !matches!(self.status, OrderStatus::Created | OrderStatus::Pending)
    }
}

/// What one second of the screen's clock does with `left` seconds still to count: the new
/// count, and whether to ask the proxy now (every [`POLL_EVERY`] ticks, and once the count
/// reaches zero, on every tick until the proxy says how it ended).
pub fn tick(left: u32, ticks: u32) -> (u32, bool) {
    let left = left.saturating_sub(1);
    (left, left == 0 || ticks.is_multiple_of(POLL_EVERY))
}

/// `m:ss`, the countdown as the screen writes it: `14:05`, `0:09`.
pub fn countdown(seconds: u32) -> String {
    let s = seconds % 60;
    let mut out = (seconds / 60).to_string();
    out.push(':');
    if s < 10 {
        out.push('0');
    }
    out.push_str(&s.to_string());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screen(status: OrderStatus) -> QrScreen {
        QrScreen {
            order_id: "pos-1".into(),
            status,
            amount: Money::from_rupiah(150_000),
            seconds_left: 900,
            image: "https://proxy.test/qr.svg".into(),
        }
    }

    #[test]
    fn the_countdown_is_minutes_and_two_digit_seconds() {
        assert_eq!(countdown(900), "15:00");
        assert_eq!(countdown(845), "14:05");
        assert_eq!(countdown(9), "0:09");
        assert_eq!(countdown(0), "0:00");
        assert_eq!(countdown(3_600), "60:00");
    }

    #[test]
    fn the_clock_asks_every_other_second_and_on_every_second_once_it_runs_out() {
        assert_eq!(tick(900, 1), (899, false));
        assert_eq!(tick(899, 2), (898, true));
        assert_eq!(tick(1, 3), (0, true), "zero: ask how it ended");
        assert_eq!(
            tick(0, 5),
            (0, true),
            "and keep asking; it never goes below zero"
        );
    }

    #[test]
    fn only_created_and_pending_keep_the_code_on_screen() {
        for status in OrderStatus::ALL {
            let open = matches!(status, OrderStatus::Created | OrderStatus::Pending);
            assert_eq!(screen(status).is_final(), !open, "{status:?}");
        }
    }
}
