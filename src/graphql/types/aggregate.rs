//! Dashboard aggregates: groups of runs, history records and alerts with their counts, and
//! groups of runs with statistics of their durations.

use async_graphql::{Context, Enum, Object, Result};
use chrono::{DateTime, Utc};

use super::{Integration, stored};
use crate::{
    domain,
    graphql::{
        enums::{ContactAlertType, DocumentType, RunStatus},
        loaders,
    },
    service::aggregates::{
        AlertDimension, AlertGroup, DurationDimension, DurationGroup, RecordDimension, RecordGroup,
        RunDimension, RunGroup, RunTime,
    },
};

/// What runs can be grouped by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "RunDimension")]
pub enum IntegrationRunGroupBy {
    /// The run's status.
    Status,
    /// The run's integration.
    Integration,
    /// The UTC day the run was created (or started, with `periodsOf: START_TIME`).
    Day,
    /// The UTC hour the run was created (or started, with `periodsOf: START_TIME`).
    Hour,
}

/// Which time of a run the `DAY` and `HOUR` groups are of.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "RunTime")]
pub enum IntegrationRunTime {
    /// When the run was created (`createdAt`).
    CreatedAt,
    /// When it started (`startTime`); the runs without one make the group whose day or hour is
    /// null.
    StartTime,
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
    /// The UTC hour the record was created.
    Hour,
}

/// What alerts can be grouped by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "AlertDimension")]
pub enum IntegrationAlertGroupBy {
    /// The integration whose contacts are alerted.
    Integration,
    /// Which contacts are alerted.
    ContactAlertType,
    /// The UTC day the alert was raised.
    Day,
    /// The UTC hour the alert was raised.
    Hour,
}

/// What run durations can be grouped by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "DurationDimension")]
pub enum IntegrationRunDurationGroupBy {
    /// The run's integration.
    Integration,
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

    /// The start of the group's hour, in UTC (when grouped by HOUR).
    async fn hour(&self) -> Option<DateTime<Utc>> {
        self.0.hour
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

    /// The start of the group's hour, in UTC (when grouped by HOUR).
    async fn hour(&self) -> Option<DateTime<Utc>> {
        self.0.hour
    }

    /// How many records the group holds.
    async fn count(&self) -> i64 {
        self.0.count
    }
}

/// A group of alerts with its count; the fields not grouped by are null.
#[derive(Clone, Debug)]
pub struct IntegrationAlertCount(pub AlertGroup);

/// A group of alerts with its count; the fields not grouped by are null.
#[Object]
impl IntegrationAlertCount {
    /// The group's integration id (when grouped by INTEGRATION; null also for the alerts that
    /// name no integration).
    async fn integration_id(&self) -> Option<i32> {
        self.0.integration_id
    }

    /// The group's integration (when grouped by INTEGRATION).
    async fn integration(&self, ctx: &Context<'_>) -> Result<Option<Integration>> {
        integration(ctx, self.0.integration_id).await
    }

    /// Which contacts the group's alerts reach (when grouped by CONTACT_ALERT_TYPE).
    async fn contact_alert_type(&self) -> Result<Option<ContactAlertType>> {
        match &self.0.contact_alert_type {
            Some(t) => Ok(Some(stored::<domain::ContactAlertType>(t)?.into())),
            None => Ok(None),
        }
    }

    /// The group's day, `YYYY-MM-DD` in UTC (when grouped by DAY).
    async fn day(&self) -> Option<&str> {
        self.0.day.as_deref()
    }

    /// The start of the group's hour, in UTC (when grouped by HOUR).
    async fn hour(&self) -> Option<DateTime<Utc>> {
        self.0.hour
    }

    /// How many alerts the group holds.
    async fn count(&self) -> i64 {
        self.0.count
    }
}

/// A group of runs with statistics of their durations (`endTime - startTime`, in seconds, over
/// the runs that have both); the fields not grouped by are null.
#[derive(Clone, Debug)]
pub struct IntegrationRunDurations(pub DurationGroup);

/// A group of runs with statistics of their durations (`endTime - startTime`, in seconds, over
/// the runs that have both); the fields not grouped by are null.
#[Object]
impl IntegrationRunDurations {
    /// The group's integration id (when grouped by INTEGRATION).
    async fn integration_id(&self) -> Option<i32> {
        self.0.integration_id
    }

    /// The group's integration (when grouped by INTEGRATION).
    async fn integration(&self, ctx: &Context<'_>) -> Result<Option<Integration>> {
        integration(ctx, self.0.integration_id).await
    }

    /// How many runs of the group have both a startTime and an endTime (the others are not
    /// counted).
    async fn count(&self) -> i64 {
        self.0.count
    }

    /// The median duration in seconds (`percentile_cont(0.5)`: interpolated between the two
    /// middle runs of an even count); null when count is 0.
    async fn median_seconds(&self) -> Option<f64> {
        self.0.median_seconds
    }

    /// The 95th percentile of the durations in seconds (`percentile_cont(0.95)`, interpolated
    /// like the median); null when count is 0.
    async fn p95_seconds(&self) -> Option<f64> {
        self.0.p95_seconds
    }

    /// The longest duration in seconds; null when count is 0.
    async fn max_seconds(&self) -> Option<f64> {
        self.0.max_seconds
    }
}
