//! The whole application as values tests can build: connect, migrate, schema, router, listener.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use sea_orm::{DatabaseConnection, DbErr};
use tokio::net::TcpListener;

use crate::{
    auth::{AuthSettings, Authenticator, JwtVerifier, http::HttpAuth, rate_limit::RateLimit},
    broker::{Broker, BrokerOptions},
    config::{AuthConfig, DatabaseConfig, ServeConfig},
    db,
    delivery::{DeliveryWorker, email::EmailSender, webhook::WebhookSender},
    graphql::{
        SchemaOptions, build_gateway, gateway::Gateway, limits::QueryLimits,
        persisted::PersistedOperations,
    },
    http,
    mailer::AlertEmails,
    service,
    service::webhooks::TargetPolicy,
};

/// Why the gateway could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The database could not be opened or migrated.
    #[error("database: {0}")]
    Database(#[from] DbErr),
    /// The listen address could not be bound.
    #[error("listen: {0}")]
    Io(#[from] std::io::Error),
    /// The settings contradict each other or name unreadable files.
    #[error("{0}")]
    Config(String),
}

/// The authentication settings of `config`, checked against the listen address: without
/// authentication the gateway serves loopback only, unless told `--insecure-no-auth`.
fn auth_settings(config: &AuthConfig, listen: SocketAddr) -> Result<AuthSettings, StartupError> {
    let jwt = match (&config.jwt_hs256_secret, &config.jwt_jwks_file) {
        (Some(secret), _) => Some(JwtVerifier::hs256(secret.as_bytes())),
        (None, Some(path)) => Some(
            JwtVerifier::from_jwks_file(path).map_err(|e| StartupError::Config(e.to_string()))?,
        ),
        (None, None) => None,
    }
    .map(|verifier| {
        verifier
            .with_issuer(config.jwt_issuer.clone())
            .with_audience(config.jwt_audience.clone())
            .with_leeway(config.jwt_leeway_secs)
    });
    let settings = AuthSettings {
        jwt,
        require_auth: config.require_auth,
    };
    if !settings.required() {
        if !listen.ip().is_loopback() && !config.insecure_no_auth {
            return Err(StartupError::Config(format!(
                "refusing to serve {listen} without authentication: configure --jwt-hs256-secret, \
                 --jwt-jwks-file or --require-auth (API tokens), listen on 127.0.0.1, or pass \
                 --insecure-no-auth"
            )));
        }
        if listen.ip().is_loopback() {
            tracing::warn!(
                "no authentication configured: the API is open to every local process on {listen}"
            );
        } else {
            tracing::error!(
                "INSECURE: serving {listen} WITHOUT AUTHENTICATION (--insecure-no-auth): anyone \
                 who can reach this address can read and change all data"
            );
        }
    }
    Ok(settings)
}

/// A bound, ready-to-serve gateway.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    db: DatabaseConnection,
    gateway: Gateway,
    shutdown_grace: Duration,
    /// How long a request's head may take to arrive (the request timeout).
    header_timeout: Duration,
    stale_run_check_interval: Duration,
    alert_emails: Option<Arc<AlertEmails>>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("listener", &self.listener)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Connects, applies migrations, builds the schema once and binds the listener.
    pub async fn build(
        database: &DatabaseConfig,
        serve: &ServeConfig,
    ) -> Result<Self, StartupError> {
        let db = db::connect(database).await?;
        Self::with_db(db, database, serve).await
    }

    /// Like [`Application::build`] over an open pool (tests use it to count statements).
    pub async fn with_db(
        db: DatabaseConnection,
        database: &DatabaseConfig,
        serve: &ServeConfig,
    ) -> Result<Self, StartupError> {
        let settings = auth_settings(&serve.auth, serve.listen)?;
        let persisted = match &serve.auth.persisted_operations {
            Some(path) => Some(Arc::new(
                PersistedOperations::from_file(path, serve.auth.persisted_operations_only)
                    .map_err(StartupError::Config)?,
            )),
            None => None,
        };
        db::migrate(&db).await?;
        let actor = service::users::local_actor(&db)
            .await
            .map_err(|e| StartupError::Database(DbErr::Custom(e.to_string())))?;
        let broker_options = BrokerOptions {
            capacity: serve.subscriber_buffer,
            retention: Duration::from_secs(serve.event_retention_hours * 3600),
            ..BrokerOptions::default()
        };
        // The dispatcher polls the log on a pool of its own, apart from request traffic.
        let broker_db = db::connect(&DatabaseConfig {
            database_max_connections: 2,
            ..database.clone()
        })
        .await?;
        let listen_url = database
            .database_url
            .starts_with("postgres")
            .then(|| database.database_url.clone());
        let broker = Broker::start(broker_db, broker_options, listen_url)
            .await
            .map_err(|e| StartupError::Database(DbErr::Custom(e.to_string())))?;
        let listener = TcpListener::bind(serve.listen).await?;
        let alert_emails = AlertEmails::from_config(&serve.email, listener.local_addr()?)
            .map_err(StartupError::Config)?
            .map(Arc::new);
        match &alert_emails {
            None => tracing::info!(
                "email off: no --smtp-url, so alerts are not emailed (no email deliveries are made)"
            ),
            Some(emails) => tracing::info!(
                smtp = %emails.mailer.settings().url.redacted(),
                from = %emails.mailer.settings().from,
                dashboard = %emails.links.base(),
                digest_window_secs = emails.digest_window.as_secs(),
                "email on: alerts are emailed to their integration's contacts"
            ),
        }
        // Deliveries are made and sent on a pool of their own, apart from request traffic.
        let delivery_db = db::connect(&DatabaseConfig {
            database_max_connections: 4,
            ..database.clone()
        })
        .await?;
        let mut delivery_options = serve.delivery.options();
        let webhook_sender = WebhookSender::new(
            delivery_options.timeout,
            serve.delivery.allow_private_webhook_targets,
        )
        .map_err(|e| StartupError::Config(format!("the webhook HTTP client: {e}")))?;
        let mut senders = vec![Arc::new(webhook_sender) as Arc<dyn crate::delivery::Sender>];
        if let Some(emails) = &alert_emails {
            senders.push(Arc::new(EmailSender::new(emails.clone())));
            delivery_options.email_digest_window = Some(emails.digest_window);
            // A send is cut at the longer of the two timeouts (each sender keeps its own), and
            // a lease outlasts it.
            delivery_options.timeout = delivery_options
                .timeout
                .max(emails.mailer.settings().timeout);
        }
        let delivery = DeliveryWorker::start(
            delivery_db,
            delivery_options,
            senders,
            broker.dispatched_events(),
        );
        let rest_broker = broker.clone();
        let options = SchemaOptions {
            limits: QueryLimits {
                max_depth: serve.max_query_depth,
                max_complexity: serve.max_query_complexity,
                max_root_fields: serve.max_root_fields,
                max_aliases: serve.max_aliases,
                disable_introspection: serve.disable_introspection,
                max_expanded_selections: serve.max_expanded_selections,
                max_tokens: serve.max_document_tokens,
                input: serve.input_limits(),
            },
            broker,
            actor,
            principal: None,
            persisted,
            loader_delay: Duration::from_millis(serve.dataloader_delay_ms),
            max_batch_items: serve.max_batch_items,
            direct_reads: !serve.disable_direct_reads,
            delivery: Some(delivery),
            webhook_targets: TargetPolicy {
                allow_private: serve.delivery.allow_private_webhook_targets,
            },
        };
        let gateway = build_gateway(db.clone(), options);
        let http_limits = http::graphql_http::HttpLimits {
            max_batch_operations: serve.max_batch_operations,
            timeout: Duration::from_millis(serve.request_timeout_ms),
            max_message_bytes: serve.max_body_bytes,
            keepalive: Duration::from_secs(serve.websocket_keepalive_secs),
        };
        let auth = HttpAuth {
            authenticator: Authenticator::new(db.clone(), settings, actor),
            rate_limit: RateLimit::new(
                serve.auth.rate_limit_per_second,
                serve.auth.rate_limit_burst,
            )
            .map(Arc::new),
        };
        let router = http::router(
            gateway.clone(),
            db.clone(),
            serve.max_body_bytes,
            http_limits,
            auth,
            rest_broker,
            serve.input_limits(),
        );
        Ok(Self {
            listener,
            router,
            db,
            gateway,
            shutdown_grace: Duration::from_secs(serve.shutdown_grace_secs),
            header_timeout: Duration::from_millis(serve.request_timeout_ms),
            stale_run_check_interval: Duration::from_secs(serve.stale_run_check_interval_secs),
            alert_emails,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The schema and its request rules, as served (for in-process execution: fuzzing, tools).
    pub fn gateway(&self) -> &Gateway {
        &self.gateway
    }

    /// How alerts are emailed; `None` when email is off (no `--smtp-url`).
    pub fn alert_emails(&self) -> Option<&Arc<AlertEmails>> {
        self.alert_emails.as_ref()
    }

    /// The database pool the application uses.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// How long in-flight requests may take once shutdown has begun (`--shutdown-grace-secs`).
    pub fn shutdown_grace(&self) -> Duration {
        self.shutdown_grace
    }

    /// Serves until the shutdown flag is raised ([`crate::shutdown::trigger`]; the binary's
    /// signal thread raises it on SIGTERM / SIGINT), then shuts down gracefully: stops accepting,
    /// lets in-flight requests finish, closes WebSocket subscriptions with 1001 (going away), and
    /// after the grace period drops whatever is still open and returns. A request that holds a
    /// worker may keep this from returning (its timer needs a free worker): the signal thread's
    /// watchdog ends the process then.
    ///
    /// While it serves, it checks for stale runs every `--stale-run-check-interval`
    /// ([`service::stale_runs::check_periodically`], which ends when shutdown begins).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let grace = self.shutdown_grace;
        let stale_checker = tokio::spawn(service::stale_runs::check_periodically(
            self.db.clone(),
            self.stale_run_check_interval,
        ));
        // Ended if this future is dropped or serving fails (no shutdown flag to end it).
        let mut stale_checker = AbortOnDrop(stale_checker);
        let server = serve(
            self.listener,
            self.router,
            self.header_timeout,
            crate::shutdown::wait(),
        );
        tokio::pin!(server);
        let result = tokio::select! {
            // Upgraded WebSockets are not the server's any more: wait for them to say goodbye.
            result = async {
                let result = (&mut server).await;
                crate::shutdown::released().await;
                result
            } => result,
            () = async {
                crate::shutdown::wait().await;
                tokio::time::sleep(grace).await;
            } => {
                tracing::warn!(grace_secs = grace.as_secs(), "grace period over: dropping the remaining connections");
                Ok(())
            }
        };
        // The checker ends on the shutdown flag once a round in progress has committed (a claim
        // and its alert are one short transaction), waited for a second at most (within the exit margin).
        if crate::shutdown::is_shutting_down() {
            let _ = tokio::time::timeout(Duration::from_secs(1), &mut stale_checker.0).await;
        }
        result
    }
}

/// Serves `router` on `listener` until `shutdown`, then stops accepting and waits for the open
/// connections to finish their requests (upgraded WebSockets are not waited for: they are no
/// longer the server's). A connection must send a request's whole head within `header_timeout`
/// of starting it, or it is closed: without that (axum's `serve` sets no timer, so hyper
/// enforces none) a client sending its headers a byte at a time held a connection for ever.
async fn serve(
    listener: TcpListener,
    router: axum::Router,
    header_timeout: Duration,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    use hyper_util::{
        rt::{TokioExecutor, TokioIo, TokioTimer},
        server::{conn::auto::Builder, graceful::GracefulShutdown},
        service::TowerToHyperService,
    };
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .enable_connect_protocol();
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    // Without it, a second small write (a subscription's next event, a streamed
                    // part) waits for the peer's delayed ACK: up to 40 ms on Linux.
                    let _ = stream.set_nodelay(true);
                    let service = TowerToHyperService::new(router.clone());
                    let connection = builder
                        .serve_connection_with_upgrades(TokioIo::new(stream), service)
                        .into_owned();
                    let connection = graceful.watch(connection);
                    tokio::spawn(async move {
                        if let Err(e) = connection.await {
                            tracing::trace!(error = %e, "connection ended with an error");
                        }
                    });
                }
                // Out of file descriptors and the like: wait a little rather than spin.
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Aborts a task when dropped.
#[derive(Debug)]
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
