//! What history records and integration errors share: their document fields, their links to an
//! integration and a run, and their nested responses.

use chrono::{DateTime, Utc};
use entity::integration_record_response;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel};

use super::{Actor, IntegrationRef, checks::Checks, integrations, runs, sql::INSERT_CHUNK};
use crate::{
    domain::{ContactAlertType, DocumentType, validation::FieldError},
    error::{AppError, AppResult},
};

/// A response of the external system, created with its record or error.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewResponse {
    /// The external system's code.
    pub response_code: Option<String>,
    /// The external system's message.
    pub response_message: Option<String>,
}

/// What a response belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseParent {
    /// A history record.
    Record(i32),
    /// An integration error.
    Error(i32),
}

/// Checks every response's code length; fields are named `responses[i].responseCode`.
pub fn check_responses(checks: &mut Checks, responses: &[NewResponse]) {
    for (i, r) in responses.iter().enumerate() {
        checks.short(&format!("responses[{i}].responseCode"), &r.response_code);
    }
}

/// Resolves the integration and run a record names: the run's integration when only the run is
/// given; a run of another integration is refused.
pub async fn resolve_links<C: ConnectionTrait>(
    db: &C,
    integration: Option<&IntegrationRef>,
    run_id: Option<i32>,
) -> AppResult<(Option<i32>, Option<i32>)> {
    let integration_id = match integration {
        Some(by) => Some(integrations::find(db, by).await?.id),
        None => None,
    };
    let Some(run_id) = run_id else {
        return Ok((integration_id, None));
    };
    let run = runs::find_by_id(db, run_id).await?;
    match integration_id {
        Some(id) if id != run.integration_id => Err(AppError::field(
            "integrationRun",
            format!(
                "run {run_id} belongs to integration {}, not to integration {id}",
                run.integration_id
            ),
        )),
        _ => Ok((Some(run.integration_id), Some(run_id))),
    }
}

/// Inserts the responses of a record or error, in one multi-row statement.
pub async fn insert_responses<C: ConnectionTrait>(
    db: &C,
    actor: Actor,
    parent: ResponseParent,
    responses: &[NewResponse],
    at: DateTime<Utc>,
) -> AppResult<()> {
    let rows: Vec<_> = responses.iter().map(|r| (parent, r)).collect();
    insert_responses_many(db, actor, &rows, at).await
}

/// Inserts responses of many records or errors, in multi-row statements.
pub async fn insert_responses_many<C: ConnectionTrait>(
    db: &C,
    actor: Actor,
    responses: &[(ResponseParent, &NewResponse)],
    at: DateTime<Utc>,
) -> AppResult<()> {
    for chunk in responses.chunks(INSERT_CHUNK) {
        let rows = chunk.iter().map(|(parent, r)| {
            let (record, error) = match parent {
                ResponseParent::Record(id) => (Some(*id), None),
                ResponseParent::Error(id) => (None, Some(*id)),
            };
            integration_record_response::ActiveModel {
                integration_history_record_id: Set(record),
                integration_error_id: Set(error),
                response_code: Set(r.response_code.clone()),
                response_message: Set(r.response_message.clone()),
                created_at: Set(at),
                updated_at: Set(at),
                created_by_id: Set(actor.user_id),
                updated_by_id: Set(actor.user_id),
                ..Default::default()
            }
        });
        integration_record_response::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Prefixes an item's field errors with its place in a batch (`inputs[3].externalId`).
pub fn at_index(index: usize, errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| FieldError::new(format!("inputs[{index}].{}", e.field), e.message))
        .collect()
}

/// The integration and run of each item of a batch, resolved with two statements for the whole
/// batch; an item naming a missing integration or run, or a run of another integration, gets a
/// field error instead.
pub async fn resolve_links_many<C: ConnectionTrait>(
    db: &C,
    items: &[(Option<IntegrationRef>, Option<i32>)],
) -> AppResult<Vec<Result<(Option<i32>, Option<i32>), FieldError>>> {
    use std::collections::HashMap;

    use entity::{integration, integration_run};
    use sea_orm::{ColumnTrait, Condition, QueryFilter};

    let ids: Vec<i32> = items
        .iter()
        .filter_map(|(r, _)| r.as_ref().and_then(IntegrationRef::id))
        .collect();
    let codes: Vec<&str> = items
        .iter()
        .filter_map(|(r, _)| match r {
            Some(IntegrationRef::Code(code)) => Some(code.as_str()),
            _ => None,
        })
        .collect();
    let run_ids: Vec<i32> = items.iter().filter_map(|(_, run)| *run).collect();

    let mut by_id: HashMap<i32, String> = HashMap::new();
    let mut by_code: HashMap<String, i32> = HashMap::new();
    if !ids.is_empty() || !codes.is_empty() {
        let found = integration::Entity::find()
            .filter(
                Condition::any()
                    .add(integration::Column::Id.is_in(ids))
                    .add(integration::Column::Code.is_in(codes)),
            )
            .all(db)
            .await?;
        for i in found {
            by_code.insert(i.code.clone(), i.id);
            by_id.insert(i.id, i.code);
        }
    }
    let mut run_integration: HashMap<i32, i32> = HashMap::new();
    if !run_ids.is_empty() {
        let found = integration_run::Entity::find()
            .filter(integration_run::Column::Id.is_in(run_ids))
            .all(db)
            .await?;
        for r in found {
            run_integration.insert(r.id, r.integration_id);
        }
    }

    Ok(items
        .iter()
        .map(|(integration, run)| {
            let integration_id = match integration {
                None => None,
                Some(by @ (IntegrationRef::Id(id) | IntegrationRef::IdAndCode(id, _))) => {
                    let code = by_id.get(id).ok_or_else(|| {
                        FieldError::new(
                            "integration",
                            format!("integration with id {id} does not exist"),
                        )
                    })?;
                    by.check_code(*id, code)?;
                    Some(*id)
                }
                Some(IntegrationRef::Code(code)) => Some(*by_code.get(code).ok_or_else(|| {
                    FieldError::new(
                        "integration",
                        format!("integration with code {code:?} does not exist"),
                    )
                })?),
            };
            let Some(run_id) = run else {
                return Ok((integration_id, None));
            };
            let owner = *run_integration.get(run_id).ok_or_else(|| {
                FieldError::new(
                    "integrationRunId",
                    format!("integration run with id {run_id} does not exist"),
                )
            })?;
            match integration_id {
                Some(id) if id != owner => Err(FieldError::new(
                    "integrationRun",
                    format!("run {run_id} belongs to integration {owner}, not to integration {id}"),
                )),
                _ => Ok((Some(owner), Some(*run_id))),
            }
        })
        .collect())
}

/// The document fields a change may set on an error or a history record; `None` keeps a field.
/// One type for both (the vendor's tables share these columns), checked and written in one place.
#[derive(Clone, Debug, Default)]
pub struct DocumentPatch {
    /// New contact alert type.
    pub contact_alert_type: Option<ContactAlertType>,
    /// New document type.
    pub document_type: Option<DocumentType>,
    /// New document id.
    pub document_id: Option<i32>,
    /// New document revision.
    pub document_revision: Option<i32>,
    /// New document status.
    pub document_status: Option<String>,
    /// New creation method.
    pub creation_method: Option<String>,
    /// New external id.
    pub external_id: Option<String>,
    /// New file name.
    pub integration_filename: Option<String>,
    /// New transaction status.
    pub status: Option<String>,
    /// Responses of the external system to append (held responses are never edited).
    pub responses: Vec<NewResponse>,
}

impl DocumentPatch {
    /// Checks the text fields' lengths.
    pub fn check(&self, checks: &mut Checks) {
        check_responses(checks, &self.responses);
        checks.short("documentStatus", &self.document_status);
        checks.short("creationMethod", &self.creation_method);
        checks.short("externalId", &self.external_id);
        checks.short("integrationFilename", &self.integration_filename);
        checks.short("status", &self.status);
    }
}

/// What a change to a document row is, for its event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentChange {
    /// Its fields changed.
    Updated,
    /// It was resolved.
    Resolved,
    /// It was opened again.
    Unresolved,
}

/// A table of documents (integration errors, history records): how the shared fields are
/// written and what a change's event is. The update and resolve paths below are the one path of
/// both tables.
pub trait DocumentTable {
    /// The table.
    type Entity: EntityTrait<Model = Self::Model>;
    /// Its row.
    type Model: sea_orm::ModelTrait<Entity = Self::Entity>
        + sea_orm::IntoActiveModel<Self::Active>
        + Clone
        + Send
        + Sync;
    /// Its row as a change.
    type Active: sea_orm::ActiveModelTrait<Entity = Self::Entity>
        + sea_orm::ActiveModelBehavior
        + Send;
    /// What to call one in an error.
    const WHAT: &'static str;
    /// The row with this id.
    fn find(id: i32) -> sea_orm::Select<Self::Entity>;
    /// The row `id` as the parent of responses.
    fn parent(id: i32) -> ResponseParent;
    /// Writes the set fields of `patch` (the columns have the same names on both tables).
    fn apply(row: &mut Self::Active, patch: DocumentPatch);
    /// Whether the row is resolved.
    fn resolved(row: &Self::Model) -> bool;
    /// Sets `resolved`, and who changed the row when.
    fn stamp(row: &mut Self::Active, resolved: Option<bool>, actor: Actor, at: DateTime<Utc>);
    /// The event of a change.
    fn event(change: DocumentChange, row: &Self::Model) -> super::events::NewEvent;
}

/// Writes `patch` and `links` (an extra change, e.g. a record's integration and run, made inside
/// the transaction) on the row `id` of `T`, with its event, in one transaction. `checks` holds
/// the caller's own findings, reported with the patch's as one error.
pub async fn update<T, L>(
    db: &sea_orm::DatabaseConnection,
    actor: Actor,
    id: i32,
    mut patch: DocumentPatch,
    mut checks: Checks,
    links: L,
) -> AppResult<T::Model>
where
    T: DocumentTable,
    L: AsyncFnOnce(&super::WriteTxn, &T::Model, &mut T::Active) -> AppResult<()>,
{
    patch.check(&mut checks);
    checks.finish()?;
    let txn = super::begin_write(db).await?;
    let current = T::find(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found_id(T::WHAT, id))?;
    let mut row = current.clone().into_active_model();
    links(&txn, &current, &mut row).await?;
    let responses = std::mem::take(&mut patch.responses);
    T::apply(&mut row, patch);
    let at = super::now();
    T::stamp(&mut row, None, actor, at);
    let model = sea_orm::ActiveModelTrait::update(row, &txn).await?;
    insert_responses(&txn, actor, T::parent(id), &responses, at).await?;
    super::events::record(&txn, actor, vec![T::event(DocumentChange::Updated, &model)]).await?;
    txn.commit().await?;
    Ok(model)
}

/// Sets `resolved` on the row `id` of `T`, with its event; setting it to what it already is
/// changes nothing.
pub async fn set_resolved<T: DocumentTable>(
    db: &sea_orm::DatabaseConnection,
    actor: Actor,
    id: i32,
    resolved: bool,
) -> AppResult<T::Model> {
    let txn = super::begin_write(db).await?;
    let current = T::find(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found_id(T::WHAT, id))?;
    if T::resolved(&current) == resolved {
        return Ok(current);
    }
    let mut row = current.into_active_model();
    T::stamp(&mut row, Some(resolved), actor, super::now());
    let model = sea_orm::ActiveModelTrait::update(row, &txn).await?;
    let change = if resolved {
        DocumentChange::Resolved
    } else {
        DocumentChange::Unresolved
    };
    super::events::record(&txn, actor, vec![T::event(change, &model)]).await?;
    txn.commit().await?;
    Ok(model)
}

/// Implements [`DocumentTable`] for a table with the shared columns; `$type_column` says how its
/// document type is stored (`optional` on errors, `required` on history records); `$parent`
/// names its responses' parent.
macro_rules! document_table {
    ($table:ident, $entity:path, $what:literal, $type_kind:ident, $parent:path, $event:path) => {
        /// The table of this kind of document.
        #[derive(Debug)]
        pub struct $table;

        impl $crate::service::documents::DocumentTable for $table {
            type Entity = $entity;
            type Model = <$entity as sea_orm::EntityTrait>::Model;
            type Active = <$entity as sea_orm::EntityTrait>::ActiveModel;
            const WHAT: &'static str = $what;

            fn find(id: i32) -> sea_orm::Select<Self::Entity> {
                <$entity as sea_orm::EntityTrait>::find_by_id(id)
            }

            fn parent(id: i32) -> $crate::service::documents::ResponseParent {
                $parent(id)
            }

            fn apply(row: &mut Self::Active, patch: $crate::service::documents::DocumentPatch) {
                use sea_orm::ActiveValue::Set;
                if let Some(v) = patch.contact_alert_type {
                    row.contact_alert_type = Set(v.as_str().to_owned());
                }
                if let Some(v) = patch.document_type {
                    row.document_type = Set($crate::service::documents::document_table!(@type $type_kind, v.as_str().to_owned()));
                }
                if let Some(v) = patch.document_id {
                    row.document_id = Set($crate::service::documents::document_table!(@type $type_kind, v));
                }
                if let Some(v) = patch.document_revision {
                    row.document_revision = Set(Some(v));
                }
                if let Some(v) = patch.document_status {
                    row.document_status = Set(Some(v));
                }
                if let Some(v) = patch.creation_method {
                    row.creation_method = Set(Some(v));
                }
                if let Some(v) = patch.external_id {
                    row.external_id = Set(Some(v));
                }
                if let Some(v) = patch.integration_filename {
                    row.integration_filename = Set(Some(v));
                }
                if let Some(v) = patch.status {
                    row.status = Set(Some(v));
                }
            }

            fn resolved(row: &Self::Model) -> bool {
                row.resolved
            }

            fn stamp(
                row: &mut Self::Active,
                resolved: Option<bool>,
                actor: $crate::service::Actor,
                at: chrono::DateTime<chrono::Utc>,
            ) {
                use sea_orm::ActiveValue::Set;
                if let Some(resolved) = resolved {
                    row.resolved = Set(resolved);
                }
                row.updated_at = Set(at);
                row.updated_by_id = Set(actor.user_id);
            }

            fn event(
                change: $crate::service::documents::DocumentChange,
                row: &Self::Model,
            ) -> $crate::service::events::NewEvent {
                $event(change, row)
            }
        }
    };
    (@type optional, $value:expr) => {
        Some($value)
    };
    (@type required, $value:expr) => {
        $value
    };
}

pub(crate) use document_table;
