//! `/api/integrations`: create, index, show, update.

use axum::{
    Router, body::Bytes, extract::Path, http::StatusCode, response::Response, routing::get,
};
use entity::integration;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{
    body::enum_field,
    error::RestError,
    query::{INTEGRATION_ATTRS, Spec},
    related::{user_of, users},
    reply::{app_error, time, to_value},
    resource::{self, Api, Resource, Updatable, Write},
    schema::enum_schema,
    shapes::UserOut,
    state::RestState,
};
use crate::{
    domain::{Direction, EndSystemType, IntegrationType},
    error::AppResult,
    service::{
        Actor,
        integrations::{self, IntegrationPatch, NewIntegration},
    },
};

/// The object name in bodies and messages.
const OBJECT: &str = "integration";
/// The list element name.
const PLURAL: &str = "integrations";

fn direction_schema() -> utoipa::openapi::Object {
    enum_schema(Direction::ALL.iter().map(|d| d.as_str()), false)
}
fn end_system_type_schema() -> utoipa::openapi::Object {
    enum_schema(EndSystemType::ALL.iter().map(|d| d.as_str()), false)
}
fn integration_type_schema() -> utoipa::openapi::Object {
    enum_schema(IntegrationType::ALL.iter().map(|d| d.as_str()), true)
}

/// An integration as the API shows it.
#[derive(Debug, Default, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = Integration)]
pub struct IntegrationOut {
    /// Id.
    pub id: i32,
    /// Unique code.
    pub code: Option<String>,
    /// Unique name.
    pub name: Option<String>,
    /// The business object it moves.
    pub business_object: Option<String>,
    /// Which way it moves documents.
    #[schema(schema_with = direction_schema)]
    pub direction: Option<String>,
    /// The name of the system at the other end.
    pub end_system: Option<String>,
    /// The kind of that system.
    #[schema(schema_with = end_system_type_schema)]
    pub end_system_type: Option<String>,
    /// The transport/format.
    #[schema(schema_with = integration_type_schema)]
    pub integration_type: Option<String>,
    /// Whether the vendor ships it.
    pub standard: Option<bool>,
    /// How long a run is expected to take, in seconds; a run left pending or running longer
    /// raises one "stale run" alert.
    pub expected_duration_seconds: Option<i32>,
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

/// The fields of an integration a client writes (code, name, business-object, direction,
/// end-system and end-system-type are required on create).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = IntegrationInput)]
pub struct IntegrationIn {
    /// Unique code.
    #[schema(max_length = 255)]
    pub code: Option<String>,
    /// Unique name.
    #[schema(max_length = 255)]
    pub name: Option<String>,
    /// The business object it moves.
    #[schema(max_length = 255)]
    pub business_object: Option<String>,
    /// Which way it moves documents.
    #[schema(schema_with = direction_schema)]
    pub direction: Option<String>,
    /// The name of the system at the other end.
    #[schema(max_length = 255)]
    pub end_system: Option<String>,
    /// The kind of that system.
    #[schema(schema_with = end_system_type_schema)]
    pub end_system_type: Option<String>,
    /// The transport/format.
    #[schema(schema_with = integration_type_schema)]
    pub integration_type: Option<String>,
    /// How long a run is expected to take, in seconds (1 to 2592000, i.e. 30 days).
    #[schema(minimum = 1, maximum = 2592000)]
    pub expected_duration_seconds: Option<i32>,
}

/// Filterable attributes of integrations.
static SPEC: Spec<integration::Column> = Spec {
    attrs: INTEGRATION_ATTRS,
    id: integration::Column::Id,
    integration: None,
    run: None,
};

impl IntegrationIn {
    fn patch(self) -> Result<IntegrationPatch, RestError> {
        let mut errors = Vec::new();
        let direction = enum_field(&mut errors, "direction", self.direction.as_deref());
        let end_system_type = enum_field(
            &mut errors,
            "end-system-type",
            self.end_system_type.as_deref(),
        );
        let integration_type = enum_field(
            &mut errors,
            "integration-type",
            self.integration_type.as_deref(),
        );
        if !errors.is_empty() {
            return Err(RestError::unprocessable(OBJECT, errors));
        }
        Ok(IntegrationPatch {
            code: self.code,
            name: self.name,
            business_object: self.business_object,
            direction,
            end_system: self.end_system,
            end_system_type,
            integration_type,
            expected_duration_seconds: self.expected_duration_seconds.map(Some),
        })
    }

    fn new_integration(self) -> Result<NewIntegration, RestError> {
        let patch = self.patch()?;
        let mut missing = Vec::new();
        let mut need = |name: &str, present: bool| {
            if !present {
                missing.push(format!("{name} is required"));
            }
        };
        need("code", patch.code.is_some());
        need("name", patch.name.is_some());
        need("business-object", patch.business_object.is_some());
        need("direction", patch.direction.is_some());
        need("end-system", patch.end_system.is_some());
        need("end-system-type", patch.end_system_type.is_some());
        match (patch.direction, patch.end_system_type) {
            (Some(direction), Some(end_system_type)) if missing.is_empty() => Ok(NewIntegration {
                code: patch.code.unwrap_or_default(),
                name: patch.name.unwrap_or_default(),
                business_object: patch.business_object.unwrap_or_default(),
                direction,
                end_system: patch.end_system.unwrap_or_default(),
                end_system_type,
                integration_type: patch.integration_type,
                expected_duration_seconds: patch.expected_duration_seconds.flatten(),
            }),
            _ => Err(RestError::unprocessable(OBJECT, missing)),
        }
    }
}

/// Integrations as a REST resource.
#[derive(Debug)]
pub struct Integrations;

impl Resource for Integrations {
    const OBJECT: &'static str = OBJECT;
    const PLURAL: &'static str = PLURAL;
    type Entity = integration::Entity;
    type Model = integration::Model;
    type Out = IntegrationOut;

    fn spec() -> &'static Spec<integration::Column> {
        &SPEC
    }

    async fn find(db: &DatabaseConnection, id: i32) -> AppResult<integration::Model> {
        integrations::find_by_id(db, id).await
    }

    /// Renders integrations with their creators, in one statement for the users.
    async fn render(
        state: &RestState,
        models: Vec<integration::Model>,
    ) -> Result<Vec<Value>, RestError> {
        let users = users(
            state,
            models
                .iter()
                .flat_map(|m| [m.created_by_id, m.updated_by_id]),
        )
        .await
        .map_err(app_error(OBJECT))?;
        Ok(models
            .into_iter()
            .map(|m| {
                to_value(&IntegrationOut {
                    id: m.id,
                    code: Some(m.code),
                    name: Some(m.name),
                    business_object: Some(m.business_object),
                    direction: Some(m.direction),
                    end_system: Some(m.end_system),
                    end_system_type: Some(m.end_system_type),
                    integration_type: m.integration_type,
                    standard: Some(m.standard),
                    expected_duration_seconds: m.expected_duration_seconds,
                    created_at: Some(time(m.created_at)),
                    updated_at: Some(time(m.updated_at)),
                    created_by: user_of(&users, m.created_by_id),
                    updated_by: user_of(&users, m.updated_by_id),
                })
            })
            .collect())
    }
}

impl Updatable for Integrations {
    type Changes = IntegrationIn;
    type Patch = IntegrationPatch;

    fn patch(changes: IntegrationIn) -> Result<IntegrationPatch, RestError> {
        changes.patch()
    }

    async fn update(
        db: &DatabaseConnection,
        actor: Actor,
        id: i32,
        patch: IntegrationPatch,
    ) -> AppResult<integration::Model> {
        integrations::update(db, actor, id, patch).await
    }
}

/// The routes of integrations.
pub fn routes() -> Router<RestState> {
    Router::new()
        .route("/api/integrations", get(index).post(create))
        .route(
            "/api/integrations/{id}",
            get(show).put(update).patch(update),
        )
}

/// Lists integrations, filtered (`code[starts_with]=SAP`), ordered and paged (at most 50).
#[utoipa::path(get, path = "/api/integrations", tag = "integrations",
    params(super::schema::ListParams),
    responses((status = 200, description = "The page of integrations", body = [IntegrationOut])))]
pub async fn index(api: Api<Integrations>) -> Response {
    resource::index(api).await
}

/// Shows one integration.
#[utoipa::path(get, path = "/api/integrations/{id}", tag = "integrations",
    params(("id" = i32, Path, description = "The integration's id"), super::schema::ShowParams),
    responses((status = 200, description = "The integration", body = IntegrationOut)))]
pub async fn show(api: Api<Integrations>, id: Path<String>) -> Response {
    resource::show(api, id).await
}

/// Creates an integration.
#[utoipa::path(post, path = "/api/integrations", tag = "integrations",
    params(super::schema::ShowParams),
    request_body = IntegrationIn,
    responses((status = 201, description = "The new integration", body = IntegrationOut)))]
pub async fn create(api: Api<Integrations, Write>, body: Bytes) -> Response {
    api.write(StatusCode::CREATED, async |api| {
        let input = api.new_body::<IntegrationIn>(&body)?.new_integration()?;
        integrations::create(api.db(), api.actor(), input)
            .await
            .map_err(app_error(OBJECT))
    })
    .await
}

/// Updates an integration (PUT or PATCH; only the fields given change).
#[utoipa::path(method(put, patch), path = "/api/integrations/{id}", tag = "integrations",
    params(("id" = i32, Path, description = "The integration's id"), super::schema::ShowParams),
    request_body = IntegrationIn,
    responses((status = 200, description = "The integration", body = IntegrationOut)))]
pub async fn update(api: Api<Integrations, Write>, id: Path<String>, body: Bytes) -> Response {
    resource::update(api, id, body).await
}
