//! The pieces of an answer: one object or a list, shaped by `return_object` and `fields`, and
//! the vendor's way of writing ids and timestamps.

use axum::http::StatusCode;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::Value;

use super::{
    error::RestError,
    format::{self, Reply, View, shape},
    query::{self, Options},
};
use crate::error::AppError;

/// Maps a service error about `object`.
pub fn app_error(object: &'static str) -> impl Fn(AppError) -> RestError {
    move |e| RestError::app(object, e)
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

/// A timestamp as the vendor writes it: to the second, with the offset
/// (`2026-11-23T13:01:15+00:00`). GraphQL's `DateTime` keeps the stored precision.
pub fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// Serializes a rendered object (never fails for our plain structs).
pub fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_written_to_the_second_with_their_offset() {
        let at = DateTime::parse_from_rfc3339("2026-11-23T13:01:15.123456Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(time(at), "2026-11-23T13:01:15+00:00");
    }
}
