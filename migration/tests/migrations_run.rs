//! Runs the migrations up and down and checks that the schema enforces what it
//! promises: the entities round-trip, every named CHECK rejects bad rows, the
//! FKs, the unique constraints, the cascade and the defaults work.
//!
//! Always runs on `sqlite::memory:`. Set `MIGRATIONS_TEST_POSTGRES_URL` to a
//! **throwaway** PostgreSQL database to run the same checks there too
//! (`Migrator::fresh` drops everything in it first).

use chrono::{DateTime, TimeZone, Utc};
use entity::{
    document_export, integration, integration_contact, integration_error,
    integration_history_record, integration_record_response, integration_run, user,
};
use migration::sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ConnectionTrait, Database, DatabaseConnection,
    DbBackend, DbErr, EntityTrait, ModelTrait, QueryResult, Set, SqlErr, Statement,
};
use migration::{Migrator, MigratorTrait};

const INDEXES: [&str; 25] = [
    "idx_integration_runs_integration_id_created_at",
    "idx_integration_runs_status",
    "idx_integration_runs_created_at",
    "idx_integration_runs_updated_at",
    "idx_integration_runs_start_time",
    "idx_integration_runs_end_time",
    "idx_integration_errors_integration_run_id_resolved",
    "idx_integration_errors_integration_id",
    "idx_integration_errors_created_at",
    "idx_integration_history_records_document_type_id_resolved",
    "idx_integration_history_records_integration_id",
    "idx_integration_history_records_integration_run_id",
    "idx_integration_history_records_external_id",
    "idx_integration_history_records_status",
    "idx_integration_history_records_created_at",
    "idx_integration_history_records_updated_at",
    "idx_integration_record_responses_integration_history_record_id",
    "idx_integration_record_responses_integration_error_id",
    "idx_document_exports_exported_document_type",
    "idx_document_exports_last_exported_at",
    "idx_integration_alerts_integration_id_created_at",
    "idx_integration_alerts_created_at",
    "idx_integration_events_created_at",
    "idx_integration_contacts_integration_id",
    "uq_integration_contacts_email",
];

/// Named constraints PostgreSQL must report under exactly these names.
const PG_CONSTRAINTS: [&str; 23] = [
    "users_kind_chk",
    "uq_users_name",
    "uq_integrations_code",
    "uq_integrations_name",
    "integrations_direction_chk",
    "integrations_end_system_type_chk",
    "integrations_integration_type_chk",
    "fk_integrations_created_by",
    "integration_runs_status_chk",
    "integration_runs_total_records_chk",
    "integration_runs_records_processed_chk",
    "integration_runs_progress_chk",
    "fk_integration_runs_integration",
    "integration_errors_contact_alert_type_chk",
    "integration_errors_document_type_chk",
    "fk_integration_errors_integration_run",
    "integration_history_records_document_type_chk",
    "integration_record_responses_parent_chk",
    "fk_integration_record_responses_integration_history_record",
    "uq_document_exports_document",
    "document_exports_document_type_chk",
    "integration_contacts_contact_type_chk",
    "fk_integration_contacts_integration",
];

const TABLES: [&str; 19] = [
    "users",
    "api_tokens",
    "integrations",
    "integration_runs",
    "integration_errors",
    "integration_history_records",
    "integration_record_responses",
    "document_exports",
    "integration_alerts",
    "integration_events",
    "event_sequence",
    "integration_event_outbox",
    "webhook_endpoints",
    "deliveries",
    "delivery_attempts",
    "delivery_cursor",
    "integration_contacts",
    "email_digests",
    "email_digest_alerts",
];

fn ts(secs: i64) -> DateTime<Utc> {
    // Whole seconds: PostgreSQL keeps microseconds, so nanoseconds would not round-trip.
    Utc.timestamp_opt(1_795_000_000 + secs, 0).unwrap()
}

#[track_caller]
fn assert_violates<T: std::fmt::Debug>(result: Result<T, DbErr>, constraint: &str) {
    match result {
        Ok(v) => panic!("expected a violation of {constraint}, got Ok({v:?})"),
        Err(e) => assert!(
            e.to_string().contains(constraint),
            "expected a violation of {constraint}, got: {e}"
        ),
    }
}

#[track_caller]
fn assert_sql_err<T: std::fmt::Debug>(result: Result<T, DbErr>, unique: bool) {
    let err = result.expect_err("expected a constraint violation");
    match (err.sql_err(), unique) {
        (Some(SqlErr::UniqueConstraintViolation(_)), true)
        | (Some(SqlErr::ForeignKeyConstraintViolation(_)), false) => {}
        (other, _) => panic!("unexpected error {other:?}: {err}"),
    }
}

async fn names(db: &DatabaseConnection, sql: &str) -> Vec<String> {
    let rows: Vec<QueryResult> = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap();
    rows.iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect()
}

async fn tables(db: &DatabaseConnection) -> Vec<String> {
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            names(
                db,
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            .await
        }
        _ => {
            names(
                db,
                "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()",
            )
            .await
        }
    }
}

fn integration_am(code: &str) -> integration::ActiveModel {
    integration::ActiveModel {
        id: NotSet,
        code: Set(code.to_owned()),
        name: Set(format!("{code} name")),
        business_object: Set("Invoice".to_owned()),
        direction: Set("from_coupa".to_owned()),
        end_system: Set("SAP".to_owned()),
        end_system_type: Set("erp".to_owned()),
        integration_type: Set(Some("api".to_owned())),
        standard: NotSet,
        expected_duration_seconds: Set(None),
        created_at: Set(ts(0)),
        updated_at: Set(ts(0)),
        created_by_id: Set(None),
        updated_by_id: Set(None),
    }
}

fn run_am(integration_id: i32) -> integration_run::ActiveModel {
    integration_run::ActiveModel {
        id: NotSet,
        integration_id: Set(integration_id),
        flow: Set(None),
        status: Set("pending".to_owned()),
        start_time: Set(None),
        end_time: Set(None),
        total_records: Set(None),
        records_processed: Set(None),
        max_updated_at: Set(None),
        stale_alerted_at: Set(None),
        created_at: Set(ts(1)),
        updated_at: Set(ts(1)),
        created_by_id: Set(None),
        updated_by_id: Set(None),
    }
}

fn error_am(run_id: i32) -> integration_error::ActiveModel {
    integration_error::ActiveModel {
        id: NotSet,
        integration_run_id: Set(run_id),
        integration_id: Set(None),
        contact_alert_type: Set("Technical".to_owned()),
        document_type: Set(None),
        document_id: Set(None),
        document_revision: Set(None),
        document_status: Set(None),
        creation_method: Set(None),
        external_id: Set(None),
        integration_filename: Set(None),
        resolved: NotSet,
        status: Set(None),
        created_at: Set(ts(2)),
        updated_at: Set(ts(2)),
        created_by_id: Set(None),
        updated_by_id: Set(None),
    }
}

fn record_am(document_type: &str, document_id: i32) -> integration_history_record::ActiveModel {
    integration_history_record::ActiveModel {
        id: NotSet,
        contact_alert_type: Set("Both".to_owned()),
        document_type: Set(document_type.to_owned()),
        document_id: Set(document_id),
        document_revision: Set(Some(3)),
        document_status: Set(Some("approved".to_owned())),
        creation_method: Set(None),
        external_id: Set(Some("EXT-1".to_owned())),
        integration_id: Set(None),
        integration_run_id: Set(None),
        integration_filename: Set(None),
        resolved: NotSet,
        status: Set(Some("Error".to_owned())),
        created_at: Set(ts(3)),
        updated_at: Set(ts(3)),
        created_by_id: Set(None),
        updated_by_id: Set(None),
    }
}

fn response_am(
    record_id: Option<i32>,
    error_id: Option<i32>,
) -> integration_record_response::ActiveModel {
    integration_record_response::ActiveModel {
        id: NotSet,
        integration_history_record_id: Set(record_id),
        integration_error_id: Set(error_id),
        response_code: Set(Some("200".to_owned())),
        response_message: Set(Some("ok ".repeat(200))),
        created_at: Set(ts(4)),
        updated_at: Set(ts(4)),
        created_by_id: Set(None),
        updated_by_id: Set(None),
    }
}

fn export_am(document_type: &str, document_id: i32) -> document_export::ActiveModel {
    document_export::ActiveModel {
        id: NotSet,
        document_type: Set(document_type.to_owned()),
        document_id: Set(document_id),
        exported: NotSet,
        last_exported_at: Set(None),
        integration_run_id: Set(None),
        integration_history_record_id: Set(None),
        created_at: Set(ts(5)),
        updated_at: Set(ts(5)),
    }
}

async fn exercise(db: &DatabaseConnection) {
    let backend = db.get_database_backend();

    // Indexes exist under their names, and no name is truncated by PostgreSQL (63 bytes).
    let index_sql = match backend {
        DbBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'index'",
        _ => "SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema()",
    };
    let present = names(db, index_sql).await;
    for name in INDEXES {
        assert!(name.len() <= 63, "{name} is longer than 63 bytes");
        assert!(present.iter().any(|p| p == name), "index {name} missing");
    }
    if backend == DbBackend::Postgres {
        let present = names(
            db,
            "SELECT conname::text FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace \
             WHERE n.nspname = current_schema()",
        )
        .await;
        for name in PG_CONSTRAINTS {
            assert!(
                present.iter().any(|p| p == name),
                "constraint {name} missing"
            );
        }
    }

    // users
    let alice = user::ActiveModel {
        id: NotSet,
        name: Set("alice".to_owned()),
        kind: Set("user".to_owned()),
        created_at: Set(ts(0)),
    }
    .insert(db)
    .await
    .unwrap();
    let mut bad_user: user::ActiveModel = alice.clone().into();
    bad_user.id = NotSet;
    bad_user.name = Set("bob".to_owned());
    bad_user.kind = Set("robot".to_owned());
    assert_violates(bad_user.insert(db).await, "users_kind_chk");
    let mut dup_user: user::ActiveModel = alice.clone().into();
    dup_user.id = NotSet;
    assert_sql_err(dup_user.insert(db).await, true);

    // integrations: round-trip, defaults, CHECKs, uniques, audit FKs.
    let mut am = integration_am("INV");
    am.created_by_id = Set(Some(alice.id));
    am.updated_by_id = Set(Some(alice.id));
    let integ = am.insert(db).await.unwrap();
    assert!(!integ.standard, "standard defaults to false");
    assert_eq!(integ.created_at, ts(0));
    assert_eq!(
        integration::Entity::find_by_id(integ.id)
            .one(db)
            .await
            .unwrap()
            .unwrap(),
        integ
    );
    let mut am = integration_am("NULLTYPE");
    am.integration_type = Set(None);
    am.insert(db).await.unwrap();
    let mut am = integration_am("X1");
    am.direction = Set("sideways".to_owned());
    assert_violates(am.insert(db).await, "integrations_direction_chk");
    let mut am = integration_am("X2");
    am.end_system_type = Set("mainframe".to_owned());
    assert_violates(am.insert(db).await, "integrations_end_system_type_chk");
    let mut am = integration_am("X3");
    am.integration_type = Set(Some("csv".to_owned()));
    assert_violates(am.insert(db).await, "integrations_integration_type_chk");
    assert_sql_err(integration_am("INV").insert(db).await, true);
    let mut am = integration_am("X4");
    am.name = Set(integ.name.clone());
    assert_sql_err(am.insert(db).await, true);
    let mut am = integration_am("X5");
    am.created_by_id = Set(Some(9999));
    assert_sql_err(am.insert(db).await, false);

    // integration_runs: JSON round-trip, status and progress CHECKs, FK.
    let mut am = run_am(integ.id);
    let flow = serde_json::json!({"steps": [{"name": "extract", "n": 1}], "nested": {"ok": true}});
    am.flow = Set(Some(flow.clone()));
    am.start_time = Set(Some(ts(10)));
    am.total_records = Set(Some(10));
    am.records_processed = Set(Some(10));
    let run = am.insert(db).await.unwrap();
    let loaded = integration_run::Entity::find_by_id(run.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(loaded, run);
    assert_eq!(loaded.flow, Some(flow));
    assert_eq!(loaded.start_time, Some(ts(10)));
    assert_eq!(
        loaded
            .find_related(integration::Entity)
            .one(db)
            .await
            .unwrap(),
        Some(integ.clone())
    );
    let mut am = run_am(integ.id);
    am.status = Set("bogus".to_owned());
    assert_violates(am.insert(db).await, "integration_runs_status_chk");
    let mut am = run_am(integ.id);
    am.total_records = Set(Some(-1));
    assert_violates(am.insert(db).await, "integration_runs_total_records_chk");
    let mut am = run_am(integ.id);
    am.records_processed = Set(Some(-1));
    assert_violates(
        am.insert(db).await,
        "integration_runs_records_processed_chk",
    );
    let mut am = run_am(integ.id);
    am.total_records = Set(Some(5));
    am.records_processed = Set(Some(6));
    assert_violates(am.insert(db).await, "integration_runs_progress_chk");
    let mut am = run_am(integ.id);
    am.records_processed = Set(Some(6)); // no total: allowed
    am.insert(db).await.unwrap();
    assert_sql_err(run_am(9999).insert(db).await, false);

    // integration_errors
    let mut am = error_am(run.id);
    am.integration_id = Set(Some(integ.id));
    am.document_type = Set(Some("Payables::External::Payable".to_owned()));
    let error = am.insert(db).await.unwrap();
    assert!(!error.resolved, "resolved defaults to false");
    let mut am = error_am(run.id);
    am.contact_alert_type = Set("technical".to_owned());
    assert_violates(
        am.insert(db).await,
        "integration_errors_contact_alert_type_chk",
    );
    let mut am = error_am(run.id);
    am.document_type = Set(Some("Banana".to_owned()));
    assert_violates(am.insert(db).await, "integration_errors_document_type_chk");
    assert_sql_err(error_am(9999).insert(db).await, false);
    assert_eq!(
        run.find_related(integration_error::Entity)
            .all(db)
            .await
            .unwrap(),
        vec![error.clone()]
    );

    // integration_history_records
    let mut am = record_am("Asn::Header", 42);
    am.integration_id = Set(Some(integ.id));
    am.integration_run_id = Set(Some(run.id));
    let record = am.insert(db).await.unwrap();
    assert!(!record.resolved);
    assert_violates(
        record_am("asn::header", 42).insert(db).await,
        "integration_history_records_document_type_chk",
    );
    let mut am = record_am("Invoice", 1);
    am.contact_alert_type = Set("Nobody".to_owned());
    assert_violates(
        am.insert(db).await,
        "integration_history_records_contact_alert_type_chk",
    );

    // integration_record_responses: exactly one parent, cascade.
    let on_record = response_am(Some(record.id), None).insert(db).await.unwrap();
    let on_error = response_am(None, Some(error.id)).insert(db).await.unwrap();
    assert_eq!(
        on_record.response_message.as_deref().map(str::len),
        Some(600)
    );
    assert_violates(
        response_am(None, None).insert(db).await,
        "integration_record_responses_parent_chk",
    );
    assert_violates(
        response_am(Some(record.id), Some(error.id))
            .insert(db)
            .await,
        "integration_record_responses_parent_chk",
    );

    // document_exports: unique (document_type, document_id), CHECK, FKs.
    let mut am = export_am("Asn::Header", 42);
    am.exported = Set(true);
    am.last_exported_at = Set(Some(ts(6)));
    am.integration_run_id = Set(Some(run.id));
    am.integration_history_record_id = Set(Some(record.id));
    let export = am.insert(db).await.unwrap();
    assert_eq!(export.last_exported_at, Some(ts(6)));
    assert!(!export_am("Invoice", 42).insert(db).await.unwrap().exported);
    assert_sql_err(export_am("Asn::Header", 42).insert(db).await, true);
    assert_violates(
        export_am("Nope", 1).insert(db).await,
        "document_exports_document_type_chk",
    );
    let mut am = export_am("Item", 1);
    am.integration_run_id = Set(Some(9999));
    assert_sql_err(am.insert(db).await, false);

    // integration_contacts: active by default, one email per integration and type, types
    // Technical and Functional only, an existing integration.
    let contact_am = |contact_type: &str| integration_contact::ActiveModel {
        id: NotSet,
        integration_id: Set(integ.id),
        name: Set("Ann".to_owned()),
        email: Set("ann@example.com".to_owned()),
        contact_type: Set(contact_type.to_owned()),
        active: NotSet,
        created_at: Set(ts(0)),
        updated_at: Set(ts(0)),
        created_by_id: Set(None),
        updated_by_id: Set(None),
    };
    let ann = contact_am("Technical").insert(db).await.unwrap();
    assert!(ann.active, "a contact is active by default");
    assert_sql_err(contact_am("Technical").insert(db).await, true);
    contact_am("Functional").insert(db).await.unwrap();
    assert_violates(
        contact_am("Both").insert(db).await,
        "integration_contacts_contact_type_chk",
    );
    let mut orphan = contact_am("Technical");
    orphan.integration_id = Set(9999);
    assert_sql_err(orphan.insert(db).await, false);

    // ON DELETE CASCADE from both parents (the export must go first: its FK does not cascade).
    export.delete(db).await.unwrap();
    record.delete(db).await.unwrap();
    error.delete(db).await.unwrap();
    for id in [on_record.id, on_error.id] {
        assert!(
            integration_record_response::Entity::find_by_id(id)
                .one(db)
                .await
                .unwrap()
                .is_none(),
            "response {id} should have been deleted with its parent"
        );
    }
}

async fn up_check_down(db: &DatabaseConnection) {
    Migrator::fresh(db).await.unwrap();
    let present = tables(db).await;
    for table in TABLES {
        assert!(present.iter().any(|t| t == table), "table {table} missing");
    }
    exercise(db).await;

    Migrator::down(db, None).await.unwrap();
    let left = tables(db).await;
    assert_eq!(
        left,
        vec!["seaql_migrations".to_owned()],
        "down left tables"
    );
    // And up again after a full down.
    Migrator::up(db, None).await.unwrap();
    assert_eq!(tables(db).await.len(), TABLES.len() + 1);
    Migrator::down(db, None).await.unwrap();
}

#[tokio::test]
async fn migrations_run_on_sqlite() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    // sqlx enables foreign keys on SQLite by default; the FK and cascade checks rely on it.
    up_check_down(&db).await;
}

#[tokio::test]
async fn migrations_run_on_postgres_when_configured() {
    let Ok(url) = std::env::var("MIGRATIONS_TEST_POSTGRES_URL") else {
        eprintln!("MIGRATIONS_TEST_POSTGRES_URL not set: skipping the PostgreSQL run");
        return;
    };
    let db = Database::connect(url).await.unwrap();
    up_check_down(&db).await;
}
