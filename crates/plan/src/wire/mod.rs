//! Provider wire formats: the JSON exactly as providers send and expect it.
//!
//! Wire types are deliberately tolerant (numbers or strings for amounts, unknown fields
//! ignored, optional newer fields) and separate from the domain types, which they convert
//! into with `TryFrom`. Kredivo's Checkout API v2 lives in [`kredivo`].

use core::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub mod kredivo;

/// A merchant's server key. `Debug` and `Display` redact it, so it cannot leak into logs.
///
/// ```
/// use kredivo_plan::wire::ServerKey;
/// let key = ServerKey::new("8tLHIx8V0N6KtnSpS9Nbd6zROFFJH7");
/// assert_eq!(format!("{key:?}"), "ServerKey(***)");
/// assert_eq!(key.expose(), "8tLHIx8V0N6KtnSpS9Nbd6zROFFJH7");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ServerKey(String);

impl ServerKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> ServerKey {
        ServerKey(key.into())
    }

    /// The key itself, for comparing or sending; never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerKey(***)")
    }
}

/// A time as Kredivo sends it: usually UNIX epoch seconds as a number (`1501846094`), but
/// `cancellation_date` is a string of digits (`"1501844808"`) and the QR status response
/// uses text (`"2017-12-14 16:07:24"`). Both shapes are kept as received.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WireTime {
    /// Epoch seconds sent as a JSON number.
    Epoch(i64),
    /// Anything sent as a JSON string (epoch digits or a date-time).
    Text(String),
}

impl WireTime {
    /// Epoch seconds written as a string, the way doc 000 sends `cancellation_date`.
    pub fn epoch_text(seconds: i64) -> WireTime {
        WireTime::Text(seconds.to_string())
    }

    /// Epoch seconds if the value is a number or a string of digits.
    pub fn as_epoch(&self) -> Option<i64> {
        match self {
            WireTime::Epoch(seconds) => Some(*seconds),
            WireTime::Text(text) => text.trim().parse().ok(),
        }
    }
}

impl Serialize for WireTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            WireTime::Epoch(seconds) => serializer.serialize_i64(*seconds),
            WireTime::Text(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for WireTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<WireTime, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = WireTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("epoch seconds as a number or a string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<WireTime, E> {
                Ok(WireTime::Epoch(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<WireTime, E> {
                i64::try_from(v)
                    .map(WireTime::Epoch)
                    .map_err(|_| E::custom("timestamp out of range"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<WireTime, E> {
                // Some clients send 1501846094.0; only whole seconds are meaningful here.
                if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15 {
                    Ok(WireTime::Epoch(v as i64))
                } else {
                    Err(E::custom("timestamp is not whole seconds"))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<WireTime, E> {
                Ok(WireTime::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<WireTime, E> {
                Ok(WireTime::Text(v))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// Serde for a raw `Decimal` that providers send as a number (`2.95`, `6000000`) or a string
/// (`"2.95"`). Serialises as a JSON number: an integer when whole, otherwise the shortest
/// float that prints the same digits.
///
/// JSON has no decimal type, so a fractional number crosses the boundary as an `f64`;
/// it is converted by `rust_decimal` and rounded to 15 significant digits (no float text),
/// which round-trips any value of up to 15 significant digits exactly.
pub mod decimal {
    use super::*;

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
}

/// The decimal a JSON number with a fraction stood for: `2.95` becomes exactly Decimal 2.95.
///
/// The float is converted by `rust_decimal` and rounded to 15 significant digits, which
/// recovers every literal of up to 15 significant digits exactly (an `f64` holds 15.9) and
/// needs no float formatting, which would cost the browser widget ~20 KB of wasm.
pub(crate) fn decimal_from_f64(v: f64) -> Option<Decimal> {
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

/// Visitor behind [`decimal`].
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
        decimal_from_f64(v).ok_or_else(|| E::custom("number out of decimal range"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        Decimal::from_str_exact(v.trim())
            .map_err(|_| E::custom(format_args!("\"{v}\" is not a number")))
    }
}

/// Serde for a whole number sent as a number (`2`, `2.0`) or a string (`"2"`); used for
/// quantities, which validation then checks, so odd input reaches validation instead of
/// failing the whole body.
pub mod integer {
    use super::*;

    /// Writes a JSON integer.
    pub fn serialize<S: Serializer>(value: &i64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(*value)
    }

    /// Reads an integer, a whole float or a string of digits.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        deserializer.deserialize_any(IntegerVisitor)
    }

    /// The same for `Option<i64>` (`null` allowed); pair it with `#[serde(default)]`.
    pub mod option {
        use super::*;

        /// Writes an integer or `null`.
        pub fn serialize<S: Serializer>(
            value: &Option<i64>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => serializer.serialize_i64(*v),
                None => serializer.serialize_none(),
            }
        }

        /// Reads an integer, a whole float, a string of digits or `null`.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<i64>, D::Error> {
            deserializer.deserialize_option(OptionVisitor(IntegerVisitor))
        }
    }
}

/// Visitor behind [`integer`].
#[derive(Clone, Copy)]
pub(crate) struct IntegerVisitor;

impl Visitor<'_> for IntegerVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a whole number")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom("number too large"))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15 {
            Ok(v as i64)
        } else {
            Err(E::custom("not a whole number"))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        v.trim()
            .parse()
            .map_err(|_| E::custom(format_args!("\"{v}\" is not a whole number")))
    }
}

/// Serde for text that some senders write as a number (`"interest_rate": "2.6"` or `2.6`).
pub mod lenient_string {
    use super::*;

    /// Writes the string.
    pub fn serialize<S: Serializer>(
        value: &Option<String>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => serializer.serialize_str(v),
            None => serializer.serialize_none(),
        }
    }

    /// Reads a string, a number (kept as its text) or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<String>, D::Error> {
        #[derive(Clone, Copy)]
        struct V;
        impl Visitor<'_> for V {
            type Value = String;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
                Ok(v.to_owned())
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
                Ok(v)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
                Ok(v.to_string())
            }
        }
        deserializer.deserialize_option(OptionVisitor(V))
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
            prop_assert_eq!(decimal_from_f64(float), Some(written));
            prop_assert_eq!(
                decimal_from_f64(float),
                Decimal::from_str(&float.to_string()).ok().map(|d| d.normalize())
            );
        }
    }

    #[test]
    fn doc_000_rates_and_out_of_range_floats() {
        assert_eq!(decimal_from_f64(2.95), Some(Decimal::new(295, 2)));
        assert_eq!(decimal_from_f64(3.4787), Some(Decimal::new(34_787, 4)));
        assert_eq!(
            decimal_from_f64(6_000_000.0),
            Some(Decimal::from(6_000_000))
        );
        assert_eq!(decimal_from_f64(1e30), None);
        // 15 significant digits after leading zeros, and negative values.
        assert_eq!(
            decimal_from_f64(1.23456789012345e-10),
            Some(Decimal::new(123_456_789_012_345, 24))
        );
        assert_eq!(decimal_from_f64(-2.95), Some(Decimal::new(-295, 2)));
        // A whole float beyond 15 digits is kept whole.
        assert_eq!(
            decimal_from_f64(1e20),
            Some(Decimal::from(100_000_000_000_000_000_000u128))
        );
    }
}
