pub use super::document_export::Entity as DocumentExport;
pub use super::integration::Entity as Integration;
pub use super::integration_alert::Entity as IntegrationAlert;
pub use super::integration_error::Entity as IntegrationError;
pub use super::integration_history_record::Entity as IntegrationHistoryRecord;
pub use super::integration_record_response::Entity as IntegrationRecordResponse;
pub use super::integration_run::Entity as IntegrationRun;
pub use super::user::Entity as User;
