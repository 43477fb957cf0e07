//! HTTP surface: the router, GraphQL over HTTP and WebSocket, and health.

pub mod health;

use axum::{Router, extract::DefaultBodyLimit, response::Redirect, routing::get};
use sea_orm::DatabaseConnection;
use tower_http::limit::RequestBodyLimitLayer;

use crate::graphql::AppSchema;

/// The path of the GraphQL endpoint (POST, GET, WebSocket and GraphiQL).
pub const GRAPHQL_PATH: &str = "/graphql";

/// The whole HTTP application.
pub fn router(schema: AppSchema, db: DatabaseConnection, max_body_bytes: usize) -> Router {
    Router::new()
        .route_service(GRAPHQL_PATH, async_graphql_axum::GraphQL::new(schema))
        .route("/", get(|| async { Redirect::temporary(GRAPHQL_PATH) }))
        .merge(health::routes(db))
        // Both: axum extractors honour DefaultBodyLimit, the layer also stops streamed bodies.
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(RequestBodyLimitLayer::new(max_body_bytes))
}
