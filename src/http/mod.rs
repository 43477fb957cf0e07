//! HTTP surface: the router, authentication, GraphQL over HTTP and WebSocket, and health.

pub mod auth;
pub mod explorer;
pub mod graphql_http;
pub mod health;

use axum::{Router, extract::DefaultBodyLimit, response::Redirect, routing::get};
use sea_orm::DatabaseConnection;

use crate::graphql::gateway::Gateway;

/// The path of the GraphQL endpoint (POST, GET, WebSocket and GraphiQL).
pub const GRAPHQL_PATH: &str = "/graphql";

/// The whole HTTP application.
pub fn router(
    gateway: Gateway,
    db: DatabaseConnection,
    max_body_bytes: usize,
    limits: graphql_http::HttpLimits,
    auth: auth::HttpAuth,
) -> Router {
    graphql_http::graphql_routes(gateway, GRAPHQL_PATH, limits, Some(auth))
        .route("/", get(|| async { Redirect::temporary(GRAPHQL_PATH) }))
        .merge(health::routes(db))
        // The GraphQL handler enforces this on declared and streamed bodies alike and answers a
        // JSON 413 (tower-http's limit layer would answer plain text before the handler runs).
        .layer(DefaultBodyLimit::max(max_body_bytes))
}
