//! Queries of webhook endpoints and their deliveries; they need `core.integration.admin`.

use async_graphql::{Context, Object, Result};
use sea_orm::DatabaseConnection;

use super::root_list;
use crate::{
    graphql::{
        scopes::AdminGuard,
        types::{
            WebhookDeliveryConnection, WebhookDeliveryFilter, WebhookDeliveryOrder, WebhookEndpoint,
        },
    },
    service::webhooks,
};

/// Read access to webhook endpoints.
#[derive(Debug, Default)]
pub struct WebhookQueries;

/// Read access to webhook endpoints (admin).
#[Object]
impl WebhookQueries {
    /// Every webhook endpoint, oldest first (admin).
    #[graphql(guard = "AdminGuard")]
    async fn webhook_endpoints(&self, ctx: &Context<'_>) -> Result<Vec<WebhookEndpoint>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(webhooks::list(db)
            .await?
            .into_iter()
            .map(WebhookEndpoint)
            .collect())
    }

    /// One webhook endpoint by id; null when there is none (admin).
    #[graphql(guard = "AdminGuard")]
    async fn webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint's id.")] id: i32,
    ) -> Result<Option<WebhookEndpoint>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(webhooks::get(db, id).await?.map(WebhookEndpoint))
    }
}

root_list!(
    /// Deliveries of events to webhook endpoints (and other channels), filtered, ordered and
    /// paged, each with its attempts (admin).
    #[graphql(guard = "AdminGuard")]
    WebhookDeliveryList.webhook_deliveries -> WebhookDeliveryConnection
        [delivery, WebhookDeliveryFilter, WebhookDeliveryOrder,
         "Only deliveries matching this filter.", "The ordering (default: newest first)."]
);
