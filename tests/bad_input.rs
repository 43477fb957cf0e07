//! Bad input gets a clear error and changes nothing.

mod common;

use common::{TestApp, spawn_app};
use serde_json::json;

async fn run_count(app: &TestApp) -> i64 {
    app.data("{ integrationRuns { totalCount } }", json!({}))
        .await["integrationRuns"]["totalCount"]
        .as_i64()
        .unwrap()
}

async fn integration_count(app: &TestApp) -> i64 {
    app.data("{ integrations { totalCount } }", json!({})).await["integrations"]["totalCount"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn an_unknown_integration_code_is_not_found_and_creates_nothing() {
    let app = spawn_app().await;
    let err = app
        .error(
            "mutation { createIntegrationRun(input: {integration: {code: \"NOPE\"}}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "NOT_FOUND");
    assert_eq!(
        err["message"],
        "integration with code \"NOPE\" does not exist"
    );
    assert_eq!(run_count(&app).await, 0);
}

#[tokio::test]
async fn negative_totals_and_processed_beyond_total_are_validation_errors() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let err = app
        .error(
            "mutation { createIntegrationRun(input: {integration: {code: \"SAP\"}, totalRecords: -1}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "VALIDATION");
    assert_eq!(err["extensions"]["field"], "totalRecords");
    assert_eq!(run_count(&app).await, 0);

    let id = app.run("SAP").await;
    app.data(
        "mutation($id: Int!) { updateIntegrationRun(id: $id, input: {totalRecords: 10}) { id } }",
        json!({ "id": id }),
    )
    .await;
    // processed > the stored total, given alone: checked against what would be stored.
    let err = app
        .error(
            "mutation($id: Int!) { runIntegrationRun(id: $id, input: {recordsProcessed: 11}) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "VALIDATION");
    assert_eq!(err["extensions"]["field"], "recordsProcessed");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("must not exceed totalRecords")
    );
    let run = app
        .data(
            "query($id: Int!) { integrationRun(id: $id) { status recordsProcessed totalRecords } }",
            json!({ "id": id }),
        )
        .await["integrationRun"]
        .clone();
    assert_eq!(
        run,
        json!({ "status": "PENDING", "recordsProcessed": null, "totalRecords": 10 })
    );
}

#[tokio::test]
async fn a_flow_that_is_not_an_object_is_refused() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let err = app
        .error(
            "mutation { createIntegrationRun(input: {integration: {code: \"SAP\"}, flow: [1, 2]}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "VALIDATION");
    assert_eq!(err["extensions"]["field"], "flow");
}

#[tokio::test]
async fn malformed_json_is_a_400_with_a_json_error() {
    let app = spawn_app().await;
    let resp = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body("{\"query\": \"{ integrations { totalCount } }\"")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert!(body["errors"][0]["message"].is_string());
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    assert!(body["errors"][0].get("locations").is_none(), "{body}");
}

#[tokio::test]
async fn a_two_mib_body_is_refused_with_413_and_changes_nothing() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let padding = "x".repeat(2 * 1024 * 1024);
    let resp = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({
            "query": "mutation($c: String!) { createIntegrationRun(input: {integration: {code: $c}}) { id } }",
            "variables": { "c": "SAP", "padding": padding }
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert!(body["errors"][0]["message"].is_string());
    assert_eq!(body["errors"][0]["extensions"]["code"], "PAYLOAD_TOO_LARGE");
    assert_eq!(run_count(&app).await, 0);
}

#[tokio::test]
async fn a_wrong_variable_type_is_a_request_error() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let query = "mutation($t: Int) { createIntegrationRun(input: {integration: {code: \"SAP\"}, totalRecords: $t}) { id } }";
    // Under application/json: 200 with errors and no data.
    let body = app.gql(query, json!({ "t": "many" })).await;
    assert!(body["data"].is_null());
    // Variables are coerced before anything runs (the spec's CoerceVariableValues): the error
    // names the variable.
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("t") && message.contains("Int"),
        "{message}"
    );
    assert_eq!(body["errors"][0]["extensions"]["field"], "$t", "{body}");
    // Under application/graphql-response+json: 400 and no `data` key at all.
    let resp = app
        .client
        .post(app.url("/graphql"))
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": query, "variables": { "t": "many" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert!(body.get("data").is_none());
    assert_eq!(run_count(&app).await, 0);
}

/// Posts `query` under application/graphql-response+json; answers the status and the body.
async fn post_strict(
    app: &TestApp,
    query: &str,
    variables: serde_json::Value,
) -> (u16, serde_json::Value) {
    let resp = app
        .client
        .post(app.url("/graphql"))
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

#[tokio::test]
async fn a_document_that_does_not_parse_is_a_parse_error_at_its_position() {
    let app = spawn_app().await;
    let (status, body) = post_strict(&app, "{ integrations { totalCount }", json!({})).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.get("data").is_none(), "{body}");
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "PARSE_ERROR", "{body}");
    assert_eq!(error["locations"][0]["line"], 1, "{body}");
    assert!(error["locations"][0]["column"].as_u64() > Some(1), "{body}");
}

#[tokio::test]
async fn an_int_beyond_32_bits_is_a_validation_request_error_and_changes_nothing() {
    let app = spawn_app().await;
    let id = app.integration("SAP").await;
    let run = app.run("SAP").await;
    for (query, variables) in [
        ("{ integrationRun(id: 99999999999) { id } }", json!({})),
        (
            "query($id: Int!) { integrationRun(id: $id) { id } }",
            json!({ "id": 99999999999_i64 }),
        ),
        (
            "mutation { runIntegrationRun(id: 99999999999) { id } }",
            json!({}),
        ),
        (
            "mutation { createIntegrationRun(input: {integration: {code: \"SAP\"}, totalRecords: 99999999999}) { id } }",
            json!({}),
        ),
        (
            "mutation($id: Int!) { updateIntegration(id: $id, input: {name: \"big\"}) { id } b: runIntegrationRun(id: -99999999999) { id } }",
            json!({ "id": 99999999999_i64 }),
        ),
    ] {
        // Twice: the second run may take another path (the document is cached by then).
        for _ in 0..2 {
            let (status, body) = post_strict(&app, query, variables.clone()).await;
            assert_eq!(status, 400, "{query}: {body}");
            assert!(body.get("data").is_none(), "{query}: {body}");
            let errors = body["errors"].as_array().unwrap();
            for error in errors {
                assert_eq!(error["extensions"]["code"], "VALIDATION", "{query}: {body}");
                assert!(error.get("path").is_none(), "{query}: {body}");
            }
        }
    }
    assert_eq!(run_count(&app).await, 1);
    let data = app
        .data(
            "query($run: Int!) { integrationRun(id: $run) { status } }",
            json!({ "run": run }),
        )
        .await;
    assert_eq!(data["integrationRun"]["status"], "PENDING", "{data}");

    // An out-of-range literal beside a valid field: the document is invalid (the spec's
    // "Values of Correct Type"), so nothing runs, not even the valid field before it.
    let (status, body) = post_strict(
        &app,
        "mutation($id: Int!) { updateIntegration(id: $id, input: {name: \"renamed\"}) { name } b: runIntegrationRun(id: 99999999999) { id } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.get("data").is_none(), "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "VALIDATION",
        "{body}"
    );
    let name = app
        .data(
            "query($id: Int!) { integration(id: $id) { name } }",
            json!({ "id": id }),
        )
        .await;
    assert_ne!(name["integration"]["name"], "renamed", "{name}");
}

/// A OneOf input object names exactly one field, not null, as a literal or in a variable; the
/// request is refused before anything runs.
#[tokio::test]
async fn a_one_of_reference_names_exactly_one_field() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let literal = |reference: &str| {
        format!("mutation {{ createIntegrationRun(input: {{integration: {reference}}}) {{ id }} }}")
    };
    for reference in ["{id: 1, code: \"SAP\"}", "{}", "{code: null}"] {
        let (status, body) = post_strict(&app, &literal(reference), json!({})).await;
        assert_eq!(status, 400, "{reference}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "VALIDATION",
            "{body}"
        );
    }
    let variable = "mutation($r: IntegrationRefInput!) { createIntegrationRun(input: {integration: $r}) { id } }";
    for reference in [
        json!({"id": 1, "code": "SAP"}),
        json!({}),
        json!({"code": null}),
    ] {
        let (status, body) = post_strict(&app, variable, json!({ "r": reference })).await;
        assert_eq!(status, 400, "{reference}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "$r", "{body}");
    }
    assert_eq!(run_count(&app).await, 0);
    let (status, body) = post_strict(&app, variable, json!({ "r": {"code": "SAP"} })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(run_count(&app).await, 1);
}

/// Text with a control character (other than tab, newline, carriage return) cannot be stored
/// and given back. A document holding it is still valid (graphql-js validates it), so it is no
/// request error: a field that writes it fails with `VALIDATION`, naming the argument's path,
/// and writes nothing, whether the text is a literal or a variable; a mutation's other fields
/// run as the spec's serial execution says; a read takes it (its filter matches nothing).
#[tokio::test]
async fn a_control_character_fails_the_field_that_would_write_it_not_the_request() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let create = |code: &str| {
        format!(
            "createIntegration(input: {{code: \"{code}\", name: \"n\", businessObject: \"Invoice\", direction: FROM_COUPA, endSystem: \"SAP\", endSystemType: ERP, integrationType: API}}) {{ code }}"
        )
    };

    // A literal: the one field fails (its type is non-null, so data is null), nothing written.
    let body = app
        .gql(
            &format!("mutation {{ {} }}", create("A\\u0007B")),
            json!({}),
        )
        .await;
    assert!(body["data"].is_null(), "{body}");
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "VALIDATION", "{body}");
    assert_eq!(error["extensions"]["field"], "input.code", "{body}");
    assert_eq!(error["path"], json!(["createIntegration"]), "{body}");
    assert!(
        error["message"].as_str().unwrap().contains("U+0007"),
        "{body}"
    );
    assert_eq!(integration_count(&app).await, 1);

    // A variable, and a key of a JSON value: the same.
    let error = app
        .error(
            "mutation($input: CreateIntegrationRunInput!) { createIntegrationRun(input: $input) { id } }",
            json!({"input": {"integration": {"code": "SAP"}, "flow": {"step\u{1}": 1}}}),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "VALIDATION");
    assert_eq!(error["path"], json!(["createIntegrationRun"]));
    assert_eq!(run_count(&app).await, 0);

    // Serial execution: the first field writes, the second fails, the third is not run (a
    // non-null field's error nulls the whole data).
    let body = app
        .gql(
            &format!(
                "mutation {{ a: {} b: {} c: {} }}",
                create("FIRST"),
                create("X\\u001fY"),
                create("THIRD")
            ),
            json!({}),
        )
        .await;
    assert!(body["data"].is_null(), "{body}");
    assert_eq!(body["errors"][0]["path"], json!(["b"]), "{body}");
    let codes = app
        .data("{ integrations { nodes { code } } }", json!({}))
        .await["integrations"]["nodes"]
        .clone();
    assert_eq!(codes, json!([{"code": "SAP"}, {"code": "FIRST"}]));

    // Reads: answered, the filter matching nothing.
    let data = app
        .data(
            "query($code: String!) { integration(code: $code) { id } integrations(filter: {code: {eq: \"S\\u0001\"}}) { totalCount } }",
            json!({"code": "SAP\u{7}"}),
        )
        .await;
    assert_eq!(
        data,
        json!({"integration": null, "integrations": {"totalCount": 0}})
    );
}
