//! Mutations of integration contacts: each goes through one service function.

use async_graphql::{Context, InputObject, Object, Result};
use sea_orm::DatabaseConnection;

use super::{actor, integrations::IntegrationRefInput};
use crate::{
    graphql::{enums::ContactAlertType, types::IntegrationContact},
    service::contacts::{self, ContactInput},
};

/// Changes to integration contacts.
#[derive(Debug, Default)]
pub struct ContactMutations;

/// A new contact of an integration.
#[derive(InputObject, Clone, Debug)]
pub struct CreateIntegrationContactInput {
    /// The integration, by id or code.
    pub integration: IntegrationRefInput,
    /// The contact's name (≤ 255 characters).
    pub name: String,
    /// The contact's email address (≤ 255 characters; once per integration and contact type).
    pub email: String,
    /// TECHNICAL or FUNCTIONAL (BOTH is an alert's audience, refused here).
    pub contact_type: ContactAlertType,
    /// Whether alerts reach the contact (default true).
    pub active: Option<bool>,
}

/// Changes to a contact; omitted fields keep their value.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UpdateIntegrationContactInput {
    /// New name (≤ 255 characters).
    pub name: Option<String>,
    /// New email address (≤ 255 characters).
    pub email: Option<String>,
    /// New type: TECHNICAL or FUNCTIONAL.
    pub contact_type: Option<ContactAlertType>,
    /// false deactivates the contact, true reactivates it.
    pub active: Option<bool>,
}

impl From<UpdateIntegrationContactInput> for ContactInput {
    fn from(i: UpdateIntegrationContactInput) -> Self {
        ContactInput {
            name: i.name,
            email: i.email,
            contact_type: i.contact_type.map(Into::into),
            active: i.active,
        }
    }
}

/// Changes to integration contacts.
#[Object]
impl ContactMutations {
    /// Adds a contact to an integration.
    async fn create_integration_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new contact.")] input: CreateIntegrationContactInput,
    ) -> Result<IntegrationContact> {
        let db = ctx.data::<DatabaseConnection>()?;
        let fields = ContactInput {
            name: Some(input.name),
            email: Some(input.email),
            contact_type: Some(input.contact_type.into()),
            active: input.active,
        };
        Ok(IntegrationContact(
            contacts::create(db, actor(ctx), input.integration.into(), fields).await?,
        ))
    }

    /// Changes a contact (active: true reactivates a deactivated one).
    async fn update_integration_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contact's id.")] id: i32,
        #[graphql(desc = "The changes.")] input: UpdateIntegrationContactInput,
    ) -> Result<IntegrationContact> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(IntegrationContact(
            contacts::update(db, actor(ctx), None, id, input.into()).await?,
        ))
    }

    /// Deactivates a contact: alerts no longer reach it; it is kept, and can be reactivated.
    async fn deactivate_integration_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contact's id.")] id: i32,
    ) -> Result<IntegrationContact> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(IntegrationContact(
            contacts::deactivate(db, actor(ctx), None, id).await?,
        ))
    }
}
