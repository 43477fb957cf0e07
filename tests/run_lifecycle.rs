//! The run lifecycle over HTTP: every action, refusals with their codes, no-op repeats, races.

mod common;

use chrono::Utc;
use common::spawn_app;
use entity::integration_error;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::{Value, json};

const RUN_QUERY: &str = "query($id: Int!) { integrationRun(id: $id) { id status startTime endTime updatedAt totalRecords recordsProcessed integration { code } } }";

#[tokio::test]
async fn a_run_walks_run_pause_run_success() {
    let app = spawn_app().await;
    app.integration("SAP-INV").await;
    let id = app.run("SAP-INV").await;

    let body = app.act("run", id).await;
    let run = &body["data"]["runIntegrationRun"];
    assert_eq!(run["status"], "RUNNING");
    let started = run["startTime"]
        .as_str()
        .expect("run sets startTime")
        .to_owned();

    let body = app.act("pause", id).await;
    assert_eq!(body["data"]["pauseIntegrationRun"]["status"], "PAUSED");

    let body = app.act("run", id).await;
    let run = &body["data"]["runIntegrationRun"];
    assert_eq!(run["status"], "RUNNING");
    assert_eq!(
        run["startTime"], started,
        "resuming keeps the first start time"
    );
    assert!(run["endTime"].is_null());

    let body = app.act("success", id).await;
    let run = &body["data"]["successIntegrationRun"];
    assert_eq!(run["status"], "SUCCESSFUL");
    assert!(run["endTime"].is_string(), "success sets endTime");

    let data = app.data(RUN_QUERY, json!({ "id": id })).await;
    assert_eq!(data["integrationRun"]["status"], "SUCCESSFUL");
    assert_eq!(data["integrationRun"]["integration"]["code"], "SAP-INV");
}

#[tokio::test]
async fn actions_carry_the_run_input() {
    let app = spawn_app().await;
    app.integration("SAP-INV").await;
    let id = app.run("SAP-INV").await;
    let data = app
        .data(
            "mutation($id: Int!) { runIntegrationRun(id: $id, input: {totalRecords: 40, flow: {steps: 2}}) { totalRecords flow } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["runIntegrationRun"]["totalRecords"], 40);
    assert_eq!(data["runIntegrationRun"]["flow"], json!({"steps": 2}));
    let data = app
        .data(
            "mutation($id: Int!) { finishIntegrationRun(id: $id, input: {recordsProcessed: 40}) { status recordsProcessed } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["finishIntegrationRun"]["status"], "SUCCESSFUL");
    assert_eq!(data["finishIntegrationRun"]["recordsProcessed"], 40);
}

#[tokio::test]
async fn invalid_transitions_are_refused_with_the_current_status_and_allowed_actions() {
    let app = spawn_app().await;
    app.integration("SAP-INV").await;
    let id = app.run("SAP-INV").await;

    let body = app.act("success", id).await;
    let err = &body["errors"][0];
    assert_eq!(err["extensions"]["code"], "INVALID_TRANSITION");
    assert_eq!(err["extensions"]["currentStatus"], "PENDING");
    assert_eq!(
        err["extensions"]["allowedActions"],
        json!(["RUN", "PAUSE", "FAIL"])
    );
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("allowed from pending: run, pause, fail")
    );

    assert_eq!(
        app.act("fail", id).await["data"]["failIntegrationRun"]["status"],
        "FAILED"
    );
    for action in ["run", "pause", "pending", "success", "finish"] {
        let body = app.act(action, id).await;
        let err = &body["errors"][0];
        assert_eq!(err["extensions"]["code"], "INVALID_TRANSITION", "{action}");
        assert_eq!(err["extensions"]["currentStatus"], "FAILED");
        assert_eq!(err["extensions"]["allowedActions"], json!([]));
    }
    let data = app.data(RUN_QUERY, json!({ "id": id })).await;
    assert_eq!(data["integrationRun"]["status"], "FAILED");
}

#[tokio::test]
async fn repeating_the_last_action_is_a_no_op_that_changes_nothing() {
    let app = spawn_app().await;
    app.integration("SAP-INV").await;
    let id = app.run("SAP-INV").await;
    let first = app.act("run", id).await["data"]["runIntegrationRun"].clone();
    let again = app
        .gql(
            "mutation($id: Int!) { runIntegrationRun(id: $id, input: {totalRecords: 7}) { status updatedAt startTime totalRecords } }",
            json!({ "id": id }),
        )
        .await;
    let again = &again["data"]["runIntegrationRun"];
    assert_eq!(again["status"], "RUNNING");
    assert_eq!(again["updatedAt"], first["updatedAt"]);
    assert_eq!(again["startTime"], first["startTime"]);
    assert!(again["totalRecords"].is_null(), "a no-op writes nothing");
}

#[tokio::test]
async fn success_is_refused_while_the_run_has_unresolved_errors() {
    let app = spawn_app().await;
    app.integration("SAP-INV").await;
    let id = app.run("SAP-INV").await;
    app.act("run", id).await;
    let now = Utc::now();
    let error = integration_error::ActiveModel {
        integration_run_id: Set(id as i32),
        contact_alert_type: Set("Technical".into()),
        resolved: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();

    let body = app.act("success", id).await;
    let err = &body["errors"][0];
    assert_eq!(err["extensions"]["code"], "UNRESOLVED_ERRORS");
    assert_eq!(err["extensions"]["unresolvedErrors"], 1);
    assert_eq!(
        err["message"],
        format!("run {id} has 1 unresolved integration error: resolve them before success")
    );
    let status = app.data(RUN_QUERY, json!({ "id": id })).await;
    assert_eq!(status["integrationRun"]["status"], "RUNNING");

    let mut resolved: integration_error::ActiveModel =
        integration_error::Entity::find_by_id(error.id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .into();
    resolved.resolved = Set(true);
    resolved.update(&app.db).await.unwrap();
    assert_eq!(
        app.act("success", id).await["data"]["successIntegrationRun"]["status"],
        "SUCCESSFUL"
    );
}

#[tokio::test]
async fn actions_on_a_missing_run_are_not_found() {
    let app = spawn_app().await;
    let err = &app.act("run", 999).await["errors"][0];
    assert_eq!(err["extensions"]["code"], "NOT_FOUND");
    assert_eq!(err["message"], "integration run with id 999 does not exist");
    let data = app.data(RUN_QUERY, json!({ "id": 999 })).await;
    assert!(data["integrationRun"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_fifty_fails_and_fifty_successes_racing_exactly_one_transition_happens() {
    let app = spawn_app().await;
    app.integration("SAP-INV").await;
    let id = app.run("SAP-INV").await;
    let running = app.act("run", id).await["data"]["runIntegrationRun"].clone();

    let mut calls = Vec::new();
    for i in 0..100 {
        let action = if i % 2 == 0 { "fail" } else { "success" };
        let client = app.client.clone();
        let url = app.url("/graphql");
        calls.push(tokio::spawn(async move {
            let query = format!(
                "mutation($id: Int!) {{ {action}IntegrationRun(id: $id) {{ status updatedAt endTime }} }}"
            );
            let body: serde_json::Value = client
                .post(url)
                .json(&json!({ "query": query, "variables": { "id": id } }))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            (action, body)
        }));
    }
    let mut results = Vec::new();
    for call in calls {
        results.push(call.await.unwrap());
    }

    let stored = app.data(RUN_QUERY, json!({ "id": id })).await["integrationRun"].clone();
    let winner = match stored["status"].as_str().unwrap() {
        "FAILED" => "fail",
        "SUCCESSFUL" => "success",
        other => panic!("the run must have ended, it is {other}"),
    };
    assert_ne!(stored["updatedAt"], running["updatedAt"]);
    let mut updated_ats = std::collections::HashSet::new();
    for (action, body) in &results {
        if *action == winner {
            let run = &body["data"][format!("{action}IntegrationRun")];
            assert_eq!(run["status"], stored["status"], "{body}");
            updated_ats.insert(run["updatedAt"].as_str().unwrap().to_owned());
            assert_eq!(run["endTime"], stored["endTime"]);
        } else {
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "INVALID_TRANSITION",
                "{body}"
            );
            assert!(body["data"].is_null(), "{body}");
        }
    }
    assert_eq!(
        updated_ats.into_iter().collect::<Vec<_>>(),
        vec![stored["updatedAt"].as_str().unwrap().to_owned()],
        "exactly one transition: every winner reports the same single change"
    );
}

#[tokio::test]
async fn an_action_that_would_end_a_run_before_it_started_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    app.integration("SAP-INV").await;
    let id = app.run("SAP-INV").await;
    // Started (by the client's clock) tomorrow: failing it now would end it before its start.
    let tomorrow = (Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    app.data(
        "mutation($id: Int!, $at: DateTime!) { runIntegrationRun(id: $id, input: {startTime: $at}) { status } }",
        json!({ "id": id, "at": tomorrow }),
    )
    .await;
    let error = app
        .error(
            "mutation($id: Int!) { failIntegrationRun(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "VALIDATION", "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("endTime"),
        "{error}"
    );
    let data = app
        .data(
            "query($id: Int!) { integrationRun(id: $id) { status endTime } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["integrationRun"]["status"], "RUNNING");
    assert_eq!(data["integrationRun"]["endTime"], Value::Null);
    // A repeat of the action the run is in is a no-op on every path.
    let data = app
        .data(
            "mutation($id: Int!) { runIntegrationRun(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["runIntegrationRun"]["status"], "RUNNING");
}
