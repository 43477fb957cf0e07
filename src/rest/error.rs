//! The one mapping from the gateway's typed errors to the vendor's REST error body and status:
//! `{"errors": {"<object>": ["message", …]}}`.

use std::collections::BTreeMap;

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    auth::{Scope, challenge, http::Rejection, rate_limit::retry_after_secs},
    domain::validation::dash_case,
    error::AppError,
};

/// The vendor's error body: messages per object (the resource, or `authentication`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Messages keyed by the object they concern (`integration-run`, `authentication`, …).
    pub errors: BTreeMap<String, Vec<String>>,
}

/// A refused REST request: its status, the object it concerns, messages and extra headers.
#[derive(Debug)]
pub struct RestError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The object the messages concern.
    pub object: String,
    /// What went wrong, for a person.
    pub messages: Vec<String>,
    /// Headers to add (`WWW-Authenticate`, `Retry-After`).
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl RestError {
    fn new(status: StatusCode, object: &str, messages: Vec<String>) -> Self {
        Self {
            status,
            object: object.to_owned(),
            messages,
            headers: Vec::new(),
        }
    }

    /// 400: the request cannot be read (bad JSON, unknown filter attribute or operator).
    pub fn bad_request(object: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, object, vec![message.into()])
    }

    /// 422: input that breaks a rule, found before calling the service.
    pub fn unprocessable(object: &str, messages: Vec<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, object, messages)
    }

    /// 404: no object of this kind with this id.
    pub fn not_found(object: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            object,
            vec![format!("{object} {id} does not exist")],
        )
    }

    /// 403: the principal lacks `required`.
    pub fn forbidden(required: Scope, granted: &str) -> Self {
        let granted = if granted.is_empty() { "none" } else { granted };
        Self::new(
            StatusCode::FORBIDDEN,
            "authorization",
            vec![format!(
                "this request needs the scope {required}; the credentials grant {granted}"
            )],
        )
    }

    /// A service error about `object`, with the status the vendor gives it.
    pub fn app(object: &str, error: AppError) -> Self {
        let status = match &error {
            AppError::NotFound { .. } => StatusCode::NOT_FOUND,
            AppError::Validation(_)
            | AppError::InvalidTransition { .. }
            | AppError::UnresolvedErrors { .. }
            | AppError::Conflict { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
            AppError::SlowConsumer { .. } | AppError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let messages = match &error {
            AppError::Validation(fields) => fields
                .iter()
                .map(|f| format!("{} {}", dash_case(&f.field), f.message))
                .collect(),
            AppError::Conflict { field, value } => {
                vec![format!(
                    "{} {value:?} has already been taken",
                    dash_case(field)
                )]
            }
            AppError::InvalidTransition { refused } => {
                let allowed: Vec<&str> = refused.allowed.iter().map(|a| a.as_str()).collect();
                vec![format!(
                    "cannot {} a run that is {}; allowed: {}",
                    refused.action.as_str(),
                    refused.current.as_str(),
                    if allowed.is_empty() {
                        "none (final status)".to_owned()
                    } else {
                        allowed.join(", ")
                    }
                )]
            }
            AppError::Internal(source) => {
                tracing::error!(error = %source, debug = ?source, "internal error");
                vec!["internal error".to_owned()]
            }
            other => vec![other.to_string()],
        };
        Self::new(status, object, messages)
    }

    /// 401 with a challenge, 429 with `Retry-After`, or 503.
    pub fn rejected(rejection: Rejection) -> Self {
        match rejection {
            Rejection::Unauthenticated(error) => {
                let mut e = Self::new(
                    StatusCode::UNAUTHORIZED,
                    "authentication",
                    vec![error.to_string()],
                );
                if let Ok(value) = HeaderValue::from_str(&challenge(&error)) {
                    e.headers.push((header::WWW_AUTHENTICATE, value));
                }
                e
            }
            Rejection::RateLimited(wait) => {
                let seconds = retry_after_secs(wait);
                let mut e = Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "authentication",
                    vec![format!(
                        "too many requests for this token; retry in {seconds} s"
                    )],
                );
                e.headers
                    .push((header::RETRY_AFTER, HeaderValue::from(seconds)));
                e
            }
            Rejection::Unavailable => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "authentication",
                vec!["credentials cannot be checked right now; try again shortly".to_owned()],
            ),
        }
    }

    /// The vendor body of this error.
    pub fn body(&self) -> ErrorBody {
        let mut errors = BTreeMap::new();
        errors.insert(self.object.clone(), self.messages.clone());
        ErrorBody { errors }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validation::FieldError;

    #[test]
    fn service_errors_map_to_vendor_statuses_and_dash_case_messages() {
        let e = RestError::app(
            "integration-run",
            AppError::Validation(vec![FieldError::new("recordsProcessed", "must be ≥ 0")]),
        );
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.messages, vec!["records-processed must be ≥ 0"]);
        let e = RestError::app("integration", AppError::not_found_id("integration", 9));
        assert_eq!(e.status, StatusCode::NOT_FOUND);
        let body = serde_json::to_value(e.body()).unwrap();
        assert!(body["errors"]["integration"][0].is_string());
    }
}
