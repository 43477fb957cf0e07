//! `/api/integration_history_records`: create (with nested responses), index, show, update, the
//! vendor's collection actions `POST /acknowledge`, `/create_alert`,
//! `/create_alert_and_mark_exported`, `/mark_exported` (each 201 with the record), and
//! `PUT /:id/resolve|unresolve`.

use axum::{
    Router,
    body::Bytes,
    extract::Path,
    http::StatusCode,
    response::Response,
    routing::{get, post, put},
};
use entity::integration_history_record as record;
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::{
    documents::{self, DocumentFieldsIn, document_attrs, document_out},
    error::RestError,
    query::Spec,
    related::ResponsesOf,
    reply::app_error,
    resource::{self, Api, Resolvable, Resource, Updatable, Write},
    schema::{ResolveAction, document_type_schema},
    shapes::{IdRefIn, IntegrationRefIn},
    state::RestState,
};
use crate::{
    error::AppResult,
    service::{
        Actor,
        history::{self, HistoryRecordPatch, NewHistoryRecord},
    },
};

/// The object name in bodies and messages.
const OBJECT: &str = "integration-history-record";
/// The list element name.
const PLURAL: &str = "integration-history-records";

document_out!(
    /// A history record as the API shows it.
    HistoryRecordOut as IntegrationHistoryRecord,
    document_type: document_type_schema
);

/// The fields of a history record a client writes; `contact-alert-type`, `document-type` and
/// `document-id` are required on create. `integration-filename` is the server's (the file of a
/// bulk import or export): not taken.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = IntegrationHistoryRecordInput)]
pub struct HistoryRecordIn {
    /// The document fields.
    #[serde(flatten)]
    pub document: DocumentFieldsIn,
    /// The document's type.
    #[schema(schema_with = document_type_schema)]
    pub document_type: Option<String>,
    /// The integration, by id or code.
    pub integration: Option<IntegrationRefIn>,
    /// The run, by id.
    pub integration_run: Option<IdRefIn>,
    /// The run's id.
    pub integration_run_id: Option<i32>,
}

impl HistoryRecordIn {
    fn patch(&self) -> Result<HistoryRecordPatch, RestError> {
        let document = self
            .document
            .patch(OBJECT, self.document_type.as_deref(), None)?;
        let integration = match &self.integration {
            Some(r) => Some(r.to_ref(OBJECT, "integration")?),
            None => None,
        };
        Ok(HistoryRecordPatch {
            document,
            integration,
            integration_run_id: self
                .integration_run_id
                .or(self.integration_run.as_ref().and_then(|r| r.id)),
        })
    }

    fn new_record(&self) -> Result<NewHistoryRecord, RestError> {
        let HistoryRecordPatch {
            document: patch,
            integration,
            integration_run_id,
        } = self.patch()?;
        match (
            patch.contact_alert_type,
            patch.document_type,
            patch.document_id,
        ) {
            (Some(contact_alert_type), Some(document_type), Some(document_id)) => {
                Ok(NewHistoryRecord {
                    contact_alert_type,
                    document_type,
                    document_id,
                    document_revision: patch.document_revision,
                    document_status: patch.document_status,
                    creation_method: patch.creation_method,
                    external_id: patch.external_id,
                    integration,
                    integration_run_id,
                    integration_filename: None,
                    status: patch.status,
                    responses: patch.responses,
                })
            }
            (contact, document_type, document_id) => {
                let missing = [
                    ("contact-alert-type", contact.is_none()),
                    ("document-type", document_type.is_none()),
                    ("document-id", document_id.is_none()),
                ];
                Err(RestError::unprocessable(
                    OBJECT,
                    missing
                        .iter()
                        .filter(|(_, absent)| *absent)
                        .map(|(name, _)| format!("{name} is required"))
                        .collect(),
                ))
            }
        }
    }
}

impl Updatable for HistoryRecords {
    type Changes = HistoryRecordIn;
    type Patch = HistoryRecordPatch;

    fn patch(changes: HistoryRecordIn) -> Result<HistoryRecordPatch, RestError> {
        changes.patch()
    }

    async fn update(
        db: &DatabaseConnection,
        actor: Actor,
        id: i32,
        patch: HistoryRecordPatch,
    ) -> AppResult<record::Model> {
        history::update(db, actor, id, patch).await
    }
}

impl Resolvable for HistoryRecords {
    async fn set_resolved(
        db: &DatabaseConnection,
        actor: Actor,
        id: i32,
        resolved: bool,
    ) -> AppResult<record::Model> {
        history::set_resolved(db, actor, id, resolved).await
    }
}

/// Filterable and sortable attributes of history records.
static SPEC: Spec<record::Column> = Spec {
    attrs: document_attrs!(record, document_nullable: false, run_nullable: true),
    id: record::Column::Id,
    integration: Some(record::Column::IntegrationId),
    run: Some(record::Column::IntegrationRunId),
};

/// History records as a REST resource.
#[derive(Debug)]
pub struct HistoryRecords;

impl Resource for HistoryRecords {
    const OBJECT: &'static str = OBJECT;
    const PLURAL: &'static str = PLURAL;
    type Entity = record::Entity;
    type Model = record::Model;
    type Out = HistoryRecordOut;

    fn spec() -> &'static Spec<record::Column> {
        &SPEC
    }

    async fn find(db: &DatabaseConnection, id: i32) -> AppResult<record::Model> {
        history::find_by_id(db, id).await
    }

    async fn render(
        state: &RestState,
        models: Vec<record::Model>,
    ) -> Result<Vec<Value>, RestError> {
        let rows = models.into_iter().map(Into::into).collect();
        documents::render::<HistoryRecordOut>(state, OBJECT, rows, ResponsesOf::Records).await
    }
}

/// The routes of history records.
pub fn routes() -> Router<RestState> {
    Router::new()
        .route("/api/integration_history_records", get(index).post(create))
        .route(
            "/api/integration_history_records/acknowledge",
            post(acknowledge),
        )
        .route(
            "/api/integration_history_records/create_alert",
            post(create_alert),
        )
        .route(
            "/api/integration_history_records/create_alert_and_mark_exported",
            post(create_alert_and_mark_exported),
        )
        .route(
            "/api/integration_history_records/mark_exported",
            post(mark_exported),
        )
        .route(
            "/api/integration_history_records/{id}",
            get(show).put(update).patch(update),
        )
        .route(
            "/api/integration_history_records/{id}/{action}",
            put(resolve),
        )
}

/// Lists history records; the vendor's open records of a document:
/// `resolved=false&document-type=InvoiceHeader&document-id=42`.
#[utoipa::path(get, path = "/api/integration_history_records", tag = "integration history records",
    params(super::schema::ListParams),
    responses((status = 200, description = "The page of records", body = [HistoryRecordOut])))]
pub async fn index(api: Api<HistoryRecords>) -> Response {
    resource::index(api).await
}

/// Shows one history record with its responses.
#[utoipa::path(get, path = "/api/integration_history_records/{id}", tag = "integration history records",
    params(("id" = i32, Path, description = "The record's id"), super::schema::ShowParams),
    responses((status = 200, description = "The record", body = HistoryRecordOut)))]
pub async fn show(api: Api<HistoryRecords>, id: Path<String>) -> Response {
    resource::show(api, id).await
}

/// Which creating action a POST runs.
#[derive(Clone, Copy, Debug)]
enum Creation {
    Create,
    Acknowledge,
    CreateAlert,
    CreateAlertAndMarkExported,
    MarkExported,
}

/// Creates a record by one of the creating actions; 201 with the record.
async fn creation(api: Api<HistoryRecords, Write>, body: Bytes, how: Creation) -> Response {
    api.write(StatusCode::CREATED, async |api| {
        let input = api.new_body::<HistoryRecordIn>(&body)?.new_record()?;
        let (db, actor) = (api.db(), api.actor());
        match how {
            Creation::Create => history::create(db, actor, input).await,
            Creation::Acknowledge => history::acknowledge(db, actor, input).await,
            Creation::CreateAlert => history::create_alert(db, actor, input).await,
            Creation::CreateAlertAndMarkExported => {
                history::create_alert_and_mark_exported(db, actor, input).await
            }
            Creation::MarkExported => history::mark_exported(db, actor, input).await,
        }
        .map_err(app_error(OBJECT))
    })
    .await
}

/// Creates a history record with its responses.
#[utoipa::path(post, path = "/api/integration_history_records", tag = "integration history records",
    params(super::schema::ShowParams), request_body = HistoryRecordIn,
    responses((status = 201, description = "The new record", body = HistoryRecordOut)))]
pub async fn create(api: Api<HistoryRecords, Write>, body: Bytes) -> Response {
    creation(api, body, Creation::Create).await
}

/// The external system confirms it has the document: a resolved `Success` record that resolves
/// every earlier open record of the same document.
#[utoipa::path(post, path = "/api/integration_history_records/acknowledge", tag = "integration history records",
    params(super::schema::ShowParams), request_body = HistoryRecordIn,
    responses((status = 201, description = "The new record", body = HistoryRecordOut)))]
pub async fn acknowledge(api: Api<HistoryRecords, Write>, body: Bytes) -> Response {
    creation(api, body, Creation::Acknowledge).await
}

/// Creates a record (status defaults to `Error`) and raises an alert to the integration's contacts.
#[utoipa::path(post, path = "/api/integration_history_records/create_alert", tag = "integration history records",
    params(super::schema::ShowParams), request_body = HistoryRecordIn,
    responses((status = 201, description = "The new record", body = HistoryRecordOut)))]
pub async fn create_alert(api: Api<HistoryRecords, Write>, body: Bytes) -> Response {
    creation(api, body, Creation::CreateAlert).await
}

/// Creates a record, raises its alert and marks its document exported, atomically.
#[utoipa::path(post, path = "/api/integration_history_records/create_alert_and_mark_exported", tag = "integration history records",
    params(super::schema::ShowParams), request_body = HistoryRecordIn,
    responses((status = 201, description = "The new record", body = HistoryRecordOut)))]
pub async fn create_alert_and_mark_exported(
    api: Api<HistoryRecords, Write>,
    body: Bytes,
) -> Response {
    creation(api, body, Creation::CreateAlertAndMarkExported).await
}

/// Creates a record (status defaults to `Success`) and marks its document exported now.
#[utoipa::path(post, path = "/api/integration_history_records/mark_exported", tag = "integration history records",
    params(super::schema::ShowParams), request_body = HistoryRecordIn,
    responses((status = 201, description = "The new record", body = HistoryRecordOut)))]
pub async fn mark_exported(api: Api<HistoryRecords, Write>, body: Bytes) -> Response {
    creation(api, body, Creation::MarkExported).await
}

/// Updates a record's fields (PUT or PATCH; never `resolved`); `responses` without an id are
/// appended.
#[utoipa::path(method(put, patch), path = "/api/integration_history_records/{id}", tag = "integration history records",
    params(("id" = i32, Path, description = "The record's id"), super::schema::ShowParams),
    request_body = HistoryRecordIn,
    responses((status = 200, description = "The record", body = HistoryRecordOut)))]
pub async fn update(api: Api<HistoryRecords, Write>, id: Path<String>, body: Bytes) -> Response {
    resource::update(api, id, body).await
}

/// Marks a record resolved or unresolved (a repeat changes nothing).
#[utoipa::path(put, path = "/api/integration_history_records/{id}/{action}", tag = "integration history records",
    params(("id" = i32, Path, description = "The record's id"),
           ("action" = ResolveAction, Path, description = "resolve or unresolve"),
           super::schema::ShowParams),
    responses((status = 200, description = "The record", body = HistoryRecordOut)))]
pub async fn resolve(api: Api<HistoryRecords, Write>, path: Path<(String, String)>) -> Response {
    resource::resolve(api, path).await
}
