//! Size limits of an operation that async-graphql does not enforce itself: root fields and
//! aliases (depth and complexity are the schema's own limits).

use std::sync::Arc;

use async_graphql::{
    ServerError, ServerResult, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery},
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

/// The limits of one operation.
#[derive(Clone, Copy, Debug)]
pub struct QueryLimits {
    /// Deepest selection nesting.
    pub max_depth: usize,
    /// Largest complexity (fields counted).
    pub max_complexity: usize,
    /// Most root fields per operation.
    pub max_root_fields: usize,
    /// Most aliases per document.
    pub max_aliases: usize,
    /// Whether introspection is off.
    pub disable_introspection: bool,
}

impl ExtensionFactory for QueryLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

fn count_aliases(set: &SelectionSet, doc: &ExecutableDocument, depth: usize) -> usize {
    // Fragments can nest; the depth limit bounds the walk as the schema's own depth check would.
    if depth > 64 {
        return 0;
    }
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => {
                usize::from(f.node.alias.is_some())
                    + count_aliases(&f.node.selection_set.node, doc, depth + 1)
            }
            Selection::InlineFragment(fr) => {
                count_aliases(&fr.node.selection_set.node, doc, depth + 1)
            }
            Selection::FragmentSpread(spread) => doc
                .fragments
                .get(&spread.node.fragment_name.node)
                .map(|fr| count_aliases(&fr.node.selection_set.node, doc, depth + 1))
                .unwrap_or(0),
        })
        .sum()
}

fn refuse(message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", "VALIDATION");
    error
}

#[async_trait::async_trait]
impl Extension for QueryLimits {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        for (_, op) in doc.operations.iter() {
            let roots = op.node.selection_set.node.items.len();
            if roots > self.max_root_fields {
                return Err(refuse(format!(
                    "an operation may select at most {} root fields ({roots} given)",
                    self.max_root_fields
                )));
            }
            let aliases = count_aliases(&op.node.selection_set.node, &doc, 0);
            if aliases > self.max_aliases {
                return Err(refuse(format!(
                    "an operation may use at most {} aliases ({aliases} given)",
                    self.max_aliases
                )));
            }
        }
        Ok(doc)
    }
}
