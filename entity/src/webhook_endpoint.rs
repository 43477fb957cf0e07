use sea_orm::entity::prelude::*;

/// A row of `webhook_endpoints`: where events of the chosen types are sent, signed.
#[derive(Clone, Debug, Default, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    /// The endpoint's id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The target URL (http or https).
    pub url: String,
    /// The event types sent, stored forms separated by commas (`ALERT_RAISED,RUN_FAILED`).
    pub event_types: String,
    /// Only events of this integration (all when null).
    pub integration_id: Option<i32>,
    /// What the endpoint is for.
    pub description: Option<String>,
    /// Whether events are sent to it.
    pub enabled: bool,
    /// Why it was disabled (e.g. it answered 410 Gone).
    pub disabled_reason: Option<String>,
    /// The signing secret (`whsec_…`); never shown after creation or rotation.
    pub secret: String,
    /// The secret before the last rotation, still signing until `previous_secret_expires_at`.
    pub previous_secret: Option<String>,
    /// When the previous secret stops signing.
    pub previous_secret_expires_at: Option<DateTimeUtc>,
    /// When it was registered.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of `webhook_endpoints`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
