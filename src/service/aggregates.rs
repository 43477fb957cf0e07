//! Dashboard aggregates: counts (and sums) of runs, history records and alerts per group, and
//! statistics of run durations per group, each computed by one SQL statement (a GROUP BY),
//! never by loading rows. A result holds at most [`MAX_GROUPS`] groups.

use chrono::{DateTime, NaiveDateTime, Utc};
use entity::{
    integration_alert as alert, integration_history_record as record, integration_run as run,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityName, QueryResult,
    sea_query::{Alias, Expr, Func, Order, Query, SelectStatement, SimpleExpr},
};

use crate::error::{AppError, AppResult};

/// The most groups one aggregate answers: a filter over a long window grouped by hour and
/// integration could otherwise make a response of any size. More is refused (VALIDATION on
/// `groupBy`), never cut short silently.
pub const MAX_GROUPS: u64 = 10_000;

/// What runs can be grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunDimension {
    /// The run's status.
    Status,
    /// The run's integration.
    Integration,
    /// The UTC day of the run's [`RunTime`].
    Day,
    /// The UTC hour of the run's [`RunTime`].
    Hour,
}

/// Which time of a run its [`RunDimension::Day`] and [`RunDimension::Hour`] are of.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RunTime {
    /// When the run was created (`created_at`).
    #[default]
    CreatedAt,
    /// When it started (`start_time`): the runs without one fall in the group whose day or
    /// hour is `None`.
    StartTime,
}

impl RunTime {
    fn column(self) -> &'static str {
        match self {
            RunTime::CreatedAt => "created_at",
            RunTime::StartTime => "start_time",
        }
    }
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
    /// The UTC hour the record was created.
    Hour,
}

/// What alerts can be grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertDimension {
    /// The integration whose contacts are alerted.
    Integration,
    /// Which contacts are alerted.
    ContactAlertType,
    /// The UTC day the alert was raised.
    Day,
    /// The UTC hour the alert was raised.
    Hour,
}

/// What run durations can be grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationDimension {
    /// The run's integration.
    Integration,
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
    /// The start of the hour (UTC).
    pub hour: Option<DateTime<Utc>>,
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
    /// The start of the hour (UTC).
    pub hour: Option<DateTime<Utc>>,
    /// How many records.
    pub count: i64,
}

/// One group of alerts; the fields not grouped by are `None` (and so is the integration of
/// the group of alerts that name none).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlertGroup {
    /// The integration's id.
    pub integration_id: Option<i32>,
    /// The contact alert type (stored form).
    pub contact_alert_type: Option<String>,
    /// The day, `YYYY-MM-DD` (UTC).
    pub day: Option<String>,
    /// The start of the hour (UTC).
    pub hour: Option<DateTime<Utc>>,
    /// How many alerts.
    pub count: i64,
}

/// Statistics of the durations (`end_time - start_time`) of one group of runs; the fields not
/// grouped by are `None`, and so are the statistics of a group without a timed run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DurationGroup {
    /// The integration's id.
    pub integration_id: Option<i32>,
    /// How many runs have both a start and an end time.
    pub count: i64,
    /// The median, in seconds (`percentile_cont(0.5)`).
    pub median_seconds: Option<f64>,
    /// The 95th percentile, in seconds (`percentile_cont(0.95)`).
    pub p95_seconds: Option<f64>,
    /// The longest, in seconds.
    pub max_seconds: Option<f64>,
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

/// The UTC hour of a timestamp column, as `YYYY-MM-DDTHH` (text on both backends, so one
/// parser reads it and it sorts in time order), truncated like [`day_of`].
fn hour_of(backend: DbBackend, table: &str, column: &str) -> SimpleExpr {
    match backend {
        // RFC 3339 text in UTC; the date and the hour are read around the separator, whichever
        // of `T` or a space it is.
        DbBackend::Sqlite => Expr::cust(format!(
            r#"substr("{table}"."{column}", 1, 10) || 'T' || substr("{table}"."{column}", 12, 2)"#
        )),
        _ => Expr::cust(format!(
            r#"to_char("{table}"."{column}" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24')"#
        )),
    }
}

/// The start of the hour that [`hour_of`] wrote.
fn parse_hour(text: &str) -> AppResult<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(&format!("{text}:00:00"), "%Y-%m-%dT%H:%M:%S")
        .map(|t| t.and_utc())
        .map_err(|e| AppError::Internal(format!("hour {text:?}: {e}").into()))
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

/// The hour of a row grouped by hour under the alias `hour`.
fn get_hour(row: &QueryResult, grouped: bool) -> AppResult<Option<DateTime<Utc>>> {
    get::<String>(row, grouped, "hour")?
        .map(|h| parse_hour(&h))
        .transpose()
}

/// Runs a grouped `query`, refusing a result of more than [`MAX_GROUPS`] groups; the LIMIT
/// keeps the statement from reading more than one group past the bound.
async fn groups<C: ConnectionTrait>(
    db: &C,
    mut query: SelectStatement,
) -> AppResult<Vec<QueryResult>> {
    query.limit(MAX_GROUPS + 1);
    let rows = db.query_all(&query).await?;
    if rows.len() as u64 > MAX_GROUPS {
        return Err(AppError::field(
            "groupBy",
            format!(
                "makes more than {MAX_GROUPS} groups: narrow the filter or group by fewer dimensions"
            ),
        ));
    }
    Ok(rows)
}

/// Counts runs matching `filter`, per group; days and hours are those of `time`. Both times are
/// timestamps with time zone (RFC 3339 text in UTC on SQLite), so one expression serves either.
pub async fn run_counts<C: ConnectionTrait>(
    db: &C,
    filter: Condition,
    group_by: &[RunDimension],
    time: RunTime,
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
            RunDimension::Day => group(&mut query, day_of(backend, table, time.column()), "day"),
            RunDimension::Hour => group(&mut query, hour_of(backend, table, time.column()), "hour"),
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
    let rows = groups(db, query).await?;
    let has = |d| dims.contains(&d);
    rows.iter()
        .map(|row| {
            Ok(RunGroup {
                status: get(row, has(RunDimension::Status), "status")?,
                integration_id: get(row, has(RunDimension::Integration), "integration_id")?,
                day: get(row, has(RunDimension::Day), "day")?,
                hour: get_hour(row, has(RunDimension::Hour))?,
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
            RecordDimension::Hour => {
                group(&mut query, hour_of(backend, table, "created_at"), "hour")
            }
        }
    }
    query.expr_as(Func::count(Expr::col(record::Column::Id)), Alias::new("n"));
    let rows = groups(db, query).await?;
    let has = |d| dims.contains(&d);
    rows.iter()
        .map(|row| {
            Ok(RecordGroup {
                status: get(row, has(RecordDimension::Status), "status")?,
                document_type: get(row, has(RecordDimension::DocumentType), "document_type")?,
                resolved: get(row, has(RecordDimension::Resolved), "resolved")?,
                integration_id: get(row, has(RecordDimension::Integration), "integration_id")?,
                day: get(row, has(RecordDimension::Day), "day")?,
                hour: get_hour(row, has(RecordDimension::Hour))?,
                count: row.try_get("", "n")?,
            })
        })
        .collect()
}

/// Counts alerts matching `filter`, per group.
pub async fn alert_counts<C: ConnectionTrait>(
    db: &C,
    filter: Condition,
    group_by: &[AlertDimension],
) -> AppResult<Vec<AlertGroup>> {
    let backend = db.get_database_backend();
    let dims = unique(group_by);
    let table = alert::Entity.table_name();
    let mut query = Query::select();
    query.from(alert::Entity).cond_where(filter);
    for d in &dims {
        let col = |c: alert::Column| -> SimpleExpr { Expr::col((alert::Entity, c)) };
        match d {
            AlertDimension::Integration => group(
                &mut query,
                col(alert::Column::IntegrationId),
                "integration_id",
            ),
            AlertDimension::ContactAlertType => group(
                &mut query,
                col(alert::Column::ContactAlertType),
                "contact_alert_type",
            ),
            AlertDimension::Day => group(&mut query, day_of(backend, table, "created_at"), "day"),
            AlertDimension::Hour => {
                group(&mut query, hour_of(backend, table, "created_at"), "hour")
            }
        }
    }
    query.expr_as(Func::count(Expr::col(alert::Column::Id)), Alias::new("n"));
    let rows = groups(db, query).await?;
    let has = |d| dims.contains(&d);
    rows.iter()
        .map(|row| {
            Ok(AlertGroup {
                integration_id: get(row, has(AlertDimension::Integration), "integration_id")?,
                contact_alert_type: get(
                    row,
                    has(AlertDimension::ContactAlertType),
                    "contact_alert_type",
                )?,
                day: get(row, has(AlertDimension::Day), "day")?,
                hour: get_hour(row, has(AlertDimension::Hour))?,
                count: row.try_get("", "n")?,
            })
        })
        .collect()
}

/// The percentiles the durations report, as `percentile_cont` takes them.
const MEDIAN: f64 = 0.5;
const P95: f64 = 0.95;

/// Whole microseconds from `start` to `end` of a run: each timestamp truncated to the
/// microsecond (as PostgreSQL stores them), so that both backends see the same integers and
/// every later step is the same IEEE arithmetic on both.
fn micros_between(backend: DbBackend, table: &str, start: &str, end: &str) -> SimpleExpr {
    match backend {
        // RFC 3339 text in UTC: whole seconds from the first 19 characters, and the fraction
        // (any number of digits, before the offset) truncated to the microsecond.
        DbBackend::Sqlite => {
            let secs = |c: &str| {
                format!(r#"CAST(strftime('%s', substr("{table}"."{c}", 1, 19)) AS INTEGER)"#)
            };
            let micros = |c: &str| {
                format!(
                    r#"CAST(round(CAST(substr("{table}"."{c}", 20) AS REAL) * 1000000000) AS INTEGER) / 1000"#
                )
            };
            Expr::cust(format!(
                "({} - {}) * 1000000 + ({} - {})",
                secs(end),
                secs(start),
                micros(end),
                micros(start)
            ))
        }
        _ => Expr::cust(format!(
            r#"CAST(round((EXTRACT(EPOCH FROM "{table}"."{end}") - EXTRACT(EPOCH FROM "{table}"."{start}")) * 1000000) AS double precision)"#
        )),
    }
}

/// `percentile_cont(p)` of the column `us` (microseconds), in seconds. SQLite has no
/// `percentile_cont`: there the rows come numbered by `i` (from 0, in `us` order) within groups
/// of `n` rows, and the value is the one at row `floor(p * (n - 1))` plus the fraction of the
/// way to the next row, `lo + frac * (hi - lo)`, which is how PostgreSQL's `percentile_cont`
/// interpolates (orderedsetaggs.c, `float8_lerp`): the same IEEE operations on the same
/// integers, so the same result.
fn percentile(backend: DbBackend, p: f64) -> SimpleExpr {
    match backend {
        DbBackend::Sqlite => {
            let pos = format!(r#"{p} * ("n" - 1)"#);
            let lo = format!("CAST({pos} AS INTEGER)");
            let lo_value = format!(r#"max(CASE WHEN "i" = {lo} THEN "us" END)"#);
            let hi_value = format!(r#"max(CASE WHEN "i" = {lo} + ({pos} > {lo}) THEN "us" END)"#);
            let group_pos = format!(r#"{p} * (max("n") - 1)"#);
            let frac = format!("({group_pos} - CAST({group_pos} AS INTEGER))");
            Expr::cust(format!(
                "({lo_value} + {frac} * ({hi_value} - {lo_value})) / CAST(1000000 AS double precision)"
            ))
        }
        _ => Expr::cust(format!(
            r#"percentile_cont({p}) WITHIN GROUP (ORDER BY "us") / CAST(1000000 AS double precision)"#
        )),
    }
}

/// Statistics of the durations (`end_time - start_time`) of the runs matching `filter` that
/// have both times, per group: count, median, 95th percentile and maximum, in seconds.
/// PostgreSQL computes the percentiles with `percentile_cont`; SQLite, which has none, with
/// window functions and the same interpolation, so both give the same numbers.
pub async fn run_durations<C: ConnectionTrait>(
    db: &C,
    filter: Condition,
    group_by: &[DurationDimension],
) -> AppResult<Vec<DurationGroup>> {
    let backend = db.get_database_backend();
    let dims = unique(group_by);
    let table = run::Entity.table_name();
    // The grouped columns of the runs, under the aliases the outer queries group by.
    let grouped: Vec<(run::Column, &str)> = dims
        .iter()
        .map(|d| match d {
            DurationDimension::Integration => (run::Column::IntegrationId, "integration_id"),
        })
        .collect();
    let aliases: Vec<&str> = grouped.iter().map(|(_, alias)| *alias).collect();

    // The timed runs: their grouped columns and their duration in microseconds.
    let mut timed = Query::select();
    timed.from(run::Entity).cond_where(
        Condition::all()
            .add(filter)
            .add(run::Column::StartTime.is_not_null())
            .add(run::Column::EndTime.is_not_null()),
    );
    for (col, alias) in &grouped {
        timed.expr_as(Expr::col((run::Entity, *col)), Alias::new(*alias));
    }
    timed.expr_as(
        micros_between(backend, table, "start_time", "end_time"),
        Alias::new("us"),
    );

    let rows_of = match backend {
        DbBackend::Sqlite => {
            // Each row numbered within its group in duration order, with its group's size.
            let partition = if aliases.is_empty() {
                String::new()
            } else {
                let cols: Vec<String> = aliases.iter().map(|a| format!(r#""{a}""#)).collect();
                format!("PARTITION BY {} ", cols.join(", "))
            };
            let mut ranked = Query::select();
            ranked.from_subquery(timed, Alias::new("timed"));
            for a in &aliases {
                ranked.column(Alias::new(*a));
            }
            ranked
                .column(Alias::new("us"))
                .expr_as(
                    Expr::cust(format!(
                        r#"row_number() OVER ({partition}ORDER BY "us") - 1"#
                    )),
                    Alias::new("i"),
                )
                .expr_as(
                    Expr::cust(format!("count(*) OVER ({})", partition.trim_end())),
                    Alias::new("n"),
                );
            ranked
        }
        _ => timed,
    };

    let mut query = Query::select();
    query.from_subquery(rows_of, Alias::new("timed_runs"));
    for a in &aliases {
        group(&mut query, Expr::col(Alias::new(*a)), a);
    }
    query
        .expr_as(Expr::cust("count(*)"), Alias::new("n"))
        .expr_as(percentile(backend, MEDIAN), Alias::new("median_seconds"))
        .expr_as(percentile(backend, P95), Alias::new("p95_seconds"))
        .expr_as(
            Expr::cust(r#"max("us") / CAST(1000000 AS double precision)"#),
            Alias::new("max_seconds"),
        );
    let rows = groups(db, query).await?;
    let has = |d| dims.contains(&d);
    rows.iter()
        .map(|row| {
            Ok(DurationGroup {
                integration_id: get(row, has(DurationDimension::Integration), "integration_id")?,
                count: row.try_get("", "n")?,
                median_seconds: row.try_get("", "median_seconds")?,
                p95_seconds: row.try_get("", "p95_seconds")?,
                max_seconds: row.try_get("", "max_seconds")?,
            })
        })
        .collect()
}
