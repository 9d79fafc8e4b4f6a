//! The shop's words in Indonesian and English, and how it writes money and plans.

use axum::http::HeaderMap;
use kredivo_plan::Locale;
use kredivo_proxy::fallback::{locale, rupiah};
use rust_decimal::Decimal;

use super::{cookie, LANG_COOKIE};

/// The page's language: `?lang=` when given, else the cookie, else Indonesian.
pub(super) fn language(query: Option<&str>, headers: &HeaderMap) -> Locale {
    locale(query.or_else(|| cookie(headers, LANG_COOKIE)))
}

pub(super) fn lang_code(l: Locale) -> &'static str {
    if l == Locale::En {
        "en"
    } else {
        "id"
    }
}

/// The shop's words, in both languages.
pub(super) struct Words {
    pub(super) home: &'static str,
    pub(super) cart: &'static str,
    pub(super) title: &'static str,
    pub(super) lead: &'static str,
    pub(super) product: &'static str,
    pub(super) price: &'static str,
    pub(super) quantity: &'static str,
    pub(super) to_checkout: &'static str,
    pub(super) checkout: &'static str,
    pub(super) change: &'static str,
    pub(super) total: &'static str,
    pub(super) pay_title: &'static str,
    pub(super) pay_lead: &'static str,
    pub(super) unavailable: &'static str,
    pub(super) empty: &'static str,
    pub(super) bad_quantity: &'static str,
    pub(super) bad_cart: &'static str,
    pub(super) order: &'static str,
    pub(super) amount: &'static str,
    pub(super) plan: &'static str,
    pub(super) back_home: &'static str,
    pub(super) switch: (&'static str, &'static str, &'static str),
    pub(super) footer: &'static str,
    pub(super) with_js: &'static str,
}

pub(super) fn words(l: Locale) -> Words {
    if l == Locale::En {
        Words {
            home: "Home",
            cart: "Cart",
            title: "Shop without JavaScript",
            lead: "This page works with JavaScript switched off: choose quantities, then pay with Kredivo through plain forms.",
            product: "Product",
            price: "Price",
            quantity: "Quantity",
            to_checkout: "Continue to payment",
            checkout: "Payment",
            change: "Change the cart",
            total: "Total",
            pay_title: "Pay in installments",
            pay_lead: "Choose a Kredivo plan; you confirm it at Kredivo.",
            unavailable: "Kredivo cannot be offered for this cart right now.",
            empty: "Choose at least one product.",
            bad_quantity: "Each quantity must be a whole number from 0 to 99.",
            bad_cart: "This cart cannot be saved (a product is unknown, or the total is outside what Kredivo lends).",
            order: "Order number",
            amount: "Amount",
            plan: "Plan",
            back_home: "Continue shopping",
            switch: ("id", "ID", "Bahasa Indonesia"),
            footer: "© 2026 Toko Nusantara — a demo shop for the Kredivo widget.",
            with_js: "The store with JavaScript",
        }
    } else {
        Words {
            home: "Beranda",
            cart: "Keranjang",
            title: "Belanja tanpa JavaScript",
            lead: "Halaman ini bekerja dengan JavaScript dimatikan: pilih jumlah, lalu bayar dengan Kredivo lewat formulir biasa.",
            product: "Produk",
            price: "Harga",
            quantity: "Jumlah",
            to_checkout: "Lanjut ke pembayaran",
            checkout: "Pembayaran",
            change: "Ubah keranjang",
            total: "Total",
            pay_title: "Bayar dengan cicilan",
            pay_lead: "Pilih cicilan Kredivo; Anda mengonfirmasinya di Kredivo.",
            unavailable: "Kredivo belum dapat ditawarkan untuk keranjang ini.",
            empty: "Pilih setidaknya satu produk.",
            bad_quantity: "Setiap jumlah harus bilangan bulat dari 0 sampai 99.",
            bad_cart: "Keranjang ini tidak dapat disimpan (produk tidak dikenal, atau total di luar batas Kredivo).",
            order: "Nomor pesanan",
            amount: "Jumlah",
            plan: "Tenor",
            back_home: "Kembali berbelanja",
            switch: ("en", "EN", "English"),
            footer: "© 2026 Toko Nusantara — toko demo untuk widget Kredivo.",
            with_js: "Toko dengan JavaScript",
        }
    }
}

/// Money the proxy wrote (whole rupiah as text), as the widget shows it.
pub(super) fn money(text: &str, l: Locale) -> String {
    Decimal::from_str_exact(text).map_or_else(|_| "—".to_owned(), |d| rupiah(d, l))
}

pub(super) fn status_words(status: &str, l: Locale) -> (&'static str, &'static str, &'static str) {
    let en = l == Locale::En;
    match status {
        "settled" if en => (
            "✓",
            "Payment complete",
            "Kredivo confirmed your payment. Thank you!",
        ),
        "settled" => (
            "✓",
            "Pembayaran berhasil",
            "Kredivo telah mengonfirmasi pembayaran Anda. Terima kasih!",
        ),
        "created" | "pending" if en => (
            "…",
            "Waiting for Kredivo…",
            "This page refreshes itself until Kredivo confirms.",
        ),
        "created" | "pending" => (
            "…",
            "Menunggu Kredivo…",
            "Halaman ini memperbarui diri sampai Kredivo mengonfirmasi.",
        ),
        "denied" if en => (
            "!",
            "Payment declined",
            "Kredivo did not approve this payment.",
        ),
        "denied" => (
            "!",
            "Pembayaran ditolak",
            "Kredivo tidak menyetujui pembayaran ini.",
        ),
        "expired" if en => (
            "!",
            "Payment expired",
            "The time to pay this order has passed.",
        ),
        "expired" => (
            "!",
            "Waktu pembayaran habis",
            "Batas waktu pembayaran pesanan ini telah lewat.",
        ),
        "cancelled" if en => ("!", "Payment cancelled", "This order was cancelled."),
        "cancelled" => ("!", "Pembayaran dibatalkan", "Pesanan ini dibatalkan."),
        "refunded" if en => ("!", "Refunded", "The payment for this order was refunded."),
        "refunded" => (
            "!",
            "Dana dikembalikan",
            "Pembayaran pesanan ini telah dikembalikan.",
        ),
        _ if en => ("!", "Order not found", "We cannot find this order."),
        _ => (
            "!",
            "Pesanan tidak ditemukan",
            "Pesanan ini tidak ditemukan.",
        ),
    }
}

pub(super) fn plan_words(payment_type: &str, l: Locale) -> String {
    let (days, months) = if l == Locale::En {
        ("days", "months")
    } else {
        ("hari", "bulan")
    };
    match payment_type.split_once('_') {
        Some((n, "days")) => format!("{n} {days}"),
        Some((n, "months")) => format!("{n} {months}"),
        _ => payment_type.to_owned(),
    }
}
