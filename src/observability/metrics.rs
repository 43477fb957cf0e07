//! Process-wide Prometheus metrics: GraphQL operations, DataLoader batches, subscriptions, the
//! event log, the database pool and deliveries (attempts by outcome, the backlog).
//!
//! One registry per process (not per [`crate::app::Application`]): recording sites (loaders,
//! the executor, subscription streams) then need no handle threaded through the schema. Values
//! that belong to one application (pool, event-log lag) are read when `/metrics` is scraped.

use std::{
    collections::HashSet,
    sync::{LazyLock, Mutex},
    time::Instant,
};

use async_graphql::{
    Request, Response, ServerError,
    parser::types::{DocumentOperations, ExecutableDocument, OperationType},
};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

/// Distinct operation names kept as labels; later new names are counted as `other`, so a client
/// sending random names cannot grow the scrape without bound.
pub const MAX_OPERATION_NAMES: usize = 200;

/// The gateway's metrics.
pub struct Metrics {
    registry: Registry,
    operations: IntCounterVec,
    latency: HistogramVec,
    loader_batch: HistogramVec,
    direct_reads: IntCounterVec,
    subscriptions: IntGauge,
    subscription_executions: IntCounter,
    event_lag: IntGauge,
    pool: IntGaugeVec,
    deliveries: IntCounterVec,
    delivery_retry_queue: IntGauge,
    delivery_oldest_age: prometheus::Gauge,
    names: Mutex<HashSet<String>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

/// The process's metrics.
pub fn metrics() -> &'static Metrics {
    &METRICS
}

impl Metrics {
    fn new() -> Self {
        let registry = Registry::new();
        let operations = IntCounterVec::new(
            Opts::new(
                "gateway_graphql_operations_total",
                "GraphQL operations by name, type and outcome (ok or the error code).",
            ),
            &["operation", "type", "outcome"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "gateway_graphql_operation_duration_seconds",
                "Time to answer a GraphQL operation (subscriptions: to their first event).",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
            ]),
            &["operation", "type"],
        )
        .expect("valid metric");
        let loader_batch = HistogramVec::new(
            HistogramOpts::new(
                "gateway_dataloader_batch_size",
                "Keys per DataLoader batch (one SQL statement each).",
            )
            .buckets(vec![
                1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0,
            ]),
            &["loader"],
        )
        .expect("valid metric");
        let direct_reads = IntCounterVec::new(
            Opts::new(
                "gateway_direct_reads_total",
                "Queries of known documents tried as direct reads: answered, or declined and \
                 left to the resolvers.",
            ),
            &["outcome"],
        )
        .expect("valid metric");
        let subscriptions = IntGauge::new(
            "gateway_active_subscriptions",
            "GraphQL subscriptions currently open (WebSocket and multipart).",
        )
        .expect("valid metric");
        let subscription_executions = IntCounter::new(
            "gateway_subscription_executions_total",
            "Executions of a subscription's selection for an event, each shared by every \
             subscriber with the same document, variables and scopes.",
        )
        .expect("valid metric");
        let event_lag = IntGauge::new(
            "gateway_event_log_lag",
            "Newest event sequence in the log minus the last one dispatched to subscribers.",
        )
        .expect("valid metric");
        let pool = IntGaugeVec::new(
            Opts::new(
                "gateway_db_pool_connections",
                "Database pool connections: in_use, idle and max.",
            ),
            &["state"],
        )
        .expect("valid metric");
        let deliveries = IntCounterVec::new(
            Opts::new(
                "gateway_delivery_attempts_total",
                "Delivery attempts by channel and outcome: delivered, retried, dead (refused or \
                 out of attempts) or gone (410, the endpoint disabled).",
            ),
            &["channel", "outcome"],
        )
        .expect("valid metric");
        let delivery_retry_queue = IntGauge::new(
            "gateway_delivery_retry_queue",
            "Pending deliveries that failed at least once and wait for a retry.",
        )
        .expect("valid metric");
        let delivery_oldest_age = prometheus::Gauge::new(
            "gateway_delivery_oldest_pending_seconds",
            "Age of the oldest undelivered (pending) delivery, in seconds; 0 when none.",
        )
        .expect("valid metric");
        for collector in [
            Box::new(operations.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(deliveries.clone()),
            Box::new(delivery_retry_queue.clone()),
            Box::new(delivery_oldest_age.clone()),
            Box::new(latency.clone()),
            Box::new(loader_batch.clone()),
            Box::new(direct_reads.clone()),
            Box::new(subscriptions.clone()),
            Box::new(subscription_executions.clone()),
            Box::new(event_lag.clone()),
            Box::new(pool.clone()),
        ] {
            registry.register(collector).expect("unique metric names");
        }
        Self {
            registry,
            operations,
            latency,
            loader_batch,
            direct_reads,
            subscriptions,
            subscription_executions,
            event_lag,
            pool,
            deliveries,
            delivery_retry_queue,
            delivery_oldest_age,
            names: Mutex::new(HashSet::new()),
        }
    }

    /// The name label of an operation: `anonymous`, a name already seen, a new name while fewer
    /// than [`MAX_OPERATION_NAMES`] are known, else `other`.
    pub fn operation_label(&self, name: Option<&str>) -> String {
        let Some(name) = name.filter(|n| !n.is_empty()) else {
            return "anonymous".into();
        };
        let mut names = self.names.lock().unwrap_or_else(|e| e.into_inner());
        if names.contains(name) {
            return name.into();
        }
        if names.len() < MAX_OPERATION_NAMES {
            names.insert(name.to_owned());
            return name.into();
        }
        "other".into()
    }

    /// Records one DataLoader batch of `keys` keys.
    pub fn loader_batch(&self, loader: &str, keys: usize) {
        self.loader_batch
            .with_label_values(&[loader])
            .observe(keys as f64);
    }

    /// Counts a direct read of a known query: answered, or declined.
    pub fn direct_read(&self, answered: bool) {
        let outcome = if answered { "answered" } else { "declined" };
        self.direct_reads.with_label_values(&[outcome]).inc();
    }

    /// Counts one shared execution of a subscription's selection for an event.
    pub fn subscription_execution(&self) {
        self.subscription_executions.inc();
    }

    /// Sets the event-log lag gauge.
    pub fn set_event_lag(&self, lag: i64) {
        self.event_lag.set(lag.max(0));
    }

    /// Sets the pool gauges.
    pub fn set_pool(&self, in_use: i64, idle: i64, max: i64) {
        self.pool.with_label_values(&["in_use"]).set(in_use);
        self.pool.with_label_values(&["idle"]).set(idle);
        self.pool.with_label_values(&["max"]).set(max);
    }

    /// Counts one delivery attempt of `channel` by its outcome.
    pub fn delivery(&self, channel: &str, outcome: &str) {
        self.deliveries.with_label_values(&[channel, outcome]).inc();
    }

    /// Sets the delivery backlog gauges.
    pub fn set_delivery_backlog(&self, retrying: u64, oldest: std::time::Duration) {
        self.delivery_retry_queue
            .set(retrying.min(i64::MAX as u64) as i64);
        self.delivery_oldest_age.set(oldest.as_secs_f64());
    }

    /// Everything in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        // Encoding into a Vec cannot fail for lack of space; a failure would be a bug.
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "encoding metrics failed");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

/// The DataLoader label of a loader over entity `E` (`integration_run`, not the full path).
pub fn loader_label<E>(kind: &str) -> String {
    let path = std::any::type_name::<E>();
    let entity = path.rsplit("::").nth(1).unwrap_or(path);
    format!("{kind}:{entity}")
}

/// The name an operation goes by: the requested one, or the only named operation of the document.
pub fn operation_name(request: &Request, document: &ExecutableDocument) -> Option<String> {
    if request.operation_name.is_some() {
        return request.operation_name.clone();
    }
    match &document.operations {
        DocumentOperations::Single(_) => None,
        DocumentOperations::Multiple(ops) if ops.len() == 1 => {
            ops.keys().next().map(|n| n.to_string())
        }
        DocumentOperations::Multiple(_) => None,
    }
}

fn type_label(ty: Option<OperationType>) -> &'static str {
    match ty {
        Some(OperationType::Query) => "query",
        Some(OperationType::Mutation) => "mutation",
        Some(OperationType::Subscription) => "subscription",
        None => "unknown",
    }
}

fn outcome(errors: &[ServerError]) -> String {
    match errors.first() {
        None => "ok".into(),
        Some(e) => e
            .extensions
            .as_ref()
            .and_then(|ext| ext.get("code"))
            .and_then(|code| match code {
                async_graphql::Value::String(s) if s.len() <= 40 => Some(s.clone()),
                async_graphql::Value::Enum(s) => Some(s.to_string()),
                _ => None,
            })
            .unwrap_or_else(|| "error".into()),
    }
}

/// One GraphQL operation being observed: timed from [`Operation::start`], counted at
/// [`Operation::finish`].
#[derive(Debug)]
pub struct Operation {
    started: Instant,
    name: Option<String>,
    label: String,
    ty: Option<OperationType>,
    span: tracing::Span,
    /// Whether `span` is the HTTP request's (entered around all of the request's work already).
    on_request_span: bool,
}

/// The field of the HTTP request's span that an operation's name is recorded in (`http::router`
/// declares it, with [`OPERATION_TYPE_FIELD`] and [`PRINCIPAL_FIELD`]).
const OPERATION_NAME_FIELD: &str = "operation.name";
/// The field of the operation's type.
const OPERATION_TYPE_FIELD: &str = "operation.type";
/// The field of the caller's name.
const PRINCIPAL_FIELD: &str = "principal";

impl Operation {
    /// Starts the clock; the name is the requested one until the document is parsed.
    pub fn start(request: &Request) -> Self {
        Self {
            started: Instant::now(),
            name: request.operation_name.clone(),
            label: String::new(),
            ty: None,
            span: tracing::Span::none(),
            on_request_span: false,
        }
    }

    /// Learns the operation's name and type from the admitted request and its parsed document,
    /// and puts them, with the caller's name, on a span: the HTTP request's own when
    /// `sole_on_request` says the operation is its request's only one and the current span is
    /// that request's (declaring the fields), else a `graphql` span of its own (a child of the
    /// request's or the WebSocket's span, so it carries the request id). One span per request
    /// where it can: a second span, entered and left at every poll, cost a tenth of a one-row
    /// read's CPU.
    pub fn admitted(
        mut self,
        request: &Request,
        document: &ExecutableDocument,
        ty: Option<OperationType>,
        principal: Option<&str>,
        sole_on_request: bool,
    ) -> Self {
        self.name = operation_name(request, document);
        self.ty = ty;
        let name = self.name.as_deref().unwrap_or("anonymous");
        let principal = principal.unwrap_or("-");
        let current = sole_on_request.then(tracing::Span::current);
        match current.filter(|span| {
            span.metadata()
                .is_some_and(|m| m.fields().field(OPERATION_NAME_FIELD).is_some())
        }) {
            Some(span) => {
                span.record(OPERATION_NAME_FIELD, name);
                span.record(OPERATION_TYPE_FIELD, type_label(ty));
                span.record(PRINCIPAL_FIELD, principal);
                self.span = span;
                self.on_request_span = true;
            }
            None => {
                self.span = tracing::info_span!(
                    "graphql",
                    operation.name = name,
                    operation.r#type = type_label(ty),
                    principal = principal,
                );
            }
        }
        self
    }

    /// The span to run the operation's work in: its own, or none when it is the request's
    /// (which the HTTP layer enters around all of the request's work, so entering it again
    /// would only cost).
    pub fn span(&self) -> tracing::Span {
        if self.on_request_span {
            tracing::Span::none()
        } else {
            self.span.clone()
        }
    }

    /// Counts the operation by outcome and records its latency; gives the response back.
    pub fn finish(mut self, response: Response) -> Response {
        self.record(&response.errors);
        response
    }

    fn record(&mut self, errors: &[ServerError]) {
        let m = metrics();
        if self.label.is_empty() {
            self.label = m.operation_label(self.name.as_deref());
        }
        let ty = type_label(self.ty);
        let outcome = outcome(errors);
        let elapsed = self.started.elapsed();
        m.operations
            .with_label_values(&[self.label.as_str(), ty, outcome.as_str()])
            .inc();
        m.latency
            .with_label_values(&[self.label.as_str(), ty])
            .observe(elapsed.as_secs_f64());
        self.span.in_scope(|| {
            tracing::debug!(
                outcome,
                elapsed_ms = elapsed.as_secs_f64() * 1000.0,
                "graphql operation"
            )
        });
    }

    /// Wraps a response stream: a subscription counts as open until the stream is dropped (or
    /// the server shuts down) and is counted (and timed) at its first response; other
    /// operations at their one response.
    pub fn observe_stream(
        mut self,
        stream: futures_util::stream::BoxStream<'static, Response>,
    ) -> futures_util::stream::BoxStream<'static, Response> {
        use futures_util::StreamExt;
        let subscription =
            (self.ty == Some(OperationType::Subscription)).then(SubscriptionGuard::open);
        let mut first = true;
        // (A subscription ends on shutdown through its transport: a multipart response
        // completes, a WebSocket is closed with 1001 by its loop.)
        stream
            .map(move |response| {
                let _open = &subscription;
                if first {
                    first = false;
                    self.record(&response.errors);
                }
                response
            })
            .boxed()
    }
}

/// Counts one open subscription until dropped.
#[derive(Debug)]
struct SubscriptionGuard;

impl SubscriptionGuard {
    fn open() -> Self {
        metrics().subscriptions.inc();
        Self
    }
}

impl Drop for SubscriptionGuard {
    fn drop(&mut self) {
        metrics().subscriptions.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_are_capped_and_anonymous_has_a_label() {
        let m = Metrics::new();
        assert_eq!(m.operation_label(None), "anonymous");
        assert_eq!(m.operation_label(Some("")), "anonymous");
        for i in 0..MAX_OPERATION_NAMES {
            assert_eq!(m.operation_label(Some(&format!("op{i}"))), format!("op{i}"));
        }
        assert_eq!(m.operation_label(Some("brand_new")), "other");
        assert_eq!(m.operation_label(Some("op7")), "op7");
    }

    #[test]
    fn the_name_of_a_single_named_operation_is_found_in_the_document() {
        let mut request = Request::new("query Runs { __typename }");
        let document = request.parsed_query().unwrap().clone();
        assert_eq!(operation_name(&request, &document).as_deref(), Some("Runs"));
        let mut anonymous = Request::new("{ __typename }");
        let document = anonymous.parsed_query().unwrap().clone();
        assert_eq!(operation_name(&anonymous, &document), None);
    }

    #[test]
    fn loader_labels_name_the_entity() {
        mod integration_run {
            pub(super) struct Entity;
        }
        assert_eq!(
            loader_label::<integration_run::Entity>("by_id"),
            "by_id:integration_run"
        );
    }
}
