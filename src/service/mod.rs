//! Use cases over the database, each in one transaction: the only code that writes.

pub mod aggregates;
pub mod alerts;
pub mod backfill;
pub mod checks;
pub mod columns;
pub mod contacts;
pub mod deliveries;
pub mod documents;
pub mod email_digests;
pub mod errors;
pub mod events;
pub mod exports;
pub mod history;
pub mod import;
pub mod integrations;
pub mod paging;
pub mod related;
pub mod responses;
pub mod runs;
pub mod sql;
pub mod stale_runs;
pub mod tokens;
pub mod users;
pub mod webhooks;

use std::sync::{Arc, LazyLock};

use chrono::{DateTime, Utc};

use crate::domain::validation::FieldError;
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    ExecResult, IsolationLevel, QueryResult, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

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
    /// By both, which must name the same integration (a contradiction is a `VALIDATION` error,
    /// not silently resolved by one of them).
    IdAndCode(i32, String),
}

impl IntegrationRef {
    /// The reference a request's optional id and code make, `None` when it gives neither.
    pub fn from_parts(id: Option<i32>, code: Option<String>) -> Option<Self> {
        match (id, code) {
            (Some(id), Some(code)) => Some(Self::IdAndCode(id, code)),
            (Some(id), None) => Some(Self::Id(id)),
            (None, Some(code)) => Some(Self::Code(code)),
            (None, None) => None,
        }
    }

    /// The id it names, if it names one.
    pub fn id(&self) -> Option<i32> {
        match self {
            Self::Id(id) | Self::IdAndCode(id, _) => Some(*id),
            Self::Code(_) => None,
        }
    }

    /// Checks that an integration found by this reference's id has its code.
    pub fn check_code(&self, id: i32, found_code: &str) -> Result<(), FieldError> {
        match self {
            Self::IdAndCode(_, code) if code != found_code => Err(FieldError::new(
                "integration.code",
                format!(
                    "{code:?} is not the code of integration {id} ({found_code:?}); give the id or the code, or both matching"
                ),
            )),
            _ => Ok(()),
        }
    }
}

/// The current time at the database's precision (microseconds), in UTC.
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

/// The turn of writers on SQLite: one writer at a time per process, queued in order. SQLite
/// allows one writer anyway; without this queue, concurrent writers poll its busy handler (sleeps
/// of up to 100 ms), which made write latency spike to a second under load.
static SQLITE_WRITER: LazyLock<Arc<Mutex<()>>> = LazyLock::new(|| Arc::new(Mutex::new(())));

/// A write transaction; on SQLite it also holds the writers' turn until it ends.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl std::fmt::Debug for WriteTxn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteTxn").finish_non_exhaustive()
    }
}

impl WriteTxn {
    /// Commits the transaction (and gives the turn to the next writer).
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    /// Rolls the transaction back.
    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}

/// Starts a write transaction. On SQLite it waits for the writers' turn, then takes the write
/// lock at BEGIN (IMMEDIATE), so a read-then-write never fails half way on a lock upgrade; on
/// PostgreSQL it is a plain BEGIN.
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTxn, DbErr> {
    let turn = match db.get_database_backend() {
        DbBackend::Sqlite => Some(SQLITE_WRITER.clone().lock_owned().await),
        _ => None,
    };
    let txn = db
        .begin_with_options(TransactionOptions {
            isolation_level: None::<IsolationLevel>,
            access_mode: None::<AccessMode>,
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        })
        .await?;
    Ok(WriteTxn { txn, _turn: turn })
}
