//! Carts and order validation against doc 000's checkout example: Kredivo's bodies through
//! the plan crate's validation, with Kredivo's field paths.

use kredivo_plan::{Cart, ItemKind, LineItem, Money, Problem};
use kredivo_providers::kredivo::{
    validate_cart as validate_order, wire_items, CheckoutRequest, PaymentsRequest, WireItem,
    WireSeller,
};
use rust_decimal::Decimal;

const CHECKOUT_REQUEST: &str = include_str!("fixtures/checkout_request.json");

fn doc_request() -> CheckoutRequest {
    serde_json::from_str(CHECKOUT_REQUEST).unwrap()
}

fn doc_parts() -> (String, Decimal, Vec<WireItem>, Vec<WireSeller>) {
    let req = doc_request();
    let d = req.transaction_details;
    (
        d.order_id,
        d.amount,
        d.items,
        req.sellers.unwrap_or_default(),
    )
}

fn dec(v: i64) -> Decimal {
    Decimal::from(v)
}

/// The items' sum computed independently of the crate: discounts subtract.
fn independent_sum(items: &[WireItem]) -> Decimal {
    items
        .iter()
        .map(|i| {
            let line = i.price * Decimal::from(i.quantity);
            if i.id == "discount" || i.id == "mixpayment" {
                -line
            } else {
                line
            }
        })
        .sum()
}

#[test]
fn the_documented_checkout_cart_is_valid() {
    let (order_id, amount, items, sellers) = doc_parts();
    let order = validate_order(&order_id, amount, &items, &sellers).unwrap();
    assert_eq!(order.order_id(), "KD14721");
    assert_eq!(order.amount(), Money::from_rupiah(6_505_000));
    assert_eq!(order.cart().total(), Ok(Money::from_rupiah(6_505_000)));
    let kinds: Vec<ItemKind> = order.cart().items().iter().map(LineItem::kind).collect();
    assert_eq!(
        kinds,
        [
            ItemKind::Product,
            ItemKind::Product,
            ItemKind::TaxFee,
            ItemKind::ShippingFee,
            ItemKind::Discount
        ]
    );
    assert!(
        doc_request().validate().is_ok(),
        "the whole request validates too"
    );
}

#[test]
fn changing_any_line_makes_validation_name_the_mismatch() {
    let (order_id, amount, items, sellers) = doc_parts();
    for i in 0..items.len() {
        for (field, change) in [("price", 1i64), ("quantity", 1)] {
            let mut changed = items.clone();
            match field {
                "price" => changed[i].price += dec(change),
                _ => changed[i].quantity += change,
            }
            let errors = validate_order(&order_id, amount, &changed, &sellers)
                .expect_err(&format!("item {i} {field} changed"));
            assert_eq!(errors.errors().len(), 1, "item {i} {field}: {errors}");
            assert_eq!(
                errors.at("transaction_details.amount"),
                Some(&Problem::AmountMismatch {
                    expected: dec(6_505_000),
                    actual: independent_sum(&changed)
                }),
                "item {i} {field}"
            );
        }
    }
}

#[test]
fn the_mismatch_message_names_expected_and_actual() {
    let (order_id, _, items, sellers) = doc_parts();
    let errors = validate_order(&order_id, dec(6_515_000), &items, &sellers).unwrap_err();
    assert_eq!(
        errors.to_string(),
        "transaction_details.amount is 6515000 but the items sum to 6505000 (discounts subtracted)"
    );
}

#[test]
fn every_problem_is_reported_at_once_with_its_path() {
    let (_, _, mut items, sellers) = doc_parts();
    items[0].price = dec(1_000_000_000_000); // 13 digits
    items[1].quantity = 0;
    items[2].name = "x".repeat(256);
    items[3].parent_id = Some("SELLER999".into());
    items[4].price = Decimal::new(50_005, 1); // 5000.5
    items.push(items[0].clone()); // duplicate id
    let order_id = "K".repeat(65);
    let errors = validate_order(&order_id, dec(-1), &items, &sellers).unwrap_err();
    let rows = [
        (
            "transaction_details.order_id",
            Problem::TooLong {
                max: 64,
                actual: 65,
            },
        ),
        ("transaction_details.amount", Problem::Negative),
        (
            "transaction_details.items[0].price",
            Problem::TooManyDigits {
                max: 12,
                actual: 13,
            },
        ),
        (
            "transaction_details.items[1].quantity",
            Problem::QuantityOutOfRange { actual: 0 },
        ),
        (
            "transaction_details.items[2].name",
            Problem::TooLong {
                max: 255,
                actual: 256,
            },
        ),
        (
            "transaction_details.items[3].parent_id",
            Problem::UnknownParent {
                parent_id: "SELLER999".into(),
            },
        ),
        ("transaction_details.items[4].price", Problem::Fractional),
        (
            "transaction_details.items[5].id",
            Problem::DuplicateId {
                id: "BB12345678".into(),
                first_index: 0,
            },
        ),
        (
            "transaction_details.items[5].price",
            Problem::TooManyDigits {
                max: 12,
                actual: 13,
            },
        ),
    ];
    for (path, problem) in &rows {
        assert_eq!(errors.at(path), Some(problem), "{path}: {errors}");
    }
    assert_eq!(errors.errors().len(), rows.len(), "{errors}");
}

#[test]
fn single_field_problems_are_named() {
    let base = || doc_parts();
    type Edit = fn(&mut String, &mut Decimal, &mut Vec<WireItem>, &mut Vec<WireSeller>);
    let rows: [(Edit, &str, Problem, &str); 10] = [
        (
            |o, _, _, _| o.clear(),
            "transaction_details.order_id",
            Problem::Empty,
            "empty order id",
        ),
        (
            |_, a, _, _| *a = Decimal::ZERO,
            "transaction_details.amount",
            Problem::Zero,
            "zero amount",
        ),
        (
            |_, a, _, _| *a = dec(1_000_000_000_000),
            "transaction_details.amount",
            Problem::TooManyDigits {
                max: 12,
                actual: 13,
            },
            "13-digit amount",
        ),
        (
            |_, _, i, _| i.clear(),
            "transaction_details.items",
            Problem::EmptyCart,
            "empty cart",
        ),
        (
            |_, _, i, _| i[0].quantity = -2,
            "transaction_details.items[0].quantity",
            Problem::QuantityOutOfRange { actual: -2 },
            "negative quantity",
        ),
        (
            |_, _, i, _| i[0].quantity = 10_000,
            "transaction_details.items[0].quantity",
            Problem::QuantityOutOfRange { actual: 10_000 },
            "5-digit quantity",
        ),
        (
            |_, _, i, _| i[2].price = dec(-1_000),
            "transaction_details.items[2].price",
            Problem::Negative,
            "negative price",
        ),
        (
            |_, _, i, _| i[0].id.clear(),
            "transaction_details.items[0].id",
            Problem::Empty,
            "empty id",
        ),
        (
            |_, _, i, _| i[0].name = "  ".into(),
            "transaction_details.items[0].name",
            Problem::Empty,
            "blank name",
        ),
        (
            |_, _, _, s| s.clear(),
            "transaction_details.items[1].parent_id",
            Problem::UnknownParent {
                parent_id: "SELLER456".into(),
            },
            "no sellers sent",
        ),
    ];
    for (edit, path, problem, why) in rows {
        let (mut order_id, mut amount, mut items, mut sellers) = base();
        edit(&mut order_id, &mut amount, &mut items, &mut sellers);
        let errors = validate_order(&order_id, amount, &items, &sellers).expect_err(why);
        assert_eq!(errors.at(path), Some(&problem), "{why}: {errors}");
    }
}

#[test]
fn a_shipping_fee_per_seller_is_not_a_duplicate() {
    let (order_id, _, mut items, sellers) = doc_parts();
    let mut second_fee = items[3].clone();
    second_fee.parent_id = Some("SELLER123".into());
    items.push(second_fee);
    assert!(validate_order(&order_id, dec(6_514_000), &items, &sellers).is_ok());
}

#[test]
fn item_parents_must_name_an_item_of_the_order() {
    let (order_id, amount, mut items, sellers) = doc_parts();
    items[2].parent_type = Some("ITEM".into());
    items[2].parent_id = Some("BB12345678".into());
    assert!(validate_order(&order_id, amount, &items, &sellers).is_ok());
    items[2].parent_id = Some("SELLER456".into());
    let errors = validate_order(&order_id, amount, &items, &sellers).unwrap_err();
    assert_eq!(
        errors.at("transaction_details.items[2].parent_id"),
        Some(&Problem::UnknownParent {
            parent_id: "SELLER456".into()
        }),
        "a seller id is not an item id"
    );
}

#[test]
fn discounts_larger_than_the_cart_are_reported() {
    let items = vec![fee("sku", 1_000), fee("discount", 5_000)];
    let errors = validate_order("o-1", dec(1), &items, &[]).unwrap_err();
    assert_eq!(
        errors.at("transaction_details.items"),
        Some(&Problem::NegativeTotal { total: dec(-4_000) })
    );
}

fn fee(id: &str, price: i64) -> WireItem {
    WireItem {
        id: id.into(),
        name: id.into(),
        price: dec(price),
        quantity: 1,
        item_type: None,
        url: None,
        image_url: None,
        parent_type: None,
        parent_id: None,
    }
}

#[test]
fn mixpayment_is_subtracted_like_a_discount() {
    let cart = Cart::new(vec![
        LineItem::new("sku", "Thing", Money::from_rupiah(100_000), 2),
        LineItem::new("shippingfee", "Shipping", Money::from_rupiah(9_000), 1),
        LineItem::new(
            "MixPayment",
            "Paid by points",
            Money::from_rupiah(20_000),
            1,
        ),
    ]);
    assert_eq!(
        cart.items()[2].kind(),
        ItemKind::MixPayment,
        "reserved ids ignore case"
    );
    assert_eq!(cart.total(), Ok(Money::from_rupiah(189_000)));
}

#[test]
fn reserved_ids_map_to_kinds_and_back() {
    for id in [
        "shippingfee",
        "adminfee",
        "taxfee",
        "discount",
        "additionalfee",
        "insurancefee",
        "mixpayment",
    ] {
        let kind = ItemKind::from_id(id);
        assert_ne!(kind, ItemKind::Product, "{id}");
        assert_eq!(kind.reserved_id(), Some(id));
    }
    assert_eq!(ItemKind::from_id("BB12345678"), ItemKind::Product);
    assert_eq!(ItemKind::Product.reserved_id(), None);
}

#[test]
fn a_cart_converts_to_wire_items_that_validate_back_to_it() {
    let (order_id, amount, items, sellers) = doc_parts();
    let order = validate_order(&order_id, amount, &items, &sellers).unwrap();
    assert_eq!(wire_items(order.cart()), items);
}

#[test]
fn the_checkout_request_checks_customer_fields_and_phones() {
    let mut req = doc_request();
    let customer = req.customer_details.as_mut().unwrap();
    customer.phone = "62815131142621234".into();
    customer.email.clear();
    req.shipping_address.as_mut().unwrap().phone = "call me".into();
    let errors = req.validate().unwrap_err();
    assert_eq!(
        errors.at("customer_details.phone"),
        Some(&Problem::TooManyDigits {
            max: 16,
            actual: 17
        })
    );
    assert_eq!(errors.at("customer_details.email"), Some(&Problem::Empty));
    assert_eq!(
        errors.at("shipping_address.phone"),
        Some(&Problem::NotAPhoneNumber)
    );
    assert_eq!(errors.errors().len(), 3, "{errors}");

    req.customer_details = None;
    assert_eq!(
        req.validate().unwrap_err().at("customer_details"),
        Some(&Problem::Empty)
    );
}

#[test]
fn the_payments_request_validates_with_top_level_paths() {
    let body = r#"{"server_key":"k","amount":2400000,"items":[
        {"id":"BB12345678","name":"iPhone 5S","price":2400000,"type":"Smartphone","quantity":1}]}"#;
    let req: PaymentsRequest = serde_json::from_str(body).unwrap();
    let (amount, cart) = req.validate().unwrap();
    assert_eq!(amount, Money::from_rupiah(2_400_000));
    assert_eq!(cart.items().len(), 1);

    let bad = PaymentsRequest {
        amount: dec(2_400_001),
        ..req
    };
    let errors = bad.validate().unwrap_err();
    assert_eq!(
        errors.at("amount"),
        Some(&Problem::AmountMismatch {
            expected: dec(2_400_001),
            actual: dec(2_400_000)
        })
    );
}

#[test]
fn odd_but_valid_json_numbers_reach_validation() {
    let body = r#"{"server_key":"k","amount":"10000","items":[
        {"id":"a","name":"A","price":"5000.00","quantity":"2"}]}"#;
    let req: PaymentsRequest = serde_json::from_str(body).unwrap();
    assert!(req.validate().is_ok());
}
