//! Integrations: create, update, look up by id or code, conflicts and validation.

mod common;

use common::spawn_app;
use serde_json::json;

const CREATE: &str = "mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id code name businessObject direction endSystem endSystemType integrationType standard createdAt updatedAt createdBy { id } } }";

fn input(code: &str, name: &str) -> serde_json::Value {
    json!({ "input": {
        "code": code, "name": name, "businessObject": "Supplier", "direction": "TO_COUPA",
        "endSystem": "Oracle EBS", "endSystemType": "THIRD_PARTY_VENDOR"
    }})
}

#[tokio::test]
async fn an_integration_is_created_and_found_by_id_and_by_code() {
    let app = spawn_app().await;
    let created =
        app.data(CREATE, input("ORA-SUP", "Oracle suppliers")).await["createIntegration"].clone();
    assert_eq!(created["direction"], "TO_COUPA");
    assert_eq!(created["endSystemType"], "THIRD_PARTY_VENDOR");
    assert!(created["integrationType"].is_null());
    assert_eq!(created["standard"], false);
    assert!(created["createdAt"].as_str().unwrap().ends_with("+00:00"));

    let by_code = app
        .data("{ integration(code: \"ORA-SUP\") { id name } }", json!({}))
        .await;
    assert_eq!(by_code["integration"]["id"], created["id"]);
    let by_id = app
        .data(
            "query($id: Int) { integration(id: $id) { code } }",
            json!({ "id": created["id"] }),
        )
        .await;
    assert_eq!(by_id["integration"]["code"], "ORA-SUP");
    let missing = app
        .data("{ integration(code: \"NOPE\") { id } }", json!({}))
        .await;
    assert!(missing["integration"].is_null());
    let err = app.error("{ integration { id } }", json!({})).await;
    assert_eq!(err["extensions"]["code"], "VALIDATION");
}

#[tokio::test]
async fn a_duplicate_code_or_name_is_a_conflict() {
    let app = spawn_app().await;
    app.data(CREATE, input("ORA-SUP", "Oracle suppliers")).await;
    let err = app.error(CREATE, input("ORA-SUP", "Another")).await;
    assert_eq!(err["extensions"]["code"], "CONFLICT");
    assert_eq!(err["extensions"]["field"], "code");
    assert_eq!(err["message"], "code \"ORA-SUP\" has already been taken");
    let err = app.error(CREATE, input("OTHER", "Oracle suppliers")).await;
    assert_eq!(err["extensions"]["field"], "name");
    let count = app.data("{ integrations { totalCount } }", json!({})).await;
    assert_eq!(count["integrations"]["totalCount"], 1);
}

#[tokio::test]
async fn blank_and_overlong_fields_are_validation_errors_naming_every_field() {
    let app = spawn_app().await;
    let mut bad = input(" ", "x");
    bad["input"]["endSystem"] = json!("e".repeat(256));
    let err = app.error(CREATE, bad).await;
    assert_eq!(err["extensions"]["code"], "VALIDATION");
    let fields: Vec<&str> = err["extensions"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["code", "endSystem"]);
}

#[tokio::test]
async fn an_update_changes_only_the_given_fields_and_keeps_uniqueness() {
    let app = spawn_app().await;
    let a = app.data(CREATE, input("A", "Alpha")).await["createIntegration"].clone();
    app.data(CREATE, input("B", "Beta")).await;
    let updated = app
        .data(
            "mutation($id: Int!) { updateIntegration(id: $id, input: {name: \"Alpha 2\", integrationType: FLAT_FILE}) { code name integrationType updatedAt } }",
            json!({ "id": a["id"] }),
        )
        .await["updateIntegration"]
        .clone();
    assert_eq!(updated["code"], "A");
    assert_eq!(updated["name"], "Alpha 2");
    assert_eq!(updated["integrationType"], "FLAT_FILE");
    assert_ne!(updated["updatedAt"], a["updatedAt"]);
    let err = app
        .error(
            "mutation($id: Int!) { updateIntegration(id: $id, input: {code: \"B\"}) { code } }",
            json!({ "id": a["id"] }),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "CONFLICT");
    let err = app
        .error(
            "mutation { updateIntegration(id: 404, input: {name: \"x\"}) { code } }",
            json!({}),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "NOT_FOUND");
}

#[tokio::test]
async fn integrations_are_filtered_with_the_shared_operators() {
    let app = spawn_app().await;
    app.data(CREATE, input("SAP-INV", "SAP invoices")).await;
    app.data(CREATE, input("SAP-PO", "SAP orders")).await;
    app.data(CREATE, input("ORA_SUP", "Oracle 100%")).await;
    let q = "query($f: IntegrationFilter) { integrations(filter: $f, orderBy: {field: CODE, direction: DESC}) { totalCount nodes { code } } }";
    let codes = |v: &serde_json::Value| -> Vec<String> {
        v["integrations"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let d = app
        .data(q, json!({ "f": { "code": { "startsWith": "sap-" } } }))
        .await;
    assert_eq!(codes(&d), vec!["SAP-PO", "SAP-INV"]);
    // `_` and `%` are literal, not wildcards.
    let d = app
        .data(q, json!({ "f": { "code": { "contains": "A_S" } } }))
        .await;
    assert_eq!(codes(&d), vec!["ORA_SUP"]);
    let d = app
        .data(q, json!({ "f": { "name": { "endsWith": "0%" } } }))
        .await;
    assert_eq!(codes(&d), vec!["ORA_SUP"]);
    let d = app.data(q, json!({ "f": { "code": { "notIn": ["SAP-PO"] }, "integrationType": { "isNull": true } } })).await;
    assert_eq!(codes(&d), vec!["SAP-INV", "ORA_SUP"]);
    let d = app.data(q, json!({ "f": { "or": [] } })).await;
    assert_eq!(d["integrations"]["totalCount"], 0);
}
