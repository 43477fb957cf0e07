use sea_orm::entity::prelude::*;

/// A row of `integration_events`: one change, in the transactional outbox.
#[derive(Clone, Debug, Default, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "integration_events")]
pub struct Model {
    /// Position in commit order; subscribers resume after it.
    #[sea_orm(primary_key, auto_increment = false)]
    pub sequence: i64,
    /// What happened (`run.status_changed`, `record.created`, `alert.raised`, …).
    pub event_type: String,
    /// The id of the changed object (run, record, error or alert).
    pub object_id: i32,
    /// The integration concerned.
    pub integration_id: Option<i32>,
    /// The run concerned.
    pub integration_run_id: Option<i32>,
    /// The document's type (stored form), for records, errors and alerts.
    pub document_type: Option<String>,
    /// The document's id.
    pub document_id: Option<i32>,
    /// The status before the change.
    pub previous_status: Option<String>,
    /// The status after the change.
    pub new_status: Option<String>,
    /// The action that made the change (`run`, `fail`, …).
    pub action: Option<String>,
    /// For alerts: which contacts.
    pub contact_alert_type: Option<String>,
    /// Who made the change.
    pub principal_id: Option<i32>,
    /// When.
    pub created_at: DateTimeUtc,
}

/// Relations of `integration_events` (none: events outlive nothing and point loosely).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
