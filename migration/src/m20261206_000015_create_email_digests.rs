//! Email digests: `email_digests` (one per email delivery: whose contact, which integration,
//! when its window opened and closes) and `email_digest_alerts` (the alerts each one reports).
//! The delivery itself is a row of the outbox (`deliveries`, channel `EMAIL`), claimed, retried
//! and recorded like every other; see `src/service/email_digests.rs` for how alerts join a digest.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    common::index, m20261123_000002_create_integrations::Integrations,
    m20261123_000008_create_integration_alerts::IntegrationAlerts,
    m20261206_000012_create_deliveries::Deliveries,
    m20261206_000013_create_integration_contacts::IntegrationContacts,
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// Identifiers of the `email_digests` table.
#[derive(DeriveIden)]
pub(crate) enum EmailDigests {
    Table,
    DeliveryId,
    IntegrationId,
    ContactId,
    OpenedAt,
    ClosesAt,
}

/// Identifiers of the `email_digest_alerts` table.
#[derive(DeriveIden)]
pub(crate) enum EmailDigestAlerts {
    Table,
    DeliveryId,
    AlertId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use EmailDigestAlerts as A;
        use EmailDigests as G;
        manager
            .create_table(
                Table::create()
                    .table(G::Table)
                    .col(integer(G::DeliveryId).primary_key())
                    .col(integer(G::IntegrationId))
                    .col(integer(G::ContactId))
                    .col(timestamp_with_time_zone(G::OpenedAt))
                    .col(timestamp_with_time_zone(G::ClosesAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_email_digests_delivery")
                            .from_col(G::DeliveryId)
                            .to(Deliveries::Table, Deliveries::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_email_digests_integration")
                            .from_col(G::IntegrationId)
                            .to(Integrations::Table, Integrations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_email_digests_contact")
                            .from_col(G::ContactId)
                            .to(IntegrationContacts::Table, IntegrationContacts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(integer(A::DeliveryId))
                    .col(integer(A::AlertId))
                    .primary_key(Index::create().col(A::DeliveryId).col(A::AlertId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_email_digest_alerts_digest")
                            .from_col(A::DeliveryId)
                            .to(G::Table, G::DeliveryId)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_email_digest_alerts_alert")
                            .from_col(A::AlertId)
                            .to(IntegrationAlerts::Table, IntegrationAlerts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The expander's search for a contact's open digest.
        manager
            .create_index(index(
                "idx_email_digests_contact_closes_at",
                G::Table,
                [G::ContactId, G::ClosesAt],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EmailDigestAlerts::Table.into_iden(),
            EmailDigests::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
