//! One pricing table per page, shared by every badge.
//!
//! The first badge for a proxy starts `GET {proxy}/api/kredivo/v1/pricing`; every other
//! badge reads the same signal, so 200 badges cost one request. When the request fails (or
//! a badge asks for `data-pricing="embedded"`) the Kredivo reference table compiled into the
//! widget is used instead.

use std::cell::RefCell;
use std::sync::Arc;

use kredivo_plan::PricingTable;
use leptos::prelude::*;

use crate::options::Pricing;

/// A shared, possibly not yet loaded, pricing table.
pub type SharedTable = Option<Arc<PricingTable>>;

thread_local! {
    static EMBEDDED: Arc<PricingTable> = Arc::new(PricingTable::kredivo_reference());
    static BY_PROXY: RefCell<Vec<(String, ArcRwSignal<SharedTable>)>> = const { RefCell::new(Vec::new()) };
}

/// The reference table compiled into the widget.
pub fn embedded() -> Arc<PricingTable> {
    EMBEDDED.with(Arc::clone)
}

/// The table a badge should use: loaded once per proxy, shared by all badges.
pub fn table(proxy: &str, source: Pricing) -> ArcRwSignal<SharedTable> {
    if source == Pricing::Embedded {
        return ArcRwSignal::new(Some(embedded()));
    }
    if let Some(s) =
        BY_PROXY.with_borrow(|v| v.iter().find(|(p, _)| p == proxy).map(|(_, s)| s.clone()))
    {
        return s;
    }
    let signal = ArcRwSignal::new(None);
    BY_PROXY.with_borrow_mut(|v| v.push((proxy.to_owned(), signal.clone())));
    let (url, target) = (crate::net::api_url(proxy, "/pricing"), signal.clone());
    leptos::task::spawn_local(async move {
        let table = crate::net::get::<PricingTable>(&url, None)
            .await
            .map(Arc::new);
        target.set(Some(table.unwrap_or_else(|_| embedded())));
    });
    signal
}

/// How many pricing requests this page has started (the benchmark page shows it).
pub fn requests_started() -> usize {
    BY_PROXY.with_borrow(Vec::len)
}
