//! Webhook endpoints, their deliveries and the attempts of each.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{delivery, delivery_attempt, webhook_endpoint as endpoint};
use sea_orm::{ColumnTrait, Condition};

use super::{Integration, object::loadable, stored};
use crate::{
    domain::{self, webhooks},
    graphql::{
        enums::{DeliveryChannel, DeliveryStatus, OrderDirection, WebhookEventType},
        loaders,
    },
    service::{
        deliveries::message_id,
        paging::{KeyKind, Sort},
    },
};

/// A registered webhook endpoint (its secret is never shown again after creation or rotation).
#[derive(Clone, Debug)]
pub struct WebhookEndpoint(pub endpoint::Model);

/// A URL that events of the chosen types are sent to, signed (Standard Webhooks).
#[Object]
impl WebhookEndpoint {
    /// The object's global id (Relay's Global Object Identification): opaque, stable, and what
    /// `node(nodeId:)` takes to fetch it again (admin).
    #[graphql(name = "nodeId")]
    pub(crate) async fn node_id(&self) -> async_graphql::ID {
        super::object::node_id("WebhookEndpoint", self.0.id)
    }

    /// The endpoint's id.
    async fn id(&self) -> i32 {
        self.0.id
    }

    /// Where events are POSTed.
    async fn url(&self) -> &str {
        &self.0.url
    }

    /// The event types sent.
    async fn event_types(&self) -> Vec<WebhookEventType> {
        webhooks::parse_event_types(&self.0.event_types)
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// Only events of this integration (null: of every integration).
    async fn integration_id(&self) -> Option<i32> {
        self.0.integration_id
    }

    /// The integration whose events are sent, if limited to one.
    async fn integration(&self, ctx: &Context<'_>) -> Result<Option<Integration>> {
        let loaders = loaders::loaders(ctx)?;
        Ok(loaders::by_id(&loaders.integrations, self.0.integration_id)
            .await?
            .map(Integration))
    }

    /// What it is for.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// Whether events are sent to it.
    async fn enabled(&self) -> bool {
        self.0.enabled
    }

    /// Why it was disabled (e.g. "the endpoint answered 410 Gone").
    async fn disabled_reason(&self) -> Option<&str> {
        self.0.disabled_reason.as_deref()
    }

    /// Until when the secret before the last rotation still signs (a second signature).
    async fn previous_secret_expires_at(&self) -> Option<DateTime<Utc>> {
        self.0
            .previous_secret_expires_at
            .filter(|_| self.0.previous_secret.is_some())
    }

    /// When it was registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A new endpoint and its signing secret, shown this once.
#[derive(SimpleObject, Debug)]
pub struct WebhookEndpointWithSecret {
    /// The endpoint.
    pub endpoint: WebhookEndpoint,
    /// The signing secret (`whsec_…`): store it now, it is never shown again.
    pub secret: String,
}

/// One event to send to one endpoint, and how its sending went.
#[derive(Clone, Debug)]
pub struct WebhookDelivery(pub delivery::Model);

/// One event to send to one endpoint, and how its sending went.
#[Object]
impl WebhookDelivery {
    /// The object's global id (Relay's Global Object Identification): opaque, stable, and what
    /// `node(nodeId:)` takes to fetch it again (admin).
    #[graphql(name = "nodeId")]
    pub(crate) async fn node_id(&self) -> async_graphql::ID {
        super::object::node_id("WebhookDelivery", self.0.id)
    }

    /// The delivery's id.
    async fn id(&self) -> i32 {
        self.0.id
    }

    /// How it is sent.
    async fn channel(&self) -> Result<DeliveryChannel> {
        Ok(stored::<domain::DeliveryChannel>(&self.0.channel)?.into())
    }

    /// The endpoint it goes to.
    async fn endpoint_id(&self) -> Option<i32> {
        self.0.endpoint_id
    }

    /// The endpoint it goes to.
    async fn endpoint(&self, ctx: &Context<'_>) -> Result<Option<WebhookEndpoint>> {
        let loaders = loaders::loaders(ctx)?;
        Ok(
            loaders::by_id(&loaders.webhook_endpoints, self.0.endpoint_id)
                .await?
                .map(WebhookEndpoint),
        )
    }

    /// The email address it goes to (email deliveries: the contact's address when the alert
    /// was raised).
    async fn recipient(&self) -> Option<&str> {
        self.0.recipient.as_deref()
    }

    /// The event's sequence in the event log (email deliveries: of the digest's first alert).
    async fn event_sequence(&self) -> i64 {
        self.0.event_sequence
    }

    /// The message's id (`webhook-id`), the same on every attempt.
    async fn webhook_id(&self) -> String {
        message_id(self.0.event_sequence)
    }

    /// The event's type (`alert.raised`, `run.status_changed`, `record.created`, …).
    async fn event_type(&self) -> &str {
        &self.0.event_type
    }

    /// The webhook event types the event counts as.
    async fn event_types(&self) -> Vec<WebhookEventType> {
        webhooks::parse_event_types(self.0.categories.trim_matches(','))
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// The JSON body sent.
    async fn payload(&self) -> &str {
        &self.0.payload
    }

    /// Where it stands.
    async fn status(&self) -> Result<DeliveryStatus> {
        Ok(stored::<domain::DeliveryStatus>(&self.0.status)?.into())
    }

    /// How many attempts were made.
    async fn attempt_count(&self) -> i32 {
        self.0.attempts
    }

    /// When the next attempt is due (pending deliveries).
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        (self.0.status == domain::DeliveryStatus::Pending.as_str())
            .then_some(self.0.next_attempt_at)
    }

    /// The last attempt's error.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }

    /// The last attempt's HTTP status.
    async fn last_status_code(&self) -> Option<i32> {
        self.0.last_status_code
    }

    /// When it was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was delivered.
    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }

    /// Every attempt, oldest first.
    async fn attempts(&self, ctx: &Context<'_>) -> Result<Vec<DeliveryAttempt>> {
        let loaders = loaders::loaders(ctx)?;
        Ok(loaders
            .attempts_of_delivery
            .load_one(self.0.id)
            .await
            .map_err(loaders::to_graphql)?
            .unwrap_or_default()
            .into_iter()
            .map(DeliveryAttempt)
            .collect())
    }
}

/// One try of a delivery.
#[derive(Clone, Debug)]
pub struct DeliveryAttempt(pub delivery_attempt::Model);

/// One try of a delivery: when, what the receiver answered, how long it took.
#[Object]
impl DeliveryAttempt {
    /// The object's global id (Relay's Global Object Identification): opaque, stable, and what
    /// `node(nodeId:)` takes to fetch it again (admin).
    #[graphql(name = "nodeId")]
    pub(crate) async fn node_id(&self) -> async_graphql::ID {
        super::object::node_id("DeliveryAttempt", self.0.id)
    }

    /// The attempt's id.
    async fn id(&self) -> i32 {
        self.0.id
    }

    /// When it started.
    async fn attempted_at(&self) -> DateTime<Utc> {
        self.0.attempted_at
    }

    /// The HTTP status answered (null on a timeout or connection error).
    async fn status_code(&self) -> Option<i32> {
        self.0.status_code
    }

    /// How long it took, in milliseconds.
    async fn latency_ms(&self) -> i32 {
        self.0.latency_ms
    }

    /// What went wrong.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
}

/// Conditions on deliveries; fields combine with AND.
#[derive(InputObject, Clone, Debug, Default)]
pub struct WebhookDeliveryFilter {
    /// Of this endpoint.
    pub endpoint_id: Option<i32>,
    /// In this status.
    pub status: Option<DeliveryStatus>,
    /// Of events of this type.
    pub event_type: Option<WebhookEventType>,
    /// By this channel.
    pub channel: Option<DeliveryChannel>,
    /// Made at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Made before this time.
    pub until: Option<DateTime<Utc>>,
}

impl WebhookDeliveryFilter {
    /// The SQL condition of this filter.
    pub fn condition(&self, _backend: sea_orm::DbBackend) -> Condition {
        use delivery::Column as C;
        let mut c = Condition::all();
        if let Some(id) = self.endpoint_id {
            c = c.add(C::EndpointId.eq(id));
        }
        if let Some(status) = self.status {
            c = c.add(C::Status.eq(domain::DeliveryStatus::from(status).as_str()));
        }
        if let Some(t) = self.event_type {
            // The categories are stored between commas: `,RUN_STATUS_CHANGED,RUN_FAILED,`.
            let t = domain::WebhookEventType::from(t);
            let pattern = format!(",{},", t.as_str());
            c = c.add(C::Categories.contains(&pattern));
        }
        if let Some(channel) = self.channel {
            c = c.add(C::Channel.eq(domain::DeliveryChannel::from(channel).as_str()));
        }
        if let Some(since) = self.since {
            c = c.add(C::CreatedAt.gte(since));
        }
        if let Some(until) = self.until {
            c = c.add(C::CreatedAt.lt(until));
        }
        c
    }
}

/// An ordering of deliveries: by the time they were made (ties broken by id).
#[derive(InputObject, Clone, Copy, Debug)]
pub struct WebhookDeliveryOrder {
    /// The direction (default descending: newest first).
    #[graphql(default_with = "OrderDirection::Desc")]
    pub direction: OrderDirection,
}

impl Default for WebhookDeliveryOrder {
    fn default() -> Self {
        Self {
            direction: OrderDirection::Desc,
        }
    }
}

impl WebhookDeliveryOrder {
    /// The sort key of this ordering.
    pub fn sort(self) -> Sort<delivery::Column> {
        Sort {
            column: delivery::Column::CreatedAt,
            kind: KeyKind::DateTime,
            nullable: false,
            descending: self.direction == OrderDirection::Desc,
        }
    }
}

crate::graphql::connection::connection!(
    WebhookDeliveryConnection,
    WebhookDeliveryEdge,
    WebhookDelivery,
    delivery::Model,
    "webhook deliveries"
);

// The by-id loading `node(nodeId:)` uses for these admin-only types (read by the resolvers:
// their guard is there, and direct reads leave them alone).
loadable!(WebhookEndpoint(endpoint) loaded by webhook_endpoints as "webhook endpoint");
loadable!(WebhookDelivery(delivery) loaded by deliveries as "delivery");
loadable!(DeliveryAttempt(delivery_attempt) loaded by delivery_attempts as "delivery attempt");
