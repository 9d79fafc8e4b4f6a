//! Shopper-facing formatting: `Rp 2.400.000` and `IDR 2,400,000`.
//!
//! Formatting works on the integer rupiah value, never on floats; it is the last step
//! before text reaches a shopper.

use crate::{Money, PlanError};

/// The languages the widget speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// Bahasa Indonesia (`id-ID`): `Rp 2.400.000`, "Bayar dalam 3 bulan". The default,
    /// because every Kredivo shopper is in Indonesia.
    #[default]
    Id,
    /// English: `IDR 2,400,000`, "Pay in 3 months".
    En,
}

impl Locale {
    /// Reads a BCP 47 tag or a bare language: `id`, `id-ID`, `in` (Java's old code for
    /// Indonesian), `en`, `en-US`, `en_GB`… `None` for any other language.
    ///
    /// ```
    /// use kredivo_plan::Locale;
    /// assert_eq!(Locale::parse("id-ID"), Some(Locale::Id));
    /// assert_eq!(Locale::parse("en_US"), Some(Locale::En));
    /// assert_eq!(Locale::parse("fr"), None);
    /// ```
    pub fn parse(tag: &str) -> Option<Locale> {
        let language = tag.trim().split(['-', '_']).next().unwrap_or("");
        if language.eq_ignore_ascii_case("id") || language.eq_ignore_ascii_case("in") {
            Some(Locale::Id)
        } else if language.eq_ignore_ascii_case("en") {
            Some(Locale::En)
        } else {
            None
        }
    }

    /// Like [`Locale::parse`], falling back to Indonesian.
    pub fn parse_or_default(tag: &str) -> Locale {
        Locale::parse(tag).unwrap_or_default()
    }

    /// The BCP 47 tag: `id-ID` or `en`.
    pub fn as_tag(self) -> &'static str {
        match self {
            Locale::Id => "id-ID",
            Locale::En => "en",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Locale::Id => "Rp ",
            Locale::En => "IDR ",
        }
    }

    fn group_separator(self) -> u8 {
        match self {
            Locale::Id => b'.',
            Locale::En => b',',
        }
    }
}

/// Formats an amount for a shopper: `Rp 2.400.000` (Indonesian) or `IDR 2,400,000` (English).
///
/// ```
/// use kredivo_plan::{format_money, Locale, Money};
/// let m = Money::from_rupiah(2_400_000);
/// assert_eq!(format_money(m, Locale::Id), "Rp 2.400.000");
/// assert_eq!(format_money(m, Locale::En), "IDR 2,400,000");
/// assert_eq!(format_money(Money::ZERO, Locale::Id), "Rp 0");
/// ```
pub fn format_money(money: Money, locale: Locale) -> String {
    let mut digits = [0u8; 20];
    let mut n = money.to_rupiah_u64();
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let prefix = locale.prefix();
    let mut out = String::with_capacity(prefix.len() + len + len / 3);
    out.push_str(prefix);
    let separator = char::from(locale.group_separator());
    for i in (0..len).rev() {
        out.push(char::from(digits[i]));
        if i > 0 && i % 3 == 0 {
            out.push(separator);
        }
    }
    out
}

/// Parses what [`format_money`] writes, so shopper-facing text round-trips.
///
/// Accepts an optional `Rp`/`IDR` prefix (any case, with or without a space, including the
/// no-break space browsers' `Intl.NumberFormat` emits) and digits grouped by threes. The
/// separator is `.` after `Rp`, `,` after `IDR`, and either one (used consistently) without
/// a prefix. Decimals are not accepted: the display never shows them.
///
/// ```
/// use kredivo_plan::{format_money, parse_money_display, Locale, Money};
/// assert_eq!(parse_money_display("Rp 2.400.000")?, Money::from_rupiah(2_400_000));
/// assert_eq!(parse_money_display("IDR 2,400,000")?, Money::from_rupiah(2_400_000));
/// let m = Money::from_rupiah(1_234_567);
/// assert_eq!(parse_money_display(&format_money(m, Locale::En))?, m);
/// assert!(parse_money_display("Rp 2.40.000").is_err());
/// # Ok::<(), kredivo_plan::PlanError>(())
/// ```
pub fn parse_money_display(text: &str) -> Result<Money, PlanError> {
    let trimmed = text.trim();
    let (body, separator) = if let Some(rest) = strip_prefix_ignore_case(trimmed, "IDR") {
        (rest, Some(b','))
    } else if let Some(rest) = strip_prefix_ignore_case(trimmed, "Rp") {
        (rest, Some(b'.'))
    } else {
        (trimmed, None)
    };
    let body = body.trim_start();
    let bytes = body.as_bytes();
    let separator = separator.or_else(|| bytes.iter().copied().find(|b| *b == b'.' || *b == b','));

    let mut value: u64 = 0;
    let mut digits_in_group = 0usize;
    let mut groups = 0usize;
    for &b in bytes {
        match b {
            b'0'..=b'9' => {
                value = value
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(u64::from(b - b'0')))
                    .ok_or(PlanError::Overflow {
                        operation: "parse_money_display",
                    })?;
                digits_in_group += 1;
            }
            _ if Some(b) == separator => {
                // The first group has 1..=3 digits, every later group exactly 3.
                let ok = if groups == 0 {
                    (1..=3).contains(&digits_in_group)
                } else {
                    digits_in_group == 3
                };
                if !ok {
                    return Err(PlanError::invalid(text));
                }
                groups += 1;
                digits_in_group = 0;
            }
            _ => return Err(PlanError::invalid(text)),
        }
    }
    let last_ok = if groups == 0 {
        digits_in_group > 0
    } else {
        digits_in_group == 3
    };
    if !last_ok {
        return Err(PlanError::invalid(text));
    }
    Ok(Money::from_rupiah(value))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_groups_digits_by_threes_in_each_locale() {
        let rows = [
            (0, Locale::Id, "Rp 0", "zero"),
            (999, Locale::Id, "Rp 999", "no separator below a thousand"),
            (1_000, Locale::Id, "Rp 1.000", "first separator"),
            (2_400_000, Locale::Id, "Rp 2.400.000", "doc 000 amount"),
            (2_400_000, Locale::En, "IDR 2,400,000", "english"),
            (12_345_678, Locale::En, "IDR 12,345,678", "two-digit head"),
            (
                u64::MAX,
                Locale::En,
                "IDR 18,446,744,073,709,551,615",
                "largest amount",
            ),
        ];
        for (rupiah, locale, expected, why) in rows {
            assert_eq!(
                format_money(Money::from_rupiah(rupiah), locale),
                expected,
                "{why}"
            );
        }
    }

    #[test]
    fn display_parsing_accepts_browser_and_plain_spellings() {
        let rows = [
            ("Rp 2.400.000", 2_400_000, "indonesian"),
            ("Rp2.400.000", 2_400_000, "no space"),
            (
                "Rp\u{a0}2.400.000",
                2_400_000,
                "no-break space from Intl.NumberFormat",
            ),
            ("rp 10.000", 10_000, "lower case prefix"),
            ("IDR 2,400,000", 2_400_000, "english"),
            ("2400000", 2_400_000, "bare digits"),
            ("2.400.000", 2_400_000, "bare indonesian grouping"),
        ];
        for (text, rupiah, why) in rows {
            assert_eq!(
                parse_money_display(text),
                Ok(Money::from_rupiah(rupiah)),
                "{why}"
            );
        }
    }

    #[test]
    fn display_parsing_rejects_malformed_grouping() {
        let rows = [
            ("", "empty"),
            ("Rp ", "prefix only"),
            ("Rp 2.40.000", "short group"),
            ("Rp 2400.000", "long head"),
            ("Rp 2,400,000", "wrong separator for Rp"),
            ("IDR 2.400.000", "wrong separator for IDR"),
            ("2.400,000", "mixed separators"),
            ("Rp -2.400", "negative"),
            ("Rp 1.000.", "trailing separator"),
            ("Rp 99999999999999999999", "overflow"),
        ];
        for (text, why) in rows {
            assert!(parse_money_display(text).is_err(), "{why}: {text:?}");
        }
    }

    #[test]
    fn locale_tags_map_to_the_two_supported_languages() {
        let rows = [
            ("id", Some(Locale::Id)),
            ("id-ID", Some(Locale::Id)),
            ("in_ID", Some(Locale::Id)),
            ("EN", Some(Locale::En)),
            ("en-GB", Some(Locale::En)),
            ("ms-MY", None),
            ("", None),
        ];
        for (tag, expected) in rows {
            assert_eq!(Locale::parse(tag), expected, "{tag:?}");
        }
        assert_eq!(Locale::parse_or_default("xx"), Locale::Id);
    }
}
