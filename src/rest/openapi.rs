//! The OpenAPI 3 document of the REST API, generated from the handlers' annotations and the
//! Rust types, served at `/api/openapi.json`. Every operation also declares the error answers a
//! handler can give (400, 401, 403, 404, 422, 429, 503) with the vendor's error body.

use axum::{Json, Router, routing::get};
use serde::Deserialize;
use utoipa::{
    IntoParams, Modify, OpenApi, ToSchema,
    openapi::{
        ContentBuilder, Header, ObjectBuilder, Ref, ResponseBuilder,
        schema::{SchemaType, Type},
        security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme},
    },
};

use super::{
    IdRefIn, IntegrationRefIn, IntegrationRefOut, ResponseIn, ResponseOut, RestState, UserOut,
    error::ErrorBody,
    history::{self, HistoryRecordIn, HistoryRecordOut, ResolveAction},
    integration_errors::{self, IntegrationErrorIn, IntegrationErrorOut},
    integrations::{self, IntegrationIn, IntegrationOut},
    runs::{self, IntegrationRunIn, IntegrationRunOut, RunActionName},
};

/// A string schema restricted to `values` (the domain's own lists), optionally nullable.
pub fn enum_schema<'a>(
    values: impl Iterator<Item = &'a str>,
    nullable: bool,
) -> utoipa::openapi::Object {
    let mut values: Vec<serde_json::Value> = values.map(serde_json::Value::from).collect();
    let schema_type = if nullable {
        values.push(serde_json::Value::Null);
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::new(Type::String)
    };
    ObjectBuilder::new()
        .schema_type(schema_type)
        .enum_values(Some(values))
        .build()
}

/// Ascending or descending.
#[derive(Clone, Copy, Debug, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    /// Ascending (the default).
    Asc,
    /// Descending.
    Desc,
}

/// How much of an object to return.
#[derive(Clone, Copy, Debug, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReturnObject {
    /// Only the id.
    None,
    /// Without nested associations (associations as `{id}`).
    Limited,
    /// Same as limited.
    Shallow,
}

/// The query parameters of an index. Filters come on top, one per attribute:
/// `attr=value` or `attr[op]=value` with op one of contains, starts_with, ends_with, blank, gt,
/// lt, gt_or_eq, lt_or_eq, not_eq, in, not_in (dashes or underscores in names), and
/// `integration[code]=X`, `integration[id]=N`; an unknown attribute or operator is a 400.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Skip this many.
    #[param(minimum = 0)]
    pub offset: Option<i32>,
    /// At most this many (50 by default, and at most 50).
    #[param(minimum = 0)]
    pub limit: Option<i32>,
    /// The attribute to order by (default `id`).
    pub order_by: Option<String>,
    /// The direction of the ordering.
    pub dir: Option<Dir>,
    /// How much of each object to return.
    pub return_object: Option<ReturnObject>,
    /// Only these fields: `["id","status",{"integration":["code"]}]` or `id,status`.
    pub fields: Option<String>,
}

/// The query parameters of a show or a write.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShowParams {
    /// How much of the object to return (`none`: only its id).
    pub return_object: Option<ReturnObject>,
    /// Only these fields: `["id","status"]` or `id,status`.
    pub fields: Option<String>,
}

/// Adds the error answers every operation can give, and the bearer scheme.
#[derive(Debug)]
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let error = |description: &str| {
            ResponseBuilder::new().description(description).content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
        };
        let string_header = || Header::new(ObjectBuilder::new().schema_type(Type::String));
        let integer_header = || Header::new(ObjectBuilder::new().schema_type(Type::Integer));
        for (path, item) in openapi.paths.paths.iter_mut() {
            let has_id = path.contains("{id}");
            let ops = [
                (false, item.get.as_mut()),
                (true, item.put.as_mut()),
                (true, item.post.as_mut()),
                (true, item.patch.as_mut()),
            ];
            for (write, op) in ops {
                let Some(op) = op else { continue };
                let responses = &mut op.responses.responses;
                let mut add = |code: &str, response: utoipa::openapi::Response| {
                    responses.entry(code.to_owned()).or_insert(response.into());
                };
                add("400", error("Unreadable input: bad JSON, an unknown filter attribute or operator, a bad parameter").build());
                add(
                    "401",
                    error("No or a bad bearer token")
                        .header("WWW-Authenticate", string_header())
                        .build(),
                );
                add("403", error("The token lacks the scope (core.integration.read for GET, core.integration.write otherwise)").build());
                if has_id || write {
                    add(
                        "404",
                        error("No object with this id (or a referenced object does not exist)")
                            .build(),
                    );
                }
                if write {
                    add("422", error("Invalid input or a transition the run's status does not allow; nothing was written").build());
                }
                add(
                    "429",
                    error("Too many requests for this token")
                        .header("Retry-After", integer_header())
                        .build(),
                );
                add(
                    "503",
                    error("Credentials cannot be checked right now").build(),
                );
            }
        }
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security = Some(vec![
            SecurityRequirement::default(),
            SecurityRequirement::new("bearer", Vec::<String>::new()),
        ]);
    }
}

/// The fields a create (every `POST`) requires, per input schema. The inputs are shared with
/// updates, where nothing is required, so creates get a copy of the schema that requires these;
/// the handlers answer 422 naming each one missing.
const CREATE_REQUIRED: &[(&str, &[&str])] = &[
    (
        "IntegrationInput",
        &[
            "code",
            "name",
            "business-object",
            "direction",
            "end-system",
            "end-system-type",
        ],
    ),
    ("IntegrationRunInput", &["integration"]),
    (
        "IntegrationHistoryRecordInput",
        &["contact-alert-type", "document-type", "document-id"],
    ),
    (
        "IntegrationErrorInput",
        &["contact-alert-type", "integration-run"],
    ),
];

/// Gives every `POST` a request schema that requires what a create requires (`New…`).
#[derive(Debug)]
struct CreateBodies;

impl Modify for CreateBodies {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{RefOr, Schema};
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        for (name, required) in CREATE_REQUIRED {
            if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get(*name) {
                let mut object = object.clone();
                object.required = required.iter().map(|f| (*f).to_owned()).collect();
                components
                    .schemas
                    .insert(format!("New{name}"), RefOr::T(Schema::Object(object)));
            }
        }
        for item in openapi.paths.paths.values_mut() {
            let Some(RefOr::T(body)) = item.post.as_mut().and_then(|op| op.request_body.as_mut())
            else {
                continue;
            };
            for content in body.content.values_mut() {
                let RefOr::T(content) = content else { continue };
                if let Some(RefOr::Ref(reference)) = &content.schema
                    && let Some(name) = reference.ref_location.strip_prefix("#/components/schemas/")
                    && CREATE_REQUIRED.iter().any(|(n, _)| *n == name)
                {
                    content.schema = Some(RefOr::Ref(Ref::from_schema_name(format!("New{name}"))));
                }
            }
        }
    }
}

/// The REST API's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "integration-gateway REST API",
        description = "The vendor-compatible REST API over integrations, runs, history records and \
            integration errors. JSON with dash-case keys (underscores accepted on input); XML with \
            `Accept: application/xml`. Scopes: core.integration.read for GET, \
            core.integration.write for everything else."
    ),
    paths(
        integrations::index, integrations::show, integrations::create, integrations::update,
        runs::index, runs::show, runs::create, runs::update, runs::act,
        history::index, history::show, history::create, history::acknowledge,
        history::create_alert, history::create_alert_and_mark_exported, history::mark_exported,
        history::update, history::resolve,
        integration_errors::index, integration_errors::show, integration_errors::create,
        integration_errors::create_alert, integration_errors::update, integration_errors::resolve,
    ),
    components(schemas(
        ErrorBody, IntegrationOut, IntegrationIn, IntegrationRunOut, IntegrationRunIn,
        HistoryRecordOut, HistoryRecordIn, IntegrationErrorOut, IntegrationErrorIn, ResponseOut,
        ResponseIn, UserOut, IntegrationRefOut, IntegrationRefIn, IdRefIn, RunActionName,
        ResolveAction, Dir, ReturnObject,
    )),
    modifiers(&CommonErrors, &CreateBodies)
)]
#[derive(Debug)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub fn routes() -> Router<RestState> {
    Router::new().route(
        "/api/openapi.json",
        get(|| async { Json(ApiDoc::openapi()) }),
    )
}
