//! The IntegrationError type, its filter and its ordering.

use async_graphql::{Enum, InputObject};
use chrono::{DateTime, Utc};
use entity::{integration_error as error, integration_record_response as response};
use sea_orm::Condition;

use super::{
    Integration, IntegrationFilter, IntegrationRecordResponse, IntegrationRun,
    IntegrationRunFilter, User,
    history_record::{in_integrations, in_runs},
    object::object,
    stored, stored_opt,
};
use crate::{
    domain,
    graphql::{
        enums::{ContactAlertType, DocumentType, OrderDirection},
        filter::{self, BooleanFilter, EnumFilter, OrderedFilter, StringFilter},
    },
    service::paging::{KeyKind, Sort},
};

object! {
    /// An error a run hit; unresolved errors block the run's success.
    IntegrationError(error) loaded by errors as "integration error" {
        /// The error's id.
        field id "id": i32 = |r| r.id;
        /// Who is alerted about it.
        parsed contact_alert_type "contactAlertType": ContactAlertType =
            |r| stored::<domain::ContactAlertType>(&r.contact_alert_type).map(ContactAlertType::from);
        /// The document's type, when the error concerns one document.
        parsed document_type "documentType": Option<DocumentType> =
            |r| stored_opt::<domain::DocumentType>(r.document_type.as_deref())
                .map(|t| t.map(DocumentType::from));
        /// The document's id, when the error concerns one document.
        field document_id "documentId": Option<i32> = |r| r.document_id;
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
        /// The run that hit the error.
        belongs_to integration_run "integrationRun": IntegrationRun = |r| r.integration_run_id;
        /// The run's id.
        field integration_run_id "integrationRunId": i32 = |r| r.integration_run_id;
        /// The file being processed.
        field integration_filename "integrationFilename": Option<&str> =
            |r| r.integration_filename.as_deref();
        /// Whether the error is resolved (changed by resolve and unresolve).
        field resolved "resolved": bool = |r| r.resolved;
        /// The external system's responses, oldest first.
        children responses "responses": IntegrationRecordResponse =
            responses_of_error by response::Column::IntegrationErrorId, |c| c.integration_error_id;
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

/// Conditions on integration errors; fields combine with AND.
#[derive(InputObject, Clone, Debug, Default)]
pub struct IntegrationErrorFilter {
    /// On the id.
    pub id: Option<OrderedFilter<i32>>,
    /// On resolved (`{eq: false}`: the open errors, which block success).
    pub resolved: Option<BooleanFilter>,
    /// On the transaction status.
    pub status: Option<StringFilter>,
    /// On the document type.
    pub document_type: Option<EnumFilter<DocumentType>>,
    /// On the document id.
    pub document_id: Option<OrderedFilter<i32>>,
    /// On the document revision.
    pub document_revision: Option<OrderedFilter<i32>>,
    /// On the document status.
    pub document_status: Option<StringFilter>,
    /// On the creation method.
    pub creation_method: Option<StringFilter>,
    /// On the external id.
    pub external_id: Option<StringFilter>,
    /// On the integration's id.
    pub integration_id: Option<OrderedFilter<i32>>,
    /// On the integration (e.g. `{code: {eq: "SAP"}}`).
    pub integration: Option<IntegrationFilter>,
    /// On the run's id.
    pub integration_run_id: Option<OrderedFilter<i32>>,
    /// On the run.
    pub integration_run: Option<IntegrationRunFilter>,
    /// On the file name.
    pub integration_filename: Option<StringFilter>,
    /// On the contact alert type.
    pub contact_alert_type: Option<EnumFilter<ContactAlertType>>,
    /// On the creation time.
    pub created_at: Option<OrderedFilter<DateTime<Utc>>>,
    /// On the time of the last change.
    pub updated_at: Option<OrderedFilter<DateTime<Utc>>>,
    /// All of these filters match.
    pub and: Option<Vec<IntegrationErrorFilter>>,
    /// At least one of these filters matches.
    pub or: Option<Vec<IntegrationErrorFilter>>,
    /// This filter does not match.
    pub not: Option<Box<IntegrationErrorFilter>>,
}

impl IntegrationErrorFilter {
    /// The SQL condition of this filter.
    pub fn condition(&self, backend: sea_orm::DbBackend) -> Condition {
        use error::Column as C;
        let c = Condition::all();
        let c = filter::field(c, &self.id, C::Id, backend);
        let c = filter::field(c, &self.resolved, C::Resolved, backend);
        let c = filter::field(c, &self.status, C::Status, backend);
        let c = filter::field(c, &self.document_type, C::DocumentType, backend);
        let c = filter::field(c, &self.document_id, C::DocumentId, backend);
        let c = filter::field(c, &self.document_revision, C::DocumentRevision, backend);
        let c = filter::field(c, &self.document_status, C::DocumentStatus, backend);
        let c = filter::field(c, &self.creation_method, C::CreationMethod, backend);
        let c = filter::field(c, &self.external_id, C::ExternalId, backend);
        let c = filter::field(c, &self.integration_id, C::IntegrationId, backend);
        let c = match &self.integration {
            Some(f) => c.add(in_integrations(C::IntegrationId, f, backend)),
            None => c,
        };
        let c = filter::field(c, &self.integration_run_id, C::IntegrationRunId, backend);
        let c = match &self.integration_run {
            Some(f) => c.add(in_runs(C::IntegrationRunId, f, backend)),
            None => c,
        };
        let c = filter::field(
            c,
            &self.integration_filename,
            C::IntegrationFilename,
            backend,
        );
        let c = filter::field(c, &self.contact_alert_type, C::ContactAlertType, backend);
        let c = filter::field(c, &self.created_at, C::CreatedAt, backend);
        let c = filter::field(c, &self.updated_at, C::UpdatedAt, backend);
        filter::combine(c, &self.and, &self.or, &self.not, |f| f.condition(backend))
    }
}

/// What integration errors can be ordered by.
#[derive(Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum IntegrationErrorOrderField {
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

/// An ordering of integration errors (ties broken by id).
#[derive(InputObject, Clone, Copy, Debug, Default)]
pub struct IntegrationErrorOrder {
    /// The field ordered by.
    pub field: IntegrationErrorOrderField,
    /// The direction (default ascending).
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl IntegrationErrorOrder {
    /// The sort key of this ordering.
    pub fn sort(self) -> Sort<error::Column> {
        use IntegrationErrorOrderField as F;
        use error::Column as C;
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
            nullable: matches!(self.field, F::DocumentId | F::DocumentType),
            descending: self.direction == OrderDirection::Desc,
        }
    }
}

crate::graphql::connection::connection!(
    IntegrationErrorConnection,
    IntegrationErrorEdge,
    IntegrationError,
    error::Model,
    "integration errors"
);
