//! `/api/integration_runs`: create, index, show, update, and the lifecycle actions
//! `PUT /:id/run|pause|pending|success|finish|fail|max_updated_at`, each with an optional body of
//! run fields. Every action goes through the service's one transition path.

use std::str::FromStr;

use axum::{
    Router,
    body::Bytes,
    extract::Path,
    http::StatusCode,
    response::Response,
    routing::{get, put},
};
use chrono::{DateTime, Utc};
use entity::integration_run;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{
    error::RestError,
    integration_errors::{IntegrationErrorOut, IntegrationErrors},
    query::{Attr, Kind, Spec},
    related::{errors_of_runs, integration_refs, user_of, users},
    reply::{app_error, time, to_value},
    resource::{self, Api, Resource, Updatable, Write},
    schema::enum_schema,
    shapes::{IntegrationRefIn, IntegrationRefOut, UserOut},
    state::RestState,
};
use crate::{
    domain::{RunAction, RunStatus},
    error::AppResult,
    service::{
        Actor,
        runs::{self, RunInput},
    },
};

/// The object name in bodies and messages.
const OBJECT: &str = "integration-run";
/// The list element name.
const PLURAL: &str = "integration-runs";

fn status_schema() -> utoipa::openapi::Object {
    enum_schema(RunStatus::ALL.iter().map(|s| s.as_str()), false)
}

/// An integration run as the API shows it.
#[derive(Debug, Default, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = IntegrationRun)]
pub struct IntegrationRunOut {
    /// Id.
    pub id: i32,
    /// The integration it is a run of.
    pub integration: Option<IntegrationRefOut>,
    /// Free-form description of the flow (a JSON object).
    #[schema(value_type = Option<Object>)]
    pub flow: Option<Value>,
    /// `pending`, `running`, `paused`, `successful` or `failed`; changed only by actions.
    #[schema(schema_with = status_schema)]
    pub status: Option<String>,
    /// When it started.
    #[schema(format = DateTime)]
    pub start_time: Option<String>,
    /// When it ended.
    #[schema(format = DateTime)]
    pub end_time: Option<String>,
    /// How many records it has to move.
    pub total_records: Option<i32>,
    /// How many it has moved.
    pub records_processed: Option<i32>,
    /// The newest `updated_at` it has exported.
    #[schema(format = DateTime)]
    pub max_updated_at: Option<String>,
    /// Its errors.
    pub integration_errors: Option<Vec<IntegrationErrorOut>>,
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

/// A new run: its integration (required, by id or code) and its fields.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = IntegrationRunInput)]
pub struct IntegrationRunIn {
    /// The integration, by id or code.
    pub integration: Option<IntegrationRefIn>,
    /// The run's fields.
    #[serde(flatten)]
    pub fields: RunFieldsIn,
}

/// The run fields a client writes, on create, update and every action. A run's integration is
/// set on create and never changed (an update naming another is refused); its status changes
/// only by actions.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = IntegrationRunChanges)]
pub struct RunFieldsIn {
    /// Free-form description of the flow (a JSON object).
    #[schema(value_type = Option<Object>)]
    pub flow: Option<Value>,
    /// When it started.
    pub start_time: Option<DateTime<Utc>>,
    /// When it ended.
    pub end_time: Option<DateTime<Utc>>,
    /// How many records it has to move (≥ 0).
    #[schema(minimum = 0)]
    pub total_records: Option<i32>,
    /// How many it has moved (≥ 0, ≤ total-records).
    #[schema(minimum = 0)]
    pub records_processed: Option<i32>,
    /// The newest `updated_at` it has exported.
    pub max_updated_at: Option<DateTime<Utc>>,
}

impl RunFieldsIn {
    fn input(self) -> RunInput {
        RunInput {
            flow: self.flow,
            start_time: self.start_time,
            end_time: self.end_time,
            total_records: self.total_records,
            records_processed: self.records_processed,
            max_updated_at: self.max_updated_at,
        }
    }
}

/// The last segment of `PUT /api/integration_runs/{id}/{action}`: a lifecycle action, by the
/// domain's own name (`run`, `pause`, `pending`, `success`, `finish`, `fail`), or `max_updated_at`,
/// which the vendor routes the same way but which only saves the high-water mark `max-updated-at`
/// (required in the body) and never changes status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunActionName {
    /// A lifecycle action, through the service's one transition path.
    Action(RunAction),
    /// Save the high-water mark.
    MaxUpdatedAt,
}

impl RunActionName {
    /// The segment of [`RunActionName::MaxUpdatedAt`].
    pub const MAX_UPDATED_AT: &str = "max_updated_at";
}

impl FromStr for RunActionName {
    type Err = String;
    fn from_str(segment: &str) -> Result<Self, Self::Err> {
        if segment == Self::MAX_UPDATED_AT {
            Ok(Self::MaxUpdatedAt)
        } else {
            segment.parse().map(Self::Action)
        }
    }
}

/// The OpenAPI schema lists every segment: the domain's actions, then `max_updated_at`.
impl utoipa::PartialSchema for RunActionName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let mut schema = enum_schema(
            RunAction::ALL
                .iter()
                .map(|a| a.as_str())
                .chain([Self::MAX_UPDATED_AT]),
            false,
        );
        schema.description = Some("A lifecycle action of a run, as its path segment.".to_owned());
        schema.into()
    }
}

impl ToSchema for RunActionName {}

/// Filterable and sortable attributes of runs.
static SPEC: Spec<integration_run::Column> = Spec {
    attrs: {
        use integration_run::Column as C;
        &[
            Attr {
                name: "id",
                column: C::Id,
                kind: Kind::Int,
                nullable: false,
            },
            Attr {
                name: "integration-id",
                column: C::IntegrationId,
                kind: Kind::Int,
                nullable: false,
            },
            Attr {
                name: "status",
                column: C::Status,
                kind: Kind::Text,
                nullable: false,
            },
            Attr {
                name: "start-time",
                column: C::StartTime,
                kind: Kind::DateTime,
                nullable: true,
            },
            Attr {
                name: "end-time",
                column: C::EndTime,
                kind: Kind::DateTime,
                nullable: true,
            },
            Attr {
                name: "total-records",
                column: C::TotalRecords,
                kind: Kind::Int,
                nullable: true,
            },
            Attr {
                name: "records-processed",
                column: C::RecordsProcessed,
                kind: Kind::Int,
                nullable: true,
            },
            Attr {
                name: "max-updated-at",
                column: C::MaxUpdatedAt,
                kind: Kind::DateTime,
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
    id: integration_run::Column::Id,
    integration: Some(integration_run::Column::IntegrationId),
    run: None,
};

/// Runs as a REST resource.
#[derive(Debug)]
pub struct Runs;

impl Resource for Runs {
    const OBJECT: &'static str = OBJECT;
    const PLURAL: &'static str = PLURAL;
    type Entity = integration_run::Entity;
    type Model = integration_run::Model;
    type Out = IntegrationRunOut;

    fn spec() -> &'static Spec<integration_run::Column> {
        &SPEC
    }

    async fn find(db: &DatabaseConnection, id: i32) -> AppResult<integration_run::Model> {
        runs::find_by_id(db, id).await
    }

    /// Renders runs with their integrations, errors and users, one statement per association.
    async fn render(
        state: &RestState,
        models: Vec<integration_run::Model>,
    ) -> Result<Vec<Value>, RestError> {
        let db = &state.db;
        let integrations = integration_refs(db, models.iter().map(|m| Some(m.integration_id)))
            .await
            .map_err(app_error(OBJECT))?;
        let users = users(
            state,
            models
                .iter()
                .flat_map(|m| [m.created_by_id, m.updated_by_id]),
        )
        .await
        .map_err(app_error(OBJECT))?;
        let ids: Vec<i32> = models.iter().map(|m| m.id).collect();
        let errors = errors_of_runs(db, &ids).await.map_err(app_error(OBJECT))?;
        // Every run's errors rendered together: their associations in one statement each too.
        let (owners, errors): (Vec<i32>, Vec<_>) = errors
            .into_iter()
            .flat_map(|(run, errors)| errors.into_iter().map(move |e| (run, e)))
            .unzip();
        let mut errors_by_run: std::collections::HashMap<i32, Vec<Value>> = Default::default();
        for (run, value) in owners
            .into_iter()
            .zip(IntegrationErrors::render(state, errors).await?)
        {
            errors_by_run.entry(run).or_default().push(value);
        }
        Ok(models
            .into_iter()
            .map(|m| {
                let mut value = to_value(&IntegrationRunOut {
                    id: m.id,
                    integration: integrations.get(&m.integration_id).cloned(),
                    flow: m.flow,
                    status: Some(m.status),
                    start_time: m.start_time.map(time),
                    end_time: m.end_time.map(time),
                    total_records: m.total_records,
                    records_processed: m.records_processed,
                    max_updated_at: m.max_updated_at.map(time),
                    integration_errors: Some(Vec::new()),
                    created_at: Some(time(m.created_at)),
                    updated_at: Some(time(m.updated_at)),
                    created_by: user_of(&users, m.created_by_id),
                    updated_by: user_of(&users, m.updated_by_id),
                });
                value["integration-errors"] =
                    Value::Array(errors_by_run.remove(&m.id).unwrap_or_default());
                value
            })
            .collect())
    }
}

impl Updatable for Runs {
    type Changes = RunFieldsIn;
    type Patch = RunInput;

    fn patch(changes: RunFieldsIn) -> Result<RunInput, RestError> {
        Ok(changes.input())
    }

    async fn update(
        db: &DatabaseConnection,
        actor: Actor,
        id: i32,
        patch: RunInput,
    ) -> AppResult<integration_run::Model> {
        runs::update(db, actor, id, patch).await
    }
}

/// The routes of runs.
pub fn routes() -> Router<RestState> {
    Router::new()
        .route("/api/integration_runs", get(index).post(create))
        .route(
            "/api/integration_runs/{id}",
            get(show).put(update).patch(update),
        )
        .route("/api/integration_runs/{id}/{action}", put(act))
}

/// Lists runs, filtered (`status[in]=running,paused&integration[code]=SAP`), ordered and paged.
#[utoipa::path(get, path = "/api/integration_runs", tag = "integration runs",
    params(super::schema::ListParams),
    responses((status = 200, description = "The page of runs", body = [IntegrationRunOut])))]
pub async fn index(api: Api<Runs>) -> Response {
    resource::index(api).await
}

/// Shows one run with its errors.
#[utoipa::path(get, path = "/api/integration_runs/{id}", tag = "integration runs",
    params(("id" = i32, Path, description = "The run's id"), super::schema::ShowParams),
    responses((status = 200, description = "The run", body = IntegrationRunOut)))]
pub async fn show(api: Api<Runs>, id: Path<String>) -> Response {
    resource::show(api, id).await
}

/// Creates a run of an integration (by id or code), in status `pending`.
#[utoipa::path(post, path = "/api/integration_runs", tag = "integration runs",
    params(super::schema::ShowParams),
    request_body = IntegrationRunIn,
    responses((status = 201, description = "The new run", body = IntegrationRunOut)))]
pub async fn create(api: Api<Runs, Write>, body: Bytes) -> Response {
    api.write(StatusCode::CREATED, async |api| {
        let input = api.new_body::<IntegrationRunIn>(&body)?;
        let integration = input
            .integration
            .as_ref()
            .ok_or_else(|| {
                RestError::unprocessable(OBJECT, vec!["integration is required".into()])
            })?
            .to_ref(OBJECT, "integration")?;
        runs::create(api.db(), api.actor(), integration, input.fields.input())
            .await
            .map_err(app_error(OBJECT))
    })
    .await
}

/// Updates a run's fields (PUT or PATCH); never its status nor its integration.
#[utoipa::path(method(put, patch), path = "/api/integration_runs/{id}", tag = "integration runs",
    params(("id" = i32, Path, description = "The run's id"), super::schema::ShowParams),
    request_body = RunFieldsIn,
    responses((status = 200, description = "The run", body = IntegrationRunOut)))]
pub async fn update(api: Api<Runs, Write>, id: Path<String>, body: Bytes) -> Response {
    resource::update(api, id, body).await
}

/// Applies a lifecycle action, with the optional run fields of the body (e.g. `total-records`
/// on `run`). Repeating the action that led to the current status changes nothing.
#[utoipa::path(put, path = "/api/integration_runs/{id}/{action}", tag = "integration runs",
    params(("id" = i32, Path, description = "The run's id"),
           ("action" = RunActionName, Path, description = "The action"),
           super::schema::ShowParams),
    request_body(content = Option<RunFieldsIn>, description = "Optional run fields to set with the action"),
    responses((status = 200, description = "The run after the action", body = IntegrationRunOut)))]
pub async fn act(
    api: Api<Runs, Write>,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let Ok(name) = action.parse::<RunActionName>() else {
        return api.reply(Err(RestError::not_found(OBJECT, &format!("{id}/{action}"))));
    };
    api.write(StatusCode::OK, async |api| {
        let id = api.id(&id)?;
        let input = api.changes_body::<RunFieldsIn>(&body, id).await?;
        match name {
            RunActionName::Action(action) => {
                runs::apply_action(api.db(), api.actor(), id, action, input.input()).await
            }
            RunActionName::MaxUpdatedAt => {
                let Some(at) = input.max_updated_at else {
                    return Err(RestError::unprocessable(
                        OBJECT,
                        vec!["max-updated-at is required".into()],
                    ));
                };
                runs::set_max_updated_at(api.db(), api.actor(), id, at, input.input()).await
            }
        }
        .map_err(app_error(OBJECT))
    })
    .await
}
