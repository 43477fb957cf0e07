//! The associations rendered inside REST objects (users, integrations, responses, a run's
//! errors), loaded for a whole page at once through the service's one relation loader
//! ([`crate::service::related`], also behind GraphQL's data loaders): one statement per
//! association, whatever the page size.

use std::collections::HashMap;

use entity::{integration, integration_error, integration_record_response as response, user};
use sea_orm::DatabaseConnection;

use super::{
    reply::time,
    shapes::{IntegrationRefOut, ResponseOut, UserOut},
    state::RestState,
};
use crate::{error::AppError, service::related};

/// The names of users already read (a `users` row is never renamed or deleted, so a name once
/// read stays true): the users of an answer cost no statement once known.
#[derive(Debug, Default)]
pub struct UserNames(std::sync::Mutex<HashMap<i32, String>>);

/// The users named by these ids (one statement for those not seen before, none when all were).
pub async fn users(
    state: &RestState,
    ids: impl IntoIterator<Item = Option<i32>>,
) -> Result<HashMap<i32, UserOut>, AppError> {
    let ids = related::distinct(ids);
    let mut out = HashMap::with_capacity(ids.len());
    let mut missing = Vec::new();
    if let Ok(known) = state.user_names.0.lock() {
        for id in &ids {
            match known.get(id) {
                Some(name) => {
                    out.insert(
                        *id,
                        UserOut {
                            id: *id,
                            login: Some(name.clone()),
                        },
                    );
                }
                None => missing.push(*id),
            }
        }
    } else {
        missing = ids;
    }
    if missing.is_empty() {
        return Ok(out);
    }
    let rows = related::by_id::<user::Entity>(&state.db, user::Column::Id, &missing).await?;
    let mut known = state.user_names.0.lock().ok();
    for (id, u) in rows {
        if let Some(known) = known.as_mut() {
            known.insert(id, u.name.clone());
        }
        out.insert(
            id,
            UserOut {
                id,
                login: Some(u.name),
            },
        );
    }
    Ok(out)
}

/// Looks a user up in a map made by [`users`].
pub fn user_of(users: &HashMap<i32, UserOut>, id: Option<i32>) -> Option<UserOut> {
    id.map(|id| {
        users
            .get(&id)
            .cloned()
            .unwrap_or(UserOut { id, login: None })
    })
}

/// The integrations named by these ids, as references.
pub async fn integration_refs(
    db: &DatabaseConnection,
    ids: impl IntoIterator<Item = Option<i32>>,
) -> Result<HashMap<i32, IntegrationRefOut>, AppError> {
    let rows =
        related::by_id::<integration::Entity>(db, integration::Column::Id, &related::distinct(ids))
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, i)| {
            (
                id,
                IntegrationRefOut {
                    id,
                    code: Some(i.code),
                    name: Some(i.name),
                    standard: Some(i.standard),
                },
            )
        })
        .collect())
}

/// Which parent a response belongs to.
#[derive(Clone, Copy, Debug)]
pub enum ResponsesOf {
    /// History records.
    Records,
    /// Integration errors.
    Errors,
}

/// The responses of these parents, grouped by parent, with their users (two statements).
pub async fn responses(
    state: &RestState,
    of: ResponsesOf,
    parents: &[i32],
) -> Result<HashMap<i32, Vec<ResponseOut>>, AppError> {
    let column = match of {
        ResponsesOf::Records => response::Column::IntegrationHistoryRecordId,
        ResponsesOf::Errors => response::Column::IntegrationErrorId,
    };
    let grouped =
        related::children_of::<response::Entity>(&state.db, column, response::Column::Id, parents)
            .await?;
    let users = users(
        state,
        grouped
            .values()
            .flatten()
            .flat_map(|r| [r.created_by_id, r.updated_by_id]),
    )
    .await?;
    Ok(grouped
        .into_iter()
        .map(|(parent, rows)| {
            let out = rows
                .into_iter()
                .map(|r| ResponseOut {
                    id: r.id,
                    response_code: r.response_code,
                    response_message: r.response_message,
                    created_at: Some(time(r.created_at)),
                    updated_at: Some(time(r.updated_at)),
                    created_by: user_of(&users, r.created_by_id),
                    updated_by: user_of(&users, r.updated_by_id),
                })
                .collect();
            (parent, out)
        })
        .collect())
}

/// The errors of these runs, grouped by run, each list in id order.
pub async fn errors_of_runs(
    db: &DatabaseConnection,
    runs: &[i32],
) -> Result<HashMap<i32, Vec<integration_error::Model>>, AppError> {
    related::children_of::<integration_error::Entity>(
        db,
        integration_error::Column::IntegrationRunId,
        integration_error::Column::Id,
        runs,
    )
    .await
}
