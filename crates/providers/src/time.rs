//! Times as providers write them, from Unix seconds: ISO 8601 UTC for DOKU's headers,
//! milliseconds for Xendit, Jakarta time (WIB, UTC+7) for Midtrans, Finpay and Kredivo's
//! push addresses, and DOKU's compact `yyyyMMddHHmmss`.
//!
//! The calendar arithmetic is the `time` crate's. Timestamps outside years 1..=9999 are
//! clamped to that range: no provider sends one, and a formatted time must stay 4 digits of
//! year so the fixed-width formats remain parseable.

use ::time::format_description::well_known::Rfc3339;
use ::time::{OffsetDateTime, UtcOffset};

/// Western Indonesian Time, UTC+7: what Midtrans, Finpay and Kredivo's pages print.
const WIB: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(offset) => offset,
    Err(_) => UtcOffset::UTC,
};

/// Smallest and largest Unix seconds with a 4-digit year (0001-01-01 and 9999-12-31).
const MIN_UNIX: i64 = -62_135_596_800;
const MAX_UNIX: i64 = 253_402_300_799;

/// The date-time at `unix` seconds in `offset`, clamped to years 1..=9999 (in UTC; Jakarta
/// time at the very top still fits in 9999).
fn at(unix: i64, offset: UtcOffset) -> OffsetDateTime {
    let clamped = unix.clamp(MIN_UNIX, MAX_UNIX - 7 * 3600);
    OffsetDateTime::from_unix_timestamp(clamped)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset)
}

/// `2024-01-01` and `00:00:00` parts, joined by `sep`.
fn date_time(t: OffsetDateTime, sep: char) -> String {
    format!(
        "{:04}-{:02}-{:02}{sep}{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `2021-07-07T08:45:42Z`: DOKU's `Request-Timestamp` and `transaction.date`.
///
/// ```
/// assert_eq!(kredivo_providers::time::iso_utc(1_625_647_542), "2021-07-07T08:45:42Z");
/// ```
pub fn iso_utc(unix: i64) -> String {
    format!("{}Z", date_time(at(unix, UtcOffset::UTC), 'T'))
}

/// `2024-01-01T00:00:00.000Z`: Xendit's `created` and `updated`.
///
/// ```
/// assert_eq!(kredivo_providers::time::iso_utc_millis(1_704_067_200), "2024-01-01T00:00:00.000Z");
/// ```
pub fn iso_utc_millis(unix: i64) -> String {
    format!("{}.000Z", date_time(at(unix, UtcOffset::UTC), 'T'))
}

/// `2024-01-01 07:00:00` in Jakarta time: Midtrans' `transaction_time`, Finpay's dates.
///
/// ```
/// assert_eq!(kredivo_providers::time::jakarta(1_704_067_200), "2024-01-01 07:00:00");
/// ```
pub fn jakarta(unix: i64) -> String {
    date_time(at(unix, WIB), ' ')
}

/// `2017-08-04T18:28:14` in Jakarta time, no offset: the `creation_date` of a Kredivo push's
/// shipping address (doc 000's example is 1501846094).
///
/// ```
/// assert_eq!(kredivo_providers::time::jakarta_iso(1_501_846_094), "2017-08-04T18:28:14");
/// ```
pub fn jakarta_iso(unix: i64) -> String {
    date_time(at(unix, WIB), 'T')
}

/// `20240101070000` (`yyyyMMddHHmmss`) in Jakarta time, or in UTC with `utc`: DOKU's
/// `created_date`, `expired_date` and their `_utc` twins.
///
/// ```
/// use kredivo_providers::time::compact;
/// assert_eq!(compact(1_704_067_200, false), "20240101070000");
/// assert_eq!(compact(1_704_067_200, true), "20240101000000");
/// ```
pub fn compact(unix: i64, utc: bool) -> String {
    let t = at(unix, if utc { UtcOffset::UTC } else { WIB });
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Unix seconds of an ISO 8601 UTC timestamp as DOKU writes it (`2021-07-07T08:45:42Z`,
/// optionally with a fraction, which is dropped). `None` for any other shape, another
/// offset, or an impossible date (`2021-02-30`). This is what a receiver needs to hold a
/// notification's `Request-Timestamp` to a tolerance window.
///
/// ```
/// use kredivo_providers::time::parse_iso_utc;
/// assert_eq!(parse_iso_utc("2021-07-07T08:45:42Z"), Some(1_625_647_542));
/// assert_eq!(parse_iso_utc("2021-07-07T08:45:42.250Z"), Some(1_625_647_542));
/// assert_eq!(parse_iso_utc("2021-02-30T00:00:00Z"), None);
/// assert_eq!(parse_iso_utc("2021-07-07 08:45:42"), None);
/// ```
pub fn parse_iso_utc(text: &str) -> Option<i64> {
    if !crate::doku::is_valid_timestamp(text) {
        return None;
    }
    // DOKU's shape first: RFC 3339 alone would also take other offsets.
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_iso_8601() {
        assert_eq!(iso_utc(1_625_647_542), "2021-07-07T08:45:42Z");
    }

    #[test]
    fn times_are_formatted_in_utc_and_jakarta() {
        // 2024-01-01T00:00:00Z.
        let t = 1_704_067_200;
        assert_eq!(iso_utc(t), "2024-01-01T00:00:00Z");
        assert_eq!(iso_utc_millis(t), "2024-01-01T00:00:00.000Z");
        assert_eq!(jakarta(t), "2024-01-01 07:00:00");
        assert_eq!(compact(t, false), "20240101070000");
        assert_eq!(compact(t, true), "20240101000000");
    }

    #[test]
    fn creation_dates_are_jakarta_local_time() {
        // 1501846094 = 2017-08-04T11:28:14Z = 18:28:14 WIB, doc 000's push example.
        assert_eq!(jakarta_iso(1_501_846_094), "2017-08-04T18:28:14");
    }

    #[test]
    fn formats_agree_at_the_epoch_and_across_a_jakarta_midnight() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
        // 2023-12-31T17:00:00Z is midnight in Jakarta: the date rolls over there only.
        let t = 1_704_042_000;
        assert_eq!(iso_utc(t), "2023-12-31T17:00:00Z");
        assert_eq!(jakarta(t), "2024-01-01 00:00:00");
        assert_eq!(compact(t, true), "20231231170000");
        assert_eq!(compact(t, false), "20240101000000");
    }

    #[test]
    fn leap_days_and_times_before_1970_are_formatted() {
        assert_eq!(iso_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso_utc(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn absurd_timestamps_are_clamped_to_four_digit_years() {
        assert_eq!(iso_utc(i64::MAX).len(), "9999-12-31T16:59:59Z".len());
        assert!(iso_utc(i64::MIN).starts_with("0001-01-01"));
    }

    #[test]
    fn parsing_inverts_formatting() {
        for t in [0, 951_782_400, 1_625_647_542, 1_704_042_000] {
            assert_eq!(parse_iso_utc(&iso_utc(t)), Some(t), "{t}");
        }
    }
}
