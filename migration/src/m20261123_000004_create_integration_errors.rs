//! `integration_errors`: the errors a run hits.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{Audit, audit_columns, check_in, check_null_or_in, index};
use crate::enums::{CONTACT_ALERT_TYPES, DOCUMENT_TYPES};
use crate::m20261123_000002_create_integrations::Integrations;
use crate::m20261123_000003_create_integration_runs::IntegrationRuns;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// Identifiers of the `integration_errors` table.
#[derive(DeriveIden)]
pub(crate) enum IntegrationErrors {
    Table,
    Id,
    IntegrationRunId,
    IntegrationId,
    ContactAlertType,
    DocumentType,
    DocumentId,
    DocumentRevision,
    DocumentStatus,
    CreationMethod,
    ExternalId,
    IntegrationFilename,
    Resolved,
    Status,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(IntegrationErrors::Table)
            .col(pk_auto(IntegrationErrors::Id))
            .col(integer(IntegrationErrors::IntegrationRunId))
            .col(integer_null(IntegrationErrors::IntegrationId))
            .col(string(IntegrationErrors::ContactAlertType))
            .col(string_null(IntegrationErrors::DocumentType))
            .col(integer_null(IntegrationErrors::DocumentId))
            .col(integer_null(IntegrationErrors::DocumentRevision))
            .col(string_null(IntegrationErrors::DocumentStatus))
            .col(string_null(IntegrationErrors::CreationMethod))
            .col(string_null(IntegrationErrors::ExternalId))
            .col(string_null(IntegrationErrors::IntegrationFilename))
            .col(boolean(IntegrationErrors::Resolved).default(false))
            .col(string_null(IntegrationErrors::Status));
        audit_columns(&mut table, "integration_errors");
        table
            .foreign_key(
                ForeignKey::create()
                    .name("fk_integration_errors_integration_run")
                    .from_col(IntegrationErrors::IntegrationRunId)
                    .to(IntegrationRuns::Table, IntegrationRuns::Id),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_integration_errors_integration")
                    .from_col(IntegrationErrors::IntegrationId)
                    .to(Integrations::Table, Integrations::Id),
            )
            .check(check_in(
                "integration_errors_contact_alert_type_chk",
                IntegrationErrors::ContactAlertType,
                &CONTACT_ALERT_TYPES,
            ))
            .check(check_null_or_in(
                "integration_errors_document_type_chk",
                IntegrationErrors::DocumentType,
                &DOCUMENT_TYPES,
            ));
        manager.create_table(table).await?;

        let t = || IntegrationErrors::Table;
        let indexes = [
            index(
                "idx_integration_errors_integration_run_id_resolved",
                t(),
                [
                    IntegrationErrors::IntegrationRunId.into_iden(),
                    IntegrationErrors::Resolved.into_iden(),
                ],
            ),
            index(
                "idx_integration_errors_integration_id",
                t(),
                [IntegrationErrors::IntegrationId.into_iden()],
            ),
            index(
                "idx_integration_errors_created_at",
                t(),
                [Audit::CreatedAt.into_iden()],
            ),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IntegrationErrors::Table).to_owned())
            .await
    }
}
