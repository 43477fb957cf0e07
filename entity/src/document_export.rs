use sea_orm::entity::prelude::*;

/// A row of `document_exports`: the export state of one (document type, document id).
#[derive(Clone, Debug, Default, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document_exports")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// One of the 31 document types; unique together with `document_id`
    /// (`uq_document_exports_document`).
    #[sea_orm(unique_key = "uq_document_exports_document")]
    pub document_type: String,
    /// Id of the document.
    #[sea_orm(unique_key = "uq_document_exports_document")]
    pub document_id: i32,
    /// Whether the document has been exported.
    #[sea_orm(default_value = false)]
    pub exported: bool,
    /// When the document was last marked exported.
    pub last_exported_at: Option<DateTimeUtc>,
    /// The run that marked it.
    pub integration_run_id: Option<i32>,
    /// The history record that marked it.
    pub integration_history_record_id: Option<i32>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last updated.
    pub updated_at: DateTimeUtc,
}

/// Relations of `document_exports`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `integration_run_id` → `integration_runs.id`.
    #[sea_orm(
        belongs_to = "super::integration_run::Entity",
        from = "Column::IntegrationRunId",
        to = "super::integration_run::Column::Id",
        fk_name = "fk_document_exports_integration_run"
    )]
    IntegrationRun,
    /// `integration_history_record_id` → `integration_history_records.id`.
    #[sea_orm(
        belongs_to = "super::integration_history_record::Entity",
        from = "Column::IntegrationHistoryRecordId",
        to = "super::integration_history_record::Column::Id",
        fk_name = "fk_document_exports_integration_history_record"
    )]
    IntegrationHistoryRecord,
}

impl Related<super::integration_run::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IntegrationRun.def()
    }
}

impl Related<super::integration_history_record::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IntegrationHistoryRecord.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
