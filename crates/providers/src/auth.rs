//! HTTP Basic authentication (Midtrans, Xendit, Finpay) and constant-time comparison.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// `Basic base64(user:password)`, the `Authorization` value Midtrans (server key, empty
/// password), Xendit (secret key, empty password) and Finpay (merchant id, merchant key) want.
///
/// ```
/// use kredivo_providers::auth::basic;
/// assert_eq!(basic("SB-Mid-server-abc", ""), "Basic U0ItTWlkLXNlcnZlci1hYmM6");
/// ```
pub fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
}

/// The user and password of a `Basic` `Authorization` value; `None` when it is another
/// scheme, not base64, not UTF-8 or has no colon. The scheme name is case-insensitive.
///
/// ```
/// use kredivo_providers::auth::parse_basic;
/// assert_eq!(parse_basic("basic U0ItTWlkLXNlcnZlci1hYmM6"), Some(("SB-Mid-server-abc".into(), String::new())));
/// assert_eq!(parse_basic("Bearer x"), None);
/// ```
pub fn parse_basic(header: &str) -> Option<(String, String)> {
    let header = header.trim();
    let (scheme, rest) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let bytes = STANDARD.decode(rest.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// Compares two byte strings in time that depends only on their lengths, not on where they
/// first differ (callback tokens, signatures).
///
/// ```
/// use kredivo_providers::auth::constant_time_eq;
/// assert!(constant_time_eq(b"token", b"token"));
/// assert!(!constant_time_eq(b"token", b"tokem"));
/// assert!(!constant_time_eq(b"token", b"token2"));
/// ```
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for (i, x) in a.iter().enumerate() {
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_round_trips_including_colons_in_the_password() {
        let header = basic("FP-01", "key:with:colons");
        assert_eq!(
            parse_basic(&header),
            Some(("FP-01".to_owned(), "key:with:colons".to_owned()))
        );
    }

    #[test]
    fn malformed_basic_headers_are_refused() {
        for bad in ["", "Basic", "Basic !!!", "Basic bm9jb2xvbg==", "Digest abc"] {
            assert_eq!(parse_basic(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn an_empty_string_equals_only_an_empty_string() {
        assert!(constant_time_eq(b"", b""));
        assert!(!constant_time_eq(b"", b"a"));
        assert!(!constant_time_eq(b"a", b""));
    }
}
