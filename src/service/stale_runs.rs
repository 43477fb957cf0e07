//! Stale runs: a run left `pending` or `running` longer than its integration's expected duration
//! (`integrations.expected_duration_seconds`, counted from the run's start time, or from its
//! creation while it has none) raises one "stale run" alert for the integration's technical
//! contacts, once per run.
//!
//! Once is kept by `integration_runs.stale_alerted_at`: a round claims a run with one conditional
//! UPDATE (`… WHERE id = ? AND stale_alerted_at IS NULL AND status IN ('pending', 'running')`) and
//! raises the alert, with its event, in the same transaction. Gateways checking at the same time
//! on PostgreSQL serialise on the run's row lock: the second one's UPDATE re-reads the row once
//! the first commits (READ COMMITTED), finds `stale_alerted_at` set and changes nothing, so it
//! raises nothing; a rolled-back claim leaves the run to the next round. SQLite has one writer.
//! A run that finishes in between is no longer `pending` or `running` and is not claimed.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{integration, integration_run as run};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait, sea_query::Expr,
};

use super::{Actor, alerts, begin_write, events};
use crate::{
    domain::{ContactAlertType, RunStatus},
    error::AppResult,
};

/// How many candidate runs one statement of a round reads.
const CHUNK: u64 = 1000;

/// A run that may be stale: still pending or running, not alerted, of an integration with an
/// expected duration.
#[derive(Debug, FromQueryResult)]
struct Candidate {
    id: i32,
    integration_id: i32,
    status: String,
    start_time: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    expected_duration_seconds: i32,
    code: String,
}

impl Candidate {
    /// When the run outlives its expected duration.
    fn due_at(&self) -> DateTime<Utc> {
        self.start_time.unwrap_or(self.created_at)
            + chrono::Duration::seconds(i64::from(self.expected_duration_seconds))
    }
}

/// The statuses a stale run is in.
fn open_statuses() -> [&'static str; 2] {
    [RunStatus::Pending.as_str(), RunStatus::Running.as_str()]
}

/// One round: raises the alert of every run that is stale at `at` and has none yet; answers how
/// many this round raised (another gateway's round may have raised the others).
///
/// Durations are compared here rather than in SQL, where date arithmetic differs between SQLite
/// and PostgreSQL; the candidates (open runs of integrations with an expected duration) are read
/// in chunks of [`CHUNK`] by id, so a round's memory is bounded whatever their number.
pub async fn check(db: &DatabaseConnection, at: DateTime<Utc>) -> AppResult<usize> {
    let mut raised = 0;
    let mut after = 0;
    loop {
        let candidates = run::Entity::find()
            .select_only()
            .columns([
                run::Column::Id,
                run::Column::IntegrationId,
                run::Column::Status,
                run::Column::StartTime,
                run::Column::CreatedAt,
            ])
            .column(integration::Column::ExpectedDurationSeconds)
            .column(integration::Column::Code)
            .join(JoinType::InnerJoin, run::Relation::Integration.def())
            .filter(run::Column::Id.gt(after))
            .filter(run::Column::Status.is_in(open_statuses()))
            .filter(run::Column::StaleAlertedAt.is_null())
            .filter(integration::Column::ExpectedDurationSeconds.is_not_null())
            .order_by_asc(run::Column::Id)
            .limit(CHUNK)
            .into_model::<Candidate>()
            .all(db)
            .await?;
        let Some(last) = candidates.last() else {
            break;
        };
        after = last.id;
        let full = candidates.len() as u64 == CHUNK;
        for candidate in candidates.iter().filter(|c| c.due_at() <= at) {
            if raise(db, candidate, at).await? {
                raised += 1;
            }
        }
        if !full {
            break;
        }
    }
    Ok(raised)
}

/// Claims a stale run and raises its alert in one transaction; `false` when another round
/// claimed it first or the run is no longer open.
async fn raise(db: &DatabaseConnection, run: &Candidate, at: DateTime<Utc>) -> AppResult<bool> {
    let txn = begin_write(db).await?;
    let claimed = run::Entity::update_many()
        .col_expr(run::Column::StaleAlertedAt, Expr::value(at))
        .filter(run::Column::Id.eq(run.id))
        .filter(run::Column::StaleAlertedAt.is_null())
        .filter(run::Column::Status.is_in(open_statuses()))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(false);
    }
    let elapsed = (at - run.start_time.unwrap_or(run.created_at)).num_seconds();
    let source = alerts::AlertSource {
        integration_id: Some(run.integration_id),
        run_id: Some(run.id),
        message: Some(format!(
            "stale run: run {} of integration {} has been {} for {elapsed} s, longer than the \
             expected {} s",
            run.id, run.code, run.status, run.expected_duration_seconds
        )),
        ..Default::default()
    };
    // The gateway raises it: no creating user.
    let system = Actor::default();
    let alert = alerts::raise(&txn, system, ContactAlertType::Technical, source, at).await?;
    events::record(&txn, system, vec![alerts::alert_event(&alert)]).await?;
    txn.commit().await?;
    Ok(true)
}

/// Runs [`check`] every `interval` until shutdown begins ([`crate::shutdown`]); a round in
/// progress finishes its transactions first. A failed round is logged and retried at the next
/// tick.
pub async fn check_periodically(db: DatabaseConnection, interval: Duration) {
    // The first round one interval after start, not at once: a gateway starting is busy enough.
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = crate::shutdown::wait() => break,
            _ = ticks.tick() => {}
        }
        match check(&db, super::now()).await {
            Ok(0) => {}
            Ok(raised) => tracing::info!(raised, "stale run alerts raised"),
            Err(e) => {
                tracing::warn!(error = %e, "stale run check failed; retrying at the next tick")
            }
        }
    }
}
