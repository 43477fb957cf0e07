use sea_orm::entity::prelude::*;

/// A row of `deliveries`: one event to send to one endpoint (or recipient), in the delivery
/// outbox.
#[derive(Clone, Debug, Default, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deliveries")]
pub struct Model {
    /// The delivery's id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// How it is sent (`WEBHOOK`, `EMAIL`).
    pub channel: String,
    /// The event's sequence in the event log.
    pub event_sequence: i64,
    /// The event's type (stored form, `alert.raised`).
    pub event_type: String,
    /// The webhook event types the event counts as, each between commas (`,RUN_STATUS_CHANGED,RUN_FAILED,`).
    pub categories: String,
    /// The webhook endpoint (webhook deliveries).
    pub endpoint_id: Option<i32>,
    /// The recipient (other channels).
    pub recipient: Option<String>,
    /// What is sent (for webhooks: the JSON body), fixed when the delivery is made.
    pub payload: String,
    /// `PENDING`, `DELIVERED` or `DEAD`.
    pub status: String,
    /// Attempts made so far.
    pub attempts: i32,
    /// `attempts` when it was last put back to pending by hand: the attempt budget counts from here.
    pub attempt_base: i32,
    /// When the next attempt is due.
    pub next_attempt_at: DateTimeUtc,
    /// Claimed by a worker until then (an attempt in flight).
    pub lease_until: Option<DateTimeUtc>,
    /// The last attempt's error.
    pub last_error: Option<String>,
    /// The last attempt's HTTP status.
    pub last_status_code: Option<i32>,
    /// When it was made.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
    /// When it was delivered.
    pub delivered_at: Option<DateTimeUtc>,
}

/// Relations of `deliveries`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
