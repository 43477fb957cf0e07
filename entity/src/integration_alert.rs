use sea_orm::entity::prelude::*;

/// A row of `integration_alerts`: an alert raised to an integration's contacts.
#[derive(Clone, Debug, Default, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "integration_alerts")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The integration whose contacts are alerted (none when the record names no integration).
    pub integration_id: Option<i32>,
    /// `Technical`, `Functional` or `Both`: which contacts.
    pub contact_alert_type: String,
    /// The history record that raised it.
    pub integration_history_record_id: Option<i32>,
    /// The integration error that raised it.
    pub integration_error_id: Option<i32>,
    /// The run concerned.
    pub integration_run_id: Option<i32>,
    /// The document concerned: its type.
    pub document_type: Option<String>,
    /// The document concerned: its id.
    pub document_id: Option<i32>,
    /// What the alert says.
    #[sea_orm(column_type = "Text", nullable)]
    pub message: Option<String>,
    /// When it was raised.
    pub created_at: DateTimeUtc,
    /// Who raised it.
    pub created_by_id: Option<i32>,
}

/// Relations of `integration_alerts`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
