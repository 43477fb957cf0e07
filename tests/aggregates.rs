//! Dashboard aggregates agree with a brute-force computation over the rows: counts per group
//! (by day and by hour), and run durations against `percentile_cont` computed here.

mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, DurationRound, TimeZone, Utc};
use common::{TestApp, spawn_app};
use entity::{
    integration, integration_alert as alert, integration_history_record as record,
    integration_run as run,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::{Value, json};

/// Runs of three integrations in several statuses and days; records of several kinds.
async fn seed(app: &TestApp) {
    for (n, code) in ["A", "B", "C"].iter().enumerate() {
        app.integration(code).await;
        for i in 0..(4 + n) {
            let id = app.run(code).await;
            app.data(
                "mutation($id: Int!, $t: Int) { updateIntegrationRun(id: $id, input: {totalRecords: $t, recordsProcessed: 1}) { id } }",
                json!({ "id": id, "t": if i == 0 { Value::Null } else { json!(i * 10) } }),
            )
            .await;
            match i % 3 {
                1 => {
                    app.act("run", id).await;
                }
                2 => {
                    app.act("fail", id).await;
                }
                _ => {}
            }
        }
        for i in 0..6 {
            let mutation = if i % 2 == 0 {
                "createIntegrationHistoryAlert"
            } else {
                "markIntegrationHistoryExported"
            };
            let doc = if i % 3 == 0 { "INVOICE" } else { "ASN_HEADER" };
            app.data(
                &format!("mutation($input: NewHistoryRecordInput!) {{ {mutation}(input: $input) {{ id }} }}"),
                json!({ "input": { "contactAlertType": "BOTH", "documentType": doc, "documentId": i, "integration": { "code": code } } }),
            )
            .await;
        }
    }
    // Spread rows over three days.
    for (i, r) in run::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .enumerate()
    {
        let mut m: run::ActiveModel = r.clone().into();
        m.created_at = Set(r.created_at - Duration::days((i % 3) as i64));
        m.update(&app.db).await.unwrap();
    }
    for (i, r) in record::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .enumerate()
    {
        let mut m: record::ActiveModel = r.clone().into();
        m.created_at = Set(r.created_at - Duration::days((i % 2) as i64));
        m.resolved = Set(i % 4 == 0);
        m.update(&app.db).await.unwrap();
    }
}

#[tokio::test]
async fn run_counts_agree_with_the_rows() {
    let app = spawn_app().await;
    seed(&app).await;
    let data = app
        .data(
            "{ integrationRunCounts(groupBy: [INTEGRATION, STATUS, DAY]) { integration { code } status day count totalRecords recordsProcessed } }",
            json!({}),
        )
        .await;
    let codes: BTreeMap<i32, String> = integration::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.id, i.code))
        .collect();
    let mut expected: BTreeMap<(String, String, String), (i64, i64, i64)> = BTreeMap::new();
    for r in run::Entity::find().all(&app.db).await.unwrap() {
        let key = (
            codes[&r.integration_id].clone(),
            r.status.to_uppercase(),
            r.created_at
                .with_timezone(&Utc)
                .format("%Y-%m-%d")
                .to_string(),
        );
        let e = expected.entry(key).or_default();
        e.0 += 1;
        e.1 += r.total_records.unwrap_or(0) as i64;
        e.2 += r.records_processed.unwrap_or(0) as i64;
    }
    let mut got = BTreeMap::new();
    for g in data["integrationRunCounts"].as_array().unwrap() {
        let key = (
            g["integration"]["code"].as_str().unwrap().to_owned(),
            g["status"].as_str().unwrap().to_owned(),
            g["day"].as_str().unwrap().to_owned(),
        );
        let v = (
            g["count"].as_i64().unwrap(),
            g["totalRecords"].as_i64().unwrap(),
            g["recordsProcessed"].as_i64().unwrap(),
        );
        assert!(got.insert(key, v).is_none(), "one group per key");
    }
    assert!(expected.len() > 5);
    assert_eq!(got, expected);

    // One GROUP BY, however many rows.
    let before = app.statements();
    app.data(
        "{ integrationRunCounts(groupBy: [STATUS, DAY]) { count } }",
        json!({}),
    )
    .await;
    assert_eq!(app.statements() - before, 1);

    // No groupBy: one group for everything; a filter narrows it.
    let all = app
        .data(
            "{ integrationRunCounts { status integrationId day count } }",
            json!({}),
        )
        .await;
    assert_eq!(
        all["integrationRunCounts"],
        json!([{ "status": null, "integrationId": null, "day": null, "count": 15 }])
    );
    let running = app
        .data(
            "{ integrationRunCounts(filter: {status: {eq: RUNNING}}, groupBy: [STATUS]) { status count } }",
            json!({}),
        )
        .await;
    let brute = run::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .filter(|r| r.status == "running")
        .count();
    assert_eq!(
        running["integrationRunCounts"],
        json!([{ "status": "RUNNING", "count": brute }])
    );
}

#[tokio::test]
async fn history_record_counts_agree_with_the_rows() {
    let app = spawn_app().await;
    seed(&app).await;
    let data = app
        .data(
            "{ integrationHistoryRecordCounts(groupBy: [STATUS, DOCUMENT_TYPE, RESOLVED, INTEGRATION, DAY]) { status documentType resolved integrationId day count } }",
            json!({}),
        )
        .await;
    let mut expected: BTreeMap<String, i64> = BTreeMap::new();
    for r in record::Entity::find().all(&app.db).await.unwrap() {
        let doc = match r.document_type.as_str() {
            "Invoice" => "INVOICE",
            "Asn::Header" => "ASN_HEADER",
            other => panic!("unexpected {other}"),
        };
        let key = format!(
            "{}|{doc}|{}|{}|{}",
            r.status.unwrap_or_default(),
            r.resolved,
            r.integration_id.unwrap(),
            r.created_at.format("%Y-%m-%d")
        );
        *expected.entry(key).or_default() += 1;
    }
    let mut got = BTreeMap::new();
    for g in data["integrationHistoryRecordCounts"].as_array().unwrap() {
        let key = format!(
            "{}|{}|{}|{}|{}",
            g["status"].as_str().unwrap(),
            g["documentType"].as_str().unwrap(),
            g["resolved"],
            g["integrationId"],
            g["day"].as_str().unwrap()
        );
        got.insert(key, g["count"].as_i64().unwrap());
    }
    assert_eq!(got, expected);

    let open = app
        .data(
            "{ integrationHistoryRecordCounts(filter: {resolved: {eq: false}, integration: {code: {eq: \"B\"}}}, groupBy: [DOCUMENT_TYPE]) { documentType count } }",
            json!({}),
        )
        .await;
    let total: i64 = open["integrationHistoryRecordCounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["count"].as_i64().unwrap())
        .sum();
    let b = integration::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.code == "B")
        .unwrap()
        .id;
    let brute = record::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .filter(|r| !r.resolved && r.integration_id == Some(b))
        .count() as i64;
    assert_eq!(total, brute);
}

/// A fixed instant to spread rows from (a Monday, 21:00 UTC: hours cross midnight).
fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 21, 0, 0).unwrap()
}

/// The start of the UTC hour of `t`.
fn hour_of(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::hours(1)).unwrap()
}

/// An `hour` of the API, parsed.
fn parse_hour(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("an hour: {v}")))
        .unwrap()
        .with_timezone(&Utc)
}

/// Integration ids by code.
async fn codes(app: &TestApp) -> BTreeMap<i32, String> {
    integration::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.id, i.code))
        .collect()
}

/// Moves the seeded runs and records to times 37 minutes (and a few seconds and microseconds)
/// apart from [`base`]: many hours over three UTC days, some hours holding two rows.
async fn spread_over_hours(app: &TestApp) {
    let at = |i: usize| {
        base() + Duration::minutes(37 * i as i64) + Duration::microseconds(1_000_123 * i as i64)
    };
    for (i, r) in run::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .enumerate()
    {
        let mut m: run::ActiveModel = r.into();
        m.created_at = Set(at(i));
        m.update(&app.db).await.unwrap();
    }
    for (i, r) in record::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .enumerate()
    {
        let mut m: record::ActiveModel = r.into();
        m.created_at = Set(at(i + 3));
        m.update(&app.db).await.unwrap();
    }
}

#[tokio::test]
async fn hour_and_day_groups_agree_with_the_rows() {
    let app = spawn_app().await;
    seed(&app).await;
    spread_over_hours(&app).await;
    let codes = codes(&app).await;

    let data = app
        .data(
            "{ integrationRunCounts(groupBy: [INTEGRATION, DAY, HOUR]) { integration { code } day hour count recordsProcessed } }",
            json!({}),
        )
        .await;
    let mut expected: BTreeMap<(String, String, DateTime<Utc>), (i64, i64)> = BTreeMap::new();
    for r in run::Entity::find().all(&app.db).await.unwrap() {
        let key = (
            codes[&r.integration_id].clone(),
            r.created_at.format("%Y-%m-%d").to_string(),
            hour_of(r.created_at),
        );
        let e = expected.entry(key).or_default();
        e.0 += 1;
        e.1 += r.records_processed.unwrap_or(0) as i64;
    }
    let mut got = BTreeMap::new();
    for g in data["integrationRunCounts"].as_array().unwrap() {
        let key = (
            g["integration"]["code"].as_str().unwrap().to_owned(),
            g["day"].as_str().unwrap().to_owned(),
            parse_hour(&g["hour"]),
        );
        let v = (
            g["count"].as_i64().unwrap(),
            g["recordsProcessed"].as_i64().unwrap(),
        );
        assert!(got.insert(key, v).is_none(), "one group per key");
    }
    assert!(expected.len() > 7, "many hours: {expected:?}");
    assert_eq!(got, expected);

    // By hour alone: one group per hour, in time order, each at the start of its hour.
    let data = app
        .data(
            "{ integrationRunCounts(groupBy: [HOUR]) { hour day status count } }",
            json!({}),
        )
        .await;
    let mut by_hour: BTreeMap<DateTime<Utc>, i64> = BTreeMap::new();
    for r in run::Entity::find().all(&app.db).await.unwrap() {
        *by_hour.entry(hour_of(r.created_at)).or_default() += 1;
    }
    let groups = data["integrationRunCounts"].as_array().unwrap();
    let got: Vec<(DateTime<Utc>, i64)> = groups
        .iter()
        .map(|g| (parse_hour(&g["hour"]), g["count"].as_i64().unwrap()))
        .collect();
    assert_eq!(got, by_hour.into_iter().collect::<Vec<_>>());
    assert!(got.iter().any(|(_, n)| *n > 1), "some hour holds two runs");
    assert!(
        groups
            .iter()
            .all(|g| g["day"].is_null() && g["status"].is_null())
    );
    assert_eq!(groups[0]["hour"], "2026-11-30T21:00:00+00:00");

    // History records by hour and integration.
    let data = app
        .data(
            "{ integrationHistoryRecordCounts(groupBy: [HOUR, INTEGRATION]) { hour integrationId count } }",
            json!({}),
        )
        .await;
    let mut expected: BTreeMap<(DateTime<Utc>, i64), i64> = BTreeMap::new();
    for r in record::Entity::find().all(&app.db).await.unwrap() {
        *expected
            .entry((hour_of(r.created_at), r.integration_id.unwrap() as i64))
            .or_default() += 1;
    }
    let got: BTreeMap<(DateTime<Utc>, i64), i64> = data["integrationHistoryRecordCounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                (parse_hour(&g["hour"]), g["integrationId"].as_i64().unwrap()),
                g["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, expected);

    // A window: the hours from the fifth on, as the trends view asks with `createdAt: {gte}`.
    let since = base() + Duration::hours(5);
    let data = app
        .data(
            "query($since: DateTime!) { integrationRunCounts(filter: {createdAt: {gte: $since}}, groupBy: [HOUR]) { hour count } }",
            json!({ "since": since }),
        )
        .await;
    let brute: i64 = run::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .filter(|r| r.created_at >= since)
        .count() as i64;
    let groups = data["integrationRunCounts"].as_array().unwrap();
    assert!(groups.iter().all(|g| parse_hour(&g["hour"]) >= since));
    assert_eq!(
        groups
            .iter()
            .map(|g| g["count"].as_i64().unwrap())
            .sum::<i64>(),
        brute
    );
    assert!(brute > 0 && brute < 15);

    // One statement per aggregate, grouped by hour as by anything else.
    let before = app.statements();
    app.data(
        "{ integrationHistoryRecordCounts(groupBy: [HOUR, STATUS]) { count } }",
        json!({}),
    )
    .await;
    assert_eq!(app.statements() - before, 1);

    // An empty window: no group when grouped, one group of 0 when not.
    let empty = app
        .data(
            "{ grouped: integrationRunCounts(filter: {createdAt: {gte: \"2030-01-01T00:00:00Z\"}}, groupBy: [HOUR]) { hour count }
               all: integrationRunCounts(filter: {createdAt: {gte: \"2030-01-01T00:00:00Z\"}}) { hour count }
               records: integrationHistoryRecordCounts(filter: {createdAt: {gte: \"2030-01-01T00:00:00Z\"}}, groupBy: [DAY, HOUR]) { count } }",
            json!({}),
        )
        .await;
    assert_eq!(
        empty,
        json!({ "grouped": [], "all": [{ "hour": null, "count": 0 }], "records": [] })
    );
}

#[tokio::test]
async fn start_time_groups_agree_with_the_rows_and_leave_unstarted_runs_in_a_null_group() {
    let app = spawn_app().await;
    seed(&app).await;
    spread_over_hours(&app).await;
    // Start times unrelated to the creation times (29 minutes apart, from a day before), every
    // fourth run not started.
    let runs = run::Entity::find().all(&app.db).await.unwrap();
    for (i, r) in runs.into_iter().enumerate() {
        let start = (i % 4 != 3).then(|| {
            base() - Duration::days(1)
                + Duration::minutes(29 * i as i64)
                + Duration::microseconds(7 * i as i64)
        });
        time_run(&app, r.id as i64, start, None).await;
    }
    let runs = run::Entity::find().all(&app.db).await.unwrap();
    assert!(runs.iter().any(|r| r.start_time.is_none()));

    type Key = (Option<String>, Option<DateTime<Utc>>, String);
    let data = app
        .data(
            "{ integrationRunCounts(groupBy: [DAY, HOUR, STATUS], periodsOf: START_TIME) { day hour status count recordsProcessed } }",
            json!({}),
        )
        .await;
    let mut expected: BTreeMap<Key, (i64, i64)> = BTreeMap::new();
    for r in &runs {
        let key = (
            r.start_time.map(|t| t.format("%Y-%m-%d").to_string()),
            r.start_time.map(hour_of),
            r.status.to_uppercase(),
        );
        let e = expected.entry(key).or_default();
        e.0 += 1;
        e.1 += r.records_processed.unwrap_or(0) as i64;
    }
    let mut got: BTreeMap<Key, (i64, i64)> = BTreeMap::new();
    for g in data["integrationRunCounts"].as_array().unwrap() {
        let key = (
            g["day"].as_str().map(str::to_owned),
            (!g["hour"].is_null()).then(|| parse_hour(&g["hour"])),
            g["status"].as_str().unwrap().to_owned(),
        );
        let v = (
            g["count"].as_i64().unwrap(),
            g["recordsProcessed"].as_i64().unwrap(),
        );
        assert!(got.insert(key, v).is_none(), "one group per key");
    }
    assert!(expected.len() > 7, "many hours: {expected:?}");
    assert!(expected.keys().any(|k| k.0.is_none() && k.1.is_none()));
    assert_eq!(got, expected);

    // The trends' "runs started per hour": a startTime window leaves out the runs not started.
    let since = base() - Duration::days(1) + Duration::hours(2);
    let data = app
        .data(
            "query($since: DateTime!) { integrationRunCounts(filter: {startTime: {gte: $since}}, groupBy: [HOUR], periodsOf: START_TIME) { hour count } }",
            json!({ "since": since }),
        )
        .await;
    let mut by_hour: BTreeMap<DateTime<Utc>, i64> = BTreeMap::new();
    for t in runs.iter().filter_map(|r| r.start_time) {
        if t >= since {
            *by_hour.entry(hour_of(t)).or_default() += 1;
        }
    }
    let got: Vec<(DateTime<Utc>, i64)> = data["integrationRunCounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (parse_hour(&g["hour"]), g["count"].as_i64().unwrap()))
        .collect();
    assert!(!got.is_empty() && got.len() < runs.len());
    assert_eq!(got, by_hour.into_iter().collect::<Vec<_>>());

    // The default is still the creation time, and an empty window is empty on either time.
    let data = app
        .data(
            "{ created: integrationRunCounts(groupBy: [DAY]) { day count }
               byDefault: integrationRunCounts(groupBy: [DAY], periodsOf: CREATED_AT) { day count }
               empty: integrationRunCounts(filter: {startTime: {gte: \"2030-01-01T00:00:00Z\"}}, groupBy: [HOUR], periodsOf: START_TIME) { hour count } }",
            json!({}),
        )
        .await;
    assert_eq!(data["created"], data["byDefault"]);
    let mut by_day: BTreeMap<String, i64> = BTreeMap::new();
    for r in &runs {
        *by_day
            .entry(r.created_at.format("%Y-%m-%d").to_string())
            .or_default() += 1;
    }
    let got: BTreeMap<String, i64> = data["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["day"].as_str().unwrap().to_owned(),
                g["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, by_day);
    assert_eq!(data["empty"], json!([]));
}

/// Alerts of the three contact types at times 53 minutes apart, most of them of the seeded
/// integrations and some of none.
async fn seed_alerts(app: &TestApp) -> Vec<alert::Model> {
    let ids: Vec<i32> = codes(app).await.into_keys().collect();
    let types = ["Technical", "Functional", "Both"];
    for i in 0..40usize {
        alert::ActiveModel {
            integration_id: Set((i % 7 != 0).then(|| ids[i % ids.len()])),
            contact_alert_type: Set(types[(i / 2) % 3].to_owned()),
            message: Set(Some(format!("alert {i}"))),
            created_at: Set(base()
                + Duration::minutes(53 * i as i64)
                + Duration::microseconds(17 * i as i64)),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    alert::Entity::find().all(&app.db).await.unwrap()
}

#[tokio::test]
async fn alert_counts_agree_with_the_rows() {
    let app = spawn_app().await;
    seed(&app).await;
    let alerts = seed_alerts(&app).await;
    let codes = codes(&app).await;
    assert!(alerts.len() > 40, "the seeded alerts and these");

    let data = app
        .data(
            "{ integrationAlertCounts(groupBy: [INTEGRATION, CONTACT_ALERT_TYPE, DAY, HOUR]) { integration { code } integrationId contactAlertType day hour count } }",
            json!({}),
        )
        .await;
    let mut expected: BTreeMap<(Option<String>, String, String, DateTime<Utc>), i64> =
        BTreeMap::new();
    for a in &alerts {
        let key = (
            a.integration_id.map(|id| codes[&id].clone()),
            a.contact_alert_type.to_uppercase(),
            a.created_at.format("%Y-%m-%d").to_string(),
            hour_of(a.created_at),
        );
        *expected.entry(key).or_default() += 1;
    }
    let mut got = BTreeMap::new();
    for g in data["integrationAlertCounts"].as_array().unwrap() {
        let code = g["integration"]["code"].as_str().map(str::to_owned);
        assert_eq!(code.is_none(), g["integrationId"].is_null());
        let key = (
            code,
            g["contactAlertType"].as_str().unwrap().to_owned(),
            g["day"].as_str().unwrap().to_owned(),
            parse_hour(&g["hour"]),
        );
        assert!(
            got.insert(key, g["count"].as_i64().unwrap()).is_none(),
            "one group per key"
        );
    }
    assert!(expected.len() > 20);
    assert_eq!(got, expected);

    // By contact type within a window, as the trends chart asks, per day.
    let since = base() + Duration::hours(10);
    let data = app
        .data(
            "query($since: DateTime!) { integrationAlertCounts(filter: {createdAt: {gte: $since}}, groupBy: [DAY, CONTACT_ALERT_TYPE]) { day contactAlertType integration { code } count } }",
            json!({ "since": since }),
        )
        .await;
    let mut expected: BTreeMap<(String, String), i64> = BTreeMap::new();
    for a in alerts.iter().filter(|a| a.created_at >= since) {
        let key = (
            a.created_at.format("%Y-%m-%d").to_string(),
            a.contact_alert_type.to_uppercase(),
        );
        *expected.entry(key).or_default() += 1;
    }
    let groups = data["integrationAlertCounts"].as_array().unwrap();
    assert!(groups.iter().all(|g| g["integration"].is_null()));
    let got: BTreeMap<(String, String), i64> = groups
        .iter()
        .map(|g| {
            (
                (
                    g["day"].as_str().unwrap().to_owned(),
                    g["contactAlertType"].as_str().unwrap().to_owned(),
                ),
                g["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, expected);

    // The alert filter narrows them: one integration's technical alerts, in one group.
    let b = codes.iter().find(|(_, c)| *c == "B").unwrap().0;
    let data = app
        .data(
            "{ integrationAlertCounts(filter: {integration: {code: {eq: \"B\"}}, contactAlertType: {eq: TECHNICAL}}) { contactAlertType count } }",
            json!({}),
        )
        .await;
    let brute = alerts
        .iter()
        .filter(|a| a.integration_id == Some(*b) && a.contact_alert_type == "Technical")
        .count();
    assert!(brute > 0);
    assert_eq!(
        data["integrationAlertCounts"],
        json!([{ "contactAlertType": null, "count": brute }])
    );

    // One statement, however many groups.
    let before = app.statements();
    app.data(
        "{ integrationAlertCounts(groupBy: [HOUR, INTEGRATION]) { count } }",
        json!({}),
    )
    .await;
    assert_eq!(app.statements() - before, 1);

    // An empty window.
    let empty = app
        .data(
            "{ grouped: integrationAlertCounts(filter: {createdAt: {lt: \"2000-01-01T00:00:00Z\"}}, groupBy: [CONTACT_ALERT_TYPE]) { count }
               all: integrationAlertCounts(filter: {createdAt: {lt: \"2000-01-01T00:00:00Z\"}}) { contactAlertType count } }",
            json!({}),
        )
        .await;
    assert_eq!(
        empty,
        json!({ "grouped": [], "all": [{ "contactAlertType": null, "count": 0 }] })
    );
}

/// `percentile_cont(p)` of `values` as PostgreSQL defines it: sorted, the value at
/// `floor(p * (n - 1))` plus the fraction of the way to the next one.
fn percentile_cont(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let pos = p * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor(), pos.ceil());
    let (lo_value, hi_value) = (sorted[lo as usize], sorted[hi as usize]);
    Some(lo_value + (pos - lo) * (hi_value - lo_value))
}

/// The statistics a group of durations (in microseconds) should have, as the API writes them.
fn duration_stats(micros: &[i64]) -> Value {
    let values: Vec<f64> = micros.iter().map(|&m| m as f64).collect();
    let seconds = |v: Option<f64>| v.map(|v| v / 1_000_000.0);
    json!({
        "count": micros.len(),
        "medianSeconds": seconds(percentile_cont(&values, 0.5)),
        "p95Seconds": seconds(percentile_cont(&values, 0.95)),
        "maxSeconds": seconds(values.iter().copied().reduce(f64::max)),
    })
}

/// Sets a run's start and end times.
async fn time_run(
    app: &TestApp,
    id: i64,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
) {
    let r = run::Entity::find_by_id(id as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut m: run::ActiveModel = r.into();
    m.start_time = Set(start);
    m.end_time = Set(end);
    m.update(&app.db).await.unwrap();
}

#[tokio::test]
async fn run_durations_agree_with_percentile_cont() {
    let app = spawn_app().await;
    // ODD: 7 timed runs, EVEN: 24 (23 here and one below; percentiles between two runs), ONE:
    // 1, NONE: only runs without an end or a start time.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |bound: i64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound as u64) as i64
    };
    for (code, n) in [("ODD", 7), ("EVEN", 23), ("ONE", 1), ("NONE", 0)] {
        app.integration(code).await;
        for i in 0..n {
            let id = app.run(code).await;
            let start = base()
                + Duration::seconds(next(86_400))
                + Duration::nanoseconds(next(1_000_000_000));
            // Durations from under a second to hours, and one tie. Start and end have their
            // own sub-microsecond digits: each timestamp is truncated to the microsecond (as
            // PostgreSQL stores it) before the difference is taken.
            let length = if i == 3 {
                Duration::seconds(90)
            } else {
                Duration::nanoseconds(next(10_000_000_000_000))
            };
            time_run(&app, id, Some(start), Some(start + length)).await;
        }
        // Left out: a run still running (no end time), one never started with an end time, one
        // never timed at all.
        let running = app.run(code).await;
        app.act("run", running).await;
        let ended = app.run(code).await;
        time_run(&app, ended, None, Some(base())).await;
        app.run(code).await;
    }
    let tie = app.run("EVEN").await;
    time_run(
        &app,
        tie,
        Some(base()),
        Some(base() + Duration::seconds(90)),
    )
    .await;

    let runs = run::Entity::find().all(&app.db).await.unwrap();
    let codes = codes(&app).await;
    let micros = |r: &run::Model| match (r.start_time, r.end_time) {
        (Some(s), Some(e)) => Some(e.timestamp_micros() - s.timestamp_micros()),
        _ => None,
    };
    let mut expected: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for r in &runs {
        if let Some(us) = micros(r) {
            expected
                .entry(codes[&r.integration_id].clone())
                .or_default()
                .push(us);
        }
    }
    assert_eq!(expected["ODD"].len(), 7);
    assert_eq!(expected["EVEN"].len(), 24);
    assert!(!expected.contains_key("NONE"));

    let data = app
        .data(
            "{ integrationRunDurations(groupBy: [INTEGRATION]) { integration { code } integrationId count medianSeconds p95Seconds maxSeconds } }",
            json!({}),
        )
        .await;
    let mut got = BTreeMap::new();
    for g in data["integrationRunDurations"].as_array().unwrap() {
        let mut g = g.clone();
        let code = g["integration"]["code"].as_str().unwrap().to_owned();
        let object = g.as_object_mut().unwrap();
        object.remove("integration");
        object.remove("integrationId");
        got.insert(code, g);
    }
    let want: BTreeMap<String, Value> = expected
        .iter()
        .map(|(code, us)| (code.clone(), duration_stats(us)))
        .collect();
    assert_eq!(got, want);
    // The interpolation matters: EVEN's median lies between two runs, not on one.
    let even: Vec<f64> = expected["EVEN"].iter().map(|&u| u as f64 / 1e6).collect();
    let median = got["EVEN"]["medianSeconds"].as_f64().unwrap();
    assert!(!even.contains(&median), "{median} interpolated");
    assert_eq!(got["ONE"]["p95Seconds"], got["ONE"]["maxSeconds"]);

    // No groupBy: one group of every timed run.
    let all: Vec<i64> = runs.iter().filter_map(micros).collect();
    let data = app
        .data(
            "{ integrationRunDurations { integration { code } count medianSeconds p95Seconds maxSeconds } }",
            json!({}),
        )
        .await;
    let mut want = duration_stats(&all);
    want["integration"] = Value::Null;
    assert_eq!(data["integrationRunDurations"], json!([want]));

    // The run filter narrows them (runs ended after a time, of two integrations).
    let after = base() + Duration::hours(12);
    let data = app
        .data(
            "query($after: DateTime!) { integrationRunDurations(filter: {endTime: {gt: $after}, integration: {code: {in: [\"ODD\", \"EVEN\"]}}}) { count medianSeconds p95Seconds maxSeconds } }",
            json!({ "after": after }),
        )
        .await;
    let some: Vec<i64> = runs
        .iter()
        .filter(|r| r.end_time.is_some_and(|e| e > after))
        .filter(|r| ["ODD", "EVEN"].contains(&codes[&r.integration_id].as_str()))
        .filter_map(micros)
        .collect();
    assert!(some.len() > 2 && some.len() < 32);
    assert_eq!(
        data["integrationRunDurations"],
        json!([duration_stats(&some)])
    );

    // One statement.
    let before = app.statements();
    app.data(
        "{ integrationRunDurations(groupBy: [INTEGRATION]) { count p95Seconds } }",
        json!({}),
    )
    .await;
    assert_eq!(app.statements() - before, 1);

    // Zero runs: an integration with no timed run, and an empty window.
    let data = app
        .data(
            "{ none: integrationRunDurations(filter: {integration: {code: {eq: \"NONE\"}}}) { count medianSeconds p95Seconds maxSeconds }
               noneGrouped: integrationRunDurations(filter: {integration: {code: {eq: \"NONE\"}}}, groupBy: [INTEGRATION]) { count }
               window: integrationRunDurations(filter: {createdAt: {gte: \"2030-01-01T00:00:00Z\"}}, groupBy: [INTEGRATION]) { count } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data,
        json!({
            "none": [{ "count": 0, "medianSeconds": null, "p95Seconds": null, "maxSeconds": null }],
            "noneGrouped": [],
            "window": [],
        })
    );
}

#[tokio::test]
async fn more_groups_than_the_bound_are_refused() {
    use integration_gateway::service::aggregates::MAX_GROUPS;
    use sea_orm::{ConnectionTrait, Statement};

    let app = spawn_app().await;
    // One alert per hour, one more than the bound allows, written by one statement.
    let n = MAX_GROUPS + 1;
    let sql = match app.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => format!(
            "INSERT INTO integration_alerts (contact_alert_type, created_at) \
             SELECT 'Both', TIMESTAMPTZ '2020-01-01 00:00:00+00' + g * INTERVAL '1 hour' \
             FROM generate_series(0, {}) AS g",
            n - 1
        ),
        _ => format!(
            "WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < {}) \
             INSERT INTO integration_alerts (contact_alert_type, created_at) \
             SELECT 'Both', strftime('%Y-%m-%dT%H:%M:%S+00:00', '2020-01-01 00:00:00', '+' || i || ' hours') FROM g",
            n - 1
        ),
    };
    app.db
        .execute_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await
        .unwrap();

    let error = app
        .error(
            "{ integrationAlertCounts(groupBy: [HOUR]) { count } }",
            json!({}),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "VALIDATION", "{error}");
    assert_eq!(error["extensions"]["field"], "groupBy", "{error}");

    // The same with one hour less is answered whole.
    let data = app
        .data(
            "{ integrationAlertCounts(filter: {createdAt: {gt: \"2020-01-01T00:00:00Z\"}}, groupBy: [HOUR]) { hour count } }",
            json!({}),
        )
        .await;
    let groups = data["integrationAlertCounts"].as_array().unwrap();
    assert_eq!(groups.len() as u64, MAX_GROUPS);
    assert_eq!(groups[0]["hour"], "2020-01-01T01:00:00+00:00");
    assert!(groups.iter().all(|g| g["count"] == 1));
}
