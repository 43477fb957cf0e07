//! The vendor-compatible REST API under `/api`: integrations (and their contacts), integration
//! runs, history records and integration errors, in JSON (dash-case keys) or XML both ways, with the vendor's filters,
//! paging, error bodies and scopes; and its OpenAPI 3 document at `/api/openapi.json`.
//!
//! Each resource (`integrations`, `runs`, `history`, `integration_errors`) implements
//! [`resource::Resource`] and holds only its own shapes and logic; the shared index and show, the
//! authorised request ([`resource::Api`]), bodies ([`body`]), answers ([`reply`], [`format`]),
//! shared shapes ([`shapes`]) and associations ([`related`]) live once beside them. Handlers only
//! translate: every read and write goes through `crate::service`, and every write wakes the
//! event broker so GraphQL subscribers hear of it at once.

pub mod body;
pub mod contacts;
pub mod documents;
pub mod error;
pub mod format;
pub mod history;
pub mod integration_errors;
pub mod integrations;
pub mod openapi;
pub mod query;
pub mod related;
pub mod reply;
pub mod resource;
pub mod runs;
pub mod schema;
pub mod shapes;
pub mod state;
pub mod xml_body;

use axum::Router;

pub use self::state::RestState;

/// Every `/api` route, and `/api/openapi.json`.
pub fn routes(state: RestState) -> Router {
    Router::new()
        .merge(integrations::routes())
        .merge(contacts::routes())
        .merge(runs::routes())
        .merge(history::routes())
        .merge(integration_errors::routes())
        .merge(openapi::routes())
        .with_state(state)
}
