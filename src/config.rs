//! Command line and environment configuration (clap), one doc line per setting.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};

/// A GraphQL server over integration data: integrations, runs, errors, history records and responses.
#[derive(Debug, Parser)]
#[command(name = "integration-gateway", version, about)]
pub struct Cli {
    /// Database settings shared by every subcommand.
    #[command(flatten)]
    pub database: DatabaseConfig,
    /// Logs, traces and the configuration file, shared by every subcommand.
    #[command(flatten)]
    pub telemetry: TelemetryConfig,
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
// Parsed once at start; boxing the serve settings would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Command {
    /// Apply pending migrations, then serve GraphQL (and GraphiQL) over HTTP.
    Serve(ServeConfig),
    /// Apply pending migrations and exit.
    Migrate,
    /// Print the GraphQL schema (SDL) to standard output.
    Schema,
    /// Load data into the database (migrations are applied first).
    Seed(SeedConfig),
    /// Import history records or integration errors from a CSV file (vendor flat-file layout).
    Import(ImportConfig),
    /// Create, list or revoke API tokens (bearer tokens for integrations and scripts).
    #[command(subcommand)]
    Token(TokenCommand),
}

/// What `token` does.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token and print it once; only its hash is stored.
    Create {
        /// A unique name for the token (changes made with it are attributed to `token:NAME`).
        #[arg(long)]
        name: String,
        /// A granted scope: core.integration.read (queries, subscriptions) and/or
        /// core.integration.write (mutations) and/or core.integration.admin (webhook endpoints
        /// and deliveries, with read or write); repeat or separate with spaces.
        #[arg(long = "scope", required = true, num_args = 1..)]
        scopes: Vec<String>,
        /// Days until the token stops being accepted (default: never).
        #[arg(long)]
        expires_in_days: Option<u32>,
    },
    /// List the tokens: name, prefix, scopes, created, expires, revoked.
    List,
    /// Revoke a token by name; it is refused from the next request on.
    Revoke {
        /// The token's name.
        name: String,
    },
}

/// How the process logs and exports traces, and where more settings come from.
#[derive(Clone, Debug, Args)]
pub struct TelemetryConfig {
    /// TOML file of settings (keys are the long flag names, e.g. `database-url = "…"`, `listen =
    /// "…"`); flags and environment variables override it.
    #[arg(long, env = "GATEWAY_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// Log line format: `text` or `json` (one object per line, with the request's spans).
    #[arg(
        long,
        env = "LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    pub log_format: crate::observability::logging::LogFormat,
    /// Export spans to this OpenTelemetry collector over OTLP/HTTP (e.g. `http://localhost:4318`).
    #[arg(long, env = "OTLP_ENDPOINT", global = true, value_name = "URL")]
    pub otlp_endpoint: Option<String>,
}

/// Where the data lives and how many connections to keep.
#[derive(Clone, Debug, Args)]
pub struct DatabaseConfig {
    /// Database URL: `sqlite://FILE?mode=rwc` (embedded) or `postgres://USER@HOST/DB`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://gateway.db?mode=rwc",
        global = true
    )]
    pub database_url: String,
    /// Largest number of pooled database connections.
    #[arg(
        long,
        env = "DATABASE_MAX_CONNECTIONS",
        default_value_t = 8,
        global = true
    )]
    pub database_max_connections: u32,
    /// How long (seconds) a request waits for a pooled connection before failing.
    #[arg(
        long,
        env = "DATABASE_ACQUIRE_TIMEOUT_SECS",
        default_value_t = 30,
        global = true
    )]
    pub database_acquire_timeout_secs: u64,
    /// PostgreSQL statement timeout in milliseconds (0: none).
    #[arg(
        long,
        env = "DATABASE_STATEMENT_TIMEOUT_MS",
        default_value_t = 0,
        global = true
    )]
    pub database_statement_timeout_ms: u64,
}

impl DatabaseConfig {
    /// The defaults for a database URL.
    pub fn new(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            database_max_connections: 8,
            database_acquire_timeout_secs: 30,
            database_statement_timeout_ms: 0,
        }
    }
}

/// Settings of the HTTP server.
#[derive(Clone, Debug, Args)]
pub struct ServeConfig {
    /// Address and port to listen on (port 0 picks a free one).
    #[arg(long, env = "LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Largest accepted request body, in bytes.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// How long (ms) a DataLoader waits after its first key to batch the other keys of a level.
    // bench/run: 1 ms split the batches of 50–100-item pages (their siblings take longer than
    // that to register); 5 ms kept one statement per level at every page size.
    #[arg(long, env = "DATALOADER_DELAY_MS", default_value_t = 5)]
    pub dataloader_delay_ms: u64,
    /// The most items one batch mutation (createIntegrationHistoryRecords, …) takes.
    #[arg(long, env = "MAX_BATCH_ITEMS", default_value_t = 1000)]
    pub max_batch_items: usize,
    /// How many events a subscriber may fall behind before it is dropped with SLOW_CONSUMER.
    #[arg(long, env = "SUBSCRIBER_BUFFER", default_value_t = 1024)]
    pub subscriber_buffer: usize,
    /// How long (seconds) a WebSocket peer may go unheard before it is closed (3008 timeout):
    /// the server pings three times in that time, and any message or answer to a ping counts.
    #[arg(long, env = "WEBSOCKET_KEEPALIVE_SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub websocket_keepalive_secs: u64,
    /// How long (hours) events are kept for replay with afterSequence.
    #[arg(long, env = "EVENT_RETENTION_HOURS", default_value_t = 168)]
    pub event_retention_hours: u64,
    /// The deepest selection nesting a query may have.
    #[arg(long, env = "MAX_QUERY_DEPTH", default_value_t = 15)]
    pub max_query_depth: usize,
    /// The largest query complexity (fields counted) accepted.
    #[arg(long, env = "MAX_QUERY_COMPLEXITY", default_value_t = 1000)]
    pub max_query_complexity: usize,
    /// The most root fields one operation may select.
    #[arg(long, env = "MAX_ROOT_FIELDS", default_value_t = 20)]
    pub max_root_fields: usize,
    /// The most aliases one operation may use.
    #[arg(long, env = "MAX_ALIASES", default_value_t = 30)]
    pub max_aliases: usize,
    /// The most selections a document may hold once its fragments are spread (fields, inline
    /// fragments and spreads, counted as often as they are spread).
    #[arg(long, env = "MAX_EXPANDED_SELECTIONS", default_value_t = 5000)]
    pub max_expanded_selections: usize,
    /// The most tokens a document may hold (names, numbers, strings, punctuators), counted
    /// before parsing: parsing costs about a microsecond per token.
    #[arg(long, env = "MAX_DOCUMENT_TOKENS", default_value_t = 30_000)]
    pub max_document_tokens: usize,
    /// How deep objects and lists may nest in one input value (a GraphQL argument or variable,
    /// a REST body).
    #[arg(long, env = "MAX_INPUT_DEPTH", default_value_t = 20,
          value_parser = clap::builder::TypedValueParser::map(clap::value_parser!(u16).range(1..=64), usize::from))]
    pub max_input_depth: usize,
    /// The most items any input list may hold (at least --max-batch-items is allowed).
    #[arg(long, env = "MAX_INPUT_LIST_ITEMS", default_value_t = 1000)]
    pub max_input_list_items: usize,
    /// The most values the `in`/`notIn` lists of one filter may hold together.
    #[arg(long, env = "MAX_FILTER_IN_VALUES", default_value_t = 1000)]
    pub max_filter_in_values: usize,
    /// The most conditions one filter may combine with and/or/not (over all its levels).
    #[arg(long, env = "MAX_FILTER_BRANCHES", default_value_t = 100)]
    pub max_filter_branches: usize,
    /// The longest text (bytes) of a contains/startsWith/endsWith filter.
    #[arg(long, env = "MAX_FILTER_PATTERN_BYTES", default_value_t = 1000)]
    pub max_filter_pattern_bytes: usize,
    /// The most operations one batched HTTP request may carry.
    #[arg(long, env = "MAX_BATCH_OPERATIONS", default_value_t = 10)]
    pub max_batch_operations: usize,
    /// How long (milliseconds) a query or mutation may run before it is cancelled (and rolled
    /// back); a request body must also arrive within it (408 otherwise: a client that sends its
    /// body slowly, or never, does not hold a connection and a request slot for ever), and a
    /// request's head too (the connection is closed otherwise).
    #[arg(long, env = "REQUEST_TIMEOUT_MS", default_value_t = 30_000)]
    pub request_timeout_ms: u64,
    /// Turn schema introspection off (GraphiQL then cannot read the schema).
    #[arg(long, env = "DISABLE_INTROSPECTION")]
    pub disable_introspection: bool,
    /// Answer every query through the schema's resolvers, never by a direct read (for
    /// comparing the two paths; direct reads give the same answers faster).
    #[arg(long, env = "DISABLE_DIRECT_READS")]
    pub disable_direct_reads: bool,
    /// On SIGTERM/SIGINT, how long (seconds) in-flight requests may take to finish before the
    /// remaining connections are dropped; 2 s later the process ends whatever still runs.
    #[arg(long, env = "SHUTDOWN_GRACE_SECS", default_value_t = 30)]
    pub shutdown_grace_secs: u64,
    /// How often (seconds, 1 to 3600) the gateway looks for runs left pending or running longer
    /// than their integration's expected duration, and raises one "stale run" alert for each.
    #[arg(long = "stale-run-check-interval", env = "STALE_RUN_CHECK_INTERVAL", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub stale_run_check_interval_secs: u64,
    /// Authentication, rate limit and persisted operations.
    #[command(flatten)]
    pub auth: AuthConfig,
    /// Webhook targets and the delivery worker.
    #[command(flatten)]
    pub delivery: DeliveryConfig,
    /// Alert emails: the SMTP server, the sender, links and digests.
    #[command(flatten)]
    pub email: EmailConfig,
}

/// Where webhooks may go and how deliveries are sent and retried.
#[derive(Clone, Debug, Args)]
pub struct DeliveryConfig {
    /// Allow webhook targets on loopback, private, link-local and other non-public addresses
    /// (refused otherwise, at registration and at every send: SSRF). For tests and local
    /// receivers only.
    #[arg(long, env = "ALLOW_PRIVATE_WEBHOOK_TARGETS")]
    pub allow_private_webhook_targets: bool,
    /// How long (ms) one webhook request may take before it counts as a timeout (retried).
    #[arg(long, env = "WEBHOOK_TIMEOUT_MS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..=600_000))]
    pub webhook_timeout_ms: u64,
    /// Attempts before a delivery that keeps failing (timeouts, connection errors, 5xx, 429) is
    /// dead.
    #[arg(long, env = "WEBHOOK_MAX_ATTEMPTS", default_value_t = 8,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub webhook_max_attempts: u32,
    /// The first retry's backoff ceiling (ms); it doubles per attempt (full jitter).
    #[arg(long, env = "WEBHOOK_BACKOFF_BASE_MS", default_value_t = 1_000)]
    pub webhook_backoff_base_ms: u64,
    /// The largest backoff between two attempts (ms).
    #[arg(long, env = "WEBHOOK_BACKOFF_CAP_MS", default_value_t = 3_600_000)]
    pub webhook_backoff_cap_ms: u64,
    /// Deliveries sent at once at most, per gateway process.
    #[arg(long, env = "DELIVERY_CONCURRENCY", default_value_t = 128,
          value_parser = clap::builder::TypedValueParser::map(clap::value_parser!(u16).range(1..=4096), usize::from))]
    pub delivery_concurrency: usize,
    /// Deliveries sent at once at most to one webhook endpoint (all alert emails count as one
    /// endpoint, the SMTP server), per gateway process: a slow endpoint holds at most this many
    /// of the process's slots and the others' deliveries are not queued behind it.
    #[arg(long, env = "DELIVERY_CONCURRENCY_PER_ENDPOINT", default_value_t = 50,
          value_parser = clap::builder::TypedValueParser::map(clap::value_parser!(u16).range(1..=4096), usize::from))]
    pub delivery_concurrency_per_endpoint: usize,
    /// How long (seconds) a claimed delivery stays claimed: a delivery whose gateway died while
    /// sending it is sent again after this (at least the timeout plus a second).
    #[arg(long, env = "DELIVERY_LEASE_SECS", default_value_t = 60)]
    pub delivery_lease_secs: u64,
    /// How often (ms) the event log and the outbox are read when nothing wakes the worker
    /// (events and deliveries of other instances).
    #[arg(long, env = "DELIVERY_POLL_MS", default_value_t = 1_000,
          value_parser = clap::value_parser!(u64).range(10..=3_600_000))]
    pub delivery_poll_ms: u64,
    /// While the server is saturated (two requests in flight per core or more), deliveries are
    /// claimed (at most `--delivery-concurrency` at a time) and made at most this often (ms), so
    /// they do not slow requests; they catch up once the traffic ebbs. 0: deliveries never yield.
    #[arg(long, env = "DELIVERY_YIELD_MS", default_value_t = 250,
          value_parser = clap::value_parser!(u64).range(0..=10_000))]
    pub delivery_yield_ms: u64,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            allow_private_webhook_targets: false,
            webhook_timeout_ms: 10_000,
            webhook_max_attempts: 8,
            webhook_backoff_base_ms: 1_000,
            webhook_backoff_cap_ms: 3_600_000,
            delivery_concurrency: 128,
            delivery_concurrency_per_endpoint: 50,
            delivery_lease_secs: 60,
            delivery_poll_ms: 1_000,
            delivery_yield_ms: 250,
        }
    }
}

impl DeliveryConfig {
    /// The worker's options.
    pub fn options(&self) -> crate::delivery::DeliveryOptions {
        use std::time::Duration;
        crate::delivery::DeliveryOptions {
            timeout: Duration::from_millis(self.webhook_timeout_ms),
            lease: Duration::from_secs(self.delivery_lease_secs),
            concurrency: self.delivery_concurrency,
            per_endpoint: self.delivery_concurrency_per_endpoint,
            poll: Duration::from_millis(self.delivery_poll_ms),
            yield_interval: Duration::from_millis(self.delivery_yield_ms),
            retry: crate::service::deliveries::RetryPolicy {
                max_attempts: self.webhook_max_attempts,
                base: Duration::from_millis(self.webhook_backoff_base_ms),
                cap: Duration::from_millis(self.webhook_backoff_cap_ms),
            },
            email_digest_window: None,
        }
    }
}

/// How alerts reach contacts by email.
#[derive(Clone, Debug, Args)]
pub struct EmailConfig {
    /// SMTP server of alert emails: `smtp://HOST:PORT` (unencrypted),
    /// `smtp://HOST:PORT?tls=required` (STARTTLS) or `smtps://HOST:PORT` (implicit TLS);
    /// `USER:PASSWORD@` before the host authenticates (percent-encode special characters).
    /// Without it no alert is emailed.
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<crate::mailer::SmtpUrl>,
    /// The sender of alert emails (`Integration gateway <gateway@example.com>`); required with
    /// --smtp-url.
    #[arg(long, env = "SMTP_FROM")]
    pub smtp_from: Option<lettre::message::Mailbox>,
    /// How long (seconds) sending one email may take (connecting, TLS, authentication and the
    /// SMTP transaction) before it counts as a timeout (retried).
    #[arg(long, env = "SMTP_TIMEOUT_SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub smtp_timeout_secs: u64,
    /// CA certificates (a PEM file) trusted for the SMTP server's TLS besides the system's: a
    /// mail relay whose certificate an internal CA issued. Needs a TLS --smtp-url.
    #[arg(long, env = "SMTP_CA_FILE")]
    pub smtp_ca_file: Option<std::path::PathBuf>,
    /// The dashboard's URL as the contacts reach it, for the links in alert emails (default:
    /// `http://ADDRESS/dashboard` with the address the gateway listens on).
    #[arg(long, env = "DASHBOARD_URL")]
    pub dashboard_url: Option<url::Url>,
    /// How long (seconds) alerts of one integration are gathered into one email per contact:
    /// the first alert opens the window, the email leaves when it closes (0: one email per
    /// alert).
    #[arg(long, env = "ALERT_DIGEST_WINDOW_SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(0..=86_400))]
    pub alert_digest_window_secs: u64,
}

impl Default for EmailConfig {
    fn default() -> Self {
        Self {
            smtp_url: None,
            smtp_from: None,
            smtp_timeout_secs: 30,
            smtp_ca_file: None,
            dashboard_url: None,
            alert_digest_window_secs: 60,
        }
    }
}

/// Who may call the gateway, how often, and with which operations.
#[derive(Clone, Debug, Default, Args)]
pub struct AuthConfig {
    /// Accept HS256 JWT access tokens signed with this secret (turns authentication on).
    #[arg(long, env = "JWT_HS256_SECRET", hide_env_values = true)]
    pub jwt_hs256_secret: Option<String>,
    /// Accept RS256/ES256 JWT access tokens signed by a key of this JWKS file (turns
    /// authentication on).
    #[arg(long, env = "JWT_JWKS_FILE", conflicts_with = "jwt_hs256_secret")]
    pub jwt_jwks_file: Option<std::path::PathBuf>,
    /// Required `iss` of JWT access tokens.
    #[arg(long, env = "JWT_ISSUER")]
    pub jwt_issuer: Option<String>,
    /// Required `aud` of JWT access tokens.
    #[arg(long, env = "JWT_AUDIENCE")]
    pub jwt_audience: Option<String>,
    /// Clock skew (seconds) tolerated on a JWT's `exp` and `nbf`.
    #[arg(long, env = "JWT_LEEWAY_SECS", default_value_t = 30)]
    pub jwt_leeway_secs: u64,
    /// Require a bearer token on every request even without JWT settings (API tokens only).
    #[arg(long, env = "REQUIRE_AUTH")]
    pub require_auth: bool,
    /// Serve without authentication on a non-loopback address (anyone who can reach it can
    /// read and change everything).
    #[arg(long, env = "INSECURE_NO_AUTH")]
    pub insecure_no_auth: bool,
    /// Sustained requests per second allowed per token (0: no limit); unauthenticated local
    /// requests are not limited.
    #[arg(long, env = "RATE_LIMIT_PER_SECOND", default_value_t = 50)]
    pub rate_limit_per_second: u32,
    /// Requests a token may send at once above the sustained rate.
    #[arg(long, env = "RATE_LIMIT_BURST", default_value_t = 100)]
    pub rate_limit_burst: u32,
    /// Allow list of persisted operations: an Apollo persisted-query manifest or a JSON object
    /// of SHA-256 → query; clients send `extensions.persistedQuery.sha256Hash`.
    #[arg(long, env = "PERSISTED_OPERATIONS")]
    pub persisted_operations: Option<std::path::PathBuf>,
    /// Run only the operations of the --persisted-operations list (no other query is accepted).
    #[arg(
        long,
        env = "PERSISTED_OPERATIONS_ONLY",
        requires = "persisted_operations"
    )]
    pub persisted_operations_only: bool,
}

impl ServeConfig {
    /// The bounds of input values these settings give (shared by GraphQL and REST).
    pub fn input_limits(&self) -> crate::domain::input::InputLimits {
        crate::domain::input::InputLimits {
            max_depth: self.max_input_depth,
            // A batch mutation's list must fit.
            max_list_items: self.max_input_list_items.max(self.max_batch_items),
            max_in_values: self.max_filter_in_values,
            max_filter_branches: self.max_filter_branches,
            max_pattern_bytes: self.max_filter_pattern_bytes,
        }
    }
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            max_body_bytes: 1024 * 1024,
            dataloader_delay_ms: 5,
            max_batch_items: 1000,
            subscriber_buffer: 1024,
            websocket_keepalive_secs: 30,
            event_retention_hours: 168,
            max_query_depth: 15,
            max_query_complexity: 1000,
            max_root_fields: 20,
            max_aliases: 30,
            max_expanded_selections: 5000,
            max_document_tokens: 30_000,
            max_input_depth: 20,
            max_input_list_items: 1000,
            max_filter_in_values: 1000,
            max_filter_branches: 100,
            max_filter_pattern_bytes: 1000,
            max_batch_operations: 10,
            request_timeout_ms: 30_000,
            disable_introspection: false,
            disable_direct_reads: false,
            shutdown_grace_secs: 30,
            stale_run_check_interval_secs: 60,
            auth: AuthConfig {
                jwt_leeway_secs: 30,
                rate_limit_per_second: 50,
                rate_limit_burst: 100,
                ..AuthConfig::default()
            },
            delivery: DeliveryConfig::default(),
            email: EmailConfig::default(),
        }
    }
}

/// What `seed` loads.
#[derive(Clone, Debug, Args)]
pub struct SeedConfig {
    /// Load the demo data set: a few integrations and runs in every status.
    #[arg(long, required = true)]
    pub demo: bool,
}

/// What a CSV file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportKindArg {
    /// Integration history records.
    History,
    /// Integration errors.
    Errors,
}

/// How `import` reads and writes a file.
#[derive(Clone, Debug, Args)]
pub struct ImportConfig {
    /// The CSV file: a header line of dash-case columns (document-type, document-id,
    /// contact-alert-type, status, integration-code, integration-run-id, response-code, …).
    pub file: std::path::PathBuf,
    /// What the file holds.
    #[arg(long, value_enum, default_value = "history")]
    pub kind: ImportKindArg,
    /// Code of the integration of rows that name none (and of the run, with --run).
    #[arg(long)]
    pub integration: Option<String>,
    /// Create a run for the import and walk it pending → running → successful/failed.
    #[arg(long, requires = "integration")]
    pub run: bool,
    /// Write the good rows and reject the bad ones (instead of all or nothing).
    #[arg(long)]
    pub continue_on_error: bool,
    /// Where rejected rows go, with their reason (default: FILE.rejects.csv, written only if needed).
    #[arg(long)]
    pub reject_file: Option<std::path::PathBuf>,
    /// Rows per chunk (one multi-row write each).
    #[arg(long, default_value_t = 1000)]
    pub chunk_rows: usize,
}
