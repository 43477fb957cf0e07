//! The request pipeline around the schema: persisted operations, size limits, scopes, error
//! codes and waking subscribers after mutations.
//!
//! These rules used to be async-graphql extensions. With any extension registered, async-graphql
//! sends every resolved field through the extension chain (a boxed future per extension per
//! field plus a registry lookup), which made a 50-run query several times slower. Here they run
//! once per request, around an extension-free schema, and every transport (HTTP, WebSocket,
//! multipart) goes through this [`Executor`].

use std::sync::Arc;

use async_graphql::{
    BatchRequest, BatchResponse, Data, Executor, Name, Request, Response, ServerError, Value,
    Variables,
    parser::types::{ExecutableDocument, OperationDefinition, OperationType},
};
use futures_util::stream::{self, BoxStream, StreamExt};
use tracing::Instrument;

use super::{
    AppSchema,
    direct::DirectReads,
    document,
    fanout::Fanout,
    limits,
    persisted::{AutomaticPersistedQueries, PersistedOperations},
    request_errors, scopes,
    selection_order::ResponseOrder,
    validator::{self, ValidDocument, Validator},
};
use crate::{auth::Principal, broker::Broker, observability::metrics::Operation};

/// How many operations the automatic persisted-query cache keeps.
const APQ_CACHE_ENTRIES: usize = 1024;

/// The schema with the gateway's request rules in front of it.
#[derive(Clone)]
pub struct Gateway {
    schema: AppSchema,
    rules: Arc<Rules>,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway").finish_non_exhaustive()
    }
}

struct Rules {
    limits: limits::QueryLimits,
    persisted: Option<Arc<PersistedOperations>>,
    automatic: Option<AutomaticPersistedQueries>,
    broker: Arc<Broker>,
    /// The caller of requests that name none (when authentication is off).
    default_principal: Option<Principal>,
    /// Answers known queries without the per-field resolvers, when enabled.
    direct: Option<DirectReads>,
    /// Documents seen lately, by their text.
    documents: Documents,
    /// The spec's validation, in front of async-graphql's.
    validator: Validator,
    /// Subscriptions sharing one execution per event.
    fanout: Fanout,
}

/// How many documents are kept.
const DOCUMENTS: usize = 1024;

/// The most text the cache keeps, all documents together (typical documents are under 2 KiB).
const MAX_CACHED_TEXT_BYTES: usize = 2 * 1024 * 1024;

/// Documents longer than this are parsed every time (so the cache stays small).
const MAX_CACHED_DOCUMENT_BYTES: usize = 16 * 1024;

/// Documents by their text: clients send the same few operations over and over. async-graphql's
/// parser took 7% of the CPU of a 50-run query (bench/run). The tree is shared: a direct read
/// only reads it, and only a request that goes to the executor copies it (a fraction of parsing
/// again). Each entry also keeps the validator's verdict on the text.
struct Documents {
    cache: std::sync::Mutex<Cache>,
}

/// The documents and the size of their texts together (kept as entries come and go: summing
/// 1,024 texts on every new document cost more than validating a small one).
struct Cache {
    /// Hashed with foldhash (randomly seeded per process) rather than SipHash: the text is
    /// hashed on every request, and SipHash took a visible share of a one-row read.
    documents: lru::LruCache<String, Document, foldhash::fast::RandomState>,
    text_bytes: usize,
}

/// A document in the cache.
struct Document {
    /// Shared with the requests that use it: a direct read only reads it, and the executor
    /// gets a copy of its own.
    tree: Arc<ExecutableDocument>,
    /// The validator's verdict on the text (the operation and variables are checked per request).
    checked: Checked,
}

/// The validator's verdict on a document.
type Checked = Result<ValidDocument, Vec<ServerError>>;

/// What the cache knew of a request's document.
struct Lookup {
    /// The tree and the validator's verdict, when the document is cached.
    known: Option<(Arc<ExecutableDocument>, Checked)>,
    /// The text to [`keep`](Documents::keep) once it parses (not cached yet, not too long).
    unparsed: Option<String>,
}

impl Documents {
    fn new() -> Self {
        Self {
            cache: std::sync::Mutex::new(Cache {
                documents: lru::LruCache::with_hasher(
                    std::num::NonZeroUsize::new(DOCUMENTS).unwrap_or(std::num::NonZeroUsize::MIN),
                    foldhash::fast::RandomState::default(),
                ),
                text_bytes: 0,
            }),
        }
    }

    /// The parsed form of `request`'s text if it is known.
    fn fill(&self, request: &Request) -> Lookup {
        if request.query.len() > MAX_CACHED_DOCUMENT_BYTES {
            return Lookup {
                known: None,
                unparsed: None,
            };
        }
        let known = self.cache.lock().ok().and_then(|mut cache| {
            cache
                .documents
                .get(&request.query)
                .map(|doc| (doc.tree.clone(), doc.checked.clone()))
        });
        match known {
            Some(known) => Lookup {
                known: Some(known),
                unparsed: None,
            },
            None => Lookup {
                known: None,
                unparsed: Some(request.query.clone()),
            },
        }
    }

    /// Remembers a document that parsed, with the validator's verdict.
    fn keep(&self, query: String, tree: Arc<ExecutableDocument>, checked: Checked) {
        if let Ok(mut cache) = self.cache.lock() {
            let Cache {
                documents,
                text_bytes,
            } = &mut *cache;
            *text_bytes += query.len();
            let document = Document { tree, checked };
            // The entry it replaces (the same text) or evicts (the least recently used).
            if let Some((text, _)) = documents.push(query, document) {
                *text_bytes -= text.len();
            }
            // A parsed and validated document takes many times its text's memory: the cache is
            // bounded by the texts' total size too, so distinct 16 KiB documents cannot make it
            // hold hundreds of megabytes.
            while *text_bytes > MAX_CACHED_TEXT_BYTES {
                match documents.pop_lru() {
                    Some((text, _)) => *text_bytes -= text.len(),
                    None => break,
                }
            }
        }
    }
}

/// What the checks found out about a request that may run.
struct Admitted {
    /// The request, without its parsed document until the executor needs it
    /// ([`executable`](Self::executable)).
    request: Request,
    /// The parsed document.
    tree: Arc<ExecutableDocument>,
    operation: Option<OperationType>,
    /// The validated document (its field types complete the answer's field errors).
    document: ValidDocument,
}

impl Admitted {
    /// Gives the request its parsed document, for the executor (which would parse the text
    /// again without it).
    fn executable(&mut self) {
        self.request.set_parsed_query((*self.tree).clone());
    }
}

impl Gateway {
    /// Puts the rules in front of `schema`.
    pub fn new(
        schema: AppSchema,
        limits: limits::QueryLimits,
        persisted: Option<Arc<PersistedOperations>>,
        broker: Arc<Broker>,
        default_principal: Option<Principal>,
        direct: Option<DirectReads>,
    ) -> Self {
        let strict = persisted.as_ref().is_some_and(|p| p.strict());
        // The schema is the program's own: tests prove apollo-compiler takes its SDL.
        #[allow(clippy::expect_used)]
        let validator = Validator::new(&schema.sdl()).expect("the schema's SDL validates");
        Self {
            schema,
            rules: Arc::new(Rules {
                limits,
                persisted,
                automatic: (!strict).then(|| AutomaticPersistedQueries::new(APQ_CACHE_ENTRIES)),
                broker: broker.clone(),
                default_principal,
                direct,
                documents: Documents::new(),
                validator,
                fanout: Fanout::new(broker.clone(), broker.capacity()),
            }),
        }
    }

    /// The schema behind the rules.
    pub fn schema(&self) -> &AppSchema {
        &self.schema
    }

    /// Runs every check that comes before execution, in order: persisted operations, the
    /// lexical limits, parsing, the document limits and the caller's scope.
    fn admit(
        &self,
        mut request: Request,
        session: Option<&Data>,
    ) -> Result<Admitted, Vec<ServerError>> {
        if let Some(list) = &self.rules.persisted {
            request = list.resolve(request).map_err(|e| vec![e])?;
        }
        if let Some(automatic) = &self.rules.automatic {
            request = automatic.resolve(request).map_err(|e| vec![e])?;
        }
        let lookup = self.rules.documents.fill(&request);
        // A cached text passed the lexical limits when it was first seen (they are the
        // server's, fixed), so only a new text is scanned.
        if lookup.known.is_none() {
            self.rules
                .limits
                .check_text(&request.query)
                .map_err(|e| vec![e])?;
        }
        let operation_name = request.operation_name.clone();
        let mut variables = std::mem::take(&mut request.variables);
        // The spec's parse and validation of the text, once per document (cached with the tree).
        let (tree, checked) = match lookup.known {
            Some(known) => known,
            None => {
                // Descriptions blanked out (apollo-parser does not read them yet; they mean
                // nothing to execution), positions kept.
                let text = document::without_descriptions(&request.query);
                let ast = self.rules.validator.parse(&text).map_err(|errors| {
                    errors.into_iter().map(limits::shorten).collect::<Vec<_>>()
                })?;
                // The one parse: async-graphql executes this tree and never parses the text.
                let tree = Arc::new(document::executable(&text, &ast));
                let checked = self
                    .rules
                    .limits
                    .check_document(&tree)
                    .map_err(|e| vec![e])
                    .and_then(|()| self.rules.validator.validate(&ast));
                if let Some(text) = lookup.unparsed {
                    self.rules
                        .documents
                        .keep(text, tree.clone(), checked.clone());
                }
                (tree, checked)
            }
        };
        let valid_document = checked?;
        let doc: &ExecutableDocument = &tree;
        let definition = scopes::operation_definition(doc, operation_name.as_deref());
        let operation = definition.map(|op| op.ty);
        // async-graphql applies declared defaults when a resolver reads a variable, but not
        // when it evaluates @skip/@include (a missing `$flag: Boolean = true` counts as false
        // there); giving the defaults as values makes both follow the spec.
        for (name, value) in variable_defaults(definition, &variables) {
            variables.insert(name, value);
        }
        // Before async-graphql parses any value into a type (recursively: a deep enough
        // filter overflowed a stack) or a filter reaches the database.
        self.rules
            .limits
            .check_input(doc, &variables)
            .map_err(|e| vec![e])?;
        // The spec's coercion of the variables, now that they are known to be bounded.
        validator::integral_numbers(&mut variables);
        self.rules
            .validator
            .request(&valid_document, operation_name.as_deref(), &variables)?;
        if let Some(operation) = operation {
            let principal = data_of::<Principal>(&request.data)
                .or_else(|| session.and_then(data_of::<Principal>))
                .or(self.rules.default_principal.as_ref());
            scopes::authorize(principal, operation)
                .map_err(|e| vec![crate::error::AppError::into_request_error(e)])?;
        }
        request.variables = variables;
        Ok(Admitted {
            request,
            tree,
            operation,
            document: valid_document,
        })
    }

    /// [`admit`](Self::admit), on a blocking thread for a document too long to be cached:
    /// parsing a large document (up to --max-body-bytes) must not hold a runtime worker, which
    /// other requests (and `/healthz`) need; being awaited, it stays under the request timeout.
    /// Short documents are admitted in place (a cached one is not even parsed).
    async fn admit_off_workers(
        &self,
        request: Request,
        session: Option<Arc<Data>>,
    ) -> Result<Admitted, Vec<ServerError>> {
        if request.query.len() <= MAX_CACHED_DOCUMENT_BYTES {
            return self.admit(request, session.as_deref());
        }
        let gateway = self.clone();
        tokio::task::spawn_blocking(move || gateway.admit(request, session.as_deref()))
            .await
            .unwrap_or_else(|_| {
                Err(vec![
                    crate::error::AppError::Internal("the request's checks failed".into())
                        .into_request_error(),
                ])
            })
    }

    /// Runs a large document on a blocking thread: async-graphql validates it synchronously,
    /// in time that grows with the document, and that must not hold a runtime worker either.
    /// Dropping the returned future (the request timeout) cancels the execution at its next
    /// await, so a timed-out mutation still rolls back.
    async fn execute_off_workers(&self, request: Request) -> Response {
        let schema = self.schema.clone();
        let handle = tokio::runtime::Handle::current();
        // Dropped with this future: `cancelled` then resolves and the execution is dropped.
        let (_cancel, cancelled) = tokio::sync::oneshot::channel::<()>();
        let run = tokio::task::spawn_blocking(move || {
            handle.block_on(async move {
                tokio::select! {
                    response = schema.execute(request) => Some(response),
                    _ = cancelled => None,
                }
            })
        });
        match run.await {
            Ok(Some(response)) => response,
            _ => Response::from_errors(vec![
                crate::error::AppError::Internal("the request was cancelled".into())
                    .into_request_error(),
            ]),
        }
    }

    /// The name of the caller of `request` (for the operation's span).
    fn principal_name<'a>(
        &'a self,
        request: &'a Request,
        session: Option<&'a Data>,
    ) -> Option<&'a str> {
        self.principal(request, session).map(|p| p.name.as_str())
    }

    /// The caller of `request`.
    fn principal<'a>(
        &'a self,
        request: &'a Request,
        session: Option<&'a Data>,
    ) -> Option<&'a Principal> {
        data_of::<Principal>(&request.data)
            .or_else(|| session.and_then(data_of::<Principal>))
            .or(self.rules.default_principal.as_ref())
    }

    /// How many times subscriptions' selections were executed for an event: once per event for
    /// every group of subscribers with the same document, variables and scopes.
    pub fn subscription_executions(&self) -> u64 {
        self.rules.fanout.executions()
    }

    /// How many groups of subscribers share an execution.
    pub fn subscription_groups(&self) -> usize {
        self.rules.fanout.groups()
    }
}

impl Gateway {
    /// A direct read of an admitted query, when direct reads are on; `None` when it is no query
    /// or the direct read declines. Admission is every check async-graphql would make (the
    /// spec's validation, its depth, complexity and nesting limits), so even the first request
    /// of a document may be read directly.
    async fn read_directly(&self, admitted: &mut Admitted) -> Option<Response> {
        let direct = self.rules.direct.as_ref()?;
        if admitted.operation != Some(OperationType::Query) {
            return None;
        }
        direct.execute(&admitted.tree, &admitted.request).await
    }

    /// A query's one response on a streaming transport: a direct read when possible, else the
    /// schema's.
    async fn query_stream(
        self,
        mut admitted: Admitted,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        match self.read_directly(&mut admitted).await {
            Some(response) => stream::once(async move { response }).boxed(),
            None => Executor::execute_stream(&self.schema, admitted.request, session_data),
        }
    }
}

/// The declared defaults of the operation's variables that `given` leaves out.
fn variable_defaults(
    operation: Option<&OperationDefinition>,
    given: &Variables,
) -> Vec<(Name, Value)> {
    operation
        .into_iter()
        .flat_map(|op| &op.variable_definitions)
        .filter(|def| !given.contains_key(&def.node.name.node))
        .filter_map(|def| {
            let default = def.node.default_value.as_ref()?;
            Some((def.node.name.node.clone(), default.node.clone()))
        })
        .collect()
}

/// A value of type `T` in request or session data.
fn data_of<T: 'static>(data: &Data) -> Option<&T> {
    data.get(&std::any::TypeId::of::<T>())
        .and_then(|value| value.downcast_ref::<T>())
}

impl Executor for Gateway {
    async fn execute(&self, request: Request) -> Response {
        self.execute_one(request, true).await
    }

    async fn execute_batch(&self, batch_request: BatchRequest) -> BatchResponse {
        match batch_request {
            BatchRequest::Single(request) => BatchResponse::Single(self.execute(request).await),
            // In order, one after another: a batch's mutations must not race each other. Each
            // operation has a span of its own (they share the request's).
            BatchRequest::Batch(requests) => {
                let mut responses = Vec::with_capacity(requests.len());
                for request in requests {
                    responses.push(self.execute_one(request, false).await);
                }
                BatchResponse::Batch(responses)
            }
        }
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let gateway = self.clone();
        // Boxed, so that admission's state is freed once it is done; unboxed, the flattened
        // stream kept room for it as long as a subscription lived (~1.5 KiB per subscriber).
        stream::once(Box::pin(gateway.admitted_stream(request, session_data)))
            .flatten()
            .boxed()
    }
}

impl Gateway {
    /// Runs one query or mutation; `sole_on_request` when it is its HTTP request's only
    /// operation (its name, type and caller then go on the request's span).
    async fn execute_one(&self, request: Request, sole_on_request: bool) -> Response {
        // Metrics and the operation's span (observability/metrics.rs): counted by name and outcome.
        let observed = Operation::start(&request);
        let mut admitted = match self.admit_off_workers(request, None).await {
            Ok(admitted) => admitted,
            Err(errors) => {
                let refused = request_errors::tag_response(Response::from_errors(errors));
                return observed.finish(refused);
            }
        };
        let principal = self
            .principal_name(&admitted.request, None)
            .map(str::to_owned);
        let observed = observed.admitted(
            &admitted.request,
            &admitted.tree,
            admitted.operation,
            principal.as_deref(),
            sole_on_request,
        );
        if let Some(response) = self
            .read_directly(&mut admitted)
            .instrument(observed.span())
            .await
        {
            return observed.finish(response);
        }
        admitted.executable();
        // What the answer's order follows (the request moves into the execution).
        let selection = ResponseOrder::of(&mut admitted.request, admitted.document.clone());
        let mut response = if admitted.request.query.len() > MAX_CACHED_DOCUMENT_BYTES {
            self.execute_off_workers(admitted.request)
                .instrument(observed.span())
                .await
        } else {
            self.schema
                .execute(admitted.request)
                .instrument(observed.span())
                .await
        };
        if let Some(selection) = &selection {
            selection.reorder(&mut response);
        }
        if admitted.operation == Some(OperationType::Mutation) {
            // Subscribers hear of the change at once rather than at the dispatcher's next poll.
            self.rules.broker.notify();
        }
        observed.finish(request_errors::tag_response(response))
    }
}

impl Gateway {
    /// [`Executor::execute_stream`] once the request is admitted (or refused).
    async fn admitted_stream(
        self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let observed = Operation::start(&request);
        match self.admit_off_workers(request, session_data.clone()).await {
            Ok(mut admitted) => {
                let mutation = admitted.operation == Some(OperationType::Mutation);
                let broker = self.rules.broker.clone();
                let principal = self
                    .principal_name(&admitted.request, session_data.as_deref())
                    .map(str::to_owned);
                // Streams (WebSocket operations, multipart subscriptions) outlive or share
                // their HTTP request: each has its own span.
                let observed = observed.admitted(
                    &admitted.request,
                    &admitted.tree,
                    admitted.operation,
                    principal.as_deref(),
                    false,
                );
                admitted.executable();
                // Every answer in selection order (direct reads are already; subscription
                // events are not).
                let selection = ResponseOrder::of(&mut admitted.request, admitted.document.clone());
                if admitted.operation == Some(OperationType::Subscription) {
                    // One execution per event for every subscriber of the same document,
                    // variables and scopes; the answers come in order and tagged.
                    let principal = self
                        .principal(&admitted.request, session_data.as_deref())
                        .cloned();
                    let responses = self.rules.fanout.subscribe(
                        &self.schema,
                        admitted.request,
                        principal,
                        session_data,
                        selection,
                    );
                    return observed.observe_stream(responses);
                }
                let responses = if admitted.operation == Some(OperationType::Query)
                    && self.rules.direct.is_some()
                {
                    // A query over a WebSocket (the dashboard's) may be read directly too.
                    let gateway = self.clone();
                    stream::once(gateway.query_stream(admitted, session_data))
                        .flatten()
                        .boxed()
                } else {
                    Executor::execute_stream(&self.schema, admitted.request, session_data)
                };
                let responses = responses
                    .map(move |mut response| {
                        // A mutation over a WebSocket answers once, after its commit.
                        if mutation {
                            broker.notify();
                        }
                        if let Some(selection) = &selection {
                            selection.reorder(&mut response);
                        }
                        request_errors::tag_response(response)
                    })
                    .boxed();
                observed.observe_stream(responses)
            }
            Err(errors) => {
                let refused = request_errors::tag_response(Response::from_errors(errors));
                stream::once(async move { observed.finish(refused) }).boxed()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_cache_is_bounded_by_the_size_of_its_texts() {
        let documents = Documents::new();
        let tree = Arc::new(async_graphql::parser::parse_query("{ a }").unwrap());
        for i in 0..300 {
            let text = format!("{{ a }} # {i:05} {}", "x".repeat(16 * 1024 - 20));
            documents.keep(text, tree.clone(), Err(Vec::new()));
            // The same text again replaces its entry: counted once.
            if i % 7 == 0 {
                let again = format!("{{ a }} # {i:05} {}", "x".repeat(16 * 1024 - 20));
                documents.keep(again, tree.clone(), Err(Vec::new()));
            }
        }
        // Small documents beyond the count bound evict the oldest.
        for i in 0..2 * DOCUMENTS {
            documents.keep(format!("{{ b }} # {i}"), tree.clone(), Err(Vec::new()));
        }
        let cache = documents.cache.lock().unwrap();
        let bytes: usize = cache.documents.iter().map(|(text, _)| text.len()).sum();
        assert_eq!(cache.text_bytes, bytes, "the running total is the sum");
        assert!(bytes <= MAX_CACHED_TEXT_BYTES, "{bytes}");
        assert_eq!(cache.documents.len(), DOCUMENTS);
        // The newest are kept.
        let last = format!("{{ b }} # {}", 2 * DOCUMENTS - 1);
        assert!(cache.documents.iter().any(|(text, _)| *text == last));
    }

    #[test]
    fn large_documents_are_bounded_by_size_first() {
        let documents = Documents::new();
        let tree = Arc::new(async_graphql::parser::parse_query("{ a }").unwrap());
        for i in 0..300 {
            let text = format!("{{ a }} # {i:05} {}", "x".repeat(16 * 1024 - 20));
            documents.keep(text, tree.clone(), Err(Vec::new()));
        }
        let cache = documents.cache.lock().unwrap();
        assert!(
            cache.text_bytes <= MAX_CACHED_TEXT_BYTES,
            "{}",
            cache.text_bytes
        );
        assert!(cache.documents.len() >= 100, "{}", cache.documents.len());
        assert!(
            cache
                .documents
                .iter()
                .any(|(text, _)| text.contains("# 00299 "))
        );
    }
}
