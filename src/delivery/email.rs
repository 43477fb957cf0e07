//! The email channel: each delivery is a digest of alerts (`crate::service::email_digests`),
//! written when it is sent (`crate::domain::alert_mail`) and sent to its contact over SMTP
//! (`crate::mailer`). The attempt records the SMTP reply code in the status-code column.
//!
//! What an answer means: 2xx (250) delivered; a 5xx reply or an address the mailer cannot send to
//! is final (dead); a 4xx, a timeout or a connection failure (the server is down) is retried
//! with the outbox's backoff. A digest whose contact was deactivated or removed before it left is
//! dead, with that reason: inactive contacts get nothing.

use std::{sync::Arc, time::Instant};

use entity::delivery;
use sea_orm::DatabaseConnection;

use super::{Sender, Sending};
use crate::{
    domain::{
        DeliveryChannel,
        alert_mail::{Digest, compose},
        webhooks::Verdict,
    },
    error::AppResult,
    mailer::{AlertEmails, Recipient},
    service::{deliveries::Attempt, email_digests, now},
};

/// Sends email deliveries.
#[derive(Debug)]
pub struct EmailSender {
    emails: Arc<AlertEmails>,
}

impl EmailSender {
    /// A sender through `emails`' mailer, linking to its dashboard.
    pub fn new(emails: Arc<AlertEmails>) -> Self {
        Self { emails }
    }
}

/// An attempt that ended before anything was sent: dead, for `error`.
fn refused(error: String) -> Sending {
    let at = now();
    Box::pin(async move {
        Attempt {
            at,
            status_code: None,
            latency: std::time::Duration::ZERO,
            error: Some(error),
            verdict: Verdict::Dead,
        }
    })
}

#[async_trait::async_trait]
impl Sender for EmailSender {
    fn channel(&self) -> DeliveryChannel {
        DeliveryChannel::Email
    }

    async fn prepare(
        &self,
        db: &DatabaseConnection,
        batch: Vec<delivery::Model>,
    ) -> AppResult<Vec<(delivery::Model, Sending)>> {
        let ids: Vec<i32> = batch.iter().map(|d| d.id).collect();
        let mut digests = email_digests::to_send(db, &ids).await?;
        Ok(batch
            .into_iter()
            .map(|d| {
                let send = match digests.remove(&d.id) {
                    None => refused("the email digest no longer exists".into()),
                    Some(digest) => match digest.contact {
                        None => refused("the contact no longer exists".into()),
                        Some(contact) if !contact.active => {
                            refused("the contact was deactivated".into())
                        }
                        Some(contact) => {
                            let text = compose(
                                &Digest {
                                    integration: &digest.integration,
                                    total: digest.total,
                                    alerts: &digest.alerts,
                                },
                                &self.emails.links,
                            );
                            let to = Recipient {
                                name: contact.name,
                                email: contact.email,
                            };
                            let emails = self.emails.clone();
                            Box::pin(async move {
                                let at = now();
                                let started = Instant::now();
                                let sent = emails.mailer.send(&to, &text).await;
                                let latency = started.elapsed();
                                match sent {
                                    Ok(accepted) => Attempt {
                                        at,
                                        status_code: Some(accepted.code),
                                        latency,
                                        error: None,
                                        verdict: Verdict::Delivered,
                                    },
                                    Err(e) => Attempt {
                                        at,
                                        status_code: e.code(),
                                        latency,
                                        error: Some(e.to_string()),
                                        verdict: if e.is_permanent() {
                                            Verdict::Dead
                                        } else {
                                            Verdict::Retry(None)
                                        },
                                    },
                                }
                            }) as Sending
                        }
                    },
                };
                (d, send)
            })
            .collect())
    }
}
