//! The `import` command: CSV files in the vendor's flat-file layout, both modes, with a run.

use std::{io::Write, path::Path, process::Command};

use entity::{
    integration_error, integration_event, integration_history_record as record,
    integration_record_response, integration_run,
};
use integration_gateway::{
    error::AppError,
    service::{
        IntegrationRef,
        import::{self, ImportKind, ImportObserver, ImportOptions, Reject},
        users,
    },
};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

fn gateway(db_url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_integration-gateway"))
        .args(args)
        .env("DATABASE_URL", db_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run the binary")
}

struct Db {
    url: String,
    dir: tempfile::TempDir,
}

/// A fresh database with the integration SAP (created through the seed-free GraphQL-less path:
/// the binary's own migrate, then one row through the service).
async fn setup() -> (Db, DatabaseConnection) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("import.db").display()
    );
    let out = gateway(&url, &["migrate"]);
    assert!(out.status.success());
    let conn = sea_orm::Database::connect(&url).await.unwrap();
    integration_gateway::service::integrations::create(
        &conn,
        Default::default(),
        integration_gateway::service::integrations::NewIntegration {
            code: "SAP".into(),
            name: "SAP".into(),
            business_object: "Invoice".into(),
            direction: integration_gateway::domain::Direction::FromCoupa,
            end_system: "SAP".into(),
            end_system_type: integration_gateway::domain::EndSystemType::Erp,
            integration_type: None,
            expected_duration_seconds: None,
        },
    )
    .await
    .unwrap();
    (Db { url, dir }, conn)
}

fn write_csv(dir: &Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    path.display().to_string()
}

/// The `run.updated` events of a run (its progress steps), oldest first.
async fn run_updates(conn: &DatabaseConnection, run_id: i32) -> Vec<integration_event::Model> {
    integration_event::Entity::find()
        .filter(integration_event::Column::EventType.eq("run.updated"))
        .filter(integration_event::Column::IntegrationRunId.eq(run_id))
        .order_by_asc(integration_event::Column::Sequence)
        .all(conn)
        .await
        .unwrap()
}

const GOOD: &str = "document_type,document-id,contact-alert-type,status,response-code,response-message,external-id\n\
Invoice,1,Technical,Error,500,timeout,EXT-1\n\
Asn::Header,2,Both,Success,200,ok,EXT-2\n\
Payables::External::Payable,3,functional,Success,,,\n";

#[tokio::test]
async fn a_good_file_is_imported_with_a_run_walked_to_successful() {
    let (db, conn) = setup().await;
    let file = write_csv(db.dir.path(), "invoices-2026-11-23.csv", GOOD);
    let out = gateway(&db.url, &["import", &file, "--integration", "SAP", "--run"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("3 rows, 3 imported, 0 rejected"),
        "{stdout}"
    );

    let records = record::Entity::find().all(&conn).await.unwrap();
    assert_eq!(records.len(), 3);
    assert!(
        records
            .iter()
            .all(|r| r.integration_filename.as_deref() == Some("invoices-2026-11-23.csv"))
    );
    assert_eq!(records[1].document_type, "Asn::Header");
    assert_eq!(records[2].contact_alert_type, "Functional");
    assert_eq!(
        integration_record_response::Entity::find()
            .count(&conn)
            .await
            .unwrap(),
        2
    );
    let run = integration_run::Entity::find()
        .one(&conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(run.status, "successful");
    assert_eq!(
        (run.total_records, run.records_processed),
        (Some(3), Some(3))
    );
    assert!(records.iter().all(|r| r.integration_run_id == Some(run.id)));
    assert_eq!(run.flow.unwrap()["import"]["imported"], 3);
}

const MIXED: &str = "document-type,document-id,contact-alert-type,integration-code\n\
Invoice,1,Technical,\n\
Invoices,2,Technical,\n\
Invoice,x,Technical,\n\
Invoice,4,Technical,NOPE\n\
Invoice,5,Both,\n";

#[tokio::test]
async fn a_file_with_bad_rows_writes_nothing_by_default_and_lists_the_rejects() {
    let (db, conn) = setup().await;
    let file = write_csv(db.dir.path(), "mixed.csv", MIXED);
    let out = gateway(&db.url, &["import", &file, "--integration", "SAP", "--run"]);
    assert!(!out.status.success());
    assert_eq!(record::Entity::find().count(&conn).await.unwrap(), 0);
    let rejects = std::fs::read_to_string(format!("{file}.rejects.csv")).unwrap();
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(
        lines[0],
        "line,reason,document-type,document-id,contact-alert-type,integration-code"
    );
    assert_eq!(lines.len(), 4, "{rejects}");
    assert!(
        lines[1].starts_with("3,document-type: `Invoices` is not a document type"),
        "{rejects}"
    );
    assert!(
        lines[2].starts_with("4,document-id: `x` is not a whole number"),
        "{rejects}"
    );
    assert!(
        lines[3].contains("integration with code \"\"NOPE\"\" does not exist"),
        "{rejects}"
    );
    let run = integration_run::Entity::find()
        .one(&conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(run.status, "failed");
    assert_eq!(run.records_processed, Some(0));
    assert!(
        run_updates(&conn, run.id).await.is_empty(),
        "nothing was written, so there was no progress step"
    );
}

#[tokio::test]
async fn continue_on_error_writes_the_good_rows_and_rejects_the_bad() {
    let (db, conn) = setup().await;
    let file = write_csv(db.dir.path(), "mixed.csv", MIXED);
    let rejects = db.dir.path().join("bad.csv");
    let out = gateway(
        &db.url,
        &[
            "import",
            &file,
            "--integration",
            "SAP",
            "--run",
            "--continue-on-error",
            "--reject-file",
            &rejects.display().to_string(),
            "--chunk-rows",
            "2",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("5 rows, 2 imported, 3 rejected"),
        "{stdout}"
    );
    let ids: Vec<i32> = record::Entity::find()
        .all(&conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.document_id)
        .collect();
    assert_eq!(ids, vec![1, 5]);
    assert_eq!(
        std::fs::read_to_string(&rejects).unwrap().lines().count(),
        4
    );
    let run = integration_run::Entity::find()
        .one(&conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(run.status, "successful");
    assert_eq!(
        (run.total_records, run.records_processed),
        (Some(5), Some(2))
    );
    // Chunks of two parsed rows: [1, 4] wrote 1 (4 names no integration), [5] wrote 1 more.
    assert_eq!(run_updates(&conn, run.id).await.len(), 2);
}

#[tokio::test]
async fn integration_errors_are_imported_into_the_run_which_then_fails() {
    let (db, conn) = setup().await;
    let file = write_csv(
        db.dir.path(),
        "errors.csv",
        "contact-alert-type,document-type,document-id,status,response-message\nTechnical,Supplier,9,Error,blocked\nBoth,,,Error,\n",
    );
    let out = gateway(
        &db.url,
        &[
            "import",
            &file,
            "--kind",
            "errors",
            "--integration",
            "SAP",
            "--run",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = integration_run::Entity::find()
        .one(&conn)
        .await
        .unwrap()
        .unwrap();
    let errors = integration_error::Entity::find()
        .filter(integration_error::Column::IntegrationRunId.eq(run.id))
        .all(&conn)
        .await
        .unwrap();
    assert_eq!(errors.len(), 2);
    assert_eq!(
        errors[0].integration_filename.as_deref(),
        Some("errors.csv")
    );
    assert_eq!(
        run.status, "failed",
        "its own unresolved errors keep it from success"
    );
}

fn peak_kib(stdout: &str) -> u64 {
    let tail = stdout
        .split("peak memory ")
        .nth(1)
        .expect("peak memory in the summary");
    tail.split_whitespace().next().unwrap().parse().unwrap()
}

fn big_file(dir: &Path, name: &str, rows: usize) -> String {
    let path = dir.join(name);
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(f, "document-type,document-id,contact-alert-type,status,external-id,response-code,response-message").unwrap();
    for i in 0..rows {
        writeln!(
            f,
            "Invoice,{i},Technical,Success,EXT-{i},200,accepted by the ERP after validation"
        )
        .unwrap();
    }
    f.flush().unwrap();
    path.display().to_string()
}

#[tokio::test]
async fn memory_stays_flat_whatever_the_file_size() {
    let (db, conn) = setup().await;
    let small = big_file(db.dir.path(), "small.csv", 10_000);
    let out = gateway(&db.url, &["import", &small]);
    let small_peak = peak_kib(&String::from_utf8_lossy(&out.stdout));
    let large = big_file(db.dir.path(), "large.csv", 100_000);
    let out = gateway(&db.url, &["import", &large]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("100000 rows, 100000 imported"), "{stdout}");
    let large_peak = peak_kib(&stdout);
    assert_eq!(record::Entity::find().count(&conn).await.unwrap(), 110_000);
    // Ten times the rows: the peak may move by a few MiB (allocator, SQLite cache), not tenfold.
    assert!(
        large_peak < small_peak + 16 * 1024,
        "peak {small_peak} KiB for 10k rows, {large_peak} KiB for 100k rows"
    );
}

/// Text that could not be given back (control characters) and an integration named by an id and
/// a code that disagree are rejected rows, as on the APIs; nothing is written.
#[tokio::test]
async fn control_characters_and_contradicting_references_are_rejected() {
    let (db, conn) = setup().await;
    let body = "document-type,document-id,contact-alert-type,integration-id,integration-code,response-message\n\
Invoice,1,Technical,1,SAP,fine\n\
Invoice,2,Technical,,,bell\u{7}\n\
Invoice,3,Technical,1,NOPE,\n";
    let file = write_csv(db.dir.path(), "hostile.csv", body);
    let out = gateway(&db.url, &["import", &file, "--integration", "SAP"]);
    assert!(!out.status.success());
    assert_eq!(record::Entity::find().count(&conn).await.unwrap(), 0);
    let rejects = std::fs::read_to_string(format!("{file}.rejects.csv")).unwrap();
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(lines.len(), 3, "{rejects}");
    assert!(
        lines[1].starts_with("3,\"response-message: the text holds the control character U+0007"),
        "{rejects}"
    );
    assert!(
        lines[2].contains("is not the code of integration 1"),
        "{rejects}"
    );
}

/// The import's progress goes through the run service: one `run.updated` event per chunk (not
/// per row), made by the importing user, who is also the run's `updated_by`.
#[tokio::test]
async fn progress_is_one_run_update_per_chunk_by_the_importing_user() {
    let (db, conn) = setup().await;
    let file = big_file(db.dir.path(), "five.csv", 5);
    let out = gateway(
        &db.url,
        &[
            "import",
            &file,
            "--integration",
            "SAP",
            "--run",
            "--chunk-rows",
            "2",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = integration_run::Entity::find()
        .one(&conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(run.status, "successful");
    assert_eq!(
        (run.total_records, run.records_processed),
        (Some(5), Some(5))
    );
    let updates = run_updates(&conn, run.id).await;
    assert_eq!(updates.len(), 3, "chunks of 2, 2 and 1 rows");
    assert!(run.updated_by_id.is_some());
    assert!(
        updates
            .iter()
            .all(|e| e.object_id == run.id && e.principal_id == run.updated_by_id),
        "{updates:?}"
    );
}

/// Drops what an import reports.
struct Quiet;

impl ImportObserver for Quiet {
    fn progress(&mut self, _bytes: u64, _rows: u64) {}
    fn reject(&mut self, _reject: &Reject) -> std::io::Result<()> {
        Ok(())
    }
}

/// A file longer than the run's total (it grew after it was counted) stops the import when its
/// progress would pass the total: the run service refuses the step, and the run keeps the last
/// progress that fitted.
#[tokio::test]
async fn progress_never_exceeds_the_runs_total() {
    let (_db, conn) = setup().await;
    let actor = users::local_actor(&conn).await.unwrap();
    let csv = "document-type,document-id,contact-alert-type\n\
Invoice,1,Technical\n\
Invoice,2,Technical\n\
Invoice,3,Technical\n";
    let options = ImportOptions {
        kind: ImportKind::HistoryRecords,
        file_name: "grown.csv".into(),
        continue_on_error: true,
        integration: Some(IntegrationRef::Code("SAP".into())),
        create_run: true,
        total_rows: Some(2),
        chunk_rows: 1,
    };
    let err = import::import_csv(&conn, actor, csv.as_bytes(), &options, &mut Quiet)
        .await
        .unwrap_err();
    let AppError::Validation(fields) = &err else {
        panic!("expected a VALIDATION error, got {err:?}");
    };
    assert_eq!(fields[0].field, "recordsProcessed", "{err}");
    let run = integration_run::Entity::find()
        .one(&conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (run.total_records, run.records_processed),
        (Some(2), Some(2))
    );
    assert_eq!(run_updates(&conn, run.id).await.len(), 2);
}
