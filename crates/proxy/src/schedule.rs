//! `GET /api/kredivo/v1/schedule`: a plan's month-by-month schedule (`Plan::schedule`) as a
//! small self-contained document — an SVG bar chart with the first and last due months, the
//! amounts by run of months, and the same figures as a table for screen readers — in the
//! shopper's language and the widget's theme.
//!
//! The widget shows it in an `<iframe>` inside a disclosure ("Lihat jadwal cicilan"), so it
//! costs the widget's bundles a URL and no chart code, and nothing is fetched until the
//! shopper opens it. Two ways to name the plan:
//! - **figures** (`principal`, `monthly`, `total`, …): a plan of a payment-types answer, whose
//!   `schedule_url` the proxy writes (provider figures, the checkout);
//! - **table** (`amount`, `payment_type`): the plan the proxy's pricing table gives, the same
//!   table the badges price with (`table=reference`: the built-in Kredivo table a badge with
//!   `data-pricing="embedded"` uses).
//!
//! The document has no script; its one inline stylesheet is allowed by its hash, and only the
//! proxy's own and the merchant's allowed origins may frame it.

use std::fmt::Write as _;

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use kredivo_plan::{Locale, Money, PaymentType, Plan, PlanParts, PricingTable};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::fallback::{escape, locale, rupiah};
use crate::AppState;

/// The query of `GET /schedule`. Money is whole rupiah as plain digits.
#[derive(Debug, Default, Deserialize)]
pub struct ScheduleQuery {
    /// Kredivo's payment type id, e.g. `6_months`.
    pub payment_type: String,
    /// Table mode: the amount to price.
    pub amount: Option<String>,
    /// Table mode: `reference` for the built-in Kredivo table.
    pub table: Option<String>,
    /// Figures mode: the transaction amount.
    pub principal: Option<String>,
    /// Figures mode: the regular monthly installment.
    pub monthly: Option<String>,
    /// Figures mode: the sum of all installments.
    pub total: Option<String>,
    /// Figures mode: interest included in `total`.
    pub interest: Option<String>,
    /// Figures mode: service fee included in `total`.
    pub service_fee: Option<String>,
    /// Figures mode: paid up front.
    pub down_payment: Option<String>,
    /// Figures mode: the promotional monthly installment.
    pub promo: Option<String>,
    /// Figures mode: how many months it lasts.
    pub promo_months: Option<u32>,
    /// `id` (default) or `en`.
    pub locale: Option<String>,
    /// `light`, `dark` or `auto` (the default: the reader's colour scheme, which for a framed
    /// document is the `color-scheme` of its frame — how the widget passes its theme).
    pub theme: Option<String>,
}

/// Why a query names no plan; the document is not drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadQuery(String);

/// The path and query (after the API prefix) of the schedule of a plan of a payment-types
/// answer: what `PlanView::schedule_url` carries.
pub fn figures_path(plan: &Plan) -> String {
    let mut path = format!(
        "/schedule?payment_type={}&principal={}&monthly={}&total={}&interest={}&service_fee={}&down_payment={}",
        plan.payment_type().as_str(),
        plan.principal(),
        plan.monthly_installment(),
        plan.total(),
        plan.interest(),
        plan.service_fee(),
        plan.down_payment(),
    );
    if let (Some(promo), Some(n)) = (plan.discounted_monthly_installment(), plan.promo_months()) {
        let _ = write!(path, "&promo={promo}&promo_months={n}");
    }
    path
}

/// The plan a query names.
pub fn plan_of(q: &ScheduleQuery, pricing_json: &str) -> Result<Plan, BadQuery> {
    let bad = |what: &str| BadQuery(format!("schedule: {what}"));
    let payment_type: PaymentType = q
        .payment_type
        .parse()
        .map_err(|_| bad("unknown payment_type"))?;
    let money = |name: &str, v: &Option<String>| -> Result<Option<Money>, BadQuery> {
        v.as_deref()
            .map(|t| Money::parse(t).map_err(|_| bad(&format!("{name} must be whole rupiah"))))
            .transpose()
    };
    if let Some(amount) = money("amount", &q.amount)? {
        let table = match q.table.as_deref() {
            Some("reference") => PricingTable::kredivo_reference(),
            None => serde_json::from_str(pricing_json).map_err(|_| bad("no pricing table"))?,
            Some(_) => return Err(bad("table must be reference or absent")),
        };
        return table
            .plan_for(amount, &payment_type)
            .map_err(|_| bad("no such plan for this amount"));
    }
    let need = |name: &str, v: &Option<String>| {
        money(name, v)?.ok_or_else(|| bad(&format!("{name} is missing")))
    };
    let or_zero =
        |name: &str, v: &Option<String>| Ok::<_, BadQuery>(money(name, v)?.unwrap_or(Money::ZERO));
    let tenure = payment_type
        .tenure_months()
        .ok_or_else(|| bad("payment_type has no known tenure"))?;
    let parts = PlanParts {
        payment_type,
        tenure_months: tenure,
        principal: need("principal", &q.principal)?,
        down_payment: or_zero("down_payment", &q.down_payment)?,
        monthly_installment: need("monthly", &q.monthly)?,
        total: need("total", &q.total)?,
        interest: or_zero("interest", &q.interest)?,
        service_fee: or_zero("service_fee", &q.service_fee)?,
        discounted_monthly_installment: money("promo", &q.promo)?,
        promo_months: q.promo_months,
        rate: Default::default(),
    };
    Plan::try_from(parts).map_err(|e| bad(&e.to_string()))
}

const ID_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
];
const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `Jan 2027`: the month `k` months after `start` (year, 0-based month).
fn due(start: (i32, u32), k: u32, l: Locale) -> String {
    let months = start.1 + k;
    let names = if l == Locale::En {
        &EN_MONTHS
    } else {
        &ID_MONTHS
    };
    format!(
        "{} {}",
        names[(months % 12) as usize],
        start.0 + (months / 12) as i32
    )
}

/// The year and 0-based month in Jakarta (UTC+7) at `millis` after the Unix epoch.
pub fn jakarta_month(millis: i64) -> (i32, u32) {
    let t = time::OffsetDateTime::from_unix_timestamp(millis.div_euclid(1000))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC));
    (t.year(), u32::from(u8::from(t.month())) - 1)
}

/// The chart's stylesheet; the document's policy allows it by this exact text's hash.
const CSS: &str = "html,body{margin:0;padding:0}html{overflow:hidden}\
body{font:13px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111827;background:#f6f8fb;padding:8px 12px}\
.t{margin:0 0 6px;font-weight:650}\
.c{display:block;width:100%;height:64px}\
.b{fill:#1553d6}.p{fill:#d97706}\
.a{display:flex;justify-content:space-between;color:#5b6474;font-size:12px;margin-top:4px}\
.r{margin:6px 0 0;color:#374151;font-size:12px;font-variant-numeric:tabular-nums;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}\
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}\
.dark body{color:#eef1f7;background:#1d2330}.dark .b{fill:#6c9bff}.dark .p{fill:#fbbf24}\
.dark .a{color:#a2abbd}.dark .r{color:#d1d5db}\
@media (prefers-color-scheme:dark){.auto body{color:#eef1f7;background:#1d2330}.auto .b{fill:#6c9bff}\
.auto .p{fill:#fbbf24}.auto .a{color:#a2abbd}.auto .r{color:#d1d5db}}";

/// The document for `plan`: due months from `start` (installment `k` falls due `k` months
/// after it), in `l`, for `theme` (`light`, `dark`, else `auto`).
pub fn document(plan: &Plan, start: (i32, u32), l: Locale, theme: &str) -> String {
    let en = l == Locale::En;
    let lines: Vec<Money> = plan.schedule().iter().map(|i| i.amount).collect();
    let promo_months = plan
        .discounted_monthly_installment()
        .and(plan.promo_months())
        .unwrap_or(0);
    let n = lines.len() as u32;
    let tenure = match (plan.payment_type() == &PaymentType::ThirtyDays, en) {
        (true, true) => "30 days".to_owned(),
        (true, false) => "30 hari".to_owned(),
        (false, true) if n == 1 => "1 month".to_owned(),
        (false, true) => format!("{n} months"),
        (false, false) => format!("{n} bulan"),
    };
    let (caption, number, when, amount, month, months, promo) = if en {
        (
            "Installment schedule",
            "Installment",
            "Due (estimated)",
            "Amount",
            "Month",
            "Months",
            "promo",
        )
    } else {
        (
            "Jadwal cicilan",
            "Cicilan ke",
            "Jatuh tempo (perkiraan)",
            "Jumlah",
            "Bulan",
            "Bulan",
            "promo",
        )
    };
    let money = |m: Money| rupiah(m.as_decimal(), l);
    let theme = match theme {
        "dark" | "light" => theme,
        _ => "auto",
    };
    let mut out = String::with_capacity(2_000 + 200 * lines.len());
    let title = escape(&format!("{caption} · {tenure}"));
    let _ = write!(
        out,
        "<!doctype html><html lang=\"{lang}\" class=\"{theme}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"{scheme}\"><title>{title}</title>\
         <style>{CSS}</style></head><body>\
         <p class=\"t\" aria-hidden=\"true\">{title}</p>",
        lang = if en { "en" } else { "id" },
        scheme = match theme {
            "dark" => "dark",
            "light" => "light",
            _ => "light dark",
        },
    );
    // One bar per month, as tall as its amount against the largest (at least 2 of 60 units).
    let max = lines
        .iter()
        .map(|m| m.to_rupiah_u64())
        .max()
        .unwrap_or(0)
        .max(1);
    let _ = write!(
        out,
        "<svg class=\"c\" viewBox=\"0 0 {} 64\" preserveAspectRatio=\"none\" aria-hidden=\"true\" focusable=\"false\">",
        n * 20
    );
    for (i, m) in lines.iter().enumerate() {
        let h = (u128::from(m.to_rupiah_u64()) * 60 / u128::from(max)).max(2) as u64;
        let class = if (i as u32) < promo_months { "p" } else { "b" };
        let _ = write!(
            out,
            "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"16\" height=\"{h}\"></rect>",
            i * 20 + 2,
            64 - h
        );
    }
    let _ = write!(
        out,
        "</svg><div class=\"a\" aria-hidden=\"true\"><span>{}</span><span>{}</span></div>",
        due(start, 1, l),
        due(start, n, l)
    );
    // The amounts by run of equal months: "Bulan 1–2: Rp 400.000 (promo) · Bulan 3–5: …".
    let mut runs: Vec<String> = Vec::new();
    let mut i = 0usize;
    while i < lines.len() {
        let mut j = i;
        let is_promo = |k: usize| (k as u32) < promo_months;
        while j + 1 < lines.len() && lines[j + 1] == lines[i] && is_promo(j + 1) == is_promo(i) {
            j += 1;
        }
        let months = if i == j {
            format!("{month} {}", i + 1)
        } else {
            format!("{months} {}–{}", i + 1, j + 1)
        };
        let tag = if is_promo(i) {
            format!(" ({promo})")
        } else {
            String::new()
        };
        runs.push(format!("{months}: {}{tag}", money(lines[i])));
        i = j + 1;
    }
    let _ = write!(
        out,
        "<p class=\"r\" aria-hidden=\"true\">{}</p>",
        runs.join(" · ")
    );
    // The same figures for screen readers.
    let _ = write!(
        out,
        "<table class=\"sr\"><caption>{title}</caption><tr><th scope=\"col\">{number}</th>\
         <th scope=\"col\">{when}</th><th scope=\"col\">{amount}</th></tr>"
    );
    for (i, m) in lines.iter().enumerate() {
        let k = i as u32 + 1;
        let tag = if k <= promo_months {
            format!(" ({promo})")
        } else {
            String::new()
        };
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{k}</th><td>{}</td><td>{}{tag}</td></tr>",
            due(start, k, l),
            money(*m)
        );
    }
    out.push_str("</table></body></html>");
    out
}

/// The document's policy: no script, no fetch, its one stylesheet by hash, framed only by
/// the proxy itself and the merchant's allowed origins.
fn policy(allowed_origins: &[String]) -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(CSS.as_bytes()));
    let mut ancestors = String::from("'self'");
    for origin in allowed_origins {
        // Origins come from the operator's configuration; anything that could end the
        // directive is left out rather than trusted.
        if !origin.contains([';', ',', ' ', '\'']) {
            ancestors.push(' ');
            ancestors.push_str(origin);
        }
    }
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; frame-ancestors {ancestors}; base-uri 'none'; form-action 'none'"
    )
}

/// `GET /api/kredivo/v1/schedule`.
pub async fn serve(State(state): State<AppState>, Query(q): Query<ScheduleQuery>) -> Response {
    let plan = match plan_of(&q, state.pricing_json()) {
        Ok(p) => p,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                e.to_string(),
            )
                .into_response()
        }
    };
    let start = jakarta_month(state.clock().now_millis());
    let body = document(
        &plan,
        start,
        locale(q.locale.as_deref()),
        q.theme.as_deref().unwrap_or("auto"),
    );
    let csp = policy(&state.config().allowed_origins);
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            // Due months move with the calendar: a short public cache.
            (header::CACHE_CONTROL, "public, max-age=300"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&csp) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> ScheduleQuery {
        let text = pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        serde_urlencoded::from_str(&text).unwrap()
    }

    fn reference() -> String {
        serde_json::to_string(&PricingTable::kredivo_reference()).unwrap()
    }

    #[test]
    fn a_table_plan_draws_a_bar_and_a_row_per_month_with_due_months() {
        let plan = plan_of(
            &q(&[("amount", "2400000"), ("payment_type", "3_months")]),
            &reference(),
        )
        .unwrap();
        let html = document(&plan, (2026, 11), Locale::Id, "light");
        assert_eq!(html.matches("<rect ").count(), 3);
        assert!(
            html.contains("<span>Jan 2027</span><span>Mar 2027</span>"),
            "{html}"
        );
        assert!(html.contains("<caption>Jadwal cicilan · 3 bulan</caption>"));
        assert!(
            html.contains(r#"<tr><th scope="row">2</th><td>Feb 2027</td><td>Rp 856.290</td></tr>"#),
            "{html}"
        );
        assert!(html.contains("Bulan 1–3: Rp 856.290"), "{html}");
        assert!(html.starts_with("<!doctype html><html lang=\"id\" class=\"light\">"));
    }

    #[test]
    fn promotional_months_and_the_last_months_remainder_show_in_english_and_dark() {
        // Provider figures: two promotional months, then 450,090.
        let query = q(&[
            ("payment_type", "6_months"),
            ("principal", "2400000"),
            ("monthly", "450090"),
            ("total", "2600360"),
            ("interest", "200360"),
            ("promo", "400000"),
            ("promo_months", "2"),
            ("locale", "en"),
        ]);
        let plan = plan_of(&query, &reference()).unwrap();
        let lines = plan.schedule();
        let sum: u64 = lines.iter().map(|l| l.amount.to_rupiah_u64()).sum();
        assert_eq!(sum, 2_600_360, "the months add up to the total");
        let html = document(&plan, (2027, 0), Locale::En, "dark");
        assert_eq!(html.matches(r#"class="p""#).count(), 2);
        assert_eq!(html.matches(r#"class="b""#).count(), 4);
        assert!(html.contains(r#"<td>Rp 400,000 (promo)</td>"#), "{html}");
        assert!(
            html.contains("Months 1–2: Rp 400,000 (promo) · Months 3–6: Rp 450,090"),
            "{html}"
        );
        assert!(html.contains("class=\"dark\"") && html.contains("content=\"dark\""));
        assert!(html.contains("<th scope=\"col\">Due (estimated)</th>"));
    }

    #[test]
    fn the_last_month_carries_the_rounding_remainder() {
        let query = q(&[
            ("payment_type", "3_months"),
            ("principal", "299999"),
            ("monthly", "100000"),
            ("total", "299999"),
        ]);
        let plan = plan_of(&query, "").unwrap();
        let html = document(&plan, (2027, 0), Locale::Id, "light");
        assert!(
            html.contains("Bulan 1–2: Rp 100.000 · Bulan 3: Rp 99.999"),
            "{html}"
        );
        assert!(
            html.contains(r#"<tr><th scope="row">3</th><td>Apr 2027</td><td>Rp 99.999</td></tr>"#),
            "{html}"
        );
    }

    #[test]
    fn the_figures_path_names_the_same_plan_back() {
        let table = PricingTable::kredivo_reference();
        for plan in table.plans(Money::from_rupiah(2_400_000)) {
            let path = figures_path(&plan);
            let query = path.strip_prefix("/schedule?").unwrap();
            let back = plan_of(&serde_urlencoded::from_str(query).unwrap(), "").unwrap();
            assert_eq!(back.schedule(), plan.schedule(), "{path}");
        }
    }

    #[test]
    fn bad_queries_are_refused_with_the_reason() {
        let table = reference();
        for (pairs, why) in [
            (
                vec![("payment_type", "7_years"), ("amount", "2400000")],
                "no such plan",
            ),
            (
                vec![("payment_type", "7_years"), ("principal", "1")],
                "no known tenure",
            ),
            (
                vec![("payment_type", "3_months"), ("amount", "12.5")],
                "amount must be whole rupiah",
            ),
            (
                vec![("payment_type", "3_months"), ("amount", "100")],
                "no such plan",
            ),
            (
                vec![
                    ("payment_type", "3_months"),
                    ("amount", "2400000"),
                    ("table", "x"),
                ],
                "table must be",
            ),
            (
                vec![("payment_type", "3_months"), ("principal", "100")],
                "monthly is missing",
            ),
        ] {
            let e = plan_of(&q(&pairs), &table).unwrap_err();
            assert!(e.to_string().contains(why), "{pairs:?}: {e}");
        }
    }

    #[test]
    fn due_months_roll_over_years_and_jakarta_is_seven_hours_ahead() {
        assert_eq!(due((2026, 7), 12, Locale::Id), "Agu 2027");
        assert_eq!(due((2026, 7), 12, Locale::En), "Aug 2027");
        // 2026-12-31 18:00 UTC is already January in Jakarta.
        assert_eq!(jakarta_month(1_798_740_000_000), (2027, 0));
    }

    #[test]
    fn the_policy_allows_the_stylesheet_by_hash_and_only_allowed_framers() {
        let p = policy(&[
            "https://shop.example".into(),
            "https://x; script-src *".into(),
        ]);
        assert!(
            p.contains("frame-ancestors 'self' https://shop.example;"),
            "{p}"
        );
        assert!(!p.contains("script-src"), "{p}");
        assert!(
            p.starts_with("default-src 'none'; style-src 'sha256-"),
            "{p}"
        );
    }
}
