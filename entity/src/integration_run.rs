use sea_orm::entity::prelude::*;

/// A row of `integration_runs`: one batch of an integration.
#[derive(Clone, Debug, Default, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "integration_runs")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The integration this run belongs to.
    pub integration_id: i32,
    /// Free-form JSON object, stored as given.
    #[sea_orm(column_type = "Json", nullable)]
    pub flow: Option<Json>,
    /// `pending`, `running`, `paused`, `successful` or `failed`.
    pub status: String,
    /// When the run started.
    pub start_time: Option<DateTimeUtc>,
    /// When the run ended.
    pub end_time: Option<DateTimeUtc>,
    /// Number of records the run will process (≥ 0).
    pub total_records: Option<i32>,
    /// Number of records processed so far (≥ 0, ≤ `total_records` when both are set).
    pub records_processed: Option<i32>,
    /// High-water mark: the newest `updated_at` the run has exported.
    pub max_updated_at: Option<DateTimeUtc>,
    /// When the gateway raised the alert that the run outlived its integration's expected
    /// duration (set once, in the alert's transaction; `None`: not raised).
    pub stale_alerted_at: Option<DateTimeUtc>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last updated.
    pub updated_at: DateTimeUtc,
    /// The principal that created the row.
    pub created_by_id: Option<i32>,
    /// The principal that last updated the row.
    pub updated_by_id: Option<i32>,
}

/// Relations of `integration_runs`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `integration_id` → `integrations.id`.
    #[sea_orm(
        belongs_to = "super::integration::Entity",
        from = "Column::IntegrationId",
        to = "super::integration::Column::Id",
        fk_name = "fk_integration_runs_integration"
    )]
    Integration,
    /// `created_by_id` → `users.id`.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::CreatedById",
        to = "super::user::Column::Id",
        fk_name = "fk_integration_runs_created_by"
    )]
    CreatedBy,
    /// `updated_by_id` → `users.id`.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UpdatedById",
        to = "super::user::Column::Id",
        fk_name = "fk_integration_runs_updated_by"
    )]
    UpdatedBy,
    /// The run's errors.
    #[sea_orm(has_many = "super::integration_error::Entity")]
    IntegrationError,
    /// The run's history records.
    #[sea_orm(has_many = "super::integration_history_record::Entity")]
    IntegrationHistoryRecord,
    /// The document exports this run marked.
    #[sea_orm(has_many = "super::document_export::Entity")]
    DocumentExport,
}

impl Related<super::integration::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Integration.def()
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

impl Related<super::document_export::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::DocumentExport.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
