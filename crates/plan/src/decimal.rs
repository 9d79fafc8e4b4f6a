//! Serde for raw `Decimal`s that providers and pricing tables write as JSON numbers (`2.95`,
//! `6000000`) or strings (`"2.95"`): `#[serde(with = "kredivo_plan::decimal")]` and
//! `decimal::option`.
//!
//! JSON has no decimal type, so a fractional number crosses the boundary as an `f64`; it is
//! converted by `rust_decimal` and rounded to 15 significant digits (no float text), which
//! round-trips any value of up to 15 significant digits exactly.

use core::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};

/// Reads plain decimal text — an optional `-`, digits and at most one `.` (`2400000`,
/// `2.95`, `-0.5`, `.5`) — into the exact `Decimal` it writes, or `None`. Nothing else is
/// accepted: no `+`, exponent, underscore or surrounding space (callers trim where their
/// input may carry it).
///
/// The same value `Decimal::from_str_exact` gives for this grammar (a property test checks
/// it); written here because that parser, which also reads exponents, underscores and
/// other radixes, costs each widget bundle about 1.5 KB brotli.
pub fn parse_exact(text: &str) -> Option<Decimal> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut mantissa: i128 = 0;
    let mut scale: u32 = 0;
    let mut digits = false;
    let mut dot = false;
    for b in body.bytes() {
        match b {
            b'0'..=b'9' => {
                digits = true;
                // 29 digits overflow i128 never; Decimal's 96 bits are checked below.
                mantissa = mantissa
                    .checked_mul(10)?
                    .checked_add(i128::from(b - b'0'))?;
                scale += u32::from(dot);
            }
            b'.' if !dot => dot = true,
            _ => return None,
        }
    }
    if !digits {
        return None;
    }
    let mut value = Decimal::try_from_i128_with_scale(mantissa, scale).ok()?;
    value.set_sign_negative(negative);
    Some(value)
}

/// Writes the value as a JSON number.
pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    if value.fract().is_zero() {
        if let Ok(whole) = i64::try_from(value.trunc().mantissa()) {
            return serializer.serialize_i64(whole);
        }
    }
    let float: f64 = value
        .to_string()
        .parse()
        .map_err(|_| serde::ser::Error::custom("decimal not representable as a number"))?;
    serializer.serialize_f64(float)
}

/// Reads a number or a numeric string.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    deserializer.deserialize_any(DecimalVisitor)
}

/// The same for `Option<Decimal>`; pair it with `#[serde(default)]`.
pub mod option {
    use super::*;

    /// Writes a number or `null`.
    pub fn serialize<S: Serializer>(
        value: &Option<Decimal>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => super::serialize(v, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Reads a number, a numeric string or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Decimal>, D::Error> {
        deserializer.deserialize_option(OptionVisitor(DecimalVisitor))
    }
}

/// The decimal a JSON number with a fraction stood for: `2.95` becomes exactly Decimal 2.95.
///
/// The float is converted by `rust_decimal` and rounded to 15 significant digits, which
/// recovers every literal of up to 15 significant digits exactly (an `f64` holds 15.9) and
/// needs no float formatting, which would cost the browser widget ~20 KB of wasm.
pub(crate) fn from_f64(v: f64) -> Option<Decimal> {
    use rust_decimal::prelude::FromPrimitive;
    let d = Decimal::from_f64(v)?;
    // Where the leading digit sits: digits before the point, or minus the zeros after it.
    // Rounding to `15 - magnitude` places keeps 15 significant digits (what `round_sf`
    // does, with the `round_dp` the pricing code links anyway).
    let mantissa = d.mantissa().unsigned_abs();
    let digits = mantissa.checked_ilog10().map_or(0, |l| i64::from(l) + 1);
    let places = 15 - (digits - i64::from(d.scale()));
    match u32::try_from(places) {
        Ok(places) => Some(d.round_dp(places).normalize()),
        // A whole number of more than 15 digits: nothing after the point to round.
        Err(_) => Some(d.normalize()),
    }
}

/// The visitor behind this module, shared with the pricing table's percentages.
#[derive(Clone, Copy)]
pub(crate) struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number or a numeric string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        if !v.is_finite() {
            return Err(E::custom("not a finite number"));
        }
        from_f64(v).ok_or_else(|| E::custom("number out of decimal range"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        parse_exact(v.trim()).ok_or_else(|| E::custom(format_args!("\"{v}\" is not a number")))
    }
}

/// Lifts a value visitor to `Option<T>`, treating `null` (and a missing unit) as `None`.
pub(crate) struct OptionVisitor<V>(pub(crate) V);

impl<'de, V: Visitor<'de> + Copy> Visitor<'de> for OptionVisitor<V> {
    type Value = Option<V::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)?;
        f.write_str(" or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self.0).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::str::FromStr;
    use proptest::prelude::*;

    proptest! {
        /// A literal of up to 15 significant digits comes back digit for digit, as the
        /// float's shortest text form (what this replaced) gives it.
        #[test]
        fn floats_become_the_decimal_they_were_written_as(
            mantissa in 0i64..1_000_000_000_000_000,
            scale in 0u32..16,
        ) {
            let written = Decimal::new(mantissa, scale).normalize();
            let float: f64 = written.to_string().parse().unwrap();
            prop_assert_eq!(from_f64(float), Some(written));
            prop_assert_eq!(
                from_f64(float),
                Decimal::from_str(&float.to_string()).ok().map(|d| d.normalize())
            );
        }
    }

    proptest! {
        /// Over text made of the grammar's characters (and a few it refuses), `parse_exact`
        /// gives what `Decimal::from_str_exact` gives whenever it gives anything, and refuses
        /// only what is outside its grammar or beyond `Decimal`.
        #[test]
        fn parse_exact_agrees_with_rust_decimal(text in "-?[0-9.]{0,32}|[-+0-9._eE ]{0,12}") {
            let ours = parse_exact(&text);
            let theirs = Decimal::from_str_exact(&text).ok();
            if let Some(v) = ours {
                prop_assert_eq!(Some(v), theirs, "{:?}", text);
                prop_assert_eq!(v.scale(), theirs.unwrap().scale(), "{:?}", text);
            } else if let Some(v) = theirs {
                let in_grammar = text.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit() || b == b'.')
                    && text.matches('.').count() <= 1 && text.matches('-').count() <= 1;
                prop_assert!(!in_grammar, "{:?} refused but rust_decimal reads {}", text, v);
            }
        }

        /// Every decimal's own text reads back as itself, digit for digit.
        #[test]
        fn parse_exact_reads_what_decimal_writes(lo: u32, mid: u32, hi: u32, negative: bool, scale in 0u32..=28) {
            let d = Decimal::from_parts(lo, mid, hi, negative, scale);
            let back = parse_exact(&d.to_string()).expect("a decimal's text parses");
            prop_assert_eq!(back, d);
            prop_assert_eq!(back.scale(), d.scale());
        }
    }

    #[test]
    fn parse_exact_refuses_what_is_not_plain_decimal_text() {
        for bad in [
            "", "-", ".", "-.", "1..2", "1.2.3", "+1", "1e3", "1_000", " 1", "1 ", "--1", "0x10",
        ] {
            assert_eq!(parse_exact(bad), None, "{bad:?}");
        }
        assert_eq!(parse_exact("2.95"), Some(Decimal::new(295, 2)));
        assert_eq!(parse_exact("-0.50"), Some(Decimal::new(-50, 2)));
        assert_eq!(parse_exact(".5"), Some(Decimal::new(5, 1)));
        assert_eq!(parse_exact("5."), Some(Decimal::new(5, 0)));
        assert_eq!(
            parse_exact("79228162514264337593543950335"),
            Some(Decimal::MAX)
        );
        assert_eq!(parse_exact("79228162514264337593543950336"), None);
        assert_eq!(parse_exact("0.00000000000000000000000000001"), None);
    }

    #[test]
    fn doc_000_rates_and_out_of_range_floats() {
        assert_eq!(from_f64(2.95), Some(Decimal::new(295, 2)));
        assert_eq!(from_f64(3.4787), Some(Decimal::new(34_787, 4)));
        assert_eq!(from_f64(6_000_000.0), Some(Decimal::from(6_000_000)));
        assert_eq!(from_f64(1e30), None);
        // 15 significant digits after leading zeros, and negative values.
        assert_eq!(
            from_f64(1.23456789012345e-10),
            Some(Decimal::new(123_456_789_012_345, 24))
        );
        assert_eq!(from_f64(-2.95), Some(Decimal::new(-295, 2)));
        // A whole float beyond 15 digits is kept whole.
        assert_eq!(
            from_f64(1e20),
            Some(Decimal::from(100_000_000_000_000_000_000u128))
        );
    }
}
