//! The IntegrationRun type, its filter and its ordering.

use async_graphql::{Enum, InputObject, Json};
use chrono::{DateTime, Utc};
use entity::{integration, integration_error, integration_history_record, integration_run};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

use super::{
    Integration, IntegrationError, IntegrationErrorConnection, IntegrationErrorFilter,
    IntegrationErrorOrder, IntegrationFilter, IntegrationHistoryRecord,
    IntegrationHistoryRecordConnection, IntegrationHistoryRecordFilter,
    IntegrationHistoryRecordOrder, User, object::object, stored,
};
use crate::{
    domain,
    graphql::{
        enums::{OrderDirection, RunStatus},
        filter::{self, EnumFilter, OrderedFilter},
    },
    service::paging::{KeyKind, Sort},
};

object! {
    /// One run of an integration: a batch that moves documents to or from an external system.
    IntegrationRun(integration_run) loaded by runs as "integration run" {
        /// The run's id.
        field id "id": i32 = |r| r.id;
        /// The integration this is a run of.
        belongs_to integration "integration": Integration = |r| r.integration_id;
        /// The id of the integration this is a run of.
        field integration_id "integrationId": i32 = |r| r.integration_id;
        /// Free-form description of the flow (a JSON object, stored as given).
        field flow "flow": Option<Json<&serde_json::Value>> = |r| r.flow.as_ref().map(Json);
        /// The run's status; changed only by the lifecycle actions.
        parsed status "status": RunStatus =
            |r| stored::<domain::RunStatus>(&r.status).map(RunStatus::from);
        /// When the run started (set by the first `run` when empty).
        field start_time "startTime": Option<DateTime<Utc>> = |r| r.start_time;
        /// When the run ended (set by `success`, `finish` and `fail`).
        field end_time "endTime": Option<DateTime<Utc>> = |r| r.end_time;
        /// How many records the run has to move.
        field total_records "totalRecords": Option<i32> = |r| r.total_records;
        /// How many records it has moved so far.
        field records_processed "recordsProcessed": Option<i32> = |r| r.records_processed;
        /// The newest `updated_at` the run has exported (high-water mark of incremental exports).
        field max_updated_at "maxUpdatedAt": Option<DateTime<Utc>> = |r| r.max_updated_at;
        /// The errors this run hit (unresolved ones block success), filtered, ordered and paged.
        pages integration_errors "integrationErrors": IntegrationErrorConnection
            [IntegrationError, IntegrationErrorFilter, IntegrationErrorOrder, ERRORS, "Only errors matching this filter."]
            = errors_of_run by integration_error::Column::IntegrationRunId;
        /// The history records of this run, filtered, ordered and paged.
        pages history_records "historyRecords": IntegrationHistoryRecordConnection
            [IntegrationHistoryRecord, IntegrationHistoryRecordFilter, IntegrationHistoryRecordOrder, RECORDS, "Only records matching this filter."]
            = records_of_run by integration_history_record::Column::IntegrationRunId;
        /// When it was created.
        field created_at "createdAt": DateTime<Utc> = |r| r.created_at;
        /// When it was last changed.
        field updated_at "updatedAt": DateTime<Utc> = |r| r.updated_at;
        /// Who created it.
        maybe_belongs_to created_by "createdBy": User = |r| r.created_by_id;
        /// Who last changed it.
        maybe_belongs_to updated_by "updatedBy": User = |r| r.updated_by_id;
    }
}

/// Conditions on runs; fields combine with AND.
#[derive(InputObject, Clone, Debug, Default)]
pub struct IntegrationRunFilter {
    /// On the id.
    pub id: Option<OrderedFilter<i32>>,
    /// On the integration's id.
    pub integration_id: Option<OrderedFilter<i32>>,
    /// On the integration (e.g. `{code: {eq: "SAP-INVOICES"}}`).
    pub integration: Option<IntegrationFilter>,
    /// On the status.
    pub status: Option<EnumFilter<RunStatus>>,
    /// On the start time.
    pub start_time: Option<OrderedFilter<DateTime<Utc>>>,
    /// On the end time.
    pub end_time: Option<OrderedFilter<DateTime<Utc>>>,
    /// On the total number of records.
    pub total_records: Option<OrderedFilter<i32>>,
    /// On the number of records processed.
    pub records_processed: Option<OrderedFilter<i32>>,
    /// On the high-water mark.
    pub max_updated_at: Option<OrderedFilter<DateTime<Utc>>>,
    /// On the creation time.
    pub created_at: Option<OrderedFilter<DateTime<Utc>>>,
    /// On the time of the last change.
    pub updated_at: Option<OrderedFilter<DateTime<Utc>>>,
    /// All of these filters match.
    pub and: Option<Vec<IntegrationRunFilter>>,
    /// At least one of these filters matches.
    pub or: Option<Vec<IntegrationRunFilter>>,
    /// This filter does not match.
    pub not: Option<Box<IntegrationRunFilter>>,
}

impl IntegrationRunFilter {
    /// The SQL condition of this filter.
    pub fn condition(&self, backend: sea_orm::DbBackend) -> Condition {
        use integration_run::Column as C;
        let c = Condition::all();
        let c = filter::field(c, &self.id, C::Id, backend);
        let c = filter::field(c, &self.integration_id, C::IntegrationId, backend);
        let c = match &self.integration {
            Some(f) => c.add(
                C::IntegrationId.in_subquery(
                    integration::Entity::find()
                        .select_only()
                        .column(integration::Column::Id)
                        .filter(f.condition(backend))
                        .into_query(),
                ),
            ),
            None => c,
        };
        let c = filter::field(c, &self.status, C::Status, backend);
        let c = filter::field(c, &self.start_time, C::StartTime, backend);
        let c = filter::field(c, &self.end_time, C::EndTime, backend);
        let c = filter::field(c, &self.total_records, C::TotalRecords, backend);
        let c = filter::field(c, &self.records_processed, C::RecordsProcessed, backend);
        let c = filter::field(c, &self.max_updated_at, C::MaxUpdatedAt, backend);
        let c = filter::field(c, &self.created_at, C::CreatedAt, backend);
        let c = filter::field(c, &self.updated_at, C::UpdatedAt, backend);
        filter::combine(c, &self.and, &self.or, &self.not, |f| f.condition(backend))
    }
}

/// What runs can be ordered by.
#[derive(Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum IntegrationRunOrderField {
    /// The id.
    #[default]
    Id,
    /// The status (alphabetically).
    Status,
    /// The start time (runs not started yet last).
    StartTime,
    /// The end time (runs not ended yet last).
    EndTime,
    /// The total number of records (unknown last).
    TotalRecords,
    /// The creation time.
    CreatedAt,
    /// The time of the last change.
    UpdatedAt,
}

/// An ordering of runs (ties broken by id).
#[derive(InputObject, Clone, Copy, Debug, Default)]
pub struct IntegrationRunOrder {
    /// The field ordered by.
    pub field: IntegrationRunOrderField,
    /// The direction (default ascending).
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl IntegrationRunOrder {
    /// The sort key of this ordering.
    pub fn sort(self) -> Sort<integration_run::Column> {
        use IntegrationRunOrderField as F;
        use integration_run::Column as C;
        let (column, kind, nullable) = match self.field {
            F::Id => (C::Id, KeyKind::Int, false),
            F::Status => (C::Status, KeyKind::Text, false),
            F::StartTime => (C::StartTime, KeyKind::DateTime, true),
            F::EndTime => (C::EndTime, KeyKind::DateTime, true),
            F::TotalRecords => (C::TotalRecords, KeyKind::Int, true),
            F::CreatedAt => (C::CreatedAt, KeyKind::DateTime, false),
            F::UpdatedAt => (C::UpdatedAt, KeyKind::DateTime, false),
        };
        Sort {
            column,
            kind,
            nullable,
            descending: self.direction == OrderDirection::Desc,
        }
    }
}

crate::graphql::connection::connection!(
    IntegrationRunConnection,
    IntegrationRunEdge,
    IntegrationRun,
    integration_run::Model,
    "integration runs"
);
