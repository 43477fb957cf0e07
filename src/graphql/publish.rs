//! Wakes the event dispatcher as soon as a mutation has committed, so subscribers hear of it at
//! once rather than at the next poll.

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use async_graphql::{
    Response, ServerResult, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery},
    parser::types::{DocumentOperations, ExecutableDocument, OperationType},
};

use crate::broker::Broker;

/// The schema extension (one instance per request).
#[derive(Debug)]
pub struct PublishAfterMutation(pub Arc<Broker>);

impl ExtensionFactory for PublishAfterMutation {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(PerRequest {
            broker: self.0.clone(),
            mutation: AtomicBool::new(false),
        })
    }
}

struct PerRequest {
    broker: Arc<Broker>,
    mutation: AtomicBool,
}

#[async_trait::async_trait]
impl Extension for PerRequest {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let has_mutation = match &document.operations {
            DocumentOperations::Single(op) => op.node.ty == OperationType::Mutation,
            DocumentOperations::Multiple(ops) => {
                ops.values().any(|op| op.node.ty == OperationType::Mutation)
            }
        };
        self.mutation.store(has_mutation, Ordering::Relaxed);
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let response = next.run(ctx, operation_name).await;
        if self.mutation.load(Ordering::Relaxed) {
            self.broker.notify();
        }
        response
    }
}
