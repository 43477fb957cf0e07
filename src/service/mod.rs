//! Use cases over the database, each in one transaction: the only code that writes.

pub mod aggregates;
pub mod alerts;
pub mod documents;
pub mod errors;
pub mod events;
pub mod exports;
pub mod history;
pub mod import;
pub mod integrations;
pub mod paging;
pub mod responses;
pub mod runs;
pub mod tokens;
pub mod users;

use chrono::{DateTime, Utc};
use sea_orm::{
    AccessMode, DatabaseConnection, DatabaseTransaction, DbErr, IsolationLevel,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

/// Who makes a change (stored as created_by / updated_by): the authenticated principal's user.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Actor {
    /// The user or API client, when known.
    pub user_id: Option<i32>,
}

/// A reference to an integration: by id or by code, as the vendor allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IntegrationRef {
    /// By id.
    Id(i32),
    /// By code.
    Code(String),
}

/// The current time at the database's precision (microseconds), in UTC.
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

/// Starts a write transaction. On SQLite it takes the write lock at BEGIN (IMMEDIATE), so a
/// read-then-write never fails half way on a lock upgrade; on PostgreSQL it is a plain BEGIN.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        isolation_level: None::<IsolationLevel>,
        access_mode: None::<AccessMode>,
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
    })
    .await
}
