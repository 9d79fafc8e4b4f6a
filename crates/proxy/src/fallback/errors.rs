//! The no-JavaScript checkout's error page: its address, its sentence per error code and the
//! page itself, in the shopper's language.

use kredivo_plan::Locale;

use super::{en, escape, shopper};
use crate::AppState;

/// The error page's address for `code`, with the way back to the shop (`back`) and the
/// shopper's fields to fix.
pub fn error_url(
    state: &AppState,
    code: &str,
    locale: Locale,
    back: Option<&str>,
    fields: &[shopper::Field],
) -> String {
    let lang = if en(locale) { "en" } else { "id" };
    let mut url = reqwest::Url::parse(&state.config().public_url("/kredivo/error"))
        .unwrap_or_else(|_| unreachable!("PUBLIC_BASE_URL is a URL"));
    url.query_pairs_mut()
        .append_pair("code", code)
        .append_pair("locale", lang);
    if !fields.is_empty() {
        let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
        url.query_pairs_mut()
            .append_pair("fields", &names.join(","));
    }
    if let Some(back) = back {
        url.query_pairs_mut().append_pair("back", back);
    }
    url.into()
}

/// The error page's sentence for a code, in the shopper's language.
pub fn error_message(code: &str, locale: Locale) -> &'static str {
    let en = en(locale);
    match code {
        "session_expired" if en => {
            "This checkout has expired. Please go back to the shop and start again."
        }
        "session_expired" => {
            "Waktu pembayaran ini telah habis. Silakan kembali ke toko dan mulai lagi."
        }
        "session_used" if en => "This checkout was already started. Please go back to the shop.",
        "session_used" => "Pembayaran ini sudah dimulai. Silakan kembali ke toko.",
        "not_found" if en => "This checkout does not exist. Please go back to the shop.",
        "not_found" => "Pembayaran ini tidak ditemukan. Silakan kembali ke toko.",
        "ineligible_amount" if en => "Kredivo does not offer this plan for this amount.",
        "ineligible_amount" => "Kredivo tidak menawarkan cicilan ini untuk jumlah tersebut.",
        "over_limit" if en => {
            "Your remaining Kredivo limit does not cover this plan; please choose another."
        }
        "over_limit" => {
            "Sisa limit Kredivo Anda tidak cukup untuk cicilan ini; silakan pilih yang lain."
        }
        "invalid_cart" if en => {
            "This cart cannot be paid as it is (it is empty or has changed). Please go back to the shop."
        }
        "invalid_cart" => {
            "Keranjang ini tidak dapat dibayar (kosong atau telah berubah). Silakan kembali ke toko."
        }
        "invalid_request" if en => "Some details are missing or not valid. Please go back and check them.",
        "invalid_request" => "Ada data yang kosong atau belum benar. Silakan kembali dan periksa lagi.",
        "forbidden_origin" if en => "This payment form was sent from a page that may not send it.",
        "forbidden_origin" => "Formulir pembayaran ini dikirim dari halaman yang tidak diizinkan.",
        "upstream_timeout" | "upstream_unavailable" | "unavailable" if en => {
            "Kredivo cannot be reached right now. Please try again in a moment."
        }
        "upstream_timeout" | "upstream_unavailable" | "unavailable" => {
            "Kredivo sedang tidak dapat dihubungi. Silakan coba lagi sebentar lagi."
        }
        _ if en => "Something went wrong. Please go back to the shop and try again.",
        _ => "Terjadi kesalahan. Silakan kembali ke toko dan coba lagi.",
    }
}

/// The whole error page (no script, no style attribute: it works under the strictest policy).
/// `back` is the shop's page to return to, already checked against the merchant's hosts;
/// `fields` are the shopper's details to fix, listed by their labels.
pub fn error_page(
    code: &str,
    locale: Locale,
    back: Option<&str>,
    fields: &[shopper::Field],
) -> String {
    let (title, back_label, check) = if en(locale) {
        ("Kredivo payment", "Go back", "Please check:")
    } else {
        ("Pembayaran Kredivo", "Kembali", "Periksa lagi:")
    };
    let lang = if en(locale) { "en" } else { "id" };
    let list = if fields.is_empty() {
        String::new()
    } else {
        let items: String = fields
            .iter()
            .map(|f| {
                format!(
                    "<li data-field=\"{}\">{}</li>",
                    f.name(),
                    escape(f.label(locale))
                )
            })
            .collect();
        format!("<p>{check}</p><ul>{items}</ul>")
    };
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head>\n<body><main><h1>{title}</h1>\
         <p role=\"alert\" data-code=\"{code}\">{message}</p>{list}{link}</main></body></html>\n",
        code = escape(code),
        message = escape(error_message(code, locale)),
        link = back
            .map(|url| format!("<p><a href=\"{}\">{back_label}</a></p>", escape(url)))
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_code_has_a_sentence_in_both_languages() {
        for code in kredivo_api::ErrorCode::ALL {
            for l in [Locale::Id, Locale::En] {
                assert!(!error_message(code.as_str(), l).is_empty(), "{code:?}");
            }
        }
        assert_ne!(
            error_message("session_expired", Locale::Id),
            error_message("session_expired", Locale::En)
        );
    }

    #[test]
    fn the_page_names_the_fields_to_fix_by_their_labels_and_links_back() {
        use shopper::Field;
        let page = error_page(
            "invalid_request",
            Locale::En,
            Some("https://shop.example/checkout?a=1&b=2"),
            &[Field::Email, Field::PostalCode],
        );
        assert!(
            page.contains(
                "<p>Please check:</p><ul><li data-field=\"email\">E-mail</li>\
                 <li data-field=\"postal_code\">Postal code</li></ul>"
            ),
            "{page}"
        );
        assert!(
            page.contains("<a href=\"https://shop.example/checkout?a=1&amp;b=2\">Go back</a>"),
            "{page}"
        );
        let plain = error_page("not_found", Locale::Id, None, &[]);
        assert!(!plain.contains("<ul>") && !plain.contains("<a "), "{plain}");
    }
}
