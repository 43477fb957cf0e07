//! Field errors as the spec completes them. When a field raises an error, its value is null
//! (the error names its path), and a null in a non-null position makes its parent null in turn,
//! up to the nearest nullable position, or `data` itself (the spec's "Handling Execution
//! Errors"). async-graphql instead leaves the failed field out of its object (and writes an object
//! all of whose fields failed as null): a response with keys the selection asked for missing,
//! which clients such as Relay read as malformed. This pass puts the nulls where the spec puts
//! them, using the field types of the validated document, once, after execution and before
//! `selection_order` orders the keys.

use apollo_compiler::{
    ExecutableDocument, Node,
    ast::Type,
    executable::{Field, Selection, SelectionSet},
    validation::Valid,
};
use async_graphql::{PathSegment, Response, Value, indexmap::IndexMap};

/// Every field of `sets` with response key `key`, fragments spread (whatever their type
/// conditions and directives: fields of one response key have one response shape, by
/// validation's OverlappingFieldsCanBeMerged).
fn fields_named<'d>(
    doc: &'d ExecutableDocument,
    sets: &[&'d SelectionSet],
    key: &str,
    out: &mut Vec<&'d Node<Field>>,
    depth: usize,
) {
    // Fragment nesting is bounded by the document's checked expansion (limits.rs).
    if depth > 64 {
        return;
    }
    for set in sets {
        for selection in &set.selections {
            match selection {
                Selection::Field(field) => {
                    if field.response_key().as_str() == key {
                        out.push(field);
                    }
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = doc.fragments.get(&spread.fragment_name) {
                        fields_named(doc, &[&fragment.selection_set], key, out, depth + 1);
                    }
                }
                Selection::InlineFragment(inline) => {
                    fields_named(doc, &[&inline.selection_set], key, out, depth + 1);
                }
            }
        }
    }
}

/// The type of each step of `path` below the operation's `root` selection set: a field's type
/// for a field, the list's item type for an index. `None` when the path leaves the selection
/// (an error that is not a field's).
fn types_along(
    doc: &ExecutableDocument,
    root: &SelectionSet,
    path: &[PathSegment],
) -> Option<Vec<Type>> {
    let mut types: Vec<Type> = Vec::with_capacity(path.len());
    let mut sets: Vec<&SelectionSet> = vec![root];
    for segment in path {
        match segment {
            PathSegment::Field(key) => {
                let mut fields = Vec::new();
                fields_named(doc, &sets, key, &mut fields, 0);
                let first = fields.first()?;
                types.push(first.ty().clone());
                sets = fields.iter().map(|f| &f.selection_set).collect();
            }
            PathSegment::Index(_) => {
                let list = types.last()?;
                if !list.is_list() {
                    return None;
                }
                types.push(list.item_type().clone());
            }
        }
    }
    Some(types)
}

/// The value at `path` in `data`, made reachable: an object async-graphql wrote as null because
/// every one of its fields failed is an object again (its fields ran, so it was one).
fn slot<'v>(data: &'v mut Value, path: &[PathSegment]) -> Option<&'v mut Value> {
    let mut at = data;
    for segment in path {
        at = match segment {
            PathSegment::Field(key) => {
                if *at == Value::Null {
                    *at = Value::Object(IndexMap::new());
                }
                let Value::Object(map) = at else {
                    return None;
                };
                map.entry(async_graphql::Name::new(key))
                    .or_insert(Value::Null)
            }
            PathSegment::Index(i) => match at {
                Value::List(items) => items.get_mut(*i)?,
                _ => return None,
            },
        };
    }
    Some(at)
}

/// Puts the nulls of `response`'s field errors where the spec puts them.
pub fn complete(
    response: &mut Response,
    doc: &Valid<ExecutableDocument>,
    operation_name: Option<&str>,
) {
    if response.errors.iter().all(|e| e.path.is_empty()) {
        return;
    }
    let Ok(operation) = doc.operations.get(operation_name) else {
        return;
    };
    // Deepest paths first, and none below a position already made null: a null placed for one
    // error must not be reopened by walking into it for another.
    let mut paths: Vec<&[PathSegment]> = response
        .errors
        .iter()
        .map(|e| e.path.as_slice())
        .filter(|p| !p.is_empty())
        .collect();
    paths.sort_by_key(|p| std::cmp::Reverse(p.len()));
    let mut nulled: Vec<&[PathSegment]> = Vec::new();
    for path in paths {
        if response.data == Value::Null {
            // A null reached `data`: nothing below it to place.
            return;
        }
        if nulled.iter().any(|n| path.starts_with(n)) {
            continue;
        }
        let Some(types) = types_along(doc, &operation.selection_set, path) else {
            continue;
        };
        // The failed field is null; a null where the type is non-null goes up a step.
        let mut end = path.len();
        while end > 0 && types[end - 1].is_non_null() {
            end -= 1;
        }
        if end == 0 {
            response.data = Value::Null;
            return;
        }
        if let Some(value) = slot(&mut response.data, &path[..end]) {
            *value = Value::Null;
            nulled.push(&path[..end]);
        }
    }
}

#[cfg(test)]
mod tests {
    use apollo_compiler::Schema;
    use async_graphql::ServerError;
    use serde_json::json;

    use super::*;

    const SDL: &str = "type Query { a: A, b: B!, list: [A!], items: [A] }
        type A { x: Int, y: Int!, z: A }
        type B { x: Int }";

    /// `data` after completing the errors at `paths`, for `query`.
    fn completed(
        query: &str,
        data: serde_json::Value,
        paths: &[serde_json::Value],
    ) -> serde_json::Value {
        let schema = Schema::parse_and_validate(SDL, "s.graphql").unwrap();
        let doc = ExecutableDocument::parse_and_validate(&schema, query, "q.graphql").unwrap();
        let mut response = Response::new(Value::from_json(data).unwrap());
        for path in paths {
            let mut error = ServerError::new("failed", None);
            error.path = serde_json::from_value(path.clone()).unwrap();
            response.errors.push(error);
        }
        complete(&mut response, &doc, None);
        response.data.into_json().unwrap()
    }

    #[test]
    fn a_failed_field_is_null_and_a_null_in_a_non_null_place_goes_up() {
        let q = "{ a { x y z { x y } } b { x } list { y } items { y } }";
        let full = || {
            json!({
                "a": {"y": 1, "z": {"x": 1}},
                "b": {"x": 1},
                "list": [{"y": 1}, {}],
                "items": [{"y": 1}, {}],
            })
        };
        // A nullable field: null in its place (async-graphql left it out).
        assert_eq!(
            completed(q, full(), &[json!(["a", "x"])])["a"],
            json!({"y": 1, "z": {"x": 1}, "x": null})
        );
        // A non-null field: its object is null; deeper, up to the nullable `z`.
        assert_eq!(completed(q, full(), &[json!(["a", "y"])])["a"], json!(null));
        assert_eq!(
            completed(q, full(), &[json!(["a", "z", "y"])])["a"]["z"],
            json!(null)
        );
        // In a list of non-null items the list is null; of nullable items, the item.
        assert_eq!(
            completed(q, full(), &[json!(["list", 1, "y"])])["list"],
            json!(null)
        );
        assert_eq!(
            completed(q, full(), &[json!(["items", 1, "y"])])["items"],
            json!([{"y": 1}, null])
        );
        // A non-null root field: `data` is null.
        assert_eq!(
            completed(q, full(), &[json!(["b", "x"]), json!(["b"])]),
            json!(null)
        );
        // An object whose every field failed (async-graphql wrote null) is an object again.
        let q = "{ a { x } }";
        assert_eq!(
            completed(q, json!({"a": null}), &[json!(["a", "x"])]),
            json!({"a": {"x": null}})
        );
        // Two errors under one null: the null stays.
        let q = "{ a { y z { x } } }";
        assert_eq!(
            completed(
                q,
                json!({"a": {"z": null}}),
                &[json!(["a", "y"]), json!(["a", "z", "x"])]
            ),
            json!({"a": null})
        );
        // Aliases and fragments name the response key.
        let q = "{ first: a { ...F } } fragment F on A { renamed: y }";
        assert_eq!(
            completed(q, json!({"first": {}}), &[json!(["first", "renamed"])]),
            json!({"first": null})
        );
    }
}
