//! Liveness.

use axum::{Json, Router, extract::State, routing::get};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

/// `GET /healthz`: the process is up and answering.
pub fn routes(db: DatabaseConnection) -> Router {
    Router::new().route("/healthz", get(healthz)).with_state(db)
}

async fn healthz(State(_db): State<DatabaseConnection>) -> Json<Value> {
    Json(json!({ "status": "ok" }))
}
