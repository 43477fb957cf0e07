//! What history records and integration errors share: their document fields, their links to an
//! integration and a run, and their nested responses.

use chrono::{DateTime, Utc};
use entity::integration_record_response;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use super::{Actor, IntegrationRef, integrations, runs};
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
    if responses.is_empty() {
        return Ok(());
    }
    let (record, error) = match parent {
        ResponseParent::Record(id) => (Some(id), None),
        ResponseParent::Error(id) => (None, Some(id)),
    };
    let rows = responses
        .iter()
        .map(|r| integration_record_response::ActiveModel {
            integration_history_record_id: Set(record),
            integration_error_id: Set(error),
            response_code: Set(r.response_code.clone()),
            response_message: Set(r.response_message.clone()),
            created_at: Set(at),
            updated_at: Set(at),
            created_by_id: Set(actor.user_id),
            updated_by_id: Set(actor.user_id),
            ..Default::default()
        });
    integration_record_response::Entity::insert_many(rows)
        .exec(db)
        .await?;
    Ok(())
}
