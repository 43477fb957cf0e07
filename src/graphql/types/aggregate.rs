//! Dashboard aggregates: groups of runs and history records with their counts.

use async_graphql::{Context, Enum, Object, Result};

use super::{Integration, stored};
use crate::{
    domain,
    graphql::{
        enums::{DocumentType, RunStatus},
        loaders,
    },
    service::aggregates::{RecordDimension, RecordGroup, RunDimension, RunGroup},
};

/// What runs can be grouped by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "RunDimension")]
pub enum IntegrationRunGroupBy {
    /// The run's status.
    Status,
    /// The run's integration.
    Integration,
    /// The UTC day the run was created.
    Day,
}

/// What history records can be grouped by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "RecordDimension")]
pub enum IntegrationHistoryRecordGroupBy {
    /// The transaction status.
    Status,
    /// The document type.
    DocumentType,
    /// Resolved or not.
    Resolved,
    /// The integration.
    Integration,
    /// The UTC day the record was created.
    Day,
}

async fn integration(ctx: &Context<'_>, id: Option<i32>) -> Result<Option<Integration>> {
    let loaders = loaders::loaders(ctx)?;
    Ok(loaders::by_id(&loaders.integrations, id)
        .await?
        .map(Integration))
}

/// A group of runs with its count and sums; the fields not grouped by are null.
#[derive(Clone, Debug)]
pub struct IntegrationRunCount(pub RunGroup);

/// A group of runs with its count and sums; the fields not grouped by are null.
#[Object]
impl IntegrationRunCount {
    /// The group's status (when grouped by STATUS).
    async fn status(&self) -> Result<Option<RunStatus>> {
        match &self.0.status {
            Some(s) => Ok(Some(stored::<domain::RunStatus>(s)?.into())),
            None => Ok(None),
        }
    }

    /// The group's integration id (when grouped by INTEGRATION).
    async fn integration_id(&self) -> Option<i32> {
        self.0.integration_id
    }

    /// The group's integration (when grouped by INTEGRATION).
    async fn integration(&self, ctx: &Context<'_>) -> Result<Option<Integration>> {
        integration(ctx, self.0.integration_id).await
    }

    /// The group's day, `YYYY-MM-DD` in UTC (when grouped by DAY).
    async fn day(&self) -> Option<&str> {
        self.0.day.as_deref()
    }

    /// How many runs the group holds.
    async fn count(&self) -> i64 {
        self.0.count
    }

    /// The sum of the group's totalRecords.
    async fn total_records(&self) -> i64 {
        self.0.total_records
    }

    /// The sum of the group's recordsProcessed.
    async fn records_processed(&self) -> i64 {
        self.0.records_processed
    }
}

/// A group of history records with its count; the fields not grouped by are null.
#[derive(Clone, Debug)]
pub struct IntegrationHistoryRecordCount(pub RecordGroup);

/// A group of history records with its count; the fields not grouped by are null.
#[Object]
impl IntegrationHistoryRecordCount {
    /// The group's transaction status (when grouped by STATUS; null also for records without one).
    async fn status(&self) -> Option<&str> {
        self.0.status.as_deref()
    }

    /// The group's document type (when grouped by DOCUMENT_TYPE).
    async fn document_type(&self) -> Result<Option<DocumentType>> {
        match &self.0.document_type {
            Some(t) => Ok(Some(stored::<domain::DocumentType>(t)?.into())),
            None => Ok(None),
        }
    }

    /// Whether the group's records are resolved (when grouped by RESOLVED).
    async fn resolved(&self) -> Option<bool> {
        self.0.resolved
    }

    /// The group's integration id (when grouped by INTEGRATION).
    async fn integration_id(&self) -> Option<i32> {
        self.0.integration_id
    }

    /// The group's integration (when grouped by INTEGRATION).
    async fn integration(&self, ctx: &Context<'_>) -> Result<Option<Integration>> {
        integration(ctx, self.0.integration_id).await
    }

    /// The group's day, `YYYY-MM-DD` in UTC (when grouped by DAY).
    async fn day(&self) -> Option<&str> {
        self.0.day.as_deref()
    }

    /// How many records the group holds.
    async fn count(&self) -> i64 {
        self.0.count
    }
}
