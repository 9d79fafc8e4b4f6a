//! A small time-to-live cache with single flight: concurrent requests for the same key share
//! one upstream call, so the provider is never asked twice for the same key inside the TTL.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use crate::clock::Clock;

/// Entries kept before expired ones are swept.
const SWEEP_ABOVE: usize = 4_096;
/// Hard cap: above it the whole cache is dropped (a flood of distinct carts must not eat memory).
const HARD_CAP: usize = 65_536;

type Cell<V> = Arc<OnceCell<(i64, V)>>;

/// TTL cache keyed by strings, with values filled by at most one caller at a time.
pub struct TtlCache<V> {
    ttl_ms: i64,
    clock: Arc<dyn Clock>,
    slots: Mutex<HashMap<String, Cell<V>>>,
}

impl<V: Clone + Send + Sync + 'static> TtlCache<V> {
    /// A cache whose entries live `ttl_ms` milliseconds (0 disables caching).
    pub fn new(ttl_ms: i64, clock: Arc<dyn Clock>) -> Self {
        Self {
            ttl_ms,
            clock,
            slots: Mutex::new(HashMap::new()),
        }
    }

    fn fresh(&self, cell: &Cell<V>, now: i64) -> bool {
        match cell.get() {
            Some((filled_at, _)) => now - filled_at < self.ttl_ms,
            None => true, // being filled (or the last fill failed): join it
        }
    }

    /// The cached value for `key`, or the result of `fetch` (stored on success only).
    pub async fn get_or_fetch<E, F, Fut>(&self, key: &str, fetch: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        if self.ttl_ms <= 0 {
            return fetch().await;
        }
        let now = self.clock.now_millis();
        let cell = {
            let mut slots = self
                .slots
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            match slots.get(key) {
                Some(cell) if self.fresh(cell, now) => cell.clone(),
                _ => {
                    if slots.len() >= SWEEP_ABOVE {
                        slots.retain(|_, c| self.fresh(c, now) && c.initialized());
                        if slots.len() >= HARD_CAP {
                            slots.clear();
                        }
                    }
                    let cell: Cell<V> = Arc::new(OnceCell::new());
                    slots.insert(key.to_owned(), cell.clone());
                    cell
                }
            }
        };
        let clock = &self.clock;
        let (_, value) = cell
            .get_or_try_init(|| async move { fetch().await.map(|v| (clock.now_millis(), v)) })
            .await?;
        Ok(value.clone())
    }

    /// Number of keys held (for tests and metrics).
    pub fn len(&self) -> usize {
        self.slots.lock().map(|s| s.len()).unwrap_or(0)
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn a_key_is_fetched_once_per_ttl_even_under_concurrency() {
        let clock = Arc::new(ManualClock::new(0));
        let cache = Arc::new(TtlCache::<u32>::new(1_000, clock.clone()));
        let calls = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let (cache, calls) = (cache.clone(), calls.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get_or_fetch("k", || async {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        Ok::<_, ()>(7)
                    })
                    .await
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap(), Ok(7));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        clock.advance(1_000);
        let v = cache
            .get_or_fetch("k", || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Ok::<_, ()>(8)
            })
            .await;
        assert_eq!(v, Ok(8));
        assert_eq!(
            calls.load(Ordering::SeqCst),
            2,
            "expired entries are fetched again"
        );
    }

    #[tokio::test]
    async fn failures_are_not_cached() {
        let cache = TtlCache::<u32>::new(1_000, Arc::new(ManualClock::new(0)));
        assert_eq!(
            cache
                .get_or_fetch("k", || async { Err::<u32, _>("down") })
                .await,
            Err("down")
        );
        assert_eq!(
            cache.get_or_fetch("k", || async { Ok::<_, &str>(1) }).await,
            Ok(1)
        );
    }
}
