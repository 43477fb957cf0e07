//! The vendor's OAuth2 scopes and which one each kind of operation needs.

use async_graphql::parser::types::OperationType;

/// One OAuth2 scope the gateway understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Queries and subscriptions.
    Read,
    /// Mutations.
    Write,
}

impl Scope {
    /// Every scope, in the order they are documented.
    pub const ALL: [Scope; 2] = [Scope::Read, Scope::Write];

    /// The scope's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "core.integration.read",
            Scope::Write => "core.integration.write",
        }
    }

    /// Parses a scope name; unknown scopes (other APIs' scopes in a shared token) are `None`.
    pub fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The scope an operation of this type needs: reading for queries and subscriptions,
    /// writing for mutations.
    pub fn required_for(operation: OperationType) -> Scope {
        match operation {
            OperationType::Query | OperationType::Subscription => Scope::Read,
            OperationType::Mutation => Scope::Write,
        }
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
}

impl Scopes {
    /// Every scope (the local principal when no authentication is configured).
    pub fn all() -> Self {
        Scopes {
            read: true,
            write: true,
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
        }
    }

    /// Whether the set holds `scope`.
    pub fn contains(self, scope: Scope) -> bool {
        match scope {
            Scope::Read => self.read,
            Scope::Write => self.write,
        }
    }

    /// Whether no scope is held.
    pub fn is_empty(self) -> bool {
        !self.read && !self.write
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_and_subscriptions_read_and_mutations_write() {
        assert_eq!(Scope::required_for(OperationType::Query), Scope::Read);
        assert_eq!(
            Scope::required_for(OperationType::Subscription),
            Scope::Read
        );
        assert_eq!(Scope::required_for(OperationType::Mutation), Scope::Write);
    }

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
