//! Serde helpers for the numbers aggregators send sometimes as JSON numbers and sometimes as
//! strings. Money itself goes through [`kredivo_plan::Money`] (which already accepts both) and
//! raw decimals through [`kredivo_plan::decimal`]; these cover the rest: counts, signed line
//! prices, quantities, and free-form scalars.

use serde::de::{self, Deserializer, Visitor};
use serde::Serializer;
use std::fmt;

/// A `u32` written as a string (`"1"`, Finpay's quantities), read from a string or a number.
pub mod u32_str {
    use super::*;

    /// Writes `"3"`.
    pub fn serialize<S: Serializer>(value: &u32, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    /// Reads `3` or `"3"`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        let n = d.deserialize_any(IntVisitor)?;
        u32::try_from(n).map_err(|_| de::Error::custom(format!("{n} is out of range")))
    }
}

/// A signed whole number (`-5000` for a Midtrans discount line, Kredivo's quantities and
/// tenures), written as a JSON integer, read from an integer, a whole float or a string such
/// as `"-5000"` / `"11000.00"`. Odd but whole input is accepted so that it reaches
/// validation, which names the field, instead of failing the whole body.
pub mod integer {
    use super::*;

    /// Writes `-5000`.
    pub fn serialize<S: Serializer>(value: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(*value)
    }

    /// Reads a number or a string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        d.deserialize_any(IntVisitor)
    }

    /// The same for `Option<i64>` (`null` allowed); pair it with `#[serde(default)]`.
    pub mod option {
        use super::*;

        /// Writes an integer or `null`.
        pub fn serialize<S: Serializer>(value: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => s.serialize_i64(*v),
                None => s.serialize_none(),
            }
        }

        /// Reads an integer, a whole float, a string of digits or `null`.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
            #[derive(serde::Deserialize)]
            struct Whole(#[serde(with = "super")] i64);
            let value: Option<Whole> = serde::Deserialize::deserialize(d)?;
            Ok(value.map(|Whole(v)| v))
        }
    }
}

/// Any JSON scalar (string, number, bool) as text; `null` as absent. For identifiers and
/// figures that are documented as strings but arrive as numbers in examples (Finpay's
/// `processingTime`, Midtrans's `merchant_id`).
pub mod lenient_string {
    use super::*;

    /// Writes the text as a JSON string, or `null`.
    pub fn serialize<S: Serializer>(value: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.serialize_str(v),
            None => s.serialize_none(),
        }
    }

    /// Reads a string, a number or a bool as text; `null` as `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        let value: serde_json::Value = serde::Deserialize::deserialize(d)?;
        Ok(match value {
            serde_json::Value::Null => None,
            serde_json::Value::String(s) => Some(s),
            serde_json::Value::Number(n) => Some(n.to_string()),
            serde_json::Value::Bool(b) => Some(b.to_string()),
            other => Some(other.to_string()),
        })
    }
}

struct IntVisitor;

impl Visitor<'_> for IntVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a whole number, as a JSON number or a string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom(format!("{v} is out of range")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        // Whole values only, and only where an f64 is exact (NaN and infinities fail both).
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            Ok(v as i64)
        } else {
            Err(E::custom(format!("{v} is not a whole number")))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        parse_whole(v).ok_or_else(|| E::custom(format!("{v:?} is not a whole number")))
    }
}

/// Parses `"-5000"`, `"11000.00"`, `" 3 "`; refuses fractions, exponents and separators.
fn parse_whole(text: &str) -> Option<i64> {
    let t = text.trim();
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, f),
        None => (t, ""),
    };
    if !frac.bytes().all(|b| b == b'0') {
        return None;
    }
    let digits = int.strip_prefix('-').unwrap_or(int);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    int.parse().ok()
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Probe {
        #[serde(with = "super::u32_str")]
        quantity: u32,
        #[serde(with = "super::integer")]
        price: i64,
        #[serde(default, with = "super::lenient_string")]
        note: Option<String>,
    }

    #[test]
    fn numbers_and_strings_are_both_accepted() {
        let rows = [
            (
                r#"{"quantity":"2","price":"-5000","note":0.25}"#,
                (2, -5000, Some("0.25")),
            ),
            (
                r#"{"quantity":2,"price":11000.0,"note":"x"}"#,
                (2, 11000, Some("x")),
            ),
            (
                r#"{"quantity":"1","price":"11000.00","note":null}"#,
                (1, 11000, None),
            ),
        ];
        for (json, (q, p, n)) in rows {
            let probe: Probe = serde_json::from_str(json).expect(json);
            assert_eq!(
                probe,
                Probe {
                    quantity: q,
                    price: p,
                    note: n.map(str::to_owned)
                },
                "{json}"
            );
        }
    }

    #[test]
    fn fractions_negative_counts_and_garbage_are_refused() {
        for json in [
            r#"{"quantity":"1.5","price":1}"#,
            r#"{"quantity":-1,"price":1}"#,
            r#"{"quantity":1,"price":"10.50"}"#,
            r#"{"quantity":1,"price":"1e3"}"#,
            r#"{"quantity":1,"price":"1,000"}"#,
        ] {
            assert!(serde_json::from_str::<Probe>(json).is_err(), "{json}");
        }
    }

    #[test]
    fn quantities_are_written_as_strings() {
        let probe = Probe {
            quantity: 3,
            price: -1,
            note: None,
        };
        assert_eq!(
            serde_json::to_string(&probe).expect("serialises"),
            r#"{"quantity":"3","price":-1,"note":null}"#
        );
    }
}
