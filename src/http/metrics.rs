//! `GET /metrics`: the Prometheus text format.

use std::sync::Arc;

use axum::{Router, extract::State, http::header, response::IntoResponse, routing::get};
use sea_orm::DatabaseConnection;

use crate::{broker::Broker, observability::metrics::metrics, service::events};

#[derive(Clone)]
struct MetricsState {
    db: DatabaseConnection,
    broker: Arc<Broker>,
}

/// The `/metrics` route; the pool and event-log gauges are read at each scrape.
pub fn routes(db: DatabaseConnection, broker: Arc<Broker>) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(MetricsState { db, broker })
}

async fn scrape(State(state): State<MetricsState>) -> impl IntoResponse {
    let m = metrics();
    if let Some((in_use, idle, max)) = crate::db::pool_usage(&state.db) {
        m.set_pool(in_use.into(), idle.into(), max.into());
    }
    match events::last_sequence(&state.db).await {
        Ok(newest) => m.set_event_lag(newest - state.broker.last_dispatched()),
        Err(e) => tracing::warn!(error = %e, "reading the event log's sequence failed"),
    }
    (
        [(header::CONTENT_TYPE, prometheus::TEXT_FORMAT)],
        m.render(),
    )
}
