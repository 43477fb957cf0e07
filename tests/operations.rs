//! Operations: /metrics, /readyz, graceful shutdown on SIGTERM, and the configuration file.

mod common;

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use common::{WsClient, spawn_app, spawn_app_with};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};

/// The value of the first sample of `metric` whose labels include every one of `labels`.
fn sample(text: &str, metric: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(&format!("{metric}{{")) || l.starts_with(&format!("{metric} ")))
        .find(|l| labels.iter().all(|label| l.contains(label)))
        .and_then(|l| l.rsplit(' ').next())
        .map(|v| v.parse().unwrap())
        .unwrap_or(0.0)
}

async fn scrape(app: &common::TestApp) -> String {
    let resp = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    resp.text().await.unwrap()
}

#[tokio::test]
async fn metrics_count_a_named_query_and_time_it() {
    // Through the resolvers (a direct read would answer this query), so that the DataLoader's
    // batch is counted too.
    let app = spawn_app_with(|s| s.disable_direct_reads = true).await;
    let code = "METRICS-1";
    app.integration(code).await;
    app.run(code).await;
    let before = scrape(&app).await;
    let query = "query MetricsCountsThis { integrationRuns { nodes { id integration { code } } } }";
    let body = app.gql(query, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    let after = scrape(&app).await;

    let op = "operation=\"MetricsCountsThis\"";
    let counted = |text: &str| {
        sample(
            text,
            "gateway_graphql_operations_total",
            &[op, "outcome=\"ok\"", "type=\"query\""],
        )
    };
    assert_eq!(counted(&after), counted(&before) + 1.0, "{after}");
    assert!(
        sample(
            &after,
            "gateway_graphql_operation_duration_seconds_count",
            &[op]
        ) >= 1.0
    );
    // The run's integration came through a DataLoader batch.
    assert!(
        sample(
            &after,
            "gateway_dataloader_batch_size_count",
            &["loader=\"by_id:integration\""]
        ) >= 1.0,
        "{after}"
    );
    for metric in [
        "gateway_active_subscriptions",
        "gateway_event_log_lag",
        "gateway_db_pool_connections",
    ] {
        assert!(
            after.contains(&format!("# TYPE {metric} gauge")),
            "{metric}"
        );
    }
    assert!(sample(&after, "gateway_db_pool_connections", &["state=\"max\""]) >= 1.0);
}

#[tokio::test]
async fn failed_and_anonymous_operations_are_counted_by_code() {
    let app = spawn_app().await;
    let before = scrape(&app).await;
    let body = app
        .gql(
            "query MetricsNotFound { integration(code: \"nope\") { id } } ",
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    app.gql("{ __typename }", json!({})).await;
    app.gql(
        "mutation MetricsBad { runIntegrationRun(id: 999999) { id } }",
        json!({}),
    )
    .await;
    let after = scrape(&app).await;
    let delta = |labels: &[&str]| {
        sample(&after, "gateway_graphql_operations_total", labels)
            - sample(&before, "gateway_graphql_operations_total", labels)
    };
    assert!(delta(&["operation=\"anonymous\"", "outcome=\"ok\""]) >= 1.0);
    assert_eq!(
        delta(&[
            "operation=\"MetricsBad\"",
            "outcome=\"NOT_FOUND\"",
            "type=\"mutation\""
        ]),
        1.0,
        "{after}"
    );
}

#[tokio::test]
async fn readyz_answers_200_then_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    let live = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(live.status(), 200);
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["checks"]["database"]["ok"], true);
    assert_eq!(body["checks"]["migrations"]["ok"], true);

    // The application shares this pool; closed, every statement fails.
    app.db.close_by_ref().await.unwrap();
    let gone = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(gone.status(), 503);
    let body: Value = gone.json().await.unwrap();
    assert_eq!(body["status"], "not ready");
    assert_eq!(body["checks"]["database"]["ok"], false, "{body}");
    assert_eq!(body["checks"]["migrations"]["ok"], false);
}

/// A gateway process we can signal.
struct Process {
    addr: SocketAddr,
    child: tokio::process::Child,
    /// What it wrote to stderr after starting.
    log: Arc<Mutex<String>>,
    /// Reads stderr into `log` until the process closes it.
    reading: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

async fn start(extra: &[&str]) -> Process {
    start_with_env(extra, &[]).await
}

async fn start_with_env(extra: &[&str], env: &[(&str, &str)]) -> Process {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("p.db").display());
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_integration-gateway"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "info")
        .envs(env.iter().copied())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the gateway");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines
            .next_line()
            .await
            .unwrap()
            .expect("the gateway started");
        if let Some(rest) = line.split("serving GraphQL and GraphiQL at http://").nth(1) {
            break rest.trim().trim_end_matches("/graphql").parse().unwrap();
        }
    };
    let log = Arc::new(Mutex::new(String::new()));
    let written = log.clone();
    let reading = tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            let mut log = written.lock().unwrap();
            log.push_str(&line);
            log.push('\n');
        }
    });
    Process {
        addr,
        child,
        log,
        reading,
        _dir: dir,
    }
}

impl Process {
    fn sigterm(&self) {
        let pid = self.child.id().unwrap().to_string();
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Everything the process wrote to stderr after starting; call it once it has exited.
    async fn log_after_exit(&mut self) -> String {
        tokio::time::timeout(Duration::from_secs(5), &mut self.reading)
            .await
            .expect("stderr is closed")
            .unwrap();
        self.log.lock().unwrap().clone()
    }

    async fn exited(&mut self, within: Duration) -> std::process::ExitStatus {
        tokio::time::timeout(within, self.child.wait())
            .await
            .expect("the process exits in time")
            .unwrap()
    }
}

#[tokio::test]
async fn sigterm_lets_an_in_flight_request_finish_and_refuses_new_connections() {
    let mut gateway = start(&[]).await;
    // In flight for as long as we like: the headers are sent, the body only in part.
    let body = json!({ "query": "{ integrations { totalCount } }" }).to_string();
    let (head, tail) = body.split_at(body.len() / 2);
    let mut slow = TcpStream::connect(gateway.addr).await.unwrap();
    slow.write_all(
        format!(
            "POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n\
             Accept: application/json\r\nContent-Length: {}\r\n\r\n{head}",
            body.len()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    gateway.sigterm();
    // The listener closes at once; poll briefly for the signal to land.
    let mut refused = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if TcpStream::connect(gateway.addr).await.is_err() {
            refused = true;
            break;
        }
    }
    assert!(refused, "new connections are refused after SIGTERM");

    slow.write_all(tail.as_bytes()).await.unwrap();
    let mut response = String::new();
    tokio::time::timeout(Duration::from_secs(10), slow.read_to_string(&mut response))
        .await
        .expect("the in-flight request is answered")
        .unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"totalCount\":0"), "{response}");
    assert!(gateway.exited(Duration::from_secs(10)).await.success());
}

#[tokio::test]
async fn sigterm_closes_websocket_subscriptions_with_going_away() {
    let mut gateway = start(&[]).await;
    let mut ws = WsClient::connect(gateway.addr, "graphql-transport-ws").await;
    ws.subscribe(
        "1",
        "subscription { integrationRunStatusChanged { sequence } }",
        json!({}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    gateway.sigterm();
    let (code, reason) = ws.closed().await;
    assert_eq!(code, 1001, "{reason}");
    assert!(gateway.exited(Duration::from_secs(10)).await.success());
}

#[tokio::test]
async fn sigterm_ends_multipart_subscriptions_and_counts_them_while_open() {
    let mut gateway = start(&["--shutdown-grace-secs", "30"]).await;
    let client = reqwest::Client::new();
    let metrics = || async {
        client
            .get(format!("http://{}/metrics", gateway.addr))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    let mut resp = client
        .post(format!("http://{}/graphql", gateway.addr))
        .header("accept", "multipart/mixed;subscriptionSpec=\"1.0\"")
        .json(&json!({ "query": "subscription { integrationRunStatusChanged { sequence } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        sample(&metrics().await, "gateway_active_subscriptions", &[]),
        1.0
    );
    gateway.sigterm();
    let started = std::time::Instant::now();
    // The response ends (well within the 30 s grace) instead of holding the server open.
    let rest = tokio::time::timeout(Duration::from_secs(10), async {
        while let Ok(Some(_)) = resp.chunk().await {}
    })
    .await;
    assert!(rest.is_ok(), "the multipart response ended");
    assert!(gateway.exited(Duration::from_secs(10)).await.success());
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn the_grace_period_bounds_shutdown() {
    // A request whose body never completes would hold the server forever; after the grace
    // period the process exits anyway.
    let mut gateway = start(&["--shutdown-grace-secs", "1"]).await;
    let mut stuck = TcpStream::connect(gateway.addr).await.unwrap();
    stuck
        .write_all(
            b"POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"query\":",
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    gateway.sigterm();
    let started = std::time::Instant::now();
    assert!(gateway.exited(Duration::from_secs(10)).await.success());
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900),
        "waited for the grace period: {took:?}"
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
}

/// A document whose validation takes time that doubles with each fragment (issue 17). The
/// gateway refuses it unless `--max-expanded-selections` lets it through; then it holds a
/// runtime worker for as long as the process lives.
fn fragment_bomb(fragments: usize) -> String {
    let mut query = String::from("query { ...F0 }");
    for i in 0..fragments {
        query.push_str(&format!(
            " fragment F{i} on Query {{ ...F{} ...F{} }}",
            i + 1,
            i + 1
        ));
    }
    query.push_str(&format!(" fragment F{fragments} on Query {{ __typename }}"));
    query
}

/// The watchdog's deadline after the signal for `--shutdown-grace-secs 1`: the grace period
/// plus the margin (shutdown::EXIT_MARGIN, 2 s).
const GRACE_1S_DEADLINE: Duration = Duration::from_secs(3);

/// Scheduling slack on a loaded machine.
const SLACK: Duration = Duration::from_millis(1500);

#[tokio::test]
async fn sigterm_ends_the_process_while_requests_hold_every_worker() {
    // Two workers, each held by a request that does not yield (the fragment bomb, let through by
    // a limit set out of reach): no runtime task (signal, timer, the graceful path) can run, so
    // only the signal thread and its watchdog can end the process.
    let unlimited = usize::MAX.to_string();
    let mut gateway = start_with_env(
        &[
            "--shutdown-grace-secs",
            "1",
            "--max-expanded-selections",
            &unlimited,
        ],
        &[("TOKIO_WORKER_THREADS", "2")],
    )
    .await;
    let body = json!({ "query": fragment_bomb(40) }).to_string();
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut socket = TcpStream::connect(gateway.addr).await.unwrap();
        socket
            .write_all(
                format!(
                    "POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n\
                     Content-Length: {}\r\n\r\n{body}",
                    body.len()
                )
                .as_bytes(),
            )
            .await
            .unwrap();
        held.push(socket);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    gateway.sigterm();
    let started = Instant::now();
    gateway
        .exited(GRACE_1S_DEADLINE + SLACK + Duration::from_secs(2))
        .await;
    let took = started.elapsed();
    assert!(took < GRACE_1S_DEADLINE + SLACK, "{took:?}");
}

#[tokio::test]
async fn the_watchdog_ends_a_process_that_cannot_finish_shutting_down() {
    // A collector that accepts connections and never answers: flushing the spans at exit
    // waits (5 s) past the watchdog's deadline, which ends the process instead.
    let collector = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", collector.local_addr().unwrap());
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = collector.accept().await {
            open.push(socket);
        }
    });
    let mut gateway = start(&["--shutdown-grace-secs", "1", "--otlp-endpoint", &endpoint]).await;
    common::gql_at(gateway.addr, "query Exported { __typename }", json!({})).await;
    gateway.sigterm();
    let started = Instant::now();
    let status = gateway
        .exited(GRACE_1S_DEADLINE + SLACK + Duration::from_secs(5))
        .await;
    let took = started.elapsed();
    assert!(!status.success(), "{status}");
    assert!(
        took >= GRACE_1S_DEADLINE - Duration::from_millis(100),
        "{took:?}"
    );
    assert!(took < GRACE_1S_DEADLINE + SLACK, "{took:?}");
    let log = gateway.log_after_exit().await;
    assert!(
        log.contains("still running after the grace period: exiting"),
        "{log}"
    );
}

#[tokio::test]
async fn a_second_signal_ends_the_process_at_once() {
    let mut gateway = start(&["--shutdown-grace-secs", "30"]).await;
    // A request whose body never completes holds graceful shutdown for the whole 30 s.
    let mut stuck = TcpStream::connect(gateway.addr).await.unwrap();
    stuck
        .write_all(
            b"POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"query\":",
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    gateway.sigterm();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        gateway.child.try_wait().unwrap().is_none(),
        "still waiting for the request"
    );
    gateway.sigterm();
    let started = Instant::now();
    let status = gateway.exited(Duration::from_secs(5)).await;
    assert!(!status.success(), "{status}");
    assert!(started.elapsed() < Duration::from_secs(2));
    let log = gateway.log_after_exit().await;
    assert!(log.contains("second signal: exiting at once"), "{log}");
}

#[tokio::test]
async fn settings_come_from_the_configuration_file_and_flags_win() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gateway.toml");
    let db = dir.path().join("from-file.db");
    std::fs::write(
        &file,
        format!(
            "database-url = \"sqlite://{}?mode=rwc\"\nlisten = \"127.0.0.1:0\"\nshutdown-grace-secs = 1\n",
            db.display()
        ),
    )
    .unwrap();
    // No subcommand: the file's `serve` settings apply to the default command too.
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_integration-gateway"))
        .args(["--config", file.to_str().unwrap()])
        .env_remove("DATABASE_URL")
        .env_remove("LISTEN")
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    loop {
        let line = lines
            .next_line()
            .await
            .unwrap()
            .expect("the gateway started");
        if line.contains("serving GraphQL and GraphiQL at http://127.0.0.1:") {
            break;
        }
    }
    assert!(db.exists(), "the database named in the file was created");
    drop(child);

    let unknown = dir.path().join("bad.toml");
    std::fs::write(&unknown, "lisen = \"127.0.0.1:0\"\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_integration-gateway"))
        .args(["--config", unknown.to_str().unwrap(), "schema"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown setting `lisen`"));
}

#[test]
fn every_subcommand_documents_every_flag() {
    use clap::CommandFactory;
    let cmd = integration_gateway::config::Cli::command();
    fn check(cmd: &clap::Command, path: &str) {
        for arg in cmd.get_arguments() {
            if matches!(arg.get_id().as_str(), "help" | "version") {
                continue;
            }
            assert!(
                arg.get_help().is_some(),
                "{path} --{} has no help",
                arg.get_id()
            );
        }
        for sub in cmd.get_subcommands() {
            assert!(
                sub.get_about().is_some(),
                "{path} {} has no about",
                sub.get_name()
            );
            check(sub, &format!("{path} {}", sub.get_name()));
        }
    }
    check(&cmd, "integration-gateway");
}

#[tokio::test]
async fn spans_are_exported_to_the_otlp_endpoint() {
    // A stand-in collector: answers every request 200 and reports the request lines it saw.
    let collector = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", collector.local_addr().unwrap());
    let (seen_tx, mut seen) = tokio::sync::mpsc::unbounded_channel::<String>();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = collector.accept().await {
            let seen_tx = seen_tx.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let n = socket.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).to_string();
                let _ = seen_tx.send(head.lines().next().unwrap_or_default().to_owned());
                let _ = socket
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .await;
            });
        }
    });
    let mut gateway = start(&["--otlp-endpoint", &endpoint]).await;
    common::gql_at(gateway.addr, "query Exported { __typename }", json!({})).await;
    // Spans are batched; shutting down flushes them.
    gateway.sigterm();
    assert!(gateway.exited(Duration::from_secs(10)).await.success());
    let line = tokio::time::timeout(Duration::from_secs(5), seen.recv())
        .await
        .expect("the collector was called")
        .unwrap();
    assert_eq!(line, "POST /v1/traces HTTP/1.1");
}

/// A request's one operation is described on the request's own span (one span per request: a
/// second cost a tenth of a one-row read's CPU); each operation of a batch gets a span of its
/// own under the request's.
#[tokio::test]
async fn an_operation_is_named_on_its_requests_span_and_a_batchs_on_spans_of_their_own() {
    let mut gateway = start_with_env(
        &[],
        &[("RUST_LOG", "info,integration_gateway::observability=debug")],
    )
    .await;
    common::gql_at(gateway.addr, "query Logged { __typename }", json!({})).await;
    let batch = reqwest::Client::new()
        .post(format!("http://{}/graphql", gateway.addr))
        .json(&json!([
            {"query": "query First { __typename }"},
            {"query": "query Second { __typename }"},
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(batch.status(), 200);
    gateway.sigterm();
    assert!(gateway.exited(Duration::from_secs(10)).await.success());
    let log = gateway.log_after_exit().await;
    // The operation's debug line, with the spans it was written in.
    let event = |name: &str| {
        log.lines()
            .find(|l| {
                l.contains("graphql operation") && l.contains(&format!("operation.name=\"{name}\""))
            })
            .unwrap_or_else(|| panic!("no line of {name} in:\n{log}"))
            .to_owned()
    };
    let single = event("Logged");
    assert!(
        single.contains("request{method=POST path=/graphql request_id="),
        "{single}"
    );
    assert!(
        single.contains(r#"operation.name="Logged" operation.type="query" principal="#),
        "{single}"
    );
    assert!(!single.contains("graphql{"), "one span: {single}");
    for name in ["First", "Second"] {
        let line = event(name);
        assert!(line.contains("request{method=POST"), "{line}");
        assert!(
            line.contains(&format!("}}:graphql{{operation.name=\"{name}\"")),
            "{line}"
        );
    }
}
