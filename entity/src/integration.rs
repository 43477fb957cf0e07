use sea_orm::entity::prelude::*;

/// A row of `integrations`.
#[derive(Clone, Debug, Default, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "integrations")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Unique code, at most 255 characters.
    #[sea_orm(column_type = "String(StringLen::N(255))", unique)]
    pub code: String,
    /// Unique name, at most 255 characters.
    #[sea_orm(column_type = "String(StringLen::N(255))", unique)]
    pub name: String,
    /// The business object the integration moves, at most 255 characters.
    #[sea_orm(column_type = "String(StringLen::N(255))")]
    pub business_object: String,
    /// `to_coupa` or `from_coupa`.
    pub direction: String,
    /// The external system, at most 255 characters.
    #[sea_orm(column_type = "String(StringLen::N(255))")]
    pub end_system: String,
    /// `internal`, `payroll`, `erp`, `hr`, `third_party_partner`, `third_party_vendor` or `other`.
    pub end_system_type: String,
    /// `flat_file`, `api`, `corporate_credit_card_file`, `json`, `xml` or `original_format`.
    pub integration_type: Option<String>,
    /// Whether this is a standard integration (default `false`).
    #[sea_orm(default_value = false)]
    pub standard: bool,
    /// How long a run is expected to take, in seconds (1 s to 30 days); a run left pending or
    /// running longer raises one "stale run" alert. `None`: no expectation, no such alert.
    pub expected_duration_seconds: Option<i32>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last updated.
    pub updated_at: DateTimeUtc,
    /// The principal that created the row.
    pub created_by_id: Option<i32>,
    /// The principal that last updated the row.
    pub updated_by_id: Option<i32>,
}

/// Relations of `integrations`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `created_by_id` → `users.id`.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::CreatedById",
        to = "super::user::Column::Id",
        fk_name = "fk_integrations_created_by"
    )]
    CreatedBy,
    /// `updated_by_id` → `users.id`.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UpdatedById",
        to = "super::user::Column::Id",
        fk_name = "fk_integrations_updated_by"
    )]
    UpdatedBy,
    /// The integration's runs.
    #[sea_orm(has_many = "super::integration_run::Entity")]
    IntegrationRun,
    /// The integration's errors.
    #[sea_orm(has_many = "super::integration_error::Entity")]
    IntegrationError,
    /// The integration's history records.
    #[sea_orm(has_many = "super::integration_history_record::Entity")]
    IntegrationHistoryRecord,
    /// The integration's contacts.
    #[sea_orm(has_many = "super::integration_contact::Entity")]
    IntegrationContact,
}

impl Related<super::integration_run::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IntegrationRun.def()
    }
}

impl Related<super::integration_error::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IntegrationError.def()
    }
}

impl Related<super::integration_history_record::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IntegrationHistoryRecord.def()
    }
}

impl Related<super::integration_contact::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IntegrationContact.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
