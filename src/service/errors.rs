//! Integration errors: what a run hit. Unresolved ones block the run's `success`.

use entity::integration_error as error;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait,
};

use super::{
    Actor, IntegrationRef, alerts,
    alerts::AlertSource,
    begin_write,
    checks::Checks,
    documents::{
        self, DocumentChange, DocumentPatch, NewResponse, ResponseParent, at_index,
        check_responses, document_table, insert_responses, insert_responses_many, resolve_links,
        resolve_links_many,
    },
    events::{self, EventType, NewEvent},
    now,
    sql::insert_returning,
};
use crate::{
    domain::{ContactAlertType, DocumentType},
    error::{AppError, AppResult},
};

/// The fields of a new integration error.
#[derive(Clone, Debug)]
pub struct NewIntegrationError {
    /// Who is alerted.
    pub contact_alert_type: ContactAlertType,
    /// The run that hit the error (required).
    pub integration_run_id: i32,
    /// The integration (defaults to the run's).
    pub integration: Option<IntegrationRef>,
    /// The document's type (one of the run API's 19).
    pub document_type: Option<DocumentType>,
    /// The document's id.
    pub document_id: Option<i32>,
    /// The document's revision.
    pub document_revision: Option<i32>,
    /// The document's status.
    pub document_status: Option<String>,
    /// How the document was created.
    pub creation_method: Option<String>,
    /// The document's id in the external system.
    pub external_id: Option<String>,
    /// The file being processed.
    pub integration_filename: Option<String>,
    /// The transaction status.
    pub status: Option<String>,
    /// The external system's responses.
    pub responses: Vec<NewResponse>,
}

fn check_document_type(checks: &mut Checks, document_type: Option<DocumentType>) {
    if let Some(t) = document_type
        && !t.allowed_for_errors()
    {
        checks.push(
            "documentType",
            format!("{t} is not a document type of integration errors"),
        );
    }
}

/// The event of a change to an error.
fn error_event(event_type: EventType, m: &error::Model) -> NewEvent {
    NewEvent {
        integration_id: m.integration_id,
        run_id: Some(m.integration_run_id),
        document_type: m.document_type.clone(),
        document_id: m.document_id,
        new_status: m.status.clone(),
        ..NewEvent::new(event_type, m.id)
    }
}

/// Finds an error by id.
pub async fn find_by_id<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<error::Model> {
    error::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found_id("integration error", id))
}

fn check_fields(input: &NewIntegrationError) -> Checks {
    let mut checks = Checks::default();
    check_document_type(&mut checks, input.document_type);
    checks.short("documentStatus", &input.document_status);
    checks.short("creationMethod", &input.creation_method);
    checks.short("externalId", &input.external_id);
    checks.short("integrationFilename", &input.integration_filename);
    checks.short("status", &input.status);
    check_responses(&mut checks, &input.responses);
    checks
}

fn row(
    input: &NewIntegrationError,
    integration_id: Option<i32>,
    run_id: i32,
    actor: Actor,
    at: chrono::DateTime<chrono::Utc>,
) -> error::ActiveModel {
    error::ActiveModel {
        integration_run_id: Set(run_id),
        integration_id: Set(integration_id),
        contact_alert_type: Set(input.contact_alert_type.as_str().to_owned()),
        document_type: Set(input.document_type.map(|t| t.as_str().to_owned())),
        document_id: Set(input.document_id),
        document_revision: Set(input.document_revision),
        document_status: Set(input.document_status.clone()),
        creation_method: Set(input.creation_method.clone()),
        external_id: Set(input.external_id.clone()),
        integration_filename: Set(input.integration_filename.clone()),
        resolved: Set(false),
        status: Set(input.status.clone()),
        created_at: Set(at),
        updated_at: Set(at),
        created_by_id: Set(actor.user_id),
        updated_by_id: Set(actor.user_id),
        ..Default::default()
    }
}

async fn insert(
    txn: &super::WriteTxn,
    actor: Actor,
    input: NewIntegrationError,
) -> AppResult<error::Model> {
    check_fields(&input).finish()?;
    let (integration_id, run_id) = resolve_links(
        txn,
        input.integration.as_ref(),
        Some(input.integration_run_id),
    )
    .await?;
    let at = now();
    let model = row(
        &input,
        integration_id,
        run_id.unwrap_or(input.integration_run_id),
        actor,
        at,
    )
    .insert(txn)
    .await?;
    insert_responses(
        txn,
        actor,
        ResponseParent::Error(model.id),
        &input.responses,
        at,
    )
    .await?;
    Ok(model)
}

/// Creates an error of a run, with its responses.
pub async fn create(
    db: &DatabaseConnection,
    actor: Actor,
    input: NewIntegrationError,
) -> AppResult<error::Model> {
    let txn = begin_write(db).await?;
    let model = insert(&txn, actor, input).await?;
    events::record(
        &txn,
        actor,
        vec![error_event(EventType::ErrorCreated, &model)],
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Creates an error and raises an alert to its integration's contacts of its contact-alert-type.
pub async fn create_alert(
    db: &DatabaseConnection,
    actor: Actor,
    input: NewIntegrationError,
) -> AppResult<error::Model> {
    let audience = input.contact_alert_type;
    let txn = begin_write(db).await?;
    let model = insert(&txn, actor, input).await?;
    let source = AlertSource {
        integration_id: model.integration_id,
        record_id: None,
        error_id: Some(model.id),
        run_id: Some(model.integration_run_id),
        document_type: model.document_type.clone(),
        document_id: model.document_id,
        message: Some(format!(
            "run {}: {}",
            model.integration_run_id,
            model.status.as_deref().unwrap_or("error")
        )),
    };
    let alert = alerts::raise(&txn, actor, audience, source, model.created_at).await?;
    let changes = vec![
        error_event(EventType::ErrorCreated, &model),
        alerts::alert_event(&alert),
    ];
    events::record(&txn, actor, changes).await?;
    txn.commit().await?;
    Ok(model)
}

document_table!(
    ErrorTable,
    error::Entity,
    "integration error",
    optional,
    ResponseParent::Error,
    error_change_event
);

/// The event of a change to an error's fields or resolution.
fn error_change_event(change: DocumentChange, m: &error::Model) -> NewEvent {
    error_event(
        match change {
            DocumentChange::Updated => EventType::ErrorUpdated,
            DocumentChange::Resolved => EventType::ErrorResolved,
            DocumentChange::Unresolved => EventType::ErrorUnresolved,
        },
        m,
    )
}

/// Updates an error's fields (never `resolved`).
pub async fn update(
    db: &DatabaseConnection,
    actor: Actor,
    id: i32,
    patch: DocumentPatch,
) -> AppResult<error::Model> {
    let mut checks = Checks::default();
    check_document_type(&mut checks, patch.document_type);
    documents::update::<ErrorTable, _>(db, actor, id, patch, checks, async |_, _, _| Ok(())).await
}

/// Sets `resolved`; setting it to what it already is changes nothing.
pub async fn set_resolved(
    db: &DatabaseConnection,
    actor: Actor,
    id: i32,
    resolved: bool,
) -> AppResult<error::Model> {
    documents::set_resolved::<ErrorTable>(db, actor, id, resolved).await
}

/// Creates many errors (with their responses) in one transaction and a few multi-row statements,
/// answered in input order; one bad item writes nothing, and every bad item is named.
pub async fn create_many(
    db: &DatabaseConnection,
    actor: Actor,
    inputs: Vec<NewIntegrationError>,
    max_items: usize,
) -> AppResult<Vec<error::Model>> {
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
    let models = create_many_in(&txn, actor, &inputs).await?;
    txn.commit().await?;
    Ok(models)
}

/// Like `create_many`, inside the caller's transaction and without the size limit (imports use it).
pub async fn create_many_in<C: ConnectionTrait>(
    txn: &C,
    actor: Actor,
    inputs: &[NewIntegrationError],
) -> AppResult<Vec<error::Model>> {
    let mut errors = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        errors.extend(at_index(i, check_fields(input).0));
    }
    let refs: Vec<_> = inputs
        .iter()
        .map(|i| (i.integration.clone(), Some(i.integration_run_id)))
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
    let at = now();
    let rows: Vec<error::ActiveModel> = inputs
        .iter()
        .zip(&links)
        .map(|(input, link)| {
            let (integration_id, _) = link.clone().unwrap_or_default();
            row(input, integration_id, input.integration_run_id, actor, at)
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
                .map(move |r| (ResponseParent::Error(m.id), r))
        })
        .collect();
    insert_responses_many(txn, actor, &responses, at).await?;
    let changes = models
        .iter()
        .map(|m| error_event(EventType::ErrorCreated, m))
        .collect();
    events::record(txn, actor, changes).await?;
    Ok(models)
}
