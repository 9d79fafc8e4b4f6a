//! The fault matrix (issue 15): every gateway through every fault, in process, with the
//! proxy on a manual clock and the sandbox's fault injection. For each cell the order must end
//! in the provider's true state within the reconciler's bound, the provider transaction must
//! have been created once, no state may have gone backwards, and the merchant must have been
//! told once per state. The table (time to the true state, simulated) is printed and is the
//! one in crates/proxy/README.md.
//!
//! `cargo test -p kredivo-proxy --test fault_matrix -- --nocapture` prints it.

mod gateways;

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gateways::{start_with, Env, Setup};
use kredivo_api::OrderStatus;
use kredivo_proxy::reconciler::reconcile_due;
use kredivo_proxy::store::predecessors;
use kredivo_proxy::webhooks::deliver_due;
use kredivo_proxy::ManualClock;
use kredivo_sandbox::{Aggregator, Endpoint, Fault, FaultRule};
use serde_json::Value;

const GATEWAYS: [&str; 5] = ["kredivo", "doku", "midtrans", "xendit", "finpay"];
/// The first status check after creation (`RECONCILE_AFTER_SECS`); later ones double.
const RECONCILE_AFTER_SECS: u64 = 30;
/// The bound within which an order must reach the truth (simulated): the first check plus
/// two back-offs, with room — except for an order nobody pays, which waits for its expiry.
const BOUND: Duration = Duration::from_secs(10 * 60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    None,
    PushDropped,
    PushDuplicated,
    PushesOutOfOrder,
    PushDelayedPastReturn,
    ConfirmTimeout,
    Confirm5xx,
    ConfirmError,
    ConfirmGarbage,
    CheckoutAnswerLost,
    StatusApiDown,
    ProxyKilled,
    ShopperNeverReturns,
}

const CASES: [Case; 13] = [
    Case::None,
    Case::PushDropped,
    Case::PushDuplicated,
    Case::PushesOutOfOrder,
    Case::PushDelayedPastReturn,
    Case::ConfirmTimeout,
    Case::Confirm5xx,
    Case::ConfirmError,
    Case::ConfirmGarbage,
    Case::CheckoutAnswerLost,
    Case::StatusApiDown,
    Case::ProxyKilled,
    Case::ShopperNeverReturns,
];

impl Case {
    fn label(self) -> &'static str {
        match self {
            Case::None => "no fault",
            Case::PushDropped => "push dropped",
            Case::PushDuplicated => "push duplicated",
            Case::PushesOutOfOrder => "pushes out of order",
            Case::PushDelayedPastReturn => "push delayed past the return",
            Case::ConfirmTimeout => "confirmation times out",
            Case::Confirm5xx => "confirmation 5xx",
            Case::ConfirmError => "confirmation ERROR",
            Case::ConfirmGarbage => "confirmation garbage",
            Case::CheckoutAnswerLost => "checkout answer lost",
            Case::StatusApiDown => "status API down a while",
            Case::ProxyKilled => "proxy killed between steps",
            Case::ShopperNeverReturns => "shopper never returns",
        }
    }
}

/// The endpoints of a gateway's dialect at the sandbox.
struct Dialect {
    checkout: Endpoint,
    /// Where a notification is confirmed (Kredivo `/v2/update`; an aggregator's status API).
    confirm: Endpoint,
    /// The status API the reconciler and the return ask.
    status: Endpoint,
    aggregator: Option<Aggregator>,
}

fn dialect(gateway: &str) -> Dialect {
    match gateway {
        "kredivo" => Dialect {
            checkout: Endpoint::CheckoutUrl,
            confirm: Endpoint::Update,
            status: Endpoint::TransactionStatus,
            aggregator: None,
        },
        "doku" => Dialect {
            checkout: Endpoint::DokuGenerateOrder,
            confirm: Endpoint::DokuStatus,
            status: Endpoint::DokuStatus,
            aggregator: Some(Aggregator::Doku),
        },
        "midtrans" => Dialect {
            checkout: Endpoint::MidtransCharge,
            confirm: Endpoint::MidtransStatus,
            status: Endpoint::MidtransStatus,
            aggregator: Some(Aggregator::Midtrans),
        },
        "xendit" => Dialect {
            checkout: Endpoint::XenditCharges,
            confirm: Endpoint::XenditChargeStatus,
            status: Endpoint::XenditChargeStatus,
            aggregator: Some(Aggregator::Xendit),
        },
        "finpay" => Dialect {
            checkout: Endpoint::FinpayInitiate,
            confirm: Endpoint::FinpayCheck,
            status: Endpoint::FinpayCheck,
            aggregator: Some(Aggregator::Finpay),
        },
        other => unreachable!("{other}"),
    }
}

/// A merchant webhook endpoint that records every delivery.
#[derive(Clone)]
struct Merchant {
    url: String,
    received: Arc<Mutex<Vec<Value>>>,
}

async fn merchant() -> Merchant {
    let received = Arc::new(Mutex::new(Vec::new()));
    let r = received.clone();
    let app = axum::Router::new().route(
        "/hooks",
        axum::routing::post(move |body: String| {
            let r = r.clone();
            async move {
                r.lock()
                    .unwrap()
                    .push(serde_json::from_str::<Value>(&body).unwrap());
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Merchant {
        url: format!("http://{addr}/hooks"),
        received,
    }
}

/// What one cell came to.
struct Cell {
    /// Simulated seconds from the shopper paying (or leaving) to the order in its true state.
    secs: Option<u64>,
    problems: Vec<String>,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

async fn drive(env: &Env, gateway: &str, order_id: &str, target: &str) -> Result<(), String> {
    let url = env.url(&format!(
        "/sandbox/{gateway}/_sandbox/transactions/{order_id}/{target}"
    ));
    let (status, body) = env.send(env.http.post(url)).await;
    (status == 200)
        .then_some(())
        .ok_or_else(|| format!("driver {target}: {status} {body}"))
}

fn provider_transactions(env: &Env, d: &Dialect, order_id: &str) -> usize {
    match d.aggregator {
        Some(which) => env
            .sandbox
            .aggregators()
            .transactions(which)
            .iter()
            .filter(|t| t.reference == order_id)
            .count(),
        None => env
            .sandbox
            .transactions()
            .iter()
            .filter(|t| t.order_id == order_id)
            .count(),
    }
}

async fn run_cell(gateway: &str, case: Case, key: &str) -> Cell {
    let d = dialect(gateway);
    let clock = Arc::new(ManualClock::new(now_ms()));
    let hooks = merchant().await;
    let mut env = start_with(
        gateway,
        Setup {
            clock: clock.clone(),
            vars: vec![
                ("UPSTREAM_TIMEOUT_MS", "500".into()),
                ("RECONCILE_AFTER_SECS", RECONCILE_AFTER_SECS.to_string()),
                ("MERCHANT_WEBHOOK_URL", hooks.url.clone()),
                (
                    "MERCHANT_WEBHOOK_SECRET",
                    "whsec_fault_matrix_0123456789abcdefgh".into(),
                ),
            ],
        },
    )
    .await;
    let mut problems = Vec::new();
    let faults = env.sandbox.faults();
    let truth = if case == Case::ShopperNeverReturns {
        OrderStatus::Expired
    } else {
        OrderStatus::Settled
    };

    // Checkout (its answer lost once, for that cell: the widget retries with its key).
    if case == Case::CheckoutAnswerLost {
        faults.add(FaultRule::new(d.checkout, Fault::LostResponse { hang_ms: None }).times(1));
    }
    let body = serde_json::json!({"cart": gateways::cart_json(&[("smartphone-x5", 1)]), "payment_type": "3_months", "idempotency_key": key,
        "customer": {"first_name": "Oemang", "email": "alie@satuduatiga.com", "phone": "081513114262"},
        "shipping_address": {"first_name": "Oemang", "address": "Jalan Teknologi Indonesia No. 25", "city": "Jakarta", "postal_code": "12960", "phone": "081513114262", "country_code": "IDN"}});
    let (mut status, mut answer) = env.post("/api/kredivo/v1/checkout", &body).await;
    if status != 200 && case == Case::CheckoutAnswerLost {
        tokio::time::sleep(Duration::from_millis(100)).await;
        (status, answer) = env.post("/api/kredivo/v1/checkout", &body).await;
    }
    if status != 200 {
        problems.push(format!("checkout {status}: {answer}"));
        return Cell {
            secs: None,
            problems,
        };
    }
    let order_id = answer["order_id"].as_str().unwrap_or_default().to_owned();

    // The faults between the provider and us.
    match case {
        Case::PushDropped => faults.add(FaultRule::new(Endpoint::Push, Fault::DropPush)),
        Case::PushDuplicated => faults.add(FaultRule::new(Endpoint::Push, Fault::DuplicatePush)),
        Case::PushesOutOfOrder => faults.add(FaultRule::new(Endpoint::Push, Fault::OutOfOrderPush)),
        Case::PushDelayedPastReturn => faults.add(FaultRule::new(
            Endpoint::Push,
            Fault::DelayPush { ms: 1_500 },
        )),
        Case::ConfirmTimeout => {
            faults.add(FaultRule::new(d.confirm, Fault::Latency { ms: 1_200 }).times(3))
        }
        Case::Confirm5xx => {
            faults.add(FaultRule::new(d.confirm, Fault::HttpStatus { status: 503 }).times(3))
        }
        Case::ConfirmError => faults.add(
            FaultRule::new(
                d.confirm,
                Fault::Error {
                    message: "Temporary error, please try again".into(),
                    code: Some(500),
                },
            )
            .times(3),
        ),
        Case::ConfirmGarbage => {
            faults.add(FaultRule::new(d.confirm, Fault::MalformedJson).times(3))
        }
        Case::StatusApiDown => {
            // No push gets through, and the status API is down for the first checks.
            faults.add(FaultRule::new(Endpoint::Push, Fault::DropPush));
            faults.add(FaultRule::new(d.status, Fault::HttpStatus { status: 503 }).times(9));
        }
        _ => {}
    }
    if case == Case::ProxyKilled {
        env.restart().await;
    }

    // The shopper pays (or walks away).
    let paid_at = clock.now_millis_for_test();
    if case != Case::ShopperNeverReturns {
        if let Err(e) = drive(&env, gateway, &order_id, "settle").await {
            problems.push(e);
        }
    }
    if case == Case::ProxyKilled {
        env.restart().await;
    }
    if case == Case::PushDelayedPastReturn {
        // Back at the shop before the push: the return asks the provider.
        let _ = env
            .http
            .get(env.url(&format!("/kredivo/return?order_id={order_id}")))
            .send()
            .await;
    }

    // Time passes: pushes arrive (real time), the reconciler and the webhook worker tick
    // (simulated time), until the order holds the truth or the bound is over.
    let bound = if truth == OrderStatus::Expired {
        Duration::from_secs(26 * 3600)
    } else {
        BOUND
    };
    let mut reached = None;
    let mut waited = Duration::ZERO;
    loop {
        tokio::time::sleep(Duration::from_millis(30)).await;
        let _ = reconcile_due(&env.state).await;
        let _ = deliver_due(&env.state).await;
        let current = env.status(&order_id).await;
        if current == truth {
            reached =
                Some(u64::try_from((clock.now_millis_for_test() - paid_at) / 1000).unwrap_or(0));
            break;
        }
        if waited >= bound {
            problems.push(format!(
                "still {} after {} s",
                current.as_str(),
                waited.as_secs()
            ));
            break;
        }
        // Small steps first (pushes and the first checks), then big ones (an expiry).
        let step = if waited < Duration::from_secs(900) {
            Duration::from_secs(10)
        } else {
            Duration::from_secs(1800)
        };
        clock.advance(step.as_millis() as i64);
        waited += step;
    }
    // Let anything in flight land, and the webhooks go out.
    env.notifications_delivered().await;
    for _ in 0..5 {
        let _ = reconcile_due(&env.state).await;
        let _ = deliver_due(&env.state).await;
        clock.advance(60_000);
    }

    // Checks of the cell.
    let final_status = env.status(&order_id).await;
    if final_status != truth {
        problems.push(format!(
            "ended {} not {}",
            final_status.as_str(),
            truth.as_str()
        ));
    }
    let created = provider_transactions(&env, &d, &order_id);
    if created != 1 {
        problems.push(format!("{created} provider transactions"));
    }
    let events = env
        .state
        .store()
        .events(&order_id)
        .await
        .unwrap_or_default();
    for e in &events {
        if let (Some(from), Some(to)) = (e.from_status, e.to_status) {
            if !predecessors(to).contains(&from) {
                problems.push(format!("went {} → {}", from.as_str(), to.as_str()));
            }
        }
    }
    let told: Vec<String> = hooks
        .received
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e["data"]["order_id"] == order_id.as_str())
        .map(|e| e["type"].as_str().unwrap_or_default().to_owned())
        .collect();
    let mut distinct = told.clone();
    distinct.sort();
    distinct.dedup();
    if distinct.len() != told.len() {
        problems.push(format!("merchant told twice: {told:?}"));
    }
    let truth_event = format!("order.{}", truth.as_str());
    if !told.contains(&truth_event) {
        problems.push(format!("merchant never told {truth_event}: {told:?}"));
    }
    Cell {
        secs: reached,
        problems,
    }
}

/// `ManualClock::now_millis` through the proxy's `Clock` trait.
trait Now {
    fn now_millis_for_test(&self) -> i64;
}

impl Now for ManualClock {
    fn now_millis_for_test(&self) -> i64 {
        kredivo_proxy::Clock::now_millis(self)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_gateway_ends_in_the_truth_under_every_fault() {
    let mut table = String::new();
    let _ = write!(table, "| fault | {} |\n|---|", GATEWAYS.join(" | "));
    for _ in GATEWAYS {
        table.push_str("---|");
    }
    table.push('\n');
    let mut failures = Vec::new();
    for case in CASES {
        let _ = write!(table, "| {} |", case.label());
        for (g, gateway) in GATEWAYS.iter().enumerate() {
            let key = format!("matrix-{g}-{:02}-key", case as u8);
            let cell = run_cell(gateway, case, &key).await;
            let shown = match (&cell.secs, cell.problems.is_empty()) {
                (Some(secs), true) => format!(" {secs} s |"),
                _ => " FAIL |".to_owned(),
            };
            table.push_str(&shown);
            if !cell.problems.is_empty() {
                failures.push(format!("{gateway} / {}: {:?}", case.label(), cell.problems));
            }
        }
        table.push('\n');
    }
    println!("\nFault matrix — simulated seconds from the shopper's payment (or departure) to the order in the provider's true state; every cell also checks one provider transaction, no state backwards, the merchant told once per state:\n\n{table}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
