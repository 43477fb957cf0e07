//! Relay's Global Object Identification: every object type read directly implements `Node`, its
//! `nodeId` fetches it again through `node`/`nodes` on both paths (direct reads and resolvers),
//! and anything that is not one of our ids is null, not an error.

mod common;

use common::{TestApp, spawn_app};
use serde_json::{Value, json};

async fn demo_app() -> TestApp {
    let app = spawn_app().await;
    integration_gateway::seed::demo(&app.db)
        .await
        .expect("demo data");
    app
}

/// One object of each `Node` type from the demo data: (type, query of its list, path to it).
const SAMPLES: &str = r#"{
    integrations(first: 1) { nodes { __typename nodeId id code createdBy { __typename nodeId id name } } }
    integrationRuns(first: 1) { nodes { __typename nodeId id status } }
    integrationErrors(first: 1) { nodes { __typename nodeId id resolved responses { __typename nodeId id responseCode } } }
    integrationHistoryRecords(first: 1) { nodes { __typename nodeId id documentId } }
}"#;

/// Every sampled object (with its `__typename` and `nodeId`) in `data`.
fn objects(value: &Value, out: &mut Vec<Value>) {
    match value {
        Value::Object(map) => {
            if map.contains_key("nodeId") {
                out.push(value.clone());
            }
            map.values().for_each(|v| objects(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| objects(v, out)),
        _ => {}
    }
}

/// The query that fetches `sample` again by its `nodeId`, selecting the fields it has.
fn refetch(sample: &Value) -> String {
    let leaves: Vec<&str> = sample
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, v)| !v.is_object() && !v.is_array())
        .map(|(k, _)| k.as_str())
        .collect();
    format!(
        "query($id: ID!) {{ node(nodeId: $id) {{ ... on {} {{ {} }} }} }}",
        sample["__typename"].as_str().unwrap(),
        leaves.join(" ")
    )
}

#[tokio::test]
async fn every_object_is_fetched_again_by_its_node_id_on_both_paths() {
    let app = demo_app().await;
    let resolvers = app.twin_with(|s| s.disable_direct_reads = true).await;
    let data = app.data(SAMPLES, json!({})).await;
    assert_eq!(data, resolvers.data(SAMPLES, json!({})).await);
    let mut samples = Vec::new();
    objects(&data, &mut samples);
    let types: std::collections::BTreeSet<&str> = samples
        .iter()
        .map(|s| s["__typename"].as_str().unwrap())
        .collect();
    assert_eq!(
        types.into_iter().collect::<Vec<_>>(),
        [
            "Integration",
            "IntegrationError",
            "IntegrationHistoryRecord",
            "IntegrationRecordResponse",
            "IntegrationRun",
            "User"
        ],
        "{data}"
    );
    let mut ids = std::collections::HashSet::new();
    for sample in &samples {
        assert!(ids.insert(sample["nodeId"].clone()), "two objects, one id");
        let query = refetch(sample);
        let vars = json!({"id": sample["nodeId"]});
        let direct = app.data(&query, vars.clone()).await;
        let mut leaves = sample.clone();
        leaves
            .as_object_mut()
            .unwrap()
            .retain(|_, v| !v.is_object() && !v.is_array());
        assert_eq!(direct["node"], leaves, "{query}");
        assert_eq!(resolvers.data(&query, vars).await, direct, "{query}");
    }
    // In order, each type's objects in one list, nulls where there is none.
    let mut list: Vec<Value> = samples.iter().map(|s| s["nodeId"].clone()).collect();
    list.insert(1, json!("bm90IG91cnM="));
    list.push(samples[0]["nodeId"].clone());
    let query = "query($ids: [ID!]!) { nodes(nodeIds: $ids) { __typename nodeId } }";
    let direct = app.data(query, json!({"ids": list})).await;
    let nodes = direct["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), list.len());
    assert_eq!(nodes[1], Value::Null);
    for (node, id) in nodes.iter().zip(&list) {
        if !node.is_null() {
            assert_eq!(node["nodeId"], *id);
        }
    }
    assert_eq!(
        resolvers.data(query, json!({"ids": list})).await,
        direct,
        "both paths"
    );
    assert_eq!(
        app.data(query, json!({"ids": []})).await,
        json!({"nodes": []})
    );
}

#[tokio::test]
async fn what_is_not_one_of_our_ids_is_null_not_an_error() {
    let app = demo_app().await;
    let resolvers = app.twin_with(|s| s.disable_direct_reads = true).await;
    use base64::Engine;
    let encode = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
    let long = "x".repeat(300);
    let garbled = [
        String::new(),
        "%%%".into(),
        "1".into(),
        long,
        "ünïcödé".into(),
        encode("IntegrationRun"),
        encode("IntegrationRun:"),
        encode("IntegrationRun:abc"),
        encode("IntegrationRun:+1"),
        encode("IntegrationRun:01"),
        encode("IntegrationRun:99999999999"),
        encode("IntegrationRun:424242"),
        encode("Query:1"),
        encode("IntegrationAlert:1"),
        encode(":1"),
    ];
    for id in garbled {
        let query = "query($id: ID!) { node(nodeId: $id) { __typename nodeId } }";
        for server in [&app, &resolvers] {
            let body = server.gql(query, json!({"id": id})).await;
            assert_eq!(body, json!({"data": {"node": null}}), "{id:?}");
        }
    }
}
