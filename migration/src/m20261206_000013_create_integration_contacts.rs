//! `integration_contacts`: the people an integration's alerts reach, each `Technical` or
//! `Functional` (the vendor's contact-alert-type; an alert for `Both` reaches both kinds, so
//! `Both` is not a contact's type). One email appears at most once per integration and type
//! (`uq_integration_contacts_email`): a second row would only send the same person the same alert
//! twice.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    common::{audit_columns, check_in, index},
    enums::CONTACT_TYPES,
    m20261123_000002_create_integrations::Integrations,
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// Identifiers of the `integration_contacts` table.
#[derive(DeriveIden)]
pub(crate) enum IntegrationContacts {
    Table,
    Id,
    IntegrationId,
    Name,
    Email,
    ContactType,
    Active,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use IntegrationContacts as C;
        let mut table = Table::create();
        table
            .table(C::Table)
            .col(pk_auto(C::Id))
            .col(integer(C::IntegrationId))
            .col(string_len(C::Name, 255))
            .col(string_len(C::Email, 255))
            .col(string(C::ContactType))
            .col(boolean(C::Active).default(true))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_integration_contacts_integration")
                    .from_col(C::IntegrationId)
                    .to(Integrations::Table, Integrations::Id),
            )
            .check(check_in(
                "integration_contacts_contact_type_chk",
                C::ContactType,
                &CONTACT_TYPES,
            ));
        audit_columns(&mut table, "integration_contacts");
        manager.create_table(table.to_owned()).await?;
        manager
            .create_index(index(
                "idx_integration_contacts_integration_id",
                C::Table,
                [C::IntegrationId],
            ))
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_integration_contacts_email")
                    .table(C::Table)
                    .col(C::IntegrationId)
                    .col(C::ContactType)
                    .col(C::Email)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IntegrationContacts::Table).to_owned())
            .await
    }
}
