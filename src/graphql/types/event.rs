//! What subscriptions deliver: one committed event each, with its sequence for resuming.

use async_graphql::{Context, Enum, Object, Result};
use chrono::{DateTime, Utc};

use super::{IntegrationAlert, IntegrationError, IntegrationHistoryRecord, IntegrationRun, stored};
use crate::{
    broker::SharedEvent,
    domain,
    error::AppError,
    graphql::{
        enums::{RunAction, RunStatus},
        loaders,
    },
    service::events::EventType,
};

fn run_status(value: &Option<String>) -> Result<Option<RunStatus>> {
    match value {
        Some(s) => Ok(Some(stored::<domain::RunStatus>(s)?.into())),
        None => Ok(None),
    }
}

fn gone(entity: &'static str, id: i32) -> async_graphql::Error {
    AppError::not_found_id(entity, id).into()
}

/// The action of a status change event, if it names one.
fn run_action(e: &SharedEvent) -> Option<RunAction> {
    e.action
        .as_deref()
        .and_then(|a| a.parse::<domain::RunAction>().ok())
        .map(Into::into)
}

/// The run an event is about, as it is now.
async fn run_of(ctx: &Context<'_>, e: &SharedEvent) -> Result<IntegrationRun> {
    let l = loaders::loaders(ctx)?;
    loaders::by_id(&l.runs, Some(e.object_id))
        .await?
        .map(IntegrationRun)
        .ok_or_else(|| gone("integration run", e.object_id))
}

/// A run's status changed.
#[derive(Clone, Debug)]
pub struct IntegrationRunStatusChange(pub SharedEvent);

/// A run's status changed (one committed transition).
#[Object]
impl IntegrationRunStatusChange {
    /// The event's position in commit order; resume after it with `afterSequence`.
    async fn sequence(&self) -> i64 {
        self.0.sequence
    }

    /// When the change was committed.
    async fn at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The action that made the change.
    async fn action(&self) -> Result<Option<RunAction>> {
        Ok(run_action(&self.0))
    }

    /// The status before.
    async fn previous_status(&self) -> Result<Option<RunStatus>> {
        run_status(&self.0.previous_status)
    }

    /// The status after.
    async fn status(&self) -> Result<Option<RunStatus>> {
        run_status(&self.0.new_status)
    }

    /// The run, as it is now (every field resolvable).
    async fn run(&self, ctx: &Context<'_>) -> Result<IntegrationRun> {
        run_of(ctx, &self.0).await
    }
}

/// How a run changed.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum IntegrationRunChangeType {
    /// It was created.
    Created,
    /// Its fields changed (`recordsProcessed`, `endTime` …), not its status.
    Updated,
    /// Its status changed.
    StatusChanged,
}

/// A run changed: created, updated or moved to another status.
#[derive(Clone, Debug)]
pub struct IntegrationRunChange(pub SharedEvent);

/// A run changed (one committed change of any kind; `integrationRunStatusChanged` carries the
/// status changes only).
#[Object]
impl IntegrationRunChange {
    /// The event's position in commit order; resume after it with `afterSequence`.
    async fn sequence(&self) -> i64 {
        self.0.sequence
    }

    /// When the change was committed.
    async fn at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// What happened.
    async fn change(&self) -> Option<IntegrationRunChangeType> {
        match EventType::parse(&self.0.event_type)? {
            EventType::RunCreated => Some(IntegrationRunChangeType::Created),
            EventType::RunUpdated => Some(IntegrationRunChangeType::Updated),
            EventType::RunStatusChanged => Some(IntegrationRunChangeType::StatusChanged),
            _ => None,
        }
    }

    /// The action of a status change (null for the other changes).
    async fn action(&self) -> Result<Option<RunAction>> {
        Ok(run_action(&self.0))
    }

    /// The status before a status change (null for the other changes).
    async fn previous_status(&self) -> Result<Option<RunStatus>> {
        run_status(&self.0.previous_status)
    }

    /// The status after a status change, or the one a created run starts in (null for an
    /// update, which never changes the status).
    async fn status(&self) -> Result<Option<RunStatus>> {
        run_status(&self.0.new_status)
    }

    /// The run, as it is now (every field resolvable).
    async fn run(&self, ctx: &Context<'_>) -> Result<IntegrationRun> {
        run_of(ctx, &self.0).await
    }
}

/// How a history record changed.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum HistoryRecordChangeType {
    /// It was created.
    Created,
    /// Its fields changed.
    Updated,
    /// It was resolved.
    Resolved,
    /// It was unresolved.
    Unresolved,
    /// It acknowledged its document.
    Acknowledged,
    /// It marked its document exported.
    Exported,
}

/// A history record changed.
#[derive(Clone, Debug)]
pub struct IntegrationHistoryRecordChange(pub SharedEvent);

/// A history record changed (one committed change).
#[Object]
impl IntegrationHistoryRecordChange {
    /// The event's position in commit order; resume after it with `afterSequence`.
    async fn sequence(&self) -> i64 {
        self.0.sequence
    }

    /// When the change was committed.
    async fn at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// What happened.
    async fn change(&self) -> Option<HistoryRecordChangeType> {
        match EventType::parse(&self.0.event_type)? {
            EventType::RecordCreated => Some(HistoryRecordChangeType::Created),
            EventType::RecordUpdated => Some(HistoryRecordChangeType::Updated),
            EventType::RecordResolved => Some(HistoryRecordChangeType::Resolved),
            EventType::RecordUnresolved => Some(HistoryRecordChangeType::Unresolved),
            EventType::RecordAcknowledged => Some(HistoryRecordChangeType::Acknowledged),
            EventType::RecordExported => Some(HistoryRecordChangeType::Exported),
            _ => None,
        }
    }

    /// The record, as it is now.
    async fn record(&self, ctx: &Context<'_>) -> Result<IntegrationHistoryRecord> {
        let l = loaders::loaders(ctx)?;
        loaders::by_id(&l.records, Some(self.0.object_id))
            .await?
            .map(IntegrationHistoryRecord)
            .ok_or_else(|| gone("integration history record", self.0.object_id))
    }
}

/// How an integration error changed.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum IntegrationErrorChangeType {
    /// It was created.
    Created,
    /// Its fields changed.
    Updated,
    /// It was resolved.
    Resolved,
    /// It was unresolved.
    Unresolved,
}

/// An integration error changed.
#[derive(Clone, Debug)]
pub struct IntegrationErrorChange(pub SharedEvent);

/// An integration error changed (one committed change).
#[Object]
impl IntegrationErrorChange {
    /// The event's position in commit order; resume after it with `afterSequence`.
    async fn sequence(&self) -> i64 {
        self.0.sequence
    }

    /// When the change was committed.
    async fn at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// What happened.
    async fn change(&self) -> Option<IntegrationErrorChangeType> {
        match EventType::parse(&self.0.event_type)? {
            EventType::ErrorCreated => Some(IntegrationErrorChangeType::Created),
            EventType::ErrorUpdated => Some(IntegrationErrorChangeType::Updated),
            EventType::ErrorResolved => Some(IntegrationErrorChangeType::Resolved),
            EventType::ErrorUnresolved => Some(IntegrationErrorChangeType::Unresolved),
            _ => None,
        }
    }

    /// The error, as it is now.
    async fn error(&self, ctx: &Context<'_>) -> Result<IntegrationError> {
        let l = loaders::loaders(ctx)?;
        loaders::by_id(&l.errors, Some(self.0.object_id))
            .await?
            .map(IntegrationError)
            .ok_or_else(|| gone("integration error", self.0.object_id))
    }
}

/// An alert was raised.
#[derive(Clone, Debug)]
pub struct IntegrationAlertRaised(pub SharedEvent);

/// An alert was raised to an integration's contacts.
#[Object]
impl IntegrationAlertRaised {
    /// The event's position in commit order; resume after it with `afterSequence`.
    async fn sequence(&self) -> i64 {
        self.0.sequence
    }

    /// When it was raised.
    async fn at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The alert.
    async fn alert(&self, ctx: &Context<'_>) -> Result<IntegrationAlert> {
        let l = loaders::loaders(ctx)?;
        loaders::by_id(&l.alerts, Some(self.0.object_id))
            .await?
            .map(IntegrationAlert)
            .ok_or_else(|| gone("integration alert", self.0.object_id))
    }
}
