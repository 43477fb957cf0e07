//! Mutations of integrations and runs: every write goes through one service function.

use async_graphql::{Context, InputObject, Json, MaybeUndefined, Object, OneofObject, Result};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::actor;
use crate::graphql::{
    enums::{Direction, EndSystemType, IntegrationType},
    types::{Integration, IntegrationRun},
};
use crate::{
    domain::RunAction,
    service::{
        self, IntegrationRef,
        integrations::{IntegrationPatch, NewIntegration},
        runs::{self, RunInput},
    },
};

/// Changes to integrations and runs.
#[derive(Debug, Default)]
pub struct IntegrationMutations;

/// A reference to an integration: by id or by code.
#[derive(OneofObject, Clone, Debug)]
pub enum IntegrationRefInput {
    /// The integration's id.
    Id(i32),
    /// The integration's code.
    Code(String),
}

impl From<IntegrationRefInput> for IntegrationRef {
    fn from(r: IntegrationRefInput) -> Self {
        match r {
            IntegrationRefInput::Id(id) => IntegrationRef::Id(id),
            IntegrationRefInput::Code(code) => IntegrationRef::Code(code),
        }
    }
}

/// The fields of a new integration.
#[derive(InputObject, Clone, Debug)]
pub struct CreateIntegrationInput {
    /// Unique code (≤ 255 characters).
    pub code: String,
    /// Unique name (≤ 255 characters).
    pub name: String,
    /// The business object it moves (≤ 255 characters).
    pub business_object: String,
    /// Which way documents move.
    pub direction: Direction,
    /// The name of the system at the other end (≤ 255 characters).
    pub end_system: String,
    /// The kind of that system.
    pub end_system_type: EndSystemType,
    /// The transport/format.
    pub integration_type: Option<IntegrationType>,
    /// How long a run is expected to take, in seconds (1 to 2592000, i.e. 30 days); a run left
    /// PENDING or RUNNING longer raises one "stale run" alert.
    pub expected_duration_seconds: Option<i32>,
}

/// Changes to an integration; omitted fields keep their value.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UpdateIntegrationInput {
    /// New unique code.
    pub code: Option<String>,
    /// New unique name.
    pub name: Option<String>,
    /// New business object.
    pub business_object: Option<String>,
    /// New direction.
    pub direction: Option<Direction>,
    /// New end system.
    pub end_system: Option<String>,
    /// New end system type.
    pub end_system_type: Option<EndSystemType>,
    /// New integration type.
    pub integration_type: Option<IntegrationType>,
    /// New expected run duration in seconds (1 to 2592000); null removes it.
    pub expected_duration_seconds: MaybeUndefined<i32>,
}

/// The run fields a client writes, on update and with every action; omitted fields keep their value.
#[derive(InputObject, Clone, Debug, Default)]
pub struct IntegrationRunInput {
    /// Free-form description of the flow (a JSON object).
    pub flow: Option<Json<serde_json::Value>>,
    /// When the run started.
    pub start_time: Option<DateTime<Utc>>,
    /// When the run ended.
    pub end_time: Option<DateTime<Utc>>,
    /// How many records the run has to move (≥ 0).
    pub total_records: Option<i32>,
    /// How many it has moved (≥ 0, ≤ totalRecords).
    pub records_processed: Option<i32>,
    /// The newest `updated_at` the run has exported.
    pub max_updated_at: Option<DateTime<Utc>>,
}

/// A new run: its integration and optional run fields. It starts `PENDING`.
#[derive(InputObject, Clone, Debug)]
pub struct CreateIntegrationRunInput {
    /// The integration, by id or code.
    pub integration: IntegrationRefInput,
    /// Free-form description of the flow (a JSON object).
    pub flow: Option<Json<serde_json::Value>>,
    /// When the run started.
    pub start_time: Option<DateTime<Utc>>,
    /// When the run ended.
    pub end_time: Option<DateTime<Utc>>,
    /// How many records the run has to move (≥ 0).
    pub total_records: Option<i32>,
    /// How many it has moved (≥ 0, ≤ totalRecords).
    pub records_processed: Option<i32>,
    /// The newest `updated_at` the run has exported.
    pub max_updated_at: Option<DateTime<Utc>>,
}

/// Truncates to the stored precision (microseconds).
fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

impl From<IntegrationRunInput> for RunInput {
    fn from(i: IntegrationRunInput) -> Self {
        RunInput {
            flow: i.flow.map(|j| j.0),
            start_time: i.start_time.map(micros),
            end_time: i.end_time.map(micros),
            total_records: i.total_records,
            records_processed: i.records_processed,
            max_updated_at: i.max_updated_at.map(micros),
        }
    }
}

/// The one path of every lifecycle action.
async fn act(
    ctx: &Context<'_>,
    id: i32,
    action: RunAction,
    input: Option<IntegrationRunInput>,
) -> Result<IntegrationRun> {
    let db = ctx.data::<DatabaseConnection>()?;
    let input = input.map(RunInput::from).unwrap_or_default();
    Ok(IntegrationRun(
        runs::apply_action(db, actor(ctx), id, action, input).await?,
    ))
}

/// Changes to integrations and runs; every run status change goes through its lifecycle action.
#[Object]
impl IntegrationMutations {
    /// Creates an integration.
    async fn create_integration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new integration.")] input: CreateIntegrationInput,
    ) -> Result<Integration> {
        let db = ctx.data::<DatabaseConnection>()?;
        let new = NewIntegration {
            code: input.code,
            name: input.name,
            business_object: input.business_object,
            direction: input.direction.into(),
            end_system: input.end_system,
            end_system_type: input.end_system_type.into(),
            integration_type: input.integration_type.map(Into::into),
            expected_duration_seconds: input.expected_duration_seconds,
        };
        Ok(Integration(
            service::integrations::create(db, actor(ctx), new).await?,
        ))
    }

    /// Updates an integration.
    async fn update_integration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The integration's id.")] id: i32,
        #[graphql(desc = "The changes.")] input: UpdateIntegrationInput,
    ) -> Result<Integration> {
        let db = ctx.data::<DatabaseConnection>()?;
        let patch = IntegrationPatch {
            code: input.code,
            name: input.name,
            business_object: input.business_object,
            direction: input.direction.map(Into::into),
            end_system: input.end_system,
            end_system_type: input.end_system_type.map(Into::into),
            integration_type: input.integration_type.map(Into::into),
            expected_duration_seconds: match input.expected_duration_seconds {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(v) => Some(Some(v)),
            },
        };
        Ok(Integration(
            service::integrations::update(db, actor(ctx), id, patch).await?,
        ))
    }

    /// Creates a run of an integration, in status PENDING.
    async fn create_integration_run(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new run.")] input: CreateIntegrationRunInput,
    ) -> Result<IntegrationRun> {
        let db = ctx.data::<DatabaseConnection>()?;
        let fields = IntegrationRunInput {
            flow: input.flow,
            start_time: input.start_time,
            end_time: input.end_time,
            total_records: input.total_records,
            records_processed: input.records_processed,
            max_updated_at: input.max_updated_at,
        };
        Ok(IntegrationRun(
            runs::create(db, actor(ctx), input.integration.into(), fields.into()).await?,
        ))
    }

    /// Updates a run's fields (never its status: use the actions).
    async fn update_integration_run(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The run's id.")] id: i32,
        #[graphql(desc = "The changes.")] input: IntegrationRunInput,
    ) -> Result<IntegrationRun> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(IntegrationRun(
            runs::update(db, actor(ctx), id, input.into()).await?,
        ))
    }

    /// Starts or resumes a run (PENDING or PAUSED → RUNNING; sets startTime when empty).
    async fn run_integration_run(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The run's id.")] id: i32,
        #[graphql(desc = "Run fields to save with the action (e.g. totalRecords).")] input: Option<
            IntegrationRunInput,
        >,
    ) -> Result<IntegrationRun> {
        act(ctx, id, RunAction::Run, input).await
    }

    /// Pauses a run (PENDING or RUNNING → PAUSED).
    async fn pause_integration_run(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The run's id.")] id: i32,
        #[graphql(desc = "Run fields to save with the action.")] input: Option<IntegrationRunInput>,
    ) -> Result<IntegrationRun> {
        act(ctx, id, RunAction::Pause, input).await
    }

    /// Requeues a run (RUNNING or PAUSED → PENDING).
    async fn pending_integration_run(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The run's id.")] id: i32,
        #[graphql(desc = "Run fields to save with the action.")] input: Option<IntegrationRunInput>,
    ) -> Result<IntegrationRun> {
        act(ctx, id, RunAction::Pending, input).await
    }

    /// Finishes a run successfully (RUNNING → SUCCESSFUL; refused while it has unresolved errors; sets endTime).
    async fn success_integration_run(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The run's id.")] id: i32,
        #[graphql(desc = "Run fields to save with the action (e.g. recordsProcessed).")]
        input: Option<IntegrationRunInput>,
    ) -> Result<IntegrationRun> {
        act(ctx, id, RunAction::Success, input).await
    }

    /// The vendor's alias of successIntegrationRun.
    async fn finish_integration_run(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The run's id.")] id: i32,
        #[graphql(desc = "Run fields to save with the action.")] input: Option<IntegrationRunInput>,
    ) -> Result<IntegrationRun> {
        act(ctx, id, RunAction::Finish, input).await
    }

    /// Fails a run (PENDING, RUNNING or PAUSED → FAILED; sets endTime).
    async fn fail_integration_run(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The run's id.")] id: i32,
        #[graphql(desc = "Run fields to save with the action.")] input: Option<IntegrationRunInput>,
    ) -> Result<IntegrationRun> {
        act(ctx, id, RunAction::Fail, input).await
    }

    /// Saves a run's high-water mark (the newest updated_at it exported); never changes status.
    async fn set_integration_run_max_updated_at(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The run's id.")] id: i32,
        #[graphql(desc = "The new high-water mark.")] max_updated_at: DateTime<Utc>,
        #[graphql(desc = "Other run fields to save with it.")] input: Option<IntegrationRunInput>,
    ) -> Result<IntegrationRun> {
        let db = ctx.data::<DatabaseConnection>()?;
        let input = input.map(RunInput::from).unwrap_or_default();
        Ok(IntegrationRun(
            runs::set_max_updated_at(db, actor(ctx), id, micros(max_updated_at), input).await?,
        ))
    }
}
