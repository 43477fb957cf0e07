//! `/api/integration_errors`: create (with nested responses), index, show, update,
//! `PUT /:id/resolve|unresolve`, `POST /create_alert`. A run's unresolved errors block its success.

use axum::{
    Router,
    body::Bytes,
    extract::Path,
    http::StatusCode,
    response::Response,
    routing::{get, post, put},
};
use entity::integration_error as error;
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
    schema::{ResolveAction, error_document_type_schema},
    shapes::{IdRefIn, IntegrationRefIn},
    state::RestState,
};
use crate::{
    error::AppResult,
    service::{
        Actor,
        documents::DocumentPatch,
        errors::{self, NewIntegrationError},
    },
};

/// The object name in bodies and messages.
const OBJECT: &str = "integration-error";
/// The list element name.
const PLURAL: &str = "integration-errors";

document_out!(
    /// An integration error as the API shows it.
    IntegrationErrorOut as IntegrationError,
    document_type: error_document_type_schema
);

/// A new integration error; `contact-alert-type` and `integration-run` (or
/// `integration-run-id`) are required.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = IntegrationErrorInput)]
pub struct IntegrationErrorIn {
    /// The fields a change may also set.
    #[serde(flatten)]
    pub fields: IntegrationErrorChanges,
    /// The run that hit the error, by id.
    pub integration_run: Option<IdRefIn>,
    /// The run's id.
    pub integration_run_id: Option<i32>,
    /// The integration (defaults to the run's), by id or code.
    pub integration: Option<IntegrationRefIn>,
}

/// The fields of an integration error a change sets (its run and integration are set on create
/// and never changed).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = IntegrationErrorChanges)]
pub struct IntegrationErrorChanges {
    /// The document fields.
    #[serde(flatten)]
    pub document: DocumentFieldsIn,
    /// The document's type (one of the run API's 19).
    #[schema(schema_with = error_document_type_schema)]
    pub document_type: Option<String>,
    /// The file being processed.
    #[schema(max_length = 255)]
    pub integration_filename: Option<String>,
}

impl IntegrationErrorChanges {
    fn patch(&self) -> Result<DocumentPatch, RestError> {
        self.document.patch(
            OBJECT,
            self.document_type.as_deref(),
            self.integration_filename.clone(),
        )
    }
}

impl IntegrationErrorIn {
    fn new_error(&self) -> Result<NewIntegrationError, RestError> {
        let patch = self.fields.patch()?;
        let run_id = self
            .integration_run_id
            .or(self.integration_run.as_ref().and_then(|r| r.id));
        let integration = match &self.integration {
            Some(r) => Some(r.to_ref(OBJECT, "integration")?),
            None => None,
        };
        match (patch.contact_alert_type, run_id) {
            (Some(contact_alert_type), Some(integration_run_id)) => Ok(NewIntegrationError {
                contact_alert_type,
                integration_run_id,
                integration,
                document_type: patch.document_type,
                document_id: patch.document_id,
                document_revision: patch.document_revision,
                document_status: patch.document_status,
                creation_method: patch.creation_method,
                external_id: patch.external_id,
                integration_filename: patch.integration_filename,
                status: patch.status,
                responses: patch.responses,
            }),
            (contact, run) => {
                let mut missing = Vec::new();
                if contact.is_none() {
                    missing.push("contact-alert-type is required".to_owned());
                }
                if run.is_none() {
                    missing.push("integration-run is required".to_owned());
                }
                Err(RestError::unprocessable(OBJECT, missing))
            }
        }
    }
}

impl Updatable for IntegrationErrors {
    type Changes = IntegrationErrorChanges;
    type Patch = DocumentPatch;

    fn patch(changes: IntegrationErrorChanges) -> Result<DocumentPatch, RestError> {
        changes.patch()
    }

    async fn update(
        db: &DatabaseConnection,
        actor: Actor,
        id: i32,
        patch: DocumentPatch,
    ) -> AppResult<error::Model> {
        errors::update(db, actor, id, patch).await
    }
}

impl Resolvable for IntegrationErrors {
    async fn set_resolved(
        db: &DatabaseConnection,
        actor: Actor,
        id: i32,
        resolved: bool,
    ) -> AppResult<error::Model> {
        errors::set_resolved(db, actor, id, resolved).await
    }
}

/// Filterable and sortable attributes of integration errors.
static SPEC: Spec<error::Column> = Spec {
    attrs: document_attrs!(error, document_nullable: true, run_nullable: false),
    id: error::Column::Id,
    integration: Some(error::Column::IntegrationId),
    run: Some(error::Column::IntegrationRunId),
};

/// Integration errors as a REST resource.
#[derive(Debug)]
pub struct IntegrationErrors;

impl Resource for IntegrationErrors {
    const OBJECT: &'static str = OBJECT;
    const PLURAL: &'static str = PLURAL;
    type Entity = error::Entity;
    type Model = error::Model;
    type Out = IntegrationErrorOut;

    fn spec() -> &'static Spec<error::Column> {
        &SPEC
    }

    async fn find(db: &DatabaseConnection, id: i32) -> AppResult<error::Model> {
        errors::find_by_id(db, id).await
    }

    async fn render(state: &RestState, models: Vec<error::Model>) -> Result<Vec<Value>, RestError> {
        let rows = models.into_iter().map(Into::into).collect();
        documents::render::<IntegrationErrorOut>(state, OBJECT, rows, ResponsesOf::Errors).await
    }
}

/// The routes of integration errors.
pub fn routes() -> Router<RestState> {
    Router::new()
        .route("/api/integration_errors", get(index).post(create))
        .route("/api/integration_errors/create_alert", post(create_alert))
        .route(
            "/api/integration_errors/{id}",
            get(show).put(update).patch(update),
        )
        .route("/api/integration_errors/{id}/{action}", put(resolve))
}

/// Lists integration errors (`integration-run[id]=5&resolved=false`).
#[utoipa::path(get, path = "/api/integration_errors", tag = "integration errors",
    params(super::schema::ListParams),
    responses((status = 200, description = "The page of errors", body = [IntegrationErrorOut])))]
pub async fn index(api: Api<IntegrationErrors>) -> Response {
    resource::index(api).await
}

/// Shows one integration error with its responses.
#[utoipa::path(get, path = "/api/integration_errors/{id}", tag = "integration errors",
    params(("id" = i32, Path, description = "The error's id"), super::schema::ShowParams),
    responses((status = 200, description = "The error", body = IntegrationErrorOut)))]
pub async fn show(api: Api<IntegrationErrors>, id: Path<String>) -> Response {
    resource::show(api, id).await
}

/// Creates an error (alerting or not); 201 with the error.
async fn creation(api: Api<IntegrationErrors, Write>, body: Bytes, alert: bool) -> Response {
    api.write(StatusCode::CREATED, async |api| {
        let input = api.new_body::<IntegrationErrorIn>(&body)?.new_error()?;
        if alert {
            errors::create_alert(api.db(), api.actor(), input).await
        } else {
            errors::create(api.db(), api.actor(), input).await
        }
        .map_err(app_error(OBJECT))
    })
    .await
}

/// Creates an error of a run with its responses; it blocks the run's success until resolved.
#[utoipa::path(post, path = "/api/integration_errors", tag = "integration errors",
    params(super::schema::ShowParams), request_body = IntegrationErrorIn,
    responses((status = 201, description = "The new error", body = IntegrationErrorOut)))]
pub async fn create(api: Api<IntegrationErrors, Write>, body: Bytes) -> Response {
    creation(api, body, false).await
}

/// Creates an error and raises an alert to the integration's contacts of its contact-alert-type.
#[utoipa::path(post, path = "/api/integration_errors/create_alert", tag = "integration errors",
    params(super::schema::ShowParams), request_body = IntegrationErrorIn,
    responses((status = 201, description = "The new error", body = IntegrationErrorOut)))]
pub async fn create_alert(api: Api<IntegrationErrors, Write>, body: Bytes) -> Response {
    creation(api, body, true).await
}

/// Updates an error's fields (PUT or PATCH; never `resolved`, its run or its integration);
/// `responses` without an id are appended.
#[utoipa::path(method(put, patch), path = "/api/integration_errors/{id}", tag = "integration errors",
    params(("id" = i32, Path, description = "The error's id"), super::schema::ShowParams),
    request_body = IntegrationErrorChanges,
    responses((status = 200, description = "The error", body = IntegrationErrorOut)))]
pub async fn update(api: Api<IntegrationErrors, Write>, id: Path<String>, body: Bytes) -> Response {
    resource::update(api, id, body).await
}

/// Marks an error resolved or unresolved (a repeat changes nothing).
#[utoipa::path(put, path = "/api/integration_errors/{id}/{action}", tag = "integration errors",
    params(("id" = i32, Path, description = "The error's id"),
           ("action" = ResolveAction, Path, description = "resolve or unresolve"),
           super::schema::ShowParams),
    responses((status = 200, description = "The error", body = IntegrationErrorOut)))]
pub async fn resolve(api: Api<IntegrationErrors, Write>, path: Path<(String, String)>) -> Response {
    resource::resolve(api, path).await
}
