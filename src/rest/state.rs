//! What every REST handler shares: the database, authentication, input bounds and the broker.

use std::sync::Arc;

use axum::http::HeaderMap;
use sea_orm::DatabaseConnection;

use super::error::RestError;
use crate::{
    auth::{Principal, Scope, http::HttpAuth},
    broker::Broker,
    domain::input::InputLimits,
};

/// What the REST handlers need: the database, authentication, and the broker to wake.
#[derive(Clone, Debug)]
pub struct RestState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// Authentication and the rate limit, as on `/graphql`.
    pub auth: HttpAuth,
    /// Woken after every write so subscribers hear of it at once.
    pub broker: Arc<Broker>,
    /// Bounds of input values (bodies and index queries), as on `/graphql`.
    pub input: InputLimits,
    /// The names of users already read, for the users shown in answers.
    pub user_names: Arc<super::related::UserNames>,
}

impl RestState {
    /// The caller, if it holds `scope`: 401/429/503 from authentication, 403 without the scope.
    pub async fn authorize(
        &self,
        headers: &HeaderMap,
        scope: Scope,
    ) -> Result<Principal, RestError> {
        let principal = self
            .auth
            .principal(headers)
            .await
            .map_err(RestError::rejected)?;
        if !principal.scopes.contains(scope) {
            return Err(RestError::forbidden(
                scope,
                &principal.scopes.to_space_separated(),
            ));
        }
        Ok(principal)
    }

    /// Wakes the broker after a committed write (the service wrote the events in its transaction).
    pub fn written(&self) {
        self.broker.notify();
    }
}
