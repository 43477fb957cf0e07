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
    integrationAlerts(first: 1) { nodes { __typename nodeId id contactAlertType message } }
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
            "IntegrationAlert",
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
        encode("DocumentExport:1"),
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

/// The admin-only types (webhook endpoints, deliveries, their attempts) are `Node`s too, fetched
/// again by `node`/`nodes` (through the resolvers, behind the admin guard their own root fields
/// have): an admin gets them, mixed with other types in one `nodes` list; a reader is refused
/// with FORBIDDEN for them and still gets the rest.
#[tokio::test]
async fn admin_only_objects_are_nodes_behind_the_admin_guard() {
    use integration_gateway::{auth::Scopes, service::tokens};
    let app = common::spawn_app_with(|s| s.auth.require_auth = true).await;
    let token = |scopes: &'static [&'static str]| {
        let db = app.db.clone();
        async move {
            tokens::create(
                &db,
                scopes[0],
                Scopes::from_names(scopes.iter().copied()),
                None,
            )
            .await
            .unwrap()
            .secret
        }
    };
    let admin = token(&[
        "core.integration.admin",
        "core.integration.read",
        "core.integration.write",
    ])
    .await;
    let reader = token(&["core.integration.read"]).await;
    let created = app.gql_as(
        &admin,
        "mutation { createWebhookEndpoint(input: {url: \"https://hooks.example.com/in\", eventTypes: [RUN_STATUS_CHANGED]}) { endpoint { nodeId id url } } }",
        json!({}),
    )
    .await;
    let endpoint = created["data"]["createWebhookEndpoint"]["endpoint"].clone();
    assert!(endpoint["nodeId"].is_string(), "{created}");
    // A run moved: one delivery for the endpoint.
    let run = app.gql_as(
        &admin,
        "mutation { createIntegration(input: {code: \"SAP\", name: \"SAP\", businessObject: \"Invoice\", direction: FROM_COUPA, endSystem: \"SAP\", endSystemType: ERP, integrationType: API}) { id } r: createIntegrationRun(input: {integration: {code: \"SAP\"}}) { id nodeId } }",
        json!({}),
    )
    .await;
    let run = run["data"]["r"].clone();
    app.gql_as(
        &admin,
        "mutation($id: Int!) { runIntegrationRun(id: $id) { id } }",
        json!({"id": run["id"]}),
    )
    .await;
    // Deliveries are made from the event after its commit, by the delivery worker.
    let mut delivery = Value::Null;
    for _ in 0..100 {
        let deliveries = app
            .gql_as(
                &admin,
                "{ webhookDeliveries(first: 5) { nodes { nodeId id eventType } } }",
                json!({}),
            )
            .await;
        delivery = deliveries["data"]["webhookDeliveries"]["nodes"][0].clone();
        if !delivery.is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(delivery["nodeId"].is_string(), "no delivery was made");

    let one = "query($id: ID!) { node(nodeId: $id) { __typename nodeId ... on WebhookEndpoint { id url } ... on WebhookDelivery { id eventType } } }";
    let body = app
        .gql_as(&admin, one, json!({"id": endpoint["nodeId"]}))
        .await;
    assert_eq!(
        body["data"]["node"],
        json!({"__typename": "WebhookEndpoint", "nodeId": endpoint["nodeId"], "id": endpoint["id"], "url": endpoint["url"]}),
        "{body}"
    );
    let body = app
        .gql_as(&admin, one, json!({"id": delivery["nodeId"]}))
        .await;
    assert_eq!(body["data"]["node"]["id"], delivery["id"], "{body}");
    assert_eq!(body["data"]["node"]["eventType"], delivery["eventType"]);
    let many = "query($ids: [ID!]!) { nodes(nodeIds: $ids) { __typename nodeId } }";
    let ids = json!([run["nodeId"], endpoint["nodeId"], delivery["nodeId"]]);
    let body = app.gql_as(&admin, many, json!({"ids": ids})).await;
    let typenames: Vec<&str> = body["data"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["__typename"].as_str().unwrap())
        .collect();
    assert_eq!(
        typenames,
        ["IntegrationRun", "WebhookEndpoint", "WebhookDelivery"],
        "{body}"
    );

    // A reader: refused for the admin-only object, served the run.
    let body = app
        .gql_as(&reader, one, json!({"id": endpoint["nodeId"]}))
        .await;
    assert_eq!(body["data"]["node"], Value::Null, "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    let body = app
        .gql_as(
            &reader,
            "query($id: ID!) { node(nodeId: $id) { __typename nodeId } }",
            json!({"id": run["nodeId"]}),
        )
        .await;
    assert_eq!(
        body["data"]["node"]["__typename"], "IntegrationRun",
        "{body}"
    );
}
