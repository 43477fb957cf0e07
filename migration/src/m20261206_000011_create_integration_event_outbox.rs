//! `integration_event_outbox`: on PostgreSQL, where writers put their events unnumbered, so that
//! no writing transaction holds the one `event_sequence` row until it commits. A sequencer
//! (`src/service/events.rs`, run by every gateway's broker) moves the committed rows into
//! `integration_events`, numbering them after every event already numbered. `id` orders the rows
//! a round moves (it is drawn when the event is written, after the writer's row locks). On SQLite
//! (one writer at a time anyway) writers still number their events in their own transaction and
//! this table stays empty; it exists there too so that the schema is the same on both.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// Identifiers of the `integration_event_outbox` table (the columns of `integration_events`
/// but the sequence).
#[derive(DeriveIden)]
pub(crate) enum IntegrationEventOutbox {
    Table,
    Id,
    EventType,
    ObjectId,
    IntegrationId,
    IntegrationRunId,
    DocumentType,
    DocumentId,
    PreviousStatus,
    NewStatus,
    Action,
    ContactAlertType,
    PrincipalId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use IntegrationEventOutbox as O;
        manager
            .create_table(
                Table::create()
                    .table(O::Table)
                    .col(big_pk_auto(O::Id))
                    .col(string(O::EventType))
                    .col(integer(O::ObjectId))
                    .col(integer_null(O::IntegrationId))
                    .col(integer_null(O::IntegrationRunId))
                    .col(string_null(O::DocumentType))
                    .col(integer_null(O::DocumentId))
                    .col(string_null(O::PreviousStatus))
                    .col(string_null(O::NewStatus))
                    .col(string_null(O::Action))
                    .col(string_null(O::ContactAlertType))
                    .col(integer_null(O::PrincipalId))
                    .col(timestamp_with_time_zone(O::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(IntegrationEventOutbox::Table)
                    .to_owned(),
            )
            .await
    }
}
