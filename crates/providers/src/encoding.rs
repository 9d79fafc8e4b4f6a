//! How providers spell amounts and URL parts: `"1500100.00"`, and RFC 3986 percent-encoding
//! (Kredivo's `signature_key` travels encoded inside JSON, and every redirect carries
//! encoded query parameters).

use kredivo_plan::Money;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - _ . ~`) is encoded, which
/// is safe in a path segment, a query key and a query value alike.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Money with two decimals, as Kredivo's and Midtrans' responses spell it.
///
/// ```
/// use kredivo_plan::Money;
/// assert_eq!(kredivo_providers::encoding::amount_2dp(Money::from_rupiah(1_500_100)), "1500100.00");
/// ```
pub fn amount_2dp(money: Money) -> String {
    format!("{money}.00")
}

/// Percent-encodes everything but RFC 3986 unreserved characters (`%2B` for `+`, `%20`
/// for a space: never `+`, which form decoding would turn back into a space).
///
/// ```
/// use kredivo_providers::encoding::percent_encode;
/// assert_eq!(percent_encode("a+b/c= d~"), "a%2Bb%2Fc%3D%20d~");
/// ```
pub fn percent_encode(text: &str) -> String {
    utf8_percent_encode(text, NOT_UNRESERVED).to_string()
}

/// Decodes `%XX` escapes (and nothing else: a `+` stays a `+`). `None` when an escape is
/// malformed or the result is not UTF-8, where a lenient decoder would keep the text as it
/// was and hide that it was mangled.
///
/// ```
/// use kredivo_providers::encoding::percent_decode;
/// assert_eq!(percent_decode("a%2Bb+c").as_deref(), Some("a+b+c"));
/// assert_eq!(percent_decode("a%2"), None);
/// assert_eq!(percent_decode("a%zz"), None);
/// ```
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let well_formed = bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || bytes
                .get(i + 1..i + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return None;
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(|decoded| decoded.into_owned())
}

/// Appends query parameters, percent-encoded, to a URL that may already have some.
///
/// ```
/// use kredivo_providers::encoding::with_query;
/// assert_eq!(
///     with_query("https://m.test/r?a=1", &[("order_id", "A 1"), ("x", "y/z")]),
///     "https://m.test/r?a=1&order_id=A%201&x=y%2Fz"
/// );
/// ```
pub fn with_query(base: &str, params: &[(&str, &str)]) -> String {
    let mut url = base.to_owned();
    for (i, (key, value)) in params.iter().enumerate() {
        url.push(if i == 0 && !base.contains('?') {
            '?'
        } else {
            '&'
        });
        url.push_str(&percent_encode(key));
        url.push('=');
        url.push_str(&percent_encode(value));
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_then_decoding_gives_the_text_back() {
        for text in ["", "plain", "a+b/c=", "ünïcödé ✓", "%41 literal"] {
            assert_eq!(
                percent_decode(&percent_encode(text)).as_deref(),
                Some(text),
                "{text}"
            );
        }
    }

    #[test]
    fn query_parameters_are_appended_and_encoded() {
        assert_eq!(
            with_query("https://m.test/r?a=1", &[("order_id", "A 1"), ("x", "y/z")]),
            "https://m.test/r?a=1&order_id=A%201&x=y%2Fz"
        );
        assert_eq!(
            with_query(
                "https://m.test/back",
                &[("order_id", "A 1"), ("sign_key", "a+b/c=")]
            ),
            "https://m.test/back?order_id=A%201&sign_key=a%2Bb%2Fc%3D"
        );
        assert_eq!(
            with_query("https://m.test/back?x=1", &[("tr_status", "settlement")]),
            "https://m.test/back?x=1&tr_status=settlement"
        );
    }

    #[test]
    fn amounts_are_written_with_two_decimals() {
        assert_eq!(amount_2dp(Money::from_rupiah(1_500_100)), "1500100.00");
        assert_eq!(amount_2dp(Money::from_rupiah(11_000)), "11000.00");
    }

    #[test]
    fn percent_decoding_rejects_broken_escapes() {
        assert_eq!(percent_decode("a%2Fb").as_deref(), Some("a/b"));
        assert_eq!(percent_decode("a%2"), None);
        assert_eq!(percent_decode("a%zz"), None);
    }

    #[test]
    fn unreserved_characters_are_left_alone() {
        let unreserved = "AZaz09-_.~";
        assert_eq!(percent_encode(unreserved), unreserved);
    }
}
