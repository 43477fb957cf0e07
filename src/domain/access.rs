//! Access: the vendor's OAuth2 scopes a caller holds, and why credentials are refused. Which
//! scope an operation needs is decided where operations are known (`graphql::scopes`, the REST
//! handlers).

/// One OAuth2 scope the gateway understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Queries and subscriptions.
    Read,
    /// Mutations.
    Write,
    /// Administration: webhook endpoints and deliveries (with read for queries, write for
    /// mutations).
    Admin,
}

impl Scope {
    /// Every scope, in the order they are documented.
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Admin];

    /// The scope's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "core.integration.read",
            Scope::Write => "core.integration.write",
            Scope::Admin => "core.integration.admin",
        }
    }

    /// Parses a scope name; unknown scopes (other APIs' scopes in a shared token) are `None`.
    pub fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The set of scopes a principal holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scopes {
    read: bool,
    write: bool,
    admin: bool,
}

impl Scopes {
    /// Every scope (the local principal when no authentication is configured).
    pub fn all() -> Self {
        Scopes {
            read: true,
            write: true,
            admin: true,
        }
    }

    /// Collects the known scopes among `names`, ignoring the others.
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut scopes = Scopes::default();
        for scope in names.into_iter().filter_map(Scope::parse) {
            scopes.insert(scope);
        }
        scopes
    }

    /// Adds a scope.
    pub fn insert(&mut self, scope: Scope) {
        match scope {
            Scope::Read => self.read = true,
            Scope::Write => self.write = true,
            Scope::Admin => self.admin = true,
        }
    }

    /// Whether the set holds `scope`.
    pub fn contains(self, scope: Scope) -> bool {
        match scope {
            Scope::Read => self.read,
            Scope::Write => self.write,
            Scope::Admin => self.admin,
        }
    }

    /// Whether no scope is held.
    pub fn is_empty(self) -> bool {
        !self.read && !self.write && !self.admin
    }

    /// The scopes as a space-separated list, as OAuth2 writes them.
    pub fn to_space_separated(self) -> String {
        Scope::ALL
            .into_iter()
            .filter(|s| self.contains(*s))
            .map(Scope::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Why a request is not authenticated; every variant answers `UNAUTHENTICATED`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No credentials while the server requires them.
    #[error("authentication required: send `Authorization: Bearer <token>`")]
    Missing,
    /// The header or the token cannot be read.
    #[error("malformed credentials: {0}")]
    Malformed(String),
    /// The token's `exp` has passed.
    #[error("the token has expired")]
    Expired,
    /// The token's `nbf` is still in the future.
    #[error("the token is not valid yet (nbf)")]
    NotYetValid,
    /// The token's `aud` does not name this server.
    #[error("the token is meant for another audience")]
    WrongAudience,
    /// The token's `iss` is not the configured issuer.
    #[error("the token comes from another issuer")]
    WrongIssuer,
    /// The signature does not verify.
    #[error("invalid token signature: {0}")]
    InvalidSignature(String),
    /// No API token has this secret.
    #[error("unknown API token")]
    UnknownToken,
    /// The API token was revoked.
    #[error("the API token has been revoked")]
    Revoked,
    /// A JWT arrived but no JWT verification is configured.
    #[error("JWT access tokens are not accepted: the server has no JWT secret or key set")]
    JwtNotConfigured,
}

impl AuthError {
    /// A short machine-readable reason (`extensions.reason`).
    pub fn reason(&self) -> &'static str {
        match self {
            AuthError::Missing => "missing",
            AuthError::Malformed(_) => "malformed",
            AuthError::Expired => "expired",
            AuthError::NotYetValid => "not_yet_valid",
            AuthError::WrongAudience => "wrong_audience",
            AuthError::WrongIssuer => "wrong_issuer",
            AuthError::InvalidSignature(_) => "invalid_signature",
            AuthError::UnknownToken => "unknown_token",
            AuthError::Revoked => "revoked",
            AuthError::JwtNotConfigured => "jwt_not_configured",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_scopes_are_ignored_and_names_round_trip() {
        let scopes = Scopes::from_names(["openid", "core.integration.write", "core.other.read"]);
        assert!(scopes.contains(Scope::Write));
        assert!(!scopes.contains(Scope::Read));
        assert_eq!(scopes.to_space_separated(), "core.integration.write");
        assert!(Scopes::from_names(["profile"]).is_empty());
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()), Some(scope));
        }
    }
}
