//! The delivery outbox: deliveries made from the event log, claimed by workers, and the record
//! of every attempt. Generic over the channel (`WEBHOOK`; `EMAIL` plugs in the same way: rows of
//! its channel, a sender of its own, see `crate::delivery`).
//!
//! # How deliveries are made: the expander
//!
//! Every change already writes its events in its own transaction (`integration_events`, numbered
//! in commit order, see [`super::events`]); nothing is added to the write path of mutations. An
//! *expander* ([`expand`]) reads the events after a stored cursor (`delivery_cursor`, one row),
//! inserts one delivery per (event, matching enabled endpoint) and moves the cursor past the
//! events it read — in ONE transaction, holding the cursor row (`FOR UPDATE` on PostgreSQL; on
//! SQLite the transaction takes the database's write lock at `BEGIN IMMEDIATE`).
//!
//! # Why no alert is lost, and none is sent twice in normal operation
//!
//! 1. *Every committed event is expanded.* Events become visible in sequence order and never
//!    below a sequence already visible (the event log's guarantee, `events.rs` point 3), so an
//!    expander that has read up to `n` can never later meet an event below `n`: advancing the
//!    cursor to the last sequence read skips nothing. Retention pruning deletes only events at or
//!    below the cursor ([`super::events::prune`]), so an event cannot vanish before it is expanded,
//!    however long delivery lags.
//! 2. *Each event is expanded once.* The deliveries and the cursor move commit together or not
//!    at all (a crash before commit leaves neither). Two expanders (two instances) serialise on
//!    the cursor row: the second reads the cursor only once the first has committed (PostgreSQL
//!    re-reads the locked row's newest version; SQLite admits one writer), so it starts after the
//!    first one's events. A unique index on (channel, event, endpoint) backs this up.
//! 3. *Each delivery is sent until it is settled.* A delivery stays `PENDING` until an attempt
//!    settles it (`DELIVERED` on 2xx, `DEAD` on a refusal or after the last attempt). A worker
//!    claims due pending rows by setting a lease (`lease_until`) in one statement
//!    (`FOR UPDATE SKIP LOCKED` on PostgreSQL, whose re-check after the lock drops rows another
//!    worker leased meanwhile), so two workers never hold the same delivery at once: in normal
//!    operation each delivery is sent once per attempt, and a 2xx is never followed by another.
//! 4. *At least once across SIGKILL.* A worker killed mid-delivery leaves the row `PENDING` with a
//!    lease that expires; after it (`--delivery-lease-secs`), any worker, in this instance
//!    restarted or another, claims it again and sends it again with the same `webhook-id`
//!    (`evt_<sequence>`), so the receiver can drop the duplicate. A delivery whose 2xx arrived
//!    but whose settlement was not committed is sent again too: at least once, not exactly once,
//!    across crashes.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{
    delivery, delivery_attempt, integration_alert, integration_event as event,
    webhook_endpoint as endpoint,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Statement, sea_query::Expr,
};
use serde_json::{Map, Value, json};

use super::{begin_write, now, related, sql::INSERT_CHUNK};
use crate::{
    domain::{
        DeliveryChannel, DeliveryStatus,
        webhooks::{self, Verdict},
    },
    error::{AppError, AppResult},
};

/// `at` plus `d` (saturating at the largest time, for absurd durations).
fn later(at: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    chrono::TimeDelta::from_std(d)
        .ok()
        .and_then(|d| at.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Events one expansion reads at most (it goes on while pages are full).
pub const EXPAND_PAGE: u64 = 500;

/// What one expansion did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Expanded {
    /// Events read (and passed by the cursor).
    pub events: usize,
    /// Deliveries made.
    pub deliveries: usize,
}

/// The stable id of an event's message (`webhook-id`), the same on every attempt.
pub fn message_id(sequence: i64) -> String {
    format!("evt_{sequence}")
}

/// The JSON body of an event: `{"type", "timestamp", "data": {…}}` (documented in the README).
pub fn payload(e: &event::Model, message: Option<&str>) -> String {
    let mut data = Map::new();
    data.insert("sequence".into(), json!(e.sequence));
    data.insert("objectId".into(), json!(e.object_id));
    let optional = [
        ("integrationId", e.integration_id.map(Value::from)),
        ("runId", e.integration_run_id.map(Value::from)),
        ("documentType", e.document_type.clone().map(Value::from)),
        ("documentId", e.document_id.map(Value::from)),
        ("previousStatus", e.previous_status.clone().map(Value::from)),
        ("newStatus", e.new_status.clone().map(Value::from)),
        ("action", e.action.clone().map(Value::from)),
        (
            "contactAlertType",
            e.contact_alert_type.clone().map(Value::from),
        ),
        ("message", message.map(Value::from)),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            data.insert(key.into(), value);
        }
    }
    json!({
        "type": e.event_type,
        "timestamp": e.created_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        "data": data,
    })
    .to_string()
}

/// Makes the deliveries of the events after the cursor and moves the cursor past them, in one
/// transaction (see the module's doc). Answers what it did; call again while `events` is
/// [`EXPAND_PAGE`].
/// With `email_window` (email on), alerts also become email digests of that window
/// ([`super::email_digests`]), in the same transaction.
pub async fn expand(
    db: &DatabaseConnection,
    email_window: Option<Duration>,
) -> AppResult<Expanded> {
    let txn = begin_write(db).await?;
    let backend = txn.get_database_backend();
    let lock = if backend == DbBackend::Postgres {
        " FOR UPDATE"
    } else {
        ""
    };
    let cursor: i64 = txn
        .query_one_raw(Statement::from_string(
            backend,
            format!("SELECT last_sequence FROM delivery_cursor WHERE id = 1{lock}"),
        ))
        .await?
        .ok_or_else(|| AppError::Internal("the delivery_cursor row is missing".into()))?
        .try_get_by_index(0)?;
    let events = super::events::after(&txn, cursor, sea_orm::Condition::all(), EXPAND_PAGE).await?;
    let Some(last) = events.last().map(|e| e.sequence) else {
        txn.rollback().await?;
        return Ok(Expanded::default());
    };
    let endpoints = endpoint::Entity::find()
        .filter(endpoint::Column::Enabled.eq(true))
        .all(&txn)
        .await?;
    let mut rows = Vec::new();
    if !endpoints.is_empty() {
        let alert_ids = related::distinct(
            events
                .iter()
                .filter(|e| e.event_type == "alert.raised")
                .map(|e| Some(e.object_id)),
        );
        let alerts = related::by_id::<integration_alert::Entity>(
            &txn,
            integration_alert::Column::Id,
            &alert_ids,
        )
        .await?;
        let subscribed: Vec<_> = endpoints
            .iter()
            .map(|e| webhooks::parse_event_types(&e.event_types))
            .collect();
        let at = now();
        for e in &events {
            let categories = webhooks::categories(&e.event_type, e.new_status.as_deref());
            if categories.is_empty() {
                continue;
            }
            let mut body = None;
            for (target, types) in endpoints.iter().zip(&subscribed) {
                let wanted = categories.iter().any(|c| types.contains(c))
                    && target
                        .integration_id
                        .is_none_or(|id| e.integration_id == Some(id))
                    // An endpoint gets the events that happened since it was registered.
                    && target.created_at <= e.created_at;
                if !wanted {
                    continue;
                }
                let body = body
                    .get_or_insert_with(|| {
                        let message = (e.event_type == "alert.raised")
                            .then(|| alerts.get(&e.object_id))
                            .flatten()
                            .and_then(|a| a.message.as_deref());
                        payload(e, message)
                    })
                    .clone();
                rows.push(delivery::ActiveModel {
                    channel: Set(DeliveryChannel::Webhook.as_str().to_owned()),
                    event_sequence: Set(e.sequence),
                    event_type: Set(e.event_type.clone()),
                    categories: Set(webhooks::store_categories(&categories)),
                    endpoint_id: Set(Some(target.id)),
                    recipient: Set(None),
                    payload: Set(body),
                    status: Set(DeliveryStatus::Pending.as_str().to_owned()),
                    attempts: Set(0),
                    attempt_base: Set(0),
                    next_attempt_at: Set(at),
                    lease_until: Set(None),
                    last_error: Set(None),
                    last_status_code: Set(None),
                    created_at: Set(at),
                    updated_at: Set(at),
                    delivered_at: Set(None),
                    ..Default::default()
                });
            }
        }
    }
    let mut made = rows.len();
    for chunk in rows.chunks(INSERT_CHUNK) {
        delivery::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    if let Some(window) = email_window {
        made += super::email_digests::expand(&txn, &events, window, now()).await?;
    }
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        match backend {
            DbBackend::Postgres => "UPDATE delivery_cursor SET last_sequence = $1 WHERE id = 1",
            _ => "UPDATE delivery_cursor SET last_sequence = ? WHERE id = 1",
        },
        [last.into()],
    ))
    .await?;
    txn.commit().await?;
    Ok(Expanded {
        events: events.len(),
        deliveries: made,
    })
}

/// Claims up to `limit` due pending deliveries of `channels` for `lease`, keeping each endpoint
/// (the SMTP server counts as one) under `per_endpoint` deliveries in flight, and answers them.
/// One statement (see the module's doc for why no delivery is held twice).
///
/// `busy` is what the calling worker has in flight per target (channel and endpoint id, 0 for
/// the channel's one target): the bound is per gateway process. (Counting the leases in the table
/// instead made every claim walk the dead versions that each lease and settlement leave behind —
/// seconds per claim under load, holding back PostgreSQL's cleanup of every table meanwhile.)
/// Endpoints at their bound are left out before the scan for due rows, so one slow endpoint's
/// backlog neither takes the batch nor hides the other endpoints' deliveries behind it. The scan
/// reads no more rows than the claim may take (however long the backlog, a claim reads `limit`
/// rows): every row it reads belongs to an endpoint with a free slot, so a non-empty scan always
/// claims something, and an endpoint whose backlog fills the scan beyond its free slots is at its
/// bound after this claim and left out of the next. The oldest due deliveries go first.
pub async fn claim(
    db: &DatabaseConnection,
    channels: &[DeliveryChannel],
    busy: &[(DeliveryChannel, i32, u64)],
    limit: u64,
    per_endpoint: u64,
    lease: Duration,
) -> AppResult<Vec<delivery::Model>> {
    if channels.is_empty() || limit == 0 || per_endpoint == 0 {
        return Ok(Vec::new());
    }
    // The channel names are the domain's constants, not client input.
    let channels = channels
        .iter()
        .map(|c| format!("'{}'", c.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let at = now();
    let until = later(at, lease);
    let backend = db.get_database_backend();
    let pending = DeliveryStatus::Pending.as_str();
    let postgres = backend == DbBackend::Postgres;
    // Parameters by name, numbered per engine: PostgreSQL's $n may repeat, SQLite's ? may not
    // (so on SQLite the values follow the placeholders' order in the text).
    // The worker's own counts, written into the statement (numbers and the domain's channel
    // names: nothing from a client).
    let busy = if busy.is_empty() {
        "SELECT '' AS channel, 0 AS target, 0 AS n WHERE 1 = 0".to_owned()
    } else {
        let rows = busy
            .iter()
            .map(|(channel, target, n)| format!("('{}', {target}, {n})", channel.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        format!("VALUES {rows}")
    };
    let names = ["now", "until", "per", "limit"];
    let value = |name: &str| -> sea_orm::Value {
        match name {
            "now" => at.into(),
            "until" => until.into(),
            "per" => (per_endpoint as i64).into(),
            _ => (limit as i64).into(),
        }
    };
    let mut values: Vec<sea_orm::Value> = Vec::new();
    let mut p = |name: &str| -> String {
        if postgres {
            let n = names.iter().position(|n| *n == name).unwrap_or(0) + 1;
            format!("${n}")
        } else {
            values.push(value(name));
            "?".to_owned()
        }
    };
    let lock = if postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    // The picked ids are computed once, then their rows fetched by key. (PostgreSQL may plan
    // `id IN (subquery)` as a semi-join that reruns the ranking for every pending row when its
    // statistics still think the table small — seconds per claim on a fresh database under
    // load; an array of the ids cannot be planned that way. SQLite evaluates IN once.)
    let (in_open, in_close) = if postgres {
        ("= ANY(ARRAY(", "))")
    } else {
        ("IN (", ")")
    };
    let statement = format!(
        "WITH busy(channel, target, n) AS ({busy}), \
         due AS (\
           SELECT d.id, d.channel, COALESCE(d.endpoint_id, 0) AS target, d.next_attempt_at, \
             COALESCE(b.n, 0) AS n FROM deliveries d \
           LEFT JOIN busy b ON b.channel = d.channel AND b.target = COALESCE(d.endpoint_id, 0) \
           WHERE d.status = '{pending}' AND d.channel IN ({channels}) AND d.next_attempt_at <= {now2} \
             AND (d.lease_until IS NULL OR d.lease_until < {now3}) AND COALESCE(b.n, 0) < {per1} \
           ORDER BY d.next_attempt_at LIMIT {scan}), \
         ranked AS (\
           SELECT id, n + ROW_NUMBER() OVER (\
             PARTITION BY channel, target ORDER BY next_attempt_at, id) AS slot FROM due) \
         UPDATE deliveries SET lease_until = {until} WHERE id {in_open}\
           SELECT id FROM deliveries WHERE id {in_open}\
             SELECT id FROM ranked WHERE slot <= {per2}{in_close} \
           AND status = '{pending}' AND (lease_until IS NULL OR lease_until < {now4}){lock}{in_close} \
         RETURNING *",
        // In the order they appear in the text.
        now2 = p("now"),
        now3 = p("now"),
        per1 = p("per"),
        scan = p("limit"),
        until = p("until"),
        per2 = p("per"),
        now4 = p("now"),
    );
    if postgres {
        values = names.iter().map(|name| value(name)).collect();
    }
    let statement = Statement::from_sql_and_values(backend, statement, values);
    if postgres {
        return Ok(delivery::Entity::find()
            .from_raw_sql(statement)
            .all(db)
            .await?);
    }
    // SQLite: in the writers' turn, so the worker does not spin on the busy handler.
    let txn = begin_write(db).await?;
    let rows = delivery::Entity::find()
        .from_raw_sql(statement)
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(rows)
}

/// How a failed delivery is retried.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Attempts before a delivery is dead.
    pub max_attempts: u32,
    /// The first backoff's ceiling.
    pub base: Duration,
    /// The largest backoff.
    pub cap: Duration,
}

/// One attempt, as a sender reports it.
#[derive(Clone, Debug)]
pub struct Attempt {
    /// When it started.
    pub at: DateTime<Utc>,
    /// The HTTP status answered, if any.
    pub status_code: Option<u16>,
    /// How long it took.
    pub latency: Duration,
    /// What went wrong, if anything.
    pub error: Option<String>,
    /// What it means for the delivery.
    pub verdict: Verdict,
}

/// Records attempts and settles or reschedules their deliveries, all in one transaction (the
/// worker gathers the attempts that end together: one commit for many); on [`Verdict::Gone`]
/// also disables the delivery's endpoint with the reason. Answers each delivery's new status and
/// when its next attempt is due, in the order given.
pub async fn record(
    db: &DatabaseConnection,
    settled: &[(delivery::Model, Attempt)],
    policy: &RetryPolicy,
) -> AppResult<Vec<(DeliveryStatus, DateTime<Utc>)>> {
    if settled.is_empty() {
        return Ok(Vec::new());
    }
    let at = now();
    let outcomes: Vec<(DeliveryStatus, DateTime<Utc>)> = settled
        .iter()
        .map(|(d, attempt)| {
            let used = (d.attempts + 1 - d.attempt_base).max(1) as u32;
            match &attempt.verdict {
                Verdict::Delivered => (DeliveryStatus::Delivered, at),
                Verdict::Retry(_) if used >= policy.max_attempts => (DeliveryStatus::Dead, at),
                Verdict::Retry(after) => {
                    let wait = after.unwrap_or_else(|| {
                        webhooks::backoff(used, policy.base, policy.cap, rand::random::<f64>())
                    });
                    (DeliveryStatus::Pending, later(at, wait))
                }
                Verdict::Dead | Verdict::Gone(_) => (DeliveryStatus::Dead, at),
            }
        })
        .collect();
    let txn = begin_write(db).await?;
    let rows: Vec<delivery_attempt::ActiveModel> = settled
        .iter()
        .map(|(d, attempt)| delivery_attempt::ActiveModel {
            delivery_id: Set(d.id),
            attempted_at: Set(attempt.at),
            status_code: Set(attempt.status_code.map(i32::from)),
            latency_ms: Set(attempt.latency.as_millis().min(i32::MAX as u128) as i32),
            error: Set(attempt.error.as_deref().map(webhooks::bounded_error)),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(INSERT_CHUNK) {
        delivery_attempt::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    // Every delivery's new state in one statement per chunk (bounded parameters).
    for (chunk, outcomes) in settled
        .chunks(SETTLE_CHUNK)
        .zip(outcomes.chunks(SETTLE_CHUNK))
    {
        settle_rows(&txn, chunk, outcomes, at).await?;
    }
    for (d, attempt) in settled {
        if let (Verdict::Gone(reason), Some(endpoint_id)) = (&attempt.verdict, d.endpoint_id) {
            endpoint::Entity::update_many()
                .col_expr(endpoint::Column::Enabled, Expr::value(false))
                .col_expr(
                    endpoint::Column::DisabledReason,
                    Expr::value(reason.clone()),
                )
                .col_expr(endpoint::Column::UpdatedAt, Expr::value(at))
                .filter(endpoint::Column::Id.eq(endpoint_id))
                .exec(&txn)
                .await?;
        }
    }
    txn.commit().await?;
    Ok(outcomes)
}

/// Deliveries settled in one statement at most (six parameters each).
const SETTLE_CHUNK: usize = 1_000;

/// Writes the new state of settled deliveries (one `UPDATE … FROM (VALUES …)`).
async fn settle_rows(
    txn: &impl ConnectionTrait,
    settled: &[(delivery::Model, Attempt)],
    outcomes: &[(DeliveryStatus, DateTime<Utc>)],
    at: DateTime<Utc>,
) -> AppResult<()> {
    let backend = txn.get_database_backend();
    // The rows of a VALUES list joined by id (typed
    // on PostgreSQL, where a bare parameter in VALUES would be text).
    let postgres = backend == DbBackend::Postgres;
    let mut values: Vec<sea_orm::Value> = Vec::with_capacity(settled.len() * 6 + 2);
    let mut rows_sql = Vec::with_capacity(settled.len());
    let mut param = |value: sea_orm::Value, cast: &str| -> String {
        values.push(value);
        if postgres {
            format!("${}::{cast}", values.len())
        } else {
            "?".to_owned()
        }
    };
    for ((d, attempt), (status, next)) in settled.iter().zip(outcomes) {
        let row = [
            param(d.id.into(), "integer"),
            param(status.as_str().into(), "text"),
            param((d.attempts + 1).into(), "integer"),
            param((*next).into(), "timestamptz"),
            param(
                attempt.error.as_deref().map(webhooks::bounded_error).into(),
                "text",
            ),
            param(attempt.status_code.map(i32::from).into(), "integer"),
        ];
        rows_sql.push(format!("({})", row.join(", ")));
    }
    let updated_at = param(at.into(), "timestamptz");
    let delivered_at = param(at.into(), "timestamptz");
    let delivered = DeliveryStatus::Delivered.as_str();
    let statement = format!(
        "WITH v(id, status, attempts, next_attempt_at, last_error, last_status_code) AS (\
           VALUES {rows}) \
         UPDATE deliveries SET status = v.status, attempts = v.attempts, \
           next_attempt_at = v.next_attempt_at, lease_until = NULL, last_error = v.last_error, \
           last_status_code = v.last_status_code, updated_at = {updated_at}, \
           delivered_at = CASE WHEN v.status = '{delivered}' THEN {delivered_at} ELSE NULL END \
         FROM v WHERE deliveries.id = v.id",
        rows = rows_sql.join(", "),
    );
    txn.execute_raw(Statement::from_sql_and_values(backend, statement, values))
        .await?;
    Ok(())
}

/// Puts a delivery back to pending, due now, whatever its status (a delivered or dead one is
/// sent again); its attempts are kept and it gets a full attempt budget again.
pub async fn redeliver(db: &DatabaseConnection, id: i32) -> AppResult<delivery::Model> {
    let txn = begin_write(db).await?;
    let current = delivery::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found_id("webhook delivery", id))?;
    let at = now();
    delivery::Entity::update_many()
        .col_expr(
            delivery::Column::Status,
            Expr::value(DeliveryStatus::Pending.as_str()),
        )
        .col_expr(delivery::Column::AttemptBase, Expr::value(current.attempts))
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(at))
        .col_expr(
            delivery::Column::LeaseUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .col_expr(
            delivery::Column::DeliveredAt,
            Expr::value(None::<DateTime<Utc>>),
        )
        .col_expr(delivery::Column::UpdatedAt, Expr::value(at))
        .filter(delivery::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let updated = delivery::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found_id("webhook delivery", id))?;
    txn.commit().await?;
    Ok(updated)
}

/// The state of the outbox, for the metrics.
#[derive(Clone, Copy, Debug, Default)]
pub struct Backlog {
    /// Pending deliveries that have failed at least once (waiting for a retry).
    pub retrying: u64,
    /// The age of the oldest pending delivery.
    pub oldest: Option<Duration>,
}

/// Reads the [`Backlog`] (two statements).
pub async fn backlog(db: &DatabaseConnection) -> AppResult<Backlog> {
    let pending = delivery::Column::Status.eq(DeliveryStatus::Pending.as_str());
    let retrying = delivery::Entity::find()
        .filter(pending.clone())
        .filter(delivery::Column::Attempts.gt(0))
        .count(db)
        .await?;
    let oldest = delivery::Entity::find()
        .select_only()
        .column(delivery::Column::CreatedAt)
        .filter(pending)
        .order_by_asc(delivery::Column::CreatedAt)
        .limit(1)
        .into_tuple::<DateTime<Utc>>()
        .one(db)
        .await?;
    Ok(Backlog {
        retrying,
        oldest: oldest.map(|at| (Utc::now() - at).to_std().unwrap_or(Duration::ZERO)),
    })
}
