//! The caller of a request: a refused one is turned away with a coded error, an admitted one's
//! principal goes with the request.

use async_graphql::{Request as GqlRequest, ServerError};
use axum::{
    http::{HeaderValue, StatusCode, header},
    response::Response,
};

use super::{
    negotiate::ResponseFormat,
    response::{errors_response, transport_error},
};
use crate::{
    auth::{Principal, challenge, http::Rejection, rate_limit::retry_after_secs},
    error::AppError,
};

/// Gives a request its caller: the principal (for the scope check) and the actor (for
/// created_by / updated_by).
pub(super) fn with_caller(request: GqlRequest, principal: &Option<Principal>) -> GqlRequest {
    match principal {
        Some(principal) => request.data(principal.actor()).data(principal.clone()),
        None => request,
    }
}

/// A refused caller as one coded error, and the status HTTP answers it with: 401
/// `UNAUTHENTICATED`, 429 `RATE_LIMITED` or 503 `UNAVAILABLE`. WebSocket handshakes refuse with
/// the same error.
pub(super) fn rejection_error(rejection: &Rejection) -> (StatusCode, ServerError) {
    match rejection {
        Rejection::Unauthenticated(error) => (
            StatusCode::UNAUTHORIZED,
            AppError::Unauthenticated(error.clone()).into_request_error(),
        ),
        Rejection::RateLimited(wait) => transport_error(
            StatusCode::TOO_MANY_REQUESTS,
            &format!(
                "too many requests for this token; retry in {} s",
                retry_after_secs(*wait)
            ),
        ),
        Rejection::Unavailable => transport_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "credentials cannot be checked right now; try again shortly",
        ),
    }
}

/// 401 with a challenge, 429 with Retry-After, or 503.
pub(super) fn rejection_to_response(rejection: Rejection, format: ResponseFormat) -> Response {
    let (status, error) = rejection_error(&rejection);
    let mut response = errors_response(status, format, &[error]);
    let header = match rejection {
        Rejection::Unauthenticated(error) => HeaderValue::from_str(&challenge(&error))
            .ok()
            .map(|value| (header::WWW_AUTHENTICATE, value)),
        Rejection::RateLimited(wait) => Some((
            header::RETRY_AFTER,
            HeaderValue::from(retry_after_secs(wait)),
        )),
        Rejection::Unavailable => None,
    };
    if let Some((name, value)) = header {
        response.headers_mut().insert(name, value);
    }
    response
}

/// Resolves when `expires` passes (never when there is none).
pub(super) async fn until(expires: Option<chrono::DateTime<chrono::Utc>>) {
    match expires {
        Some(at) => {
            let left = (at - chrono::Utc::now()).to_std().unwrap_or_default();
            tokio::time::sleep(left).await;
        }
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_callers_get_coded_errors_without_locations() {
        use crate::auth::AuthError;
        for (rejection, status, code) in [
            (
                Rejection::Unauthenticated(AuthError::Missing),
                StatusCode::UNAUTHORIZED,
                "UNAUTHENTICATED",
            ),
            (
                Rejection::RateLimited(std::time::Duration::from_secs(2)),
                StatusCode::TOO_MANY_REQUESTS,
                "RATE_LIMITED",
            ),
            (
                Rejection::Unavailable,
                StatusCode::SERVICE_UNAVAILABLE,
                "UNAVAILABLE",
            ),
        ] {
            let (answered, error) = rejection_error(&rejection);
            assert_eq!(answered, status);
            let json = serde_json::to_value(&error).expect("JSON");
            assert_eq!(json["extensions"]["code"], code, "{json}");
            assert!(json.get("locations").is_none(), "{json}");
        }
    }
}
