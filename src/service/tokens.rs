//! API tokens: made, listed and revoked with the CLI, stored only as SHA-256 hashes.

use chrono::{DateTime, Utc};
use entity::api_token;
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use sha2::{Digest, Sha256};

use super::{
    begin_write, now,
    users::{self, UserKind},
};
use crate::{
    domain::{Scopes, validation::FieldError},
    error::{AppError, AppResult},
};

/// Every API token starts with this, so it can be told from a JWT (and found by secret scanners).
pub const TOKEN_PREFIX: &str = "igw_";

/// How many characters of a token `token list` shows.
const SHOWN_PREFIX_CHARS: usize = 12;

/// A token just made: the row and the secret, which is shown this once and never stored.
#[derive(Debug)]
pub struct CreatedToken {
    /// The stored row.
    pub token: api_token::Model,
    /// The whole token to hand to the client.
    pub secret: String,
}

/// The hex SHA-256 of a token: what is stored and looked up.
pub fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Makes a token named `name` with `scopes`, optionally expiring, attributed to its own
/// `api_client` user `token:NAME`.
pub async fn create(
    db: &DatabaseConnection,
    name: &str,
    scopes: Scopes,
    expires_at: Option<DateTime<Utc>>,
) -> AppResult<CreatedToken> {
    let name = name.trim();
    let mut problems = Vec::new();
    if name.is_empty() || name.len() > 100 {
        problems.push(FieldError::new("name", "must be 1 to 100 characters"));
    }
    if scopes.is_empty() {
        problems.push(FieldError::new(
            "scope",
            "give at least one of core.integration.read, core.integration.write",
        ));
    }
    if expires_at.is_some_and(|at| at <= Utc::now()) {
        problems.push(FieldError::new("expires", "must be in the future"));
    }
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = format!(
        "{TOKEN_PREFIX}{}",
        base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, bytes)
    );
    let txn = begin_write(db).await?;
    let taken = api_token::Entity::find()
        .filter(api_token::Column::Name.eq(name))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(AppError::Conflict {
            field: "name",
            value: name.to_owned(),
        });
    }
    let user = users::ensure(&txn, &format!("token:{name}"), UserKind::ApiClient).await?;
    let token = api_token::ActiveModel {
        name: Set(name.to_owned()),
        token_hash: Set(hash(&secret)),
        prefix: Set(secret.chars().take(SHOWN_PREFIX_CHARS).collect()),
        scopes: Set(scopes.to_space_separated()),
        user_id: Set(user.id),
        created_at: Set(now()),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(CreatedToken { token, secret })
}

/// Every token, oldest first.
pub async fn list(db: &DatabaseConnection) -> AppResult<Vec<api_token::Model>> {
    Ok(api_token::Entity::find()
        .order_by_asc(api_token::Column::Id)
        .all(db)
        .await?)
}

/// Revokes the token named `name`; it is refused from the next request on. Revoking twice
/// keeps the first revocation time.
pub async fn revoke(db: &DatabaseConnection, name: &str) -> AppResult<api_token::Model> {
    let txn = begin_write(db).await?;
    let token = api_token::Entity::find()
        .filter(api_token::Column::Name.eq(name))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "API token",
            key: format!("named {name:?}"),
        })?;
    if token.revoked_at.is_some() {
        return Ok(token);
    }
    let mut active: api_token::ActiveModel = token.into();
    active.revoked_at = Set(Some(now()));
    let token = active.update(&txn).await?;
    txn.commit().await?;
    Ok(token)
}

/// The token whose secret is `secret`, if any (revoked and expired ones included).
pub async fn find_by_secret(
    db: &DatabaseConnection,
    secret: &str,
) -> AppResult<Option<api_token::Model>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash(secret)))
        .one(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_hex_sha256() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
