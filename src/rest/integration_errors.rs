//! `/api/integration_errors`: create (with nested responses), index, show, update,
//! `PUT /:id/resolve|unresolve`, `POST /create_alert`. A run's unresolved errors block its success.

use axum::{
    Router,
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::Response,
    routing::{get, post, put},
};
use entity::integration_error as error;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{
    IdRefIn, IntegrationRefIn, IntegrationRefOut, ResponseIn, ResponseOut, RestState, UserOut,
    app_error, enum_field,
    error::RestError,
    format::{Format, respond},
    integration_refs, keys_of, many, one, parse_id,
    query::{self, Attr, Kind, Spec},
    read_body, read_options, responses_of,
    schema::{ResolveAction, contact_alert_type_schema, nullable_document_type_schema},
    time, to_value, user_of, users,
};
use crate::{
    auth::Scope,
    service::{
        documents::DocumentPatch,
        errors::{self, NewIntegrationError},
        paging,
    },
};

/// The object name in bodies and messages.
const OBJECT: &str = "integration-error";
/// The list element name.
const PLURAL: &str = "integration-errors";

/// An integration error as the API shows it.
#[derive(Debug, Default, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = IntegrationError)]
pub struct IntegrationErrorOut {
    /// Id.
    pub id: i32,
    /// Who is alerted: `Technical`, `Functional` or `Both`.
    #[schema(schema_with = contact_alert_type_schema)]
    pub contact_alert_type: Option<String>,
    /// The document's type (one of the run API's 19).
    #[schema(schema_with = nullable_document_type_schema)]
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
    pub integration: Option<IntegrationRefOut>,
    /// The run that hit the error.
    pub integration_run_id: Option<i32>,
    /// The file being processed.
    pub integration_filename: Option<String>,
    /// Whether it is resolved.
    pub resolved: Option<bool>,
    /// The external system's responses.
    pub responses: Option<Vec<ResponseOut>>,
    /// The transaction status.
    pub status: Option<String>,
    /// When it was created.
    #[schema(format = DateTime)]
    pub created_at: Option<String>,
    /// When it was last changed.
    #[schema(format = DateTime)]
    pub updated_at: Option<String>,
    /// Who created it.
    pub created_by: Option<UserOut>,
    /// Who last changed it.
    pub updated_by: Option<UserOut>,
}

/// The fields of an integration error a client writes; `contact-alert-type` and
/// `integration-run` (or `integration-run-id`) are required on create.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = IntegrationErrorInput)]
pub struct IntegrationErrorIn {
    /// Who is alerted.
    #[schema(schema_with = contact_alert_type_schema)]
    pub contact_alert_type: Option<String>,
    /// The run that hit the error, by id.
    pub integration_run: Option<IdRefIn>,
    /// The run's id.
    pub integration_run_id: Option<i32>,
    /// The integration (defaults to the run's), by id or code.
    pub integration: Option<IntegrationRefIn>,
    /// The document's type (one of the run API's 19).
    #[schema(schema_with = nullable_document_type_schema)]
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
    /// The file being processed.
    pub integration_filename: Option<String>,
    /// The transaction status.
    pub status: Option<String>,
    /// The external system's responses, created with the error.
    pub responses: Option<Vec<ResponseIn>>,
}

impl IntegrationErrorIn {
    fn patch(&self) -> Result<DocumentPatch, RestError> {
        let mut errors = Vec::new();
        let contact_alert_type = enum_field(
            &mut errors,
            "contact-alert-type",
            self.contact_alert_type.as_deref(),
        );
        let document_type = enum_field(&mut errors, "document-type", self.document_type.as_deref());
        if !errors.is_empty() {
            return Err(RestError::unprocessable(OBJECT, errors));
        }
        Ok(DocumentPatch {
            contact_alert_type,
            document_type,
            document_id: self.document_id,
            document_revision: self.document_revision,
            document_status: self.document_status.clone(),
            creation_method: self.creation_method.clone(),
            external_id: self.external_id.clone(),
            integration_filename: self.integration_filename.clone(),
            status: self.status.clone(),
        })
    }

    fn new_error(&self) -> Result<NewIntegrationError, RestError> {
        let patch = self.patch()?;
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
                responses: self
                    .responses
                    .iter()
                    .flatten()
                    .map(ResponseIn::to_new)
                    .collect(),
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

/// Filterable and sortable attributes of integration errors.
static SPEC: Spec<error::Column> = Spec {
    attrs: {
        use error::Column as C;
        &[
            Attr {
                name: "id",
                column: C::Id,
                kind: Kind::Int,
                nullable: false,
            },
            Attr {
                name: "contact-alert-type",
                column: C::ContactAlertType,
                kind: Kind::Text,
                nullable: false,
            },
            Attr {
                name: "document-type",
                column: C::DocumentType,
                kind: Kind::Text,
                nullable: true,
            },
            Attr {
                name: "document-id",
                column: C::DocumentId,
                kind: Kind::Int,
                nullable: true,
            },
            Attr {
                name: "document-revision",
                column: C::DocumentRevision,
                kind: Kind::Int,
                nullable: true,
            },
            Attr {
                name: "document-status",
                column: C::DocumentStatus,
                kind: Kind::Text,
                nullable: true,
            },
            Attr {
                name: "creation-method",
                column: C::CreationMethod,
                kind: Kind::Text,
                nullable: true,
            },
            Attr {
                name: "external-id",
                column: C::ExternalId,
                kind: Kind::Text,
                nullable: true,
            },
            Attr {
                name: "integration-id",
                column: C::IntegrationId,
                kind: Kind::Int,
                nullable: true,
            },
            Attr {
                name: "integration-run-id",
                column: C::IntegrationRunId,
                kind: Kind::Int,
                nullable: false,
            },
            Attr {
                name: "integration-filename",
                column: C::IntegrationFilename,
                kind: Kind::Text,
                nullable: true,
            },
            Attr {
                name: "resolved",
                column: C::Resolved,
                kind: Kind::Bool,
                nullable: false,
            },
            Attr {
                name: "status",
                column: C::Status,
                kind: Kind::Text,
                nullable: true,
            },
            Attr {
                name: "created-at",
                column: C::CreatedAt,
                kind: Kind::DateTime,
                nullable: false,
            },
            Attr {
                name: "updated-at",
                column: C::UpdatedAt,
                kind: Kind::DateTime,
                nullable: false,
            },
        ]
    },
    id: error::Column::Id,
    integration: Some(error::Column::IntegrationId),
    run: Some(error::Column::IntegrationRunId),
};

/// Renders errors with their integrations, responses and users, one statement per association.
pub async fn render(state: &RestState, models: Vec<error::Model>) -> Result<Vec<Value>, RestError> {
    let db = &state.db;
    if models.is_empty() {
        return Ok(Vec::new());
    }
    let integrations = integration_refs(db, models.iter().map(|m| m.integration_id))
        .await
        .map_err(app_error(OBJECT))?;
    let users = users(
        db,
        models
            .iter()
            .flat_map(|m| [m.created_by_id, m.updated_by_id]),
    )
    .await
    .map_err(app_error(OBJECT))?;
    let ids: Vec<i32> = models.iter().map(|m| m.id).collect();
    let mut responses = responses_of(db, &ids, true)
        .await
        .map_err(app_error(OBJECT))?;
    Ok(models
        .into_iter()
        .map(|m| {
            to_value(&IntegrationErrorOut {
                id: m.id,
                contact_alert_type: Some(m.contact_alert_type),
                document_type: m.document_type,
                document_id: m.document_id,
                document_revision: m.document_revision,
                document_status: m.document_status,
                creation_method: m.creation_method,
                external_id: m.external_id,
                integration: m
                    .integration_id
                    .and_then(|id| integrations.get(&id).cloned()),
                integration_run_id: Some(m.integration_run_id),
                integration_filename: m.integration_filename,
                resolved: Some(m.resolved),
                responses: Some(responses.remove(&m.id).unwrap_or_default()),
                status: m.status,
                created_at: Some(time(m.created_at)),
                updated_at: Some(time(m.updated_at)),
                created_by: user_of(&users, m.created_by_id),
                updated_by: user_of(&users, m.updated_by_id),
            })
        })
        .collect())
}

async fn render_one(state: &RestState, model: error::Model) -> Result<Value, RestError> {
    Ok(render(state, vec![model])
        .await?
        .pop()
        .unwrap_or(Value::Null))
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

/// Lists integration errors, filtered (`integration-run-id=5&resolved=false`), ordered and paged.
#[utoipa::path(get, path = "/api/integration_errors", tag = "integration errors",
    params(super::schema::ListParams),
    responses((status = 200, description = "The page of errors", body = [IntegrationErrorOut])))]
pub async fn index(
    State(state): State<RestState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    respond(
        Format::negotiate(&headers),
        async {
            state.authorize(&headers, Scope::Read).await?;
            let list = query::parse(
                &state.input,
                state.db.get_database_backend(),
                q.as_deref(),
                &SPEC,
                &keys_of::<IntegrationErrorOut>(),
            )
            .map_err(|m| RestError::bad_request(OBJECT, m))?;
            let page = paging::fetch_page::<error::Entity, _>(
                &state.db,
                list.condition,
                list.sort,
                SPEC.id,
                &list.page,
            )
            .await
            .map_err(app_error(OBJECT))?;
            let models = page.items.into_iter().map(|(_, m)| m).collect();
            Ok(many(
                PLURAL,
                render(&state, models).await?,
                list.view,
                list.fields.as_ref(),
            ))
        }
        .await,
    )
}

/// Shows one integration error with its responses.
#[utoipa::path(get, path = "/api/integration_errors/{id}", tag = "integration errors",
    params(("id" = i32, Path, description = "The error's id"), super::schema::ShowParams),
    responses((status = 200, description = "The error", body = IntegrationErrorOut)))]
pub async fn show(
    State(state): State<RestState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    respond(
        Format::negotiate(&headers),
        async {
            state.authorize(&headers, Scope::Read).await?;
            let options = read_options(OBJECT, q.as_deref(), &keys_of::<IntegrationErrorOut>())?;
            let id = parse_id(OBJECT, &id)?;
            let model = errors::find_by_id(&state.db, id)
                .await
                .map_err(app_error(OBJECT))?;
            Ok(one(
                StatusCode::OK,
                OBJECT,
                render_one(&state, model).await?,
                &options,
            ))
        }
        .await,
    )
}

async fn creation(
    state: RestState,
    headers: HeaderMap,
    q: Option<String>,
    body: Bytes,
    alert: bool,
) -> Response {
    respond(
        Format::negotiate(&headers),
        async {
            let principal = state.authorize(&headers, Scope::Write).await?;
            let options = read_options(OBJECT, q.as_deref(), &keys_of::<IntegrationErrorOut>())?;
            let input =
                read_body::<IntegrationErrorIn>(&state.input, OBJECT, &body)?.new_error()?;
            let model = if alert {
                errors::create_alert(&state.db, principal.actor(), input).await
            } else {
                errors::create(&state.db, principal.actor(), input).await
            }
            .map_err(app_error(OBJECT))?;
            state.written();
            Ok(one(
                StatusCode::CREATED,
                OBJECT,
                render_one(&state, model).await?,
                &options,
            ))
        }
        .await,
    )
}

/// Creates an error of a run, with its responses.
#[utoipa::path(post, path = "/api/integration_errors", tag = "integration errors",
    params(super::schema::ShowParams), request_body = IntegrationErrorIn,
    responses((status = 201, description = "The new error", body = IntegrationErrorOut)))]
pub async fn create(
    State(state): State<RestState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    creation(state, headers, q, body, false).await
}

/// Creates an error and raises an alert to the integration's contacts of its contact-alert-type.
#[utoipa::path(post, path = "/api/integration_errors/create_alert", tag = "integration errors",
    params(super::schema::ShowParams), request_body = IntegrationErrorIn,
    responses((status = 201, description = "The new error", body = IntegrationErrorOut)))]
pub async fn create_alert(
    State(state): State<RestState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    creation(state, headers, q, body, true).await
}

/// Updates an error's fields (PUT or PATCH); never `resolved`.
#[utoipa::path(method(put, patch), path = "/api/integration_errors/{id}", tag = "integration errors",
    params(("id" = i32, Path, description = "The error's id"), super::schema::ShowParams),
    request_body = IntegrationErrorIn,
    responses((status = 200, description = "The error", body = IntegrationErrorOut)))]
pub async fn update(
    State(state): State<RestState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    respond(
        Format::negotiate(&headers),
        async {
            let principal = state.authorize(&headers, Scope::Write).await?;
            let options = read_options(OBJECT, q.as_deref(), &keys_of::<IntegrationErrorOut>())?;
            let id = parse_id(OBJECT, &id)?;
            let patch = read_body::<IntegrationErrorIn>(&state.input, OBJECT, &body)?.patch()?;
            let model = errors::update(&state.db, principal.actor(), id, patch)
                .await
                .map_err(app_error(OBJECT))?;
            state.written();
            Ok(one(
                StatusCode::OK,
                OBJECT,
                render_one(&state, model).await?,
                &options,
            ))
        }
        .await,
    )
}

/// Marks an error resolved or unresolved (a repeat changes nothing).
#[utoipa::path(put, path = "/api/integration_errors/{id}/{action}", tag = "integration errors",
    params(("id" = i32, Path, description = "The error's id"),
           ("action" = ResolveAction, Path, description = "resolve or unresolve"),
           super::schema::ShowParams),
    responses((status = 200, description = "The error", body = IntegrationErrorOut)))]
pub async fn resolve(
    State(state): State<RestState>,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Response {
    respond(
        Format::negotiate(&headers),
        async {
            let principal = state.authorize(&headers, Scope::Write).await?;
            let Some(action) = ResolveAction::parse(&action) else {
                return Err(RestError::not_found(OBJECT, &format!("{id}/{action}")));
            };
            let options = read_options(OBJECT, q.as_deref(), &keys_of::<IntegrationErrorOut>())?;
            let id = parse_id(OBJECT, &id)?;
            let resolved = matches!(action, ResolveAction::Resolve);
            let model = errors::set_resolved(&state.db, principal.actor(), id, resolved)
                .await
                .map_err(app_error(OBJECT))?;
            state.written();
            Ok(one(
                StatusCode::OK,
                OBJECT,
                render_one(&state, model).await?,
                &options,
            ))
        }
        .await,
    )
}
