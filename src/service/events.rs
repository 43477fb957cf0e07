//! The event log (transactional outbox): every change writes its events in the same transaction,
//! numbered in commit order, so subscribers see committed changes only, in order, and can replay.

use chrono::{DateTime, Utc};
use entity::{event_sequence, integration_event as event};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement,
    sea_query::{Expr, ExprTrait},
};

use super::{Actor, now};
use crate::error::{AppError, AppResult};

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventType {
    /// A run was created.
    RunCreated,
    /// A run's fields changed.
    RunUpdated,
    /// A run's status changed.
    RunStatusChanged,
    /// A history record was created.
    RecordCreated,
    /// A history record's fields changed.
    RecordUpdated,
    /// A history record was resolved.
    RecordResolved,
    /// A history record was unresolved.
    RecordUnresolved,
    /// A history record acknowledged its document.
    RecordAcknowledged,
    /// A history record marked its document exported.
    RecordExported,
    /// An integration error was created.
    ErrorCreated,
    /// An integration error's fields changed.
    ErrorUpdated,
    /// An integration error was resolved.
    ErrorResolved,
    /// An integration error was unresolved.
    ErrorUnresolved,
    /// An alert was raised.
    AlertRaised,
}

impl EventType {
    /// Every event type.
    pub const ALL: [EventType; 14] = [
        EventType::RunCreated,
        EventType::RunUpdated,
        EventType::RunStatusChanged,
        EventType::RecordCreated,
        EventType::RecordUpdated,
        EventType::RecordResolved,
        EventType::RecordUnresolved,
        EventType::RecordAcknowledged,
        EventType::RecordExported,
        EventType::ErrorCreated,
        EventType::ErrorUpdated,
        EventType::ErrorResolved,
        EventType::ErrorUnresolved,
        EventType::AlertRaised,
    ];

    /// The stored form (`run.status_changed`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::RunCreated => "run.created",
            EventType::RunUpdated => "run.updated",
            EventType::RunStatusChanged => "run.status_changed",
            EventType::RecordCreated => "record.created",
            EventType::RecordUpdated => "record.updated",
            EventType::RecordResolved => "record.resolved",
            EventType::RecordUnresolved => "record.unresolved",
            EventType::RecordAcknowledged => "record.acknowledged",
            EventType::RecordExported => "record.exported",
            EventType::ErrorCreated => "error.created",
            EventType::ErrorUpdated => "error.updated",
            EventType::ErrorResolved => "error.resolved",
            EventType::ErrorUnresolved => "error.unresolved",
            EventType::AlertRaised => "alert.raised",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// An event to write.
#[derive(Clone, Debug, Default)]
pub struct NewEvent {
    /// What happened (stored form, from [`EventType::as_str`]).
    pub event_type: Option<EventType>,
    /// The changed object.
    pub object_id: i32,
    /// The integration concerned.
    pub integration_id: Option<i32>,
    /// The run concerned.
    pub run_id: Option<i32>,
    /// The document's type (stored form).
    pub document_type: Option<String>,
    /// The document's id.
    pub document_id: Option<i32>,
    /// The status before.
    pub previous_status: Option<String>,
    /// The status after.
    pub new_status: Option<String>,
    /// The action that made the change.
    pub action: Option<String>,
    /// For alerts: which contacts.
    pub contact_alert_type: Option<String>,
}

impl NewEvent {
    /// An event of this type about this object.
    pub fn new(event_type: EventType, object_id: i32) -> Self {
        Self {
            event_type: Some(event_type),
            object_id,
            ..Default::default()
        }
    }
}

/// Writes events inside the caller's transaction. Taking their numbers locks the sequence row
/// until the transaction ends, so numbers follow commit order; call it last in a transaction.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    actor: Actor,
    events: Vec<NewEvent>,
) -> AppResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let n = events.len() as i64;
    event_sequence::Entity::update_many()
        .col_expr(
            event_sequence::Column::LastSequence,
            Expr::col(event_sequence::Column::LastSequence).add(n),
        )
        .filter(event_sequence::Column::Id.eq(1))
        .exec(db)
        .await?;
    let last = event_sequence::Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal("the event_sequence row is missing".into()))?
        .last_sequence;
    let at = now();
    let first = last - n + 1;
    let rows: Vec<event::ActiveModel> = events
        .into_iter()
        .enumerate()
        .map(|(i, e)| event::ActiveModel {
            sequence: Set(first + i as i64),
            event_type: Set(e
                .event_type
                .map(|t| t.as_str())
                .unwrap_or("unknown")
                .to_owned()),
            object_id: Set(e.object_id),
            integration_id: Set(e.integration_id),
            integration_run_id: Set(e.run_id),
            document_type: Set(e.document_type),
            document_id: Set(e.document_id),
            previous_status: Set(e.previous_status),
            new_status: Set(e.new_status),
            action: Set(e.action),
            contact_alert_type: Set(e.contact_alert_type),
            principal_id: Set(actor.user_id),
            created_at: Set(at),
        })
        .collect();
    for chunk in rows.chunks(super::sql::INSERT_CHUNK) {
        event::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    if db.get_database_backend() == DbBackend::Postgres {
        // Delivered to every LISTENing gateway when (and only if) the transaction commits.
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [NOTIFY_CHANNEL.into(), last.to_string().into()],
        ))
        .await?;
    }
    Ok(())
}

/// The PostgreSQL channel that announces committed events (the payload is the last sequence).
pub const NOTIFY_CHANNEL: &str = "integration_events";

/// Stored events after `sequence` that match `filter`, oldest first, at most `limit`.
pub async fn after<C: ConnectionTrait>(
    db: &C,
    sequence: i64,
    filter: Condition,
    limit: u64,
) -> AppResult<Vec<event::Model>> {
    Ok(event::Entity::find()
        .filter(event::Column::Sequence.gt(sequence))
        .filter(filter)
        .order_by_asc(event::Column::Sequence)
        .limit(limit)
        .all(db)
        .await?)
}

/// The newest sequence handed out (0 when none).
pub async fn last_sequence<C: ConnectionTrait>(db: &C) -> AppResult<i64> {
    Ok(event_sequence::Entity::find_by_id(1)
        .one(db)
        .await?
        .map(|r| r.last_sequence)
        .unwrap_or(0))
}

/// Deletes events older than `before`; returns how many.
pub async fn prune<C: ConnectionTrait>(db: &C, before: DateTime<Utc>) -> AppResult<u64> {
    Ok(event::Entity::delete_many()
        .filter(event::Column::CreatedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}
