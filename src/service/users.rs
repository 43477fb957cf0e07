//! Principals: the users and API clients named by created_by / updated_by.

use entity::user;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};

use super::Actor;
use crate::error::{AppError, AppResult};

/// The principal of every change while no authentication is configured.
pub const LOCAL_USER: &str = "local";

/// What a `users` row stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserKind {
    /// A person or service identified by a JWT subject (or the local user).
    User,
    /// An API token made with the CLI.
    ApiClient,
}

impl UserKind {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            UserKind::User => "user",
            UserKind::ApiClient => "api_client",
        }
    }
}

/// Finds the user called `name`, creating it when missing (safe when several requests or
/// instances race to create it).
pub async fn ensure<C: ConnectionTrait>(
    db: &C,
    name: &str,
    kind: UserKind,
) -> AppResult<user::Model> {
    let find = || {
        user::Entity::find()
            .filter(user::Column::Name.eq(name))
            .one(db)
    };
    if let Some(found) = find().await? {
        return Ok(found);
    }
    let inserted = user::ActiveModel {
        name: Set(name.to_owned()),
        kind: Set(kind.as_str().to_owned()),
        created_at: Set(super::now()),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Ok(user) => Ok(user),
        // Another request created it at the same moment.
        Err(_) => find()
            .await?
            .ok_or_else(|| AppError::Internal(format!("cannot create the user {name:?}").into())),
    }
}

/// Finds or creates the local user and returns it as the default actor.
pub async fn local_actor(db: &DatabaseConnection) -> AppResult<Actor> {
    let user = ensure(db, LOCAL_USER, UserKind::User).await?;
    Ok(Actor {
        user_id: Some(user.id),
    })
}
