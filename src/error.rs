//! The one error type of the gateway, and its single mapping to GraphQL errors.

use async_graphql::ErrorExtensions;
use sea_orm::DbErr;

use crate::domain::{AuthError, RunStatus, Scope, TransitionRefused, validation::FieldError};

/// Every way a request can fail, typed; each maps to one `extensions.code`.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The object named by the request does not exist.
    #[error("{entity} {key} does not exist")]
    NotFound {
        /// The kind of object (`integration`, `integration run`).
        entity: &'static str,
        /// How it was named (`id 5`, `code "SAP"`).
        key: String,
    },
    /// One or more input fields break a rule; nothing was written.
    #[error("{}", validation_message(.0))]
    Validation(Vec<FieldError>),
    /// A run action that its current status does not allow.
    #[error("{refused}")]
    InvalidTransition {
        /// The refusal of the status machine.
        refused: TransitionRefused,
    },
    /// `success`/`finish` refused because the run still has unresolved integration errors.
    #[error("run {run_id} has {count} unresolved integration error{}: resolve them before {action}", if *.count == 1 { "" } else { "s" })]
    UnresolvedErrors {
        /// The run.
        run_id: i32,
        /// The refused action.
        action: crate::domain::RunAction,
        /// How many errors are still unresolved.
        count: u64,
    },
    /// A subscriber fell too far behind the events and was dropped; it can resume after
    /// `last_delivered` with `afterSequence`.
    #[error(
        "this subscription fell more than its buffer behind and was closed; resume with afterSequence: {last_delivered}"
    )]
    SlowConsumer {
        /// The sequence of the last event delivered to it.
        last_delivered: i64,
    },
    /// A unique value is already taken.
    #[error("{field} {value:?} has already been taken")]
    Conflict {
        /// The input field (`code`, `name`).
        field: &'static str,
        /// The value that clashes.
        value: String,
    },
    /// The request carries no valid credentials.
    #[error("{0}")]
    Unauthenticated(AuthError),
    /// The credentials lack the scope the operation needs.
    #[error("this operation needs the scope {required}; the credentials grant {}", if .granted.is_empty() { "none" } else { .granted.as_str() })]
    Forbidden {
        /// The missing scope.
        required: Scope,
        /// The scopes held, space-separated.
        granted: String,
    },
    /// A database or other internal failure; logged in full, shown to clients only generically.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

fn validation_message(errors: &[FieldError]) -> String {
    let parts: Vec<String> = errors
        .iter()
        .map(|e| format!("{} {}", e.field, e.message))
        .collect();
    format!("invalid input: {}", parts.join("; "))
}

impl AppError {
    /// A not-found error for an object looked up by id.
    pub fn not_found_id(entity: &'static str, id: i32) -> Self {
        AppError::NotFound {
            entity,
            key: format!("with id {id}"),
        }
    }

    /// A validation error for one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(field, message)])
    }

    /// This error as a GraphQL error of the whole request, raised before any position in the
    /// document is known (authentication, the scope check): its message and extensions, and no
    /// `locations` (the spec's start at line 1; `Pos::default()` would claim line 0, column 0).
    pub fn into_request_error(self) -> async_graphql::ServerError {
        let error = self.extend();
        let mut server_error = async_graphql::ServerError::new(error.message, None);
        server_error.source = error.source;
        server_error.extensions = error.extensions;
        server_error
    }

    /// The `extensions.code` of this error.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound { .. } => "NOT_FOUND",
            AppError::Validation(_) => "VALIDATION",
            AppError::InvalidTransition { .. } => "INVALID_TRANSITION",
            AppError::UnresolvedErrors { .. } => "UNRESOLVED_ERRORS",
            AppError::SlowConsumer { .. } => "SLOW_CONSUMER",
            AppError::Conflict { .. } => "CONFLICT",
            AppError::Unauthenticated(_) => "UNAUTHENTICATED",
            AppError::Forbidden { .. } => "FORBIDDEN",
            AppError::Internal(_) => "INTERNAL",
        }
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Validation(vec![e])
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        AppError::Internal(Box::new(e))
    }
}

impl From<DbErr> for AppError {
    fn from(e: DbErr) -> Self {
        AppError::Internal(Box::new(e))
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(e: sea_orm::TransactionError<AppError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

/// The GraphQL enum name of a run status (`RUNNING`).
fn graphql_status(s: RunStatus) -> String {
    s.as_str().to_ascii_uppercase()
}

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        if let AppError::Internal(source) = self {
            // The client sees a generic message; the detail goes to the log only.
            tracing::error!(error = %source, debug = ?source, "internal error");
        }
        async_graphql::Error::new(self.to_string()).extend_with(|_, ext| {
            ext.set("code", self.code());
            match self {
                AppError::NotFound { entity, .. } => ext.set("entity", *entity),
                AppError::Validation(errors) => {
                    if let Some(first) = errors.first() {
                        ext.set("field", first.field.as_str());
                    }
                    let fields: Vec<async_graphql::Value> = errors
                        .iter()
                        .map(|e| {
                            let mut m = async_graphql::indexmap::IndexMap::new();
                            m.insert(async_graphql::Name::new("field"), e.field.clone().into());
                            m.insert(
                                async_graphql::Name::new("message"),
                                e.message.clone().into(),
                            );
                            async_graphql::Value::Object(m)
                        })
                        .collect();
                    ext.set("fields", fields);
                }
                AppError::InvalidTransition { refused } => {
                    ext.set("action", refused.action.as_str().to_ascii_uppercase());
                    ext.set("currentStatus", graphql_status(refused.current));
                    let allowed: Vec<String> = refused
                        .allowed
                        .iter()
                        .map(|a| a.as_str().to_ascii_uppercase())
                        .collect();
                    ext.set("allowedActions", allowed);
                }
                AppError::UnresolvedErrors {
                    run_id,
                    count,
                    action,
                } => {
                    ext.set("runId", *run_id);
                    ext.set("action", action.as_str().to_ascii_uppercase());
                    ext.set("unresolvedErrors", *count);
                }
                AppError::SlowConsumer { last_delivered } => {
                    ext.set("lastDeliveredSequence", *last_delivered)
                }
                AppError::Conflict { field, .. } => ext.set("field", *field),
                AppError::Unauthenticated(reason) => ext.set("reason", reason.reason()),
                AppError::Forbidden { required, .. } => ext.set("requiredScope", required.as_str()),
                AppError::Internal(_) => {}
            }
        })
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(e: AppError) -> Self {
        e.extend()
    }
}

/// Result of a service call.
pub type AppResult<T> = Result<T, AppError>;
