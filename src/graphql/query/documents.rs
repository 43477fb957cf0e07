//! Queries of history records, integration errors, document export states and alerts.

use async_graphql::{Context, Object, Result};
use sea_orm::{Condition, DatabaseConnection};

use super::root_page;
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
    service::{errors, exports, history, paging::PageArgs},
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

    /// History records, filtered, ordered and paged; e.g. the open records of one document:
    /// `filter: {resolved: {eq: false}, documentType: {eq: INVOICE}, documentId: {eq: 42}}`.
    #[allow(clippy::too_many_arguments)]
    async fn integration_history_records(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only records matching this filter.")] filter: Option<
            IntegrationHistoryRecordFilter,
        >,
        #[graphql(desc = "The ordering (default: id ascending).")] order_by: Option<
            IntegrationHistoryRecordOrder,
        >,
        #[graphql(desc = "Forward paging: at most this many (≤ 200).")] first: Option<i32>,
        #[graphql(desc = "Forward paging: items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Backward paging: at most this many (≤ 200).")] last: Option<i32>,
        #[graphql(desc = "Backward paging: items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Vendor paging: skip this many.")] offset: Option<i32>,
        #[graphql(desc = "Vendor paging: at most this many (default 50, ≤ 200).")] limit: Option<
            i32,
        >,
    ) -> Result<IntegrationHistoryRecordConnection> {
        let db = ctx.data::<DatabaseConnection>()?;
        let backend = crate::graphql::filter::backend(ctx)?;
        let condition = filter
            .map(|f| f.condition(backend))
            .unwrap_or_else(Condition::all);
        let args = PageArgs {
            first,
            after,
            last,
            before,
            offset,
            limit,
        };
        let sort = order_by.unwrap_or_default().sort();
        let (page, count) = root_page::<entity::integration_history_record::Entity>(
            db,
            condition,
            sort,
            entity::integration_history_record::Column::Id,
            &args,
        )
        .await?;
        Ok(IntegrationHistoryRecordConnection::new(page, count))
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

    /// Integration errors, filtered, ordered and paged.
    #[allow(clippy::too_many_arguments)]
    async fn integration_errors(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only errors matching this filter.")] filter: Option<
            IntegrationErrorFilter,
        >,
        #[graphql(desc = "The ordering (default: id ascending).")] order_by: Option<
            IntegrationErrorOrder,
        >,
        #[graphql(desc = "Forward paging: at most this many (≤ 200).")] first: Option<i32>,
        #[graphql(desc = "Forward paging: items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Backward paging: at most this many (≤ 200).")] last: Option<i32>,
        #[graphql(desc = "Backward paging: items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Vendor paging: skip this many.")] offset: Option<i32>,
        #[graphql(desc = "Vendor paging: at most this many (default 50, ≤ 200).")] limit: Option<
            i32,
        >,
    ) -> Result<IntegrationErrorConnection> {
        let db = ctx.data::<DatabaseConnection>()?;
        let backend = crate::graphql::filter::backend(ctx)?;
        let condition = filter
            .map(|f| f.condition(backend))
            .unwrap_or_else(Condition::all);
        let args = PageArgs {
            first,
            after,
            last,
            before,
            offset,
            limit,
        };
        let sort = order_by.unwrap_or_default().sort();
        let (page, count) = root_page::<entity::integration_error::Entity>(
            db,
            condition,
            sort,
            entity::integration_error::Column::Id,
            &args,
        )
        .await?;
        Ok(IntegrationErrorConnection::new(page, count))
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

    /// Export states, filtered, ordered and paged (`filter: {exported: {eq: false}}` lists what an
    /// ERP has still to pick up).
    #[allow(clippy::too_many_arguments)]
    async fn document_exports(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only export states matching this filter.")] filter: Option<
            DocumentExportFilter,
        >,
        #[graphql(desc = "The ordering (default: id ascending).")] order_by: Option<
            DocumentExportOrder,
        >,
        #[graphql(desc = "Forward paging: at most this many (≤ 200).")] first: Option<i32>,
        #[graphql(desc = "Forward paging: items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Backward paging: at most this many (≤ 200).")] last: Option<i32>,
        #[graphql(desc = "Backward paging: items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Vendor paging: skip this many.")] offset: Option<i32>,
        #[graphql(desc = "Vendor paging: at most this many (default 50, ≤ 200).")] limit: Option<
            i32,
        >,
    ) -> Result<DocumentExportConnection> {
        let db = ctx.data::<DatabaseConnection>()?;
        let backend = crate::graphql::filter::backend(ctx)?;
        let condition = filter
            .map(|f| f.condition(backend))
            .unwrap_or_else(Condition::all);
        let args = PageArgs {
            first,
            after,
            last,
            before,
            offset,
            limit,
        };
        let sort = order_by.unwrap_or_default().sort();
        let (page, count) = root_page::<entity::document_export::Entity>(
            db,
            condition,
            sort,
            entity::document_export::Column::Id,
            &args,
        )
        .await?;
        Ok(DocumentExportConnection::new(page, count))
    }

    /// Alerts raised to integrations' contacts, filtered, ordered and paged.
    #[allow(clippy::too_many_arguments)]
    async fn integration_alerts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only alerts matching this filter.")] filter: Option<
            IntegrationAlertFilter,
        >,
        #[graphql(desc = "The ordering (default: oldest first).")] order_by: Option<
            IntegrationAlertOrder,
        >,
        #[graphql(desc = "Forward paging: at most this many (≤ 200).")] first: Option<i32>,
        #[graphql(desc = "Forward paging: items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Backward paging: at most this many (≤ 200).")] last: Option<i32>,
        #[graphql(desc = "Backward paging: items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Vendor paging: skip this many.")] offset: Option<i32>,
        #[graphql(desc = "Vendor paging: at most this many (default 50, ≤ 200).")] limit: Option<
            i32,
        >,
    ) -> Result<IntegrationAlertConnection> {
        let db = ctx.data::<DatabaseConnection>()?;
        let backend = crate::graphql::filter::backend(ctx)?;
        let condition = filter
            .map(|f| f.condition(backend))
            .unwrap_or_else(Condition::all);
        let args = PageArgs {
            first,
            after,
            last,
            before,
            offset,
            limit,
        };
        let sort = order_by.unwrap_or_default().sort();
        let (page, count) = root_page::<entity::integration_alert::Entity>(
            db,
            condition,
            sort,
            entity::integration_alert::Column::Id,
            &args,
        )
        .await?;
        Ok(IntegrationAlertConnection::new(page, count))
    }
}
