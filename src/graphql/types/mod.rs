//! GraphQL object types, their filters and orderings.

pub mod integration;
pub mod run;
pub mod user;

pub use integration::{Integration, IntegrationConnection, IntegrationFilter, IntegrationOrder};
pub use run::{
    IntegrationRun, IntegrationRunConnection, IntegrationRunFilter, IntegrationRunOrder,
};
pub use user::User;

use crate::error::{AppError, AppResult};

/// Parses a stored enum column; the database's CHECK constraints make a failure a bug, not bad input.
pub(crate) fn stored<T: std::str::FromStr<Err = String>>(value: &str) -> AppResult<T> {
    value
        .parse()
        .map_err(|e: String| AppError::Internal(e.into()))
}
