//! The GraphQL schema: types and resolvers that call the service layer.

pub mod connection;
pub mod enums;
pub mod filter;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod request_errors;
pub mod types;

use async_graphql::{EmptySubscription, Schema};
use std::time::Duration;

use sea_orm::DatabaseConnection;

use crate::service::Actor;

/// The gateway's schema type.
pub type AppSchema = Schema<query::QueryRoot, mutation::MutationRoot, EmptySubscription>;

/// How the schema is built.
#[derive(Clone, Copy, Debug)]
pub struct SchemaOptions {
    /// The principal of changes while no authentication is configured.
    pub actor: Actor,
    /// How long a DataLoader waits after its first key for the other keys of a level.
    pub loader_delay: Duration,
    /// The most items a batch mutation takes.
    pub max_batch_items: usize,
}

/// The most items a batch mutation takes (schema data).
#[derive(Clone, Copy, Debug)]
pub struct BatchLimit(pub usize);

/// Builds the schema once, with the database, the loaders and the default actor as shared data.
pub fn build_schema(db: DatabaseConnection, options: SchemaOptions) -> AppSchema {
    let actor = options.actor;
    let loaders = loaders::Loaders::new(&db, options.loader_delay);
    Schema::build(
        query::QueryRoot::default(),
        mutation::MutationRoot::default(),
        EmptySubscription,
    )
    .data(db)
    .data(loaders)
    .data(actor)
    .data(BatchLimit(options.max_batch_items))
    .extension(request_errors::RequestErrorCodes)
    .finish()
}

/// The schema's SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(
        query::QueryRoot::default(),
        mutation::MutationRoot::default(),
        EmptySubscription,
    )
    .finish()
    .sdl()
}
