//! The root mutation: every write goes through one service function.

/// Of integration contacts.
pub mod contacts;
/// Of history records, errors and responses.
pub mod documents;
/// CSV imports over HTTP.
pub mod import;
/// Of integrations and runs.
pub mod integrations;
/// Of webhook endpoints and deliveries (admin).
pub mod webhooks;

use async_graphql::{Context, MergedObject};

use crate::service::Actor;

use integrations::IntegrationRefInput;

/// Changes to integrations, runs, contacts, history records, errors and responses.
#[derive(MergedObject, Debug, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    integrations::IntegrationMutations,
    documents::DocumentMutations,
    import::ImportMutations,
    webhooks::WebhookMutations,
    contacts::ContactMutations,
);

/// The principal of the request (the local user until authentication exists).
fn actor(ctx: &Context<'_>) -> Actor {
    ctx.data_opt::<Actor>().copied().unwrap_or_default()
}
