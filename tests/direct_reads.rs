//! Direct reads (src/graphql/direct) answer queries without the resolvers. They must answer
//! exactly what the resolvers answer: every query here is sent to a gateway that reads directly
//! (from the first request of a document on: there is no learning run through the executor) and
//! to a twin over the same database that answers through the resolvers only, and both answers
//! must be equal.

mod common;

use common::{TestApp, spawn_app};
use serde_json::{Value, json};

/// Every field of every type direct reads know, through every way of selecting it.
const QUERIES: &[&str] = &[
    // Every scalar and relation of a run, with nested lists, edges, page info and counts.
    r#"query Runs($first: Int!) {
        integrationRuns(orderBy: {field: CREATED_AT, direction: DESC}, first: $first) {
          __typename totalCount
          pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }
          edges { __typename cursor node { id status } }
          nodes {
            __typename id integrationId flow status startTime endTime totalRecords
            recordsProcessed maxUpdatedAt createdAt updatedAt
            createdBy { __typename id name kind } updatedBy { id name kind }
            integration { id code }
            integrationErrors(first: 2) { totalCount nodes { id } pageInfo { hasNextPage endCursor } }
            historyRecords(first: 2, orderBy: {field: ID, direction: DESC}) {
              totalCount edges { cursor node { id } }
            }
          }
        }
      }"#,
    // Every field of an integration, its runs filtered and ordered.
    r#"{ integrations(first: 10) { totalCount nodes {
          __typename id code name businessObject direction endSystem endSystemType
          integrationType standard createdAt updatedAt createdBy { id } updatedBy { id }
          runs(first: 3, filter: {status: {in: [FAILED, RUNNING, SUCCESSFUL]}}) {
            totalCount nodes { id status } pageInfo { hasNextPage endCursor }
          }
        } } }"#,
    // Every field of an error and of its responses.
    r#"{ integrationErrors(first: 20, orderBy: {field: ID, direction: DESC}) { totalCount nodes {
          __typename id contactAlertType documentType documentId documentRevision documentStatus
          creationMethod externalId integrationRunId integrationFilename resolved status
          createdAt updatedAt createdBy { id name } updatedBy { id }
          integration { id code } integrationRun { id status }
          responses {
            __typename id responseCode responseMessage integrationHistoryRecordId
            integrationErrorId createdAt updatedAt createdBy { id } updatedBy { id }
          }
        } } }"#,
    // Every field of a history record; the vendor's open-records query.
    r#"query Open($type: DocumentType!) {
        integrationHistoryRecords(
          filter: {resolved: {eq: false}, documentType: {eq: $type}}, first: 50
        ) { totalCount nodes {
          __typename id contactAlertType documentType documentId documentRevision documentStatus
          creationMethod externalId integrationRunId integrationFilename resolved status
          createdAt updatedAt createdBy { id } updatedBy { id }
          integration { id name } integrationRun { id integration { code } }
          responses { id responseCode responseMessage }
        } } }"#,
    // Backward paging, offset paging, association filters.
    r#"{ last: integrationHistoryRecords(last: 5) {
           nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
         offset: integrationHistoryRecords(offset: 7, limit: 4) { nodes { id } pageInfo { hasPreviousPage hasNextPage } }
         byCode: integrationRuns(filter: {integration: {code: {eq: "SAP-INVOICES"}}}, first: 50) { totalCount nodes { id } }
         empty: integrationRuns(filter: {id: {lt: 0}}, first: 5) { totalCount nodes { id } pageInfo { startCursor endCursor hasNextPage } } }"#,
    // Single rows: found, not found, by code.
    r#"query One($id: Int!, $missing: Int!) {
        run: integrationRun(id: $id) { id status integration { code runs(first: 2) { nodes { id } } } }
        none: integrationRun(id: $missing) { id }
        error: integrationError(id: 1) { id integrationRun { id } }
        record: integrationHistoryRecord(id: 2) { id responses { id } }
        noRecord: integrationHistoryRecord(id: 999999) { id }
        byCode: integration(code: "ORACLE-SUPPLIERS") { id code }
        byId: integration(id: 3) { id code }
        noIntegration: integration(code: "NOPE") { id }
        __typename
      }"#,
    // Fragments, inline fragments, aliases, @skip and @include, a field selected twice.
    r#"query Shapes($withErrors: Boolean!, $skipStatus: Boolean = true) {
        integrationRuns(first: 4) {
          nodes {
            ...RunFields
            ... on IntegrationRun { runId: id status @skip(if: $skipStatus) }
            ... @include(if: $withErrors) { integrationErrors(first: 1) { nodes { ...ErrorFields } } }
            id
            again: integrationId
          }
        }
      }
      fragment RunFields on IntegrationRun { id integrationId createdAt integration { ...IntegrationFields } }
      fragment IntegrationFields on Integration { code direction }
      fragment ErrorFields on IntegrationError { id resolved }"#,
    // Relay's Global Object Identification: one node and several, of every type, fragments on
    // the interface and on types that do not apply, ids that are not ours or not there.
    r#"query Nodes($run: ID!, $ids: [ID!]!) {
        node(nodeId: $run) {
          __typename nodeId
          ... on IntegrationRun { id status integration { nodeId code } }
          ... on Integration { code }
        }
        nodes(nodeIds: $ids) {
          __typename nodeId ... on Node { nodeId }
          ... on IntegrationError { id resolved integrationRun { nodeId } }
          ... on User { name kind }
          ...Record
          ... on IntegrationRecordResponse { responseMessage createdBy { nodeId } }
          ... on Integration { code runs(first: 2) { nodes { nodeId } } }
        }
      }
      fragment Record on IntegrationHistoryRecord { id responses { nodeId responseCode } }"#,
    // Two operations in one document, the second selected by name.
    r#"query First { integrations(first: 1) { nodes { id } } }
      query Second { integrationRuns(first: 2, after: null) { nodes { id status } } }"#,
];

/// Variables of the queries above (by position).
fn variables(index: usize) -> Value {
    match index {
        0 => json!({"first": 6}),
        3 => json!({"type": "INVOICE_HEADER"}),
        5 => json!({"id": 2, "missing": 424242}),
        6 => json!({"withErrors": true}),
        7 => json!({
            "run": node_id("IntegrationRun", 2),
            "ids": [
                node_id("IntegrationError", 1), node_id("User", 1),
                node_id("IntegrationHistoryRecord", 2), node_id("Integration", 3),
                "not a node id", node_id("IntegrationRun", 999_999),
                node_id("IntegrationRecordResponse", 1), node_id("Nothing", 1),
                node_id("IntegrationRun", 2),
            ],
        }),
        _ => json!({}),
    }
}

/// A global id as the gateway writes it (Relay's convention: base64 of `Type:id`).
fn node_id(type_name: &str, id: i32) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{type_name}:{id}"))
}

async fn demo_app() -> TestApp {
    let app = spawn_app().await;
    integration_gateway::seed::demo(&app.db)
        .await
        .expect("demo data");
    app
}

async fn post(app: &TestApp, body: Value) -> Value {
    app.client
        .post(app.url("/graphql"))
        .json(&body)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON response")
}

/// Held by every test of this file that reads the process-wide direct-read counts, so that the
/// other tests' reads cannot blur them.
static COUNTS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The gateway's count of direct reads with this outcome.
async fn direct_reads(app: &TestApp, outcome: &str) -> u64 {
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let prefix = format!("gateway_direct_reads_total{{outcome=\"{outcome}\"}} ");
    text.lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .map_or(0, |n| n.trim().parse().unwrap())
}

#[tokio::test]
async fn direct_reads_answer_what_the_resolvers_answer() {
    let app = demo_app().await;
    let resolvers = app.twin_with(|s| s.disable_direct_reads = true).await;
    let _counts = COUNTS.lock().await;
    for (i, query) in QUERIES.iter().enumerate() {
        let mut body = json!({"query": query, "variables": variables(i)});
        if query.contains("query Second") {
            body["operationName"] = json!("Second");
        }
        let answered_before = direct_reads(&app, "answered").await;
        // The document's first request: read directly at once.
        let direct = post(&app, body.clone()).await;
        assert_eq!(
            direct_reads(&app, "answered").await,
            answered_before + 1,
            "query {i} was not read directly on its first request: {direct}"
        );
        let by_resolvers = post(&resolvers, body.clone()).await;
        assert!(
            by_resolvers.get("errors").is_none(),
            "query {i} failed: {by_resolvers}"
        );
        assert!(
            by_resolvers.to_string().len() > 40,
            "query {i} read nothing: {by_resolvers}"
        );
        assert_eq!(direct, by_resolvers, "query {i} differs when read directly");
        // And again, from the gateway's document cache.
        assert_eq!(post(&app, body).await, by_resolvers, "query {i}, cached");
    }
}

#[tokio::test]
async fn a_direct_read_sees_every_change() {
    let app = demo_app().await;
    let query = "query($id: Int!) { integrationRun(id: $id) { id status \
                 integrationErrors(first: 50) { totalCount nodes { resolved } } } }";
    let run = app.run("SAP-INVOICES").await;
    let before = app.data(query, json!({"id": run})).await;
    let again = app.data(query, json!({"id": run})).await;
    assert_eq!(before, again);
    let status = before["integrationRun"]["status"]
        .as_str()
        .unwrap()
        .to_owned();
    let action = if status == "RUNNING" { "pause" } else { "run" };
    app.act(action, run).await;
    let after = app.data(query, json!({"id": run})).await;
    assert_ne!(after["integrationRun"]["status"], json!(status), "{after}");
}

#[tokio::test]
async fn errors_come_from_the_resolvers_whichever_path_is_tried() {
    let app = demo_app().await;
    let cases = [
        // Page size over the limit, a cursor that is not ours, both id and code: field errors.
        (
            "{ integrationRuns(first: 500) { nodes { id } } }",
            json!({}),
        ),
        (
            r#"{ integrationHistoryRecords(first: 5, after: "not-a-cursor") { nodes { id } } }"#,
            json!({}),
        ),
        (
            r#"{ integration(id: 1, code: "SAP-INVOICES") { id } }"#,
            json!({}),
        ),
        // A required variable not given: a request error.
        (
            "query($id: Int!) { integrationRun(id: $id) { id } }",
            json!({}),
        ),
        // A variable of the wrong type.
        (
            "query($id: Int!) { integrationRun(id: $id) { id } }",
            json!({"id": "seven"}),
        ),
    ];
    for (query, variables) in cases {
        let body = json!({"query": query, "variables": variables});
        let first = post(&app, body.clone()).await;
        assert!(first.get("errors").is_some(), "{query}: {first}");
        let second = post(&app, body).await;
        assert_eq!(second, first, "{query}");
    }
}

#[tokio::test]
async fn fields_direct_reads_do_not_know_go_to_the_resolvers() {
    let app = demo_app().await;
    // Aggregates and alerts are the resolvers' alone; mixed with known fields, the whole
    // operation goes to them, every time.
    let query = "{ integrationRunCounts { integrationId status count } \
                 integrationRuns(first: 2) { nodes { id } } }";
    let first = app.data(query, json!({})).await;
    let second = app.data(query, json!({})).await;
    assert_eq!(first, second);
    assert!(
        first["integrationRunCounts"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
    );
}

#[tokio::test]
async fn a_direct_read_runs_one_statement_per_level_whatever_the_page_size() {
    let app = demo_app().await;
    let query = "query($first: Int!) { integrationRuns(first: $first) { nodes { id \
                 integration { code } integrationErrors(first: 10) { nodes { id } } \
                 historyRecords(first: 10) { nodes { id responses { id } } } } } }";
    let mut counts = Vec::new();
    for first in [2, 5, 15] {
        let before = app.statements();
        let data = app.data(query, json!({"first": first})).await;
        counts.push(app.statements() - before);
        assert!(
            !data["integrationRuns"]["nodes"]
                .as_array()
                .unwrap()
                .is_empty()
        );
    }
    // runs; integrations, errors and records (one level); responses.
    assert_eq!(counts, vec![5, 5, 5]);
}

#[tokio::test]
async fn a_declared_default_counts_in_skip_and_include_on_every_path() {
    let app = demo_app().await;
    let query = "query($hide: Boolean = true, $show: Boolean = false) { integrationRuns(first: 1) \
                 { nodes { id status @skip(if: $hide) code: integrationId @include(if: $show) } } }";
    for _ in 0..2 {
        let data = app.data(query, json!({})).await;
        let node = &data["integrationRuns"]["nodes"][0];
        assert!(node.get("id").is_some(), "{data}");
        assert!(node.get("status").is_none(), "status not skipped: {data}");
        assert!(node.get("code").is_none(), "code not left out: {data}");
    }
}

#[tokio::test]
async fn queries_over_a_websocket_are_read_directly_with_the_same_answer() {
    let app = demo_app().await;
    let mut ws = app.ws("graphql-transport-ws").await;
    let query = QUERIES[0];
    let _counts = COUNTS.lock().await;
    let answered_before = direct_reads(&app, "answered").await;
    let mut answers = Vec::new();
    for id in ["1", "2", "3"] {
        ws.subscribe(id, query, variables(0)).await;
        answers.push(ws.next_data().await);
        let complete = ws.next_message().await;
        assert_eq!(complete["type"], "complete", "{complete}");
    }
    assert!(
        answers[0]["integrationRuns"]["nodes"]
            .as_array()
            .is_some_and(|n| !n.is_empty())
    );
    assert_eq!(answers[1], answers[0]);
    assert_eq!(answers[2], answers[0]);
    // All three were read directly, the first included.
    assert_eq!(direct_reads(&app, "answered").await, answered_before + 3);
    // The same document over HTTP: read directly, same answer.
    let over_http = post(&app, json!({"query": query, "variables": variables(0)})).await;
    assert_eq!(over_http["data"], answers[0]);
    assert_eq!(direct_reads(&app, "answered").await, answered_before + 4);
    ws.close().await;
}
