//! The root query: look-ups and lists of every object.

/// Dashboard aggregates.
pub mod aggregates;
/// Direct reads of the root fields.
pub mod direct;
/// Of history records, errors, export states and alerts.
pub mod documents;
/// Of integrations and runs.
pub mod integrations;
/// Any object by its global id (Relay).
pub mod nodes;

use std::sync::Arc;

use async_graphql::{MergedObject, Result};
use sea_orm::{Condition, DatabaseConnection, EntityTrait};

use super::connection::CountFn;
use crate::service::paging::{self, Page, PageArgs, Sort};

/// Read access to integrations, runs, errors, history records, export states and alerts.
#[derive(MergedObject, Debug, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    integrations::IntegrationQueries,
    documents::DocumentQueries,
    aggregates::AggregateQueries,
    nodes::NodeQueries,
);

/// One page of a root list, and its `totalCount` that counts only when asked.
async fn root_page<E>(
    db: &DatabaseConnection,
    filter: Condition,
    sort: Sort<E::Column>,
    id_col: E::Column,
    args: &PageArgs,
) -> Result<(Page<E::Model>, CountFn)>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let page = paging::fetch_page::<E, _>(db, filter.clone(), sort, id_col, args).await?;
    let db = db.clone();
    let count: CountFn = Arc::new(move || {
        let db = db.clone();
        let filter = filter.clone();
        Box::pin(async move { Ok(paging::count::<E, _>(&db, filter).await?) })
    });
    Ok((page, count))
}
