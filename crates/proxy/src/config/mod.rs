//! Configuration: read once from environment variables ([`Config::from_env`]) or built in
//! code (tests, the demo). Every variable is documented in the crate README.

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use reqwest::Url;

mod aggregators;

pub use aggregators::{
    AggregatorConfig, DokuConfig, FinpayConfig, MidtransConfig, XenditConfig,
    DOKU_SANDBOX_BASE_URL, FINPAY_SANDBOX_BASE_URL, MIDTRANS_SANDBOX_BASE_URL, XENDIT_BASE_URL,
};

/// The public sandbox server key printed in Kredivo's API documentation (doc 000). It is not
/// a secret; it is only accepted as a default while the base URL is a sandbox or loopback host.
pub const DOCUMENTED_SANDBOX_SERVER_KEY: &str = "8tLHIx8V0N6KtnSpS9Nbd6zROFFJH7";

/// Kredivo's sandbox host (CONTRACTS.md).
pub const KREDIVO_SANDBOX_BASE_URL: &str = "https://sandbox.kredivo.com/kredivo";

/// A secret string (server key, admin token). `Debug` and `Display` print `[redacted]`, so a
/// stray `{:?}` in a log line cannot leak it; read it with [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Compares with `candidate` in time independent of where they first differ.
    pub fn matches(&self, candidate: &str) -> bool {
        let a = self.0.as_bytes();
        let b = candidate.as_bytes();
        let mut diff = a.len() ^ b.len();
        for (i, x) in a.iter().enumerate() {
            let y = b.get(i).copied().unwrap_or(0);
            diff |= usize::from(x ^ y);
        }
        diff == 0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Which payment gateway the proxy talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GatewayKind {
    /// Kredivo Checkout API v2, direct.
    Kredivo,
    /// Kredivo through DOKU (doc 001).
    Doku,
    /// Kredivo through Midtrans Core API (doc 003).
    Midtrans,
    /// Kredivo through Xendit PayLater (doc 004).
    Xendit,
    /// Kredivo through Finpay (doc 002).
    Finpay,
}

impl FromStr for GatewayKind {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, ConfigError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "kredivo" => Ok(Self::Kredivo),
            "doku" => Ok(Self::Doku),
            "midtrans" => Ok(Self::Midtrans),
            "xendit" => Ok(Self::Xendit),
            "finpay" => Ok(Self::Finpay),
            other => Err(ConfigError::Invalid {
                name: "GATEWAY",
                reason: format!(
                    "unknown gateway {other:?}; expected kredivo, doku, midtrans, xendit or finpay"
                ),
            }),
        }
    }
}

/// One per-client token bucket setting: the widget and store APIs have one
/// ([`Config::rate_limit`]), the notification and return endpoints another
/// ([`Config::notify_rate_limit`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Sustained requests per minute per client address; 0 turns the limit off.
    pub per_minute: u32,
    /// How many requests a client may make in a burst above the sustained rate.
    pub burst: u32,
}

impl RateLimit {
    /// No limit (load tests, trusted internal callers).
    pub const OFF: RateLimit = RateLimit {
        per_minute: 0,
        burst: 0,
    };

    /// The default of [`Config::notify_rate_limit`]: 600 a minute with a burst of 60 per
    /// client IP.
    ///
    /// A provider sends a handful of deliveries per order (a status change or two, each
    /// retried a few times with growing back-off until acknowledged; DOKU documents 3 retries
    /// over 12 hours) and a shopper returns once. But every order's pushes come from the
    /// provider's few addresses and share one bucket, so the limit is sized for a merchant's
    /// whole notification traffic, not for one order: a burst of 60 absorbs a provider
    /// flushing its backlog after an outage on either side, and 10 a second sustained covers
    /// a shop settling a few orders every second. It still caps what one
    /// address can make us send upstream, since every accepted push or return costs one
    /// confirmation call to the provider. A push that is limited anyway answers 429, which
    /// the providers retry like any non-2xx, so it is delayed, not lost.
    pub const NOTIFY_DEFAULT: RateLimit = RateLimit {
        per_minute: 600,
        burst: 60,
    };
}

/// Everything the proxy needs to know about its surroundings.
///
/// Build it with [`Config::from_env`] in the binary, or in code with struct update syntax:
/// ```
/// use kredivo_proxy::Config;
/// let config = Config {
///     kredivo_base_url: "http://127.0.0.1:8080/sandbox/kredivo".parse().unwrap(),
///     ..Config::default()
/// };
/// assert_eq!(config.redirect_hosts(), vec!["127.0.0.1:8080".to_owned()]);
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    /// Which gateway to use (`GATEWAY`).
    pub gateway: GatewayKind,
    /// Kredivo's server key (`KREDIVO_SERVER_KEY`).
    pub server_key: Secret,
    /// Kredivo's API root, without a trailing slash (`KREDIVO_BASE_URL`).
    pub kredivo_base_url: Url,
    /// Where this proxy is reachable from Kredivo and shoppers (`PUBLIC_BASE_URL`); push and
    /// return URIs are built from it.
    pub public_base_url: Url,
    /// Where `GET /kredivo/return` sends the shopper, with `?order_id=…` (`RETURN_PAGE`).
    pub return_page: String,
    /// The order store (`DATABASE_URL`), e.g. `sqlite://./data/kredivo.db`.
    pub database_url: String,
    /// Origins besides our own that may call the widget API from a browser (`ALLOWED_ORIGINS`).
    pub allowed_origins: Vec<String>,
    /// Bearer token for the admin API (`ADMIN_TOKEN`); `None` disables the admin API.
    pub admin_token: Option<Secret>,
    /// How long a payment-types answer is reused for the same cart or amount
    /// (`PAYMENT_TYPES_CACHE_TTL_SECS`).
    pub payment_types_cache_ttl: Duration,
    /// Per-attempt timeout of every call to the provider (`UPSTREAM_TIMEOUT_MS`).
    pub upstream_timeout: Duration,
    /// Per-IP rate limit of the widget and store APIs (`RATE_LIMIT_PER_MINUTE`,
    /// `RATE_LIMIT_BURST`).
    pub rate_limit: RateLimit,
    /// Per-IP rate limit of `POST …/push` and `GET /kredivo/return`
    /// (`NOTIFY_RATE_LIMIT_PER_MINUTE`, `NOTIFY_RATE_LIMIT_BURST`), separate from
    /// [`Config::rate_limit`]: each accepted request makes us call the provider to confirm the
    /// transaction, so a flood would otherwise be amplified against the provider and our
    /// outbound quota. The default, [`RateLimit::NOTIFY_DEFAULT`], is far above a real
    /// provider's retry schedule; `per_minute == 0` turns it off.
    pub notify_rate_limit: RateLimit,
    /// Take the client address for rate limiting from the last `X-Forwarded-For` entry
    /// (`TRUST_X_FORWARDED_FOR`); only behind a reverse proxy that sets it.
    pub trust_x_forwarded_for: bool,
    /// Hosts (`host`, meaning the default port, or `host:port`) a checkout `redirect_url` may
    /// point to (`REDIRECT_HOSTS`); empty means the Kredivo base URL's host.
    pub redirect_host_allowlist: Vec<String>,
    /// Largest request body in bytes (`MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
    /// Where the binary listens (`BIND_ADDR`).
    pub bind_addr: SocketAddr,
    /// A pricing table JSON file to serve on `GET /pricing` instead of the built-in one
    /// (`PRICING_TABLE_PATH`).
    pub pricing_table_path: Option<String>,
    /// DOKU, Midtrans, Xendit and Finpay base URLs and credentials (`DOKU_*`, `MIDTRANS_*`,
    /// `XENDIT_*`, `FINPAY_*`); see [`AggregatorConfig`].
    pub aggregators: AggregatorConfig,
    /// The merchant's server-to-server key for `POST /sessions` (`MERCHANT_API_KEY`, at least
    /// 32 characters); `None` turns the sessions API off.
    pub merchant_api_key: Option<Secret>,
    /// Where state changes are announced (`MERCHANT_WEBHOOK_URL`, https unless loopback);
    /// `None` sends no webhooks.
    pub webhook_url: Option<Url>,
    /// Signs webhooks (`MERCHANT_WEBHOOK_SECRET`, at least 32 characters; required with a
    /// webhook URL). During a rotation `MERCHANT_WEBHOOK_SECRET_PREVIOUS` signs too, so the
    /// header carries two `v1=` entries and either secret verifies.
    pub webhook_secrets: Vec<Secret>,
    /// Per-attempt timeout of a webhook delivery (`WEBHOOK_TIMEOUT_MS`).
    pub webhook_timeout: Duration,
    /// How long an undelivered webhook keeps being retried (`WEBHOOK_RETRY_HOURS`, at least
    /// 24).
    pub webhook_retry_window: Duration,
    /// Hosts a session's `return_url` / `cancel_url` may point to (`MERCHANT_RETURN_HOSTS`);
    /// empty means the hosts of `ALLOWED_ORIGINS`, `PUBLIC_BASE_URL` and the webhook URL.
    pub merchant_return_hosts: Vec<String>,
    /// The merchant's catalogue for catalogue-mode checkouts (`CATALOGUE_PATH`, a JSON file in
    /// the documented shape); `None` means the sessions API is the only way to check out.
    pub catalogue_path: Option<String>,
    /// How long after its last change a live order is first checked with the provider by the
    /// reconciler (`RECONCILE_AFTER_SECS`); later checks back off from it, doubling to an hour.
    pub reconcile_after: Duration,
    /// How often the reconciler looks for due orders (`RECONCILE_INTERVAL_SECS`).
    pub reconcile_interval: Duration,
    /// Bearer token for `GET /metrics` (`METRICS_TOKEN`, at least 16 characters); `None`
    /// allows only loopback peers that came through no reverse proxy.
    pub metrics_token: Option<Secret>,
    /// On SIGTERM, how long requests in flight, and then the background workers, may take to
    /// finish (`SHUTDOWN_GRACE_SECS`).
    pub shutdown_grace: Duration,
    /// This replica's name, sent as `x-served-by` on every response (`INSTANCE_NAME`); `None`
    /// sends no such header.
    pub instance_name: Option<String>,
    /// Keys that encrypt stored Kredivo user tokens (AES-256-GCM): the current one
    /// (`TOKEN_ENCRYPTION_KEY`) first, then `TOKEN_ENCRYPTION_KEY_PREVIOUS` during a rotation.
    /// Each is 32 bytes written as standard base64 (`openssl rand -base64 32`). Empty:
    /// tokenization is refused with a message naming the variable.
    pub token_encryption_keys: Vec<Secret>,
    /// The outlet a QR checkout names when its request names none
    /// (`KREDIVO_SUB_MERCHANT_ID`, doc 000's `sub_merchant_id`); `None`: every QR request must
    /// name one.
    pub qr_sub_merchant_id: Option<String>,
}

impl Default for Config {
    /// The sandbox with its documented key, a store under `./data/`, no admin API.
    fn default() -> Self {
        Self {
            gateway: GatewayKind::Kredivo,
            server_key: Secret::new(DOCUMENTED_SANDBOX_SERVER_KEY),
            kredivo_base_url: parse_url_or_panic(KREDIVO_SANDBOX_BASE_URL),
            public_base_url: parse_url_or_panic("http://127.0.0.1:8080"),
            return_page: "/www/return.html".to_owned(),
            database_url: "sqlite://./data/kredivo.db".to_owned(),
            allowed_origins: Vec::new(),
            admin_token: None,
            payment_types_cache_ttl: Duration::from_secs(60),
            upstream_timeout: Duration::from_secs(10),
            rate_limit: RateLimit {
                per_minute: 120,
                burst: 40,
            },
            notify_rate_limit: RateLimit::NOTIFY_DEFAULT,
            trust_x_forwarded_for: false,
            redirect_host_allowlist: Vec::new(),
            max_body_bytes: 64 * 1024,
            bind_addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            pricing_table_path: None,
            aggregators: AggregatorConfig::default(),
            merchant_api_key: None,
            webhook_url: None,
            webhook_secrets: Vec::new(),
            webhook_timeout: Duration::from_secs(10),
            webhook_retry_window: Duration::from_secs(72 * 3600),
            merchant_return_hosts: Vec::new(),
            catalogue_path: None,
            reconcile_after: Duration::from_secs(120),
            reconcile_interval: Duration::from_secs(30),
            metrics_token: None,
            shutdown_grace: Duration::from_secs(15),
            instance_name: None,
            token_encryption_keys: Vec::new(),
            qr_sub_merchant_id: None,
        }
    }
}

/// A configuration value that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A variable is set to something unusable.
    #[error("{name}: {reason}")]
    Invalid {
        /// The variable.
        name: &'static str,
        /// Why (never contains a secret's value).
        reason: String,
    },
    /// A variable that has no safe default is missing.
    #[error("{name} must be set: {reason}")]
    Missing {
        /// The variable.
        name: &'static str,
        /// Why there is no default.
        reason: &'static str,
    },
}

/// A token encryption key: 32 bytes as standard base64 (the value never appears in the error).
fn token_key(name: &'static str, value: &str) -> Result<Secret, ConfigError> {
    use base64::Engine as _;
    match base64::engine::general_purpose::STANDARD.decode(value.trim()) {
        Ok(bytes) if bytes.len() == 32 => Ok(Secret::new(value.trim())),
        Ok(bytes) => Err(ConfigError::Invalid {
            name,
            reason: format!(
                "must be 32 bytes as base64 (openssl rand -base64 32), got {} bytes",
                bytes.len()
            ),
        }),
        Err(_) => Err(ConfigError::Invalid {
            name,
            reason: "must be 32 bytes as standard base64 (openssl rand -base64 32)".into(),
        }),
    }
}

/// Parses one of this module's literal URLs; they are constants, so failure is a typo caught by
/// the unit tests.
fn parse_url_or_panic(s: &str) -> Url {
    match Url::parse(s) {
        Ok(url) => url,
        Err(e) => panic!("built-in URL {s:?} does not parse: {e}"),
    }
}

impl Config {
    /// Reads the process environment; see the README for every variable.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup` (tests pass a map instead of the environment).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let mut c = Config::default();
        if let Some(v) = get("GATEWAY") {
            c.gateway = v.parse()?;
        }
        if let Some(v) = get("KREDIVO_BASE_URL") {
            c.kredivo_base_url = parse_http_url("KREDIVO_BASE_URL", &v)?;
        }
        match get("KREDIVO_SERVER_KEY") {
            Some(v) => c.server_key = Secret::new(v.trim()),
            None if is_sandbox_or_loopback(&c.kredivo_base_url) => {}
            None => {
                return Err(ConfigError::Missing {
                    name: "KREDIVO_SERVER_KEY",
                    reason: "the documented sandbox key is only a default for sandbox hosts",
                })
            }
        }
        if let Some(v) = get("PUBLIC_BASE_URL") {
            c.public_base_url = parse_http_url("PUBLIC_BASE_URL", &v)?;
        }
        if let Some(v) = get("RETURN_PAGE") {
            c.return_page = v;
        }
        if let Some(v) = get("DATABASE_URL") {
            c.database_url = v;
        }
        if let Some(v) = get("ALLOWED_ORIGINS") {
            c.allowed_origins = split_list(&v)
                .into_iter()
                .map(|o| normalise_origin("ALLOWED_ORIGINS", &o))
                .collect::<Result<_, _>>()?;
        }
        if let Some(v) = get("ADMIN_TOKEN") {
            if v.trim().len() < 16 {
                return Err(ConfigError::Invalid {
                    name: "ADMIN_TOKEN",
                    reason: "must be at least 16 characters".into(),
                });
            }
            c.admin_token = Some(Secret::new(v.trim()));
        }
        if let Some(v) = get("PAYMENT_TYPES_CACHE_TTL_SECS") {
            c.payment_types_cache_ttl =
                Duration::from_secs(parse_num("PAYMENT_TYPES_CACHE_TTL_SECS", &v)?);
        }
        if let Some(v) = get("UPSTREAM_TIMEOUT_MS") {
            let ms: u64 = parse_num("UPSTREAM_TIMEOUT_MS", &v)?;
            if ms == 0 {
                return Err(ConfigError::Invalid {
                    name: "UPSTREAM_TIMEOUT_MS",
                    reason: "must be above 0".into(),
                });
            }
            c.upstream_timeout = Duration::from_millis(ms);
        }
        if let Some(v) = get("RATE_LIMIT_PER_MINUTE") {
            c.rate_limit.per_minute = parse_num("RATE_LIMIT_PER_MINUTE", &v)?;
        }
        if let Some(v) = get("RATE_LIMIT_BURST") {
            c.rate_limit.burst = parse_num("RATE_LIMIT_BURST", &v)?;
        }
        if let Some(v) = get("NOTIFY_RATE_LIMIT_PER_MINUTE") {
            c.notify_rate_limit.per_minute = parse_num("NOTIFY_RATE_LIMIT_PER_MINUTE", &v)?;
        }
        if let Some(v) = get("NOTIFY_RATE_LIMIT_BURST") {
            c.notify_rate_limit.burst = parse_num("NOTIFY_RATE_LIMIT_BURST", &v)?;
        }
        if let Some(v) = get("TRUST_X_FORWARDED_FOR") {
            c.trust_x_forwarded_for = parse_bool("TRUST_X_FORWARDED_FOR", &v)?;
        }
        if let Some(v) = get("REDIRECT_HOSTS") {
            c.redirect_host_allowlist = split_list(&v)
                .into_iter()
                .map(|h| h.to_ascii_lowercase())
                .collect();
        }
        if let Some(v) = get("MAX_BODY_BYTES") {
            c.max_body_bytes = parse_num("MAX_BODY_BYTES", &v)?;
        }
        if let Some(v) = get("BIND_ADDR") {
            c.bind_addr = v.trim().parse().map_err(|e| ConfigError::Invalid {
                name: "BIND_ADDR",
                reason: format!("{e}"),
            })?;
        }
        c.pricing_table_path = get("PRICING_TABLE_PATH");
        c.catalogue_path = get("CATALOGUE_PATH");
        c.qr_sub_merchant_id = get("KREDIVO_SUB_MERCHANT_ID")
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty());
        if let Some(v) = get("MERCHANT_API_KEY") {
            c.merchant_api_key = Some(long_secret("MERCHANT_API_KEY", &v)?);
        }
        if let Some(v) = get("MERCHANT_WEBHOOK_URL") {
            let url = parse_http_url("MERCHANT_WEBHOOK_URL", &v)?;
            if url.scheme() != "https" && !url.host_str().is_some_and(is_loopback_host) {
                return Err(ConfigError::Invalid {
                    name: "MERCHANT_WEBHOOK_URL",
                    reason: "must be https (plain http only on a loopback host)".into(),
                });
            }
            let secret = get("MERCHANT_WEBHOOK_SECRET").ok_or(ConfigError::Missing {
                name: "MERCHANT_WEBHOOK_SECRET",
                reason: "webhooks are signed; set it together with MERCHANT_WEBHOOK_URL",
            })?;
            c.webhook_secrets = vec![long_secret("MERCHANT_WEBHOOK_SECRET", &secret)?];
            if let Some(previous) = get("MERCHANT_WEBHOOK_SECRET_PREVIOUS") {
                c.webhook_secrets
                    .push(long_secret("MERCHANT_WEBHOOK_SECRET_PREVIOUS", &previous)?);
            }
            c.webhook_url = Some(url);
        }
        if let Some(v) = get("WEBHOOK_TIMEOUT_MS") {
            let ms: u64 = parse_num("WEBHOOK_TIMEOUT_MS", &v)?;
            if ms == 0 {
                return Err(ConfigError::Invalid {
                    name: "WEBHOOK_TIMEOUT_MS",
                    reason: "must be above 0".into(),
                });
            }
            c.webhook_timeout = Duration::from_millis(ms);
        }
        if let Some(v) = get("WEBHOOK_RETRY_HOURS") {
            let hours: u64 = parse_num("WEBHOOK_RETRY_HOURS", &v)?;
            if !(24..=24 * 30).contains(&hours) {
                return Err(ConfigError::Invalid {
                    name: "WEBHOOK_RETRY_HOURS",
                    reason: "must be 24 to 720 (webhooks are retried for at least a day)".into(),
                });
            }
            c.webhook_retry_window = Duration::from_secs(hours * 3600);
        }
        for (name, slot) in [
            ("RECONCILE_AFTER_SECS", &mut c.reconcile_after),
            ("RECONCILE_INTERVAL_SECS", &mut c.reconcile_interval),
        ] {
            if let Some(v) = get(name) {
                let secs: u64 = parse_num(name, &v)?;
                if !(1..=86_400).contains(&secs) {
                    return Err(ConfigError::Invalid {
                        name,
                        reason: "must be 1 to 86400 seconds".into(),
                    });
                }
                *slot = Duration::from_secs(secs);
            }
        }
        if let Some(v) = get("TOKEN_ENCRYPTION_KEY") {
            c.token_encryption_keys = vec![token_key("TOKEN_ENCRYPTION_KEY", &v)?];
            if let Some(previous) = get("TOKEN_ENCRYPTION_KEY_PREVIOUS") {
                c.token_encryption_keys
                    .push(token_key("TOKEN_ENCRYPTION_KEY_PREVIOUS", &previous)?);
            }
        } else if get("TOKEN_ENCRYPTION_KEY_PREVIOUS").is_some() {
            return Err(ConfigError::Missing {
                name: "TOKEN_ENCRYPTION_KEY",
                reason: "TOKEN_ENCRYPTION_KEY_PREVIOUS only decrypts during a rotation; set the new key too",
            });
        }
        if let Some(v) = get("METRICS_TOKEN") {
            if v.trim().len() < 16 {
                return Err(ConfigError::Invalid {
                    name: "METRICS_TOKEN",
                    reason: "must be at least 16 characters".into(),
                });
            }
            c.metrics_token = Some(Secret::new(v.trim()));
        }
        if let Some(v) = get("SHUTDOWN_GRACE_SECS") {
            let secs: u64 = parse_num("SHUTDOWN_GRACE_SECS", &v)?;
            if secs > 3600 {
                return Err(ConfigError::Invalid {
                    name: "SHUTDOWN_GRACE_SECS",
                    reason: "must be 0 to 3600 seconds".into(),
                });
            }
            c.shutdown_grace = Duration::from_secs(secs);
        }
        if let Some(v) = get("INSTANCE_NAME") {
            let name = v.trim();
            // It becomes a response header value.
            if name.len() > 64 || !name.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(ConfigError::Invalid {
                    name: "INSTANCE_NAME",
                    reason: "at most 64 visible ASCII characters".into(),
                });
            }
            c.instance_name = Some(name.to_owned());
        }
        if let Some(v) = get("MERCHANT_RETURN_HOSTS") {
            c.merchant_return_hosts = split_list(&v)
                .into_iter()
                .map(|h| h.to_ascii_lowercase())
                .collect();
        }
        c.aggregators = AggregatorConfig::from_lookup(
            &get,
            &c.kredivo_base_url,
            &c.public_base_url,
            c.gateway,
        )?;
        Ok(c)
    }

    /// The hosts a checkout `redirect_url` may point to (lower case, `host` or `host:port`).
    pub fn redirect_hosts(&self) -> Vec<String> {
        if self.redirect_host_allowlist.is_empty() {
            let mut hosts: Vec<String> =
                host_and_port(&self.kredivo_base_url).into_iter().collect();
            hosts.extend(self.aggregators.redirect_hosts(self.gateway));
            hosts
        } else {
            self.redirect_host_allowlist.clone()
        }
    }

    /// Whether `url` may be handed to a browser as a checkout redirect: an allowlisted
    /// `host` (default port only) or `host:port`, exactly; `https`, or plain `http` only on a
    /// loopback host or on the host:port of a configured plain-`http` provider base URL (a
    /// compromised upstream must not downgrade the shopper); no userinfo
    /// (`https://api.kredivo.com@evil.example` parses to host `evil.example` and is refused
    /// anyway, but `https://user@api.kredivo.com` is a phishing look-alike).
    pub fn redirect_allowed(&self, url: &Url) -> bool {
        if !url.username().is_empty() || url.password().is_some() {
            return false;
        }
        let Some(with_port) = host_and_port(url) else {
            return false;
        };
        let scheme_ok = match url.scheme() {
            "https" => true,
            "http" => {
                url.host_str().is_some_and(is_loopback_host)
                    || self.plain_http_bases().contains(&with_port)
            }
            _ => false,
        };
        // `host_and_port` omits the scheme's default port, so an allowlisted bare host matches
        // only the default port and `host:port` only that port.
        scheme_ok && self.redirect_hosts().contains(&with_port)
    }

    /// `host[:port]` of the configured provider base URLs that are themselves plain `http`.
    fn plain_http_bases(&self) -> Vec<String> {
        [
            Some(&self.kredivo_base_url),
            self.aggregators.base_url(self.gateway),
        ]
        .into_iter()
        .flatten()
        .filter(|u| u.scheme() == "http")
        .filter_map(host_and_port)
        .collect()
    }

    /// `PUBLIC_BASE_URL` + `path` (which starts with `/`), keeping any path prefix of the base.
    pub fn public_url(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.public_base_url.as_str().trim_end_matches('/'),
            path
        )
    }

    /// Whether a session's `return_url` / `cancel_url` may send the shopper to `url`: a listed
    /// host (`MERCHANT_RETURN_HOSTS`, else the hosts of `ALLOWED_ORIGINS`, `PUBLIC_BASE_URL`
    /// and the webhook URL), `https` unless loopback, no userinfo.
    pub fn return_url_allowed(&self, url: &Url) -> bool {
        if !url.username().is_empty() || url.password().is_some() {
            return false;
        }
        let scheme_ok = match url.scheme() {
            "https" => true,
            "http" => url.host_str().is_some_and(is_loopback_host),
            _ => false,
        };
        let Some(host) = host_and_port(url) else {
            return false;
        };
        let hosts: Vec<String> = if self.merchant_return_hosts.is_empty() {
            self.allowed_origins
                .iter()
                .filter_map(|o| Url::parse(o).ok())
                .chain(std::iter::once(self.public_base_url.clone()))
                .chain(self.webhook_url.clone())
                .filter_map(|u| host_and_port(&u))
                .collect()
        } else {
            self.merchant_return_hosts.clone()
        };
        scheme_ok && hosts.contains(&host)
    }

    /// Our own origin (`scheme://host[:port]`), derived from `PUBLIC_BASE_URL`.
    pub fn own_origin(&self) -> String {
        self.public_base_url.origin().ascii_serialization()
    }
}

/// `host` or `host:port` when the URL names a non-default port.
fn host_and_port(url: &Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

fn is_loopback_host(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

fn is_sandbox_or_loopback(url: &Url) -> bool {
    match url.host_str() {
        Some(h) => {
            h == "sandbox.kredivo.com" || h == "localhost" || h == "127.0.0.1" || h == "[::1]"
        }
        None => false,
    }
}

/// A secret that must be long enough not to be guessed (32 characters).
fn long_secret(name: &'static str, v: &str) -> Result<Secret, ConfigError> {
    let v = v.trim();
    if v.chars().count() < 32 {
        return Err(ConfigError::Invalid {
            name,
            reason: "must be at least 32 characters".into(),
        });
    }
    Ok(Secret::new(v))
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

fn normalise_origin(name: &'static str, v: &str) -> Result<String, ConfigError> {
    let url = parse_http_url(name, v)?;
    Ok(url.origin().ascii_serialization())
}

fn split_list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn parse_num<T: FromStr>(name: &'static str, v: &str) -> Result<T, ConfigError>
where
    T::Err: fmt::Display,
{
    v.trim().parse().map_err(|e| ConfigError::Invalid {
        name,
        reason: format!("not a number: {e}"),
    })
}

fn parse_bool(name: &'static str, v: &str) -> Result<bool, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => Err(ConfigError::Invalid {
            name,
            reason: format!("expected true or false, got {other:?}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn secrets_never_print_their_value() {
        let s = Secret::new("super-secret-key");
        assert_eq!(format!("{s:?} {s}"), "[redacted] [redacted]");
        let c = Config {
            server_key: s,
            ..Config::default()
        };
        assert!(!format!("{c:?}").contains("super-secret-key"));
        assert!(Secret::new("abc").matches("abc"));
        assert!(!Secret::new("abc").matches("abd"));
        assert!(!Secret::new("abc").matches("abcd"));
        assert!(!Secret::new("abc").matches(""));
    }

    #[test]
    fn defaults_point_at_the_sandbox_with_its_documented_key() {
        let c = from(&[]).unwrap();
        assert_eq!(
            c.kredivo_base_url.as_str(),
            "https://sandbox.kredivo.com/kredivo"
        );
        assert_eq!(c.server_key.expose(), DOCUMENTED_SANDBOX_SERVER_KEY);
        assert_eq!(c.redirect_hosts(), vec!["sandbox.kredivo.com".to_owned()]);
        assert_eq!(
            c.public_url("/api/kredivo/v1/push"),
            "http://127.0.0.1:8080/api/kredivo/v1/push"
        );
    }

    #[test]
    fn a_production_host_without_a_server_key_is_refused() {
        let err = from(&[("KREDIVO_BASE_URL", "https://api.kredivo.com/kredivo")]).unwrap_err();
        assert!(matches!(
            err,
            ConfigError::Missing {
                name: "KREDIVO_SERVER_KEY",
                ..
            }
        ));
    }

    #[test]
    fn variables_override_defaults() {
        let c = from(&[
            ("KREDIVO_BASE_URL", "https://api.kredivo.com/kredivo"),
            ("KREDIVO_SERVER_KEY", "k"),
            (
                "ALLOWED_ORIGINS",
                "https://shop.example/, http://localhost:3000",
            ),
            ("ADMIN_TOKEN", "0123456789abcdef"),
            ("PAYMENT_TYPES_CACHE_TTL_SECS", "5"),
            ("RATE_LIMIT_PER_MINUTE", "0"),
            ("PUBLIC_BASE_URL", "https://shop.example/pay/"),
        ])
        .unwrap();
        assert_eq!(
            c.allowed_origins,
            vec!["https://shop.example", "http://localhost:3000"]
        );
        assert_eq!(c.payment_types_cache_ttl, Duration::from_secs(5));
        assert_eq!(c.rate_limit.per_minute, 0);
        assert_eq!(
            c.public_url("/kredivo/return"),
            "https://shop.example/pay/kredivo/return"
        );
        assert!(c.admin_token.is_some());
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (name, value) in [
            ("UPSTREAM_TIMEOUT_MS", "soon"),
            ("UPSTREAM_TIMEOUT_MS", "0"),
            ("KREDIVO_BASE_URL", "ftp://x"),
            ("ADMIN_TOKEN", "short"),
            ("GATEWAY", "paypal"),
            ("TRUST_X_FORWARDED_FOR", "maybe"),
            ("RATE_LIMIT_BURST", "many"),
            ("NOTIFY_RATE_LIMIT_PER_MINUTE", "lots"),
            ("NOTIFY_RATE_LIMIT_BURST", "-1"),
        ] {
            let err = from(&[(name, value)]).unwrap_err();
            assert!(err.to_string().starts_with(name), "{name}={value}: {err}");
        }
    }

    #[test]
    fn merchant_keys_and_webhook_secrets_must_be_long_and_webhooks_signed() {
        let key = "k".repeat(32);
        let c = from(&[
            ("MERCHANT_API_KEY", &key),
            ("MERCHANT_WEBHOOK_URL", "https://shop.example/hooks/kredivo"),
            ("MERCHANT_WEBHOOK_SECRET", &key),
        ])
        .unwrap();
        assert!(c.merchant_api_key.is_some());
        assert_eq!(c.webhook_secrets.len(), 1);
        assert_eq!(c.webhook_retry_window, Duration::from_secs(72 * 3600));
        for (vars, name) in [
            (vec![("MERCHANT_API_KEY", "short")], "MERCHANT_API_KEY"),
            (
                vec![("MERCHANT_WEBHOOK_URL", "https://shop.example/h")],
                "MERCHANT_WEBHOOK_SECRET",
            ),
            (
                vec![
                    ("MERCHANT_WEBHOOK_URL", "http://shop.example/h"),
                    ("MERCHANT_WEBHOOK_SECRET", key.as_str()),
                ],
                "MERCHANT_WEBHOOK_URL",
            ),
            (vec![("WEBHOOK_RETRY_HOURS", "2")], "WEBHOOK_RETRY_HOURS"),
        ] {
            let err = from(&vars).unwrap_err();
            assert!(err.to_string().starts_with(name), "{name}: {err}");
        }
        let local = from(&[
            ("MERCHANT_WEBHOOK_URL", "http://127.0.0.1:3000/h"),
            ("MERCHANT_WEBHOOK_SECRET", &key),
            ("MERCHANT_WEBHOOK_SECRET_PREVIOUS", &"p".repeat(40)),
        ])
        .unwrap();
        assert_eq!(local.webhook_secrets.len(), 2, "rotation signs with both");
    }

    #[test]
    fn return_urls_stay_on_the_merchants_hosts() {
        let c = Config {
            allowed_origins: vec!["https://shop.example".into()],
            ..Config::default()
        };
        for (url, ok) in [
            ("https://shop.example/thanks", true),
            ("http://shop.example/thanks", false),
            ("https://evil.example/thanks", false),
            ("https://user@shop.example/thanks", false),
            ("http://127.0.0.1:8080/www/return.html", true),
            ("javascript:alert(1)", false),
        ] {
            assert_eq!(c.return_url_allowed(&Url::parse(url).unwrap()), ok, "{url}");
        }
    }

    #[test]
    fn the_notify_rate_limit_has_its_own_variables_and_generous_defaults() {
        let c = from(&[]).unwrap();
        assert_eq!(
            c.notify_rate_limit,
            RateLimit {
                per_minute: 600,
                burst: 60
            },
            "default"
        );
        let c = from(&[
            ("NOTIFY_RATE_LIMIT_PER_MINUTE", " 30 "),
            ("NOTIFY_RATE_LIMIT_BURST", "5"),
            ("RATE_LIMIT_PER_MINUTE", "0"),
        ])
        .unwrap();
        assert_eq!(
            c.notify_rate_limit,
            RateLimit {
                per_minute: 30,
                burst: 5
            },
            "set"
        );
        assert_eq!(
            c.rate_limit.per_minute, 0,
            "the widget's limit is a separate setting"
        );
        assert_eq!(c.rate_limit.burst, 40, "the widget's burst is untouched");
        let c = from(&[("NOTIFY_RATE_LIMIT_PER_MINUTE", "0")]).unwrap();
        assert_eq!(c.notify_rate_limit.per_minute, 0, "0 turns it off");
        assert_eq!(
            c.rate_limit.per_minute, 120,
            "without touching the widget's"
        );

        let err = from(&[("NOTIFY_RATE_LIMIT_BURST", "sixty")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "NOTIFY_RATE_LIMIT_BURST: not a number: invalid digit found in string"
        );
        let err = from(&[("NOTIFY_RATE_LIMIT_PER_MINUTE", "5000000000")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "NOTIFY_RATE_LIMIT_PER_MINUTE: not a number: number too large to fit in target type"
        );
    }

    #[test]
    fn redirects_are_allowed_only_to_listed_hosts() {
        let c = Config::default();
        for (url, ok) in [
            ("https://sandbox.kredivo.com/kredivo/v2/signin?tk=1", true),
            ("https://SANDBOX.kredivo.com/x", true),
            ("https://evil.example/kredivo", false),
            ("https://sandbox.kredivo.com.evil.example/", false),
            ("javascript:alert(1)", false),
        ] {
            let parsed = Url::parse(url).unwrap();
            assert_eq!(c.redirect_allowed(&parsed), ok, "{url}");
        }
        let local = Config {
            kredivo_base_url: Url::parse("http://127.0.0.1:8080/sandbox/kredivo").unwrap(),
            ..Config::default()
        };
        assert!(local.redirect_allowed(
            &Url::parse("http://127.0.0.1:8080/sandbox/kredivo/v2/signin").unwrap()
        ));
        assert!(!local.redirect_allowed(&Url::parse("http://127.0.0.1:9999/x").unwrap()));
    }

    /// Regression: the allowlist only compared hosts, so a compromised upstream could
    /// downgrade the shopper to plain `http` on Kredivo's host, move them to another port of
    /// it, or hide a credential-looking prefix in the userinfo.
    #[test]
    fn redirects_keep_the_configured_scheme_port_and_carry_no_userinfo() {
        let prod = Config {
            kredivo_base_url: Url::parse("https://api.kredivo.com/kredivo").unwrap(),
            ..Config::default()
        };
        for (url, ok, why) in [
            (
                "https://api.kredivo.com/kredivo/v2/signin?tk=1",
                true,
                "the real page",
            ),
            ("https://API.Kredivo.COM/x", true, "host case"),
            (
                "https://api.kredivo.com:443/x",
                true,
                "explicit default port",
            ),
            (
                "http://api.kredivo.com/kredivo/v2/signin",
                false,
                "downgrade to http",
            ),
            ("https://api.kredivo.com:8443/x", false, "another port"),
            (
                "https://api.kredivo.com@evil.example/",
                false,
                "userinfo trick",
            ),
            (
                "https://user:pw@api.kredivo.com/x",
                false,
                "userinfo on the right host",
            ),
            ("https://api.kredivo.com.evil.example/", false, "suffix"),
            ("javascript:alert(1)", false, "script"),
            ("data:text/html,hi", false, "data"),
        ] {
            let parsed = Url::parse(url).unwrap();
            assert_eq!(prod.redirect_allowed(&parsed), ok, "{why}: {url}");
        }
        // The loopback demo is plain http and keeps working.
        let local = Config {
            kredivo_base_url: Url::parse("http://127.0.0.1:8080/sandbox/kredivo").unwrap(),
            ..Config::default()
        };
        assert!(local.redirect_allowed(&Url::parse("http://127.0.0.1:8080/x").unwrap()));
        // An explicit REDIRECT_HOSTS entry is https-only unless it is loopback.
        let listed = Config {
            redirect_host_allowlist: vec!["pay.example".into()],
            ..Config::default()
        };
        assert!(listed.redirect_allowed(&Url::parse("https://pay.example/x").unwrap()));
        assert!(!listed.redirect_allowed(&Url::parse("http://pay.example/x").unwrap()));
        assert!(!listed.redirect_allowed(&Url::parse("https://pay.example:444/x").unwrap()));
    }
}
