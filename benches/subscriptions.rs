//! Subscription fan-out benchmark: commit-to-delivery latency (p50/p99), the server's CPU per
//! delivered event and its memory per idle subscriber, with 1, 1,000, 10,000 and 50,000
//! subscribers of one subscription on one gateway (SQLite), then 1,000 subscribers of gateway B
//! while the events are committed through gateway A, both on one PostgreSQL.
//!
//! A subscriber is one subscription (one `subscribe` id). Each has a WebSocket of its own while
//! the open-files limit allows (a socket is a file descriptor in this process and one in the
//! server, plus ~1,000 for the rest); above it, subscribers share sockets as a graphql-ws client
//! multiplexes its subscriptions over one, as few to a socket as the limit allows (50,000 under a
//! limit of 20,000: 3 per socket, 16,667 sockets), and the table says how many sockets carried
//! them. Run with `scripts/bench-subscriptions` (or `cargo bench --bench subscriptions`). It
//! starts the release binary, subscribes real graphql-transport-ws clients (spread over
//! loopback addresses 127.0.0.2… so that they do not run out of ports), drives transitions over
//! HTTP and measures, per delivered event, the time from the event's commit timestamp (`at`) to
//! its arrival at the client. Clients and server share the machine. Not a test: it prints a
//! markdown table.

mod common;

use common::{
    Gateway, Postgres, cpu_ticks, gql, open_files_limit, percentile, rss_kib, start_gateway,
};
use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use chrono::{DateTime, Utc};
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::{
    Message, client::IntoClientRequest, protocol::WebSocketConfig,
};

const TRANSITIONS: usize = 20;

type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

/// Opens socket `i` to `addr` (from loopback address 127.0.0.(2 + i % 200)) with `subscriptions`
/// subscriptions of `run`, ids "1", "2", ….
async fn subscriber(
    addr: std::net::SocketAddr,
    run: i64,
    i: usize,
    subscriptions: usize,
) -> (Socket, usize) {
    let request = {
        let mut request = format!("ws://{addr}/graphql")
            .into_client_request()
            .unwrap();
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        request
    };
    let local: std::net::SocketAddr = format!("127.0.0.{}:0", 2 + i % 200).parse().unwrap();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(local).expect("bind a loopback address");
    let stream = socket.connect(addr).await.expect("connect");
    // Small buffers: 50,000 clients with tungstenite's 128 KiB default would take 6 GiB.
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let (mut ws, _) = tokio_tungstenite::client_async_with_config(request, stream, Some(config))
        .await
        .expect("upgrade");
    ws.send(Message::Text(
        json!({ "type": "connection_init" }).to_string().into(),
    ))
    .await
    .unwrap();
    let _ack = ws.next().await;
    let query = "subscription($run: Int) { integrationRunStatusChanged(runId: $run) { sequence at status } }";
    for id in 1..=subscriptions {
        ws.send(Message::Text(
            json!({ "id": id.to_string(), "type": "subscribe", "payload": { "query": query, "variables": { "run": run } } })
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    }
    (ws, subscriptions)
}

/// How many sockets carry `n` subscribers under the open-files limit `limit` (each socket is a
/// descriptor here and one in the server; ~1,000 are kept for the rest): one each while they fit,
/// else as few to a socket as fit, at most `MAX_PER_SOCKET`. `None`: they cannot be carried.
fn sockets_for(n: usize, limit: u64) -> Option<usize> {
    let room = limit.saturating_sub(1000) as usize;
    if room == 0 {
        return None;
    }
    let per_socket = n.div_ceil(room).max(1);
    (per_socket <= MAX_PER_SOCKET).then(|| n.div_ceil(per_socket))
}

/// The gateway's bound on operations running over one WebSocket (`MAX_OPERATIONS`).
const MAX_PER_SOCKET: usize = 100;

/// A `next` message, as far as the benchmark reads it.
#[derive(serde::Deserialize)]
struct Next<'a> {
    #[serde(borrow)]
    id: &'a str,
    #[serde(borrow)]
    payload: NextPayload<'a>,
}

#[derive(serde::Deserialize)]
struct NextPayload<'a> {
    #[serde(borrow)]
    data: NextData<'a>,
}

#[derive(serde::Deserialize)]
struct NextData<'a> {
    #[serde(borrow, rename = "integrationRunStatusChanged")]
    changed: Changed<'a>,
}

#[derive(serde::Deserialize)]
struct Changed<'a> {
    at: &'a str,
}

/// One row of the table.
struct Figures {
    sockets: usize,
    p50: f64,
    p99: f64,
    cpu_us_per_delivery: f64,
    client_cpu_us_per_delivery: f64,
    kib_per_subscriber: f64,
}

/// `n` subscribers of one run on `reader` over `sockets` WebSockets, transitions committed
/// through `writer`.
async fn scenario(
    client: &reqwest::Client,
    writer: &Gateway,
    reader: &Gateway,
    n: usize,
    sockets: usize,
    tag: &str,
) -> Figures {
    let code = format!("BENCH-{tag}-{n}");
    let url = &writer.url;
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
    let addr: std::net::SocketAddr = reader.url.trim_start_matches("http://").parse().unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = rss_kib(reader.pid);
    // Connected 64 at a time; the subscribers spread evenly over the sockets.
    let socket_count = sockets;
    let sockets: Vec<(Socket, usize)> = futures_util::stream::iter(0..socket_count)
        .map(|i| {
            subscriber(
                addr,
                run,
                i,
                n / socket_count + usize::from(i < n % socket_count),
            )
        })
        .buffer_unordered(64)
        .collect()
        .await;
    // Let the server settle, then read its memory with n idle subscriptions.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let kib_per_subscriber = (rss_kib(reader.pid).saturating_sub(before)) as f64 / n as f64;

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, f64)>();
    let expected = TRANSITIONS + 1;
    let live = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for (mut ws, subscriptions) in sockets {
        let tx = tx.clone();
        let live = live.clone();
        tasks.push(tokio::spawn(async move {
            // Events each subscription (by id) has had.
            let mut got = vec![0usize; subscriptions];
            let mut left = expected * subscriptions;
            while left > 0 {
                // (The server's keep-alive pings are answered by tungstenite as it reads.)
                let message = match ws.next().await {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    _ => break,
                };
                // Only what is measured is read (a client's own parsing shares the cores).
                let Ok(message) = serde_json::from_str::<Next>(&message) else {
                    continue;
                };
                let Some(count) = message
                    .id
                    .parse::<usize>()
                    .ok()
                    .and_then(|id| got.get_mut(id.wrapping_sub(1)))
                else {
                    continue;
                };
                let at: DateTime<Utc> = message.payload.data.changed.at.parse().unwrap();
                *count += 1;
                left -= 1;
                // The first event only proves the subscription is live; it is not measured.
                if *count > 1 {
                    let ms = (Utc::now() - at).num_microseconds().unwrap_or(0) as f64 / 1000.0;
                    let _ = tx.send((*count, ms));
                } else {
                    live.fetch_add(1, Ordering::Relaxed);
                }
            }
            // Closed once every subscriber has everything: ten thousand closes during the
            // last fan-out would slow it down and be measured as its latency.
            ws
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
    // Every subscriber has its first event before anything is measured.
    while live.load(Ordering::Relaxed) < n {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let cpu_before = cpu_ticks(reader.pid);
    let client_cpu_before = cpu_ticks(std::process::id());
    let spacing = Duration::from_millis(match n {
        0..1000 => 20,
        1000..10_000 => 150,
        10_000..50_000 => 400,
        _ => 1500,
    });
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
        tokio::time::sleep(spacing).await;
    }
    let mut latencies = Vec::new();
    // Per transition too, on stderr: a slow one stands out from a slow fan-out.
    let mut each = vec![Vec::new(); expected + 1];
    while let Some((i, ms)) = rx.recv().await {
        latencies.push(ms);
        each[i].push(ms);
    }
    // The reader's CPU over the transitions (on one instance, the mutations' too).
    let cpu_ms = (cpu_ticks(reader.pid) - cpu_before) as f64 * 10.0;
    let client_cpu_ms = (cpu_ticks(std::process::id()) - client_cpu_before) as f64 * 10.0;
    let mut sockets = Vec::new();
    for t in tasks {
        sockets.extend(t.await.ok());
    }
    futures_util::stream::iter(sockets)
        .for_each_concurrent(64, |mut ws| async move {
            let _ = ws.close(None).await;
        })
        .await;
    let each: Vec<String> = each
        .iter_mut()
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.sort_by(|a, b| a.partial_cmp(b).unwrap());
            format!("{:.0}/{:.0}", percentile(l, 0.5), percentile(l, 1.0))
        })
        .collect();
    eprintln!("  p50/max per transition (ms): {}", each.join(" "));
    latencies.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(
        latencies.len(),
        n * TRANSITIONS,
        "every subscriber got every transition"
    );
    // Let the closed sockets go before the next scenario.
    tokio::time::sleep(Duration::from_secs(1)).await;
    Figures {
        sockets: socket_count,
        p50: percentile(&latencies, 0.5),
        p99: percentile(&latencies, 0.99),
        cpu_us_per_delivery: cpu_ms * 1000.0 / (n * TRANSITIONS) as f64,
        client_cpu_us_per_delivery: client_cpu_ms * 1000.0 / (n * TRANSITIONS) as f64,
        kib_per_subscriber,
    }
}

fn row(setup: &str, n: usize, f: &Figures) {
    println!(
        "| {setup} | {n} | {} | {:.2} | {:.2} | {:.1} | {:.1} | {:.1} |",
        f.sockets,
        f.p50,
        f.p99,
        f.cpu_us_per_delivery,
        f.client_cpu_us_per_delivery,
        f.kib_per_subscriber
    );
}

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = std::env::var("BENCH_SUBSCRIBERS")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 1000, 10_000, 50_000]);
    let dir = tempfile::tempdir().unwrap();
    let db = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let gateway = start_gateway(&db, &["--subscriber-buffer", "4096"]).await;
    let client = reqwest::Client::new();
    let mut table = Vec::new();
    for &n in &sizes {
        // The clients' sockets here, the server's there (the same limit), plus room for the rest.
        let Some(sockets) = sockets_for(n, open_files_limit()) else {
            eprintln!(
                "skipped {n} subscribers: the open-files limit ({}) is too low (ulimit -n)",
                open_files_limit()
            );
            continue;
        };
        eprintln!("{n} subscribers over {sockets} sockets on one instance (SQLite)…");
        let f = scenario(&client, &gateway, &gateway, n, sockets, "sqlite").await;
        table.push(("one instance, SQLite".to_owned(), n, f));
    }
    drop(gateway);
    if std::env::var("BENCH_SKIP_POSTGRES").is_err() {
        match Postgres::start() {
            Some(pg) => {
                eprintln!("1000 subscribers on B, commits through A (PostgreSQL)…");
                let a = start_gateway(&pg.url, &["--subscriber-buffer", "4096"]).await;
                let b = start_gateway(&pg.url, &["--subscriber-buffer", "4096"]).await;
                let f = scenario(&client, &a, &b, 1000, 1000, "pg").await;
                table.push((
                    "two instances, PostgreSQL: commit on A, deliver on B".into(),
                    1000,
                    f,
                ));
                drop((a, b));
                drop(pg);
            }
            None => eprintln!("skipped the two-instance scenario: no PostgreSQL"),
        }
    }
    println!(
        "| setup | subscribers | sockets | p50 commit→delivery (ms) | p99 (ms) | server CPU per delivered event (µs) | clients' CPU per delivered event (µs) | server memory per idle subscriber (KiB) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (setup, n, f) in &table {
        row(setup, *n, f);
    }
}
