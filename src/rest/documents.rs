//! What history records and integration errors share as REST resources: the document fields as
//! they are shown, written and filtered, declared once. The two differ in their schema names, in
//! which document types they take (31 for records, the run API's 19 for errors) and in which
//! links they hold; each resource's module says only that.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{
    body::enum_field,
    error::RestError,
    related::{ResponsesOf, integration_refs, responses, users},
    reply::{app_error, to_value},
    schema::contact_alert_type_schema,
    shapes::{IntegrationRefOut, ResponseIn, ResponseOut, UserOut},
    state::RestState,
};
use crate::{
    domain::DocumentType,
    service::documents::{DocumentPatch, NewResponse},
};

/// One stored document (a record's or an error's row), the columns both tables have.
#[derive(Debug)]
pub struct DocumentRow {
    pub id: i32,
    pub contact_alert_type: String,
    pub document_type: Option<String>,
    pub document_id: Option<i32>,
    pub document_revision: Option<i32>,
    pub document_status: Option<String>,
    pub creation_method: Option<String>,
    pub external_id: Option<String>,
    pub integration_id: Option<i32>,
    pub integration_run_id: Option<i32>,
    pub integration_filename: Option<String>,
    pub resolved: bool,
    pub status: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by_id: Option<i32>,
    pub updated_by_id: Option<i32>,
}

/// `DocumentRow` from a table's row (records hold a document type and id always, errors may
/// not; an error always has a run, a record may not).
macro_rules! document_row_from {
    ($model:path) => {
        impl From<$model> for $crate::rest::documents::DocumentRow {
            fn from(m: $model) -> Self {
                Self {
                    id: m.id,
                    contact_alert_type: m.contact_alert_type,
                    document_type: m.document_type.into(),
                    document_id: m.document_id.into(),
                    document_revision: m.document_revision,
                    document_status: m.document_status,
                    creation_method: m.creation_method,
                    external_id: m.external_id,
                    integration_id: m.integration_id,
                    integration_run_id: m.integration_run_id.into(),
                    integration_filename: m.integration_filename,
                    resolved: m.resolved,
                    status: m.status,
                    created_at: m.created_at,
                    updated_at: m.updated_at,
                    created_by_id: m.created_by_id,
                    updated_by_id: m.updated_by_id,
                }
            }
        }
    };
}
document_row_from!(entity::integration_history_record::Model);
document_row_from!(entity::integration_error::Model);

/// A document as shown: its row with its integration, responses and users.
pub trait DocumentOut: Serialize {
    /// The shown document.
    fn shown(
        row: DocumentRow,
        integration: Option<IntegrationRefOut>,
        responses: Vec<ResponseOut>,
        users: &HashMap<i32, UserOut>,
    ) -> Self;
}

/// Declares a shown document type: the fields in the vendor's order, with the schema name and
/// the document-type schema of the resource.
macro_rules! document_out {
    ($(#[$meta:meta])* $name:ident as $schema:ident, document_type: $document_type:path) => {
        $(#[$meta])*
        #[derive(Debug, Default, serde::Serialize, utoipa::ToSchema)]
        #[serde(rename_all = "kebab-case")]
        #[schema(as = $schema)]
        pub struct $name {
            /// Id.
            pub id: i32,
            /// Who is alerted: `Technical`, `Functional` or `Both`.
            #[schema(schema_with = $crate::rest::schema::contact_alert_type_schema)]
            pub contact_alert_type: Option<String>,
            /// The document's type.
            #[schema(schema_with = $document_type)]
            pub document_type: Option<String>,
            /// The document's id.
            pub document_id: Option<i32>,
            /// The document's revision.
            pub document_revision: Option<i32>,
            /// The document's status.
            pub document_status: Option<String>,
            /// How the document was created.
            pub creation_method: Option<String>,
            /// The document's id in the external system.
            pub external_id: Option<String>,
            /// The integration.
            pub integration: Option<$crate::rest::shapes::IntegrationRefOut>,
            /// The run.
            pub integration_run_id: Option<i32>,
            /// The file of a bulk import or export.
            pub integration_filename: Option<String>,
            /// Whether it is resolved.
            pub resolved: Option<bool>,
            /// The external system's responses.
            pub responses: Option<Vec<$crate::rest::shapes::ResponseOut>>,
            /// The transaction status (`Success`, `Error`).
            pub status: Option<String>,
            /// When it was created.
            #[schema(format = DateTime)]
            pub created_at: Option<String>,
            /// When it was last changed.
            #[schema(format = DateTime)]
            pub updated_at: Option<String>,
            /// Who created it.
            pub created_by: Option<$crate::rest::shapes::UserOut>,
            /// Who last changed it.
            pub updated_by: Option<$crate::rest::shapes::UserOut>,
        }

        impl $crate::rest::documents::DocumentOut for $name {
            fn shown(
                row: $crate::rest::documents::DocumentRow,
                integration: Option<$crate::rest::shapes::IntegrationRefOut>,
                responses: Vec<$crate::rest::shapes::ResponseOut>,
                users: &std::collections::HashMap<i32, $crate::rest::shapes::UserOut>,
            ) -> Self {
                use $crate::rest::{related::user_of, reply::time};
                Self {
                    id: row.id,
                    contact_alert_type: Some(row.contact_alert_type),
                    document_type: row.document_type,
                    document_id: row.document_id,
                    document_revision: row.document_revision,
                    document_status: row.document_status,
                    creation_method: row.creation_method,
                    external_id: row.external_id,
                    integration,
                    integration_run_id: row.integration_run_id,
                    integration_filename: row.integration_filename,
                    resolved: Some(row.resolved),
                    responses: Some(responses),
                    status: row.status,
                    created_at: Some(time(row.created_at)),
                    updated_at: Some(time(row.updated_at)),
                    created_by: user_of(users, row.created_by_id),
                    updated_by: user_of(users, row.updated_by_id),
                }
            }
        }
    };
}
pub(crate) use document_out;

/// Renders documents as `O` with their integrations, responses and users, one statement per
/// association (none for an empty page).
pub async fn render<O: DocumentOut>(
    state: &RestState,
    object: &'static str,
    rows: Vec<DocumentRow>,
    of: ResponsesOf,
) -> Result<Vec<Value>, RestError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let db = &state.db;
    let integrations = integration_refs(db, rows.iter().map(|r| r.integration_id))
        .await
        .map_err(app_error(object))?;
    let users = users(
        state,
        rows.iter().flat_map(|r| [r.created_by_id, r.updated_by_id]),
    )
    .await
    .map_err(app_error(object))?;
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let mut responses = responses(state, of, &ids)
        .await
        .map_err(app_error(object))?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let integration = row
                .integration_id
                .and_then(|id| integrations.get(&id).cloned());
            let responses = responses.remove(&row.id).unwrap_or_default();
            to_value(&O::shown(row, integration, responses, &users))
        })
        .collect())
}

/// The document fields a client writes to a record or an error (each adds its document type,
/// links and file name). On a change, `responses` are appended: responses already held are sent
/// back unchanged or not at all, never edited (the external system said what it said).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = DocumentFieldsInput)]
pub struct DocumentFieldsIn {
    /// Who is alerted.
    #[schema(schema_with = contact_alert_type_schema)]
    pub contact_alert_type: Option<String>,
    /// The document's id.
    pub document_id: Option<i32>,
    /// The document's revision.
    pub document_revision: Option<i32>,
    /// The document's status.
    #[schema(max_length = 255)]
    pub document_status: Option<String>,
    /// How the document was created.
    #[schema(max_length = 255)]
    pub creation_method: Option<String>,
    /// The document's id in the external system.
    #[schema(max_length = 255)]
    pub external_id: Option<String>,
    /// The transaction status (each action has its default).
    #[schema(max_length = 255)]
    pub status: Option<String>,
    /// The external system's responses: created with the document, appended on a change.
    pub responses: Option<Vec<ResponseIn>>,
}

impl DocumentFieldsIn {
    /// The service's patch, with the resource's document type and file name.
    pub fn patch(
        &self,
        object: &str,
        document_type: Option<&str>,
        integration_filename: Option<String>,
    ) -> Result<DocumentPatch, RestError> {
        let mut errors = Vec::new();
        let contact_alert_type = enum_field(
            &mut errors,
            "contact-alert-type",
            self.contact_alert_type.as_deref(),
        );
        let document_type: Option<DocumentType> =
            enum_field(&mut errors, "document-type", document_type);
        if !errors.is_empty() {
            return Err(RestError::unprocessable(object, errors));
        }
        Ok(DocumentPatch {
            contact_alert_type,
            document_type,
            document_id: self.document_id,
            document_revision: self.document_revision,
            document_status: self.document_status.clone(),
            creation_method: self.creation_method.clone(),
            external_id: self.external_id.clone(),
            integration_filename,
            status: self.status.clone(),
            responses: self.new_responses(),
        })
    }

    /// The responses to create.
    pub fn new_responses(&self) -> Vec<NewResponse> {
        self.responses
            .iter()
            .flatten()
            .map(ResponseIn::to_new)
            .collect()
    }
}

/// The filterable and sortable attributes of a document table (`$t`: its entity module). Errors
/// may lack a document; records may lack a run.
macro_rules! document_attrs {
    ($t:ident, document_nullable: $doc:literal, run_nullable: $run:literal) => {{
        use $crate::rest::query::{Attr, Kind};
        use $t::Column as C;
        const fn attr(name: &'static str, column: C, kind: Kind, nullable: bool) -> Attr<C> {
            Attr {
                name,
                column,
                kind,
                nullable,
            }
        }
        &[
            attr("id", C::Id, Kind::Int, false),
            attr("contact-alert-type", C::ContactAlertType, Kind::Text, false),
            attr("document-type", C::DocumentType, Kind::Text, $doc),
            attr("document-id", C::DocumentId, Kind::Int, $doc),
            attr("document-revision", C::DocumentRevision, Kind::Int, true),
            attr("document-status", C::DocumentStatus, Kind::Text, true),
            attr("creation-method", C::CreationMethod, Kind::Text, true),
            attr("external-id", C::ExternalId, Kind::Text, true),
            attr("integration-id", C::IntegrationId, Kind::Int, true),
            attr("integration-run-id", C::IntegrationRunId, Kind::Int, $run),
            attr(
                "integration-filename",
                C::IntegrationFilename,
                Kind::Text,
                true,
            ),
            attr("resolved", C::Resolved, Kind::Bool, false),
            attr("status", C::Status, Kind::Text, true),
            attr("created-at", C::CreatedAt, Kind::DateTime, false),
            attr("updated-at", C::UpdatedAt, Kind::DateTime, false),
        ]
    }};
}
pub(crate) use document_attrs;
