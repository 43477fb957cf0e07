//! The raw-SQL baseline of `bench/run`: the benchmark's workloads answered by hand-written SQL
//! (one statement per level of the response, no ORM, no GraphQL), with the same JSON as the
//! gateway's GraphQL responses (`{"data":{…}}`). It shows how close a gateway can get.
//!
//! `bench-baseline --database-url URL --listen ADDR --pool N`; every endpoint is a POST whose
//! body is the workload's variables as a JSON object:
//! `/q1 {id}`, `/q2 {integrationId, first, errorsFirst}`, `/q3 {documentType, documentId}`,
//! `/q4 {integrationId, first, recordsFirst}`, `/m1 {documentType, documentId, integrationRunId,
//! contactAlertType, status, responseCode, responseMessage}`, `/m2 {id, action}`,
//! `/m3 {documentTypes, documentIds, runIds}`.

use std::{collections::HashMap, net::SocketAddr, sync::Arc};

use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::post,
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{PgPool, Row, postgres::PgPoolOptions};

struct App {
    pool: PgPool,
    /// The `local` user changes are attributed to (as the gateway does without authentication).
    actor: Option<i32>,
}

type Shared = Arc<App>;

#[tokio::main]
async fn main() {
    let mut url = std::env::var("DATABASE_URL").unwrap_or_default();
    let mut listen: SocketAddr = "127.0.0.1:18081".parse().unwrap();
    let mut pool_size: u32 = 8;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut v = || args.next().expect("a value after the flag");
        match a.as_str() {
            "--database-url" => url = v(),
            "--listen" => listen = v().parse().expect("--listen ADDR:PORT"),
            "--pool" => pool_size = v().parse().expect("--pool N"),
            _ => panic!("usage: bench-baseline --database-url URL --listen ADDR --pool N"),
        }
    }
    // The gateway's pool policy (src/db.rs): a connection is pinged before use only when it has
    // rested, so the baseline does not pay a round trip the gateway saves.
    let pool = PgPoolOptions::new()
        .max_connections(pool_size)
        .min_connections(pool_size)
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= std::time::Duration::from_millis(10) {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
        .connect(&url)
        .await
        .expect("connect to PostgreSQL");
    let actor = sqlx::query("SELECT id FROM users WHERE name = 'local'")
        .fetch_optional(&pool)
        .await
        .expect("read users")
        .map(|r| r.get::<i32, _>(0));
    let app = Arc::new(App { pool, actor });
    let router = Router::new()
        .route("/q1", post(q1))
        .route("/q2", post(q2))
        .route("/q3", post(q3))
        .route("/q4", post(q4))
        .route("/m1", post(m1))
        .route("/m2", post(m2))
        .route("/m3", post(m3))
        .with_state(app);
    let listener = tokio::net::TcpListener::bind(listen).await.expect("bind");
    eprintln!("bench-baseline listening on {listen} (pool {pool_size})");
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .expect("serve");
}

/// A failure, answered as a GraphQL error.
struct Failure(String, &'static str);

impl From<sqlx::Error> for Failure {
    fn from(e: sqlx::Error) -> Self {
        Failure(e.to_string(), "INTERNAL")
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = json!({"data": null, "errors": [{"message": self.0, "extensions": {"code": self.1}}]});
        (StatusCode::OK, Json(body)).into_response()
    }
}

type Answer<T> = Result<Json<Data<T>>, Failure>;

#[derive(Serialize)]
struct Data<T> {
    data: T,
}

fn ok<T>(data: T) -> Answer<T> {
    Ok(Json(Data { data }))
}

// ---- the GraphQL spellings of stored values -------------------------------------------------

fn upper(s: &str) -> String {
    s.to_ascii_uppercase()
}

/// `Payables::External::Payable` → `PAYABLES_EXTERNAL_PAYABLE`, `InvoiceHeader` → `INVOICE_HEADER`.
fn document_type(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let mut prev_lower = false;
    for part in s.split("::") {
        if !out.is_empty() {
            out.push('_');
            prev_lower = false;
        }
        for c in part.chars() {
            if c.is_ascii_uppercase() && prev_lower {
                out.push('_');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_uppercase());
        }
    }
    out
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339()
}

fn opt_time(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(time)
}

// ---- Q1: one run by id ------------------------------------------------------------------------

#[derive(Deserialize)]
struct IdVars {
    id: i32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Q1Data {
    integration_run: Option<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    id: i32,
    status: String,
    start_time: Option<String>,
    end_time: Option<String>,
    total_records: Option<i32>,
    records_processed: Option<i32>,
    integration_id: i32,
    created_at: String,
    updated_at: String,
}

async fn q1(State(app): State<Shared>, Json(v): Json<IdVars>) -> Answer<Q1Data> {
    let row = sqlx::query(
        "SELECT id, status, start_time, end_time, total_records, records_processed, \
         integration_id, created_at, updated_at FROM integration_runs WHERE id = $1",
    )
    .bind(v.id)
    .fetch_optional(&app.pool)
    .await?;
    let run = row.map(|r| Run {
        id: r.get(0),
        status: upper(r.get(1)),
        start_time: opt_time(r.get(2)),
        end_time: opt_time(r.get(3)),
        total_records: r.get(4),
        records_processed: r.get(5),
        integration_id: r.get(6),
        created_at: time(r.get(7)),
        updated_at: time(r.get(8)),
    });
    ok(Q1Data {
        integration_run: run,
    })
}

// ---- Q2: a page of runs with their integration and errors ------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Q2Vars {
    integration_id: i32,
    first: i64,
    errors_first: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Q2Data {
    integration_runs: Connection<Q2Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Connection<T> {
    nodes: Vec<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_info: Option<PageInfo>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    has_next_page: bool,
    end_cursor: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Q2Run {
    id: i32,
    status: String,
    start_time: Option<String>,
    end_time: Option<String>,
    total_records: Option<i32>,
    records_processed: Option<i32>,
    created_at: String,
    integration: Integration,
    integration_errors: Connection<Error>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Integration {
    id: i32,
    code: String,
    name: String,
    direction: String,
    end_system_type: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Error {
    id: i32,
    contact_alert_type: String,
    document_type: Option<String>,
    document_id: Option<i32>,
    resolved: bool,
    status: Option<String>,
}

/// The gateway's keyset cursor: base64url of `[sort key, id]`.
fn cursor(key: serde_json::Value, id: i32) -> String {
    URL_SAFE_NO_PAD.encode(json!([key, id]).to_string())
}

async fn q2(State(app): State<Shared>, Json(v): Json<Q2Vars>) -> Answer<Q2Data> {
    let rows = sqlx::query(
        "SELECT r.id, r.status, r.start_time, r.end_time, r.total_records, r.records_processed, \
                r.created_at, i.id, i.code, i.name, i.direction, i.end_system_type \
         FROM integration_runs r JOIN integrations i ON i.id = r.integration_id \
         WHERE r.integration_id = $1 ORDER BY r.created_at DESC, r.id DESC LIMIT $2",
    )
    .bind(v.integration_id)
    .bind(v.first + 1)
    .fetch_all(&app.pool)
    .await?;
    let has_next_page = rows.len() as i64 > v.first;
    let rows = &rows[..rows.len().min(v.first as usize)];
    let ids: Vec<i32> = rows.iter().map(|r| r.get(0)).collect();
    let errors = sqlx::query(
        "SELECT e.integration_run_id, e.id, e.contact_alert_type, e.document_type, e.document_id, \
                e.resolved, e.status \
         FROM unnest($1::int4[]) AS p(id) CROSS JOIN LATERAL ( \
           SELECT * FROM integration_errors WHERE integration_run_id = p.id ORDER BY id LIMIT $2) e",
    )
    .bind(&ids)
    .bind(v.errors_first)
    .fetch_all(&app.pool)
    .await?;
    let mut by_run: HashMap<i32, Vec<Error>> = HashMap::new();
    for e in errors {
        by_run.entry(e.get(0)).or_default().push(Error {
            id: e.get(1),
            contact_alert_type: upper(e.get(2)),
            document_type: e.get::<Option<&str>, _>(3).map(document_type),
            document_id: e.get(4),
            resolved: e.get(5),
            status: e.get(6),
        });
    }
    let end_cursor = rows.last().map(|r| {
        let at: DateTime<Utc> = r.get(6);
        cursor(json!(at.to_rfc3339()), r.get(0))
    });
    let nodes = rows
        .iter()
        .map(|r| {
            let id: i32 = r.get(0);
            Q2Run {
                id,
                status: upper(r.get(1)),
                start_time: opt_time(r.get(2)),
                end_time: opt_time(r.get(3)),
                total_records: r.get(4),
                records_processed: r.get(5),
                created_at: time(r.get(6)),
                integration: Integration {
                    id: r.get(7),
                    code: r.get(8),
                    name: r.get(9),
                    direction: upper(r.get(10)),
                    end_system_type: upper(r.get(11)),
                },
                integration_errors: Connection {
                    nodes: by_run.remove(&id).unwrap_or_default(),
                    page_info: None,
                },
            }
        })
        .collect();
    ok(Q2Data {
        integration_runs: Connection {
            nodes,
            page_info: Some(PageInfo {
                has_next_page,
                end_cursor,
            }),
        },
    })
}

// ---- Q3: the open history records of one document ---------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Q3Vars {
    document_type: String,
    document_id: i32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Q3Data {
    integration_history_records: Connection<Record>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    id: i32,
    document_type: String,
    document_id: i32,
    status: Option<String>,
    resolved: bool,
    integration_run_id: Option<i32>,
    created_at: String,
}

async fn q3(State(app): State<Shared>, Json(v): Json<Q3Vars>) -> Answer<Q3Data> {
    let rows = sqlx::query(
        "SELECT id, document_type, document_id, status, resolved, integration_run_id, created_at \
         FROM integration_history_records \
         WHERE document_type = $1 AND document_id = $2 AND resolved = false ORDER BY id LIMIT 50",
    )
    .bind(&v.document_type)
    .bind(v.document_id)
    .fetch_all(&app.pool)
    .await?;
    let nodes = rows
        .iter()
        .map(|r| Record {
            id: r.get(0),
            document_type: document_type(r.get(1)),
            document_id: r.get(2),
            status: r.get(3),
            resolved: r.get(4),
            integration_run_id: r.get(5),
            created_at: time(r.get(6)),
        })
        .collect();
    ok(Q3Data {
        integration_history_records: Connection {
            nodes,
            page_info: None,
        },
    })
}

// ---- Q4: runs → history records → responses ---------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Q4Vars {
    integration_id: i32,
    first: i64,
    records_first: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Q4Data {
    integration_runs: Connection<Q4Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Q4Run {
    id: i32,
    status: String,
    history_records: Connection<Q4Record>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Q4Record {
    id: i32,
    document_type: String,
    document_id: i32,
    status: Option<String>,
    responses: Vec<Response4>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Response4 {
    id: i32,
    response_code: Option<String>,
    response_message: Option<String>,
}

async fn q4(State(app): State<Shared>, Json(v): Json<Q4Vars>) -> Answer<Q4Data> {
    let runs = sqlx::query(
        "SELECT id, status FROM integration_runs WHERE integration_id = $1 \
         ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(v.integration_id)
    .bind(v.first)
    .fetch_all(&app.pool)
    .await?;
    let run_ids: Vec<i32> = runs.iter().map(|r| r.get(0)).collect();
    let records = sqlx::query(
        "SELECT h.integration_run_id, h.id, h.document_type, h.document_id, h.status \
         FROM unnest($1::int4[]) AS p(id) CROSS JOIN LATERAL ( \
           SELECT * FROM integration_history_records WHERE integration_run_id = p.id \
           ORDER BY id LIMIT $2) h",
    )
    .bind(&run_ids)
    .bind(v.records_first)
    .fetch_all(&app.pool)
    .await?;
    let record_ids: Vec<i32> = records.iter().map(|r| r.get(1)).collect();
    let responses = sqlx::query(
        "SELECT integration_history_record_id, id, response_code, response_message \
         FROM integration_record_responses WHERE integration_history_record_id = ANY($1) ORDER BY id",
    )
    .bind(&record_ids)
    .fetch_all(&app.pool)
    .await?;
    let mut by_record: HashMap<i32, Vec<Response4>> = HashMap::new();
    for r in responses {
        by_record.entry(r.get(0)).or_default().push(Response4 {
            id: r.get(1),
            response_code: r.get(2),
            response_message: r.get(3),
        });
    }
    let mut by_run: HashMap<i32, Vec<Q4Record>> = HashMap::new();
    for r in records {
        let id: i32 = r.get(1);
        by_run.entry(r.get(0)).or_default().push(Q4Record {
            id,
            document_type: document_type(r.get(2)),
            document_id: r.get(3),
            status: r.get(4),
            responses: by_record.remove(&id).unwrap_or_default(),
        });
    }
    let nodes = runs
        .iter()
        .map(|r| {
            let id: i32 = r.get(0);
            Q4Run {
                id,
                status: upper(r.get(1)),
                history_records: Connection {
                    nodes: by_run.remove(&id).unwrap_or_default(),
                    page_info: None,
                },
            }
        })
        .collect();
    ok(Q4Data {
        integration_runs: Connection {
            nodes,
            page_info: None,
        },
    })
}

// ---- M1: create a history record (with one response), its export tracking, event, notification

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct M1Vars {
    document_type: String,
    document_id: i32,
    integration_run_id: i32,
    contact_alert_type: String,
    status: String,
    response_code: String,
    response_message: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct M1Data {
    create_integration_history_record: Created,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Created {
    id: i32,
    document_type: String,
    document_id: i32,
    resolved: bool,
    status: Option<String>,
    integration_run_id: Option<i32>,
    created_at: String,
}

/// One statement (so one implicit transaction), the gateway's work of `createIntegrationHistoryRecord`:
/// the record, its response, the document's export tracking row (unless it has one), the event
/// sequence, the event and the NOTIFY that the gateway's subscribers listen to.
const M1_SQL: &str = "\
WITH run AS (SELECT id, integration_id FROM integration_runs WHERE id = $3), \
rec AS (INSERT INTO integration_history_records (contact_alert_type, document_type, document_id, \
          integration_id, integration_run_id, resolved, status, created_at, updated_at, \
          created_by_id, updated_by_id) \
        SELECT $4, $1, $2, run.integration_id, run.id, false, $5, now(), now(), $8, $8 FROM run \
        RETURNING *), \
resp AS (INSERT INTO integration_record_responses (integration_history_record_id, response_code, \
           response_message, created_at, updated_at, created_by_id, updated_by_id) \
         SELECT rec.id, $6, $7, now(), now(), $8, $8 FROM rec RETURNING id), \
exp AS (INSERT INTO document_exports (document_type, document_id, exported, created_at, updated_at) \
        SELECT rec.document_type, rec.document_id, false, now(), now() FROM rec \
        ON CONFLICT (document_type, document_id) DO NOTHING), \
seq AS (UPDATE event_sequence SET last_sequence = last_sequence + 1 WHERE id = 1 \
        AND EXISTS (SELECT 1 FROM run) RETURNING last_sequence), \
ev AS (INSERT INTO integration_events (sequence, event_type, object_id, integration_id, \
         integration_run_id, document_type, document_id, contact_alert_type, principal_id, created_at) \
       SELECT seq.last_sequence, 'record.created', rec.id, rec.integration_id, rec.integration_run_id, \
              rec.document_type, rec.document_id, rec.contact_alert_type, $8, now() FROM rec, seq \
       RETURNING sequence) \
SELECT rec.id, rec.document_type, rec.document_id, rec.resolved, rec.status, rec.integration_run_id, \
       rec.created_at, pg_notify('integration_events', ev.sequence::text)::text \
FROM rec, ev";

async fn m1(State(app): State<Shared>, Json(v): Json<M1Vars>) -> Answer<M1Data> {
    let row = sqlx::query(M1_SQL)
        .bind(&v.document_type)
        .bind(v.document_id)
        .bind(v.integration_run_id)
        .bind(&v.contact_alert_type)
        .bind(&v.status)
        .bind(&v.response_code)
        .bind(&v.response_message)
        .bind(app.actor)
        .fetch_optional(&app.pool)
        .await?
        .ok_or(Failure("no such run".into(), "NOT_FOUND"))?;
    ok(M1Data {
        create_integration_history_record: Created {
            id: row.get(0),
            document_type: document_type(row.get(1)),
            document_id: row.get(2),
            resolved: row.get(3),
            status: row.get(4),
            integration_run_id: row.get(5),
            created_at: time(row.get(6)),
        },
    })
}

// ---- M3: a batch of history records (M1 for many documents), one statement --------------------

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct M3Vars {
    document_types: Vec<String>,
    document_ids: Vec<i32>,
    run_ids: Vec<i32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct M3Data {
    create_integration_history_records: Vec<Created>,
}

/// M1's work for every item at once, in one statement: the records (in input order), a response
/// each, the documents' export tracking, the event sequence bumped by the count, the events and
/// one NOTIFY. An item whose run is missing is left out and the answer is an error (the
/// benchmark's runs all exist).
const M3_SQL: &str = "\
WITH input AS (SELECT * FROM unnest($1::text[], $2::int[], $3::int[]) WITH ORDINALITY \
               AS t(document_type, document_id, run_id, i)), \
rec AS (INSERT INTO integration_history_records (contact_alert_type, document_type, document_id, \
          integration_id, integration_run_id, resolved, status, created_at, updated_at, \
          created_by_id, updated_by_id) \
        SELECT 'Technical', input.document_type, input.document_id, r.integration_id, r.id, false, \
               'Success', now(), now(), $4, $4 \
        FROM input JOIN integration_runs r ON r.id = input.run_id ORDER BY input.i \
        RETURNING *), \
resp AS (INSERT INTO integration_record_responses (integration_history_record_id, response_code, \
           response_message, created_at, updated_at, created_by_id, updated_by_id) \
         SELECT rec.id, '200', 'OK', now(), now(), $4, $4 FROM rec), \
exp AS (INSERT INTO document_exports (document_type, document_id, exported, created_at, updated_at) \
        SELECT rec.document_type, rec.document_id, false, now(), now() FROM rec \
        ORDER BY rec.document_type, rec.document_id \
        ON CONFLICT (document_type, document_id) DO NOTHING), \
seq AS (UPDATE event_sequence SET last_sequence = last_sequence + (SELECT count(*) FROM rec) \
        WHERE id = 1 RETURNING last_sequence), \
ev AS (INSERT INTO integration_events (sequence, event_type, object_id, integration_id, \
         integration_run_id, document_type, document_id, contact_alert_type, principal_id, created_at) \
       SELECT seq.last_sequence - (SELECT count(*) FROM rec) + row_number() OVER (ORDER BY rec.id), \
              'record.created', rec.id, rec.integration_id, rec.integration_run_id, \
              rec.document_type, rec.document_id, rec.contact_alert_type, $4, now() FROM rec, seq \
       RETURNING sequence) \
SELECT rec.id, rec.document_type, rec.document_id, rec.resolved, rec.status, rec.integration_run_id, \
       rec.created_at, (SELECT pg_notify('integration_events', max(sequence)::text)::text FROM ev) \
FROM rec ORDER BY rec.id";

async fn m3(State(app): State<Shared>, Json(v): Json<M3Vars>) -> Answer<M3Data> {
    let rows = sqlx::query(M3_SQL)
        .bind(&v.document_types)
        .bind(&v.document_ids)
        .bind(&v.run_ids)
        .bind(app.actor)
        .fetch_all(&app.pool)
        .await?;
    if rows.len() != v.document_ids.len() {
        return Err(Failure("a run was not found".into(), "NOT_FOUND"));
    }
    ok(M3Data {
        create_integration_history_records: rows
            .iter()
            .map(|row| Created {
                id: row.get(0),
                document_type: document_type(row.get(1)),
                document_id: row.get(2),
                resolved: row.get(3),
                status: row.get(4),
                integration_run_id: row.get(5),
                created_at: time(row.get(6)),
            })
            .collect(),
    })
}

// ---- M2: a run transition (pause or run), compare-and-set, with its event --------------------

#[derive(Deserialize)]
struct M2Vars {
    id: i32,
    action: String,
}

#[derive(Serialize)]
struct M2Data {
    #[serde(flatten)]
    field: HashMap<&'static str, Transitioned>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Transitioned {
    id: i32,
    status: String,
    start_time: Option<String>,
    end_time: Option<String>,
    updated_at: String,
}

const M2_SQL: &str = "\
WITH old AS (SELECT id, status FROM integration_runs WHERE id = $1 FOR UPDATE), \
upd AS (UPDATE integration_runs r SET status = $2, updated_at = now(), updated_by_id = $5, \
          start_time = CASE WHEN $2 = 'running' THEN COALESCE(r.start_time, now()) ELSE r.start_time END \
        FROM old WHERE r.id = old.id AND old.status = ANY($3) \
        RETURNING r.id, r.integration_id, r.status, r.start_time, r.end_time, r.updated_at, old.status AS previous), \
seq AS (UPDATE event_sequence SET last_sequence = last_sequence + 1 WHERE id = 1 \
        AND EXISTS (SELECT 1 FROM upd) RETURNING last_sequence), \
ev AS (INSERT INTO integration_events (sequence, event_type, object_id, integration_id, \
         integration_run_id, previous_status, new_status, action, principal_id, created_at) \
       SELECT seq.last_sequence, 'run.status_changed', upd.id, upd.integration_id, upd.id, \
              upd.previous, upd.status, $4, $5, now() FROM upd, seq RETURNING sequence) \
SELECT upd.id, upd.status, upd.start_time, upd.end_time, upd.updated_at, \
       pg_notify('integration_events', ev.sequence::text)::text, \
       (SELECT status FROM old) \
FROM (SELECT 1) one LEFT JOIN upd ON true LEFT JOIN ev ON true";

async fn m2(State(app): State<Shared>, Json(v): Json<M2Vars>) -> Answer<M2Data> {
    let (field, to, from): (&'static str, &str, &[&str]) = match v.action.as_str() {
        "pause" => ("pauseIntegrationRun", "paused", &["pending", "running"]),
        "run" => ("runIntegrationRun", "running", &["pending", "paused"]),
        other => return Err(Failure(format!("unknown action {other}"), "BAD_USER_INPUT")),
    };
    let row = sqlx::query(M2_SQL)
        .bind(v.id)
        .bind(to)
        .bind(from)
        .bind(&v.action)
        .bind(app.actor)
        .fetch_one(&app.pool)
        .await?;
    let Some(id) = row.get::<Option<i32>, _>(0) else {
        let current: Option<String> = row.get(6);
        return match current {
            None => Err(Failure(format!("run {} not found", v.id), "NOT_FOUND")),
            Some(s) if s == to => {
                // Repeating the action that led here is a no-op that succeeds.
                let r = sqlx::query(
                    "SELECT id, status, start_time, end_time, updated_at FROM integration_runs WHERE id = $1",
                )
                .bind(v.id)
                .fetch_one(&app.pool)
                .await?;
                ok(M2Data {
                    field: HashMap::from([(field, transitioned(&r))]),
                })
            }
            Some(s) => Err(Failure(
                format!("cannot {} a run that is {s}", v.action),
                "INVALID_TRANSITION",
            )),
        };
    };
    let t = Transitioned {
        id,
        status: upper(row.get(1)),
        start_time: opt_time(row.get(2)),
        end_time: opt_time(row.get(3)),
        updated_at: time(row.get(4)),
    };
    ok(M2Data {
        field: HashMap::from([(field, t)]),
    })
}

fn transitioned(r: &sqlx::postgres::PgRow) -> Transitioned {
    Transitioned {
        id: r.get(0),
        status: upper(r.get(1)),
        start_time: opt_time(r.get(2)),
        end_time: opt_time(r.get(3)),
        updated_at: time(r.get(4)),
    }
}

#[cfg(test)]
mod tests {
    use super::document_type;

    #[test]
    fn document_types_are_spelled_as_graphql_enums() {
        assert_eq!(document_type("InvoiceHeader"), "INVOICE_HEADER");
        assert_eq!(document_type("Asn::Header"), "ASN_HEADER");
        assert_eq!(document_type("Payables::External::Payable"), "PAYABLES_EXTERNAL_PAYABLE");
        assert_eq!(document_type("CoupaPay::Payment"), "COUPA_PAY_PAYMENT");
        assert_eq!(document_type("User"), "USER");
    }
}
