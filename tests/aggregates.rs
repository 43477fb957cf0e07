//! Dashboard aggregates agree with a brute-force count of the rows.

mod common;

use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use common::{TestApp, spawn_app};
use entity::{integration, integration_history_record as record, integration_run as run};
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
