//! One pricing table per page, shared by every badge.
//!
//! The first badge for a proxy starts `GET {proxy}/api/kredivo/v1/pricing`; every other
//! badge of that proxy waits for the same answer, so 200 badges cost one request, and when
//! it arrives every waiting badge is drawn in one pass. When the request fails (or a badge
//! asks for `data-pricing="embedded"`) the Kredivo reference table compiled into the widget
//! is used instead.
//!
//! Plain callbacks rather than a reactive signal: a badge's text depends on nothing else
//! that changes, so there is nothing to track.

use std::cell::RefCell;
use std::sync::Arc;

use kredivo_plan::PricingTable;

use crate::options::Pricing;

/// What runs once a table that was loading is in hand.
pub type Waiter = Box<dyn FnOnce()>;

/// One proxy's table: still loading (with what waits for it), or in hand.
enum Entry {
    Loading(Vec<Waiter>),
    Ready(Arc<PricingTable>),
}

thread_local! {
    static EMBEDDED: Arc<PricingTable> = Arc::new(PricingTable::kredivo_reference());
    static BY_PROXY: RefCell<Vec<(String, Entry)>> = const { RefCell::new(Vec::new()) };
}

/// The reference table compiled into the widget.
pub fn embedded() -> Arc<PricingTable> {
    EMBEDDED.with(Arc::clone)
}

/// The table a badge prices with, if it is in hand: loaded once per proxy, shared by all
/// badges. `None` while it loads; `waiter` then runs when it arrives (or the request failed
/// and the embedded table stands in), together with every other badge waiting for it.
pub fn table(proxy: &str, source: Pricing, waiter: Waiter) -> Option<Arc<PricingTable>> {
    if source == Pricing::Embedded {
        return Some(embedded());
    }
    let start = BY_PROXY.with_borrow_mut(|entries| {
        match entries.iter_mut().find(|(p, _)| p == proxy) {
            Some((_, Entry::Ready(table))) => return Ok(table.clone()),
            Some((_, Entry::Loading(waiters))) => {
                waiters.push(waiter);
                return Err(false);
            }
            None => {}
        }
        entries.push((proxy.to_owned(), Entry::Loading(vec![waiter])));
        Err(true)
    });
    match start {
        Ok(table) => Some(table),
        Err(first) => {
            if first {
                load(proxy.to_owned());
            }
            None
        }
    }
}

/// Requests one proxy's table, then runs everything that waits for it, in one pass.
fn load(proxy: String) {
    let url = crate::net::api_url(&proxy, "/pricing");
    wasm_bindgen_futures::spawn_local(async move {
        let table = crate::net::get::<PricingTable>(&url, None)
            .await
            .map(Arc::new)
            .unwrap_or_else(|_| embedded());
        crate::trace::mark("kredivo:pricing-in-hand");
        let waiters = BY_PROXY.with_borrow_mut(|entries| {
            let entry = entries.iter_mut().find(|(p, _)| *p == proxy);
            match entry.map(|(_, e)| std::mem::replace(e, Entry::Ready(table.clone()))) {
                Some(Entry::Loading(waiters)) => waiters,
                _ => Vec::new(),
            }
        });
        // No borrow is held here: a waiter may ask for the table again (a badge whose
        // options changed meanwhile).
        crate::trace::mark("kredivo:badge-pass-start");
        for waiter in waiters {
            waiter();
        }
        crate::trace::measure("kredivo:badge-pass", "kredivo:badge-pass-start");
    });
}

/// How many pricing requests this page has started (the benchmark page shows it).
pub fn requests_started() -> usize {
    BY_PROXY.with_borrow(Vec::len)
}
