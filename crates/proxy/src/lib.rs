//! Merchant backend proxy.
