//! Carts and order validation.
//!
//! [`validate_order`] is the parser from Kredivo's raw wire items to a [`ValidOrder`]: it
//! reports every problem at once, each with the JSON path of the offending field, so a
//! merchant can fix a request in one round trip. Limits come from docs 000 and 001: order id
//! ≤ 64 characters, item name ≤ 255, price and amount ≤ 12 digits, quantity 1..=9999
//! (≤ 4 digits), phone ≤ 16 digits.

use core::fmt;
use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use crate::wire::kredivo::{CheckoutRequest, PaymentsRequest, WireItem, WireSeller};
use crate::{Money, PlanError};

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

/// What a cart line is, from its id: a product or one of Kredivo's reserved fee ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ItemKind {
    /// Any other id: a product SKU.
    Product,
    /// `shippingfee`.
    ShippingFee,
    /// `adminfee`.
    AdminFee,
    /// `taxfee`.
    TaxFee,
    /// `discount`: sent with a positive price and **subtracted** (doc 000's cart).
    Discount,
    /// `additionalfee`.
    AdditionalFee,
    /// `insurancefee`.
    InsuranceFee,
    /// `mixpayment`: the part paid with another method. Treated as subtracted, like a
    /// discount — UNCONFIRMED (no document gives its sign); change [`ItemKind::is_subtracted`]
    /// if Kredivo says otherwise.
    MixPayment,
}

impl ItemKind {
    const RESERVED: [(&'static str, ItemKind); 7] = [
        ("shippingfee", ItemKind::ShippingFee),
        ("adminfee", ItemKind::AdminFee),
        ("taxfee", ItemKind::TaxFee),
        ("discount", ItemKind::Discount),
        ("additionalfee", ItemKind::AdditionalFee),
        ("insurancefee", ItemKind::InsuranceFee),
        ("mixpayment", ItemKind::MixPayment),
    ];

    /// The kind an item id names (reserved ids match ignoring ASCII case).
    pub fn from_id(id: &str) -> ItemKind {
        ItemKind::RESERVED
            .iter()
            .find(|(reserved, _)| id.eq_ignore_ascii_case(reserved))
            .map_or(ItemKind::Product, |(_, kind)| *kind)
    }

    /// The reserved id of a fee kind; `None` for products.
    pub fn reserved_id(self) -> Option<&'static str> {
        ItemKind::RESERVED
            .iter()
            .find(|(_, kind)| *kind == self)
            .map(|(id, _)| *id)
    }

    /// `true` when the line's price is subtracted from the cart total.
    pub fn is_subtracted(self) -> bool {
        matches!(self, ItemKind::Discount | ItemKind::MixPayment)
    }
}

/// A validated cart line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineItem {
    /// SKU or reserved fee id; decides [`LineItem::kind`].
    pub id: String,
    /// Product name.
    pub name: String,
    /// Unit price (positive even for a discount, which is subtracted).
    pub price: Money,
    /// Quantity.
    pub quantity: u32,
    /// Product category (`type`).
    pub item_type: Option<String>,
    /// Product page.
    pub url: Option<String>,
    /// Product image.
    pub image_url: Option<String>,
    /// `SELLER` or `ITEM`.
    pub parent_type: Option<String>,
    /// Seller id or item id.
    pub parent_id: Option<String>,
}

impl LineItem {
    /// A product or fee line with no optional fields.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        price: Money,
        quantity: u32,
    ) -> LineItem {
        LineItem {
            id: id.into(),
            name: name.into(),
            price,
            quantity,
            item_type: None,
            url: None,
            image_url: None,
            parent_type: None,
            parent_id: None,
        }
    }

    /// What the line is, from its id.
    pub fn kind(&self) -> ItemKind {
        ItemKind::from_id(&self.id)
    }

    /// `price × quantity`, before any subtraction.
    pub fn line_total(&self) -> Result<Money, PlanError> {
        self.price.checked_mul(self.quantity)
    }
}

impl From<&LineItem> for WireItem {
    fn from(item: &LineItem) -> WireItem {
        WireItem {
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

/// A list of cart lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cart {
    items: Vec<LineItem>,
}

impl Cart {
    /// A cart of these lines (not validated against an order amount; see [`validate_order`]).
    pub fn new(items: Vec<LineItem>) -> Cart {
        Cart { items }
    }

    /// The lines.
    pub fn items(&self) -> &[LineItem] {
        &self.items
    }

    /// Sum of the lines, with `discount` (and `mixpayment`) subtracted.
    ///
    /// [`PlanError::Negative`] when subtractions exceed the rest, [`PlanError::Overflow`]
    /// beyond [`Money::MAX`].
    ///
    /// ```
    /// use kredivo_plan::{Cart, LineItem, Money};
    /// let cart = Cart::new(vec![
    ///     LineItem::new("BB12345678", "iPhone 5S", Money::from_rupiah(6_000_000), 1),
    ///     LineItem::new("discount", "Discount", Money::from_rupiah(5_000), 1),
    /// ]);
    /// assert_eq!(cart.total()?, Money::from_rupiah(5_995_000));
    /// # Ok::<(), kredivo_plan::PlanError>(())
    /// ```
    pub fn total(&self) -> Result<Money, PlanError> {
        let mut added = Money::ZERO;
        let mut subtracted = Money::ZERO;
        for item in &self.items {
            let line = item.line_total()?;
            if item.kind().is_subtracted() {
                subtracted = subtracted.checked_add(line)?;
            } else {
                added = added.checked_add(line)?;
            }
        }
        added.checked_sub(subtracted)
    }

    /// The lines as Kredivo items.
    pub fn to_wire_items(&self) -> Vec<WireItem> {
        self.items.iter().map(WireItem::from).collect()
    }
}

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

    /// The lines.
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
    /// Two lines share an id (and the same parent).
    DuplicateId {
        /// The repeated id.
        id: String,
        /// Index of the first line with it.
        first_index: usize,
    },
    /// `parent_id` names no seller (or item) of this order.
    UnknownParent {
        /// The unknown id.
        parent_id: String,
    },
    /// A phone number with characters other than digits, spaces, `-`, `(`, `)` and a
    /// leading `+`.
    NotAPhoneNumber,
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
            Problem::DuplicateId { id, first_index } => {
                write!(f, "{id:?} repeats the id of item {first_index}")
            }
            Problem::UnknownParent { parent_id } => {
                write!(f, "{parent_id:?} is not a seller or item of this order")
            }
            Problem::NotAPhoneNumber => f.write_str("is not a phone number"),
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
            '0'..='9' => digits += 1,
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

/// Validates an order for `/v2/checkout_url` and builds its [`ValidOrder`].
///
/// Reports, all at once and with paths under `transaction_details`: an empty, too long
/// (> 64) order id; an amount that is negative, fractional, zero, over 12 digits or different
/// from the items' sum (`expected` = amount, `actual` = sum, discounts subtracted); an empty
/// cart; per item an empty id or name, a name over 255 characters, a negative, fractional or
/// over-12-digit price, a quantity outside 1..=9999, a repeated id, and a `parent_id` that
/// names no seller (for `parent_type` `SELLER`), no item (for `ITEM`), or neither.
///
/// Reserved fee ids may repeat for different parents (a shipping fee per seller is normal
/// for marketplaces), so an id counts as repeated only with the same parent.
///
/// ```
/// use kredivo_plan::{validate_order, Money, Problem};
/// use kredivo_plan::wire::kredivo::WireItem;
/// use rust_decimal::Decimal;
/// let item = |id: &str, price: i64, quantity: i64| WireItem {
///     id: id.into(), name: id.into(), price: Decimal::from(price), quantity,
///     item_type: None, url: None, image_url: None, parent_type: None, parent_id: None,
/// };
/// let items = [item("BB12345678", 6_000_000, 1), item("discount", 5_000, 1)];
/// let order = validate_order("KD14721", Decimal::from(5_995_000), &items, &[]).unwrap();
/// assert_eq!(order.amount(), Money::from_rupiah(5_995_000));
///
/// let errors = validate_order("KD14721", Decimal::from(6_000_000), &items, &[]).unwrap_err();
/// assert_eq!(
///     errors.at("transaction_details.amount"),
///     Some(&Problem::AmountMismatch { expected: Decimal::from(6_000_000), actual: Decimal::from(5_995_000) })
/// );
/// ```
pub fn validate_order(
    order_id: &str,
    amount: Decimal,
    items: &[WireItem],
    sellers: &[WireSeller],
) -> Result<ValidOrder, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    check_order_id(&mut errors, "transaction_details.order_id", order_id);
    let order = check_cart(&mut errors, "transaction_details.", amount, items, sellers);
    errors.into_result(|| {
        let (amount, cart) = order.unwrap_or_default();
        ValidOrder {
            order_id: order_id.to_owned(),
            amount,
            cart,
        }
    })
}

impl CheckoutRequest {
    /// Validates the whole checkout body: [`validate_order`] on `transaction_details` and
    /// `sellers`, plus the customer's name, email and phone and the addresses' phones.
    pub fn validate(&self) -> Result<ValidOrder, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let details = &self.transaction_details;
        check_order_id(
            &mut errors,
            "transaction_details.order_id",
            &details.order_id,
        );
        let sellers = self.sellers.as_deref().unwrap_or(&[]);
        let order = check_cart(
            &mut errors,
            "transaction_details.",
            details.amount,
            &details.items,
            sellers,
        );
        match &self.customer_details {
            None => errors.push("customer_details", Problem::Empty),
            Some(customer) => {
                check_text(
                    &mut errors,
                    "customer_details.first_name",
                    &customer.first_name,
                    MAX_NAME_CHARS,
                );
                if let Some(last) = &customer.last_name {
                    check_length(
                        &mut errors,
                        "customer_details.last_name",
                        last,
                        MAX_NAME_CHARS,
                    );
                }
                check_text(
                    &mut errors,
                    "customer_details.email",
                    &customer.email,
                    MAX_EMAIL_CHARS,
                );
                if let Err(problem) = check_phone(&customer.phone) {
                    errors.push("customer_details.phone", problem);
                }
            }
        }
        for (path, address) in [
            ("billing_address.phone", &self.billing_address),
            ("shipping_address.phone", &self.shipping_address),
        ] {
            if let Some(address) = address {
                if let Err(problem) = check_phone(&address.phone) {
                    errors.push(path, problem);
                }
            }
        }
        errors.into_result(|| {
            let (amount, cart) = order.unwrap_or_default();
            ValidOrder {
                order_id: details.order_id.clone(),
                amount,
                cart,
            }
        })
    }
}

impl PaymentsRequest {
    /// Validates `amount` and `items` of a `/v2/payments` body (paths `amount`,
    /// `items[i].price`, …) and returns the amount and cart.
    pub fn validate(&self) -> Result<(Money, Cart), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let order = check_cart(&mut errors, "", self.amount, &self.items, &[]);
        errors.into_result(|| order.unwrap_or_default())
    }
}

fn check_order_id(errors: &mut ValidationErrors, path: &str, order_id: &str) {
    check_text(errors, path, order_id, MAX_ORDER_ID_CHARS);
}

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
    let mut n = whole.mantissa().unsigned_abs();
    let mut digits = 1;
    while n >= 10 {
        n /= 10;
        digits += 1;
    }
    digits
}

/// Checks amount and items; returns the amount and cart when every line parsed.
fn check_cart(
    errors: &mut ValidationErrors,
    prefix: &str,
    amount: Decimal,
    items: &[WireItem],
    sellers: &[WireSeller],
) -> Option<(Money, Cart)> {
    let amount_path = format!("{prefix}amount");
    let amount_money = check_money(errors, || amount_path.clone(), amount);
    if amount_money.is_some_and(Money::is_zero) {
        errors.push(amount_path.clone(), Problem::Zero);
    }
    if items.is_empty() {
        errors.push(format!("{prefix}items"), Problem::EmptyCart);
        return None;
    }

    let mut lines = Vec::with_capacity(items.len());
    let mut all_lines_ok = true;
    // Sets keep validation linear: a hostile cart of many lines must not cost n².
    let parents = Parents {
        sellers: sellers.iter().map(|s| s.id.as_str()).collect(),
        items: items.iter().map(|i| i.id.as_str()).collect(),
    };
    let mut first_with_key: HashMap<LineKey<'_>, usize> = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = |field: &str| format!("{prefix}items[{i}].{field}");
        let before = errors.errors.len();
        if item.id.trim().is_empty() {
            errors.push(path("id"), Problem::Empty);
        }
        check_text(errors, &path("name"), &item.name, MAX_NAME_CHARS);
        let price = check_money(errors, || path("price"), item.price);
        let quantity = if (1..=MAX_QUANTITY).contains(&item.quantity) {
            u32::try_from(item.quantity).ok()
        } else {
            errors.push(
                path("quantity"),
                Problem::QuantityOutOfRange {
                    actual: item.quantity,
                },
            );
            None
        };
        if let Some(&first_index) = first_with_key.get(&LineKey::of(item)) {
            errors.push(
                path("id"),
                Problem::DuplicateId {
                    id: item.id.clone(),
                    first_index,
                },
            );
        }
        first_with_key.entry(LineKey::of(item)).or_insert(i);
        check_parent(errors, &path, item, &parents);
        match (price, quantity) {
            (Some(price), Some(quantity)) => lines.push(LineItem {
                id: item.id.clone(),
                name: item.name.clone(),
                price,
                quantity,
                item_type: item.item_type.clone(),
                url: item.url.clone(),
                image_url: item.image_url.clone(),
                parent_type: item.parent_type.clone(),
                parent_id: item.parent_id.clone(),
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

    let cart = Cart::new(lines);
    let total = match cart.total() {
        Ok(total) => total,
        Err(PlanError::Negative { value }) => {
            errors.push(
                format!("{prefix}items"),
                Problem::NegativeTotal { total: value },
            );
            return None;
        }
        Err(_) => {
            errors.push(format!("{prefix}items"), Problem::Overflow);
            return None;
        }
    };
    let amount = amount_money?;
    if total != amount {
        errors.push(
            amount_path,
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
    fn of(item: &'a WireItem) -> LineKey<'a> {
        LineKey {
            id: &item.id,
            parent_type: item.parent_type.as_deref().map(str::to_ascii_uppercase),
            parent_id: item.parent_id.as_deref(),
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
    path: &dyn Fn(&str) -> String,
    item: &WireItem,
    parents: &Parents<'_>,
) {
    let parent_id = match (&item.parent_type, &item.parent_id) {
        (_, Some(id)) if !id.trim().is_empty() => id,
        (Some(_), _) => {
            errors.push(path("parent_id"), Problem::Empty);
            return;
        }
        _ => return,
    };
    let is_seller = || parents.sellers.contains(parent_id.as_str());
    let is_item = || parents.items.contains(parent_id.as_str());
    let known = match item.parent_type.as_deref() {
        Some(t) if t.eq_ignore_ascii_case("SELLER") => is_seller(),
        Some(t) if t.eq_ignore_ascii_case("ITEM") => is_item(),
        _ => is_seller() || is_item(),
    };
    if !known {
        errors.push(
            path("parent_id"),
            Problem::UnknownParent {
                parent_id: parent_id.clone(),
            },
        );
    }
}
