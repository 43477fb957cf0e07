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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_a_hundred_conflicting_transitions_spread_over_two_instances_exactly_one_wins() {
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
    gql(
        b.addr,
        "mutation($id: Int!) { runIntegrationRun(id: $id) { id } }",
        json!({ "id": run }),
    )
    .await;

    let client = reqwest::Client::new();
    let calls: Vec<_> = (0..100)
        .map(|i| {
            let (addr, action) = if i % 2 == 0 { (a.addr, "fail") } else { (b.addr, "success") };
            let client = client.clone();
            tokio::spawn(async move {
                let body: serde_json::Value = client
                    .post(format!("http://{addr}/graphql"))
                    .json(&json!({
                        "query": format!("mutation($id: Int!) {{ {action}IntegrationRun(id: $id) {{ status }} }}"),
                        "variables": { "id": run }
                    }))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                (action, body)
            })
        })
        .collect();
    let mut wins = std::collections::HashMap::<&str, usize>::new();
    for call in calls {
        let (action, body) = call.await.unwrap();
        if body.get("errors").is_none() {
            *wins.entry(action).or_default() += 1;
        } else {
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "INVALID_TRANSITION",
                "{body}"
            );
        }
    }
    assert_eq!(wins.len(), 1, "only one kind of action succeeds: {wins:?}");
    assert_eq!(
        wins.values().sum::<usize>(),
        50,
        "all calls of the winning kind succeed"
    );
    // Exactly one status change after `run` is in the log.
    let mut ws = WsClient::connect(a.addr, "graphql-transport-ws").await;
    ws.subscribe(
        "1",
        "subscription($run: Int) { integrationRunStatusChanged(runId: $run, afterSequence: 0) { status } }",
        json!({ "run": run }),
    )
    .await;
    assert_eq!(
        ws.next_data().await["integrationRunStatusChanged"]["status"],
        "RUNNING"
    );
    let last = ws.next_data().await["integrationRunStatusChanged"]["status"].clone();
    let stored = gql(
        b.addr,
        "query($id: Int!) { integrationRun(id: $id) { status } }",
        json!({ "id": run }),
    )
    .await;
    assert_eq!(stored["integrationRun"]["status"], last);
    // And the log holds exactly two status changes of the run: `run`, then the one winner.
    use entity::integration_event as event;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let db = sea_orm::Database::connect(&url).await.unwrap();
    let changes = event::Entity::find()
        .filter(event::Column::IntegrationRunId.eq(run as i32))
        .filter(event::Column::EventType.eq("run.status_changed"))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(changes, 2);
}
