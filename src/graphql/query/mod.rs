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
/// Of webhook endpoints and deliveries (admin).
pub mod webhooks;

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
    integrations::IntegrationList,
    integrations::IntegrationRunList,
    documents::DocumentQueries,
    documents::IntegrationHistoryRecordList,
    documents::IntegrationErrorList,
    documents::DocumentExportList,
    documents::IntegrationAlertList,
    aggregates::AggregateQueries,
    nodes::NodeQueries,
    webhooks::WebhookQueries,
    webhooks::WebhookDeliveryList,
);

/// Declares a root list field (filtered, ordered, paged by cursors or offset/limit) as an object
/// type of its own, merged into the query root: the paging arguments of every root list are
/// written here once (those of nested lists, once, in `types::object::object!`).
macro_rules! root_list {
    (
        $(#[$meta:meta])*
        $object:ident . $name:ident -> $connection:ident
            [$entity:ident, $filter:ty, $order:ty, $filter_desc:literal, $order_desc:literal]
    ) => {
        #[doc = concat!("The root list `", stringify!($name), "`.")]
        #[derive(Debug, Default)]
        pub struct $object;

        #[doc = concat!("The root list `", stringify!($name), "`.")]
        #[async_graphql::Object]
        impl $object {
            $(#[$meta])*
            #[allow(clippy::too_many_arguments)]
            async fn $name(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(desc = $filter_desc)] filter: Option<$filter>,
                #[graphql(desc = $order_desc)] order_by: Option<$order>,
                #[graphql(desc = "Forward paging: at most this many (≤ 200).")] first: Option<i32>,
                #[graphql(desc = "Forward paging: items after this cursor.")] after: Option<String>,
                #[graphql(desc = "Backward paging: at most this many (≤ 200).")] last: Option<i32>,
                #[graphql(desc = "Backward paging: items before this cursor.")] before: Option<String>,
                #[graphql(desc = "Vendor paging: skip this many.")] offset: Option<i32>,
                #[graphql(desc = "Vendor paging: at most this many (default 50, ≤ 200).")]
                limit: Option<i32>,
            ) -> async_graphql::Result<$connection> {
                let db = ctx.data::<sea_orm::DatabaseConnection>()?;
                let backend = $crate::graphql::filter::backend(ctx)?;
                let condition = filter
                    .map(|f| f.condition(backend))
                    .unwrap_or_else(sea_orm::Condition::all);
                let args = $crate::service::paging::PageArgs {
                    first,
                    after,
                    last,
                    before,
                    offset,
                    limit,
                };
                let (page, count) = $crate::graphql::query::root_page::<entity::$entity::Entity>(
                    db,
                    condition,
                    order_by.unwrap_or_default().sort(),
                    entity::$entity::Column::Id,
                    &args,
                )
                .await?;
                Ok($connection::new(page, count))
            }
        }
    };
}

pub(crate) use root_list;

/// One page of a root list, and its `totalCount` that counts only when asked.
pub(crate) async fn root_page<E>(
    db: &DatabaseConnection,
    filter: Condition,
    sort: Sort<E::Column>,
    id_col: E::Column,
    args: &PageArgs,
) -> Result<(Page<E::Model>, CountFn)>
where
    E: EntityTrait,
    E::Model: Sync + Default,
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
