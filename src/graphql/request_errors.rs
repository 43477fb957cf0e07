//! Request errors (validation and variable coercion, found before anything runs) get
//! `extensions.code = "VALIDATION"` and, when the message names one, the input `field`, so clients
//! handle a missing required field or an unknown enum value like any other VALIDATION error.

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

fn uncoded(error: &ServerError) -> bool {
    error
        .extensions
        .as_ref()
        .is_none_or(|ext| ext.get("code").is_none())
}

/// An argument that failed to parse, as async-graphql words it, and not one of ours (coded).
fn is_argument_error(error: &ServerError) -> bool {
    error.message.starts_with("Invalid value for argument")
        || error.message.starts_with("Expected input type")
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
    use super::field_of;

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
