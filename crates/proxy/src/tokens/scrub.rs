//! Keeping user tokens out of what the proxy writes down: provider-call records, stored
//! notification bodies and logs see `"user_token":"[redacted]"`.

/// `text` with the string value of every `"user_token"` JSON member replaced by
/// `[redacted]` (also a `user_token=` query parameter). Works on any text, valid JSON or not,
/// so a truncated body is scrubbed too.
///
/// ```
/// use kredivo_proxy::tokens::scrub;
/// assert_eq!(
///     scrub(r#"{"status":"OK","user_token" : "AB-CD\"x","n":1}"#),
///     r#"{"status":"OK","user_token" : "[redacted]","n":1}"#
/// );
/// assert_eq!(scrub("a?user_token=XYZ&b=1"), "a?user_token=[redacted]&b=1");
/// ```
pub fn scrub(text: &str) -> String {
    const NAME: &str = "user_token";
    if !text.contains(NAME) {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(found) = text[i..].find(NAME) {
        let start = i + found;
        let mut j = start + NAME.len();
        out.push_str(&text[i..j]);
        i = j;
        // JSON: `user_token"` then spaces, `:`, spaces, `"value"`.
        if bytes.get(j) == Some(&b'"') {
            j += 1;
            while bytes.get(j).is_some_and(u8::is_ascii_whitespace) {
                j += 1;
            }
            if bytes.get(j) != Some(&b':') {
                continue;
            }
            j += 1;
            while bytes.get(j).is_some_and(u8::is_ascii_whitespace) {
                j += 1;
            }
            if bytes.get(j) != Some(&b'"') {
                continue;
            }
            j += 1;
            out.push_str(&text[i..j]);
            // Skip the value up to its unescaped closing quote (or the end).
            let mut k = j;
            while k < bytes.len() {
                match bytes[k] {
                    b'\\' => k += 2,
                    b'"' => break,
                    _ => k += 1,
                }
            }
            out.push_str("[redacted]");
            i = k.min(bytes.len());
        } else if bytes.get(j) == Some(&b'=') {
            j += 1;
            out.push('=');
            let mut k = j;
            while k < bytes.len() && !matches!(bytes[k], b'&' | b' ' | b'"' | b'\n') {
                k += 1;
            }
            out.push_str("[redacted]");
            i = k;
        }
    }
    out.push_str(&text[i..]);
    out
}

#[cfg(test)]
mod tests {
    use super::scrub;

    #[test]
    fn tokens_are_scrubbed_wherever_they_appear() {
        let rows = [
            (r#"{"user_token":"T-1"}"#, r#"{"user_token":"[redacted]"}"#),
            (
                r#"{"a":"user_token","user_token": "T-2"}"#,
                r#"{"a":"user_token","user_token": "[redacted]"}"#,
            ),
            (r#"{"user_token":null}"#, r#"{"user_token":null}"#),
            (r#"{"user_token":"cut-off"#, r#"{"user_token":"[redacted]"#),
            ("no token here", "no token here"),
        ];
        for (input, want) in rows {
            assert_eq!(scrub(input), want, "{input}");
        }
    }
}
