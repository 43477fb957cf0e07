//! What several resources declare alike in the OpenAPI document: the query parameters of an
//! index and of a show, the `resolve`/`unresolve` path segment, and string schemas restricted to
//! the domain's enumerations. It sits below the resources, and `openapi.rs` above them lists
//! them all.

use serde::Deserialize;
use serde_json::Value;
use utoipa::{
    IntoParams, ToSchema,
    openapi::{
        ObjectBuilder,
        schema::{SchemaType, Type},
    },
};

use crate::domain::{ContactAlertType, DocumentType};

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

/// The schema of a contact alert type.
pub(crate) fn contact_alert_type_schema() -> utoipa::openapi::Object {
    enum_schema(ContactAlertType::ALL.iter().map(|t| t.as_str()), false)
}
/// The schema of a document type (the vendor's class names).
pub(crate) fn document_type_schema() -> utoipa::openapi::Object {
    enum_schema(DocumentType::ALL.iter().map(|t| t.as_str()), false)
}
/// The schema of an integration error's document type: the run API's 19, or null.
pub(crate) fn error_document_type_schema() -> utoipa::openapi::Object {
    enum_schema(
        DocumentType::ALL
            .iter()
            .filter(|t| t.allowed_for_errors())
            .map(|t| t.as_str()),
        true,
    )
}

/// `resolve` or `unresolve`, as a path segment.
#[derive(Clone, Copy, Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResolveAction {
    /// Mark resolved.
    Resolve,
    /// Mark unresolved.
    Unresolve,
}

impl ResolveAction {
    /// Parses the path segment.
    pub fn parse(segment: &str) -> Option<Self> {
        serde_json::from_value(Value::from(segment)).ok()
    }
}
