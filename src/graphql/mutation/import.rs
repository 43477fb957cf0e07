//! The CSV import over HTTP: a GraphQL multipart upload (the same service as the `import` command).

use async_graphql::{Context, Enum, Object, Result, SimpleObject, Upload};
use sea_orm::DatabaseConnection;

use super::{IntegrationRefInput, actor};
use crate::{
    error::AppError,
    graphql::types::IntegrationRun,
    service::{
        import::{self, ImportKind, ImportObserver, ImportOptions, Reject},
        runs,
    },
};

/// The most rejected rows an answer lists (all are counted).
const MAX_LISTED_REJECTS: usize = 1000;

/// Imports over HTTP.
#[derive(Debug, Default)]
pub struct ImportMutations;

/// What an uploaded file holds.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "ImportKind")]
pub enum ImportFileKind {
    /// Integration history records.
    HistoryRecords,
    /// Integration errors.
    IntegrationErrors,
}

/// A row the import rejected.
#[derive(SimpleObject, Clone, Debug)]
pub struct ImportReject {
    /// The row's line in the file (the header is line 1).
    pub line: u64,
    /// Why it was rejected, naming the column.
    pub reason: String,
}

/// What an import did.
#[derive(SimpleObject, Debug)]
pub struct ImportResult {
    /// Data rows read.
    pub rows: u64,
    /// Rows written.
    pub imported: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Whether anything was written (false when an all-or-nothing import was rolled back).
    pub committed: bool,
    /// The import's run, when one was asked for.
    pub run: Option<IntegrationRun>,
    /// The rejected rows (the first 1,000).
    pub rejects: Vec<ImportReject>,
}

#[derive(Default)]
struct Collect(Vec<ImportReject>);

impl ImportObserver for Collect {
    fn progress(&mut self, _bytes: u64, _rows: u64) {}

    fn reject(&mut self, reject: &Reject) -> std::io::Result<()> {
        if self.0.len() < MAX_LISTED_REJECTS {
            self.0.push(ImportReject {
                line: reject.line,
                reason: reject.reason.clone(),
            });
        }
        Ok(())
    }
}

/// Imports over HTTP.
#[Object]
impl ImportMutations {
    /// Imports history records or integration errors from an uploaded CSV file in the vendor's
    /// flat-file layout (GraphQL multipart request). All or nothing unless `continueOnError`;
    /// every created row gets the file's name as `integrationFilename`.
    #[allow(clippy::too_many_arguments)]
    async fn import_integration_csv(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The CSV file (dash-case header line).")] file: Upload,
        #[graphql(
            desc = "What the file holds.",
            default_with = "ImportFileKind::HistoryRecords"
        )]
        kind: ImportFileKind,
        #[graphql(desc = "The integration of rows that name none (and of the run).")]
        integration: Option<IntegrationRefInput>,
        #[graphql(
            desc = "Create a run for the import and walk it to successful or failed (default false)."
        )]
        create_run: Option<bool>,
        #[graphql(
            desc = "Write the good rows and reject the bad ones (default false: all or nothing)."
        )]
        continue_on_error: Option<bool>,
    ) -> Result<ImportResult> {
        let db = ctx.data::<DatabaseConnection>()?;
        let upload = file.value(ctx).map_err(AppError::from)?;
        let file_name = upload.filename.clone();
        let content = upload.content;
        let total_rows = import::count_rows(content.try_clone().map_err(AppError::from)?)?;
        let mut content = content;
        std::io::Seek::rewind(&mut content).map_err(AppError::from)?;
        let options = ImportOptions {
            kind: kind.into(),
            file_name,
            continue_on_error: continue_on_error.unwrap_or(false),
            integration: integration.map(Into::into),
            create_run: create_run.unwrap_or(false),
            total_rows: Some(total_rows),
            chunk_rows: 1000,
        };
        let mut rejects = Collect::default();
        let report = import::import_csv(db, actor(ctx), content, &options, &mut rejects).await?;
        let run = match report.run_id {
            Some(id) => Some(IntegrationRun(runs::find_by_id(db, id).await?)),
            None => None,
        };
        Ok(ImportResult {
            rows: report.rows,
            imported: report.imported,
            rejected: report.rejected,
            committed: report.committed,
            run,
            rejects: rejects.0,
        })
    }
}
