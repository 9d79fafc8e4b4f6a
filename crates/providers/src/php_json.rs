//! JSON bytes as PHP's `json_encode` writes them, for signatures computed by PHP backends
//! (Finpay's callback `signature`).
//!
//! PHP's defaults differ from `serde_json`: no spaces, `/` escaped as `\/`, every non-ASCII
//! character as a lowercase `\uXXXX` escape (UTF-16 surrogate pairs above U+FFFF), control
//! characters as `\b \f \n \r \t` or `\u00XX`. And a PHP receiver re-encodes what it decoded,
//! so keys keep the order they arrived in: [`parse`] keeps it (a `serde_json::Value` would sort
//! them) and numbers keep their exact text.
//!
//! UNCONFIRMED (no published vector): that Finpay signs exactly `json_encode($body)` with
//! default flags. Numbers are re-emitted verbatim, which is what PHP does for integers; PHP
//! would rewrite a float such as `1.50` as `1.5`. An empty JSON object stays `{}` (PHP with
//! `assoc = true` would turn it into `[]`). Change [`encode`] if a real callback disagrees.

use crate::ProviderError;

/// A JSON document with its keys in their original order and numbers as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, exactly as written (`150000`, `0.257188081741333`).
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Node>),
    /// An object, keys in document order.
    Object(Vec<(String, Node)>),
}

impl Node {
    /// Removes `key` from a top-level object and returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let Node::Object(members) = self else {
            return None;
        };
        let index = members.iter().position(|(k, _)| k == key)?;
        Some(members.remove(index).1)
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a string node.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::String(s) => Some(s),
            _ => None,
        }
    }
}

/// Deepest nesting [`parse`] accepts (PHP's default depth is 512; callbacks are shallow).
const MAX_DEPTH: usize = 128;

/// Parses JSON text, keeping key order and number text. Duplicate keys keep the first key's
/// position and the last value, as PHP arrays do.
///
/// ```
/// use kredivo_providers::php_json::{encode, parse};
/// let node = parse(r#"{ "b": 1, "a": "https://x/y é" }"#.as_bytes())?;
/// assert_eq!(encode(&node), r#"{"b":1,"a":"https:\/\/x\/y \u00e9"}"#);
/// # Ok::<(), kredivo_providers::ProviderError>(())
/// ```
pub fn parse(bytes: &[u8]) -> Result<Node, ProviderError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ProviderError::Json(e.to_string()))?;
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        i: 0,
    };
    p.ws();
    let node = p.value(0)?;
    p.ws();
    if p.i != p.s.len() {
        return Err(p.err("trailing characters"));
    }
    Ok(node)
}

/// Writes `node` as PHP's `json_encode` would.
pub fn encode(node: &Node) -> String {
    let mut out = String::new();
    write_node(node, &mut out);
    out
}

/// Writes a `serde_json::Value` as PHP's `json_encode` would (keys in the value's own order,
/// which is sorted unless serde_json's `preserve_order` is on). Numbers use serde_json's text.
pub fn encode_value(value: &serde_json::Value) -> String {
    let mut out = String::new();
    write_value(value, &mut out);
    out
}

fn write_node(node: &Node, out: &mut String) {
    match node {
        Node::Null => out.push_str("null"),
        Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Node::Number(n) => out.push_str(n),
        Node::String(s) => write_str(s, out),
        Node::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_node(item, out);
            }
            out.push(']');
        }
        Node::Object(members) => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(k, out);
                out.push(':');
                write_node(v, out);
            }
            out.push('}');
        }
    }
}

fn write_value(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_str(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(k, out);
                out.push(':');
                write_value(v, out);
            }
            out.push('}');
        }
    }
}

fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if c.is_ascii() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn err(&self, what: &str) -> ProviderError {
        ProviderError::Json(format!("{what} at byte {}", self.i))
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Result<(), ProviderError> {
        if self.s.get(self.i) == Some(&byte) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err(&format!("expected {:?}", char::from(byte))))
        }
    }

    fn literal(&mut self, word: &str, node: Node) -> Result<Node, ProviderError> {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(node)
        } else {
            Err(self.err("invalid literal"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, ProviderError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        match self.s.get(self.i) {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Node::String),
            Some(b't') => self.literal("true", Node::Bool(true)),
            Some(b'f') => self.literal("false", Node::Bool(false)),
            Some(b'n') => self.literal("null", Node::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("unexpected character")),
            None => Err(self.err("unexpected end")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Node, ProviderError> {
        self.eat(b'{')?;
        let mut members: Vec<(String, Node)> = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(Node::Object(members));
        }
        loop {
            self.ws();
            let key = self.string()?;
            self.ws();
            self.eat(b':')?;
            self.ws();
            let value = self.value(depth + 1)?;
            match members.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => members.push((key, value)),
            }
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Node::Object(members));
                }
                _ => return Err(self.err("expected ',' or '}'")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Node, ProviderError> {
        self.eat(b'[')?;
        let mut items = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(Node::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Node::Array(items));
                }
                _ => return Err(self.err("expected ',' or ']'")),
            }
        }
    }

    fn number(&mut self) -> Result<Node, ProviderError> {
        let start = self.i;
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.s.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.err("invalid number")),
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !matches!(self.s.get(self.i), Some(b'0'..=b'9')) {
                return Err(self.err("invalid fraction"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.s.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.s.get(self.i) {
                self.i += 1;
            }
            if !matches!(self.s.get(self.i), Some(b'0'..=b'9')) {
                return Err(self.err("invalid exponent"));
            }
            self.digits();
        }
        Ok(Node::Number(self.text[start..self.i].to_owned()))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    fn hex4(&mut self) -> Result<u16, ProviderError> {
        let hex = self
            .text
            .get(self.i..self.i + 4)
            .ok_or_else(|| self.err("short \\u escape"))?;
        let unit = u16::from_str_radix(hex, 16).map_err(|_| self.err("bad \\u escape"))?;
        self.i += 4;
        Ok(unit)
    }

    fn string(&mut self) -> Result<String, ProviderError> {
        self.eat(b'"')?;
        let mut out = String::new();
        loop {
            let start = self.i;
            while let Some(&b) = self.s.get(self.i) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            out.push_str(&self.text[start..self.i]);
            match self.s.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let esc = *self.s.get(self.i).ok_or_else(|| self.err("bad escape"))?;
                    self.i += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                if !self.s[self.i..].starts_with(b"\\u") {
                                    return Err(self.err("unpaired surrogate"));
                                }
                                self.i += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.err("unpaired surrogate"));
                                }
                                let code = 0x10000
                                    + ((u32::from(hi) - 0xD800) << 10)
                                    + (u32::from(lo) - 0xDC00);
                                char::from_u32(code)
                            } else {
                                char::from_u32(u32::from(hi))
                            };
                            out.push(c.ok_or_else(|| self.err("unpaired surrogate"))?);
                        }
                        _ => return Err(self.err("bad escape")),
                    }
                }
                Some(_) => return Err(self.err("control character in string")),
                None => return Err(self.err("unterminated string")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_like_php_json_encode() {
        let rows = [
            ("a/b", r#""a\/b""#),
            ("é", r#""\u00e9""#),
            ("日本", r#""\u65e5\u672c""#),
            ("😀", r#""\ud83d\ude00""#),
            ("q\"b\\", r#""q\"b\\""#),
            ("\n\t\u{1}", r#""\n\t\u0001""#),
            ("~<>&'", r#""~<>&'""#),
        ];
        for (input, expected) in rows {
            let mut out = String::new();
            write_str(input, &mut out);
            assert_eq!(out, expected, "{input:?}");
        }
    }

    #[test]
    fn parsing_keeps_key_order_and_number_text() {
        let node = parse(br#" {"z":1.50,"a":[true,null,-0.5e3],"m":{}} "#).expect("valid");
        assert_eq!(encode(&node), r#"{"z":1.50,"a":[true,null,-0.5e3],"m":{}}"#);
    }

    #[test]
    fn escapes_in_the_input_are_decoded_then_re_encoded_the_php_way() {
        let node = parse(br#"{"u":"https:\/\/a.b\/c","e":"\u00E9\ud83d\ude00"}"#).expect("valid");
        assert_eq!(node.get("e").and_then(Node::as_str), Some("é😀"));
        assert_eq!(
            encode(&node),
            r#"{"u":"https:\/\/a.b\/c","e":"\u00e9\ud83d\ude00"}"#
        );
    }

    #[test]
    fn a_duplicate_key_keeps_its_first_position_and_last_value() {
        let node = parse(br#"{"a":1,"b":2,"a":3}"#).expect("valid");
        assert_eq!(encode(&node), r#"{"a":3,"b":2}"#);
    }

    #[test]
    fn removing_the_signature_leaves_the_rest_in_order() {
        let mut node = parse(br#"{"a":1,"signature":"x","b":2}"#).expect("valid");
        assert_eq!(node.remove("signature"), Some(Node::String("x".into())));
        assert_eq!(encode(&node), r#"{"a":1,"b":2}"#);
        assert_eq!(node.remove("signature"), None);
    }

    #[test]
    fn invalid_json_is_refused() {
        for bad in [
            &b"{"[..],
            b"{\"a\":}",
            b"{\"a\":1,}",
            b"[1 2]",
            b"01",
            b"1.",
            b"\"\\ud800\"",
            b"\"a\nb\"",
            b"{} x",
            b"\xff",
        ] {
            assert!(parse(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn deep_nesting_is_refused_instead_of_overflowing_the_stack() {
        let deep = "[".repeat(10_000);
        assert!(parse(deep.as_bytes()).is_err());
    }

    #[test]
    fn a_serde_value_encodes_the_same_as_its_parsed_text() {
        let value = serde_json::json!({"url": "https://m.test/x", "name": "Kemeja é", "n": 12});
        let text = encode_value(&value);
        let reparsed = parse(serde_json::to_string(&value).expect("json").as_bytes()).expect("ok");
        assert_eq!(encode(&reparsed), text);
    }
}
