//! The event log (transactional outbox): every change writes its events in the same transaction;
//! they are numbered in commit order, so subscribers see committed changes only, in order, with
//! no gap, and can replay (`afterSequence`).
//!
//! # Numbering without a lock held by writers
//!
//! **SQLite** allows one writer at a time: a writer numbers its events in its own transaction
//! (one `UPDATE event_sequence … RETURNING`, one `INSERT`), so numbers follow commit order.
//!
//! **PostgreSQL**: a writer inserts its events unnumbered into `integration_event_outbox`, whose
//! `id` (a sequence, drawn when the row is written) orders them, and `NOTIFY`s
//! [`PENDING_CHANNEL`] (delivered at commit, never on rollback). No writer touches
//! `event_sequence`, so writers do not queue on each other. A *sequencer round*
//! ([`sequence_pending`], one statement, so one transaction) deletes the outbox rows it can see
//! (`FOR UPDATE`, in `id` order), bumps `event_sequence` by their count and inserts them into
//! `integration_events` numbered `base + 1 …` in `id` order, then `NOTIFY`s [`NOTIFY_CHANNEL`].
//! Every gateway's broker runs rounds when a writer announces events (at once) and on a poll (the
//! safety net: a writer whose instance died after its commit, a lost notification). Readers
//! (subscriptions, `afterSequence` replays, the dispatcher) read `integration_events` only.
//!
//! Why this is correct, with any number of rounds running at once in any number of instances:
//!
//! 1. *Nothing uncommitted, nothing rolled back.* A round sees the outbox rows of its statement's
//!    snapshot: committed ones only. A rolled-back writer's rows are never visible to anyone.
//! 2. *Each event numbered once.* A round deletes what it numbers in the same transaction. Two
//!    rounds that see the same row serialise on its row lock (`FOR UPDATE`); the second one
//!    re-checks the row after the first commits, finds it deleted and skips it (READ COMMITTED's
//!    re-check), so `moved` holds only the rows this round really deleted.
//! 3. *No number below a visible one is handed out later; no gap.* Numbers come from
//!    `event_sequence`, whose row the round locks and bumps by exactly the count it moves; a
//!    concurrent round waits for that lock and then computes from the committed value (the
//!    `UPDATE` re-reads the newest row version), so rounds take disjoint, consecutive ranges in
//!    lock order and each range becomes visible at once, at its round's commit, after every lower
//!    range. A subscriber that has read up to `n` therefore never later meets an event below `n`.
//!    Rounds lock outbox rows in `id` order and `event_sequence` only after their `DELETE` has
//!    finished, so two rounds cannot deadlock.
//! 4. *Commit order.* If transaction A committed before transaction B wrote its events (in
//!    particular whenever both changed the same row: B's change waits for A's row lock until A
//!    commits, and events are written after, or in the same statement from, the changes they
//!    describe), then A's events are numbered below B's: when a round sees B's rows, A (committed
//!    earlier) is visible to it too, so A's rows are in the same round (and `id`, drawn in
//!    write order, puts them first) or were moved by a round that held `event_sequence` before
//!    it (an earlier range). Transactions that overlap and share no row may come in either
//!    order; no reader can tell those orders apart from the rows.
//! 5. *Long transactions.* Nothing waits for the oldest running transaction (no xmin horizon): a
//!    long-running transaction, related or not, holds back only its own events, which get
//!    numbers after everything committed before it commits. A long-running *writer* delays no
//!    one else's events.
//!
//! A writer of the old kind (numbering in its own transaction through `event_sequence`, e.g. an
//! older gateway during a rolling upgrade, or the benchmark's peers) stays correct beside rounds:
//! both serialise on the `event_sequence` row. Retention pruning deletes numbered events only,
//! and only those the delivery expander has passed (`delivery_cursor`); `last_sequence` is
//! `event_sequence`'s value, which only grows.

use chrono::{DateTime, Utc};
use entity::{event_sequence, integration_event as event};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
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

/// Writes events inside the caller's transaction; call it after the transaction's row changes
/// (the order argument in the module's doc relies on it).
///
/// On PostgreSQL they go to the outbox unnumbered, with a `NOTIFY` of [`PENDING_CHANNEL`] that
/// PostgreSQL delivers at commit (and not at all on rollback); the sequencer numbers them once
/// committed ([`sequence_pending`]). On SQLite they are numbered here: one statement takes the
/// numbers (and with them the `event_sequence` row, held until the transaction ends, which costs
/// nothing there since SQLite has one writer at a time), one writes the rows.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    actor: Actor,
    events: Vec<NewEvent>,
) -> AppResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    if db.get_database_backend() == DbBackend::Postgres {
        return stage(db, actor, events).await;
    }
    let n = events.len() as i64;
    let last: i64 = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "UPDATE event_sequence SET last_sequence = last_sequence + ? WHERE id = 1 \
             RETURNING last_sequence",
            [n.into()],
        ))
        .await?
        .ok_or_else(|| AppError::Internal("the event_sequence row is missing".into()))?
        .try_get_by_index(0)?;
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
    Ok(())
}

/// The outbox's columns that a writer sets (and the log's, but for the sequence).
pub const OUTBOX_COLUMNS: &str = "event_type, object_id, integration_id, integration_run_id, \
     document_type, document_id, previous_status, new_status, action, contact_alert_type, \
     principal_id, created_at";

/// PostgreSQL, for a write done in one statement: the data-modifying CTE that writes one event
/// per row of the CTE `source` to the outbox (`columns`: outbox column → SQL expression over
/// `source`'s row), and the join that announces it at commit, to put after the final `SELECT …
/// FROM <source>`. `p` binds a parameter and answers its placeholder.
pub fn outbox_cte(
    source: &str,
    columns: &[(&str, String)],
    p: &mut impl FnMut(sea_orm::Value) -> String,
) -> (String, String) {
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let exprs: Vec<&str> = columns.iter().map(|(_, expr)| expr.as_str()).collect();
    let event = format!(
        "event AS (INSERT INTO integration_event_outbox ({}) SELECT {} FROM {source})",
        names.join(", "),
        exprs.join(", ")
    );
    let announce = format!(
        "CROSS JOIN LATERAL (SELECT pg_notify({}, {})) AS announced",
        p(PENDING_CHANNEL.into()),
        p(instance_id().into())
    );
    (event, announce)
}

/// PostgreSQL: writes events to the outbox, unnumbered, and announces them at commit, in one
/// statement per chunk.
async fn stage<C: ConnectionTrait>(db: &C, actor: Actor, events: Vec<NewEvent>) -> AppResult<()> {
    let at = now();
    for chunk in events.chunks(super::sql::INSERT_CHUNK) {
        let mut values: Vec<sea_orm::Value> = vec![PENDING_CHANNEL.into(), instance_id().into()];
        let mut rows = Vec::with_capacity(chunk.len());
        for e in chunk {
            let base = values.len();
            rows.push(format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                base + 1,
                base + 2,
                base + 3,
                base + 4,
                base + 5,
                base + 6,
                base + 7,
                base + 8,
                base + 9,
                base + 10,
                base + 11,
                base + 12
            ));
            values.extend([
                e.event_type.map(|t| t.as_str()).unwrap_or("unknown").into(),
                e.object_id.into(),
                e.integration_id.into(),
                e.run_id.into(),
                e.document_type.clone().into(),
                e.document_id.into(),
                e.previous_status.clone().into(),
                e.new_status.clone().into(),
                e.action.clone().into(),
                e.contact_alert_type.clone().into(),
                actor.user_id.into(),
                at.into(),
            ]);
        }
        let sql = format!(
            "INSERT INTO integration_event_outbox ({OUTBOX_COLUMNS}) SELECT v.* FROM (VALUES {}) \
             AS v CROSS JOIN (SELECT pg_notify($1, $2)) AS announced",
            rows.join(", ")
        );
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await?;
    }
    Ok(())
}

/// The PostgreSQL channel that announces numbered events (the payload is the id of the broker
/// that numbered them, so that it can ignore its own announcements).
pub const NOTIFY_CHANNEL: &str = "integration_events";

/// The PostgreSQL channel on which writers announce committed, not yet numbered events (the
/// payload is the writing process's [`instance_id`]: a gateway wakes its own sequencer in-process
/// and ignores its own announcements).
pub const PENDING_CHANNEL: &str = "integration_events_pending";

/// This process's id in announcements (random, per process).
pub fn instance_id() -> &'static str {
    static ID: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| uuid::Uuid::new_v4().simple().to_string());
    &ID
}

/// Events a sequencer round numbers at most (it goes on while rounds are full).
pub const ROUND: i64 = 5000;

/// One round of the sequencer (PostgreSQL): moves the committed events of the outbox into the
/// log, numbered after every event already numbered, in the order they were written, and
/// announces them on [`NOTIFY_CHANNEL`] with `announcer` as the payload — all in one statement,
/// so in one transaction. Answers how many it numbered (at most [`ROUND`]).
///
/// Any number of rounds may run at once, in any number of processes; see the module's doc for
/// why they cannot number an event twice, skip one or hand out a number below one already
/// visible.
pub async fn sequence_pending<C: ConnectionTrait>(db: &C, announcer: &str) -> AppResult<i64> {
    let sql = format!(
        "WITH moved AS (\
           DELETE FROM integration_event_outbox WHERE id IN (\
             SELECT id FROM integration_event_outbox ORDER BY id LIMIT $1 FOR UPDATE) \
           RETURNING *), \
         bump AS (\
           UPDATE event_sequence SET last_sequence = last_sequence + (SELECT count(*) FROM moved) \
           WHERE id = 1 AND EXISTS (SELECT 1 FROM moved) \
           RETURNING last_sequence - (SELECT count(*) FROM moved) AS base), \
         numbered AS (\
           INSERT INTO integration_events (sequence, {OUTBOX_COLUMNS}) \
           SELECT bump.base + row_number() OVER (ORDER BY moved.id), {moved} \
           FROM moved CROSS JOIN bump \
           RETURNING sequence) \
         SELECT count(*) AS numbered, min(pg_notify($2, $3)::text) AS announced FROM numbered",
        moved = OUTBOX_COLUMNS
            .split(", ")
            .map(|c| format!("moved.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            [ROUND.into(), NOTIFY_CHANNEL.into(), announcer.into()],
        ))
        .await?;
    Ok(match row {
        Some(row) => row.try_get_by_index::<i64>(0)?,
        None => 0,
    })
}

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

/// Deletes events older than `before` that the delivery expander has already turned into
/// deliveries (at or below `delivery_cursor`; see [`super::deliveries`]): an event is never
/// pruned before its webhooks exist, however far behind delivery is. Returns how many.
pub async fn prune<C: ConnectionTrait>(db: &C, before: DateTime<Utc>) -> AppResult<u64> {
    use sea_orm::{ExprTrait, sea_query::Expr};
    Ok(event::Entity::delete_many()
        .filter(event::Column::CreatedAt.lt(before))
        .filter(Expr::col(event::Column::Sequence).lte(Expr::cust(
            "(SELECT last_sequence FROM delivery_cursor WHERE id = 1)",
        )))
        .exec(db)
        .await?
        .rows_affected)
}
