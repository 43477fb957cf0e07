//! Relay connections (edges, node, cursor, pageInfo, totalCount) for every list.

use std::{future::Future, pin::Pin, sync::Arc};

use async_graphql::SimpleObject;

use crate::service::paging::Page;

/// Where the items of a connection stand in the whole list.
#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    /// Whether more items follow this page.
    pub has_next_page: bool,
    /// Whether items precede this page.
    pub has_previous_page: bool,
    /// The cursor of the first item of the page.
    pub start_cursor: Option<String>,
    /// The cursor of the last item of the page.
    pub end_cursor: Option<String>,
}

/// Counts a connection's whole list, only when `totalCount` is asked for.
pub type CountFn =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = async_graphql::Result<u64>> + Send>> + Send + Sync>;

/// The `PageInfo` of a page.
pub fn page_info<M>(page: &Page<M>) -> PageInfo {
    PageInfo {
        has_next_page: page.has_next_page,
        has_previous_page: page.has_previous_page,
        start_cursor: page.items.first().map(|(c, _)| c.clone()),
        end_cursor: page.items.last().map(|(c, _)| c.clone()),
    }
}

/// Declares a connection type and its edge type over a node type wrapping a model.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ident, $model:ty, $what:literal) => {
        #[doc = concat!("An edge of a list of ", $what, ": one item and its cursor.")]
        #[derive(Debug)]
        pub struct $edge {
            cursor: String,
            node: $node,
        }

        #[doc = concat!("An edge of a list of ", $what, ": one item and its cursor.")]
        #[async_graphql::Object]
        impl $edge {
            /// The cursor of this item, for `after` / `before`.
            async fn cursor(&self) -> &str {
                &self.cursor
            }

            /// The item.
            async fn node(&self) -> &$node {
                &self.node
            }
        }

        #[doc = concat!("A page of ", $what, ".")]
        pub struct $connection {
            edges: Vec<$edge>,
            page_info: $crate::graphql::connection::PageInfo,
            count: $crate::graphql::connection::CountFn,
        }

        impl std::fmt::Debug for $connection {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($connection))
                    .field("edges", &self.edges)
                    .finish_non_exhaustive()
            }
        }

        impl $connection {
            /// A connection over a page, counting the whole list with `count` when asked.
            pub fn new(
                page: $crate::service::paging::Page<$model>,
                count: $crate::graphql::connection::CountFn,
            ) -> Self {
                let page_info = $crate::graphql::connection::page_info(&page);
                let edges = page
                    .items
                    .into_iter()
                    .map(|(cursor, model)| $edge {
                        cursor,
                        node: $node(model),
                    })
                    .collect();
                Self {
                    edges,
                    page_info,
                    count,
                }
            }
        }

        #[doc = concat!("A page of ", $what, " (a Relay connection).")]
        #[async_graphql::Object]
        impl $connection {
            /// The items of this page with their cursors.
            async fn edges(&self) -> &[$edge] {
                &self.edges
            }

            /// The items of this page.
            async fn nodes(&self) -> Vec<&$node> {
                self.edges.iter().map(|e| &e.node).collect()
            }

            /// Where this page stands in the list.
            async fn page_info(&self) -> &$crate::graphql::connection::PageInfo {
                &self.page_info
            }

            /// How many items the whole list (all pages) holds.
            async fn total_count(&self) -> async_graphql::Result<u64> {
                (self.count)().await
            }
        }
    };
}

pub(crate) use connection;
