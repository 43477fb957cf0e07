//! Connecting to the database (SQLite or PostgreSQL) and applying migrations.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbErr,
    sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous},
};

use crate::config::DatabaseConfig;

/// Opens a connection pool; SQLite gets WAL, foreign keys and a busy timeout on every connection.
pub async fn connect(config: &DatabaseConfig) -> Result<DatabaseConnection, DbErr> {
    let mut opt = ConnectOptions::new(config.database_url.clone());
    opt.max_connections(config.database_max_connections)
        .acquire_timeout(Duration::from_secs(config.database_acquire_timeout_secs))
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
