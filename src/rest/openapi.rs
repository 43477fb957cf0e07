//! The OpenAPI 3 document of the REST API, generated from the handlers' annotations and the
//! Rust types, served at `/api/openapi.json`. Every operation also declares the error answers a
//! handler can give (400, 401, 403, 404, 422, 429, 503) with the vendor's error body, has its own
//! `operationId`, and the answers that carry a new object link to what can follow (OpenAPI links:
//! show, update, actions, creates that reference it), which stateful testing follows.

use axum::{Json, Router, routing::get};
use serde_json::json;
use utoipa::{
    Modify, OpenApi,
    openapi::{
        ContentBuilder, Header, HttpMethod, ObjectBuilder, Ref, RefOr, ResponseBuilder, Schema,
        extensions::ExtensionsBuilder,
        link::{Link, LinkBuilder},
        path::Operation,
        schema::Type,
        security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme},
    },
};

use crate::domain::{ContactAlertType, DocumentType};

use super::{
    contacts::{self, ContactIn, ContactOut},
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
    (
        "IntegrationContactInput",
        &["name", "email", "contact-type"],
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
            printable_texts(object);
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

/// Takes `null` out of a property's schema (`type: [T, null]`, an enum's `null`, or a `oneOf`
/// of a reference and `null`).
fn non_null(property: &mut RefOr<Schema>) {
    use utoipa::openapi::schema::{SchemaType, Type};
    match property {
        RefOr::T(Schema::Object(object)) => {
            if let SchemaType::Array(types) = &object.schema_type {
                let types: Vec<Type> = types
                    .iter()
                    .filter(|t| **t != Type::Null)
                    .cloned()
                    .collect();
                object.schema_type = match types.as_slice() {
                    [one] => SchemaType::Type(one.clone()),
                    _ => SchemaType::Array(types),
                };
            }
            if let Some(values) = object.enum_values.as_mut() {
                values.retain(|v| !v.is_null());
            }
        }
        RefOr::T(Schema::OneOf(one)) => {
            let is_null = |s: &RefOr<Schema>| {
                matches!(s, RefOr::T(Schema::Object(o))
                    if o.schema_type == SchemaType::Type(Type::Null))
            };
            let mut rest: Vec<RefOr<Schema>> =
                one.items.iter().filter(|s| !is_null(s)).cloned().collect();
            if rest.len() == 1 {
                *property = rest.remove(0);
            }
        }
        _ => {}
    }
}

/// What the server takes in a text (`domain::input`): no control characters but tab, newline and
/// carriage return.
const PRINTABLE: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

/// Says of every free text property of a body schema that it is printable, as the server holds it.
fn printable_texts(object: &mut utoipa::openapi::schema::Object) {
    use utoipa::openapi::schema::{SchemaType, Type};
    for property in object.properties.values_mut() {
        let RefOr::T(Schema::Object(p)) = property else {
            continue;
        };
        let text = match &p.schema_type {
            SchemaType::Type(Type::String) => true,
            SchemaType::Array(types) => types.contains(&Type::String),
            _ => false,
        };
        if text && p.enum_values.is_none() && p.format.is_none() && p.pattern.is_none() {
            p.pattern = Some(PRINTABLE.to_owned());
        }
    }
}

/// Gives every `POST` a request schema that requires what a create requires (`New…`).
#[derive(Debug)]
struct CreateBodies;

impl Modify for CreateBodies {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        for (name, required) in CREATE_REQUIRED {
            if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get(*name) {
                let mut object = object.clone();
                object.required = required.iter().map(|f| (*f).to_owned()).collect();
                // A required field must hold a value: `null` is not one.
                for field in *required {
                    if let Some(property) = object.properties.get_mut(*field) {
                        non_null(property);
                    }
                }
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

/// Every operation's `operationId`, by path and method. utoipa would name each after its handler
/// (`create`, `show`, `update`, …: the same in every resource, and one for both `PUT` and `PATCH`
/// of an update); the links below name their targets by these, which must be unique.
const OPERATION_IDS: &[(&str, HttpMethod, &str)] = {
    use HttpMethod::{Get, Patch, Post, Put};
    &[
        ("/api/integrations", Get, "listIntegrations"),
        ("/api/integrations", Post, "createIntegration"),
        ("/api/integrations/{id}", Get, "showIntegration"),
        ("/api/integrations/{id}", Put, "updateIntegration"),
        ("/api/integrations/{id}", Patch, "patchIntegration"),
        ("/api/integration_runs", Get, "listIntegrationRuns"),
        ("/api/integration_runs", Post, "createIntegrationRun"),
        ("/api/integration_runs/{id}", Get, "showIntegrationRun"),
        ("/api/integration_runs/{id}", Put, "updateIntegrationRun"),
        ("/api/integration_runs/{id}", Patch, "patchIntegrationRun"),
        (
            "/api/integration_runs/{id}/{action}",
            Put,
            "actOnIntegrationRun",
        ),
        (
            "/api/integration_history_records",
            Get,
            "listIntegrationHistoryRecords",
        ),
        (
            "/api/integration_history_records",
            Post,
            "createIntegrationHistoryRecord",
        ),
        (
            "/api/integration_history_records/acknowledge",
            Post,
            "acknowledgeIntegrationHistoryRecord",
        ),
        (
            "/api/integration_history_records/create_alert",
            Post,
            "createIntegrationHistoryRecordAlert",
        ),
        (
            "/api/integration_history_records/create_alert_and_mark_exported",
            Post,
            "createIntegrationHistoryRecordAlertAndMarkExported",
        ),
        (
            "/api/integration_history_records/mark_exported",
            Post,
            "markIntegrationHistoryRecordExported",
        ),
        (
            "/api/integration_history_records/{id}",
            Get,
            "showIntegrationHistoryRecord",
        ),
        (
            "/api/integration_history_records/{id}",
            Put,
            "updateIntegrationHistoryRecord",
        ),
        (
            "/api/integration_history_records/{id}",
            Patch,
            "patchIntegrationHistoryRecord",
        ),
        (
            "/api/integration_history_records/{id}/{action}",
            Put,
            "resolveIntegrationHistoryRecord",
        ),
        ("/api/integration_errors", Get, "listIntegrationErrors"),
        ("/api/integration_errors", Post, "createIntegrationError"),
        (
            "/api/integration_errors/create_alert",
            Post,
            "createIntegrationErrorAlert",
        ),
        ("/api/integration_errors/{id}", Get, "showIntegrationError"),
        (
            "/api/integration_errors/{id}",
            Put,
            "updateIntegrationError",
        ),
        (
            "/api/integration_errors/{id}",
            Patch,
            "patchIntegrationError",
        ),
        (
            "/api/integration_errors/{id}/{action}",
            Put,
            "resolveIntegrationError",
        ),
        (
            "/api/integrations/{id}/contacts",
            Get,
            "listIntegrationContacts",
        ),
        (
            "/api/integrations/{id}/contacts",
            Post,
            "createIntegrationContact",
        ),
        (
            "/api/integrations/{id}/contacts/{contact_id}",
            Get,
            "showIntegrationContact",
        ),
        (
            "/api/integrations/{id}/contacts/{contact_id}",
            Put,
            "updateIntegrationContact",
        ),
        (
            "/api/integrations/{id}/contacts/{contact_id}",
            Patch,
            "patchIntegrationContact",
        ),
        (
            "/api/integrations/{id}/contacts/{contact_id}/deactivate",
            Put,
            "deactivateIntegrationContact",
        ),
    ]
};

/// The operation of `path` and `method`, if the document has it.
fn operation_mut<'a>(
    openapi: &'a mut utoipa::openapi::OpenApi,
    path: &str,
    method: &HttpMethod,
) -> Option<&'a mut Operation> {
    let item = openapi.paths.paths.get_mut(path)?;
    match method {
        HttpMethod::Get => item.get.as_mut(),
        HttpMethod::Post => item.post.as_mut(),
        HttpMethod::Put => item.put.as_mut(),
        HttpMethod::Patch => item.patch.as_mut(),
        HttpMethod::Delete => item.delete.as_mut(),
        HttpMethod::Options => item.options.as_mut(),
        HttpMethod::Head => item.head.as_mut(),
        HttpMethod::Trace => item.trace.as_mut(),
    }
}

/// Gives every operation its `operationId` from [`OPERATION_IDS`].
#[derive(Debug)]
struct OperationIds;

impl Modify for OperationIds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, method, id) in OPERATION_IDS {
            if let Some(operation) = operation_mut(openapi, path, method) {
                operation.operation_id = Some((*id).to_owned());
            }
        }
    }
}

/// The id of the object a link starts from (every create and action answers the object itself,
/// at the root of the body).
const ID: &str = "$response.body#/id";

/// One kind of object, for its links: where they start and the operations they lead to.
struct Resource {
    /// The operations that create one (their 201 answer is the new object).
    creates: &'static [&'static str],
    /// Show, update (`PUT`) and patch (`PATCH`), by id.
    show: &'static str,
    update: &'static str,
    patch: &'static str,
    /// `PUT …/{id}/{action}`, if it has actions.
    act: Option<Act>,
    /// The links to the creates that take the object by reference.
    referenced_by: fn() -> Vec<(String, Link)>,
}

/// The actions of a kind of object: `PUT …/{id}/{action}`.
#[derive(Clone, Copy)]
struct Act {
    /// The operation.
    operation: &'static str,
    /// Every segment of `action`.
    segments: fn() -> Vec<String>,
    /// Whether it takes a body (a run's actions take optional run fields).
    body: bool,
    /// Whether its answer (200) links on as a create's does (a run's actions chain).
    links_on: bool,
}

/// The segments an `action` path parameter takes: its schema's enumeration.
fn segments<T: utoipa::PartialSchema>() -> Vec<String> {
    match T::schema() {
        RefOr::T(Schema::Object(object)) => object
            .enum_values
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

const INTEGRATIONS: Resource = Resource {
    creates: &["createIntegration"],
    show: "showIntegration",
    update: "updateIntegration",
    patch: "patchIntegration",
    act: None,
    referenced_by: || {
        let contact = json!({
            "name": "Ann Example",
            "email": "ann@example.com",
            "contact-type": ContactAlertType::Technical.as_str(),
        });
        vec![
            referencing(
                "createIntegrationRun",
                "Create a run of it",
                json!({ "integration": { "id": ID } }),
            ),
            (
                "createIntegrationContact".to_owned(),
                whole_body(
                    by_id("createIntegrationContact", "Add a contact to it"),
                    contact,
                )
                .build(),
            ),
        ]
    },
};

const RUNS: Resource = Resource {
    creates: &["createIntegrationRun"],
    show: "showIntegrationRun",
    update: "updateIntegrationRun",
    patch: "patchIntegrationRun",
    act: Some(Act {
        operation: "actOnIntegrationRun",
        segments: segments::<RunActionName>,
        body: true,
        links_on: true,
    }),
    referenced_by: || {
        // A record and an error take the run by id (and its integration from it); the other
        // fields a create requires get fixed valid values.
        let run = json!({ "id": ID });
        let record = json!({
            "integration-run": run,
            "contact-alert-type": ContactAlertType::Technical.as_str(),
            "document-type": DocumentType::Invoice.as_str(),
            "document-id": 1,
        });
        let error = json!({
            "integration-run": run,
            "contact-alert-type": ContactAlertType::Technical.as_str(),
        });
        let records = RECORDS
            .creates
            .iter()
            .map(|create| referencing(create, "Create a record of this run", record.clone()));
        let errors = ERRORS
            .creates
            .iter()
            .map(|create| referencing(create, "Create an error of this run", error.clone()));
        records.chain(errors).collect()
    },
};

const RECORDS: Resource = Resource {
    creates: &[
        "createIntegrationHistoryRecord",
        "acknowledgeIntegrationHistoryRecord",
        "createIntegrationHistoryRecordAlert",
        "createIntegrationHistoryRecordAlertAndMarkExported",
        "markIntegrationHistoryRecordExported",
    ],
    show: "showIntegrationHistoryRecord",
    update: "updateIntegrationHistoryRecord",
    patch: "patchIntegrationHistoryRecord",
    act: Some(Act {
        operation: "resolveIntegrationHistoryRecord",
        segments: segments::<ResolveAction>,
        body: false,
        links_on: false,
    }),
    referenced_by: Vec::new,
};

const ERRORS: Resource = Resource {
    creates: &["createIntegrationError", "createIntegrationErrorAlert"],
    show: "showIntegrationError",
    update: "updateIntegrationError",
    patch: "patchIntegrationError",
    act: Some(Act {
        operation: "resolveIntegrationError",
        segments: segments::<ResolveAction>,
        body: false,
        links_on: false,
    }),
    referenced_by: Vec::new,
};

/// A link to `target` that gives the object's id as the `id` path parameter.
fn by_id(target: &str, description: &str) -> LinkBuilder {
    LinkBuilder::new()
        .operation_id(target)
        .parameter("path.id", ID)
        .description(description)
}

/// Sends `body` (runtime expressions inside it are evaluated) as the whole request body.
/// schemathesis would otherwise merge it into a body it generates, which the API mostly refuses
/// (control characters, unknown keys: 422), and a sequence would rarely get past that step;
/// it still sends generated bodies now and then, as it explores.
fn whole_body(link: LinkBuilder, body: serde_json::Value) -> LinkBuilder {
    link.request_body(Some(body)).extensions(Some(
        ExtensionsBuilder::new()
            .add("x-schemathesis", json!({ "merge_body": false }))
            .build(),
    ))
}

/// A link, named after it, to the create `target` with `body` referencing the object.
fn referencing(target: &str, description: &str, body: serde_json::Value) -> (String, Link) {
    let link = LinkBuilder::new()
        .operation_id(target)
        .description(description);
    (target.to_owned(), whole_body(link, body).build())
}

/// Every link from an answer carrying one object of `resource`: to its show, update and patch
/// (named after them), to each action (named after its segment, given as a constant), and to the
/// creates that take it by reference.
fn links_of(resource: &Resource) -> Vec<(String, Link)> {
    let mut links = vec![
        (
            resource.show.to_owned(),
            by_id(resource.show, "Show it").build(),
        ),
        (
            resource.update.to_owned(),
            by_id(resource.update, "Update it").build(),
        ),
        (
            resource.patch.to_owned(),
            by_id(resource.patch, "Update it").build(),
        ),
    ];
    if let Some(act) = resource.act {
        for action in (act.segments)() {
            let link =
                by_id(act.operation, "Apply this action to it").parameter("path.action", &*action);
            // The action alone, without fields; `max_updated_at` requires its one field: here,
            // the object's own last change.
            let link = match (act.body, action.as_str()) {
                (false, _) => link,
                (true, RunActionName::MAX_UPDATED_AT) => whole_body(
                    link,
                    json!({ "max-updated-at": "$response.body#/updated-at" }),
                ),
                (true, _) => whole_body(link, json!({})),
            };
            links.push((action, link.build()));
        }
    }
    links.extend((resource.referenced_by)());
    links
}

/// The answer a link starts from: an operation (by id) and the status of its answer.
type Source = (&'static str, &'static str);

/// Every link of the document, by the answer it starts from.
fn links() -> Vec<(Source, Vec<(String, Link)>)> {
    let mut all = Vec::new();
    for resource in [INTEGRATIONS, RUNS, RECORDS, ERRORS] {
        let links = links_of(&resource);
        for create in resource.creates {
            all.push(((*create, "201"), links.clone()));
        }
        if let Some(act) = resource.act.filter(|act| act.links_on) {
            all.push(((act.operation, "200"), links));
        }
    }
    // Where sequences start from the data there is: a run of a listed integration.
    let first = json!({ "integration": { "id": "$response.body#/0/id" } });
    let link = LinkBuilder::new()
        .operation_id("createIntegrationRun")
        .description("Create a run of the first integration listed");
    all.push((
        ("listIntegrations", "200"),
        vec![(
            "createIntegrationRun".to_owned(),
            whole_body(link, first).build(),
        )],
    ));
    all
}

/// OpenAPI links, for clients and for stateful testing (`scripts/schemathesis` follows them):
/// from each create's 201 answer to the new object's show, update (`PUT` and `PATCH`) and
/// actions (each `action` segment, a constant); from a new integration to creating a run of it;
/// from a new run to creating its records and errors. A run's action answers (200) link on like
/// its create, so sequences chain: create a run, run it, add records, succeed. The list of
/// integrations links to creating a run of the first one.
#[derive(Debug)]
struct Links;

impl Modify for Links {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for ((source, status), links) in links() {
            let Some((path, method, _)) = OPERATION_IDS.iter().find(|(_, _, id)| *id == source)
            else {
                continue;
            };
            let Some(operation) = operation_mut(openapi, path, method) else {
                continue;
            };
            if let Some(RefOr::T(response)) = operation.responses.responses.get_mut(status) {
                for (name, link) in links {
                    response.links.insert(name, link.into());
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
        description = "The vendor-compatible REST API over integrations (and their contacts), runs, \
            history records and integration errors. JSON with dash-case keys (underscores accepted on input); XML with \
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
        contacts::index, contacts::show, contacts::create, contacts::update, contacts::deactivate,
    ),
    components(schemas(
        ErrorBody, IntegrationOut, IntegrationIn, IntegrationRunOut, IntegrationRunIn, RunFieldsIn,
        HistoryRecordOut, HistoryRecordIn, IntegrationErrorOut, IntegrationErrorIn,
        IntegrationErrorChanges, DocumentFieldsIn, ResponseOut,
        ResponseIn, UserOut, IntegrationRefOut, IntegrationRefIn, IdRefIn, RunActionName,
        ResolveAction, Dir, ReturnObject, ContactOut, ContactIn,
    )),
    modifiers(&CommonErrors, &FlattenInputs, &CreateBodies, &OperationIds, &Links)
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

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn document() -> Value {
        serde_json::to_value(ApiDoc::openapi()).expect("the document serializes")
    }

    /// Every operation: its path, method and object.
    fn operations(doc: &Value) -> Vec<(String, String, Value)> {
        let mut all = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, operation) in item.as_object().expect("a path item") {
                all.push((path.clone(), method.clone(), operation.clone()));
            }
        }
        all
    }

    fn by_id(doc: &Value, id: &str) -> Value {
        operations(doc)
            .into_iter()
            .find(|(_, _, op)| op["operationId"] == id)
            .unwrap_or_else(|| panic!("no operation {id}"))
            .2
    }

    #[test]
    fn every_operation_has_its_own_operation_id() {
        let doc = document();
        let mut ids: Vec<String> = Vec::new();
        for (path, method, operation) in operations(&doc) {
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(
                !ids.contains(&id.to_owned()),
                "{method} {path}: operationId {id} is taken"
            );
            ids.push(id.to_owned());
        }
        assert_eq!(ids.len(), OPERATION_IDS.len(), "{ids:?}");
    }

    #[test]
    fn each_create_links_to_the_show_update_and_actions_of_what_it_created() {
        let doc = document();
        let creates = [
            ("/api/integrations", "Integration", None),
            (
                "/api/integration_runs",
                "IntegrationRun",
                Some("RunActionName"),
            ),
            (
                "/api/integration_history_records",
                "IntegrationHistoryRecord",
                Some("ResolveAction"),
            ),
            (
                "/api/integration_history_records/acknowledge",
                "IntegrationHistoryRecord",
                Some("ResolveAction"),
            ),
            (
                "/api/integration_history_records/create_alert",
                "IntegrationHistoryRecord",
                Some("ResolveAction"),
            ),
            (
                "/api/integration_history_records/create_alert_and_mark_exported",
                "IntegrationHistoryRecord",
                Some("ResolveAction"),
            ),
            (
                "/api/integration_history_records/mark_exported",
                "IntegrationHistoryRecord",
                Some("ResolveAction"),
            ),
            (
                "/api/integration_errors",
                "IntegrationError",
                Some("ResolveAction"),
            ),
            (
                "/api/integration_errors/create_alert",
                "IntegrationError",
                Some("ResolveAction"),
            ),
        ];
        for (path, object, actions) in creates {
            let links = &doc["paths"][path]["post"]["responses"]["201"]["links"];
            for operation in [
                format!("show{object}"),
                format!("update{object}"),
                format!("patch{object}"),
            ] {
                let link = &links[&operation];
                assert_eq!(link["operationId"], operation.as_str(), "{path}: {links}");
                assert_eq!(
                    link["parameters"],
                    json!({ "path.id": "$response.body#/id" }),
                    "{path} → {operation}"
                );
            }
            let Some(actions) = actions else { continue };
            let segments = doc["components"]["schemas"][actions]["enum"]
                .as_array()
                .expect("the action segments")
                .clone();
            assert!(!segments.is_empty());
            for segment in segments {
                let link = &links[segment.as_str().expect("a segment")];
                assert!(
                    link["operationId"]
                        .as_str()
                        .is_some_and(|id| id.ends_with(object)),
                    "{path} → {segment}: {link}"
                );
                assert_eq!(
                    link["parameters"],
                    json!({ "path.id": "$response.body#/id", "path.action": segment }),
                    "{path} → {segment}"
                );
            }
        }
        // A new run is run, finished, and given records and errors; its action answers link on.
        let run = &doc["paths"]["/api/integration_runs"]["post"]["responses"]["201"]["links"];
        let acted = &doc["paths"]["/api/integration_runs/{id}/{action}"]["put"]["responses"]["200"]
            ["links"];
        assert_eq!(run, acted);
        for create in [
            "createIntegrationHistoryRecord",
            "markIntegrationHistoryRecordExported",
            "createIntegrationError",
        ] {
            assert_eq!(
                run[create]["requestBody"]["integration-run"],
                json!({ "id": "$response.body#/id" }),
                "{create}"
            );
        }
        // A new integration gets a run.
        let integration = &doc["paths"]["/api/integrations"]["post"]["responses"]["201"]["links"];
        assert_eq!(
            integration["createIntegrationRun"]["requestBody"],
            json!({ "integration": { "id": "$response.body#/id" } })
        );
    }

    /// What schemathesis refuses to load (the stateful phase would not run): a link to no
    /// operation, to a parameter the target lacks, or with a body for a target without one.
    #[test]
    fn links_name_operations_and_parameters_that_exist() {
        let doc = document();
        let mut count = 0;
        for (path, method, operation) in operations(&doc) {
            for (status, response) in operation["responses"].as_object().expect("responses") {
                let Some(links) = response["links"].as_object() else {
                    continue;
                };
                for (name, link) in links {
                    count += 1;
                    let at = format!("{method} {path} [{status}] {name}");
                    let target = by_id(&doc, link["operationId"].as_str().expect(&at));
                    for parameter in link["parameters"].as_object().into_iter().flatten() {
                        let (location, parameter) =
                            parameter.0.split_once('.').expect("a located parameter");
                        assert!(
                            target["parameters"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .any(|p| p["in"] == location && p["name"] == parameter),
                            "{at}: the target has no {location} parameter {parameter}"
                        );
                    }
                    if !link["requestBody"].is_null() {
                        assert!(target["requestBody"].is_object(), "{at}: no body to set");
                    }
                }
            }
        }
        assert!(count > 0);
    }
}
