//! The outbox tables churn (every delivery is inserted, leased and settled; every event passes
//! through `integration_event_outbox`), and the claim of due deliveries and the sequencer's round
//! read them from their oldest rows, walking the dead versions the churn leaves in their indexes.
//! So:
//!
//! - the lease index goes: each worker counts its own sends in flight per endpoint (the bound is
//!   per gateway process), so a lease no longer changes an indexed column and PostgreSQL can make
//!   it a HOT update (no new index entries), with room for it on the page (`fillfactor` 80);
//! - on PostgreSQL both tables are vacuumed after a fixed number of dead rows rather than a fifth
//!   of the table, so those walks stay short however large the delivery history grows.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

use crate::{common::index, m20261206_000012_create_deliveries::Deliveries as D};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_deliveries_status_lease_until")
                    .table(D::Table)
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            let db = manager.get_connection();
            db.execute_unprepared(
                "ALTER TABLE deliveries SET (fillfactor = 80, \
                   autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000)",
            )
            .await?;
            db.execute_unprepared(
                "ALTER TABLE integration_event_outbox SET (\
                   autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000)",
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            let db = manager.get_connection();
            db.execute_unprepared(
                "ALTER TABLE deliveries RESET (fillfactor, \
                   autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold)",
            )
            .await?;
            db.execute_unprepared(
                "ALTER TABLE integration_event_outbox RESET (\
                   autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold)",
            )
            .await?;
        }
        manager
            .create_index(index(
                "idx_deliveries_status_lease_until",
                D::Table,
                [D::Status, D::LeaseUntil],
            ))
            .await
    }
}
