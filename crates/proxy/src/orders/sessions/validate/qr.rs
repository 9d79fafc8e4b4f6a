//! A QR checkout's body ([`CreateQr`]): its items and fees by a session's rules, and its own
//! fields, every problem with its path.

use std::collections::HashSet;

use kredivo_api::merchant::CreateQr;
use kredivo_api::{QR_DEFAULT_TTL_SECS, QR_MAX_TTL_SECS, QR_MIN_TTL_SECS};
use kredivo_plan::{Cart, Money};

use super::Problems;

/// What a valid QR body comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidQr {
    /// The total: items + fees − discounts, computed here (the request has no amount).
    pub amount: Money,
    /// The outlet sent to the provider.
    pub sub_merchant_id: String,
    /// Seconds the code can be paid.
    pub ttl_secs: i64,
    /// `id` or `en`.
    pub language: String,
}

fn id_like(value: &str, extra: &[u8]) -> bool {
    (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || extra.contains(&b))
}

/// Checks a QR body; `default_sub_merchant` is `KREDIVO_SUB_MERCHANT_ID`.
pub fn qr(body: &CreateQr, default_sub_merchant: Option<&str>) -> Result<ValidQr, Vec<String>> {
    let mut p = Problems::default();
    if let Some(id) = &body.order_id {
        if !id_like(id, b"._/-") {
            p.push("order_id", "must be 1 to 64 of [A-Za-z0-9._/-]");
        }
    }
    // A QR order has no sellers: no item or fee may name a parent.
    let lines = super::item_and_fee_lines(&mut p, &body.items, &body.fees, &HashSet::new());
    let mut amount = None;
    if p.is_empty() {
        match Cart::new(lines).total() {
            Ok(total) if total.is_zero() => p.push("items", "add up to zero; nothing to pay"),
            Ok(total) if total > super::MAX_PRICE => {
                p.push("items", "add up to more than 12 digits")
            }
            Ok(total) => amount = Some(total),
            Err(e) => p.push("items", e),
        }
    }
    let sub_merchant_id = match body.sub_merchant_id.as_deref().or(default_sub_merchant) {
        Some(id) if id_like(id, b"._-") => id.to_owned(),
        Some(_) => {
            p.push("sub_merchant_id", "must be 1 to 64 of [A-Za-z0-9._-]");
            String::new()
        }
        None => {
            p.push(
                "sub_merchant_id",
                "is required (doc 000) unless the proxy sets KREDIVO_SUB_MERCHANT_ID",
            );
            String::new()
        }
    };
    let ttl_secs = body.expires_in_seconds.unwrap_or(QR_DEFAULT_TTL_SECS);
    if !(QR_MIN_TTL_SECS..=QR_MAX_TTL_SECS).contains(&ttl_secs) {
        p.push(
            "expires_in_seconds",
            format!("is {ttl_secs}, must be {QR_MIN_TTL_SECS} to {QR_MAX_TTL_SECS}"),
        );
    }
    let language = body.language.as_deref().unwrap_or("id");
    if !matches!(language, "id" | "en") {
        p.push("language", "must be \"id\" or \"en\"");
    }
    match (amount, p.is_empty()) {
        (Some(amount), true) => Ok(ValidQr {
            amount,
            sub_merchant_id,
            ttl_secs,
            language: language.to_owned(),
        }),
        _ => Err(p.into_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kredivo_api::merchant::{FeeLine, SessionItem};
    use rust_decimal::Decimal;

    fn item(id: &str, price: i64, quantity: u32) -> SessionItem {
        SessionItem {
            id: id.into(),
            name: format!("Item {id}"),
            price: Decimal::from(price),
            quantity,
            url: None,
            item_type: Some("Food".into()),
            image_url: None,
            parent_type: None,
            parent_id: None,
        }
    }

    fn body(items: Vec<SessionItem>) -> CreateQr {
        CreateQr {
            order_id: Some("POS-1".into()),
            items,
            fees: Vec::new(),
            sub_merchant_id: Some("KFCSenayanCity".into()),
            expires_in_seconds: None,
            language: None,
        }
    }

    #[test]
    fn the_amount_is_the_lines_with_the_discount_subtracted() {
        let mut b = body(vec![item("001", 50_000, 1), item("002", 25_000, 2)]);
        b.fees = vec![FeeLine {
            id: "discount".into(),
            name: "Promo".into(),
            price: Decimal::from(10_000),
            parent_type: None,
            parent_id: None,
        }];
        let v = qr(&b, None).expect("valid");
        assert_eq!(v.amount, Money::from_rupiah(90_000));
        assert_eq!(v.ttl_secs, QR_DEFAULT_TTL_SECS);
        assert_eq!(v.language, "id");
    }

    #[test]
    fn every_problem_comes_back_with_its_path() {
        let mut b = body(vec![item("001", -5, 0)]);
        b.order_id = Some("bad id!".into());
        b.sub_merchant_id = None;
        b.expires_in_seconds = Some(2);
        b.language = Some("fr".into());
        let problems = qr(&b, None).expect_err("invalid");
        for path in [
            "order_id:",
            "items[0].price:",
            "items[0].quantity:",
            "sub_merchant_id:",
            "expires_in_seconds:",
            "language:",
        ] {
            assert!(
                problems.iter().any(|p| p.starts_with(path)),
                "{path} missing in {problems:?}"
            );
        }
    }

    #[test]
    fn the_configured_outlet_is_the_default() {
        let mut b = body(vec![item("001", 1_000, 1)]);
        b.sub_merchant_id = None;
        let v = qr(&b, Some("Outlet-7")).expect("valid");
        assert_eq!(v.sub_merchant_id, "Outlet-7");
    }
}
