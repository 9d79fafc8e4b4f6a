//! Per-client token buckets.
//!
//! Hand-written rather than `tower_governor`: it is forty lines, it runs on the injected
//! [`Clock`] (so tests are deterministic), it answers in our error shape with `Retry-After`,
//! and it adds no dependency tree. Memory is bounded by sweeping full buckets.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use crate::clock::Clock;
use crate::config::RateLimit;

const SWEEP_ABOVE: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last_ms: i64,
}

/// A token bucket per client address.
pub struct RateLimiter {
    capacity: f64,
    per_ms: f64,
    clock: Arc<dyn Clock>,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl RateLimiter {
    /// Buckets of `limit.burst` tokens refilled at `limit.per_minute`; `per_minute == 0`
    /// allows everything.
    pub fn new(limit: RateLimit, clock: Arc<dyn Clock>) -> Self {
        Self {
            capacity: f64::from(limit.burst.max(1)),
            per_ms: f64::from(limit.per_minute) / 60_000.0,
            clock,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `client`; `Err(seconds)` says when the next one will be there.
    pub fn check(&self, client: IpAddr) -> Result<(), u64> {
        if self.per_ms <= 0.0 {
            return Ok(());
        }
        let now = self.clock.now_millis();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > SWEEP_ABOVE {
            let (capacity, per_ms) = (self.capacity, self.per_ms);
            buckets.retain(|_, b| b.tokens + (now - b.last_ms) as f64 * per_ms < capacity);
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            tokens: self.capacity,
            last_ms: now,
        });
        let elapsed = (now - bucket.last_ms).max(0) as f64;
        bucket.tokens = (bucket.tokens + elapsed * self.per_ms).min(self.capacity);
        bucket.last_ms = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait_ms = (1.0 - bucket.tokens) / self.per_ms;
            Err((wait_ms / 1000.0).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    #[test]
    fn a_client_gets_its_burst_then_waits_while_others_are_unaffected() {
        let clock = Arc::new(ManualClock::new(0));
        let limiter = RateLimiter::new(
            RateLimit {
                per_minute: 60,
                burst: 3,
            },
            clock.clone(),
        );
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..3 {
            assert!(limiter.check(a).is_ok());
        }
        assert_eq!(limiter.check(a), Err(1));
        assert!(limiter.check(b).is_ok(), "buckets are per address");
        clock.advance(1_000);
        assert!(limiter.check(a).is_ok(), "one token per second comes back");
        assert!(limiter.check(a).is_err());
    }

    #[test]
    fn a_zero_rate_means_no_limit() {
        let limiter = RateLimiter::new(RateLimit::OFF, Arc::new(ManualClock::new(0)));
        for _ in 0..1000 {
            assert!(limiter.check("10.0.0.1".parse().unwrap()).is_ok());
        }
    }
}
