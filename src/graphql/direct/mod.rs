//! Direct reads: queries over runs, errors, history records, responses and integrations answered
//! straight from the rows, without async-graphql's per-field resolver machinery.
//!
//! async-graphql resolves every field of every object through its own boxed future; for a page
//! of 50 runs with their integrations and errors that is thousands of futures, and it cost more
//! CPU than the SQL behind it. A direct read walks the operation level by level instead: one
//! statement per relation and level (the same `service::paging` statements the resolvers use,
//! so ordering, cursors and page limits are the resolvers' own, but selecting only the columns
//! the selection reads, decoded by position: `service/columns.rs`), then builds the response
//! objects in selection order.
//!
//! It answers only what it knows completely. The operation must be a query the gateway has
//! admitted — every check async-graphql's executor would make passed already (the spec's
//! validation in `validator.rs`; depth, complexity and nesting in `limits.rs`, measured as
//! async-graphql measures them), so even a document's first request may be read here — and every
//! field in it must be one it reads: the root fields `graphql/query/direct.rs` dispatches (the
//! one place that names tables, filters and orderings; this module depends on no schema type),
//! and below them the fields each object type declares once (`graphql/types/object.rs`, which
//! implements `Node` for it). Anything else — an unknown
//! field, a directive other than `@skip`/`@include`, a missing variable, a bad argument, a
//! database error, a row a required relation points at that is gone — declines, and the schema's
//! executor answers the request with its usual errors. Declining costs nothing but the work done so far; reads change nothing.

mod lists;
mod nodes;
mod selection;

use async_graphql::{
    Request, Response, Value, Variables,
    indexmap::IndexMap,
    parser::types::{ExecutableDocument, Field, OperationType, SelectionSet},
};
use sea_orm::{DatabaseConnection, QueryFilter};

pub(crate) use self::{
    lists::{ListFilter, ListOrder, Names, child_pages, root_list},
    nodes::{Node, active_children, belongs_to, children},
};
use self::{nodes::objects, selection::Selected};
use crate::error::AppError;

/// Why a direct read gave a request back to the schema's executor (no detail needed: the
/// executor reports the real error, if there is one).
#[derive(Debug)]
pub(crate) struct Decline;

impl From<AppError> for Decline {
    fn from(_: AppError) -> Self {
        Decline
    }
}

impl From<sea_orm::DbErr> for Decline {
    fn from(_: sea_orm::DbErr) -> Self {
        Decline
    }
}

/// The result of a step of a direct read.
pub(crate) type Direct<T> = Result<T, Decline>;

/// What a direct read works with: the database, the document and the operation's variables.
pub(crate) struct Cx<'a> {
    db: &'a DatabaseConnection,
    doc: &'a ExecutableDocument,
    vars: &'a Variables,
}

impl<'a> Cx<'a> {
    /// The fields of `set` on an object of type `type_name`.
    fn fields(&self, set: &'a SelectionSet, type_name: &str) -> Direct<Vec<Selected<'a>>> {
        selection::fields(self.doc, self.vars, set, type_name)
    }

    /// The database.
    pub(crate) fn db(&self) -> &'a DatabaseConnection {
        self.db
    }

    /// The argument `name` of `field` as its input type.
    pub(crate) fn argument<T: async_graphql::InputType>(
        &self,
        field: &Field,
        name: &str,
    ) -> Direct<T> {
        selection::argument(self.vars, field, name)
    }
}

/// How the root fields are read: the one place that names the concrete types and their roots
/// (`graphql/query/direct.rs`), so that this module depends on none of them.
pub(crate) type RootReader =
    for<'a> fn(&'a Cx<'a>, &'a Field) -> futures_util::future::BoxFuture<'a, Direct<Value>>;

/// The direct-read path (the gateway decides which queries may take it).
pub struct DirectReads {
    db: DatabaseConnection,
    roots: RootReader,
}

impl std::fmt::Debug for DirectReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectReads").finish_non_exhaustive()
    }
}

impl DirectReads {
    /// Direct reads over `db`, their root fields read by `roots`.
    pub(crate) fn new(db: DatabaseConnection, roots: RootReader) -> Self {
        Self { db, roots }
    }

    /// Answers a known query (`request` over the parsed `doc`) directly, or `None` to leave it
    /// to the schema's executor.
    pub async fn execute(&self, doc: &ExecutableDocument, request: &Request) -> Option<Response> {
        let answer = read(
            &self.db,
            self.roots,
            doc,
            request.operation_name.as_deref(),
            &request.variables,
        )
        .await;
        crate::observability::metrics::metrics().direct_read(answer.is_ok());
        answer.ok().map(Response::new)
    }
}

/// The `data` of a query, read directly.
async fn read(
    db: &DatabaseConnection,
    roots: RootReader,
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
    given: &Variables,
) -> Direct<Value> {
    let op = super::scopes::operation_definition(doc, operation_name).ok_or(Decline)?;
    if op.ty != OperationType::Query || !op.directives.is_empty() {
        return Err(Decline);
    }
    selection::check_variables(op, given)?;
    let cx = Cx {
        db,
        doc,
        vars: given,
    };
    let fields = cx.fields(&op.selection_set.node, "Query")?;
    let values = futures_util::future::try_join_all(fields.iter().map(|selected| {
        if selected.field.name.node == "__typename" {
            Box::pin(async { Ok(Value::String("Query".to_owned())) })
        } else {
            roots(&cx, selected.field)
        }
    }))
    .await?;
    let mut data = IndexMap::with_capacity(fields.len());
    for (selected, value) in fields.iter().zip(values) {
        data.insert(selected.key.clone(), value);
    }
    Ok(Value::Object(data))
}

/// A root field that finds one row by its `id` argument (null when there is none).
pub(crate) async fn by_id<N: Node>(cx: &Cx<'_>, field: &Field) -> Direct<Value> {
    if selection::has_other_arguments(field, &["id"]) {
        return Err(Decline);
    }
    let id: i32 = cx.argument(field, "id")?;
    let row = nodes::columns::<N>(cx, &field.selection_set.node)?
        .read_by_id(cx.db, N::id_column(), id)
        .await?;
    match row.as_ref() {
        Some(row) => one(cx, row, field).await,
        None => Ok(Value::Null),
    }
}

/// The rows of type `N` with these ids, as `set` selects them, by id.
pub(crate) async fn of_type<N: Node>(
    cx: &Cx<'_>,
    ids: &[i32],
    set: &SelectionSet,
) -> Direct<Vec<(i32, Value)>> {
    let columns = nodes::columns::<N>(cx, set)?;
    let select = columns.find().filter(crate::service::paging::id_in(
        cx.db.get_database_backend(),
        N::id_column(),
        ids,
    ));
    let rows = columns.read(cx.db, select).await?;
    let refs: Vec<&N> = rows.iter().collect();
    let values = objects(cx, &refs, set).await?;
    Ok(rows.iter().map(Node::id).zip(values).collect())
}

/// One object as `field` selects it.
pub(crate) async fn one<N: Node>(cx: &Cx<'_>, row: &N, field: &Field) -> Direct<Value> {
    let refs = [row];
    objects(cx, &refs, &field.selection_set.node)
        .await?
        .pop()
        .ok_or(Decline)
}
