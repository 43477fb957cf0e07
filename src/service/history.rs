//! Integration history records: per document, what happened to it in an integration, with every
//! vendor action (create, update, acknowledge, create_alert, mark_exported,
//! create_alert_and_mark_exported, resolve, unresolve). Each is one transaction.

use entity::integration_history_record as record;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DbBackend, EntityTrait, FromQueryResult, QueryFilter, Statement, sea_query::Expr,
};

use super::{
    Actor, IntegrationRef, alerts,
    alerts::AlertSource,
    begin_write,
    checks::Checks,
    documents::{self, DocumentChange, DocumentPatch, document_table},
    documents::{NewResponse, ResponseParent, check_responses, insert_responses, resolve_links},
    documents::{at_index, insert_responses_many, resolve_links_many},
    events::{self, EventType, NewEvent},
    exports::{self, ExportMark},
    now,
    sql::insert_returning,
};
use crate::{
    domain::{ContactAlertType, DocumentType},
    error::{AppError, AppResult},
};

/// The transaction status the vendor uses for a document that went through.
pub const STATUS_SUCCESS: &str = "Success";
/// The transaction status the vendor uses for a document that failed.
pub const STATUS_ERROR: &str = "Error";

/// The fields of a new history record.
#[derive(Clone, Debug)]
pub struct NewHistoryRecord {
    /// Who is alerted.
    pub contact_alert_type: ContactAlertType,
    /// The document's type.
    pub document_type: DocumentType,
    /// The document's id.
    pub document_id: i32,
    /// The document's revision.
    pub document_revision: Option<i32>,
    /// The document's status.
    pub document_status: Option<String>,
    /// How the document was created.
    pub creation_method: Option<String>,
    /// The document's id in the external system.
    pub external_id: Option<String>,
    /// The integration, by id or code.
    pub integration: Option<IntegrationRef>,
    /// The run, by id.
    pub integration_run_id: Option<i32>,
    /// The file of a bulk import/export.
    pub integration_filename: Option<String>,
    /// The transaction status (`Success`, `Error`); each action has its default.
    pub status: Option<String>,
    /// The external system's responses, created with the record.
    pub responses: Vec<NewResponse>,
}

/// Changes to a history record; `None` keeps a field.
#[derive(Clone, Debug, Default)]
pub struct HistoryRecordPatch {
    /// The document fields.
    pub document: DocumentPatch,
    /// New integration.
    pub integration: Option<IntegrationRef>,
    /// New run.
    pub integration_run_id: Option<i32>,
}

fn check_new(input: &NewHistoryRecord) -> AppResult<()> {
    check_fields(input).finish()
}

fn check_fields(input: &NewHistoryRecord) -> Checks {
    let mut checks = Checks::default();
    checks.short("documentStatus", &input.document_status);
    checks.short("creationMethod", &input.creation_method);
    checks.short("externalId", &input.external_id);
    checks.short("integrationFilename", &input.integration_filename);
    checks.short("status", &input.status);
    check_responses(&mut checks, &input.responses);
    checks
}

/// Finds a history record by id.
pub async fn find_by_id<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<record::Model> {
    record::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found_id("integration history record", id))
}

/// Inserts a record and its responses inside `txn`.
async fn insert(
    txn: &super::WriteTxn,
    actor: Actor,
    input: NewHistoryRecord,
    default_status: Option<&str>,
    resolved: bool,
) -> AppResult<record::Model> {
    check_new(&input)?;
    let (integration_id, run_id) =
        resolve_links(txn, input.integration.as_ref(), input.integration_run_id).await?;
    let at = now();
    let model = record::ActiveModel {
        contact_alert_type: Set(input.contact_alert_type.as_str().to_owned()),
        document_type: Set(input.document_type.as_str().to_owned()),
        document_id: Set(input.document_id),
        document_revision: Set(input.document_revision),
        document_status: Set(input.document_status),
        creation_method: Set(input.creation_method),
        external_id: Set(input.external_id),
        integration_id: Set(integration_id),
        integration_run_id: Set(run_id),
        integration_filename: Set(input.integration_filename),
        resolved: Set(resolved),
        status: Set(input.status.or(default_status.map(str::to_owned))),
        created_at: Set(at),
        updated_at: Set(at),
        created_by_id: Set(actor.user_id),
        updated_by_id: Set(actor.user_id),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    insert_responses(
        txn,
        actor,
        ResponseParent::Record(model.id),
        &input.responses,
        at,
    )
    .await?;
    // A document the gateway has heard of is one an ERP may still have to pick up.
    exports::track(txn, &[export_mark(&model, input.document_type)], at).await?;
    Ok(model)
}

fn alert_source(m: &record::Model) -> AlertSource {
    AlertSource {
        integration_id: m.integration_id,
        record_id: Some(m.id),
        error_id: None,
        run_id: m.integration_run_id,
        document_type: Some(m.document_type.clone()),
        document_id: Some(m.document_id),
        message: Some(format!(
            "{} {}: {}",
            m.document_type,
            m.document_id,
            m.status.as_deref().unwrap_or(STATUS_ERROR)
        )),
    }
}

/// The event of a change to a record.
pub(crate) fn record_event(event_type: EventType, m: &record::Model) -> NewEvent {
    NewEvent {
        integration_id: m.integration_id,
        run_id: m.integration_run_id,
        document_type: Some(m.document_type.clone()),
        document_id: Some(m.document_id),
        new_status: m.status.clone(),
        ..NewEvent::new(event_type, m.id)
    }
}

/// Raises the alert of a record; answers its event.
async fn raise_alert(
    txn: &super::WriteTxn,
    actor: Actor,
    input_type: ContactAlertType,
    model: &record::Model,
) -> AppResult<NewEvent> {
    let alert = alerts::raise(
        txn,
        actor,
        input_type,
        alert_source(model),
        model.created_at,
    )
    .await?;
    Ok(alerts::alert_event(&alert))
}

fn export_mark(model: &record::Model, document_type: DocumentType) -> ExportMark {
    ExportMark {
        document_type,
        document_id: model.document_id,
        run_id: model.integration_run_id,
        record_id: Some(model.id),
    }
}

async fn mark_exported_in(txn: &super::WriteTxn, model: &record::Model) -> AppResult<()> {
    let document_type: DocumentType = model
        .document_type
        .parse()
        .map_err(|e: String| AppError::Internal(e.into()))?;
    exports::mark(txn, &[export_mark(model, document_type)], model.created_at).await
}

/// Creates a history record with its responses.
///
/// On PostgreSQL it is one statement (so one transaction of its own): the links resolved, the
/// record, its responses, its document's export tracking, its event and the announcement of the
/// event, answering the record. When that statement writes nothing (a link is missing or
/// contradicts another), the general path below runs and names the problem.
pub async fn create(
    db: &DatabaseConnection,
    actor: Actor,
    input: NewHistoryRecord,
) -> AppResult<record::Model> {
    if db.get_database_backend() == DbBackend::Postgres {
        check_new(&input)?;
        if let Some(model) = create_in_one_statement(db, actor, &input).await? {
            return Ok(model);
        }
    }
    let txn = begin_write(db).await?;
    let model = insert(&txn, actor, input, None, false).await?;
    events::record(
        &txn,
        actor,
        vec![record_event(EventType::RecordCreated, &model)],
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// PostgreSQL: [`create`] in one statement; `None` when it wrote nothing because the integration
/// or run it names is missing or the two do not belong together.
async fn create_in_one_statement(
    db: &DatabaseConnection,
    actor: Actor,
    input: &NewHistoryRecord,
) -> AppResult<Option<record::Model>> {
    let mut values: Vec<sea_orm::Value> = Vec::new();
    let mut p = |v: sea_orm::Value| {
        values.push(v);
        format!("${}", values.len())
    };
    let integration = input.integration.as_ref().map(|by| match by {
        IntegrationRef::Id(id) => format!("i.id = {}", p((*id).into())),
        IntegrationRef::Code(code) => format!("i.code = {}", p(code.clone().into())),
        IntegrationRef::IdAndCode(id, code) => format!(
            "i.id = {} AND i.code = {}",
            p((*id).into()),
            p(code.clone().into())
        ),
    });
    let link = match (integration, input.integration_run_id) {
        (None, None) => {
            "SELECT NULL::integer AS integration_id, NULL::integer AS run_id".to_owned()
        }
        (Some(cond), None) => format!(
            "SELECT i.id AS integration_id, NULL::integer AS run_id FROM integrations i WHERE {cond}"
        ),
        (None, Some(run)) => format!(
            "SELECT r.integration_id, r.id AS run_id FROM integration_runs r WHERE r.id = {}",
            p(run.into())
        ),
        (Some(cond), Some(run)) => format!(
            "SELECT r.integration_id, r.id AS run_id FROM integration_runs r \
             JOIN integrations i ON i.id = r.integration_id WHERE r.id = {} AND {cond}",
            p(run.into())
        ),
    };
    let at = p(now().into());
    let by = p(actor.user_id.into());
    let record = format!(
        "INSERT INTO integration_history_records (contact_alert_type, document_type, document_id, \
         document_revision, document_status, creation_method, external_id, integration_id, \
         integration_run_id, integration_filename, resolved, status, created_at, updated_at, \
         created_by_id, updated_by_id) \
         SELECT {}, {}, {}, {}, {}, {}, {}, link.integration_id, link.run_id, {}, false, {}, \
         {at}, {at}, {by}, {by} FROM link RETURNING *",
        p(input.contact_alert_type.as_str().into()),
        p(input.document_type.as_str().into()),
        p(input.document_id.into()),
        p(input.document_revision.into()),
        p(input.document_status.clone().into()),
        p(input.creation_method.clone().into()),
        p(input.external_id.clone().into()),
        p(input.integration_filename.clone().into()),
        p(input.status.clone().into()),
    );
    let responses = if input.responses.is_empty() {
        String::new()
    } else {
        let rows: Vec<String> = input
            .responses
            .iter()
            .map(|r| {
                format!(
                    "({}, {})",
                    p(r.response_code.clone().into()),
                    p(r.response_message.clone().into())
                )
            })
            .collect();
        format!(
            "responses AS (INSERT INTO integration_record_responses \
             (integration_history_record_id, response_code, response_message, created_at, \
             updated_at, created_by_id, updated_by_id) \
             SELECT rec.id, v.code, v.message, {at}, {at}, {by}, {by} \
             FROM rec CROSS JOIN (VALUES {}) AS v (code, message)), ",
            rows.join(", ")
        )
    };
    let (event, announce) = events::outbox_cte(
        "rec",
        &[
            ("event_type", p(EventType::RecordCreated.as_str().into())),
            ("object_id", "rec.id".into()),
            ("integration_id", "rec.integration_id".into()),
            ("integration_run_id", "rec.integration_run_id".into()),
            ("document_type", "rec.document_type".into()),
            ("document_id", "rec.document_id".into()),
            ("new_status", "rec.status".into()),
            ("principal_id", by.clone()),
            ("created_at", at.clone()),
        ],
        &mut p,
    );
    let sql = format!(
        "WITH link AS ({link}), rec AS ({record}), {responses}\
         tracked AS (INSERT INTO document_exports (document_type, document_id, exported, \
           created_at, updated_at) SELECT rec.document_type, rec.document_id, false, {at}, {at} \
           FROM rec ON CONFLICT (document_type, document_id) DO NOTHING), \
         {event} \
         SELECT rec.* FROM rec {announce}"
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await?;
    Ok(match row {
        Some(row) => Some(record::Model::from_query_result(&row, "")?),
        None => None,
    })
}

/// Creates a record (status defaults to `Error`) and raises an alert to its integration's contacts
/// of its contact-alert-type.
pub async fn create_alert(
    db: &DatabaseConnection,
    actor: Actor,
    input: NewHistoryRecord,
) -> AppResult<record::Model> {
    let audience = input.contact_alert_type;
    let txn = begin_write(db).await?;
    let model = insert(&txn, actor, input, Some(STATUS_ERROR), false).await?;
    let alert = raise_alert(&txn, actor, audience, &model).await?;
    let created = record_event(EventType::RecordCreated, &model);
    events::record(&txn, actor, vec![created, alert]).await?;
    txn.commit().await?;
    Ok(model)
}

/// Creates a record (status defaults to `Success`) and marks its document exported now.
pub async fn mark_exported(
    db: &DatabaseConnection,
    actor: Actor,
    input: NewHistoryRecord,
) -> AppResult<record::Model> {
    let txn = begin_write(db).await?;
    let model = insert(&txn, actor, input, Some(STATUS_SUCCESS), false).await?;
    mark_exported_in(&txn, &model).await?;
    let created = record_event(EventType::RecordCreated, &model);
    let exported = record_event(EventType::RecordExported, &model);
    events::record(&txn, actor, vec![created, exported]).await?;
    txn.commit().await?;
    Ok(model)
}

/// Both of the above, atomically: the record, the alert and the export state, or nothing.
pub async fn create_alert_and_mark_exported(
    db: &DatabaseConnection,
    actor: Actor,
    input: NewHistoryRecord,
) -> AppResult<record::Model> {
    let audience = input.contact_alert_type;
    let txn = begin_write(db).await?;
    let model = insert(&txn, actor, input, Some(STATUS_ERROR), false).await?;
    let alert = raise_alert(&txn, actor, audience, &model).await?;
    mark_exported_in(&txn, &model).await?;
    let created = record_event(EventType::RecordCreated, &model);
    let exported = record_event(EventType::RecordExported, &model);
    events::record(&txn, actor, vec![created, alert, exported]).await?;
    txn.commit().await?;
    Ok(model)
}

/// The external system confirms it has the document: creates a resolved `Success` record and
/// resolves every earlier unresolved record of the same document.
pub async fn acknowledge(
    db: &DatabaseConnection,
    actor: Actor,
    input: NewHistoryRecord,
) -> AppResult<record::Model> {
    let txn = begin_write(db).await?;
    let input = NewHistoryRecord {
        status: Some(STATUS_SUCCESS.to_owned()),
        ..input
    };
    let model = insert(&txn, actor, input, None, true).await?;
    let earlier = record::Entity::find()
        .filter(record::Column::DocumentType.eq(model.document_type.as_str()))
        .filter(record::Column::DocumentId.eq(model.document_id))
        .filter(record::Column::Resolved.eq(false))
        .filter(record::Column::Id.lt(model.id))
        .all(&txn)
        .await?;
    record::Entity::update_many()
        .col_expr(record::Column::Resolved, Expr::value(true))
        .col_expr(record::Column::UpdatedAt, Expr::value(model.created_at))
        .col_expr(record::Column::UpdatedById, Expr::value(actor.user_id))
        .filter(record::Column::DocumentType.eq(model.document_type.as_str()))
        .filter(record::Column::DocumentId.eq(model.document_id))
        .filter(record::Column::Resolved.eq(false))
        .filter(record::Column::Id.lt(model.id))
        .exec(&txn)
        .await?;
    let mut changes = vec![
        record_event(EventType::RecordCreated, &model),
        record_event(EventType::RecordAcknowledged, &model),
    ];
    changes.extend(
        earlier
            .iter()
            .map(|m| record_event(EventType::RecordResolved, m)),
    );
    events::record(&txn, actor, changes).await?;
    txn.commit().await?;
    Ok(model)
}

document_table!(
    RecordTable,
    record::Entity,
    "integration history record",
    required,
    ResponseParent::Record,
    record_change_event
);

/// The event of a change to a record's fields or resolution.
fn record_change_event(change: DocumentChange, m: &record::Model) -> NewEvent {
    record_event(
        match change {
            DocumentChange::Updated => EventType::RecordUpdated,
            DocumentChange::Resolved => EventType::RecordResolved,
            DocumentChange::Unresolved => EventType::RecordUnresolved,
        },
        m,
    )
}

/// Updates a record's fields (never `resolved`: use resolve/unresolve/acknowledge).
pub async fn update(
    db: &DatabaseConnection,
    actor: Actor,
    id: i32,
    patch: HistoryRecordPatch,
) -> AppResult<record::Model> {
    let HistoryRecordPatch {
        document,
        integration,
        integration_run_id,
    } = patch;
    let links = async |txn: &super::WriteTxn,
                       current: &record::Model,
                       row: &mut record::ActiveModel|
           -> AppResult<()> {
        if integration.is_none() && integration_run_id.is_none() {
            return Ok(());
        }
        let by = integration
            .clone()
            .or(current.integration_id.map(IntegrationRef::Id));
        // A new integration alone detaches the record from a run of another integration.
        let run = if integration.is_some() && integration_run_id.is_none() {
            None
        } else {
            integration_run_id.or(current.integration_run_id)
        };
        let (integration_id, run_id) = resolve_links(txn, by.as_ref(), run).await?;
        row.integration_id = Set(integration_id);
        row.integration_run_id = Set(run_id);
        Ok(())
    };
    documents::update::<RecordTable, _>(db, actor, id, document, Checks::default(), links).await
}

/// Sets `resolved`; setting it to what it already is changes nothing.
pub async fn set_resolved(
    db: &DatabaseConnection,
    actor: Actor,
    id: i32,
    resolved: bool,
) -> AppResult<record::Model> {
    documents::set_resolved::<RecordTable>(db, actor, id, resolved).await
}

/// Marks a record resolved.
pub async fn resolve(db: &DatabaseConnection, actor: Actor, id: i32) -> AppResult<record::Model> {
    set_resolved(db, actor, id, true).await
}

/// Marks a record unresolved (open again).
pub async fn unresolve(db: &DatabaseConnection, actor: Actor, id: i32) -> AppResult<record::Model> {
    set_resolved(db, actor, id, false).await
}

/// What a batch does besides creating its records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchEffect {
    /// Only create them.
    Create,
    /// Also mark each document exported (the ERP's "I picked these up"); status defaults to `Success`.
    MarkExported,
}

/// Creates many records (with their responses) in one transaction and a few multi-row statements,
/// answered in input order; one bad item writes nothing, and every bad item is named
/// (`inputs[3].externalId`).
pub async fn create_many(
    db: &DatabaseConnection,
    actor: Actor,
    inputs: Vec<NewHistoryRecord>,
    effect: BatchEffect,
    max_items: usize,
) -> AppResult<Vec<record::Model>> {
    if inputs.len() > max_items {
        return Err(AppError::field(
            "inputs",
            format!(
                "at most {max_items} items per call ({} given)",
                inputs.len()
            ),
        ));
    }
    if inputs.is_empty() {
        return Ok(Vec::new());
    }
    let txn = begin_write(db).await?;
    let models = create_many_in(&txn, actor, &inputs, effect).await?;
    txn.commit().await?;
    Ok(models)
}

/// Like `create_many`, inside the caller's transaction and without the size limit (imports use it).
pub async fn create_many_in<C: ConnectionTrait>(
    txn: &C,
    actor: Actor,
    inputs: &[NewHistoryRecord],
    effect: BatchEffect,
) -> AppResult<Vec<record::Model>> {
    let mut errors = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        errors.extend(at_index(i, check_fields(input).0));
    }
    let refs: Vec<_> = inputs
        .iter()
        .map(|i| (i.integration.clone(), i.integration_run_id))
        .collect();
    let links = resolve_links_many(txn, &refs).await?;
    for (i, link) in links.iter().enumerate() {
        if let Err(e) = link {
            errors.extend(at_index(i, vec![e.clone()]));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let default_status = match effect {
        BatchEffect::Create => None,
        BatchEffect::MarkExported => Some(STATUS_SUCCESS),
    };
    let at = now();
    let rows: Vec<record::ActiveModel> = inputs
        .iter()
        .zip(&links)
        .map(|(input, link)| {
            let (integration_id, run_id) = link.clone().unwrap_or_default();
            record::ActiveModel {
                contact_alert_type: Set(input.contact_alert_type.as_str().to_owned()),
                document_type: Set(input.document_type.as_str().to_owned()),
                document_id: Set(input.document_id),
                document_revision: Set(input.document_revision),
                document_status: Set(input.document_status.clone()),
                creation_method: Set(input.creation_method.clone()),
                external_id: Set(input.external_id.clone()),
                integration_id: Set(integration_id),
                integration_run_id: Set(run_id),
                integration_filename: Set(input.integration_filename.clone()),
                resolved: Set(false),
                status: Set(input.status.clone().or(default_status.map(str::to_owned))),
                created_at: Set(at),
                updated_at: Set(at),
                created_by_id: Set(actor.user_id),
                updated_by_id: Set(actor.user_id),
                ..Default::default()
            }
        })
        .collect();
    let models = insert_returning(txn, &rows, |m| m.id).await?;
    let responses: Vec<(ResponseParent, &NewResponse)> = models
        .iter()
        .zip(inputs)
        .flat_map(|(m, input)| {
            input
                .responses
                .iter()
                .map(move |r| (ResponseParent::Record(m.id), r))
        })
        .collect();
    insert_responses_many(txn, actor, &responses, at).await?;
    let marks: Vec<ExportMark> = models
        .iter()
        .zip(inputs)
        .map(|(m, input)| export_mark(m, input.document_type))
        .collect();
    match effect {
        BatchEffect::Create => exports::track(txn, &marks, at).await?,
        BatchEffect::MarkExported => exports::mark(txn, &marks, at).await?,
    }
    let mut changes: Vec<NewEvent> = models
        .iter()
        .map(|m| record_event(EventType::RecordCreated, m))
        .collect();
    if effect == BatchEffect::MarkExported {
        changes.extend(
            models
                .iter()
                .map(|m| record_event(EventType::RecordExported, m)),
        );
    }
    events::record(txn, actor, changes).await?;
    Ok(models)
}
