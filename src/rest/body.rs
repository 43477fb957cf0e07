//! Request bodies: JSON (the vendor's dash-case keys, or underscores) or the vendor's Rails-style
//! XML (`Content-Type: application/xml`: root element named as the object, typed scalars,
//! `nil="true"`), bounded before anything reads them, and held to what the endpoint takes. A
//! field the endpoint does not take is refused by name (422) instead of being dropped in silence:
//! an integration that sent it would believe it saved. Which fields an endpoint takes is read off
//! the input type's OpenAPI schema, so the document and the server cannot disagree.

use std::{
    any::TypeId,
    collections::HashMap,
    sync::{Arc, OnceLock, RwLock},
};

use axum::body::Bytes;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::{
    error::RestError,
    xml_body::{XmlLimits, from_xml},
};
use crate::domain::input::{InputLimits, Walk};

/// The media type of a request body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BodyFormat {
    Json,
    Xml,
}

impl BodyFormat {
    /// By `Content-Type`: XML for `application/xml`, `text/xml` and `+xml` types; JSON for
    /// everything else (the vendor's clients often send none).
    fn of(content_type: Option<&str>) -> Self {
        let media = content_type
            .and_then(|c| c.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase())
            .unwrap_or_default();
        if media == "application/xml" || media == "text/xml" || media.ends_with("+xml") {
            BodyFormat::Xml
        } else {
            BodyFormat::Json
        }
    }
}

/// Parses a body for `object` into a JSON object with dash-case keys (`total_records` →
/// `total-records`, except inside the free-form `flow`); an empty body is `{}`. Bounded (depth,
/// list lengths, printable text) before anything reads it: a 400, or a 422 naming the path.
pub fn parse(
    limits: &InputLimits,
    object: &str,
    content_type: Option<&str>,
    bytes: &Bytes,
) -> Result<Value, RestError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    let value = match BodyFormat::of(content_type) {
        BodyFormat::Json => {
            let value: Value = serde_json::from_slice(bytes).map_err(|e| {
                RestError::bad_request(object, format!("the body is not JSON: {e}"))
            })?;
            // An optional body (a run's action) may be sent as `null`: no fields.
            if value.is_null() {
                return Ok(Value::Object(Map::new()));
            }
            if !value.is_object() {
                return Err(RestError::bad_request(
                    object,
                    "the body must be a JSON object",
                ));
            }
            value
        }
        BodyFormat::Xml => {
            let limits = XmlLimits::for_input(limits);
            let (root, value) =
                from_xml(bytes, &limits).map_err(|m| RestError::bad_request(object, m))?;
            if root != object {
                return Err(RestError::bad_request(
                    object,
                    format!(
                        "the XML body's root element is <{root}>; this endpoint takes <{object}>"
                    ),
                ));
            }
            match value {
                Value::Object(_) => value,
                // `<integration-run/>`: no fields.
                Value::Null => Value::Object(Map::new()),
                _ => {
                    return Err(RestError::bad_request(
                        object,
                        format!("the XML body's <{object}> must hold fields"),
                    ));
                }
            }
        }
    };
    Walk::check(limits, "", &value, &|_| None)
        .map_err(|v| RestError::unprocessable(object, vec![v.to_string()]))?;
    Ok(dash_keys(value))
}

/// Reads a parsed body into `T`, holding it to what `T` takes:
/// - on an update (`current` is the object as shown now), leaves out every top-level field sent
///   with the value it has, and every list item it already holds: sending back what was read
///   changes nothing and is not refused;
/// - refuses every field left that `T`'s schema does not list (the server's own fields such as
///   `id` or `created-at`, or fields the object does not have), naming each (422);
/// - deserializes.
pub fn accept<T: DeserializeOwned + ToSchema + 'static>(
    object: &str,
    mut value: Value,
    updating: bool,
    current: Option<&Value>,
) -> Result<T, RestError> {
    if let (Value::Object(map), Some(Value::Object(current))) = (&mut value, current) {
        leave_out_unchanged(map, current);
    }
    let refused = unaccepted::<T>(&value);
    if !refused.is_empty() {
        let messages = refused
            .into_iter()
            .map(|path| {
                if updating && current.is_some_and(|c| c.get(&path).is_some()) {
                    format!("{path} cannot be changed through this endpoint")
                } else if is_output_only(&path) {
                    format!("{path} is set by the server and cannot be written")
                } else {
                    format!("{path} is not a field this endpoint takes")
                }
            })
            .collect();
        return Err(RestError::unprocessable(object, messages));
    }
    serde_json::from_value(value)
        .map_err(|e| RestError::bad_request(object, format!("the body cannot be read: {e}")))
}

/// The fields every object carries and only the server writes.
fn is_output_only(field: &str) -> bool {
    matches!(
        field,
        "id" | "created-at" | "updated-at" | "created-by" | "updated-by"
    )
}

/// Rewrites object keys `a_b` → `a-b`, and whole numbers written as decimals (`12.0`, an
/// integer to JSON Schema) as integers, leaving the contents of `flow` as given.
fn dash_keys(value: Value) -> Value {
    match value {
        Value::Number(n) if n.is_f64() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(f as i64),
            _ => Value::Number(n),
        },
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

/// Removes the fields of `body` that `current` shows with the same value, and the items of a
/// list that `current`'s list of that name already holds.
fn leave_out_unchanged(body: &mut Map<String, Value>, current: &Map<String, Value>) {
    body.retain(|key, value| {
        let Some(now) = current.get(key) else {
            return true;
        };
        if same(value, now) {
            return false;
        }
        if let (Value::Array(items), Value::Array(held)) = (&mut *value, now) {
            items.retain(|item| !held.iter().any(|h| same(item, h)));
        }
        true
    });
}

/// Equal values, numbers compared as numbers (XML and JSON may write `1` and `1.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w))
        }
        _ => a == b,
    }
}

/// The paths of the fields of `value` that `T`'s schema does not list (`id`,
/// `responses[0].id`), in body order.
pub fn unaccepted<T: ToSchema + 'static>(value: &Value) -> Vec<String> {
    let schema = input_schema::<T>();
    let mut out = Vec::new();
    walk(value, &schema.root, &schema.components, "", &mut out);
    out
}

/// An input type's OpenAPI schema as JSON, with the component schemas it refers to.
struct InputSchema {
    root: Value,
    components: HashMap<String, Value>,
}

/// `T`'s schema, built once per type: it is fixed at compile time, and serialising it took a
/// good part of every write's CPU.
fn input_schema<T: ToSchema + 'static>() -> Arc<InputSchema> {
    static CACHE: OnceLock<RwLock<HashMap<TypeId, Arc<InputSchema>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = TypeId::of::<T>();
    if let Some(found) = cache.read().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return found.clone();
    }
    let mut components = Vec::new();
    T::schemas(&mut components);
    let built = Arc::new(InputSchema {
        root: serde_json::to_value(T::schema()).unwrap_or(Value::Null),
        components: components
            .into_iter()
            .filter_map(|(name, schema)| serde_json::to_value(schema).ok().map(|s| (name, s)))
            .collect(),
    });
    cache
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .entry(key)
        .or_insert(built)
        .clone()
}

/// The schema `schema` stands for: `$ref`s followed, `oneOf`/`anyOf`/`allOf` alternatives other
/// than `null` merged (our inputs use them only for optional values).
fn resolve<'a>(
    schema: &'a Value,
    components: &'a HashMap<String, Value>,
    depth: usize,
) -> Vec<&'a Value> {
    // Schemas are ours and shallow; the bound only keeps a bad reference cycle from looping.
    if depth > 16 {
        return Vec::new();
    }
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        return components
            .get(name)
            .map(|s| resolve(s, components, depth + 1))
            .unwrap_or_default();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(alternatives)) = schema.get(key) {
            return alternatives
                .iter()
                .flat_map(|a| resolve(a, components, depth + 1))
                .collect();
        }
    }
    vec![schema]
}

fn walk(
    value: &Value,
    schema: &Value,
    components: &HashMap<String, Value>,
    path: &str,
    out: &mut Vec<String>,
) {
    let schemas = resolve(schema, components, 0);
    match value {
        Value::Object(map) => {
            let objects: Vec<&Map<String, Value>> = schemas
                .iter()
                .filter_map(|s| s.get("properties").and_then(Value::as_object))
                .collect();
            // A free-form object (`flow`) lists no properties: anything goes inside it.
            if objects.is_empty() {
                return;
            }
            for (key, v) in map {
                let field = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match objects.iter().find_map(|p| p.get(key)) {
                    Some(property) => walk(v, property, components, &field, out),
                    None => out.push(field),
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schemas.iter().find_map(|s| s.get("items")) {
                for (i, item) in items.iter().enumerate() {
                    walk(item, item_schema, components, &format!("{path}[{i}]"), out);
                }
            }
        }
        _ => {}
    }
}

/// Parses an optional enum field, collecting its error.
pub fn enum_field<T: std::str::FromStr<Err = String>>(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_keys_accept_underscores_but_flow_is_kept_as_given() {
        let v = dash_keys(
            serde_json::json!({"total_records": 1.0, "flow": {"a_b": 1.0}, "responses": [{"response_code": "x"}]}),
        );
        assert_eq!(
            v,
            serde_json::json!({"total-records": 1, "flow": {"a_b": 1.0}, "responses": [{"response-code": "x"}]})
        );
    }

    #[test]
    fn fields_sent_back_unchanged_are_left_out_and_held_list_items_too() {
        let current =
            serde_json::json!({"id": 3, "status": "x", "responses": [{"id": 1}, {"id": 2}]});
        let mut body = serde_json::json!({"id": 3.0, "status": "y", "responses": [{"id": 2}, {"response-code": "n"}]});
        leave_out_unchanged(body.as_object_mut().unwrap(), current.as_object().unwrap());
        assert_eq!(
            body,
            serde_json::json!({"status": "y", "responses": [{"response-code": "n"}]})
        );
    }
}
