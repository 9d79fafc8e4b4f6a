//! The hosted pages' markup. Pure functions from prepared strings to HTML; the handlers in
//! `hosted.rs` decide which page to show. Every form posts without JavaScript; element ids
//! and names are part of the sandbox's contract with browser tests (see the README).

use axum::response::Html;

use crate::html::{escape, page};

/// What the pages say about the order being paid.
#[derive(Debug, Clone, Default)]
pub(crate) struct OrderSummary {
    /// Merchant's display name.
    pub merchant: String,
    /// Order id.
    pub order_id: String,
    /// Amount, formatted for the shopper (`Rp 6.505.000`).
    pub amount: String,
}

fn summary_html(s: &OrderSummary) -> String {
    if s.order_id.is_empty() {
        return String::new();
    }
    format!(
        "<p class=\"note\" id=\"order\">{} · Order <span id=\"order-id\">{}</span></p>\n\
         <p class=\"amount\" id=\"amount\" aria-label=\"Total\">{}</p>\n",
        escape(&s.merchant),
        escape(&s.order_id),
        escape(&s.amount)
    )
}

fn error_html(error: Option<&str>) -> String {
    error
        .map(|e| {
            format!(
                "<p class=\"error\" role=\"alert\" id=\"error\">{}</p>\n",
                escape(e)
            )
        })
        .unwrap_or_default()
}

fn cancel_html(cancel_href: Option<&str>) -> String {
    cancel_href
        .map(|href| {
            format!(
                "<p><a id=\"cancel\" href=\"{}\">Batalkan dan kembali ke toko</a></p>\n",
                escape(href)
            )
        })
        .unwrap_or_default()
}

/// Phone + PIN. Posts `tk`, `phone`, `pin` to `action`.
pub(crate) fn signin(
    action: &str,
    tk: &str,
    summary: &OrderSummary,
    phone: &str,
    error: Option<&str>,
    cancel_href: Option<&str>,
) -> Html<String> {
    let body = format!(
        "{summary}{error}\
         <form id=\"signin-form\" method=\"post\" action=\"{action}\">\n\
         <input type=\"hidden\" name=\"tk\" value=\"{tk}\">\n\
         <label for=\"phone\">Nomor HP</label>\n\
         <input id=\"phone\" name=\"phone\" type=\"tel\" inputmode=\"numeric\" autocomplete=\"tel\" \
         required value=\"{phone}\" aria-describedby=\"phone-hint\">\n\
         <p class=\"note\" id=\"phone-hint\">Contoh: 81513114262, 081513114262 atau +6281513114262</p>\n\
         <label for=\"pin\">PIN</label>\n\
         <input id=\"pin\" name=\"pin\" type=\"password\" inputmode=\"numeric\" autocomplete=\"current-password\" \
         required maxlength=\"6\">\n\
         <button id=\"submit\" type=\"submit\">Masuk</button>\n\
         </form>\n{cancel}\
         <p class=\"sandbox\">Sandbox: phone 81513114262, PIN 663482, OTP 4567.</p>",
        summary = summary_html(summary),
        error = error_html(error),
        action = escape(action),
        tk = escape(tk),
        phone = escape(phone),
        cancel = cancel_html(cancel_href),
    );
    page("Masuk ke Kredivo", &body)
}

/// The OTP step. Posts `tk`, `otp` to `action`.
pub(crate) fn otp(
    action: &str,
    tk: &str,
    summary: &OrderSummary,
    masked_phone: &str,
    error: Option<&str>,
    cancel_href: Option<&str>,
) -> Html<String> {
    let body = format!(
        "{summary}{error}\
         <p id=\"otp-hint\">Kode OTP telah dikirim ke nomor {phone}.</p>\n\
         <form id=\"otp-form\" method=\"post\" action=\"{action}\">\n\
         <input type=\"hidden\" name=\"tk\" value=\"{tk}\">\n\
         <label for=\"otp\">Kode OTP</label>\n\
         <input id=\"otp\" name=\"otp\" type=\"text\" inputmode=\"numeric\" autocomplete=\"one-time-code\" \
         required maxlength=\"6\" aria-describedby=\"otp-hint\">\n\
         <button id=\"submit\" type=\"submit\">Verifikasi</button>\n\
         </form>\n{cancel}\
         <p class=\"sandbox\">Sandbox: the OTP is 4567.</p>",
        summary = summary_html(summary),
        error = error_html(error),
        phone = escape(masked_phone),
        action = escape(action),
        tk = escape(tk),
        cancel = cancel_html(cancel_href),
    );
    page("Verifikasi OTP", &body)
}

/// One payment-type choice on the confirmation page.
#[derive(Debug, Clone)]
pub(crate) struct TenureOption {
    /// `30_days`, `3_months`, …
    pub id: String,
    /// "Bayar dalam 3 bulan".
    pub label: String,
    /// "Rp 856.290 / bulan".
    pub monthly: String,
    /// "Total Rp 2.568.870".
    pub total: String,
    /// Whether the account's limit covers it.
    pub available: bool,
}

/// Tenure confirmation. Posts `tk`, `payment_type` to `action`.
pub(crate) fn confirm(
    action: &str,
    tk: &str,
    summary: &OrderSummary,
    options: &[TenureOption],
    chosen: &str,
    error: Option<&str>,
    cancel_href: Option<&str>,
) -> Html<String> {
    let mut radios = String::new();
    for opt in options {
        let id = format!("pt-{}", opt.id);
        let checked = if opt.id == chosen { " checked" } else { "" };
        let disabled = if opt.available { "" } else { " disabled" };
        let limit = if opt.available {
            ""
        } else {
            " <span class=\"note\">(limit tidak cukup)</span>"
        };
        radios.push_str(&format!(
            "<label for=\"{id}\"><input type=\"radio\" id=\"{id}\" name=\"payment_type\" value=\"{value}\"{checked}{disabled}>\
             <span><strong>{label}</strong> — <span class=\"monthly\">{monthly}</span> \
             <span class=\"note\">{total}</span>{limit}</span></label>\n",
            id = escape(&id),
            value = escape(&opt.id),
            label = escape(&opt.label),
            monthly = escape(&opt.monthly),
            total = escape(&opt.total),
        ));
    }
    let body = format!(
        "{summary}{error}\
         <form id=\"confirm-form\" method=\"post\" action=\"{action}\">\n\
         <input type=\"hidden\" name=\"tk\" value=\"{tk}\">\n\
         <fieldset>\n<legend>Pilih tenor</legend>\n{radios}</fieldset>\n\
         <button id=\"pay\" type=\"submit\">Bayar sekarang</button>\n\
         </form>\n{cancel}",
        summary = summary_html(summary),
        error = error_html(error),
        action = escape(action),
        tk = escape(tk),
        cancel = cancel_html(cancel_href),
    );
    page("Konfirmasi pembayaran", &body)
}

/// A final page (QR payment done, transaction no longer payable, connect done without a
/// redirect). `status` is machine-readable in `#status`.
pub(crate) fn finished(
    title: &str,
    message: &str,
    status: &str,
    link: Option<(&str, &str)>,
) -> Html<String> {
    let link = link
        .map(|(href, text)| {
            format!(
                "<p><a id=\"back\" href=\"{}\">{}</a></p>",
                escape(href),
                escape(text)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<p id=\"message\" role=\"status\">{}</p>\n<p class=\"note\">Status: <span id=\"status\">{}</span></p>\n{link}",
        escape(message),
        escape(status)
    );
    page(title, &body)
}

/// Masks all but the last four digits: `*******4262`.
pub(crate) fn mask_phone(phone: &str) -> String {
    let n = phone.chars().count();
    phone
        .chars()
        .enumerate()
        .map(|(i, c)| if i + 4 < n { '*' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signin_form_has_labelled_inputs_with_stable_names() {
        let Html(html) = signin(
            "/x",
            "tk1",
            &OrderSummary::default(),
            "",
            Some("PIN salah"),
            Some("https://m/cancel"),
        );
        for needle in [
            "<label for=\"phone\">",
            "name=\"phone\"",
            "<label for=\"pin\">",
            "name=\"pin\"",
            "type=\"submit\"",
            "id=\"cancel\"",
            "role=\"alert\"",
        ] {
            assert!(html.contains(needle), "missing {needle}");
        }
    }

    #[test]
    fn the_confirmation_preselects_the_chosen_tenure() {
        let options = vec![
            TenureOption {
                id: "30_days".into(),
                label: "Bayar dalam 30 hari".into(),
                monthly: "Rp 1".into(),
                total: "Rp 1".into(),
                available: true,
            },
            TenureOption {
                id: "3_months".into(),
                label: "Bayar dalam 3 bulan".into(),
                monthly: "Rp 1".into(),
                total: "Rp 3".into(),
                available: true,
            },
        ];
        let Html(html) = confirm(
            "/c",
            "t",
            &OrderSummary::default(),
            &options,
            "3_months",
            None,
            None,
        );
        assert!(html.contains("value=\"3_months\" checked"));
        assert!(!html.contains("value=\"30_days\" checked"));
    }

    #[test]
    fn phones_are_masked_but_the_last_four_digits() {
        assert_eq!(mask_phone("81513114262"), "*******4262");
        assert_eq!(mask_phone("12"), "12");
    }
}
