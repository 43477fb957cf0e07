//! The IntegrationHistoryRecord type, its filter and its ordering.

use async_graphql::{Enum, InputObject};
use chrono::{DateTime, Utc};
use entity::{integration_history_record as record, integration_record_response as response};

use super::{
    Integration, IntegrationRecordResponse, IntegrationRun, User, document::document_filter,
    object::object, stored,
};
use crate::{
    domain,
    graphql::enums::{ContactAlertType, DocumentType, OrderDirection},
    service::paging::{KeyKind, Sort},
};

object! {
    /// Per document, what happened to it in an integration (the vendor's integration history record).
    IntegrationHistoryRecord(record) loaded by records as "integration history record" {
        /// The record's id.
        field id "id": i32 = |r| r.id;
        /// Who is alerted about it.
        parsed contact_alert_type "contactAlertType": ContactAlertType =
            |r| stored::<domain::ContactAlertType>(&r.contact_alert_type).map(ContactAlertType::from);
        /// The document's type.
        parsed document_type "documentType": DocumentType =
            |r| stored::<domain::DocumentType>(&r.document_type).map(DocumentType::from);
        /// The document's id.
        field document_id "documentId": i32 = |r| r.document_id;
        /// The document's revision.
        field document_revision "documentRevision": Option<i32> = |r| r.document_revision;
        /// The document's status.
        field document_status "documentStatus": Option<&str> = |r| r.document_status.as_deref();
        /// How the document was created.
        field creation_method "creationMethod": Option<&str> = |r| r.creation_method.as_deref();
        /// The document's id in the external system.
        field external_id "externalId": Option<&str> = |r| r.external_id.as_deref();
        /// The integration.
        maybe_belongs_to integration "integration": Integration = |r| r.integration_id;
        /// The run.
        maybe_belongs_to integration_run "integrationRun": IntegrationRun = |r| r.integration_run_id;
        /// The run's id.
        field integration_run_id "integrationRunId": Option<i32> = |r| r.integration_run_id;
        /// The file of a bulk import/export.
        field integration_filename "integrationFilename": Option<&str> =
            |r| r.integration_filename.as_deref();
        /// Whether the record is resolved (changed by resolve, unresolve and acknowledge).
        field resolved "resolved": bool = |r| r.resolved;
        /// The external system's responses, oldest first.
        children responses "responses": IntegrationRecordResponse =
            responses_of_record by response::Column::IntegrationHistoryRecordId,
            |c| c.integration_history_record_id;
        /// The transaction status, by convention `Success` or `Error`.
        field status "status": Option<&str> = |r| r.status.as_deref();
        /// When it was created.
        field created_at "createdAt": DateTime<Utc> = |r| r.created_at;
        /// When it was last changed.
        field updated_at "updatedAt": DateTime<Utc> = |r| r.updated_at;
        /// Who created it.
        maybe_belongs_to created_by "createdBy": User = |r| r.created_by_id;
        /// Who last changed it.
        maybe_belongs_to updated_by "updatedBy": User = |r| r.updated_by_id;
    }
}

document_filter!(
    /// Conditions on history records; fields combine with AND.
    IntegrationHistoryRecordFilter over record,
    "On resolved (`{eq: false}`: the open records)."
);

/// What history records can be ordered by.
#[derive(Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum IntegrationHistoryRecordOrderField {
    /// The id.
    #[default]
    Id,
    /// The document id.
    DocumentId,
    /// The document type.
    DocumentType,
    /// The creation time.
    CreatedAt,
    /// The time of the last change.
    UpdatedAt,
}

/// An ordering of history records (ties broken by id).
#[derive(InputObject, Clone, Copy, Debug, Default)]
pub struct IntegrationHistoryRecordOrder {
    /// The field ordered by.
    pub field: IntegrationHistoryRecordOrderField,
    /// The direction (default ascending).
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl IntegrationHistoryRecordOrder {
    /// The sort key of this ordering.
    pub fn sort(self) -> Sort<record::Column> {
        use IntegrationHistoryRecordOrderField as F;
        use record::Column as C;
        let (column, kind) = match self.field {
            F::Id => (C::Id, KeyKind::Int),
            F::DocumentId => (C::DocumentId, KeyKind::Int),
            F::DocumentType => (C::DocumentType, KeyKind::Text),
            F::CreatedAt => (C::CreatedAt, KeyKind::DateTime),
            F::UpdatedAt => (C::UpdatedAt, KeyKind::DateTime),
        };
        Sort {
            column,
            kind,
            nullable: false,
            descending: self.direction == OrderDirection::Desc,
        }
    }
}

crate::graphql::connection::connection!(
    IntegrationHistoryRecordConnection,
    IntegrationHistoryRecordEdge,
    IntegrationHistoryRecord,
    record::Model,
    "integration history records"
);
