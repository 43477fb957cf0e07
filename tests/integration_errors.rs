//! Integration errors and responses over HTTP; errors block a run's success until resolved.

mod common;

use common::{TestApp, spawn_app, spawn_app_with};
use serde_json::{Value, json};

const ERROR_FIELDS: &str = "id contactAlertType documentType documentId integrationFilename resolved status integrationRunId integrationRun { id status } integration { code } responses { responseCode responseMessage }";

async fn create_error(app: &TestApp, mutation: &str, input: Value) -> Value {
    let query = format!(
        "mutation($input: NewIntegrationErrorInput!) {{ {mutation}(input: $input) {{ {ERROR_FIELDS} }} }}"
    );
    app.gql(&query, json!({ "input": input })).await
}

async fn running_run(app: &TestApp) -> i64 {
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    app.act("run", run).await;
    run
}

#[tokio::test]
async fn an_unresolved_error_blocks_success_until_it_is_resolved() {
    let app = spawn_app().await;
    let run = running_run(&app).await;
    let body = create_error(
        &app,
        "createIntegrationError",
        json!({
            "contactAlertType": "FUNCTIONAL", "integrationRunId": run, "documentType": "INVOICE",
            "documentId": 17, "integrationFilename": "invoices-2026-11-23.csv", "status": "Error",
            "responses": [{ "responseCode": "422", "responseMessage": "unknown supplier" }]
        }),
    )
    .await;
    let error = body["data"]["createIntegrationError"].clone();
    assert_eq!(error["integration"]["code"], "SAP");
    assert_eq!(error["integrationRun"]["status"], "RUNNING");
    assert_eq!(error["integrationFilename"], "invoices-2026-11-23.csv");
    assert_eq!(error["responses"][0]["responseMessage"], "unknown supplier");

    let nested = app
        .data(
            "query($id: Int!) { integrationRun(id: $id) { integrationErrors(filter: {resolved: {eq: false}}) { totalCount nodes { id } } } }",
            json!({ "id": run }),
        )
        .await;
    assert_eq!(
        nested["integrationRun"]["integrationErrors"]["totalCount"],
        1
    );

    let refused = app.act("success", run).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"],
        "UNRESOLVED_ERRORS"
    );
    assert_eq!(refused["errors"][0]["extensions"]["unresolvedErrors"], 1);

    let resolved = app
        .data(
            "mutation($id: Int!) { resolveIntegrationError(id: $id) { resolved } }",
            json!({ "id": error["id"] }),
        )
        .await;
    assert_eq!(resolved["resolveIntegrationError"]["resolved"], true);
    let reopened = app
        .data(
            "mutation($id: Int!) { unresolveIntegrationError(id: $id) { resolved } }",
            json!({ "id": error["id"] }),
        )
        .await;
    assert_eq!(reopened["unresolveIntegrationError"]["resolved"], false);
    assert_eq!(
        app.act("finish", run).await["errors"][0]["extensions"]["code"],
        "UNRESOLVED_ERRORS"
    );
    app.data(
        "mutation($id: Int!) { resolveIntegrationError(id: $id) { resolved } }",
        json!({ "id": error["id"] }),
    )
    .await;
    assert_eq!(
        app.act("success", run).await["data"]["successIntegrationRun"]["status"],
        "SUCCESSFUL"
    );
}

#[tokio::test]
async fn an_error_alert_is_stored_and_errors_can_be_updated_and_listed() {
    let app = spawn_app().await;
    let run = running_run(&app).await;
    let body = create_error(
        &app,
        "createIntegrationErrorAlert",
        json!({ "contactAlertType": "TECHNICAL", "integrationRunId": run }),
    )
    .await;
    let error = body["data"]["createIntegrationErrorAlert"].clone();
    assert!(error["documentType"].is_null());
    let alerts = app
        .data("{ integrationAlerts { nodes { contactAlertType integrationErrorId integrationRunId } } }", json!({}))
        .await;
    assert_eq!(
        alerts["integrationAlerts"]["nodes"],
        json!([{ "contactAlertType": "TECHNICAL", "integrationErrorId": error["id"], "integrationRunId": run }])
    );

    let updated = app
        .data(
            "mutation($id: Int!) { updateIntegrationError(id: $id, input: {status: \"Retried\", documentType: SUPPLIER, documentId: 4}) { status documentType documentId resolved } }",
            json!({ "id": error["id"] }),
        )
        .await;
    assert_eq!(
        updated["updateIntegrationError"],
        json!({ "status": "Retried", "documentType": "SUPPLIER", "documentId": 4, "resolved": false })
    );
    let listed = app
        .data(
            "{ integrationErrors(filter: {documentType: {eq: SUPPLIER}, integration: {code: {eq: \"SAP\"}}}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(listed["integrationErrors"]["totalCount"], 1);
}

#[tokio::test]
async fn error_input_is_validated() {
    let app = spawn_app().await;
    let run = running_run(&app).await;
    let body = create_error(
        &app,
        "createIntegrationError",
        json!({ "contactAlertType": "TECHNICAL", "integrationRunId": run, "documentType": "ASN_HEADER" }),
    )
    .await;
    let err = &body["errors"][0];
    assert_eq!(err["extensions"]["code"], "VALIDATION");
    assert_eq!(err["extensions"]["field"], "documentType");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("Asn::Header is not a document type of integration errors")
    );

    let body = create_error(
        &app,
        "createIntegrationError",
        json!({ "contactAlertType": "TECHNICAL" }),
    )
    .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "VALIDATION");
    // Coerced as a variable (before any argument): the field is named, not its argument.
    assert!(
        body["errors"][0]["extensions"]["field"]
            .as_str()
            .is_some_and(|f| f.ends_with("integrationRunId")),
        "{body}"
    );

    let body = create_error(
        &app,
        "createIntegrationError",
        json!({ "contactAlertType": "TECHNICAL", "integrationRunId": 999 }),
    )
    .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");

    app.integration("OTHER").await;
    let body = create_error(
        &app,
        "createIntegrationError",
        json!({ "contactAlertType": "TECHNICAL", "integrationRunId": run, "integration": { "code": "OTHER" } }),
    )
    .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "integrationRun");
    let count = app
        .data("{ integrationErrors { totalCount } }", json!({}))
        .await;
    assert_eq!(count["integrationErrors"]["totalCount"], 0);
}

#[tokio::test]
async fn responses_are_added_to_records_and_errors() {
    let app = spawn_app().await;
    let run = running_run(&app).await;
    let error = create_error(
        &app,
        "createIntegrationError",
        json!({ "contactAlertType": "TECHNICAL", "integrationRunId": run }),
    )
    .await["data"]["createIntegrationError"]["id"]
        .clone();
    let record = app
        .data(
            "mutation { createIntegrationHistoryRecord(input: {contactAlertType: BOTH, documentType: INVOICE, documentId: 1}) { id } }",
            json!({}),
        )
        .await["createIntegrationHistoryRecord"]["id"]
        .clone();
    let add = "mutation($to: DocumentRef!, $code: String) { addIntegrationRecordResponse(input: {to: $to, responseCode: $code, responseMessage: \"ok\"}) { id responseCode integrationErrorId integrationHistoryRecordId } }";
    let to_error = app
        .data(
            add,
            json!({ "to": { "integrationErrorId": error }, "code": "200" }),
        )
        .await;
    assert_eq!(
        to_error["addIntegrationRecordResponse"]["integrationErrorId"],
        error
    );
    assert!(to_error["addIntegrationRecordResponse"]["integrationHistoryRecordId"].is_null());
    app.data(
        add,
        json!({ "to": { "integrationHistoryRecordId": record }, "code": "201" }),
    )
    .await;
    let seen = app
        .data(
            "query($e: Int!, $r: Int!) { integrationError(id: $e) { responses { responseCode } } integrationHistoryRecord(id: $r) { responses { responseCode } } }",
            json!({ "e": error, "r": record }),
        )
        .await;
    assert_eq!(
        seen["integrationError"]["responses"],
        json!([{ "responseCode": "200" }])
    );
    assert_eq!(
        seen["integrationHistoryRecord"]["responses"],
        json!([{ "responseCode": "201" }])
    );

    let err = app
        .error(
            add,
            json!({ "to": { "integrationErrorId": 4040 }, "code": "x" }),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "NOT_FOUND");
    let err = app
        .error(
            add,
            json!({ "to": { "integrationErrorId": error, "integrationHistoryRecordId": record } }),
        )
        .await;
    assert_eq!(
        err["extensions"]["code"], "VALIDATION",
        "a response belongs to exactly one parent: {err}"
    );
}

/// Seeds `runs` runs, each with 2 errors and 2 history records, each of those with 2 responses.
async fn seed_tree(app: &TestApp, runs: usize) {
    for r in 0..runs {
        let run = app.run("SAP").await;
        for i in 0..2 {
            let response =
                json!([{ "responseCode": "E", "responseMessage": "m" }, { "responseCode": "F" }]);
            create_error(
                app,
                "createIntegrationError",
                json!({ "contactAlertType": "TECHNICAL", "integrationRunId": run, "responses": response }),
            )
            .await;
            app.data(
                "mutation($input: NewHistoryRecordInput!) { createIntegrationHistoryRecord(input: $input) { id } }",
                json!({ "input": { "contactAlertType": "BOTH", "documentType": "INVOICE", "documentId": r * 10 + i, "integrationRunId": run, "responses": response } }),
            )
            .await;
        }
    }
}

#[tokio::test]
async fn the_statements_of_a_nested_query_do_not_grow_with_the_number_of_runs() {
    // A generous batching window, so the count measures batching, not the speed of a debug build.
    let app = spawn_app_with(|s| s.dataloader_delay_ms = 25).await;
    app.integration("SAP").await;
    let query = "{ integrationRuns(first: 50) { totalCount nodes { id integration { code }
        integrationErrors { totalCount nodes { id responses { responseCode } integrationRun { id } } }
        historyRecords { nodes { id integration { code } responses { responseCode } } } } } }";

    seed_tree(&app, 5).await;
    let before = app.statements();
    let small = app.data(query, json!({})).await;
    let for_five = app.statements() - before;
    assert_eq!(
        small["integrationRuns"]["nodes"].as_array().unwrap().len(),
        5
    );

    seed_tree(&app, 45).await;
    let before = app.statements();
    let large = app.data(query, json!({})).await;
    let for_fifty = app.statements() - before;
    let nodes = large["integrationRuns"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 50);
    for n in nodes {
        assert_eq!(n["integrationErrors"]["totalCount"], 2);
        assert_eq!(
            n["integrationErrors"]["nodes"][0]["responses"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            n["historyRecords"]["nodes"][1]["responses"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            n["historyRecords"]["nodes"][0]["integration"]["code"],
            "SAP"
        );
    }
    assert_eq!(
        for_fifty, for_five,
        "statements must not grow with the number of runs"
    );
    // runs page, runs count, integrations, errors page, errors count, error responses, error runs,
    // records page, record responses (record integrations share the integrations batch or add one).
    assert!(for_fifty <= 10, "{for_fifty} statements");
}
