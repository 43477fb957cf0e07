//! Queries of history records, integration errors, document export states and alerts.

use async_graphql::{Context, Object, Result};
use sea_orm::DatabaseConnection;

use super::root_list;
use crate::{
    error::AppError,
    graphql::{
        enums::DocumentType,
        types::{
            DocumentExport, DocumentExportConnection, DocumentExportFilter, DocumentExportOrder,
            IntegrationAlertConnection, IntegrationAlertFilter, IntegrationAlertOrder,
            IntegrationError, IntegrationErrorConnection, IntegrationErrorFilter,
            IntegrationErrorOrder, IntegrationHistoryRecord, IntegrationHistoryRecordConnection,
            IntegrationHistoryRecordFilter, IntegrationHistoryRecordOrder,
        },
    },
    service::{errors, exports, history},
};

/// Read access to history records, errors, export states and alerts.
#[derive(Debug, Default)]
pub struct DocumentQueries;

/// Turns a missing object into `null`, as a look-up by id answers.
fn optional<T, M>(found: crate::error::AppResult<M>, wrap: impl Fn(M) -> T) -> Result<Option<T>> {
    match found {
        Ok(m) => Ok(Some(wrap(m))),
        Err(AppError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Read access to history records, errors, export states and alerts.
#[Object]
impl DocumentQueries {
    /// One history record by id; null when there is none.
    async fn integration_history_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id.")] id: i32,
    ) -> Result<Option<IntegrationHistoryRecord>> {
        let db = ctx.data::<DatabaseConnection>()?;
        optional(history::find_by_id(db, id).await, IntegrationHistoryRecord)
    }

    /// One integration error by id; null when there is none.
    async fn integration_error(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The error's id.")] id: i32,
    ) -> Result<Option<IntegrationError>> {
        let db = ctx.data::<DatabaseConnection>()?;
        optional(errors::find_by_id(db, id).await, IntegrationError)
    }

    /// The export state of one document; null when it was never marked.
    async fn document_export(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document's type.")] document_type: DocumentType,
        #[graphql(desc = "The document's id.")] document_id: i32,
    ) -> Result<Option<DocumentExport>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(exports::find(db, document_type.into(), document_id)
            .await?
            .map(DocumentExport))
    }
}

root_list! {
    /// History records, filtered, ordered and paged; e.g. the open records of one document:
    /// `filter: {resolved: {eq: false}, documentType: {eq: INVOICE}, documentId: {eq: 42}}`.
    IntegrationHistoryRecordList.integration_history_records -> IntegrationHistoryRecordConnection
        [integration_history_record, IntegrationHistoryRecordFilter, IntegrationHistoryRecordOrder,
         "Only records matching this filter.", "The ordering (default: id ascending)."]
}

root_list! {
    /// Integration errors, filtered, ordered and paged.
    IntegrationErrorList.integration_errors -> IntegrationErrorConnection
        [integration_error, IntegrationErrorFilter, IntegrationErrorOrder,
         "Only errors matching this filter.", "The ordering (default: id ascending)."]
}

root_list! {
    /// Export states, filtered, ordered and paged (`filter: {exported: {eq: false}}` lists what an
    /// ERP has still to pick up).
    DocumentExportList.document_exports -> DocumentExportConnection
        [document_export, DocumentExportFilter, DocumentExportOrder,
         "Only export states matching this filter.", "The ordering (default: id ascending)."]
}

root_list! {
    /// Alerts raised to integrations' contacts, filtered, ordered and paged.
    IntegrationAlertList.integration_alerts -> IntegrationAlertConnection
        [integration_alert, IntegrationAlertFilter, IntegrationAlertOrder,
         "Only alerts matching this filter.", "The ordering (default: oldest first)."]
}
