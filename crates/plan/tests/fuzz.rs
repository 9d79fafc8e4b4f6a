//! Fuzzing the plan crate's parsers of outside input (issue 15): the pricing-table JSON (a
//! merchant's file, the proxy's `/pricing` answer in the browser) and money as text and as
//! JSON. Arbitrary bytes, mutated and retyped valid documents; every case must return a
//! value or a typed error — no panic — and allocate at most linearly in its input.
//! Case counts are per parser; `PROPTEST_CASES` replaces them (see `support/fuzzing.rs`).

#[path = "support/fuzzing.rs"]
mod fuzzing;

use std::sync::OnceLock;

use fuzzing::{arbitrary_text, bounded, fuzz, inputs, schedule_adds_up, CountingAlloc};
use kredivo_plan::{parse_money_display, Money, PlanError, PricingTable};
use proptest::prelude::*;

#[global_allocator]
static ALLOCATOR: CountingAlloc = CountingAlloc;

/// The built-in tables as JSON: every field a table can have.
fn table_seeds() -> &'static [&'static str] {
    static SEEDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        [
            PricingTable::kredivo_reference(),
            PricingTable::kredivo_2024(),
        ]
        .iter()
        .map(|t| {
            &*Box::leak(
                serde_json::to_string(t)
                    .expect("serialises")
                    .into_boxed_str(),
            )
        })
        .collect()
    })
}

const MONEY_SEEDS: &[&str] = &[
    "6505000",
    "\"1500100.00\"",
    "6505000.0",
    "\"42\"",
    "0",
    "18446744073709551615",
];

/// JSON errors from a byte slice are syntax, data or end-of-input: never I/O.
fn typed(e: &serde_json::Error) -> Result<(), TestCaseError> {
    prop_assert!(!e.is_io(), "{e}");
    Ok(())
}

#[test]
fn pricing_table_json_never_panics_and_loads_only_coherent_tables() {
    fuzz(
        "plan::PricingTable (JSON)",
        30_000,
        inputs(table_seeds()),
        |bytes| {
            let parsed = bounded(bytes.len(), || {
                serde_json::from_slice::<PricingTable>(&bytes)
            })?;
            match parsed {
                Err(e) => typed(&e),
                Ok(table) => {
                    // A table that loads prices every amount into plans whose schedules add
                    // up to their totals.
                    for amount in [1, 10_000, 2_400_000, 30_000_000, u64::MAX] {
                        for plan in table.plans(Money::from_rupiah(amount)) {
                            schedule_adds_up(&plan)?;
                        }
                    }
                    Ok(())
                }
            }
        },
    );
}

#[test]
fn money_text_parses_to_money_or_a_typed_error() {
    fuzz(
        "plan::Money::parse and parse_money_display",
        30_000,
        arbitrary_text(),
        |text| {
            for result in [Money::parse(&text), parse_money_display(&text)] {
                match result {
                    Ok(money) => prop_assert_eq!(Money::parse(&money.to_string()), Ok(money)),
                    Err(
                        PlanError::Invalid { .. }
                        | PlanError::Negative { .. }
                        | PlanError::Fractional { .. }
                        | PlanError::Overflow { .. },
                    ) => {}
                    Err(other) => prop_assert!(false, "unexpected error kind: {other:?}"),
                }
            }
            Ok(())
        },
    );
}

#[test]
fn money_json_parses_to_money_or_a_typed_error() {
    fuzz("plan::Money (JSON)", 25_000, inputs(MONEY_SEEDS), |bytes| {
        match bounded(bytes.len(), || serde_json::from_slice::<Money>(&bytes))? {
            Ok(money) => prop_assert_eq!(Money::parse(&money.to_string()), Ok(money)),
            Err(e) => typed(&e)?,
        }
        Ok(())
    });
}

/// The bound is a real check: a "parser" that allocates a megabyte for one byte fails it.
#[test]
fn the_allocation_bound_fails_a_parser_that_allocates_out_of_proportion() {
    let small: Result<Vec<u8>, _> = bounded(1_000, || vec![0u8; 1_000]);
    assert!(small.is_ok());
    let greedy: Result<Vec<u8>, _> = bounded(1, || vec![0u8; 1 << 20]);
    assert!(greedy.is_err());
}
