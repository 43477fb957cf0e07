//! The IntegrationRecordResponse type.

use chrono::{DateTime, Utc};
use entity::integration_record_response as response;

use super::{User, object::object};

object! {
    /// What the external system answered about a history record or an error.
    IntegrationRecordResponse(response) loaded by responses as "integration record response" {
        /// The response's id.
        field id "id": i32 = |r| r.id;
        /// The external system's code.
        field response_code "responseCode": Option<&str> = |r| r.response_code.as_deref();
        /// The external system's message.
        field response_message "responseMessage": Option<&str> = |r| r.response_message.as_deref();
        /// The history record it belongs to (or null when it belongs to an error).
        field integration_history_record_id "integrationHistoryRecordId": Option<i32> =
            |r| r.integration_history_record_id;
        /// The integration error it belongs to (or null when it belongs to a history record).
        field integration_error_id "integrationErrorId": Option<i32> = |r| r.integration_error_id;
        /// When it was created.
        field created_at "createdAt": DateTime<Utc> = |r| r.created_at;
        /// When it was last changed.
        field updated_at "updatedAt": DateTime<Utc> = |r| r.updated_at;
        /// Who created it.
        maybe_belongs_to created_by "createdBy": User = |r| r.created_by_id;
        /// Who last changed it.
        maybe_belongs_to updated_by "updatedBy": User = |r| r.updated_by_id;
    }
}
