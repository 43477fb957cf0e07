//! `users`: the principals (users and API clients) that create and update rows.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{check_in, unique};
use crate::enums::USER_KINDS;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// Identifiers of the `users` table.
#[derive(DeriveIden)]
pub(crate) enum Users {
    Table,
    Id,
    Name,
    Kind,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk_auto(Users::Id))
                    .col(string(Users::Name))
                    .col(string(Users::Kind))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .index(&mut unique("uq_users_name", [Users::Name]))
                    .check(check_in("users_kind_chk", Users::Kind, &USER_KINDS))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Users::Table).to_owned())
            .await
    }
}
