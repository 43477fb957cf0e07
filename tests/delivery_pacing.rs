//! Alert deliveries yield to requests: while the server is saturated (`pressure`: two requests
//! in flight per core or more), the delivery worker starts a round of work (making deliveries
//! of new events, claiming due ones) at most every `--delivery-yield-ms`; when it is not, it
//! delivers at once. Its own test binary: the request count is the process's, and other tests
//! running beside it would count.

mod common;

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{Router, routing::post};
use common::spawn_app_with;
use integration_gateway::pressure;
use serde_json::json;

/// A receiver that answers 200 at once and remembers when each message arrived.
async fn receiver() -> (String, Arc<Mutex<Vec<Instant>>>) {
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let got = arrivals.clone();
    let app = Router::new().route(
        "/hook",
        post(move || {
            let got = got.clone();
            async move {
                got.lock().unwrap().push(Instant::now());
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, arrivals)
}

/// A POST to /graphql whose body does not end until `release` turns true: a request in flight.
async fn hold_request(addr: std::net::SocketAddr, mut release: tokio::sync::watch::Receiver<bool>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = br#"{"query":"{ __typename }"}"#;
    let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(&body[..5]).await.unwrap();
    let _ = release.wait_for(|r| *r).await;
    socket.write_all(&body[5..]).await.unwrap();
    let mut answer = Vec::new();
    let _ = socket.read_to_end(&mut answer).await;
    assert!(
        answer.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
}

const ALERT: &str = "mutation($input: NewHistoryRecordInput!) { \
    createIntegrationHistoryAlert(input: $input) { id } }";

fn alert(run: i64, document: i64) -> serde_json::Value {
    json!({ "input": {
        "contactAlertType": "TECHNICAL", "documentType": "INVOICE_HEADER",
        "documentId": document, "integrationRunId": run, "status": "Error"
    }})
}

async fn wait_for(arrivals: &Mutex<Vec<Instant>>, n: usize, within: Duration) -> Vec<Instant> {
    let deadline = Instant::now() + within;
    loop {
        let got = arrivals.lock().unwrap().clone();
        if got.len() >= n {
            return got;
        }
        assert!(
            Instant::now() < deadline,
            "{} of {n} deliveries within {within:?}",
            got.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_yield_to_a_saturated_server_and_go_at_once_when_it_is_not() {
    const YIELD: Duration = Duration::from_millis(2_000);
    const ALERTS: i64 = 7;
    let (url, arrivals) = receiver().await;
    let app = spawn_app_with(|s| {
        s.delivery.allow_private_webhook_targets = true;
        s.delivery.delivery_poll_ms = 100;
        s.delivery.delivery_yield_ms = YIELD.as_millis() as u64;
        // The held requests' bodies must not time out meanwhile.
        s.request_timeout_ms = 300_000;
    })
    .await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    app.data(
        "mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }",
        json!({ "input": { "url": url, "eventTypes": ["ALERT_RAISED"] } }),
    )
    .await;

    // Saturated: 64 requests in flight (past two per core on any machine this runs on).
    let (release, held) = tokio::sync::watch::channel(false);
    let holders: Vec<_> = (0..64)
        .map(|_| tokio::spawn(hold_request(app.addr, held.clone())))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !pressure::saturated() {
        assert!(
            Instant::now() < deadline,
            "{} in flight",
            pressure::in_flight()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Alerts 700 ms apart: delivered at once, they would arrive 700 ms apart.
    for document in 0..ALERTS {
        app.data(ALERT, alert(run, document)).await;
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    let got = wait_for(&arrivals, ALERTS as usize, Duration::from_secs(30)).await;
    assert!(
        pressure::saturated(),
        "the server stayed saturated throughout"
    );
    // They came in rounds: within a round a few ms apart, rounds at least the yield apart
    // (less a margin for when a round's sends end).
    let mut rounds = 1;
    for pair in got.windows(2) {
        let gap = pair[1] - pair[0];
        if gap > Duration::from_millis(300) {
            rounds += 1;
            assert!(
                gap >= YIELD - Duration::from_millis(300),
                "two rounds of deliveries {gap:?} apart while saturated: {got:?}"
            );
        }
    }
    assert!(
        rounds < ALERTS,
        "{rounds} rounds for {ALERTS} alerts: {got:?}"
    );

    // Not saturated any more: the next alert goes at once, not a yield later.
    release.send(true).unwrap();
    for holder in holders {
        holder.await.unwrap();
    }
    assert!(
        !pressure::saturated(),
        "{} in flight",
        pressure::in_flight()
    );
    tokio::time::sleep(YIELD).await;
    let raised = Instant::now();
    app.data(ALERT, alert(run, ALERTS)).await;
    let got = wait_for(&arrivals, ALERTS as usize + 1, Duration::from_secs(10)).await;
    let took = got[ALERTS as usize] - raised;
    assert!(
        took < YIELD / 2,
        "delivered {took:?} after it was raised on an idle server"
    );
}
