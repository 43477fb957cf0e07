//! Liveness (`/healthz`) and readiness (`/readyz`).

use std::time::Duration;

use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};

/// How long one readiness check may take; a database that does not answer in time is not ready.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// `GET /healthz` (the process is up) and `GET /readyz` (it can serve: the database answers and
/// no migration is pending).
pub fn routes(db: DatabaseConnection) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(db)
}

async fn healthz(State(_db): State<DatabaseConnection>) -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

async fn readyz(State(db): State<DatabaseConnection>) -> Response {
    let database =
        match tokio::time::timeout(CHECK_TIMEOUT, db.execute_unprepared("SELECT 1")).await {
            Ok(Ok(_)) => json!({ "ok": true }),
            Ok(Err(e)) => json!({ "ok": false, "error": e.to_string() }),
            Err(_) => json!({ "ok": false, "error": "timed out" }),
        };
    let migrations = if database["ok"] == true {
        match tokio::time::timeout(CHECK_TIMEOUT, crate::db::pending_migrations(&db)).await {
            Ok(Ok(pending)) if pending.is_empty() => json!({ "ok": true }),
            Ok(Ok(pending)) => json!({ "ok": false, "pending": pending }),
            Ok(Err(e)) => json!({ "ok": false, "error": e.to_string() }),
            Err(_) => json!({ "ok": false, "error": "timed out" }),
        }
    } else {
        json!({ "ok": false, "error": "not checked: the database is unavailable" })
    };
    let ready = database["ok"] == true && migrations["ok"] == true;
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if ready { "ready" } else { "not ready" },
        "checks": { "database": database, "migrations": migrations },
    });
    (status, Json(body)).into_response()
}
