//! Every parser of outside input the proxy owns, fed arbitrary and mutated bytes: the widget's
//! and the merchant's request bodies (through the same extractor the handlers use), the
//! session validator, the JSON depth guard and the webhook signature verifier. Each must end in
//! a value or a typed error — never a panic — within bounded work.
//!
//! Case counts are fixed so they can be reported (`PROXY_FUZZ_CASES` multiplies them for a
//! longer campaign): 4 × 25,000 mutated bodies, 25,000 arbitrary byte strings, 10,000 session
//! bodies through the validator, 25,000 signature headers — 160,000 in all by default.

use kredivo_api::merchant::CreateSession;
use kredivo_api::{CheckoutRequest, PaymentTypesRequest};
use kredivo_proxy::error::{json_depth, parse_json, AppError, MAX_JSON_DEPTH};
use kredivo_proxy::orders::sessions::{all_payment_types, validate};
use kredivo_proxy::webhooks::signature;
use kredivo_proxy::Config;
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestRunner};

/// These parsers do not touch the store: the suite's second run on PostgreSQL skips them.
fn skipped_on_the_postgres_run() -> bool {
    std::env::var("KREDIVO_TEST_STORE").as_deref() == Ok("postgres")
}

fn cases(base: u32) -> u32 {
    let factor = std::env::var("PROXY_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(1);
    base.saturating_mul(factor.max(1))
}

fn runner(base: u32) -> TestRunner {
    TestRunner::new(RunnerConfig {
        cases: cases(base),
        failure_persistence: None,
        ..RunnerConfig::default()
    })
}

const SEEDS: [&str; 4] = [
    r#"{"session":"ses_ABC_secret_0123456789ABCDEFGHJKMNPQRSTVWXYZ"}"#,
    r#"{"cart":[{"product_id":"laptop-14","quantity":1}],"payment_type":"3_months","idempotency_key":"abcd1234efgh","customer":{"first_name":"Budi","email":"b@x.id","phone":"0812"},"shipping_address":{"first_name":"B","address":"Jl 1","city":"J","postal_code":"10220","phone":"0812","country_code":"IDN"}}"#,
    r#"{"amount":"2400000"}"#,
    r#"{"reference":"INV-1","amount":"598000","items":[{"id":"sku-1","name":"Kemeja","price":"289000","quantity":2}],"fees":[{"id":"shippingfee","name":"Ongkir","price":"20000"}],"customer":{"first_name":"Budi","email":"budi@example.co.id","phone":"081234567890"},"shipping_address":{"first_name":"Budi","address":"Jl. Sudirman 1","city":"Jakarta","postal_code":"10220","phone":"081234567890","country_code":"IDN"},"metadata":{"k":"v"},"payment_types":["3_months"]}"#,
];

/// A seed with random byte edits: flips, insertions, deletions, duplicated spans.
fn mutated() -> impl Strategy<Value = Vec<u8>> {
    (
        0..SEEDS.len(),
        proptest::collection::vec((0usize..4, any::<usize>(), any::<u8>()), 1..12),
    )
        .prop_map(|(seed, edits)| {
            let mut bytes = SEEDS[seed].as_bytes().to_vec();
            for (kind, at, byte) in edits {
                if bytes.is_empty() {
                    bytes.push(byte);
                    continue;
                }
                let at = at % bytes.len();
                match kind {
                    0 => bytes[at] = byte,
                    1 => bytes.insert(at, byte),
                    2 => {
                        bytes.remove(at);
                    }
                    _ => {
                        let end = (at + 16).min(bytes.len());
                        let span = bytes[at..end].to_vec();
                        bytes.splice(at..at, span);
                    }
                }
            }
            bytes
        })
}

/// A body parsed the way the handlers parse it: a value, or `invalid_json` — nothing else.
fn parses_or_refuses<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<(), TestCaseError> {
    match parse_json::<T>(bytes) {
        Ok(_) | Err(AppError::InvalidJson { .. }) => Ok(()),
        Err(other) => Err(TestCaseError::fail(format!("unexpected {other:?}"))),
    }
}

#[test]
fn mutated_request_bodies_parse_or_are_refused_with_invalid_json() {
    if skipped_on_the_postgres_run() {
        return;
    }
    let mut r = runner(25_000);
    r.run(&mutated(), |b| parses_or_refuses::<PaymentTypesRequest>(&b))
        .unwrap();
    let mut r = runner(25_000);
    r.run(&mutated(), |b| parses_or_refuses::<CheckoutRequest>(&b))
        .unwrap();
    let mut r = runner(25_000);
    r.run(&mutated(), |b| parses_or_refuses::<CreateSession>(&b))
        .unwrap();
    let mut r = runner(25_000);
    r.run(&mutated(), |b| parses_or_refuses::<serde_json::Value>(&b))
        .unwrap();
}

#[test]
fn arbitrary_bytes_never_panic_the_extractor_or_the_depth_guard() {
    if skipped_on_the_postgres_run() {
        return;
    }
    let mut r = runner(25_000);
    let bytes = proptest::collection::vec(any::<u8>(), 0..2048);
    r.run(&bytes, |b| {
        let _ = json_depth(&b);
        parses_or_refuses::<CreateSession>(&b)
    })
    .unwrap();
    // Deep nesting is refused before serde recurses into it.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(json_depth(deep.as_bytes()) > MAX_JSON_DEPTH);
    assert!(parse_json::<serde_json::Value>(deep.as_bytes()).is_err());
}

/// Every session body the parser accepts goes through the validator without a panic: it
/// answers a valid session or a list of problems with paths.
#[test]
fn parsed_session_bodies_are_validated_without_panicking() {
    if skipped_on_the_postgres_run() {
        return;
    }
    let config = Config::default();
    let types = all_payment_types();
    // The seed itself is a valid session: the validator does accept things.
    let seed: CreateSession = serde_json::from_str(SEEDS[3]).unwrap();
    assert!(validate::session(&seed, &config, &types, 1_800_000_000_000).is_ok());
    let mut r = runner(10_000);
    r.run(&mutated(), |b| {
        if let Ok(body) = parse_json::<CreateSession>(&b) {
            match validate::session(&body, &config, &types, 1_800_000_000_000) {
                Ok(v) => prop_assert!(!v.amount.is_zero()),
                Err(problems) => {
                    prop_assert!(!problems.is_empty());
                    prop_assert!(problems.iter().all(|p| p.contains(": ")), "{problems:?}");
                }
            }
        }
        Ok(())
    })
    .unwrap();
}

#[test]
fn arbitrary_signature_headers_are_refused_or_verified_never_panic() {
    if skipped_on_the_postgres_run() {
        return;
    }
    let header = proptest::string::string_regex("[tv1= ,0-9a-fA-F\\-]{0,200}").unwrap();
    let mut r = runner(25_000);
    r.run(
        &(header, proptest::collection::vec(any::<u8>(), 0..256)),
        |(h, body)| {
            let _ = signature::verify(
                "whsec_fuzz_0123456789abcdefghijklmnop",
                &h,
                &body,
                1_800_000_000,
            );
            Ok(())
        },
    )
    .unwrap();
}
