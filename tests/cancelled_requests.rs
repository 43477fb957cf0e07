//! Clients that hang up mid-request (a timeout, a closed tab, a load generator stopping) cancel
//! the request's work wherever it is, a transaction's `BEGIN` round trip included. Whatever the
//! moment, nothing may stay behind: no pooled connection left inside a transaction (the next
//! borrower's writes would run in it, be answered as done and never commit, while its locks
//! stall every other writer), no half-written batch.
//!
//! Found by the benchmark: sqlx 0.9.0 returned a connection whose `BEGIN` was cancelled to the
//! pool inside that transaction (transact-rs/sqlx#4393, fixed in 0.9.1); M4's next write ran in
//! it and every other writer waited on its locks for good.

mod common;

use std::time::Duration;

use common::{TestApp, on_postgres, spawn_app};
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};

const BATCH: &str = "mutation B($inputs: [NewHistoryRecordInput!]!) { createIntegrationHistoryRecords(inputs: $inputs) { id } }";
const ONE: &str = "mutation M1($input: NewHistoryRecordInput!) { createIntegrationHistoryRecord(input: $input) { id } }";

fn record(run: i64, document: i64) -> Value {
    json!({
        "contactAlertType": "TECHNICAL", "documentType": "INVOICE_HEADER", "documentId": document,
        "integrationRunId": run, "status": "Success",
        "responses": [{ "responseCode": "200", "responseMessage": "OK" }]
    })
}

/// Sends `body` to GraphQL and hangs up after `after` (the answer, if any, is dropped).
async fn hang_up(app: &TestApp, body: Value, after: Duration) {
    let client = reqwest::Client::builder().timeout(after).build().unwrap();
    let _ = client.post(app.url("/graphql")).json(&body).send().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn requests_cancelled_at_any_moment_leave_no_transaction_behind() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    // Hang-ups spread over every moment of a write — waiting for a connection, the BEGIN round
    // trip, between a batch's statements, the COMMIT, after it — under load, so that the pool is
    // busy and each moment lasts.
    let mut tasks = Vec::new();
    for worker in 0..32i64 {
        let app = app.handle();
        tasks.push(tokio::spawn(async move {
            let started = std::time::Instant::now();
            let mut i = 0i64;
            while started.elapsed() < Duration::from_secs(6) {
                i += 1;
                let n = worker * 100_000 + i;
                // A spread of hang-up times, from before the request is read to after it is done.
                let after = Duration::from_micros(300 + ((n * 7919) % 8_000) as u64);
                let body = if n % 4 == 0 {
                    json!({ "query": ONE, "variables": { "input": record(run, n) } })
                } else {
                    let inputs: Vec<Value> = (0..20)
                        .map(|k| record(run, 10_000_000 + n * 20 + k))
                        .collect();
                    json!({ "query": BATCH, "variables": { "inputs": inputs } })
                };
                hang_up(&app, body, after).await;
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    // The server finishes or abandons what was cut off.
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Another connection (not the server's pool) sees the database as it is.
    let observer = Database::connect(app.database_url()).await.unwrap();
    if on_postgres() {
        let left = observer
            .query_one_raw(Statement::from_string(
                observer.get_database_backend(),
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
                 AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<i64>(0)
            .unwrap();
        assert_eq!(left, 0, "server connections left inside a transaction");
    }
    // A batch is all or nothing: whole batches of 20 only.
    let batch_rows: i64 = observer
        .query_one_raw(Statement::from_string(
            observer.get_database_backend(),
            "SELECT count(*) FROM integration_history_records WHERE document_id >= 10000000",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    assert_eq!(
        batch_rows % 20,
        0,
        "a batch was half-written: {batch_rows} rows"
    );

    // Every write answered from now on is committed: seen by another connection at once, and
    // no writer waits on a lock nobody will release (each write within 10 s).
    let mut ids = Vec::new();
    for i in 0..40i64 {
        let body = if i % 2 == 0 {
            json!({ "query": ONE, "variables": { "input": record(run, 5_000_000 + i) } })
        } else {
            let inputs: Vec<Value> = (0..3).map(|k| record(run, 6_000_000 + i * 3 + k)).collect();
            json!({ "query": BATCH, "variables": { "inputs": inputs } })
        };
        let answer: Value = tokio::time::timeout(Duration::from_secs(10), async {
            app.client
                .post(app.url("/graphql"))
                .json(&body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap()
        })
        .await
        .expect("a write stalled behind a lock left by a cancelled request");
        assert!(answer.get("errors").is_none(), "{answer}");
        let data = &answer["data"];
        if let Some(one) = data["createIntegrationHistoryRecord"]["id"].as_i64() {
            ids.push(one);
        } else {
            for row in data["createIntegrationHistoryRecords"].as_array().unwrap() {
                ids.push(row["id"].as_i64().unwrap());
            }
        }
        let listed = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let seen: i64 = observer
            .query_one_raw(Statement::from_string(
                observer.get_database_backend(),
                format!("SELECT count(*) FROM integration_history_records WHERE id IN ({listed})"),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index(0)
            .unwrap();
        assert_eq!(
            seen,
            ids.len() as i64,
            "an answered write is not committed (request {i})"
        );
    }
}
