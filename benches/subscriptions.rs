//! Subscription benchmark: commit-to-delivery latency (p50/p99) with 1, 1,000 and 10,000
//! WebSocket subscribers on one run, and the server's memory per idle subscriber.
//!
//! Run with `scripts/bench-subscriptions` (or `cargo bench --bench subscriptions`). It starts the
//! release binary on a fresh SQLite database, subscribes real graphql-transport-ws clients, drives
//! transitions over HTTP and measures, per delivered event, the time from the event's commit
//! timestamp (`at`) to its arrival at the client. Not a test: it prints figures.

use std::{process::Stdio, time::Duration};

use chrono::{DateTime, Utc};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

const TRANSITIONS: usize = 20;

async fn gql(client: &reqwest::Client, url: &str, query: &str, variables: Value) -> Value {
    let body: Value = client
        .post(format!("{url}/graphql"))
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// Opens a subscriber of `run` and waits for its first event (so it is registered).
async fn subscriber(
    url: &str,
    run: i64,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let mut request = format!("{}/graphql", url.replace("http", "ws"))
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    ws.send(Message::Text(
        json!({ "type": "connection_init" }).to_string().into(),
    ))
    .await
    .unwrap();
    let _ack = ws.next().await;
    let query = "subscription($run: Int) { integrationRunStatusChanged(runId: $run) { sequence at status } }";
    ws.send(Message::Text(
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query, "variables": { "run": run } } })
            .to_string()
            .into(),
    ))
    .await
    .unwrap();
    ws
}

async fn scenario(client: &reqwest::Client, url: &str, pid: u32, n: usize) -> (f64, f64, f64) {
    let code = format!("BENCH-{n}");
    gql(client, url, "mutation($c: String!) { createIntegration(input: {code: $c, name: $c, businessObject: \"Invoice\", direction: FROM_COUPA, endSystem: \"SAP\", endSystemType: ERP}) { id } }", json!({ "c": code })).await;
    let run = gql(
        client,
        url,
        "mutation($c: String!) { createIntegrationRun(input: {integration: {code: $c}}) { id } }",
        json!({ "c": code }),
    )
    .await["createIntegrationRun"]["id"]
        .as_i64()
        .unwrap();
    let before = rss_kib(pid);
    let mut sockets = Vec::with_capacity(n);
    for _ in 0..n {
        sockets.push(subscriber(url, run).await);
    }
    // Let the server settle, then read its memory with n idle subscriptions.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let per_subscriber = (rss_kib(pid).saturating_sub(before)) as f64 / n as f64;

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<f64>();
    let expected = TRANSITIONS + 1;
    let mut tasks = Vec::new();
    for mut ws in sockets {
        let tx = tx.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = 0;
            while got < expected {
                let Some(Ok(Message::Text(text))) = ws.next().await else {
                    break;
                };
                let v: Value = serde_json::from_str(&text).unwrap();
                if v["type"] != "next" {
                    continue;
                }
                let at: DateTime<Utc> = v["payload"]["data"]["integrationRunStatusChanged"]["at"]
                    .as_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                got += 1;
                // The first event only proves the subscription is live; it is not measured.
                if got > 1 {
                    let ms = (Utc::now() - at).num_microseconds().unwrap_or(0) as f64 / 1000.0;
                    let _ = tx.send(ms);
                }
            }
            let _ = ws.close(None).await;
        }));
    }
    drop(tx);
    gql(
        client,
        url,
        "mutation($id: Int!) { runIntegrationRun(id: $id) { id } }",
        json!({ "id": run }),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    for i in 0..TRANSITIONS {
        let action = if i % 2 == 0 { "pause" } else { "run" };
        gql(
            client,
            url,
            &format!("mutation($id: Int!) {{ {action}IntegrationRun(id: $id) {{ id }} }}"),
            json!({ "id": run }),
        )
        .await;
        // Spaced, so each measures one transition's fan-out, not a queue of them.
        tokio::time::sleep(Duration::from_millis(if n >= 1000 { 300 } else { 20 })).await;
    }
    let mut latencies = Vec::new();
    while let Some(ms) = rx.recv().await {
        latencies.push(ms);
    }
    for t in tasks {
        let _ = t.await;
    }
    latencies.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(
        latencies.len(),
        n * TRANSITIONS,
        "every subscriber got every transition"
    );
    (
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        per_subscriber,
    )
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_integration-gateway"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--subscriber-buffer",
            "4096",
        ])
        .env("DATABASE_URL", &db)
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the gateway");
    let pid = child.id().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let url = loop {
        let line = lines
            .next_line()
            .await
            .unwrap()
            .expect("the gateway started");
        if let Some(rest) = line.split("serving GraphQL and GraphiQL at ").nth(1) {
            break rest.trim().trim_end_matches("/graphql").to_owned();
        }
    };
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let client = reqwest::Client::new();
    println!(
        "| subscribers | p50 commit→delivery (ms) | p99 (ms) | server memory per idle subscriber (KiB) |"
    );
    println!("|---:|---:|---:|---:|");
    for n in [1usize, 1000, 10_000] {
        let (p50, p99, mem) = scenario(&client, &url, pid, n).await;
        println!("| {n} | {p50:.2} | {p99:.2} | {mem:.1} |");
    }
    let _ = child.kill().await;
}
