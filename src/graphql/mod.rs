//! The GraphQL schema: types and resolvers that call the service layer.

pub mod connection;
pub mod enums;
pub mod filter;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod persisted;
pub mod publish;
pub mod query;
pub mod request_errors;
pub mod scopes;
pub mod subscription;
pub mod types;

use std::{sync::Arc, time::Duration};

use async_graphql::{Schema, extensions::apollo_persisted_queries};
use sea_orm::DatabaseConnection;

use crate::{auth::Principal, broker::Broker, service::Actor};

/// The gateway's schema type.
pub type AppSchema =
    Schema<query::QueryRoot, mutation::MutationRoot, subscription::SubscriptionRoot>;

/// How the schema is built.
#[derive(Clone, Debug)]
pub struct SchemaOptions {
    /// The principal of changes while no authentication is configured.
    pub actor: Actor,
    /// How long a DataLoader waits after its first key for the other keys of a level.
    pub loader_delay: Duration,
    /// The most items a batch mutation takes.
    pub max_batch_items: usize,
    /// The event fan-out subscriptions read from.
    pub broker: Arc<Broker>,
    /// Size limits of operations.
    pub limits: limits::QueryLimits,
    /// The caller of requests that carry none (the local principal when authentication is
    /// off); transports put each request's own principal in its data.
    pub principal: Option<Principal>,
    /// The persisted-operations allow list, if one is configured.
    pub persisted: Option<Arc<persisted::PersistedOperations>>,
}

/// How many operations the automatic persisted-query cache keeps.
const APQ_CACHE_ENTRIES: usize = 1024;

/// The most items a batch mutation takes (schema data).
#[derive(Clone, Copy, Debug)]
pub struct BatchLimit(pub usize);

fn builder() -> async_graphql::SchemaBuilder<
    query::QueryRoot,
    mutation::MutationRoot,
    subscription::SubscriptionRoot,
> {
    Schema::build(
        query::QueryRoot::default(),
        mutation::MutationRoot::default(),
        subscription::SubscriptionRoot,
    )
}

/// Builds the schema once, with the database, the loaders and the default actor as shared data.
pub fn build_schema(db: DatabaseConnection, options: SchemaOptions) -> AppSchema {
    let loaders = loaders::Loaders::new(&db, options.loader_delay);
    let limits = options.limits;
    let mut builder = builder()
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity);
    if limits.disable_introspection {
        builder = builder.disable_introspection();
    }
    if let Some(principal) = options.principal {
        builder = builder.data(principal);
    }
    let strict = options.persisted.as_ref().is_some_and(|p| p.strict());
    if let Some(list) = options.persisted {
        builder = builder.extension(persisted::PersistedOperationsExtension(list));
    }
    if !strict {
        // Apollo's automatic persisted queries: clients register a hash once, then send only it.
        builder = builder.extension(apollo_persisted_queries::ApolloPersistedQueries::new(
            apollo_persisted_queries::LruCacheStorage::new(APQ_CACHE_ENTRIES),
        ));
    }
    builder
        .data(db)
        .data(loaders)
        .data(options.actor)
        .data(BatchLimit(options.max_batch_items))
        .data(options.broker.clone())
        .extension(scopes::ScopeGuard)
        .extension(request_errors::RequestErrorCodes)
        .extension(publish::PublishAfterMutation(options.broker))
        .extension(limits)
        .finish()
}

/// The schema's SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}
