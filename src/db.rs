//! Connecting to the database (SQLite or PostgreSQL) and applying migrations.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbErr,
    sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous},
};

use crate::config::DatabaseConfig;

/// How long a pooled connection may rest before it is pinged when next acquired (HikariCP
/// skips its check for 500 ms; a restarted or failed-over server is gone for longer than this).
const IDLE_BEFORE_PING: Duration = Duration::from_millis(10);

/// Opens a connection pool; SQLite gets WAL, foreign keys and a busy timeout on every connection.
pub async fn connect(config: &DatabaseConfig) -> Result<DatabaseConnection, DbErr> {
    let mut opt = ConnectOptions::new(config.database_url.clone());
    opt.max_connections(config.database_max_connections)
        .acquire_timeout(Duration::from_secs(config.database_acquire_timeout_secs))
        // A pooled connection is checked with a round trip before it is handed out only when it
        // has rested: one in use within the last moments is alive (the pool closes one whose
        // statement or release failed). The check on every acquire was a third of the round
        // trips of a one-row read (bench/run, Q1). A connection killed while resting (a server
        // restart takes far longer than this) is still caught at its next use.
        .test_before_acquire_if_idle_for(IDLE_BEFORE_PING)
        .sqlx_logging(false);
    if config.database_statement_timeout_ms > 0 && config.database_url.starts_with("postgres") {
        let timeout = format!("{}ms", config.database_statement_timeout_ms);
        opt.map_sqlx_postgres_opts(move |o| o.options([("statement_timeout", timeout.as_str())]));
    }
    if config.database_url.starts_with("sqlite:") {
        // Pragmas must be set per connection (not in after_connect, which runs once per pool).
        opt.map_sqlx_sqlite_opts(|o: SqliteConnectOptions| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    }
    Database::connect(opt).await
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Applies pending migrations one at a time with a progress bar on stderr (the `migrate` command).
pub async fn migrate_with_progress(db: &DatabaseConnection) -> Result<(), DbErr> {
    let pending = Migrator::get_pending_migrations(db).await?;
    let bar = indicatif::ProgressBar::new(pending.len() as u64).with_style(
        indicatif::ProgressStyle::with_template("{spinner} migrating [{bar:30}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    for migration in &pending {
        bar.set_message(migration.name().to_owned());
        Migrator::up(db, Some(1)).await?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(())
}

/// Names of the migrations not yet applied (read only: never creates the migrations table).
pub async fn pending_migrations(db: &DatabaseConnection) -> Result<Vec<String>, DbErr> {
    Ok(Migrator::get_pending_migrations_read_only(db)
        .await?
        .iter()
        .map(|m| m.name().to_owned())
        .collect())
}

/// Connections of the pool: (in use, idle, max).
pub fn pool_usage(db: &DatabaseConnection) -> Option<(u32, u32, u32)> {
    use sea_orm::DbBackend;
    // The pool getters panic on the other backend, so ask which one this is first.
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            let idle = pool.num_idle() as u32;
            Some((
                pool.size().saturating_sub(idle),
                idle,
                pool.options().get_max_connections(),
            ))
        }
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            let idle = pool.num_idle() as u32;
            Some((
                pool.size().saturating_sub(idle),
                idle,
                pool.options().get_max_connections(),
            ))
        }
        _ => None,
    }
}
