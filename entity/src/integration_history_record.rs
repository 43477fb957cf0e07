use sea_orm::entity::prelude::*;

/// A row of `integration_history_records`: what happened to one document in an integration.
#[derive(Clone, Debug, Default, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "integration_history_records")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Who is alerted: `Technical`, `Functional` or `Both`.
    pub contact_alert_type: String,
    /// One of the 31 document types (`migration::enums::DOCUMENT_TYPES`).
    pub document_type: String,
    /// Id of the document.
    pub document_id: i32,
    /// Revision of the document.
    pub document_revision: Option<i32>,
    /// Status of the document.
    pub document_status: Option<String>,
    /// How the document was created.
    pub creation_method: Option<String>,
    /// Id of the document in the external system.
    pub external_id: Option<String>,
    /// The integration, if given.
    pub integration_id: Option<i32>,
    /// The run, if given.
    pub integration_run_id: Option<i32>,
    /// File of a bulk import/export.
    pub integration_filename: Option<String>,
    /// Whether the record is resolved (default `false`).
    #[sea_orm(default_value = false)]
    pub resolved: bool,
    /// Transaction status, by convention `Success` or `Error`.
    pub status: Option<String>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last updated.
    pub updated_at: DateTimeUtc,
    /// The principal that created the row.
    pub created_by_id: Option<i32>,
    /// The principal that last updated the row.
    pub updated_by_id: Option<i32>,
}

/// Relations of `integration_history_records`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `integration_id` → `integrations.id`.
    #[sea_orm(
        belongs_to = "super::integration::Entity",
        from = "Column::IntegrationId",
        to = "super::integration::Column::Id",
        fk_name = "fk_integration_history_records_integration"
    )]
    Integration,
    /// `integration_run_id` → `integration_runs.id`.
    #[sea_orm(
        belongs_to = "super::integration_run::Entity",
        from = "Column::IntegrationRunId",
        to = "super::integration_run::Column::Id",
        fk_name = "fk_integration_history_records_integration_run"
    )]
    IntegrationRun,
    /// `created_by_id` → `users.id`.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::CreatedById",
        to = "super::user::Column::Id",
        fk_name = "fk_integration_history_records_created_by"
    )]
    CreatedBy,
    /// `updated_by_id` → `users.id`.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UpdatedById",
        to = "super::user::Column::Id",
        fk_name = "fk_integration_history_records_updated_by"
    )]
    UpdatedBy,
    /// The responses attached to this record.
    #[sea_orm(has_many = "super::integration_record_response::Entity")]
    IntegrationRecordResponse,
    /// The document exports this record marked.
    #[sea_orm(has_many = "super::document_export::Entity")]
    DocumentExport,
}

impl Related<super::integration::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Integration.def()
    }
}

impl Related<super::integration_run::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IntegrationRun.def()
    }
}

impl Related<super::integration_record_response::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IntegrationRecordResponse.def()
    }
}

impl Related<super::document_export::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::DocumentExport.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
