//! Integration runs: create, update, and every lifecycle action through one function.

use chrono::{DateTime, Utc};
use entity::{integration_error, integration_run};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    FromQueryResult, PaginatorTrait, QueryFilter, QuerySelect, QueryTrait, Statement,
    sea_query::{Expr, ExprTrait, PostgresQueryBuilder},
};

use super::{
    Actor, IntegrationRef, alerts, begin_write,
    events::{self, EventType, NewEvent},
    integrations, now,
};
use crate::{
    domain::{
        ContactAlertType, RunAction, RunStatus, Transition,
        run_status::transition,
        validation::{RecordsProgress, flow_object},
    },
    error::{AppError, AppResult},
};

/// The run fields a client may write (on create, update and every action); `None` keeps a field.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunInput {
    /// Free-form description of the flow (a JSON object).
    pub flow: Option<serde_json::Value>,
    /// When the run started.
    pub start_time: Option<DateTime<Utc>>,
    /// When the run ended.
    pub end_time: Option<DateTime<Utc>>,
    /// How many records the run has to move.
    pub total_records: Option<i32>,
    /// How many it has moved.
    pub records_processed: Option<i32>,
    /// The newest `updated_at` the run has exported.
    pub max_updated_at: Option<DateTime<Utc>>,
}

impl RunInput {
    fn is_empty(&self) -> bool {
        *self == RunInput::default()
    }

    /// Validates the input against the run's current values (progress is checked as it would be stored).
    fn validate(&self, current: Option<&integration_run::Model>) -> AppResult<()> {
        let mut errors = Vec::new();
        if let Some(flow) = &self.flow
            && let Err(e) = flow_object(flow)
        {
            errors.push(e);
        }
        let total = self.total_records.or(current.and_then(|r| r.total_records));
        let processed = self
            .records_processed
            .or(current.and_then(|r| r.records_processed));
        if let Err(e) = RecordsProgress::parse(total, processed) {
            errors.push(e);
        }
        let start = self.start_time.or(current.and_then(|r| r.start_time));
        let end = self.end_time.or(current.and_then(|r| r.end_time));
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            errors.push(crate::domain::validation::FieldError::new(
                "endTime",
                "must not be before startTime",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(errors))
        }
    }
}

/// The event of a change to a run.
fn run_event(event_type: EventType, m: &integration_run::Model) -> NewEvent {
    NewEvent {
        integration_id: Some(m.integration_id),
        run_id: Some(m.id),
        ..NewEvent::new(event_type, m.id)
    }
}

/// Finds a run by id.
pub async fn find_by_id<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<integration_run::Model> {
    integration_run::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found_id("integration run", id))
}

/// The column assignments of an input, for one UPDATE statement.
fn input_columns(input: &RunInput) -> Vec<(integration_run::Column, sea_orm::Value)> {
    use integration_run::Column as C;
    let mut cols = Vec::new();
    if let Some(v) = &input.flow {
        cols.push((C::Flow, sea_orm::Value::from(v.clone())));
    }
    if let Some(v) = input.start_time {
        cols.push((C::StartTime, v.into()));
    }
    if let Some(v) = input.end_time {
        cols.push((C::EndTime, v.into()));
    }
    if let Some(v) = input.total_records {
        cols.push((C::TotalRecords, v.into()));
    }
    if let Some(v) = input.records_processed {
        cols.push((C::RecordsProcessed, v.into()));
    }
    if let Some(v) = input.max_updated_at {
        cols.push((C::MaxUpdatedAt, v.into()));
    }
    cols
}

/// Maps the progress CHECK (a concurrent update slipped past validation) to a VALIDATION error.
fn check_violation(err: sea_orm::DbErr) -> AppError {
    if err.to_string().contains("integration_runs_progress_chk") {
        AppError::field("recordsProcessed", "must not exceed totalRecords")
    } else {
        err.into()
    }
}

/// Creates a run of an integration, in status `pending`.
pub async fn create(
    db: &DatabaseConnection,
    actor: Actor,
    integration: IntegrationRef,
    input: RunInput,
) -> AppResult<integration_run::Model> {
    input.validate(None)?;
    let txn = begin_write(db).await?;
    let integration = integrations::find(&txn, &integration).await?;
    let at = now();
    let model = integration_run::ActiveModel {
        integration_id: Set(integration.id),
        flow: Set(input.flow),
        status: Set(RunStatus::Pending.as_str().to_owned()),
        start_time: Set(input.start_time),
        end_time: Set(input.end_time),
        total_records: Set(input.total_records),
        records_processed: Set(input.records_processed),
        max_updated_at: Set(input.max_updated_at),
        created_at: Set(at),
        updated_at: Set(at),
        created_by_id: Set(actor.user_id),
        updated_by_id: Set(actor.user_id),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(check_violation)?;
    let created = NewEvent {
        new_status: Some(model.status.clone()),
        ..run_event(EventType::RunCreated, &model)
    };
    events::record(&txn, actor, vec![created]).await?;
    txn.commit().await?;
    Ok(model)
}

/// Updates a run's fields; never its status.
pub async fn update(
    db: &DatabaseConnection,
    actor: Actor,
    id: i32,
    input: RunInput,
) -> AppResult<integration_run::Model> {
    let txn = begin_write(db).await?;
    let run = update_in(&txn, actor, id, input).await?;
    txn.commit().await?;
    Ok(run)
}

/// Like [`update`], inside the caller's transaction (an import's progress commits with its rows).
/// Its `RunUpdated` event holds the event sequence until the transaction ends ([`events::record`]).
pub async fn update_in<C: ConnectionTrait>(
    txn: &C,
    actor: Actor,
    id: i32,
    input: RunInput,
) -> AppResult<integration_run::Model> {
    let current = find_by_id(txn, id).await?;
    input.validate(Some(&current))?;
    if input.is_empty() {
        return Ok(current);
    }
    let mut update = integration_run::Entity::update_many()
        .filter(integration_run::Column::Id.eq(id))
        .col_expr(integration_run::Column::UpdatedAt, Expr::value(now()))
        .col_expr(
            integration_run::Column::UpdatedById,
            Expr::value(actor.user_id),
        );
    for (col, value) in input_columns(&input) {
        update = update.col_expr(col, Expr::value(value));
    }
    update.exec(txn).await.map_err(check_violation)?;
    let run = find_by_id(txn, id).await?;
    events::record(txn, actor, vec![run_event(EventType::RunUpdated, &run)]).await?;
    Ok(run)
}

/// How many unresolved errors a run has (they block `success`).
async fn unresolved_errors<C: ConnectionTrait>(db: &C, run_id: i32) -> AppResult<u64> {
    Ok(integration_error::Entity::find()
        .filter(integration_error::Column::IntegrationRunId.eq(run_id))
        .filter(integration_error::Column::Resolved.eq(false))
        .count(db)
        .await?)
}

/// Applies a lifecycle action (run, pause, pending, success, finish, fail) with the optional run input.
///
/// Every entry point goes through here. The status change is one compare-and-set UPDATE
/// (`WHERE status = <from>`), so of many concurrent conflicting actions exactly one wins; a
/// loser re-reads the run and gets either the no-op of a repeated action or INVALID_TRANSITION.
/// A no-op changes nothing, not even the input fields, so a retry is harmless.
///
/// On PostgreSQL the change is one statement (the compare-and-set, its event and the event's
/// announcement, answering the changed run), which is its own transaction: the read before it
/// only chooses the transition, and the compare-and-set holds it to what was read. On SQLite it
/// runs in a write transaction, and so does a move to `failed` on PostgreSQL: a run that fails
/// raises an alert to its integration's technical contacts in the same transaction
/// ([`raise_failed_alert`]).
pub async fn apply_action(
    db: &DatabaseConnection,
    actor: Actor,
    id: i32,
    action: RunAction,
    input: RunInput,
) -> AppResult<integration_run::Model> {
    // A move to `failed` raises an alert in the same transaction, so it takes the general path.
    if db.get_database_backend() == DbBackend::Postgres && action.target() != RunStatus::Failed {
        if input.is_empty()
            && let Some(run) = apply_action_at_once(db, actor, id, action).await?
        {
            return Ok(run);
        }
        return apply_action_in(db, actor, id, action, input).await;
    }
    let txn = begin_write(db).await?;
    let run = apply_action_in(&txn, actor, id, action, input).await?;
    txn.commit().await?;
    Ok(run)
}

/// PostgreSQL, an action without input fields (the common case: `pause`, `run`, …): the whole
/// change in one statement, which takes the run's row lock, compares its status with every
/// status the action moves from (asking [`transition`] of each, so the rule stays in the
/// domain), checks what the action requires (no open errors, `endTime` not before `startTime`),
/// changes the run and writes and announces the event naming the status it left. `None` when the
/// run was not changed — missing, a repeat (no-op), refused, or a rule not met — and the general
/// path (read, decide, compare-and-set) then gives the exact answer; it costs that path one
/// statement more, the common case one statement in all.
async fn apply_action_at_once<C: ConnectionTrait>(
    db: &C,
    actor: Actor,
    id: i32,
    action: RunAction,
) -> AppResult<Option<integration_run::Model>> {
    let mut from = Vec::new();
    let mut shape = None;
    for status in RunStatus::ALL {
        if let Ok(Transition::Move {
            to,
            sets_start_time,
            sets_end_time,
            requires_no_unresolved_errors,
            ..
        }) = transition(status, action)
        {
            from.push(status.as_str().to_owned());
            let this = (
                to,
                sets_start_time,
                sets_end_time,
                requires_no_unresolved_errors,
            );
            // Every move of one action has the same target and rules; should one ever differ,
            // the general path (which decides per status) handles the action.
            if shape.replace(this).is_some_and(|before| before != this) {
                return Ok(None);
            }
        }
    }
    let Some((to, sets_start, sets_end, needs_no_errors)) = shape else {
        return Ok(None);
    };
    let at = now();
    let mut values: Vec<sea_orm::Value> = Vec::new();
    let mut p = |v: sea_orm::Value| {
        values.push(v);
        format!("${}", values.len())
    };
    let (id_p, from_p, to_p, at_p, by_p) = (
        p(id.into()),
        p(from.into()),
        p(to.as_str().into()),
        p(at.into()),
        p(actor.user_id.into()),
    );
    // The run's times after the change, to hold `endTime` ≥ `startTime` as validation would.
    let start = if sets_start {
        format!("COALESCE(r.start_time, {at_p})")
    } else {
        "r.start_time".to_owned()
    };
    let end = if sets_end {
        at_p.clone()
    } else {
        "r.end_time".to_owned()
    };
    let open_errors = if needs_no_errors {
        " AND NOT EXISTS (SELECT 1 FROM integration_errors e \
           WHERE e.integration_run_id = r.id AND NOT e.resolved)"
    } else {
        ""
    };
    let (event, announce) = events::outbox_cte(
        "changed",
        &[
            ("event_type", p(EventType::RunStatusChanged.as_str().into())),
            ("object_id", "changed.id".into()),
            ("integration_id", "changed.integration_id".into()),
            ("integration_run_id", "changed.id".into()),
            ("previous_status", "changed.previous_status".into()),
            ("new_status", to_p.clone()),
            ("action", p(action.as_str().into())),
            ("principal_id", by_p.clone()),
            ("created_at", at_p.clone()),
        ],
        &mut p,
    );
    let sql = format!(
        "WITH old AS (SELECT id, status FROM integration_runs WHERE id = {id_p} FOR UPDATE), \
         changed AS (UPDATE integration_runs r SET status = {to_p}, updated_at = {at_p}, \
           updated_by_id = {by_p}, start_time = {start}, end_time = {end} \
           FROM old WHERE r.id = old.id AND old.status = ANY({from_p}) \
           AND ({start} IS NULL OR {end} IS NULL OR {end} >= {start}){open_errors} \
           RETURNING r.*, old.status AS previous_status), \
         {event} \
         SELECT changed.* FROM changed {announce}"
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await
        .map_err(check_violation)?;
    Ok(match row {
        Some(row) => Some(integration_run::Model::from_query_result(&row, "")?),
        None => None,
    })
}

/// [`apply_action`] over `db`: a write transaction (SQLite) or the pool (PostgreSQL, where the
/// change is one statement).
async fn apply_action_in<C: ConnectionTrait>(
    db: &C,
    actor: Actor,
    id: i32,
    action: RunAction,
    input: RunInput,
) -> AppResult<integration_run::Model> {
    let backend = db.get_database_backend();
    // A lost compare-and-set means another action won in between; re-reading once settles it,
    // the bound only guards against a livelock.
    for _ in 0..5 {
        let run = find_by_id(db, id).await?;
        let status: RunStatus = run
            .status
            .parse()
            .map_err(|e: String| AppError::Internal(e.into()))?;
        let (from, to, sets_start, sets_end, needs_no_errors) = match transition(status, action) {
            Err(refused) => {
                return Err(AppError::InvalidTransition { refused });
            }
            Ok(Transition::NoOp) => return Ok(run),
            Ok(Transition::Move {
                from,
                to,
                sets_start_time,
                sets_end_time,
                requires_no_unresolved_errors,
            }) => (
                from,
                to,
                sets_start_time,
                sets_end_time,
                requires_no_unresolved_errors,
            ),
        };
        let at = now();
        let mut input = input.clone();
        if sets_start && run.start_time.is_none() && input.start_time.is_none() {
            input.start_time = Some(at);
        }
        if sets_end && input.end_time.is_none() {
            input.end_time = Some(at);
        }
        input.validate(Some(&run))?;

        let mut update = integration_run::Entity::update_many()
            .filter(integration_run::Column::Id.eq(id))
            .filter(integration_run::Column::Status.eq(from.as_str()))
            .col_expr(integration_run::Column::Status, Expr::value(to.as_str()))
            .col_expr(integration_run::Column::UpdatedAt, Expr::value(at))
            .col_expr(
                integration_run::Column::UpdatedById,
                Expr::value(actor.user_id),
            );
        for (col, value) in input_columns(&input) {
            update = update.col_expr(col, Expr::value(value));
        }
        if needs_no_errors {
            // Checked in the same statement, so an error reported concurrently cannot slip past.
            let open_errors = integration_error::Entity::find()
                .select_only()
                .column(integration_error::Column::Id)
                .filter(integration_error::Column::IntegrationRunId.eq(id))
                .filter(integration_error::Column::Resolved.eq(false))
                .into_query();
            update = update.filter(Condition::all().add(Expr::exists(open_errors).not()));
        }
        let mut update = update.into_query();
        update.returning_all();
        let changed = NewEvent {
            previous_status: Some(from.as_str().to_owned()),
            new_status: Some(to.as_str().to_owned()),
            action: Some(action.as_str().to_owned()),
            ..NewEvent::new(EventType::RunStatusChanged, id)
        };
        let statement = if backend == DbBackend::Postgres {
            with_event(update, actor, at, &changed)
        } else {
            backend.build(&update)
        };
        let row = db.query_one_raw(statement).await.map_err(check_violation)?;
        if let Some(row) = row {
            let run = integration_run::Model::from_query_result(&row, "")?;
            if backend != DbBackend::Postgres {
                events::record(db, actor, vec![run_event_of(changed, &run)]).await?;
            }
            if to == RunStatus::Failed {
                raise_failed_alert(db, &run, at).await?;
            }
            return Ok(run);
        }
        if needs_no_errors {
            let open = unresolved_errors(db, id).await?;
            let current = find_by_id(db, id).await?;
            if open > 0 && current.status == from.as_str() {
                return Err(AppError::UnresolvedErrors {
                    run_id: id,
                    action,
                    count: open,
                });
            }
        }
    }
    Err(AppError::Internal(
        format!("run {id}: the {action} action lost its compare-and-set 5 times").into(),
    ))
}

/// The alert a run that has just failed raises for its integration's technical contacts, with
/// its event, in the caller's transaction (the one that moved the run). The gateway raises it
/// itself: it has no creating user, whoever failed the run.
async fn raise_failed_alert<C: ConnectionTrait>(
    db: &C,
    run: &integration_run::Model,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let integration = integrations::find_by_id(db, run.integration_id).await?;
    let source = failed_alert_source(run.id, &integration);
    let system = Actor::default();
    let alert = alerts::raise(db, system, ContactAlertType::Technical, source, at).await?;
    events::record(db, system, vec![alerts::alert_event(&alert)]).await
}

/// What the alert of a failed run says (also what the demo's past failures raised).
pub(crate) fn failed_alert_source(
    run_id: i32,
    integration: &entity::integration::Model,
) -> alerts::AlertSource {
    alerts::AlertSource {
        integration_id: Some(integration.id),
        run_id: Some(run_id),
        message: Some(format!(
            "run {run_id} of integration {} ({}) failed",
            integration.code, integration.name
        )),
        ..Default::default()
    }
}

/// `event` completed with the run's integration (as [`run_event`] makes it).
fn run_event_of(event: NewEvent, run: &integration_run::Model) -> NewEvent {
    NewEvent {
        integration_id: Some(run.integration_id),
        run_id: Some(run.id),
        ..event
    }
}

/// PostgreSQL: `update` (a run's change, `RETURNING *`) with the event of the change written and
/// announced in the same statement, only when the update changed the run.
fn with_event(
    update: sea_orm::sea_query::UpdateStatement,
    actor: Actor,
    at: DateTime<Utc>,
    event: &NewEvent,
) -> Statement {
    let (sql, values) = update.build(PostgresQueryBuilder);
    let mut values = values.0;
    let mut p = |v: sea_orm::Value| {
        values.push(v);
        format!("${}", values.len())
    };
    let (event, announce) = events::outbox_cte(
        "changed",
        &[
            (
                "event_type",
                p(event
                    .event_type
                    .map(|t| t.as_str())
                    .unwrap_or("unknown")
                    .into()),
            ),
            ("object_id", "changed.id".into()),
            ("integration_id", "changed.integration_id".into()),
            ("integration_run_id", "changed.id".into()),
            ("previous_status", p(event.previous_status.clone().into())),
            ("new_status", p(event.new_status.clone().into())),
            ("action", p(event.action.clone().into())),
            ("principal_id", p(actor.user_id.into())),
            ("created_at", p(at.into())),
        ],
        &mut p,
    );
    let sql = format!("WITH changed AS ({sql}), {event} SELECT changed.* FROM changed {announce}");
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// Saves a run's high-water mark (`max_updated_at`) with the optional run input; never changes status.
pub async fn set_max_updated_at(
    db: &DatabaseConnection,
    actor: Actor,
    id: i32,
    max_updated_at: DateTime<Utc>,
    input: RunInput,
) -> AppResult<integration_run::Model> {
    update(
        db,
        actor,
        id,
        RunInput {
            max_updated_at: Some(max_updated_at),
            ..input
        },
    )
    .await
}
