//! `integration_events`: the transactional outbox. Every change writes its events in its own
//! transaction; `sequence` orders them in commit order (see `event_sequence`), and subscribers
//! replay from it. `event_sequence` is a one-row counter: taking the next number locks the row
//! until the writer commits, so sequence order is commit order on SQLite and PostgreSQL alike.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::index;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// Identifiers of the `integration_events` table.
#[derive(DeriveIden)]
pub(crate) enum IntegrationEvents {
    Table,
    Sequence,
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

/// Identifiers of the `event_sequence` table.
#[derive(DeriveIden)]
pub(crate) enum EventSequence {
    Table,
    Id,
    LastSequence,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use IntegrationEvents as E;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(big_integer(E::Sequence).primary_key())
                    .col(string(E::EventType))
                    .col(integer(E::ObjectId))
                    .col(integer_null(E::IntegrationId))
                    .col(integer_null(E::IntegrationRunId))
                    .col(string_null(E::DocumentType))
                    .col(integer_null(E::DocumentId))
                    .col(string_null(E::PreviousStatus))
                    .col(string_null(E::NewStatus))
                    .col(string_null(E::Action))
                    .col(string_null(E::ContactAlertType))
                    .col(integer_null(E::PrincipalId))
                    .col(timestamp_with_time_zone(E::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_integration_events_created_at",
                E::Table,
                [E::CreatedAt],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EventSequence::Table)
                    .col(integer(EventSequence::Id).primary_key())
                    .col(big_integer(EventSequence::LastSequence))
                    .to_owned(),
            )
            .await?;
        let seed = Query::insert()
            .into_table(EventSequence::Table)
            .columns([EventSequence::Id, EventSequence::LastSequence])
            .values_panic([1.into(), 0i64.into()])
            .to_owned();
        manager.exec_stmt(seed).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EventSequence::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(IntegrationEvents::Table).to_owned())
            .await
    }
}
