//! Demo data: a few integrations and runs in every status, written through the service layer.

use sea_orm::DatabaseConnection;

use crate::{
    domain::{Direction, EndSystemType, IntegrationType, RunAction},
    error::{AppError, AppResult},
    service::{
        Actor, IntegrationRef, integrations,
        integrations::NewIntegration,
        runs::{self, RunInput},
    },
};

/// What the demo seed wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Integrations created (existing ones are kept).
    pub integrations: usize,
    /// Runs created.
    pub runs: usize,
}

/// Loads the demo data set; integrations that already exist (by code) are reused.
pub async fn demo(db: &DatabaseConnection) -> AppResult<SeedReport> {
    let actor = Actor::default();
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
        for (i, walk) in walks.iter().enumerate() {
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
