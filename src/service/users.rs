//! Principals: the users and API clients named by created_by / updated_by.

use entity::user;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::Actor;
use crate::error::AppResult;

/// The principal of every change while no authentication is configured.
pub const LOCAL_USER: &str = "local";

/// Finds or creates the local user and returns it as the default actor.
pub async fn local_actor(db: &DatabaseConnection) -> AppResult<Actor> {
    let found = user::Entity::find()
        .filter(user::Column::Name.eq(LOCAL_USER))
        .one(db)
        .await?;
    let user = match found {
        Some(u) => u,
        None => {
            let inserted = user::ActiveModel {
                name: Set(LOCAL_USER.to_owned()),
                kind: Set("user".to_owned()),
                created_at: Set(super::now()),
                ..Default::default()
            }
            .insert(db)
            .await;
            match inserted {
                Ok(u) => u,
                // Another instance created it at the same moment.
                Err(_) => user::Entity::find()
                    .filter(user::Column::Name.eq(LOCAL_USER))
                    .one(db)
                    .await?
                    .ok_or_else(|| {
                        crate::error::AppError::Internal("cannot create the local user".into())
                    })?,
            }
        }
    };
    Ok(Actor {
        user_id: Some(user.id),
    })
}
