//! The `import` command: progress bar, reject file and summary around the import service.

use std::{fs::File, io::BufReader, path::PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::DatabaseConnection;

use crate::{
    config::{ImportConfig, ImportKindArg},
    service::{
        IntegrationRef,
        import::{self, ImportKind, ImportObserver, ImportOptions, ImportReport, Reject},
        users,
    },
};

/// Shows progress on a bar and writes rejects to a CSV file opened on the first reject.
struct CliObserver {
    bar: ProgressBar,
    reject_path: PathBuf,
    headers: csv::StringRecord,
    rejects: Option<csv::Writer<File>>,
}

impl ImportObserver for CliObserver {
    fn progress(&mut self, bytes: u64, rows: u64) {
        self.bar.set_position(bytes);
        if rows.is_multiple_of(1000) {
            self.bar.set_message(format!("{rows} rows"));
        }
    }

    fn reject(&mut self, reject: &Reject) -> std::io::Result<()> {
        if self.rejects.is_none() {
            let mut w = csv::Writer::from_path(&self.reject_path)?;
            let mut header = vec!["line", "reason"];
            header.extend(self.headers.iter());
            w.write_record(&header)?;
            self.rejects = Some(w);
        }
        if let Some(w) = &mut self.rejects {
            let line = reject.line.to_string();
            let mut row = vec![line.as_str(), reject.reason.as_str()];
            row.extend(reject.record.iter());
            w.write_record(&row)?;
        }
        Ok(())
    }
}

/// The peak resident memory of this process (VmHWM), in KiB, where the OS tells it.
pub fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Runs `import`: counts the rows, imports them with a progress bar, writes rejects, summarises.
pub async fn import(
    db: &DatabaseConnection,
    config: &ImportConfig,
) -> Result<ImportReport, String> {
    let open = || File::open(&config.file).map_err(|e| format!("{}: {e}", config.file.display()));
    let total_rows = import::count_rows(BufReader::new(open()?)).map_err(|e| e.to_string())?;
    let headers = csv::Reader::from_reader(open()?)
        .headers()
        .cloned()
        .map_err(|e| format!("{}: {e}", config.file.display()))?;
    let file_name = config
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let size = open()?.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = ProgressBar::new(size).with_style(
        ProgressStyle::with_template(
            "{spinner} importing {prefix} [{bar:40}] {percent:>3}% {bytes}/{total_bytes} {msg} ({eta})",
        )
        .map_err(|e| e.to_string())?
        .progress_chars("=> "),
    );
    bar.set_prefix(file_name.clone());
    let reject_path = config.reject_file.clone().unwrap_or_else(|| {
        let mut p = config.file.clone().into_os_string();
        p.push(".rejects.csv");
        PathBuf::from(p)
    });
    let mut observer = CliObserver {
        bar,
        reject_path: reject_path.clone(),
        headers,
        rejects: None,
    };
    let options = ImportOptions {
        kind: match config.kind {
            ImportKindArg::History => ImportKind::HistoryRecords,
            ImportKindArg::Errors => ImportKind::IntegrationErrors,
        },
        file_name,
        continue_on_error: config.continue_on_error,
        integration: config.integration.clone().map(IntegrationRef::Code),
        create_run: config.run,
        total_rows: Some(total_rows),
        chunk_rows: config.chunk_rows,
    };
    let actor = users::local_actor(db).await.map_err(|e| e.to_string())?;
    let result =
        import::import_csv(db, actor, BufReader::new(open()?), &options, &mut observer).await;
    observer.bar.finish_and_clear();
    if let Some(mut w) = observer.rejects.take() {
        w.flush().map_err(|e| e.to_string())?;
    }
    let report = result.map_err(|e| e.to_string())?;
    let mut summary = format!(
        "{}: {} rows, {} imported, {} rejected",
        config.file.display(),
        report.rows,
        report.imported,
        report.rejected
    );
    if report.rejected > 0 {
        summary.push_str(&format!(" (reasons in {})", reject_path.display()));
    }
    if !report.committed && report.rows > 0 {
        summary.push_str(
            "; nothing written (all or nothing: fix the rejects or use --continue-on-error)",
        );
    }
    if let Some(run) = report.run_id {
        summary.push_str(&format!("; run {run}"));
    }
    if let Some(kib) = peak_memory_kib() {
        summary.push_str(&format!("; peak memory {} KiB", kib));
    }
    println!("{summary}");
    Ok(report)
}
