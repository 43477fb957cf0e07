//! The object types a direct read knows: each one's scalar fields (read off the row exactly as
//! its resolver in `graphql/types` returns them) and its relations (one statement per relation
//! and level, for all parents at once).
//!
//! A field missing here makes the whole operation go to the schema's executor, so a field added
//! to a type is never answered wrongly, only more slowly until it is added here as well.
//! `tests/direct_reads.rs` compares both paths over every field listed here.

use std::collections::HashMap;

use async_graphql::{
    ScalarType, Value,
    indexmap::IndexMap,
    parser::types::{Field, SelectionSet},
    resolver_utils::{EnumType, enum_value},
};
use chrono::{DateTime, Utc};
use entity::{
    integration, integration_error, integration_history_record as record,
    integration_record_response as response, integration_run, user,
};
use futures_util::future::{BoxFuture, try_join_all};
use sea_orm::{EntityTrait, QueryFilter, QueryOrder};

use super::{
    Cx, Decline, Direct,
    lists::{self, Names},
};
use crate::{
    domain,
    graphql::{
        enums,
        types::{
            IntegrationErrorFilter, IntegrationErrorOrder, IntegrationHistoryRecordFilter,
            IntegrationHistoryRecordOrder, IntegrationRunFilter, IntegrationRunOrder, stored,
        },
    },
    service::paging,
};

/// A row type that is a GraphQL object type.
pub(super) trait Node: Clone + Send + Sync + Sized + 'static {
    /// The table.
    type Entity: EntityTrait<Model = Self>;
    /// The GraphQL type's name (`__typename`).
    const TYPE: &'static str;
    /// The primary key.
    fn id(&self) -> i32;
    /// The primary key's column.
    fn id_column() -> <Self::Entity as EntityTrait>::Column;
    /// A scalar field's value; `None` for a field that is not a scalar field of the type.
    fn scalar(&self, field: &str) -> Option<Direct<Value>>;
    /// A relation field's value for each of `parents`; `None` for a field that is not one.
    fn relation<'a>(
        cx: &'a Cx<'a>,
        parents: &'a [&'a Self],
        field: &'a Field,
    ) -> Option<BoxFuture<'a, Direct<Vec<Value>>>>;
}

/// How a field of an object is answered.
enum Source {
    Typename,
    Scalar,
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
            } else {
                Source::Scalar
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
                    Source::Scalar => item
                        .scalar(selected.field.name.node.as_str())
                        .ok_or(Decline)??,
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
async fn belongs_to<'a, P, C: Node>(
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
        C::Entity::find()
            .filter(paging::id_in(
                cx.db.get_database_backend(),
                C::id_column(),
                &ids,
            ))
            .all(cx.db)
            .await?
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
async fn children<'a, P: Node, C: Node>(
    cx: &'a Cx<'a>,
    parents: &'a [&'a P],
    parent_col: <C::Entity as EntityTrait>::Column,
    parent_of: fn(&C) -> Option<i32>,
    field: &'a Field,
) -> Direct<Vec<Value>> {
    let ids: Vec<i32> = parents.iter().map(|p| p.id()).collect();
    let rows = C::Entity::find()
        .filter(paging::id_in(
            cx.db.get_database_backend(),
            parent_col,
            &ids,
        ))
        .order_by_asc(C::id_column())
        .all(cx.db)
        .await?;
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

fn users<'a, P>(
    cx: &'a Cx<'a>,
    parents: &'a [&'a P],
    field: &'a Field,
    created: fn(&P) -> Option<i32>,
    updated: fn(&P) -> Option<i32>,
) -> Option<BoxFuture<'a, Direct<Vec<Value>>>>
where
    P: Sync,
{
    match field.name.node.as_str() {
        "createdBy" => Some(Box::pin(belongs_to::<P, user::Model>(
            cx, parents, created, field, false,
        ))),
        "updatedBy" => Some(Box::pin(belongs_to::<P, user::Model>(
            cx, parents, updated, field, false,
        ))),
        _ => None,
    }
}

// ---- scalar values, converted as async-graphql converts the resolvers' return types ----------

fn int(v: i32) -> Value {
    Value::Number(v.into())
}

fn opt_int(v: Option<i32>) -> Value {
    v.map_or(Value::Null, int)
}

fn text(v: &str) -> Value {
    Value::String(v.to_owned())
}

fn opt_text(v: Option<&str>) -> Value {
    v.map_or(Value::Null, text)
}

fn time(v: &DateTime<Utc>) -> Value {
    v.to_value()
}

fn opt_time(v: Option<&DateTime<Utc>>) -> Value {
    v.map_or(Value::Null, time)
}

/// A stored enum column as its GraphQL enum value (`D` is the domain enum, `G` the GraphQL one).
fn enumerated<D, G>(stored_value: &str) -> Direct<Value>
where
    D: std::str::FromStr<Err = String>,
    G: EnumType + From<D>,
{
    Ok(enum_value(G::from(stored::<D>(stored_value)?)))
}

fn opt_enumerated<D, G>(stored_value: Option<&str>) -> Direct<Value>
where
    D: std::str::FromStr<Err = String>,
    G: EnumType + From<D>,
{
    stored_value.map_or(Ok(Value::Null), enumerated::<D, G>)
}

/// The columns errors and history records share (the vendor's document fields), with their types.
struct DocumentColumns<'a> {
    contact_alert_type: &'a str,
    document_revision: Option<i32>,
    document_status: Option<&'a str>,
    creation_method: Option<&'a str>,
    external_id: Option<&'a str>,
    integration_filename: Option<&'a str>,
    resolved: bool,
    status: Option<&'a str>,
    created_at: &'a DateTime<Utc>,
    updated_at: &'a DateTime<Utc>,
}

/// The shared columns of an error or a history record (the same names on both models).
macro_rules! document_columns {
    ($model:expr) => {
        DocumentColumns {
            contact_alert_type: &$model.contact_alert_type,
            document_revision: $model.document_revision,
            document_status: $model.document_status.as_deref(),
            creation_method: $model.creation_method.as_deref(),
            external_id: $model.external_id.as_deref(),
            integration_filename: $model.integration_filename.as_deref(),
            resolved: $model.resolved,
            status: $model.status.as_deref(),
            created_at: &$model.created_at,
            updated_at: &$model.updated_at,
        }
    };
}

impl DocumentColumns<'_> {
    /// A shared scalar field's value; `None` for any other field.
    fn scalar(&self, field: &str) -> Option<Direct<Value>> {
        Some(Ok(match field {
            "contactAlertType" => {
                return Some(enumerated::<
                    domain::ContactAlertType,
                    enums::ContactAlertType,
                >(self.contact_alert_type));
            }
            "documentRevision" => opt_int(self.document_revision),
            "documentStatus" => opt_text(self.document_status),
            "creationMethod" => opt_text(self.creation_method),
            "externalId" => opt_text(self.external_id),
            "integrationFilename" => opt_text(self.integration_filename),
            "resolved" => Value::Boolean(self.resolved),
            "status" => opt_text(self.status),
            "createdAt" => time(self.created_at),
            "updatedAt" => time(self.updated_at),
            _ => return None,
        }))
    }
}

// ---- the types -------------------------------------------------------------------------------

impl Node for integration::Model {
    type Entity = integration::Entity;
    const TYPE: &'static str = "Integration";

    fn id(&self) -> i32 {
        self.id
    }

    fn id_column() -> integration::Column {
        integration::Column::Id
    }

    fn scalar(&self, field: &str) -> Option<Direct<Value>> {
        Some(Ok(match field {
            "id" => int(self.id),
            "code" => text(&self.code),
            "name" => text(&self.name),
            "businessObject" => text(&self.business_object),
            "direction" => {
                return Some(enumerated::<domain::Direction, enums::Direction>(
                    &self.direction,
                ));
            }
            "endSystem" => text(&self.end_system),
            "endSystemType" => {
                return Some(enumerated::<domain::EndSystemType, enums::EndSystemType>(
                    &self.end_system_type,
                ));
            }
            "integrationType" => {
                return Some(opt_enumerated::<
                    domain::IntegrationType,
                    enums::IntegrationType,
                >(self.integration_type.as_deref()));
            }
            "standard" => Value::Boolean(self.standard),
            "createdAt" => time(&self.created_at),
            "updatedAt" => time(&self.updated_at),
            _ => return None,
        }))
    }

    fn relation<'a>(
        cx: &'a Cx<'a>,
        parents: &'a [&'a Self],
        field: &'a Field,
    ) -> Option<BoxFuture<'a, Direct<Vec<Value>>>> {
        match field.name.node.as_str() {
            "runs" => Some(Box::pin(lists::child_pages::<
                Self,
                integration_run::Model,
                IntegrationRunFilter,
                IntegrationRunOrder,
            >(
                cx,
                parents,
                field,
                integration_run::Column::IntegrationId,
                Names::RUNS,
            ))),
            _ => users(cx, parents, field, |p| p.created_by_id, |p| p.updated_by_id),
        }
    }
}

impl Node for integration_run::Model {
    type Entity = integration_run::Entity;
    const TYPE: &'static str = "IntegrationRun";

    fn id(&self) -> i32 {
        self.id
    }

    fn id_column() -> integration_run::Column {
        integration_run::Column::Id
    }

    fn scalar(&self, field: &str) -> Option<Direct<Value>> {
        Some(Ok(match field {
            "id" => int(self.id),
            "integrationId" => int(self.integration_id),
            "flow" => match &self.flow {
                Some(flow) => return Some(Value::from_json(flow.clone()).map_err(|_| Decline)),
                None => Value::Null,
            },
            "status" => {
                return Some(enumerated::<domain::RunStatus, enums::RunStatus>(
                    &self.status,
                ));
            }
            "startTime" => opt_time(self.start_time.as_ref()),
            "endTime" => opt_time(self.end_time.as_ref()),
            "totalRecords" => opt_int(self.total_records),
            "recordsProcessed" => opt_int(self.records_processed),
            "maxUpdatedAt" => opt_time(self.max_updated_at.as_ref()),
            "createdAt" => time(&self.created_at),
            "updatedAt" => time(&self.updated_at),
            _ => return None,
        }))
    }

    fn relation<'a>(
        cx: &'a Cx<'a>,
        parents: &'a [&'a Self],
        field: &'a Field,
    ) -> Option<BoxFuture<'a, Direct<Vec<Value>>>> {
        match field.name.node.as_str() {
            "integration" => Some(Box::pin(belongs_to::<Self, integration::Model>(
                cx,
                parents,
                |p| Some(p.integration_id),
                field,
                true,
            ))),
            "integrationErrors" => Some(Box::pin(lists::child_pages::<
                Self,
                integration_error::Model,
                IntegrationErrorFilter,
                IntegrationErrorOrder,
            >(
                cx,
                parents,
                field,
                integration_error::Column::IntegrationRunId,
                Names::ERRORS,
            ))),
            "historyRecords" => Some(Box::pin(lists::child_pages::<
                Self,
                record::Model,
                IntegrationHistoryRecordFilter,
                IntegrationHistoryRecordOrder,
            >(
                cx,
                parents,
                field,
                record::Column::IntegrationRunId,
                Names::RECORDS,
            ))),
            _ => users(cx, parents, field, |p| p.created_by_id, |p| p.updated_by_id),
        }
    }
}

impl Node for integration_error::Model {
    type Entity = integration_error::Entity;
    const TYPE: &'static str = "IntegrationError";

    fn id(&self) -> i32 {
        self.id
    }

    fn id_column() -> integration_error::Column {
        integration_error::Column::Id
    }

    fn scalar(&self, field: &str) -> Option<Direct<Value>> {
        Some(Ok(match field {
            "id" => int(self.id),
            "documentType" => {
                return Some(opt_enumerated::<domain::DocumentType, enums::DocumentType>(
                    self.document_type.as_deref(),
                ));
            }
            "documentId" => opt_int(self.document_id),
            "integrationRunId" => int(self.integration_run_id),
            _ => return document_columns!(self).scalar(field),
        }))
    }

    fn relation<'a>(
        cx: &'a Cx<'a>,
        parents: &'a [&'a Self],
        field: &'a Field,
    ) -> Option<BoxFuture<'a, Direct<Vec<Value>>>> {
        match field.name.node.as_str() {
            "integration" => Some(Box::pin(belongs_to::<Self, integration::Model>(
                cx,
                parents,
                |p| p.integration_id,
                field,
                false,
            ))),
            "integrationRun" => Some(Box::pin(belongs_to::<Self, integration_run::Model>(
                cx,
                parents,
                |p| Some(p.integration_run_id),
                field,
                true,
            ))),
            "responses" => Some(Box::pin(children::<Self, response::Model>(
                cx,
                parents,
                response::Column::IntegrationErrorId,
                |r| r.integration_error_id,
                field,
            ))),
            _ => users(cx, parents, field, |p| p.created_by_id, |p| p.updated_by_id),
        }
    }
}

impl Node for record::Model {
    type Entity = record::Entity;
    const TYPE: &'static str = "IntegrationHistoryRecord";

    fn id(&self) -> i32 {
        self.id
    }

    fn id_column() -> record::Column {
        record::Column::Id
    }

    fn scalar(&self, field: &str) -> Option<Direct<Value>> {
        Some(Ok(match field {
            "id" => int(self.id),
            "documentType" => {
                return Some(enumerated::<domain::DocumentType, enums::DocumentType>(
                    &self.document_type,
                ));
            }
            "documentId" => int(self.document_id),
            "integrationRunId" => opt_int(self.integration_run_id),
            _ => return document_columns!(self).scalar(field),
        }))
    }

    fn relation<'a>(
        cx: &'a Cx<'a>,
        parents: &'a [&'a Self],
        field: &'a Field,
    ) -> Option<BoxFuture<'a, Direct<Vec<Value>>>> {
        match field.name.node.as_str() {
            "integration" => Some(Box::pin(belongs_to::<Self, integration::Model>(
                cx,
                parents,
                |p| p.integration_id,
                field,
                false,
            ))),
            "integrationRun" => Some(Box::pin(belongs_to::<Self, integration_run::Model>(
                cx,
                parents,
                |p| p.integration_run_id,
                field,
                false,
            ))),
            "responses" => Some(Box::pin(children::<Self, response::Model>(
                cx,
                parents,
                response::Column::IntegrationHistoryRecordId,
                |r| r.integration_history_record_id,
                field,
            ))),
            _ => users(cx, parents, field, |p| p.created_by_id, |p| p.updated_by_id),
        }
    }
}

impl Node for response::Model {
    type Entity = response::Entity;
    const TYPE: &'static str = "IntegrationRecordResponse";

    fn id(&self) -> i32 {
        self.id
    }

    fn id_column() -> response::Column {
        response::Column::Id
    }

    fn scalar(&self, field: &str) -> Option<Direct<Value>> {
        Some(Ok(match field {
            "id" => int(self.id),
            "responseCode" => opt_text(self.response_code.as_deref()),
            "responseMessage" => opt_text(self.response_message.as_deref()),
            "integrationHistoryRecordId" => opt_int(self.integration_history_record_id),
            "integrationErrorId" => opt_int(self.integration_error_id),
            "createdAt" => time(&self.created_at),
            "updatedAt" => time(&self.updated_at),
            _ => return None,
        }))
    }

    fn relation<'a>(
        cx: &'a Cx<'a>,
        parents: &'a [&'a Self],
        field: &'a Field,
    ) -> Option<BoxFuture<'a, Direct<Vec<Value>>>> {
        users(cx, parents, field, |p| p.created_by_id, |p| p.updated_by_id)
    }
}

impl Node for user::Model {
    type Entity = user::Entity;
    const TYPE: &'static str = "User";

    fn id(&self) -> i32 {
        self.id
    }

    fn id_column() -> user::Column {
        user::Column::Id
    }

    fn scalar(&self, field: &str) -> Option<Direct<Value>> {
        Some(Ok(match field {
            "id" => int(self.id),
            "name" => text(&self.name),
            "kind" => text(&self.kind),
            _ => return None,
        }))
    }

    fn relation<'a>(
        _cx: &'a Cx<'a>,
        _parents: &'a [&'a Self],
        _field: &'a Field,
    ) -> Option<BoxFuture<'a, Direct<Vec<Value>>>> {
        None
    }
}
