//! Exact IDR amounts.
//!
//! [`Money`] is a whole, non-negative number of rupiah. Kredivo rejects fractions of a rupiah in
//! requests and answers with strings such as `"1500100.00"`, which are whole; so a `Money` is a
//! count of whole rupiah and an amount with a real fraction cannot be built at all (parse,
//! don't validate). It converts to and from [`Decimal`] exactly.

use core::fmt;
use core::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::PlanError;

/// A whole, non-negative amount of Indonesian rupiah (IDR).
///
/// Build one with [`Money::parse`], [`Money::from_rupiah`], `TryFrom<Decimal>` or
/// [`Money::ZERO`]; there is no other way, so every `Money` in the program is valid.
/// The upper bound is [`Money::MAX`] (`u64::MAX` rupiah), which keeps every amount
/// convertible to `u64` and every intermediate product far inside `Decimal`'s range.
///
/// Serde: deserialises from a JSON number (`6505000`, `6505000.0`) or a string
/// (`"6505000"`, `"1500100.00"`); serialises as a JSON integer because Kredivo requests use
/// integers. Fields that must be strings use [`serde_str`] or [`serde_str_2dp`].
///
/// Held as a `u64` count of rupiah, which is what every whole amount up to `Money::MAX` is
/// exactly: arithmetic and comparisons are integer instructions (comparing `Decimal`s
/// rescales, which profiling showed as a third of the pricing time), and a [`crate::Plan`],
/// which holds eight amounts, is half the size it was with a 16-byte `Decimal` each (moving
/// plans was a third of `plans_into`'s time).
#[derive(Clone, Copy, Default)]
pub struct Money(u64);

/// Whole `f64`s are accepted only below 10^15 (15 digits, three more than any Kredivo
/// amount). There adjacent floats are at most 1/8 rupiah apart, so a JSON parser that is off
/// by a few units in the last place (serde_json without `float_roundtrip` is) produces a
/// fraction, which is refused, rather than a neighbouring whole amount. Near 2^53 that is
/// not so: serde_json reads `9007199254740991.0` as `9007199254740990`.
const F64_WHOLE_LIMIT: f64 = 1.0e15;

impl Money {
    /// Zero rupiah.
    pub const ZERO: Money = Money(0);

    /// The largest representable amount, `u64::MAX` rupiah.
    pub const MAX: Money = Money(u64::MAX);

    /// An amount from a whole number of rupiah; cannot fail.
    ///
    /// ```
    /// use kredivo_plan::Money;
    /// assert_eq!(Money::from_rupiah(2_400_000).to_string(), "2400000");
    /// ```
    pub const fn from_rupiah(rupiah: u64) -> Money {
        Money(rupiah)
    }

    /// Parses the decimal text providers send: `"6505000"`, `"1500100.00"`, `" 42 "`.
    ///
    /// Accepts ASCII digits with at most one decimal point; rejects signs other than a
    /// leading `-` (reported as [`PlanError::Negative`]), exponents, separators and
    /// fractions of a rupiah. Display formats such as `"Rp 2.400.000"` are parsed by
    /// [`crate::parse_money_display`] instead.
    ///
    /// ```
    /// use kredivo_plan::{Money, PlanError};
    /// assert_eq!(Money::parse("1500100.00")?, Money::from_rupiah(1_500_100));
    /// assert_eq!(Money::parse("6505000")?, Money::from_rupiah(6_505_000));
    /// assert!(matches!(Money::parse("10.50"), Err(PlanError::Fractional { .. })));
    /// assert!(matches!(Money::parse("-1"), Err(PlanError::Negative { .. })));
    /// assert!(matches!(Money::parse("1e6"), Err(PlanError::Invalid { .. })));
    /// # Ok::<(), PlanError>(())
    /// ```
    pub fn parse(input: &str) -> Result<Money, PlanError> {
        let text = input.trim();
        let body = text.strip_prefix('-').unwrap_or(text);
        let mut dots = 0usize;
        let mut digits = 0usize;
        for c in body.chars() {
            match c {
                '0'..='9' => digits += 1,
                '.' => dots += 1,
                _ => return Err(PlanError::invalid(input)),
            }
        }
        if digits == 0 || dots > 1 {
            return Err(PlanError::invalid(input));
        }
        let value = crate::decimal::parse_exact(text).ok_or_else(|| PlanError::invalid(input))?;
        Money::try_from(value)
    }

    /// The amount as a `Decimal` (scale 0), for arithmetic outside this crate.
    pub const fn as_decimal(self) -> Decimal {
        // Decimal's 96-bit mantissa is lo | mid << 32 | hi << 64.
        Decimal::from_parts(self.0 as u32, (self.0 >> 32) as u32, 0, false, 0)
    }

    /// The amount as a whole number of rupiah; never fails because `Money::MAX` is `u64::MAX`.
    pub const fn to_rupiah_u64(self) -> u64 {
        self.0
    }

    /// `true` for zero rupiah.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// `self + other`, or [`PlanError::Overflow`] above [`Money::MAX`].
    pub fn checked_add(self, other: Money) -> Result<Money, PlanError> {
        self.to_rupiah_u64()
            .checked_add(other.to_rupiah_u64())
            .map(Money::from_rupiah)
            .ok_or(PlanError::Overflow {
                operation: "Money::checked_add",
            })
    }

    /// `self - other`, or [`PlanError::Negative`] when `other` is larger.
    pub fn checked_sub(self, other: Money) -> Result<Money, PlanError> {
        match self.to_rupiah_u64().checked_sub(other.to_rupiah_u64()) {
            Some(difference) => Ok(Money::from_rupiah(difference)),
            // The shortfall in whole rupiah, negated: no decimal subtraction linked for it.
            None => Err(PlanError::Negative {
                value: -Decimal::from(other.to_rupiah_u64() - self.to_rupiah_u64()),
            }),
        }
    }

    /// `self × factor`, or [`PlanError::Overflow`] above [`Money::MAX`].
    pub fn checked_mul(self, factor: u32) -> Result<Money, PlanError> {
        self.to_rupiah_u64()
            .checked_mul(u64::from(factor))
            .map(Money::from_rupiah)
            .ok_or(PlanError::Overflow {
                operation: "Money::checked_mul",
            })
    }
}

impl PartialEq for Money {
    fn eq(&self, other: &Money) -> bool {
        self.to_rupiah_u64() == other.to_rupiah_u64()
    }
}

impl Eq for Money {}

impl PartialOrd for Money {
    fn partial_cmp(&self, other: &Money) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Money {
    fn cmp(&self, other: &Money) -> core::cmp::Ordering {
        self.to_rupiah_u64().cmp(&other.to_rupiah_u64())
    }
}

impl core::hash::Hash for Money {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.to_rupiah_u64().hash(state);
    }
}

impl TryFrom<Decimal> for Money {
    type Error = PlanError;

    /// Accepts whole, non-negative values up to [`Money::MAX`]; `2400000.00` becomes `2400000`.
    ///
    /// Works on the 96-bit mantissa with one integer division (whole means a multiple of
    /// `10^scale`) rather than `fract()` and `trunc()`, whose decimal subtraction would be
    /// linked into the checkout widget for this alone (a test pins the two as equal).
    fn try_from(value: Decimal) -> Result<Money, PlanError> {
        // Fast path: already whole rupiah at scale 0 (what rounding produces), with no u128
        // division, which wasm does in software (the pricing hot path comes through here).
        if value.scale() == 0 && !value.is_sign_negative() {
            if let Ok(rupiah) = u64::try_from(value.mantissa()) {
                return Ok(Money::from_rupiah(rupiah));
            }
        }
        if value.is_zero() {
            // Also folds -0 and 0.00 into the one zero.
            return Ok(Money::ZERO);
        }
        if value.is_sign_negative() {
            return Err(PlanError::Negative { value });
        }
        // scale <= 28 and 10^28 < 2^94, so the power fits in u128.
        let (mantissa, divisor) = (value.mantissa().unsigned_abs(), 10u128.pow(value.scale()));
        if mantissa % divisor != 0 {
            return Err(PlanError::Fractional { value });
        }
        u64::try_from(mantissa / divisor)
            .map(Money::from_rupiah)
            .map_err(|_| PlanError::Overflow {
                operation: "Money::try_from",
            })
    }
}

impl From<Money> for Decimal {
    fn from(money: Money) -> Decimal {
        money.as_decimal()
    }
}

impl FromStr for Money {
    type Err = PlanError;

    fn from_str(s: &str) -> Result<Money, PlanError> {
        Money::parse(s)
    }
}

impl fmt::Display for Money {
    /// Plain digits, no separators: `2400000`. Use [`crate::format_money`] for shoppers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({})", self.0)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(self.to_rupiah_u64())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        deserializer.deserialize_any(MoneyVisitor)
    }
}

/// Accepts every shape providers use for an amount.
struct MoneyVisitor;

impl Visitor<'_> for MoneyVisitor {
    type Value = Money;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a whole, non-negative rupiah amount as a number or a string")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Money, E> {
        Ok(Money::from_rupiah(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Money, E> {
        u64::try_from(v).map(Money::from_rupiah).map_err(|_| {
            E::custom(PlanError::Negative {
                value: Decimal::from(v),
            })
        })
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Money, E> {
        u64::try_from(v).map(Money::from_rupiah).map_err(|_| {
            E::custom(PlanError::Overflow {
                operation: "Money::deserialize",
            })
        })
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Money, E> {
        if v < 0 {
            return Err(E::custom(PlanError::Negative {
                value: Decimal::from(v),
            }));
        }
        self.visit_u128(v.unsigned_abs())
    }

    /// JSON numbers with a decimal point (`6505000.0`) reach us as `f64` from serde_json.
    /// Only whole values below 10^15 are accepted (see `F64_WHOLE_LIMIT`): an imprecisely
    /// parsed literal then shows up as a fraction and is refused, never as a different
    /// amount. Integers without a point are exact at any size. No arithmetic is done on
    /// the float.
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Money, E> {
        if !v.is_finite() {
            return Err(E::custom(PlanError::invalid("non-finite number")));
        }
        if v < 0.0 {
            return Err(E::custom(PlanError::Negative {
                value: crate::decimal::from_f64(v).unwrap_or(Decimal::NEGATIVE_ONE),
            }));
        }
        if v.fract() != 0.0 {
            return Err(E::custom(PlanError::Fractional {
                value: crate::decimal::from_f64(v).unwrap_or(Decimal::ZERO),
            }));
        }
        if v >= F64_WHOLE_LIMIT {
            return Err(E::custom(PlanError::invalid(
                "number with a decimal point too large to be exact; send an integer or a string",
            )));
        }
        Ok(Money::from_rupiah(v as u64))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Money, E> {
        Money::parse(v).map_err(E::custom)
    }
}

/// Serde helper for fields that Kredivo sends as a string of digits (`"2400000"`).
///
/// Deserialises from a number or a string, like [`Money`] itself; serialises as a string.
/// Use with `#[serde(with = "kredivo_plan::money::serde_str")]`.
pub mod serde_str {
    use super::Money;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `"2400000"`.
    pub fn serialize<S: Serializer>(money: &Money, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(money)
    }

    /// Reads a number or a string.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        Money::deserialize(deserializer)
    }

    /// The same for `Option<Money>`; pair it with `#[serde(default)]`.
    pub mod option {
        use super::Money;
        use serde::{Deserialize, Deserializer, Serializer};

        /// Writes `"2400000"` or `null`.
        pub fn serialize<S: Serializer>(
            money: &Option<Money>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match money {
                Some(m) => serializer.collect_str(m),
                None => serializer.serialize_none(),
            }
        }

        /// Reads a number, a string or `null`.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Money>, D::Error> {
            Option::<Money>::deserialize(deserializer)
        }
    }
}

/// Serde helper for Kredivo's response amounts, written with two decimals (`"1500100.00"`).
///
/// Deserialises from a number or a string; serialises as `"<digits>.00"`, which is how the
/// push notification, `/v2/update`, transaction status and cancel responses spell amounts.
pub mod serde_str_2dp {
    use super::Money;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `"1500100.00"`.
    pub fn serialize<S: Serializer>(money: &Money, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{money}.00"))
    }

    /// Reads a number or a string.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        Money::deserialize(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing_accepts_provider_spellings_and_normalises_the_scale() {
        let rows = [
            ("6505000", 6_505_000, "integer text"),
            ("1500100.00", 1_500_100, "Kredivo response string"),
            ("50.00", 50, "small amount with cents"),
            (" 42 ", 42, "surrounding spaces"),
            ("0", 0, "zero"),
            ("-0", 0, "negative zero is zero"),
            ("0.0", 0, "zero with a fraction part"),
            ("18446744073709551615", u64::MAX, "largest amount"),
        ];
        for (text, rupiah, why) in rows {
            let m = Money::parse(text).unwrap_or_else(|e| panic!("{why}: {e}"));
            assert_eq!(m, Money::from_rupiah(rupiah), "{why}");
            assert_eq!(m.as_decimal().scale(), 0, "{why}");
            assert_eq!(m.to_string(), rupiah.to_string(), "{why}");
        }
    }

    #[test]
    fn parsing_rejects_what_kredivo_would_reject() {
        type IsExpected = fn(&PlanError) -> bool;
        let rows: [(&str, IsExpected, &str); 10] = [
            (
                "10.50",
                |e| matches!(e, PlanError::Fractional { .. }),
                "fraction of a rupiah",
            ),
            (
                "-1",
                |e| matches!(e, PlanError::Negative { .. }),
                "negative",
            ),
            (
                "18446744073709551616",
                |e| matches!(e, PlanError::Overflow { .. }),
                "above u64::MAX",
            ),
            ("", |e| matches!(e, PlanError::Invalid { .. }), "empty"),
            (
                ".",
                |e| matches!(e, PlanError::Invalid { .. }),
                "lone point",
            ),
            (
                "1e6",
                |e| matches!(e, PlanError::Invalid { .. }),
                "exponent",
            ),
            (
                "1_000",
                |e| matches!(e, PlanError::Invalid { .. }),
                "underscore",
            ),
            (
                "+5",
                |e| matches!(e, PlanError::Invalid { .. }),
                "plus sign",
            ),
            (
                "1.2.3",
                |e| matches!(e, PlanError::Invalid { .. }),
                "two points",
            ),
            (
                "Rp 1.000",
                |e| matches!(e, PlanError::Invalid { .. }),
                "display format",
            ),
        ];
        for (text, expected, why) in rows {
            let err = Money::parse(text).expect_err(why);
            assert!(expected(&err), "{why}: got {err:?}");
        }
    }

    #[test]
    fn checked_arithmetic_reports_typed_errors() {
        let a = Money::from_rupiah(10);
        let b = Money::from_rupiah(3);
        assert_eq!(a.checked_add(b), Ok(Money::from_rupiah(13)));
        assert_eq!(a.checked_sub(b), Ok(Money::from_rupiah(7)));
        assert_eq!(a.checked_mul(3), Ok(Money::from_rupiah(30)));
        assert_eq!(
            b.checked_sub(a),
            Err(PlanError::Negative {
                value: Decimal::from(-7)
            })
        );
        assert_eq!(
            Money::ZERO.checked_sub(Money::MAX),
            Err(PlanError::Negative {
                value: -Decimal::from(u64::MAX)
            })
        );
        assert!(matches!(
            Money::MAX.checked_add(Money::from_rupiah(1)),
            Err(PlanError::Overflow { .. })
        ));
        assert!(matches!(
            Money::MAX.checked_mul(2),
            Err(PlanError::Overflow { .. })
        ));
        assert_eq!(Money::MAX.checked_mul(1), Ok(Money::MAX));
    }

    #[test]
    fn decimals_convert_only_when_whole_and_non_negative() {
        assert_eq!(
            Money::try_from(Decimal::new(240_000_000, 2)),
            Ok(Money::from_rupiah(2_400_000))
        );
        assert!(matches!(
            Money::try_from(Decimal::new(1, 1)),
            Err(PlanError::Fractional { .. })
        ));
        assert!(matches!(
            Money::try_from(Decimal::NEGATIVE_ONE),
            Err(PlanError::Negative { .. })
        ));
        assert_eq!(Decimal::from(Money::from_rupiah(7)), Decimal::from(7));
    }

    proptest::proptest! {
        #[test]
        fn decimal_conversion_agrees_with_rust_decimals_own_fract_and_trunc(
            lo in proptest::num::u32::ANY,
            mid in proptest::num::u32::ANY,
            hi in proptest::prop_oneof![proptest::strategy::Just(0u32), proptest::num::u32::ANY],
            negative in proptest::bool::ANY,
            scale in 0u32..=28,
            shift in 0u32..=28,
        ) {
            // Half the cases are whole: a mantissa scaled up by 10^shift at scale `shift`.
            let raw = Decimal::from_parts(lo, mid, hi, negative, scale);
            let whole = Decimal::from_parts(lo, mid, 0, negative, 0)
                .checked_mul(Decimal::from(10u64.pow(shift.min(19))))
                .map(|mut d| { let _ = d.set_scale(shift.min(19)); d });
            for value in [Some(raw), whole].into_iter().flatten() {
                let expected = if value.is_zero() {
                    Ok(Money::ZERO)
                } else if value.is_sign_negative() {
                    Err("negative")
                } else if !value.fract().is_zero() {
                    Err("fractional")
                } else {
                    u64::try_from(value.trunc().mantissa())
                        .map(Money::from_rupiah)
                        .map_err(|_| "overflow")
                };
                let got = Money::try_from(value).map_err(|e| match e {
                    PlanError::Negative { .. } => "negative",
                    PlanError::Fractional { .. } => "fractional",
                    PlanError::Overflow { .. } => "overflow",
                    _ => "other",
                });
                proptest::prop_assert_eq!(got, expected, "{}", value);
            }
        }
    }

    #[test]
    fn to_rupiah_is_exact_up_to_the_maximum() {
        for v in [0, 1, 4_294_967_295, 4_294_967_296, u64::MAX] {
            assert_eq!(Money::from_rupiah(v).to_rupiah_u64(), v, "{v}");
        }
    }
}
