//! Alerts the gateway raises itself: a run that fails raises one TECHNICAL alert, in the same
//! transaction as the failure; a run left PENDING or RUNNING longer than its integration's
//! expected duration raises one "stale run" alert, once, however many checks and gateways run.

mod common;

use common::{TestApp, fresh_database_url, gql_at, spawn_app, spawn_app_with, start_process_with};
use integration_gateway::{
    db,
    service::{now, stale_runs},
};
use serde_json::{Value, json};

const ALERTS: &str = "{ integrationAlerts(first: 100) { nodes { contactAlertType integrationRunId message createdBy { id } integration { code } } } }";

async fn alerts(app: &TestApp) -> Vec<Value> {
    app.data(ALERTS, json!({})).await["integrationAlerts"]["nodes"]
        .as_array()
        .unwrap()
        .clone()
}

/// Sets an integration's expected duration (seconds, or null to remove it).
async fn set_expected(app: &TestApp, id: i64, seconds: Value) -> Value {
    app.gql(
        "mutation($id: Int!, $s: Int) { updateIntegration(id: $id, input: {expectedDurationSeconds: $s}) { expectedDurationSeconds } }",
        json!({ "id": id, "s": seconds }),
    )
    .await
}

#[tokio::test]
async fn a_failed_run_raises_exactly_one_technical_alert_whatever_the_entry_point() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let over_graphql = app.run("SAP").await;
    let body = app.act("fail", over_graphql).await;
    assert_eq!(
        body["data"]["failIntegrationRun"]["status"], "FAILED",
        "{body}"
    );
    // Failing again is a no-op: no second alert.
    app.act("fail", over_graphql).await;

    let over_rest = app.run("SAP").await;
    app.act("run", over_rest).await;
    let response = app
        .client
        .put(app.url(&format!("/api/integration_runs/{over_rest}/fail")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // A run that succeeds raises nothing.
    let fine = app.run("SAP").await;
    app.act("run", fine).await;
    app.act("success", fine).await;

    let raised = alerts(&app).await;
    assert_eq!(raised.len(), 2, "{raised:#?}");
    for (alert, run) in raised.iter().zip([over_graphql, over_rest]) {
        assert_eq!(alert["contactAlertType"], "TECHNICAL");
        assert_eq!(alert["integrationRunId"], run);
        assert_eq!(alert["createdBy"], Value::Null, "raised by the gateway");
        assert_eq!(alert["integration"]["code"], "SAP");
        let message = alert["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("run {run}")) && message.contains("SAP"),
            "{message}"
        );
    }
}

#[tokio::test]
async fn a_failed_runs_alert_reaches_alert_subscribers() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let run = app.run("SAP").await;
    let mut ws = app.ws("graphql-transport-ws").await;
    ws.subscribe(
        "1",
        "subscription { integrationAlertRaised(contactAlertType: TECHNICAL, afterSequence: 0) { alert { integrationRunId contactAlertType } } }",
        json!({}),
    )
    .await;
    app.act("fail", run).await;
    let data = ws.next_data().await;
    assert_eq!(
        data["integrationAlertRaised"]["alert"],
        json!({ "integrationRunId": run, "contactAlertType": "TECHNICAL" }),
        "{data}"
    );
}

#[tokio::test]
async fn the_expected_duration_is_bounded_and_can_be_removed() {
    let app = spawn_app().await;
    let id = app.integration("SAP").await;
    for bad in [0, -5, 30 * 24 * 3600 + 1] {
        let body = set_expected(&app, id, json!(bad)).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "VALIDATION",
            "{body}"
        );
        assert_eq!(
            body["errors"][0]["extensions"]["field"],
            "expectedDurationSeconds"
        );
    }
    let body = set_expected(&app, id, json!(30 * 24 * 3600)).await;
    assert_eq!(
        body["data"]["updateIntegration"]["expectedDurationSeconds"],
        30 * 24 * 3600
    );
    let body = set_expected(&app, id, Value::Null).await;
    assert_eq!(
        body["data"]["updateIntegration"]["expectedDurationSeconds"],
        Value::Null
    );
    let created = app
        .data(
            "mutation { createIntegration(input: {code: \"X\", name: \"X\", businessObject: \"Invoice\", direction: FROM_COUPA, endSystem: \"SAP\", endSystemType: ERP, expectedDurationSeconds: 90}) { expectedDurationSeconds } }",
            json!({}),
        )
        .await;
    assert_eq!(created["createIntegration"]["expectedDurationSeconds"], 90);
}

#[tokio::test]
async fn a_stale_run_raises_one_alert_however_often_the_check_runs() {
    let app = spawn_app().await;
    let sap = app.integration("SAP").await;
    set_expected(&app, sap, json!(60)).await;
    let pending = app.run("SAP").await;
    let running = app.run("SAP").await;
    app.act("run", running).await;
    let done = app.run("SAP").await;
    app.act("run", done).await;
    app.act("success", done).await;
    let paused = app.run("SAP").await;
    app.act("pause", paused).await;
    // Runs of an integration without an expected duration are never stale.
    app.integration("FREE").await;
    let free = app.run("FREE").await;

    // Not yet due.
    assert_eq!(stale_runs::check(&app.db, now()).await.unwrap(), 0);
    let later = now() + chrono::Duration::seconds(61);
    assert_eq!(stale_runs::check(&app.db, later).await.unwrap(), 2);
    assert_eq!(stale_runs::check(&app.db, later).await.unwrap(), 0);
    let much_later = later + chrono::Duration::hours(5);
    assert_eq!(stale_runs::check(&app.db, much_later).await.unwrap(), 0);

    let raised = alerts(&app).await;
    let mut runs: Vec<i64> = raised
        .iter()
        .map(|a| a["integrationRunId"].as_i64().unwrap())
        .collect();
    runs.sort_unstable();
    assert_eq!(runs, [pending, running]);
    assert!(!runs.contains(&free) && !runs.contains(&done) && !runs.contains(&paused));
    for alert in &raised {
        assert_eq!(alert["contactAlertType"], "TECHNICAL");
        assert_eq!(alert["createdBy"], Value::Null);
        assert!(
            alert["message"].as_str().unwrap().starts_with("stale run"),
            "{alert}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateways_checking_at_once_raise_each_stale_runs_alert_once() {
    let app = spawn_app().await;
    let sap = app.integration("SAP").await;
    set_expected(&app, sap, json!(1)).await;
    let mut runs = Vec::new();
    for _ in 0..30 {
        runs.push(app.run("SAP").await);
    }
    // Two gateways: two pools of their own over the one database, checking at the same moment.
    let config = app.database_config();
    let a = db::connect(&config).await.unwrap();
    let b = db::connect(&config).await.unwrap();
    let at = now() + chrono::Duration::seconds(10);
    let (ra, rb) = tokio::join!(stale_runs::check(&a, at), stale_runs::check(&b, at));
    assert_eq!(
        ra.unwrap() + rb.unwrap(),
        runs.len(),
        "each run's alert raised by one of them"
    );
    assert_eq!(alerts(&app).await.len(), runs.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_gateway_processes_checking_periodically_raise_each_alert_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database_url(dir.path()).await;
    let flags = ["--stale-run-check-interval", "1"];
    let a = start_process_with(&url, &flags).await;
    let b = start_process_with(&url, &flags).await;
    gql_at(a.addr, "mutation { createIntegration(input: {code: \"SAP\", name: \"SAP\", businessObject: \"Invoice\", direction: FROM_COUPA, endSystem: \"SAP\", endSystemType: ERP, expectedDurationSeconds: 1}) { id } }", json!({})).await;
    let mut runs = Vec::new();
    for _ in 0..10 {
        let data = gql_at(
            b.addr,
            "mutation { createIntegrationRun(input: {integration: {code: \"SAP\"}}) { id } }",
            json!({}),
        )
        .await;
        runs.push(data["createIntegrationRun"]["id"].as_i64().unwrap());
    }
    // Due after a second; each gateway checks every second.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut count = 0;
    while std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        count = gql_at(
            a.addr,
            "{ integrationAlerts(first: 100) { totalCount } }",
            json!({}),
        )
        .await["integrationAlerts"]["totalCount"]
            .as_i64()
            .unwrap();
        if count >= runs.len() as i64 {
            break;
        }
    }
    assert_eq!(count, runs.len() as i64);
    // Both go on checking for a few more rounds: still one alert per run.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let data = gql_at(
        b.addr,
        "{ integrationAlerts(first: 100) { nodes { integrationRunId } } }",
        json!({}),
    )
    .await;
    let mut alerted: Vec<i64> = data["integrationAlerts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["integrationRunId"].as_i64().unwrap())
        .collect();
    alerted.sort_unstable();
    assert_eq!(alerted, runs);
}

#[tokio::test]
async fn the_checker_task_started_with_the_server_raises_the_alert() {
    let app = spawn_app_with(|s| s.stale_run_check_interval_secs = 1).await;
    let sap = app.integration("SAP").await;
    set_expected(&app, sap, json!(1)).await;
    let run = app.run("SAP").await;
    let mut raised = Vec::new();
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        raised = alerts(&app).await;
        if !raised.is_empty() {
            break;
        }
    }
    assert_eq!(raised.len(), 1, "{raised:#?}");
    assert_eq!(raised[0]["integrationRunId"], run);
}
