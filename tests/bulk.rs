//! Batch mutations: all or nothing, in input order, with multi-row statements.

mod common;

use common::{spawn_app, spawn_app_with};
use entity::{integration_error, integration_history_record, integration_record_response};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

const CREATE_MANY: &str = "mutation($inputs: [NewHistoryRecordInput!]!) { createIntegrationHistoryRecords(inputs: $inputs) { id documentId status integration { code } responses { responseCode } } }";

fn items(n: usize, run: i64) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({
                "contactAlertType": "TECHNICAL", "documentType": "INVOICE", "documentId": i,
                "integrationRunId": run, "externalId": format!("EXT-{i}"),
                "responses": [{ "responseCode": "200", "responseMessage": "ok" }]
            })
        })
        .collect()
}

#[tokio::test]
async fn a_thousand_records_are_created_in_one_call_with_a_few_statements_in_input_order() {
    let app = spawn_app_with(|s| s.dataloader_delay_ms = 25).await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    let before = app.statements();
    let data = app
        .data(
            "mutation($inputs: [NewHistoryRecordInput!]!) { createIntegrationHistoryRecords(inputs: $inputs) { id documentId } }",
            json!({ "inputs": items(1000, run) }),
        )
        .await;
    let statements = app.statements() - before;
    // Links (≤ 2) + records (2 chunks of 500) + responses (2) + export states (2) + events
    // (sequence 2, rows 2): not one per item.
    assert!(
        statements <= 12,
        "{statements} statements for 1,000 records"
    );
    let created = data["createIntegrationHistoryRecords"].as_array().unwrap();
    assert_eq!(created.len(), 1000);
    for (i, r) in created.iter().enumerate() {
        assert_eq!(r["documentId"], i as i64, "input order");
    }
    assert_eq!(
        integration_history_record::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        1000
    );
    assert_eq!(
        integration_record_response::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        1000
    );

    // The full answer costs a batch per relation, not a statement per record.
    let before = app.statements();
    let data = app
        .data(CREATE_MANY, json!({ "inputs": items(1000, run) }))
        .await;
    let statements = app.statements() - before;
    for r in data["createIntegrationHistoryRecords"].as_array().unwrap() {
        assert_eq!(r["integration"]["code"], "SAP");
        assert_eq!(r["responses"], json!([{ "responseCode": "200" }]));
    }
    // Writes (12) + one batch per relation; a slow debug build may split a 1,000-key batch in a
    // few, but never approaches one statement per record.
    assert!(
        statements <= 12 + 8,
        "{statements} statements with integrations and responses"
    );
}

#[tokio::test]
async fn a_batch_with_bad_items_writes_nothing_and_names_every_bad_item() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    let mut inputs = items(50, run);
    inputs[3]["externalId"] = json!("x".repeat(256));
    inputs[41]["integrationRunId"] = json!(9999);
    inputs[42]["integration"] = json!({ "code": "NOPE" });
    let err = app.error(CREATE_MANY, json!({ "inputs": inputs })).await;
    assert_eq!(err["extensions"]["code"], "VALIDATION");
    let fields: Vec<&str> = err["extensions"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        vec![
            "inputs[3].externalId",
            "inputs[41].integrationRunId",
            "inputs[42].integration"
        ]
    );
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("integration run with id 9999 does not exist")
    );
    assert_eq!(
        integration_history_record::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        integration_record_response::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_batch_over_the_limit_is_refused() {
    let app = spawn_app_with(|s| s.max_batch_items = 10).await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    let err = app
        .error(CREATE_MANY, json!({ "inputs": items(11, run) }))
        .await;
    assert_eq!(err["extensions"]["code"], "VALIDATION");
    assert_eq!(err["extensions"]["field"], "inputs");
    assert_eq!(
        err["message"],
        "invalid input: inputs at most 10 items per call (11 given)"
    );
    let ok = app
        .data(CREATE_MANY, json!({ "inputs": items(10, run) }))
        .await;
    assert_eq!(
        ok["createIntegrationHistoryRecords"]
            .as_array()
            .unwrap()
            .len(),
        10
    );
}

#[tokio::test]
async fn mark_exported_batch_marks_every_document_once() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    app.data(CREATE_MANY, json!({ "inputs": items(5, run) }))
        .await;
    let pending = "{ documentExports(filter: {exported: {eq: false}}) { totalCount } }";
    assert_eq!(
        app.data(pending, json!({})).await["documentExports"]["totalCount"],
        5
    );

    let mut picked = items(3, run);
    picked.push(picked[0].clone()); // the same document twice in one call
    let data = app
        .data(
            "mutation($inputs: [NewHistoryRecordInput!]!) { markIntegrationHistoryExportedBatch(inputs: $inputs) { id status } }",
            json!({ "inputs": picked }),
        )
        .await;
    let created = data["markIntegrationHistoryExportedBatch"]
        .as_array()
        .unwrap();
    assert_eq!(created.len(), 4);
    assert!(created.iter().all(|r| r["status"] == "Success"));
    assert_eq!(
        app.data(pending, json!({})).await["documentExports"]["totalCount"],
        2
    );
    let state = app
        .data(
            "{ documentExport(documentType: INVOICE, documentId: 0) { exported integrationHistoryRecord { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(state["documentExport"]["exported"], true);
    assert_eq!(
        state["documentExport"]["integrationHistoryRecord"]["id"], created[3]["id"],
        "the last mark wins"
    );
}

#[tokio::test]
async fn integration_errors_are_created_in_batches_too() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    let query = "mutation($inputs: [NewIntegrationErrorInput!]!) { createIntegrationErrors(inputs: $inputs) { id documentId integration { code } } }";
    let inputs: Vec<Value> = (0..20)
        .map(|i| json!({ "contactAlertType": "TECHNICAL", "integrationRunId": run, "documentType": "SUPPLIER", "documentId": i }))
        .collect();
    let data = app.data(query, json!({ "inputs": inputs })).await;
    let created = data["createIntegrationErrors"].as_array().unwrap();
    assert_eq!(created.len(), 20);
    assert_eq!(created[19]["documentId"], 19);
    assert_eq!(created[0]["integration"]["code"], "SAP");

    let mut bad = inputs.clone();
    bad[7]["documentType"] = json!("CHARGE");
    let err = app.error(query, json!({ "inputs": bad })).await;
    assert_eq!(err["extensions"]["field"], "inputs[7].documentType");
    assert_eq!(
        integration_error::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        20
    );
}
