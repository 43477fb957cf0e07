//! `api_tokens`: bearer tokens made with `integration-gateway token create`, stored only as
//! SHA-256 hashes; each acts as its own `api_client` user.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{common::unique, m20261123_000001_create_users::Users};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// Identifiers of the `api_tokens` table.
#[derive(DeriveIden)]
pub(crate) enum ApiTokens {
    Table,
    Id,
    Name,
    TokenHash,
    Prefix,
    Scopes,
    UserId,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ApiTokens as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .col(pk_auto(T::Id))
                    .col(string(T::Name))
                    .col(string(T::TokenHash))
                    .col(string(T::Prefix))
                    .col(string(T::Scopes))
                    .col(integer(T::UserId))
                    .col(timestamp_with_time_zone(T::CreatedAt))
                    .col(timestamp_with_time_zone_null(T::ExpiresAt))
                    .col(timestamp_with_time_zone_null(T::RevokedAt))
                    .index(&mut unique("uq_api_tokens_name", [T::Name]))
                    .index(&mut unique("uq_api_tokens_token_hash", [T::TokenHash]))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_api_tokens_user")
                            .from_col(T::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ApiTokens::Table).to_owned())
            .await
    }
}
