//! Integration contacts: the people an integration's alerts reach. Each is `Technical` or
//! `Functional` (a [`ContactAlertType`] other than `Both`); an alert for audience `A` reaches the
//! active contacts of every type `A` [reaches](ContactAlertType::reaches), so `Both` reaches all.
//!
//! One email address appears at most once per integration and contact type: a duplicate is a
//! `CONFLICT` naming `email` (checked first, and by the unique index
//! `uq_integration_contacts_email` for a concurrent writer), not a second row that would send the
//! same person every alert twice. The same address may be both a technical and a functional
//! contact. Addresses are compared as given (trimmed): `Ann@x.org` and `ann@x.org` are two rows.
//!
//! Contacts are never deleted: deactivating keeps the row (and its history), and an update with
//! `active: true` reactivates it.

use std::collections::HashMap;

use entity::integration_contact as contact;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};

use super::{Actor, IntegrationRef, begin_write, checks::Checks, integrations, now, related};
use crate::{
    domain::{ContactAlertType, validation::email_address},
    error::{AppError, AppResult},
};

/// A contact's fields as a client gives them; on create `name`, `email` and `contact_type` are
/// required, on update `None` keeps a field.
#[derive(Clone, Debug, Default)]
pub struct ContactInput {
    /// The contact's name (≤ 255 characters).
    pub name: Option<String>,
    /// The contact's email address (≤ 255 characters).
    pub email: Option<String>,
    /// `Technical` or `Functional` (`Both` is refused: it is an alert's audience, not a type).
    pub contact_type: Option<ContactAlertType>,
    /// Whether alerts reach the contact (default `true` on create).
    pub active: Option<bool>,
}

/// The input's fields, checked (every broken rule at once); `required` on create.
struct Checked {
    name: Option<String>,
    email: Option<String>,
    contact_type: Option<ContactAlertType>,
}

impl ContactInput {
    fn check(&self, required: bool) -> AppResult<Checked> {
        let mut checks = Checks::default();
        let name = match &self.name {
            Some(name) => Some(checks.required("name", name)),
            None => {
                if required {
                    checks.push("name", "is required");
                }
                None
            }
        };
        let email = match &self.email {
            Some(email) => match email_address("email", email) {
                Ok(email) => Some(email),
                Err(e) => {
                    checks.0.push(e);
                    None
                }
            },
            None => {
                if required {
                    checks.push("email", "is required");
                }
                None
            }
        };
        match self.contact_type {
            Some(t) if !t.is_contact_type() => checks.push(
                "contactType",
                "a contact is Technical or Functional; Both is an alert's audience, which reaches both",
            ),
            None if required => checks.push("contactType", "is required"),
            _ => {}
        }
        checks.finish()?;
        Ok(Checked {
            name,
            email,
            contact_type: self.contact_type,
        })
    }
}

/// Finds a contact by id.
pub async fn find_by_id<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<contact::Model> {
    contact::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found_id("integration contact", id))
}

/// Finds a contact of an integration (a contact of another integration is not found: the REST
/// paths name both).
pub async fn find_of_integration<C: ConnectionTrait>(
    db: &C,
    integration_id: i32,
    id: i32,
) -> AppResult<contact::Model> {
    let found = find_by_id(db, id).await?;
    if found.integration_id != integration_id {
        return Err(AppError::NotFound {
            entity: "integration contact",
            key: format!("{id} of integration {integration_id}"),
        });
    }
    Ok(found)
}

/// Refuses an email address the integration already has for this contact type.
async fn ensure_unique<C: ConnectionTrait>(
    db: &C,
    id: Option<i32>,
    integration_id: i32,
    contact_type: ContactAlertType,
    email: &str,
) -> AppResult<()> {
    let mut query = contact::Entity::find()
        .filter(contact::Column::IntegrationId.eq(integration_id))
        .filter(contact::Column::ContactType.eq(contact_type.as_str()))
        .filter(contact::Column::Email.eq(email));
    if let Some(id) = id {
        query = query.filter(contact::Column::Id.ne(id));
    }
    if query.one(db).await?.is_some() {
        return Err(duplicate(email));
    }
    Ok(())
}

fn duplicate(email: &str) -> AppError {
    AppError::Conflict {
        field: "email",
        value: email.to_owned(),
    }
}

/// Maps the unique index's violation (a concurrent writer slipped past [`ensure_unique`]) to the
/// same CONFLICT.
fn unique_violation(err: sea_orm::DbErr, email: &str) -> AppError {
    match err.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => duplicate(email),
        _ => err.into(),
    }
}

/// Adds a contact to an integration.
pub async fn create(
    db: &DatabaseConnection,
    actor: Actor,
    integration: IntegrationRef,
    input: ContactInput,
) -> AppResult<contact::Model> {
    let checked = input.check(true)?;
    let (Some(name), Some(email), Some(contact_type)) =
        (checked.name, checked.email, checked.contact_type)
    else {
        return Err(AppError::Internal(
            "a checked new contact lacks a required field".into(),
        ));
    };
    let txn = begin_write(db).await?;
    let integration = integrations::find(&txn, &integration).await?;
    ensure_unique(&txn, None, integration.id, contact_type, &email).await?;
    let at = now();
    let model = contact::ActiveModel {
        integration_id: Set(integration.id),
        name: Set(name),
        email: Set(email.clone()),
        contact_type: Set(contact_type.as_str().to_owned()),
        active: Set(input.active.unwrap_or(true)),
        created_at: Set(at),
        updated_at: Set(at),
        created_by_id: Set(actor.user_id),
        updated_by_id: Set(actor.user_id),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| unique_violation(e, &email))?;
    txn.commit().await?;
    Ok(model)
}

/// Changes a contact's fields (`active: true` reactivates it). With `integration_id`, the
/// contact must belong to that integration.
pub async fn update(
    db: &DatabaseConnection,
    actor: Actor,
    integration_id: Option<i32>,
    id: i32,
    input: ContactInput,
) -> AppResult<contact::Model> {
    let checked = input.check(false)?;
    let txn = begin_write(db).await?;
    let current = match integration_id {
        Some(integration_id) => find_of_integration(&txn, integration_id, id).await?,
        None => find_by_id(&txn, id).await?,
    };
    let contact_type = match checked.contact_type {
        Some(t) => t,
        None => current
            .contact_type
            .parse()
            .map_err(|e: String| AppError::Internal(e.into()))?,
    };
    let email = checked.email.unwrap_or_else(|| current.email.clone());
    ensure_unique(&txn, Some(id), current.integration_id, contact_type, &email).await?;
    let mut model: contact::ActiveModel = current.into();
    if let Some(name) = checked.name {
        model.name = Set(name);
    }
    model.email = Set(email.clone());
    model.contact_type = Set(contact_type.as_str().to_owned());
    if let Some(active) = input.active {
        model.active = Set(active);
    }
    model.updated_at = Set(now());
    model.updated_by_id = Set(actor.user_id);
    let model = model
        .update(&txn)
        .await
        .map_err(|e| unique_violation(e, &email))?;
    txn.commit().await?;
    Ok(model)
}

/// Deactivates a contact: alerts no longer reach it; the row stays (a repeat changes nothing but
/// the update time). [`update`] with `active: true` reactivates it.
pub async fn deactivate(
    db: &DatabaseConnection,
    actor: Actor,
    integration_id: Option<i32>,
    id: i32,
) -> AppResult<contact::Model> {
    let input = ContactInput {
        active: Some(false),
        ..Default::default()
    };
    update(db, actor, integration_id, id, input).await
}

/// The contacts of each of `integrations`, oldest first, in one statement whatever their
/// number; without `include_inactive`, only the active ones.
pub async fn of_integrations<C: ConnectionTrait>(
    db: &C,
    integrations: &[i32],
    include_inactive: bool,
) -> AppResult<HashMap<i32, Vec<contact::Model>>> {
    let mut all = related::children_of::<contact::Entity>(
        db,
        contact::Column::IntegrationId,
        contact::Column::Id,
        integrations,
    )
    .await?;
    if !include_inactive {
        for contacts in all.values_mut() {
            contacts.retain(|c| c.active);
        }
    }
    Ok(all)
}

/// The active contacts an alert for `audience` reaches on an integration (`Both`: every active
/// contact; `Technical`/`Functional`: the contacts of that type), oldest first.
pub async fn recipients<C: ConnectionTrait>(
    db: &C,
    integration_id: i32,
    audience: ContactAlertType,
) -> AppResult<Vec<contact::Model>> {
    let types: Vec<&str> = ContactAlertType::ALL
        .iter()
        .filter(|t| t.is_contact_type() && audience.reaches(**t))
        .map(|t| t.as_str())
        .collect();
    Ok(contact::Entity::find()
        .filter(contact::Column::IntegrationId.eq(integration_id))
        .filter(contact::Column::Active.eq(true))
        .filter(contact::Column::ContactType.is_in(types))
        .order_by_asc(contact::Column::Id)
        .all(db)
        .await?)
}
