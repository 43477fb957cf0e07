use sea_orm::entity::prelude::*;

/// A row of `integration_record_responses`: what the external system answered.
///
/// Exactly one of `integration_history_record_id` and `integration_error_id`
/// is set (CHECK `integration_record_responses_parent_chk`).
#[derive(Clone, Debug, Default, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "integration_record_responses")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The history record this response belongs to (deleted with it).
    pub integration_history_record_id: Option<i32>,
    /// The integration error this response belongs to (deleted with it).
    pub integration_error_id: Option<i32>,
    /// Response code.
    pub response_code: Option<String>,
    /// Response message (text).
    #[sea_orm(column_type = "Text", nullable)]
    pub response_message: Option<String>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last updated.
    pub updated_at: DateTimeUtc,
    /// The principal that created the row.
    pub created_by_id: Option<i32>,
    /// The principal that last updated the row.
    pub updated_by_id: Option<i32>,
}

/// Relations of `integration_record_responses`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `integration_history_record_id` → `integration_history_records.id` (ON DELETE CASCADE).
    #[sea_orm(
        belongs_to = "super::integration_history_record::Entity",
        from = "Column::IntegrationHistoryRecordId",
        to = "super::integration_history_record::Column::Id",
        on_delete = "Cascade",
        fk_name = "fk_integration_record_responses_integration_history_record"
    )]
    IntegrationHistoryRecord,
    /// `integration_error_id` → `integration_errors.id` (ON DELETE CASCADE).
    #[sea_orm(
        belongs_to = "super::integration_error::Entity",
        from = "Column::IntegrationErrorId",
        to = "super::integration_error::Column::Id",
        on_delete = "Cascade",
        fk_name = "fk_integration_record_responses_integration_error"
    )]
    IntegrationError,
    /// `created_by_id` → `users.id`.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::CreatedById",
        to = "super::user::Column::Id",
        fk_name = "fk_integration_record_responses_created_by"
    )]
    CreatedBy,
    /// `updated_by_id` → `users.id`.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UpdatedById",
        to = "super::user::Column::Id",
        fk_name = "fk_integration_record_responses_updated_by"
    )]
    UpdatedBy,
}

impl Related<super::integration_history_record::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IntegrationHistoryRecord.def()
    }
}

impl Related<super::integration_error::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IntegrationError.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
