//! Field errors over HTTP, as the spec completes them: a failed field is null in its place (not
//! left out), a null in a non-null place makes its parent null, up to `data`; on both paths.

mod common;

use common::spawn_app;
use serde_json::json;

#[tokio::test]
async fn a_failed_field_is_null_in_its_place_and_nulls_go_up_non_null_types() {
    let app = spawn_app().await;
    let code = "FIELD-ERRORS";
    app.integration(code).await;
    let run = app.run(code).await;
    // A nullable root field fails: null, in selection order, beside the others.
    let body = app
        .gql(
            "{ first: integrations { totalCount } failed: integration(id: 1, code: \"x\") { id } last: integrations { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"],
        json!({"first": {"totalCount": 1}, "failed": null, "last": {"totalCount": 1}}),
        "{body}"
    );
    // In selection order (the text, since a parsed map forgets it).
    let text = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({"query": "{ first: integrations { totalCount } failed: integration(id: 1, code: \"x\") { id } last: integrations { totalCount } }"}))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = |key: &str| text.find(&format!("\"{key}\":")).expect(key);
    assert!(
        at("first") < at("failed") && at("failed") < at("last"),
        "{text}"
    );
    assert_eq!(body["errors"][0]["path"], json!(["failed"]));
    // A non-null field fails inside a nullable one: the nullable one is null.
    let body = app
        .gql(
            "query($id: Int!) { integrationRun(id: $id) { id integrationErrors(first: 500) { totalCount } } integrations { totalCount } }",
            json!({"id": run}),
        )
        .await;
    assert_eq!(
        body["data"],
        json!({"integrationRun": null, "integrations": {"totalCount": 1}}),
        "{body}"
    );
    assert_eq!(
        body["errors"][0]["path"],
        json!(["integrationRun", "integrationErrors"])
    );
    // Non-null all the way up: `data` is null, and present.
    let body = app
        .gql(
            "{ integrationRuns(first: 5) { nodes { id integrationErrors(first: 500) { totalCount } } } }",
            json!({}),
        )
        .await;
    assert!(body.as_object().unwrap().contains_key("data"), "{body}");
    assert_eq!(body["data"], json!(null), "{body}");
    assert_eq!(
        body["errors"][0]["path"],
        json!(["integrationRuns", "nodes", 0, "integrationErrors"])
    );
}
