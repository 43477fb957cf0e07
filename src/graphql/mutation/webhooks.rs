//! Mutations of webhook endpoints and deliveries; they need `core.integration.admin`.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result};
use sea_orm::DatabaseConnection;

use crate::{
    delivery::DeliveryWorker,
    graphql::{
        enums::WebhookEventType,
        scopes::AdminGuard,
        types::{WebhookDelivery, WebhookEndpoint, WebhookEndpointWithSecret},
    },
    service::{
        deliveries,
        webhooks::{self, EndpointChanges, NewEndpoint, TargetPolicy},
    },
};

/// Changes to webhook endpoints and deliveries.
#[derive(Debug, Default)]
pub struct WebhookMutations;

/// A new webhook endpoint.
#[derive(InputObject, Clone, Debug)]
pub struct CreateWebhookEndpointInput {
    /// Where events are POSTed: an http or https URL (≤ 2,048 characters) on a public address.
    pub url: String,
    /// The event types sent (at least one).
    pub event_types: Vec<WebhookEventType>,
    /// Only events of this integration (default: of every integration).
    pub integration_id: Option<i32>,
    /// What it is for (≤ 1,000 characters).
    pub description: Option<String>,
    /// Whether events are sent (default true).
    pub enabled: Option<bool>,
}

/// Changes to a webhook endpoint; omitted fields keep their value, null clears an optional one.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UpdateWebhookEndpointInput {
    /// New URL.
    pub url: Option<String>,
    /// New event types.
    pub event_types: Option<Vec<WebhookEventType>>,
    /// New integration (null: every integration).
    pub integration_id: MaybeUndefined<i32>,
    /// New description (null clears it).
    pub description: MaybeUndefined<String>,
    /// Enable (clears the disabled reason) or disable.
    pub enabled: Option<bool>,
}

fn db<'a>(ctx: &Context<'a>) -> Result<&'a DatabaseConnection> {
    ctx.data::<DatabaseConnection>()
}

fn policy(ctx: &Context<'_>) -> TargetPolicy {
    ctx.data_opt::<TargetPolicy>().copied().unwrap_or_default()
}

fn maybe<T>(value: MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}

/// Changes to webhook endpoints and deliveries (admin).
#[Object]
impl WebhookMutations {
    /// Registers a webhook endpoint; answers it with its signing secret, shown this once
    /// (admin).
    #[graphql(guard = "AdminGuard")]
    async fn create_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new endpoint.")] input: CreateWebhookEndpointInput,
    ) -> Result<WebhookEndpointWithSecret> {
        let (endpoint, secret) = webhooks::create(
            db(ctx)?,
            policy(ctx),
            NewEndpoint {
                url: input.url,
                event_types: input.event_types.into_iter().map(Into::into).collect(),
                integration_id: input.integration_id,
                description: input.description,
                enabled: input.enabled,
            },
        )
        .await?;
        Ok(WebhookEndpointWithSecret {
            endpoint: WebhookEndpoint(endpoint),
            secret,
        })
    }

    /// Changes a webhook endpoint (admin).
    #[graphql(guard = "AdminGuard")]
    async fn update_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint's id.")] id: i32,
        #[graphql(desc = "The changes.")] input: UpdateWebhookEndpointInput,
    ) -> Result<WebhookEndpoint> {
        let changes = EndpointChanges {
            url: input.url,
            event_types: input
                .event_types
                .map(|t| t.into_iter().map(Into::into).collect()),
            integration_id: maybe(input.integration_id),
            description: maybe(input.description),
            enabled: input.enabled,
        };
        Ok(WebhookEndpoint(
            webhooks::update(db(ctx)?, policy(ctx), id, changes).await?,
        ))
    }

    /// Gives an endpoint a new signing secret, shown this once; the old one keeps signing (a
    /// second signature in `webhook-signature`) for the grace period (admin).
    #[graphql(guard = "AdminGuard")]
    async fn rotate_webhook_endpoint_secret(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint's id.")] id: i32,
        #[graphql(
            desc = "How long (seconds, ≤ 604800) the old secret keeps signing; 0 ends it now.",
            default = 86400
        )]
        grace_period_seconds: i64,
    ) -> Result<WebhookEndpointWithSecret> {
        let (endpoint, secret) =
            webhooks::rotate_secret(db(ctx)?, id, grace_period_seconds).await?;
        Ok(WebhookEndpointWithSecret {
            endpoint: WebhookEndpoint(endpoint),
            secret,
        })
    }

    /// Removes a webhook endpoint and its deliveries; answers whether it existed (admin).
    #[graphql(guard = "AdminGuard")]
    async fn delete_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint's id.")] id: i32,
    ) -> Result<bool> {
        Ok(webhooks::delete(db(ctx)?, id).await?)
    }

    /// Puts a delivery back to pending, due now (a delivered or dead one is sent again); its
    /// attempts are kept (admin).
    #[graphql(guard = "AdminGuard")]
    async fn redeliver_webhook_delivery(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The delivery's id.")] id: i32,
    ) -> Result<WebhookDelivery> {
        let delivery = deliveries::redeliver(db(ctx)?, id).await?;
        if let Some(worker) = ctx.data_opt::<std::sync::Arc<DeliveryWorker>>() {
            worker.wake();
        }
        Ok(WebhookDelivery(delivery))
    }
}
