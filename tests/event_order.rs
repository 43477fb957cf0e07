//! Events stay in commit order without a lock held by writers: many concurrent writers over two
//! gateways on one database (some rolling back after writing their event) are seen by every
//! subscriber once each, in one order, and a replay (`afterSequence`) gives the same order.

mod common;

use std::collections::{BTreeSet, HashMap};

use common::{TestApp, WsClient, on_postgres, spawn_app};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

const WRITERS: i64 = 6;
const ROUNDS: i64 = 16;
/// Documents from this id on make their transaction fail after its event is written.
const DOOMED: i64 = 900_000;

const RECORDS: &str = "subscription($after: Int) { integrationHistoryRecordChanged(afterSequence: $after) { sequence change record { id documentId } } }";
const STATUSES: &str = "subscription($after: Int) { integrationRunStatusChanged(afterSequence: $after) { sequence previousStatus status run { id } } }";
const CREATE: &str = "mutation($input: NewHistoryRecordInput!) { createIntegrationHistoryRecord(input: $input) { id } }";
const MARK: &str = "mutation($input: NewHistoryRecordInput!) { markIntegrationHistoryExported(input: $input) { id } }";

/// Makes every transaction that writes an event of a doomed document fail after the event row
/// is written (SQLite: into the log; PostgreSQL: into the outbox), so that it rolls back.
async fn doom_events(app: &TestApp) {
    let statements: &[&str] = if on_postgres() {
        &[
            "CREATE FUNCTION doom() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'doomed'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER doom AFTER INSERT ON integration_event_outbox FOR EACH ROW WHEN (NEW.document_id >= 900000) EXECUTE FUNCTION doom()",
        ]
    } else {
        &[
            "CREATE TRIGGER doom AFTER INSERT ON integration_events WHEN NEW.document_id >= 900000 \
             BEGIN SELECT RAISE(ABORT, 'doomed'); END;",
        ]
    };
    for sql in statements {
        app.db.execute_unprepared(sql).await.unwrap();
    }
}

fn record_input(run: i64, document_id: i64) -> Value {
    json!({ "input": {
        "contactAlertType": "TECHNICAL", "documentType": "INVOICE_HEADER",
        "documentId": document_id, "integrationRunId": run, "status": "Success",
        "responses": [{ "responseCode": "200", "responseMessage": "OK" }]
    }})
}

/// One writer: records (every fourth doomed, every third marked exported: two events) and
/// transitions of its own run, alternating between the two gateways. Answers the record ids that
/// committed and the statuses its run went through.
async fn writer(apps: [TestApp; 2], run: i64, w: i64) -> (Vec<i64>, Vec<String>) {
    let mut created = Vec::new();
    let mut statuses = Vec::new();
    for i in 0..ROUNDS {
        let app = &apps[(i % 2) as usize];
        let doomed = i % 4 == 3;
        let document = if doomed {
            DOOMED + w * 100 + i
        } else {
            w * 100 + i
        };
        let query = if i % 3 == 0 { MARK } else { CREATE };
        let body = app.gql(query, record_input(run, document)).await;
        if doomed {
            assert!(
                body.get("errors").is_some(),
                "a doomed write committed: {body}"
            );
        } else {
            assert!(body.get("errors").is_none(), "{body}");
            let field = if i % 3 == 0 {
                "markIntegrationHistoryExported"
            } else {
                "createIntegrationHistoryRecord"
            };
            created.push(body["data"][field]["id"].as_i64().unwrap());
        }
        let other = &apps[((i + 1) % 2) as usize];
        let action = if i % 2 == 0 { "pause" } else { "run" };
        let body = other.act(action, run).await;
        assert!(body.get("errors").is_none(), "{body}");
        statuses.push(if i % 2 == 0 { "PAUSED" } else { "RUNNING" }.to_owned());
    }
    (created, statuses)
}

/// Reads `n` events of subscription `id` (the other subscription's are kept for later).
async fn collect(
    ws: &mut WsClient,
    pending: &mut HashMap<String, Vec<Value>>,
    id: &str,
    n: usize,
) -> Vec<Value> {
    while pending.get(id).map_or(0, Vec::len) < n {
        let message = ws.next_message().await;
        assert!(
            message["payload"].get("errors").is_none(),
            "an error instead of an event: {message}"
        );
        let sid = message["id"].as_str().unwrap().to_owned();
        pending
            .entry(sid)
            .or_default()
            .push(message["payload"]["data"].clone());
    }
    pending.remove(id).unwrap_or_default()
}

fn sequences(events: &[Value], field: &str) -> Vec<i64> {
    events
        .iter()
        .map(|e| e[field]["sequence"].as_i64().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_some_rolling_back_are_seen_once_each_in_one_order_everywhere() {
    let a = spawn_app().await;
    let b = a.twin_with(|_| {}).await;
    doom_events(&a).await;
    a.integration("SAP").await;

    let mut subscribers = Vec::new();
    for (app, protocol) in [(&a, "graphql-transport-ws"), (&b, "graphql-ws")] {
        let mut ws = app.ws(protocol).await;
        ws.subscribe("r", RECORDS, json!({})).await;
        ws.subscribe("s", STATUSES, json!({})).await;
        subscribers.push(ws);
    }
    // The subscriptions are live once the broker has a receiver per subscription.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let mut runs = Vec::new();
    for _ in 0..WRITERS {
        let run = a.run("SAP").await;
        assert!(a.act("run", run).await.get("errors").is_none());
        runs.push(run);
    }

    let mut tasks = Vec::new();
    for (w, run) in runs.iter().copied().enumerate() {
        let apps = [a.handle(), b.handle()];
        tasks.push(tokio::spawn(writer(apps, run, w as i64)));
    }
    let mut created = BTreeSet::new();
    let mut expected_statuses: HashMap<i64, Vec<String>> = HashMap::new();
    for (task, run) in tasks.into_iter().zip(&runs) {
        let (ids, statuses) = task.await.unwrap();
        created.extend(ids);
        // The run was started before its writer began.
        let mut all = vec!["RUNNING".to_owned()];
        all.extend(statuses);
        expected_statuses.insert(*run, all);
    }
    // Records marked exported have two events (created, exported).
    let marked = (0..ROUNDS).filter(|i| i % 3 == 0 && i % 4 != 3).count() as i64 * WRITERS;
    let record_events = created.len() + marked as usize;
    let status_events = (WRITERS * (ROUNDS + 1)) as usize;

    let mut seen = Vec::new();
    for ws in &mut subscribers {
        let mut pending = HashMap::new();
        let records = collect(ws, &mut pending, "r", record_events).await;
        let statuses = collect(ws, &mut pending, "s", status_events).await;
        seen.push((records, statuses));
    }
    for (records, statuses) in &seen {
        // Once each, in increasing sequence, nothing rolled back.
        let seqs = sequences(records, "integrationHistoryRecordChanged");
        assert!(
            seqs.windows(2).all(|w| w[0] < w[1]),
            "record events out of order: {seqs:?}"
        );
        let ids: BTreeSet<i64> = records
            .iter()
            .map(|e| {
                e["integrationHistoryRecordChanged"]["record"]["id"]
                    .as_i64()
                    .unwrap()
            })
            .collect();
        assert_eq!(ids, created, "every committed record, and only those");
        for e in records {
            let document = e["integrationHistoryRecordChanged"]["record"]["documentId"]
                .as_i64()
                .unwrap();
            assert!(document < DOOMED, "an event of a rolled-back write: {e}");
        }
        let seqs = sequences(statuses, "integrationRunStatusChanged");
        assert!(
            seqs.windows(2).all(|w| w[0] < w[1]),
            "status events out of order: {seqs:?}"
        );
        // Each run's changes in the order they were made (each after the one before committed).
        let mut per_run: HashMap<i64, Vec<String>> = HashMap::new();
        for e in statuses {
            let change = &e["integrationRunStatusChanged"];
            per_run
                .entry(change["run"]["id"].as_i64().unwrap())
                .or_default()
                .push(change["status"].as_str().unwrap().to_owned());
        }
        assert_eq!(per_run, expected_statuses);
    }
    // Both gateways' subscribers saw the same events in the same order.
    assert_eq!(seen[0], seen[1]);

    // Replays from before the writers give the same order, on both gateways.
    let first_record = sequences(&seen[0].0, "integrationHistoryRecordChanged")[0];
    let first_status = sequences(&seen[0].1, "integrationRunStatusChanged")[0];
    for app in [&a, &b] {
        let mut ws = app.ws("graphql-transport-ws").await;
        ws.subscribe("r", RECORDS, json!({ "after": first_record - 1 }))
            .await;
        ws.subscribe("s", STATUSES, json!({ "after": first_status - 1 }))
            .await;
        let mut pending = HashMap::new();
        let records = collect(&mut ws, &mut pending, "r", record_events).await;
        let statuses = collect(&mut ws, &mut pending, "s", status_events).await;
        assert_eq!(records, seen[0].0, "replayed record events differ");
        assert_eq!(statuses, seen[0].1, "replayed status events differ");
    }
}
