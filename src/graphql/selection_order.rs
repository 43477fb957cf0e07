//! Response objects in selection order. The spec orders a response map as the selection set
//! orders its fields (CollectFields: fragments spread in place, `@skip`/`@include` applied,
//! fields of one response key merged at the first one's place); async-graphql writes an object's
//! fields in the order its resolvers complete, so `integration` could come after `createdAt`
//! although selected before. Direct reads build objects in selection order already; the
//! resolvers' answers are put in that order here, once, after execution, and after the nulls of
//! their field errors are put in place (`field_errors.rs`).

use async_graphql::{
    Positioned, Request, Response, Value, Variables,
    indexmap::IndexMap,
    parser::types::{Directive, ExecutableDocument, Selection, SelectionSet},
};

/// What a response's order follows: the request's document, operation and variables, kept
/// before the request moves into its execution, and the validated document whose field types
/// complete its field errors.
#[derive(Debug)]
pub struct ResponseOrder {
    doc: ExecutableDocument,
    operation_name: Option<String>,
    variables: Variables,
    typed: crate::graphql::validator::ValidDocument,
}

impl ResponseOrder {
    /// The selection of a parsed request (`None` when it does not parse) and its validated
    /// document.
    pub fn of(
        request: &mut Request,
        typed: crate::graphql::validator::ValidDocument,
    ) -> Option<Self> {
        let doc = request.parsed_query().ok()?.clone();
        Some(Self {
            doc,
            operation_name: request.operation_name.clone(),
            variables: request.variables.clone(),
            typed,
        })
    }

    /// Puts the nulls of field errors in place, then orders every object of `response.data` as
    /// the operation selects its fields.
    pub fn reorder(&self, response: &mut Response) {
        crate::graphql::field_errors::complete(
            response,
            &self.typed,
            self.operation_name.as_deref(),
        );
        let operation =
            crate::graphql::scopes::operation_definition(&self.doc, self.operation_name.as_deref());
        let Some(operation) = operation else {
            return;
        };
        let order = Order {
            doc: &self.doc,
            variables: &self.variables,
        };
        let data = std::mem::take(&mut response.data);
        response.data = order.value(data, &[&operation.selection_set.node]);
    }
}

struct Order<'d> {
    doc: &'d ExecutableDocument,
    variables: &'d Variables,
}

impl<'d> Order<'d> {
    /// Whether `@skip`/`@include` leave a selection in.
    fn included(&self, directives: &[Positioned<Directive>]) -> bool {
        directives.iter().all(|directive| {
            let wanted = match directive.node.name.node.as_str() {
                "skip" => false,
                "include" => true,
                _ => return true,
            };
            let condition = directive.node.get_argument("if").and_then(|value| {
                value
                    .node
                    .clone()
                    .into_const_with(|name| self.variables.get(&name).cloned().ok_or(()))
                    .ok()
            });
            match condition {
                Some(Value::Boolean(b)) => b == wanted,
                _ => true,
            }
        })
    }

    /// The response keys of `sets` in selection order, each with the selection sets of its
    /// fields (merged).
    fn collect(
        &self,
        sets: &[&'d SelectionSet],
        keys: &mut Vec<(&'d str, Vec<&'d SelectionSet>)>,
        depth: usize,
    ) {
        // Fragment spreads nest no deeper than the document's checked expansion (limits.rs).
        if depth > 256 {
            return;
        }
        for set in sets {
            for item in &set.items {
                match &item.node {
                    Selection::Field(field) => {
                        if !self.included(&field.node.directives) {
                            continue;
                        }
                        let key = field
                            .node
                            .alias
                            .as_ref()
                            .unwrap_or(&field.node.name)
                            .node
                            .as_str();
                        let inner = &field.node.selection_set.node;
                        match keys.iter_mut().find(|(k, _)| *k == key) {
                            Some((_, sets)) => sets.push(inner),
                            None => keys.push((key, vec![inner])),
                        }
                    }
                    Selection::InlineFragment(fragment) => {
                        if self.included(&fragment.node.directives) {
                            self.collect(&[&fragment.node.selection_set.node], keys, depth + 1);
                        }
                    }
                    Selection::FragmentSpread(spread) => {
                        if !self.included(&spread.node.directives) {
                            continue;
                        }
                        if let Some(fragment) =
                            self.doc.fragments.get(&spread.node.fragment_name.node)
                        {
                            self.collect(&[&fragment.node.selection_set.node], keys, depth + 1);
                        }
                    }
                }
            }
        }
    }

    fn value(&self, value: Value, sets: &[&'d SelectionSet]) -> Value {
        match value {
            Value::Object(mut fields) => {
                let mut keys = Vec::new();
                self.collect(sets, &mut keys, 0);
                let mut ordered = IndexMap::with_capacity(fields.len());
                for (key, inner) in keys {
                    if let Some((name, value)) = fields.shift_remove_entry(key) {
                        ordered.insert(name, self.value(value, &inner));
                    }
                }
                // Anything the selection does not name (none expected) keeps its place after.
                ordered.extend(fields);
                Value::Object(ordered)
            }
            Value::List(items) => Value::List(
                items
                    .into_iter()
                    .map(|item| self.value(item, sets))
                    .collect(),
            ),
            other => other,
        }
    }
}
