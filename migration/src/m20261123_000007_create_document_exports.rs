//! `document_exports`: per (document type, document id), whether and when it
//! was exported, and the run and record that marked it.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{check_in, index, unique};
use crate::enums::DOCUMENT_TYPES;
use crate::m20261123_000003_create_integration_runs::IntegrationRuns;
use crate::m20261123_000005_create_integration_history_records::IntegrationHistoryRecords;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// Identifiers of the `document_exports` table.
#[derive(DeriveIden)]
pub(crate) enum DocumentExports {
    Table,
    Id,
    DocumentType,
    DocumentId,
    Exported,
    LastExportedAt,
    IntegrationRunId,
    IntegrationHistoryRecordId,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use DocumentExports as D;

        manager
            .create_table(
                Table::create()
                    .table(D::Table)
                    .col(pk_auto(D::Id))
                    .col(string(D::DocumentType))
                    .col(integer(D::DocumentId))
                    .col(boolean(D::Exported).default(false))
                    .col(timestamp_with_time_zone_null(D::LastExportedAt))
                    .col(integer_null(D::IntegrationRunId))
                    .col(integer_null(D::IntegrationHistoryRecordId))
                    .col(timestamp_with_time_zone(D::CreatedAt))
                    .col(timestamp_with_time_zone(D::UpdatedAt))
                    .index(&mut unique(
                        "uq_document_exports_document",
                        [D::DocumentType, D::DocumentId],
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_document_exports_integration_run")
                            .from_col(D::IntegrationRunId)
                            .to(IntegrationRuns::Table, IntegrationRuns::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_document_exports_integration_history_record")
                            .from_col(D::IntegrationHistoryRecordId)
                            .to(
                                IntegrationHistoryRecords::Table,
                                IntegrationHistoryRecords::Id,
                            ),
                    )
                    .check(check_in(
                        "document_exports_document_type_chk",
                        D::DocumentType,
                        &DOCUMENT_TYPES,
                    ))
                    .to_owned(),
            )
            .await?;

        let indexes = [
            index(
                "idx_document_exports_exported_document_type",
                D::Table,
                [D::Exported, D::DocumentType],
            ),
            index(
                "idx_document_exports_last_exported_at",
                D::Table,
                [D::LastExportedAt],
            ),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DocumentExports::Table).to_owned())
            .await
    }
}
