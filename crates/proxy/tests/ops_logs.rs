//! `LOG_FORMAT=json`: every line a request logs carries its request id and the order it names.
//! Alone in its own test binary so the global log subscriber sees only this test.

mod common;

use common::*;
use kredivo_proxy::ops::logging::{init_with_writer, LogFormat};
use serde_json::Value;

#[tokio::test]
async fn every_json_line_of_a_request_carries_its_request_id_and_order_id() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    init_with_writer(LogFormat::Json, move || writer.clone());
    let env = start().await;

    let response = env
        .http
        .get(env.url("/api/kredivo/v1/orders/KD-nowhere-1"))
        .header("x-request-id", "req-logs-0001")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["x-request-id"], "req-logs-0001");

    let text = String::from_utf8(logs.bytes()).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let of_request: Vec<&Value> = lines
        .iter()
        .filter(|l| l["spans"][0]["request_id"] == "req-logs-0001")
        .collect();
    let messages: Vec<&str> = of_request
        .iter()
        .filter_map(|l| l["fields"]["message"].as_str())
        .collect();
    assert!(
        messages.contains(&"request rejected") && messages.contains(&"finished processing request"),
        "the handler's line and the access line: {messages:?}\n{text}"
    );
    for line in &of_request {
        let span = &line["spans"][0];
        assert_eq!(span["order_id"], "KD-nowhere-1", "{line}");
        assert_eq!(span["route"], "/api/kredivo/v1/orders/{order_id}", "{line}");
    }
    // No line of this request went out without its span.
    let stray = lines
        .iter()
        .filter(|l| l["fields"]["message"] == "request rejected")
        .filter(|l| l["spans"][0]["request_id"].is_null())
        .count();
    assert_eq!(stray, 0, "{text}");
}
