//! The CSV import over HTTP, as a GraphQL multipart upload.

mod common;

use common::{TestApp, spawn_app};
use entity::{integration_event, integration_run};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

async fn upload(app: &TestApp, csv: &str, variables: Value) -> Value {
    let operations = json!({
        "query": "mutation($file: Upload!, $integration: IntegrationRefInput, $run: Boolean, $continue: Boolean) {
            importIntegrationCsv(file: $file, integration: $integration, createRun: $run, continueOnError: $continue) {
                rows imported rejected committed rejects { line reason } run { status totalRecords recordsProcessed }
            } }",
        "variables": variables,
    });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.file"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::text(csv.to_owned())
                .file_name("upload.csv")
                .mime_str("text/csv")
                .unwrap(),
        );
    app.client
        .post(app.url("/graphql"))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_uploaded_csv_is_imported_with_its_run() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let csv =
        "document-type,document-id,contact-alert-type\nInvoice,1,Technical\nSupplier,2,Both\n";
    let body = upload(
        &app,
        csv,
        json!({ "file": null, "integration": { "code": "SAP" }, "run": true }),
    )
    .await;
    let result = &body["data"]["importIntegrationCsv"];
    assert_eq!(result["imported"], 2, "{body}");
    assert_eq!(result["committed"], true);
    assert_eq!(
        result["run"],
        json!({ "status": "SUCCESSFUL", "totalRecords": 2, "recordsProcessed": 2 })
    );
    let records = app
        .data(
            "{ integrationHistoryRecords { nodes { integrationFilename integration { code } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        records["integrationHistoryRecords"]["nodes"][0],
        json!({ "integrationFilename": "upload.csv", "integration": { "code": "SAP" } })
    );
    // Its progress went through the run service: one `run.updated` event for its one chunk, by
    // the uploading user, who is the run's `updated_by`.
    let run = integration_run::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let updates = integration_event::Entity::find()
        .filter(integration_event::Column::EventType.eq("run.updated"))
        .filter(integration_event::Column::IntegrationRunId.eq(run.id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(updates.len(), 1, "{updates:?}");
    assert!(run.updated_by_id.is_some());
    assert_eq!(updates[0].principal_id, run.updated_by_id);
}

#[tokio::test]
async fn an_upload_with_a_bad_row_is_all_or_nothing_unless_asked_otherwise() {
    let app = spawn_app().await;
    let csv =
        "document-type,document-id,contact-alert-type\nInvoice,1,Technical\nInvoice,2,Nobody\n";
    let body = upload(&app, csv, json!({ "file": null })).await;
    let result = &body["data"]["importIntegrationCsv"];
    assert_eq!(result["committed"], false, "{body}");
    assert_eq!(result["imported"], 0);
    assert_eq!(
        result["rejects"],
        json!([{ "line": 3, "reason": "contact-alert-type: `Nobody` is not one of Technical, Functional, Both" }])
    );
    let count = app
        .data("{ integrationHistoryRecords { totalCount } }", json!({}))
        .await;
    assert_eq!(count["integrationHistoryRecords"]["totalCount"], 0);

    let body = upload(&app, csv, json!({ "file": null, "continue": true })).await;
    assert_eq!(
        body["data"]["importIntegrationCsv"]["imported"], 1,
        "{body}"
    );
    let count = app
        .data("{ integrationHistoryRecords { totalCount } }", json!({}))
        .await;
    assert_eq!(count["integrationHistoryRecords"]["totalCount"], 1);
}
