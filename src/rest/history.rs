//! `/api/integration_history_records`: create (with nested responses), index, show, update, the
//! vendor's collection actions `POST /acknowledge`, `/create_alert`,
//! `/create_alert_and_mark_exported`, `/mark_exported` (each 201 with the record), and
//! `PUT /:id/resolve|unresolve`.

use axum::{
    Router,
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::Response,
    routing::{get, post, put},
};
use entity::integration_history_record as record;
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
    schema::{ResolveAction, contact_alert_type_schema, document_type_schema},
    time, to_value, user_of, users,
};
use crate::{
    auth::Scope,
    service::{
        documents::DocumentPatch,
        history::{self, HistoryRecordPatch, NewHistoryRecord},
        paging,
    },
};

/// The object name in bodies and messages.
const OBJECT: &str = "integration-history-record";
/// The list element name.
const PLURAL: &str = "integration-history-records";

/// A history record as the API shows it.
#[derive(Debug, Default, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = IntegrationHistoryRecord)]
pub struct HistoryRecordOut {
    /// Id.
    pub id: i32,
    /// Who is alerted: `Technical`, `Functional` or `Both`.
    #[schema(schema_with = contact_alert_type_schema)]
    pub contact_alert_type: Option<String>,
    /// The document's type.
    #[schema(schema_with = document_type_schema)]
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
    /// The run.
    pub integration_run_id: Option<i32>,
    /// The file of a bulk import/export.
    pub integration_filename: Option<String>,
    /// Whether it is resolved.
    pub resolved: Option<bool>,
    /// The external system's responses.
    pub responses: Option<Vec<ResponseOut>>,
    /// The transaction status (`Success`, `Error`).
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

/// The fields of a history record a client writes; `contact-alert-type`, `document-type` and
/// `document-id` are required on create.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = IntegrationHistoryRecordInput)]
pub struct HistoryRecordIn {
    /// Who is alerted.
    #[schema(schema_with = contact_alert_type_schema)]
    pub contact_alert_type: Option<String>,
    /// The document's type.
    #[schema(schema_with = document_type_schema)]
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
    /// The integration, by id or code.
    pub integration: Option<IntegrationRefIn>,
    /// The run, by id.
    pub integration_run: Option<IdRefIn>,
    /// The run's id.
    pub integration_run_id: Option<i32>,
    /// The file of a bulk import/export.
    pub integration_filename: Option<String>,
    /// The transaction status (each action has its default).
    pub status: Option<String>,
    /// The external system's responses, created with the record.
    pub responses: Option<Vec<ResponseIn>>,
}

impl HistoryRecordIn {
    fn run_id(&self) -> Option<i32> {
        self.integration_run_id
            .or(self.integration_run.as_ref().and_then(|r| r.id))
    }

    fn patch(&self) -> Result<HistoryRecordPatch, RestError> {
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
        let integration = match &self.integration {
            Some(r) => Some(r.to_ref(OBJECT, "integration")?),
            None => None,
        };
        Ok(HistoryRecordPatch {
            document: DocumentPatch {
                contact_alert_type,
                document_type,
                document_id: self.document_id,
                document_revision: self.document_revision,
                document_status: self.document_status.clone(),
                creation_method: self.creation_method.clone(),
                external_id: self.external_id.clone(),
                // Not taken on update (the record keeps its file name).
                integration_filename: None,
                status: self.status.clone(),
            },
            integration,
            integration_run_id: self.run_id(),
        })
    }

    fn new_record(&self) -> Result<NewHistoryRecord, RestError> {
        let HistoryRecordPatch {
            document: patch,
            integration,
            integration_run_id,
        } = self.patch()?;
        let mut missing = Vec::new();
        if patch.contact_alert_type.is_none() {
            missing.push("contact-alert-type is required".to_owned());
        }
        if patch.document_type.is_none() {
            missing.push("document-type is required".to_owned());
        }
        if patch.document_id.is_none() {
            missing.push("document-id is required".to_owned());
        }
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
                    integration_filename: self.integration_filename.clone(),
                    status: patch.status,
                    responses: self
                        .responses
                        .iter()
                        .flatten()
                        .map(ResponseIn::to_new)
                        .collect(),
                })
            }
            _ => Err(RestError::unprocessable(OBJECT, missing)),
        }
    }
}

/// Filterable and sortable attributes of history records.
static SPEC: Spec<record::Column> = Spec {
    attrs: {
        use record::Column as C;
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
                nullable: false,
            },
            Attr {
                name: "document-id",
                column: C::DocumentId,
                kind: Kind::Int,
                nullable: false,
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
                nullable: true,
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
    id: record::Column::Id,
    integration: Some(record::Column::IntegrationId),
    run: Some(record::Column::IntegrationRunId),
};

/// Renders records with their integrations, responses and users, one statement per association.
async fn render(state: &RestState, models: Vec<record::Model>) -> Result<Vec<Value>, RestError> {
    let db = &state.db;
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
    let mut responses = responses_of(db, &ids, false)
        .await
        .map_err(app_error(OBJECT))?;
    Ok(models
        .into_iter()
        .map(|m| {
            to_value(&HistoryRecordOut {
                id: m.id,
                contact_alert_type: Some(m.contact_alert_type),
                document_type: Some(m.document_type),
                document_id: Some(m.document_id),
                document_revision: m.document_revision,
                document_status: m.document_status,
                creation_method: m.creation_method,
                external_id: m.external_id,
                integration: m
                    .integration_id
                    .and_then(|id| integrations.get(&id).cloned()),
                integration_run_id: m.integration_run_id,
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

async fn render_one(state: &RestState, model: record::Model) -> Result<Value, RestError> {
    Ok(render(state, vec![model])
        .await?
        .pop()
        .unwrap_or(Value::Null))
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
                &keys_of::<HistoryRecordOut>(),
            )
            .map_err(|m| RestError::bad_request(OBJECT, m))?;
            let page = paging::fetch_page::<record::Entity, _>(
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

/// Shows one history record with its responses.
#[utoipa::path(get, path = "/api/integration_history_records/{id}", tag = "integration history records",
    params(("id" = i32, Path, description = "The record's id"), super::schema::ShowParams),
    responses((status = 200, description = "The record", body = HistoryRecordOut)))]
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
            let options = read_options(OBJECT, q.as_deref(), &keys_of::<HistoryRecordOut>())?;
            let id = parse_id(OBJECT, &id)?;
            let model = history::find_by_id(&state.db, id)
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
async fn creation(
    state: RestState,
    headers: HeaderMap,
    q: Option<String>,
    body: Bytes,
    how: Creation,
) -> Response {
    respond(
        Format::negotiate(&headers),
        async {
            let principal = state.authorize(&headers, Scope::Write).await?;
            let options = read_options(OBJECT, q.as_deref(), &keys_of::<HistoryRecordOut>())?;
            let input = read_body::<HistoryRecordIn>(&state.input, OBJECT, &body)?.new_record()?;
            let (db, actor) = (&state.db, principal.actor());
            let model = match how {
                Creation::Create => history::create(db, actor, input).await,
                Creation::Acknowledge => history::acknowledge(db, actor, input).await,
                Creation::CreateAlert => history::create_alert(db, actor, input).await,
                Creation::CreateAlertAndMarkExported => {
                    history::create_alert_and_mark_exported(db, actor, input).await
                }
                Creation::MarkExported => history::mark_exported(db, actor, input).await,
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

/// Creates a history record with its responses.
#[utoipa::path(post, path = "/api/integration_history_records", tag = "integration history records",
    params(super::schema::ShowParams), request_body = HistoryRecordIn,
    responses((status = 201, description = "The new record", body = HistoryRecordOut)))]
pub async fn create(
    State(state): State<RestState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    creation(state, headers, q, body, Creation::Create).await
}

/// The external system confirms it has the document: a resolved `Success` record that resolves
/// every earlier open record of the same document.
#[utoipa::path(post, path = "/api/integration_history_records/acknowledge", tag = "integration history records",
    params(super::schema::ShowParams), request_body = HistoryRecordIn,
    responses((status = 201, description = "The new record", body = HistoryRecordOut)))]
pub async fn acknowledge(
    State(state): State<RestState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    creation(state, headers, q, body, Creation::Acknowledge).await
}

/// Creates a record (status defaults to `Error`) and raises an alert to the integration's contacts.
#[utoipa::path(post, path = "/api/integration_history_records/create_alert", tag = "integration history records",
    params(super::schema::ShowParams), request_body = HistoryRecordIn,
    responses((status = 201, description = "The new record", body = HistoryRecordOut)))]
pub async fn create_alert(
    State(state): State<RestState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    creation(state, headers, q, body, Creation::CreateAlert).await
}

/// Creates a record, raises its alert and marks its document exported, atomically.
#[utoipa::path(post, path = "/api/integration_history_records/create_alert_and_mark_exported", tag = "integration history records",
    params(super::schema::ShowParams), request_body = HistoryRecordIn,
    responses((status = 201, description = "The new record", body = HistoryRecordOut)))]
pub async fn create_alert_and_mark_exported(
    State(state): State<RestState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    creation(
        state,
        headers,
        q,
        body,
        Creation::CreateAlertAndMarkExported,
    )
    .await
}

/// Creates a record (status defaults to `Success`) and marks its document exported now.
#[utoipa::path(post, path = "/api/integration_history_records/mark_exported", tag = "integration history records",
    params(super::schema::ShowParams), request_body = HistoryRecordIn,
    responses((status = 201, description = "The new record", body = HistoryRecordOut)))]
pub async fn mark_exported(
    State(state): State<RestState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    creation(state, headers, q, body, Creation::MarkExported).await
}

/// Updates a record's fields (PUT or PATCH); never `resolved`.
#[utoipa::path(method(put, patch), path = "/api/integration_history_records/{id}", tag = "integration history records",
    params(("id" = i32, Path, description = "The record's id"), super::schema::ShowParams),
    request_body = HistoryRecordIn,
    responses((status = 200, description = "The record", body = HistoryRecordOut)))]
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
            let options = read_options(OBJECT, q.as_deref(), &keys_of::<HistoryRecordOut>())?;
            let id = parse_id(OBJECT, &id)?;
            let patch = read_body::<HistoryRecordIn>(&state.input, OBJECT, &body)?.patch()?;
            let model = history::update(&state.db, principal.actor(), id, patch)
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

/// Marks a record resolved or unresolved (a repeat changes nothing).
#[utoipa::path(put, path = "/api/integration_history_records/{id}/{action}", tag = "integration history records",
    params(("id" = i32, Path, description = "The record's id"),
           ("action" = ResolveAction, Path, description = "resolve or unresolve"),
           super::schema::ShowParams),
    responses((status = 200, description = "The record", body = HistoryRecordOut)))]
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
            let options = read_options(OBJECT, q.as_deref(), &keys_of::<HistoryRecordOut>())?;
            let id = parse_id(OBJECT, &id)?;
            let resolved = matches!(action, ResolveAction::Resolve);
            let model = history::set_resolved(&state.db, principal.actor(), id, resolved)
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
