//! Demo data: three integrations with thirty days of history and a run in every status now.
//!
//! The history (finished runs with realistic durations, failures and records, and their alerts)
//! is drawn by a seeded PRNG, so its shape is the same on every load, laid out back from the
//! current hour ([`past_runs`]), and written in one transaction by [`service::backfill`]. The
//! present (one run per status and integration, with errors, history records and responses) is
//! written through the same service calls as a client's requests.

use chrono::{DateTime, Duration, DurationRound, Timelike, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::DatabaseConnection;

use crate::{
    domain::{
        ContactAlertType, Direction, DocumentType, EndSystemType, IntegrationType, RunAction,
        RunStatus,
    },
    error::{AppError, AppResult},
    service::{
        self, Actor, IntegrationRef,
        backfill::{PastAlert, PastRun},
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
    /// Runs created (past and present).
    pub runs: usize,
    /// History records created.
    pub records: usize,
    /// Integration errors created.
    pub errors: usize,
    /// Alerts of the past runs (the present's are raised as their records and failures are).
    pub past_alerts: usize,
}

/// Loads the demo data set; integrations that already exist (by code) are reused.
pub async fn demo(db: &DatabaseConnection) -> AppResult<SeedReport> {
    demo_reporting(db, &indicatif::ProgressBar::hidden()).await
}

/// [`demo`] with a progress bar on stderr (the past in one step, then one step per present run).
pub async fn demo_with_progress(db: &DatabaseConnection) -> AppResult<SeedReport> {
    let bar = indicatif::ProgressBar::new(PRESENT_RUNS + 1).with_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} seeding demo data [{bar:30}] {pos}/{len} steps {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let report = demo_reporting(db, &bar).await;
    bar.finish_and_clear();
    report
}

/// Present runs the demo writes: three integrations, one per status each.
const PRESENT_RUNS: u64 = 15;

/// How many days of history the demo holds.
pub const HISTORY_DAYS: i64 = 30;

/// How an integration behaved over the demo's history.
#[derive(Clone, Copy, Debug)]
struct Profile {
    /// It runs at the hours of the day divisible by this.
    every_hours: u32,
    /// At this minute of the hour.
    minute: i64,
    /// Median run duration, in seconds.
    median_secs: f64,
    /// Spread of durations (the σ of their logarithm).
    spread: f64,
    /// Share of runs that are slow outliers (3 to 8 times longer).
    outliers: f64,
    /// Share of runs that fail, and in the last seven days.
    failure: f64,
    recent_failure: f64,
    /// Records per run, from and to.
    records: (i32, i32),
    /// The documents it moves, and the share of runs that alert about one (functional contacts).
    document: DocumentType,
    document_alerts: f64,
    /// What such an alert says.
    refusal: &'static str,
}

/// A demo integration and how it behaved.
#[derive(Clone, Copy, Debug)]
struct Spec {
    code: &'static str,
    name: &'static str,
    business_object: &'static str,
    direction: Direction,
    end_system: &'static str,
    end_system_type: EndSystemType,
    kind: IntegrationType,
    profile: Profile,
}

/// The demo's integrations.
const SPECS: [Spec; 3] = [
    Spec {
        code: "SAP-INVOICES",
        name: "SAP invoice export",
        business_object: "Invoice",
        direction: Direction::FromCoupa,
        end_system: "SAP S/4HANA",
        end_system_type: EndSystemType::Erp,
        kind: IntegrationType::Api,
        // Hourly; a bad week lately (the ERP's posting period was closed early).
        profile: Profile {
            every_hours: 1,
            minute: 5,
            median_secs: 240.0,
            spread: 0.35,
            outliers: 0.03,
            failure: 0.03,
            recent_failure: 0.18,
            records: (40, 400),
            document: DocumentType::Invoice,
            document_alerts: 0.06,
            refusal: "refused by the ERP: supplier is blocked for posting",
        },
    },
    Spec {
        code: "ORACLE-SUPPLIERS",
        name: "Oracle supplier import",
        business_object: "Supplier",
        direction: Direction::ToCoupa,
        end_system: "Oracle EBS",
        end_system_type: EndSystemType::Erp,
        kind: IntegrationType::FlatFile,
        // Four big files a day; the flaky one.
        profile: Profile {
            every_hours: 6,
            minute: 30,
            median_secs: 900.0,
            spread: 0.5,
            outliers: 0.08,
            failure: 0.15,
            recent_failure: 0.2,
            records: (500, 3000),
            document: DocumentType::Supplier,
            document_alerts: 0.1,
            refusal: "rejected: tax id does not match the supplier's country",
        },
    },
    Spec {
        code: "WORKDAY-USERS",
        name: "Workday user sync",
        business_object: "User",
        direction: Direction::ToCoupa,
        end_system: "Workday",
        end_system_type: EndSystemType::Hr,
        kind: IntegrationType::Json,
        // Every four hours, quick and steady.
        profile: Profile {
            every_hours: 4,
            minute: 15,
            median_secs: 75.0,
            spread: 0.25,
            outliers: 0.02,
            failure: 0.02,
            recent_failure: 0.04,
            records: (80, 300),
            document: DocumentType::User,
            document_alerts: 0.03,
            refusal: "skipped: the manager named is not a user",
        },
    },
];

/// The seed of the history's PRNG: the same history on every load.
const HISTORY_SEED: u64 = 23;

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u: f64 = 1.0 - rng.random::<f64>();
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// The demo's history up to `now`: the runs of each integration (by id, with its profile) over
/// the [`HISTORY_DAYS`] before the current hour, every one finished before `now`.
fn past_runs(integrations: &[(i32, Profile)], now: DateTime<Utc>) -> Vec<PastRun> {
    let mut rng = ChaCha8Rng::seed_from_u64(HISTORY_SEED);
    let hour = now.duration_trunc(Duration::hours(1)).unwrap_or(now);
    let recent = now - Duration::days(7);
    let mut out = Vec::new();
    let mut document_id = 0;
    // Runs of each integration (by position) since its last finished outlier.
    let mut since_outlier = vec![0u32; integrations.len()];
    for back in (1..=HISTORY_DAYS * 24).rev() {
        let slot = hour - Duration::hours(back);
        for (i, (integration_id, p)) in integrations.iter().enumerate() {
            if !slot.hour().is_multiple_of(p.every_hours) {
                continue;
            }
            // Nights are quiet: some of the hourly runs find nothing to send.
            if slot.hour() < 5 && p.every_hours == 1 && rng.random_bool(0.3) {
                continue;
            }
            let start =
                slot + Duration::minutes(p.minute) + Duration::seconds(rng.random_range(0..90));
            let mut secs = p.median_secs * (p.spread * normal(&mut rng)).exp();
            // Outliers come at the profile's rate, and at the latest twice its mean gap after the
            // last finished one: a chance draw could leave a month without any, whatever the hour
            // the demo is loaded at.
            let since = &mut since_outlier[i];
            let overdue = f64::from(*since) * p.outliers >= 2.0;
            let outlier = rng.random_bool(p.outliers) || overdue;
            if outlier {
                secs = p.median_secs * rng.random_range(3.5..8.0);
            }
            let failure = if start >= recent {
                p.recent_failure
            } else {
                p.failure
            };
            let failed = rng.random_bool(failure);
            *since = if outlier && !failed { 0 } else { *since + 1 };
            // A failure stops part way; so do its records.
            let share = if failed {
                rng.random_range(0.1..0.9)
            } else {
                1.0
            };
            let end = start + Duration::milliseconds((secs * share * 1000.0) as i64);
            let total = rng.random_range(p.records.0..=p.records.1);
            let mut alerts = Vec::new();
            if rng.random_bool(p.document_alerts) {
                document_id += 1;
                let at = start + (end - start) / 2;
                let resolved = (at + Duration::hours(rng.random_range(1..48))).min(now);
                let id = 900_000 + document_id;
                alerts.push(PastAlert {
                    audience: ContactAlertType::Functional,
                    at,
                    document_type: p.document,
                    document_id: id,
                    message: format!("{} {id} {}", p.document.as_str(), p.refusal),
                    resolved_at: resolved,
                });
            }
            if end >= now {
                continue;
            }
            out.push(PastRun {
                integration_id: *integration_id,
                status: if failed {
                    RunStatus::Failed
                } else {
                    RunStatus::Successful
                },
                start_time: start,
                end_time: end,
                total_records: total,
                records_processed: (f64::from(total) * share) as i32,
                flow: serde_json::json!({"source": "demo", "schedule": format!("every {} h", p.every_hours)}),
                alerts,
            });
        }
    }
    out
}

async fn demo_reporting(
    db: &DatabaseConnection,
    bar: &indicatif::ProgressBar,
) -> AppResult<SeedReport> {
    let actor = users::local_actor(db).await?;
    let mut report = SeedReport::default();
    let mut seeded = Vec::new();
    for spec in SPECS {
        let integration =
            match integrations::find(db, &IntegrationRef::Code(spec.code.into())).await {
                Ok(found) => found,
                Err(AppError::NotFound { .. }) => {
                    report.integrations += 1;
                    integrations::create(
                        db,
                        actor,
                        NewIntegration {
                            code: spec.code.into(),
                            name: spec.name.into(),
                            business_object: spec.business_object.into(),
                            direction: spec.direction,
                            end_system: spec.end_system.into(),
                            end_system_type: spec.end_system_type,
                            integration_type: Some(spec.kind),
                            expected_duration_seconds: None,
                        },
                    )
                    .await?
                }
                Err(e) => return Err(e),
            };
        seeded.push((integration, spec.profile));
    }

    // The past first, so the present's runs have the newest ids.
    bar.set_message("the last 30 days");
    let profiles: Vec<(i32, Profile)> = seeded.iter().map(|(i, p)| (i.id, *p)).collect();
    let past =
        service::backfill::past_runs(db, actor, past_runs(&profiles, service::now())).await?;
    report.runs += past.runs;
    report.records += past.records;
    report.past_alerts = past.alerts;
    bar.inc(1);

    for (integration, _) in &seeded {
        // One run per status: the actions that lead there from pending.
        let walks: [&[RunAction]; 5] = [
            &[],
            &[RunAction::Run],
            &[RunAction::Run, RunAction::Pause],
            &[RunAction::Run, RunAction::Success],
            &[RunAction::Run, RunAction::Fail],
        ];
        bar.set_message(integration.code.clone());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn history(now: DateTime<Utc>) -> Vec<PastRun> {
        let profiles: Vec<(i32, Profile)> = SPECS
            .iter()
            .enumerate()
            .map(|(i, s)| (i as i32 + 1, s.profile))
            .collect();
        past_runs(&profiles, now)
    }

    fn failure_rate<'a>(runs: impl Iterator<Item = &'a PastRun>) -> f64 {
        let (mut failed, mut all) = (0, 0);
        for run in runs {
            all += 1;
            failed += usize::from(run.status == RunStatus::Failed);
        }
        failed as f64 / all as f64
    }

    #[test]
    fn the_history_is_the_same_on_every_load_and_spans_thirty_days_before_now() {
        let now = DateTime::parse_from_rfc3339("2026-12-07T01:37:12Z")
            .unwrap()
            .to_utc();
        let runs = history(now);
        let again = history(now);
        assert_eq!(runs.len(), again.len());
        for (a, b) in runs.iter().zip(&again) {
            assert_eq!(
                (a.start_time, a.end_time, a.status),
                (b.start_time, b.end_time, b.status)
            );
        }
        assert!(runs.len() > 900 && runs.len() < 1100, "{} runs", runs.len());
        let first = runs.iter().map(|r| r.start_time).min().unwrap();
        assert!(first >= now - Duration::days(HISTORY_DAYS) - Duration::hours(1));
        assert!(first < now - Duration::days(HISTORY_DAYS - 1));
        assert!(
            runs.iter()
                .all(|r| r.end_time < now && r.start_time <= r.end_time)
        );
        assert!(runs.iter().all(|r| r.records_processed <= r.total_records));
        // Every day of the window has runs of every integration.
        for day in 1..HISTORY_DAYS {
            let (from, to) = (now - Duration::days(day + 1), now - Duration::days(day));
            for id in 1..=3 {
                assert!(
                    runs.iter().any(|r| r.integration_id == id
                        && r.start_time >= from
                        && r.start_time < to),
                    "integration {id} has no run {day} days ago"
                );
            }
        }
    }

    /// The history's draws depend on the hour of day it ends at (and which runs are still going
    /// at the minute it is loaded), so its properties are checked for a load at every hour, early
    /// and late in the hour, not only at the hour the suite happens to run.
    fn every_load_time() -> impl Iterator<Item = DateTime<Utc>> {
        let midnight = DateTime::parse_from_rfc3339("2026-12-07T00:00:00Z")
            .unwrap()
            .to_utc();
        (0..24).flat_map(move |h| {
            [1, 37, 59].map(|m| midnight + Duration::hours(h) + Duration::minutes(m))
        })
    }

    #[test]
    fn one_integration_fails_most_and_the_last_week_is_worse() {
        for now in every_load_time() {
            one_integration_fails_most_at(now);
        }
    }

    fn one_integration_fails_most_at(now: DateTime<Utc>) {
        let runs = history(now);
        let of = |id: i32| runs.iter().filter(move |r| r.integration_id == id);
        let rates: Vec<f64> = (1..=3).map(|id| failure_rate(of(id))).collect();
        assert!(rates[1] > rates[0] && rates[1] > rates[2], "{rates:?}");
        let recent = now - Duration::days(7);
        let sap_before = failure_rate(of(1).filter(|r| r.start_time < recent));
        let sap_recent = failure_rate(of(1).filter(|r| r.start_time >= recent));
        assert!(
            sap_recent > 2.0 * sap_before,
            "{now}: {sap_before} then {sap_recent}"
        );
        // Failed runs stop part way, and raise no document alert after their end.
        for run in runs.iter().filter(|r| r.status == RunStatus::Failed) {
            assert!(run.records_processed < run.total_records);
        }
        assert!(runs.iter().flat_map(|r| &r.alerts).count() > 20);
    }

    #[test]
    fn durations_differ_per_integration_with_slow_outliers() {
        for now in every_load_time() {
            durations_differ_at(now);
        }
    }

    fn durations_differ_at(now: DateTime<Utc>) {
        let runs = history(now);
        for id in 1..=3 {
            let mut secs: Vec<i64> = runs
                .iter()
                .filter(|r| r.integration_id == id && r.status == RunStatus::Successful)
                .map(|r| (r.end_time - r.start_time).num_seconds())
                .collect();
            secs.sort_unstable();
            let median = secs[secs.len() / 2] as f64;
            let expected = SPECS[id as usize - 1].profile.median_secs;
            assert!(
                (median / expected - 1.0).abs() < 0.3,
                "{now} {id}: median {median}"
            );
            assert!(
                *secs.last().unwrap() as f64 > 3.0 * median,
                "{now} {id}: no slow outlier"
            );
        }
    }
}
