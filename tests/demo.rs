//! The demo data (`seed --demo`) as the trends see it, on the test's database (SQLite, or
//! PostgreSQL with TEST_DATABASE_URL): thirty days of runs, failures, durations and alerts of
//! both contact types; and the backfill under it refuses a bad past run without writing anything.

mod common;

use chrono::{Duration, Utc};
use common::spawn_app;
use integration_gateway::{
    domain::RunStatus,
    error::AppError,
    service::{
        Actor,
        backfill::{self, PastRun},
    },
};
use serde_json::json;

#[tokio::test]
async fn the_demo_gives_every_trend_thirty_days_of_data() {
    let app = spawn_app().await;
    integration_gateway::seed::demo(&app.db)
        .await
        .expect("demo data");
    let since = (Utc::now() - Duration::days(30)).to_rfc3339();
    let data = app
        .data(
            "query($since: DateTime!) {
                perDay: integrationRunCounts(filter: {createdAt: {gte: $since}}, groupBy: [DAY, STATUS]) { day status count }
                perHour: integrationRunCounts(filter: {createdAt: {gte: $since}}, groupBy: [HOUR]) { hour count }
                durations: integrationRunDurations(filter: {createdAt: {gte: $since}}, groupBy: [INTEGRATION]) {
                    integration { code } count medianSeconds p95Seconds maxSeconds
                }
                alerts: integrationAlertCounts(filter: {createdAt: {gte: $since}}, groupBy: [CONTACT_ALERT_TYPE]) { contactAlertType count }
                failures: integrationRunCounts(filter: {createdAt: {gte: $since}}, groupBy: [INTEGRATION, STATUS]) {
                    integration { code } status count
                }
            }",
            json!({ "since": since }),
        )
        .await;
    let days: std::collections::BTreeSet<&str> = data["perDay"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["day"].as_str().unwrap())
        .collect();
    assert!(days.len() >= 30, "{} days: {days:?}", days.len());
    assert!(
        data["perHour"].as_array().unwrap().len() > 24 * 25,
        "hours with runs: {}",
        data["perHour"].as_array().unwrap().len()
    );
    for status in ["SUCCESSFUL", "FAILED"] {
        let n: i64 = data["perDay"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["status"] == status)
            .map(|g| g["count"].as_i64().unwrap())
            .sum();
        assert!(n > 30, "{status}: {n}");
    }

    // Each integration has its own durations, with slow outliers above the 95th percentile.
    let durations = data["durations"].as_array().unwrap();
    assert_eq!(durations.len(), 3, "{durations:?}");
    let median = |code: &str| {
        durations
            .iter()
            .find(|d| d["integration"]["code"] == code)
            .unwrap()["medianSeconds"]
            .as_f64()
            .unwrap()
    };
    assert!(median("WORKDAY-USERS") < median("SAP-INVOICES"));
    assert!(median("SAP-INVOICES") < median("ORACLE-SUPPLIERS"));
    for d in durations {
        let (m, p95, max) = (
            d["medianSeconds"].as_f64().unwrap(),
            d["p95Seconds"].as_f64().unwrap(),
            d["maxSeconds"].as_f64().unwrap(),
        );
        assert!(m < p95 && p95 < max && max > 3.0 * m, "{d}");
    }

    // One integration fails most.
    let rate = |code: &str| {
        let of = |status: &str| {
            data["failures"]
                .as_array()
                .unwrap()
                .iter()
                .find(|g| g["integration"]["code"] == code && g["status"] == status)
                .map_or(0, |g| g["count"].as_i64().unwrap())
        };
        of("FAILED") as f64 / (of("FAILED") + of("SUCCESSFUL")) as f64
    };
    assert!(rate("ORACLE-SUPPLIERS") > rate("SAP-INVOICES"));
    assert!(rate("ORACLE-SUPPLIERS") > rate("WORKDAY-USERS"));

    // Alerts of every audience.
    let alerts = data["alerts"].as_array().unwrap();
    for audience in ["TECHNICAL", "FUNCTIONAL", "BOTH"] {
        let n = alerts
            .iter()
            .find(|a| a["contactAlertType"] == audience)
            .map_or(0, |a| a["count"].as_i64().unwrap());
        assert!(n > 10, "{audience}: {n} alerts");
    }
}

/// A successful run of integration 1 (the test's only one), `minutes` long.
fn past(start_hours_ago: i64, minutes: i64) -> PastRun {
    let start = Utc::now() - Duration::hours(start_hours_ago);
    PastRun {
        integration_id: 1,
        status: RunStatus::Successful,
        start_time: start,
        end_time: start + Duration::minutes(minutes),
        total_records: 10,
        records_processed: 10,
        flow: json!({"source": "test"}),
        alerts: Vec::new(),
    }
}

#[tokio::test]
async fn a_bad_past_run_is_refused_by_name_and_nothing_is_written() {
    let app = spawn_app().await;
    assert_eq!(app.integration("SAP").await, 1);
    let bad = [
        (past(5, -3), "runs[1].endTime"),
        (past(0, 30), "runs[1].endTime"),
        (
            PastRun {
                records_processed: 11,
                ..past(5, 3)
            },
            "runs[1].recordsProcessed",
        ),
        (
            PastRun {
                status: RunStatus::Running,
                ..past(5, 3)
            },
            "runs[1].status",
        ),
    ];
    for (run, field) in bad {
        let refused = backfill::past_runs(&app.db, Actor::default(), vec![past(9, 2), run])
            .await
            .unwrap_err();
        let AppError::Validation(errors) = refused else {
            panic!("{refused:?}");
        };
        assert_eq!(errors[0].field, field, "{errors:?}");
    }
    let counted = app
        .data(
            "{ integrationRuns { totalCount } integrationAlerts { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(counted["integrationRuns"]["totalCount"], 0, "{counted}");
    assert_eq!(counted["integrationAlerts"]["totalCount"], 0, "{counted}");

    // Good ones are written as they were: their own times, finished, a failure with its alert.
    let failed = PastRun {
        status: RunStatus::Failed,
        records_processed: 4,
        ..past(3, 7)
    };
    let report = backfill::past_runs(&app.db, Actor::default(), vec![past(9, 2), failed])
        .await
        .unwrap();
    assert_eq!((report.runs, report.alerts, report.records), (2, 1, 0));
    let runs = app
        .data(
            "{ integrationRuns(orderBy: {field: ID}) { nodes { status startTime endTime createdAt } }
               integrationAlerts { nodes { contactAlertType integrationRunId message } } }",
            json!({}),
        )
        .await;
    let nodes = runs["integrationRuns"]["nodes"].as_array().unwrap();
    assert_eq!(nodes[0]["status"], "SUCCESSFUL");
    assert_eq!(nodes[1]["status"], "FAILED");
    assert_eq!(nodes[1]["createdAt"], nodes[1]["startTime"]);
    let alert = &runs["integrationAlerts"]["nodes"][0];
    assert_eq!(alert["contactAlertType"], "TECHNICAL");
    assert!(
        alert["message"].as_str().unwrap().contains("failed"),
        "{alert}"
    );
}
