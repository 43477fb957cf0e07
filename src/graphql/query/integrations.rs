//! Queries of integrations and runs.

use async_graphql::{Context, Object, Result};
use sea_orm::DatabaseConnection;

use super::root_list;
use crate::graphql::types::{
    Integration, IntegrationConnection, IntegrationFilter, IntegrationOrder, IntegrationRun,
    IntegrationRunConnection, IntegrationRunFilter, IntegrationRunOrder,
};
use crate::{
    error::AppError,
    service::{IntegrationRef, integrations, runs},
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
}

root_list! {
    /// Integrations, filtered, ordered and paged (cursors or offset/limit).
    IntegrationList.integrations -> IntegrationConnection
        [integration, IntegrationFilter, IntegrationOrder,
         "Only integrations matching this filter.", "The ordering (default: id ascending)."]
}

root_list! {
    /// Runs of every integration, filtered, ordered and paged (cursors or offset/limit).
    IntegrationRunList.integration_runs -> IntegrationRunConnection
        [integration_run, IntegrationRunFilter, IntegrationRunOrder,
         "Only runs matching this filter.", "The ordering (default: id ascending)."]
}
