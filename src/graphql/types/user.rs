//! The principal that made a change.

use async_graphql::{Context, Object, Result};
use entity::user;

/// A user or API client that created or changed data.
#[derive(Clone, Debug)]
pub struct User(pub user::Model);

/// A user or API client that created or changed data.
#[Object]
impl User {
    /// The user's id.
    async fn id(&self) -> i32 {
        self.0.id
    }

    /// The user's name (or the API client's name).
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// `user` or `api_client`.
    async fn kind(&self) -> &str {
        &self.0.kind
    }
}

/// The user with this id, if any, through the users loader.
pub(crate) async fn load(ctx: &Context<'_>, id: Option<i32>) -> Result<Option<User>> {
    let loaders = crate::graphql::loaders::loaders(ctx)?;
    Ok(crate::graphql::loaders::by_id(&loaders.users, id)
        .await?
        .map(User))
}
