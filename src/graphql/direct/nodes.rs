//! Objects for direct reads: the fields of a set of rows as a selection asks for them, and their
//! relations (one statement per relation and level, for all parents at once). The fields
//! themselves come from each type's one declaration (`graphql/types/object.rs`), which generates
//! its [`Node`] implementation beside its resolvers.

use std::collections::HashMap;

use async_graphql::{
    Value,
    indexmap::IndexMap,
    parser::types::{Field, SelectionSet},
};
use futures_util::future::{BoxFuture, try_join_all};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{Cx, Decline, Direct};
use crate::service::{columns::Columns, paging};

/// A row type that is a GraphQL object type (`Default`: a row read in part leaves the fields of
/// the columns it did not read at their defaults).
pub(crate) trait Node: Clone + Default + Send + Sync + Sized + 'static {
    /// The table.
    type Entity: EntityTrait<Model = Self>;
    /// The GraphQL type's name (`__typename`).
    const TYPE: &'static str;
    /// The primary key.
    fn id(&self) -> i32;
    /// The primary key's column.
    fn id_column() -> <Self::Entity as EntityTrait>::Column;
    /// Each field's name with the column its value reads (the key column of a relation to
    /// another row, the id for a list of children).
    const COLUMNS: &'static [(&'static str, &'static str)];
    /// How a scalar field's value is read from a row (found once per selection, not per row);
    /// `None` for a field that is not a scalar field of the type.
    fn scalar(field: &str) -> Option<fn(&Self) -> Direct<Value>>;
    /// A relation field's value for each of `parents`; `None` for a field that is not one.
    fn relation<'a>(
        cx: &'a Cx<'a>,
        parents: &'a [&'a Self],
        field: &'a Field,
    ) -> Option<BoxFuture<'a, Direct<Vec<Value>>>>;
}

/// Adds to `columns` those of `N`'s rows that `set` reads: the id, then each selected field's
/// column (a field that is none of the type's is left to [`objects`], which declines it).
pub(super) fn columns_of<'a, N: Node>(
    cx: &Cx<'a>,
    set: &'a SelectionSet,
    columns: &mut Columns<N::Entity>,
) -> Direct<()> {
    columns.add(N::id_column());
    for selected in cx.fields(set, N::TYPE)? {
        let name = selected.field.name.node.as_str();
        if let Some((_, column)) = N::COLUMNS.iter().find(|(field, _)| *field == name) {
            columns.add_named(column);
        }
    }
    Ok(())
}

/// The columns of `N`'s rows that `set` reads.
pub(super) fn columns<'a, N: Node>(
    cx: &Cx<'a>,
    set: &'a SelectionSet,
) -> Direct<Columns<N::Entity>> {
    let mut columns = Columns::none();
    columns_of::<N>(cx, set, &mut columns)?;
    Ok(columns)
}

/// How a field of an object is answered.
enum Source<N> {
    Typename,
    /// How the row's value is read.
    Scalar(fn(&N) -> Direct<Value>),
    /// The index of the relation's loaded values.
    Relation(usize),
}

/// The objects `items` as `set` selects them, in order.
pub(super) fn objects<'a, N: Node>(
    cx: &'a Cx<'a>,
    items: &'a [&'a N],
    set: &'a SelectionSet,
) -> BoxFuture<'a, Direct<Vec<Value>>> {
    Box::pin(async move {
        let fields = cx.fields(set, N::TYPE)?;
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let mut sources = Vec::with_capacity(fields.len());
        let mut loads = Vec::new();
        for selected in &fields {
            let name = selected.field.name.node.as_str();
            sources.push(if name == "__typename" {
                Source::Typename
            } else if let Some(load) = N::relation(cx, items, selected.field) {
                loads.push(load);
                Source::Relation(loads.len() - 1)
            } else if selected.field.arguments.is_empty() {
                Source::Scalar(N::scalar(name).ok_or(Decline)?)
            } else {
                // No declared value field takes arguments; one that would is not ours to read.
                return Err(Decline);
            });
        }
        // The relations of one level load concurrently, as the executor's loaders would.
        let mut columns: Vec<std::vec::IntoIter<Value>> = try_join_all(loads)
            .await?
            .into_iter()
            .map(Vec::into_iter)
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let mut object = IndexMap::with_capacity(fields.len());
            for (selected, source) in fields.iter().zip(&sources) {
                let value = match source {
                    Source::Typename => Value::String(N::TYPE.to_owned()),
                    Source::Relation(i) => columns[*i].next().ok_or(Decline)?,
                    Source::Scalar(read) => read(item)?,
                };
                object.insert(selected.key.clone(), value);
            }
            out.push(Value::Object(object));
        }
        Ok(out)
    })
}

/// For each parent, the object its foreign key `key` points at (null when the key is null).
/// A missing row behind a required relation is the executor's to report.
pub(crate) async fn belongs_to<'a, P, C: Node>(
    cx: &'a Cx<'a>,
    parents: &'a [&'a P],
    key: fn(&P) -> Option<i32>,
    field: &'a Field,
    required: bool,
) -> Direct<Vec<Value>> {
    let mut ids: Vec<i32> = parents.iter().filter_map(|p| key(p)).collect();
    ids.sort_unstable();
    ids.dedup();
    let rows = if ids.is_empty() {
        Vec::new()
    } else {
        let columns = columns::<C>(cx, &field.selection_set.node)?;
        let select = columns.find().filter(paging::id_in(
            cx.db.get_database_backend(),
            C::id_column(),
            &ids,
        ));
        columns.read(cx.db, select).await?
    };
    let refs: Vec<&C> = rows.iter().collect();
    let values = objects(cx, &refs, &field.selection_set.node).await?;
    let by_id: HashMap<i32, Value> = rows.iter().map(Node::id).zip(values).collect();
    parents
        .iter()
        .map(|p| match key(p) {
            None if required => Err(Decline),
            None => Ok(Value::Null),
            Some(id) => match by_id.get(&id) {
                Some(value) => Ok(value.clone()),
                None if required => Err(Decline),
                None => Ok(Value::Null),
            },
        })
        .collect()
}

/// For each parent, every child whose `parent_col` points at it, oldest first (unpaged lists).
pub(crate) async fn children<'a, P: Node, C: Node>(
    cx: &'a Cx<'a>,
    parents: &'a [&'a P],
    parent_col: <C::Entity as EntityTrait>::Column,
    parent_of: fn(&C) -> Option<i32>,
    field: &'a Field,
) -> Direct<Vec<Value>> {
    children_where::<P, C>(cx, parents, parent_col, parent_of, None, field).await
}

/// Like [`children`], only the active ones (`active_col` true) unless the field's
/// `includeInactive` argument is true (an integration's contacts).
pub(crate) async fn active_children<'a, P: Node, C: Node>(
    cx: &'a Cx<'a>,
    parents: &'a [&'a P],
    parent_col: <C::Entity as EntityTrait>::Column,
    parent_of: fn(&C) -> Option<i32>,
    active_col: <C::Entity as EntityTrait>::Column,
    field: &'a Field,
) -> Direct<Vec<Value>> {
    if super::selection::has_other_arguments(field, &["includeInactive"]) {
        return Err(Decline);
    }
    let include_inactive: Option<bool> = cx.argument(field, "includeInactive")?;
    let only_active = (!include_inactive.unwrap_or(false)).then_some(active_col);
    children_where::<P, C>(cx, parents, parent_col, parent_of, only_active, field).await
}

/// [`children`], with only the rows whose `only_true` column is true when it is given.
async fn children_where<'a, P: Node, C: Node>(
    cx: &'a Cx<'a>,
    parents: &'a [&'a P],
    parent_col: <C::Entity as EntityTrait>::Column,
    parent_of: fn(&C) -> Option<i32>,
    only_true: Option<<C::Entity as EntityTrait>::Column>,
    field: &'a Field,
) -> Direct<Vec<Value>> {
    let ids: Vec<i32> = parents.iter().map(|p| p.id()).collect();
    let mut columns = columns::<C>(cx, &field.selection_set.node)?;
    // `parent_of` reads it.
    columns.add(parent_col);
    let mut select = columns
        .find()
        .filter(paging::id_in(
            cx.db.get_database_backend(),
            parent_col,
            &ids,
        ))
        .order_by_asc(C::id_column());
    if let Some(column) = only_true {
        select = select.filter(column.eq(true));
    }
    let rows = columns.read(cx.db, select).await?;
    let refs: Vec<&C> = rows.iter().collect();
    let values = objects(cx, &refs, &field.selection_set.node).await?;
    let mut by_parent: HashMap<i32, Vec<Value>> = HashMap::new();
    for (row, value) in rows.iter().zip(values) {
        if let Some(parent) = parent_of(row) {
            by_parent.entry(parent).or_default().push(value);
        }
    }
    // A page never holds a row twice, so each parent's list can move out; should a parent
    // repeat, every parent gets a copy instead.
    let unique = {
        let mut seen = std::collections::HashSet::with_capacity(parents.len());
        parents.iter().all(|p| seen.insert(p.id()))
    };
    Ok(parents
        .iter()
        .map(|p| {
            let list = if unique {
                by_parent.remove(&p.id())
            } else {
                by_parent.get(&p.id()).cloned()
            };
            Value::List(list.unwrap_or_default())
        })
        .collect())
}
