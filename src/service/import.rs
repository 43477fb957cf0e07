//! Import of history records or integration errors from CSV files laid out like the vendor's flat
//! files (dash-case headers: `document-type`, `document-id`, `contact-alert-type`, …).
//!
//! Rows stream through in chunks (memory stays flat whatever the file size) and each chunk is
//! written with the batch service (multi-row statements). By default a file is all or nothing: one
//! transaction, rolled back when any row is bad. With `continue_on_error` every chunk commits on its
//! own, bad rows are rejected with their reason and the good ones are written. A run can be created
//! for the import and walked pending → running → successful/failed, with its totals and progress,
//! all through the run service (progress once per chunk).

use std::{collections::HashMap, io::Read};

use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::{
    Actor, IntegrationRef, begin_write,
    documents::NewResponse,
    errors::{self, NewIntegrationError},
    history::{self, BatchEffect, NewHistoryRecord},
    runs::{self, RunInput},
};
use crate::{
    domain::{ContactAlertType, DocumentType, RunAction, input::printable, validation::dash_case},
    error::{AppError, AppResult},
};

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportKind {
    /// Integration history records.
    HistoryRecords,
    /// Integration errors.
    IntegrationErrors,
}

/// How to import a file.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// What the file holds.
    pub kind: ImportKind,
    /// The file's name, stored as `integration_filename` on every row it creates.
    pub file_name: String,
    /// Write the good rows and reject the bad ones, instead of all or nothing.
    pub continue_on_error: bool,
    /// The integration of rows that name none (and of the import's run).
    pub integration: Option<IntegrationRef>,
    /// Create a run for the import (needs `integration`).
    pub create_run: bool,
    /// How many rows the file holds, when known beforehand (the run's total).
    pub total_rows: Option<u64>,
    /// Rows per chunk (one multi-row write each).
    pub chunk_rows: usize,
}

/// A rejected row: its line in the file, why, and the row as read.
#[derive(Clone, Debug)]
pub struct Reject {
    /// The line of the row in the file (the header is line 1).
    pub line: u64,
    /// Why the row was rejected.
    pub reason: String,
    /// The row as read.
    pub record: csv::StringRecord,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Data rows read.
    pub rows: u64,
    /// Rows written.
    pub imported: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Whether anything was written (false when an all-or-nothing import was rolled back).
    pub committed: bool,
    /// The import's run, when one was created.
    pub run_id: Option<i32>,
}

/// Where an import reports to as it goes.
pub trait ImportObserver: Send {
    /// `bytes` of the file and `rows` have been read so far.
    fn progress(&mut self, bytes: u64, rows: u64);
    /// A row was rejected.
    fn reject(&mut self, reject: &Reject) -> std::io::Result<()>;
}

/// The columns a file may have, by their normalised (dash-case) header.
#[derive(Debug, Default)]
struct Columns(HashMap<String, usize>);

const KNOWN_COLUMNS: [&str; 14] = [
    "contact-alert-type",
    "document-type",
    "document-id",
    "document-revision",
    "document-status",
    "creation-method",
    "external-id",
    "integration-code",
    "integration-id",
    "integration-run-id",
    "status",
    "response-code",
    "response-message",
    "integration-filename",
];

impl Columns {
    fn parse(headers: &csv::StringRecord, kind: ImportKind) -> AppResult<Self> {
        let mut map = HashMap::new();
        let mut unknown = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            // The vendor accepts underscores for dashes.
            let name = h.trim().to_ascii_lowercase().replace('_', "-");
            if KNOWN_COLUMNS.contains(&name.as_str()) {
                map.insert(name, i);
            } else {
                unknown.push(h.to_owned());
            }
        }
        if !unknown.is_empty() {
            return Err(AppError::field(
                "file",
                format!(
                    "unknown column(s) {}; known: {}",
                    unknown.join(", "),
                    KNOWN_COLUMNS.join(", ")
                ),
            ));
        }
        let required: &[&str] = match kind {
            ImportKind::HistoryRecords => &["contact-alert-type", "document-type", "document-id"],
            ImportKind::IntegrationErrors => &["contact-alert-type"],
        };
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| !map.contains_key(*c))
            .collect();
        if !missing.is_empty() {
            return Err(AppError::field(
                "file",
                format!("missing column(s) {}", missing.join(", ")),
            ));
        }
        Ok(Self(map))
    }

    /// The trimmed, non-empty value of a column.
    fn get<'r>(&self, row: &'r csv::StringRecord, column: &str) -> Option<&'r str> {
        self.0
            .get(column)
            .and_then(|i| row.get(*i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    fn int(&self, row: &csv::StringRecord, column: &str) -> Result<Option<i32>, String> {
        self.get(row, column)
            .map(|v| {
                v.parse::<i32>()
                    .map_err(|_| format!("{column}: `{v}` is not a whole number"))
            })
            .transpose()
    }
}

/// The fields every row shares, parsed.
struct CommonFields {
    contact_alert_type: ContactAlertType,
    document_type: Option<DocumentType>,
    document_id: Option<i32>,
    document_revision: Option<i32>,
    integration: Option<IntegrationRef>,
    integration_run_id: Option<i32>,
    responses: Vec<NewResponse>,
}

fn parse_common(
    cols: &Columns,
    row: &csv::StringRecord,
    defaults: &Defaults,
) -> Result<CommonFields, String> {
    let alert = cols
        .get(row, "contact-alert-type")
        .ok_or("contact-alert-type: required")?;
    let contact_alert_type = ContactAlertType::ALL
        .iter()
        .copied()
        .find(|t| t.as_str().eq_ignore_ascii_case(alert))
        .ok_or_else(|| {
            format!("contact-alert-type: `{alert}` is not one of Technical, Functional, Both")
        })?;
    let document_type = cols
        .get(row, "document-type")
        .map(|t| {
            t.parse::<DocumentType>()
                .map_err(|_| format!("document-type: `{t}` is not a document type"))
        })
        .transpose()?;
    let integration = IntegrationRef::from_parts(
        cols.int(row, "integration-id")?,
        cols.get(row, "integration-code").map(str::to_owned),
    )
    .or_else(|| defaults.integration.clone());
    let integration_run_id = cols.int(row, "integration-run-id")?.or(defaults.run_id);
    let response_code = cols.get(row, "response-code").map(str::to_owned);
    let response_message = cols.get(row, "response-message").map(str::to_owned);
    let responses = if response_code.is_some() || response_message.is_some() {
        vec![NewResponse {
            response_code,
            response_message,
        }]
    } else {
        Vec::new()
    };
    Ok(CommonFields {
        contact_alert_type,
        document_type,
        document_id: cols.int(row, "document-id")?,
        document_revision: cols.int(row, "document-revision")?,
        integration,
        integration_run_id,
        responses,
    })
}

/// What rows that say nothing get.
struct Defaults {
    integration: Option<IntegrationRef>,
    run_id: Option<i32>,
    file_name: String,
}

/// One parsed row, ready for the batch service.
enum Item {
    Record(NewHistoryRecord),
    Error(NewIntegrationError),
}

fn parse_row(
    kind: ImportKind,
    cols: &Columns,
    row: &csv::StringRecord,
    defaults: &Defaults,
) -> Result<Item, String> {
    // Text that could not be given back (as JSON or XML) is refused, as on every entry point.
    for (column, &index) in &cols.0 {
        if let Some(value) = row.get(index) {
            printable(value).map_err(|m| format!("{column}: the text {m}"))?;
        }
    }
    let common = parse_common(cols, row, defaults)?;
    let text = |c: &str| cols.get(row, c).map(str::to_owned);
    // The file's own name wins over a column: it is where the row came from.
    let integration_filename = Some(defaults.file_name.clone());
    match kind {
        ImportKind::HistoryRecords => Ok(Item::Record(NewHistoryRecord {
            contact_alert_type: common.contact_alert_type,
            document_type: common.document_type.ok_or("document-type: required")?,
            document_id: common.document_id.ok_or("document-id: required")?,
            document_revision: common.document_revision,
            document_status: text("document-status"),
            creation_method: text("creation-method"),
            external_id: text("external-id"),
            integration: common.integration,
            integration_run_id: common.integration_run_id,
            integration_filename,
            status: text("status"),
            responses: common.responses,
        })),
        ImportKind::IntegrationErrors => Ok(Item::Error(NewIntegrationError {
            contact_alert_type: common.contact_alert_type,
            integration_run_id: common
                .integration_run_id
                .ok_or("integration-run-id: required (or import with a run)")?,
            integration: common.integration,
            document_type: common.document_type,
            document_id: common.document_id,
            document_revision: common.document_revision,
            document_status: text("document-status"),
            creation_method: text("creation-method"),
            external_id: text("external-id"),
            integration_filename,
            status: text("status"),
            responses: common.responses,
        })),
    }
}

/// Splits a batch VALIDATION error into the reason of each bad item (by index in the chunk).
fn reasons_by_index(error: &AppError) -> Option<HashMap<usize, String>> {
    let AppError::Validation(fields) = error else {
        return None;
    };
    let mut out: HashMap<usize, String> = HashMap::new();
    for f in fields {
        let rest = f.field.strip_prefix("inputs[")?;
        let (index, field) = rest.split_once("].")?;
        let index: usize = index.parse().ok()?;
        let reason = format!("{}: {}", dash_case(field), f.message);
        out.entry(index)
            .and_modify(|r| {
                r.push_str("; ");
                r.push_str(&reason);
            })
            .or_insert(reason);
    }
    Some(out)
}

/// Writes a chunk inside `txn`; a VALIDATION error comes back as the reasons of the bad items.
async fn write_chunk<C: ConnectionTrait>(
    txn: &C,
    actor: Actor,
    kind: ImportKind,
    items: Vec<Item>,
) -> AppResult<Result<u64, HashMap<usize, String>>> {
    let n = items.len() as u64;
    let result = match kind {
        ImportKind::HistoryRecords => {
            let records: Vec<NewHistoryRecord> = items
                .into_iter()
                .filter_map(|i| match i {
                    Item::Record(r) => Some(r),
                    Item::Error(_) => None,
                })
                .collect();
            history::create_many_in(txn, actor, &records, BatchEffect::Create)
                .await
                .map(|_| ())
        }
        ImportKind::IntegrationErrors => {
            let errs: Vec<NewIntegrationError> = items
                .into_iter()
                .filter_map(|i| match i {
                    Item::Error(e) => Some(e),
                    Item::Record(_) => None,
                })
                .collect();
            errors::create_many_in(txn, actor, &errs).await.map(|_| ())
        }
    };
    match result {
        Ok(()) => Ok(Ok(n)),
        Err(e) => match reasons_by_index(&e) {
            Some(reasons) => Ok(Err(reasons)),
            None => Err(e),
        },
    }
}

/// A chunk of rows waiting to be written, with their lines and raw records for rejects.
#[derive(Default)]
struct Chunk {
    items: Vec<Item>,
    rows: Vec<(u64, csv::StringRecord)>,
}

/// Imports a CSV stream. Bad rows go to `observer.reject`; see the module doc for the two modes.
pub async fn import_csv<R: Read>(
    db: &DatabaseConnection,
    actor: Actor,
    input: R,
    options: &ImportOptions,
    observer: &mut (dyn ImportObserver + Send),
) -> AppResult<ImportReport> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| AppError::field("file", format!("cannot read the header line: {e}")))?
        .clone();
    let cols = Columns::parse(&headers, options.kind)?;
    if options.create_run && options.integration.is_none() {
        return Err(AppError::field(
            "integration",
            "an import with a run needs the integration",
        ));
    }

    let mut report = ImportReport::default();
    let run_id = if options.create_run {
        let integration = options.integration.clone().unwrap_or(IntegrationRef::Id(0));
        let total = options
            .total_rows
            .map(|t| i32::try_from(t).unwrap_or(i32::MAX));
        let flow = serde_json::json!({ "import": { "file": options.file_name } });
        let run = runs::create(
            db,
            actor,
            integration,
            RunInput {
                flow: Some(flow),
                total_records: total,
                records_processed: Some(0),
                ..Default::default()
            },
        )
        .await?;
        runs::apply_action(db, actor, run.id, RunAction::Run, RunInput::default()).await?;
        Some(run.id)
    } else {
        None
    };
    report.run_id = run_id;
    let defaults = Defaults {
        integration: options.integration.clone(),
        run_id,
        file_name: options.file_name.clone(),
    };

    // All or nothing: one transaction for the whole file.
    let whole_file = if options.continue_on_error {
        None
    } else {
        Some(begin_write(db).await?)
    };
    let mut failed = false;
    // The run's records processed as last set: a chunk that wrote nothing is no step.
    let mut progress = 0;
    let mut chunk = Chunk::default();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        let more = reader.read_record(&mut record).map_err(|e| {
            AppError::field("file", format!("line {line}: cannot be read as CSV: {e}"))
        })?;
        if more {
            report.rows += 1;
            match parse_row(options.kind, &cols, &record, &defaults) {
                Ok(item) => {
                    chunk.items.push(item);
                    chunk.rows.push((line, record.clone()));
                }
                Err(reason) => {
                    failed = true;
                    report.rejected += 1;
                    observer
                        .reject(&Reject {
                            line,
                            reason,
                            record: record.clone(),
                        })
                        .map_err(|e| AppError::Internal(e.into()))?;
                }
            }
        }
        let full = chunk.items.len() >= options.chunk_rows.max(1);
        if (full || !more) && !chunk.items.is_empty() {
            let Chunk { items, rows } = std::mem::take(&mut chunk);
            // An all-or-nothing import goes on after a bad row, so that every bad row is
            // reported; what it writes meanwhile is rolled back with the rest.
            let outcome = match &whole_file {
                Some(txn) => write_chunk(txn, actor, options.kind, items).await?,
                None => {
                    let txn = begin_write(db).await?;
                    let mut outcome = write_chunk(&txn, actor, options.kind, items).await?;
                    if let Err(reasons) = &outcome {
                        // Write the good rows of the chunk (parsed again from their records);
                        // a row the retry still refuses is rejected as well.
                        drop(txn);
                        let mut reasons = reasons.clone();
                        let good: Vec<usize> = (0..rows.len())
                            .filter(|i| !reasons.contains_key(i))
                            .collect();
                        let items: Vec<Item> = good
                            .iter()
                            .filter_map(|i| {
                                parse_row(options.kind, &cols, &rows[*i].1, &defaults).ok()
                            })
                            .collect();
                        let txn = begin_write(db).await?;
                        match write_chunk(&txn, actor, options.kind, items).await? {
                            Ok(n) => {
                                txn.commit().await?;
                                report.imported += n;
                            }
                            Err(more) => {
                                for (i, reason) in more {
                                    reasons.insert(good[i], reason);
                                }
                            }
                        }
                        outcome = Err(reasons);
                    } else {
                        txn.commit().await?;
                    }
                    outcome
                }
            };
            match outcome {
                Ok(n) => report.imported += n,
                Err(reasons) => {
                    failed = true;
                    let mut bad: Vec<_> = reasons.into_iter().collect();
                    bad.sort_by_key(|(i, _)| *i);
                    for (i, reason) in bad {
                        report.rejected += 1;
                        let (line, record) = rows[i].clone();
                        observer
                            .reject(&Reject {
                                line,
                                reason,
                                record,
                            })
                            .map_err(|e| AppError::Internal(e.into()))?;
                    }
                }
            }
            // The run's progress goes through the run service (checked against the total, one
            // `RunUpdated` event per chunk, not per row); an all-or-nothing import sets it in
            // the file's transaction, so it is seen (or rolled back) with the rows.
            if let Some(run_id) = run_id
                && report.imported > progress
            {
                progress = report.imported;
                let input = RunInput {
                    records_processed: Some(i32::try_from(progress).unwrap_or(i32::MAX)),
                    ..Default::default()
                };
                match &whole_file {
                    Some(txn) => runs::update_in(txn, actor, run_id, input).await?,
                    None => runs::update(db, actor, run_id, input).await?,
                };
            }
        }
        observer.progress(reader.position().byte(), report.rows);
        if !more {
            break;
        }
    }

    match whole_file {
        Some(txn) if failed => {
            drop(txn);
            report.imported = 0;
            report.committed = false;
        }
        Some(txn) => {
            txn.commit().await?;
            report.committed = true;
        }
        None => report.committed = report.imported > 0,
    }
    if let Some(run_id) = run_id {
        finish_run(db, actor, run_id, &report, options).await?;
    }
    Ok(report)
}

/// Walks the import's run to its end: successful when every row was written (or, continuing on
/// errors, when any was), failed otherwise; the totals and a summary go with it.
async fn finish_run(
    db: &DatabaseConnection,
    actor: Actor,
    run_id: i32,
    report: &ImportReport,
    options: &ImportOptions,
) -> AppResult<()> {
    let to_i32 = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
    let succeeded = if options.continue_on_error {
        report.imported > 0 || report.rows == 0
    } else {
        report.committed || report.rows == 0
    };
    let input = RunInput {
        total_records: Some(to_i32(report.rows)),
        records_processed: Some(to_i32(report.imported)),
        flow: Some(serde_json::json!({ "import": {
            "file": options.file_name,
            "rows": report.rows,
            "imported": report.imported,
            "rejected": report.rejected,
        }})),
        ..Default::default()
    };
    if succeeded {
        match runs::apply_action(db, actor, run_id, RunAction::Success, input.clone()).await {
            // Imported errors of this very run block its success: the run failed.
            Err(AppError::UnresolvedErrors { .. }) => {}
            other => {
                other?;
                return Ok(());
            }
        }
    }
    runs::apply_action(db, actor, run_id, RunAction::Fail, input).await?;
    Ok(())
}

/// Counts the data rows of a CSV stream (for the run's total and a progress bar).
pub fn count_rows<R: Read>(input: R) -> AppResult<u64> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let mut record = csv::ByteRecord::new();
    let mut n = 0;
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| AppError::field("file", format!("cannot be read as CSV: {e}")))?
    {
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_accept_underscores_and_refuse_unknown_columns() {
        let headers =
            csv::StringRecord::from(vec!["Document_Type", "document-id", "contact-alert-type"]);
        let cols = Columns::parse(&headers, ImportKind::HistoryRecords).unwrap();
        assert_eq!(cols.0["document-type"], 0);
        let bad = csv::StringRecord::from(vec![
            "document-type",
            "document-id",
            "contact-alert-type",
            "colour",
        ]);
        let err = Columns::parse(&bad, ImportKind::HistoryRecords).unwrap_err();
        assert!(err.to_string().contains("unknown column(s) colour"));
        let missing = csv::StringRecord::from(vec!["document-type"]);
        assert!(Columns::parse(&missing, ImportKind::HistoryRecords).is_err());
    }

    #[test]
    fn batch_field_errors_become_row_reasons_naming_the_column() {
        let err = AppError::Validation(vec![
            crate::domain::validation::FieldError::new(
                "inputs[2].externalId",
                "must be at most 255 characters",
            ),
            crate::domain::validation::FieldError::new(
                "inputs[2].integrationRunId",
                "does not exist",
            ),
        ]);
        let reasons = reasons_by_index(&err).unwrap();
        assert_eq!(
            reasons[&2],
            "external-id: must be at most 255 characters; integration-run-id: does not exist"
        );
    }
}
