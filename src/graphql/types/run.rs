//! The IntegrationRun type, its filter and its ordering.

use async_graphql::{Context, Enum, InputObject, Json, Object, Result};
use chrono::{DateTime, Utc};
use entity::{integration, integration_run};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

use super::{
    Integration, IntegrationErrorConnection, IntegrationErrorFilter, IntegrationErrorOrder,
    IntegrationFilter, IntegrationHistoryRecordConnection, IntegrationHistoryRecordFilter,
    IntegrationHistoryRecordOrder, User, stored,
};
use crate::{
    domain,
    graphql::{
        enums::{OrderDirection, RunStatus},
        filter::{self, EnumFilter, OrderedFilter},
        loaders,
    },
    service::paging::{KeyKind, PageArgs, Sort},
};

/// One run of an integration: a batch that moves documents to or from an external system.
#[derive(Clone, Debug)]
pub struct IntegrationRun(pub integration_run::Model);

/// One run of an integration: a batch that moves documents to or from an external system.
#[Object]
impl IntegrationRun {
    /// The run's id.
    async fn id(&self) -> i32 {
        self.0.id
    }

    /// The integration this is a run of.
    async fn integration(&self, ctx: &Context<'_>) -> Result<Integration> {
        let loaders = loaders::loaders(ctx)?;
        loaders::required(&loaders.integrations, "integration", self.0.integration_id)
            .await
            .map(Integration)
    }

    /// The id of the integration this is a run of.
    async fn integration_id(&self) -> i32 {
        self.0.integration_id
    }

    /// Free-form description of the flow (a JSON object, stored as given).
    async fn flow(&self) -> Option<Json<serde_json::Value>> {
        self.0.flow.clone().map(Json)
    }

    /// The run's status; changed only by the lifecycle actions.
    async fn status(&self) -> Result<RunStatus> {
        Ok(stored::<domain::RunStatus>(&self.0.status)?.into())
    }

    /// When the run started (set by the first `run` when empty).
    async fn start_time(&self) -> Option<DateTime<Utc>> {
        self.0.start_time
    }

    /// When the run ended (set by `success`, `finish` and `fail`).
    async fn end_time(&self) -> Option<DateTime<Utc>> {
        self.0.end_time
    }

    /// How many records the run has to move.
    async fn total_records(&self) -> Option<i32> {
        self.0.total_records
    }

    /// How many records it has moved so far.
    async fn records_processed(&self) -> Option<i32> {
        self.0.records_processed
    }

    /// The newest `updated_at` the run has exported (high-water mark of incremental exports).
    async fn max_updated_at(&self) -> Option<DateTime<Utc>> {
        self.0.max_updated_at
    }

    /// The errors this run hit (unresolved ones block success), filtered, ordered and paged.
    #[allow(clippy::too_many_arguments)]
    async fn integration_errors(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only errors matching this filter.")] filter: Option<
            IntegrationErrorFilter,
        >,
        #[graphql(desc = "The ordering (default: id ascending).")] order_by: Option<
            IntegrationErrorOrder,
        >,
        #[graphql(desc = "Forward paging: at most this many (≤ 200).")] first: Option<i32>,
        #[graphql(desc = "Forward paging: items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Backward paging: at most this many (≤ 200).")] last: Option<i32>,
        #[graphql(desc = "Backward paging: items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Vendor paging: skip this many.")] offset: Option<i32>,
        #[graphql(desc = "Vendor paging: at most this many (default 50, ≤ 200).")] limit: Option<
            i32,
        >,
    ) -> Result<IntegrationErrorConnection> {
        let paging = PageArgs {
            first,
            after,
            last,
            before,
            offset,
            limit,
        };
        let args_key = format!("{filter:?}|{order_by:?}|{paging:?}");
        let backend = filter::backend(ctx)?;
        let condition = filter
            .map(|f| f.condition(backend))
            .unwrap_or_else(Condition::all);
        let sort = order_by.unwrap_or_default().sort();
        let (page, count) = loaders::loaders(ctx)?
            .errors_of_run
            .page(self.0.id, args_key, condition, sort, paging)
            .await?;
        Ok(IntegrationErrorConnection::new(page, count))
    }

    /// The history records of this run, filtered, ordered and paged.
    #[allow(clippy::too_many_arguments)]
    async fn history_records(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only records matching this filter.")] filter: Option<
            IntegrationHistoryRecordFilter,
        >,
        #[graphql(desc = "The ordering (default: id ascending).")] order_by: Option<
            IntegrationHistoryRecordOrder,
        >,
        #[graphql(desc = "Forward paging: at most this many (≤ 200).")] first: Option<i32>,
        #[graphql(desc = "Forward paging: items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Backward paging: at most this many (≤ 200).")] last: Option<i32>,
        #[graphql(desc = "Backward paging: items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Vendor paging: skip this many.")] offset: Option<i32>,
        #[graphql(desc = "Vendor paging: at most this many (default 50, ≤ 200).")] limit: Option<
            i32,
        >,
    ) -> Result<IntegrationHistoryRecordConnection> {
        let paging = PageArgs {
            first,
            after,
            last,
            before,
            offset,
            limit,
        };
        let args_key = format!("{filter:?}|{order_by:?}|{paging:?}");
        let backend = filter::backend(ctx)?;
        let condition = filter
            .map(|f| f.condition(backend))
            .unwrap_or_else(Condition::all);
        let sort = order_by.unwrap_or_default().sort();
        let (page, count) = loaders::loaders(ctx)?
            .records_of_run
            .page(self.0.id, args_key, condition, sort, paging)
            .await?;
        Ok(IntegrationHistoryRecordConnection::new(page, count))
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Who created it.
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        super::user::load(ctx, self.0.created_by_id).await
    }

    /// Who last changed it.
    async fn updated_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        super::user::load(ctx, self.0.updated_by_id).await
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
