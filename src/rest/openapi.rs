//! The OpenAPI 3 document of the REST API, generated from the handlers' annotations and the
//! Rust types, served at `/api/openapi.json`. Every operation also declares the error answers a
//! handler can give (400, 401, 403, 404, 422, 429, 503) with the vendor's error body.

use axum::{Json, Router, routing::get};
use utoipa::{
    Modify, OpenApi,
    openapi::{
        ContentBuilder, Header, ObjectBuilder, Ref, ResponseBuilder,
        schema::Type,
        security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme},
    },
};

use super::{
    documents::DocumentFieldsIn,
    error::ErrorBody,
    history::{self, HistoryRecordIn, HistoryRecordOut},
    integration_errors::{self, IntegrationErrorChanges, IntegrationErrorIn, IntegrationErrorOut},
    integrations::{self, IntegrationIn, IntegrationOut},
    runs::{self, IntegrationRunIn, IntegrationRunOut, RunActionName, RunFieldsIn},
    schema::{Dir, ResolveAction, ReturnObject},
    shapes::{IdRefIn, IntegrationRefIn, IntegrationRefOut, ResponseIn, ResponseOut, UserOut},
    state::RestState,
};

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

/// Writes every input schema made of `#[serde(flatten)]`ed parts (utoipa's `allOf` of a
/// reference and an object) as the one object it is on the wire: clients and generators read
/// plain objects, and the create schemas below add `required` to them. Then closes every body
/// schema and the schemas inside it (`additionalProperties: false`), as the server does.
#[derive(Debug)]
struct FlattenInputs;

impl FlattenInputs {
    /// The merged object of schema `name`, its parts merged first.
    fn merged(
        schemas: &std::collections::BTreeMap<
            String,
            utoipa::openapi::RefOr<utoipa::openapi::Schema>,
        >,
        schema: &utoipa::openapi::RefOr<utoipa::openapi::Schema>,
        depth: usize,
    ) -> Option<utoipa::openapi::schema::Object> {
        use utoipa::openapi::{RefOr, Schema};
        if depth > 8 {
            return None;
        }
        match schema {
            RefOr::Ref(reference) => {
                let name = reference
                    .ref_location
                    .strip_prefix("#/components/schemas/")?;
                Self::merged(schemas, schemas.get(name)?, depth + 1)
            }
            RefOr::T(Schema::Object(object)) => Some(object.clone()),
            RefOr::T(Schema::AllOf(all)) => {
                let mut parts = all
                    .items
                    .iter()
                    .map(|p| Self::merged(schemas, p, depth + 1));
                let mut object = parts.next()??;
                for part in parts {
                    let part = part?;
                    object.properties.extend(part.properties);
                    object.required.extend(part.required);
                }
                object.description = all.description.clone().or(object.description);
                Some(object)
            }
            _ => None,
        }
    }
}

impl Modify for FlattenInputs {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{RefOr, Schema};
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let flattened: Vec<(String, utoipa::openapi::schema::Object)> = components
            .schemas
            .iter()
            .filter(|(_, s)| matches!(s, RefOr::T(Schema::AllOf(_))))
            .filter_map(|(name, s)| {
                Self::merged(&components.schemas, s, 0).map(|o| (name.clone(), o))
            })
            .collect();
        for (name, object) in flattened {
            components
                .schemas
                .insert(name, RefOr::T(Schema::Object(object)));
        }
        // Bodies are closed: the server refuses a field its schema does not list (rest/body.rs).
        let mut inputs: Vec<String> = openapi
            .paths
            .paths
            .values()
            .flat_map(|item| [&item.post, &item.put, &item.patch])
            .flatten()
            .filter_map(|op| match op.request_body.as_ref() {
                Some(RefOr::T(body)) => Some(body),
                _ => None,
            })
            .flat_map(|body| body.content.values())
            .filter_map(|content| match content {
                RefOr::T(content) => Some(content),
                RefOr::Ref(_) => None,
            })
            .filter_map(|content| match &content.schema {
                Some(RefOr::Ref(r)) => r.ref_location.strip_prefix("#/components/schemas/"),
                _ => None,
            })
            .map(str::to_owned)
            .collect();
        let mut closed = std::collections::BTreeSet::new();
        while let Some(name) = inputs.pop() {
            if !closed.insert(name.clone()) {
                continue;
            }
            let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(&name) else {
                continue;
            };
            if object.properties.is_empty() {
                continue;
            }
            object.additional_properties = Some(Box::new(
                utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
            ));
            let text = serde_json::to_string(&object.properties).unwrap_or_default();
            inputs.extend(
                text.split("\"#/components/schemas/")
                    .skip(1)
                    .filter_map(|rest| rest.split('"').next())
                    .map(str::to_owned),
            );
        }
    }
}

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
        ErrorBody, IntegrationOut, IntegrationIn, IntegrationRunOut, IntegrationRunIn, RunFieldsIn,
        HistoryRecordOut, HistoryRecordIn, IntegrationErrorOut, IntegrationErrorIn,
        IntegrationErrorChanges, DocumentFieldsIn, ResponseOut,
        ResponseIn, UserOut, IntegrationRefOut, IntegrationRefIn, IdRefIn, RunActionName,
        ResolveAction, Dir, ReturnObject,
    )),
    modifiers(&CommonErrors, &FlattenInputs, &CreateBodies)
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
