//! Time, injectable so tests can expire transactions and pass the 30-day cancel window
//! without waiting.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The sandbox's notion of "now". Every expiry, `transaction_time` and cancel window reads
/// this, never `SystemTime::now()` directly.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current instant.
    fn now(&self) -> SystemTime;

    /// Moves this clock forward. Both clocks in this crate support it (the system clock
    /// through an offset) so the HTTP driver can age transactions of a running demo.
    fn advance(&self, by: Duration);

    /// Seconds since the Unix epoch, the unit of every Kredivo timestamp.
    fn unix_secs(&self) -> i64 {
        unix_secs(self.now())
    }
}

/// Seconds since the Unix epoch; instants before 1970 clamp to 0.
pub fn unix_secs(at: SystemTime) -> i64 {
    at.duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The real clock plus an offset that [`Clock::advance`] grows.
#[derive(Debug, Default)]
pub struct SystemClock {
    offset_ms: AtomicU64,
}

impl SystemClock {
    /// The real time, not yet advanced.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        let offset = Duration::from_millis(self.offset_ms.load(Ordering::Relaxed));
        SystemTime::now()
            .checked_add(offset)
            .unwrap_or_else(SystemTime::now)
    }

    fn advance(&self, by: Duration) {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        // Saturating: a test that advances "forever" must not wrap back to the past.
        let _ = self
            .offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |cur| {
                Some(cur.saturating_add(ms))
            });
    }
}

/// A clock that only moves when told to: deterministic tests.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<SystemTime>,
}

impl ManualClock {
    /// A clock stopped at `unix_secs` seconds after the epoch.
    pub fn at_unix(unix_secs: u64) -> Self {
        Self {
            now: Mutex::new(UNIX_EPOCH + Duration::from_secs(unix_secs)),
        }
    }

    /// Sets the clock to an instant (backwards is allowed; tests own the clock).
    pub fn set(&self, at: SystemTime) {
        *self.now.lock().unwrap_or_else(|p| p.into_inner()) = at;
    }
}

impl Default for ManualClock {
    /// 2024-01-01T00:00:00Z (the day of the week does not matter to Kredivo).
    fn default() -> Self {
        Self::at_unix(1_704_067_200)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        *now = now.checked_add(by).unwrap_or(*now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_advanced() {
        let clock = ManualClock::at_unix(1_000);
        assert_eq!(clock.unix_secs(), 1_000);
        clock.advance(Duration::from_secs(86_400));
        assert_eq!(clock.unix_secs(), 87_400);
    }

    #[test]
    fn the_system_clock_can_be_advanced_for_a_running_demo() {
        let clock = SystemClock::new();
        let before = clock.unix_secs();
        clock.advance(Duration::from_secs(3_600));
        assert!(clock.unix_secs() >= before + 3_600);
    }
}
