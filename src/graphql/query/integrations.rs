//! Queries of integrations and runs.

use async_graphql::{Context, Object, Result};
use sea_orm::{Condition, DatabaseConnection};

use super::root_page;
use crate::graphql::types::{
    Integration, IntegrationConnection, IntegrationFilter, IntegrationOrder, IntegrationRun,
    IntegrationRunConnection, IntegrationRunFilter, IntegrationRunOrder,
};
use crate::{
    error::AppError,
    service::{IntegrationRef, integrations, paging::PageArgs, runs},
};

/// Read access to integrations and their runs.
#[derive(Debug, Default)]
pub struct IntegrationQueries;

/// Read access to integrations and their runs.
#[Object]
impl IntegrationQueries {
    /// One integration, by id or by code (give exactly one); null when there is none.
    async fn integration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The integration's id.")] id: Option<i32>,
        #[graphql(desc = "The integration's code.")] code: Option<String>,
    ) -> Result<Option<Integration>> {
        let by = match (id, code) {
            (Some(id), None) => IntegrationRef::Id(id),
            (None, Some(code)) => IntegrationRef::Code(code),
            _ => return Err(AppError::field("id", "give exactly one of id and code").into()),
        };
        let db = ctx.data::<DatabaseConnection>()?;
        match integrations::find(db, &by).await {
            Ok(m) => Ok(Some(Integration(m))),
            Err(AppError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Integrations, filtered, ordered and paged (cursors or offset/limit).
    #[allow(clippy::too_many_arguments)]
    async fn integrations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only integrations matching this filter.")] filter: Option<
            IntegrationFilter,
        >,
        #[graphql(desc = "The ordering (default: id ascending).")] order_by: Option<
            IntegrationOrder,
        >,
        #[graphql(desc = "Forward paging: at most this many (≤ 200).")] first: Option<i32>,
        #[graphql(desc = "Forward paging: items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Backward paging: at most this many (≤ 200).")] last: Option<i32>,
        #[graphql(desc = "Backward paging: items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Vendor paging: skip this many.")] offset: Option<i32>,
        #[graphql(desc = "Vendor paging: at most this many (default 50, ≤ 200).")] limit: Option<
            i32,
        >,
    ) -> Result<IntegrationConnection> {
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
        let (page, count) = root_page::<entity::integration::Entity>(
            db,
            condition,
            order_by.unwrap_or_default().sort(),
            entity::integration::Column::Id,
            &args,
        )
        .await?;
        Ok(IntegrationConnection::new(page, count))
    }

    /// One run by id; null when there is none.
    async fn integration_run(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The run's id.")] id: i32,
    ) -> Result<Option<IntegrationRun>> {
        let db = ctx.data::<DatabaseConnection>()?;
        match runs::find_by_id(db, id).await {
            Ok(m) => Ok(Some(IntegrationRun(m))),
            Err(AppError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Runs of every integration, filtered, ordered and paged (cursors or offset/limit).
    #[allow(clippy::too_many_arguments)]
    async fn integration_runs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only runs matching this filter.")] filter: Option<IntegrationRunFilter>,
        #[graphql(desc = "The ordering (default: id ascending).")] order_by: Option<
            IntegrationRunOrder,
        >,
        #[graphql(desc = "Forward paging: at most this many (≤ 200).")] first: Option<i32>,
        #[graphql(desc = "Forward paging: items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Backward paging: at most this many (≤ 200).")] last: Option<i32>,
        #[graphql(desc = "Backward paging: items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Vendor paging: skip this many.")] offset: Option<i32>,
        #[graphql(desc = "Vendor paging: at most this many (default 50, ≤ 200).")] limit: Option<
            i32,
        >,
    ) -> Result<IntegrationRunConnection> {
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
        let (page, count) = root_page::<entity::integration_run::Entity>(
            db,
            condition,
            order_by.unwrap_or_default().sort(),
            entity::integration_run::Column::Id,
            &args,
        )
        .await?;
        Ok(IntegrationRunConnection::new(page, count))
    }
}
