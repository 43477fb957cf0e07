//! The spec's validation of every request, in front of async-graphql's: apollo-compiler (Apollo's
//! GraphQL compiler in Rust, the one its router validates with) judges each document against the
//! schema's own SDL — every rule of the spec's section 5 — and coerces the variables of the chosen
//! operation (CoerceVariableValues), as graphql-js does. async-graphql's validation accepted
//! documents the spec refuses (an enum value written as a string, a nullable variable in a non-null
//! position, an input object naming a field twice) and ran them.
//!
//! A document's verdict is kept with its parsed form in the gateway's document cache, so a known
//! document is not validated again; variables are coerced on every request.

use std::sync::Arc;

use apollo_compiler::{
    ExecutableDocument, Schema,
    parser::Parser,
    response::{GraphQLError, JsonMap},
    validation::{DiagnosticList, Valid},
};
use async_graphql::{Pos, ServerError, Variables};

/// The schema, as the validator knows it.
#[derive(Debug)]
pub struct Validator {
    schema: Valid<Schema>,
}

/// A document the validator accepted.
pub type ValidDocument = Arc<Valid<ExecutableDocument>>;

/// Turns an apollo-compiler error into a request error with `code`.
fn request_error(error: GraphQLError, code: &str) -> ServerError {
    let mut server = ServerError::new(error.message, None);
    server.locations = error
        .locations
        .iter()
        .map(|at| Pos {
            line: at.line,
            column: at.column,
        })
        .collect();
    server
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    server
}

fn request_errors(list: &DiagnosticList, code: &str) -> Vec<ServerError> {
    list.iter()
        .map(|d| request_error(d.to_json(), code))
        .collect()
}

impl Validator {
    /// The validator of the schema whose SDL is `sdl`.
    pub fn new(sdl: &str) -> Result<Self, String> {
        // apollo-compiler's introspection types predate OneOf input objects; async-graphql
        // answers `__Type.isOneOf`, and GraphiQL's introspection query asks for it.
        let sdl = format!("{sdl}\nextend type __Type {{ isOneOf: Boolean }}\n");
        let schema = Schema::parse_and_validate(sdl, "schema.graphql")
            .map_err(|e| format!("the schema does not validate: {}", e.errors))?;
        Ok(Self { schema })
    }

    /// Parses and validates a document: `PARSE_ERROR`s when its syntax is wrong, `VALIDATION`
    /// errors when it breaks a rule.
    pub fn document(&self, text: &str) -> Result<ValidDocument, Vec<ServerError>> {
        // The gateway's lexical checks bound the text before this (tokens, nesting).
        let ast = Parser::new()
            .parse_ast(text, "request.graphql")
            .map_err(|e| request_errors(&e.errors, "PARSE_ERROR"))?;
        ast.to_executable_validate(&self.schema)
            .map(Arc::new)
            .map_err(|e| request_errors(&e.errors, "VALIDATION"))
    }

    /// Picks the request's operation and coerces its variables, as the spec's
    /// ExecuteRequest does before anything runs.
    pub fn request(
        &self,
        document: &ValidDocument,
        operation_name: Option<&str>,
        variables: &Variables,
    ) -> Result<(), Vec<ServerError>> {
        let operation = document.operations.get(operation_name).map_err(|_| {
            let message = match operation_name {
                Some(name) => format!("Unknown operation named \"{name}\"."),
                None => {
                    "Must provide operation name if query contains multiple operations.".to_owned()
                }
            };
            vec![request_error(
                GraphQLError {
                    message,
                    locations: Vec::new(),
                    path: Vec::new(),
                    extensions: JsonMap::new(),
                },
                "VALIDATION",
            )]
        })?;
        let values: JsonMap = match serde_json::to_value(variables)
            .ok()
            .and_then(|v| serde_json::from_value::<apollo_compiler::response::JsonValue>(v).ok())
        {
            Some(apollo_compiler::response::JsonValue::Object(map)) => map,
            _ => JsonMap::new(),
        };
        apollo_compiler::request::coerce_variable_values(&self.schema, operation, &values)
            .map(|_| ())
            .map_err(|e| {
                let mut error = request_error(e.to_graphql_error(&document.sources), "VALIDATION");
                if let Some(field) = field_named(&error.message) {
                    error
                        .extensions
                        .get_or_insert_with(Default::default)
                        .set("field", field);
                }
                vec![error]
            })
    }
}

/// The input a coercion message names, for `extensions.field` as on every VALIDATION error:
/// an input object's field (`… input object field NewHistoryRecordInput.documentType`, `… input
/// field ResponseInput.responseCode: …`, `… has key bogus not in type …`) or else the variable
/// (`could not coerce variable t: …` → `$t`).
fn field_named(message: &str) -> Option<String> {
    let word_after = |marker: &str| -> Option<&str> {
        let rest = &message[message.find(marker)? + marker.len()..];
        let rest = rest.strip_prefix('\'').unwrap_or(rest);
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(rest.len());
        let word = rest[..end].trim_end_matches('.');
        (!word.is_empty()).then_some(word)
    };
    if let Some(qualified) =
        word_after("input object field ").or_else(|| word_after("input field "))
    {
        return Some(qualified.rsplit('.').next().unwrap_or(qualified).to_owned());
    }
    if let Some(key) = word_after("has key ") {
        return Some(key.to_owned());
    }
    word_after("variable ").map(|name| format!("${name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_input_is_read_from_coercion_messages() {
        let field = |m: &str| field_named(m);
        assert_eq!(
            field("could not coerce variable t: \"many\" to type Int").as_deref(),
            Some("$t")
        );
        assert_eq!(
            field("missing value for non-null variable 'id'").as_deref(),
            Some("$id")
        );
        assert_eq!(
            field(
                "Missing value for non-null input object field NewHistoryRecordInput.documentType"
            )
            .as_deref(),
            Some("documentType")
        );
        assert_eq!(
            field("could not coerce input field ResponseInput.responseCode: 5 to type String")
                .as_deref(),
            Some("responseCode")
        );
        assert_eq!(
            field("Input object has key bogus not in type NewHistoryRecordInput").as_deref(),
            Some("bogus")
        );
        assert_eq!(field("something else"), None);
    }
}
