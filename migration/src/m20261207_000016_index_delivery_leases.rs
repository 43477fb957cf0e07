//! An index on the deliveries' leases: every claim counts the deliveries of each endpoint that
//! are being sent right now (pending with a lease still running) to keep each endpoint under its
//! concurrency bound, and that count must not read the whole backlog.

use sea_orm_migration::prelude::*;

use crate::{common::index, m20261206_000012_create_deliveries::Deliveries as D};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index(
                "idx_deliveries_status_lease_until",
                D::Table,
                [D::Status, D::LeaseUntil],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_deliveries_status_lease_until")
                    .table(D::Table)
                    .to_owned(),
            )
            .await
    }
}
