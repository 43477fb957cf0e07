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
    limits,
    persisted::{AutomaticPersistedQueries, PersistedOperations},
    request_errors, scopes,
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
    /// Documents parsed lately, by their text.
    parsed: ParsedDocuments,
}

/// How many parsed documents are kept.
const PARSED_DOCUMENTS: usize = 1024;

/// Documents longer than this are parsed every time (so the cache stays small).
const MAX_CACHED_DOCUMENT_BYTES: usize = 16 * 1024;

/// Parsed documents by their text: clients send the same few operations over and over, and
/// async-graphql's parser took 7% of the CPU of a 50-run query (bench/run); a clone of the tree
/// costs a fraction of parsing it again.
struct ParsedDocuments {
    cache: std::sync::Mutex<lru::LruCache<String, ExecutableDocument>>,
}

impl ParsedDocuments {
    fn new() -> Self {
        Self {
            cache: std::sync::Mutex::new(lru::LruCache::new(
                std::num::NonZeroUsize::new(PARSED_DOCUMENTS)
                    .unwrap_or(std::num::NonZeroUsize::MIN),
            )),
        }
    }

    /// Gives `request` the parsed form of its text if it is known; otherwise answers the text
    /// to [`keep`](Self::keep) once it parses (`None` for texts too long to keep).
    fn fill(&self, request: &mut Request) -> Option<String> {
        if request.query.len() > MAX_CACHED_DOCUMENT_BYTES {
            return None;
        }
        let doc = match self.cache.lock() {
            Ok(mut cache) => cache.get(&request.query).cloned(),
            Err(_) => None,
        };
        match doc {
            Some(doc) => {
                request.set_parsed_query(doc);
                None
            }
            None => Some(request.query.clone()),
        }
    }

    /// Remembers a document that parsed.
    fn keep(&self, query: String, doc: &ExecutableDocument) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.put(query, doc.clone());
        }
    }
}

/// What the checks found out about a request that may run.
struct Admitted {
    request: Request,
    operation: Option<OperationType>,
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
        Self {
            schema,
            rules: Arc::new(Rules {
                limits,
                persisted,
                automatic: (!strict).then(|| AutomaticPersistedQueries::new(APQ_CACHE_ENTRIES)),
                broker,
                default_principal,
                direct,
                parsed: ParsedDocuments::new(),
            }),
        }
    }

    /// The schema behind the rules.
    pub fn schema(&self) -> &AppSchema {
        &self.schema
    }

    /// Runs every check that comes before execution, in order: persisted operations, the
    /// lexical limits, parsing, the document limits and the caller's scope.
    fn admit(&self, mut request: Request, session: Option<&Data>) -> Result<Admitted, ServerError> {
        if let Some(list) = &self.rules.persisted {
            request = list.resolve(request)?;
        }
        if let Some(automatic) = &self.rules.automatic {
            request = automatic.resolve(request)?;
        }
        self.rules.limits.check_text(&request.query)?;
        let operation_name = request.operation_name.clone();
        let mut variables = std::mem::take(&mut request.variables);
        let unparsed = self.rules.parsed.fill(&mut request);
        let doc = request
            .parsed_query()
            .map_err(|e| limits::shorten(e.clone()))?;
        if let Some(text) = unparsed {
            self.rules.parsed.keep(text, doc);
        }
        self.rules.limits.check_document(doc)?;
        let definition = scopes::operation_definition(doc, operation_name.as_deref());
        let operation = definition.map(|op| op.ty);
        // async-graphql applies declared defaults when a resolver reads a variable, but not
        // when it evaluates @skip/@include (a missing `$flag: Boolean = true` counts as false
        // there); giving the defaults as values makes both follow the spec.
        for (name, value) in variable_defaults(definition, &variables) {
            variables.insert(name, value);
        }
        if let Some(operation) = operation {
            let principal = data_of::<Principal>(&request.data)
                .or_else(|| session.and_then(data_of::<Principal>))
                .or(self.rules.default_principal.as_ref());
            scopes::authorize(principal, operation).map_err(|e| {
                async_graphql::Error::from(e).into_server_error(async_graphql::Pos::default())
            })?;
        }
        request.variables = variables;
        Ok(Admitted { request, operation })
    }

    /// The name of the caller of `request` (for the operation's span).
    fn principal_name<'a>(
        &'a self,
        request: &'a Request,
        session: Option<&'a Data>,
    ) -> Option<&'a str> {
        data_of::<Principal>(&request.data)
            .or_else(|| session.and_then(data_of::<Principal>))
            .or(self.rules.default_principal.as_ref())
            .map(|p| p.name.as_str())
    }
}

impl Gateway {
    /// A query's one response on a streaming transport: a direct read when its document is
    /// known, else the schema's (which then teaches the direct path the document).
    async fn query_stream(
        self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let Some(direct) = &self.rules.direct else {
            return Executor::execute_stream(&self.schema, request, session_data);
        };
        if direct.knows(&request) {
            if let Some(response) = direct.execute(&mut request).await {
                return stream::once(async move { response }).boxed();
            }
            return Executor::execute_stream(&self.schema, request, session_data);
        }
        let document = (request.query.clone(), request.operation_name.clone());
        let rules = self.rules.clone();
        Executor::execute_stream(&self.schema, request, session_data)
            .map(move |response| {
                if let Some(direct) = &rules.direct {
                    direct.learn(document.0.clone(), document.1.clone(), &response);
                }
                response
            })
            .boxed()
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
        // Metrics and the operation's span (observability/metrics.rs): counted by name and outcome.
        let observed = Operation::start(&request);
        let mut admitted = match self.admit(request, None) {
            Ok(admitted) => admitted,
            Err(error) => return observed.finish(Response::from_errors(vec![error])),
        };
        let principal = self
            .principal_name(&admitted.request, None)
            .map(str::to_owned);
        let observed = observed.admitted(
            &mut admitted.request,
            admitted.operation,
            principal.as_deref(),
        );
        // A query whose document the schema has already run is read directly when possible;
        // the first run of a document teaches the direct path that it is valid.
        let mut learn = None;
        if let (Some(direct), Some(OperationType::Query)) = (&self.rules.direct, admitted.operation)
        {
            if direct.knows(&admitted.request) {
                let answer = direct
                    .execute(&mut admitted.request)
                    .instrument(observed.span())
                    .await;
                if let Some(response) = answer {
                    return observed.finish(response);
                }
            } else {
                learn = Some((
                    admitted.request.query.clone(),
                    admitted.request.operation_name.clone(),
                ));
            }
        }
        let response = self
            .schema
            .execute(admitted.request)
            .instrument(observed.span())
            .await;
        if let (Some(direct), Some((query, operation_name))) = (&self.rules.direct, learn) {
            direct.learn(query, operation_name, &response);
        }
        if admitted.operation == Some(OperationType::Mutation) {
            // Subscribers hear of the change at once rather than at the dispatcher's next poll.
            self.rules.broker.notify();
        }
        observed.finish(request_errors::tag_response(response))
    }

    async fn execute_batch(&self, batch_request: BatchRequest) -> BatchResponse {
        match batch_request {
            BatchRequest::Single(request) => BatchResponse::Single(self.execute(request).await),
            // In order, one after another: a batch's mutations must not race each other.
            BatchRequest::Batch(requests) => {
                let mut responses = Vec::with_capacity(requests.len());
                for request in requests {
                    responses.push(self.execute(request).await);
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
        let observed = Operation::start(&request);
        match self.admit(request, session_data.as_deref()) {
            Ok(mut admitted) => {
                let mutation = admitted.operation == Some(OperationType::Mutation);
                let broker = self.rules.broker.clone();
                let principal = self
                    .principal_name(&admitted.request, session_data.as_deref())
                    .map(str::to_owned);
                let observed = observed.admitted(
                    &mut admitted.request,
                    admitted.operation,
                    principal.as_deref(),
                );
                let responses = if admitted.operation == Some(OperationType::Query)
                    && self.rules.direct.is_some()
                {
                    // A query over a WebSocket (the dashboard's) may be read directly too.
                    let gateway = self.clone();
                    stream::once(gateway.query_stream(admitted.request, session_data))
                        .flatten()
                        .boxed()
                } else {
                    Executor::execute_stream(&self.schema, admitted.request, session_data)
                };
                let responses = responses
                    .map(move |response| {
                        // A mutation over a WebSocket answers once, after its commit.
                        if mutation {
                            broker.notify();
                        }
                        request_errors::tag_response(response)
                    })
                    .boxed();
                observed.observe_stream(responses)
            }
            Err(error) => {
                stream::once(async move { observed.finish(Response::from_errors(vec![error])) })
                    .boxed()
            }
        }
    }
}
