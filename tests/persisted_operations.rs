//! Persisted operations on the Apollo protocol: strict mode runs only the allow list; otherwise
//! automatic persisted queries register a hash on first use.

mod common;

use common::{TestApp, spawn_app, spawn_app_with};
use integration_gateway::graphql::persisted::sha256_hex;
use serde_json::{Value, json};

const LISTED: &str = "query Count { integrations { totalCount } }";

async fn post(app: &TestApp, body: Value) -> (u16, Value) {
    let resp = app
        .client
        .post(app.url("/graphql"))
        .header("accept", "application/json")
        .json(&body)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

fn by_hash(hash: &str) -> Value {
    json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } })
}

#[tokio::test]
async fn strict_mode_runs_only_listed_operations() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("manifest.json");
    std::fs::write(
        &manifest,
        json!({
            "format": "apollo-persisted-query-manifest",
            "version": 1,
            "operations": [{ "id": sha256_hex(LISTED), "name": "Count", "type": "query", "body": LISTED }]
        })
        .to_string(),
    )
    .unwrap();
    let app = spawn_app_with(|s| {
        s.auth.persisted_operations = Some(manifest.clone());
        s.auth.persisted_operations_only = true;
    })
    .await;

    let (status, body) = post(&app, by_hash(&sha256_hex(LISTED))).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["integrations"]["totalCount"], 0, "{body}");

    let before = app.statements();
    let (_, body) = post(
        &app,
        json!({ "query": "{ integrationRuns { totalCount } }" }),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_IN_LIST",
        "{body}"
    );
    assert!(body.get("data").is_none() || body["data"].is_null());
    let (_, body) = post(
        &app,
        by_hash(&sha256_hex("{ integrationRuns { totalCount } }")),
    )
    .await;
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
    // Registering a new operation the automatic way is refused too.
    let mut register = by_hash(&sha256_hex("{ integrationRuns { totalCount } }"));
    register["query"] = json!("{ integrationRuns { totalCount } }");
    let (_, body) = post(&app, register).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_IN_LIST"
    );
    assert_eq!(
        app.statements(),
        before,
        "refused operations touch no table"
    );

    // The listed text itself may also be sent in full.
    let (_, body) = post(&app, json!({ "query": LISTED })).await;
    assert_eq!(body["data"]["integrations"]["totalCount"], 0);
}

#[tokio::test]
async fn automatic_persisted_queries_register_then_run_by_hash() {
    let app = spawn_app().await;
    let query = "{ integrations { totalCount } }";
    let hash = sha256_hex(query);
    let (_, body) = post(&app, by_hash(&hash)).await;
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
    let mut register = by_hash(&hash);
    register["query"] = json!(query);
    let (_, body) = post(&app, register).await;
    assert_eq!(body["data"]["integrations"]["totalCount"], 0, "{body}");
    let (_, body) = post(&app, by_hash(&hash)).await;
    assert_eq!(body["data"]["integrations"]["totalCount"], 0, "{body}");
    // A hash that does not match its text is refused.
    let mut wrong = by_hash(&sha256_hex("{ other }"));
    wrong["query"] = json!(query);
    let (_, body) = post(&app, wrong).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("does not match")
    );
}
