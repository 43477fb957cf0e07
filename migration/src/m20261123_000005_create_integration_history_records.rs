//! `integration_history_records`: per document, what happened to it in an integration.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{Audit, audit_columns, check_in, index};
use crate::enums::{CONTACT_ALERT_TYPES, DOCUMENT_TYPES};
use crate::m20261123_000002_create_integrations::Integrations;
use crate::m20261123_000003_create_integration_runs::IntegrationRuns;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// Identifiers of the `integration_history_records` table.
#[derive(DeriveIden)]
pub(crate) enum IntegrationHistoryRecords {
    Table,
    Id,
    ContactAlertType,
    DocumentType,
    DocumentId,
    DocumentRevision,
    DocumentStatus,
    CreationMethod,
    ExternalId,
    IntegrationId,
    IntegrationRunId,
    IntegrationFilename,
    Resolved,
    Status,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use IntegrationHistoryRecords as R;

        let mut table = Table::create();
        table
            .table(R::Table)
            .col(pk_auto(R::Id))
            .col(string(R::ContactAlertType))
            .col(string(R::DocumentType))
            .col(integer(R::DocumentId))
            .col(integer_null(R::DocumentRevision))
            .col(string_null(R::DocumentStatus))
            .col(string_null(R::CreationMethod))
            .col(string_null(R::ExternalId))
            .col(integer_null(R::IntegrationId))
            .col(integer_null(R::IntegrationRunId))
            .col(string_null(R::IntegrationFilename))
            .col(boolean(R::Resolved).default(false))
            .col(string_null(R::Status));
        audit_columns(&mut table, "integration_history_records");
        table
            .foreign_key(
                ForeignKey::create()
                    .name("fk_integration_history_records_integration")
                    .from_col(R::IntegrationId)
                    .to(Integrations::Table, Integrations::Id),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_integration_history_records_integration_run")
                    .from_col(R::IntegrationRunId)
                    .to(IntegrationRuns::Table, IntegrationRuns::Id),
            )
            .check(check_in(
                "integration_history_records_contact_alert_type_chk",
                R::ContactAlertType,
                &CONTACT_ALERT_TYPES,
            ))
            .check(check_in(
                "integration_history_records_document_type_chk",
                R::DocumentType,
                &DOCUMENT_TYPES,
            ));
        manager.create_table(table).await?;

        let indexes = [
            index(
                "idx_integration_history_records_document_type_id_resolved",
                R::Table,
                [
                    R::DocumentType.into_iden(),
                    R::DocumentId.into_iden(),
                    R::Resolved.into_iden(),
                ],
            ),
            index(
                "idx_integration_history_records_integration_id",
                R::Table,
                [R::IntegrationId.into_iden()],
            ),
            index(
                "idx_integration_history_records_integration_run_id",
                R::Table,
                [R::IntegrationRunId.into_iden()],
            ),
            index(
                "idx_integration_history_records_external_id",
                R::Table,
                [R::ExternalId.into_iden()],
            ),
            index(
                "idx_integration_history_records_status",
                R::Table,
                [R::Status.into_iden()],
            ),
            index(
                "idx_integration_history_records_created_at",
                R::Table,
                [Audit::CreatedAt.into_iden()],
            ),
            index(
                "idx_integration_history_records_updated_at",
                R::Table,
                [Audit::UpdatedAt.into_iden()],
            ),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(IntegrationHistoryRecords::Table)
                    .to_owned(),
            )
            .await
    }
}
