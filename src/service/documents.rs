//! What history records and integration errors share: their document fields, their links to an
//! integration and a run, and their nested responses.

use chrono::{DateTime, Utc};
use entity::integration_record_response;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use super::{Actor, IntegrationRef, integrations, runs, sql::INSERT_CHUNK};
use crate::{
    domain::validation::{FieldError, bounded_string},
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

/// Collects the field errors of one input.
#[derive(Debug, Default)]
pub struct Checks(pub Vec<FieldError>);

impl Checks {
    /// Checks an optional string(255).
    pub fn short(&mut self, field: &str, value: &Option<String>) {
        if let Some(v) = value
            && let Err(e) = bounded_string(field, v)
        {
            self.0.push(e);
        }
    }

    /// Records a broken rule.
    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// The collected errors as one VALIDATION error, if any.
    pub fn finish(self) -> AppResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.0))
        }
    }
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
