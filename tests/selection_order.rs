//! Every response object lists its fields in selection order, whichever path answers it (the
//! resolvers, direct reads, WebSocket), for fragments, aliases, `@skip`/`@include`, nested lists,
//! mutations and subscription events. Compared on the response text, where key order is visible.

mod common;

use common::{TestApp, spawn_app, spawn_app_with};
use serde_json::{Value, json};

/// The body of a GraphQL POST, as the server wrote it.
async fn text(app: &TestApp, query: &str, variables: Value) -> String {
    app.client
        .post(app.url("/graphql"))
        .header("accept", "application/json")
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Every permutation of `items`.
fn permutations<T: Clone>(items: &[T]) -> Vec<Vec<T>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut all = Vec::new();
    for i in 0..items.len() {
        let mut rest = items.to_vec();
        let first = rest.remove(i);
        for mut tail in permutations(&rest) {
            tail.insert(0, first.clone());
            all.push(tail);
        }
    }
    all
}

/// (selection, the JSON it answers) of a run's fields with known values.
fn run_fields(id: i64) -> Vec<(&'static str, String)> {
    vec![
        ("id", format!(r#""id":{id}"#)),
        ("status", r#""status":"PENDING""#.to_owned()),
        ("totalRecords", r#""totalRecords":null"#.to_owned()),
        (
            "integration { code name }",
            r#""integration":{"code":"A","name":"A name"}"#.to_owned(),
        ),
        (
            "integrationErrors { totalCount }",
            r#""integrationErrors":{"totalCount":0}"#.to_owned(),
        ),
    ]
}

async fn every_permutation_is_answered_in_its_order(app: &TestApp) {
    app.integration("A").await;
    let id = app.run("A").await;
    for permutation in permutations(&run_fields(id)) {
        let selection: Vec<&str> = permutation.iter().map(|(s, _)| *s).collect();
        let expected: Vec<&str> = permutation.iter().map(|(_, j)| j.as_str()).collect();
        let query = format!(
            "{{ integrationRun(id: {id}) {{ {} }} }}",
            selection.join(" ")
        );
        let expected = format!(
            r#"{{"data":{{"integrationRun":{{{}}}}}}}"#,
            expected.join(",")
        );
        // Twice: the second answer comes from the cached document (parsed and validated once).
        assert_eq!(text(app, &query, json!({})).await, expected, "{query}");
        assert_eq!(
            text(app, &query, json!({})).await,
            expected,
            "{query} (again)"
        );
    }
}

#[tokio::test]
async fn fields_come_in_selection_order_on_every_path() {
    every_permutation_is_answered_in_its_order(&spawn_app().await).await;
}

#[tokio::test]
async fn fields_come_in_selection_order_from_the_resolvers() {
    let app = spawn_app_with(|s| s.disable_direct_reads = true).await;
    every_permutation_is_answered_in_its_order(&app).await;
}

#[tokio::test]
async fn fragments_aliases_conditions_lists_and_mutations_keep_selection_order() {
    let app = spawn_app_with(|s| s.disable_direct_reads = true).await;
    app.integration("A").await;
    let id = app.run("A").await;

    // A fragment's fields take the spread's place; a field selected twice keeps its first place;
    // skipped fields are left out.
    let query = format!(
        "query($no: Boolean = false) {{ integrationRun(id: {id}) {{ ...F x: id status integration {{ name ... on Integration {{ code }} }} totalRecords @include(if: $no) integrationErrors @skip(if: true) {{ totalCount }} }} }} fragment F on IntegrationRun {{ status totalRecords }}"
    );
    assert_eq!(
        text(&app, &query, json!({})).await,
        format!(
            r#"{{"data":{{"integrationRun":{{"status":"PENDING","totalRecords":null,"x":{id},"integration":{{"name":"A name","code":"A"}}}}}}}}"#
        )
    );

    // Lists: every item in the same order.
    let body = text(
        &app,
        "{ integrations { nodes { runs { nodes { status id } } code } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        body,
        format!(
            r#"{{"data":{{"integrations":{{"nodes":[{{"runs":{{"nodes":[{{"status":"PENDING","id":{id}}}]}},"code":"A"}}]}}}}}}"#
        )
    );

    // A mutation's answer.
    let body = text(
        &app,
        "mutation($id: Int!) { updateIntegrationRun(id: $id, input: {totalRecords: 5}) { totalRecords integration { code } id } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        body,
        format!(
            r#"{{"data":{{"updateIntegrationRun":{{"totalRecords":5,"integration":{{"code":"A"}},"id":{id}}}}}}}"#
        )
    );
}

#[tokio::test]
async fn subscription_events_keep_selection_order() {
    let app = spawn_app().await;
    app.integration("A").await;
    let id = app.run("A").await;
    let mut ws = app.ws("graphql-transport-ws").await;
    ws.subscribe(
        "1",
        "subscription($id: Int) { integrationRunStatusChanged(runId: $id) { status run { status id } previousStatus } }",
        json!({ "id": id }),
    )
    .await;
    // The subscription is live once a change made after it is delivered.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    app.act("run", id).await;
    let text = ws.next_text().await;
    let expected = format!(
        r#""integrationRunStatusChanged":{{"status":"RUNNING","run":{{"status":"RUNNING","id":{id}}},"previousStatus":"PENDING"}}"#
    );
    assert!(text.contains(&expected), "{text}");
}
