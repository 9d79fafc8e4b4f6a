//! Kredivo payment types (`30_days`, `3_months`, …).

use std::borrow::Cow;

use crate::Locale;

crate::open_enum! {
    /// A Kredivo payment type, as sent in `payment_type` and in `/v2/payments` ids.
    ///
    /// Forward compatible: values this version does not know parse as
    /// [`PaymentType::Unknown`] and serialise back unchanged.
    ///
    /// ```
    /// use kredivo_plan::PaymentType;
    /// let six: PaymentType = "6_months".parse().unwrap();
    /// assert_eq!(six, PaymentType::SixMonths);
    /// assert_eq!(six.tenure_months(), Some(6));
    /// assert_eq!("45_days".parse::<PaymentType>().unwrap().as_str(), "45_days");
    /// ```
    pub enum PaymentType {
        /// Pay the whole amount within 30 days (tenure 1).
        ThirtyDays => "30_days",
        /// Three monthly installments.
        ThreeMonths => "3_months",
        /// Six monthly installments.
        SixMonths => "6_months",
        /// Nine monthly installments (offered by some clients).
        NineMonths => "9_months",
        /// Twelve monthly installments. `12_month` is accepted too: doc 000's
        /// `get_user_credit_details` example spells it that way.
        TwelveMonths => "12_months" | "12_month",
        /// Eighteen monthly installments (offered by some clients).
        EighteenMonths => "18_months",
        /// Twenty-four monthly installments (offered by some clients).
        TwentyFourMonths => "24_months",
    }
}

impl PaymentType {
    /// Every payment type this version knows, shortest first.
    pub const KNOWN: [PaymentType; 7] = [
        PaymentType::ThirtyDays,
        PaymentType::ThreeMonths,
        PaymentType::SixMonths,
        PaymentType::NineMonths,
        PaymentType::TwelveMonths,
        PaymentType::EighteenMonths,
        PaymentType::TwentyFourMonths,
    ];

    /// Number of monthly installments; `30_days` is one. `None` for unknown types.
    pub fn tenure_months(&self) -> Option<u32> {
        match self {
            PaymentType::ThirtyDays => Some(1),
            PaymentType::ThreeMonths => Some(3),
            PaymentType::SixMonths => Some(6),
            PaymentType::NineMonths => Some(9),
            PaymentType::TwelveMonths => Some(12),
            PaymentType::EighteenMonths => Some(18),
            PaymentType::TwentyFourMonths => Some(24),
            PaymentType::Unknown(_) => None,
        }
    }

    /// The known payment type with this many monthly installments (1 → `30_days`).
    pub fn from_tenure_months(months: u32) -> Option<PaymentType> {
        PaymentType::KNOWN
            .into_iter()
            .find(|p| p.tenure_months() == Some(months))
    }

    /// `true` when the amount is split over more than one month.
    pub fn is_installment(&self) -> bool {
        self.tenure_months().is_some_and(|n| n > 1)
    }

    /// The shopper-facing name, as Kredivo words it: "Bayar dalam 3 bulan" / "Pay in 3 months".
    ///
    /// Unknown payment types fall back to their raw id so nothing is ever blank.
    ///
    /// ```
    /// use kredivo_plan::{Locale, PaymentType};
    /// assert_eq!(PaymentType::ThirtyDays.label(Locale::Id), "Bayar dalam 30 hari");
    /// assert_eq!(PaymentType::ThreeMonths.label(Locale::En), "Pay in 3 months");
    /// ```
    pub fn label(&self, locale: Locale) -> Cow<'static, str> {
        let text = match (locale, self) {
            (Locale::Id, PaymentType::ThirtyDays) => "Bayar dalam 30 hari",
            (Locale::Id, PaymentType::ThreeMonths) => "Bayar dalam 3 bulan",
            (Locale::Id, PaymentType::SixMonths) => "Bayar dalam 6 bulan",
            (Locale::Id, PaymentType::NineMonths) => "Bayar dalam 9 bulan",
            (Locale::Id, PaymentType::TwelveMonths) => "Bayar dalam 12 bulan",
            (Locale::Id, PaymentType::EighteenMonths) => "Bayar dalam 18 bulan",
            (Locale::Id, PaymentType::TwentyFourMonths) => "Bayar dalam 24 bulan",
            (Locale::En, PaymentType::ThirtyDays) => "Pay in 30 days",
            (Locale::En, PaymentType::ThreeMonths) => "Pay in 3 months",
            (Locale::En, PaymentType::SixMonths) => "Pay in 6 months",
            (Locale::En, PaymentType::NineMonths) => "Pay in 9 months",
            (Locale::En, PaymentType::TwelveMonths) => "Pay in 12 months",
            (Locale::En, PaymentType::EighteenMonths) => "Pay in 18 months",
            (Locale::En, PaymentType::TwentyFourMonths) => "Pay in 24 months",
            (_, PaymentType::Unknown(raw)) => return Cow::Owned(raw.clone()),
        };
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_payment_type_round_trips_through_its_string() {
        for p in PaymentType::KNOWN {
            assert_eq!(p.as_str().parse::<PaymentType>().unwrap(), p, "{p}");
            assert_eq!(
                PaymentType::from_tenure_months(p.tenure_months().unwrap()),
                Some(p.clone())
            );
        }
    }

    #[test]
    fn unknown_payment_types_are_kept_verbatim() {
        let p: PaymentType = "45_Days".parse().unwrap();
        assert_eq!(p, PaymentType::Unknown("45_Days".into()));
        assert_eq!(p.as_str(), "45_Days");
        assert_eq!(p.tenure_months(), None);
        assert!(!p.is_installment());
        assert_eq!(p.label(Locale::En), "45_Days");
    }

    #[test]
    fn parsing_ignores_ascii_case_and_accepts_the_documented_12_month_typo() {
        let rows = [
            ("30_DAYS", PaymentType::ThirtyDays, "upper case"),
            (
                "12_month",
                PaymentType::TwelveMonths,
                "doc 000 credit details spelling",
            ),
            ("3_Months", PaymentType::ThreeMonths, "mixed case"),
        ];
        for (text, expected, why) in rows {
            assert_eq!(text.parse::<PaymentType>().unwrap(), expected, "{why}");
        }
        assert_eq!(PaymentType::TwelveMonths.as_str(), "12_months");
    }

    #[test]
    fn only_multi_month_types_are_installments() {
        assert!(!PaymentType::ThirtyDays.is_installment());
        assert!(PaymentType::ThreeMonths.is_installment());
        assert!(PaymentType::TwentyFourMonths.is_installment());
    }

    #[test]
    fn labels_match_kredivo_wording_in_both_languages() {
        let rows = [
            (PaymentType::ThirtyDays, Locale::Id, "Bayar dalam 30 hari"),
            (PaymentType::ThreeMonths, Locale::Id, "Bayar dalam 3 bulan"),
            (
                PaymentType::TwelveMonths,
                Locale::Id,
                "Bayar dalam 12 bulan",
            ),
            (PaymentType::ThirtyDays, Locale::En, "Pay in 30 days"),
            (PaymentType::SixMonths, Locale::En, "Pay in 6 months"),
        ];
        for (p, locale, expected) in rows {
            assert_eq!(p.label(locale), expected, "{p} in {locale:?}");
        }
    }
}
