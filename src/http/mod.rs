//! HTTP surface: the router, authentication, GraphQL over HTTP and WebSocket, the vendor REST API
//! (`/api`, in `crate::rest`), and health.

pub mod auth;
pub mod explorer;
pub mod graphql_http;
pub mod health;

use std::sync::Arc;

use axum::{Router, extract::DefaultBodyLimit, response::Redirect, routing::get};
use sea_orm::DatabaseConnection;

use crate::{broker::Broker, graphql::gateway::Gateway, rest};

/// The path of the GraphQL endpoint (POST, GET, WebSocket and GraphiQL).
pub const GRAPHQL_PATH: &str = "/graphql";

/// The whole HTTP application.
pub fn router(
    gateway: Gateway,
    db: DatabaseConnection,
    max_body_bytes: usize,
    limits: graphql_http::HttpLimits,
    auth: auth::HttpAuth,
    broker: Arc<Broker>,
) -> Router {
    let rest_state = rest::RestState {
        db: db.clone(),
        auth: auth.clone(),
        broker,
    };
    graphql_http::graphql_routes(gateway, GRAPHQL_PATH, limits, Some(auth))
        .merge(rest::routes(rest_state))
        .route("/", get(|| async { Redirect::temporary(GRAPHQL_PATH) }))
        .merge(health::routes(db))
        // The GraphQL handler enforces this on declared and streamed bodies alike and answers a
        // JSON 413 (tower-http's limit layer would answer plain text before the handler runs).
        .layer(DefaultBodyLimit::max(max_body_bytes))
}
