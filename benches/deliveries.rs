//! Alert delivery benchmark (issue #22's goals), on SQLite and on PostgreSQL:
//!
//! 1. **Latency**: alerts raised at 100 per second for 20 s, each delivered to one healthy local
//!    webhook receiver: p50/p99/max from the event's timestamp (taken in the writing transaction,
//!    just before its commit) to the receiver's arrival.
//! 2. **Throughput**: 5,000 alerts raised as fast as 16 clients can, delivered to a receiver that
//!    answers every request after 50 ms, with the gateway's default delivery settings:
//!    deliveries per second from the first arrival to the last.
//! 3. **Nothing else slows**: run transitions (the `M2` mutation of `bench/run`, by 32 clients in
//!    a closed loop) without webhook endpoints and with two endpoints receiving every transition,
//!    alternated twice; requests per second of each, the deliveries received meanwhile, and
//!    how long after each phase its last delivery arrived (the next phase starts once none is
//!    pending, so a phase does not pay for the one before).
//!
//! Run with `scripts/bench-deliveries` (or `cargo bench --bench deliveries`). It starts the
//! release binary with `--allow-private-webhook-targets` (the receiver is on 127.0.0.1) and
//! otherwise default settings; the receiver runs in this process (axum), so clients, receiver and
//! server share the machine. `BENCH_SKIP_SQLITE=1` / `BENCH_SKIP_POSTGRES=1` skip a database;
//! `BENCH_ONLY=latency,throughput,m2` picks the measures.
//! Not a test: it prints a markdown table.

mod common;

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{Router, body::Bytes, extract::Path, extract::State, routing::post};
use chrono::{DateTime, Utc};
use common::{Gateway, Postgres, cpu_ticks, gql, percentile, start_gateway};
use futures_util::StreamExt;
use serde_json::{Value, json};

const LATENCY_RATE: u64 = 100;
const LATENCY_SECS: u64 = 20;
const THROUGHPUT_ALERTS: usize = 5_000;
const SLOW_ANSWER: Duration = Duration::from_millis(50);
const M2_CLIENTS: usize = 32;
const M2_RUNS_PER_CLIENT: usize = 32;
const M2_WARMUP: Duration = Duration::from_secs(3);
const M2_MEASURE: Duration = Duration::from_secs(15);

/// One message: path, webhook-id, the event's timestamp, arrival.
type Message = (String, String, DateTime<Utc>, DateTime<Utc>);

/// What the receiver got, oldest first.
#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<Message>>>);

impl Received {
    fn of(&self, path: &str) -> Vec<(String, DateTime<Utc>, DateTime<Utc>)> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, ..)| p == path)
            .map(|(_, id, at, got)| (id.clone(), *at, *got))
            .collect()
    }

    async fn wait_for(&self, path: &str, n: usize, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            let got = self.of(path).len();
            if got >= n {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{path}: {got} of {n} deliveries within {within:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Answers 200 at once on `/fast/…`, after 50 ms on `/slow/…`; records every message.
async fn receive(
    State(received): State<Received>,
    Path((speed, name)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> &'static str {
    let got = Utc::now();
    let id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let at = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v["timestamp"].as_str()?.parse().ok())
        .unwrap_or(got);
    received
        .0
        .lock()
        .unwrap()
        .push((format!("/{speed}/{name}"), id, at, got));
    if speed == "slow" {
        tokio::time::sleep(SLOW_ANSWER).await;
    }
    "ok"
}

async fn start_receiver() -> (String, Received) {
    let received = Received::default();
    let app = Router::new()
        .route("/{speed}/{name}", post(receive))
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received)
}

/// Creates an integration and a run of it; answers (integration id, run id).
async fn integration_and_run(client: &reqwest::Client, url: &str, code: &str) -> (i64, i64) {
    let id = gql(client, url, "mutation($c: String!) { createIntegration(input: {code: $c, name: $c, businessObject: \"Invoice\", direction: FROM_COUPA, endSystem: \"SAP\", endSystemType: ERP}) { id } }", json!({ "c": code })).await["createIntegration"]["id"]
        .as_i64()
        .unwrap();
    (id, create_run(client, url, code).await)
}

async fn create_run(client: &reqwest::Client, url: &str, code: &str) -> i64 {
    gql(
        client,
        url,
        "mutation($c: String!) { createIntegrationRun(input: {integration: {code: $c}}) { id } }",
        json!({ "c": code }),
    )
    .await["createIntegrationRun"]["id"]
        .as_i64()
        .unwrap()
}

async fn endpoint(
    client: &reqwest::Client,
    url: &str,
    target: String,
    types: &[&str],
    integration: Option<i64>,
) -> i64 {
    gql(
        client,
        url,
        "mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }",
        json!({ "input": { "url": target, "eventTypes": types, "integrationId": integration } }),
    )
    .await["createWebhookEndpoint"]["endpoint"]["id"]
        .as_i64()
        .unwrap()
}

/// How many webhook deliveries are pending.
async fn pending(client: &reqwest::Client, url: &str) -> i64 {
    gql(
        client,
        url,
        "{ webhookDeliveries(filter: {status: PENDING}, first: 1) { totalCount } }",
        json!({}),
    )
    .await["webhookDeliveries"]["totalCount"]
        .as_i64()
        .unwrap_or(-1)
}

async fn disable(client: &reqwest::Client, url: &str, id: i64) {
    gql(
        client,
        url,
        "mutation($id: Int!) { updateWebhookEndpoint(id: $id, input: {enabled: false}) { id } }",
        json!({ "id": id }),
    )
    .await;
}

const ALERT: &str = "mutation($input: NewHistoryRecordInput!) { createIntegrationHistoryAlert(input: $input) { id } }";

async fn alert(client: &reqwest::Client, url: &str, run: i64, document: usize) {
    gql(
        client,
        url,
        ALERT,
        json!({ "input": {
            "contactAlertType": "TECHNICAL", "documentType": "INVOICE_HEADER",
            "documentId": document, "integrationRunId": run, "status": "Error"
        }}),
    )
    .await;
}

struct Latency {
    n: usize,
    p50: f64,
    p99: f64,
    max: f64,
    duplicates: usize,
}

/// A new integration whose alerts go to `target`, and a run of it; answers the run.
async fn alerting_run(client: &reqwest::Client, url: &str, code: &str, target: String) -> i64 {
    let (integration, run) = integration_and_run(client, url, code).await;
    endpoint(client, url, target, &["ALERT_RAISED"], Some(integration)).await;
    run
}

/// Alerts at 100/s for 20 s to a healthy receiver.
async fn latency(
    client: &reqwest::Client,
    gw: &Gateway,
    receiver: &str,
    got: &Received,
) -> Latency {
    let url = gw.url.as_str();
    let path = "/fast/latency";
    let run = alerting_run(client, url, "BENCH-LATENCY", format!("{receiver}{path}")).await;
    // Warm: the first delivery opens the connection; not measured.
    alert(client, url, run, 0).await;
    got.wait_for(path, 1, Duration::from_secs(30)).await;
    let total = (LATENCY_RATE * LATENCY_SECS) as usize;
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / LATENCY_RATE));
    let mut sends = Vec::with_capacity(total);
    for i in 1..=total {
        tick.tick().await;
        let client = client.clone();
        let url = url.to_owned();
        sends.push(tokio::spawn(
            async move { alert(&client, &url, run, i).await },
        ));
    }
    for s in sends {
        s.await.unwrap();
    }
    got.wait_for(path, total + 1, Duration::from_secs(120))
        .await;
    let all = got.of(path);
    let ids: HashSet<&str> = all.iter().map(|(id, ..)| id.as_str()).collect();
    let mut ms: Vec<f64> = all[1..]
        .iter()
        .map(|(_, at, got)| (*got - *at).num_microseconds().unwrap_or(0) as f64 / 1000.0)
        .collect();
    ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
    Latency {
        n: ms.len(),
        p50: percentile(&ms, 0.5),
        p99: percentile(&ms, 0.99),
        max: *ms.last().unwrap(),
        duplicates: all.len() - ids.len(),
    }
}

struct Throughput {
    n: usize,
    per_second: f64,
    /// After the last alert was raised: deliveries per second while the backlog drained.
    drain_per_second: f64,
    raise_per_second: f64,
    cpu_ms_per_delivery: f64,
}

/// 5,000 alerts as fast as 16 clients go, to a receiver answering after 50 ms.
async fn throughput(
    client: &reqwest::Client,
    gw: &Gateway,
    receiver: &str,
    got: &Received,
) -> Throughput {
    let url = gw.url.as_str();
    let path = "/slow/throughput";
    let run = alerting_run(client, url, "BENCH-THROUGHPUT", format!("{receiver}{path}")).await;
    let cpu = cpu_ticks(gw.pid);
    let started = Instant::now();
    futures_util::stream::iter(0..THROUGHPUT_ALERTS)
        .map(|i| alert(client, url, run, i))
        .buffer_unordered(16)
        .collect::<Vec<()>>()
        .await;
    let raised = started.elapsed();
    let raised_at = Utc::now();
    got.wait_for(path, THROUGHPUT_ALERTS, Duration::from_secs(300))
        .await;
    let cpu_ms = (cpu_ticks(gw.pid) - cpu) as f64 * 10.0;
    let all = got.of(path);
    let first = all.iter().map(|(_, _, got)| *got).min().unwrap();
    let last = all.iter().map(|(_, _, got)| *got).max().unwrap();
    let secs = (last - first).num_microseconds().unwrap() as f64 / 1e6;
    let after: Vec<DateTime<Utc>> = all
        .iter()
        .map(|(_, _, got)| *got)
        .filter(|got| *got > raised_at)
        .collect();
    let drain_secs = (last - raised_at).num_microseconds().unwrap_or(1) as f64 / 1e6;
    Throughput {
        n: all.len(),
        per_second: (all.len() - 1) as f64 / secs,
        drain_per_second: after.len() as f64 / drain_secs,
        raise_per_second: THROUGHPUT_ALERTS as f64 / raised.as_secs_f64(),
        cpu_ms_per_delivery: cpu_ms / all.len() as f64,
    }
}

/// One client of the M2 loop: its runs and how far it got (the k-th request moves run k mod
/// its share: `run` on even passes — from PENDING the first time, from PAUSED after — `pause`
/// on odd ones, so every transition is valid).
struct M2Client {
    runs: Vec<i64>,
    k: usize,
}

/// Closed-loop M2 for `d`; answers requests per second.
async fn m2_phase(
    client: &reqwest::Client,
    url: &str,
    clients: &mut Vec<M2Client>,
    d: Duration,
) -> f64 {
    let deadline = Instant::now() + d;
    let tasks: Vec<_> = std::mem::take(clients)
        .into_iter()
        .map(|mut c| {
            let client = client.clone();
            let url = url.to_owned();
            tokio::spawn(async move {
                let mut done = 0usize;
                while Instant::now() < deadline {
                    let n = c.runs.len();
                    let run = c.runs[c.k % n];
                    let action = if (c.k / n) % 2 == 0 { "run" } else { "pause" };
                    gql(
                        &client,
                        &url,
                        &format!("mutation M2($id: Int!) {{ {action}IntegrationRun(id: $id) {{ id status startTime endTime updatedAt }} }}"),
                        json!({ "id": run }),
                    )
                    .await;
                    c.k += 1;
                    if Instant::now() <= deadline {
                        done += 1;
                    }
                }
                (c, done)
            })
        })
        .collect();
    let mut total = 0;
    for t in tasks {
        let (c, done) = t.await.unwrap();
        clients.push(c);
        total += done;
    }
    total as f64 / d.as_secs_f64()
}

struct M2 {
    without: Vec<f64>,
    with: Vec<f64>,
    delivered: usize,
    /// CPU (ms) per transition without / with endpoints: the gateway's, and this process's (the
    /// clients', plus the receiver's with endpoints).
    gateway_cpu: [f64; 2],
    bench_cpu: [f64; 2],
    /// PostgreSQL's (0 on SQLite).
    postgres_cpu: [f64; 2],
    /// Deliveries received during the measured phases with endpoints, per second.
    received_per_second: f64,
    /// Seconds from the end of each phase with endpoints to the last of its deliveries.
    caught_up_after: Vec<f64>,
}

/// CPU ticks of the gateway and of this process.
fn ticks(gw: &Gateway) -> (u64, u64) {
    (cpu_ticks(gw.pid), cpu_ticks(std::process::id()))
}

/// M2 without endpoints, with two endpoints receiving every transition, alternated twice.
async fn m2(
    client: &reqwest::Client,
    gw: &Gateway,
    pg: Option<&Postgres>,
    receiver: &str,
    got: &Received,
) -> M2 {
    let url = gw.url.as_str();
    integration_and_run(client, url, "BENCH-M2").await;
    let runs: Vec<i64> = futures_util::stream::iter(0..M2_CLIENTS * M2_RUNS_PER_CLIENT)
        .map(|_| create_run(client, url, "BENCH-M2"))
        .buffer_unordered(16)
        .collect()
        .await;
    let mut clients: Vec<M2Client> = runs
        .chunks(M2_RUNS_PER_CLIENT)
        .map(|runs| M2Client {
            runs: runs.to_vec(),
            k: 0,
        })
        .collect();
    let mut result = M2 {
        without: Vec::new(),
        with: Vec::new(),
        delivered: 0,
        gateway_cpu: [0.0; 2],
        bench_cpu: [0.0; 2],
        postgres_cpu: [0.0; 2],
        received_per_second: 0.0,
        caught_up_after: Vec::new(),
    };
    let mut cpu = [(0u64, 0u64); 2];
    let mut pg_cpu = [0u64; 2];
    let pg_ticks = || pg.map_or(0, Postgres::cpu_ticks);
    let statements = pg.filter(|_| std::env::var("BENCH_STATEMENTS").is_ok());
    let mut count = [0f64; 2];
    for round in 0..2 {
        m2_phase(client, url, &mut clients, M2_WARMUP).await;
        let before = ticks(gw);
        let pg_before = pg_ticks();
        reset_statements(statements);
        let rate = m2_phase(client, url, &mut clients, M2_MEASURE).await;
        let after = ticks(gw);
        pg_cpu[0] += pg_ticks() - pg_before;
        print_statements(
            statements,
            "without endpoints",
            rate * M2_MEASURE.as_secs_f64(),
        );
        cpu[0].0 += after.0 - before.0;
        cpu[0].1 += after.1 - before.1;
        count[0] += rate * M2_MEASURE.as_secs_f64();
        result.without.push(rate);
        let a = endpoint(
            client,
            url,
            format!("{receiver}/fast/m2-a-{round}"),
            &["RUN_STATUS_CHANGED"],
            None,
        )
        .await;
        let b = endpoint(
            client,
            url,
            format!("{receiver}/fast/m2-b-{round}"),
            &["RUN_STATUS_CHANGED", "RUN_FAILED", "ALERT_RAISED"],
            None,
        )
        .await;
        m2_phase(client, url, &mut clients, M2_WARMUP).await;
        let before = ticks(gw);
        let pg_before = pg_ticks();
        reset_statements(statements);
        let start = Utc::now();
        let rate = m2_phase(client, url, &mut clients, M2_MEASURE).await;
        let end = Utc::now();
        let after = ticks(gw);
        pg_cpu[1] += pg_ticks() - pg_before;
        print_statements(
            statements,
            "with endpoints",
            rate * M2_MEASURE.as_secs_f64(),
        );
        if statements.is_some() {
            print_delivery_metrics(client, url).await;
        }
        let in_window = [format!("/fast/m2-a-{round}"), format!("/fast/m2-b-{round}")]
            .iter()
            .flat_map(|path| got.of(path))
            .filter(|(_, _, got)| *got >= start && *got <= end)
            .count();
        result.received_per_second += in_window as f64 / M2_MEASURE.as_secs_f64() / 2.0;
        cpu[1].0 += after.0 - before.0;
        cpu[1].1 += after.1 - before.1;
        count[1] += rate * M2_MEASURE.as_secs_f64();
        result.with.push(rate);
        // Every delivery of the phase is sent (none pending, the receiver's count still) before
        // the endpoints go and the next phase is measured: how long after the phase that took
        // is the backlog left.
        let paths = [format!("/fast/m2-a-{round}"), format!("/fast/m2-b-{round}")];
        let received = || paths.iter().map(|p| got.of(p).len()).sum::<usize>();
        let mut last = usize::MAX;
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let n = received();
            if n == last && pending(client, url).await == 0 {
                result.delivered += n;
                break;
            }
            last = n;
        }
        let caught_up = paths
            .iter()
            .flat_map(|p| got.of(p))
            .map(|(_, _, got)| got)
            .max()
            .unwrap_or(end);
        result
            .caught_up_after
            .push((caught_up - end).num_milliseconds() as f64 / 1000.0);
        disable(client, url, a).await;
        disable(client, url, b).await;
    }
    for i in 0..2 {
        result.gateway_cpu[i] = cpu[i].0 as f64 * 10.0 / count[i];
        result.bench_cpu[i] = cpu[i].1 as f64 * 10.0 / count[i];
        result.postgres_cpu[i] = pg_cpu[i] as f64 * 10.0 / count[i];
    }
    result
}

/// With `BENCH_STATEMENTS` set: forgets pg_stat_statements' counts before a phase.
fn reset_statements(pg: Option<&Postgres>) {
    if let Some(pg) = pg {
        pg.psql("SELECT pg_stat_statements_reset()");
    }
}

/// With `BENCH_STATEMENTS` set: the statements of a phase by total time, on stderr (calls and
/// milliseconds per transition).
fn print_statements(pg: Option<&Postgres>, phase: &str, transitions: f64) {
    let Some(pg) = pg else { return };
    eprintln!(
        "statements {phase} ({transitions:.0} transitions): calls/transition, ms/transition, rows/call, buffers/transition, query"
    );
    let rows = pg.psql(
        "SELECT calls, total_exec_time, rows, shared_blks_hit + shared_blks_read, \
           left(regexp_replace(query, '\\s+', ' ', 'g'), 140) \
         FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%' \
         ORDER BY total_exec_time DESC LIMIT 25",
    );
    for line in rows.lines() {
        let f: Vec<&str> = line.splitn(5, '\t').collect();
        if let [calls, time, rows, blocks, query] = f[..] {
            let blocks: f64 = blocks.parse().unwrap_or(0.0);
            let calls: f64 = calls.parse().unwrap_or(0.0);
            let time: f64 = time.parse().unwrap_or(0.0);
            let rows: f64 = rows.parse().unwrap_or(0.0);
            eprintln!(
                "  {:8.3} {:8.4} {:7.1} {:8.2}  {query}",
                calls / transitions,
                time / transitions,
                rows / calls.max(1.0),
                blocks / transitions
            );
        }
    }
}

/// With `BENCH_STATEMENTS` set: the gateway's delivery metrics, on stderr.
async fn print_delivery_metrics(client: &reqwest::Client, url: &str) {
    let Ok(text) = client.get(format!("{url}/metrics")).send().await else {
        return;
    };
    let text = text.text().await.unwrap_or_default();
    for line in text
        .lines()
        .filter(|l| l.contains("deliver") && !l.starts_with('#'))
    {
        eprintln!("  metric {line}");
    }
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

async fn bench(name: &str, database_url: &str, pg: Option<&Postgres>) -> Vec<String> {
    let client = reqwest::Client::new();
    let (receiver, got) = start_receiver().await;
    let gw = start_gateway(database_url, &["--allow-private-webhook-targets"]).await;
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let wanted = |part: &str| only.is_empty() || only.split(',').any(|p| p == part);
    let mut rows = Vec::new();
    if wanted("latency") {
        eprintln!("{name}: latency at {LATENCY_RATE} alerts/s for {LATENCY_SECS} s…");
        let l = latency(&client, &gw, &receiver, &got).await;
        rows.push(
        format!(
            "| {name} | commit → webhook received at {LATENCY_RATE} alerts/s ({} deliveries) | p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {} duplicates |",
            l.n, l.p50, l.p99, l.max, l.duplicates
        ));
    }
    if wanted("throughput") {
        eprintln!("{name}: throughput to a receiver answering in 50 ms…");
        let t = throughput(&client, &gw, &receiver, &got).await;
        rows.push(format!(
            "| {name} | deliveries to a receiver answering in 50 ms, default settings ({} deliveries; alerts raised at {:.0}/s meanwhile) | {:.0} deliveries/s overall, {:.0}/s once raising ended; server CPU {:.2} ms per delivery (raising included) |",
            t.n, t.raise_per_second, t.per_second, t.drain_per_second, t.cpu_ms_per_delivery
        ));
    }
    if wanted("m2") {
        eprintln!("{name}: M2 without and with endpoints…");
        let m = m2(&client, &gw, pg, &receiver, &got).await;
        let (without, with) = (mean(&m.without), mean(&m.with));
        rows.push(format!(
            "| {name} | M2 (32 clients) without endpoints / with two endpoints receiving every transition ({} deliveries made) | {:.0} / {:.0} req/s ({:+.1}%; phases: {} / {}); deliveries received while measuring: {:.0}/s, the last {} s after the phase; CPU per transition: gateway {:.3} / {:.3} ms, PostgreSQL {:.3} / {:.3} ms, clients and receiver {:.3} / {:.3} ms |",
            m.delivered,
            without,
            with,
            (with / without - 1.0) * 100.0,
            m.without
                .iter()
                .map(|v| format!("{v:.0}"))
                .collect::<Vec<_>>()
                .join(", "),
            m.with
                .iter()
                .map(|v| format!("{v:.0}"))
                .collect::<Vec<_>>()
                .join(", "),
            m.received_per_second,
            m.caught_up_after
                .iter()
                .map(|v| format!("{v:.1}"))
                .collect::<Vec<_>>()
                .join(" / "),
            m.gateway_cpu[0],
            m.gateway_cpu[1],
            m.postgres_cpu[0],
            m.postgres_cpu[1],
            m.bench_cpu[0],
            m.bench_cpu[1],
        ));
    }
    rows
}

#[tokio::main]
async fn main() {
    let mut rows = Vec::new();
    if std::env::var("BENCH_SKIP_SQLITE").is_err() {
        let dir = tempfile::tempdir().unwrap();
        let db = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        );
        rows.extend(bench("SQLite", &db, None).await);
    }
    if std::env::var("BENCH_SKIP_POSTGRES").is_err() {
        // pg_stat_statements for BENCH_STATEMENTS (loaded in every run: same server either way).
        match Postgres::start_with(
            &std::env::var("BENCH_POSTGRES_OPTS")
                .unwrap_or_else(|_| "-c shared_preload_libraries=pg_stat_statements".into()),
        ) {
            Some(pg) => {
                pg.psql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                rows.extend(bench("PostgreSQL", &pg.url, Some(&pg)).await)
            }
            None => eprintln!("skipped PostgreSQL: it did not start"),
        }
    }
    println!("| database | measure | result |");
    println!("|---|---|---|");
    for row in rows {
        println!("{row}");
    }
}
