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

use std::borrow::Cow;

use async_graphql::{
    ContainerType, Context, ContextSelectionSet, MergedObject, ObjectType, OutputType, Positioned,
    ServerResult, Value, parser::types::Field, registry::Registry,
    resolver_utils::resolve_container,
};

use crate::{
    domain::input::{InputLimits, Walk},
    graphql::limits::input_error,
    service::Actor,
};

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

/// The root mutation as the schema serves it: before any of its fields runs, the field's
/// arguments (variables given) are checked for text that could not be stored and given back
/// (control characters but tab, newline and carriage return), in this one place for every
/// write. Such text is no reason to refuse the document — graphql-js, the reference, validates
/// it — so it is the writing field's error, and the field writes nothing; reads take it (a
/// filter with it matches nothing).
#[derive(Debug, Default)]
pub struct Mutation(MutationRoot);

impl Mutation {
    fn check_texts(ctx: &Context<'_>) -> ServerResult<()> {
        let limits = ctx.data_opt::<InputLimits>().copied().unwrap_or_default();
        for (name, value) in ctx.field().arguments()? {
            Walk::check_texts(&limits, name.as_str(), &value).map_err(|violation| {
                let mut error = input_error(violation);
                error.locations = vec![ctx.item.pos];
                ctx.set_error_path(error)
            })?;
        }
        Ok(())
    }
}

impl ContainerType for Mutation {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        Self::check_texts(ctx)?;
        self.0.resolve_field(ctx).await
    }
}

impl OutputType for Mutation {
    fn type_name() -> Cow<'static, str> {
        MutationRoot::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        MutationRoot::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        resolve_container(ctx, self).await
    }
}

impl ObjectType for Mutation {}

/// The principal of the request (the local user until authentication exists).
fn actor(ctx: &Context<'_>) -> Actor {
    ctx.data_opt::<Actor>().copied().unwrap_or_default()
}
