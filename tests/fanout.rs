//! Subscriptions multiplexed: subscribers with the same document, variables and scopes share one
//! execution per event and get the same bytes (graphql-transport-ws, the legacy protocol and
//! multipart alike); other variables or scopes are other executions; each member's replay joins
//! the shared stream without gap or duplicate.
//!
//! The tests count executions with `gateway_subscription_executions_total` and open
//! subscriptions with `gateway_active_subscriptions`, which are the process's: they run one at
//! a time.

mod common;

use common::{TestApp, WsClient, WsOutcome, spawn_app};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const RUN_CHANGES: &str = "subscription($run: Int, $after: Int) {
  integrationRunStatusChanged(runId: $run, afterSequence: $after) {
    sequence action previousStatus status run { id status integration { code } }
  }
}";

const EXECUTIONS: &str = "gateway_subscription_executions_total";
const OPEN: &str = "gateway_active_subscriptions";

/// A metric without labels.
async fn metric(app: &TestApp, name: &str) -> f64 {
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|line| {
            line.strip_prefix(name)
                .and_then(|rest| rest.trim().parse().ok())
        })
        .unwrap_or(0.0)
}

/// Waits until `n` subscriptions are open.
async fn open(app: &TestApp, n: f64) {
    for _ in 0..500 {
        if metric(app, OPEN).await == n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("{n} subscriptions never were open");
}

/// The payload of a `next`/`data` frame, byte for byte.
fn payload(frame: &str) -> String {
    let start = frame.find(r#""payload":"#).expect("a payload") + r#""payload":"#.len();
    assert!(frame.ends_with('}'), "{frame}");
    frame[start..frame.len() - 1].to_owned()
}

fn action(payload: &str) -> String {
    let v: Value = serde_json::from_str(payload).unwrap();
    let c = &v["data"]["integrationRunStatusChanged"];
    format!("{} {}→{}", c["action"], c["previousStatus"], c["status"])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_of_one_subscription_share_one_execution_and_its_bytes() {
    let _serial = SERIAL.lock().await;
    let app = spawn_app().await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    open(&app, 0.0).await;
    let mut clients = Vec::new();
    for i in 0..20 {
        let protocol = if i % 2 == 0 {
            "graphql-transport-ws"
        } else {
            "graphql-ws"
        };
        let mut ws = app.ws(protocol).await;
        ws.subscribe("1", RUN_CHANGES, json!({ "run": run })).await;
        clients.push(ws);
    }
    let mut multipart = app
        .client
        .post(app.url("/graphql"))
        .header(
            "accept",
            r#"multipart/mixed;subscriptionSpec="1.0", application/json"#,
        )
        .json(&json!({ "query": RUN_CHANGES, "variables": { "run": run } }))
        .send()
        .await
        .unwrap();
    open(&app, 21.0).await;
    let before = metric(&app, EXECUTIONS).await;
    for action in ["run", "pause", "run"] {
        app.act(action, run).await;
    }
    let mut seen = Vec::new();
    for ws in &mut clients {
        let mut mine = Vec::new();
        for _ in 0..3 {
            mine.push(payload(&ws.next_text().await));
        }
        seen.push(mine);
    }
    // The multipart parts' bodies are the same bytes.
    let mut body = String::new();
    let parts = loop {
        let parts: Vec<String> = body
            .split("--graphql")
            .filter_map(|p| p.split("\r\n\r\n").nth(1))
            .map(|json| json.trim_end().to_owned())
            .filter(|json| json.starts_with(r#"{"data""#))
            .collect();
        if parts.len() == 3 {
            break parts;
        }
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(20), multipart.chunk())
            .await
            .expect("a part within 20 s")
            .unwrap()
            .expect("the stream stays open");
        body.push_str(&String::from_utf8_lossy(&chunk));
    };
    seen.push(parts);
    for mine in &seen {
        assert_eq!(mine, &seen[0]);
    }
    assert_eq!(
        seen[0].iter().map(|p| action(p)).collect::<Vec<_>>(),
        [
            r#""RUN" "PENDING"→"RUNNING""#,
            r#""PAUSE" "RUNNING"→"PAUSED""#,
            r#""RUN" "PAUSED"→"RUNNING""#
        ]
    );
    // One execution per event, for 21 subscribers.
    assert_eq!(metric(&app, EXECUTIONS).await - before, 3.0);
    for ws in clients {
        ws.close().await;
    }
    drop(multipart);
    open(&app, 0.0).await;
}

const SECRET: &str = "fan-out-test-secret";
const READ: &str = "core.integration.read";
const WRITE: &str = "core.integration.write";

/// A token with `scope`.
fn token(scope: &str) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "sub": "alice", "exp": now + 3600, "iat": now, "scope": scope,
        "iss": "https://id.example.com", "aud": "integration-gateway",
    });
    let token = encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    format!("Bearer {token}")
}

async fn with_token(app: &TestApp, scope: &str) -> WsClient {
    match WsClient::open(
        app.addr,
        "graphql-transport-ws",
        Some(&token(scope)),
        json!({}),
    )
    .await
    {
        WsOutcome::Acked(ws) => *ws,
        _ => panic!("the token is accepted"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_variables_or_other_scopes_are_other_executions() {
    let _serial = SERIAL.lock().await;
    // Changes go through a gateway without authentication; subscribers hold tokens with other
    // scopes on a twin that checks them (it hears of the changes at its next poll of the log).
    let app = spawn_app().await;
    let secured = app
        .twin_with(|s| {
            s.auth.jwt_hs256_secret = Some(SECRET.into());
            s.auth.jwt_issuer = Some("https://id.example.com".into());
            s.auth.jwt_audience = Some("integration-gateway".into());
        })
        .await;
    app.integration("SAP").await;
    let first = app.run("SAP").await;
    let second = app.run("SAP").await;
    open(&app, 0.0).await;
    let both = format!("{READ} {WRITE}");
    let mut reader = with_token(&secured, READ).await;
    let mut writer = with_token(&secured, &both).await;
    let mut other_writer = with_token(&secured, &both).await;
    let mut second_run = with_token(&secured, &both).await;
    for ws in [&mut reader, &mut writer, &mut other_writer] {
        ws.subscribe("1", RUN_CHANGES, json!({ "run": first }))
            .await;
    }
    second_run
        .subscribe("1", RUN_CHANGES, json!({ "run": second }))
        .await;
    open(&app, 4.0).await;
    let before = metric(&app, EXECUTIONS).await;
    app.act("run", first).await;
    app.act("run", second).await;
    let run_of = |frame: String| {
        let v: Value = serde_json::from_str(&payload(&frame)).unwrap();
        v["data"]["integrationRunStatusChanged"]["run"]["id"]
            .as_i64()
            .unwrap()
    };
    for ws in [&mut reader, &mut writer, &mut other_writer] {
        assert_eq!(run_of(ws.next_text().await), first);
    }
    assert_eq!(run_of(second_run.next_text().await), second);
    // The reader's group and the writers' each executed the first run's event, the second run's
    // group its own: each group filtered out the other run's event before executing anything.
    assert_eq!(metric(&app, EXECUTIONS).await - before, 3.0);
    for ws in [reader, writer, other_writer, second_run] {
        ws.close().await;
    }
    open(&app, 0.0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_joining_while_events_flow_replay_then_go_on_live_without_gap_or_duplicate() {
    let _serial = SERIAL.lock().await;
    let app = std::sync::Arc::new(spawn_app().await);
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    const TRANSITIONS: usize = 30;
    let writer = {
        let app = app.clone();
        tokio::spawn(async move {
            app.act("run", run).await;
            for i in 0..TRANSITIONS {
                app.act(if i % 2 == 0 { "pause" } else { "run" }, run).await;
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        })
    };
    // Members of one group (same variables), each joining at another point of the stream.
    let mut clients = Vec::new();
    for i in 0..8 {
        let protocol = if i % 2 == 0 {
            "graphql-transport-ws"
        } else {
            "graphql-ws"
        };
        let mut ws = app.ws(protocol).await;
        ws.subscribe("1", RUN_CHANGES, json!({ "run": run, "after": 0 }))
            .await;
        clients.push(ws);
        tokio::time::sleep(std::time::Duration::from_millis(40)).await;
    }
    writer.await.unwrap();
    let mut expected = vec![r#""RUN" "PENDING"→"RUNNING""#.to_owned()];
    for i in 0..TRANSITIONS {
        expected.push(if i % 2 == 0 {
            r#""PAUSE" "RUNNING"→"PAUSED""#.to_owned()
        } else {
            r#""RUN" "PAUSED"→"RUNNING""#.to_owned()
        });
    }
    for mut ws in clients {
        let mut got = Vec::new();
        let mut sequences = Vec::new();
        for _ in 0..=TRANSITIONS {
            let p = payload(&ws.next_text().await);
            let v: Value = serde_json::from_str(&p).unwrap();
            sequences.push(
                v["data"]["integrationRunStatusChanged"]["sequence"]
                    .as_i64()
                    .unwrap(),
            );
            got.push(action(&p));
        }
        assert_eq!(got, expected);
        assert!(sequences.windows(2).all(|w| w[0] < w[1]), "{sequences:?}");
        ws.close().await;
    }
    open(&app, 0.0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_nobody_subscribed_the_dispatcher_follows_the_log_and_a_new_subscriber_hears_only_what_follows()
 {
    let _serial = SERIAL.lock().await;
    let app = spawn_app().await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    // Nobody listens: the dispatcher moves past these without reading them.
    app.act("run", run).await;
    app.act("pause", run).await;
    app.act("run", run).await;
    let mut caught_up = false;
    for _ in 0..250 {
        if metric(&app, "gateway_event_log_lag").await == 0.0 {
            caught_up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        caught_up,
        "the dispatcher's position did not reach the newest event"
    );

    let mut ws = app.ws("graphql-transport-ws").await;
    ws.subscribe("1", RUN_CHANGES, json!({ "run": run })).await;
    open(&app, 1.0).await;
    app.act("pause", run).await;
    let first = ws.next_data().await;
    assert_eq!(
        first["integrationRunStatusChanged"]["action"], "PAUSE",
        "the first event heard is the one after the subscription: {first}"
    );
    assert_eq!(
        first["integrationRunStatusChanged"]["previousStatus"],
        "RUNNING"
    );
    // And the events made while nobody listened are all in the log for a replay.
    let mut replay = app.ws("graphql-transport-ws").await;
    replay
        .subscribe("2", RUN_CHANGES, json!({ "run": run, "after": 0 }))
        .await;
    let mut actions = Vec::new();
    for _ in 0..4 {
        actions.push(replay.next_data().await["integrationRunStatusChanged"]["action"].clone());
    }
    assert_eq!(
        actions,
        vec![json!("RUN"), json!("PAUSE"), json!("RUN"), json!("PAUSE")]
    );
    ws.close().await;
    replay.close().await;
}

/// The next `n` messages of `ws`, as (type, id, action) — the action of a `next`/`data` frame —
/// by operation.
async fn messages(ws: &mut WsClient, n: usize) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for _ in 0..n {
        let frame = ws.next_text().await;
        let v: Value = serde_json::from_str(&frame).unwrap();
        let kind = v["type"].as_str().unwrap().to_owned();
        let id = v["id"].as_str().unwrap_or_default().to_owned();
        let what = match kind.as_str() {
            "next" | "data" => action(&payload(&frame)),
            _ => String::new(),
        };
        out.push((kind, id, what));
    }
    // By operation, each in the order it arrived.
    out.sort_by(|x, y| x.1.cmp(&y.1));
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operation_stopped_mid_stream_gets_nothing_more_and_its_id_can_be_used_again() {
    let _serial = SERIAL.lock().await;
    let app = spawn_app().await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    let running = r#""RUN" "PENDING"→"RUNNING""#;
    let paused = r#""PAUSE" "RUNNING"→"PAUSED""#;
    let resumed = r#""RUN" "PAUSED"→"RUNNING""#;
    for (protocol, next, stop) in [
        ("graphql-transport-ws", "next", "complete"),
        ("graphql-ws", "data", "stop"),
    ] {
        open(&app, 0.0).await;
        // Two operations of one group on one connection: after their first events, both are
        // written by the connection's lane, each in its own frame.
        let mut ws = app.ws(protocol).await;
        ws.subscribe("a", RUN_CHANGES, json!({ "run": run })).await;
        ws.subscribe("b", RUN_CHANGES, json!({ "run": run })).await;
        open(&app, 2.0).await;
        let frame = |id: &str, what: &str| (next.to_owned(), id.to_owned(), what.to_owned());
        let start = if protocol == "graphql-ws" {
            // The run was left running by the first protocol's turn.
            app.act("pause", run).await;
            app.act("run", run).await;
            vec![
                frame("a", paused),
                frame("a", resumed),
                frame("b", paused),
                frame("b", resumed),
            ]
        } else {
            app.act("run", run).await;
            app.act("pause", run).await;
            vec![
                frame("a", running),
                frame("a", paused),
                frame("b", running),
                frame("b", paused),
            ]
        };
        assert_eq!(messages(&mut ws, 4).await, start);
        // `a` is stopped: it completes, and the next events reach `b` only.
        ws.send(json!({ "id": "a", "type": stop })).await;
        assert_eq!(
            messages(&mut ws, 1).await,
            [("complete".to_owned(), "a".to_owned(), String::new())]
        );
        open(&app, 1.0).await;
        let (first, second) = if protocol == "graphql-ws" {
            (paused, resumed)
        } else {
            (resumed, paused)
        };
        let (first_action, second_action) = if protocol == "graphql-ws" {
            ("pause", "run")
        } else {
            ("run", "pause")
        };
        app.act(first_action, run).await;
        assert_eq!(messages(&mut ws, 1).await, [frame("b", first)]);
        // `a` again, a new operation under the old id: its events carry it.
        ws.subscribe("a", RUN_CHANGES, json!({ "run": run })).await;
        open(&app, 2.0).await;
        app.act(second_action, run).await;
        app.act(first_action, run).await;
        assert_eq!(
            messages(&mut ws, 4).await,
            [
                frame("a", second),
                frame("a", first),
                frame("b", second),
                frame("b", first)
            ]
        );
        ws.close().await;
    }
    open(&app, 0.0).await;
}

/// One socket cannot hold operations without bound (each costs server memory, and with
/// variables of its own an execution of its own): the 101st at once is refused with an `error`
/// naming the limit, and never starts; once one completes, another may start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_holds_at_most_a_hundred_operations_at_once() {
    let _serial = SERIAL.lock().await;
    let app = spawn_app().await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    for (protocol, next, stop) in [
        ("graphql-transport-ws", "next", "complete"),
        ("graphql-ws", "data", "stop"),
    ] {
        open(&app, 0.0).await;
        let mut ws = app.ws(protocol).await;
        for i in 0..100 {
            ws.subscribe(&i.to_string(), RUN_CHANGES, json!({ "run": run }))
                .await;
        }
        ws.subscribe("extra", RUN_CHANGES, json!({ "run": run }))
            .await;
        let refused = ws.next_message().await;
        assert_eq!(refused["type"], "error", "{refused}");
        assert_eq!(refused["id"], "extra", "{refused}");
        let error = if protocol == "graphql-transport-ws" {
            refused["payload"][0].clone()
        } else {
            refused["payload"].clone()
        };
        assert_eq!(error["extensions"]["code"], "VALIDATION", "{refused}");
        assert_eq!(error["extensions"]["max"], 100, "{refused}");
        open(&app, 100.0).await;
        // One ends; then the same id starts, and hears the next event with the 99 others.
        ws.send(json!({ "id": "0", "type": stop })).await;
        let completed = ws.next_message().await;
        assert_eq!(completed["type"], "complete", "{completed}");
        assert_eq!(completed["id"], "0", "{completed}");
        ws.subscribe("extra", RUN_CHANGES, json!({ "run": run }))
            .await;
        open(&app, 100.0).await;
        app.act(
            if protocol == "graphql-ws" {
                "pause"
            } else {
                "run"
            },
            run,
        )
        .await;
        let mut ids = Vec::new();
        for _ in 0..100 {
            let message = ws.next_message().await;
            assert_eq!(message["type"], next, "{message}");
            ids.push(message["id"].as_str().unwrap().to_owned());
        }
        assert!(ids.contains(&"extra".to_owned()), "{ids:?}");
        assert!(!ids.contains(&"0".to_owned()), "{ids:?}");
        ws.close().await;
    }
    open(&app, 0.0).await;
}
