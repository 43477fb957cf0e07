//! Scope enforcement for every operation, whatever the transport (HTTP, WebSocket, multipart):
//! queries and subscriptions need `core.integration.read`, mutations `core.integration.write`;
//! the webhook fields also need `core.integration.admin` ([`AdminGuard`]).

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, OperationType,
};

use crate::{
    auth::{AuthError, Principal, Scope},
    error::AppError,
};

/// The operation a request runs, if the document names it unambiguously.
pub fn operation_definition<'a>(
    doc: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    let op = match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => op,
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name)?,
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next()?,
        // Unknown or ambiguous: execution refuses it without running anything.
        (DocumentOperations::Multiple(_), None) => return None,
    };
    Some(&op.node)
}

/// A field guard: the caller must also hold `core.integration.admin` (webhook endpoints and
/// deliveries: targets and secrets are the administrator's business).
#[derive(Debug, Default)]
pub struct AdminGuard;

impl async_graphql::Guard for AdminGuard {
    async fn check(&self, ctx: &async_graphql::Context<'_>) -> async_graphql::Result<()> {
        match ctx.data_opt::<Principal>() {
            Some(p) if p.scopes.contains(Scope::Admin) => Ok(()),
            Some(p) => Err(AppError::Forbidden {
                required: Scope::Admin,
                granted: p.scopes.to_space_separated(),
            }
            .into()),
            None => Err(AppError::Unauthenticated(AuthError::Missing).into()),
        }
    }
}

/// The type of the operation a request runs, if the document names it unambiguously.
pub fn selected_operation(doc: &ExecutableDocument, name: Option<&str>) -> Option<OperationType> {
    operation_definition(doc, name).map(|op| op.ty)
}

/// The scope an operation of this type needs: reading for queries and subscriptions, writing for
/// mutations.
fn required_scope(operation: OperationType) -> Scope {
    match operation {
        OperationType::Query | OperationType::Subscription => Scope::Read,
        OperationType::Mutation => Scope::Write,
    }
}

/// Whether `principal` may run an operation of type `operation`.
pub fn authorize(principal: Option<&Principal>, operation: OperationType) -> Result<(), AppError> {
    let principal = principal.ok_or(AppError::Unauthenticated(AuthError::Missing))?;
    let required = required_scope(operation);
    if principal.scopes.contains(required) {
        Ok(())
    } else {
        Err(AppError::Forbidden {
            required,
            granted: principal.scopes.to_space_separated(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Scopes;

    fn principal(scopes: &[&str]) -> Principal {
        Principal {
            name: "t".into(),
            user_id: None,
            scopes: Scopes::from_names(scopes.iter().copied()),
            expires_at: None,
            rate_key: None,
        }
    }

    #[test]
    fn queries_and_subscriptions_read_and_mutations_write() {
        assert_eq!(required_scope(OperationType::Query), Scope::Read);
        assert_eq!(required_scope(OperationType::Subscription), Scope::Read);
        assert_eq!(required_scope(OperationType::Mutation), Scope::Write);
    }

    #[test]
    fn each_scope_allows_its_operations_only() {
        let read = principal(&["core.integration.read"]);
        let write = principal(&["core.integration.write"]);
        assert!(authorize(Some(&read), OperationType::Query).is_ok());
        assert!(authorize(Some(&read), OperationType::Subscription).is_ok());
        assert!(matches!(
            authorize(Some(&read), OperationType::Mutation),
            Err(AppError::Forbidden {
                required: Scope::Write,
                ..
            })
        ));
        assert!(authorize(Some(&write), OperationType::Mutation).is_ok());
        assert!(authorize(Some(&write), OperationType::Query).is_err());
        assert!(matches!(
            authorize(None, OperationType::Query),
            Err(AppError::Unauthenticated(AuthError::Missing))
        ));
    }

    #[test]
    fn the_selected_operation_is_found_by_name() {
        let doc = async_graphql::parser::parse_query(
            "query A { a } mutation B { b } subscription C { c }",
        )
        .unwrap();
        assert_eq!(
            selected_operation(&doc, Some("B")),
            Some(OperationType::Mutation)
        );
        assert_eq!(
            selected_operation(&doc, Some("C")),
            Some(OperationType::Subscription)
        );
        assert_eq!(selected_operation(&doc, None), None);
        let single = async_graphql::parser::parse_query("mutation { b }").unwrap();
        assert_eq!(
            selected_operation(&single, None),
            Some(OperationType::Mutation)
        );
    }
}
