//! Logs: human-readable text by default, one JSON object per line with `LOG_FORMAT=json`.
//!
//! Every line written while a request is handled belongs to its `request` span, which carries
//! the request id (the `x-request-id` header: nginx's, or a UUID made by tower-http's
//! request-id layer, and echoed in the response), the method, the matched route, the path and
//! the order id where the request names one (`/orders/{order_id}`, the return URI's query) or
//! makes one (recorded when the first provider call for it goes out). JSON lines carry the
//! span in `spans`, so a log shipper can group a request's lines by `request_id`.

use std::str::FromStr;

use axum::extract::MatchedPath;
use axum::http::{Request, Uri};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{DefaultOnRequest, DefaultOnResponse, MakeSpan, TraceLayer};
use tracing::{Level, Span};
use tracing_subscriber::EnvFilter;

/// The default filter when `RUST_LOG` is unset.
pub const DEFAULT_FILTER: &str = "info,sqlx=warn";

/// How log lines are written (`LOG_FORMAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// One readable line per event (the default).
    #[default]
    Text,
    /// One JSON object per line: `timestamp`, `level`, `fields`, `target`, `spans`.
    Json,
}

/// `LOG_FORMAT` holds neither `text` nor `json`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("LOG_FORMAT: expected text or json, got {0:?}")]
pub struct UnknownLogFormat(pub String);

impl FromStr for LogFormat {
    type Err = UnknownLogFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            other => Err(UnknownLogFormat(other.to_owned())),
        }
    }
}

impl LogFormat {
    /// `LOG_FORMAT` from the environment (unset: text).
    pub fn from_env() -> Result<Self, UnknownLogFormat> {
        std::env::var("LOG_FORMAT").unwrap_or_default().parse()
    }
}

/// Installs the process's log subscriber on stderr: `RUST_LOG` (else [`DEFAULT_FILTER`]) in
/// `format`.
pub fn init(format: LogFormat) {
    init_with_writer(format, std::io::stderr);
}

/// [`init`] writing to `writer` (tests read what was logged).
pub fn init_with_writer<W>(format: LogFormat, writer: W)
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match format {
        LogFormat::Text => builder.init(),
        // The whole span list, not only the innermost span: a span opened inside a request
        // must not hide the request's id.
        LogFormat::Json => builder
            .json()
            .with_current_span(false)
            .with_span_list(true)
            .init(),
    }
}

/// The request span of every route: see the module documentation.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, req: &Request<B>) -> Span {
        let request_id = req
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let route = req
            .extensions()
            .get::<MatchedPath>()
            .map(MatchedPath::as_str);
        let span = tracing::info_span!(
            "request",
            request_id,
            method = %req.method(),
            route,
            path = req.uri().path(),
            // Declared even when unknown, so a provider call can record it later.
            order_id = tracing::field::Empty,
        );
        if let Some(order_id) = order_id_of(route, req.uri()) {
            span.record("order_id", order_id.as_str());
        }
        span
    }
}

/// The request's tracing layer: the [`RequestSpan`], and one `INFO` line per response with
/// its status and latency (the access log).
pub fn trace_layer() -> TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    RequestSpan,
    DefaultOnRequest,
    DefaultOnResponse,
> {
    TraceLayer::new_for_http()
        .make_span_with(RequestSpan)
        .on_response(DefaultOnResponse::new().level(Level::INFO))
}

/// The order a request names: the `{order_id}` segment of its route, or the `order_id` query
/// parameter of the return URI. Only an id of the shape the proxy makes is taken, so a crafted
/// path cannot put arbitrary text into every log line.
fn order_id_of(route: Option<&str>, uri: &Uri) -> Option<String> {
    let from_path = route.and_then(|route| {
        route
            .split('/')
            .zip(uri.path().split('/'))
            .find(|(pattern, _)| *pattern == "{order_id}")
            .map(|(_, segment)| segment.to_owned())
    });
    let from_query = || {
        (uri.path() == "/kredivo/return")
            .then(|| uri.query())
            .flatten()?
            .split('&')
            .find_map(|pair| pair.strip_prefix("order_id="))
            .map(str::to_owned)
    };
    from_path.or_else(from_query).filter(|id| {
        !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_id_comes_from_the_route_or_the_return_query() {
        let rows: [(Option<&str>, &str, Option<&str>); 6] = [
            (
                Some("/api/kredivo/v1/orders/{order_id}"),
                "/api/kredivo/v1/orders/KD-123",
                Some("KD-123"),
            ),
            (
                Some("/api/kredivo/v1/admin/orders/{order_id}/cancel"),
                "/api/kredivo/v1/admin/orders/KD-9/cancel",
                Some("KD-9"),
            ),
            (
                Some("/kredivo/return"),
                "/kredivo/return?outcome=cancel&order_id=KD-7",
                Some("KD-7"),
            ),
            (
                Some("/api/kredivo/v1/checkout"),
                "/api/kredivo/v1/checkout",
                None,
            ),
            (
                Some("/api/kredivo/v1/orders/{order_id}"),
                "/api/kredivo/v1/orders/%3Cscript%3E",
                None,
            ),
            (None, "/nowhere?order_id=KD-1", None),
        ];
        for (route, uri, expected) in rows {
            let uri: Uri = uri.parse().expect("uri");
            assert_eq!(order_id_of(route, &uri).as_deref(), expected, "{uri}");
        }
    }

    #[test]
    fn log_formats_parse_and_anything_else_is_refused() {
        assert_eq!("json".parse(), Ok(LogFormat::Json));
        assert_eq!(" Text ".parse(), Ok(LogFormat::Text));
        assert_eq!("".parse(), Ok(LogFormat::Text));
        assert_eq!(
            "yaml".parse::<LogFormat>(),
            Err(UnknownLogFormat("yaml".into()))
        );
    }
}
