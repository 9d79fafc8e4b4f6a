//! The checkout without JavaScript or WebAssembly (issue 18): old WebViews, wasm switched
//! off, a blocked script, a CDN down.
//!
//! The merchant's backend fetches `GET /kredivo/fallback?session=<client_secret>&locale=id`
//! (or, for a catalogue cart of the demo store, `?cart_id=<cart id>&back=<shop page>`) server
//! side and puts the HTML fragment inside its `<div data-kredivo-checkout>`; the widget, when
//! it runs, covers it with its own shadow root. The fragment is a plain
//! `<form method="post">`: the plans as a radio group with the widget's numbers and words,
//! for a cart the shopper's details ([`shopper`]), and a submit button. `POST /kredivo/pay`
//! checks out exactly like the widget (same session or cart, same idempotency, same provider
//! call) and answers with a page that moves on to the provider's (a
//! `<meta http-equiv="refresh">` and a link), or `303` to an error page in the shopper's
//! language.
//!
//! Why not `303` straight to the provider: browsers check a form's redirects against the
//! page's `Content-Security-Policy: form-action`, so every shop would have to list every
//! provider host there. A page of our own needs only the proxy in `form-action`.
//!
//! Cross-site submission: the form carries a capability no other site has — the session's
//! client secret, or the cart's id (see [`Source::Cart`]) — and `POST /kredivo/pay` accepts
//! the proxy's own origin, an allowed shop origin, or an opaque one (`Origin: null`, see
//! [`crate::security::form_origin_allowed`]). Double submission: the fragment's idempotency
//! key makes a double click one checkout (and a session is paid at most once anyway; a
//! cart's order is the one of its key, contents and plan).

mod errors;
pub mod shopper;

pub use errors::{error_message, error_page, error_url};

use std::fmt::Write as _;

use kredivo_api::{CheckoutRequest, CheckoutResponse, PaymentTypesRequest, PlanView};
use kredivo_plan::{Locale, Money};
use serde::Deserialize;

use crate::clock::RandomIds;
use crate::error::AppError;
use crate::orders::{self, ClientInfo};
use crate::AppState;

/// `?session=…&locale=…` (or `?cart_id=…&back=…&locale=…`) of the fragment.
#[derive(Debug, Deserialize)]
pub struct FragmentQuery {
    /// The session's client secret.
    #[serde(default)]
    pub session: Option<String>,
    /// A catalogue cart's id (the demo store), instead of a session.
    #[serde(default)]
    pub cart_id: Option<String>,
    /// `id` (default) or `en`.
    #[serde(default)]
    pub locale: Option<String>,
    /// A cart's shop page, linked from the error page; one of the merchant's hosts, else
    /// left out. A session names its own (`cancel_url`).
    #[serde(default)]
    pub back: Option<String>,
}

/// What a fallback form pays for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A merchant's checkout session, by its client secret (160 random bits).
    Session(String),
    /// A catalogue cart of the demo store, by its id.
    ///
    /// The id plays the client secret's part: `RandomIds` makes it `cart_` and 16 characters
    /// of Crockford base32 from the thread's CSPRNG, 80 random bits, which a foreign page
    /// cannot guess within any rate limit. It is the cart's only key already: whoever holds
    /// it may read and change the cart through `/api/store/carts/{id}`, so the form grants
    /// nothing more — and a checkout only starts a payment that the shopper still has to
    /// approve at Kredivo with their own sign-in.
    Cart(String),
}

impl Source {
    /// Exactly one of a session or a cart id (empty values count as absent).
    pub fn from_parts(
        session: Option<String>,
        cart_id: Option<String>,
    ) -> Result<Source, AppError> {
        let given = |v: Option<String>| v.filter(|v| !v.is_empty());
        match (given(session), given(cart_id)) {
            (Some(secret), None) => Ok(Source::Session(secret)),
            (None, Some(id)) => {
                let well_formed = id.len() <= 64
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                if well_formed {
                    Ok(Source::Cart(id))
                } else {
                    Err(AppError::InvalidRequest {
                        message: "The cart id is malformed.".into(),
                        details: vec!["cart_id: 1 to 64 of [A-Za-z0-9_-]".into()],
                    })
                }
            }
            _ => Err(AppError::InvalidRequest {
                message: "Name a session or a cart, not both.".into(),
                details: vec!["session, cart_id: exactly one is required".into()],
            }),
        }
    }
}

/// The form `POST /kredivo/pay` receives.
#[derive(Debug, Deserialize)]
pub struct PayForm {
    /// The session's client secret.
    #[serde(default)]
    pub session: Option<String>,
    /// A catalogue cart's id, instead of a session.
    #[serde(default)]
    pub cart_id: Option<String>,
    /// The plan the shopper chose.
    #[serde(default)]
    pub payment_type: String,
    /// Rendered once per fragment: a double click is one checkout.
    pub idempotency_key: String,
    /// `id` or `en`, for the error page.
    #[serde(default)]
    pub locale: Option<String>,
    /// A cart's shop page for the error page's link (checked again against the merchant's
    /// hosts).
    #[serde(default)]
    pub back: Option<String>,
    /// A cart's shopper; ignored for a session, which names its own.
    #[serde(flatten)]
    pub shopper: shopper::ShopperForm,
}

/// The language a query names; Indonesian unless English is asked for.
pub fn locale(raw: Option<&str>) -> Locale {
    match raw {
        Some(l) if l.eq_ignore_ascii_case("en") || l.to_ascii_lowercase().starts_with("en-") => {
            Locale::En
        }
        _ => Locale::Id,
    }
}

fn en(locale: Locale) -> bool {
    locale == Locale::En
}

/// HTML-escapes text for element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `Rp 2.400.000` / `Rp 2,400,000`: the widget's money, grouped for the language.
pub fn rupiah(amount: rust_decimal::Decimal, locale: Locale) -> String {
    let whole = Money::try_from(amount).map_or(0, Money::to_rupiah_u64);
    let digits = whole.to_string();
    let sep = if en(locale) { ',' } else { '.' };
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(sep);
        }
        grouped.push(c);
    }
    format!("Rp {grouped}")
}

fn tenure(plan: &PlanView, locale: Locale) -> String {
    match (plan.payment_type.as_str(), en(locale)) {
        ("30_days", true) => "30 days".into(),
        ("30_days", false) => "30 hari".into(),
        (_, true) if plan.tenure_months == 1 => "1 month".into(),
        (_, true) => format!("{} months", plan.tenure_months),
        (_, false) => format!("{} bulan", plan.tenure_months),
    }
}

/// `back` when it is one of the merchant's own pages.
fn shop_page(state: &AppState, back: Option<&str>) -> Option<String> {
    back.filter(|b| b.len() <= 2048)
        .and_then(|b| reqwest::Url::parse(b).ok())
        .filter(|u| state.config().return_url_allowed(u))
        .map(String::from)
}

/// The fragment for a session or a cart, in `locale`; `back` is a cart's shop page.
pub async fn fragment(
    state: &AppState,
    source: &Source,
    locale: Locale,
    back: Option<&str>,
) -> Result<String, AppError> {
    let request = match source {
        Source::Session(secret) => PaymentTypesRequest {
            session: Some(secret.clone()),
            ..PaymentTypesRequest::default()
        },
        Source::Cart(id) => PaymentTypesRequest {
            cart_id: Some(id.clone()),
            ..PaymentTypesRequest::default()
        },
    };
    let plans = orders::payment_types(state, request).await?;
    let action = state.config().public_url("/kredivo/pay");
    let key = RandomIds.id_with_len("nojs", 24);
    let lang = if en(locale) { "en" } else { "id" };
    let (legend, none, total, interest, no_interest, fee, pay, per_month, estimate) = if en(locale)
    {
        (
            "Choose a Kredivo installment plan",
            "Kredivo has no plan for this amount.",
            "Total",
            "Interest",
            "No interest",
            "Service fee",
            "Pay with Kredivo",
            "/month",
            "Estimate",
        )
    } else {
        (
            "Pilih cicilan Kredivo",
            "Kredivo tidak menawarkan cicilan untuk jumlah ini.",
            "Total",
            "Bunga",
            "Tanpa bunga",
            "Biaya layanan",
            "Bayar dengan Kredivo",
            "/bulan",
            "Perkiraan",
        )
    };
    let mut html = String::new();
    let _ = writeln!(
        html,
        "<form class=\"kredivo-fallback\" method=\"post\" action=\"{action}\" lang=\"{lang}\">",
        action = escape(&action)
    );
    let response = &plans.response;
    if response.plans.is_empty() {
        let _ = write!(html, "<p>{}</p>\n</form>\n", escape(none));
        return Ok(html);
    }
    if matches!(source, Source::Cart(_)) {
        html.push_str(&shopper::fieldset(locale));
    }
    let _ = writeln!(html, "<fieldset>\n<legend>{}</legend>", escape(legend));
    // A tokenized shopper's plans the limit does not cover are shown, disabled, with the
    // remaining limit (issue 17); the first plan that can be paid is preselected.
    let (left, short) = if en(locale) {
        ("Remaining limit", "not enough for this plan")
    } else {
        ("Sisa limit", "tidak cukup untuk cicilan ini")
    };
    // Each plan's month-by-month schedule, the proxy's own document, framed only when opened.
    let schedule = if en(locale) {
        "Installment schedule"
    } else {
        "Jadwal cicilan"
    };
    let first_payable = response
        .plans
        .iter()
        .position(|p| p.within_limit != Some(false));
    for (i, plan) in response.plans.iter().enumerate() {
        let id = format!("kredivo-plan-{}", escape(&plan.payment_type));
        let monthly = rupiah(plan.monthly_installment, locale);
        let interest_text = if plan.interest.is_zero() {
            no_interest.to_owned()
        } else {
            format!("{interest} {}", rupiah(plan.interest, locale))
        };
        let mut detail = format!("{total} {} · {interest_text}", rupiah(plan.total, locale));
        if !plan.service_fee.is_zero() {
            let _ = write!(detail, " · {fee} {}", rupiah(plan.service_fee, locale));
        }
        if let Some(remaining) = plan.remaining_limit {
            let _ = write!(detail, " · {left} {}", rupiah(remaining, locale));
        }
        let disabled = plan.within_limit == Some(false);
        if disabled {
            let _ = write!(detail, " ({short})");
        }
        let per = if plan.payment_type == "30_days" {
            ""
        } else {
            per_month
        };
        let _ = write!(
            html,
            "<p><label for=\"{id}\"><input type=\"radio\" name=\"payment_type\" id=\"{id}\" value=\"{value}\" required{checked}{disabled}>\n\
             <span><strong>{monthly}{per}</strong> — {tenure}<br><small>{detail}</small></span></label></p>\n",
            value = escape(&plan.payment_type),
            checked = if Some(i) == first_payable { " checked" } else { "" },
            disabled = if disabled { " disabled" } else { "" },
            monthly = escape(&monthly),
            per = escape(per),
            tenure = escape(&tenure(plan, locale)),
            detail = escape(&detail),
        );
        if let Some(path) = &plan.schedule_url {
            let src = format!("{path}&locale={lang}");
            let _ = writeln!(
                html,
                "<details><summary>{title}</summary><iframe src=\"{src}\" title=\"{title}\" loading=\"lazy\" width=\"100%\" height=\"160\"></iframe></details>",
                // Named with the plan's tenure: four disclosures must not sound alike.
                title = escape(&format!("{schedule} · {}", tenure(plan, locale))),
                src = escape(&src),
            );
        }
    }
    if response.estimate {
        let _ = writeln!(html, "<p><small>{}</small></p>", escape(estimate));
    }
    html.push_str("</fieldset>\n");
    let (name, value) = match source {
        Source::Session(secret) => ("session", secret),
        Source::Cart(id) => ("cart_id", id),
    };
    let _ = writeln!(
        html,
        "<input type=\"hidden\" name=\"{name}\" value=\"{value}\">",
        value = escape(value)
    );
    if let (Source::Cart(_), Some(back)) = (source, shop_page(state, back)) {
        let _ = writeln!(
            html,
            "<input type=\"hidden\" name=\"back\" value=\"{}\">",
            escape(&back)
        );
    }
    let _ = write!(
        html,
        "<input type=\"hidden\" name=\"idempotency_key\" value=\"{key}\">\n\
         <input type=\"hidden\" name=\"locale\" value=\"{lang}\">\n\
         <button type=\"submit\">{pay}</button>\n</form>\n",
        key = escape(&key),
        pay = escape(pay),
    );
    Ok(html)
}

/// Where `POST /kredivo/pay` sends the shopper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// The provider's page, through [`continue_page`].
    Provider(String),
    /// One of our own pages: the return handler (an order with no page to visit, e.g.
    /// already paid) or the error page.
    Redirect(String),
}

/// Where `POST /kredivo/pay` sends the shopper: the provider's page, the return handler or
/// the error page.
pub async fn pay(state: &AppState, form: PayForm, client: &ClientInfo) -> Next {
    let locale = locale(form.locale.as_deref());
    let source = match Source::from_parts(form.session, form.cart_id) {
        Ok(source) => source,
        Err(e) => {
            return Next::Redirect(error_url(state, e.code().as_str(), locale, None, &[]));
        }
    };
    let (request, back) = match &source {
        Source::Session(secret) => (
            CheckoutRequest {
                session: Some(secret.clone()),
                cart: None,
                cart_id: None,
                payment_type: form.payment_type,
                idempotency_key: form.idempotency_key,
                customer: None,
                shipping_address: None,
            },
            // Looked up only when something went wrong.
            None,
        ),
        Source::Cart(id) => {
            let back = shop_page(state, form.back.as_deref());
            let (customer, address) = match form.shopper.parse() {
                Ok(details) => details,
                Err(fields) => {
                    let url = error_url(state, "invalid_request", locale, back.as_deref(), &fields);
                    return Next::Redirect(url);
                }
            };
            (
                CheckoutRequest {
                    session: None,
                    cart: None,
                    cart_id: Some(id.clone()),
                    payment_type: form.payment_type,
                    idempotency_key: form.idempotency_key,
                    customer: Some(customer),
                    shipping_address: Some(address),
                },
                back,
            )
        }
    };
    match orders::checkout(state, request, client).await {
        Ok(CheckoutResponse {
            redirect_url: Some(url),
            ..
        }) => Next::Provider(url),
        Ok(answer) => Next::Redirect(
            state
                .config()
                .public_url(&format!("/kredivo/return?order_id={}", answer.order_id)),
        ),
        Err(e) => {
            let back = match &source {
                Source::Session(secret) => back_to_shop(state, secret).await,
                Source::Cart(_) => back,
            };
            Next::Redirect(error_url(
                state,
                e.code().as_str(),
                locale,
                back.as_deref(),
                &[],
            ))
        }
    }
}

/// The page between the form and the provider: it moves on at once (a zero-second refresh,
/// which browsers treat as a replacement, so Back returns to the shop) and shows a link for a
/// browser that does not.
pub fn continue_page(url: &str, locale: Locale) -> String {
    let (title, text, link) = if en(locale) {
        (
            "Kredivo payment",
            "Taking you to Kredivo…",
            "Continue to Kredivo",
        )
    } else {
        (
            "Pembayaran Kredivo",
            "Mengarahkan Anda ke Kredivo…",
            "Lanjut ke Kredivo",
        )
    };
    let lang = if en(locale) { "en" } else { "id" };
    let url = escape(url);
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"0; url={url}\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head>\n<body><main><h1>{title}</h1><p>{text}</p>\
         <p><a href=\"{url}\">{link}</a></p></main></body></html>\n"
    )
}

/// Where the shop wants a shopper who could not pay: the session's `cancel_url`, else its
/// `return_url` (also for an expired session).
async fn back_to_shop(state: &AppState, secret: &str) -> Option<String> {
    let hash = orders::sessions::secret_hash(secret);
    let session = state.store().session_by_secret(&hash).await.ok()??;
    session.body.cancel_url.or(session.body.return_url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn money_reads_as_the_widget_writes_it() {
        assert_eq!(rupiah(Decimal::from(2_400_000), Locale::Id), "Rp 2.400.000");
        assert_eq!(rupiah(Decimal::from(248_050), Locale::En), "Rp 248,050");
        assert_eq!(rupiah(Decimal::from(999), Locale::Id), "Rp 999");
        assert_eq!(rupiah(Decimal::ZERO, Locale::En), "Rp 0");
    }

    #[test]
    fn text_and_attributes_are_escaped() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
