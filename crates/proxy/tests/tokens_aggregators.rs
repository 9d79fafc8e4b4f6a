//! Tokenization is Kredivo direct only (issue 17): through an aggregator a session that asks
//! for it, and the customer-token and Connect routes, are refused with a clear 400.

mod gateways;

use gateways::{start_with, Setup};
use serde_json::json;

const MERCHANT_KEY: &str = "merchant-key-for-aggregator-tests-0123";
const TOKEN_KEY: &str = "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=";

#[tokio::test]
async fn tokenization_through_an_aggregator_is_refused_clearly() {
    for gateway in ["doku", "midtrans", "xendit", "finpay"] {
        let env = start_with(
            gateway,
            Setup {
                vars: vec![
                    ("MERCHANT_API_KEY", MERCHANT_KEY.to_owned()),
                    ("TOKEN_ENCRYPTION_KEY", TOKEN_KEY.to_owned()),
                ],
                ..Setup::default()
            },
        )
        .await;
        let body = json!({
            "reference": "INV-AGG", "amount": "300000",
            "items": [{"id": "sku-1", "name": "Kemeja", "price": "300000", "quantity": 1}],
            "customer": {"first_name": "Budi", "email": "budi@example.co.id", "phone": "081234567890"},
            "shipping_address": {"first_name": "Budi", "address": "Jl. Sudirman 1", "city": "Jakarta",
                                 "postal_code": "10220", "phone": "081234567890", "country_code": "IDN"},
            "client_user_key": "cust-1", "tokenize": true
        });
        let (status, answer) = env
            .send(
                env.http
                    .post(env.url("/api/kredivo/v1/sessions"))
                    .bearer_auth(MERCHANT_KEY)
                    .json(&body),
            )
            .await;
        assert_eq!(status, 400, "{gateway}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("only Kredivo direct"),
            "{gateway}: {message}"
        );
        assert_eq!(
            answer["error"]["details"][0],
            format!("tokenize: not supported by GATEWAY={gateway}")
        );

        let (status, answer) = env
            .send(
                env.http
                    .post(env.url("/api/kredivo/v1/customers/cust-1/connect"))
                    .bearer_auth(MERCHANT_KEY)
                    .json(&json!({"mobile_number": "081513114262", "redirect_url": env.url("/account")})),
            )
            .await;
        assert_eq!(status, 400, "{gateway}: {answer}");
        assert_eq!(answer["error"]["code"], "invalid_request");
        let (status, answer) = env
            .send(
                env.http
                    .delete(env.url("/api/kredivo/v1/customers/cust-1/token"))
                    .bearer_auth(MERCHANT_KEY),
            )
            .await;
        assert_eq!(status, 400, "{gateway}: {answer}");
    }
}
