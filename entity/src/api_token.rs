use sea_orm::entity::prelude::*;

/// A row of `api_tokens`: one API token, kept only as the SHA-256 hash of its secret.
#[derive(Clone, Debug, Default, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Unique name given at creation.
    #[sea_orm(unique)]
    pub name: String,
    /// Hex SHA-256 of the whole token.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// The token's first characters, shown by `token list` to recognise it.
    pub prefix: String,
    /// Granted scopes, space-separated.
    pub scopes: String,
    /// The `api_client` user that changes made with the token are attributed to.
    pub user_id: i32,
    /// When the token was created.
    pub created_at: DateTimeUtc,
    /// When the token stops being accepted, if ever.
    pub expires_at: Option<DateTimeUtc>,
    /// When the token was revoked, if it was.
    pub revoked_at: Option<DateTimeUtc>,
}

/// `api_tokens` belongs to its user.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The token's `api_client` user.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id"
    )]
    User,
}

impl ActiveModelBehavior for ActiveModel {}
