//! Document export state: per (document type, document id), whether and when an ERP picked it up.

use chrono::{DateTime, Utc};
use entity::document_export;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::OnConflict,
};

use crate::{domain::DocumentType, error::AppResult};

/// Starts tracking a document as not exported yet, unless its state is already known.
pub async fn track<C: ConnectionTrait>(
    db: &C,
    document_type: DocumentType,
    document_id: i32,
    at: DateTime<Utc>,
) -> AppResult<()> {
    use document_export::Column as D;
    let row = document_export::ActiveModel {
        document_type: Set(document_type.as_str().to_owned()),
        document_id: Set(document_id),
        exported: Set(false),
        last_exported_at: Set(None),
        integration_run_id: Set(None),
        integration_history_record_id: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    };
    document_export::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([D::DocumentType, D::DocumentId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Marks a document exported now, by this run and record (insert or update in one statement).
pub async fn mark<C: ConnectionTrait>(
    db: &C,
    document_type: DocumentType,
    document_id: i32,
    run_id: Option<i32>,
    record_id: Option<i32>,
    at: DateTime<Utc>,
) -> AppResult<()> {
    use document_export::Column as D;
    let row = document_export::ActiveModel {
        document_type: Set(document_type.as_str().to_owned()),
        document_id: Set(document_id),
        exported: Set(true),
        last_exported_at: Set(Some(at)),
        integration_run_id: Set(run_id),
        integration_history_record_id: Set(record_id),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    };
    document_export::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([D::DocumentType, D::DocumentId])
                .update_columns([
                    D::Exported,
                    D::LastExportedAt,
                    D::IntegrationRunId,
                    D::IntegrationHistoryRecordId,
                    D::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The export state of one document, if it was ever recorded.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    document_type: DocumentType,
    document_id: i32,
) -> AppResult<Option<document_export::Model>> {
    Ok(document_export::Entity::find()
        .filter(document_export::Column::DocumentType.eq(document_type.as_str()))
        .filter(document_export::Column::DocumentId.eq(document_id))
        .one(db)
        .await?)
}
