//! Dashboard aggregates: counts (and sums) of runs and history records per group, each computed by
//! one SQL GROUP BY, never by loading rows.

use entity::{integration_history_record as record, integration_run as run};
use sea_orm::{
    Condition, ConnectionTrait, DbBackend, EntityName, QueryResult,
    sea_query::{Alias, Expr, Func, Order, Query, SelectStatement, SimpleExpr},
};

use crate::error::AppResult;

/// What runs can be grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunDimension {
    /// The run's status.
    Status,
    /// The run's integration.
    Integration,
    /// The UTC day the run was created.
    Day,
}

/// What history records can be grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordDimension {
    /// The transaction status.
    Status,
    /// The document type.
    DocumentType,
    /// Resolved or not.
    Resolved,
    /// The integration.
    Integration,
    /// The UTC day the record was created.
    Day,
}

/// One group of runs; the fields not grouped by are `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunGroup {
    /// The status (stored form).
    pub status: Option<String>,
    /// The integration's id.
    pub integration_id: Option<i32>,
    /// The day, `YYYY-MM-DD` (UTC).
    pub day: Option<String>,
    /// How many runs.
    pub count: i64,
    /// The sum of their total records.
    pub total_records: i64,
    /// The sum of their processed records.
    pub records_processed: i64,
}

/// One group of history records; the fields not grouped by are `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordGroup {
    /// The transaction status.
    pub status: Option<String>,
    /// The document type (stored form).
    pub document_type: Option<String>,
    /// Resolved or not.
    pub resolved: Option<bool>,
    /// The integration's id.
    pub integration_id: Option<i32>,
    /// The day, `YYYY-MM-DD` (UTC).
    pub day: Option<String>,
    /// How many records.
    pub count: i64,
}

/// The UTC day of a timestamp column, as `YYYY-MM-DD`, on each backend.
fn day_of(backend: DbBackend, table: &str, column: &str) -> SimpleExpr {
    match backend {
        // Timestamps are stored as RFC 3339 text in UTC.
        DbBackend::Sqlite => Expr::cust(format!(r#"substr("{table}"."{column}", 1, 10)"#)),
        _ => Expr::cust(format!(
            r#"to_char("{table}"."{column}" AT TIME ZONE 'UTC', 'YYYY-MM-DD')"#
        )),
    }
}

/// Adds one grouped expression under `alias` to `query`.
fn group(query: &mut SelectStatement, expr: SimpleExpr, alias: &str) {
    query
        .expr_as(expr.clone(), Alias::new(alias))
        .add_group_by([expr.clone()])
        .order_by_expr(expr, Order::Asc);
}

/// `COALESCE(SUM(col), 0)`: a group whose values are all NULL sums to 0.
fn sum_or_zero(col: run::Column) -> SimpleExpr {
    let sum: SimpleExpr = Func::sum(Expr::col(col)).into();
    let zero: SimpleExpr = Expr::val(0i64);
    Func::coalesce([sum, zero]).into()
}

fn unique<T: PartialEq + Copy>(dims: &[T]) -> Vec<T> {
    let mut out = Vec::new();
    for d in dims {
        if !out.contains(d) {
            out.push(*d);
        }
    }
    out
}

fn get<T: sea_orm::TryGetable>(
    row: &QueryResult,
    grouped: bool,
    alias: &str,
) -> AppResult<Option<T>> {
    if grouped {
        Ok(row.try_get::<Option<T>>("", alias)?)
    } else {
        Ok(None)
    }
}

/// Counts runs matching `filter`, per group.
pub async fn run_counts<C: ConnectionTrait>(
    db: &C,
    filter: Condition,
    group_by: &[RunDimension],
) -> AppResult<Vec<RunGroup>> {
    let backend = db.get_database_backend();
    let dims = unique(group_by);
    let table = run::Entity.table_name();
    let mut query = Query::select();
    query.from(run::Entity).cond_where(filter);
    for d in &dims {
        match d {
            RunDimension::Status => group(
                &mut query,
                Expr::col((run::Entity, run::Column::Status)),
                "status",
            ),
            RunDimension::Integration => group(
                &mut query,
                Expr::col((run::Entity, run::Column::IntegrationId)),
                "integration_id",
            ),
            RunDimension::Day => group(&mut query, day_of(backend, table, "created_at"), "day"),
        }
    }
    query
        .expr_as(Func::count(Expr::col(run::Column::Id)), Alias::new("n"))
        .expr_as(
            sum_or_zero(run::Column::TotalRecords),
            Alias::new("total_records"),
        )
        .expr_as(
            sum_or_zero(run::Column::RecordsProcessed),
            Alias::new("records_processed"),
        );
    let rows = db.query_all(&query).await?;
    let has = |d| dims.contains(&d);
    rows.iter()
        .map(|row| {
            Ok(RunGroup {
                status: get(row, has(RunDimension::Status), "status")?,
                integration_id: get(row, has(RunDimension::Integration), "integration_id")?,
                day: get(row, has(RunDimension::Day), "day")?,
                count: row.try_get("", "n")?,
                total_records: row.try_get("", "total_records")?,
                records_processed: row.try_get("", "records_processed")?,
            })
        })
        .collect()
}

/// Counts history records matching `filter`, per group.
pub async fn record_counts<C: ConnectionTrait>(
    db: &C,
    filter: Condition,
    group_by: &[RecordDimension],
) -> AppResult<Vec<RecordGroup>> {
    let backend = db.get_database_backend();
    let dims = unique(group_by);
    let table = record::Entity.table_name();
    let mut query = Query::select();
    query.from(record::Entity).cond_where(filter);
    for d in &dims {
        let col = |c: record::Column| -> SimpleExpr { Expr::col((record::Entity, c)) };
        match d {
            RecordDimension::Status => group(&mut query, col(record::Column::Status), "status"),
            RecordDimension::DocumentType => group(
                &mut query,
                col(record::Column::DocumentType),
                "document_type",
            ),
            RecordDimension::Resolved => {
                group(&mut query, col(record::Column::Resolved), "resolved")
            }
            RecordDimension::Integration => group(
                &mut query,
                col(record::Column::IntegrationId),
                "integration_id",
            ),
            RecordDimension::Day => group(&mut query, day_of(backend, table, "created_at"), "day"),
        }
    }
    query.expr_as(Func::count(Expr::col(record::Column::Id)), Alias::new("n"));
    let rows = db.query_all(&query).await?;
    let has = |d| dims.contains(&d);
    rows.iter()
        .map(|row| {
            Ok(RecordGroup {
                status: get(row, has(RecordDimension::Status), "status")?,
                document_type: get(row, has(RecordDimension::DocumentType), "document_type")?,
                resolved: get(row, has(RecordDimension::Resolved), "resolved")?,
                integration_id: get(row, has(RecordDimension::Integration), "integration_id")?,
                day: get(row, has(RecordDimension::Day), "day")?,
                count: row.try_get("", "n")?,
            })
        })
        .collect()
}
