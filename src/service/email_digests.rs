//! Email digests: how raised alerts become email deliveries of the outbox, and what a digest
//! reports when it is sent.
//!
//! # Making them (inside the expander's transaction)
//!
//! For each `alert.raised` event of an integration, every active contact whose type the alert
//! reaches (`ContactAlertType::reaches`: `Both` reaches both types; an alert without an
//! integration reaches nobody) gets the alert in a *digest*: one `EMAIL` delivery of the outbox
//! (`deliveries`) with its row in `email_digests` (contact, integration, window) and one row per
//! alert in `email_digest_alerts`. The first alert opens a digest whose window closes
//! `--alert-digest-window-secs` after it was raised; the delivery is due then
//! (`next_attempt_at = closes_at`), so the worker claims it when the window closes, like any
//! other due delivery. A later alert joins the contact's open digest when it was raised before
//! the window closes, else it opens the next one.
//!
//! # Why a digest is sent once, with every alert that joined it
//!
//! A digest is *open* while its delivery is pending, never attempted and not claimed
//! (`lease_until IS NULL`); only an open digest is joined. The expander runs in one transaction
//! with the cursor locked (see [`super::deliveries`]), so alerts are added by one expander at a
//! time. On PostgreSQL it locks the open digests' delivery rows (`FOR UPDATE`) before joining
//! them: a worker's claim skips locked rows (`SKIP LOCKED`) and takes the digest after the join
//! commits, and a claim that won the row first has set its lease, which the expander's re-check
//! of the row sees, so it opens a new digest instead. On SQLite the expander and the claim are
//! both writers and run one after the other. The sender reads a digest's alerts after its claim,
//! when nothing can join any more; a failed attempt leaves `attempts > 0`, so a retried digest
//! never grows either. Two instances therefore never send one digest twice in normal operation,
//! and a digest killed mid-send is sent again, whole, after its lease (at least once, like every
//! delivery). A pending digest is a row: it survives a restart and leaves when its window closes.
//!
//! An alert raised within a window but expanded only after its digest was claimed (the
//! expander was behind, e.g. the gateway was down when the window closed) opens the next digest
//! rather than joining a message that may already be on its way: late, never lost.

use std::{collections::HashMap, time::Duration};

use chrono::{DateTime, Utc};
use entity::{
    delivery, email_digest, email_digest_alert, integration, integration_alert,
    integration_contact as contact, integration_event as event,
};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, Statement,
};
use serde_json::json;

use super::{contacts, related, sql::INSERT_CHUNK};
use crate::{
    domain::{
        ContactAlertType, DeliveryChannel, DeliveryStatus,
        alert_mail::{AlertLine, IntegrationLabel, MAX_LISTED},
        webhooks,
    },
    error::AppResult,
};

/// `at` plus `d`, saturating at the largest time.
fn later(at: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    chrono::TimeDelta::from_std(d)
        .ok()
        .and_then(|d| at.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// A contact's digest the events of this expansion join: one already stored, or one made now
/// (by its index among the new ones).
#[derive(Clone, Copy, Debug)]
enum Open {
    Stored {
        delivery_id: i32,
        closes_at: DateTime<Utc>,
    },
    New {
        index: usize,
        closes_at: DateTime<Utc>,
    },
}

impl Open {
    fn closes_at(self) -> DateTime<Utc> {
        match self {
            Self::Stored { closes_at, .. } | Self::New { closes_at, .. } => closes_at,
        }
    }
}

/// A digest made by this expansion.
struct NewDigest<'a> {
    event: &'a event::Model,
    contact: &'a contact::Model,
    closes_at: DateTime<Utc>,
    alerts: Vec<i32>,
}

/// The stored form of an email delivery's payload: whom it is for (the message itself is
/// written when it is sent, from the digest's alerts).
fn payload(contact: &contact::Model) -> String {
    json!({
        "contactId": contact.id,
        "integrationId": contact.integration_id,
        "name": contact.name,
        "email": contact.email,
    })
    .to_string()
}

/// Makes the email deliveries of `events` (see the module's doc) in the expander's transaction
/// `txn`, at `at`, with digest windows of `window` (zero: one email per alert). Answers how
/// many deliveries it made.
pub async fn expand<C: ConnectionTrait>(
    txn: &C,
    events: &[event::Model],
    window: Duration,
    at: DateTime<Utc>,
) -> AppResult<usize> {
    let alerts: Vec<(&event::Model, i32, ContactAlertType)> = events
        .iter()
        .filter(|e| e.event_type == "alert.raised")
        .filter_map(|e| {
            let audience = e.contact_alert_type.as_deref()?.parse().ok()?;
            Some((e, e.integration_id?, audience))
        })
        .collect();
    if alerts.is_empty() {
        return Ok(0);
    }
    let integrations = related::distinct(alerts.iter().map(|(_, i, _)| Some(*i)));
    let contacts = contacts::of_integrations(txn, &integrations, false).await?;
    // (event, contact) in event order: who gets which alert.
    let mut reached: Vec<(&event::Model, &contact::Model)> = Vec::new();
    for (e, integration_id, audience) in &alerts {
        for c in contacts.get(integration_id).into_iter().flatten() {
            let kind = c.contact_type.parse::<ContactAlertType>();
            if kind.is_ok_and(|kind| audience.reaches(kind)) {
                reached.push((e, c));
            }
        }
    }
    if reached.is_empty() {
        return Ok(0);
    }
    let contact_ids = related::distinct(reached.iter().map(|(_, c)| Some(c.id)));
    let earliest = reached
        .iter()
        .map(|(e, _)| e.created_at)
        .min()
        .unwrap_or(at);
    let mut open: HashMap<i32, Open> = HashMap::new();
    for d in open_digests(txn, &contact_ids, earliest).await? {
        let candidate = Open::Stored {
            delivery_id: d.delivery_id,
            closes_at: d.closes_at,
        };
        // The latest-closing digest of a contact is the one later alerts can join.
        let slot = open.entry(d.contact_id).or_insert(candidate);
        if slot.closes_at() < d.closes_at {
            *slot = candidate;
        }
    }
    let mut joined: Vec<(i32, i32)> = Vec::new();
    let mut made: Vec<NewDigest<'_>> = Vec::new();
    for (e, c) in reached {
        match open.get(&c.id) {
            Some(Open::Stored {
                delivery_id,
                closes_at,
            }) if e.created_at < *closes_at => joined.push((*delivery_id, e.object_id)),
            Some(Open::New { index, closes_at }) if e.created_at < *closes_at => {
                made[*index].alerts.push(e.object_id);
            }
            _ => {
                let closes_at = later(e.created_at, window);
                open.insert(
                    c.id,
                    Open::New {
                        index: made.len(),
                        closes_at,
                    },
                );
                made.push(NewDigest {
                    event: e,
                    contact: c,
                    closes_at,
                    alerts: vec![e.object_id],
                });
            }
        }
    }
    let categories = webhooks::store_categories(&webhooks::categories("alert.raised", None));
    let mut deliveries = Vec::with_capacity(made.len());
    for chunk in made.chunks(INSERT_CHUNK) {
        let rows = chunk.iter().map(|n| delivery::ActiveModel {
            channel: Set(DeliveryChannel::Email.as_str().to_owned()),
            event_sequence: Set(n.event.sequence),
            event_type: Set(n.event.event_type.clone()),
            categories: Set(categories.clone()),
            endpoint_id: Set(None),
            recipient: Set(Some(n.contact.email.clone())),
            payload: Set(payload(n.contact)),
            status: Set(DeliveryStatus::Pending.as_str().to_owned()),
            attempts: Set(0),
            attempt_base: Set(0),
            next_attempt_at: Set(n.closes_at),
            lease_until: Set(None),
            last_error: Set(None),
            last_status_code: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
            delivered_at: Set(None),
            ..Default::default()
        });
        deliveries.extend(
            delivery::Entity::insert_many(rows)
                .exec_with_returning(txn)
                .await?,
        );
    }
    // RETURNING promises no order: the new rows are told apart by their event and payload.
    let ids: HashMap<(i64, &str), i32> = deliveries
        .iter()
        .map(|d| ((d.event_sequence, d.payload.as_str()), d.id))
        .collect();
    let mut digests = Vec::with_capacity(made.len());
    for n in &made {
        let key = payload(n.contact);
        let Some(&delivery_id) = ids.get(&(n.event.sequence, key.as_str())) else {
            return Err(crate::error::AppError::Internal(
                "an email delivery just inserted was not returned".into(),
            ));
        };
        digests.push(email_digest::ActiveModel {
            delivery_id: Set(delivery_id),
            integration_id: Set(n.contact.integration_id),
            contact_id: Set(n.contact.id),
            opened_at: Set(n.event.created_at),
            closes_at: Set(n.closes_at),
        });
        joined.extend(n.alerts.iter().map(|a| (delivery_id, *a)));
    }
    for chunk in digests.chunks(INSERT_CHUNK) {
        email_digest::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    for chunk in joined.chunks(INSERT_CHUNK) {
        let rows = chunk
            .iter()
            .map(|&(delivery_id, alert_id)| email_digest_alert::ActiveModel {
                delivery_id: Set(delivery_id),
                alert_id: Set(alert_id),
            });
        email_digest_alert::Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(made.len())
}

/// The open digests of `contacts` closing after `after` (see the module's doc), their
/// deliveries locked on PostgreSQL.
async fn open_digests<C: ConnectionTrait>(
    txn: &C,
    contacts: &[i32],
    after: DateTime<Utc>,
) -> AppResult<Vec<email_digest::Model>> {
    let backend = txn.get_database_backend();
    let pending = DeliveryStatus::Pending.as_str();
    let select = "SELECT g.delivery_id, g.integration_id, g.contact_id, g.opened_at, g.closes_at \
                  FROM email_digests g JOIN deliveries d ON d.id = g.delivery_id";
    let open = format!("d.status = '{pending}' AND d.attempts = 0 AND d.lease_until IS NULL");
    let statement = match backend {
        DbBackend::Postgres => Statement::from_sql_and_values(
            backend,
            format!(
                "{select} WHERE g.contact_id = ANY($1) AND g.closes_at > $2 AND {open} \
                 FOR UPDATE OF d"
            ),
            [contacts.to_vec().into(), after.into()],
        ),
        _ => {
            // Ids from the database, not client input.
            let list = contacts
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            Statement::from_sql_and_values(
                backend,
                format!("{select} WHERE g.contact_id IN ({list}) AND g.closes_at > ? AND {open}"),
                [after.into()],
            )
        }
    };
    Ok(email_digest::Entity::find()
        .from_raw_sql(statement)
        .all(txn)
        .await?)
}

/// What one email delivery reports, read when it is sent.
#[derive(Clone, Debug)]
pub struct DigestToSend {
    /// The contact it goes to (`None`: the contact is gone).
    pub contact: Option<contact::Model>,
    /// The integration.
    pub integration: IntegrationLabel,
    /// How many alerts joined it.
    pub total: u64,
    /// The first of them, oldest first (at most [`MAX_LISTED`]).
    pub alerts: Vec<AlertLine>,
}

/// A row of the first-alerts query.
#[derive(Debug, FromQueryResult)]
struct Listed {
    delivery_id: i32,
    alert_id: i32,
    total: i64,
}

/// The digests of `deliveries` (email deliveries), each with its contact, integration, alert
/// count and first alerts; five statements whatever their number.
pub async fn to_send<C: ConnectionTrait>(
    db: &C,
    deliveries: &[i32],
) -> AppResult<HashMap<i32, DigestToSend>> {
    let digests =
        related::by_id::<email_digest::Entity>(db, email_digest::Column::DeliveryId, deliveries)
            .await?;
    if digests.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = db.get_database_backend();
    let ids: Vec<i32> = digests.keys().copied().collect();
    let filter = match backend {
        DbBackend::Postgres => "delivery_id = ANY($1)".to_owned(),
        _ => format!(
            "delivery_id IN ({})",
            ids.iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    // The first alerts of every digest and its count, in one statement (window functions run
    // on both databases).
    let sql = format!(
        "SELECT delivery_id, alert_id, total FROM (\
           SELECT delivery_id, alert_id, \
                  ROW_NUMBER() OVER (PARTITION BY delivery_id ORDER BY alert_id) AS n, \
                  COUNT(*) OVER (PARTITION BY delivery_id) AS total \
           FROM email_digest_alerts WHERE {filter}) listed \
         WHERE n <= {MAX_LISTED} ORDER BY delivery_id, alert_id"
    );
    let values: Vec<sea_orm::Value> = match backend {
        DbBackend::Postgres => vec![ids.clone().into()],
        _ => Vec::new(),
    };
    let listed = Listed::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
        .all(db)
        .await?;
    let alert_ids = related::distinct(listed.iter().map(|l| Some(l.alert_id)));
    let alerts =
        related::by_id::<integration_alert::Entity>(db, integration_alert::Column::Id, &alert_ids)
            .await?;
    let contact_ids = related::distinct(digests.values().map(|g| Some(g.contact_id)));
    let contacts = related::by_id::<contact::Entity>(db, contact::Column::Id, &contact_ids).await?;
    let integration_ids = related::distinct(digests.values().map(|g| Some(g.integration_id)));
    let integrations =
        related::by_id::<integration::Entity>(db, integration::Column::Id, &integration_ids)
            .await?;
    let mut out: HashMap<i32, DigestToSend> = digests
        .values()
        .map(|g| {
            let integration = integrations.get(&g.integration_id);
            let label = IntegrationLabel {
                id: g.integration_id,
                code: integration.map(|i| i.code.clone()).unwrap_or_default(),
                name: integration.map(|i| i.name.clone()).unwrap_or_default(),
            };
            let digest = DigestToSend {
                contact: contacts.get(&g.contact_id).cloned(),
                integration: label,
                total: 0,
                alerts: Vec::new(),
            };
            (g.delivery_id, digest)
        })
        .collect();
    for l in listed {
        let Some(digest) = out.get_mut(&l.delivery_id) else {
            continue;
        };
        digest.total = u64::try_from(l.total).unwrap_or(0);
        if let Some(a) = alerts.get(&l.alert_id) {
            digest.alerts.push(AlertLine {
                id: a.id,
                raised_at: a.created_at,
                audience: a
                    .contact_alert_type
                    .parse()
                    .unwrap_or(ContactAlertType::Both),
                run_id: a.integration_run_id,
                document_type: a.document_type.clone(),
                document_id: a.document_id,
                message: a.message.clone(),
            });
        }
    }
    Ok(out)
}
