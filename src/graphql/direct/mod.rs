//! Direct reads: queries over runs, errors, history records, responses and integrations answered
//! straight from the rows, without async-graphql's per-field resolver machinery.
//!
//! async-graphql resolves every field of every object through its own boxed future; for a page
//! of 50 runs with their integrations and errors that is thousands of futures, and it cost more
//! CPU than the SQL behind it. A direct read walks the operation level by level instead: one
//! statement per relation and level (the same `service::paging` statements the resolvers use,
//! so ordering, cursors and page limits are the resolvers' own), then builds the response
//! objects in selection order.
//!
//! It answers only what it knows completely. The operation must be a query the gateway has
//! admitted — every check async-graphql's executor would make passed already (the spec's
//! validation in `validator.rs`; depth, complexity and nesting in `limits.rs`, measured as
//! async-graphql measures them), so even a document's first request may be read here — and every
//! field in it must be one this module reads (`nodes.rs`, `lists.rs`). Anything else — an unknown
//! field, a directive other than `@skip`/`@include`, a missing variable, a bad argument, a
//! database error, a row a required relation points at that is gone — declines, and the schema's
//! executor answers the request with its usual errors. Declining costs nothing but the work done so far; reads change nothing.

mod lists;
mod nodes;
mod selection;

use std::collections::HashMap;

use async_graphql::{
    Request, Response, Value, Variables,
    indexmap::IndexMap,
    parser::types::{ExecutableDocument, Field, OperationType, SelectionSet},
};
use entity::{
    integration, integration_error, integration_history_record as record, integration_run,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use self::{lists::root_list, nodes::objects, selection::Selected};
pub(crate) use self::{
    lists::{Names, child_pages},
    nodes::{Node, belongs_to, children},
};
use crate::{
    error::AppError,
    graphql::types::{
        IntegrationErrorFilter, IntegrationErrorOrder, IntegrationFilter,
        IntegrationHistoryRecordFilter, IntegrationHistoryRecordOrder, IntegrationOrder,
        IntegrationRunFilter, IntegrationRunOrder,
    },
    service::{IntegrationRef, integrations},
};

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

    /// The argument `name` of `field` as its input type.
    fn argument<T: async_graphql::InputType>(&self, field: &Field, name: &str) -> Direct<T> {
        selection::argument(self.vars, field, name)
    }
}

/// The direct-read path (the gateway decides which queries may take it).
pub struct DirectReads {
    db: DatabaseConnection,
}

impl std::fmt::Debug for DirectReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectReads").finish_non_exhaustive()
    }
}

impl DirectReads {
    /// Direct reads over `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Answers a known query directly, or `None` to leave it to the schema's executor.
    pub async fn execute(&self, request: &mut Request) -> Option<Response> {
        let operation_name = request.operation_name.clone();
        // Moved out while the document is borrowed, and back for the executor should we decline.
        let variables = std::mem::take(&mut request.variables);
        let answer = match request.parsed_query() {
            Ok(doc) => read(&self.db, doc, operation_name.as_deref(), &variables).await,
            Err(_) => Err(Decline),
        };
        request.variables = variables;
        crate::observability::metrics::metrics().direct_read(answer.is_ok());
        answer.ok().map(Response::new)
    }
}

/// The `data` of a query, read directly.
async fn read(
    db: &DatabaseConnection,
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
    let values =
        futures_util::future::try_join_all(fields.iter().map(|selected| root(&cx, selected)))
            .await?;
    let mut data = IndexMap::with_capacity(fields.len());
    for (selected, value) in fields.iter().zip(values) {
        data.insert(selected.key.clone(), value);
    }
    Ok(Value::Object(data))
}

/// A root field's value.
async fn root(cx: &Cx<'_>, selected: &Selected<'_>) -> Direct<Value> {
    let field = selected.field;
    match field.name.node.as_str() {
        "__typename" => Ok(Value::String("Query".to_owned())),
        "integration" => {
            let id: Option<i32> = cx.argument(field, "id")?;
            let code: Option<String> = cx.argument(field, "code")?;
            let by = match (id, code) {
                (Some(id), None) => IntegrationRef::Id(id),
                (None, Some(code)) => IntegrationRef::Code(code),
                _ => return Err(Decline),
            };
            match integrations::find(cx.db, &by).await {
                Ok(row) => one(cx, &row, field).await,
                Err(AppError::NotFound { .. }) => Ok(Value::Null),
                Err(_) => Err(Decline),
            }
        }
        "node" => {
            if selection::has_other_arguments(field, &["nodeId"]) {
                return Err(Decline);
            }
            let id: async_graphql::ID = cx.argument(field, "nodeId")?;
            nodes(cx, &[id], field).await?.pop().ok_or(Decline)
        }
        "nodes" => {
            if selection::has_other_arguments(field, &["nodeIds"]) {
                return Err(Decline);
            }
            let ids: Vec<async_graphql::ID> = cx.argument(field, "nodeIds")?;
            Ok(Value::List(nodes(cx, &ids, field).await?))
        }
        "integrationRun" => by_id::<integration_run::Model>(cx, field).await,
        "integrationError" => by_id::<integration_error::Model>(cx, field).await,
        "integrationHistoryRecord" => by_id::<record::Model>(cx, field).await,
        "integrations" => {
            root_list::<integration::Model, IntegrationFilter, IntegrationOrder>(
                cx,
                field,
                Names::INTEGRATIONS,
            )
            .await
        }
        "integrationRuns" => {
            root_list::<integration_run::Model, IntegrationRunFilter, IntegrationRunOrder>(
                cx,
                field,
                Names::RUNS,
            )
            .await
        }
        "integrationErrors" => {
            root_list::<integration_error::Model, IntegrationErrorFilter, IntegrationErrorOrder>(
                cx,
                field,
                Names::ERRORS,
            )
            .await
        }
        "integrationHistoryRecords" => root_list::<
            record::Model,
            IntegrationHistoryRecordFilter,
            IntegrationHistoryRecordOrder,
        >(cx, field, Names::RECORDS)
        .await,
        _ => Err(Decline),
    }
}

/// A root field that finds one row by its `id` argument (null when there is none).
async fn by_id<N: Node>(cx: &Cx<'_>, field: &Field) -> Direct<Value> {
    if selection::has_other_arguments(field, &["id"]) {
        return Err(Decline);
    }
    let id: i32 = cx.argument(field, "id")?;
    match N::Entity::find()
        .filter(N::id_column().eq(id))
        .one(cx.db)
        .await?
    {
        Some(row) => one(cx, &row, field).await,
        None => Ok(Value::Null),
    }
}

/// The objects of global ids as `field` selects them, in order (null for an id that is not one
/// of ours or an object that is not there): one statement per type asked for.
async fn nodes(cx: &Cx<'_>, node_ids: &[async_graphql::ID], field: &Field) -> Direct<Vec<Value>> {
    let parsed: Vec<Option<(String, i32)>> = node_ids
        .iter()
        .map(|id| crate::graphql::types::object::parse_node_id(id))
        .collect();
    let ids_of = |type_name: &str| -> Vec<i32> {
        let mut ids: Vec<i32> = parsed
            .iter()
            .flatten()
            .filter(|(t, _)| t == type_name)
            .map(|(_, id)| *id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let set = &field.selection_set.node;
    let mut found: HashMap<(&str, i32), Value> = HashMap::new();
    macro_rules! of_types {
        ($($model:ty),*) => {$(
            let ids = ids_of(<$model as Node>::TYPE);
            if !ids.is_empty() {
                for (id, value) in of_type::<$model>(cx, &ids, set).await? {
                    found.insert((<$model as Node>::TYPE, id), value);
                }
            }
        )*};
    }
    of_types!(
        integration::Model,
        integration_run::Model,
        integration_error::Model,
        record::Model,
        entity::integration_record_response::Model,
        entity::user::Model
    );
    Ok(parsed
        .iter()
        .map(|key| {
            key.as_ref()
                .and_then(|(t, id)| found.get(&(t.as_str(), *id)).cloned())
                .unwrap_or(Value::Null)
        })
        .collect())
}

/// The rows of type `N` with these ids, as `set` selects them, by id.
async fn of_type<N: Node>(
    cx: &Cx<'_>,
    ids: &[i32],
    set: &SelectionSet,
) -> Direct<Vec<(i32, Value)>> {
    let rows = N::Entity::find()
        .filter(crate::service::paging::id_in(
            cx.db.get_database_backend(),
            N::id_column(),
            ids,
        ))
        .all(cx.db)
        .await?;
    let refs: Vec<&N> = rows.iter().collect();
    let values = objects(cx, &refs, set).await?;
    Ok(rows.iter().map(Node::id).zip(values).collect())
}

/// One object as `field` selects it.
async fn one<N: Node>(cx: &Cx<'_>, row: &N, field: &Field) -> Direct<Value> {
    let refs = [row];
    objects(cx, &refs, &field.selection_set.node)
        .await?
        .pop()
        .ok_or(Decline)
}
