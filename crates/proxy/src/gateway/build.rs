//! The one place a [`Gateway`] is built from configuration: Kredivo direct or one of the four
//! aggregators, all sending through one [`Upstream`] each.

use std::sync::Arc;

use kredivo_plan::PricingTable;
use kredivo_providers::auth::basic;

use super::upstream::Upstream;
use super::{doku, finpay, midtrans, xendit, CallRecorder, Gateway, KredivoGateway};
use crate::clock::{Clock, IdGen};
use crate::config::{Config, GatewayKind};
use crate::store::Store;

/// Why a gateway could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// `PRICING_TABLE_PATH` could not be read.
    #[error("pricing table {path}: cannot read it")]
    PricingRead {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// `PRICING_TABLE_PATH` is not a pricing table.
    #[error("pricing table {path}: not a valid pricing table")]
    PricingParse {
        /// The file.
        path: String,
        /// What did not parse, with its position.
        #[source]
        source: serde_json::Error,
    },
    /// The configuration names a gateway this build cannot make.
    #[error("gateway {0:?} is not supported by this build")]
    Unsupported(GatewayKind),
}

/// The pricing table of `PRICING_TABLE_PATH`, or the plan crate's built-in Kredivo table.
pub fn pricing_table(path: Option<&str>) -> Result<PricingTable, BuildError> {
    let Some(path) = path else {
        return Ok(PricingTable::kredivo_reference());
    };
    let text = std::fs::read_to_string(path).map_err(|source| BuildError::PricingRead {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| BuildError::PricingParse {
        path: path.to_owned(),
        source,
    })
}

/// The gateway `config.gateway` names, sending with `http` (its per-attempt timeout comes from
/// `config.upstream_timeout`) and recording every call through `recorder`.
pub fn build(
    config: &Config,
    http: reqwest::Client,
    recorder: Arc<dyn CallRecorder>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGen>,
    store: Arc<dyn Store>,
) -> Result<Arc<dyn Gateway>, BuildError> {
    let a = &config.aggregators;
    // Every string that must never reach a log or a stored record goes into `secrets`: the
    // key itself and, where it travels as Basic auth, its encoded header value.
    let up = |name: &'static str, base: &reqwest::Url, secrets: Vec<String>| {
        Upstream::new(
            name,
            base,
            http.clone(),
            config.upstream_timeout,
            recorder.clone(),
            clock.clone(),
            ids.clone(),
            secrets,
        )
    };
    let table = || pricing_table(config.pricing_table_path.as_deref());
    Ok(match config.gateway {
        GatewayKind::Kredivo => {
            let key = config.server_key.clone();
            Arc::new(KredivoGateway::from_upstream(
                up(
                    "kredivo",
                    &config.kredivo_base_url,
                    vec![key.expose().to_owned()],
                ),
                key,
            ))
        }
        GatewayKind::Doku => doku::build(
            up(
                "doku",
                &a.doku.base_url,
                vec![a.doku.secret_key.expose().to_owned()],
            ),
            config,
            table()?,
        ),
        GatewayKind::Midtrans => {
            let key = a.midtrans.server_key.expose();
            midtrans::build(
                up(
                    "midtrans",
                    &a.midtrans.base_url,
                    vec![key.to_owned(), basic(key, "")],
                ),
                config,
                table()?,
            )
        }
        GatewayKind::Xendit => {
            let key = a.xendit.secret_key.expose();
            xendit::build(
                up(
                    "xendit",
                    &a.xendit.base_url,
                    vec![
                        key.to_owned(),
                        basic(key, ""),
                        a.xendit.callback_token.expose().to_owned(),
                    ],
                ),
                config,
                store,
            )
        }
        GatewayKind::Finpay => {
            let (id, key) = (&a.finpay.merchant_id, a.finpay.merchant_key.expose());
            finpay::build(
                up(
                    "finpay",
                    &a.finpay.base_url,
                    vec![key.to_owned(), basic(id, key)],
                ),
                config,
                table()?,
            )
        }
        #[allow(unreachable_patterns)]
        other => return Err(BuildError::Unsupported(other)),
    })
}
