//! Direct reads (src/graphql/direct) answer queries without the resolvers. They must answer
//! exactly what the resolvers answer: every query here is sent to a gateway that reads directly
//! (from the first request of a document on: there is no learning run through the executor) and
//! to a twin over the same database that answers through the resolvers only, and both answers
//! must be equal.

mod common;

use common::{TestApp, spawn_app};
use std::collections::HashMap;

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

/// Held by every test of this file: the direct-read counts are process-wide, and a test that
/// counts must not see another test's reads.
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
    let _counts = COUNTS.lock().await;
    let app = demo_app().await;
    let resolvers = app.twin_with(|s| s.disable_direct_reads = true).await;
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
    let _counts = COUNTS.lock().await;
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
    let _counts = COUNTS.lock().await;
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
    let _counts = COUNTS.lock().await;
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
    let _counts = COUNTS.lock().await;
    let app = demo_app().await;
    // The newest runs: the demo's present day, whose runs have errors and records (its past
    // runs have none, and a level without parents reads nothing).
    let query = "query($first: Int!) { integrationRuns(first: $first, \
                 orderBy: {field: ID, direction: DESC}) { nodes { id \
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
    let _counts = COUNTS.lock().await;
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
    let _counts = COUNTS.lock().await;
    let app = demo_app().await;
    let mut ws = app.ws("graphql-transport-ws").await;
    let query = QUERIES[0];
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

/// The named type of an introspected type reference (`NON_NULL`/`LIST` unwrapped).
fn named(type_ref: &Value) -> (&str, &str) {
    let mut t = type_ref;
    while t["name"].is_null() {
        t = &t["ofType"];
    }
    (t["kind"].as_str().unwrap(), t["name"].as_str().unwrap())
}

/// A value for a required argument (or a root field's `id`) of the introspected type.
fn argument_value(type_ref: &Value) -> Option<String> {
    let required = type_ref["kind"] == "NON_NULL";
    let list = required && type_ref["ofType"]["kind"] == "LIST";
    let (_, name) = named(type_ref);
    let every_type = [
        "Integration",
        "IntegrationRun",
        "IntegrationError",
        "IntegrationHistoryRecord",
        "IntegrationRecordResponse",
        "User",
    ];
    Some(match (name, list) {
        ("ID", true) => format!(
            "[{}]",
            every_type
                .iter()
                .map(|t| format!("{:?}", node_id(t, 1)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ("ID", false) => format!("{:?}", node_id("IntegrationRun", 1)),
        ("Int", false) => "1".to_owned(),
        _ => return None,
    })
}

/// The selection of every field of `type_name` and, below it, of the types it leads to: types
/// already on the path and anything four levels down get their value fields only.
/// With `alias`, each field of this level is aliased `{alias}_{field}` (the `... on` fragments
/// of one `node` selection may not give two types' fields of one name different types).
fn select_all(
    types: &HashMap<String, Value>,
    type_name: &str,
    path: &mut Vec<String>,
    alias: Option<&str>,
) -> String {
    let fields = types[type_name]["fields"].as_array().unwrap();
    let mut out = Vec::new();
    for field in fields {
        let field_name = field["name"].as_str().unwrap();
        let name = match alias {
            Some(prefix) => format!("{prefix}_{field_name}: {field_name}"),
            None => field_name.to_owned(),
        };
        let (kind, inner) = named(&field["type"]);
        let args = if field["args"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["name"] == "first")
        {
            "(first: 2)"
        } else {
            ""
        };
        match kind {
            "SCALAR" | "ENUM" => out.push(name),
            _ if path.iter().any(|p| p == inner) || path.len() >= 4 => {
                let leaves: Vec<&str> = types[inner]["fields"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|f| matches!(named(&f["type"]).0, "SCALAR" | "ENUM"))
                    .map(|f| f["name"].as_str().unwrap())
                    .collect();
                out.push(format!("{name}{args} {{ {} }}", leaves.join(" ")));
            }
            _ => {
                path.push(inner.to_owned());
                let inner_selection = select_all(types, inner, path, None);
                path.pop();
                out.push(format!("{name}{args} {{ {inner_selection} }}"));
            }
        }
    }
    format!("__typename {}", out.join(" "))
}

/// The paths at which two answers differ.
fn differences(a: &Value, b: &Value, path: &str, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                differences(
                    &x[key.as_str()],
                    &y[key.as_str()],
                    &format!("{path}.{key}"),
                    out,
                );
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (x, y)) in x.iter().zip(y).enumerate() {
                differences(x, y, &format!("{path}[{i}]"), out);
            }
        }
        _ if a != b => out.push(format!("{path}: {a} ≠ {b}")),
        _ => {}
    }
}

/// Built from the schema itself: every field of every type that the root fields direct reads
/// answer lead to (with their arguments), in one query, answered by both paths and compared field
/// by field. A field added to one of those types that direct reads do not answer makes the query
/// decline, and this test fail.
#[tokio::test]
async fn every_field_the_schema_declares_is_read_directly_as_the_resolvers_read_it() {
    const ADMIN_ONLY: &[&str] = &["WebhookEndpoint", "WebhookDelivery", "DeliveryAttempt"];
    let _counts = COUNTS.lock().await;
    let roomy = |s: &mut integration_gateway::config::ServeConfig| {
        s.max_query_complexity = 100_000;
        s.max_query_depth = 30;
        s.max_aliases = 1_000;
        s.max_expanded_selections = 100_000;
    };
    let app = integration_gateway_app(roomy).await;
    let resolvers = app
        .twin_with(|s| {
            roomy(s);
            s.disable_direct_reads = true;
        })
        .await;
    let schema = app
        .data(
            "{ __schema { types { name kind possibleTypes { name } fields { name \
             args { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } \
             type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }",
            json!({}),
        )
        .await;
    let types: HashMap<String, Value> = schema["__schema"]["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap().to_owned(), t.clone()))
        .collect();
    let all_node_types: Vec<&str> = types["Node"]["possibleTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(all_node_types.len(), 11, "{all_node_types:?}");
    // The admin-only types are the resolvers' alone (their guard is there): every other Node
    // type is read directly.
    let node_types: Vec<&str> = all_node_types
        .iter()
        .copied()
        .filter(|t| !ADMIN_ONLY.contains(t))
        .collect();
    assert_eq!(node_types.len(), 8, "{node_types:?}");
    // The root fields that lead to the Node types: the types themselves, their connections, Node.
    let leads_to_nodes = |name: &str| {
        name == "Node"
            || node_types.contains(&name)
            || node_types.iter().any(|t| name == format!("{t}Connection"))
    };
    let mut roots = Vec::new();
    for field in types["Query"]["fields"].as_array().unwrap() {
        let name = field["name"].as_str().unwrap();
        let (_, inner) = named(&field["type"]);
        if !leads_to_nodes(inner) {
            continue;
        }
        let mut args = Vec::new();
        for arg in field["args"].as_array().unwrap() {
            let arg_name = arg["name"].as_str().unwrap();
            if arg["type"]["kind"] == "NON_NULL" || arg_name == "id" {
                args.push(format!(
                    "{arg_name}: {}",
                    argument_value(&arg["type"]).unwrap()
                ));
            } else if arg_name == "first" {
                args.push("first: 3".to_owned());
            }
        }
        let args = if args.is_empty() {
            String::new()
        } else {
            format!("({})", args.join(", "))
        };
        let selection = if inner == "Node" {
            // Every implementation, each through its own inline fragment.
            node_types
                .iter()
                .map(|t| {
                    let selection = select_all(&types, t, &mut vec![t.to_string()], Some(t));
                    format!("... on {t} {{ {selection} }}")
                })
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            select_all(&types, inner, &mut vec![inner.to_owned()], None)
        };
        roots.push(format!("{name}{args} {{ {selection} }}"));
    }
    assert!(roots.len() >= 10, "{roots:?}");
    let query = format!("{{ {} }}", roots.join("\n"));
    // Every field of every Node type is in it.
    for t in &node_types {
        for field in types[*t]["fields"].as_array().unwrap() {
            let name = field["name"].as_str().unwrap();
            assert!(
                query.contains(&format!(" {name}")),
                "{t}.{name} is not selected"
            );
        }
    }
    let answered_before = direct_reads(&app, "answered").await;
    let direct = post(&app, json!({"query": query})).await;
    assert_eq!(
        direct_reads(&app, "answered").await,
        answered_before + 1,
        "direct reads declined the query over every field: {}",
        &direct.to_string()[..direct.to_string().len().min(2000)]
    );
    let by_resolvers = post(&resolvers, json!({"query": query})).await;
    assert!(by_resolvers.get("errors").is_none(), "{by_resolvers}");
    let mut found = Vec::new();
    differences(&direct, &by_resolvers, "", &mut found);
    assert!(found.is_empty(), "the paths differ:\n{}", found.join("\n"));
    assert!(
        direct.to_string().len() > 10_000,
        "little was read: {direct}"
    );
}

/// The demo data on a gateway with changed settings.
async fn integration_gateway_app(
    configure: impl FnOnce(&mut integration_gateway::config::ServeConfig),
) -> TestApp {
    let app = common::spawn_app_with(configure).await;
    integration_gateway::seed::demo(&app.db)
        .await
        .expect("demo data");
    // Contacts of the first integration, one of them inactive (the demo has none).
    let first = app
        .data("{ integrations(first: 1) { nodes { id } } }", json!({}))
        .await["integrations"]["nodes"][0]["id"]
        .clone();
    for (name, kind) in [("Tess", "TECHNICAL"), ("Fred", "FUNCTIONAL")] {
        let contact = app
            .data(
                "mutation($id: Int!, $name: String!, $kind: ContactAlertType!) { createIntegrationContact(input: {integration: {id: $id}, name: $name, email: \"x@example.com\", contactType: $kind}) { id } }",
                json!({ "id": first, "name": name, "kind": kind }),
            )
            .await;
        if name == "Fred" {
            app.data(
                "mutation($id: Int!) { deactivateIntegrationContact(id: $id) { id } }",
                json!({ "id": contact["createIntegrationContact"]["id"] }),
            )
            .await;
        }
    }
    app
}
