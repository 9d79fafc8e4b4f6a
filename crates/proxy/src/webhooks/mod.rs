//! Webhooks: the proxy tells the merchant's server about every order state change.
//!
//! Each change writes a row to the outbox in its own transaction ([`crate::store::Store::apply_change`]);
//! [`deliver_due`] (run every second by [`spawn`], in every replica) claims due rows with a
//! lease, signs them ([`signature`]) and POSTs them to `MERCHANT_WEBHOOK_URL`. At least once:
//! a row is done only when the merchant answered 2xx; until then it is retried with
//! exponential back-off and jitter for `WEBHOOK_RETRY_HOURS` (72 by default), in order per
//! order. A proxy killed between the change and the delivery delivers after it restarts.

mod deliver;
pub mod signature;

pub use deliver::{deliver_due, retry_delay, spawn, SIGNATURE_HEADER};
