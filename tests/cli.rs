//! The binary's subcommands: migrate, seed --demo, schema.

use std::process::Command;

fn gateway(db_url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_integration-gateway"))
        .args(args)
        .env("DATABASE_URL", db_url)
        .env("RUST_LOG", "info")
        .output()
        .expect("run the binary")
}

#[test]
fn schema_prints_the_sdl() {
    let out = gateway("sqlite::memory:", &["schema"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        integration_gateway::graphql::sdl()
    );
}

#[test]
fn migrate_then_seed_demo_loads_every_state_and_can_be_repeated() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("cli.db").display());
    let out = gateway(&url, &["migrate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for _ in 0..2 {
        let out = gateway(&url, &["seed", "--demo"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use entity::{integration, integration_run};
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
        let db = sea_orm::Database::connect(&url).await.unwrap();
        assert_eq!(integration::Entity::find().count(&db).await.unwrap(), 3);
        let runs = |status: &'static str| {
            integration_run::Entity::find()
                .filter(integration_run::Column::Status.eq(status))
                .count(&db)
        };
        for status in ["pending", "running", "paused"] {
            assert_eq!(
                runs(status).await.unwrap(),
                6,
                "{status}: 3 integrations × 2 seeds"
            );
        }
        // The 30 days of history are finished runs, successful or failed.
        for status in ["successful", "failed"] {
            assert!(runs(status).await.unwrap() > 6 + 30, "{status}");
        }
        let oldest = integration_run::Entity::find()
            .order_by_asc(integration_run::Column::CreatedAt)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let age = chrono::Utc::now() - oldest.created_at;
        assert!(
            age > chrono::Duration::days(29)
                && age <= chrono::Duration::days(30) + chrono::Duration::hours(1),
            "{age}"
        );
        use entity::{
            document_export, integration_alert, integration_error, integration_history_record,
        };
        let records = integration_history_record::Entity::find()
            .count(&db)
            .await
            .unwrap();
        // Each past alert to functional contacts came with its document's record.
        let functional = integration_alert::Entity::find()
            .filter(integration_alert::Column::ContactAlertType.eq("Functional"))
            .count(&db)
            .await
            .unwrap();
        assert!(functional > 20, "{functional} functional alerts");
        assert_eq!(
            records,
            150 + functional,
            "5 records × 5 runs × 3 integrations × 2 seeds, and the records of the past alerts"
        );
        let open_errors = integration_error::Entity::find()
            .filter(integration_error::Column::Resolved.eq(false))
            .count(&db)
            .await
            .unwrap();
        assert!(open_errors > 0);
        for exported in [true, false] {
            let n = document_export::Entity::find()
                .filter(document_export::Column::Exported.eq(exported))
                .count(&db)
                .await
                .unwrap();
            assert!(n > 0, "export states with exported = {exported}");
        }
    });
}

#[test]
fn seed_without_a_data_set_is_refused_with_usage() {
    let out = gateway("sqlite::memory:", &["seed"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--demo"));
}

#[test]
fn token_create_list_revoke() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("tokens.db").display()
    );
    let out = gateway(
        &url,
        &[
            "token",
            "create",
            "--name",
            "erp",
            "--scope",
            "core.integration.read",
            "core.integration.write",
            "--expires-in-days",
            "30",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Only the secret goes to stdout, so scripts can capture it.
    let secret = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(secret.starts_with("igw_") && secret.len() > 40, "{secret}");

    let list = gateway(&url, &["token", "list"]);
    let listing = String::from_utf8(list.stdout).unwrap();
    assert!(listing.contains("erp"), "{listing}");
    assert!(listing.contains("core.integration.read core.integration.write"));
    assert!(listing.contains(&secret[..12]), "the prefix is shown");
    assert!(
        !listing.contains(&secret),
        "the secret is never shown again"
    );

    let bad = gateway(
        &url,
        &["token", "create", "--name", "x", "--scope", "admin"],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown scope"));
    let duplicate = gateway(
        &url,
        &[
            "token",
            "create",
            "--name",
            "erp",
            "--scope",
            "core.integration.read",
        ],
    );
    assert!(!duplicate.status.success());

    let revoked = gateway(&url, &["token", "revoke", "erp"]);
    assert!(
        revoked.status.success(),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );
    let listing = String::from_utf8(gateway(&url, &["token", "list"]).stdout).unwrap();
    let row = listing.lines().find(|l| l.starts_with("erp")).unwrap();
    assert!(
        !row.trim_end().ends_with('-'),
        "revocation time shown: {row}"
    );
    let missing = gateway(&url, &["token", "revoke", "nobody"]);
    assert!(!missing.status.success());
}
