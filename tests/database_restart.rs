//! A PostgreSQL restart: gateway processes reconnect (the LISTEN connection with backoff), their
//! first requests after it succeed (pooled connections that rested are checked before use), and
//! their subscribers keep their streams and receive what was committed meanwhile. Alone in its file, so
//! no other test runs while the server restarts.

mod common;

use common::{WsClient, fresh_postgres_database, gql_at as gql, start_process as start};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_keep_their_streams_across_a_database_restart() {
    // Only where the test command can restart the server (scripts/test on PostgreSQL).
    let (Ok(admin), Ok(restart)) = (
        std::env::var("TEST_DATABASE_URL"),
        std::env::var("TEST_POSTGRES_RESTART"),
    ) else {
        eprintln!("TEST_POSTGRES_RESTART not set: skipping");
        return;
    };
    let url = fresh_postgres_database(&admin).await;
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
    let query = "subscription($run: Int) { integrationRunStatusChanged(runId: $run, afterSequence: 0) { status } }";
    let mut on_b = WsClient::connect(b.addr, "graphql-transport-ws").await;
    on_b.subscribe("1", query, json!({ "run": run })).await;
    gql(
        a.addr,
        "mutation($id: Int!) { runIntegrationRun(id: $id) { id } }",
        json!({ "id": run }),
    )
    .await;
    assert_eq!(
        on_b.next_data().await["integrationRunStatusChanged"]["status"],
        "RUNNING"
    );

    let status = std::process::Command::new("bash")
        .args(["-c", &restart])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(status.success(), "restarting PostgreSQL");

    // Every pooled connection died with the server. Those that rested through the restart are
    // checked before they are handed out again, so the first requests after it (as many at once
    // as the pool holds) succeed without a retry.
    let reads = (0..8).map(|_| {
        gql(
            a.addr,
            "query($id: Int!) { integrationRun(id: $id) { status } }",
            json!({ "id": run }),
        )
    });
    for data in futures_util::future::join_all(reads).await {
        assert_eq!(data["integrationRun"]["status"], "RUNNING");
    }
    gql(
        a.addr,
        "mutation($id: Int!) { pauseIntegrationRun(id: $id) { id } }",
        json!({ "id": run }),
    )
    .await;
    assert_eq!(
        on_b.next_data().await["integrationRunStatusChanged"]["status"],
        "PAUSED"
    );
}
