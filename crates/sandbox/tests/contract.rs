//! Contract tests: every request and response example in doc 000, replayed against the
//! sandbox. Requests must be accepted; for responses, every field name the doc shows must
//! be present in the sandbox's answer with the same JSON type (extra fields are allowed).
//!
//! The doc's examples are copied verbatim except where they are not valid JSON (missing
//! commas in the QR request and credit details, a trailing comma in the update example,
//! `{short, long}` in the full-cancel example); each fix is marked. Server keys, order ids
//! and URIs are swapped for the sandbox's so the requests can succeed.

mod common;

use common::*;
use kredivo_providers::kredivo as wire;
use kredivo_sandbox::Target;
use serde_json::{json, Value};

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every field of `doc` exists in `ours` with the same JSON type (doc `null`s match
/// anything). `Status` in the doc matches `status` (doc 000 capitalises it in two examples
/// whose tables say `status`).
fn assert_shape(doc: &Value, ours: &Value, path: &str) {
    match (doc, ours) {
        (Value::Object(d), Value::Object(o)) => {
            for (k, dv) in d {
                let ov = o
                    .get(k)
                    .or_else(|| o.get(&k.to_ascii_lowercase()))
                    .unwrap_or_else(|| panic!("{path}.{k} missing in sandbox answer {ours:#}"));
                assert_shape(dv, ov, &format!("{path}.{k}"));
            }
        }
        (Value::Array(d), Value::Array(o)) => {
            if let (Some(d0), Some(_)) = (d.first(), o.first()) {
                for (i, ov) in o.iter().enumerate() {
                    assert_shape(d0, ov, &format!("{path}[{i}]"));
                }
            }
        }
        (Value::Null, _) => {}
        (d, o) => assert_eq!(kind(d), kind(o), "{path}: doc has {d}, sandbox sends {o}"),
    }
}

fn field_names_only(doc: &Value, ours: &Value) {
    for k in doc.as_object().expect("object").keys() {
        assert!(ours.get(k).is_some(), "{k} missing in {ours:#}");
    }
}

#[tokio::test]
async fn checkout_url_request_and_both_responses_match_the_doc() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    // Doc 000's request verbatim apart from key, order id and URIs (user_token "XXXX-YYYY"
    // is unknown, so the normal flow applies, as the doc says it should).
    let mut request = doc_checkout("KD14721", &rx.url);
    request["user_token"] = json!("XXXX-XXXX");
    request["billing_address"] = request["shipping_address"].clone();
    request["metadata"] = json!({"ip_address":"192.168.88.1","user_agent":"Mozilla/5.0"});
    let ours = app.post("/v2/checkout_url", &request).await;
    let doc_ok = json!({"status":"OK","message":"Message if any",
        "redirect_url":"https://sandbox.kredivo.com/kredivo/v2/signin?tk=XXX"});
    assert_shape(&doc_ok, &ours, "checkout");
    serde_json::from_value::<wire::CheckoutResponse>(ours).expect("plan parses it");

    request["server_key"] = json!("MEJ4FLRc74UU64cxCF8Z3HYSpPctD7");
    let ours = app.post("/v2/checkout_url", &request).await;
    let doc_err = json!({"status":"ERROR","error":{"message":"Field secret_key is INCORRECT.","kind":"APIException"}});
    assert_shape(&doc_err, &ours, "checkout error");
    assert_eq!(ours["error"]["message"], doc_err["error"]["message"]);
    serde_json::from_value::<wire::ErrorResponse>(ours).expect("plan parses it");
}

#[tokio::test]
async fn payments_request_and_response_match_the_doc() {
    let app = spawn().await;
    let request = json!({"server_key":"8tLHIx8V0N6KtnSpS9Nbd6zROFFJH7","amount":2400000,"items":[
        {"id":"BB12345678","name":"iPhone 5S","price":2400000,"url":"http://merchant.com/cellphones/iphone5s_64g",
         "type":"Smartphone","quantity":1}]});
    let ours = app.post("/v2/payments", &request).await;
    let doc = json!({"status":"OK","message":"Available payment types are listed.","payments":[
        {"down_payment":0,"name":"Bayar dalam 3 bulan","interest_rate_transition_term":0,"amount":2400000,
         "installment_amount":2568870,"rate":2.95,"monthly_installment":856290,
         "discounted_monthly_installment":0,"tenure":3,"id":"3_months"}]});
    // The 30-day entry has no interest_rate_transition_term in the doc; check the others
    // against the 3-month shape and the 30-day one against its own.
    let installments: Vec<Value> = ours["payments"]
        .as_array()
        .expect("payments")
        .iter()
        .filter(|p| p["id"] != "30_days")
        .cloned()
        .collect();
    assert_shape(
        &doc,
        &json!({"status": ours["status"], "message": ours["message"], "payments": installments}),
        "payments",
    );
    let thirty = json!({"down_payment":0,"name":"Bayar dalam 30 hari","amount":2400000,"installment_amount":2400000,
        "rate":0,"monthly_installment":2400000,"discounted_monthly_installment":0,"tenure":1,"id":"30_days"});
    let ours_thirty = ours["payments"]
        .as_array()
        .expect("p")
        .iter()
        .find(|p| p["id"] == "30_days")
        .expect("30 days")
        .clone();
    assert_shape(&thirty, &ours_thirty, "payments[30_days]");
    serde_json::from_value::<wire::PaymentsResponse>(ours).expect("plan parses it");
}

#[tokio::test]
async fn the_push_notification_and_update_response_match_the_doc() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let mut request = doc_checkout("KD125262", &rx.url);
    request["tokenize_user"] = json!(true);
    let (resp, tx_id) = app.checkout(&request).await;
    app.pay(resp["redirect_url"].as_str().expect("r"), None)
        .await;
    let pushes = rx.wait_for(2).await;
    let doc_push = json!({"status":"OK","amount":"1500100.00","payment_type":"30_days","transaction_status":"pending",
        "order_id":"KD125262","message":"Transaction status is pending",
        "shipping_address":{"city":"Jakarta Selatan","first_name":"Darana 2","last_name":"Pratama","countrycode":"IDN",
            "creation_date":"2017-08-04T18:28:14","phone":"0217248724","state":"","transaction":1505866,
            "postcode":"12120","location_details":"Jl. Kerinci IX No. 5-A"},
        "transaction_time":1501846094,"transaction_id":"fadee4e5-99a2-48d6-952d-007f3fa508e8",
        "signature_key":"o5KZPDcxgEA9QutAVcIQwE3suQRkTEIA1VXcoHp7KaWJnpHx0uuHETBVpxfYLbaPyS8RJg34uVxTUX64cfUTzVVhCrSif%2FUg92J2WyLs%2FhQ%3D"});
    assert_shape(&doc_push, &pushes[0], "push");
    assert_eq!(pushes[0]["transaction_status"], "pending");
    assert_eq!(pushes[0]["message"], "Transaction status is pending");
    for p in &pushes {
        serde_json::from_value::<wire::PushNotification>(p.clone()).expect("plan parses it");
    }

    let key = pushes[1]["signature_key"].as_str().expect("key");
    let ours = app
        .get_json(&format!(
            "/v2/update?transaction_id={tx_id}&signature_key={key}"
        ))
        .await;
    // Fix: the doc's example has a trailing comma after sub_merchant_id.
    let doc_update = json!({"status":"OK","legal_name":"TANDRA","fraud_status":"accept","order_id":"KD125262",
        "transaction_time":1501846094,"amount":"1500100.00","payment_type":"30_days","transaction_status":"settlement",
        "message":"Confirmed order status. Valid!","transaction_id":"fadee4e5-99a2-48d6-952d-007f3fa508e8",
        "user_token":"XXXX-XXXX"});
    assert_shape(&doc_update, &ours, "update");
    serde_json::from_value::<wire::UpdateResponse>(ours).expect("plan parses it");
}

#[tokio::test]
async fn transaction_status_matches_both_doc_examples() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let (resp, _) = app
        .checkout(&simple_checkout("KB-0c40f395", 1_500_000, &rx.url))
        .await;
    // Sign in so the account (legal_name, external_userid) is known while still pending.
    let tk = token_of(resp["redirect_url"].as_str().expect("r"));
    app.form(
        "/v2/signin",
        &[("tk", &tk), ("phone", "81513114262"), ("pin", "663482")],
    )
    .await
    .expect("sign in");
    let request = json!({"server_key":"8tLHIx8V0N6KtnSpS9Nbd6zROFFJH7","order_id":"KB-0c40f395"});
    let ours = app.post("/transaction/status", &request).await;
    let doc = json!({"status":"OK","legal_name":"MUHAMMAD RANDY RAHARJA MACHYAR","fraud_status":"accept",
        "order_id":"KB-0c40f395","transaction_time":1520318880,"external_userid":"SbmEaX1fdr","amount":"1500000.00",
        "payment_type":"30_days","transaction_status":"pending","message":"Transaction is pending",
        "transaction_id":"46153904-2611-462c-ab51-2423586638ea"});
    assert_shape(&doc, &ours, "status");
    assert_eq!(ours["message"], "Transaction is pending");

    // The older example (QR era) uses a number for amount and text for transaction_time;
    // the sandbox follows the newer example, so only its field names are compared.
    let doc_old = json!({"status":"OK","order_id":"EDC6A643481","transaction_time":"2017-12-14 16:07:24","amount":75000,
        "payment_type":"30_days","transaction_status":"settlement","message":"Transaction is settlement",
        "transaction_id":"6a643481","payback_amount":50000,"discount_amount":0,
        "items":[{"id":"001","name":"Nasi Capcay Seafood","price":50000,"quantity":1}],
        "merchant":{"short_description":null,"contact_number":"+62-81321881212","name":"Lazada","address":"Indonesia",
            "url":"www.lazada.co.id","contact_person":"Vince Iswara","id":110,"description":null}});
    field_names_only(&doc_old, &ours);
    assert_shape(&doc_old["items"], &ours["items"], "status.items");
    assert_shape(
        &json!({"contact_number":"","name":"","address":"","url":"","contact_person":"","id":110}),
        &ours["merchant"],
        "status.merchant",
    );
    serde_json::from_value::<wire::TransactionStatusResponse>(ours).expect("plan parses it");
}

#[tokio::test]
async fn cancel_requests_and_responses_match_the_doc() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let (_, tx_id) = app
        .checkout(&simple_checkout("KD14721", 5_000_000, &rx.url))
        .await;
    app.sandbox
        .kredivo()
        .drive(&tx_id, Target::Settle)
        .expect("settle");

    // Partial (the doc's partial request, with its cancellation_amount).
    let partial = json!({"server_key":"8tLHIx8V0N6KtnSpS9Nbd6zROFFJH7","order_id":"KD14721","transaction_id":tx_id,
        "cancellation_amount":50000,"cancellation_reason":"Out of stock","cancelled_by":"Althea",
        "cancellation_date":"1501844808"});
    let ours = app.post("/v2/cancel_transaction", &partial).await;
    let doc_partial = json!({"status":"OK","fraud_status":"accept","order_id":"ALC300080","transaction_time":1542951231,
        "amount":"1500000.00","payment_type":"30_days","transaction_status":"settlement",
        "message":"Succes cancelling transaction by amount","transaction_id":"69fe07ca-e055-4877-828a-a201a6729163"});
    assert_shape(&doc_partial, &ours, "partial cancel");
    assert_eq!(ours["message"], doc_partial["message"]);
    serde_json::from_value::<wire::CancelResponse>(ours).expect("plan parses it");

    // Too large: the doc's nested negative.
    let mut too_large = partial.clone();
    too_large["cancellation_amount"] = json!(99_000_000);
    let ours = app.post("/v2/cancel_transaction", &too_large).await;
    let doc_err = json!({"status":"ERROR","error":{"message":"Cancellation amount bigger than remaining transaction amount that can be cancelled","kind":"APIException"}});
    assert_shape(&doc_err, &ours, "cancel too large");
    assert_eq!(ours["error"]["message"], doc_err["error"]["message"]);

    // Full (the doc's full request, without cancellation_amount).
    let full = json!({"server_key":"8tLHIx8V0N6KtnSpS9Nbd6zROFFJH7","order_id":"KD14721","transaction_id":tx_id,
        "cancellation_reason":"Out of stock","cancelled_by":"Althea","cancellation_date":"1501844808"});
    let ours = app.post("/v2/cancel_transaction", &full).await;
    // Fix: the doc writes `"message": {short, long}"Cancelled the transaction!"`.
    let doc_full = json!({"status":"OK","fraud_status":"accept","order_id":"EDCA0020F1E-FE69-43EA-B9CA-FCDE1B52B2A6",
        "transaction_time":1513146999,"amount":"5000000.00","payment_type":"30_days","transaction_status":"cancel",
        "message":"Cancelled the transaction!","transaction_id":"2be7d9ea-ccba-4743-8b92-0f1fc3ec358d"});
    assert_shape(&doc_full, &ours, "full cancel");
    assert_eq!(ours["message"], doc_full["message"]);

    // Already cancelled: the doc's flat negative.
    let ours = app.post("/v2/cancel_transaction", &full).await;
    let doc_flat = json!({"status":"ERROR","message":"Transaction is already cancelled.","fraud_status":"deny"});
    assert_shape(&doc_flat, &ours, "already cancelled");
    assert_eq!(ours["message"], doc_flat["message"]);
    serde_json::from_value::<wire::ErrorResponse>(ours).expect("plan parses it");
}

#[tokio::test]
async fn token_endpoints_match_the_doc() {
    let app = spawn().await;
    let token = app
        .sandbox
        .kredivo()
        .issue_user_token(KEY, "81513114262", "randy@finaccel.co")
        .expect("token");
    // Credit details. Fix: the doc's example misses commas between the list entries and
    // after user_details; it also spells one payment type `12_month`.
    let ours = app
        .post(
            "/v2/get_user_credit_details",
            &json!({"server_key": KEY, "user_token": token}),
        )
        .await;
    let doc = json!({"Status":"OK","user_details":{"legal_name":"Randy Raharja","mobile_number":"62812xxxx0581"},
        "user_credit_details":{"account_status":1,"account_type":2,"credit_limit_details":[
            {"payment_type":"30_days","remaining_user_limit":"1500000"}]}});
    assert_shape(&doc, &ours, "credit details");
    serde_json::from_value::<wire::CreditDetailsResponse>(ours).expect("plan parses it");
    let ours = app
        .post(
            "/v2/get_user_credit_details",
            &json!({"server_key": KEY, "user_token": "XXXX-YYYY"}),
        )
        .await;
    let doc_err = json!({"status":"ERROR","error":{"message":"Field user_token is INCORRECT.","kind":"APIException"}});
    assert_shape(&doc_err, &ours, "credit details error");
    assert_eq!(ours["error"]["message"], doc_err["error"]["message"]);

    // Deactivate.
    let ours = app
        .post(
            "/v2/deactive_user_token",
            &json!({"server_key": KEY, "user_token": token}),
        )
        .await;
    let doc = json!({"Status":"OK","user_token":"XXXX-YYYY","is_active":false,"remarks":"deactive user successful"});
    assert_shape(&doc, &ours, "deactivate");
    serde_json::from_value::<wire::DeactivateTokenResponse>(ours).expect("plan parses it");
    let ours = app
        .post(
            "/v2/deactive_user_token",
            &json!({"server_key": "ABCD-XXXX-1234", "user_token": "XXXX-YYYY"}),
        )
        .await;
    assert_eq!(ours["error"]["message"], "Field secret_key is INCORRECT.");
}

#[tokio::test]
async fn connect_request_response_and_callback_match_the_doc() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    let request = json!({"server_key":"8tLHIx8V0N6KtnSpS9Nbd6zROFFJH7","mobile_number":"085276767676",
        "client_user_key":"randy@finaccel.co","callback_url":rx.callback_url(),"redirect_url":"https://merchant",
        "customer_details":{"first_name":"Oemang","last_name":"Tandra","email":"randy@finaccel.co",
            "address":"Jalan Teknologi Indonesia No. 25","city":"Jakarta","postal_code":"12960","country_code":"IDN"}});
    let ours = app.post("/v2/connect", &request).await;
    let doc = json!({"status":"OK","message":"Message if any","redirect_url":"https://sandbox.kredivo.com/kredivo/v2/connect?tk=XXX"});
    assert_shape(&doc, &ours, "connect");
    serde_json::from_value::<wire::ConnectResponse>(ours.clone()).expect("plan parses it");
    let tk = token_of(ours["redirect_url"].as_str().expect("r"));
    app.form(
        "/v2/signin",
        &[("tk", &tk), ("phone", "081513114262"), ("pin", "663482")],
    )
    .await
    .expect("sign in");
    app.form("/v2/otp", &[("tk", &tk), ("otp", "4567")])
        .await
        .expect("otp");
    let callback = rx.wait_for(1).await.remove(0);
    let doc = json!({"status":"OK","user_token":"XXXX-YYYYY","client_user_key":"randy@finaccel.co","message":"Kredivo-Connect success."});
    assert_shape(&doc, &callback, "connect callback");
    serde_json::from_value::<wire::ConnectCallback>(callback).expect("plan parses it");
    let mut bad = request.clone();
    bad["server_key"] = json!("nope");
    let ours = app.post("/v2/connect", &bad).await;
    assert_shape(
        &json!({"status":"ERROR","message":"Lorem ipsum."}),
        &ours,
        "connect error",
    );
}

#[tokio::test]
async fn qr_init_checkout_request_response_and_push_match_the_doc() {
    let app = spawn().await;
    let rx = Receiver::start().await;
    // Fix: the doc's request misses a comma after push_uri.
    let request = json!({"server_key":"8tLHIx8V0N6KtnSpS9Nbd6zROFFJH7","amount":75000,"source":"QR",
        "order_id":"548tIt83saeN","sub_merchant_id":"KFCSenayanCity","push_uri":rx.url,
        "items":[{"id":"001","name":"Nasi Capcay Seafood","price":50000,"type":"Food","quantity":1},
                 {"id":"002","name":"Cappuccino","price":25000,"type":"Drink","quantity":1}]});
    let ours = app.post("/offline/v1/init_checkout", &request).await;
    let doc = json!({"status":"OK","qr_image":"{HOST}/{endpoint}/v1/qr/6a643481-33fa-4fa7-9135-8a1503fc863a",
        "transaction_id":"6a643481-33fa-4fa7-9135-8a1503fc863a"});
    assert_shape(&doc, &ours, "init_checkout");
    let tx_id = ours["transaction_id"].as_str().expect("id").to_owned();
    app.sandbox
        .kredivo()
        .drive(&tx_id, Target::Settle)
        .expect("settle");
    let push = rx.wait_for(1).await.remove(0);
    let doc_push = json!({"status":"OK","amount":"1500100.00","payment_type":"30_days","transaction_status":"pending",
        "order_id":"KD125262","message":"Transaction status is pending","transaction_time":1501846094,
        "transaction_id":"fadee4e5","signature_key":"o5KZ%2FhQ%3D","sub_merchant_id":"KFCSenayanCity"});
    assert_shape(&doc_push, &push, "QR push");
    let update = app
        .get_json(&format!(
            "/v2/update?transaction_id={tx_id}&signature_key={}",
            push["signature_key"].as_str().expect("key")
        ))
        .await;
    let doc_update = json!({"status":"OK","legal_name":"TANDRA","fraud_status":"accept","order_id":"KD125262",
        "transaction_time":1501846094,"amount":"1500100.00","payment_type":"30_days","transaction_status":"settlement",
        "message":"Confirmed order status. Valid!","transaction_id":"fadee4e5","sub_merchant_id":"KFCSenayanCity"});
    assert_shape(&doc_update, &update, "QR update");
}
