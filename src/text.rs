//! Every shopper-facing sentence, in Bahasa Indonesia and English.
//!
//! Amounts are formatted by `kredivo_plan::format_money`; this module only words sentences
//! around them.

use kredivo_plan::{format_money, Locale, Money, PaymentType};

/// Formats an amount the way the widget shows it: `Rp 248.050` (Indonesian) and
/// `Rp 248,050` (English).
///
/// Indonesian shoppers read "Rp" in either language, so the English text keeps the rupiah
/// sign and only switches to English digit grouping; the grouping itself is
/// `kredivo_plan::format_money`'s.
pub fn money(m: Money, locale: Locale) -> String {
    let s = format_money(m, locale);
    match s.strip_prefix("IDR ") {
        Some(digits) => format!("Rp {digits}"),
        None => s,
    }
}

/// [`money`] written into `out` (cleared first), so that a badge drawn 200 times reuses one
/// buffer instead of allocating two strings each time.
#[cfg(feature = "badge")]
pub fn money_into(out: &mut String, m: Money, locale: Locale) {
    let separator = match locale {
        Locale::En => ',',
        _ => '.',
    };
    let mut digits = [0u8; 20];
    let (mut n, mut len) = (m.to_rupiah_u64(), 0);
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.clear();
    out.push_str("Rp ");
    for i in (0..len).rev() {
        out.push(char::from(digits[i]));
        if i > 0 && i % 3 == 0 {
            out.push(separator);
        }
    }
}

/// A monthly rate as Kredivo gives it: `2,95%/bulan` (Indonesian) and `2.95%/month`
/// (English), with the provider's digits and no trailing zeros.
///
/// Written from the mantissa and scale: `Decimal`'s `Display` would link its formatter into
/// a bundle that otherwise never prints a decimal.
pub fn rate(r: rust_decimal::Decimal, locale: Locale) -> String {
    let (sep, per) = match locale {
        Locale::En => (".", EN_PER_MONTH),
        _ => (",", ID_PER_MONTH),
    };
    // Integer arithmetic only: slicing strings would link the slice-error formatter.
    let mantissa = u64::try_from(r.mantissa().unsigned_abs()).unwrap_or(0);
    let mut width = r.scale();
    let unit = 10u64.checked_pow(width).unwrap_or(1);
    let mut fraction = mantissa % unit;
    // No trailing zeros: 2.950 is 2 and 95.
    while width > 0 && fraction.is_multiple_of(10) {
        fraction /= 10;
        width -= 1;
    }
    let mut out = (mantissa / unit).to_string();
    if width > 0 {
        out.push_str(sep);
        let digits = fraction.to_string();
        for _ in digits.len()..width as usize {
            out.push('0');
        }
        out.push_str(&digits);
    }
    out.push('%');
    out.push_str(per);
    out
}

// Words both widgets use; each widget's table names them, so neither bundle carries the
// other widget's sentences.
const ID_PER_MONTH: &str = "/bulan";
const EN_PER_MONTH: &str = "/month";
const ID_TOTAL: &str = "Total";
const EN_TOTAL: &str = "Total";
const ID_NO_INTEREST: &str = "Tanpa bunga";
const EN_NO_INTEREST: &str = "No interest";

/// Fixed strings of one language for the checkout widget.
#[derive(Debug)]
pub struct Strings {
    /// Screen-reader text of the skeleton.
    pub loading: &'static str,
    /// Accessible name of the plan radio group.
    pub choose_plan: &'static str,
    /// After a monthly amount: `/bulan`.
    pub per_month: &'static str,
    /// Label of the total repaid.
    pub total: &'static str,
    /// Label of the interest.
    pub interest: &'static str,
    /// Shown when a plan has no interest.
    pub no_interest: &'static str,
    /// Label of the service fee.
    pub service_fee: &'static str,
    /// Label of the down payment.
    pub down_payment: &'static str,
    /// Label of the promotional discount.
    pub promo_discount: &'static str,
    /// Label of the monthly rate in the summary.
    pub rate: &'static str,
    /// Label of the monthly installment in the summary.
    pub monthly: &'static str,
    /// Label of the tenure in the summary.
    pub tenure: &'static str,
    /// Heading of the selected plan's summary.
    pub summary: &'static str,
    /// Marks figures computed from the pricing table rather than by Kredivo.
    pub estimate: &'static str,
    /// Words before the logo on the button.
    pub pay_with: &'static str,
    /// Button text while a checkout is in flight.
    pub processing: &'static str,
    /// Shown while the browser leaves for Kredivo.
    pub redirecting: &'static str,
    /// Shown while an express checkout is being confirmed.
    pub waiting: &'static str,
    /// Text of every retry button.
    pub retry: &'static str,
    /// Shown when no plan covers the amount.
    pub ineligible: &'static str,
    /// Before the tokenised shopper's remaining limit: `Sisa limit`.
    pub limit: &'static str,
    /// Why a plan cannot be chosen: above the remaining limit.
    pub over_limit: &'static str,
    /// The title of the month-by-month schedule.
    pub schedule: &'static str,
}

const ID: Strings = Strings {
    loading: "Memuat pilihan cicilan Kredivo…",
    choose_plan: "Pilih tenor cicilan Kredivo",
    per_month: ID_PER_MONTH,
    total: ID_TOTAL,
    interest: "Bunga",
    no_interest: ID_NO_INTEREST,
    service_fee: "Biaya layanan",
    down_payment: "Uang muka",
    promo_discount: "Diskon promo",
    rate: "Suku bunga",
    monthly: "Cicilan per bulan",
    tenure: "Tenor",
    summary: "Ringkasan pembayaran",
    estimate: "Perkiraan — angka akhir dikonfirmasi oleh Kredivo.",
    pay_with: "Bayar dengan",
    processing: "Memproses…",
    redirecting: "Mengalihkan ke Kredivo…",
    waiting: "Menunggu konfirmasi pembayaran…",
    retry: "Coba lagi",
    ineligible: "Cicilan Kredivo tidak tersedia untuk total belanja ini.",
    limit: "Sisa limit",
    over_limit: "Melebihi sisa limit Anda",
    schedule: "Jadwal cicilan",
};

const EN: Strings = Strings {
    loading: "Loading Kredivo installment options…",
    choose_plan: "Choose a Kredivo installment plan",
    per_month: EN_PER_MONTH,
    total: EN_TOTAL,
    interest: "Interest",
    no_interest: EN_NO_INTEREST,
    service_fee: "Service fee",
    down_payment: "Down payment",
    promo_discount: "Promo discount",
    rate: "Interest rate",
    monthly: "Monthly installment",
    tenure: "Term",
    summary: "Payment summary",
    estimate: "Estimate — Kredivo confirms the final figures.",
    pay_with: "Pay with",
    processing: "Processing…",
    redirecting: "Redirecting to Kredivo…",
    waiting: "Waiting for payment confirmation…",
    retry: "Try again",
    ineligible: "Kredivo installments aren't available for this amount.",
    limit: "Remaining limit",
    over_limit: "Above your remaining limit",
    schedule: "Installment schedule",
};

/// Fixed strings of one language for badges and their dialog.
#[derive(Debug)]
pub struct BadgeStrings {
    /// After a monthly amount: `/bulan`.
    pub per_month: &'static str,
    /// Label of the total repaid.
    pub total: &'static str,
    /// Shown when a plan has no interest.
    pub no_interest: &'static str,
    /// Badge text before the amount.
    pub badge_before: &'static str,
    /// Badge text between the amount and the brand.
    pub badge_after: &'static str,
    /// Badge text before the brand when only the 30-day plan covers the amount.
    pub badge_later: &'static str,
    /// Accessible hint of a badge.
    pub badge_hint: &'static str,
    /// Heading of the breakdown dialog.
    pub dialog_title: &'static str,
    /// Close button of the dialog.
    pub close: &'static str,
    /// Footnote of the dialog.
    pub dialog_note: &'static str,
    /// Title of the month-by-month schedule in the dialog.
    pub schedule: &'static str,
}

const BADGE_ID: BadgeStrings = BadgeStrings {
    per_month: ID_PER_MONTH,
    total: ID_TOTAL,
    no_interest: ID_NO_INTEREST,
    badge_before: "Cicilan mulai ",
    badge_after: "/bulan dengan ",
    badge_later: "Bayar nanti dalam 30 hari dengan ",
    badge_hint: "Lihat rincian cicilan",
    dialog_title: "Cicilan dengan Kredivo",
    close: "Tutup",
    dialog_note: "Perkiraan berdasarkan tarif Kredivo. Angka akhir ditampilkan saat checkout.",
    schedule: "Jadwal cicilan",
};

const BADGE_EN: BadgeStrings = BadgeStrings {
    per_month: EN_PER_MONTH,
    total: EN_TOTAL,
    no_interest: EN_NO_INTEREST,
    badge_before: "From ",
    badge_after: "/month with ",
    badge_later: "Pay in 30 days with ",
    badge_hint: "See installment details",
    dialog_title: "Pay later with Kredivo",
    close: "Close",
    dialog_note: "Estimate based on Kredivo's rates. Final figures are shown at checkout.",
    schedule: "Installment schedule",
};

/// Fixed strings of one language for the shop counter's QR screen.
#[cfg(feature = "qr")]
#[derive(Debug)]
pub struct QrStrings {
    /// Heading before the logo.
    pub title: &'static str,
    /// What the shopper does with the code.
    pub scan: &'static str,
    /// Text alternative of the code.
    pub code: &'static str,
    /// Before the countdown.
    pub time_left: &'static str,
    /// The cashier's cancel button.
    pub cancel: &'static str,
    /// Screen-reader text while the code loads.
    pub loading: &'static str,
}

#[cfg(feature = "qr")]
const QR_ID: QrStrings = QrStrings {
    title: "Bayar dengan",
    scan: "Pindai kode QR ini dengan aplikasi Kredivo",
    code: "Kode QR pembayaran Kredivo",
    time_left: "Sisa waktu",
    cancel: "Batalkan pembayaran",
    loading: "Memuat kode QR…",
};

#[cfg(feature = "qr")]
const QR_EN: QrStrings = QrStrings {
    title: "Pay with",
    scan: "Scan this QR code with the Kredivo app",
    code: "Kredivo payment QR code",
    time_left: "Time left",
    cancel: "Cancel payment",
    loading: "Loading the QR code…",
};

/// The QR screen's fixed strings in a language.
#[cfg(feature = "qr")]
pub fn qr_strings(locale: Locale) -> &'static QrStrings {
    match locale {
        Locale::En => &QR_EN,
        _ => &QR_ID,
    }
}

/// The checkout widget's fixed strings in a language.
pub fn strings(locale: Locale) -> &'static Strings {
    match locale {
        Locale::En => &EN,
        _ => &ID,
    }
}

/// The badges' fixed strings in a language.
pub fn badge_strings(locale: Locale) -> &'static BadgeStrings {
    match locale {
        Locale::En => &BADGE_EN,
        _ => &BADGE_ID,
    }
}

/// The tenure in words: "6 bulan", "30 hari" / "6 months", "30 days".
pub fn tenure(payment_type: &str, months: u32, locale: Locale) -> String {
    let days = payment_type.parse::<PaymentType>().ok() == Some(PaymentType::ThirtyDays);
    match (locale, days) {
        (Locale::En, true) => "30 days".into(),
        (Locale::En, false) if months == 1 => "1 month".into(),
        (Locale::En, false) => format!("{months} months"),
        (_, true) => "30 hari".into(),
        (_, false) => format!("{months} bulan"),
    }
}

/// The plan's title, as Kredivo words it ("Bayar dalam 6 bulan").
pub fn plan_title(payment_type: &str, locale: Locale) -> String {
    payment_type
        .parse::<PaymentType>()
        .map(|p| p.label(locale).into_owned())
        .unwrap_or_default()
}

/// What a screen reader says for a plan: "Rp 450.090 per bulan selama 6 bulan".
pub fn plan_aria(
    monthly: Money,
    total: Money,
    payment_type: &str,
    months: u32,
    locale: Locale,
) -> String {
    let once = months <= 1;
    match (locale, once) {
        (Locale::En, true) => format!(
            "{}, pay in {}",
            money(total, locale),
            tenure(payment_type, months, locale)
        ),
        (Locale::En, false) => format!("{} per month for {months} months", money(monthly, locale)),
        (_, true) => format!(
            "{}, bayar dalam {}",
            money(total, locale),
            tenure(payment_type, months, locale)
        ),
        (_, false) => format!("{} per bulan selama {months} bulan", money(monthly, locale)),
    }
}

/// "Promo Rp 400.000/bulan untuk 2 bulan pertama".
pub fn promo(monthly: Money, months: u32, locale: Locale) -> String {
    match locale {
        Locale::En => format!(
            "Promo {}/month for the first {months} months",
            money(monthly, locale)
        ),
        _ => format!(
            "Promo {}/bulan untuk {months} bulan pertama",
            money(monthly, locale)
        ),
    }
}

/// The dialog's subtitle: "untuk belanja Rp 2.400.000".
pub fn for_amount(amount: Money, locale: Locale) -> String {
    match locale {
        Locale::En => format!("For a purchase of {}", money(amount, locale)),
        _ => format!("Untuk belanja {}", money(amount, locale)),
    }
}

/// The badge's whole sentence, e.g. for an `aria-label` or a test.
pub fn badge(monthly: Money, locale: Locale) -> String {
    let s = badge_strings(locale);
    format!(
        "{}{}{}Kredivo",
        s.badge_before,
        money(monthly, locale),
        s.badge_after
    )
}

/// A localised message for a stable error code (`kredivo:error`'s `detail.code`).
pub fn error(code: &str, locale: Locale) -> &'static str {
    let en = locale == Locale::En;
    match code {
        "network" if en => "We couldn't reach the store. Check your connection and try again.",
        "network" => "Tidak dapat terhubung ke toko. Periksa koneksi Anda lalu coba lagi.",
        "timeout" if en => "Kredivo took too long to respond. Please try again.",
        "timeout" => "Kredivo tidak merespons tepat waktu. Silakan coba lagi.",
        "ineligible_amount" => strings(locale).ineligible,
        "over_limit" => strings(locale).over_limit,
        "invalid_cart" if en => "Your cart has changed. Reload the page and try again.",
        "invalid_cart" => "Keranjang Anda berubah. Muat ulang halaman lalu coba lagi.",
        "rate_limited" if en => "Too many attempts. Wait a moment and try again.",
        "rate_limited" => "Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi.",
        "upstream_error" | "upstream_timeout" | "upstream_unavailable" if en => {
            "Kredivo is unavailable right now. Please try again in a moment."
        }
        "upstream_error" | "upstream_timeout" | "upstream_unavailable" => {
            "Kredivo sedang tidak dapat dihubungi. Silakan coba lagi sebentar lagi."
        }
        "invalid_request" if en => {
            "Please check your name, contact details and shipping address, then try again."
        }
        "invalid_request" => {
            "Periksa kembali nama, kontak, dan alamat pengiriman Anda, lalu coba lagi."
        }
        "session_expired" if en => {
            "This checkout has expired. Go back to the shop to check out again."
        }
        "session_expired" => {
            "Sesi pembayaran ini sudah kedaluwarsa. Kembali ke toko untuk checkout ulang."
        }
        "session_used" if en => {
            "This checkout has already been used. Check your order's status in the shop."
        }
        "session_used" => "Sesi pembayaran ini sudah digunakan. Cek status pesanan Anda di toko.",
        "not_found" if en => "This checkout wasn't found. Go back to the shop and try again.",
        "not_found" => "Sesi pembayaran tidak ditemukan. Kembali ke toko lalu coba lagi.",
        "unavailable" if en => {
            "The shop can't take payments right now. Please try again in a few minutes."
        }
        "unavailable" => {
            "Toko sedang tidak dapat memproses pembayaran. Silakan coba lagi beberapa menit lagi."
        }
        "invalid_options" if en => "This Kredivo widget isn't set up correctly.",
        "invalid_options" => "Widget Kredivo ini belum diatur dengan benar.",
        "order_failed" if en => "The payment wasn't completed. You can try again.",
        "order_failed" => "Pembayaran tidak berhasil. Anda dapat mencoba lagi.",
        _ if en => "Something went wrong. Please try again.",
        _ => "Terjadi kesalahan. Silakan coba lagi.",
    }
}

/// What the widget says when an express checkout reaches a final state.
pub fn order_done(status: kredivo_api::OrderStatus, locale: Locale) -> &'static str {
    use kredivo_api::OrderStatus as S;
    let en = locale == Locale::En;
    match status {
        S::Settled if en => "Payment complete. Thank you!",
        S::Settled => "Pembayaran berhasil. Terima kasih!",
        S::Denied if en => "Kredivo declined this payment.",
        S::Denied => "Pembayaran ditolak oleh Kredivo.",
        S::Expired if en => "The payment expired.",
        S::Expired => "Waktu pembayaran telah habis.",
        S::Cancelled if en => "The payment was cancelled.",
        S::Cancelled => "Pembayaran dibatalkan.",
        S::Refunded if en => "The payment was refunded.",
        S::Refunded => "Pembayaran telah dikembalikan (refund).",
        S::Created | S::Pending => strings(locale).waiting,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "badge")]
    #[test]
    fn money_into_a_reused_buffer_writes_what_money_writes() {
        let mut buf = String::from("left over");
        for rupiah in [
            0,
            7,
            999,
            1_000,
            248_050,
            2_400_000,
            12_345_678_901,
            u64::MAX,
        ] {
            for l in [Locale::Id, Locale::En] {
                let m = Money::from_rupiah(rupiah);
                money_into(&mut buf, m, l);
                assert_eq!(buf, money(m, l), "{rupiah} in {l:?}");
            }
        }
    }

    #[test]
    fn badges_read_the_same_amount_in_both_languages() {
        let m = Money::from_rupiah(248_050);
        assert_eq!(
            badge(m, Locale::Id),
            "Cicilan mulai Rp 248.050/bulan dengan Kredivo"
        );
        assert_eq!(badge(m, Locale::En), "From Rp 248,050/month with Kredivo");
    }

    #[test]
    fn rates_keep_the_providers_digits_in_each_languages_notation() {
        use rust_decimal::Decimal;
        let r = Decimal::new(295, 2);
        assert_eq!(rate(r, Locale::Id), "2,95%/bulan");
        assert_eq!(rate(r, Locale::En), "2.95%/month");
        // Trailing zeros go; a whole rate has no separator.
        assert_eq!(rate(Decimal::new(2950, 3), Locale::Id), "2,95%/bulan");
        assert_eq!(rate(Decimal::new(3, 0), Locale::En), "3%/month");
        assert_eq!(rate(Decimal::new(30, 0), Locale::En), "30%/month");
        assert_eq!(rate(Decimal::new(300, 2), Locale::Id), "3%/bulan");
        assert_eq!(rate(Decimal::new(5, 2), Locale::Id), "0,05%/bulan");
    }

    #[test]
    fn screen_readers_hear_amount_per_month_and_tenure() {
        let (m, t) = (Money::from_rupiah(450_090), Money::from_rupiah(2_700_540));
        assert_eq!(
            plan_aria(m, t, "6_months", 6, Locale::Id),
            "Rp 450.090 per bulan selama 6 bulan"
        );
        assert_eq!(
            plan_aria(m, t, "6_months", 6, Locale::En),
            "Rp 450,090 per month for 6 months"
        );
        let once = Money::from_rupiah(2_424_000);
        assert_eq!(
            plan_aria(once, once, "30_days", 1, Locale::Id),
            "Rp 2.424.000, bayar dalam 30 hari"
        );
        assert_eq!(
            plan_aria(once, once, "30_days", 1, Locale::En),
            "Rp 2,424,000, pay in 30 days"
        );
    }

    #[test]
    fn tenures_and_titles_are_worded_per_language() {
        let rows = [
            ("30_days", 1, Locale::Id, "30 hari"),
            ("30_days", 1, Locale::En, "30 days"),
            ("3_months", 3, Locale::Id, "3 bulan"),
            ("12_months", 12, Locale::En, "12 months"),
        ];
        for (pt, n, l, want) in rows {
            assert_eq!(tenure(pt, n, l), want, "{pt} {l:?}");
        }
        assert_eq!(plan_title("6_months", Locale::Id), "Bayar dalam 6 bulan");
        assert_eq!(
            plan_title("45_days", Locale::En),
            "45_days",
            "unknown ids stay readable"
        );
    }

    #[test]
    fn every_api_error_code_has_a_message_in_both_languages() {
        for code in kredivo_api::ErrorCode::ALL {
            for l in [Locale::Id, Locale::En] {
                assert!(!error(code.as_str(), l).is_empty(), "{code:?}");
            }
        }
        assert_ne!(error("network", Locale::Id), error("network", Locale::En));
    }

    #[test]
    fn session_and_availability_errors_have_their_own_words_in_both_languages() {
        let generic = [
            error("brand_new", Locale::Id),
            error("brand_new", Locale::En),
        ];
        for code in [
            "session_expired",
            "session_used",
            "not_found",
            "unavailable",
            "invalid_request",
        ] {
            let (id, en) = (error(code, Locale::Id), error(code, Locale::En));
            assert!(!generic.contains(&id) && !generic.contains(&en), "{code}");
            assert_ne!(id, en, "{code} is translated");
        }
        assert_eq!(
            error("session_expired", Locale::En),
            "This checkout has expired. Go back to the shop to check out again."
        );
    }

    /// Regression: a refunded express checkout said "waiting for payment confirmation"
    /// forever, because `refunded` fell into the catch-all arm for unfinished orders.
    #[test]
    fn every_final_order_status_has_its_own_sentence() {
        use kredivo_api::OrderStatus;
        for l in [Locale::Id, Locale::En] {
            let waiting = strings(l).waiting;
            for status in OrderStatus::ALL {
                let said = order_done(status, l);
                assert_eq!(said == waiting, !status.is_final(), "{status:?} in {l:?}");
            }
        }
        assert_eq!(
            order_done(kredivo_api::OrderStatus::Refunded, Locale::Id),
            "Pembayaran telah dikembalikan (refund)."
        );
    }
}
