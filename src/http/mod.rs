//! HTTP surface: the router, GraphQL over HTTP and WebSocket, the vendor REST API (`/api`, in
//! `crate::rest`), the dashboard, health and metrics; requests are authenticated by
//! `crate::auth::http`, which the REST API shares.

pub mod dashboard;
pub mod embedded;
pub mod explorer;
pub mod graphql_http;
pub mod health;
pub mod metrics;

use std::sync::Arc;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::{HeaderName, Request},
    response::Redirect,
    routing::get,
};
use sea_orm::DatabaseConnection;
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};

use crate::{
    auth::http::HttpAuth, broker::Broker, domain::input::InputLimits, graphql::gateway::Gateway,
    rest,
};

/// The path of the GraphQL endpoint (POST, GET, WebSocket and GraphiQL).
pub const GRAPHQL_PATH: &str = "/graphql";

/// The whole HTTP application.
pub fn router(
    gateway: Gateway,
    db: DatabaseConnection,
    max_body_bytes: usize,
    limits: graphql_http::HttpLimits,
    auth: HttpAuth,
    broker: Arc<Broker>,
    input: InputLimits,
) -> Router {
    let rest_state = rest::RestState {
        db: db.clone(),
        auth: auth.clone(),
        broker: broker.clone(),
        input,
        user_names: Default::default(),
    };
    let request_id = HeaderName::from_static("x-request-id");
    let body_timeout = limits.timeout;
    graphql_http::graphql_routes(gateway, GRAPHQL_PATH, limits, Some(auth))
        .merge(rest::routes(rest_state))
        .route("/", get(|| async { Redirect::temporary(GRAPHQL_PATH) }))
        .merge(dashboard::Dashboard::new(GRAPHQL_PATH).routes())
        .merge(health::routes(db.clone()))
        .merge(metrics::routes(db, broker))
        // The GraphQL handler enforces this on declared and streamed bodies alike and answers a
        // JSON 413 (tower-http's limit layer would answer plain text before the handler runs).
        .layer(DefaultBodyLimit::max(max_body_bytes))
        // A body that has not arrived within the request timeout ends the request (408).
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            body_timeout,
        ))
        // Requests in flight, which alert deliveries yield to when the server is saturated;
        // counted from the call until the response is ready. (A `from_fn` middleware would
        // clone and box the whole inner service for every request.)
        .layer(tower::util::MapFutureLayer::new(crate::pressure::counted))
        // Layers run bottom-up: the id is set (or the caller's kept) first, then the request's
        // span carries it, so every log line of the request, the GraphQL operation's span
        // included, names it; the response echoes it.
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                // A GraphQL request's one operation records its name, type and caller here
                // (`observability::metrics::Operation::admitted`) rather than on a span of its own.
                tracing::info_span!(
                    "request",
                    method = %req.method(),
                    path = %req.uri().path(),
                    request_id = id,
                    operation.name = tracing::field::Empty,
                    operation.r#type = tracing::field::Empty,
                    principal = tracing::field::Empty,
                )
            }),
        )
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}
