//! Demo data: a few integrations and runs in every status, written through the service layer.

use sea_orm::DatabaseConnection;

use crate::{
    domain::{
        ContactAlertType, Direction, DocumentType, EndSystemType, IntegrationType, RunAction,
    },
    error::{AppError, AppResult},
    service::{
        Actor, IntegrationRef,
        documents::NewResponse,
        errors::{self, NewIntegrationError},
        history::{self, NewHistoryRecord},
        integrations,
        integrations::NewIntegration,
        runs::{self, RunInput},
        users,
    },
};

/// What the demo seed wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Integrations created (existing ones are kept).
    pub integrations: usize,
    /// Runs created.
    pub runs: usize,
    /// History records created.
    pub records: usize,
    /// Integration errors created.
    pub errors: usize,
}

/// Loads the demo data set; integrations that already exist (by code) are reused.
pub async fn demo(db: &DatabaseConnection) -> AppResult<SeedReport> {
    demo_reporting(db, &indicatif::ProgressBar::hidden()).await
}

/// [`demo`] with a progress bar on stderr (one step per run written).
pub async fn demo_with_progress(db: &DatabaseConnection) -> AppResult<SeedReport> {
    let bar = indicatif::ProgressBar::new(DEMO_RUNS).with_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} seeding demo data [{bar:30}] {pos}/{len} runs {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let report = demo_reporting(db, &bar).await;
    bar.finish_and_clear();
    report
}

/// Runs the demo writes: three integrations, five runs each.
const DEMO_RUNS: u64 = 15;

async fn demo_reporting(
    db: &DatabaseConnection,
    bar: &indicatif::ProgressBar,
) -> AppResult<SeedReport> {
    let actor = users::local_actor(db).await?;
    let specs = [
        (
            "SAP-INVOICES",
            "SAP invoice export",
            "Invoice",
            Direction::FromCoupa,
            "SAP S/4HANA",
            EndSystemType::Erp,
            IntegrationType::Api,
        ),
        (
            "ORACLE-SUPPLIERS",
            "Oracle supplier import",
            "Supplier",
            Direction::ToCoupa,
            "Oracle EBS",
            EndSystemType::Erp,
            IntegrationType::FlatFile,
        ),
        (
            "WORKDAY-USERS",
            "Workday user sync",
            "User",
            Direction::ToCoupa,
            "Workday",
            EndSystemType::Hr,
            IntegrationType::Json,
        ),
    ];
    let mut report = SeedReport::default();
    for (code, name, object, direction, end_system, end_type, kind) in specs {
        let integration = match integrations::find(db, &IntegrationRef::Code(code.into())).await {
            Ok(found) => found,
            Err(AppError::NotFound { .. }) => {
                report.integrations += 1;
                integrations::create(
                    db,
                    actor,
                    NewIntegration {
                        code: code.into(),
                        name: name.into(),
                        business_object: object.into(),
                        direction,
                        end_system: end_system.into(),
                        end_system_type: end_type,
                        integration_type: Some(kind),
                        expected_duration_seconds: None,
                    },
                )
                .await?
            }
            Err(e) => return Err(e),
        };
        // One run per status: the actions that lead there from pending.
        let walks: [&[RunAction]; 5] = [
            &[],
            &[RunAction::Run],
            &[RunAction::Run, RunAction::Pause],
            &[RunAction::Run, RunAction::Success],
            &[RunAction::Run, RunAction::Fail],
        ];
        bar.set_message(code);
        for (i, walk) in walks.iter().enumerate() {
            bar.inc(1);
            let total = 100 * (i as i32 + 1);
            let run = runs::create(
                db,
                actor,
                IntegrationRef::Id(integration.id),
                RunInput {
                    flow: Some(serde_json::json!({"source": "demo", "batch": i + 1})),
                    total_records: Some(total),
                    records_processed: Some(0),
                    ..Default::default()
                },
            )
            .await?;
            report.runs += 1;
            if matches!(i, 1 | 4) {
                report.errors += seed_errors(db, actor, run.id, i == 4).await?;
            }
            report.records +=
                seed_records(db, actor, run.id, integration.id * 1000 + i as i32 * 10).await?;
            for (step, action) in walk.iter().enumerate() {
                let processed = if *action == RunAction::Success {
                    total
                } else {
                    total / (step as i32 + 2)
                };
                runs::apply_action(
                    db,
                    actor,
                    run.id,
                    *action,
                    RunInput {
                        records_processed: Some(processed),
                        ..Default::default()
                    },
                )
                .await?;
            }
        }
    }
    Ok(report)
}

/// Two errors of a run with the external system's responses; the second resolved when `resolve`.
async fn seed_errors(
    db: &DatabaseConnection,
    actor: Actor,
    run_id: i32,
    resolve: bool,
) -> AppResult<usize> {
    for (n, document_id) in [(0, 11), (1, 12)] {
        let error = errors::create(
            db,
            actor,
            NewIntegrationError {
                contact_alert_type: ContactAlertType::Technical,
                integration_run_id: run_id,
                integration: None,
                document_type: Some(DocumentType::Invoice),
                document_id: Some(document_id),
                document_revision: Some(1),
                document_status: Some("approved".into()),
                creation_method: None,
                external_id: None,
                integration_filename: Some("invoices.csv".into()),
                status: Some("Error".into()),
                responses: vec![NewResponse {
                    response_code: Some("422".into()),
                    response_message: Some("supplier is blocked in the ERP".into()),
                }],
            },
        )
        .await?;
        if resolve && n == 1 {
            errors::set_resolved(db, actor, error.id, true).await?;
        }
    }
    Ok(2)
}

/// History records of a run in every state: open, alerted, exported, acknowledged.
async fn seed_records(
    db: &DatabaseConnection,
    actor: Actor,
    run_id: i32,
    base: i32,
) -> AppResult<usize> {
    let record = |document_id: i32, status: &str| NewHistoryRecord {
        contact_alert_type: ContactAlertType::Both,
        document_type: DocumentType::InvoiceHeader,
        document_id,
        document_revision: Some(1),
        document_status: Some("approved".into()),
        creation_method: Some("api".into()),
        external_id: Some(format!("ERP-{document_id}")),
        integration: None,
        integration_run_id: Some(run_id),
        integration_filename: None,
        status: Some(status.into()),
        responses: vec![NewResponse {
            response_code: Some(if status == "Error" { "500" } else { "200" }.into()),
            response_message: Some(format!("{status} for document {document_id}")),
        }],
    };
    history::create(db, actor, record(base + 1, "Error")).await?;
    history::create_alert(db, actor, record(base + 2, "Error")).await?;
    history::mark_exported(db, actor, record(base + 3, "Success")).await?;
    history::create(db, actor, record(base + 4, "Error")).await?;
    history::acknowledge(db, actor, record(base + 4, "Success")).await?;
    Ok(5)
}
