//! The vendor-compatible REST API under `/api`: integrations, integration runs, history records
//! and integration errors, in JSON (dash-case keys) or XML, with the vendor's filters, paging,
//! error bodies and scopes; and its OpenAPI 3 document at `/api/openapi.json`.
//!
//! Handlers only translate: every read and write goes through `crate::service`, and every write
//! wakes the event broker so GraphQL subscribers hear of it at once.

pub mod error;
pub mod format;
pub mod history;
pub mod integration_errors;
pub mod integrations;
pub mod openapi;
pub mod query;
pub mod runs;
pub mod schema;
pub mod xml_body;

use std::{collections::HashMap, sync::Arc};

use axum::{
    Router,
    body::Bytes,
    http::{HeaderMap, StatusCode},
};
use chrono::{DateTime, Utc};
use entity::{integration, user};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;
use utoipa::ToSchema;

use self::{
    error::RestError,
    format::{Reply, View, shape},
    query::Options,
};
use crate::{
    auth::{Principal, Scope, http::HttpAuth},
    broker::Broker,
    domain::input::{InputLimits, Walk},
    error::AppError,
    service::IntegrationRef,
};

/// What the REST handlers need: the database, authentication, and the broker to wake.
#[derive(Clone, Debug)]
pub struct RestState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// Authentication and the rate limit, as on `/graphql`.
    pub auth: HttpAuth,
    /// Woken after every write so subscribers hear of it at once.
    pub broker: Arc<Broker>,
    /// Bounds of input values (bodies and index queries), as on `/graphql`.
    pub input: InputLimits,
}

/// Every `/api` route, and `/api/openapi.json`.
pub fn routes(state: RestState) -> Router {
    Router::new()
        .merge(integrations::routes())
        .merge(runs::routes())
        .merge(history::routes())
        .merge(integration_errors::routes())
        .merge(openapi::routes())
        .with_state(state)
}

impl RestState {
    /// The caller, if it holds `scope`: 401/429/503 from authentication, 403 without the scope.
    pub async fn authorize(
        &self,
        headers: &HeaderMap,
        scope: Scope,
    ) -> Result<Principal, RestError> {
        let principal = self
            .auth
            .principal(headers)
            .await
            .map_err(RestError::rejected)?;
        if !principal.scopes.contains(scope) {
            return Err(RestError::forbidden(
                scope,
                &principal.scopes.to_space_separated(),
            ));
        }
        Ok(principal)
    }

    /// Wakes the broker after a committed write (the service wrote the events in its transaction).
    pub fn written(&self) {
        self.broker.notify();
    }
}

/// Maps a service error about `object`.
pub fn app_error(object: &'static str) -> impl Fn(AppError) -> RestError {
    move |e| RestError::app(object, e)
}

/// Reads a JSON body into `T`: keys may use underscores for dashes (as the vendor accepts),
/// except inside the free-form `flow`; an empty body is `{}`. The body's values are bounded
/// (depth, list lengths, printable text) before anything reads them: a 422 naming the path
/// otherwise.
pub fn read_body<T: DeserializeOwned>(
    limits: &InputLimits,
    object: &str,
    body: &Bytes,
) -> Result<T, RestError> {
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(serde_json::Map::new())
    } else {
        serde_json::from_slice(body)
            .map_err(|e| RestError::bad_request(object, format!("the body is not JSON: {e}")))?
    };
    if !value.is_object() {
        return Err(RestError::bad_request(
            object,
            "the body must be a JSON object",
        ));
    }
    Walk::check(limits, "", &value, &|_| None)
        .map_err(|v| RestError::unprocessable(object, vec![v.to_string()]))?;
    serde_json::from_value(dash_keys(value))
        .map_err(|e| RestError::bad_request(object, format!("the body cannot be read: {e}")))
}

/// Parses an optional enum field, collecting its error.
fn enum_field<T: std::str::FromStr<Err = String>>(
    errors: &mut Vec<String>,
    field: &str,
    value: Option<&str>,
) -> Option<T> {
    value.and_then(|v| match v.parse() {
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(format!("{field} {e}"));
            None
        }
    })
}

/// Rewrites object keys `a_b` → `a-b`, leaving the contents of `flow` as given.
fn dash_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let k = k.replace('_', "-");
                    let v = if k == "flow" { v } else { dash_keys(v) };
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(dash_keys).collect()),
        other => other,
    }
}

/// A path id; anything that is not one names no object (404).
pub fn parse_id(object: &str, id: &str) -> Result<i32, RestError> {
    id.parse::<i32>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| RestError::not_found(object, id))
}

/// Parses `return_object`/`fields` of a show or write request.
pub fn read_options(
    object: &str,
    query: Option<&str>,
    known: &[String],
) -> Result<Options, RestError> {
    query::options(query, known).map_err(|m| RestError::bad_request(object, m))
}

/// The top-level keys of a rendered object type (for `fields`).
pub fn keys_of<T: Serialize + Default>() -> Vec<String> {
    match serde_json::to_value(T::default()) {
        Ok(Value::Object(map)) => map.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// One object as the answer (`return_object=none` on a write: only its id).
pub fn one(status: StatusCode, object: &str, value: Value, options: &Options) -> Reply {
    Reply {
        status,
        body: Some((
            object.to_owned(),
            shape(value, options.view, options.fields.as_ref()),
        )),
    }
}

/// A list as the answer.
pub fn many(
    plural: &str,
    values: Vec<Value>,
    view: View,
    fields: Option<&format::Fields>,
) -> Reply {
    let items = values.into_iter().map(|v| shape(v, view, fields)).collect();
    Reply {
        status: StatusCode::OK,
        body: Some((plural.to_owned(), Value::Array(items))),
    }
}

/// A timestamp as the vendor writes it (`2026-11-23T13:01:15+00:00`).
pub fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339()
}

/// A user as shown in `created-by` / `updated-by`.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub struct UserOut {
    /// The user's id.
    pub id: i32,
    /// The user or API client name (`sub` of a JWT, `token:NAME`, `local`).
    pub login: Option<String>,
}

/// An integration as referenced from runs, records and errors.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub struct IntegrationRefOut {
    /// The integration's id.
    pub id: i32,
    /// Its code.
    pub code: Option<String>,
    /// Its name.
    pub name: Option<String>,
}

/// A reference to an integration in a request body: by id or by code.
#[derive(Clone, Debug, Default, serde::Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub struct IntegrationRefIn {
    /// The integration's id.
    pub id: Option<i32>,
    /// The integration's code.
    pub code: Option<String>,
}

impl IntegrationRefIn {
    /// The service's reference; neither id nor code is a 422 on `field`.
    pub fn to_ref(&self, object: &str, field: &str) -> Result<IntegrationRef, RestError> {
        IntegrationRef::from_parts(self.id, self.code.clone()).ok_or_else(|| {
            RestError::unprocessable(object, vec![format!("{field} must name an id or a code")])
        })
    }
}

/// A reference by id in a request body (`"integration-run": {"id": 5}`).
#[derive(Clone, Debug, Default, serde::Deserialize, ToSchema)]
pub struct IdRefIn {
    /// The id.
    pub id: Option<i32>,
}

/// A reference by id in a response.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct IdRefOut {
    /// The id.
    pub id: i32,
}

/// The users named by these ids, in one statement.
pub async fn users(
    db: &DatabaseConnection,
    ids: impl IntoIterator<Item = Option<i32>>,
) -> Result<HashMap<i32, UserOut>, AppError> {
    let mut ids: Vec<i32> = ids.into_iter().flatten().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|u| {
            (
                u.id,
                UserOut {
                    id: u.id,
                    login: Some(u.name),
                },
            )
        })
        .collect())
}

/// The integrations named by these ids, in one statement.
pub async fn integration_refs(
    db: &DatabaseConnection,
    ids: impl IntoIterator<Item = Option<i32>>,
) -> Result<HashMap<i32, IntegrationRefOut>, AppError> {
    let mut ids: Vec<i32> = ids.into_iter().flatten().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = integration::Entity::find()
        .filter(integration::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|i| {
            (
                i.id,
                IntegrationRefOut {
                    id: i.id,
                    code: Some(i.code),
                    name: Some(i.name),
                },
            )
        })
        .collect())
}

/// Looks a user up in a map made by [`users`].
pub fn user_of(users: &HashMap<i32, UserOut>, id: Option<i32>) -> Option<UserOut> {
    id.map(|id| {
        users
            .get(&id)
            .cloned()
            .unwrap_or(UserOut { id, login: None })
    })
}

/// Serializes a rendered object (never fails for our plain structs).
pub fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A response of the external system, as the API shows it.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = IntegrationRecordResponse)]
pub struct ResponseOut {
    /// Id.
    pub id: i32,
    /// The external system's code.
    pub response_code: Option<String>,
    /// The external system's message.
    pub response_message: Option<String>,
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

/// A response of the external system, created with its record or error.
#[derive(Clone, Debug, Default, serde::Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = IntegrationRecordResponseInput)]
pub struct ResponseIn {
    /// The external system's code.
    pub response_code: Option<String>,
    /// The external system's message.
    pub response_message: Option<String>,
}

impl ResponseIn {
    /// The service's new response.
    pub fn to_new(&self) -> crate::service::documents::NewResponse {
        crate::service::documents::NewResponse {
            response_code: self.response_code.clone(),
            response_message: self.response_message.clone(),
        }
    }
}

/// The responses of these records (or errors: `by_error`), grouped by parent, in one statement.
pub async fn responses_of(
    db: &DatabaseConnection,
    parents: &[i32],
    by_error: bool,
) -> Result<HashMap<i32, Vec<ResponseOut>>, AppError> {
    use entity::integration_record_response as response;
    use sea_orm::QueryOrder;
    let mut grouped: HashMap<i32, Vec<ResponseOut>> = HashMap::new();
    if parents.is_empty() {
        return Ok(grouped);
    }
    let column = if by_error {
        response::Column::IntegrationErrorId
    } else {
        response::Column::IntegrationHistoryRecordId
    };
    let rows = response::Entity::find()
        .filter(column.is_in(parents.iter().copied()))
        .order_by_asc(response::Column::Id)
        .all(db)
        .await?;
    let users = users(
        db,
        rows.iter().flat_map(|r| [r.created_by_id, r.updated_by_id]),
    )
    .await?;
    for r in rows {
        let parent = if by_error {
            r.integration_error_id
        } else {
            r.integration_history_record_id
        };
        let Some(parent) = parent else { continue };
        grouped.entry(parent).or_default().push(ResponseOut {
            id: r.id,
            response_code: r.response_code,
            response_message: r.response_message,
            created_at: Some(time(r.created_at)),
            updated_at: Some(time(r.updated_at)),
            created_by: user_of(&users, r.created_by_id),
            updated_by: user_of(&users, r.updated_by_id),
        });
    }
    Ok(grouped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_keys_accept_underscores_but_flow_is_kept_as_given() {
        let v = dash_keys(
            serde_json::json!({"total_records": 1, "flow": {"a_b": 1}, "responses": [{"response_code": "x"}]}),
        );
        assert_eq!(
            v,
            serde_json::json!({"total-records": 1, "flow": {"a_b": 1}, "responses": [{"response-code": "x"}]})
        );
    }
}
