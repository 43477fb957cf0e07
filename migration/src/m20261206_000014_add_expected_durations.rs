//! An integration's expected run duration (`integrations.expected_duration_seconds`, optional)
//! and, on runs, when the gateway raised the alert that a run outlived it
//! (`integration_runs.stale_alerted_at`): the alert is raised once per run, by whichever gateway
//! sets this column first.
//!
//! SQLite cannot add a CHECK with `ALTER TABLE`, so the bound of the duration (1 s to 30 days) is
//! the domain's (`domain::validation::expected_duration`), not a constraint.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    m20261123_000002_create_integrations::Integrations,
    m20261123_000003_create_integration_runs::IntegrationRuns,
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// The new columns.
#[derive(DeriveIden)]
enum Added {
    ExpectedDurationSeconds,
    StaleAlertedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per ALTER TABLE: SQLite takes no more.
        manager
            .alter_table(
                Table::alter()
                    .table(Integrations::Table)
                    .add_column(integer_null(Added::ExpectedDurationSeconds))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(IntegrationRuns::Table)
                    .add_column(timestamp_with_time_zone_null(Added::StaleAlertedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(IntegrationRuns::Table)
                    .drop_column(Added::StaleAlertedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Integrations::Table)
                    .drop_column(Added::ExpectedDurationSeconds)
                    .to_owned(),
            )
            .await
    }
}
