//! Webhook endpoints and the delivery outbox: `webhook_endpoints` (where events are sent, with
//! their signing secrets), `deliveries` (one row per event and endpoint, or per event and
//! recipient for other channels, claimed by the delivery worker), `delivery_attempts` (every try,
//! with its outcome) and `delivery_cursor` (the one row that says up to which event the
//! expander has made deliveries; see `src/service/deliveries.rs`).
//!
//! The cursor starts at the newest event numbered when the migration runs: events older than
//! the first endpoint are never sent anywhere.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    common::{check_in, index},
    m20261123_000002_create_integrations::Integrations,
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// Identifiers of the `webhook_endpoints` table.
#[derive(DeriveIden)]
pub(crate) enum WebhookEndpoints {
    Table,
    Id,
    Url,
    EventTypes,
    IntegrationId,
    Description,
    Enabled,
    DisabledReason,
    Secret,
    PreviousSecret,
    PreviousSecretExpiresAt,
    CreatedAt,
    UpdatedAt,
}

/// Identifiers of the `deliveries` table.
#[derive(DeriveIden)]
pub(crate) enum Deliveries {
    Table,
    Id,
    Channel,
    EventSequence,
    EventType,
    Categories,
    EndpointId,
    Recipient,
    Payload,
    Status,
    Attempts,
    AttemptBase,
    NextAttemptAt,
    LeaseUntil,
    LastError,
    LastStatusCode,
    CreatedAt,
    UpdatedAt,
    DeliveredAt,
}

/// Identifiers of the `delivery_attempts` table.
#[derive(DeriveIden)]
pub(crate) enum DeliveryAttempts {
    Table,
    Id,
    DeliveryId,
    AttemptedAt,
    StatusCode,
    LatencyMs,
    Error,
}

/// Identifiers of the `delivery_cursor` table.
#[derive(DeriveIden)]
pub(crate) enum DeliveryCursor {
    Table,
    Id,
    LastSequence,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Deliveries as D;
        use DeliveryAttempts as A;
        use WebhookEndpoints as W;
        manager
            .create_table(
                Table::create()
                    .table(W::Table)
                    .col(pk_auto(W::Id))
                    .col(text(W::Url))
                    .col(text(W::EventTypes))
                    .col(integer_null(W::IntegrationId))
                    .col(text_null(W::Description))
                    .col(boolean(W::Enabled))
                    .col(text_null(W::DisabledReason))
                    .col(text(W::Secret))
                    .col(text_null(W::PreviousSecret))
                    .col(timestamp_with_time_zone_null(W::PreviousSecretExpiresAt))
                    .col(timestamp_with_time_zone(W::CreatedAt))
                    .col(timestamp_with_time_zone(W::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_webhook_endpoints_integration")
                            .from_col(W::IntegrationId)
                            .to(Integrations::Table, Integrations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(D::Table)
                    .col(pk_auto(D::Id))
                    .col(string(D::Channel))
                    .col(big_integer(D::EventSequence))
                    .col(string(D::EventType))
                    .col(text(D::Categories))
                    .col(integer_null(D::EndpointId))
                    .col(text_null(D::Recipient))
                    .col(text(D::Payload))
                    .col(string(D::Status))
                    .col(integer(D::Attempts))
                    .col(integer(D::AttemptBase))
                    .col(timestamp_with_time_zone(D::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(D::LeaseUntil))
                    .col(text_null(D::LastError))
                    .col(integer_null(D::LastStatusCode))
                    .col(timestamp_with_time_zone(D::CreatedAt))
                    .col(timestamp_with_time_zone(D::UpdatedAt))
                    .col(timestamp_with_time_zone_null(D::DeliveredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_deliveries_endpoint")
                            .from_col(D::EndpointId)
                            .to(W::Table, W::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .check(check_in(
                        "deliveries_channel_chk",
                        D::Channel,
                        &["WEBHOOK", "EMAIL"],
                    ))
                    .check(check_in(
                        "deliveries_status_chk",
                        D::Status,
                        &["PENDING", "DELIVERED", "DEAD"],
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(pk_auto(A::Id))
                    .col(integer(A::DeliveryId))
                    .col(timestamp_with_time_zone(A::AttemptedAt))
                    .col(integer_null(A::StatusCode))
                    .col(integer(A::LatencyMs))
                    .col(text_null(A::Error))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_delivery_attempts_delivery")
                            .from_col(A::DeliveryId)
                            .to(D::Table, D::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DeliveryCursor::Table)
                    .col(integer(DeliveryCursor::Id).primary_key())
                    .col(big_integer(DeliveryCursor::LastSequence))
                    .to_owned(),
            )
            .await?;
        let indexes = [
            // The worker's claim: due pending rows.
            index(
                "idx_deliveries_status_next_attempt_at",
                D::Table,
                [D::Status, D::NextAttemptAt],
            ),
            index(
                "idx_deliveries_endpoint_id",
                D::Table,
                [D::EndpointId, D::Id],
            ),
            // One delivery per event and endpoint, whoever expands it.
            Index::create()
                .name("uq_deliveries_event_endpoint")
                .table(D::Table)
                .col(D::Channel)
                .col(D::EventSequence)
                .col(D::EndpointId)
                .unique()
                .to_owned(),
            index(
                "idx_delivery_attempts_delivery_id",
                A::Table,
                [A::DeliveryId, A::Id],
            ),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO delivery_cursor (id, last_sequence) \
                 SELECT 1, last_sequence FROM event_sequence WHERE id = 1",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DeliveryCursor::Table.into_iden(),
            DeliveryAttempts::Table.into_iden(),
            Deliveries::Table.into_iden(),
            WebhookEndpoints::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
