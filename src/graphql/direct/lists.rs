//! Connections (Relay lists) for direct reads: the page of a root list or the pages of a nested
//! list for all parents at once (the same `service::paging` statements the resolvers use), and
//! the connection objects (`edges`, `nodes`, `pageInfo`, `totalCount`) built from them.

use std::collections::HashMap;

use async_graphql::{InputType, Value, indexmap::IndexMap, parser::types::Field};
use futures_util::future::BoxFuture;
use sea_orm::{Condition, EntityTrait};

use super::{
    Cx, Decline, Direct,
    nodes::{Node, columns_of, objects},
    selection::Selected,
};
use crate::service::{
    columns::Columns,
    paging::{self, Page, PageArgs, Sort},
};

/// The GraphQL names of a connection type and its edge type.
#[derive(Clone, Copy)]
pub(crate) struct Names {
    connection: &'static str,
    edge: &'static str,
}

impl Names {
    pub(crate) const INTEGRATIONS: Self = Self {
        connection: "IntegrationConnection",
        edge: "IntegrationEdge",
    };
    pub(crate) const RUNS: Self = Self {
        connection: "IntegrationRunConnection",
        edge: "IntegrationRunEdge",
    };
    pub(crate) const ERRORS: Self = Self {
        connection: "IntegrationErrorConnection",
        edge: "IntegrationErrorEdge",
    };
    pub(crate) const RECORDS: Self = Self {
        connection: "IntegrationHistoryRecordConnection",
        edge: "IntegrationHistoryRecordEdge",
    };
    pub(crate) const ALERTS: Self = Self {
        connection: "IntegrationAlertConnection",
        edge: "IntegrationAlertEdge",
    };
}

/// A list's filter input type.
pub(crate) trait ListFilter: InputType {
    /// The SQL condition of the filter.
    fn condition(&self, backend: sea_orm::DbBackend) -> Condition;
}

/// A list's ordering input type over the rows of `E`.
pub(crate) trait ListOrder<E: EntityTrait>: InputType + Default {
    /// The sort key of the ordering.
    fn sort(self) -> Sort<E::Column>;
}

/// The arguments every list field takes.
const LIST_ARGUMENTS: &[&str] = &[
    "filter", "orderBy", "first", "after", "last", "before", "offset", "limit",
];

/// A list's filter condition, ordering and paging.
type ListArgs<E> = (Condition, Sort<<E as EntityTrait>::Column>, PageArgs);

/// A list field's filter condition, ordering and paging, as its resolver reads them.
fn list_args<C: Node, F: ListFilter, O: ListOrder<C::Entity>>(
    cx: &Cx<'_>,
    field: &Field,
) -> Direct<ListArgs<C::Entity>> {
    if super::selection::has_other_arguments(field, LIST_ARGUMENTS) {
        return Err(Decline);
    }
    let filter: Option<F> = cx.argument(field, "filter")?;
    let order: Option<O> = cx.argument(field, "orderBy")?;
    let paging = PageArgs {
        first: cx.argument(field, "first")?,
        after: cx.argument(field, "after")?,
        last: cx.argument(field, "last")?,
        before: cx.argument(field, "before")?,
        offset: cx.argument(field, "offset")?,
        limit: cx.argument(field, "limit")?,
    };
    let backend = cx.db.get_database_backend();
    let condition = filter
        .map(|f| f.condition(backend))
        .unwrap_or_else(Condition::all);
    Ok((condition, order.unwrap_or_default().sort(), paging))
}

/// A root list field (`integrationRuns`, …): one page and, when asked, the whole list's count.
pub(crate) async fn root_list<'a, C: Node, F: ListFilter, O: ListOrder<C::Entity>>(
    cx: &'a Cx<'a>,
    field: &'a Field,
    names: Names,
) -> Direct<Value> {
    let (condition, sort, args) = list_args::<C, F, O>(cx, field)?;
    let fields = cx.fields(&field.selection_set.node, names.connection)?;
    let columns = node_columns::<C>(cx, &fields, names)?;
    // The condition is copied for the count only when one is asked for (a copy of a filter's
    // expression tree is dozens of allocations).
    let counted = counts(&fields).then(|| condition.clone());
    let page = paging::fetch_page_of::<C::Entity, _>(
        cx.db,
        condition,
        sort,
        C::id_column(),
        &args,
        &columns,
    )
    .await?;
    let pages = [page];
    let count = counted.map(|condition| -> Count<'a> {
        Box::pin(async move { Ok(vec![paging::count::<C::Entity, _>(cx.db, condition).await?]) })
    });
    let mut values = connections(cx, &pages, &fields, names, count).await?;
    values.pop().ok_or(Decline)
}

/// A nested list field (a run's `integrationErrors`, …) for every parent: one statement for the
/// pages and, when asked, one for the counts.
pub(crate) async fn child_pages<'a, P: Node, C: Node, F: ListFilter, O: ListOrder<C::Entity>>(
    cx: &'a Cx<'a>,
    parents: &'a [&'a P],
    field: &'a Field,
    parent_col: <C::Entity as EntityTrait>::Column,
    names: Names,
) -> Direct<Vec<Value>> {
    let (condition, sort, args) = list_args::<C, F, O>(cx, field)?;
    let ids: Vec<i32> = parents.iter().map(|p| p.id()).collect();
    let fields = cx.fields(&field.selection_set.node, names.connection)?;
    let columns = node_columns::<C>(cx, &fields, names)?;
    let counted = counts(&fields).then(|| condition.clone());
    let mut by_parent = paging::fetch_pages_by_parent_of::<C::Entity, _>(
        cx.db,
        (parent_col, &ids),
        condition,
        sort,
        C::id_column(),
        &args,
        &columns,
    )
    .await?;
    let pages: Vec<Page<C>> = ids
        .iter()
        .map(|id| by_parent.remove(id).unwrap_or_default())
        .collect();
    let count = counted.map(|condition| -> Count<'a> {
        Box::pin(async move {
            let counts: HashMap<i32, u64> =
                paging::count_by_parent::<C::Entity, _>(cx.db, parent_col, &ids, condition).await?;
            Ok(ids
                .iter()
                .map(|id| counts.get(id).copied().unwrap_or(0))
                .collect())
        })
    });
    connections(cx, &pages, &fields, names, count).await
}

/// The count of each page's whole list, read only when `totalCount` is selected.
type Count<'a> = BoxFuture<'a, Direct<Vec<u64>>>;

/// Whether a connection's `fields` select its `totalCount`.
fn counts(fields: &[Selected<'_>]) -> bool {
    fields
        .iter()
        .any(|selected| selected.field.name.node == "totalCount")
}

/// The columns of the rows of a connection whose `fields` are selected: those its `nodes` and its
/// edges' `node` read (the paging adds the id and the ordering's and the parent's columns).
fn node_columns<'a, C: Node>(
    cx: &Cx<'a>,
    fields: &[Selected<'a>],
    names: Names,
) -> Direct<Columns<C::Entity>> {
    let mut columns = Columns::none();
    columns.add(C::id_column());
    for selected in fields {
        let sub = &selected.field.selection_set.node;
        match selected.field.name.node.as_str() {
            "nodes" => columns_of::<C>(cx, sub, &mut columns)?,
            "edges" => {
                for edge in cx.fields(sub, names.edge)? {
                    if edge.field.name.node == "node" {
                        columns_of::<C>(cx, &edge.field.selection_set.node, &mut columns)?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(columns)
}

/// The connection object of each page with these `fields` selected; `count` is there when
/// `totalCount` is among them.
async fn connections<'a, C: Node>(
    cx: &'a Cx<'a>,
    pages: &'a [Page<C>],
    fields: &[Selected<'a>],
    names: Names,
    mut count: Option<Count<'a>>,
) -> Direct<Vec<Value>> {
    let items: Vec<&C> = pages
        .iter()
        .flat_map(|p| p.items.iter().map(|(_, m)| m))
        .collect();
    // Each selected field's value for every page, in field order.
    let mut columns: Vec<Vec<Value>> = Vec::with_capacity(fields.len());
    for selected in fields {
        let sub = &selected.field.selection_set.node;
        let column = match selected.field.name.node.as_str() {
            "__typename" => vec![Value::String(names.connection.to_owned()); pages.len()],
            "totalCount" => {
                let counts = count.take().ok_or(Decline)?.await?;
                counts
                    .into_iter()
                    .map(|n| Value::Number(n.into()))
                    .collect()
            }
            "pageInfo" => pages
                .iter()
                .map(|page| page_info(cx, page, sub))
                .collect::<Direct<_>>()?,
            "nodes" => {
                let mut nodes = objects(cx, &items, sub).await?.into_iter();
                pages
                    .iter()
                    .map(|p| Value::List(nodes.by_ref().take(p.items.len()).collect()))
                    .collect()
            }
            "edges" => edges(cx, pages, &items, sub, names.edge).await?,
            _ => return Err(Decline),
        };
        if column.len() != pages.len() {
            return Err(Decline);
        }
        columns.push(column);
    }
    let mut columns: Vec<_> = columns.into_iter().map(Vec::into_iter).collect();
    let mut out = Vec::with_capacity(pages.len());
    for _ in pages {
        let mut object = IndexMap::with_capacity(fields.len());
        for (selected, column) in fields.iter().zip(columns.iter_mut()) {
            object.insert(selected.key.clone(), column.next().ok_or(Decline)?);
        }
        out.push(Value::Object(object));
    }
    Ok(out)
}

/// Each page's edges: cursor and node.
async fn edges<'a, C: Node>(
    cx: &'a Cx<'a>,
    pages: &'a [Page<C>],
    items: &'a [&'a C],
    set: &'a async_graphql::parser::types::SelectionSet,
    edge_type: &'static str,
) -> Direct<Vec<Value>> {
    let fields = cx.fields(set, edge_type)?;
    // One object list per selected `node` field (aliases may select it twice).
    let mut nodes = Vec::new();
    for selected in &fields {
        if selected.field.name.node == "node" {
            nodes.push(
                objects(cx, items, &selected.field.selection_set.node)
                    .await?
                    .into_iter(),
            );
        }
    }
    let mut out = Vec::with_capacity(pages.len());
    for page in pages {
        let mut list = Vec::with_capacity(page.items.len());
        for (cursor, _) in &page.items {
            let mut object = IndexMap::with_capacity(fields.len());
            let mut node_index = 0;
            for selected in &fields {
                let value = match selected.field.name.node.as_str() {
                    "__typename" => Value::String(edge_type.to_owned()),
                    "cursor" => Value::String(cursor.clone()),
                    "node" => {
                        let value = nodes[node_index].next().ok_or(Decline)?;
                        node_index += 1;
                        value
                    }
                    _ => return Err(Decline),
                };
                object.insert(selected.key.clone(), value);
            }
            list.push(Value::Object(object));
        }
        out.push(Value::List(list));
    }
    Ok(out)
}

/// A page's `PageInfo` as `set` selects it.
fn page_info<C>(
    cx: &Cx<'_>,
    page: &Page<C>,
    set: &async_graphql::parser::types::SelectionSet,
) -> Direct<Value> {
    let cursor = |c: Option<&(String, C)>| c.map_or(Value::Null, |(c, _)| Value::String(c.clone()));
    let mut object = IndexMap::new();
    for selected in cx.fields(set, "PageInfo")? {
        let value = match selected.field.name.node.as_str() {
            "__typename" => Value::String("PageInfo".to_owned()),
            "hasNextPage" => Value::Boolean(page.has_next_page),
            "hasPreviousPage" => Value::Boolean(page.has_previous_page),
            "startCursor" => cursor(page.items.first()),
            "endCursor" => cursor(page.items.last()),
            _ => return Err(Decline),
        };
        object.insert(selected.key.clone(), value);
    }
    Ok(Value::Object(object))
}
