//! Webhook endpoints: registration, changes, secret rotation, removal. The secret is generated
//! here and answered only by [`create`] and [`rotate_secret`]; nothing else returns it.

use base64::Engine;
use chrono::Utc;
use entity::{integration, webhook_endpoint as endpoint};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryOrder,
};

use super::{begin_write, now};
use crate::{
    domain::{
        WebhookEventType,
        validation::FieldError,
        webhooks::{self, MAX_DESCRIPTION_CHARS, MAX_GRACE},
    },
    error::{AppError, AppResult},
};

/// How many random bytes a secret holds (Standard Webhooks: 24 to 64).
const SECRET_BYTES: usize = 32;

/// A new signing secret: `whsec_` and the base64 of 32 random bytes.
pub fn new_secret() -> String {
    let bytes: [u8; SECRET_BYTES] = rand::random();
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// A new endpoint, as requested.
#[derive(Clone, Debug, Default)]
pub struct NewEndpoint {
    /// The target URL.
    pub url: String,
    /// The event types it gets.
    pub event_types: Vec<WebhookEventType>,
    /// Only events of this integration.
    pub integration_id: Option<i32>,
    /// What it is for.
    pub description: Option<String>,
    /// Whether events are sent (default true).
    pub enabled: Option<bool>,
}

/// Changes to an endpoint; `None` keeps the value (`Some(None)` clears an optional one).
#[derive(Clone, Debug, Default)]
pub struct EndpointChanges {
    /// New target URL.
    pub url: Option<String>,
    /// New event types.
    pub event_types: Option<Vec<WebhookEventType>>,
    /// New integration (or none).
    pub integration_id: Option<Option<i32>>,
    /// New description (or none).
    pub description: Option<Option<String>>,
    /// Enable (clears the disabled reason) or disable.
    pub enabled: Option<bool>,
}

/// Whether targets on private addresses are allowed (`--allow-private-webhook-targets`).
#[derive(Clone, Copy, Debug, Default)]
pub struct TargetPolicy {
    /// Allow loopback, private and other non-public targets.
    pub allow_private: bool,
}

fn description(value: Option<String>) -> Result<Option<String>, FieldError> {
    match value.map(|d| d.trim().to_owned()) {
        Some(d) if d.chars().count() > MAX_DESCRIPTION_CHARS => Err(FieldError::new(
            "description",
            format!("must be at most {MAX_DESCRIPTION_CHARS} characters"),
        )),
        Some(d) if d.is_empty() => Ok(None),
        other => Ok(other),
    }
}

async fn check_integration<C: ConnectionTrait>(db: &C, id: Option<i32>) -> AppResult<()> {
    if let Some(id) = id
        && integration::Entity::find_by_id(id).one(db).await?.is_none()
    {
        return Err(AppError::field(
            "integrationId",
            format!("integration {id} does not exist"),
        ));
    }
    Ok(())
}

/// Registers an endpoint; answers it and its secret (shown this once).
pub async fn create(
    db: &DatabaseConnection,
    policy: TargetPolicy,
    input: NewEndpoint,
) -> AppResult<(endpoint::Model, String)> {
    let mut errors = Vec::new();
    let url = webhooks::validate_url(&input.url, policy.allow_private)
        .map_err(|e| errors.push(e))
        .ok();
    let types = webhooks::store_event_types(&input.event_types)
        .map_err(|e| errors.push(e))
        .ok();
    let description = description(input.description)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let (Some(url), Some(types)) = (url, types) else {
        return Err(AppError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let txn = begin_write(db).await?;
    check_integration(&txn, input.integration_id).await?;
    let at = now();
    let secret = new_secret();
    let model = endpoint::ActiveModel {
        url: Set(url.to_string()),
        event_types: Set(types),
        integration_id: Set(input.integration_id),
        description: Set(description),
        enabled: Set(input.enabled.unwrap_or(true)),
        disabled_reason: Set(None),
        secret: Set(secret.clone()),
        previous_secret: Set(None),
        previous_secret_expires_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok((model, secret))
}

async fn find<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<endpoint::Model> {
    endpoint::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found_id("webhook endpoint", id))
}

/// One endpoint, if it exists.
pub async fn get(db: &DatabaseConnection, id: i32) -> AppResult<Option<endpoint::Model>> {
    Ok(endpoint::Entity::find_by_id(id).one(db).await?)
}

/// Every endpoint, oldest first (there are few).
pub async fn list(db: &DatabaseConnection) -> AppResult<Vec<endpoint::Model>> {
    Ok(endpoint::Entity::find()
        .order_by_asc(endpoint::Column::Id)
        .all(db)
        .await?)
}

/// Changes an endpoint; nothing is written if any change is invalid.
pub async fn update(
    db: &DatabaseConnection,
    policy: TargetPolicy,
    id: i32,
    changes: EndpointChanges,
) -> AppResult<endpoint::Model> {
    let mut errors = Vec::new();
    let url = match &changes.url {
        Some(u) => webhooks::validate_url(u, policy.allow_private)
            .map_err(|e| errors.push(e))
            .ok(),
        None => None,
    };
    let types = match &changes.event_types {
        Some(t) => webhooks::store_event_types(t)
            .map_err(|e| errors.push(e))
            .ok(),
        None => None,
    };
    let new_description = match changes.description {
        Some(d) => description(d).map_err(|e| errors.push(e)).ok(),
        None => None,
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let txn = begin_write(db).await?;
    let current = find(&txn, id).await?;
    if let Some(Some(integration)) = changes.integration_id {
        check_integration(&txn, Some(integration)).await?;
    }
    let mut model: endpoint::ActiveModel = current.into();
    if let Some(url) = url {
        model.url = Set(url.to_string());
    }
    if let Some(types) = types {
        model.event_types = Set(types);
    }
    if let Some(integration) = changes.integration_id {
        model.integration_id = Set(integration);
    }
    if let Some(d) = new_description {
        model.description = Set(d);
    }
    if let Some(enabled) = changes.enabled {
        model.enabled = Set(enabled);
        model.disabled_reason = Set((!enabled).then(|| "disabled by an administrator".into()));
    }
    model.updated_at = Set(now());
    let model = model.update(&txn).await?;
    txn.commit().await?;
    Ok(model)
}

/// Gives an endpoint a new secret; the old one keeps signing (as a second signature) for
/// `grace`, at most [`MAX_GRACE`]. Answers the endpoint and the new secret (shown this once).
pub async fn rotate_secret(
    db: &DatabaseConnection,
    id: i32,
    grace_seconds: i64,
) -> AppResult<(endpoint::Model, String)> {
    if grace_seconds < 0 || grace_seconds as u64 > MAX_GRACE.as_secs() {
        return Err(AppError::field(
            "gracePeriodSeconds",
            format!("must be between 0 and {}", MAX_GRACE.as_secs()),
        ));
    }
    let txn = begin_write(db).await?;
    let current = find(&txn, id).await?;
    let secret = new_secret();
    let at = now();
    let mut model: endpoint::ActiveModel = current.clone().into();
    if grace_seconds > 0 {
        model.previous_secret = Set(Some(current.secret));
        model.previous_secret_expires_at =
            Set(Some(at + chrono::TimeDelta::seconds(grace_seconds)));
    } else {
        model.previous_secret = Set(None);
        model.previous_secret_expires_at = Set(None);
    }
    model.secret = Set(secret.clone());
    model.updated_at = Set(at);
    let model = model.update(&txn).await?;
    txn.commit().await?;
    Ok((model, secret))
}

/// Removes an endpoint and its deliveries; answers whether it existed.
pub async fn delete(db: &DatabaseConnection, id: i32) -> AppResult<bool> {
    let txn = begin_write(db).await?;
    let n = endpoint::Entity::delete_by_id(id)
        .exec(&txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    Ok(n > 0)
}

/// The secrets that sign a message now: the current one, and the previous one during its
/// grace period.
pub fn signing_secrets(e: &endpoint::Model) -> Vec<&str> {
    let mut secrets = vec![e.secret.as_str()];
    if let (Some(previous), Some(until)) = (&e.previous_secret, e.previous_secret_expires_at)
        && until > Utc::now()
    {
        secrets.push(previous);
    }
    secrets
}
