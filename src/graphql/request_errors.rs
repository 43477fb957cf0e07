//! Request errors (validation and variable coercion, found before anything runs) get
//! `extensions.code = "VALIDATION"` and, when the message names one, the input `field`, so clients
//! handle a missing required field or an unknown enum value like any other VALIDATION error. A
//! document that does not parse gets `PARSE_ERROR`.

use async_graphql::{Response, ServerError, Value};

/// The most errors a response lists (graphql-js's `maxErrors`).
const MAX_ERRORS: usize = 100;

/// Tags the errors of a response: request errors (no `data`, no paths: validation and variable
/// coercion) and argument errors become `VALIDATION` with the input `field` when one is named.
/// Errors that already carry a code keep it.
pub fn tag_response(mut response: Response) -> Response {
    if response.errors.is_empty() {
        return response;
    }
    if response.errors.len() > MAX_ERRORS {
        // As graphql-js's validation stops at 100: a document of 20,000 unused variables
        // would otherwise be answered with 20,000 errors.
        response.errors.truncate(MAX_ERRORS);
        response.errors.push(ServerError::new(
            "Too many validation errors, error limit reached. Validation aborted.",
            None,
        ));
    }
    // An argument that fails to coerce when its field runs is that field's error, as the spec's
    // CoerceArgumentValues has it (literals and variables were checked before: validator.rs).
    let request_error =
        response.data == Value::Null && response.errors.iter().all(|e| e.path.is_empty());
    response.errors = std::mem::take(&mut response.errors)
        .into_iter()
        .map(|e| {
            if uncoded(&e) && (request_error || is_argument_error(&e)) {
                tag(e)
            } else {
                e
            }
        })
        .collect();
    response
}

/// Tags the error of a document that does not parse: `PARSE_ERROR`, its locations kept (they
/// are real positions in the text).
pub fn parse_error(mut error: ServerError) -> ServerError {
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", "PARSE_ERROR");
    error
}

fn uncoded(error: &ServerError) -> bool {
    error
        .extensions
        .as_ref()
        .is_none_or(|ext| ext.get("code").is_none())
}

/// An argument that failed to parse, as async-graphql words it, and not one of ours (coded).
/// `Failed to parse "Int"` is an argument coerced when its field runs: async-graphql's
/// validation takes any 64-bit integer as an `Int`, and only the field's `i32` refuses one
/// beyond 32 bits (`integrationRun(id: 99999999999)`).
fn is_argument_error(error: &ServerError) -> bool {
    error.message.starts_with("Invalid value for argument")
        || error.message.starts_with("Expected input type")
        || error.message.starts_with("Failed to parse \"")
        || error.message.contains("(occurred while parsing")
}

fn tag(mut error: ServerError) -> ServerError {
    let field = field_of(&error.message);
    let ext = error.extensions.get_or_insert_with(Default::default);
    ext.set("code", "VALIDATION");
    if let Some(field) = field {
        ext.set("field", field);
    }
    error
}

/// The first double-quoted text after `marker` in `message`.
fn quoted_after<'a>(message: &'a str, marker: &str) -> Option<&'a str> {
    let start = message.find(marker)? + marker.len();
    let rest = message[start..].strip_prefix('"')?;
    rest.find('"').map(|end| &rest[..end])
}

/// The input path a message of async-graphql's names: `argument "input.documentType"` or
/// `argument "input", field "documentType"` → `input.documentType`; `variable "$t"` → `$t`.
fn field_of(message: &str) -> Option<String> {
    if let Some(argument) = quoted_after(message, "argument ") {
        return Some(match quoted_after(message, ", field ") {
            Some(field) => format!("{argument}.{field}"),
            None => argument.to_owned(),
        });
    }
    quoted_after(message, "variable ")
        .or_else(|| quoted_after(message, "Variable "))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use async_graphql::{PathSegment, Pos, Response, ServerError, Value};

    use super::{field_of, parse_error, tag_response};

    /// An `Int` argument beyond 32 bits, as async-graphql reports it when the field runs.
    fn int_too_large(field: &str) -> ServerError {
        let mut error = ServerError::new(
            "Failed to parse \"Int\": Only integers from -2147483648 to 2147483647 are accepted.",
            Some(Pos {
                line: 1,
                column: 20,
            }),
        );
        error.path = vec![PathSegment::Field(field.into())];
        error
    }

    fn code(error: &ServerError) -> Option<Value> {
        error.extensions.as_ref()?.get("code").cloned()
    }

    #[test]
    fn an_argument_refused_when_its_field_runs_is_that_fields_validation_error() {
        // Literals and variables are checked before anything runs (validator.rs); what fails
        // later is the field's error, as CoerceArgumentValues has it, with its code.
        let tagged = tag_response(Response::from_errors(vec![int_too_large("integrationRun")]));
        let error = &tagged.errors[0];
        assert_eq!(code(error), Some(Value::from("VALIDATION")));
        assert_eq!(error.path.len(), 1, "{error:?}");

        let mut partial = Response::new(Value::from_json(serde_json::json!({"a": 1})).unwrap());
        partial.errors = vec![int_too_large("b")];
        let tagged = tag_response(partial);
        assert_eq!(code(&tagged.errors[0]), Some(Value::from("VALIDATION")));
        assert_eq!(tagged.errors[0].path.len(), 1);
    }

    #[test]
    fn a_parse_error_keeps_its_position() {
        let error = parse_error(ServerError::new(
            "expected selection",
            Some(Pos { line: 1, column: 2 }),
        ));
        assert_eq!(code(&error), Some(Value::from("PARSE_ERROR")));
        assert_eq!(error.locations, [Pos { line: 1, column: 2 }]);
    }

    #[test]
    fn the_field_is_read_from_async_graphql_messages() {
        assert_eq!(
            field_of(r#"Invalid value for argument "input.totalRecords", expected type "Int""#),
            Some("input.totalRecords".into())
        );
        assert_eq!(
            field_of(
                r#"Invalid value for argument "input", field "documentType" of type "DocumentType!" is required but not provided"#
            ),
            Some("input.documentType".into())
        );
        assert_eq!(field_of(r#"Unknown field "nope" on type "Query""#), None);
    }
}
