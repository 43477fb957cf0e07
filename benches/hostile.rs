//! Hostile-input benchmark: the server's CPU time for each request of the hostile corpus
//! (`tests/common/hostile.rs`), and `/healthz` latency (p50/p99/max) while 8 clients send the
//! corpus in a loop, next to `/healthz` on an idle server.
//!
//! Run with `scripts/bench-hostile` (or `cargo bench --bench hostile`). It starts the release
//! binary on a fresh SQLite database. CPU time is the sum of the server's threads' run time
//! (`/proc/<pid>/task/*/schedstat`) around each request, sent alone, averaged over repeats.
//! Not a test: it prints figures.

mod common;
#[path = "../tests/common/hostile.rs"]
mod corpus;

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use corpus::{Case, Send};
use serde_json::{Value, json};

const REPEATS: usize = 10;
const CLIENTS: usize = 8;
const LOAD: Duration = Duration::from_secs(20);
const PROBE_EVERY: Duration = Duration::from_millis(20);

/// The run time of every thread of `pid`, in nanoseconds.
fn cpu_ns(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .filter_map(Result::ok)
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

/// A request ready to send again and again.
#[derive(Clone)]
struct Prepared {
    method: reqwest::Method,
    path: String,
    content_type: &'static str,
    body: Vec<u8>,
}

fn prepare(case: &Case) -> Prepared {
    match &case.send {
        Send::Graphql(query, variables) => Prepared {
            method: reqwest::Method::POST,
            path: "/graphql".into(),
            content_type: "application/json",
            body: serde_json::to_vec(&json!({"query": query, "variables": variables})).unwrap(),
        },
        Send::Raw(method, path, content_type, body) => Prepared {
            method: method.parse().unwrap(),
            path: path.clone(),
            content_type,
            body: body.clone(),
        },
    }
}

async fn send(client: &reqwest::Client, base: &str, request: &Prepared) -> u16 {
    client
        .request(request.method.clone(), format!("{base}{}", request.path))
        .header("content-type", request.content_type)
        .header("accept", "application/graphql-response+json")
        .body(request.body.clone())
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// `/healthz` every PROBE_EVERY until `stop`; the latencies, sorted.
async fn probe(client: reqwest::Client, base: String, stop: Arc<AtomicBool>) -> Vec<Duration> {
    let mut latencies = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        let ok = client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200);
        let took = started.elapsed();
        // A failed probe counts as the slowest possible answer.
        latencies.push(if ok { took } else { Duration::from_secs(60) });
        tokio::time::sleep(PROBE_EVERY.saturating_sub(took)).await;
    }
    latencies.sort();
    latencies
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let mut gateway = common::start_gateway(&url, &[]).await;
    let (pid, base) = (gateway.pid, gateway.url.clone());
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let seed: Value = client
        .post(format!("{base}/graphql"))
        .json(&json!({"query": "mutation { createIntegration(input: {code: \"SAP\", name: \"SAP\", businessObject: \"Invoice\", direction: FROM_COUPA, endSystem: \"SAP\", endSystemType: ERP, integrationType: API}) { id } }"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(seed.get("errors").is_none(), "{seed}");

    let cases = corpus::corpus();
    let prepared: Vec<Prepared> = cases.iter().map(prepare).collect();

    println!("## Server CPU per hostile request (alone, mean of {REPEATS})\n");
    println!("| case | status | server CPU ms | wall ms (max) |");
    println!("|---|--:|--:|--:|");
    let mut worst = (0.0f64, "");
    for (case, request) in cases.iter().zip(&prepared) {
        let mut status = 0;
        let mut wall = Duration::ZERO;
        let before = cpu_ns(pid);
        for _ in 0..REPEATS {
            let started = Instant::now();
            status = send(&client, &base, request).await;
            wall = wall.max(started.elapsed());
        }
        let cpu_ms = (cpu_ns(pid) - before) as f64 / 1e6 / REPEATS as f64;
        if cpu_ms > worst.0 {
            worst = (cpu_ms, case.name);
        }
        println!("| {} | {status} | {cpu_ms:.2} | {} |", case.name, ms(wall));
    }
    println!("\nWorst: {:.2} ms of server CPU ({}).\n", worst.0, worst.1);

    // The probe has a client of its own, as a load balancer's health check would: a connection
    // the server ended after a refusal (a 413 closes it) is never the probe's.
    let prober = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let idle = tokio::spawn(probe(prober.clone(), base.clone(), stop.clone()));
    tokio::time::sleep(Duration::from_secs(5)).await;
    stop.store(true, Ordering::Relaxed);
    let idle = idle.await.unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicUsize::new(0));
    let prepared = Arc::new(prepared);
    let mut clients = Vec::new();
    for offset in 0..CLIENTS {
        let (client, base, stop, sent, prepared) = (
            client.clone(),
            base.clone(),
            stop.clone(),
            sent.clone(),
            prepared.clone(),
        );
        clients.push(tokio::spawn(async move {
            let mut i = offset;
            while !stop.load(Ordering::Relaxed) {
                send(&client, &base, &prepared[i % prepared.len()]).await;
                sent.fetch_add(1, Ordering::Relaxed);
                i += 1;
            }
        }));
    }
    let loaded = tokio::spawn(probe(prober, base.clone(), stop.clone()));
    let cpu_before = cpu_ns(pid);
    tokio::time::sleep(LOAD).await;
    stop.store(true, Ordering::Relaxed);
    let loaded = loaded.await.unwrap();
    for c in clients {
        c.await.unwrap();
    }
    let cpu = (cpu_ns(pid) - cpu_before) as f64 / 1e9;
    let sent = sent.load(Ordering::Relaxed);

    println!("## /healthz latency\n");
    println!("| server | probes | p50 ms | p99 ms | max ms |");
    println!("|---|--:|--:|--:|--:|");
    for (name, latencies) in [
        ("idle".to_owned(), &idle),
        (
            format!(
                "{CLIENTS} clients sending the corpus in a loop ({sent} requests in {} s, {:.0} req/s; server CPU {:.0}%)",
                LOAD.as_secs(),
                sent as f64 / LOAD.as_secs_f64(),
                cpu / LOAD.as_secs_f64() * 100.0
            ),
            &loaded,
        ),
    ] {
        println!(
            "| {name} | {} | {} | {} | {} |",
            latencies.len(),
            ms(percentile(latencies, 0.5)),
            ms(percentile(latencies, 0.99)),
            ms(latencies.last().copied().unwrap_or_default())
        );
    }
    println!("\nServer alive at the end: {}.", gateway.alive());
}
