//! Mutations of history records, integration errors and responses: one service function each.

use async_graphql::{Context, InputObject, Object, OneofObject, Result};
use sea_orm::DatabaseConnection;

use super::{IntegrationRefInput, actor};
use crate::{
    graphql::{
        BatchLimit,
        enums::{ContactAlertType, DocumentType},
        types::{IntegrationError, IntegrationHistoryRecord, IntegrationRecordResponse},
    },
    service::{
        documents::DocumentPatch,
        documents::{NewResponse, ResponseParent},
        errors::{self, NewIntegrationError},
        history::{self, BatchEffect, HistoryRecordPatch, NewHistoryRecord},
        responses,
    },
};

/// Changes to history records, integration errors and responses.
#[derive(Debug, Default)]
pub struct DocumentMutations;

/// A response of the external system.
#[derive(InputObject, Clone, Debug)]
pub struct ResponseInput {
    /// The external system's code (≤ 255 characters).
    pub response_code: Option<String>,
    /// The external system's message.
    pub response_message: Option<String>,
}

impl From<ResponseInput> for NewResponse {
    fn from(r: ResponseInput) -> Self {
        NewResponse {
            response_code: r.response_code,
            response_message: r.response_message,
        }
    }
}

/// The details of a new document that history records and integration errors share, flattened
/// into both inputs (in the same place in each).
#[derive(InputObject, Clone, Debug, Default)]
pub struct DocumentDetails {
    /// The document's revision.
    pub document_revision: Option<i32>,
    /// The document's status (≤ 255 characters).
    pub document_status: Option<String>,
    /// How the document was created (≤ 255 characters).
    pub creation_method: Option<String>,
    /// The document's id in the external system (≤ 255 characters).
    pub external_id: Option<String>,
}

/// A new history record, with the responses the external system sent.
#[derive(InputObject, Clone, Debug)]
pub struct NewHistoryRecordInput {
    /// Who is alerted.
    pub contact_alert_type: ContactAlertType,
    /// The document's type.
    pub document_type: DocumentType,
    /// The document's id.
    pub document_id: i32,
    #[graphql(flatten)]
    pub details: DocumentDetails,
    /// The integration, by id or code (defaults to the run's).
    pub integration: Option<IntegrationRefInput>,
    /// The run, by id.
    pub integration_run_id: Option<i32>,
    /// The transaction status, `Success` or `Error` (each action has its default).
    pub status: Option<String>,
    /// The external system's responses, created with the record.
    #[graphql(default)]
    pub responses: Vec<ResponseInput>,
}

impl From<NewHistoryRecordInput> for NewHistoryRecord {
    fn from(i: NewHistoryRecordInput) -> Self {
        NewHistoryRecord {
            contact_alert_type: i.contact_alert_type.into(),
            document_type: i.document_type.into(),
            document_id: i.document_id,
            document_revision: i.details.document_revision,
            document_status: i.details.document_status,
            creation_method: i.details.creation_method,
            external_id: i.details.external_id,
            integration: i.integration.map(Into::into),
            integration_run_id: i.integration_run_id,
            integration_filename: None,
            status: i.status,
            responses: i.responses.into_iter().map(Into::into).collect(),
        }
    }
}

/// Changes to the document fields that history records and integration errors share; omitted
/// fields keep their value. Flattened into each update input, so both take these fields by the
/// same names, in the same places.
#[derive(InputObject, Clone, Debug, Default)]
pub struct DocumentChanges {
    /// New contact alert type.
    pub contact_alert_type: Option<ContactAlertType>,
    /// New document type.
    pub document_type: Option<DocumentType>,
    /// New document id.
    pub document_id: Option<i32>,
    /// New document revision.
    pub document_revision: Option<i32>,
    /// New document status.
    pub document_status: Option<String>,
    /// New creation method.
    pub creation_method: Option<String>,
    /// New external id.
    pub external_id: Option<String>,
}

impl DocumentChanges {
    /// The service's patch of these fields with the two each kind places differently.
    fn into_patch(
        self,
        integration_filename: Option<String>,
        status: Option<String>,
    ) -> DocumentPatch {
        DocumentPatch {
            contact_alert_type: self.contact_alert_type.map(Into::into),
            document_type: self.document_type.map(Into::into),
            document_id: self.document_id,
            document_revision: self.document_revision,
            document_status: self.document_status,
            creation_method: self.creation_method,
            external_id: self.external_id,
            integration_filename,
            status,
            // GraphQL adds responses with `addIntegrationRecordResponse`.
            responses: Vec::new(),
        }
    }
}

/// Changes to a history record; omitted fields keep their value.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UpdateHistoryRecordInput {
    #[graphql(flatten)]
    pub document: DocumentChanges,
    /// New integration.
    pub integration: Option<IntegrationRefInput>,
    /// New run.
    pub integration_run_id: Option<i32>,
    /// New transaction status.
    pub status: Option<String>,
}

/// A new integration error of a run, with the responses the external system sent.
#[derive(InputObject, Clone, Debug)]
pub struct NewIntegrationErrorInput {
    /// Who is alerted.
    pub contact_alert_type: ContactAlertType,
    /// The run that hit the error.
    pub integration_run_id: i32,
    /// The integration, by id or code (defaults to the run's).
    pub integration: Option<IntegrationRefInput>,
    /// The document's type (one of the run API's 19).
    pub document_type: Option<DocumentType>,
    /// The document's id.
    pub document_id: Option<i32>,
    #[graphql(flatten)]
    pub details: DocumentDetails,
    /// The file being processed.
    pub integration_filename: Option<String>,
    /// The transaction status.
    pub status: Option<String>,
    /// The external system's responses, created with the error.
    #[graphql(default)]
    pub responses: Vec<ResponseInput>,
}

impl From<NewIntegrationErrorInput> for NewIntegrationError {
    fn from(i: NewIntegrationErrorInput) -> Self {
        NewIntegrationError {
            contact_alert_type: i.contact_alert_type.into(),
            integration_run_id: i.integration_run_id,
            integration: i.integration.map(Into::into),
            document_type: i.document_type.map(Into::into),
            document_id: i.document_id,
            document_revision: i.details.document_revision,
            document_status: i.details.document_status,
            creation_method: i.details.creation_method,
            external_id: i.details.external_id,
            integration_filename: i.integration_filename,
            status: i.status,
            responses: i.responses.into_iter().map(Into::into).collect(),
        }
    }
}

/// Changes to an integration error; omitted fields keep their value.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UpdateIntegrationErrorInput {
    #[graphql(flatten)]
    pub document: DocumentChanges,
    /// New file name.
    pub integration_filename: Option<String>,
    /// New transaction status.
    pub status: Option<String>,
}

/// What a response belongs to: a history record or an integration error.
#[derive(OneofObject, Clone, Copy, Debug)]
pub enum DocumentRef {
    /// A history record, by id.
    IntegrationHistoryRecordId(i32),
    /// An integration error, by id.
    IntegrationErrorId(i32),
}

/// A response to add to an existing record or error.
#[derive(InputObject, Clone, Debug)]
pub struct AddResponseInput {
    /// The record or error it answers.
    pub to: DocumentRef,
    /// The external system's code (≤ 255 characters).
    pub response_code: Option<String>,
    /// The external system's message.
    pub response_message: Option<String>,
}

fn db<'a>(ctx: &Context<'a>) -> Result<&'a DatabaseConnection> {
    ctx.data::<DatabaseConnection>()
}

fn batch_limit(ctx: &Context<'_>) -> Result<usize> {
    Ok(ctx.data::<BatchLimit>()?.0)
}

/// Changes to history records, integration errors and responses.
#[Object]
impl DocumentMutations {
    /// Creates a history record with its responses.
    async fn create_integration_history_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new record.")] input: NewHistoryRecordInput,
    ) -> Result<IntegrationHistoryRecord> {
        Ok(IntegrationHistoryRecord(
            history::create(db(ctx)?, actor(ctx), input.into()).await?,
        ))
    }

    /// Updates a history record's fields (resolved changes only through resolve, unresolve, acknowledge).
    async fn update_integration_history_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id.")] id: i32,
        #[graphql(desc = "The changes.")] input: UpdateHistoryRecordInput,
    ) -> Result<IntegrationHistoryRecord> {
        let patch = HistoryRecordPatch {
            document: input.document.into_patch(None, input.status),
            integration: input.integration.map(Into::into),
            integration_run_id: input.integration_run_id,
        };
        Ok(IntegrationHistoryRecord(
            history::update(db(ctx)?, actor(ctx), id, patch).await?,
        ))
    }

    /// The external system confirms it has the document: creates a resolved `Success` record and
    /// resolves every earlier unresolved record of the same document.
    async fn acknowledge_integration_history_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The acknowledging record.")] input: NewHistoryRecordInput,
    ) -> Result<IntegrationHistoryRecord> {
        Ok(IntegrationHistoryRecord(
            history::acknowledge(db(ctx)?, actor(ctx), input.into()).await?,
        ))
    }

    /// Creates a record (status defaults to `Error`) and raises an alert to its integration's
    /// contacts of its contactAlertType (BOTH reaches all).
    async fn create_integration_history_alert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new record.")] input: NewHistoryRecordInput,
    ) -> Result<IntegrationHistoryRecord> {
        Ok(IntegrationHistoryRecord(
            history::create_alert(db(ctx)?, actor(ctx), input.into()).await?,
        ))
    }

    /// Creates a record (status defaults to `Success`) and marks its document exported now.
    async fn mark_integration_history_exported(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new record.")] input: NewHistoryRecordInput,
    ) -> Result<IntegrationHistoryRecord> {
        Ok(IntegrationHistoryRecord(
            history::mark_exported(db(ctx)?, actor(ctx), input.into()).await?,
        ))
    }

    /// Creates a record, raises its alert and marks its document exported, all or nothing.
    async fn create_integration_history_alert_and_mark_exported(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new record.")] input: NewHistoryRecordInput,
    ) -> Result<IntegrationHistoryRecord> {
        Ok(IntegrationHistoryRecord(
            history::create_alert_and_mark_exported(db(ctx)?, actor(ctx), input.into()).await?,
        ))
    }

    /// Marks a history record resolved (no change when it already is).
    async fn resolve_integration_history_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id.")] id: i32,
    ) -> Result<IntegrationHistoryRecord> {
        Ok(IntegrationHistoryRecord(
            history::resolve(db(ctx)?, actor(ctx), id).await?,
        ))
    }

    /// Marks a history record unresolved (open again).
    async fn unresolve_integration_history_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id.")] id: i32,
    ) -> Result<IntegrationHistoryRecord> {
        Ok(IntegrationHistoryRecord(
            history::unresolve(db(ctx)?, actor(ctx), id).await?,
        ))
    }

    /// Creates an error of a run, with its responses; it blocks the run's success until resolved.
    async fn create_integration_error(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new error.")] input: NewIntegrationErrorInput,
    ) -> Result<IntegrationError> {
        Ok(IntegrationError(
            errors::create(db(ctx)?, actor(ctx), input.into()).await?,
        ))
    }

    /// Updates an error's fields (resolved changes only through resolve and unresolve).
    async fn update_integration_error(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The error's id.")] id: i32,
        #[graphql(desc = "The changes.")] input: UpdateIntegrationErrorInput,
    ) -> Result<IntegrationError> {
        let patch = input
            .document
            .into_patch(input.integration_filename, input.status);
        Ok(IntegrationError(
            errors::update(db(ctx)?, actor(ctx), id, patch).await?,
        ))
    }

    /// Marks an error resolved (no change when it already is).
    async fn resolve_integration_error(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The error's id.")] id: i32,
    ) -> Result<IntegrationError> {
        Ok(IntegrationError(
            errors::set_resolved(db(ctx)?, actor(ctx), id, true).await?,
        ))
    }

    /// Marks an error unresolved (it blocks the run's success again).
    async fn unresolve_integration_error(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The error's id.")] id: i32,
    ) -> Result<IntegrationError> {
        Ok(IntegrationError(
            errors::set_resolved(db(ctx)?, actor(ctx), id, false).await?,
        ))
    }

    /// Creates an error and raises an alert to its integration's contacts of its contactAlertType.
    async fn create_integration_error_alert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new error.")] input: NewIntegrationErrorInput,
    ) -> Result<IntegrationError> {
        Ok(IntegrationError(
            errors::create_alert(db(ctx)?, actor(ctx), input.into()).await?,
        ))
    }

    /// Creates many history records (with their responses) at once, all or nothing, answered in
    /// input order; a VALIDATION error names the index and field of every bad item.
    async fn create_integration_history_records(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new records (at most the server's batch limit, 1,000 by default).")]
        inputs: Vec<NewHistoryRecordInput>,
    ) -> Result<Vec<IntegrationHistoryRecord>> {
        let inputs = inputs.into_iter().map(Into::into).collect();
        let limit = batch_limit(ctx)?;
        let models =
            history::create_many(db(ctx)?, actor(ctx), inputs, BatchEffect::Create, limit).await?;
        Ok(models.into_iter().map(IntegrationHistoryRecord).collect())
    }

    /// The ERP's "I picked these up": creates a record per document (status defaults to
    /// `Success`) and marks every document exported, all or nothing, answered in input order.
    async fn mark_integration_history_exported_batch(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "One record per exported document (at most the batch limit).")]
        inputs: Vec<NewHistoryRecordInput>,
    ) -> Result<Vec<IntegrationHistoryRecord>> {
        let inputs = inputs.into_iter().map(Into::into).collect();
        let limit = batch_limit(ctx)?;
        let models = history::create_many(
            db(ctx)?,
            actor(ctx),
            inputs,
            BatchEffect::MarkExported,
            limit,
        )
        .await?;
        Ok(models.into_iter().map(IntegrationHistoryRecord).collect())
    }

    /// Creates many integration errors (with their responses) at once, all or nothing, answered
    /// in input order.
    async fn create_integration_errors(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new errors (at most the batch limit).")] inputs: Vec<
            NewIntegrationErrorInput,
        >,
    ) -> Result<Vec<IntegrationError>> {
        let inputs = inputs.into_iter().map(Into::into).collect();
        let limit = batch_limit(ctx)?;
        let models = errors::create_many(db(ctx)?, actor(ctx), inputs, limit).await?;
        Ok(models.into_iter().map(IntegrationError).collect())
    }

    /// Adds a response of the external system to a history record or an integration error.
    async fn add_integration_record_response(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The response and what it answers.")] input: AddResponseInput,
    ) -> Result<IntegrationRecordResponse> {
        let parent = match input.to {
            DocumentRef::IntegrationHistoryRecordId(id) => ResponseParent::Record(id),
            DocumentRef::IntegrationErrorId(id) => ResponseParent::Error(id),
        };
        let response = NewResponse {
            response_code: input.response_code,
            response_message: input.response_message,
        };
        Ok(IntegrationRecordResponse(
            responses::add(db(ctx)?, actor(ctx), parent, response).await?,
        ))
    }
}
