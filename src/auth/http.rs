//! Authentication at the HTTP edge: the `Authorization` header (or a WebSocket `connection_init`
//! payload) becomes a [`Principal`], and the per-token rate limit is counted.

use std::{sync::Arc, time::Duration};

use axum::http::{HeaderMap, header};

use super::{AuthError, AuthFailure, Authenticator, Principal, rate_limit::RateLimit};

/// The HTTP side of authentication: who is calling and how often they may.
#[derive(Clone, Debug)]
pub struct HttpAuth {
    /// Checks credentials.
    pub authenticator: Arc<Authenticator>,
    /// The per-token limit, if any.
    pub rate_limit: Option<Arc<RateLimit>>,
}

/// Why a request is turned away before it runs.
#[derive(Debug)]
pub enum Rejection {
    /// 401 with a `WWW-Authenticate` challenge.
    Unauthenticated(AuthError),
    /// 429 with `Retry-After`.
    RateLimited(Duration),
    /// 503: credentials could not be checked (the database is unreachable).
    Unavailable,
}

impl HttpAuth {
    /// The principal of a request with these headers, counted against its rate limit.
    pub async fn principal(&self, headers: &HeaderMap) -> Result<Principal, Rejection> {
        let value = match headers.get(header::AUTHORIZATION) {
            None => None,
            Some(value) => Some(value.to_str().map_err(|_| {
                Rejection::Unauthenticated(AuthError::Malformed(
                    "the Authorization header is not ASCII".into(),
                ))
            })?),
        };
        self.principal_from(value).await
    }

    /// The principal behind an `Authorization` value (or none), counted against its rate limit.
    pub async fn principal_from(
        &self,
        authorization: Option<&str>,
    ) -> Result<Principal, Rejection> {
        let principal = self
            .authenticator
            .authenticate(authorization)
            .await
            .map_err(|failure| match failure {
                AuthFailure::Refused(e) => Rejection::Unauthenticated(e),
                AuthFailure::Unavailable(e) => {
                    tracing::error!(error = %e, "cannot check credentials");
                    Rejection::Unavailable
                }
            })?;
        if let (Some(limit), Some(key)) = (&self.rate_limit, &principal.rate_key) {
            limit.check(key).map_err(Rejection::RateLimited)?;
        }
        Ok(principal)
    }
}

/// The `Authorization` value of a WebSocket `connection_init` payload: `Authorization` or
/// `authorization`, at the top level or under `headers` (as GraphiQL's header editor sends it).
pub fn payload_authorization(payload: &serde_json::Value) -> Option<&str> {
    fn pick(v: &serde_json::Value) -> Option<&str> {
        v.get("Authorization")
            .or_else(|| v.get("authorization"))
            .and_then(serde_json::Value::as_str)
    }
    pick(payload).or_else(|| payload.get("headers").and_then(pick))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_is_found_in_connection_init_payloads() {
        let top = serde_json::json!({ "Authorization": "Bearer a" });
        let lower = serde_json::json!({ "authorization": "Bearer b" });
        let nested = serde_json::json!({ "headers": { "Authorization": "Bearer c" } });
        assert_eq!(payload_authorization(&top), Some("Bearer a"));
        assert_eq!(payload_authorization(&lower), Some("Bearer b"));
        assert_eq!(payload_authorization(&nested), Some("Bearer c"));
        assert_eq!(payload_authorization(&serde_json::json!({})), None);
        assert_eq!(payload_authorization(&serde_json::Value::Null), None);
    }
}
