//! Kredivo's QR checkout (doc 000, "Initiate QR Checkout"): `init_checkout` and the QR image.
//! Status, confirmation, pushes and cancel are the ordinary Kredivo calls of the parent
//! module.

use kredivo_providers::kredivo::qr::INIT_CHECKOUT_PATH;
use kredivo_providers::kredivo::qr::{InitCheckoutRequest, InitCheckoutResponse, SOURCE_QR};

use super::super::upstream::Call;
use super::*;

/// Largest QR image accepted from the provider.
const MAX_SVG_BYTES: usize = 256 * 1024;

/// Path of a transaction's QR image under the base URL: doc 000 shows
/// `{HOST}/{endpoint}/v1/qr/{transaction_id}`; `/offline` as the endpoint is UNCONFIRMED
/// (what the sandbox serves). Used only when an `init_checkout` answer was lost.
fn image_path(transaction_id: &str) -> String {
    format!("/offline/v1/qr/{transaction_id}")
}

pub(super) async fn start(
    gw: &KredivoGateway,
    order: &QrCheckoutOrder,
) -> Result<QrStarted, GatewayError> {
    let body = InitCheckoutRequest {
        server_key: gw.key(),
        amount: order.amount.as_decimal(),
        source: Some(SOURCE_QR.to_owned()),
        order_id: order.order_id.clone(),
        sub_merchant_id: Some(order.sub_merchant_id.clone()),
        push_uri: order.push_uri.clone(),
        items: order
            .items
            .iter()
            .map(wire_item)
            .chain(order.fees.iter().map(wire_fee))
            .collect(),
        expiration_time: Some(WireTime::epoch_text(order.expires_at_secs)),
    };
    let answer: InitCheckoutResponse = gw
        .post(
            "init_checkout",
            INIT_CHECKOUT_PATH,
            &body,
            Some(&order.order_id),
            RetryPolicy::NONE,
        )
        .await?;
    if answer.transaction_id.trim().is_empty() || answer.qr_image.trim().is_empty() {
        return Err(GatewayError::Malformed {
            operation: "init_checkout",
            reason: "no transaction_id or qr_image".into(),
        });
    }
    Ok(QrStarted {
        transaction_id: answer.transaction_id,
        qr_image: answer.qr_image,
    })
}

pub(super) fn image_url(gw: &KredivoGateway, transaction_id: &str) -> Option<String> {
    let safe = !transaction_id.is_empty()
        && transaction_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    safe.then(|| gw.up.url(&image_path(transaction_id)))
}

pub(super) async fn image(
    gw: &KredivoGateway,
    url: &str,
    order_id: &str,
) -> Result<String, GatewayError> {
    // Never a URL elsewhere: the address comes from an answer, and the proxy must not be
    // made to fetch arbitrary hosts (SSRF).
    let base = gw.up.url("");
    let path = url
        .strip_prefix(base.as_str())
        .filter(|p| p.starts_with('/') && !p.contains(".."))
        .ok_or_else(|| GatewayError::Malformed {
            operation: "qr_image",
            reason: "qr_image is not under the Kredivo base URL".into(),
        })?;
    let call = Call {
        operation: "qr_image",
        method: Method::GET,
        path: path.to_owned(),
        headers: Vec::new(),
        body: None,
        order_id: Some(order_id),
        retry: RetryPolicy::SAFE_READ,
    };
    gw.up
        .send(&call, |a| {
            let svg = a.text.trim_start();
            if !a.status.is_success() {
                return Err(GatewayError::Rejected {
                    operation: "qr_image",
                    message: format!("HTTP {}", a.status.as_u16()),
                    code: Some(i64::from(a.status.as_u16())),
                });
            }
            let head: String = svg.chars().take(512).collect();
            if svg.len() > MAX_SVG_BYTES
                || !(head.starts_with("<?xml") || head.starts_with("<svg"))
                || !svg.contains("<svg")
            {
                return Err(GatewayError::Malformed {
                    operation: "qr_image",
                    reason: "not an SVG image".into(),
                });
            }
            Ok(svg.to_owned())
        })
        .await
}
