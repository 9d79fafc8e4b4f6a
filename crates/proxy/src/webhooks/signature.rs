//! The `Kredivo-Signature` header, Stripe's scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
//! "<t>.<raw body>" with the webhook secret>`, one `v1=` per active secret (two during a
//! rotation). The merchant verifies over the raw body, compares in constant time and
//! rejects timestamps more than [`TOLERANCE_SECS`] away from its clock (replays).

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::Secret;

/// How far a webhook's timestamp may be from the verifier's clock.
pub const TOLERANCE_SECS: i64 = 300;

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The header value for `body` sent at `timestamp` (Unix seconds).
///
/// ```
/// use kredivo_proxy::webhooks::signature::sign;
/// use kredivo_proxy::Secret;
/// let header = sign(&[Secret::new("whsec_test_0123456789abcdef0123456789")], 1_700_000_000, b"{}");
/// assert!(header.starts_with("t=1700000000,v1="));
/// ```
pub fn sign(secrets: &[Secret], timestamp: i64, body: &[u8]) -> String {
    let mut header = format!("t={timestamp}");
    for secret in secrets {
        let tag = mac(secret.expose(), timestamp, body)
            .finalize()
            .into_bytes();
        header.push_str(",v1=");
        header.push_str(&hex::encode(tag));
    }
    header
}

/// Why a webhook was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// No `t=` or no `v1=` in the header, or not numbers/hex.
    #[error("malformed signature header")]
    Malformed,
    /// No `v1=` matches.
    #[error("signature mismatch")]
    Mismatch,
    /// The timestamp is too far from now.
    #[error("timestamp outside the tolerance")]
    Stale,
}

/// Longest header a verifier reads.
const MAX_HEADER_LENGTH: usize = 4096;
/// Most `v1=` entries a verifier accepts.
const MAX_SIGNATURES: usize = 8;

/// The verifier the documentation gives in Node and PHP (`examples/`), in Rust, with the same
/// rules: every item is `key=value`; exactly one `t` of 1–12 digits; 1–8 `v1` of 64 hex
/// digits; other keys ignored (a future scheme); the signature is checked before the time.
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64) -> Result<(), VerifyError> {
    if header.is_empty() || header.len() > MAX_HEADER_LENGTH {
        return Err(VerifyError::Malformed);
    }
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for item in header.split(',') {
        let (key, value) = item.split_once('=').ok_or(VerifyError::Malformed)?;
        let (key, value) = (
            key.trim_matches([' ', '\t']),
            value.trim_matches([' ', '\t']),
        );
        match key {
            "t" => {
                let digits =
                    (1..=12).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit());
                if timestamp.is_some() || !digits {
                    return Err(VerifyError::Malformed);
                }
                timestamp = value.parse::<i64>().ok();
            }
            "v1" => {
                if value.len() != 64 || signatures.len() == MAX_SIGNATURES {
                    return Err(VerifyError::Malformed);
                }
                signatures.push(hex::decode(value).map_err(|_| VerifyError::Malformed)?);
            }
            _ => {}
        }
    }
    let Some(timestamp) = timestamp else {
        return Err(VerifyError::Malformed);
    };
    if signatures.is_empty() {
        return Err(VerifyError::Malformed);
    }
    let matched = signatures
        .iter()
        .any(|s| mac(secret, timestamp, body).verify_slice(s).is_ok());
    if !matched {
        return Err(VerifyError::Mismatch);
    }
    if (now - timestamp).abs() > TOLERANCE_SECS {
        return Err(VerifyError::Stale);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_0123456789abcdef0123456789";

    #[test]
    fn a_signed_body_verifies_and_any_change_does_not() {
        let body = br#"{"id":"evt_1","type":"order.settled"}"#;
        let header = sign(&[Secret::new(SECRET)], 1_700_000_000, body);
        assert_eq!(verify(SECRET, &header, body, 1_700_000_010), Ok(()));
        let tampered = br#"{"id":"evt_1","type":"order.settled" }"#;
        assert_eq!(
            verify(SECRET, &header, tampered, 1_700_000_010),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(
            verify(
                "whsec_other_secret_0123456789abcdef",
                &header,
                body,
                1_700_000_010
            ),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, &header, body, 1_700_000_301),
            Err(VerifyError::Stale)
        );
        assert_eq!(
            verify(SECRET, "v1=00", body, 0),
            Err(VerifyError::Malformed)
        );
    }

    /// The Node and PHP verifiers in `examples/` are tested against the vectors of
    /// `examples/webhook-vectors.json`; the Rust signer and verifier must agree with every one.
    #[test]
    fn every_example_vector_gets_the_same_verdict_here() {
        let file: serde_json::Value =
            serde_json::from_str(include_str!("../../../../examples/webhook-vectors.json"))
                .unwrap();
        let vectors = file["vectors"].as_array().unwrap();
        assert!(vectors.len() >= 10);
        for v in vectors {
            let name = v["name"].as_str().unwrap();
            let secret = v["secret"].as_str().unwrap();
            let body = v["raw_body"].as_str().unwrap().as_bytes();
            let now = v["now"].as_i64().unwrap();
            let valid = v["expected"]["valid"].as_bool().unwrap();
            let verdict = match v["header"].as_str() {
                Some(header) => verify(secret, header, body, now),
                None => Err(VerifyError::Malformed),
            };
            assert_eq!(verdict.is_ok(), valid, "{name}: {verdict:?}");
            let canonical = v["header"]
                .as_str()
                .filter(|h| h.starts_with("t=") && h.matches('=').count() == 2 && !h.contains(' '));
            if let (true, Some(theirs)) = (valid, canonical) {
                let t = v["timestamp"].as_i64().unwrap();
                assert_eq!(
                    sign(&[Secret::new(secret)], t, body),
                    theirs.to_ascii_lowercase(),
                    "{name}"
                );
            }
        }
    }
}
