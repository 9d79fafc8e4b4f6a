//! Configuration of the aggregator gateways (DOKU, Midtrans, Xendit, Finpay): base URLs and
//! credentials, read from the environment by [`super::Config::from_lookup`].
//!
//! Defaults are chosen so the demo switches gateways with `GATEWAY` alone:
//! - a base URL that is not set is a sibling of a loopback `KREDIVO_BASE_URL`
//!   (`http://127.0.0.1:PORT/sandbox/kredivo` → `…/sandbox/doku`), else `PUBLIC_BASE_URL` +
//!   `/sandbox/<provider>` when that is loopback, else the provider's public sandbox host;
//! - credentials that are not set default to the sandbox simulator's made-up ones
//!   ([`kredivo_providers::sandbox_defaults`]) **only** while that gateway's base URL is a
//!   loopback host; for any other host the selected gateway's credentials are required.

use reqwest::Url;

use super::{ConfigError, GatewayKind, Secret};
use kredivo_providers::sandbox_defaults as defaults;

/// DOKU's public sandbox host (doc 001).
pub const DOKU_SANDBOX_BASE_URL: &str = "https://api-sandbox.doku.com";
/// Midtrans' public sandbox host (doc 003).
pub const MIDTRANS_SANDBOX_BASE_URL: &str = "https://api.sandbox.midtrans.com";
/// Xendit's host (doc 004: test and live mode share it; the key decides).
pub const XENDIT_BASE_URL: &str = "https://api.xendit.co";
/// Finpay's development host (doc 002).
pub const FINPAY_SANDBOX_BASE_URL: &str = "https://devo.finnet.co.id";

/// Hosts Kredivo's hosted pages are served from, allowed as checkout redirects for the
/// aggregator gateways besides the aggregator's own host (doc 002's and doc 004's examples;
/// the production names are UNCONFIRMED — set `REDIRECT_HOSTS` to be sure).
const KREDIVO_PAGE_HOSTS: [&str; 4] = [
    "sandbox.kredivo.com",
    "api.kredivo.com",
    "pay-sandbox.kredivo.com",
    "pay.kredivo.com",
];

/// DOKU (`DOKU_BASE_URL`, `DOKU_CLIENT_ID`, `DOKU_SECRET_KEY`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DokuConfig {
    /// API root, e.g. `https://api-sandbox.doku.com`.
    pub base_url: Url,
    /// `Client-Id`.
    pub client_id: String,
    /// HMAC key of request and notification signatures.
    pub secret_key: Secret,
}

/// Midtrans (`MIDTRANS_BASE_URL`, `MIDTRANS_SERVER_KEY`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MidtransConfig {
    /// API root, e.g. `https://api.sandbox.midtrans.com`.
    pub base_url: Url,
    /// Server key: Basic auth user and `signature_key` salt.
    pub server_key: Secret,
}

/// Xendit (`XENDIT_BASE_URL`, `XENDIT_SECRET_KEY`, `XENDIT_CALLBACK_TOKEN`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XenditConfig {
    /// API root, `https://api.xendit.co`.
    pub base_url: Url,
    /// Secret API key: Basic auth user.
    pub secret_key: Secret,
    /// The dashboard's callback verification token.
    pub callback_token: Secret,
}

/// Finpay (`FINPAY_BASE_URL`, `FINPAY_MERCHANT_ID`, `FINPAY_MERCHANT_KEY`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinpayConfig {
    /// API root, e.g. `https://devo.finnet.co.id`.
    pub base_url: Url,
    /// Basic auth user.
    pub merchant_id: String,
    /// Basic auth password and callback HMAC key.
    pub merchant_key: Secret,
}

/// The four aggregators' settings (only the one `GATEWAY` names is used).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AggregatorConfig {
    /// DOKU.
    pub doku: DokuConfig,
    /// Midtrans.
    pub midtrans: MidtransConfig,
    /// Xendit.
    pub xendit: XenditConfig,
    /// Finpay.
    pub finpay: FinpayConfig,
}

fn url_or_panic(s: &str) -> Url {
    match Url::parse(s) {
        Ok(u) => u,
        Err(e) => panic!("built-in URL {s:?} does not parse: {e}"),
    }
}

impl Default for AggregatorConfig {
    /// The sandbox simulators of a demo on `http://127.0.0.1:8080` (the default
    /// `PUBLIC_BASE_URL`), with their made-up credentials.
    fn default() -> Self {
        let local = |p: &str| url_or_panic(&format!("http://127.0.0.1:8080/sandbox/{p}"));
        Self {
            doku: DokuConfig {
                base_url: local("doku"),
                client_id: defaults::DOKU_CLIENT_ID.into(),
                secret_key: Secret::new(defaults::DOKU_SECRET_KEY),
            },
            midtrans: MidtransConfig {
                base_url: local("midtrans"),
                server_key: Secret::new(defaults::MIDTRANS_SERVER_KEY),
            },
            xendit: XenditConfig {
                base_url: local("xendit"),
                secret_key: Secret::new(defaults::XENDIT_SECRET_KEY),
                callback_token: Secret::new(defaults::XENDIT_CALLBACK_TOKEN),
            },
            finpay: FinpayConfig {
                base_url: local("finpay"),
                merchant_id: defaults::FINPAY_MERCHANT_ID.into(),
                merchant_key: Secret::new(defaults::FINPAY_MERCHANT_KEY),
            },
        }
    }
}

/// A variable lookup that already drops blank values.
pub(crate) type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

impl AggregatorConfig {
    /// Reads every aggregator variable. `kredivo_base_url` and `public_base_url` are the
    /// already-parsed Kredivo and public URLs (for the loopback defaults); `gateway` is the
    /// selected gateway, whose credentials are mandatory off loopback.
    pub(crate) fn from_lookup(
        get: Lookup<'_>,
        kredivo_base_url: &Url,
        public_base_url: &Url,
        gateway: GatewayKind,
    ) -> Result<Self, ConfigError> {
        let base = |name: &'static str, provider: &str, public: &str| -> Result<Url, ConfigError> {
            match get(name) {
                Some(v) => parse_http_url(name, &v),
                None => Ok(default_base(
                    provider,
                    public,
                    kredivo_base_url,
                    public_base_url,
                )),
            }
        };
        let doku_base = base("DOKU_BASE_URL", "doku", DOKU_SANDBOX_BASE_URL)?;
        let midtrans_base = base("MIDTRANS_BASE_URL", "midtrans", MIDTRANS_SANDBOX_BASE_URL)?;
        let xendit_base = base("XENDIT_BASE_URL", "xendit", XENDIT_BASE_URL)?;
        let finpay_base = base("FINPAY_BASE_URL", "finpay", FINPAY_SANDBOX_BASE_URL)?;

        // A credential: the variable, else the sandbox default on loopback, else (for the
        // selected gateway only) an error; unselected gateways keep a harmless empty value.
        let cred = |name: &'static str,
                    fallback: &str,
                    url: &Url,
                    this: GatewayKind|
         -> Result<String, ConfigError> {
            match get(name) {
                Some(v) => Ok(v.trim().to_owned()),
                None if is_loopback(url) => Ok(fallback.to_owned()),
                None if gateway == this => Err(ConfigError::Missing {
                    name,
                    reason: "the sandbox credentials are only a default for a loopback base URL",
                }),
                None => Ok(String::new()),
            }
        };
        Ok(Self {
            doku: DokuConfig {
                client_id: cred(
                    "DOKU_CLIENT_ID",
                    defaults::DOKU_CLIENT_ID,
                    &doku_base,
                    GatewayKind::Doku,
                )?,
                secret_key: Secret::new(cred(
                    "DOKU_SECRET_KEY",
                    defaults::DOKU_SECRET_KEY,
                    &doku_base,
                    GatewayKind::Doku,
                )?),
                base_url: doku_base,
            },
            midtrans: MidtransConfig {
                server_key: Secret::new(cred(
                    "MIDTRANS_SERVER_KEY",
                    defaults::MIDTRANS_SERVER_KEY,
                    &midtrans_base,
                    GatewayKind::Midtrans,
                )?),
                base_url: midtrans_base,
            },
            xendit: XenditConfig {
                secret_key: Secret::new(cred(
                    "XENDIT_SECRET_KEY",
                    defaults::XENDIT_SECRET_KEY,
                    &xendit_base,
                    GatewayKind::Xendit,
                )?),
                callback_token: Secret::new(cred(
                    "XENDIT_CALLBACK_TOKEN",
                    defaults::XENDIT_CALLBACK_TOKEN,
                    &xendit_base,
                    GatewayKind::Xendit,
                )?),
                base_url: xendit_base,
            },
            finpay: FinpayConfig {
                merchant_id: cred(
                    "FINPAY_MERCHANT_ID",
                    defaults::FINPAY_MERCHANT_ID,
                    &finpay_base,
                    GatewayKind::Finpay,
                )?,
                merchant_key: Secret::new(cred(
                    "FINPAY_MERCHANT_KEY",
                    defaults::FINPAY_MERCHANT_KEY,
                    &finpay_base,
                    GatewayKind::Finpay,
                )?),
                base_url: finpay_base,
            },
        })
    }

    /// The selected aggregator's base URL (`None` for Kredivo direct).
    pub fn base_url(&self, gateway: GatewayKind) -> Option<&Url> {
        match gateway {
            GatewayKind::Doku => Some(&self.doku.base_url),
            GatewayKind::Midtrans => Some(&self.midtrans.base_url),
            GatewayKind::Xendit => Some(&self.xendit.base_url),
            GatewayKind::Finpay => Some(&self.finpay.base_url),
            _ => None,
        }
    }

    /// Default checkout-redirect hosts added for an aggregator gateway: its own host (and
    /// port) and Kredivo's page hosts.
    pub fn redirect_hosts(&self, gateway: GatewayKind) -> Vec<String> {
        let Some(url) = self.base_url(gateway) else {
            return Vec::new();
        };
        let mut hosts: Vec<String> = host_and_port(url).into_iter().collect();
        hosts.extend(KREDIVO_PAGE_HOSTS.iter().map(|h| (*h).to_owned()));
        hosts
    }
}

/// The default base URL of `provider` (see the module docs).
fn default_base(provider: &str, public_host: &str, kredivo: &Url, public: &Url) -> Url {
    if is_loopback(kredivo) {
        let path = kredivo.path().trim_end_matches('/');
        if let Some(prefix) = path.strip_suffix("/kredivo") {
            let mut url = kredivo.clone();
            url.set_path(&format!("{prefix}/{provider}"));
            url.set_query(None);
            return url;
        }
    }
    if is_loopback(public) {
        let base = public.as_str().trim_end_matches('/');
        if let Ok(url) = Url::parse(&format!("{base}/sandbox/{provider}")) {
            return url;
        }
    }
    url_or_panic(public_host)
}

fn is_loopback(url: &Url) -> bool {
    matches!(
        url.host_str(),
        Some("127.0.0.1" | "localhost" | "[::1]" | "::1")
    )
}

fn host_and_port(url: &Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

fn parse_http_url(name: &'static str, v: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(v.trim()).map_err(|e| ConfigError::Invalid {
        name,
        reason: format!("not a URL: {e}"),
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ConfigError::Invalid {
            name,
            reason: "must be an http(s) URL with a host".into(),
        });
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(
        vars: &[(&str, &str)],
        kredivo: &str,
        public: &str,
        gateway: GatewayKind,
    ) -> Result<AggregatorConfig, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let get = |k: &str| map.get(k).cloned();
        AggregatorConfig::from_lookup(
            &get,
            &Url::parse(kredivo).expect("url"),
            &Url::parse(public).expect("url"),
            gateway,
        )
    }

    #[test]
    fn the_demo_needs_no_aggregator_variable() {
        let c = read(
            &[],
            "http://127.0.0.1:9123/sandbox/kredivo",
            "http://127.0.0.1:9123",
            GatewayKind::Xendit,
        )
        .expect("defaults");
        assert_eq!(
            c.doku.base_url.as_str(),
            "http://127.0.0.1:9123/sandbox/doku"
        );
        assert_eq!(
            c.xendit.base_url.as_str(),
            "http://127.0.0.1:9123/sandbox/xendit"
        );
        assert_eq!(c.xendit.secret_key.expose(), defaults::XENDIT_SECRET_KEY);
        assert_eq!(c.finpay.merchant_id, defaults::FINPAY_MERCHANT_ID);
    }

    #[test]
    fn without_a_loopback_kredivo_url_the_public_url_hosts_the_sandbox() {
        let c = read(
            &[],
            "https://sandbox.kredivo.com/kredivo",
            "http://localhost:8080/",
            GatewayKind::Doku,
        )
        .expect("defaults");
        assert_eq!(
            c.midtrans.base_url.as_str(),
            "http://localhost:8080/sandbox/midtrans"
        );
    }

    #[test]
    fn a_real_host_needs_the_selected_gateways_credentials() {
        let err = read(
            &[],
            "https://sandbox.kredivo.com/kredivo",
            "https://shop.example",
            GatewayKind::Midtrans,
        )
        .unwrap_err();
        assert!(matches!(
            err,
            ConfigError::Missing {
                name: "MIDTRANS_SERVER_KEY",
                ..
            }
        ));
        let c = read(
            &[("MIDTRANS_SERVER_KEY", "SB-Mid-server-real")],
            "https://sandbox.kredivo.com/kredivo",
            "https://shop.example",
            GatewayKind::Midtrans,
        )
        .expect("configured");
        assert_eq!(
            c.midtrans.base_url.as_str(),
            "https://api.sandbox.midtrans.com/"
        );
        assert_eq!(c.midtrans.server_key.expose(), "SB-Mid-server-real");
        assert_eq!(c.doku.client_id, "", "unselected gateways need nothing");
    }

    #[test]
    fn variables_override_and_bad_urls_name_their_variable() {
        let c = read(
            &[
                ("FINPAY_BASE_URL", "https://live.finnet.co.id"),
                ("FINPAY_MERCHANT_ID", "M1"),
                ("FINPAY_MERCHANT_KEY", "K1"),
            ],
            "https://api.kredivo.com/kredivo",
            "https://shop.example",
            GatewayKind::Finpay,
        )
        .expect("configured");
        assert_eq!(c.finpay.base_url.as_str(), "https://live.finnet.co.id/");
        assert_eq!(c.finpay.merchant_key.expose(), "K1");
        let err = read(
            &[("XENDIT_BASE_URL", "ftp://x")],
            "https://a.b/k",
            "https://a.b",
            GatewayKind::Xendit,
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("XENDIT_BASE_URL"), "{err}");
    }

    #[test]
    fn redirects_may_go_to_the_aggregator_and_kredivos_page_hosts() {
        let c = AggregatorConfig::default();
        let hosts = c.redirect_hosts(GatewayKind::Midtrans);
        assert!(hosts.contains(&"127.0.0.1:8080".to_owned()));
        assert!(hosts.contains(&"pay.kredivo.com".to_owned()));
        assert!(c.redirect_hosts(GatewayKind::Kredivo).is_empty());
    }
}
