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
use sea_orm::DatabaseConnection;

use crate::service::Actor;

/// The gateway's schema type.
pub type AppSchema = Schema<query::QueryRoot, mutation::MutationRoot, EmptySubscription>;

/// Builds the schema once, with the database, the loaders and the default actor as shared data.
pub fn build_schema(db: DatabaseConnection, actor: Actor) -> AppSchema {
    let loaders = loaders::Loaders::new(&db);
    Schema::build(
        query::QueryRoot::default(),
        mutation::MutationRoot::default(),
        EmptySubscription,
    )
    .data(db)
    .data(loaders)
    .data(actor)
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
