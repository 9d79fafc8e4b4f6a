//! Golden tests: every JSON example of doc 000 for the endpoints we speak parses, and
//! requests serialise with the documented field names.
//!
//! Three examples in doc 000 are not valid JSON as printed (missing commas between the
//! credit-limit objects, a trailing comma in the QR `/v2/update` answer, and
//! `"message": {short, long}"Cancelled the transaction!"`); they are reproduced with the
//! smallest fix that makes them JSON, and each fix is noted beside it.

use kredivo_plan::{Money, PaymentType};
use kredivo_providers::kredivo::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};

fn money(rupiah: u64) -> Money {
    Money::from_rupiah(rupiah)
}

const CHECKOUT_REQUEST: &str = include_str!("fixtures/checkout_request.json");
const PAYMENTS_RESPONSE: &str = include_str!("fixtures/payments_response.json");

#[test]
fn the_documented_checkout_request_parses_with_every_field() {
    let req: CheckoutRequest = serde_json::from_str(CHECKOUT_REQUEST).unwrap();
    assert_eq!(req.server_key.expose(), "MEJ4FLRc74UU64cxCF8Z3HYSpPctD7");
    assert_eq!(req.payment_type, PaymentType::ThirtyDays);
    assert_eq!(req.tokenize_user, Some(false));
    assert_eq!(req.client_user_key.as_deref(), Some("randy@finaccel.co"));
    assert_eq!(req.transaction_details.amount, Decimal::from(6_505_000));
    assert_eq!(req.transaction_details.order_id, "KD14721");
    let items = &req.transaction_details.items;
    assert_eq!(items.len(), 5);
    assert_eq!(items[1].quantity, 2);
    assert_eq!(items[1].parent_id.as_deref(), Some("SELLER456"));
    assert_eq!(items[0].item_type.as_deref(), Some("Smartphone"));
    assert_eq!(items[4].id, "discount");
    let sellers = req.sellers.as_ref().unwrap();
    assert_eq!(sellers[1].address.as_ref().unwrap().city, "Jakarta Selatan");
    assert_eq!(req.customer_details.as_ref().unwrap().phone, "081513114262");
    assert_eq!(req.shipping_address.as_ref().unwrap().country_code, "IDN");
    assert_eq!(
        req.metadata.as_ref().unwrap().ip_address.as_deref(),
        Some("192.168.88.1")
    );
    assert_eq!(req.push_uri, "https://api.merchant.com/push");
    assert_eq!(req.back_to_store_uri, "https://merchant.com");
}

#[test]
fn the_checkout_request_serialises_back_to_the_documented_json() {
    let req: CheckoutRequest = serde_json::from_str(CHECKOUT_REQUEST).unwrap();
    let written = serde_json::to_value(&req).unwrap();
    let documented: Value = serde_json::from_str(CHECKOUT_REQUEST).unwrap();
    assert_eq!(written, documented);
}

#[test]
fn a_minimal_checkout_request_omits_optional_fields() {
    let req = CheckoutRequest {
        server_key: ServerKey::new("k"),
        payment_type: PaymentType::SixMonths,
        push_uri: "https://m/push".into(),
        back_to_store_uri: "https://m".into(),
        user_cancel_uri: None,
        expiration_time: Some(WireTime::epoch_text(1_501_844_808)),
        tokenize_user: None,
        client_user_key: None,
        user_token: None,
        transaction_details: TransactionDetails {
            amount: Decimal::from(10_000),
            order_id: "o-1".into(),
            items: vec![WireItem {
                id: "sku".into(),
                name: "Thing".into(),
                price: Decimal::from(10_000),
                quantity: 1,
                item_type: Some("Gadget".into()),
                url: Some("https://m/thing".into()),
                image_url: None,
                parent_type: None,
                parent_id: None,
            }],
        },
        sellers: None,
        customer_details: None,
        billing_address: None,
        shipping_address: None,
        metadata: None,
    };
    let written = serde_json::to_value(&req).unwrap();
    assert_eq!(
        written,
        json!({
            "server_key": "k",
            "payment_type": "6_months",
            "push_uri": "https://m/push",
            "back_to_store_uri": "https://m",
            "expiration_time": "1501844808",
            "transaction_details": {
                "amount": 10000,
                "order_id": "o-1",
                "items": [{"id": "sku", "name": "Thing", "price": 10000, "quantity": 1,
                           "type": "Gadget", "url": "https://m/thing"}]
            }
        })
    );
}

#[test]
fn checkout_responses_parse_with_and_without_a_redirect() {
    let ok: CheckoutResponse = serde_json::from_str(
        r#"{"status":"OK","message":"Message if any","redirect_url":"https://sandbox.kredivo.com/kredivo/v2/signin?tk=XXX"}"#,
    )
    .unwrap();
    assert_eq!(
        ok.redirect_url.as_deref(),
        Some("https://sandbox.kredivo.com/kredivo/v2/signin?tk=XXX")
    );
    let express: CheckoutResponse =
        serde_json::from_str(r#"{"status":"OK","message":"","transaction_id":"t-1"}"#).unwrap();
    assert_eq!(express.redirect_url, None);
    assert_eq!(express.transaction_id.as_deref(), Some("t-1"));
}

#[test]
fn every_documented_error_shape_parses() {
    let rows = [
        (
            r#"{"status":"ERROR","error":{"message":"Field secret_key is INCORRECT.","kind":"APIException"}}"#,
            "Field secret_key is INCORRECT.",
            Some("APIException"),
            None,
            "checkout negative response",
        ),
        (
            r#"{"status":"ERROR","error":{"message":"Cancellation amount too large","kind":"APIException","code":2415}}"#,
            "Cancellation amount too large",
            Some("APIException"),
            Some(2415),
            "nested with a code",
        ),
        (
            r#"{"status":"ERROR","error":{"message":"Invalid merchant","kind":"APIException","code":null}}"#,
            "Invalid merchant",
            Some("APIException"),
            None,
            "nested with a null code",
        ),
        (
            r#"{"status":"ERROR","message":"Transaction is already cancelled.","fraud_status":"deny"}"#,
            "Transaction is already cancelled.",
            None,
            None,
            "flat cancel error",
        ),
        (
            r#"{"status":"ERROR","message":"Lorem ipsum."}"#,
            "Lorem ipsum.",
            None,
            None,
            "flat connect error",
        ),
        (
            r#"{"Status":"ERROR","error":{"message":"Field user_token is INCORRECT.","kind":"APIException","code":"1009"}}"#,
            "Field user_token is INCORRECT.",
            Some("APIException"),
            Some(1009),
            "capitalised Status and a string code",
        ),
    ];
    for (body, message, kind, code, why) in rows {
        let err: ErrorResponse =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{why}: {e}"));
        assert_eq!(err.status, "ERROR", "{why}");
        assert_eq!(err.error.message, message, "{why}");
        assert_eq!(err.error.kind.as_deref(), kind, "{why}");
        assert_eq!(err.error.code, code, "{why}");
    }
}

#[test]
fn errors_serialise_in_the_nested_form() {
    let err = ErrorResponse::new("Invalid merchant", Some("APIException"), None);
    assert_eq!(
        serde_json::to_value(&err).unwrap(),
        json!({"status":"ERROR","error":{"message":"Invalid merchant","kind":"APIException"}})
    );
}

#[test]
fn the_documented_payments_request_round_trips() {
    let body = r#"{
        "server_key":"8tLHIx8V0N6KtnSpS9Nbd6zROFFJH7",
        "amount":2400000,
        "items": [{"id":"BB12345678","name":"iPhone 5S","price":2400000,
                   "url":"http://merchant.com/cellphones/iphone5s_64g","type":"Smartphone","quantity":1}]
    }"#;
    let req: PaymentsRequest = serde_json::from_str(body).unwrap();
    assert_eq!(req.amount, Decimal::from(2_400_000));
    assert_eq!(req.user_token, None);
    assert_eq!(
        serde_json::to_value(&req).unwrap(),
        serde_json::from_str::<Value>(body).unwrap()
    );
}

#[test]
fn the_documented_payments_response_parses_old_fields() {
    let resp: PaymentsResponse = serde_json::from_str(PAYMENTS_RESPONSE).unwrap();
    assert_eq!(resp.status, "OK");
    assert_eq!(
        resp.message.as_deref(),
        Some("Available payment types are listed.")
    );
    let rows = [
        (PaymentType::ThirtyDays, 1, 2_400_000, 2_400_000, None),
        (
            PaymentType::ThreeMonths,
            3,
            856_290,
            2_568_870,
            Some(Decimal::ZERO),
        ),
        (
            PaymentType::SixMonths,
            6,
            450_090,
            2_700_540,
            Some(Decimal::ZERO),
        ),
        (
            PaymentType::TwelveMonths,
            12,
            248_050,
            2_976_600,
            Some(Decimal::ZERO),
        ),
    ];
    assert_eq!(resp.payments.len(), rows.len());
    for (p, (id, tenure, monthly, total, transition)) in resp.payments.iter().zip(rows) {
        assert_eq!(p.id, id);
        assert_eq!(p.tenure, tenure, "{id}");
        assert_eq!(p.amount, money(2_400_000), "{id}");
        assert_eq!(p.monthly_installment, money(monthly), "{id}");
        assert_eq!(p.installment_amount, money(total), "{id}");
        assert_eq!(p.interest_rate_transition_term, transition, "{id}");
    }
    assert_eq!(resp.payments[1].rate, Decimal::new(295, 2));
    assert_eq!(resp.payments[1].name, "Bayar dalam 3 bulan");
}

#[test]
fn the_payments_response_serialises_back_to_the_documented_json() {
    let resp: PaymentsResponse = serde_json::from_str(PAYMENTS_RESPONSE).unwrap();
    assert_eq!(
        serde_json::to_value(&resp).unwrap(),
        serde_json::from_str::<Value>(PAYMENTS_RESPONSE).unwrap()
    );
}

#[test]
fn newer_payment_type_fields_parse_from_numbers_or_strings() {
    let body = r#"{
        "id": "3_months", "name": "Bayar dalam 3 bulan", "tenure": "3",
        "amount": "2400000.00", "installment_amount": 2568870.0, "monthly_installment": "856290",
        "rate": "2.95", "down_payment": 0, "discounted_monthly_installment": 0,
        "interest_rate_transition_term": 0,
        "raw_amount": 2400000, "raw_monthly_installment": "856290.00",
        "service_fee": "24000", "service_fee_percentage": 1,
        "interest_rate": "2.6", "discount_interest_rate": "0", "mdr": 1.5,
        "some_field_from_2030": {"nested": true}
    }"#;
    let p: WirePaymentType = serde_json::from_str(body).unwrap();
    assert_eq!(p.tenure, 3);
    assert_eq!(p.amount, money(2_400_000));
    assert_eq!(p.installment_amount, money(2_568_870));
    assert_eq!(p.raw_monthly_installment, Some(money(856_290)));
    assert_eq!(p.service_fee, Some(money(24_000)));
    assert_eq!(p.service_fee_percentage, Some(Decimal::ONE));
    assert_eq!(p.interest_rate.as_deref(), Some("2.6"));
    assert_eq!(p.discount_interest_rate, Some(Decimal::ZERO));
    assert_eq!(p.mdr, Some(Decimal::new(15, 1)));
}

const PUSH: &str = r#"{
    "status": "OK",
    "amount": "1500100.00",
    "payment_type": "30_days",
    "transaction_status": "pending",
    "order_id": "KD125262",
    "message": "Transaction status is pending",
    "shipping_address": {
        "city": "Jakarta Selatan",
        "first_name": "Darana 2",
        "last_name": "Pratama",
        "countrycode": "IDN",
        "creation_date": "2017-08-04T18:28:14",
        "phone": "0217248724",
        "state": "",
        "transaction": 1505866,
        "postcode": "12120",
        "location_details": "Jl. Kerinci IX No. 5-A"
    },
    "transaction_time": 1501846094,
    "transaction_id": "fadee4e5-99a2-48d6-952d-007f3fa508e8",
    "signature_key": "o5KZPDcxgEA9QutAVcIQwE3suQRkTEIA1VXcoHp7KaWJnpHx0uuHETBVpxfYLbaPyS8RJg34uVxTUX64cfUTzVVhCrSif%2FUg92J2WyLs%2FhQ%3D"
}"#;

#[test]
fn the_documented_push_notification_parses_and_round_trips() {
    let push: PushNotification = serde_json::from_str(PUSH).unwrap();
    assert_eq!(push.amount, money(1_500_100));
    assert_eq!(push.transaction_status, TransactionStatus::Pending);
    assert_eq!(push.transaction_time.as_epoch(), Some(1_501_846_094));
    assert_eq!(
        push.shipping_address.as_ref().unwrap().transaction,
        Some(1_505_866)
    );
    assert!(push.signature_key.ends_with("%3D"));
    assert_eq!(
        serde_json::to_value(&push).unwrap(),
        serde_json::from_str::<Value>(PUSH).unwrap()
    );
}

#[test]
fn the_qr_push_notification_with_a_sub_merchant_parses() {
    let mut value: Value = serde_json::from_str(PUSH).unwrap();
    value["sub_merchant_id"] = json!("KFCSenayanCity");
    let push: PushNotification = serde_json::from_value(value).unwrap();
    assert_eq!(push.sub_merchant_id.as_deref(), Some("KFCSenayanCity"));
}

#[test]
fn the_merchant_push_reply_has_status_and_message() {
    let reply = StatusMessage {
        status: STATUS_OK.into(),
        message: "Message from merchant if any".into(),
    };
    assert_eq!(
        serde_json::to_value(&reply).unwrap(),
        json!({"status":"OK","message":"Message from merchant if any"})
    );
}

#[test]
fn the_documented_update_responses_parse() {
    let two_click = r#"{
        "status": "OK", "legal_name": "TANDRA", "fraud_status": "accept", "order_id": "KD125262",
        "transaction_time": 1501846094, "amount": "1500100.00", "payment_type": "30_days",
        "transaction_status": "settlement", "message": "Confirmed order status. Valid!",
        "transaction_id": "fadee4e5-99a2-48d6-952d-007f3fa508e8", "user_token" : "XXXX-XXXX"
    }"#;
    let update: UpdateResponse = serde_json::from_str(two_click).unwrap();
    assert_eq!(update.amount, money(1_500_100));
    assert_eq!(update.fraud_status, Some(FraudStatus::Accept));
    assert_eq!(update.transaction_status, TransactionStatus::Settlement);
    assert_eq!(update.user_token.as_deref(), Some("XXXX-XXXX"));
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        serde_json::from_str::<Value>(two_click).unwrap()
    );

    // Doc 000 prints this one with a trailing comma after sub_merchant_id; removed here.
    let qr = r#"{
        "status": "OK", "legal_name": "TANDRA", "fraud_status": "accept", "order_id": "KD125262",
        "transaction_time": 1501846094, "amount": "1500100.00", "payment_type": "30_days",
        "transaction_status": "settlement", "message": "Confirmed order status. Valid!",
        "transaction_id": "fadee4e5-99a2-48d6-952d-007f3fa508e8", "sub_merchant_id": "KFCSenayanCity"
    }"#;
    let update: UpdateResponse = serde_json::from_str(qr).unwrap();
    assert_eq!(update.sub_merchant_id.as_deref(), Some("KFCSenayanCity"));
}

#[test]
fn the_update_query_carries_id_and_signature() {
    let q = UpdateQuery {
        transaction_id: "bb03".into(),
        signature_key: "5f1f".into(),
    };
    assert_eq!(
        serde_json::to_value(&q).unwrap(),
        json!({"transaction_id":"bb03","signature_key":"5f1f"})
    );
}

#[test]
fn the_documented_transaction_status_exchanges_parse() {
    let req: TransactionStatusRequest = serde_json::from_str(
        r#"{"server_key": "XNe3UDd2bG6VBqQ2QamqQJ83SNGLnZ", "order_id": "KB-0c40f395"}"#,
    )
    .unwrap();
    assert_eq!(req.order_id, "KB-0c40f395");

    let two_click: TransactionStatusResponse = serde_json::from_str(
        r#"{
        "status": "OK", "legal_name": "MUHAMMAD RANDY RAHARJA MACHYAR", "fraud_status": "accept",
        "order_id": "KB-0c40f395", "transaction_time": 1520318880, "external_userid": "SbmEaX1fdr",
        "amount": "1500000.00", "payment_type": "30_days", "transaction_status": "pending",
        "message": "Transaction is pending", "transaction_id": "46153904-2611-462c-ab51-2423586638ea"
    }"#,
    )
    .unwrap();
    assert_eq!(two_click.amount, money(1_500_000));
    assert_eq!(two_click.external_userid.as_deref(), Some("SbmEaX1fdr"));

    let qr: TransactionStatusResponse = serde_json::from_str(
        r#"{
        "status": "OK", "order_id": "EDC6A643481-33FA-4FA7-9135-8A1503FC863A",
        "transaction_time": "2017-12-14 16:07:24", "amount": 75000, "payment_type": "30_days",
        "transaction_status": "settlement", "message": "Transaction is settlement",
        "transaction_id": "6a643481-33fa-4fa7-9135-8a1503fc863a",
        "payback_amount": 50000, "discount_amount": 0,
        "items": [
            {"id": "001", "name":"Nasi Capcay Seafood", "price":50000, "quantity":1},
            {"id": "002", "name":"Cappuccino", "price":25000, "quantity":1}
        ],
        "merchant": {
            "short_description": null, "contact_number": "+62-81321881212", "name": "Lazada",
            "address": "Indonesia", "url": "www.lazada.co.id", "contact_person": "Vince Iswara",
            "id": 110, "description": null
        }
    }"#,
    )
    .unwrap();
    assert_eq!(
        qr.transaction_time,
        WireTime::Text("2017-12-14 16:07:24".into())
    );
    assert_eq!(qr.transaction_time.as_epoch(), None);
    assert_eq!(qr.amount, money(75_000));
    assert_eq!(qr.payback_amount, Some(money(50_000)));
    assert_eq!(qr.items.as_ref().unwrap()[1].price, Decimal::from(25_000));
    assert_eq!(qr.merchant.as_ref().unwrap().id, Some(110));
}

#[test]
fn the_documented_cancel_requests_parse_and_serialise_unchanged() {
    let rows = [
        (
            r#"{"server_key":"MEJ4FLRc74UU64cxCF8Z3HYSpPctD7","order_id":"KD14721",
                "transaction_id":"6febc2b2-ac4f-462c-9e7e-56fc5da05d91","cancellation_reason":"Out of stock",
                "cancelled_by":"Althea","cancellation_date":"1501844808"}"#,
            None,
            "full cancellation",
        ),
        (
            r#"{"server_key":"MEJ4FLRc74UU64cxCF8Z3HYSpPctD7","order_id":"KD14721",
                "transaction_id":"6febc2b2-ac4f-462c-9e7e-56fc5da05d91","cancellation_amount" : 50000,
                "cancellation_reason":"Out of stock","cancelled_by":"Althea","cancellation_date":"1501844808"}"#,
            Some(money(50_000)),
            "partial cancellation",
        ),
        (
            r#"{"server_key":"8tLHIx8V0N6KtnSpS9Nbd6zROFFJH7","transaction_id": "2be7d9ea-ccba-4743-8b92-0f1fc3ec358d",
                "cancellation_amount": 5000,"cancellation_reason":"Out of stock","cancelled_by":"Althea",
                "cancellation_date":"1512032053","order_id":"KB-0123456"}"#,
            Some(money(5_000)),
            "QR cancellation",
        ),
    ];
    for (body, amount, why) in rows {
        let req: CancelRequest =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{why}: {e}"));
        assert_eq!(req.cancellation_amount, amount, "{why}");
        assert!(req.cancellation_date.as_epoch().is_some(), "{why}");
        assert_eq!(
            serde_json::to_value(&req).unwrap(),
            serde_json::from_str::<Value>(body).unwrap(),
            "{why}"
        );
    }
}

#[test]
fn the_documented_cancel_responses_parse() {
    let rows = [
        (
            r#"{"status": "OK","fraud_status": "accept","order_id": "ALC300080","transaction_time": 1542951231,
                "amount": "1500000.00","payment_type": "30_days","transaction_status": "settlement",
                "message": "Succes cancelling transaction by amount","transaction_id": "69fe07ca-e055-4877-828a-a201a6729163"}"#,
            1_500_000,
            TransactionStatus::Settlement,
            "partial",
        ),
        (
            r#"{"status": "OK","fraud_status": "accept","order_id": "740","transaction_time": 1542952038,
                "amount": "50.00","payment_type": "30_days","transaction_status": "cancel",
                "message": "Succes cancelling transaction by amount","transaction_id": "b027a268-c9e3-4e29-aed8-1116babd9594"}"#,
            50,
            TransactionStatus::Cancel,
            "full",
        ),
        // Doc 000 prints `"message": {short, long}"Cancelled the transaction!"`; the
        // placeholder is dropped here.
        (
            r#"{"status": "OK","fraud_status": "accept","order_id": "EDCA0020F1E-FE69-43EA-B9CA-FCDE1B52B2A6",
                "transaction_time": 1513146999,"amount": "5000000.00","payment_type": "30_days",
                "transaction_status": "cancel","message": "Cancelled the transaction!",
                "transaction_id": "2be7d9ea-ccba-4743-8b92-0f1fc3ec358d","sub_merchant_id": "KFCSenayanCity"}"#,
            5_000_000,
            TransactionStatus::Cancel,
            "QR full",
        ),
    ];
    for (body, amount, status, why) in rows {
        let resp: CancelResponse =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{why}: {e}"));
        assert_eq!(resp.amount, money(amount), "{why}");
        assert_eq!(resp.transaction_status, status, "{why}");
        assert_eq!(
            serde_json::to_value(&resp).unwrap(),
            serde_json::from_str::<Value>(body).unwrap(),
            "{why}"
        );
    }
}

#[test]
fn the_documented_token_exchanges_parse() {
    let req: DeactivateTokenRequest =
        serde_json::from_str(r#"{"server_key": "ABCD-XXXX-1234","user_token": "XXXX-YYYY"}"#)
            .unwrap();
    assert_eq!(req.user_token, "XXXX-YYYY");
    assert!(
        !format!("{req:?}").contains("ABCD"),
        "the server key must not leak into Debug"
    );

    let resp: DeactivateTokenResponse = serde_json::from_str(
        r#"{"Status": "OK","user_token": "XXXX-YYYY","is_active":false,"remarks":"deactive user successful"}"#,
    )
    .unwrap();
    assert_eq!(resp.status, "OK");
    assert!(!resp.is_active);

    let notice: TokenDeactivatedNotice = serde_json::from_str(
        r#"{"message": "message if any","client_user_key": "randy@finaccel.co"}"#,
    )
    .unwrap();
    assert_eq!(notice.client_user_key, "randy@finaccel.co");

    let req: CreditDetailsRequest =
        serde_json::from_str(r#"{"server_key": "ABCD-XXXX-1234","user_token": "XXXX-YYYY"}"#)
            .unwrap();
    assert_eq!(req.server_key.expose(), "ABCD-XXXX-1234");
}

#[test]
fn the_documented_credit_details_response_parses() {
    // Doc 000 omits the commas between `user_details` and `user_credit_details` and between
    // the limit objects; they are added here. `12_month` is verbatim.
    let body = r#"{
        "Status": "OK",
        "user_details" : {"legal_name" : "Randy Raharja", "mobile_number": "62812xxxx0581"},
        "user_credit_details": {
            "account_status":1,
            "account_type":2,
            "credit_limit_details":[
                {"payment_type":"30_days", "remaining_user_limit":"1500000"},
                {"payment_type":"3_months", "remaining_user_limit":"5000000"},
                {"payment_type":"6_months", "remaining_user_limit":"1000000"},
                {"payment_type":"12_month", "remaining_user_limit":"15000000"}
            ]
        }
    }"#;
    let resp: CreditDetailsResponse = serde_json::from_str(body).unwrap();
    assert_eq!(resp.status, "OK");
    assert_eq!(
        resp.user_details.as_ref().unwrap().legal_name,
        "Randy Raharja"
    );
    let limits = &resp.user_credit_details.credit_limit_details;
    assert_eq!(limits[3].payment_type, PaymentType::TwelveMonths);
    assert_eq!(limits[3].remaining_user_limit, money(15_000_000));
    let written = serde_json::to_value(&resp).unwrap();
    assert_eq!(written["status"], "OK");
    assert_eq!(
        written["user_credit_details"]["credit_limit_details"][0]["remaining_user_limit"],
        "1500000"
    );
}

#[test]
fn the_documented_connect_exchanges_parse() {
    let req: ConnectRequest = serde_json::from_str(
        r#"{
        "server_key":"MEJ4FLRc74UU64cxCF8Z3HYSpPctD7", "mobile_number" : "085276767676",
        "client_user_key" : "randy@finaccel.co", "callback_url":"https://merchant/notify",
        "redirect_url": "https://merchant",
        "customer_details":{"first_name":"Oemang","last_name":"Tandra","email":"randy@finaccel.co",
            "address":"Jalan Teknologi Indonesia No. 25","city":"Jakarta","postal_code":"12960","country_code":"IDN"}
    }"#,
    )
    .unwrap();
    assert_eq!(
        req.customer_details.unwrap().city.as_deref(),
        Some("Jakarta")
    );
    let ok: ConnectResponse = serde_json::from_str(
        r#"{"status": "OK","message":"Message if any","redirect_url":"https://sandbox.kredivo.com/kredivo/v2/connect?tk=XXX"}"#,
    )
    .unwrap();
    assert!(ok.redirect_url.is_some());
    let callback: ConnectCallback = serde_json::from_str(
        r#"{"status": "OK","user_token": "XXXX-YYYYY","client_user_key": "randy@finaccel.co","message": "Kredivo-Connect success."}"#,
    )
    .unwrap();
    assert_eq!(callback.user_token, "XXXX-YYYYY");
}

#[test]
fn unknown_statuses_and_payment_types_survive_a_round_trip() {
    let mut value: Value = serde_json::from_str(PUSH).unwrap();
    value["transaction_status"] = json!("refund");
    value["payment_type"] = json!("45_days");
    let push: PushNotification = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(
        push.transaction_status,
        TransactionStatus::Unknown("refund".into())
    );
    assert_eq!(push.payment_type, PaymentType::Unknown("45_days".into()));
    assert_eq!(serde_json::to_value(&push).unwrap(), value);
}
