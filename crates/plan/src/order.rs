//! Validating a whole order, whoever states it: the merchant's server creating a checkout
//! session, or a provider's checkout body on the simulator's side.
//!
//! An [`OrderDraft`] is the order as stated — item lines, fee and adjustment lines with
//! Kredivo's reserved ids, the stated total, the customer, the addresses, the sellers — with
//! every amount still a raw `Decimal` and every quantity a raw `i64`, so that a negative,
//! fractional or oversized value reaches validation instead of failing the body's parse.
//! [`OrderDraft::validate`] turns it into a [`ValidOrder`] (parse, don't validate) or into
//! [`ValidationErrors`]: every problem at once, each with the path of its field in the body
//! (`items[2].price`, `customer.phone`), so a merchant fixes a request in one round trip.
//!
//! Where each part sits in the body is an [`OrderPaths`], and how many lines are allowed an
//! [`OrderRules`]: [`OrderRules::MERCHANT`] for the merchant's own layout (fees in their own
//! list), [`OrderRules::KREDIVO_CHECKOUT`] for Kredivo's `/v2/checkout_url` body (fees among
//! the items, under `transaction_details`).
//!
//! The limits are Kredivo's (docs 000 and 001): order id ≤ 64 characters, names ≤ 255,
//! e-mail ≤ 400, prices and amounts whole non-negative rupiah of ≤ 12 digits, quantities
//! 1..=9999, phones ≤ 16 digits, the lines summing exactly to the stated total with
//! `discount` subtracted. The documents give no limit for addresses, URLs or the number of
//! lines: those bounds ([`MAX_TEXT_CHARS`], [`MAX_URL_CHARS`], [`MAX_POSTAL_CODE_CHARS`],
//! [`OrderRules::MERCHANT`]'s counts) are this crate's (UNCONFIRMED) and keep hostile input
//! cheap.

use core::fmt;
use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use crate::{Cart, ItemKind, LineItem, Money, PlanError};

/// Longest order id Kredivo accepts (characters).
pub const MAX_ORDER_ID_CHARS: usize = 64;
/// Longest item or customer name (characters).
pub const MAX_NAME_CHARS: usize = 255;
/// Longest customer email (characters).
pub const MAX_EMAIL_CHARS: usize = 400;
/// Most digits in a price or an amount.
pub const MAX_PRICE_DIGITS: u32 = 12;
/// Largest quantity (4 digits).
pub const MAX_QUANTITY: i64 = 9_999;
/// Most digits in a phone number.
pub const MAX_PHONE_DIGITS: u32 = 16;
/// Longest other text: street, city, item type, ids (UNCONFIRMED: the documents give none;
/// this is doc 001's bound for names).
pub const MAX_TEXT_CHARS: usize = 255;
/// Longest URL (UNCONFIRMED; what browsers and proxies reliably carry).
pub const MAX_URL_CHARS: usize = 2_048;
/// Longest postal code (UNCONFIRMED; Indonesia's have 5 digits).
pub const MAX_POSTAL_CODE_CHARS: usize = 10;

// ---------------------------------------------------------------------------------------
// The order as stated
// ---------------------------------------------------------------------------------------

/// One line as stated: a product, or a fee or adjustment with a reserved id
/// ([`ItemKind`]). Nothing is checked yet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineDraft {
    /// SKU, or a reserved fee id (`shippingfee`, `discount`, …).
    pub id: String,
    /// What the shopper reads.
    pub name: String,
    /// Unit price in rupiah; a `discount` is written positive and subtracted.
    pub price: Decimal,
    /// How many (1..=9999).
    pub quantity: i64,
    /// Product category (Kredivo's `type`).
    pub item_type: Option<String>,
    /// Product page.
    pub url: Option<String>,
    /// Product image.
    pub image_url: Option<String>,
    /// `SELLER` or `ITEM`: what a line is tied to; absent means the whole order.
    pub parent_type: Option<String>,
    /// The seller id or item id named by `parent_type`.
    pub parent_id: Option<String>,
}

impl From<&LineItem> for LineDraft {
    fn from(item: &LineItem) -> LineDraft {
        LineDraft {
            id: item.id.clone(),
            name: item.name.clone(),
            price: item.price.as_decimal(),
            quantity: i64::from(item.quantity),
            item_type: item.item_type.clone(),
            url: item.url.clone(),
            image_url: item.image_url.clone(),
            parent_type: item.parent_type.clone(),
            parent_id: item.parent_id.clone(),
        }
    }
}

/// The shopper as stated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomerDraft {
    /// Required, ≤ 255 characters.
    pub first_name: String,
    /// Optional, ≤ 255 characters.
    pub last_name: Option<String>,
    /// Required, ≤ 400 characters, `local@domain`.
    pub email: String,
    /// Required; see [`check_phone`].
    pub phone: String,
}

/// A postal address as stated (billing, shipping, a seller's).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddressDraft {
    /// Required.
    pub first_name: String,
    /// Optional.
    pub last_name: Option<String>,
    /// Street and number. Required.
    pub address: String,
    /// Required.
    pub city: String,
    /// Required, ≤ 10 characters.
    pub postal_code: String,
    /// Required; see [`check_phone`].
    pub phone: String,
    /// ISO 3166-1 alpha-3 (`IDN`). Required.
    pub country_code: String,
}

/// A marketplace seller as stated; lines point at it through `parent_id`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SellerDraft {
    /// Unique within the order.
    pub id: String,
    /// Required.
    pub name: String,
    /// Required by doc 000; checked when present.
    pub email: Option<String>,
    /// Required by doc 000; checked when present.
    pub url: Option<String>,
    /// KTP, SIM or passport number.
    pub legal_id: Option<String>,
    /// Required by doc 000; checked when present.
    pub address: Option<AddressDraft>,
}

/// A whole order as stated, before validation.
///
/// ```
/// use kredivo_plan::order::{AddressDraft, CustomerDraft, LineDraft, OrderDraft};
/// use kredivo_plan::{Money, Problem};
/// use rust_decimal::Decimal;
///
/// let address = AddressDraft {
///     first_name: "Budi".into(), address: "Jl. Sudirman 1".into(), city: "Jakarta".into(),
///     postal_code: "10220".into(), phone: "081234567890".into(), country_code: "IDN".into(),
///     ..AddressDraft::default()
/// };
/// let mut draft = OrderDraft {
///     order_id: "INV-1".into(),
///     amount: Decimal::from(598_000),
///     items: vec![LineDraft {
///         id: "sku-1".into(), name: "Kemeja".into(), price: Decimal::from(289_000), quantity: 2,
///         ..LineDraft::default()
///     }],
///     fees: vec![LineDraft {
///         id: "shippingfee".into(), name: "Ongkir".into(), price: Decimal::from(20_000), quantity: 1,
///         ..LineDraft::default()
///     }],
///     customer: Some(CustomerDraft {
///         first_name: "Budi".into(), email: "budi@example.co.id".into(),
///         phone: "081234567890".into(), ..CustomerDraft::default()
///     }),
///     shipping_address: Some(address),
///     ..OrderDraft::default()
/// };
/// assert_eq!(draft.validate()?.amount(), Money::from_rupiah(598_000));
///
/// draft.items[0].quantity = 0;
/// draft.customer.as_mut().unwrap().phone = "call me".into();
/// let errors = draft.validate().unwrap_err();
/// assert_eq!(errors.at("items[0].quantity"), Some(&Problem::QuantityOutOfRange { actual: 0 }));
/// assert_eq!(errors.at("customer.phone"), Some(&Problem::NotAPhoneNumber));
/// assert_eq!(errors.to_string(), "items[0].quantity is 0, must be 1 to 9999; customer.phone is not a phone number");
/// # Ok::<(), kredivo_plan::ValidationErrors>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrderDraft {
    /// The merchant's order id (or reference).
    pub order_id: String,
    /// The stated total: items + fees − discounts.
    pub amount: Decimal,
    /// Product lines.
    pub items: Vec<LineDraft>,
    /// Fee and adjustment lines. In a layout without a fee list ([`OrderPaths::fees`] is
    /// `None`) they are checked as if they followed the items.
    pub fees: Vec<LineDraft>,
    /// The shopper; required when [`OrderRules::require_customer`].
    pub customer: Option<CustomerDraft>,
    /// Checked when present.
    pub billing_address: Option<AddressDraft>,
    /// Checked when present.
    pub shipping_address: Option<AddressDraft>,
    /// Marketplace sellers.
    pub sellers: Vec<SellerDraft>,
}

impl OrderDraft {
    /// Validates with [`OrderRules::MERCHANT`]: paths as in the merchant's session body
    /// (`reference`, `items[i]`, `fees[i]`, `customer`, …).
    pub fn validate(&self) -> Result<ValidOrder, ValidationErrors> {
        self.validate_with(&OrderRules::MERCHANT)
    }

    /// Validates with `rules`, reporting every problem at its path under `rules.paths`.
    pub fn validate_with(&self, rules: &OrderRules) -> Result<ValidOrder, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let paths = &rules.paths;
        if let Some(path) = paths.order_id {
            check_text(&mut errors, path, &self.order_id, MAX_ORDER_ID_CHARS);
        }
        let cart = check_cart(&mut errors, self, rules);
        match &self.customer {
            Some(customer) => check_customer(&mut errors, paths.customer, customer),
            None if rules.require_customer => errors.push(paths.customer, Problem::Empty),
            None => {}
        }
        for (path, address) in [
            (paths.billing_address, &self.billing_address),
            (paths.shipping_address, &self.shipping_address),
        ] {
            if let Some(address) = address {
                check_address(&mut errors, path, address);
            }
        }
        check_sellers(&mut errors, paths.sellers, &self.sellers, rules.max_sellers);
        errors.into_result(|| {
            let (amount, cart) = cart.unwrap_or_default();
            ValidOrder {
                order_id: self.order_id.clone(),
                amount,
                cart,
            }
        })
    }
}

// ---------------------------------------------------------------------------------------
// Layouts and limits
// ---------------------------------------------------------------------------------------

/// Where each part of an order sits in the body being validated; errors carry these paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderPaths {
    /// The order id's path; `None` when the body has none (Kredivo's `/v2/payments`).
    pub order_id: Option<&'static str>,
    /// The stated total.
    pub amount: &'static str,
    /// The product lines (`items` → `items[2].price`).
    pub items: &'static str,
    /// The fee lines; `None` when fees travel among the items, as in Kredivo's own bodies
    /// (then any line may carry a reserved id, and fees are reported after the items).
    pub fees: Option<&'static str>,
    /// The customer.
    pub customer: &'static str,
    /// The billing address.
    pub billing_address: &'static str,
    /// The shipping address.
    pub shipping_address: &'static str,
    /// The sellers.
    pub sellers: &'static str,
}

impl OrderPaths {
    /// The merchant's layout (`kredivo-api`'s `CreateSession`): `reference`, `amount`,
    /// `items`, `fees`, `customer`, `billing_address`, `shipping_address`, `sellers`.
    pub const MERCHANT: OrderPaths = OrderPaths {
        order_id: Some("reference"),
        amount: "amount",
        items: "items",
        fees: Some("fees"),
        customer: "customer",
        billing_address: "billing_address",
        shipping_address: "shipping_address",
        sellers: "sellers",
    };

    /// Kredivo's `/v2/checkout_url` body: `transaction_details.{order_id, amount, items}`,
    /// `customer_details`, fees among the items.
    pub const KREDIVO_CHECKOUT: OrderPaths = OrderPaths {
        order_id: Some("transaction_details.order_id"),
        amount: "transaction_details.amount",
        items: "transaction_details.items",
        fees: None,
        customer: "customer_details",
        billing_address: "billing_address",
        shipping_address: "shipping_address",
        sellers: "sellers",
    };

    /// Kredivo's `/v2/payments` body: `amount` and `items` at the top, no order id.
    pub const KREDIVO_PAYMENTS: OrderPaths = OrderPaths {
        order_id: None,
        amount: "amount",
        items: "items",
        ..OrderPaths::KREDIVO_CHECKOUT
    };
}

/// A layout plus the limits that go with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderRules {
    /// Where each part sits.
    pub paths: OrderPaths,
    /// Most product lines (with `paths.fees` `None`: most lines of any kind).
    pub max_items: usize,
    /// Most fee lines.
    pub max_fees: usize,
    /// Most sellers.
    pub max_sellers: usize,
    /// Whether a missing customer is a problem.
    pub require_customer: bool,
}

impl OrderRules {
    /// The merchant's layout with bounds that keep a session small: 100 items, 20 fees,
    /// 20 sellers (the limits `kredivo-api` documents for sessions); a customer is required.
    pub const MERCHANT: OrderRules = OrderRules {
        paths: OrderPaths::MERCHANT,
        max_items: 100,
        max_fees: 20,
        max_sellers: 20,
        require_customer: true,
    };

    /// A whole `/v2/checkout_url` body as Kredivo checks it: a customer is required; no
    /// document limits the number of lines, so none is set.
    pub const KREDIVO_CHECKOUT: OrderRules = OrderRules {
        paths: OrderPaths::KREDIVO_CHECKOUT,
        max_items: usize::MAX,
        max_fees: usize::MAX,
        max_sellers: usize::MAX,
        require_customer: true,
    };

    /// Only the cart of a checkout (`transaction_details` and `sellers`), as
    /// [`validate_order`] checks it.
    pub const KREDIVO_CART: OrderRules = OrderRules {
        require_customer: false,
        ..OrderRules::KREDIVO_CHECKOUT
    };

    /// A `/v2/payments` body: amount and items at the top level.
    pub const KREDIVO_PAYMENTS: OrderRules = OrderRules {
        paths: OrderPaths::KREDIVO_PAYMENTS,
        ..OrderRules::KREDIVO_CART
    };
}

// ---------------------------------------------------------------------------------------
// The result
// ---------------------------------------------------------------------------------------

/// An order whose lines sum exactly to its amount and whose fields fit Kredivo's limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidOrder {
    order_id: String,
    amount: Money,
    cart: Cart,
}

impl ValidOrder {
    /// The merchant's order id.
    pub fn order_id(&self) -> &str {
        &self.order_id
    }

    /// The amount, equal to `cart().total()`.
    pub fn amount(&self) -> Money {
        self.amount
    }

    /// The lines: products first, then fees.
    pub fn cart(&self) -> &Cart {
        &self.cart
    }

    /// Takes the order apart.
    pub fn into_parts(self) -> (String, Money, Cart) {
        (self.order_id, self.amount, self.cart)
    }
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// A required value is missing or blank.
    Empty,
    /// Text longer than allowed.
    TooLong {
        /// Most characters allowed.
        max: usize,
        /// Characters received.
        actual: usize,
    },
    /// A number with more digits than allowed.
    TooManyDigits {
        /// Most digits allowed.
        max: u32,
        /// Digits received.
        actual: u32,
    },
    /// A negative amount (a discount is sent positive and subtracted).
    Negative,
    /// A fraction of a rupiah.
    Fractional,
    /// The order amount is zero.
    Zero,
    /// A quantity outside 1..=9999.
    QuantityOutOfRange {
        /// Quantity received.
        actual: i64,
    },
    /// The order amount differs from the sum of the lines.
    AmountMismatch {
        /// The order's `amount`.
        expected: Decimal,
        /// Sum of `price × quantity` over the lines, discounts subtracted.
        actual: Decimal,
    },
    /// The subtracted lines exceed the others.
    NegativeTotal {
        /// The (negative) sum of the lines.
        total: Decimal,
    },
    /// The lines' sum does not fit in [`Money::MAX`].
    Overflow,
    /// The cart has no lines.
    EmptyCart,
    /// A list longer than allowed (lines, fees, sellers).
    TooMany {
        /// Most entries allowed.
        max: usize,
        /// Entries received.
        actual: usize,
    },
    /// Two lines share an id (and the same parent), or two sellers an id.
    DuplicateId {
        /// The repeated id.
        id: String,
        /// Index of the first line (or seller) with it: in the combined list of items and
        /// fees for lines.
        first_index: usize,
    },
    /// `parent_id` names no seller (or item) of this order.
    UnknownParent {
        /// The unknown id.
        parent_id: String,
    },
    /// A product line uses one of Kredivo's reserved fee ids; fees go in their own list.
    ReservedId {
        /// The reserved id.
        id: String,
    },
    /// A fee line whose id is not one of `shippingfee`, `adminfee`, `taxfee`, `discount`,
    /// `additionalfee`, `insurancefee`.
    NotAFeeId {
        /// The id received.
        id: String,
    },
    /// A phone number with characters other than digits, spaces, `-`, `(`, `)` and a
    /// leading `+`.
    NotAPhoneNumber,
    /// Not `local@domain`, or with spaces.
    NotAnEmail,
    /// Not three letters (ISO 3166-1 alpha-3, `IDN`).
    NotACountryCode,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Empty => f.write_str("is required"),
            Problem::TooLong { max, actual } => {
                write!(f, "has {actual} characters, at most {max} allowed")
            }
            Problem::TooManyDigits { max, actual } => {
                write!(f, "has {actual} digits, at most {max} allowed")
            }
            Problem::Negative => f.write_str("must not be negative"),
            Problem::Fractional => f.write_str("must be a whole number of rupiah"),
            Problem::Zero => f.write_str("must be more than zero"),
            Problem::QuantityOutOfRange { actual } => {
                write!(f, "is {actual}, must be 1 to {MAX_QUANTITY}")
            }
            Problem::AmountMismatch { expected, actual } => write!(
                f,
                "is {expected} but the items sum to {actual} (discounts subtracted)"
            ),
            Problem::NegativeTotal { total } => {
                write!(f, "sum to {total}: discounts exceed the other lines")
            }
            Problem::Overflow => f.write_str("sum to more than can be represented"),
            Problem::EmptyCart => f.write_str("must contain at least one item"),
            Problem::TooMany { max, actual } => {
                write!(f, "has {actual} entries, at most {max} allowed")
            }
            Problem::DuplicateId { id, first_index } => {
                write!(f, "{id:?} repeats the id at index {first_index}")
            }
            Problem::UnknownParent { parent_id } => {
                write!(f, "{parent_id:?} is not a seller or item of this order")
            }
            Problem::ReservedId { id } => {
                write!(f, "{id:?} is a reserved fee id: put the line in fees")
            }
            Problem::NotAFeeId { id } => write!(
                f,
                "{id:?} is not a fee id (shippingfee, adminfee, taxfee, discount, additionalfee, insurancefee)"
            ),
            Problem::NotAPhoneNumber => f.write_str("is not a phone number"),
            Problem::NotAnEmail => f.write_str("is not an e-mail address"),
            Problem::NotACountryCode => f.write_str("is not a three-letter country code"),
        }
    }
}

/// One problem and where it is, as a JSON path (`transaction_details.items[2].price`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Path of the field in the request body.
    pub path: String,
    /// What is wrong.
    pub problem: Problem,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.path, self.problem)
    }
}

/// Every problem found in one request, in field order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidationErrors {
    errors: Vec<FieldError>,
}

impl ValidationErrors {
    /// The problems.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// `true` when nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The problem at a path, if any (handy in tests and error pages).
    pub fn at(&self, path: &str) -> Option<&Problem> {
        self.errors
            .iter()
            .find(|e| e.path == path)
            .map(|e| &e.problem)
    }

    fn push(&mut self, path: impl Into<String>, problem: Problem) {
        self.errors.push(FieldError {
            path: path.into(),
            problem,
        });
    }

    fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, ValidationErrors> {
        if self.errors.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

// ---------------------------------------------------------------------------------------
// Entry points kept for carts without a customer
// ---------------------------------------------------------------------------------------

/// Checks a phone number: digits with optional spaces, `-`, `(`, `)` and a leading `+`;
/// 1 to 16 digits.
///
/// ```
/// use kredivo_plan::{check_phone, Problem};
/// assert_eq!(check_phone("081513114262"), Ok(()));
/// assert_eq!(check_phone("+62 815-1311-4262"), Ok(()));
/// assert_eq!(check_phone("62815131142621234"), Err(Problem::TooManyDigits { max: 16, actual: 17 }));
/// assert_eq!(check_phone("0815abc"), Err(Problem::NotAPhoneNumber));
/// ```
pub fn check_phone(phone: &str) -> Result<(), Problem> {
    let trimmed = phone.trim();
    let body = trimmed.strip_prefix('+').unwrap_or(trimmed);
    let mut digits = 0u32;
    for c in body.chars() {
        match c {
            '0'..='9' => digits = digits.saturating_add(1),
            ' ' | '-' | '(' | ')' => {}
            _ => return Err(Problem::NotAPhoneNumber),
        }
    }
    match digits {
        0 => Err(Problem::Empty),
        d if d > MAX_PHONE_DIGITS => Err(Problem::TooManyDigits {
            max: MAX_PHONE_DIGITS,
            actual: d,
        }),
        _ => Ok(()),
    }
}

/// Validates the cart of a Kredivo checkout ([`OrderRules::KREDIVO_CART`]): order id,
/// amount, lines (fees among them) and sellers, with paths under `transaction_details`.
///
/// Reports, all at once: an empty or too long (> 64) order id; an amount that is negative,
/// fractional, zero, over 12 digits or different from the lines' sum (`expected` = amount,
/// `actual` = sum, discounts subtracted); an empty cart; per line an empty id or name, a name
/// over 255 characters, a negative, fractional or over-12-digit price, a quantity outside
/// 1..=9999, a repeated id, and a `parent_id` that names no seller (for `parent_type`
/// `SELLER`), no item (for `ITEM`), or neither.
///
/// Reserved fee ids may repeat for different parents (a shipping fee per seller is normal
/// for marketplaces), so an id counts as repeated only with the same parent.
///
/// ```
/// use kredivo_plan::{validate_order, LineDraft, Money, Problem};
/// use rust_decimal::Decimal;
/// let line = |id: &str, price: i64| LineDraft {
///     id: id.into(), name: id.into(), price: Decimal::from(price), quantity: 1,
///     ..LineDraft::default()
/// };
/// let lines = [line("BB12345678", 6_000_000), line("discount", 5_000)];
/// let order = validate_order("KD14721", Decimal::from(5_995_000), &lines, &[]).unwrap();
/// assert_eq!(order.amount(), Money::from_rupiah(5_995_000));
///
/// let errors = validate_order("KD14721", Decimal::from(6_000_000), &lines, &[]).unwrap_err();
/// assert_eq!(
///     errors.at("transaction_details.amount"),
///     Some(&Problem::AmountMismatch { expected: Decimal::from(6_000_000), actual: Decimal::from(5_995_000) })
/// );
/// ```
pub fn validate_order(
    order_id: &str,
    amount: Decimal,
    lines: &[LineDraft],
    sellers: &[SellerDraft],
) -> Result<ValidOrder, ValidationErrors> {
    OrderDraft {
        order_id: order_id.to_owned(),
        amount,
        items: lines.to_vec(),
        sellers: sellers.to_vec(),
        ..OrderDraft::default()
    }
    .validate_with(&OrderRules::KREDIVO_CART)
}

// ---------------------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------------------

/// Non-blank and at most `max` characters.
fn check_text(errors: &mut ValidationErrors, path: &str, text: &str, max: usize) {
    if text.trim().is_empty() {
        errors.push(path, Problem::Empty);
    } else {
        check_length(errors, path, text, max);
    }
}

fn check_length(errors: &mut ValidationErrors, path: &str, text: &str, max: usize) {
    let chars = text.chars().count();
    if chars > max {
        errors.push(path, Problem::TooLong { max, actual: chars });
    }
}

fn check_optional(errors: &mut ValidationErrors, path: &str, text: Option<&str>, max: usize) {
    if let Some(text) = text {
        check_length(errors, path, text, max);
    }
}

fn check_email(errors: &mut ValidationErrors, path: &str, email: &str) {
    let before = errors.errors.len();
    check_text(errors, path, email, MAX_EMAIL_CHARS);
    if errors.errors.len() != before {
        return;
    }
    // Deliberately loose: something, one `@`, something, no spaces. Real validation is
    // the mail that arrives; this catches a name or a phone typed into the wrong field.
    let email = email.trim();
    let shaped = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && !domain.is_empty() && !domain.contains('@')
    }) && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if !shaped {
        errors.push(path, Problem::NotAnEmail);
    }
}

fn check_customer(errors: &mut ValidationErrors, path: &str, customer: &CustomerDraft) {
    let at = |field: &str| format!("{path}.{field}");
    check_text(
        errors,
        &at("first_name"),
        &customer.first_name,
        MAX_NAME_CHARS,
    );
    check_optional(
        errors,
        &at("last_name"),
        customer.last_name.as_deref(),
        MAX_NAME_CHARS,
    );
    check_email(errors, &at("email"), &customer.email);
    if let Err(problem) = check_phone(&customer.phone) {
        errors.push(at("phone"), problem);
    }
}

fn check_address(errors: &mut ValidationErrors, path: &str, address: &AddressDraft) {
    let at = |field: &str| format!("{path}.{field}");
    check_text(
        errors,
        &at("first_name"),
        &address.first_name,
        MAX_NAME_CHARS,
    );
    check_optional(
        errors,
        &at("last_name"),
        address.last_name.as_deref(),
        MAX_NAME_CHARS,
    );
    check_text(errors, &at("address"), &address.address, MAX_TEXT_CHARS);
    check_text(errors, &at("city"), &address.city, MAX_TEXT_CHARS);
    check_text(
        errors,
        &at("postal_code"),
        &address.postal_code,
        MAX_POSTAL_CODE_CHARS,
    );
    if let Err(problem) = check_phone(&address.phone) {
        errors.push(at("phone"), problem);
    }
    let code = address.country_code.trim();
    if code.is_empty() {
        errors.push(at("country_code"), Problem::Empty);
    } else if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
        errors.push(at("country_code"), Problem::NotACountryCode);
    }
}

fn check_sellers(errors: &mut ValidationErrors, path: &str, sellers: &[SellerDraft], max: usize) {
    if sellers.len() > max {
        errors.push(
            path,
            Problem::TooMany {
                max,
                actual: sellers.len(),
            },
        );
        return;
    }
    let mut first_with_id: HashMap<&str, usize> = HashMap::with_capacity(sellers.len());
    for (i, seller) in sellers.iter().enumerate() {
        let at = |field: &str| format!("{path}[{i}].{field}");
        check_text(errors, &at("id"), &seller.id, MAX_TEXT_CHARS);
        if let Some(&first_index) = first_with_id.get(seller.id.as_str()) {
            errors.push(
                at("id"),
                Problem::DuplicateId {
                    id: seller.id.clone(),
                    first_index,
                },
            );
        }
        first_with_id.entry(seller.id.as_str()).or_insert(i);
        check_text(errors, &at("name"), &seller.name, MAX_NAME_CHARS);
        if let Some(email) = &seller.email {
            check_email(errors, &at("email"), email);
        }
        check_optional(errors, &at("url"), seller.url.as_deref(), MAX_URL_CHARS);
        check_optional(
            errors,
            &at("legal_id"),
            seller.legal_id.as_deref(),
            MAX_TEXT_CHARS,
        );
        if let Some(address) = &seller.address {
            check_address(errors, &at("address"), address);
        }
    }
}

/// An amount or price as whole, non-negative rupiah of at most 12 digits.
fn check_money(
    errors: &mut ValidationErrors,
    path: impl Fn() -> String,
    value: Decimal,
) -> Option<Money> {
    if value.is_sign_negative() && !value.is_zero() {
        errors.push(path(), Problem::Negative);
        return None;
    }
    if !value.fract().is_zero() {
        errors.push(path(), Problem::Fractional);
        return None;
    }
    let digits = integer_digits(value);
    if digits > MAX_PRICE_DIGITS {
        errors.push(
            path(),
            Problem::TooManyDigits {
                max: MAX_PRICE_DIGITS,
                actual: digits,
            },
        );
        return None;
    }
    match Money::try_from(value) {
        Ok(money) => Some(money),
        Err(_) => {
            errors.push(path(), Problem::Overflow);
            None
        }
    }
}

/// Digits before the decimal point (0 has one digit).
fn integer_digits(value: Decimal) -> u32 {
    let mut whole = value.trunc().abs();
    whole.rescale(0);
    whole
        .mantissa()
        .unsigned_abs()
        .checked_ilog10()
        .map_or(1, |l| l + 1)
}

/// Which list a line came from, for its path and the reserved-id rule.
#[derive(Clone, Copy, PartialEq, Eq)]
enum List {
    /// Products; fees too when the layout has no fee list.
    Items,
    /// Fees, in a layout with a fee list.
    Fees,
}

/// Checks amount, lines and parents; returns the amount and cart when every line parsed
/// and the lines sum to the amount.
fn check_cart(
    errors: &mut ValidationErrors,
    draft: &OrderDraft,
    rules: &OrderRules,
) -> Option<(Money, Cart)> {
    let paths = &rules.paths;
    let amount = check_money(errors, || paths.amount.to_owned(), draft.amount);
    if amount.is_some_and(Money::is_zero) {
        errors.push(paths.amount, Problem::Zero);
    }
    if draft.items.is_empty() {
        errors.push(paths.items, Problem::EmptyCart);
        return None;
    }
    let (item_count, fee_count) = match paths.fees {
        Some(_) => (draft.items.len(), draft.fees.len()),
        None => (draft.items.len() + draft.fees.len(), 0),
    };
    let mut too_many = false;
    for (path, max, actual) in [
        (Some(paths.items), rules.max_items, item_count),
        (paths.fees, rules.max_fees, fee_count),
    ] {
        if let (Some(path), true) = (path, actual > max) {
            // Each line costs work: past the bound, do not look at them one by one.
            errors.push(path, Problem::TooMany { max, actual });
            too_many = true;
        }
    }
    if too_many {
        return None;
    }
    // Where each line is reported: its own list, or (no fee list) after the items.
    let lines: Vec<(List, &str, usize, &LineDraft)> = match paths.fees {
        Some(fees) => draft
            .items
            .iter()
            .enumerate()
            .map(|(i, l)| (List::Items, paths.items, i, l))
            .chain(
                draft
                    .fees
                    .iter()
                    .enumerate()
                    .map(|(i, l)| (List::Fees, fees, i, l)),
            )
            .collect(),
        None => draft
            .items
            .iter()
            .chain(&draft.fees)
            .enumerate()
            .map(|(i, l)| (List::Items, paths.items, i, l))
            .collect(),
    };

    let mut valid = Vec::with_capacity(lines.len());
    let mut all_lines_ok = true;
    // Sets keep validation linear: a hostile cart of many lines must not cost n².
    let parents = Parents {
        sellers: draft.sellers.iter().map(|s| s.id.as_str()).collect(),
        items: lines.iter().map(|(_, _, _, l)| l.id.as_str()).collect(),
    };
    let mut first_with_key: HashMap<LineKey<'_>, usize> = HashMap::with_capacity(lines.len());
    for (index, &(list, path, i, line)) in lines.iter().enumerate() {
        let at = |field: &str| format!("{path}[{i}].{field}");
        let before = errors.errors.len();
        check_text(errors, &at("id"), &line.id, MAX_TEXT_CHARS);
        let kind = ItemKind::from_id(&line.id);
        match (paths.fees.is_some(), list) {
            (true, List::Items) if kind != ItemKind::Product => errors.push(
                at("id"),
                Problem::ReservedId {
                    id: line.id.clone(),
                },
            ),
            (true, List::Fees)
                if !line.id.trim().is_empty()
                    && matches!(kind, ItemKind::Product | ItemKind::MixPayment) =>
            {
                errors.push(
                    at("id"),
                    Problem::NotAFeeId {
                        id: line.id.clone(),
                    },
                )
            }
            _ => {}
        }
        check_text(errors, &at("name"), &line.name, MAX_NAME_CHARS);
        let price = check_money(errors, || at("price"), line.price);
        let quantity = if (1..=MAX_QUANTITY).contains(&line.quantity) {
            u32::try_from(line.quantity).ok()
        } else {
            errors.push(
                at("quantity"),
                Problem::QuantityOutOfRange {
                    actual: line.quantity,
                },
            );
            None
        };
        check_optional(
            errors,
            &at("type"),
            line.item_type.as_deref(),
            MAX_TEXT_CHARS,
        );
        check_optional(errors, &at("url"), line.url.as_deref(), MAX_URL_CHARS);
        check_optional(
            errors,
            &at("image_url"),
            line.image_url.as_deref(),
            MAX_URL_CHARS,
        );
        if let Some(&first_index) = first_with_key.get(&LineKey::of(line)) {
            errors.push(
                at("id"),
                Problem::DuplicateId {
                    id: line.id.clone(),
                    first_index,
                },
            );
        }
        first_with_key.entry(LineKey::of(line)).or_insert(index);
        check_parent(errors, &at, line, &parents);
        match (price, quantity) {
            (Some(price), Some(quantity)) => valid.push(LineItem {
                id: line.id.clone(),
                name: line.name.clone(),
                price,
                quantity,
                item_type: line.item_type.clone(),
                url: line.url.clone(),
                image_url: line.image_url.clone(),
                parent_type: line.parent_type.clone(),
                parent_id: line.parent_id.clone(),
            }),
            _ => all_lines_ok = false,
        }
        if errors.errors.len() != before {
            all_lines_ok = false;
        }
    }
    if !all_lines_ok {
        // A sum over broken lines would only repeat their problems as a mismatch.
        return None;
    }

    let cart = Cart::new(valid);
    let total = match cart.total() {
        Ok(total) => total,
        Err(PlanError::Negative { value }) => {
            errors.push(paths.items, Problem::NegativeTotal { total: value });
            return None;
        }
        Err(_) => {
            errors.push(paths.items, Problem::Overflow);
            return None;
        }
    };
    let amount = amount?;
    if total != amount {
        errors.push(
            paths.amount,
            Problem::AmountMismatch {
                expected: amount.as_decimal(),
                actual: total.as_decimal(),
            },
        );
        return None;
    }
    Some((amount, cart))
}

/// Two lines are the same line when id and parent match (fee ids repeat per seller).
#[derive(PartialEq, Eq, Hash)]
struct LineKey<'a> {
    id: &'a str,
    parent_type: Option<String>,
    parent_id: Option<&'a str>,
}

impl<'a> LineKey<'a> {
    fn of(line: &'a LineDraft) -> LineKey<'a> {
        LineKey {
            id: &line.id,
            parent_type: line.parent_type.as_deref().map(str::to_ascii_uppercase),
            parent_id: line.parent_id.as_deref(),
        }
    }
}

/// Ids a `parent_id` may name.
struct Parents<'a> {
    sellers: HashSet<&'a str>,
    items: HashSet<&'a str>,
}

fn check_parent(
    errors: &mut ValidationErrors,
    at: &dyn Fn(&str) -> String,
    line: &LineDraft,
    parents: &Parents<'_>,
) {
    let parent_id = match (&line.parent_type, &line.parent_id) {
        (_, Some(id)) if !id.trim().is_empty() => id,
        (Some(_), _) => {
            errors.push(at("parent_id"), Problem::Empty);
            return;
        }
        _ => return,
    };
    let is_seller = || parents.sellers.contains(parent_id.as_str());
    let is_item = || parents.items.contains(parent_id.as_str());
    let known = match line.parent_type.as_deref() {
        Some(t) if t.eq_ignore_ascii_case("SELLER") => is_seller(),
        Some(t) if t.eq_ignore_ascii_case("ITEM") => is_item(),
        _ => is_seller() || is_item(),
    };
    if !known {
        errors.push(
            at("parent_id"),
            Problem::UnknownParent {
                parent_id: parent_id.clone(),
            },
        );
    }
}
