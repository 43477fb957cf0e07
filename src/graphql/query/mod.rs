//! The root query: look-ups and lists of every object.

/// Of history records, errors, export states and alerts.
pub mod documents;
/// Of integrations and runs.
pub mod integrations;

use std::sync::Arc;

use async_graphql::MergedObject;
use sea_orm::{Condition, DatabaseConnection};

use super::connection::CountFn;

/// Read access to integrations, runs, errors, history records, export states and alerts.
#[derive(MergedObject, Debug, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(integrations::IntegrationQueries, documents::DocumentQueries);

/// A `totalCount` that runs `count(filter)` only when asked.
fn count_with<F, Fut>(db: &DatabaseConnection, filter: &Condition, count: F) -> CountFn
where
    F: Fn(DatabaseConnection, Condition) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = crate::error::AppResult<u64>> + Send + 'static,
{
    let db = db.clone();
    let filter = filter.clone();
    let count = Arc::new(count);
    Arc::new(move || {
        let fut = count(db.clone(), filter.clone());
        Box::pin(async move { Ok(fut.await?) })
    })
}
