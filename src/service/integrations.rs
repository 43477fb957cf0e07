//! Integrations: create, update, look up, list.

use entity::integration;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};

use super::{Actor, IntegrationRef, begin_write, checks::Checks, now};
use crate::{
    domain::{Direction, EndSystemType, IntegrationType, validation::expected_duration},
    error::{AppError, AppResult},
};

/// The fields of a new integration.
#[derive(Clone, Debug)]
pub struct NewIntegration {
    /// Unique code the integrations refer to.
    pub code: String,
    /// Unique name.
    pub name: String,
    /// The business object it moves.
    pub business_object: String,
    /// Which way it moves documents.
    pub direction: Direction,
    /// The name of the system at the other end.
    pub end_system: String,
    /// The kind of that system.
    pub end_system_type: EndSystemType,
    /// The transport/format.
    pub integration_type: Option<IntegrationType>,
    /// How long a run is expected to take, in seconds (1 s to 30 days).
    pub expected_duration_seconds: Option<i32>,
}

/// Changes to an integration; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct IntegrationPatch {
    /// New code.
    pub code: Option<String>,
    /// New name.
    pub name: Option<String>,
    /// New business object.
    pub business_object: Option<String>,
    /// New direction.
    pub direction: Option<Direction>,
    /// New end system.
    pub end_system: Option<String>,
    /// New end system type.
    pub end_system_type: Option<EndSystemType>,
    /// New integration type.
    pub integration_type: Option<IntegrationType>,
    /// New expected run duration in seconds; `Some(None)` removes it.
    pub expected_duration_seconds: Option<Option<i32>>,
}

/// Finds an integration by id.
pub async fn find_by_id<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<integration::Model> {
    integration::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found_id("integration", id))
}

/// Finds an integration by id or code.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    by: &IntegrationRef,
) -> AppResult<integration::Model> {
    match by {
        IntegrationRef::Id(id) => find_by_id(db, *id).await,
        IntegrationRef::IdAndCode(id, _) => {
            let found = find_by_id(db, *id).await?;
            by.check_code(found.id, &found.code)?;
            Ok(found)
        }
        IntegrationRef::Code(code) => integration::Entity::find()
            .filter(integration::Column::Code.eq(code.as_str()))
            .one(db)
            .await?
            .ok_or_else(|| AppError::NotFound {
                entity: "integration",
                key: format!("with code {code:?}"),
            }),
    }
}

/// Refuses a code or name that another integration already has.
async fn ensure_unique<C: ConnectionTrait>(
    db: &C,
    id: Option<i32>,
    code: Option<&str>,
    name: Option<&str>,
) -> AppResult<()> {
    let checks = [
        ("code", integration::Column::Code, code),
        ("name", integration::Column::Name, name),
    ];
    for (field, column, value) in checks {
        let Some(value) = value else { continue };
        let mut q = integration::Entity::find().filter(column.eq(value));
        if let Some(id) = id {
            q = q.filter(integration::Column::Id.ne(id));
        }
        if q.one(db).await?.is_some() {
            return Err(AppError::Conflict {
                field,
                value: value.to_owned(),
            });
        }
    }
    Ok(())
}

/// Maps a unique-constraint violation that slipped past the check (a concurrent writer) to CONFLICT.
fn unique_violation(err: sea_orm::DbErr, code: &str, name: &str) -> AppError {
    match err.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(detail)) => {
            if detail.contains("code") {
                AppError::Conflict {
                    field: "code",
                    value: code.to_owned(),
                }
            } else {
                AppError::Conflict {
                    field: "name",
                    value: name.to_owned(),
                }
            }
        }
        _ => err.into(),
    }
}

/// Creates an integration.
pub async fn create(
    db: &DatabaseConnection,
    actor: Actor,
    input: NewIntegration,
) -> AppResult<integration::Model> {
    let mut checks = Checks::default();
    let code = checks.required("code", &input.code);
    let name = checks.required("name", &input.name);
    let business_object = checks.required("businessObject", &input.business_object);
    let end_system = checks.required("endSystem", &input.end_system);
    if let Some(seconds) = input.expected_duration_seconds
        && let Err(e) = expected_duration("expectedDurationSeconds", seconds)
    {
        checks.0.push(e);
    }
    checks.finish()?;

    let txn = begin_write(db).await?;
    ensure_unique(&txn, None, Some(&code), Some(&name)).await?;
    let at = now();
    let model = integration::ActiveModel {
        code: Set(code.clone()),
        name: Set(name.clone()),
        business_object: Set(business_object),
        direction: Set(input.direction.as_str().to_owned()),
        end_system: Set(end_system),
        end_system_type: Set(input.end_system_type.as_str().to_owned()),
        integration_type: Set(input.integration_type.map(|t| t.as_str().to_owned())),
        standard: Set(false),
        expected_duration_seconds: Set(input.expected_duration_seconds),
        created_at: Set(at),
        updated_at: Set(at),
        created_by_id: Set(actor.user_id),
        updated_by_id: Set(actor.user_id),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| unique_violation(e, &code, &name))?;
    txn.commit().await?;
    Ok(model)
}

/// Updates an integration's fields.
pub async fn update(
    db: &DatabaseConnection,
    actor: Actor,
    id: i32,
    patch: IntegrationPatch,
) -> AppResult<integration::Model> {
    let mut checks = Checks::default();
    let code = patch.code.as_deref().map(|c| checks.required("code", c));
    let name = patch.name.as_deref().map(|n| checks.required("name", n));
    let business_object = patch
        .business_object
        .as_deref()
        .map(|b| checks.required("businessObject", b));
    let end_system = patch
        .end_system
        .as_deref()
        .map(|e| checks.required("endSystem", e));
    if let Some(Some(seconds)) = patch.expected_duration_seconds
        && let Err(e) = expected_duration("expectedDurationSeconds", seconds)
    {
        checks.0.push(e);
    }
    checks.finish()?;

    let txn = begin_write(db).await?;
    let current = find_by_id(&txn, id).await?;
    ensure_unique(&txn, Some(id), code.as_deref(), name.as_deref()).await?;
    let mut model: integration::ActiveModel = current.clone().into();
    if let Some(v) = code.clone() {
        model.code = Set(v);
    }
    if let Some(v) = name.clone() {
        model.name = Set(v);
    }
    if let Some(v) = business_object {
        model.business_object = Set(v);
    }
    if let Some(v) = patch.direction {
        model.direction = Set(v.as_str().to_owned());
    }
    if let Some(v) = end_system {
        model.end_system = Set(v);
    }
    if let Some(v) = patch.end_system_type {
        model.end_system_type = Set(v.as_str().to_owned());
    }
    if let Some(v) = patch.integration_type {
        model.integration_type = Set(Some(v.as_str().to_owned()));
    }
    if let Some(v) = patch.expected_duration_seconds {
        model.expected_duration_seconds = Set(v);
    }
    model.updated_at = Set(now());
    model.updated_by_id = Set(actor.user_id);
    let model = model.update(&txn).await.map_err(|e| {
        unique_violation(
            e,
            code.as_deref().unwrap_or(&current.code),
            name.as_deref().unwrap_or(&current.name),
        )
    })?;
    txn.commit().await?;
    Ok(model)
}
