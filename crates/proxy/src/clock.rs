//! Time and identifiers, injected so tests choose them.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use rand::Rng;

/// Wall-clock time in milliseconds since the Unix epoch.
pub trait Clock: Send + Sync + 'static {
    /// Now, in Unix milliseconds.
    fn now_millis(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_millis(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    }
}

/// A clock that moves only when told to (tests: cache expiry, rate-limit refill).
#[derive(Debug)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    /// Starts at `millis`.
    pub fn new(millis: i64) -> Self {
        Self(AtomicI64::new(millis))
    }

    /// Moves the clock forward by `millis`.
    pub fn advance(&self, millis: i64) {
        self.0.fetch_add(millis, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_millis(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Makes the identifiers the proxy invents.
pub trait IdGen: Send + Sync + 'static {
    /// A new merchant order id, sent to Kredivo as `order_id` (at most 64 characters of
    /// `[A-Za-z0-9-]`).
    fn order_id(&self) -> String;
    /// A new opaque id for a cart, a stored provider call or notification.
    fn id(&self, prefix: &str) -> String;
}

/// Random ids: `KD-` + 16 characters of Crockford base32 for orders (80 bits), the same after
/// a prefix for everything else.
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomIds;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn random_chars(n: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..n)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

impl RandomIds {
    /// `{prefix}_` and `len` random characters (5 bits each): for ids that must also be
    /// unguessable, such as event ids and client secrets.
    pub fn id_with_len(&self, prefix: &str, len: usize) -> String {
        format!("{prefix}_{}", random_chars(len))
    }
}

impl IdGen for RandomIds {
    fn order_id(&self) -> String {
        format!("KD-{}", random_chars(16))
    }

    fn id(&self, prefix: &str) -> String {
        format!("{prefix}_{}", random_chars(16))
    }
}

/// Predictable ids for tests: `KD-000001`, `cart_000002`, …
#[derive(Debug, Default)]
pub struct SequentialIds(AtomicU64);

impl IdGen for SequentialIds {
    fn order_id(&self) -> String {
        format!("KD-{:06}", self.0.fetch_add(1, Ordering::SeqCst) + 1)
    }

    fn id(&self, prefix: &str) -> String {
        format!("{prefix}_{:06}", self.0.fetch_add(1, Ordering::SeqCst) + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_order_ids_are_distinct_and_kredivo_safe() {
        let a = RandomIds.order_id();
        let b = RandomIds.order_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 19);
        assert!(
            a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'),
            "{a}"
        );
    }

    #[test]
    fn the_manual_clock_moves_only_when_told() {
        let c = ManualClock::new(1_000);
        assert_eq!(c.now_millis(), 1_000);
        c.advance(500);
        assert_eq!(c.now_millis(), 1_500);
        assert!(SystemClock.now_millis() > 1_600_000_000_000);
    }
}
