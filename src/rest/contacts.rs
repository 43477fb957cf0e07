//! `/api/integrations/{id}/contacts`: an integration's contacts (list, add, show, change,
//! deactivate). A contact is reached through its integration: a contact id under another
//! integration is not found. `PUT …/{contact_id}/deactivate` deactivates (beside the runs'
//! `PUT …/{id}/{action}`); a change with `"active": true` reactivates.

use axum::{
    Router,
    body::Bytes,
    extract::Path,
    http::StatusCode,
    response::Response,
    routing::{get, put},
};
use entity::integration_contact as contact;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{
    body::enum_field,
    error::RestError,
    query::{Attr, Kind, Spec},
    related::{user_of, users},
    reply::{app_error, time, to_value},
    resource::{self, Api, Resource, Write},
    schema::enum_schema,
    shapes::UserOut,
    state::RestState,
};
use crate::{
    domain::ContactAlertType,
    error::AppResult,
    service::{
        IntegrationRef,
        contacts::{self, ContactInput},
        integrations,
    },
};

/// The object name in bodies and messages.
const OBJECT: &str = "integration-contact";
/// The list element name.
const PLURAL: &str = "integration-contacts";

fn contact_type_schema() -> utoipa::openapi::Object {
    enum_schema(
        ContactAlertType::ALL
            .iter()
            .filter(|t| t.is_contact_type())
            .map(|t| t.as_str()),
        false,
    )
}

/// A contact as the API shows it.
#[derive(Debug, Default, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = IntegrationContact)]
pub struct ContactOut {
    /// Id.
    pub id: i32,
    /// The integration whose alerts the contact receives.
    pub integration_id: Option<i32>,
    /// The contact's name.
    pub name: Option<String>,
    /// The contact's email address.
    pub email: Option<String>,
    /// `Technical` or `Functional`: which alerts reach the contact (an alert for `Both` reaches both).
    #[schema(schema_with = contact_type_schema)]
    pub contact_type: Option<String>,
    /// Whether alerts reach the contact.
    pub active: Option<bool>,
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

/// The fields of a contact a client writes (name, email and contact-type are required on create).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = IntegrationContactInput)]
pub struct ContactIn {
    /// The contact's name.
    #[schema(max_length = 255)]
    pub name: Option<String>,
    /// The contact's email address (once per integration and contact type).
    #[schema(max_length = 255, format = Email)]
    pub email: Option<String>,
    /// `Technical` or `Functional`.
    #[schema(schema_with = contact_type_schema)]
    pub contact_type: Option<String>,
    /// Whether alerts reach the contact (default true; true reactivates a deactivated one).
    pub active: Option<bool>,
}

impl ContactIn {
    fn input(self) -> Result<ContactInput, RestError> {
        let mut errors = Vec::new();
        let contact_type = enum_field(&mut errors, "contact-type", self.contact_type.as_deref());
        if !errors.is_empty() {
            return Err(RestError::unprocessable(OBJECT, errors));
        }
        Ok(ContactInput {
            name: self.name,
            email: self.email,
            contact_type,
            active: self.active,
        })
    }
}

/// The filterable attributes of contacts.
const CONTACT_ATTRS: &[Attr<contact::Column>] = {
    use contact::Column as C;
    &[
        Attr {
            name: "id",
            column: C::Id,
            kind: Kind::Int,
            nullable: false,
        },
        Attr {
            name: "name",
            column: C::Name,
            kind: Kind::Text,
            nullable: false,
        },
        Attr {
            name: "email",
            column: C::Email,
            kind: Kind::Text,
            nullable: false,
        },
        Attr {
            name: "contact-type",
            column: C::ContactType,
            kind: Kind::Text,
            nullable: false,
        },
        Attr {
            name: "active",
            column: C::Active,
            kind: Kind::Bool,
            nullable: false,
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
};

/// Filterable attributes of contacts (the integration is the path's).
static SPEC: Spec<contact::Column> = Spec {
    attrs: CONTACT_ATTRS,
    id: contact::Column::Id,
    integration: None,
    run: None,
};

/// Contacts as a REST resource.
#[derive(Debug)]
pub struct Contacts;

impl Resource for Contacts {
    const OBJECT: &'static str = OBJECT;
    const PLURAL: &'static str = PLURAL;
    type Entity = contact::Entity;
    type Model = contact::Model;
    type Out = ContactOut;

    fn spec() -> &'static Spec<contact::Column> {
        &SPEC
    }

    async fn find(db: &DatabaseConnection, id: i32) -> AppResult<contact::Model> {
        contacts::find_by_id(db, id).await
    }

    /// Renders contacts with their creators, in one statement for the users.
    async fn render(
        state: &RestState,
        models: Vec<contact::Model>,
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
                to_value(&ContactOut {
                    id: m.id,
                    integration_id: Some(m.integration_id),
                    name: Some(m.name),
                    email: Some(m.email),
                    contact_type: Some(m.contact_type),
                    active: Some(m.active),
                    created_at: Some(time(m.created_at)),
                    updated_at: Some(time(m.updated_at)),
                    created_by: user_of(&users, m.created_by_id),
                    updated_by: user_of(&users, m.updated_by_id),
                })
            })
            .collect())
    }
}

/// The routes of contacts.
pub fn routes() -> Router<RestState> {
    Router::new()
        .route("/api/integrations/{id}/contacts", get(index).post(create))
        .route(
            "/api/integrations/{id}/contacts/{contact_id}",
            get(show).put(update).patch(update),
        )
        .route(
            "/api/integrations/{id}/contacts/{contact_id}/deactivate",
            put(deactivate),
        )
}

/// The integration id of a path (404 for one that is not an integration's).
fn integration_id(id: &str) -> Result<i32, RestError> {
    super::reply::parse_id("integration", id)
}

/// Lists an integration's contacts (active and not: filter with `active=true`), filtered,
/// ordered and paged like every list.
#[utoipa::path(get, path = "/api/integrations/{id}/contacts", tag = "integration contacts",
    params(("id" = i32, Path, description = "The integration's id"), super::schema::ListParams),
    responses((status = 200, description = "The page of the integration's contacts", body = [ContactOut])))]
pub async fn index(api: Api<Contacts>, Path(id): Path<String>) -> Response {
    let found = match integration_id(&id) {
        Ok(id) => integrations::find_by_id(api.db(), id)
            .await
            .map_err(app_error("integration")),
        Err(e) => Err(e),
    };
    match found {
        Ok(integration) => {
            let within = Condition::all().add(contact::Column::IntegrationId.eq(integration.id));
            resource::index_where(api, within).await
        }
        Err(e) => api.reply(Err(e)),
    }
}

/// Shows one contact of an integration.
#[utoipa::path(get, path = "/api/integrations/{id}/contacts/{contact_id}", tag = "integration contacts",
    params(("id" = i32, Path, description = "The integration's id"),
           ("contact_id" = i32, Path, description = "The contact's id"),
           super::schema::ShowParams),
    responses((status = 200, description = "The contact", body = ContactOut)))]
pub async fn show(api: Api<Contacts>, Path((id, contact_id)): Path<(String, String)>) -> Response {
    let result = async {
        let options = api.options()?;
        let integration = integration_id(&id)?;
        let contact_id = api.id(&contact_id)?;
        let model = contacts::find_of_integration(api.db(), integration, contact_id)
            .await
            .map_err(app_error(OBJECT))?;
        api.one(StatusCode::OK, model, &options).await
    }
    .await;
    api.reply(result)
}

/// Adds a contact to an integration.
#[utoipa::path(post, path = "/api/integrations/{id}/contacts", tag = "integration contacts",
    params(("id" = i32, Path, description = "The integration's id"), super::schema::ShowParams),
    request_body = ContactIn,
    responses((status = 201, description = "The new contact", body = ContactOut)))]
pub async fn create(api: Api<Contacts, Write>, Path(id): Path<String>, body: Bytes) -> Response {
    api.write(StatusCode::CREATED, async |api| {
        let integration = integration_id(&id)?;
        let input = api.new_body::<ContactIn>(&body)?.input()?;
        contacts::create(
            api.db(),
            api.actor(),
            IntegrationRef::Id(integration),
            input,
        )
        .await
        .map_err(app_error(OBJECT))
    })
    .await
}

/// Changes a contact (PUT or PATCH; only the fields given change; `"active": true` reactivates).
#[utoipa::path(method(put, patch), path = "/api/integrations/{id}/contacts/{contact_id}",
    tag = "integration contacts",
    params(("id" = i32, Path, description = "The integration's id"),
           ("contact_id" = i32, Path, description = "The contact's id"),
           super::schema::ShowParams),
    request_body = ContactIn,
    responses((status = 200, description = "The contact", body = ContactOut)))]
pub async fn update(
    api: Api<Contacts, Write>,
    Path((id, contact_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    api.write(StatusCode::OK, async |api| {
        let integration = integration_id(&id)?;
        let contact_id = api.id(&contact_id)?;
        let input = api
            .changes_body::<ContactIn>(&body, contact_id)
            .await?
            .input()?;
        contacts::update(api.db(), api.actor(), Some(integration), contact_id, input)
            .await
            .map_err(app_error(OBJECT))
    })
    .await
}

/// Deactivates a contact: alerts no longer reach it; it is kept, and a change with
/// `"active": true` reactivates it.
#[utoipa::path(put, path = "/api/integrations/{id}/contacts/{contact_id}/deactivate",
    tag = "integration contacts",
    params(("id" = i32, Path, description = "The integration's id"),
           ("contact_id" = i32, Path, description = "The contact's id"),
           super::schema::ShowParams),
    responses((status = 200, description = "The deactivated contact", body = ContactOut)))]
pub async fn deactivate(
    api: Api<Contacts, Write>,
    Path((id, contact_id)): Path<(String, String)>,
) -> Response {
    api.write(StatusCode::OK, async |api| {
        let integration = integration_id(&id)?;
        let contact_id = api.id(&contact_id)?;
        contacts::deactivate(api.db(), api.actor(), Some(integration), contact_id)
            .await
            .map_err(app_error(OBJECT))
    })
    .await
}
