use async_graphql::{Context, ID, Object, Result};

use crate::graphql::types::object::{Node, load_node};

/// Relay's Global Object Identification: any object by its `nodeId`.
#[derive(Debug, Default)]
pub struct NodeQueries;

#[Object]
impl NodeQueries {
    /// The object with this global id (`nodeId`); null when there is none.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's `nodeId`.")] node_id: ID,
    ) -> Result<Option<Node>> {
        load_node(ctx, &node_id).await
    }

    /// The objects with these global ids, in order; null for each that is not there.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The objects' `nodeId`s.")] node_ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
        // Concurrently, so that the loaders gather the ids of each type into one statement.
        futures_util::future::try_join_all(node_ids.iter().map(|id| load_node(ctx, id))).await
    }
}
