//! Fuzzing every parser of outside input in `kredivo-providers` (issue 15): the five
//! providers' push bodies and signatures, their responses, the requests the sandbox reads,
//! and the small text parsers (Basic auth, percent-decoding, DOKU timestamps).
//!
//! Inputs are arbitrary bytes, valid documents with byte-level edits, and valid documents
//! with values retyped (`support/fuzzing.rs`, shared with the plan crate's suite). Every case
//! must end in a value or a typed error — no panic — and allocate at most linearly in its
//! input; parsed values must also survive what callers do next (validation, plan
//! conversion, schedules), and a body the sandbox signs must verify. Case counts are set per
//! parser below; `PROPTEST_CASES=N` replaces them all for a longer campaign.

#[path = "../../plan/tests/support/fuzzing.rs"]
mod fuzzing;

use fuzzing::{arbitrary_text, bounded, fuzz, inputs, retyped, schedule_adds_up, CountingAlloc};
use kredivo_plan::{CreditLimits, Money, Plan, PlanParts};
use kredivo_providers::kredivo::{
    CancelResponse, CheckoutRequest, CheckoutResponse, ConnectCallback, CreditDetailsResponse,
    DeactivateTokenResponse, ErrorResponse, PaymentsRequest, PaymentsResponse, PushNotification,
    TokenDeactivatedNotice, TransactionStatusResponse, UpdateResponse, WirePaymentType,
};
use kredivo_providers::{auth, doku, encoding, finpay, midtrans, time, xendit, ProviderError};
use proptest::prelude::*;
use serde::de::DeserializeOwned;

#[global_allocator]
static ALLOCATOR: CountingAlloc = CountingAlloc;

/// Parses `bytes` as `T` within the allocation bound; a failure must be a JSON error, not
/// I/O.
fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<Option<T>, TestCaseError> {
    match bounded(bytes.len(), || serde_json::from_slice::<T>(bytes))? {
        Ok(value) => Ok(Some(value)),
        Err(e) => {
            prop_assert!(!e.is_io(), "{e}");
            Ok(None)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Kredivo (doc 000)
// ---------------------------------------------------------------------------------------

const KREDIVO_PUSH: &[&str] = &[
    r#"{"status":"OK","message":"Transaction status is settlement","amount":"1500100.00","payment_type":"30_days","transaction_status":"settlement","order_id":"KD14721","transaction_id":"ee62d4cd-3f6c-4c5e","transaction_time":1501846094,"signature_key":"a%2Bb%2Fc%3D","shipping_address":{"city":"Jakarta","countrycode":"IDN","transaction":1001,"postcode":"12960"},"user_token":"XXXX-YYYY"}"#,
    r#"{"status":"OK","message":"Confirmed order status. Valid!","legal_name":"Randy","fraud_status":"accept","order_id":"KD14721","transaction_time":1501846094,"amount":"1500100.00","payment_type":"3_months","transaction_status":"pending","transaction_id":"ee62"}"#,
    r#"{"status":"ERROR","error":{"message":"Field signature_key is INCORRECT.","kind":"APIException","code":null}}"#,
    r#"{"status":"ERROR","message":"Transaction is already cancelled.","fraud_status":"deny","error":{"message":"x","code":1009}}"#,
];

#[test]
fn kredivo_push_update_and_error_bodies_parse_or_fail_typed() {
    fuzz(
        "kredivo push / update / error",
        20_000,
        inputs(KREDIVO_PUSH),
        |bytes| {
            parse::<PushNotification>(&bytes)?;
            parse::<UpdateResponse>(&bytes)?;
            parse::<ErrorResponse>(&bytes)?;
            Ok(())
        },
    );
}

const KREDIVO_PAYMENTS: &[&str] = &[
    include_str!("fixtures/payments_response.json"),
    r#"{"status":"OK","payments":[{"id":"6_months","name":"x","tenure":6,"amount":2400000,"installment_amount":"2700540.00","monthly_installment":450090,"rate":2.95,"down_payment":0,"discounted_monthly_installment":400000,"interest_rate_transition_term":2,"service_fee":1000,"interest_rate":"2.6","mdr":1.5}]}"#,
];

#[test]
fn kredivo_payment_types_become_coherent_plans_or_typed_errors() {
    fuzz(
        "kredivo payments -> Plan",
        15_000,
        inputs(KREDIVO_PAYMENTS),
        |bytes| {
            if let Some(response) = parse::<PaymentsResponse>(&bytes)? {
                for entry in &response.payments {
                    if let Ok(plan) = Plan::try_from(entry) {
                        schedule_adds_up(&plan)?;
                    }
                }
            }
            Ok(())
        },
    );
}

/// The round trip the plan crate's property test used to check for tables: any coherent
/// plan survives Kredivo's `/v2/payments` entry and comes back the same.
#[test]
fn any_coherent_plan_round_trips_through_a_payments_entry() {
    let parts = (
        1u32..=24,
        1u64..=100_000_000,
        0u64..=1_000_000,
        0u64..=1_000_000,
        prop::option::of((1u64..=50_000_000, 1u32..24)),
    );
    fuzz(
        "Plan <-> kredivo WirePaymentType",
        8_000,
        parts,
        |(tenure, monthly, fee, down, promo)| {
            let promo = promo.filter(|(discounted, months)| *months < tenure && *discounted > 0);
            let total = match promo {
                Some((d, m)) => d * u64::from(m) + monthly * u64::from(tenure - m),
                None => monthly * u64::from(tenure),
            };
            let principal = total.saturating_sub(fee).max(down);
            let Ok(plan) = Plan::try_from(PlanParts {
                payment_type: kredivo_plan::PaymentType::from_tenure_months(tenure).unwrap_or(
                    kredivo_plan::PaymentType::Unknown(format!("{tenure}_months")),
                ),
                tenure_months: tenure,
                principal: Money::from_rupiah(principal),
                down_payment: Money::from_rupiah(down),
                monthly_installment: Money::from_rupiah(monthly),
                total: Money::from_rupiah(total),
                interest: Money::from_rupiah((total + down).saturating_sub(principal + fee)),
                service_fee: Money::from_rupiah(fee),
                discounted_monthly_installment: promo.map(|(d, _)| Money::from_rupiah(d)),
                promo_months: promo.map(|(_, m)| m),
                rate: rust_decimal::Decimal::ZERO,
            }) else {
                return Ok(());
            };
            let wire = WirePaymentType::from(&plan);
            let json = serde_json::to_vec(&wire).expect("serialises");
            let back: WirePaymentType = serde_json::from_slice(&json).expect("parses");
            prop_assert_eq!(Plan::try_from(&back), Ok(plan));
            Ok(())
        },
    );
}

const KREDIVO_RESPONSES: &[&str] = &[
    r#"{"status":"OK","message":"","redirect_url":"https://sandbox.kredivo.com/kredivo/v2/signin?tk=XXX"}"#,
    r#"{"status":"OK","message":"Transaction is pending","fraud_status":"accept","order_id":"KD1","transaction_time":"2017-12-14 16:07:24","amount":1500000,"payment_type":"30_days","transaction_status":"pending","transaction_id":"t1","payback_amount":1500000,"discount_amount":0,"items":[{"id":"a","name":"A","price":1500000,"quantity":1}],"merchant":{"id":110,"name":"Store"}}"#,
    r#"{"status":"OK","message":"Succes cancelling transaction by amount","fraud_status":"accept","order_id":"KD1","transaction_time":1501846094,"amount":"1000000.00","payment_type":"30_days","transaction_status":"settlement","transaction_id":"t1"}"#,
    r#"{"Status":"OK","user_details":{"legal_name":"Randy","mobile_number":"62812xxxx0581"},"user_credit_details":{"account_status":1,"account_type":2,"credit_limit_details":[{"payment_type":"30_days","remaining_user_limit":"1500000"},{"payment_type":"12_month","remaining_user_limit":"15000000"}]}}"#,
    r#"{"status":"OK","user_token":"XXXX-YYYY","is_active":false,"remarks":"deactive user successful"}"#,
    r#"{"status":"OK","user_token":"XXXX-YYYYY","client_user_key":"randy@finaccel.co","message":"Kredivo-Connect success."}"#,
    r#"{"message":"message if any","client_user_key":"randy@finaccel.co"}"#,
];

#[test]
fn kredivo_responses_and_callbacks_parse_or_fail_typed() {
    fuzz(
        "kredivo responses / callbacks",
        20_000,
        inputs(KREDIVO_RESPONSES),
        |bytes| {
            parse::<CheckoutResponse>(&bytes)?;
            parse::<TransactionStatusResponse>(&bytes)?;
            parse::<CancelResponse>(&bytes)?;
            if let Some(details) = parse::<CreditDetailsResponse>(&bytes)? {
                let _ = CreditLimits::from(&details);
            }
            parse::<DeactivateTokenResponse>(&bytes)?;
            parse::<ConnectCallback>(&bytes)?;
            parse::<TokenDeactivatedNotice>(&bytes)?;
            Ok(())
        },
    );
}

const KREDIVO_REQUESTS: &[&str] = &[
    include_str!("fixtures/checkout_request.json"),
    r#"{"server_key":"k","amount":2400000,"items":[{"id":"BB","name":"iPhone","price":"2400000.00","type":"Phone","quantity":"1"},{"id":"discount","name":"D","price":0,"quantity":1}]}"#,
];

#[test]
fn kredivo_requests_the_sandbox_reads_validate_or_fail_typed() {
    fuzz(
        "kredivo checkout / payments requests + validate",
        20_000,
        inputs(KREDIVO_REQUESTS),
        |bytes| {
            if let Some(checkout) = parse::<CheckoutRequest>(&bytes)? {
                let validated = bounded(bytes.len(), || checkout.validate())?;
                if let Ok(order) = validated {
                    prop_assert_eq!(order.cart().total(), Ok(order.amount()));
                }
            }
            if let Some(payments) = parse::<PaymentsRequest>(&bytes)? {
                if let Ok((amount, cart)) = bounded(bytes.len(), || payments.validate())? {
                    prop_assert_eq!(cart.total(), Ok(amount));
                }
            }
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------
// DOKU (doc 001)
// ---------------------------------------------------------------------------------------

const DOKU_BODIES: &[&str] = &[
    r#"{"service":{"id":"PEER_TO_PEER"},"acquirer":{"id":"KREDIVO"},"channel":{"id":"PEER_TO_PEER_KREDIVO"},"order":{"invoice_number":"INV-1","amount":"30000.00"},"transaction":{"status":"SUCCESS","date":"2021-07-07T08:50:00Z","original_request_id":"abc"},"peer_to_peer_info":{"merchant_unique_reference":"INV-1","identifier":[{"name":"KREDIVO_TRANSACTION_ID","value":12}]}}"#,
    r#"{"order":{"invoice_number":"INV-1","amount":30000},"payment":{"status":"PENDING","url":"https://sandbox.kredivo.com/kredivo/v2/signin?tk=X"},"peer_to_peer_info":{"created_date":"20210707154542","expired_date_utc":"20210708084542","merchant_unique_reference":"INV-1"},"additional_info":{"override_notification_url":"https://m.test/n"}}"#,
    r#"{"error":{"code":"invalid_signature","message":"Invalid Header Signature","type":"invalid_header"}}"#,
];

#[test]
fn doku_notifications_and_responses_parse_or_fail_typed() {
    fuzz(
        "doku notification / responses",
        15_000,
        inputs(DOKU_BODIES),
        |bytes| {
            parse::<doku::Notification>(&bytes)?;
            parse::<doku::GenerateOrderResponse>(&bytes)?;
            parse::<doku::ErrorResponse>(&bytes)?;
            Ok(())
        },
    );
}

#[test]
fn doku_signatures_verify_only_what_was_signed() {
    let headers = (
        "[A-Za-z0-9-]{0,40}",
        ".{0,40}",
        arbitrary_text(),
        "(/[a-z0-9_-]{0,12}){0,4}",
        ".{0,80}",
    );
    fuzz(
        "doku signature verify",
        15_000,
        (headers, inputs(DOKU_BODIES)),
        |(h, body)| {
            let (client_id, request_id, timestamp, target, presented) = h;
            let input = doku::SignatureInput {
                client_id: &client_id,
                request_id: &request_id,
                timestamp: &timestamp,
                target: &target,
                body: Some(&body),
            };
            // Whatever arrives as `Signature`, checking it never panics and fails typed.
            let checked = bounded(body.len(), || doku::verify("SK-fuzz", &input, &presented))?;
            if let Err(e) = checked {
                prop_assert!(
                    matches!(
                        e,
                        ProviderError::BadSignature { .. }
                            | ProviderError::Malformed { .. }
                            | ProviderError::Missing { .. }
                    ),
                    "{e:?}"
                );
            }
            // What the sandbox signs verifies, and not with another key.
            let signed = doku::sign("SK-fuzz", &input);
            prop_assert_eq!(doku::verify("SK-fuzz", &input, &signed), Ok(()));
            prop_assert!(doku::verify("SK-other", &input, &signed).is_err());
            Ok(())
        },
    );
}

#[test]
fn doku_timestamps_parse_only_as_utc_instants() {
    fuzz("doku Request-Timestamp", 15_000, arbitrary_text(), |text| {
        let parsed = time::parse_iso_utc(&text);
        if let Some(unix) = parsed {
            prop_assert!(doku::is_valid_timestamp(&text));
            // Formatting the instant again gives the same second.
            prop_assert_eq!(time::parse_iso_utc(&time::iso_utc(unix)), Some(unix));
        }
        Ok(())
    });
}

// ---------------------------------------------------------------------------------------
// Midtrans (doc 003)
// ---------------------------------------------------------------------------------------

const MIDTRANS_BODIES: &[&str] = &[
    r#"{"transaction_time":"2020-01-09 17:58:00","transaction_status":"settlement","transaction_id":"fa05cba0","status_message":"midtrans payment notification","status_code":"200","signature_key":"D9F79431DFADA913","settlement_time":"2020-01-09 18:00:48","payment_type":"kredivo","order_id":"order-101","merchant_id":"G812785002","gross_amount":"11000.00","fraud_status":"accept","currency":"IDR"}"#,
    r#"{"status_code":"400","status_message":"One or more parameters in the payload is invalid.","id":"x","validation_messages":["transaction_details.gross_amount is not equal to the sum of item_details"]}"#,
    r#"{"status_code":201,"transaction_id":"t","order_id":"o","gross_amount":11000,"redirect_url":"https://api.sandbox.midtrans.com/v2/kredivo/redirect/t","refund_amount":"5000.00"}"#,
];

#[test]
fn midtrans_notifications_parse_and_verify_or_fail_typed() {
    const KEY: &str = "SB-Mid-server-fuzz";
    fuzz(
        "midtrans notification + signature_key",
        15_000,
        inputs(MIDTRANS_BODIES),
        |bytes| {
            let Some(mut tx) = parse::<midtrans::Transaction>(&bytes)? else {
                return Ok(());
            };
            let _ = (tx.status_number(), tx.is_error(), tx.amount());
            if let Err(e) = midtrans::verify_signature(&tx, KEY) {
                prop_assert!(!matches!(e, ProviderError::Json(_)), "{e:?}");
            }
            // Signed as Midtrans signs it, it verifies.
            if let (Some(order), Some(gross)) = (tx.order_id.clone(), tx.gross_amount.clone()) {
                tx.signature_key = Some(midtrans::signature_key(
                    &order,
                    &tx.status_code,
                    &gross,
                    KEY,
                ));
                prop_assert_eq!(midtrans::verify_signature(&tx, KEY), Ok(()));
            }
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------
// Xendit (doc 004)
// ---------------------------------------------------------------------------------------

const XENDIT_BODIES: &[&str] = &[
    r#"{"event":"paylater.payment","business_id":"5f0000000000000000000001","created":"2021-11-01T02:40:47.896Z","data":{"id":"plc_1","reference_id":"o","customer_id":"c","plan_id":"plp_1","currency":"IDR","amount":"5000000","channel_code":"ID_KREDIVO","checkout_method":"ONE_TIME_PAYMENT","status":"SUCCEEDED","actions":{"desktop_web_checkout_url":"https://x"},"metadata":{"kredivo_payment_type":"3_months"}}}"#,
    r#"{"id":"plp_1","customer_id":"c","channel_code":"ID_KREDIVO","currency":"IDR","amount":10000,"order_items":[{"type":"PHYSICAL_PRODUCT","reference_id":"SKU","name":"N","net_unit_amount":10000,"quantity":1,"url":"https://x","category":"Sports"}],"options":[{"total_amount":11000,"installment_amount":11000,"interval":"MONTH","interval_count":1,"total_recurrence":1,"interest_rate":0,"description":"Bayar dalam 30 hari"}]}"#,
    r#"{"error_code":"API_VALIDATION_ERROR","message":"Invalid request","errors":[{"path":"amount"}]}"#,
];

#[test]
fn xendit_callbacks_and_responses_parse_or_fail_typed() {
    fuzz(
        "xendit callback / charge / plan / error",
        15_000,
        (inputs(XENDIT_BODIES), arbitrary_text()),
        |(bytes, token)| {
            parse::<xendit::Callback>(&bytes)?;
            parse::<xendit::Charge>(&bytes)?;
            parse::<xendit::Plan>(&bytes)?;
            parse::<xendit::ErrorResponse>(&bytes)?;
            prop_assert!(
                !xendit::callback_token_matches("", &token),
                "an empty token matches nothing"
            );
            // Ends in `x`: never the token "tok", whatever comes before.
            let other = format!("{token}x");
            prop_assert!(xendit::callback_token_matches("tok", " tok "));
            prop_assert!(!xendit::callback_token_matches("tok", &other));
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------
// Finpay (doc 002)
// ---------------------------------------------------------------------------------------

const FINPAY_BODIES: &[&str] = &[
    r#"{"order":{"id":"ORD-1","amount":"150000"},"result":{"payment":{"status":"PAID","statusDesc":"Pembayaran berhasil é","amount":"150000","datetime":"2024-01-01 07:00:00"}},"sourceOfFunds":{"type":"kredivo"},"signature":"00"}"#,
    r#"{"responseCode":"2000000","responseMessage":"Success","redirecturl":"https://sandbox.kredivo.com/kredivo/v2/signin?tk=XXX","expiryLink":"2023-04-04 10:51:47","paymentCode":null,"processingTime":0.257188081741333}"#,
    r#"{"responseCode":"2000000","responseMessage":"Success","data":{"result":{"payment":{"amount":"150000","status":"PENDING","statusDesc":"x"}}}}"#,
];

#[test]
fn finpay_callbacks_verify_only_what_was_signed_and_responses_parse() {
    const KEY: &str = "FPKEY-fuzz";
    fuzz(
        "finpay callback HMAC / responses",
        15_000,
        inputs(FINPAY_BODIES),
        |bytes| {
            if let Err(e) = bounded(bytes.len(), || finpay::verify_callback(KEY, &bytes))? {
                prop_assert!(
                    matches!(
                        e,
                        ProviderError::Json(_)
                            | ProviderError::BadSignature { .. }
                            | ProviderError::Missing { .. }
                            | ProviderError::Malformed { .. }
                    ),
                    "{e:?}"
                );
            }
            parse::<finpay::InitiateResponse>(&bytes)?;
            parse::<finpay::CheckResponse>(&bytes)?;
            parse::<finpay::ErrorResponse>(&bytes)?;
            Ok(())
        },
    );
    fuzz(
        "finpay callback signed by the sandbox",
        8_000,
        retyped(FINPAY_BODIES),
        |bytes| {
            let Ok(body) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
                return Ok(());
            };
            let signed = serde_json::to_vec(&finpay::sign_callback(KEY, body)).expect("serialises");
            match finpay::verify_callback(KEY, &signed) {
                Ok(_) | Err(ProviderError::Json(_)) => Ok(()),
                Err(e) => Err(TestCaseError::fail(format!(
                    "a signed callback failed: {e:?}"
                ))),
            }
        },
    );
}

// ---------------------------------------------------------------------------------------
// Headers and URL parts
// ---------------------------------------------------------------------------------------

#[test]
fn basic_auth_headers_and_percent_escapes_parse_or_are_refused() {
    let headers = prop_oneof![
        arbitrary_text(),
        "(Basic|basic|Bearer) [A-Za-z0-9+/=]{0,40}",
        ".{0,20}".prop_map(|s| auth::basic(&s, "p:w")),
    ];
    fuzz(
        "auth::parse_basic + encoding::percent_decode",
        15_000,
        headers,
        |text| {
            if let Some((user, password)) = auth::parse_basic(&text) {
                prop_assert_eq!(
                    auth::parse_basic(&auth::basic(&user, &password)),
                    Some((user, password))
                );
            }
            if let Some(decoded) = encoding::percent_decode(&text) {
                prop_assert_eq!(
                    encoding::percent_decode(&encoding::percent_encode(&decoded)),
                    Some(decoded)
                );
            }
            Ok(())
        },
    );
}
