//! Alerts raised to an integration's contacts; stored so they can be listed and delivered.

use chrono::{DateTime, Utc};
use entity::integration_alert;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};

use super::{Actor, sql::INSERT_CHUNK};
use crate::{domain::ContactAlertType, error::AppResult};

/// What an alert is about.
#[derive(Clone, Debug, Default)]
pub struct AlertSource {
    /// The integration whose contacts are alerted.
    pub integration_id: Option<i32>,
    /// The history record that raised it.
    pub record_id: Option<i32>,
    /// The error that raised it.
    pub error_id: Option<i32>,
    /// The run concerned.
    pub run_id: Option<i32>,
    /// The document's type (stored form).
    pub document_type: Option<String>,
    /// The document's id.
    pub document_id: Option<i32>,
    /// What the alert says.
    pub message: Option<String>,
}

/// Stores an alert for the contacts of `audience`.
pub async fn raise<C: ConnectionTrait>(
    db: &C,
    actor: Actor,
    audience: ContactAlertType,
    source: AlertSource,
    at: DateTime<Utc>,
) -> AppResult<integration_alert::Model> {
    Ok(row(actor, audience, source, at).insert(db).await?)
}

/// Stores alerts raised in the past, each at its own time, in multi-row statements (the demo's
/// history; see [`super::backfill`]).
pub(crate) async fn raise_many<C: ConnectionTrait>(
    db: &C,
    actor: Actor,
    alerts: Vec<(ContactAlertType, AlertSource, DateTime<Utc>)>,
) -> AppResult<()> {
    let rows: Vec<_> = alerts
        .into_iter()
        .map(|(audience, source, at)| row(actor, audience, source, at))
        .collect();
    for chunk in rows.chunks(INSERT_CHUNK) {
        integration_alert::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The row of an alert.
fn row(
    actor: Actor,
    audience: ContactAlertType,
    source: AlertSource,
    at: DateTime<Utc>,
) -> integration_alert::ActiveModel {
    integration_alert::ActiveModel {
        integration_id: Set(source.integration_id),
        contact_alert_type: Set(audience.as_str().to_owned()),
        integration_history_record_id: Set(source.record_id),
        integration_error_id: Set(source.error_id),
        integration_run_id: Set(source.run_id),
        document_type: Set(source.document_type),
        document_id: Set(source.document_id),
        message: Set(source.message),
        created_at: Set(at),
        created_by_id: Set(actor.user_id),
        ..Default::default()
    }
}

/// The event of a raised alert.
pub(crate) fn alert_event(a: &integration_alert::Model) -> super::events::NewEvent {
    super::events::NewEvent {
        integration_id: a.integration_id,
        run_id: a.integration_run_id,
        document_type: a.document_type.clone(),
        document_id: a.document_id,
        contact_alert_type: Some(a.contact_alert_type.clone()),
        ..super::events::NewEvent::new(super::events::EventType::AlertRaised, a.id)
    }
}
