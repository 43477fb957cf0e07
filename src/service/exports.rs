//! Document export state: per (document type, document id), whether and when an ERP picked it up.

use chrono::{DateTime, Utc};
use entity::document_export;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::OnConflict,
};

use super::sql::INSERT_CHUNK;
use crate::{domain::DocumentType, error::AppResult};

/// A document whose export state changes, and the run and record that change it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExportMark {
    /// The document's type.
    pub document_type: DocumentType,
    /// The document's id.
    pub document_id: i32,
    /// The run that exported it.
    pub run_id: Option<i32>,
    /// The record that marked it.
    pub record_id: Option<i32>,
}

/// The rows of one statement, one per document (the last mark of a document wins): PostgreSQL
/// refuses an upsert that touches one row twice. They come in document order, so that concurrent
/// batches over the same documents take their row locks in one order and cannot deadlock.
fn rows(
    marks: &[ExportMark],
    exported: bool,
    at: DateTime<Utc>,
) -> Vec<document_export::ActiveModel> {
    let mut seen = std::collections::HashMap::new();
    for (i, m) in marks.iter().enumerate() {
        seen.insert((m.document_type, m.document_id), i);
    }
    let mut keep: Vec<usize> = seen.into_values().collect();
    keep.sort_unstable_by_key(|&i| (marks[i].document_type.as_str(), marks[i].document_id));
    keep.into_iter()
        .map(|i| {
            let m = marks[i];
            document_export::ActiveModel {
                document_type: Set(m.document_type.as_str().to_owned()),
                document_id: Set(m.document_id),
                exported: Set(exported),
                last_exported_at: Set(exported.then_some(at)),
                integration_run_id: Set(if exported { m.run_id } else { None }),
                integration_history_record_id: Set(if exported { m.record_id } else { None }),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
        })
        .collect()
}

/// Starts tracking documents as not exported yet, unless their state is already known.
pub async fn track<C: ConnectionTrait>(
    db: &C,
    marks: &[ExportMark],
    at: DateTime<Utc>,
) -> AppResult<()> {
    use document_export::Column as D;
    for chunk in rows(marks, false, at).chunks(INSERT_CHUNK) {
        document_export::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([D::DocumentType, D::DocumentId])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Marks documents exported now, by their run and record (insert or update, one statement per chunk).
pub async fn mark<C: ConnectionTrait>(
    db: &C,
    marks: &[ExportMark],
    at: DateTime<Utc>,
) -> AppResult<()> {
    use document_export::Column as D;
    for chunk in rows(marks, true, at).chunks(INSERT_CHUNK) {
        document_export::Entity::insert_many(chunk.to_vec())
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
    }
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
