//! The replica layout on one machine, as local processes: a throwaway PostgreSQL
//! ([`postgres`]), nginx in front ([`nginx`]), the sandbox and N proxy replicas
//! ([`stack`]). `cargo xtask demo --replicas N`, the end-to-end replica and fault tests
//! (`crates/e2e`) and the load bench (`cargo xtask load`) all start the same [`stack::Stack`],
//! so what the tests prove is what the demo and the figures run.
//!
//! Everything listens on 127.0.0.1 only, lives in temporary directories and is stopped and
//! deleted when its guard drops.
#![deny(missing_docs)]

pub mod nginx;
pub mod postgres;
pub mod stack;
pub mod util;
