//! What a single write costs in SQL statements, held here so that a regression fails: the
//! benchmark's M1 (a history record with one response, in a run), M2 (a run transition) and the
//! vendor's REST create of a history record. Each count is the request's own statements (the
//! broker's reads and the sequencer run on a pool of their own); transaction control (BEGIN,
//! COMMIT) is not counted by the pool's counter. On PostgreSQL a write is one statement that
//! also writes and announces its event; on SQLite (one writer at a time) it runs in a transaction.

mod common;

use common::{TestApp, on_postgres, spawn_app};
use serde_json::{Value, json};

const M1: &str = "mutation M1($input: NewHistoryRecordInput!) { createIntegrationHistoryRecord(input: $input) { id documentType documentId resolved status integrationRunId createdAt } }";
const PAUSE: &str = "mutation M2($id: Int!) { pauseIntegrationRun(id: $id) { id status startTime endTime updatedAt } }";
const RUN: &str = "mutation M2($id: Int!) { runIntegrationRun(id: $id) { id status startTime endTime updatedAt } }";

/// The statements of `request`, once the gateway is warm (a first, uncounted, call of the same
/// kind has run: caches of parsed documents and users are filled).
async fn counted<F, Fut>(app: &TestApp, request: F) -> (usize, Value)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Value>,
{
    request().await;
    let before = app.statements();
    let answer = request().await;
    (app.statements() - before, answer)
}

fn per_backend(postgres: usize, sqlite: usize) -> usize {
    if on_postgres() { postgres } else { sqlite }
}

#[tokio::test]
async fn m1_a_history_record_with_a_response_in_a_run() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    let document = std::sync::atomic::AtomicI64::new(1);
    let (statements, answer) = counted(&app, || {
        let id = document.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        app.gql(
            M1,
            json!({ "input": {
                "contactAlertType": "TECHNICAL", "documentType": "INVOICE_HEADER", "documentId": id,
                "integrationRunId": run, "status": "Success",
                "responses": [{ "responseCode": "200", "responseMessage": "OK" }]
            }}),
        )
    })
    .await;
    assert!(answer.get("errors").is_none(), "{answer}");
    let created = &answer["data"]["createIntegrationHistoryRecord"];
    assert_eq!(created["integrationRunId"], run);
    assert_eq!(created["documentId"], 2);
    assert_eq!(created["status"], "Success");
    // PostgreSQL: one statement (run lookup, record, response, export tracking, event and its
    // announcement). SQLite: run lookup, record, response, export tracking, the event's numbers,
    // the event.
    assert_eq!(statements, per_backend(1, 6), "statements of M1");
}

#[tokio::test]
async fn m2_a_run_transition() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    assert!(app.act("run", run).await.get("errors").is_none());
    let paused = std::sync::atomic::AtomicBool::new(false);
    let (statements, answer) = counted(&app, || {
        let pause = !paused.fetch_xor(true, std::sync::atomic::Ordering::SeqCst);
        app.gql(if pause { PAUSE } else { RUN }, json!({ "id": run }))
    })
    .await;
    assert!(answer.get("errors").is_none(), "{answer}");
    assert_eq!(answer["data"]["runIntegrationRun"]["status"], "RUNNING");
    // PostgreSQL: one statement (the row lock, the compare-and-set against every status the
    // action moves from, the event naming the status left, its announcement). SQLite: the read
    // that chooses the transition, the compare-and-set, the event's numbers, the event.
    assert_eq!(statements, per_backend(1, 4), "statements of M2");
}

#[tokio::test]
async fn rest_create_of_a_history_record() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    let document = std::sync::atomic::AtomicI64::new(1);
    let (statements, answer) = counted(&app, || async {
        let id = document.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let response = app
            .client
            .post(app.url("/api/integration_history_records"))
            .json(&json!({
                "contact-alert-type": "Technical", "document-type": "InvoiceHeader",
                "document-id": id, "integration-run-id": run, "status": "Success",
                "responses": [{ "response-code": "200", "response-message": "OK" }]
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 201);
        response.json::<Value>().await.unwrap()
    })
    .await;
    assert_eq!(answer["document-id"], 2);
    assert_eq!(answer["integration"]["code"], "SAP");
    assert_eq!(answer["responses"][0]["response-code"], "200");
    assert_eq!(answer["created-by"]["login"], "local");
    // The write (as M1), then the answer's integration and responses (users are known).
    assert_eq!(
        statements,
        per_backend(3, 8),
        "statements of the REST create"
    );
}
