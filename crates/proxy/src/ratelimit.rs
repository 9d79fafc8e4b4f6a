//! Per-client token buckets.
//!
//! Hand-written rather than `tower_governor`: it is forty lines, it runs on the injected
//! [`Clock`] (so tests are deterministic), it answers in our error shape with `Retry-After`,
//! and it adds no dependency tree. Memory is bounded: full buckets are swept (at most once a
//! second), and above [`HARD_CAP`] clients the tenth seen longest ago is forgotten. An IPv6 client is keyed by its /64, the block one subscriber gets, so it cannot
//! mint a fresh bucket per request by rotating addresses.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use crate::clock::Clock;
use crate::config::RateLimit;

const SWEEP_ABOVE: usize = 10_000;
/// Most clients tracked at once; above it every bucket is dropped (they refill anyway).
pub const HARD_CAP: usize = 100_000;
/// Shortest time between two sweeps, so a table of busy clients is not rescanned per request.
const SWEEP_EVERY_MS: i64 = 1_000;

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
    buckets: Mutex<Buckets>,
}

struct Buckets {
    map: HashMap<IpAddr, Bucket>,
    last_sweep_ms: i64,
}

/// The bucket key of a client: the address itself for IPv4, its /64 for IPv6 (an IPv4-mapped
/// IPv6 address counts as the IPv4 one).
fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

impl RateLimiter {
    /// Buckets of `limit.burst` tokens refilled at `limit.per_minute`; `per_minute == 0`
    /// allows everything.
    pub fn new(limit: RateLimit, clock: Arc<dyn Clock>) -> Self {
        Self {
            capacity: f64::from(limit.burst.max(1)),
            per_ms: f64::from(limit.per_minute) / 60_000.0,
            clock,
            buckets: Mutex::new(Buckets {
                map: HashMap::new(),
                last_sweep_ms: i64::MIN,
            }),
        }
    }

    /// Takes a token for `client`; `Err(seconds)` says when the next one will be there.
    pub fn check(&self, client: IpAddr) -> Result<(), u64> {
        if self.per_ms <= 0.0 {
            return Ok(());
        }
        let now = self.clock.now_millis();
        let mut guard = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let Buckets { map, last_sweep_ms } = &mut *guard;
        let key = client_key(client);
        if !map.contains_key(&key) {
            if map.len() >= SWEEP_ABOVE && now.saturating_sub(*last_sweep_ms) >= SWEEP_EVERY_MS {
                *last_sweep_ms = now;
                let (capacity, per_ms) = (self.capacity, self.per_ms);
                map.retain(|_, b| b.tokens + (now - b.last_ms) as f64 * per_ms < capacity);
            }
            if map.len() >= HARD_CAP {
                // Forget the tenth of clients whose buckets are fullest once refilled: a
                // forgotten client starts again with a full bucket, so forgetting the fullest
                // gives them least, and a client that used up its tokens is kept. (Clearing
                // the whole table, as before, let a flood of fresh addresses reset a busy
                // client's limit — issue 15.)
                let (capacity, per_ms) = (self.capacity, self.per_ms);
                let fullness =
                    |b: &Bucket| (b.tokens + (now - b.last_ms) as f64 * per_ms).min(capacity);
                let mut levels: Vec<f64> = map.values().map(fullness).collect();
                let cut = levels.len() - levels.len() / 10;
                let (_, threshold, _) = levels.select_nth_unstable_by(cut, f64::total_cmp);
                let threshold = *threshold;
                map.retain(|_, b| fullness(b) < threshold);
            }
        }
        let bucket = map.entry(key).or_insert(Bucket {
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

impl RateLimiter {
    /// Number of clients tracked (for tests and metrics).
    pub fn len(&self) -> usize {
        self.buckets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .map
            .len()
    }

    /// Whether no client is tracked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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

    /// Regression: the sweep only dropped full buckets, so clients that each used a token
    /// within the refill time grew the table without bound (and every request above 10,000
    /// rescanned it under the lock); an IPv6 client got a fresh bucket per address.
    #[test]
    fn many_clients_cannot_grow_the_table_without_bound() {
        let clock = Arc::new(ManualClock::new(0));
        let limiter = RateLimiter::new(
            RateLimit {
                per_minute: 60,
                burst: 5,
            },
            clock.clone(),
        );
        for i in 0..(HARD_CAP as u32 + 20_000) {
            let ip = IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000 + i));
            assert!(limiter.check(ip).is_ok());
        }
        assert!(limiter.len() <= HARD_CAP, "{} buckets", limiter.len());
    }

    /// Regression (issue 15): at the cap the whole table was cleared, so an attacker with many
    /// addresses (IPv6 /64s are cheap) could reset a busy client's limit at will.
    #[test]
    fn a_flood_of_new_addresses_does_not_reset_a_busy_clients_limit() {
        let clock = Arc::new(ManualClock::new(0));
        let limiter = RateLimiter::new(
            RateLimit {
                per_minute: 60,
                burst: 3,
            },
            clock.clone(),
        );
        let busy: IpAddr = "192.0.2.1".parse().unwrap();
        while limiter.check(busy).is_ok() {}
        // One request from each of many fresh /64s, past the cap.
        for i in 0..(HARD_CAP as u32 + 50_000) {
            let ip = IpAddr::from(std::net::Ipv6Addr::from(
                0x2001_0db8_u128 << 96 | u128::from(i) << 64,
            ));
            let _ = limiter.check(ip);
        }
        assert!(
            limiter.check(busy).is_err(),
            "the busy client is still limited"
        );
        assert!(limiter.len() <= HARD_CAP);
    }

    #[test]
    fn an_ipv6_client_cannot_rotate_addresses_within_its_64() {
        let limiter = RateLimiter::new(
            RateLimit {
                per_minute: 60,
                burst: 2,
            },
            Arc::new(ManualClock::new(0)),
        );
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(b).is_ok());
        assert!(limiter.check(a).is_err(), "same /64, same bucket");
        assert!(limiter.check(b).is_err(), "same /64, same bucket");
        assert!(limiter.check(other).is_ok(), "another /64");
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        let v4: IpAddr = "10.0.0.1".parse().unwrap();
        assert!(limiter.check(mapped).is_ok());
        assert!(limiter.check(v4).is_ok());
        assert!(limiter.check(v4).is_err(), "IPv4-mapped is the IPv4 client");
    }
}
