//! Dashboard aggregates: one SQL statement (a GROUP BY) each.

use async_graphql::{Context, Object, Result};
use sea_orm::{Condition, DatabaseConnection};

use crate::{
    graphql::types::{
        IntegrationAlertFilter, IntegrationHistoryRecordFilter, IntegrationRunFilter,
        aggregate::{
            IntegrationAlertCount, IntegrationAlertGroupBy, IntegrationHistoryRecordCount,
            IntegrationHistoryRecordGroupBy, IntegrationRunCount, IntegrationRunDurationGroupBy,
            IntegrationRunDurations, IntegrationRunGroupBy, IntegrationRunTime,
        },
    },
    service::aggregates,
};

/// Counts for dashboards.
#[derive(Debug, Default)]
pub struct AggregateQueries;

/// Counts for dashboards.
#[Object]
impl AggregateQueries {
    /// Runs matching the filter, counted per group (with sums of totalRecords and
    /// recordsProcessed); no groupBy gives one group for all. `DAY` and `HOUR` are of the time
    /// `periodsOf` chooses: "runs started per hour" is `groupBy: [HOUR], periodsOf: START_TIME`
    /// (with a `startTime` filter to leave out the runs not started).
    async fn integration_run_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only runs matching this filter.")] filter: Option<IntegrationRunFilter>,
        #[graphql(desc = "The dimensions to group by, in this order.", default)] group_by: Vec<
            IntegrationRunGroupBy,
        >,
        #[graphql(
            desc = "Which time of a run the DAY and HOUR groups are of.",
            default_with = "IntegrationRunTime::CreatedAt"
        )]
        periods_of: IntegrationRunTime,
    ) -> Result<Vec<IntegrationRunCount>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let backend = crate::graphql::filter::backend(ctx)?;
        let condition = filter
            .map(|f| f.condition(backend))
            .unwrap_or_else(Condition::all);
        let dims: Vec<_> = group_by.into_iter().map(Into::into).collect();
        let groups = aggregates::run_counts(db, condition, &dims, periods_of.into()).await?;
        Ok(groups.into_iter().map(IntegrationRunCount).collect())
    }

    /// History records matching the filter, counted per group; no groupBy gives one group for all.
    async fn integration_history_record_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only records matching this filter.")] filter: Option<
            IntegrationHistoryRecordFilter,
        >,
        #[graphql(desc = "The dimensions to group by, in this order.", default)] group_by: Vec<
            IntegrationHistoryRecordGroupBy,
        >,
    ) -> Result<Vec<IntegrationHistoryRecordCount>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let backend = crate::graphql::filter::backend(ctx)?;
        let condition = filter
            .map(|f| f.condition(backend))
            .unwrap_or_else(Condition::all);
        let dims: Vec<_> = group_by.into_iter().map(Into::into).collect();
        let groups = aggregates::record_counts(db, condition, &dims).await?;
        Ok(groups
            .into_iter()
            .map(IntegrationHistoryRecordCount)
            .collect())
    }

    /// Alerts matching the filter, counted per group; no groupBy gives one group for all.
    async fn integration_alert_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only alerts matching this filter.")] filter: Option<
            IntegrationAlertFilter,
        >,
        #[graphql(desc = "The dimensions to group by, in this order.", default)] group_by: Vec<
            IntegrationAlertGroupBy,
        >,
    ) -> Result<Vec<IntegrationAlertCount>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let backend = crate::graphql::filter::backend(ctx)?;
        let condition = filter
            .map(|f| f.condition(backend))
            .unwrap_or_else(Condition::all);
        let dims: Vec<_> = group_by.into_iter().map(Into::into).collect();
        let groups = aggregates::alert_counts(db, condition, &dims).await?;
        Ok(groups.into_iter().map(IntegrationAlertCount).collect())
    }

    /// Statistics of the durations (`endTime - startTime`) of the runs matching the filter, per
    /// group: how many, the median, the 95th percentile and the longest, in seconds. Runs
    /// without a startTime or an endTime are left out; no groupBy gives one group for all
    /// (with count 0 and null statistics when no run is timed).
    async fn integration_run_durations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only runs matching this filter.")] filter: Option<IntegrationRunFilter>,
        #[graphql(desc = "The dimensions to group by, in this order.", default)] group_by: Vec<
            IntegrationRunDurationGroupBy,
        >,
    ) -> Result<Vec<IntegrationRunDurations>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let backend = crate::graphql::filter::backend(ctx)?;
        let condition = filter
            .map(|f| f.condition(backend))
            .unwrap_or_else(Condition::all);
        let dims: Vec<_> = group_by.into_iter().map(Into::into).collect();
        let groups = aggregates::run_durations(db, condition, &dims).await?;
        Ok(groups.into_iter().map(IntegrationRunDurations).collect())
    }
}
