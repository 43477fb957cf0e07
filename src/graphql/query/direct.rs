//! Direct reads of the root query fields (`graphql/direct` reads the objects below them): the one
//! place that names, for each root field read directly, its table, filter and ordering, so that
//! `graphql/direct` itself depends on no type of the schema.

use std::collections::HashMap;

use async_graphql::{Value, parser::types::Field};
use entity::{
    integration, integration_alert as alert, integration_error,
    integration_history_record as record, integration_run,
};
use futures_util::future::BoxFuture;
use sea_orm::{Condition, EntityTrait};

use crate::{
    error::AppError,
    graphql::{
        direct::{self, Cx, Decline, Direct, ListFilter, ListOrder, Names, Node, root_list},
        node_id::parse_node_id,
        types::{
            IntegrationAlertFilter, IntegrationAlertOrder, IntegrationErrorFilter,
            IntegrationErrorOrder, IntegrationFilter, IntegrationHistoryRecordFilter,
            IntegrationHistoryRecordOrder, IntegrationOrder, IntegrationRunFilter,
            IntegrationRunOrder,
        },
    },
    service::{IntegrationRef, integrations, paging::Sort},
};

/// The root reader given to `DirectReads`.
pub(crate) fn read_root<'a>(cx: &'a Cx<'a>, field: &'a Field) -> BoxFuture<'a, Direct<Value>> {
    Box::pin(root(cx, field))
}

/// Whether `field` takes no argument but `allowed`.
fn only_arguments(field: &Field, allowed: &[&str]) -> bool {
    field
        .arguments
        .iter()
        .all(|(name, _)| allowed.contains(&name.node.as_str()))
}

/// A root field's value.
async fn root(cx: &Cx<'_>, field: &Field) -> Direct<Value> {
    match field.name.node.as_str() {
        "integration" => {
            let id: Option<i32> = cx.argument(field, "id")?;
            let code: Option<String> = cx.argument(field, "code")?;
            let by = match (id, code) {
                (Some(id), None) => IntegrationRef::Id(id),
                (None, Some(code)) => IntegrationRef::Code(code),
                _ => return Err(Decline),
            };
            match integrations::find(cx.db(), &by).await {
                Ok(row) => direct::one(cx, &row, field).await,
                Err(AppError::NotFound { .. }) => Ok(Value::Null),
                Err(_) => Err(Decline),
            }
        }
        "node" => {
            if !only_arguments(field, &["nodeId"]) {
                return Err(Decline);
            }
            let id: async_graphql::ID = cx.argument(field, "nodeId")?;
            nodes(cx, &[id], field).await?.pop().ok_or(Decline)
        }
        "nodes" => {
            if !only_arguments(field, &["nodeIds"]) {
                return Err(Decline);
            }
            let ids: Vec<async_graphql::ID> = cx.argument(field, "nodeIds")?;
            Ok(Value::List(nodes(cx, &ids, field).await?))
        }
        "integrationRun" => direct::by_id::<integration_run::Model>(cx, field).await,
        "integrationError" => direct::by_id::<integration_error::Model>(cx, field).await,
        "integrationHistoryRecord" => direct::by_id::<record::Model>(cx, field).await,
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
        "integrationAlerts" => {
            root_list::<alert::Model, IntegrationAlertFilter, IntegrationAlertOrder>(
                cx,
                field,
                Names::ALERTS,
            )
            .await
        }
        _ => Err(Decline),
    }
}

/// Calls `$then!` with the model of every `Node` type direct reads answer: the one list.
macro_rules! read_here {
    ($then:ident) => {
        $then!(
            integration::Model,
            integration_run::Model,
            integration_error::Model,
            record::Model,
            entity::integration_record_response::Model,
            entity::user::Model,
            entity::integration_contact::Model,
            alert::Model
        )
    };
}

/// The `Node` type names of these models.
macro_rules! type_names {
    ($($model:ty),*) => {
        &[$(<$model as Node>::TYPE),*]
    };
}

/// The objects of global ids as `field` selects them, in order (null for an id that is not one
/// of ours or an object that is not there): one statement per type asked for.
async fn nodes(cx: &Cx<'_>, node_ids: &[async_graphql::ID], field: &Field) -> Direct<Vec<Value>> {
    let parsed: Vec<Option<(String, i32)>> = node_ids.iter().map(|id| parse_node_id(id)).collect();
    // A type not read here (an admin-only one) is the resolvers', behind their guard.
    const READ_HERE: &[&str] = read_here!(type_names);
    if parsed
        .iter()
        .flatten()
        .any(|(t, _)| !READ_HERE.contains(&t.as_str()))
    {
        return Err(Decline);
    }
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
                for (id, value) in direct::of_type::<$model>(cx, &ids, set).await? {
                    found.insert((<$model as Node>::TYPE, id), value);
                }
            }
        )*};
    }
    read_here!(of_types);
    Ok(parsed
        .iter()
        .map(|key| {
            key.as_ref()
                .and_then(|(t, id)| found.get(&(t.as_str(), *id)).cloned())
                .unwrap_or(Value::Null)
        })
        .collect())
}

/// The filters and orderings of the lists read directly.
macro_rules! list_inputs {
    ($($filter:ty, $order:ty => $entity:ty;)*) => {$(
        impl ListFilter for $filter {
            fn condition(&self, backend: sea_orm::DbBackend) -> Condition {
                <$filter>::condition(self, backend)
            }
        }
        impl ListOrder<$entity> for $order {
            fn sort(self) -> Sort<<$entity as EntityTrait>::Column> {
                <$order>::sort(self)
            }
        }
    )*};
}

list_inputs! {
    IntegrationFilter, IntegrationOrder => entity::integration::Entity;
    IntegrationRunFilter, IntegrationRunOrder => entity::integration_run::Entity;
    IntegrationErrorFilter, IntegrationErrorOrder => entity::integration_error::Entity;
    IntegrationHistoryRecordFilter, IntegrationHistoryRecordOrder =>
        entity::integration_history_record::Entity;
    IntegrationAlertFilter, IntegrationAlertOrder => entity::integration_alert::Entity;
}
