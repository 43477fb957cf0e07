//! `integrations`: the configured integrations.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{audit_columns, check_in, check_null_or_in, unique};
use crate::enums::{DIRECTIONS, END_SYSTEM_TYPES, INTEGRATION_TYPES};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// Identifiers of the `integrations` table.
#[derive(DeriveIden)]
pub(crate) enum Integrations {
    Table,
    Id,
    Code,
    Name,
    BusinessObject,
    Direction,
    EndSystem,
    EndSystemType,
    IntegrationType,
    Standard,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(Integrations::Table)
            .col(pk_auto(Integrations::Id))
            .col(string_len(Integrations::Code, 255))
            .col(string_len(Integrations::Name, 255))
            .col(string_len(Integrations::BusinessObject, 255))
            .col(string(Integrations::Direction))
            .col(string_len(Integrations::EndSystem, 255))
            .col(string(Integrations::EndSystemType))
            .col(string_null(Integrations::IntegrationType))
            .col(boolean(Integrations::Standard).default(false));
        audit_columns(&mut table, "integrations");
        table
            .index(&mut unique("uq_integrations_code", [Integrations::Code]))
            .index(&mut unique("uq_integrations_name", [Integrations::Name]))
            .check(check_in(
                "integrations_direction_chk",
                Integrations::Direction,
                &DIRECTIONS,
            ))
            .check(check_in(
                "integrations_end_system_type_chk",
                Integrations::EndSystemType,
                &END_SYSTEM_TYPES,
            ))
            .check(check_null_or_in(
                "integrations_integration_type_chk",
                Integrations::IntegrationType,
                &INTEGRATION_TYPES,
            ));
        manager.create_table(table).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Integrations::Table).to_owned())
            .await
    }
}
