//! The GraphQL schema: types and resolvers that call the service layer.

pub mod connection;
pub mod enums;
pub mod filter;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod types;

use async_graphql::{EmptySubscription, Schema};
use sea_orm::DatabaseConnection;

/// The gateway's schema type.
pub type AppSchema = Schema<query::QueryRoot, mutation::MutationRoot, EmptySubscription>;

/// Builds the schema once, with the database and the loaders as shared data.
pub fn build_schema(db: DatabaseConnection) -> AppSchema {
    let loaders = loaders::Loaders::new(&db);
    Schema::build(query::QueryRoot, mutation::MutationRoot, EmptySubscription)
        .data(db)
        .data(loaders)
        .finish()
}

/// The schema's SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(query::QueryRoot, mutation::MutationRoot, EmptySubscription)
        .finish()
        .sdl()
}
