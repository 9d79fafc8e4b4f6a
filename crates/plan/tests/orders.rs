//! Whole orders in the merchant's layout (`kredivo-api`'s session body): item and fee lines,
//! the stated total, customer, addresses and sellers, every problem at its path.

use kredivo_plan::order::{
    AddressDraft, CustomerDraft, LineDraft, OrderDraft, OrderPaths, OrderRules, SellerDraft,
};
use kredivo_plan::{ItemKind, LineItem, Money, Problem};
use rust_decimal::Decimal;

fn dec(v: i64) -> Decimal {
    Decimal::from(v)
}

fn line(id: &str, price: i64, quantity: i64) -> LineDraft {
    LineDraft {
        id: id.into(),
        name: format!("{id} name"),
        price: dec(price),
        quantity,
        ..LineDraft::default()
    }
}

fn address() -> AddressDraft {
    AddressDraft {
        first_name: "Budi".into(),
        last_name: Some("Santoso".into()),
        address: "Jl. Sudirman 1".into(),
        city: "Jakarta".into(),
        postal_code: "10220".into(),
        phone: "081234567890".into(),
        country_code: "IDN".into(),
    }
}

/// `crates/api`'s example session: 2 × 289,000 + 20,000 shipping = 598,000, plus a seller
/// and a 10,000 discount against 10,000 insurance so the sign of each fee matters.
fn session() -> OrderDraft {
    OrderDraft {
        order_id: "INV-2026-0001".into(),
        amount: dec(598_000),
        items: vec![LineDraft {
            parent_type: Some("SELLER".into()),
            parent_id: Some("S1".into()),
            url: Some("https://shop.example/p/1".into()),
            item_type: Some("Fashion".into()),
            ..line("sku-1", 289_000, 2)
        }],
        fees: vec![
            line("shippingfee", 20_000, 1),
            line("insurancefee", 10_000, 1),
            line("discount", 10_000, 1),
        ],
        customer: Some(CustomerDraft {
            first_name: "Budi".into(),
            last_name: Some("Santoso".into()),
            email: "budi@example.co.id".into(),
            phone: "081234567890".into(),
        }),
        billing_address: None,
        shipping_address: Some(address()),
        sellers: vec![SellerDraft {
            id: "S1".into(),
            name: "Toko Bagus".into(),
            email: Some("toko@example.co.id".into()),
            url: Some("https://shop.example/s/1".into()),
            legal_id: None,
            address: Some(address()),
        }],
    }
}

#[test]
fn a_session_with_fees_and_a_discount_validates_to_its_stated_total() {
    let order = session().validate().unwrap();
    assert_eq!(order.order_id(), "INV-2026-0001");
    assert_eq!(order.amount(), Money::from_rupiah(598_000));
    assert_eq!(order.cart().total(), Ok(Money::from_rupiah(598_000)));
    let kinds: Vec<ItemKind> = order.cart().items().iter().map(LineItem::kind).collect();
    assert_eq!(
        kinds,
        [
            ItemKind::Product,
            ItemKind::ShippingFee,
            ItemKind::InsuranceFee,
            ItemKind::Discount
        ],
        "products first, then fees in the order given"
    );
}

#[test]
fn every_problem_of_a_session_is_reported_at_once_with_its_path() {
    let mut draft = session();
    draft.order_id = "x".repeat(65);
    draft.items.push(line("sku-2", -1_000, 1));
    draft.fees[0].id = "gift-wrap".into();
    let customer = draft.customer.as_mut().unwrap();
    customer.email = "budi at example".into();
    customer.phone = "0812-CALL-ME".into();
    draft.shipping_address.as_mut().unwrap().country_code = "ID".into();
    draft.billing_address = Some(AddressDraft {
        postal_code: "12345678901".into(),
        city: " ".into(),
        ..address()
    });
    draft.sellers.push(SellerDraft {
        name: "Copy".into(),
        ..draft.sellers[0].clone()
    });

    let errors = draft.validate().unwrap_err();
    let rows = [
        (
            "reference",
            Problem::TooLong {
                max: 64,
                actual: 65,
            },
        ),
        ("items[1].price", Problem::Negative),
        (
            "fees[0].id",
            Problem::NotAFeeId {
                id: "gift-wrap".into(),
            },
        ),
        ("customer.email", Problem::NotAnEmail),
        ("customer.phone", Problem::NotAPhoneNumber),
        ("billing_address.city", Problem::Empty),
        (
            "billing_address.postal_code",
            Problem::TooLong {
                max: 10,
                actual: 11,
            },
        ),
        ("shipping_address.country_code", Problem::NotACountryCode),
        (
            "sellers[1].id",
            Problem::DuplicateId {
                id: "S1".into(),
                first_index: 0,
            },
        ),
    ];
    for (path, problem) in &rows {
        assert_eq!(errors.at(path), Some(problem), "{path}: {errors}");
    }
    assert_eq!(errors.errors().len(), rows.len(), "{errors}");
}

#[test]
fn a_total_that_disagrees_with_items_and_fees_names_both_figures() {
    let mut draft = session();
    draft.amount = dec(618_000);
    let errors = draft.validate().unwrap_err();
    assert_eq!(
        errors.at("amount"),
        Some(&Problem::AmountMismatch {
            expected: dec(618_000),
            actual: dec(598_000)
        }),
        "the discount is subtracted, the insurance added: {errors}"
    );
    assert_eq!(
        errors.to_string(),
        "amount is 618000 but the items sum to 598000 (discounts subtracted)"
    );
}

#[test]
fn a_fee_id_among_the_items_is_refused_where_fees_have_their_own_list() {
    let mut draft = session();
    let shipping = draft.fees.remove(0);
    draft.items.push(shipping);
    let errors = draft.validate().unwrap_err();
    assert_eq!(
        errors.at("items[1].id"),
        Some(&Problem::ReservedId {
            id: "shippingfee".into()
        })
    );
    assert_eq!(errors.errors().len(), 1, "{errors}");
}

#[test]
fn in_kredivos_layout_fees_are_lines_reported_after_the_items() {
    let mut draft = session();
    draft.fees[1].quantity = 0;
    let errors = draft
        .validate_with(&OrderRules::KREDIVO_CHECKOUT)
        .unwrap_err();
    assert_eq!(
        errors.at("transaction_details.items[2].quantity"),
        Some(&Problem::QuantityOutOfRange { actual: 0 }),
        "the second fee follows the one item and the first fee: {errors}"
    );
    assert_eq!(errors.errors().len(), 1, "{errors}");

    draft.fees[1].quantity = 1;
    let order = draft.validate_with(&OrderRules::KREDIVO_CHECKOUT).unwrap();
    assert_eq!(order.amount(), Money::from_rupiah(598_000));
}

#[test]
fn lists_longer_than_the_rules_allow_are_refused_without_reading_each_line() {
    let mut draft = session();
    // Broken lines, so a per-line check would add errors of its own.
    draft.items = (0..101).map(|i| line(&format!("sku-{i}"), -1, 0)).collect();
    let errors = draft.validate().unwrap_err();
    assert_eq!(
        errors.at("items"),
        Some(&Problem::TooMany {
            max: 100,
            actual: 101
        })
    );
    assert!(
        errors
            .errors()
            .iter()
            .all(|e| !e.path.starts_with("items[")),
        "{errors}"
    );

    let roomy = OrderRules {
        max_items: 200,
        ..OrderRules::MERCHANT
    };
    let errors = draft.validate_with(&roomy).unwrap_err();
    assert_eq!(
        errors.at("items[100].quantity"),
        Some(&Problem::QuantityOutOfRange { actual: 0 })
    );
}

#[test]
fn a_missing_customer_is_a_problem_only_where_the_rules_require_one() {
    let mut draft = session();
    draft.customer = None;
    assert_eq!(
        draft.validate().unwrap_err().at("customer"),
        Some(&Problem::Empty)
    );
    let cart_only = OrderRules {
        require_customer: false,
        ..OrderRules::MERCHANT
    };
    assert!(draft.validate_with(&cart_only).is_ok());
}

#[test]
fn custom_paths_name_fields_as_the_callers_body_does() {
    let rules = OrderRules {
        paths: OrderPaths {
            order_id: Some("order.reference"),
            customer: "order.buyer",
            ..OrderPaths::MERCHANT
        },
        ..OrderRules::MERCHANT
    };
    let mut draft = session();
    draft.order_id.clear();
    draft.customer.as_mut().unwrap().first_name = "\t".into();
    let errors = draft.validate_with(&rules).unwrap_err();
    assert_eq!(errors.at("order.reference"), Some(&Problem::Empty));
    assert_eq!(errors.at("order.buyer.first_name"), Some(&Problem::Empty));
}

#[test]
fn a_cart_turns_back_into_drafts_that_validate_to_the_same_cart() {
    let order = session().validate().unwrap();
    let mut again = session();
    again.items = order.cart().to_drafts();
    again.fees.clear();
    let revalidated = again.validate_with(&OrderRules::KREDIVO_CHECKOUT).unwrap();
    assert_eq!(revalidated.cart(), order.cart());
}
