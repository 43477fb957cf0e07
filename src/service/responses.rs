//! Responses of the external system added after their record or error was created.

use entity::integration_record_response as response;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};

use super::{
    Actor, begin_write,
    checks::Checks,
    documents::{NewResponse, ResponseParent, check_responses},
    errors, history, now,
};
use crate::error::AppResult;

/// Adds a response to a history record or an integration error.
pub async fn add(
    db: &DatabaseConnection,
    actor: Actor,
    parent: ResponseParent,
    input: NewResponse,
) -> AppResult<response::Model> {
    let mut checks = Checks::default();
    check_responses(&mut checks, std::slice::from_ref(&input));
    checks.finish()?;
    let txn = begin_write(db).await?;
    let (record, error) = match parent {
        ResponseParent::Record(id) => (Some(history::find_by_id(&txn, id).await?.id), None),
        ResponseParent::Error(id) => (None, Some(errors::find_by_id(&txn, id).await?.id)),
    };
    let at = now();
    let model = response::ActiveModel {
        integration_history_record_id: Set(record),
        integration_error_id: Set(error),
        response_code: Set(input.response_code),
        response_message: Set(input.response_message),
        created_at: Set(at),
        updated_at: Set(at),
        created_by_id: Set(actor.user_id),
        updated_by_id: Set(actor.user_id),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(model)
}
