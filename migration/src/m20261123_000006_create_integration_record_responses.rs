//! `integration_record_responses`: what the external system answered, for
//! exactly one history record or one integration error.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{audit_columns, index};
use crate::m20261123_000004_create_integration_errors::IntegrationErrors;
use crate::m20261123_000005_create_integration_history_records::IntegrationHistoryRecords;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// Identifiers of the `integration_record_responses` table.
#[derive(DeriveIden)]
pub(crate) enum IntegrationRecordResponses {
    Table,
    Id,
    IntegrationHistoryRecordId,
    IntegrationErrorId,
    ResponseCode,
    ResponseMessage,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use IntegrationRecordResponses as R;

        let mut table = Table::create();
        table
            .table(R::Table)
            .col(pk_auto(R::Id))
            .col(integer_null(R::IntegrationHistoryRecordId))
            .col(integer_null(R::IntegrationErrorId))
            .col(string_null(R::ResponseCode))
            .col(text_null(R::ResponseMessage));
        audit_columns(&mut table, "integration_record_responses");
        table
            .foreign_key(
                ForeignKey::create()
                    .name("fk_integration_record_responses_integration_history_record")
                    .from_col(R::IntegrationHistoryRecordId)
                    .to(
                        IntegrationHistoryRecords::Table,
                        IntegrationHistoryRecords::Id,
                    )
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_integration_record_responses_integration_error")
                    .from_col(R::IntegrationErrorId)
                    .to(IntegrationErrors::Table, IntegrationErrors::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .check((
                "integration_record_responses_parent_chk",
                Expr::col(R::IntegrationHistoryRecordId)
                    .is_not_null()
                    .and(Expr::col(R::IntegrationErrorId).is_null())
                    .or(Expr::col(R::IntegrationHistoryRecordId)
                        .is_null()
                        .and(Expr::col(R::IntegrationErrorId).is_not_null())),
            ));
        manager.create_table(table).await?;

        let indexes = [
            index(
                "idx_integration_record_responses_integration_history_record_id",
                R::Table,
                [R::IntegrationHistoryRecordId],
            ),
            index(
                "idx_integration_record_responses_integration_error_id",
                R::Table,
                [R::IntegrationErrorId],
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
                    .table(IntegrationRecordResponses::Table)
                    .to_owned(),
            )
            .await
    }
}
