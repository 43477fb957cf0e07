use sea_orm::entity::prelude::*;

/// A row of `users`: a user or an API client.
#[derive(Clone, Debug, Default, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Unique principal name.
    #[sea_orm(unique)]
    pub name: String,
    /// `user` or `api_client`.
    pub kind: String,
    /// When the row was created.
    pub created_at: DateTimeUtc,
}

/// `users` has no outgoing relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
