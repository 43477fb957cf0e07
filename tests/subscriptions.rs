//! Subscriptions over real WebSockets, on both subprotocols: live events in order, filters,
//! replay with afterSequence, many subscribers, slow consumers, refused operations.

mod common;

use common::{TestApp, spawn_app, spawn_app_with};
use serde_json::{Value, json};

const RUN_CHANGES: &str = "subscription($run: Int, $statuses: [RunStatus!], $after: Int) {
  integrationRunStatusChanged(runId: $run, statuses: $statuses, afterSequence: $after) {
    sequence action previousStatus status run { id status integration { code } }
  }
}";

fn change(data: &Value) -> (String, String, String) {
    let c = &data["integrationRunStatusChanged"];
    (
        c["action"].as_str().unwrap().to_owned(),
        c["previousStatus"].as_str().unwrap().to_owned(),
        c["status"].as_str().unwrap().to_owned(),
    )
}

fn triple(a: &str, p: &str, s: &str) -> (String, String, String) {
    (a.into(), p.into(), s.into())
}

async fn walk_on(protocol: &str) {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    let mut ws = app.ws(protocol).await;
    // afterSequence 0 replays from the start of the log, so the test does not depend on when the
    // server registers the subscription.
    ws.subscribe("1", RUN_CHANGES, json!({ "run": run, "after": 0 }))
        .await;
    app.act("run", run).await;
    app.act("run", run).await; // the no-op repeat sends nothing
    app.act("pause", run).await;
    app.act("run", run).await;
    let first = ws.next_data().await;
    assert_eq!(change(&first), triple("RUN", "PENDING", "RUNNING"));
    assert_eq!(
        first["integrationRunStatusChanged"]["run"]["integration"]["code"],
        "SAP"
    );
    assert_eq!(
        change(&ws.next_data().await),
        triple("PAUSE", "RUNNING", "PAUSED")
    );
    let third = ws.next_data().await;
    assert_eq!(change(&third), triple("RUN", "PAUSED", "RUNNING"));
    assert_eq!(
        third["integrationRunStatusChanged"]["run"]["status"],
        "RUNNING"
    );
    ws.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphql_transport_ws_delivers_every_transition_in_order() {
    walk_on("graphql-transport-ws").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_legacy_graphql_ws_protocol_delivers_them_too() {
    walk_on("graphql-ws").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filter_keeps_out_what_does_not_match() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let watched = app.run("SAP").await;
    let other = app.run("SAP").await;
    let mut ws = app.ws("graphql-transport-ws").await;
    ws.subscribe(
        "1",
        RUN_CHANGES,
        json!({ "run": watched, "statuses": ["FAILED"], "after": 0 }),
    )
    .await;
    app.act("run", other).await;
    app.act("fail", other).await; // another run
    app.act("run", watched).await; // not a failure
    app.act("fail", watched).await;
    let data = ws.next_data().await;
    assert_eq!(change(&data), triple("FAIL", "RUNNING", "FAILED"));
    assert_eq!(data["integrationRunStatusChanged"]["run"]["id"], watched);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_that_resumes_after_its_last_sequence_gets_every_missed_event_once() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    let mut ws = app.ws("graphql-transport-ws").await;
    ws.subscribe("1", RUN_CHANGES, json!({ "run": run, "after": 0 }))
        .await;
    app.act("run", run).await;
    let last = ws.next_data().await["integrationRunStatusChanged"]["sequence"]
        .as_i64()
        .unwrap();
    ws.close().await;

    // Missed while away.
    app.act("pause", run).await;
    app.act("run", run).await;
    app.act("pending", run).await;

    let mut ws = app.ws("graphql-ws").await;
    ws.subscribe("2", RUN_CHANGES, json!({ "run": run, "after": last }))
        .await;
    let mut got = Vec::new();
    let mut sequences = Vec::new();
    for _ in 0..3 {
        let data = ws.next_data().await;
        sequences.push(
            data["integrationRunStatusChanged"]["sequence"]
                .as_i64()
                .unwrap(),
        );
        got.push(change(&data));
    }
    assert_eq!(
        got,
        vec![
            triple("PAUSE", "RUNNING", "PAUSED"),
            triple("RUN", "PAUSED", "RUNNING"),
            triple("PENDING", "RUNNING", "PENDING")
        ]
    );
    assert!(sequences.windows(2).all(|w| w[0] < w[1]));
    // Then live, with no duplicate at the seam.
    app.act("fail", run).await;
    let live = ws.next_data().await;
    assert_eq!(change(&live), triple("FAIL", "PENDING", "FAILED"));
    assert!(
        live["integrationRunStatusChanged"]["sequence"]
            .as_i64()
            .unwrap()
            > sequences[2]
    );
}

const EVERY_RUN_CHANGE: &str = "subscription($run: Int, $integration: IntegrationRefInput) {
  integrationRunChanged(runId: $run, integration: $integration, afterSequence: 0) {
    sequence change action status run { id recordsProcessed }
  }
}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_created_run_and_an_updated_run_are_delivered_with_its_status_changes() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    app.integration("ARIBA").await;
    let mut of_sap = app.ws("graphql-transport-ws").await;
    of_sap
        .subscribe(
            "1",
            EVERY_RUN_CHANGE,
            json!({ "integration": { "code": "SAP" } }),
        )
        .await;
    let run = app.run("SAP").await;
    app.run("ARIBA").await; // another integration's
    app.data(
        "mutation($id: Int!) { updateIntegrationRun(id: $id, input: { totalRecords: 10, recordsProcessed: 4 }) { id } }",
        json!({ "id": run }),
    )
    .await;
    app.act("run", run).await;
    let mut got = Vec::new();
    let mut sequences = Vec::new();
    for _ in 0..3 {
        let c = of_sap.next_data().await["integrationRunChanged"].clone();
        assert_eq!(c["run"]["id"], run);
        sequences.push(c["sequence"].as_i64().unwrap());
        got.push((
            c["change"].clone(),
            c["action"].clone(),
            c["status"].clone(),
        ));
    }
    assert_eq!(
        got,
        vec![
            (json!("CREATED"), Value::Null, json!("PENDING")),
            (json!("UPDATED"), Value::Null, Value::Null),
            (json!("STATUS_CHANGED"), json!("RUN"), json!("RUNNING")),
        ]
    );
    assert!(sequences.windows(2).all(|w| w[0] < w[1]));

    // Filtered by run: another run's update is not sent, this run's next one is.
    let other = app.run("SAP").await;
    let mut of_run = app.ws("graphql-ws").await;
    of_run
        .subscribe("2", EVERY_RUN_CHANGE, json!({ "run": run }))
        .await;
    for _ in 0..3 {
        of_run.next_data().await; // the replay, as above
    }
    app.data(
        "mutation($id: Int!) { updateIntegrationRun(id: $id, input: { recordsProcessed: 1 }) { id } }",
        json!({ "id": other }),
    )
    .await;
    app.data(
        "mutation($id: Int!) { updateIntegrationRun(id: $id, input: { recordsProcessed: 7 }) { id } }",
        json!({ "id": run }),
    )
    .await;
    let live = of_run.next_data().await["integrationRunChanged"].clone();
    assert_eq!(live["change"], "UPDATED");
    assert_eq!(live["run"], json!({ "id": run, "recordsProcessed": 7 }));
    assert!(live["sequence"].as_i64().unwrap() > sequences[2]);
    // The SAP subscriber saw the other run created, then both updates.
    let mut rest = Vec::new();
    for _ in 0..3 {
        let c = of_sap.next_data().await["integrationRunChanged"].clone();
        rest.push((c["change"].clone(), c["run"]["id"].clone()));
    }
    assert_eq!(
        rest,
        vec![
            (json!("CREATED"), json!(other)),
            (json!("UPDATED"), json!(other)),
            (json!("UPDATED"), json!(run)),
        ]
    );
}

async fn record_input(app: &TestApp, n: usize) -> Vec<Value> {
    let _ = app;
    (0..n)
        .map(|i| json!({ "contactAlertType": "TECHNICAL", "documentType": "INVOICE", "documentId": i }))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_records_errors_and_alerts_are_delivered_with_their_filters() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    let mut ws = app.ws("graphql-transport-ws").await;
    ws.subscribe(
        "records",
        "subscription { integrationHistoryRecordChanged(documentType: INVOICE, documentId: 7, afterSequence: 0) { change record { documentId status resolved } } }",
        json!({}),
    )
    .await;
    ws.subscribe(
        "alerts",
        "subscription { integrationAlertRaised(contactAlertType: FUNCTIONAL, afterSequence: 0) { alert { contactAlertType documentId } } }",
        json!({}),
    )
    .await;
    ws.subscribe(
        "errors",
        "subscription($run: Int) { integrationErrorChanged(runId: $run, afterSequence: 0) { change error { id } } }",
        json!({ "run": run }),
    )
    .await;
    let create = "mutation($input: NewHistoryRecordInput!) { createIntegrationHistoryAlert(input: $input) { id } }";
    // A technical alert does not reach functional contacts; one for BOTH does.
    app.data(create, json!({ "input": { "contactAlertType": "TECHNICAL", "documentType": "INVOICE", "documentId": 7 } })).await;
    app.data(create, json!({ "input": { "contactAlertType": "BOTH", "documentType": "SUPPLIER", "documentId": 8 } })).await;
    let error = app
        .data(
            "mutation($run: Int!) { createIntegrationError(input: {contactAlertType: TECHNICAL, integrationRunId: $run}) { id } }",
            json!({ "run": run }),
        )
        .await["createIntegrationError"]["id"]
        .clone();
    app.data(
        "mutation($id: Int!) { resolveIntegrationError(id: $id) { id } }",
        json!({ "id": error }),
    )
    .await;

    let mut by_id: std::collections::HashMap<String, Vec<Value>> = Default::default();
    for _ in 0..4 {
        let m = ws.next_message().await;
        by_id
            .entry(m["id"].as_str().unwrap().to_owned())
            .or_default()
            .push(m["payload"]["data"].clone());
    }
    assert_eq!(
        by_id["records"],
        vec![
            json!({ "integrationHistoryRecordChanged": { "change": "CREATED", "record": { "documentId": 7, "status": "Error", "resolved": false } } })
        ]
    );
    assert_eq!(
        by_id["alerts"],
        vec![
            json!({ "integrationAlertRaised": { "alert": { "contactAlertType": "BOTH", "documentId": 8 } } })
        ]
    );
    assert_eq!(
        by_id["errors"],
        vec![
            json!({ "integrationErrorChanged": { "change": "CREATED", "error": { "id": error } } }),
            json!({ "integrationErrorChanged": { "change": "RESOLVED", "error": { "id": error } } }),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_consumer_is_dropped_with_its_last_sequence_and_can_resume() {
    let app = spawn_app_with(|s| s.subscriber_buffer = 8).await;
    let mut ws = app.ws("graphql-transport-ws").await;
    let query = "subscription($after: Int) { integrationHistoryRecordChanged(afterSequence: $after) { sequence record { documentId } } }";
    ws.subscribe("1", query, json!({})).await;
    // A canary proves the live subscription is registered before the burst (no replay here:
    // the live path is what must lag).
    let create = "mutation($inputs: [NewHistoryRecordInput!]!) { createIntegrationHistoryRecords(inputs: $inputs) { id } }";
    loop {
        app.data(create, json!({ "inputs": [{ "contactAlertType": "BOTH", "documentType": "ITEM", "documentId": -1 }] }))
            .await;
        let canary =
            tokio::time::timeout(std::time::Duration::from_millis(500), ws.next_message()).await;
        if canary.is_ok() {
            break;
        }
    }
    let inputs = record_input(&app, 500).await;
    app.data(
        "mutation($inputs: [NewHistoryRecordInput!]!) { createIntegrationHistoryRecords(inputs: $inputs) { id } }",
        json!({ "inputs": inputs }),
    )
    .await;
    // 500 events at once overflow a buffer of 8: some arrive, then SLOW_CONSUMER.
    let mut seen: Vec<i64> = Vec::new();
    let last = loop {
        let m = ws.next_message().await;
        if let Some(errors) = m["payload"]
            .as_array()
            .or(m["payload"]["errors"].as_array())
        {
            let e = &errors[0];
            assert_eq!(e["extensions"]["code"], "SLOW_CONSUMER", "{m}");
            break e["extensions"]["lastDeliveredSequence"].as_i64().unwrap();
        }
        assert_eq!(m["type"], "next", "{m}");
        let id = m["payload"]["data"]["integrationHistoryRecordChanged"]["record"]["documentId"]
            .as_i64()
            .unwrap();
        if id >= 0 {
            seen.push(id);
        }
    };
    assert!(seen.len() < 500);
    // Resume: everything after the last delivered event, exactly once.
    let mut ws = app.ws("graphql-transport-ws").await;
    ws.subscribe("2", query, json!({ "after": last })).await;
    while seen.len() < 500 {
        let data = ws.next_data().await;
        let id = data["integrationHistoryRecordChanged"]["record"]["documentId"]
            .as_i64()
            .unwrap();
        if id >= 0 {
            seen.push(id);
        }
    }
    assert_eq!(seen, (0..500).collect::<Vec<i64>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_subscribers_of_one_run_each_receive_every_transition_in_order() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    let mut clients = Vec::new();
    for i in 0..1000 {
        let protocol = if i % 2 == 0 {
            "graphql-transport-ws"
        } else {
            "graphql-ws"
        };
        let mut ws = app.ws(protocol).await;
        ws.subscribe("1", RUN_CHANGES, json!({ "run": run, "after": 0 }))
            .await;
        clients.push(ws);
    }
    for action in ["run", "pause", "run", "success"] {
        app.act(action, run).await;
    }
    let expected = vec![
        triple("RUN", "PENDING", "RUNNING"),
        triple("PAUSE", "RUNNING", "PAUSED"),
        triple("RUN", "PAUSED", "RUNNING"),
        triple("SUCCESS", "RUNNING", "SUCCESSFUL"),
    ];
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|mut ws| {
            tokio::spawn(async move {
                let mut got = Vec::new();
                for _ in 0..4 {
                    got.push(change(&ws.next_data().await));
                }
                ws.close().await;
                got
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), expected);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphql_transport_ws_answers_a_refused_operation_with_one_error_message() {
    let app = spawn_app().await;
    let mut ws = app.ws("graphql-transport-ws").await;
    // Validation: `error` with the errors array as its payload, as the server wrote it.
    ws.subscribe("invalid", "subscription { noSuchField }", json!({}))
        .await;
    let text = ws.next_text().await;
    assert!(
        text.starts_with(r#"{"type":"error","id":"invalid","payload":[{"message":"#),
        "{text}"
    );
    let message: Value = serde_json::from_str(&text).unwrap();
    let errors = message["payload"].as_array().unwrap();
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("noSuchField"),
        "{text}"
    );
    assert!(errors.iter().all(|e| e.get("path").is_none()), "{text}");
    // Variable coercion: the same.
    ws.subscribe("coercion", RUN_CHANGES, json!({ "run": "not a number" }))
        .await;
    let message = ws.next_message().await;
    assert_eq!(message["type"], "error", "{message}");
    assert_eq!(message["id"], "coercion", "{message}");
    assert!(message["payload"][0]["message"].is_string(), "{message}");
    // A field error stays in `next`, even when it nulls the whole `data`, then completes.
    ws.subscribe(
        "field",
        "{ integrationRuns(first: 1, last: 1) { totalCount } }",
        json!({}),
    )
    .await;
    let message = ws.next_message().await;
    assert_eq!(message["type"], "next", "{message}");
    assert_eq!(message["id"], "field", "{message}");
    assert!(message["payload"]["data"].is_null(), "{message}");
    assert_eq!(
        message["payload"]["errors"][0]["path"],
        json!(["integrationRuns"]),
        "{message}"
    );
    // No `complete` followed either `error`: the next message is this operation's.
    let message = ws.next_message().await;
    assert_eq!(message["type"], "complete", "{message}");
    assert_eq!(message["id"], "field", "{message}");
    ws.close().await;

    // The legacy protocol keeps `data` then `complete`, as its reference server answers
    // validation errors.
    let mut legacy = app.ws("graphql-ws").await;
    legacy
        .subscribe("invalid", "subscription { noSuchField }", json!({}))
        .await;
    let message = legacy.next_message().await;
    assert_eq!(message["type"], "data", "{message}");
    assert!(message["payload"]["errors"][0]["message"].is_string());
    let message = legacy.next_message().await;
    assert_eq!(message["type"], "complete", "{message}");
    legacy.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_also_stream_over_http_as_multipart_mixed() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    app.act("run", run).await;
    app.act("pause", run).await;
    let mut resp = app
        .client
        .post(app.url("/graphql"))
        .header(
            "accept",
            r#"multipart/mixed;subscriptionSpec="1.0", application/json"#,
        )
        .json(&json!({ "query": RUN_CHANGES, "variables": { "run": run, "after": 0 } }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("multipart/mixed")
    );
    let mut body = String::new();
    let mut parts: Vec<Value> = Vec::new();
    while parts.len() < 2 {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(20), resp.chunk())
            .await
            .expect("a part within 20 s")
            .unwrap()
            .expect("the stream stays open");
        body.push_str(&String::from_utf8_lossy(&chunk));
        parts = body
            .split("--graphql")
            .filter_map(|p| p.split("\r\n\r\n").nth(1))
            .filter_map(|json| serde_json::from_str::<Value>(json.trim()).ok())
            .filter(|v| v.get("data").is_some())
            .collect();
    }
    assert_eq!(
        change(&parts[0]["data"]),
        triple("RUN", "PENDING", "RUNNING")
    );
    assert_eq!(
        change(&parts[1]["data"]),
        triple("PAUSE", "RUNNING", "PAUSED")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolled_back_change_publishes_nothing() {
    let app = spawn_app().await;
    let mut ws = app.ws("graphql-transport-ws").await;
    ws.subscribe(
        "1",
        "subscription { integrationHistoryRecordChanged(afterSequence: 0) { change record { documentId } } }",
        json!({}),
    )
    .await;
    // The second half of this mutation fails inside its transaction, which rolls back.
    app.force_export_failures().await;
    let mutation = |name: &str| {
        format!("mutation($input: NewHistoryRecordInput!) {{ {name}(input: $input) {{ id }} }}")
    };
    let failed = app
        .gql(
            &mutation("createIntegrationHistoryAlertAndMarkExported"),
            json!({ "input": { "contactAlertType": "BOTH", "documentType": "INVOICE", "documentId": 1 } }),
        )
        .await;
    assert_eq!(failed["errors"][0]["extensions"]["code"], "INTERNAL");
    app.data(
        &mutation("createIntegrationHistoryRecord"),
        json!({ "input": { "contactAlertType": "BOTH", "documentType": "INVOICE", "documentId": 2 } }),
    )
    .await;
    let data = ws.next_data().await;
    assert_eq!(
        data,
        json!({ "integrationHistoryRecordChanged": { "change": "CREATED", "record": { "documentId": 2 } } })
    );
}

/// An idle subscriber whose client sends nothing (graphql-ws's client does not ping by default)
/// is kept past the keep-alive: its WebSocket library answers the server's pings. A peer that
/// answers nothing is closed once the keep-alive has passed: 3008 "timeout" over
/// graphql-transport-ws, a `connection_error` with code TIMEOUT over the legacy protocol.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_subscribers_are_kept_and_peers_that_stop_answering_are_closed() {
    let app = spawn_app_with(|s| s.websocket_keepalive_secs = 1).await;
    app.integration("KEEPALIVE").await;
    let run = app.run("KEEPALIVE").await;
    let query = "subscription($run: Int) { integrationRunStatusChanged(runId: $run) { status } }";
    for protocol in ["graphql-transport-ws", "graphql-ws"] {
        let mut idle = app.ws(protocol).await;
        idle.subscribe("1", query, json!({ "run": run })).await;
        let mut silent = app.ws(protocol).await;
        silent.subscribe("1", query, json!({ "run": run })).await;
        // Three keep-alives: the idle client reads (and so answers pings) but sends nothing;
        // the silent one does not even read.
        let quiet =
            tokio::time::timeout(std::time::Duration::from_millis(3_000), idle.next_message())
                .await;
        assert!(quiet.is_err(), "{protocol}: {:?}", quiet.ok());
        let action = if protocol == "graphql-ws" {
            "pause"
        } else {
            "run"
        };
        app.act(action, run).await;
        let data = idle.next_data().await;
        assert!(
            data["integrationRunStatusChanged"]["status"].is_string(),
            "{protocol}: {data}"
        );
        // Read off the wire: a WebSocket library would answer the pings queued before the
        // close, into a socket the server has closed.
        let wire = silent.raw_until_closed().await;
        let contains = |part: &[u8]| wire.windows(part.len()).any(|w| w == part);
        // Unanswered pings came first (FIN + opcode 9, no payload).
        assert!(wire.starts_with(&[0x89, 0x00]), "{protocol}: {wire:?}");
        if protocol == "graphql-transport-ws" {
            // A close frame: FIN + opcode 8, 9 bytes, code 3008, "timeout".
            let close = [&[0x88, 0x09, 0x0B, 0xC0][..], b"timeout"].concat();
            assert!(wire.ends_with(&close), "{wire:?}");
        } else {
            assert!(contains(br#""type":"connection_error""#), "{wire:?}");
            assert!(contains(br#""code":"TIMEOUT""#), "{wire:?}");
        }
        idle.close().await;
    }
}

/// A socket must be initialised within the keep-alive, even by a peer that answers every ping:
/// otherwise anyone could hold sockets unauthenticated for ever. 4408 over
/// graphql-transport-ws, a `connection_error` with code TIMEOUT over the legacy protocol.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_not_initialised_in_time_is_closed_though_it_answers_pings() {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};
    let app = spawn_app_with(|s| s.websocket_keepalive_secs = 1).await;
    for protocol in ["graphql-transport-ws", "graphql-ws"] {
        let mut request = format!("ws://{}/graphql", app.addr)
            .into_client_request()
            .unwrap();
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", protocol.parse().unwrap());
        let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        let started = std::time::Instant::now();
        // Reading answers the server's pings; nothing else is sent.
        let end = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            loop {
                match socket.next().await {
                    Some(Ok(Message::Ping(_))) => continue,
                    Some(Ok(other)) => break other,
                    other => panic!("{protocol}: {other:?}"),
                }
            }
        })
        .await
        .expect("closed within 10 s");
        let waited = started.elapsed();
        assert!(
            waited >= std::time::Duration::from_millis(900),
            "{protocol}: {waited:?}"
        );
        match end {
            Message::Close(Some(frame)) => {
                assert_eq!(protocol, "graphql-transport-ws");
                assert_eq!(u16::from(frame.code), 4408);
                assert_eq!(frame.reason.as_str(), "Connection initialisation timeout");
            }
            Message::Text(text) => {
                assert_eq!(protocol, "graphql-ws", "{text}");
                let message: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(message["type"], "connection_error", "{message}");
                assert_eq!(
                    message["payload"]["extensions"]["code"], "TIMEOUT",
                    "{message}"
                );
            }
            other => panic!("{protocol}: {other:?}"),
        }
    }
}
