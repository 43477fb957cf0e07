//! The webhook channel: a signed HTTP POST per delivery, following Standard Webhooks
//! (`webhook-id` = `evt_<sequence>`, the same on every attempt; `webhook-timestamp`;
//! `webhook-signature` = `v1,<sig>`, plus `v1,<old sig>` while a rotated-out secret is in its
//! grace period), signed by the `standardwebhooks` crate.
//!
//! Server-side request forgery: unless private targets are allowed, an IP-literal target must be
//! public, and host names go through a resolver that drops every non-public address (a name may
//! resolve to 127.0.0.1 at send time, whatever it resolved to at registration). Redirects are not
//! followed and no proxy is used, so the checked address is the one connected to.

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::{Duration, Instant, SystemTime},
};

use entity::{delivery, webhook_endpoint as endpoint};
use sea_orm::DatabaseConnection;

use super::{Sender, Sending};
use crate::{
    domain::{
        DeliveryChannel,
        webhooks::{Verdict, http_verdict, is_forbidden_ip, parse_retry_after},
    },
    error::AppResult,
    service::{
        deliveries::{Attempt, message_id},
        now, related, webhooks,
    },
};

/// The most bytes of an answer's body read (and thrown away, so the connection can be reused).
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// Sends webhook deliveries.
#[derive(Debug)]
pub struct WebhookSender {
    client: reqwest::Client,
    allow_private: bool,
}

/// Why a target was refused at send time.
#[derive(Debug, thiserror::Error)]
#[error(
    "refused target {0}: it resolves only to loopback, private or otherwise non-public addresses"
)]
struct RefusedTarget(String);

/// A resolver that answers only the public addresses of a name.
#[derive(Debug)]
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| !is_forbidden_ip(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(
                    Box::new(RefusedTarget(host)) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(found.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

impl WebhookSender {
    /// A sender whose requests give up after `timeout`; `allow_private` lets targets on
    /// loopback and private networks through (`--allow-private-webhook-targets`).
    pub fn new(timeout: Duration, allow_private: bool) -> Result<Self, reqwest::Error> {
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!(
                "integration-gateway-webhooks/",
                env!("CARGO_PKG_VERSION")
            ));
        if !allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        Ok(Self {
            client: builder.build()?,
            allow_private,
        })
    }
}

/// An attempt that ended before anything was sent.
fn refused(error: String) -> Sending {
    let at = now();
    Box::pin(async move {
        Attempt {
            at,
            status_code: None,
            latency: Duration::ZERO,
            error: Some(error),
            verdict: Verdict::Dead,
        }
    })
}

/// Whether an error (or one of its causes) is our resolver's refusal.
fn is_refusal(e: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<RefusedTarget>() {
            return true;
        }
        source = err.source();
    }
    false
}

/// The error chain as one line (reqwest's top-level message alone says little).
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(err) = source {
        text.push_str(": ");
        text.push_str(&err.to_string());
        source = err.source();
    }
    text
}

#[async_trait::async_trait]
impl Sender for WebhookSender {
    fn channel(&self) -> DeliveryChannel {
        DeliveryChannel::Webhook
    }

    async fn prepare(
        &self,
        db: &DatabaseConnection,
        batch: Vec<delivery::Model>,
    ) -> AppResult<Vec<(delivery::Model, Sending)>> {
        let ids = related::distinct(batch.iter().map(|d| d.endpoint_id));
        let endpoints = related::by_id::<endpoint::Entity>(db, endpoint::Column::Id, &ids).await?;
        Ok(batch
            .into_iter()
            .map(|d| {
                let send = match d.endpoint_id.and_then(|id| endpoints.get(&id)) {
                    None => refused("the webhook endpoint no longer exists".into()),
                    Some(e) if !e.enabled => refused(format!(
                        "the webhook endpoint is disabled{}",
                        e.disabled_reason
                            .as_deref()
                            .map(|r| format!(": {r}"))
                            .unwrap_or_default()
                    )),
                    Some(e) => self.send(&d, e),
                };
                (d, send)
            })
            .collect())
    }
}

impl WebhookSender {
    /// The signed POST of one delivery to its endpoint.
    fn send(&self, d: &delivery::Model, e: &endpoint::Model) -> Sending {
        let url = match url::Url::parse(&e.url) {
            Ok(url) => url,
            Err(err) => return refused(format!("the stored URL is invalid: {err}")),
        };
        if !self.allow_private {
            let literal = match url.host() {
                Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
                Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
                _ => None,
            };
            if literal.is_some_and(is_forbidden_ip) {
                return refused(format!(
                    "refused target {url}: a loopback, private or otherwise non-public address"
                ));
            }
        }
        let id = message_id(d.event_sequence);
        let timestamp = chrono::Utc::now().timestamp();
        let mut signatures = Vec::new();
        for secret in webhooks::signing_secrets(e) {
            let signed = standardwebhooks::Webhook::new(secret)
                .and_then(|w| w.sign(&id, timestamp, d.payload.as_bytes()));
            match signed {
                Ok(signature) => signatures.push(signature),
                Err(err) => return refused(format!("cannot sign: {err}")),
            }
        }
        let request = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(standardwebhooks::HEADER_WEBHOOK_ID, id)
            .header(
                standardwebhooks::HEADER_WEBHOOK_TIMESTAMP,
                timestamp.to_string(),
            )
            .header(
                standardwebhooks::HEADER_WEBHOOK_SIGNATURE,
                signatures.join(" "),
            )
            .body(d.payload.clone());
        Box::pin(async move {
            let at = now();
            let started = Instant::now();
            match request.send().await {
                Ok(mut response) => {
                    let status = response.status().as_u16();
                    let retry_after = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, SystemTime::now()));
                    // Read (a bounded part of) the answer so the connection can be reused.
                    let mut read = 0;
                    while read < MAX_ANSWER_BYTES {
                        match response.chunk().await {
                            Ok(Some(chunk)) => read += chunk.len(),
                            _ => break,
                        }
                    }
                    let verdict = http_verdict(Some(status), retry_after);
                    let error = (verdict != Verdict::Delivered)
                        .then(|| format!("the endpoint answered {status}"));
                    Attempt {
                        at,
                        status_code: Some(status),
                        latency: started.elapsed(),
                        error,
                        verdict,
                    }
                }
                Err(err) => Attempt {
                    at,
                    status_code: None,
                    latency: started.elapsed(),
                    error: Some(describe(&err)),
                    verdict: if is_refusal(&err) {
                        Verdict::Dead
                    } else {
                        http_verdict(None, None)
                    },
                },
            }
        })
    }
}
