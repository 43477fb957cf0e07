//! History records, export states and alerts over HTTP: every vendor action.

mod common;

use common::{TestApp, spawn_app};
use entity::integration_history_record;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

const RECORD_FIELDS: &str = "id contactAlertType documentType documentId documentRevision documentStatus creationMethod externalId integrationRunId integrationFilename resolved status createdAt updatedAt createdBy { name } integration { code } integrationRun { id } responses { responseCode responseMessage }";

async fn record_action(app: &TestApp, mutation: &str, input: Value) -> Value {
    let query = format!(
        "mutation($input: NewHistoryRecordInput!) {{ {mutation}(input: $input) {{ {RECORD_FIELDS} }} }}"
    );
    app.gql(&query, json!({ "input": input })).await
}

async fn record(app: &TestApp, mutation: &str, input: Value) -> Value {
    let body = record_action(app, mutation, input).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    body["data"][mutation].clone()
}

fn doc(document_type: &str, document_id: i64) -> Value {
    json!({ "contactAlertType": "TECHNICAL", "documentType": document_type, "documentId": document_id })
}

async fn open_records(app: &TestApp, document_type: &str, document_id: i64) -> Vec<i64> {
    let data = app
        .data(
            "query($t: DocumentType, $d: Int) { integrationHistoryRecords(filter: {resolved: {eq: false}, documentType: {eq: $t}, documentId: {eq: $d}}) { nodes { id } } }",
            json!({ "t": document_type, "d": document_id }),
        )
        .await;
    data["integrationHistoryRecords"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_record_is_created_with_its_responses_and_links() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    let mut input = doc("INVOICE_HEADER", 42);
    input["integrationRunId"] = json!(run);
    input["externalId"] = json!("SAP-4711");
    input["documentRevision"] = json!(3);
    input["status"] = json!("Error");
    input["responses"] = json!([
        { "responseCode": "E100", "responseMessage": "vendor blocked" },
        { "responseCode": "E101", "responseMessage": "retry later" }
    ]);
    let created = record(&app, "createIntegrationHistoryRecord", input).await;
    assert_eq!(
        created["integration"]["code"], "SAP",
        "the run's integration"
    );
    assert_eq!(created["integrationRun"]["id"], run);
    assert_eq!(created["resolved"], false);
    assert_eq!(created["createdBy"]["name"], "local");
    assert_eq!(created["responses"].as_array().unwrap().len(), 2);
    assert_eq!(created["responses"][1]["responseCode"], "E101");

    let data = app
        .data(
            &format!(
                "query($id: Int!) {{ integrationHistoryRecord(id: $id) {{ {RECORD_FIELDS} }} }}"
            ),
            json!({ "id": created["id"] }),
        )
        .await;
    assert_eq!(data["integrationHistoryRecord"], created);
    let nested = app
        .data(
            "query($id: Int!) { integrationRun(id: $id) { historyRecords { totalCount nodes { id externalId } } } }",
            json!({ "id": run }),
        )
        .await;
    assert_eq!(nested["integrationRun"]["historyRecords"]["totalCount"], 1);
    assert_eq!(
        nested["integrationRun"]["historyRecords"]["nodes"][0]["externalId"],
        "SAP-4711"
    );
}

#[tokio::test]
async fn every_document_type_round_trips_as_the_vendor_string() {
    let app = spawn_app().await;
    let types = app
        .data(
            "{ __type(name: \"DocumentType\") { enumValues { name } } }",
            json!({}),
        )
        .await["__type"]["enumValues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    assert_eq!(types.len(), 31);
    for (i, t) in types.iter().enumerate() {
        let created = record(&app, "createIntegrationHistoryRecord", doc(t, i as i64)).await;
        assert_eq!(created["documentType"], t.as_str());
    }
    let stored: Vec<String> = integration_history_record::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.document_type)
        .collect();
    assert_eq!(stored.len(), 31);
    assert!(stored.contains(&"Asn::Header".to_owned()));
    assert!(stored.contains(&"Payables::External::Payable".to_owned()));
    assert!(stored.contains(&"CoupaPay::Statement".to_owned()));
    let migration_types: Vec<&str> = migration::enums::DOCUMENT_TYPES.to_vec();
    for s in &stored {
        assert!(
            migration_types.contains(&s.as_str()),
            "{s} is allowed by the CHECK"
        );
    }
}

#[tokio::test]
async fn acknowledge_resolves_the_earlier_open_records_of_that_document_only() {
    let app = spawn_app().await;
    let a1 = record(&app, "createIntegrationHistoryAlert", doc("INVOICE", 1)).await;
    let a2 = record(&app, "createIntegrationHistoryRecord", doc("INVOICE", 1)).await;
    let other_id = record(&app, "createIntegrationHistoryRecord", doc("INVOICE", 2)).await;
    let other_type = record(&app, "createIntegrationHistoryRecord", doc("PAYMENT", 1)).await;
    assert_eq!(a1["status"], "Error", "an alert's status defaults to Error");
    assert_eq!(
        open_records(&app, "INVOICE", 1).await,
        vec![a1["id"].as_i64().unwrap(), a2["id"].as_i64().unwrap()]
    );

    let ack = record(
        &app,
        "acknowledgeIntegrationHistoryRecord",
        doc("INVOICE", 1),
    )
    .await;
    assert_eq!(ack["status"], "Success");
    assert_eq!(ack["resolved"], true);
    assert!(open_records(&app, "INVOICE", 1).await.is_empty());
    assert_eq!(
        open_records(&app, "INVOICE", 2).await,
        vec![other_id["id"].as_i64().unwrap()]
    );
    assert_eq!(
        open_records(&app, "PAYMENT", 1).await,
        vec![other_type["id"].as_i64().unwrap()]
    );

    // A record created after the acknowledgment stays open.
    let later = record(&app, "createIntegrationHistoryRecord", doc("INVOICE", 1)).await;
    assert_eq!(
        open_records(&app, "INVOICE", 1).await,
        vec![later["id"].as_i64().unwrap()]
    );
}

#[tokio::test]
async fn mark_exported_takes_the_document_off_the_to_do_list() {
    let app = spawn_app().await;
    record(&app, "createIntegrationHistoryRecord", doc("SUPPLIER", 7)).await;
    record(&app, "createIntegrationHistoryRecord", doc("SUPPLIER", 8)).await;
    let pending = "{ documentExports(filter: {exported: {eq: false}}) { totalCount nodes { documentType documentId } } }";
    let before = app.data(pending, json!({})).await;
    assert_eq!(before["documentExports"]["totalCount"], 2);

    let marked = record(&app, "markIntegrationHistoryExported", doc("SUPPLIER", 7)).await;
    assert_eq!(
        marked["status"], "Success",
        "mark_exported's status defaults to Success"
    );
    let after = app.data(pending, json!({})).await;
    assert_eq!(
        after["documentExports"]["nodes"],
        json!([{ "documentType": "SUPPLIER", "documentId": 8 }])
    );
    let state = app
        .data(
            "{ documentExport(documentType: SUPPLIER, documentId: 7) { exported lastExportedAt integrationHistoryRecord { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(state["documentExport"]["exported"], true);
    assert!(state["documentExport"]["lastExportedAt"].is_string());
    assert_eq!(
        state["documentExport"]["integrationHistoryRecord"]["id"],
        marked["id"]
    );
    let unknown = app
        .data(
            "{ documentExport(documentType: SUPPLIER, documentId: 99) { exported } }",
            json!({}),
        )
        .await;
    assert!(unknown["documentExport"].is_null());
}

#[tokio::test]
async fn alerts_are_stored_with_their_integration_and_contact_type() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let mut input = doc("INVOICE", 5);
    input["integration"] = json!({ "code": "SAP" });
    input["contactAlertType"] = json!("BOTH");
    let created = record(&app, "createIntegrationHistoryAlertAndMarkExported", input).await;
    let alerts = app
        .data(
            "{ integrationAlerts(filter: {integration: {code: {eq: \"SAP\"}}}) { totalCount nodes { contactAlertType integrationHistoryRecordId documentType documentId integration { code } } } }",
            json!({}),
        )
        .await;
    assert_eq!(alerts["integrationAlerts"]["totalCount"], 1);
    let alert = &alerts["integrationAlerts"]["nodes"][0];
    assert_eq!(alert["contactAlertType"], "BOTH");
    assert_eq!(alert["integrationHistoryRecordId"], created["id"]);
    assert_eq!(alert["documentType"], "INVOICE");
    let state = app
        .data(
            "{ documentExport(documentType: INVOICE, documentId: 5) { exported } }",
            json!({}),
        )
        .await;
    assert_eq!(state["documentExport"]["exported"], true);
}

#[tokio::test]
async fn alert_and_mark_exported_is_all_or_nothing() {
    let app = spawn_app().await;
    // Force the second half (marking the export) to fail inside the transaction.
    app.force_export_failures().await;
    let body = record_action(
        &app,
        "createIntegrationHistoryAlertAndMarkExported",
        doc("INVOICE", 9),
    )
    .await;
    let err = &body["errors"][0];
    assert_eq!(err["extensions"]["code"], "INTERNAL");
    assert_eq!(err["message"], "internal error", "no database text leaks");
    assert_eq!(
        integration_history_record::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        entity::integration_alert::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        entity::document_export::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn resolve_unresolve_and_update_a_record() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let r = record(&app, "createIntegrationHistoryRecord", doc("ITEM", 3)).await;
    let id = r["id"].clone();
    let q = |m: &str| format!("mutation($id: Int!) {{ {m}(id: $id) {{ resolved updatedAt }} }}");
    let resolved = app
        .data(&q("resolveIntegrationHistoryRecord"), json!({ "id": id }))
        .await;
    assert_eq!(
        resolved["resolveIntegrationHistoryRecord"]["resolved"],
        true
    );
    let again = app
        .data(&q("resolveIntegrationHistoryRecord"), json!({ "id": id }))
        .await;
    assert_eq!(
        again["resolveIntegrationHistoryRecord"]["updatedAt"],
        resolved["resolveIntegrationHistoryRecord"]["updatedAt"],
        "resolving a resolved record changes nothing"
    );
    let open = app
        .data(&q("unresolveIntegrationHistoryRecord"), json!({ "id": id }))
        .await;
    assert_eq!(open["unresolveIntegrationHistoryRecord"]["resolved"], false);

    let updated = app
        .data(
            "mutation($id: Int!) { updateIntegrationHistoryRecord(id: $id, input: {status: \"Success\", externalId: \"X-1\", integration: {code: \"SAP\"}}) { status externalId resolved integration { code } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        updated["updateIntegrationHistoryRecord"],
        json!({ "status": "Success", "externalId": "X-1", "resolved": false, "integration": { "code": "SAP" } })
    );
    let err = app
        .error(
            "mutation { resolveIntegrationHistoryRecord(id: 999) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "NOT_FOUND");
}

#[tokio::test]
async fn missing_required_fields_and_unknown_enum_values_are_validation_errors_naming_the_field() {
    let app = spawn_app().await;
    let body = record_action(
        &app,
        "createIntegrationHistoryRecord",
        json!({ "contactAlertType": "TECHNICAL", "documentId": 1 }),
    )
    .await;
    let err = &body["errors"][0];
    assert_eq!(err["extensions"]["code"], "VALIDATION", "{body}");
    assert!(
        err["extensions"]["field"]
            .as_str()
            .unwrap()
            .contains("documentType"),
        "{body}"
    );

    let body = record_action(&app, "createIntegrationHistoryRecord", doc("INVOICES", 1)).await;
    let err = &body["errors"][0];
    assert_eq!(err["extensions"]["code"], "VALIDATION", "{body}");
    assert!(
        err["extensions"]["field"]
            .as_str()
            .unwrap()
            .contains("documentType"),
        "{body}"
    );

    let mut long = doc("INVOICE", 1);
    long["externalId"] = json!("x".repeat(300));
    let body = record_action(&app, "createIntegrationHistoryRecord", long).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "externalId");

    let mut bad_run = doc("INVOICE", 1);
    bad_run["integrationRunId"] = json!(12345);
    let body = record_action(&app, "createIntegrationHistoryRecord", bad_run).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");
    assert_eq!(
        integration_history_record::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
}
