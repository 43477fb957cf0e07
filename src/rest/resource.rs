//! The REST resource abstraction: what a resource is ([`Resource`]: its table, how it is shown,
//! what may be filtered), the request as every handler receives it ([`Api`]: the caller already
//! authorised for the scope, the negotiated format, the query), and the handlers every resource
//! shares ([`index`], [`show`]). A resource's own handlers hold only their own logic: read the
//! body, call the service; [`Api::write`] does the rest.

use std::{future::Future, marker::PhantomData};

use axum::{
    body::Bytes,
    extract::{FromRequestParts, Path},
    http::{HeaderMap, StatusCode, header, request::Parts},
    response::Response,
};
use sea_orm::{DatabaseConnection, EntityTrait};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;
use utoipa::ToSchema;

use super::{
    body,
    error::RestError,
    format::{Format, Reply, respond},
    query::{self, Options, Spec},
    reply::{app_error, keys_of, many, one, parse_id, read_options},
    schema::ResolveAction,
    state::RestState,
};
use crate::{
    auth::{Principal, Scope},
    error::AppResult,
    service::{Actor, paging},
};

/// One REST resource.
pub trait Resource: Send + Sync + 'static {
    /// The object's name in bodies and messages (`integration-run`).
    const OBJECT: &'static str;
    /// The list's name (`integration-runs`).
    const PLURAL: &'static str;
    /// Its table.
    type Entity: EntityTrait<Model = Self::Model>;
    /// Its row.
    type Model: Send + Sync + 'static;
    /// How it is shown (its keys are the `fields` one may select).
    type Out: Serialize + Default;
    /// What may be filtered and sorted.
    fn spec() -> &'static Spec<<Self::Entity as EntityTrait>::Column>;
    /// The row with this id (a typed not-found otherwise).
    fn find(
        db: &DatabaseConnection,
        id: i32,
    ) -> impl Future<Output = AppResult<Self::Model>> + Send;
    /// Renders rows with their associations, one statement per association.
    fn render(
        state: &RestState,
        models: Vec<Self::Model>,
    ) -> impl Future<Output = Result<Vec<Value>, RestError>> + Send;
}

/// A resource whose objects change by `PUT`/`PATCH /:id` with a body of `Changes`.
pub trait Updatable: Resource {
    /// What a change's body takes.
    type Changes: DeserializeOwned + ToSchema;
    /// The service's change.
    type Patch: Send;
    /// Checks the body and makes the service's change.
    fn patch(changes: Self::Changes) -> Result<Self::Patch, RestError>;
    /// Applies the change to the row `id`.
    fn update(
        db: &DatabaseConnection,
        actor: Actor,
        id: i32,
        patch: Self::Patch,
    ) -> impl Future<Output = AppResult<Self::Model>> + Send;
}

/// A resource whose objects are resolved and unresolved (`PUT /:id/resolve|unresolve`).
pub trait Resolvable: Resource {
    /// Sets `resolved` on the row `id` (a repeat changes nothing).
    fn set_resolved(
        db: &DatabaseConnection,
        actor: Actor,
        id: i32,
        resolved: bool,
    ) -> impl Future<Output = AppResult<Self::Model>> + Send;
}

/// The scope a handler needs, as a type.
pub trait Access: Send + Sync + 'static {
    /// The scope.
    const SCOPE: Scope;
}

/// Reading: `core.integration.read`.
#[derive(Debug)]
pub struct Read;

/// Writing: `core.integration.write`.
#[derive(Debug)]
pub struct Write;

impl Access for Read {
    const SCOPE: Scope = Scope::Read;
}

impl Access for Write {
    const SCOPE: Scope = Scope::Write;
}

/// A request to resource `R` by a caller holding scope `A`: extracting it authenticates and
/// authorises, and refuses in the format the client asked for (the resource's error body).
#[derive(Debug)]
pub struct Api<R, A = Read> {
    /// What the handlers share.
    pub state: RestState,
    /// The answer's format.
    pub format: Format,
    /// The caller.
    pub principal: Principal,
    /// The raw query string.
    pub query: Option<String>,
    /// The request headers (the body's content type).
    headers: HeaderMap,
    _resource: PhantomData<fn() -> (R, A)>,
}

impl<R: Resource, A: Access> FromRequestParts<RestState> for Api<R, A> {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &RestState,
    ) -> Result<Self, Self::Rejection> {
        let format = Format::negotiate(&parts.headers);
        let principal = state
            .authorize(&parts.headers, A::SCOPE)
            .await
            .map_err(|e| respond(format, Err(e)))?;
        Ok(Self {
            state: state.clone(),
            format,
            principal,
            query: parts.uri.query().map(str::to_owned),
            headers: parts.headers.clone(),
            _resource: PhantomData,
        })
    }
}

impl<R: Resource, A: Access> Api<R, A> {
    /// The database.
    pub fn db(&self) -> &DatabaseConnection {
        &self.state.db
    }

    /// Who makes a change.
    pub fn actor(&self) -> Actor {
        self.principal.actor()
    }

    /// `return_object` and `fields` of a show or write.
    pub fn options(&self) -> Result<Options, RestError> {
        read_options(R::OBJECT, self.query.as_deref(), &keys_of::<R::Out>())
    }

    /// The path id of this resource.
    pub fn id(&self, id: &str) -> Result<i32, RestError> {
        parse_id(R::OBJECT, id)
    }

    /// The body, in JSON or XML by `Content-Type`, parsed and bounded.
    fn parse_body(&self, bytes: &Bytes) -> Result<Value, RestError> {
        let content_type = self
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        body::parse(&self.state.input, R::OBJECT, content_type, bytes)
    }

    /// The body of a create, as `T`; a field `T` does not take is refused by name.
    pub fn new_body<T: DeserializeOwned + ToSchema + 'static>(
        &self,
        bytes: &Bytes,
    ) -> Result<T, RestError> {
        body::accept::<T>(R::OBJECT, self.parse_body(bytes)?, false, None)
    }

    /// The body of a change of the object `id`, as `T`. A field `T` does not take is no change
    /// when it is sent back with the value the object shows (so what was read can be sent back:
    /// the object is read and rendered only then), and refused by name otherwise.
    pub async fn changes_body<T: DeserializeOwned + ToSchema + 'static>(
        &self,
        bytes: &Bytes,
        id: i32,
    ) -> Result<T, RestError> {
        let value = self.parse_body(bytes)?;
        let current = if body::unaccepted::<T>(&value).is_empty() {
            None
        } else {
            let model = R::find(self.db(), id).await.map_err(app_error(R::OBJECT))?;
            R::render(&self.state, vec![model]).await?.pop()
        };
        body::accept::<T>(R::OBJECT, value, true, current.as_ref())
    }

    /// One row as the answer, rendered and shaped by `options`.
    pub async fn one(
        &self,
        status: StatusCode,
        model: R::Model,
        options: &Options,
    ) -> Result<Reply, RestError> {
        let value = R::render(&self.state, vec![model])
            .await?
            .pop()
            .unwrap_or(Value::Null);
        Ok(one(status, R::OBJECT, value, options))
    }

    /// Answers in the negotiated format.
    pub fn reply(&self, result: Result<Reply, RestError>) -> Response {
        respond(self.format, result)
    }
}

impl<R: Resource> Api<R, Write> {
    /// Runs a write (`change`: read the body, call the service) after the answer's options are
    /// read (a bad `fields` refuses before anything is written), wakes subscribers, and answers
    /// the written row with `status`.
    pub async fn write<F>(self, status: StatusCode, change: F) -> Response
    where
        F: AsyncFnOnce(&Self) -> Result<R::Model, RestError>,
    {
        let result = async {
            let options = self.options()?;
            let model = change(&self).await?;
            self.state.written();
            self.one(status, model, &options).await
        }
        .await;
        self.reply(result)
    }
}

/// Lists a resource: the vendor's filters, ordering and offset paging (at most 50 a page).
pub async fn index<R: Resource>(api: Api<R>) -> Response
where
    <R::Entity as EntityTrait>::Model: Sync + Default,
{
    index_where(api, sea_orm::Condition::all()).await
}

/// Lists the objects of a resource that meet `within` (those of one parent, for a nested list
/// such as an integration's contacts), like [`index`].
pub async fn index_where<R: Resource>(api: Api<R>, within: sea_orm::Condition) -> Response
where
    <R::Entity as EntityTrait>::Model: Sync + Default,
{
    let result = async {
        let spec = R::spec();
        let list = query::parse(
            &api.state.input,
            api.db().get_database_backend(),
            api.query.as_deref(),
            spec,
            &keys_of::<R::Out>(),
        )
        .map_err(|m| RestError::bad_request(R::OBJECT, m))?;
        let page = paging::fetch_page::<R::Entity, _>(
            api.db(),
            within.add(list.condition),
            list.sort,
            spec.id,
            &list.page,
        )
        .await
        .map_err(app_error(R::OBJECT))?;
        let models = page.items.into_iter().map(|(_, m)| m).collect();
        Ok(many(
            R::PLURAL,
            R::render(&api.state, models).await?,
            list.view,
            list.fields.as_ref(),
        ))
    }
    .await;
    api.reply(result)
}

/// Shows one object of a resource.
pub async fn show<R: Resource>(api: Api<R>, Path(id): Path<String>) -> Response {
    let result = async {
        let options = api.options()?;
        let id = api.id(&id)?;
        let model = R::find(api.db(), id).await.map_err(app_error(R::OBJECT))?;
        api.one(StatusCode::OK, model, &options).await
    }
    .await;
    api.reply(result)
}

/// Changes an object of a resource (`PUT` or `PATCH /:id`); only the fields given change.
pub async fn update<R: Updatable>(
    api: Api<R, Write>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    api.write(StatusCode::OK, async |api| {
        let id = api.id(&id)?;
        let patch = R::patch(api.changes_body::<R::Changes>(&body, id).await?)?;
        R::update(api.db(), api.actor(), id, patch)
            .await
            .map_err(app_error(R::OBJECT))
    })
    .await
}

/// Resolves or unresolves an object (`PUT /:id/resolve|unresolve`; a repeat changes nothing).
pub async fn resolve<R: Resolvable>(
    api: Api<R, Write>,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    let Some(action) = ResolveAction::parse(&action) else {
        return api.reply(Err(RestError::not_found(
            R::OBJECT,
            &format!("{id}/{action}"),
        )));
    };
    api.write(StatusCode::OK, async |api| {
        let id = api.id(&id)?;
        let resolved = matches!(action, ResolveAction::Resolve);
        R::set_resolved(api.db(), api.actor(), id, resolved)
            .await
            .map_err(app_error(R::OBJECT))
    })
    .await
}
