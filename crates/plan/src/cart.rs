//! Carts: validated lines, their kinds and their total. Validation from raw input is in
//! [`crate::order`].

use crate::order::LineDraft;
use crate::{Money, PlanError};

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

/// A list of cart lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cart {
    items: Vec<LineItem>,
}

impl Cart {
    /// A cart of these lines (not validated against an order amount; see
    /// [`crate::OrderDraft`]).
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

    /// The lines as drafts, to validate again or to hand to a provider's wire format.
    pub fn to_drafts(&self) -> Vec<LineDraft> {
        self.items.iter().map(LineDraft::from).collect()
    }
}
