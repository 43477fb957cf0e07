//! Reading an operation the way execution would: that its variables are all given, fields after
//! fragments and `@skip`/`@include`, and typed arguments.

use async_graphql::{
    InputType, Name, Value, Variables,
    parser::types::{
        Directive, ExecutableDocument, Field, OperationDefinition, Selection, SelectionSet,
    },
};

use super::{Decline, Direct};

/// One field of a selection set as it lands in the response.
pub(super) struct Selected<'a> {
    /// The response key (the alias, else the field's name).
    pub key: &'a Name,
    /// The field as written.
    pub field: &'a Field,
}

/// Declines an operation missing a variable value: the gateway has filled in declared defaults
/// (gateway.rs), so a variable still absent is the executor's to report or to treat as absent.
pub(super) fn check_variables(op: &OperationDefinition, given: &Variables) -> Direct<()> {
    if op
        .variable_definitions
        .iter()
        .all(|definition| given.contains_key(&definition.node.name.node))
    {
        Ok(())
    } else {
        Err(Decline)
    }
}

/// The fields of `set` on an object of type `type_name`, fragments inlined, skipped ones left out.
pub(super) fn fields<'a>(
    doc: &'a ExecutableDocument,
    vars: &Variables,
    set: &'a SelectionSet,
    type_name: &str,
) -> Direct<Vec<Selected<'a>>> {
    let mut out = Vec::with_capacity(set.items.len());
    collect(doc, vars, set, type_name, &mut out, 0)?;
    Ok(out)
}

fn collect<'a>(
    doc: &'a ExecutableDocument,
    vars: &Variables,
    set: &'a SelectionSet,
    type_name: &str,
    out: &mut Vec<Selected<'a>>,
    depth: usize,
) -> Direct<()> {
    // Fragment cycles are invalid documents; the bound only keeps a bug from recursing forever.
    if depth > 32 {
        return Err(Decline);
    }
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                let field = &field.node;
                if !included(vars, &field.directives)? {
                    continue;
                }
                let key = &field.response_key().node;
                // Selection sets are short: a scan finds a key selected before faster than a
                // hash map would.
                match out.iter().find(|seen| seen.key == key) {
                    None => out.push(Selected { key, field }),
                    // A leaf selected twice (say, directly and in a fragment) is one field.
                    Some(seen) if same_leaf(seen.field, field) => {}
                    // Otherwise sub-selections would merge; rare, so the executor does it.
                    Some(_) => return Err(Decline),
                }
            }
            Selection::FragmentSpread(spread) => {
                let spread = &spread.node;
                if !included(vars, &spread.directives)? {
                    continue;
                }
                let fragment = &doc
                    .fragments
                    .get(&spread.fragment_name.node)
                    .ok_or(Decline)?
                    .node;
                if !included(vars, &fragment.directives)? {
                    return Err(Decline);
                }
                if !applies(&fragment.type_condition.node.on.node, type_name)? {
                    continue;
                }
                collect(
                    doc,
                    vars,
                    &fragment.selection_set.node,
                    type_name,
                    out,
                    depth + 1,
                )?;
            }
            Selection::InlineFragment(inline) => {
                let inline = &inline.node;
                if !included(vars, &inline.directives)? {
                    continue;
                }
                if let Some(condition) = &inline.type_condition
                    && !applies(&condition.node.on.node, type_name)?
                {
                    continue;
                }
                collect(
                    doc,
                    vars,
                    &inline.selection_set.node,
                    type_name,
                    out,
                    depth + 1,
                )?;
            }
        }
    }
    Ok(())
}

/// Whether a fragment on `condition` applies to an object of type `type_name`: its own type or
/// the `Node` interface does, another `Node` type does not (a `node` field's selection names
/// several); anything else declines.
fn applies(condition: &str, type_name: &str) -> Direct<bool> {
    use crate::graphql::node_id::NODE_TYPES;
    if condition == type_name || condition == "Node" {
        Ok(true)
    } else if NODE_TYPES.contains(&condition) && NODE_TYPES.contains(&type_name) {
        Ok(false)
    } else {
        Err(Decline)
    }
}

/// Whether two fields with one response key are the same leaf field without arguments.
fn same_leaf(a: &Field, b: &Field) -> bool {
    a.name.node == b.name.node
        && a.arguments.is_empty()
        && b.arguments.is_empty()
        && a.selection_set.node.items.is_empty()
        && b.selection_set.node.items.is_empty()
}

/// Whether `@skip` / `@include` keep a selection; any other directive is the executor's.
fn included(vars: &Variables, directives: &[async_graphql::Positioned<Directive>]) -> Direct<bool> {
    let mut keep = true;
    for directive in directives {
        let directive = &directive.node;
        let condition = || -> Direct<bool> {
            let value = directive.get_argument("if").ok_or(Decline)?;
            let value = resolve(vars, &value.node)?;
            bool::parse(Some(value)).map_err(|_| Decline)
        };
        match directive.name.node.as_str() {
            "skip" => keep &= !condition()?,
            "include" => keep &= condition()?,
            _ => return Err(Decline),
        }
    }
    Ok(keep)
}

/// A value written in the document with its variables filled in.
fn resolve(vars: &Variables, value: &async_graphql_value::Value) -> Direct<Value> {
    value
        .clone()
        .into_const_with(|name| vars.get(&name).cloned().ok_or(Decline))
}

/// The argument `name` of `field`, parsed as its GraphQL input type (absent when not written).
pub(super) fn argument<T: InputType>(vars: &Variables, field: &Field, name: &str) -> Direct<T> {
    let value = match field.get_argument(name) {
        Some(value) => Some(resolve(vars, &value.node)?),
        None => None,
    };
    T::parse(value).map_err(|_| Decline)
}

/// Whether `field` has arguments other than `allowed` (a field the plan does not know how to
/// read with them).
pub(super) fn has_other_arguments(field: &Field, allowed: &[&str]) -> bool {
    field
        .arguments
        .iter()
        .any(|(name, _)| !allowed.contains(&name.node.as_str()))
}
