//! GraphQL object types, their filters and orderings.

pub mod aggregate;
pub mod alert;
pub mod contact;
pub mod document;
pub mod error;
pub mod event;
pub mod export;
pub mod history_record;
pub mod integration;
pub mod object;
pub mod response;
pub mod run;
pub mod user;
pub mod webhook;

pub use alert::{
    IntegrationAlert, IntegrationAlertConnection, IntegrationAlertFilter, IntegrationAlertOrder,
};
pub use contact::IntegrationContact;
pub use error::{
    IntegrationError, IntegrationErrorConnection, IntegrationErrorFilter, IntegrationErrorOrder,
};
pub use export::{
    DocumentExport, DocumentExportConnection, DocumentExportFilter, DocumentExportOrder,
};
pub use history_record::{
    IntegrationHistoryRecord, IntegrationHistoryRecordConnection, IntegrationHistoryRecordFilter,
    IntegrationHistoryRecordOrder,
};
pub use integration::{Integration, IntegrationConnection, IntegrationFilter, IntegrationOrder};
pub use response::IntegrationRecordResponse;
pub use run::{
    IntegrationRun, IntegrationRunConnection, IntegrationRunFilter, IntegrationRunOrder,
};
pub use user::User;
pub use webhook::{
    DeliveryAttempt, WebhookDelivery, WebhookDeliveryConnection, WebhookDeliveryFilter,
    WebhookDeliveryOrder, WebhookEndpoint, WebhookEndpointWithSecret,
};

use crate::error::{AppError, AppResult};

/// Parses a stored enum column; the database's CHECK constraints make a failure a bug, not bad input.
pub(crate) fn stored<T: std::str::FromStr<Err = String>>(value: &str) -> AppResult<T> {
    value
        .parse()
        .map_err(|e: String| AppError::Internal(e.into()))
}

/// Parses an optional stored enum column (see [`stored`]).
pub(crate) fn stored_opt<T: std::str::FromStr<Err = String>>(
    value: Option<&str>,
) -> AppResult<Option<T>> {
    value.map(stored).transpose()
}
