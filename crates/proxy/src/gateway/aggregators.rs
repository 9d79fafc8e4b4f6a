//! Builds the aggregator gateway `GATEWAY` names (DOKU, Midtrans, Xendit, Finpay).

use std::sync::Arc;

use kredivo_providers::auth::basic;

use super::upstream::{load_table, Upstream};
use super::{doku, finpay, midtrans, xendit, CallRecorder, Gateway};
use crate::clock::{Clock, IdGen};
use crate::config::GatewayKind;
use crate::store::Store;
use crate::{Config, Error};

/// The gateway for an aggregator `kind`; `Err` for Kredivo direct (built elsewhere) or when
/// the pricing table of an estimating gateway cannot be loaded.
pub fn build_aggregator(
    kind: GatewayKind,
    config: &Config,
    http: reqwest::Client,
    recorder: Arc<dyn CallRecorder>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGen>,
    store: Arc<dyn Store>,
) -> Result<Arc<dyn Gateway>, Error> {
    let a = &config.aggregators;
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
    let table = || load_table(config.pricing_table_path.as_deref()).map_err(Error::Pricing);
    Ok(match kind {
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
        _ => {
            return Err(Error::Config(crate::ConfigError::Invalid {
                name: "GATEWAY",
                reason: "not an aggregator gateway".into(),
            }))
        }
    })
}
