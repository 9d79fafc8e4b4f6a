//! Everything a merchant's session body (and a catalogue checkout's shopper) must satisfy,
//! checked all at once: every problem comes back with the path of its field
//! (`items[2].price: …`), so a merchant fixes a request in one round trip.
//!
//! Money goes through the plan crate (`Money`: whole, non-negative rupiah; the cart total with
//! discounts subtracted; `ItemKind` for doc 000's reserved ids), phones through its
//! `check_phone`; the limits are doc 000's where it gives them (names 255, quantity 4 digits,
//! prices 12 digits, phone 16 digits) and generous, documented bounds elsewhere.

mod qr;

use std::collections::HashSet;

use kredivo_api::merchant::{
    CreateSession, FeeLine, SessionItem, MAX_METADATA_ENTRIES, MAX_SESSION_FEES, MAX_SESSION_ITEMS,
    MAX_SESSION_SELLERS, MAX_SESSION_TTL_SECS, MIN_SESSION_TTL_SECS,
};
use kredivo_api::{Address, Customer};
use kredivo_plan::{check_phone, Cart, ItemKind, LineItem, Money, PaymentType};
use reqwest::Url;
use rust_decimal::Decimal;

use crate::config::Config;

pub use qr::{qr, ValidQr};

/// Longest text of a name-like field (doc 000).
const MAX_NAME: usize = 255;
/// Longest URL accepted anywhere in a session.
const MAX_URL: usize = 2048;
/// Largest price or amount: 12 digits (doc 000).
const MAX_PRICE: Money = Money::from_rupiah(999_999_999_999);
/// Largest quantity: 4 digits (doc 000).
const MAX_QUANTITY: u32 = 9_999;
/// The fee ids a session may use (doc 000's reserved ids; `mixpayment`'s sign is unconfirmed,
/// so it is not accepted).
pub const FEE_IDS: [&str; 6] = [
    "shippingfee",
    "adminfee",
    "taxfee",
    "discount",
    "additionalfee",
    "insurancefee",
];

/// Problems found so far, each `path: sentence`.
#[derive(Debug, Default)]
pub struct Problems(Vec<String>);

impl Problems {
    fn push(&mut self, path: impl std::fmt::Display, what: impl std::fmt::Display) {
        self.0.push(format!("{path}: {what}"));
    }

    /// The list, in field order.
    pub fn into_vec(self) -> Vec<String> {
        self.0
    }

    /// Whether nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Required, trimmed non-empty, at most `max` characters, no control characters.
    fn text(&mut self, path: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.push(path, "is required");
        } else {
            self.optional_text(path, value, max);
        }
    }

    fn optional_text(&mut self, path: &str, value: &str, max: usize) {
        let chars = value.chars().count();
        if chars > max {
            self.push(
                path,
                format!("has {chars} characters, at most {max} allowed"),
            );
        } else if value.chars().any(char::is_control) {
            self.push(path, "must not contain control characters");
        }
    }

    /// Whole rupiah, non-negative, at most 12 digits.
    fn money(&mut self, path: &str, value: Decimal, positive: bool) -> Option<Money> {
        match Money::try_from(value) {
            Ok(m) if m > MAX_PRICE => {
                self.push(path, "has more than 12 digits");
                None
            }
            Ok(m) if positive && m.is_zero() => {
                self.push(path, "must be more than zero");
                None
            }
            Ok(m) => Some(m),
            Err(_) if value.is_sign_negative() => {
                self.push(
                    path,
                    "must not be negative (a discount is written positive)",
                );
                None
            }
            Err(_) => {
                self.push(path, "must be a whole number of rupiah");
                None
            }
        }
    }

    fn url(&mut self, path: &str, value: &str) -> Option<Url> {
        if value.len() > MAX_URL {
            self.push(path, format!("is longer than {MAX_URL} characters"));
            return None;
        }
        match Url::parse(value) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Some(u),
            _ => {
                self.push(path, "must be an http(s) URL");
                None
            }
        }
    }

    fn phone(&mut self, path: &str, value: &str) {
        if let Err(problem) = check_phone(value) {
            self.push(path, problem);
        }
    }

    fn email(&mut self, path: &str, value: &str) {
        let v = value.trim();
        let shaped = match v.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            }
            None => false,
        };
        if v.is_empty() {
            self.push(path, "is required");
        } else if v.len() > 254 {
            self.push(path, "is longer than 254 characters");
        } else if !shaped || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
            self.push(path, "is not an e-mail address");
        }
    }
}

/// Checks a customer (`customer.…`).
pub fn customer(p: &mut Problems, path: &str, c: &Customer) {
    p.text(&format!("{path}.first_name"), &c.first_name, MAX_NAME);
    if let Some(last) = &c.last_name {
        p.optional_text(&format!("{path}.last_name"), last, MAX_NAME);
    }
    p.email(&format!("{path}.email"), &c.email);
    p.phone(&format!("{path}.phone"), &c.phone);
}

/// Checks an address (`shipping_address.…`).
pub fn address(p: &mut Problems, path: &str, a: &Address) {
    p.text(&format!("{path}.first_name"), &a.first_name, MAX_NAME);
    if let Some(last) = &a.last_name {
        p.optional_text(&format!("{path}.last_name"), last, MAX_NAME);
    }
    p.text(&format!("{path}.address"), &a.address, MAX_NAME);
    p.text(&format!("{path}.city"), &a.city, 100);
    let postal = a.postal_code.trim();
    if postal.is_empty() {
        p.push(format!("{path}.postal_code"), "is required");
    } else if postal.len() > 10
        || !postal
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
    {
        p.push(
            format!("{path}.postal_code"),
            "must be up to 10 letters, digits, spaces or dashes",
        );
    }
    p.phone(&format!("{path}.phone"), &a.phone);
    if a.country_code.len() != 3 || !a.country_code.bytes().all(|b| b.is_ascii_uppercase()) {
        p.push(
            format!("{path}.country_code"),
            "must be ISO 3166-1 alpha-3 in capitals, e.g. IDN",
        );
    }
}

/// What a valid session body comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSession {
    /// The amount, equal to items + fees − discounts.
    pub amount: Money,
    /// Unix milliseconds.
    pub expires_at_ms: i64,
    /// The payment types it may be paid with.
    pub payment_types: Vec<PaymentType>,
}

/// Checks a whole session body at `now_ms`; `Err` lists every problem with its path.
pub fn session(
    body: &CreateSession,
    config: &Config,
    all_types: &[PaymentType],
    now_ms: i64,
) -> Result<ValidSession, Vec<String>> {
    let mut p = Problems::default();
    let reference_ok = (1..=64).contains(&body.reference.len())
        && body
            .reference
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'/' | b'-'));
    if !reference_ok {
        p.push("reference", "must be 1 to 64 of [A-Za-z0-9._/-]");
    }
    let amount = p.money("amount", body.amount, true);

    let sellers = body.sellers.as_deref().unwrap_or(&[]);
    if sellers.len() > MAX_SESSION_SELLERS {
        p.push(
            "sellers",
            format!(
                "has {} entries, at most {MAX_SESSION_SELLERS}",
                sellers.len()
            ),
        );
    }
    let mut seller_ids = HashSet::new();
    for (i, s) in sellers.iter().enumerate() {
        let path = format!("sellers[{i}]");
        p.text(&format!("{path}.id"), &s.id, 64);
        if !seller_ids.insert(s.id.as_str()) {
            p.push(format!("{path}.id"), format!("{:?} is used twice", s.id));
        }
        p.text(&format!("{path}.name"), &s.name, MAX_NAME);
        p.email(&format!("{path}.email"), &s.email);
        p.url(&format!("{path}.url"), &s.url);
        if let Some(legal) = &s.legal_id {
            p.optional_text(&format!("{path}.legal_id"), legal, 50);
        }
        address(&mut p, &format!("{path}.address"), &s.address);
    }

    let lines = item_and_fee_lines(&mut p, &body.items, &body.fees, &seller_ids);
    if let (Some(amount), true) = (amount, p.is_empty()) {
        match Cart::new(lines).total() {
            Ok(total) if total == amount => {}
            Ok(total) => p.push(
                "amount",
                format!(
                    "is {amount} but the items and fees add up to {total} (discounts subtracted)"
                ),
            ),
            Err(e) => p.push("items", e),
        }
    }

    customer(&mut p, "customer", &body.customer);
    address(&mut p, "shipping_address", &body.shipping_address);
    if let Some(billing) = &body.billing_address {
        address(&mut p, "billing_address", billing);
    }
    if let Some(metadata) = &body.metadata {
        if metadata.len() > MAX_METADATA_ENTRIES {
            p.push(
                "metadata",
                format!(
                    "has {} entries, at most {MAX_METADATA_ENTRIES}",
                    metadata.len()
                ),
            );
        }
        for (key, value) in metadata.iter().take(MAX_METADATA_ENTRIES) {
            let key_ok = (1..=40).contains(&key.len())
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
            if !key_ok {
                p.push(
                    "metadata",
                    format!("key {key:?} must be 1 to 40 of [A-Za-z0-9_.-]"),
                );
            }
            p.optional_text(&format!("metadata.{key}"), value, 500);
        }
    }
    let expires_at_ms = match body.expires_at {
        None => now_ms + MAX_SESSION_TTL_SECS * 1000,
        Some(at) => {
            let now = now_ms.div_euclid(1000);
            if at < now + MIN_SESSION_TTL_SECS || at > now + MAX_SESSION_TTL_SECS {
                p.push(
                    "expires_at",
                    format!(
                        "must be {MIN_SESSION_TTL_SECS} s to {} h from now (Unix seconds)",
                        MAX_SESSION_TTL_SECS / 3600
                    ),
                );
            }
            at.saturating_mul(1000)
        }
    };
    for (path, url) in [
        ("return_url", &body.return_url),
        ("cancel_url", &body.cancel_url),
    ] {
        if let Some(url) = url {
            if let Some(parsed) = p.url(path, url) {
                if !config.return_url_allowed(&parsed) {
                    p.push(
                        path,
                        "must be https on one of the merchant's hosts (MERCHANT_RETURN_HOSTS)",
                    );
                }
            }
        }
    }
    let payment_types = match &body.payment_types {
        None => all_types.to_vec(),
        Some(list) => {
            if list.is_empty() {
                p.push(
                    "payment_types",
                    "must name at least one payment type, or be left out",
                );
            }
            let mut out: Vec<PaymentType> = Vec::new();
            for (i, raw) in list.iter().enumerate().take(16) {
                match all_types.iter().find(|t| t.as_str() == raw) {
                    Some(t) if !out.contains(t) => out.push(t.clone()),
                    Some(_) => p.push(
                        format!("payment_types[{i}]"),
                        format!("{raw:?} is listed twice"),
                    ),
                    None => p.push(
                        format!("payment_types[{i}]"),
                        format!(
                            "{:?} is not one of {}",
                            raw.chars().take(32).collect::<String>(),
                            all_types
                                .iter()
                                .map(PaymentType::as_str)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ),
                }
            }
            out
        }
    };
    match (amount, p.is_empty()) {
        (Some(amount), true) => Ok(ValidSession {
            amount,
            expires_at_ms,
            payment_types,
        }),
        _ => Err(p.into_vec()),
    }
}

fn parent_ok(
    p: &mut Problems,
    path: &str,
    parent_type: Option<&str>,
    parent_id: Option<&str>,
    sellers: &HashSet<&str>,
    items: Option<&HashSet<&str>>,
) {
    match (parent_type, parent_id) {
        (None, None) => {}
        (Some("SELLER"), Some(id)) if sellers.contains(id) => {}
        (Some("ITEM"), Some(id)) if items.is_some_and(|items| items.contains(id)) => {}
        (Some(t @ ("SELLER" | "ITEM")), Some(id)) => p.push(
            format!("{path}.parent_id"),
            format!(
                "{id:?} is not a{} of this session",
                if t == "SELLER" { " seller" } else { "n item" }
            ),
        ),
        (Some(_), Some(_)) => p.push(
            format!("{path}.parent_type"),
            if items.is_some() {
                "must be SELLER or ITEM"
            } else {
                "must be SELLER"
            },
        ),
        _ => p.push(path, "parent_type and parent_id go together"),
    }
}

/// The lines of a body's `items` and `fees`, each checked (at most [`MAX_SESSION_ITEMS`] and
/// [`MAX_SESSION_FEES`]; an item's `parent_id` among `seller_ids`, a fee's among them or the
/// items): a session's and a QR checkout's rules alike.
pub fn item_and_fee_lines(
    p: &mut Problems,
    items: &[SessionItem],
    fees: &[FeeLine],
    seller_ids: &HashSet<&str>,
) -> Vec<LineItem> {
    let mut lines = Vec::new();
    if items.is_empty() {
        p.push("items", "must contain at least one item");
    } else if items.len() > MAX_SESSION_ITEMS {
        p.push(
            "items",
            format!("has {} lines, at most {MAX_SESSION_ITEMS}", items.len()),
        );
    }
    let item_ids: HashSet<&str> = items.iter().map(|i| i.id.as_str()).collect();
    let mut seen = HashSet::new();
    for (i, item) in items.iter().enumerate().take(MAX_SESSION_ITEMS) {
        if let Some(line) = session_item(p, i, item, seller_ids, &mut seen) {
            lines.push(line);
        }
    }
    if fees.len() > MAX_SESSION_FEES {
        p.push(
            "fees",
            format!("has {} lines, at most {MAX_SESSION_FEES}", fees.len()),
        );
    }
    for (i, fee) in fees.iter().enumerate().take(MAX_SESSION_FEES) {
        if let Some(line) = fee_line(p, i, fee, seller_ids, &item_ids) {
            lines.push(line);
        }
    }
    lines
}

fn session_item(
    p: &mut Problems,
    i: usize,
    item: &SessionItem,
    sellers: &HashSet<&str>,
    seen: &mut HashSet<(String, Option<String>)>,
) -> Option<LineItem> {
    let path = format!("items[{i}]");
    let before = p.0.len();
    p.text(&format!("{path}.id"), &item.id, 64);
    if ItemKind::from_id(&item.id) != ItemKind::Product {
        p.push(
            format!("{path}.id"),
            format!("{:?} is a reserved fee id: put it in fees", item.id),
        );
    }
    if !seen.insert((item.id.clone(), item.parent_id.clone())) {
        p.push(format!("{path}.id"), format!("{:?} is used twice", item.id));
    }
    p.text(&format!("{path}.name"), &item.name, MAX_NAME);
    let price = p.money(&format!("{path}.price"), item.price, false);
    if !(1..=MAX_QUANTITY).contains(&item.quantity) {
        p.push(
            format!("{path}.quantity"),
            format!("is {}, must be 1 to {MAX_QUANTITY}", item.quantity),
        );
    }
    for (field, value) in [("url", &item.url), ("image_url", &item.image_url)] {
        if let Some(v) = value {
            p.url(&format!("{path}.{field}"), v);
        }
    }
    if let Some(t) = &item.item_type {
        p.optional_text(&format!("{path}.type"), t, 100);
    }
    parent_ok(
        p,
        &path,
        item.parent_type.as_deref(),
        item.parent_id.as_deref(),
        sellers,
        None,
    );
    let price = price?;
    (p.0.len() == before)
        .then(|| LineItem::new(item.id.clone(), item.name.clone(), price, item.quantity))
}

fn fee_line(
    p: &mut Problems,
    i: usize,
    fee: &FeeLine,
    sellers: &HashSet<&str>,
    items: &HashSet<&str>,
) -> Option<LineItem> {
    let path = format!("fees[{i}]");
    let before = p.0.len();
    if !FEE_IDS.contains(&fee.id.as_str()) {
        p.push(
            format!("{path}.id"),
            format!(
                "{:?} is not a fee id; use one of {}",
                fee.id.chars().take(32).collect::<String>(),
                FEE_IDS.join(", ")
            ),
        );
    }
    p.text(&format!("{path}.name"), &fee.name, MAX_NAME);
    let price = p.money(&format!("{path}.price"), fee.price, true);
    parent_ok(
        p,
        &path,
        fee.parent_type.as_deref(),
        fee.parent_id.as_deref(),
        sellers,
        Some(items),
    );
    let price = price?;
    (p.0.len() == before).then(|| LineItem::new(fee.id.clone(), fee.name.clone(), price, 1))
}
