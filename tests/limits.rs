//! Size and time limits of operations: depth, complexity, root fields, aliases, batch size,
//! introspection switch, request timeout.

mod common;

use common::{spawn_app, spawn_app_with};
use serde_json::json;

#[tokio::test]
async fn a_query_nested_too_deep_is_refused() {
    let app = spawn_app().await;
    let mut query = String::from("id");
    for _ in 0..8 {
        query = format!("integration {{ runs {{ nodes {{ {query} }} }} }}");
    }
    let query = format!("{{ integrationRuns {{ nodes {{ {query} }} }} }}");
    let err = app.error(&query, json!({})).await;
    assert_eq!(err["extensions"]["code"], "VALIDATION", "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("nested too deep"),
        "{err}"
    );
}

#[tokio::test]
async fn a_query_over_the_complexity_limit_is_refused() {
    let app = spawn_app_with(|s| s.max_query_complexity = 5).await;
    let ok = app.data("{ integrations { totalCount } }", json!({})).await;
    assert_eq!(ok["integrations"]["totalCount"], 0);
    let err = app
        .error(
            "{ integrations { totalCount nodes { id code name businessObject endSystem } } }",
            json!({}),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "VALIDATION", "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("complex"),
        "{err}"
    );
}

#[tokio::test]
async fn too_many_root_fields_or_aliases_are_refused() {
    let app = spawn_app_with(|s| {
        s.max_root_fields = 3;
        s.max_aliases = 4;
    })
    .await;
    let roots = "{ a: integrations { totalCount } b: integrations { totalCount } c: integrations { totalCount } d: integrations { totalCount } }";
    let err = app.error(roots, json!({})).await;
    assert_eq!(err["extensions"]["code"], "VALIDATION");
    assert_eq!(
        err["message"],
        "an operation may select at most 3 root fields (4 given)"
    );
    let aliases = "{ integrations { nodes { a: id b: id c: id d: id e: id } } }";
    let err = app.error(aliases, json!({})).await;
    assert_eq!(
        err["message"],
        "an operation may use at most 4 aliases (5 given)"
    );
    let fine = app
        .data("{ integrations { nodes { a: id b: id } } }", json!({}))
        .await;
    assert!(fine["integrations"]["nodes"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_batch_with_too_many_operations_is_refused() {
    let app = spawn_app_with(|s| s.max_batch_operations = 2).await;
    let op = json!({ "query": "{ integrations { totalCount } }" });
    let resp = app
        .client
        .post(app.url("/graphql"))
        .json(&json!([op, op, op]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["message"],
        "a batch may carry at most 2 operations (3 given)"
    );
    let resp = app
        .client
        .post(app.url("/graphql"))
        .json(&json!([op, op]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn introspection_can_be_switched_off() {
    let app = spawn_app_with(|s| s.disable_introspection = true).await;
    let body = app
        .gql("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert!(body["data"]["__schema"].is_null(), "{body}");
    let on = spawn_app().await;
    let data = on
        .data("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(data["__schema"]["queryType"]["name"], "Query");
}

#[tokio::test]
async fn a_request_over_the_time_limit_is_cancelled_with_504_and_rolled_back() {
    let app = spawn_app_with(|s| s.request_timeout_ms = 1).await;
    // A thousand records take far longer than 1 ms: the batch is cancelled mid-transaction.
    let inputs: Vec<serde_json::Value> = (0..1000)
        .map(|i| json!({ "contactAlertType": "TECHNICAL", "documentType": "INVOICE", "documentId": i }))
        .collect();
    let resp = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({
            "query": "mutation($inputs: [NewHistoryRecordInput!]!) { createIntegrationHistoryRecords(inputs: $inputs) { id } }",
            "variables": { "inputs": inputs }
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 504);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["message"],
        "the request ran longer than 1 ms and was cancelled"
    );
    use sea_orm::{EntityTrait, PaginatorTrait};
    let written = entity::integration_history_record::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(written, 0, "the cancelled transaction rolled back");
}

#[tokio::test]
async fn graphiqls_full_introspection_query_passes_the_default_limits() {
    // graphql-js 16 getIntrospectionQuery with every option on, as GraphiQL sends it.
    let query = include_str!("fixtures/introspection_query.graphql");
    let app = spawn_app().await;
    let data = app.data(query, json!({})).await;
    assert_eq!(data["__schema"]["queryType"]["name"], "Query");
    assert_eq!(data["__schema"]["subscriptionType"]["name"], "Subscription");
}

/// Posts a raw body; answers status, body and how long the server took.
async fn post_timed(
    app: &common::TestApp,
    body: &serde_json::Value,
) -> (u16, serde_json::Value, std::time::Duration) {
    let started = std::time::Instant::now();
    let resp = app
        .client
        .post(app.url("/graphql"))
        .header("accept", "application/graphql-response+json")
        .json(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let body = resp.json().await.unwrap();
    (status, body, started.elapsed())
}

#[tokio::test]
async fn hostile_documents_are_refused_without_touching_the_database() {
    let app = spawn_app_with(|s| s.max_body_bytes = 4 * 1024 * 1024).await;
    let before = app.statements();

    // 10,000 levels of nesting.
    let deep = format!(
        "{{ {}id{} }}",
        "integrations { nodes { runs { nodes { integration { ".repeat(2000),
        " } } } } }".repeat(2000)
    );
    let (status, body, took) = post_timed(&app, &json!({ "query": deep })).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.get("data").is_none());
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nested"),
        "{body}"
    );
    eprintln!("10,000 levels refused in {took:?}");

    // 100,000 aliases.
    let aliases: String = (0..100_000).map(|i| format!("a{i}: __typename ")).collect();
    let (status, body, took) = post_timed(
        &app,
        &json!({ "query": format!("{{ integrations {{ {aliases} }} }}") }),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    // The token limit (counted in the same pass) may be what refuses it first.
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("aliases") || message.contains("tokens"),
        "{body}"
    );
    eprintln!("100,000 aliases refused in {took:?}");

    // A batch of 1,000 operations.
    let batch: Vec<_> = (0..1000)
        .map(|_| json!({ "query": "{ integrations { totalCount } }" }))
        .collect();
    let (status, body, took) = post_timed(&app, &json!(batch)).await;
    assert_eq!(status, 400);
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("at most 10 operations"),
        "{body}"
    );
    eprintln!("1,000 operations refused in {took:?}");

    assert_eq!(app.statements(), before, "nothing reached the database");
}
