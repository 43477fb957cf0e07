//! The IntegrationRecordResponse type.

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, Utc};
use entity::integration_record_response as response;

use super::User;

/// What the external system answered about a history record or an error.
#[derive(Clone, Debug)]
pub struct IntegrationRecordResponse(pub response::Model);

/// What the external system answered about a history record or an error.
#[Object]
impl IntegrationRecordResponse {
    /// The response's id.
    async fn id(&self) -> i32 {
        self.0.id
    }

    /// The external system's code.
    async fn response_code(&self) -> Option<&str> {
        self.0.response_code.as_deref()
    }

    /// The external system's message.
    async fn response_message(&self) -> Option<&str> {
        self.0.response_message.as_deref()
    }

    /// The history record it belongs to (or null when it belongs to an error).
    async fn integration_history_record_id(&self) -> Option<i32> {
        self.0.integration_history_record_id
    }

    /// The integration error it belongs to (or null when it belongs to a history record).
    async fn integration_error_id(&self) -> Option<i32> {
        self.0.integration_error_id
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Who created it.
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        super::user::load(ctx, self.0.created_by_id).await
    }

    /// Who last changed it.
    async fn updated_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        super::user::load(ctx, self.0.updated_by_id).await
    }
}
