//! Several gateway processes on one database behave as one: a change committed through A reaches
//! subscribers on B (PostgreSQL: LISTEN/NOTIFY plus reads by sequence; SQLite: the log poll).

mod common;

use common::{WsClient, fresh_postgres_database, gql_at as gql, start_process as start};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_through_one_instance_reaches_subscribers_of_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let url = match std::env::var("TEST_DATABASE_URL") {
        Ok(admin) if admin.starts_with("postgres") => fresh_postgres_database(&admin).await,
        _ => format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("shared.db").display()
        ),
    };
    let a = start(&url).await;
    let b = start(&url).await;

    gql(a.addr, "mutation { createIntegration(input: {code: \"SAP\", name: \"SAP\", businessObject: \"Invoice\", direction: FROM_COUPA, endSystem: \"SAP\", endSystemType: ERP}) { id } }", json!({})).await;
    let run = gql(
        a.addr,
        "mutation { createIntegrationRun(input: {integration: {code: \"SAP\"}}) { id } }",
        json!({}),
    )
    .await["createIntegrationRun"]["id"]
        .as_i64()
        .unwrap();

    let query = "subscription($run: Int) { integrationRunStatusChanged(runId: $run, afterSequence: 0) { sequence status run { status } } }";
    let mut on_b = WsClient::connect(b.addr, "graphql-transport-ws").await;
    on_b.subscribe("1", query, json!({ "run": run })).await;
    let mut on_a = WsClient::connect(a.addr, "graphql-ws").await;
    on_a.subscribe("1", query, json!({ "run": run })).await;

    for action in ["run", "pause", "run", "success"] {
        gql(
            a.addr,
            &format!("mutation($id: Int!) {{ {action}IntegrationRun(id: $id) {{ id }} }}"),
            json!({ "id": run }),
        )
        .await;
    }
    let mut seen = Vec::new();
    for ws in [&mut on_b, &mut on_a] {
        let mut statuses = Vec::new();
        let mut sequences = Vec::new();
        for _ in 0..4 {
            let data = ws.next_data().await;
            statuses.push(
                data["integrationRunStatusChanged"]["status"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
            sequences.push(
                data["integrationRunStatusChanged"]["sequence"]
                    .as_i64()
                    .unwrap(),
            );
        }
        assert_eq!(statuses, ["RUNNING", "PAUSED", "RUNNING", "SUCCESSFUL"]);
        seen.push(sequences);
    }
    assert_eq!(
        seen[0], seen[1],
        "both instances deliver the same events with the same sequences"
    );

    // A change through B reaches the subscriber on A as well.
    let other = gql(
        b.addr,
        "mutation { createIntegrationRun(input: {integration: {code: \"SAP\"}}) { id } }",
        json!({}),
    )
    .await["createIntegrationRun"]["id"]
        .as_i64()
        .unwrap();
    on_a.subscribe("2", query, json!({ "run": other })).await;
    gql(
        b.addr,
        "mutation($id: Int!) { failIntegrationRun(id: $id) { id } }",
        json!({ "id": other }),
    )
    .await;
    let data = on_a.next_data().await;
    assert_eq!(data["integrationRunStatusChanged"]["status"], "FAILED");
}
