//! Runs that happened before the gateway heard of them, written as they were: the demo's thirty
//! days of history (`seed --demo`), so that trends have something to show on a first start.
//!
//! Every past run is finished (successful or failed) at its own times; a failed one comes with the
//! alert the gateway raises for a failure ([`runs::failed_alert_source`]), and a run may carry
//! other alerts, each with the history record of its document, resolved and exported since. All
//! of it is one transaction of multi-row statements. No event is written: events announce changes
//! as they happen to whoever is subscribed, and nobody was subscribed to the past.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{integration, integration_history_record as record, integration_run};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::{
    Actor, alerts,
    alerts::AlertSource,
    begin_write,
    exports::{self, ExportMark},
    history::STATUS_ERROR,
    now, runs,
    sql::insert_returning,
};
use crate::{
    domain::{
        ContactAlertType, DocumentType, RunStatus,
        validation::{FieldError, RecordsProgress},
    },
    error::{AppError, AppResult},
};

/// A finished run of the past.
#[derive(Clone, Debug)]
pub struct PastRun {
    /// Its integration.
    pub integration_id: i32,
    /// How it ended: successful or failed.
    pub status: RunStatus,
    /// When it was created and started (the same moment: it did not wait).
    pub start_time: DateTime<Utc>,
    /// When it ended.
    pub end_time: DateTime<Utc>,
    /// How many records it had to move.
    pub total_records: i32,
    /// How many it moved.
    pub records_processed: i32,
    /// Its flow (a JSON object).
    pub flow: serde_json::Value,
    /// The alerts it raised besides its failure's.
    pub alerts: Vec<PastAlert>,
}

/// An alert a past run raised about one of its documents.
#[derive(Clone, Debug)]
pub struct PastAlert {
    /// Whose contacts it reached.
    pub audience: ContactAlertType,
    /// When it was raised.
    pub at: DateTime<Utc>,
    /// The document's type.
    pub document_type: DocumentType,
    /// The document's id.
    pub document_id: i32,
    /// What it said.
    pub message: String,
    /// When the document's record was resolved (and the document exported).
    pub resolved_at: DateTime<Utc>,
}

/// What a backfill wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BackfillReport {
    /// Runs written.
    pub runs: usize,
    /// Alerts written (failures' and documents').
    pub alerts: usize,
    /// History records written (one per document alert).
    pub records: usize,
}

/// Checks one past run; errors are named `runs[i].field`.
fn check(i: usize, run: &PastRun, at: DateTime<Utc>, errors: &mut Vec<FieldError>) {
    let mut fail = |field: &str, message: &str| {
        errors.push(FieldError::new(format!("runs[{i}].{field}"), message));
    };
    if !matches!(run.status, RunStatus::Successful | RunStatus::Failed) {
        fail("status", "a past run is finished: SUCCESSFUL or FAILED");
    }
    if run.end_time < run.start_time {
        fail("endTime", "must not be before startTime");
    }
    if run.end_time > at {
        fail("endTime", "must be in the past");
    }
    if let Err(e) = RecordsProgress::parse(Some(run.total_records), Some(run.records_processed)) {
        fail(&e.field, &e.message);
    }
    if !run.flow.is_object() {
        fail("flow", "must be a JSON object");
    }
    for (j, alert) in run.alerts.iter().enumerate() {
        if alert.at < run.start_time || alert.at > run.end_time {
            fail(
                &format!("alerts[{j}].at"),
                "must fall between the run's start and end",
            );
        }
        if alert.resolved_at < alert.at || alert.resolved_at > at {
            fail(
                &format!("alerts[{j}].resolvedAt"),
                "must fall between the alert and now",
            );
        }
    }
}

/// Writes past runs with their alerts and records, all or nothing.
pub async fn past_runs(
    db: &DatabaseConnection,
    actor: Actor,
    past: Vec<PastRun>,
) -> AppResult<BackfillReport> {
    let at = now();
    let mut errors = Vec::new();
    for (i, run) in past.iter().enumerate() {
        check(i, run, at, &mut errors);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if past.is_empty() {
        return Ok(BackfillReport::default());
    }
    let txn = begin_write(db).await?;
    let mut ids: Vec<i32> = past.iter().map(|r| r.integration_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let integrations: HashMap<i32, integration::Model> = integration::Entity::find()
        .filter(integration::Column::Id.is_in(ids.iter().copied()))
        .all(&txn)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    if let Some(missing) = ids.iter().find(|id| !integrations.contains_key(id)) {
        return Err(AppError::not_found_id("integration", *missing));
    }

    let rows: Vec<integration_run::ActiveModel> = past
        .iter()
        .map(|run| integration_run::ActiveModel {
            integration_id: Set(run.integration_id),
            flow: Set(Some(run.flow.clone())),
            status: Set(run.status.as_str().to_owned()),
            start_time: Set(Some(run.start_time)),
            end_time: Set(Some(run.end_time)),
            total_records: Set(Some(run.total_records)),
            records_processed: Set(Some(run.records_processed)),
            created_at: Set(run.start_time),
            updated_at: Set(run.end_time),
            created_by_id: Set(actor.user_id),
            updated_by_id: Set(actor.user_id),
            ..Default::default()
        })
        .collect();
    let models = insert_returning(&txn, &rows, |m| m.id).await?;

    // The failures' alerts, raised by the gateway itself (no creating user), as a failure does now.
    let mut raised = Vec::new();
    for (run, model) in past.iter().zip(&models) {
        if run.status == RunStatus::Failed {
            let source = runs::failed_alert_source(model.id, &integrations[&run.integration_id]);
            raised.push((ContactAlertType::Technical, source, run.end_time));
        }
    }
    let failures = raised.len();
    alerts::raise_many(&txn, Actor::default(), raised).await?;

    // The documents' alerts, each with its record (resolved since).
    let documents: Vec<(&integration_run::Model, &PastAlert)> = past
        .iter()
        .zip(&models)
        .flat_map(|(run, model)| run.alerts.iter().map(move |alert| (model, alert)))
        .collect();
    let record_rows: Vec<record::ActiveModel> = documents
        .iter()
        .map(|(run, alert)| record::ActiveModel {
            contact_alert_type: Set(alert.audience.as_str().to_owned()),
            document_type: Set(alert.document_type.as_str().to_owned()),
            document_id: Set(alert.document_id),
            document_revision: Set(Some(1)),
            integration_id: Set(Some(run.integration_id)),
            integration_run_id: Set(Some(run.id)),
            resolved: Set(true),
            status: Set(Some(STATUS_ERROR.to_owned())),
            created_at: Set(alert.at),
            updated_at: Set(alert.resolved_at),
            created_by_id: Set(actor.user_id),
            updated_by_id: Set(actor.user_id),
            ..Default::default()
        })
        .collect();
    let records = insert_returning(&txn, &record_rows, |m| m.id).await?;
    let document_alerts = documents
        .iter()
        .zip(&records)
        .map(|((run, alert), record)| {
            let source = AlertSource {
                integration_id: Some(run.integration_id),
                record_id: Some(record.id),
                run_id: Some(run.id),
                document_type: Some(record.document_type.clone()),
                document_id: Some(record.document_id),
                message: Some(alert.message.clone()),
                ..Default::default()
            };
            (alert.audience, source, alert.at)
        })
        .collect();
    alerts::raise_many(&txn, actor, document_alerts).await?;
    // Each document went through in the end; one statement per document, at its own time.
    for ((run, alert), record) in documents.iter().zip(&records) {
        let mark = ExportMark {
            document_type: alert.document_type,
            document_id: alert.document_id,
            run_id: Some(run.id),
            record_id: Some(record.id),
        };
        exports::mark(&txn, &[mark], alert.resolved_at).await?;
    }
    txn.commit().await?;
    Ok(BackfillReport {
        runs: models.len(),
        alerts: failures + records.len(),
        records: records.len(),
    })
}
