//! `integration_runs`: one batch of an integration.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{Audit, audit_columns, check_in, check_non_negative, index};
use crate::enums::RUN_STATUSES;
use crate::m20261123_000002_create_integrations::Integrations;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// Identifiers of the `integration_runs` table.
#[derive(DeriveIden)]
pub(crate) enum IntegrationRuns {
    Table,
    Id,
    IntegrationId,
    Flow,
    Status,
    StartTime,
    EndTime,
    TotalRecords,
    RecordsProcessed,
    MaxUpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(IntegrationRuns::Table)
            .col(pk_auto(IntegrationRuns::Id))
            .col(integer(IntegrationRuns::IntegrationId))
            .col(json_null(IntegrationRuns::Flow))
            .col(string(IntegrationRuns::Status))
            .col(timestamp_with_time_zone_null(IntegrationRuns::StartTime))
            .col(timestamp_with_time_zone_null(IntegrationRuns::EndTime))
            .col(integer_null(IntegrationRuns::TotalRecords))
            .col(integer_null(IntegrationRuns::RecordsProcessed))
            .col(timestamp_with_time_zone_null(IntegrationRuns::MaxUpdatedAt));
        audit_columns(&mut table, "integration_runs");
        table
            .foreign_key(
                ForeignKey::create()
                    .name("fk_integration_runs_integration")
                    .from_col(IntegrationRuns::IntegrationId)
                    .to(Integrations::Table, Integrations::Id),
            )
            .check(check_in(
                "integration_runs_status_chk",
                IntegrationRuns::Status,
                &RUN_STATUSES,
            ))
            .check(check_non_negative(
                "integration_runs_total_records_chk",
                IntegrationRuns::TotalRecords,
            ))
            .check(check_non_negative(
                "integration_runs_records_processed_chk",
                IntegrationRuns::RecordsProcessed,
            ))
            .check((
                "integration_runs_progress_chk",
                Expr::col(IntegrationRuns::TotalRecords)
                    .is_null()
                    .or(Expr::col(IntegrationRuns::RecordsProcessed).is_null())
                    .or(Expr::col(IntegrationRuns::RecordsProcessed)
                        .lte(Expr::col(IntegrationRuns::TotalRecords))),
            ));
        manager.create_table(table).await?;

        let t = || IntegrationRuns::Table;
        let indexes = [
            index(
                "idx_integration_runs_integration_id_created_at",
                t(),
                [
                    IntegrationRuns::IntegrationId.into_iden(),
                    Audit::CreatedAt.into_iden(),
                ],
            ),
            index(
                "idx_integration_runs_status",
                t(),
                [IntegrationRuns::Status.into_iden()],
            ),
            index(
                "idx_integration_runs_created_at",
                t(),
                [Audit::CreatedAt.into_iden()],
            ),
            index(
                "idx_integration_runs_updated_at",
                t(),
                [Audit::UpdatedAt.into_iden()],
            ),
            index(
                "idx_integration_runs_start_time",
                t(),
                [IntegrationRuns::StartTime.into_iden()],
            ),
            index(
                "idx_integration_runs_end_time",
                t(),
                [IntegrationRuns::EndTime.into_iden()],
            ),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IntegrationRuns::Table).to_owned())
            .await
    }
}
