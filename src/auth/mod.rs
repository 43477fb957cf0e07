//! Who is calling: bearer tokens (JWT access tokens or API tokens) turned into a
//! [`Principal`](crate::auth::Principal) with the vendor's scopes, and the per-token rate limit;
//! [`http`](crate::auth::http) does both for a request, for the GraphQL endpoint and the REST API
//! alike.

pub mod http;
pub mod jwt;
pub mod rate_limit;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

// The scopes and the refusals are domain words, so that the error type and the services name them
// without depending on authentication; they are handed on here, where callers look for them.
pub use crate::domain::access::{AuthError, Scope, Scopes};
pub use jwt::JwtVerifier;

use crate::service::{self, Actor};

/// The scheme of the `Authorization` header and the `WWW-Authenticate` challenge.
pub const BEARER: &str = "Bearer";

/// The realm named in `WWW-Authenticate`.
pub const REALM: &str = "integration-gateway";

/// The `WWW-Authenticate` challenge (RFC 6750) of a refusal: no error code when nothing was sent,
/// `invalid_token` otherwise.
pub fn challenge(error: &AuthError) -> String {
    match error {
        AuthError::Missing => format!("{BEARER} realm=\"{REALM}\""),
        other => format!(
            "{BEARER} realm=\"{REALM}\", error=\"invalid_token\", error_description=\"{}\"",
            other.to_string().replace(['"', '\\'], "'")
        ),
    }
}

/// An authenticated caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The user or API client name (`sub` of a JWT, `token:NAME` of an API token, `local`).
    pub name: String,
    /// The `users` row changes are attributed to.
    pub user_id: Option<i32>,
    /// What the caller may do.
    pub scopes: Scopes,
    /// When the credential stops being valid (subscriptions are closed then).
    pub expires_at: Option<DateTime<Utc>>,
    /// The key the rate limit counts under; `None` for the unauthenticated local caller.
    pub rate_key: Option<String>,
}

impl Principal {
    /// The actor recorded as created_by / updated_by.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.user_id,
        }
    }
}

/// Why authentication could not be decided.
#[derive(Debug, thiserror::Error)]
pub enum AuthFailure {
    /// The credentials are refused.
    #[error(transparent)]
    Refused(#[from] AuthError),
    /// The database could not be asked (API tokens, users).
    #[error("authentication is unavailable: {0}")]
    Unavailable(#[from] crate::error::AppError),
}

/// Authentication settings.
#[derive(Debug, Default)]
pub struct AuthSettings {
    /// Verifier of JWT access tokens, if configured.
    pub jwt: Option<JwtVerifier>,
    /// Refuse requests without a token even when no JWT verification is configured (API tokens only).
    pub require_auth: bool,
}

impl AuthSettings {
    /// Whether every request must carry a token.
    pub fn required(&self) -> bool {
        self.require_auth || self.jwt.is_some()
    }
}

/// Turns `Authorization` headers (or WebSocket `connection_init` payloads) into principals.
#[derive(Debug)]
pub struct Authenticator {
    db: DatabaseConnection,
    jwt: Option<JwtVerifier>,
    required: bool,
    local: Principal,
    /// JWT subjects already mapped to `users` rows, so a token costs no query after the first.
    users: Mutex<HashMap<String, i32>>,
}

impl Authenticator {
    /// An authenticator over the database, with the principal of unauthenticated local requests.
    pub fn new(db: DatabaseConnection, settings: AuthSettings, local: Actor) -> Arc<Self> {
        let required = settings.required();
        Arc::new(Self {
            db,
            jwt: settings.jwt,
            required,
            local: Principal {
                name: service::users::LOCAL_USER.to_owned(),
                user_id: local.user_id,
                scopes: Scopes::all(),
                expires_at: None,
                rate_key: None,
            },
            users: Mutex::new(HashMap::new()),
        })
    }

    /// Whether requests without a token are refused.
    pub fn required(&self) -> bool {
        self.required
    }

    /// The principal behind an `Authorization` header value (or its absence).
    pub async fn authenticate(
        &self,
        authorization: Option<&str>,
    ) -> Result<Principal, AuthFailure> {
        let Some(header) = authorization.map(str::trim).filter(|h| !h.is_empty()) else {
            return if self.required {
                Err(AuthError::Missing.into())
            } else {
                Ok(self.local.clone())
            };
        };
        let token = bearer_token(header)?;
        if token.starts_with(service::tokens::TOKEN_PREFIX) {
            let found = service::tokens::find_by_secret(&self.db, token)
                .await?
                .ok_or(AuthError::UnknownToken)?;
            if found.revoked_at.is_some() {
                return Err(AuthError::Revoked.into());
            }
            if found.expires_at.is_some_and(|at| at <= Utc::now()) {
                return Err(AuthError::Expired.into());
            }
            return Ok(Principal {
                name: format!("token:{}", found.name),
                user_id: Some(found.user_id),
                scopes: Scopes::from_names(found.scopes.split_whitespace()),
                expires_at: found.expires_at,
                rate_key: Some(format!("token:{}", found.id)),
            });
        }
        let Some(jwt) = &self.jwt else {
            return Err(if token.split('.').count() == 3 {
                AuthError::JwtNotConfigured
            } else {
                AuthError::UnknownToken
            }
            .into());
        };
        let verified = jwt.verify(token)?;
        let user_id = self.user_for_subject(&verified.subject).await?;
        Ok(Principal {
            rate_key: Some(format!("jwt:{}", verified.subject)),
            name: verified.subject,
            user_id: Some(user_id),
            scopes: verified.scopes,
            expires_at: Some(verified.expires_at),
        })
    }

    async fn user_for_subject(&self, subject: &str) -> Result<i32, AuthFailure> {
        if let Some(id) = self.users.lock().ok().and_then(|m| m.get(subject).copied()) {
            return Ok(id);
        }
        let user =
            service::users::ensure(&self.db, subject, service::users::UserKind::User).await?;
        if let Ok(mut map) = self.users.lock() {
            map.insert(subject.to_owned(), user.id);
        }
        Ok(user.id)
    }
}

/// The token of a `Bearer` credential (the scheme is case-insensitive, RFC 7235).
fn bearer_token(header: &str) -> Result<&str, AuthError> {
    let (scheme, token) = header
        .split_once(' ')
        .ok_or_else(|| AuthError::Malformed("expected `Bearer <token>`".into()))?;
    if !scheme.eq_ignore_ascii_case(BEARER) {
        return Err(AuthError::Malformed(format!(
            "the `{scheme}` scheme is not supported; use `Bearer <token>`"
        )));
    }
    let token = token.trim();
    if token.is_empty() || token.contains(char::is_whitespace) {
        return Err(AuthError::Malformed("expected `Bearer <token>`".into()));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_parsing() {
        assert_eq!(bearer_token("Bearer abc"), Ok("abc"));
        assert_eq!(bearer_token("bearer  abc "), Ok("abc"));
        assert!(matches!(
            bearer_token("Basic abc"),
            Err(AuthError::Malformed(_))
        ));
        assert!(matches!(
            bearer_token("Bearer"),
            Err(AuthError::Malformed(_))
        ));
        assert!(matches!(
            bearer_token("Bearer a b"),
            Err(AuthError::Malformed(_))
        ));
    }

    #[test]
    fn challenges_follow_rfc_6750() {
        assert_eq!(
            challenge(&AuthError::Missing),
            "Bearer realm=\"integration-gateway\""
        );
        assert!(challenge(&AuthError::Expired).contains("error=\"invalid_token\""));
    }
}
