//! The GraphQL schema: types and resolvers that call the service layer.

pub mod connection;
pub mod direct;
pub mod document;
pub mod enums;
pub mod fanout;
pub mod field_errors;
pub mod filter;
pub mod gateway;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod node_id;
pub mod persisted;
pub mod query;
pub mod request_errors;
pub mod scopes;
/// Response objects put in selection order after the resolvers answer.
pub mod selection_order;
pub mod subscription;
pub mod types;
/// The spec's validation of documents and variables (apollo-compiler), before async-graphql's.
pub mod validator;

use std::{sync::Arc, time::Duration};

use async_graphql::Schema;
use sea_orm::DatabaseConnection;

use crate::{auth::Principal, broker::Broker, service::Actor};

/// The gateway's schema type.
pub type AppSchema = Schema<query::QueryRoot, mutation::Mutation, subscription::SubscriptionRoot>;

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
    /// Whether known queries may be answered by direct reads (`direct/`).
    pub direct_reads: bool,
    /// The delivery worker, woken after a redelivery (none in tools that only execute).
    pub delivery: Option<Arc<crate::delivery::DeliveryWorker>>,
    /// Whether webhook targets on private addresses are accepted.
    pub webhook_targets: crate::service::webhooks::TargetPolicy,
}

/// The most items a batch mutation takes (schema data).
#[derive(Clone, Copy, Debug)]
pub struct BatchLimit(pub usize);

fn builder() -> async_graphql::SchemaBuilder<
    query::QueryRoot,
    mutation::Mutation,
    subscription::SubscriptionRoot,
> {
    Schema::build(
        query::QueryRoot::default(),
        mutation::Mutation::default(),
        subscription::SubscriptionRoot,
    )
}

/// Builds the schema once, with the database, the loaders and the default actor as shared data,
/// and puts the gateway's request rules in front of it.
pub fn build_gateway(db: DatabaseConnection, options: SchemaOptions) -> gateway::Gateway {
    let loaders = loaders::Loaders::new(&db, options.loader_delay);
    let limits = options.limits;
    // Every request reaches the schema through the gateway, whose validation is the spec's
    // (apollo-compiler, checked against graphql-js) and comes first: async-graphql's own rules
    // would only validate the same document again on every execution (mutations, subscription
    // events, reads direct reads decline). `Fast` keeps what execution needs from it (fragment
    // cycles, uploads, and the depth and complexity limits).
    let mut builder = builder()
        .validation_mode(async_graphql::ValidationMode::Fast)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_recursive_depth(limits::MAX_RECURSIVE_DEPTH);
    if limits.disable_introspection {
        builder = builder.disable_introspection();
    }
    let direct = options
        .direct_reads
        .then(|| direct::DirectReads::new(db.clone(), query::direct::read_root));
    // No extensions: they would wrap every resolved field (see gateway.rs).
    let mut builder = builder
        .data(db)
        .data(limits.input)
        .data(loaders)
        .data(options.actor)
        .data(BatchLimit(options.max_batch_items))
        .data(options.broker.clone())
        .data(options.webhook_targets);
    if let Some(delivery) = options.delivery {
        builder = builder.data(delivery);
    }
    // The caller of requests that carry none (authentication off): resolvers that check a
    // scope of their own (webhooks: admin) find it here, below any request's own principal.
    if let Some(principal) = options.principal.clone() {
        builder = builder.data(principal);
    }
    let schema = builder.finish();
    gateway::Gateway::new(
        schema,
        limits,
        options.persisted,
        options.broker,
        options.principal,
        direct,
    )
}

/// The schema's SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}
