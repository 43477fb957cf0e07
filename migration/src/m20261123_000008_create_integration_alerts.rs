//! `integration_alerts`: alerts raised to an integration's contacts (by contact-alert-type), kept so
//! they can be listed and delivered to subscribers.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    common::{check_in, check_null_or_in, index},
    enums::{CONTACT_ALERT_TYPES, DOCUMENT_TYPES},
    m20261123_000001_create_users::Users,
    m20261123_000002_create_integrations::Integrations,
    m20261123_000003_create_integration_runs::IntegrationRuns,
    m20261123_000004_create_integration_errors::IntegrationErrors,
    m20261123_000005_create_integration_history_records::IntegrationHistoryRecords,
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// Identifiers of the `integration_alerts` table.
#[derive(DeriveIden)]
pub(crate) enum IntegrationAlerts {
    Table,
    Id,
    IntegrationId,
    ContactAlertType,
    IntegrationHistoryRecordId,
    IntegrationErrorId,
    IntegrationRunId,
    DocumentType,
    DocumentId,
    Message,
    CreatedAt,
    CreatedById,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use IntegrationAlerts as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(pk_auto(A::Id))
                    .col(integer_null(A::IntegrationId))
                    .col(string(A::ContactAlertType))
                    .col(integer_null(A::IntegrationHistoryRecordId))
                    .col(integer_null(A::IntegrationErrorId))
                    .col(integer_null(A::IntegrationRunId))
                    .col(string_null(A::DocumentType))
                    .col(integer_null(A::DocumentId))
                    .col(text_null(A::Message))
                    .col(timestamp_with_time_zone(A::CreatedAt))
                    .col(integer_null(A::CreatedById))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_integration_alerts_integration")
                            .from_col(A::IntegrationId)
                            .to(Integrations::Table, Integrations::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_integration_alerts_history_record")
                            .from_col(A::IntegrationHistoryRecordId)
                            .to(
                                IntegrationHistoryRecords::Table,
                                IntegrationHistoryRecords::Id,
                            ),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_integration_alerts_error")
                            .from_col(A::IntegrationErrorId)
                            .to(IntegrationErrors::Table, IntegrationErrors::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_integration_alerts_run")
                            .from_col(A::IntegrationRunId)
                            .to(IntegrationRuns::Table, IntegrationRuns::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_integration_alerts_created_by")
                            .from_col(A::CreatedById)
                            .to(Users::Table, Users::Id),
                    )
                    .check(check_in(
                        "integration_alerts_contact_alert_type_chk",
                        A::ContactAlertType,
                        &CONTACT_ALERT_TYPES,
                    ))
                    .check(check_null_or_in(
                        "integration_alerts_document_type_chk",
                        A::DocumentType,
                        &DOCUMENT_TYPES,
                    ))
                    .to_owned(),
            )
            .await?;
        let indexes = [
            index(
                "idx_integration_alerts_integration_id_created_at",
                A::Table,
                [A::IntegrationId, A::CreatedAt],
            ),
            index(
                "idx_integration_alerts_created_at",
                A::Table,
                [A::CreatedAt],
            ),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IntegrationAlerts::Table).to_owned())
            .await
    }
}
