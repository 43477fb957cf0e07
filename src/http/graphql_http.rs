//! GraphQL-over-HTTP transport for the GraphQL endpoint.
//!
//! async-graphql-axum's stock `GraphQL` service always answers 200 with
//! `application/graphql-response+json`, returns `{:?}` text for unreadable requests and runs
//! mutations over GET. That fails several rules of the GraphQL-over-HTTP spec, so this module
//! has its own handlers. They pass graphql-http 1.23's `auditServer`: 13/13 MUST, 23/23
//! SHOULD, 25/25 MAY.
//!
//! What the handlers do:
//! - They pick the response media type from `Accept`. Of `application/graphql-response+json`,
//!   `application/json`, `application/*` and `*/*`, the one with the highest q-value wins, and
//!   ties go to the one listed first. The last three all mean `application/json`. A request with
//!   no `Accept` header gets `application/json`. If `Accept` allows none of them, the answer is
//!   406.
//! - Request errors are parse, validation and variable-coercion errors. Under
//!   `application/graphql-response+json` they get 400 and a body without a `data` key. Under
//!   `application/json` they get 200.
//! - A POST body must be JSON (a single request or a batch) or multipart. Anything else gets
//!   415. A body that can't be read gets 400, and one that is too large gets 413. Every such
//!   refusal has a JSON `{"errors":[{"message":…,"extensions":{"code":…}}]}` body, its code
//!   chosen from the status by `transport_code`.
//! - A GET is a WebSocket upgrade (`graphql-transport-ws` or `graphql-ws`), or GraphiQL for a
//!   browser, or a GraphQL-over-HTTP request. Mutations are refused over GET with 405 and
//!   `Allow: POST`.

use std::{collections::BTreeMap, sync::Arc};

use async_graphql::{
    BatchRequest, BatchResponse, Executor, ParseRequestError, Request as GqlRequest,
    Response as GqlResponse, ServerError, Value, Variables,
    http::{ALL_WEBSOCKET_PROTOCOLS, WebSocketProtocols},
    parser::{
        parse_query,
        types::{DocumentOperations, OperationType},
    },
};
use async_graphql_axum::{
    GraphQLBatchRequest, GraphQLProtocol, GraphQLWebSocket, rejection::GraphQLRejection,
};
use axum::{
    RequestExt, Router,
    extract::{
        FromRequest, Query, Request, State, WebSocketUpgrade,
        ws::rejection::WebSocketUpgradeRejection,
    },
    http::{HeaderMap, HeaderValue, StatusCode, Uri, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::{Deserialize, Serialize};

use super::{
    auth::{HttpAuth, Rejection, payload_authorization},
    explorer::Explorer,
};
use crate::{
    auth::{Principal, rate_limit::retry_after_secs},
    error::AppError,
};

/// The request extension that lets an empty `query` through.
/// With Automatic Persisted Queries the client sends only a hash, and the APQ extension fills in
/// the document.
const PERSISTED_QUERY_EXTENSION: &str = "persistedQuery";

/// Read and write buffer of a WebSocket connection (larger messages still pass).
const WS_BUFFER: usize = 4 * 1024;

/// How long a WebSocket peer has to answer the server's keep-alive ping.
const KEEPALIVE: std::time::Duration = std::time::Duration::from_secs(30);

/// This body is sent only if serde_json can't serialize one of our own bodies. That shouldn't
/// happen, but a panic on the request path would be worse.
const FALLBACK_ERROR_BODY: &[u8] = br#"{"errors":[{"message":"internal error while encoding the response","extensions":{"code":"INTERNAL"}}]}"#;

/// Builds the /graphql route: GET (GraphiQL for browsers / GraphQL-over-HTTP GET / WebSocket upgrade) and POST.
///
/// `endpoint` must start with `/`, because axum panics at construction otherwise. GraphiQL uses
/// that path for queries and subscriptions, and its assets are served under `<endpoint>/assets/`.
/// POST bodies are limited by an outer `DefaultBodyLimit`, or by axum's default of 2 MiB if there
/// is none.
pub fn graphql_routes<E>(
    executor: E,
    endpoint: &'static str,
    limits: HttpLimits,
    auth: Option<HttpAuth>,
) -> Router
where
    E: Executor + Clone + Send + Sync + 'static,
{
    // The explorer page never changes, so render it once here instead of on every browser GET.
    let explorer = Arc::new(Explorer::new(endpoint));
    Router::new()
        .route(
            endpoint,
            get(graphql_get::<E>)
                .post(graphql_post::<E>)
                // Any other method (PUT, DELETE, …) gets a JSON 405 too, so error bodies keep
                // one shape. axum's default 405 has an empty body.
                .fallback(method_not_allowed),
        )
        .with_state(GraphqlState {
            executor,
            explorer: explorer.clone(),
            limits,
            auth,
        })
        .merge(explorer.asset_routes())
}

/// Limits of the HTTP transport.
#[derive(Clone, Copy, Debug)]
pub struct HttpLimits {
    /// The most operations one batched request may carry.
    pub max_batch_operations: usize,
    /// How long a query or mutation may run; it is then cancelled (a mutation's transaction rolls
    /// back) and answered 504.
    pub timeout: std::time::Duration,
    /// The largest WebSocket message (a `subscribe` carries a whole document and its
    /// variables): the request body limit, which WebSocket messages would otherwise bypass.
    pub max_message_bytes: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            max_batch_operations: 10,
            timeout: std::time::Duration::from_secs(30),
            max_message_bytes: 1024 * 1024,
        }
    }
}

/// Answers 504 with a JSON error when the request outlives the limit.
fn timed_out(format: ResponseFormat, limit: std::time::Duration) -> Response {
    error_response(
        StatusCode::GATEWAY_TIMEOUT,
        format,
        &format!(
            "the request ran longer than {} ms and was cancelled",
            limit.as_millis()
        ),
    )
}

/// Router state: the executor (usually a `Schema`) and the pre-rendered explorer page.
#[derive(Clone)]
struct GraphqlState<E> {
    executor: E,
    explorer: Arc<Explorer>,
    limits: HttpLimits,
    /// `None` runs every request without a principal (the transport's own tests).
    auth: Option<HttpAuth>,
}

impl<E> GraphqlState<E> {
    /// The caller of a request, or the response that turns it away.
    async fn caller(
        &self,
        headers: &HeaderMap,
        format: ResponseFormat,
    ) -> Result<Option<Principal>, Response> {
        match &self.auth {
            None => Ok(None),
            Some(auth) => auth
                .principal(headers)
                .await
                .map(Some)
                .map_err(|rejection| rejection_to_response(rejection, format)),
        }
    }
}

/// Gives a request its caller: the principal (for the scope check) and the actor (for
/// created_by / updated_by).
fn with_caller(request: GqlRequest, principal: &Option<Principal>) -> GqlRequest {
    match principal {
        Some(principal) => request.data(principal.actor()).data(principal.clone()),
        None => request,
    }
}

/// A refused caller as one coded error, and the status HTTP answers it with: 401
/// `UNAUTHENTICATED`, 429 `RATE_LIMITED` or 503 `UNAVAILABLE`. WebSocket handshakes refuse with
/// the same error.
fn rejection_error(rejection: &Rejection) -> (StatusCode, ServerError) {
    match rejection {
        Rejection::Unauthenticated(error) => (
            StatusCode::UNAUTHORIZED,
            AppError::Unauthenticated(error.clone()).into_request_error(),
        ),
        Rejection::RateLimited(wait) => transport_error(
            StatusCode::TOO_MANY_REQUESTS,
            &format!(
                "too many requests for this token; retry in {} s",
                retry_after_secs(*wait)
            ),
        ),
        Rejection::Unavailable => transport_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "credentials cannot be checked right now; try again shortly",
        ),
    }
}

/// 401 with a challenge, 429 with Retry-After, or 503.
fn rejection_to_response(rejection: Rejection, format: ResponseFormat) -> Response {
    let (status, error) = rejection_error(&rejection);
    let mut response = errors_response(status, format, &[error]);
    let header = match rejection {
        Rejection::Unauthenticated(error) => HeaderValue::from_str(&error.challenge())
            .ok()
            .map(|value| (header::WWW_AUTHENTICATE, value)),
        Rejection::RateLimited(wait) => Some((
            header::RETRY_AFTER,
            HeaderValue::from(retry_after_secs(wait)),
        )),
        Rejection::Unavailable => None,
    };
    if let Some((name, value)) = header {
        response.headers_mut().insert(name, value);
    }
    response
}

/// The media type of a GraphQL response, as negotiated from `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ResponseFormat {
    /// `application/graphql-response+json`: request errors get 4xx.
    GraphqlResponseJson,
    /// `application/json`, the legacy type: request errors still get 200.
    Json,
}

impl ResponseFormat {
    /// The `Content-Type` value to send. JSON is always UTF-8; the charset is stated because the
    /// spec recommends it.
    fn content_type(self) -> HeaderValue {
        match self {
            Self::GraphqlResponseJson => {
                HeaderValue::from_static("application/graphql-response+json; charset=utf-8")
            }
            Self::Json => HeaderValue::from_static("application/json; charset=utf-8"),
        }
    }

    /// The status for a request error (parse, validation or coercion) in this format.
    fn request_error_status(self) -> StatusCode {
        match self {
            Self::GraphqlResponseJson => StatusCode::BAD_REQUEST,
            Self::Json => StatusCode::OK,
        }
    }
}

/// The result of reading `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Negotiated {
    /// `None` means no acceptable GraphQL media type, which gets 406.
    format: Option<ResponseFormat>,
    /// `text/html` is listed and ranks at least as high as the best GraphQL media type.
    /// Browsers navigating to the endpoint send this.
    prefers_html: bool,
}

/// Reads every `Accept` header into (lower-cased media range, q in thousandths) pairs, in the
/// order they were sent. The q-value is an integer so entries can be compared exactly; RFC 9110
/// allows at most three decimals.
fn accept_entries(headers: &HeaderMap) -> Vec<(String, u16)> {
    headers
        .get_all(header::ACCEPT)
        .iter()
        // A header value that isn't valid UTF-8 can't name a media type we serve, so skip it.
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|entry| {
            let mut parts = entry.split(';');
            let media = parts.next()?.trim().to_ascii_lowercase();
            if media.is_empty() {
                return None;
            }
            let mut q = 1000;
            for param in parts {
                if let Some((name, value)) = param.split_once('=')
                    && name.trim().eq_ignore_ascii_case("q")
                {
                    // An unreadable q-value is treated as the default 1, which is the lenient
                    // reading. A q-value above 1 is clamped.
                    let parsed = value.trim().parse::<f32>().unwrap_or(1.0).clamp(0.0, 1.0);
                    q = (parsed * 1000.0).round() as u16;
                }
            }
            Some((media, q))
        })
        .collect()
}

/// Content negotiation for GraphQL responses, following GraphQL-over-HTTP §"Accept".
fn negotiate(headers: &HeaderMap) -> Negotiated {
    let entries = accept_entries(headers);
    if entries.is_empty() {
        // The spec says a request with no Accept header gets application/json (audit 80D8).
        return Negotiated {
            format: Some(ResponseFormat::Json),
            prefers_html: false,
        };
    }
    // Each best match is kept as (position, q, format). A later entry replaces it only with a
    // strictly higher q, so on a tie the first one listed wins.
    let mut best: Option<(usize, u16, ResponseFormat)> = None;
    let mut html: Option<(usize, u16)> = None;
    for (index, (media, q)) in entries.iter().enumerate() {
        if *q == 0 {
            // q=0 means "not acceptable".
            continue;
        }
        let format = match media.as_str() {
            "application/graphql-response+json" => ResponseFormat::GraphqlResponseJson,
            "application/json" | "application/*" | "*/*" => ResponseFormat::Json,
            "text/html" => {
                if html.is_none_or(|(_, best_q)| *q > best_q) {
                    html = Some((index, *q));
                }
                continue;
            }
            _ => continue,
        };
        if best.is_none_or(|(_, best_q, _)| *q > best_q) {
            best = Some((index, *q, format));
        }
    }
    let prefers_html = html.is_some_and(|(html_index, html_q)| {
        best.is_none_or(|(best_index, best_q, _)| {
            html_q > best_q || (html_q == best_q && html_index < best_index)
        })
    });
    Negotiated {
        format: best.map(|(_, _, format)| format),
        prefers_html,
    }
}

/// The `extensions.code` of a transport-level refusal, chosen from its status: the one place
/// these codes are named. Authentication and scope refusals carry [`AppError`]'s codes instead.
fn transport_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "BAD_REQUEST",
        StatusCode::METHOD_NOT_ALLOWED => "METHOD_NOT_ALLOWED",
        StatusCode::NOT_ACCEPTABLE => "NOT_ACCEPTABLE",
        StatusCode::PAYLOAD_TOO_LARGE => "PAYLOAD_TOO_LARGE",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "UNSUPPORTED_MEDIA_TYPE",
        StatusCode::TOO_MANY_REQUESTS => "RATE_LIMITED",
        StatusCode::SERVICE_UNAVAILABLE => "UNAVAILABLE",
        StatusCode::GATEWAY_TIMEOUT => "TIMEOUT",
        // No other 4xx is answered here; should one be, it is still the client's request.
        status if status.is_client_error() => "BAD_REQUEST",
        _ => "INTERNAL",
    }
}

/// A transport-level error: `message`, coded by [`transport_code`], without `locations` (no
/// document position is known at this level), with the status it is answered with.
fn transport_error(status: StatusCode, message: &str) -> (StatusCode, ServerError) {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", transport_code(status));
    (status, error)
}

/// The body for a request error. It deliberately has no `data` key: the spec says `data` must be
/// absent when execution never started (audits D586, 5E5B).
#[derive(Serialize)]
struct RequestErrorBody<'a> {
    errors: &'a [ServerError],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extensions: &'a BTreeMap<String, Value>,
}

/// Serializes `body` into a response with `status` and the negotiated content type. If
/// serialization fails, it answers 500 with a static JSON body instead of panicking.
fn json_response<T: Serialize>(status: StatusCode, format: ResponseFormat, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [(header::CONTENT_TYPE, format.content_type())],
            bytes,
        )
            .into_response(),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, format.content_type())],
            FALLBACK_ERROR_BODY,
        )
            .into_response(),
    }
}

/// A `{"errors":[…]}` response without `data` (rule 7: every error body of this endpoint has
/// this shape).
fn errors_response(status: StatusCode, format: ResponseFormat, errors: &[ServerError]) -> Response {
    json_response(
        status,
        format,
        &RequestErrorBody {
            errors,
            extensions: &BTreeMap::new(),
        },
    )
}

/// A `{"errors":[{"message": message, "extensions": {"code": …}}]}` response, coded by
/// `transport_code`.
fn error_response(status: StatusCode, format: ResponseFormat, message: &str) -> Response {
    let (status, error) = transport_error(status, message);
    errors_response(status, format, &[error])
}

/// 406 for an `Accept` header that allows no GraphQL media type. The client accepts none of our
/// types, so the body uses application/json, the most widely understood one.
fn not_acceptable() -> Response {
    error_response(
        StatusCode::NOT_ACCEPTABLE,
        ResponseFormat::Json,
        "Accept must allow application/graphql-response+json or application/json",
    )
}

/// Refuses an empty `query` unless it is a persisted-query hash lookup (rule 5).
/// `Request.query` is `#[serde(default)]`, so `{}` or a misspelled `qeury` key would otherwise
/// reach execution as `""` (audits 423L, 8764, 3E3A).
fn check_query_present(req: &GqlRequest) -> Result<(), &'static str> {
    if req.query.is_empty() && !req.extensions.contains_key(PERSISTED_QUERY_EXTENSION) {
        Err("the GraphQL request has no `query`")
    } else {
        Ok(())
    }
}

/// Tells whether the operation the request would run is a mutation, so a GET can refuse it
/// before anything executes. An unparsable document or an ambiguous operation returns false;
/// execution then reports the real error.
fn is_mutation(req: &GqlRequest) -> bool {
    operation_type(req) == Some(OperationType::Mutation)
}

/// The type of the operation a request runs, when its query parses.
fn operation_type(req: &GqlRequest) -> Option<OperationType> {
    let doc = parse_query(&req.query).ok()?;
    let op = match &doc.operations {
        DocumentOperations::Single(op) => Some(op),
        DocumentOperations::Multiple(ops) => {
            req.operation_name.as_deref().and_then(|name| ops.get(name))
        }
    };
    op.map(|op| op.node.ty)
}

/// Whether the client takes subscriptions as a `multipart/mixed` HTTP stream (Apollo's
/// multipart subscription protocol).
fn accepts_multipart(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("multipart/mixed"))
}

/// How often an idle multipart subscription sends a heartbeat part.
const MULTIPART_HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(15);

/// Streams a subscription over HTTP as `multipart/mixed` parts, one per event.
/// The stream ends when the caller's credentials expire.
fn multipart_subscription<E: Executor>(
    executor: E,
    request: GqlRequest,
    expires: Option<chrono::DateTime<chrono::Utc>>,
) -> Response {
    let stream = futures_util::StreamExt::take_until(
        executor.execute_stream(request, None),
        Box::pin(until(expires)),
    );
    let body = futures_util::StreamExt::map(
        async_graphql::http::create_multipart_mixed_stream(stream, MULTIPART_HEARTBEAT),
        Ok::<_, std::convert::Infallible>,
    );
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(
                r#"multipart/mixed; boundary="graphql"; subscriptionSpec="1.0""#,
            ),
        )],
        axum::body::Body::from_stream(body),
    )
        .into_response()
}

/// Detects a request error, meaning execution never started. async-graphql reports parse,
/// validation and coercion failures as `data: null` with errors that have no `path`. Field
/// errors always have a path, so they are not matched.
fn is_request_error(resp: &GqlResponse) -> bool {
    resp.data == Value::Null
        && !resp.errors.is_empty()
        && resp.errors.iter().all(|error| error.path.is_empty())
}

/// Turns an executed single request into the HTTP response (rules 3 and 6).
fn single_response(resp: GqlResponse, format: ResponseFormat) -> Response {
    if is_request_error(&resp) {
        // A refused scope is an authorization failure whatever the media type.
        let forbidden = resp
            .errors
            .iter()
            .any(|e| error_code(e) == Some("FORBIDDEN"));
        let status = if forbidden {
            StatusCode::FORBIDDEN
        } else {
            format.request_error_status()
        };
        let mut response = json_response(
            status,
            format,
            &RequestErrorBody {
                errors: &resp.errors,
                extensions: &resp.extensions,
            },
        );
        // Headers that resolvers or extensions set still apply. Content-Type stays ours.
        let content_type = format.content_type();
        response.headers_mut().extend(resp.http_headers);
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
        return response;
    }
    batch_response(BatchResponse::Single(resp), format)
}

/// The `extensions.code` of an error.
fn error_code(error: &ServerError) -> Option<&str> {
    match error.extensions.as_ref()?.get("code")? {
        Value::String(code) => Some(code.as_str()),
        _ => None,
    }
}

/// Serializes a (batch) response the way `async_graphql_axum::GraphQLResponse` does, keeping
/// cache-control and the http_headers that resolvers set. It doesn't `unwrap` the serialization,
/// and it sends the negotiated Content-Type instead of always graphql-response+json.
fn batch_response(resp: BatchResponse, format: ResponseFormat) -> Response {
    let mut response = json_response(StatusCode::OK, format, &resp);
    if response.status() != StatusCode::OK {
        // Serialization failed and json_response already built the 500.
        return response;
    }
    let headers = response.headers_mut();
    // The same rule as async-graphql-axum: a response with errors must not be cached.
    if resp.is_ok()
        && let Some(cache_control) = resp.cache_control().value()
        && let Ok(value) = HeaderValue::from_str(&cache_control)
    {
        headers.insert(header::CACHE_CONTROL, value);
    }
    headers.extend(resp.http_headers());
    // A resolver could set its own Content-Type through http_headers, but the negotiated one
    // must win (audit 4655).
    headers.insert(header::CONTENT_TYPE, format.content_type());
    response
}

/// Maps a body that could not be read or parsed to 400, or to 413 if it was too large (rule 1).
/// Size errors come in several forms:
/// - an explicit `PayloadTooLarge`;
/// - `http_body_util::Limited`'s "length limit exceeded", stringified into an `Io` error by
///   the extractor;
/// - multer's `*SizeExceeded` inside `InvalidMultipart`.
///
/// The extractor drops the original error type, so the last two can only be recognized by text.
fn rejection_response(err: &ParseRequestError, format: ResponseFormat) -> Response {
    let debug = format!("{err:?}");
    if matches!(err, ParseRequestError::PayloadTooLarge)
        || debug.contains("length limit exceeded")
        || debug.contains("SizeExceeded")
    {
        return error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            format,
            "the request body is too large",
        );
    }
    error_response(
        StatusCode::BAD_REQUEST,
        format,
        &format!("could not read the GraphQL request: {err}"),
    )
}

/// Tells whether a POST's Content-Type is one we can read: JSON (UTF-8) or multipart.
/// Anything else, including a missing header, gets 415. fetch() sends `text/plain` when no
/// type is given, which is why the audit (9ABE) expects a 4xx.
fn acceptable_body_type(headers: &HeaderMap) -> bool {
    let Some(mime) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<mime::Mime>().ok())
    else {
        return false;
    };
    match (mime.type_(), mime.subtype()) {
        (mime::APPLICATION, mime::JSON) => mime
            .get_param(mime::CHARSET)
            // The JSON body is decoded as UTF-8 and nothing else. A different charset would
            // turn into a misleading parse error, so refuse it here.
            .is_none_or(|charset| charset.as_str().eq_ignore_ascii_case("utf-8")),
        (mime::MULTIPART, _) => true,
        _ => false,
    }
}

/// POST: reads a JSON (single or batch) or multipart GraphQL request and executes it.
async fn graphql_post<E: Executor>(State(state): State<GraphqlState<E>>, req: Request) -> Response {
    let multipart = accepts_multipart(req.headers());
    let format = match negotiate(req.headers()).format {
        Some(format) => format,
        // `Accept: multipart/mixed` alone still reads JSON errors.
        None if multipart => ResponseFormat::Json,
        None => return not_acceptable(),
    };
    if !acceptable_body_type(req.headers()) {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format,
            "Content-Type must be application/json or multipart/form-data",
        );
    }
    // Callers are identified before their body is read, so strangers cost no parsing.
    let principal = match state.caller(req.headers(), format).await {
        Ok(principal) => principal,
        Err(response) => return response,
    };
    // The extractor reads `into_body()` directly, which skips axum's `DefaultBodyLimit`.
    // `with_limited_body` puts that limit back (2 MiB when none is configured), so an oversized
    // body reaches us as a "length limit exceeded" rejection and gets a JSON 413.
    let batch =
        match GraphQLBatchRequest::<GraphQLRejection>::from_request(req.with_limited_body(), &())
            .await
        {
            Ok(batch) => batch.into_inner(),
            Err(GraphQLRejection(err)) => return rejection_response(&err, format),
        };
    match batch {
        BatchRequest::Single(request) => {
            if let Err(message) = check_query_present(&request) {
                return error_response(StatusCode::BAD_REQUEST, format, message);
            }
            let request = with_caller(request, &principal);
            if multipart && operation_type(&request) == Some(OperationType::Subscription) {
                let expires = principal.as_ref().and_then(|p| p.expires_at);
                return multipart_subscription(state.executor, request, expires);
            }
            let limit = state.limits.timeout;
            match tokio::time::timeout(limit, state.executor.execute(request)).await {
                Ok(resp) => single_response(resp, format),
                Err(_) => timed_out(format, limit),
            }
        }
        BatchRequest::Batch(requests) => {
            if requests.len() > state.limits.max_batch_operations {
                return error_response(
                    StatusCode::BAD_REQUEST,
                    format,
                    &format!(
                        "a batch may carry at most {} operations ({} given)",
                        state.limits.max_batch_operations,
                        requests.len()
                    ),
                );
            }
            // A batch is checked as a whole, so nothing runs if one of its entries is malformed.
            if let Some((index, message)) = requests
                .iter()
                .enumerate()
                .find_map(|(index, request)| check_query_present(request).err().map(|m| (index, m)))
            {
                return error_response(
                    StatusCode::BAD_REQUEST,
                    format,
                    &format!("batch entry {index}: {message}"),
                );
            }
            // A batch can mix successes and request errors, and one status can't describe that.
            // So it always gets 200, and each entry carries its own errors.
            let limit = state.limits.timeout;
            let requests = requests
                .into_iter()
                .map(|request| with_caller(request, &principal))
                .collect();
            let run = state.executor.execute_batch(BatchRequest::Batch(requests));
            match tokio::time::timeout(limit, run).await {
                Ok(resp) => batch_response(resp, format),
                Err(_) => timed_out(format, limit),
            }
        }
    }
}

/// GraphQL-over-HTTP GET parameters, per the spec. `async_graphql::http::parse_query_string`
/// looks for `operation_name` rather than `operationName`, so GET uses this struct instead.
/// `operation_name` is still accepted as an alias.
#[derive(Debug, Default, Deserialize)]
struct GetParams {
    query: Option<String>,
    #[serde(rename = "operationName", alias = "operation_name")]
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

impl GetParams {
    /// Builds the GraphQL request. `variables` and `extensions` are URL-encoded JSON, and the
    /// error says which of them is malformed.
    fn into_request(self) -> Result<GqlRequest, String> {
        let variables = match self.variables.as_deref().filter(|s| !s.is_empty()) {
            Some(raw) => serde_json::from_str::<Variables>(raw)
                .map_err(|err| format!("invalid `variables` parameter: {err}"))?,
            None => Variables::default(),
        };
        let mut request = GqlRequest::new(self.query.unwrap_or_default()).variables(variables);
        if let Some(raw) = self.extensions.as_deref().filter(|s| !s.is_empty()) {
            request.extensions = serde_json::from_str(raw)
                .map_err(|err| format!("invalid `extensions` parameter: {err}"))?;
        }
        // An empty operationName means "not given". Some clients send `operationName=`.
        request.operation_name = self.operation_name.filter(|name| !name.is_empty());
        Ok(request)
    }
}

/// GET: a WebSocket upgrade, GraphiQL for a browser, or a GraphQL-over-HTTP query (rule 4).
async fn graphql_get<E: Executor>(
    State(state): State<GraphqlState<E>>,
    // axum 0.8 has no `Option<WebSocketUpgrade>` extractor, so a `Result` stands in for
    // "is this an upgrade?".
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    protocol: Result<GraphQLProtocol, StatusCode>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if let Ok(ws) = ws {
        let Ok(protocol) = protocol else {
            return error_response(
                StatusCode::BAD_REQUEST,
                ResponseFormat::Json,
                "Sec-WebSocket-Protocol must be graphql-transport-ws or graphql-ws",
            );
        };
        let executor = state.executor;
        // A token in the upgrade request's header is checked before upgrading, so a bad one
        // gets a plain 401; otherwise the connection_init payload carries it.
        let from_header = match (&state.auth, headers.contains_key(header::AUTHORIZATION)) {
            (Some(auth), true) => match auth.principal(&headers).await {
                Ok(principal) => Some(principal),
                Err(rejection) => return rejection_to_response(rejection, ResponseFormat::Json),
            },
            _ => None,
        };
        let auth = state.auth;
        // Once upgraded, the socket is no longer the HTTP server's, whose graceful shutdown would
        // not wait for it to send its 1001: this keeps shutdown waiting (within its grace).
        let hold = crate::shutdown::hold();
        // The chosen subprotocol has to be echoed back. Otherwise browsers and Node's WebSocket
        // drop the connection ("Server did not respond with sent protocols").
        return ws
            .protocols(ALL_WEBSOCKET_PROTOCOLS)
            // GraphQL messages are small; tungstenite's 128 KiB default buffers made an idle
            // subscriber cost ~130 KiB of server memory (benches/subscriptions.rs).
            .read_buffer_size(WS_BUFFER)
            .write_buffer_size(WS_BUFFER)
            // tungstenite's defaults (64 MiB messages) would let a subscribe message carry
            // 64 times what an HTTP body may: the connection is closed (1009) instead.
            .max_message_size(state.limits.max_message_bytes)
            .max_frame_size(state.limits.max_message_bytes)
            .on_upgrade(move |socket| async move {
                match (auth, chosen_protocol(&headers)) {
                    (Some(auth), Some(chosen)) => {
                        serve_websocket(socket, executor, chosen, auth, from_header).await;
                        drop(hold);
                    }
                    // Pings keep idle connections alive through proxies; a peer that stops
                    // answering them is closed. (This loop does not watch shutdown.)
                    _ => {
                        drop(hold);
                        GraphQLWebSocket::new(socket, executor, protocol)
                            .keepalive_timeout(KEEPALIVE)
                            .serve()
                            .await
                    }
                }
            })
            .into_response();
    }
    let mut response = graphql_get_http(state, &headers, &uri).await;
    // The same URL can answer HTML or either JSON type depending on Accept, and async-graphql
    // may send cache-control. Shared caches must therefore key on Accept.
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("accept"));
    response
}

/// The non-WebSocket part of GET.
async fn graphql_get_http<E: Executor>(
    state: GraphqlState<E>,
    headers: &HeaderMap,
    uri: &Uri,
) -> Response {
    let negotiated = negotiate(headers);
    let params = Query::<GetParams>::try_from_uri(uri).map(|Query(params)| params);

    // A browser opening the endpoint gets GraphiQL. A request that carries a query still runs
    // it, even from a browser.
    if negotiated.prefers_html && params.as_ref().is_ok_and(|p| p.query.is_none()) {
        return state.explorer.page();
    }
    let Some(format) = negotiated.format else {
        return not_acceptable();
    };
    let params = match params {
        Ok(params) => params,
        Err(rejection) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                format,
                &format!("invalid query string: {}", rejection.body_text()),
            );
        }
    };
    let request = match params.into_request() {
        Ok(request) => request,
        Err(message) => return error_response(StatusCode::BAD_REQUEST, format, &message),
    };
    if let Err(message) = check_query_present(&request) {
        return error_response(StatusCode::BAD_REQUEST, format, message);
    }
    let principal = match state.caller(headers, format).await {
        Ok(principal) => principal,
        Err(response) => return response,
    };
    let request = with_caller(request, &principal);
    if is_mutation(&request) {
        // A GET must be safe: links, prefetchers and caches replay GETs. The spec says to
        // answer 405 and tell the client to use POST.
        let mut response = error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            format,
            "mutations are not allowed over GET; use POST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let limit = state.limits.timeout;
    match tokio::time::timeout(limit, state.executor.execute(request)).await {
        Ok(resp) => single_response(resp, format),
        Err(_) => timed_out(format, limit),
    }
}

/// Resolves when `expires` passes (never when there is none).
async fn until(expires: Option<chrono::DateTime<chrono::Utc>>) {
    match expires {
        Some(at) => {
            let left = (at - chrono::Utc::now()).to_std().unwrap_or_default();
            tokio::time::sleep(left).await;
        }
        None => std::future::pending().await,
    }
}

/// The subprotocol of a WebSocket upgrade: the first listed one async-graphql speaks (as
/// `GraphQLProtocol` picks it, whose value is private).
fn chosen_protocol(headers: &HeaderMap) -> Option<WebSocketProtocols> {
    headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|value| value.to_str().ok())?
        .split(',')
        .find_map(|p| p.trim().parse().ok())
}

/// The graphql-transport-ws close code for refused or expired credentials ("Forbidden"; the
/// graphql-ws client retries it, asking its connectionParams for a fresh token).
const CLOSE_FORBIDDEN: u16 = 4403;

/// Serves one authenticated GraphQL WebSocket. async-graphql-axum's `serve` cannot close a
/// socket on its own initiative, so this is its loop with two additions: a refused
/// `connection_init` closes with 4403 (not 1002), the socket closes with 4403 when the
/// credentials expire, and with 1001 when the server shuts down.
async fn serve_websocket<E: Executor>(
    socket: axum::extract::ws::WebSocket,
    executor: E,
    protocol: WebSocketProtocols,
    auth: HttpAuth,
    from_header: Option<Principal>,
) {
    use axum::extract::ws::{CloseFrame, Message};
    use futures_util::{SinkExt, StreamExt};

    let (mut sink, stream) = socket.split();
    // A message over --max-body-bytes ends the input; the peer is then told why (1009).
    let too_big = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let too_big_in_input = too_big.clone();
    let input = stream
        .take_while(move |res| {
            if let Err(error) = res {
                // axum hides tungstenite's error type; its capacity error reads
                // "Space limit exceeded: Message too long: …".
                let text = error.to_string();
                if text.contains("too long") || text.contains("Space limit exceeded") {
                    too_big_in_input.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            }
            std::future::ready(res.is_ok())
        })
        .filter_map(|res| {
            std::future::ready(match res {
                Ok(msg @ (Message::Text(_) | Message::Binary(_))) => Some(msg.into_data()),
                _ => None,
            })
        });
    let (deadline_tx, mut deadline) =
        tokio::sync::watch::channel(from_header.as_ref().and_then(|p| p.expires_at));
    // The error a refused `connection_init` is answered with.
    let refusal = Arc::new(std::sync::Mutex::new(None::<ServerError>));
    let refusal_in_init = refusal.clone();
    let on_init = move |payload: serde_json::Value| async move {
        let principal = match (payload_authorization(&payload), from_header) {
            (Some(value), _) => auth.principal_from(Some(value)).await,
            (None, Some(principal)) => Ok(principal),
            (None, None) => auth.principal_from(None).await,
        };
        match principal {
            Ok(principal) => {
                let _ = deadline_tx.send(principal.expires_at);
                let mut data = async_graphql::Data::default();
                data.insert(principal.actor());
                data.insert(principal);
                Ok(data)
            }
            Err(rejection) => {
                let (_, error) = rejection_error(&rejection);
                let message = error.message.clone();
                if let Ok(mut refusal) = refusal_in_init.lock() {
                    *refusal = Some(error);
                }
                Err(async_graphql::Error::new(message))
            }
        }
    };
    let messages = async_graphql::http::WebSocket::new(executor, input, protocol)
        .on_connection_init(on_init)
        .keepalive_timeout(KEEPALIVE);
    futures_util::pin_mut!(messages);
    let mut watching = true;
    loop {
        let expires = *deadline.borrow();
        tokio::select! {
            // The server is stopping: say so (1001 going away) so clients reconnect elsewhere.
            () = crate::shutdown::wait() => {
                let _ = sink
                    .send(Message::Close(Some(CloseFrame {
                        code: axum::extract::ws::close_code::AWAY,
                        reason: "server shutting down".into(),
                    })))
                    .await;
                break;
            }
            message = messages.next() => {
                let Some(message) = message else {
                    if too_big.load(std::sync::atomic::Ordering::Relaxed) {
                        let _ = sink
                            .send(Message::Close(Some(CloseFrame {
                                code: axum::extract::ws::close_code::SIZE,
                                reason: "the message is larger than --max-body-bytes".into(),
                            })))
                            .await;
                    }
                    break;
                };
                let frame = match message {
                    async_graphql::http::WsMessage::Text(text) => {
                        Message::Text(coded_connection_error(text, &refusal).into())
                    }
                    async_graphql::http::WsMessage::Close(code, reason) => {
                        let refused = refusal.lock().is_ok_and(|r| r.is_some());
                        let code = if refused { CLOSE_FORBIDDEN } else { code };
                        Message::Close(Some(CloseFrame { code, reason: reason.into() }))
                    }
                };
                if sink.send(frame).await.is_err() {
                    break;
                }
            }
            changed = deadline.changed(), if watching => watching = changed.is_ok(),
            () = until(expires), if expires.is_some() => {
                let _ = sink
                    .send(Message::Close(Some(CloseFrame {
                        code: CLOSE_FORBIDDEN,
                        reason: "Forbidden: the token has expired".into(),
                    })))
                    .await;
                break;
            }
        }
    }
}

/// The legacy protocol's (`graphql-ws`, subscriptions-transport-ws) `connection_error`, whose
/// payload async-graphql writes without extensions, with a code: the refusal's own error when
/// the caller was refused, `TIMEOUT` for a peer that stopped answering pings, `BAD_REQUEST` for
/// a broken handshake. Every other message passes unchanged.
fn coded_connection_error(text: String, refusal: &std::sync::Mutex<Option<ServerError>>) -> String {
    if !text.starts_with(r#"{"type":"connection_error""#) {
        return text;
    }
    let refusal = refusal.lock().ok().and_then(|refusal| refusal.clone());
    let error = refusal.unwrap_or_else(|| {
        let message = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|m| m["payload"]["message"].as_str().map(str::to_owned))
            .unwrap_or_default();
        let status = if message == "timeout" {
            StatusCode::GATEWAY_TIMEOUT
        } else {
            StatusCode::BAD_REQUEST
        };
        transport_error(status, &message).1
    });
    serde_json::to_string(&serde_json::json!({ "type": "connection_error", "payload": error }))
        .unwrap_or(text)
}

/// Any other method gets 405 with a JSON body and the list of allowed methods.
async fn method_not_allowed(headers: HeaderMap) -> Response {
    let format = negotiate(&headers).format.unwrap_or(ResponseFormat::Json);
    let mut response = error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        format,
        "method not allowed; use GET or POST",
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD, POST"));
    response
}

#[cfg(test)]
mod tests {
    //! These tests go through a real socket: `tower` isn't a direct dependency, so
    //! `ServiceExt::oneshot` isn't available.

    use std::{
        net::SocketAddr,
        sync::{
            Arc,
            atomic::{AtomicI32, Ordering},
        },
    };

    use async_graphql::{Context, EmptySubscription, Object, Result as GqlResult, Schema};
    use axum::extract::DefaultBodyLimit;
    use reqwest::{Client, Response as HttpResponse};
    use serde_json::{Value as Json, json};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tower_http::limit::RequestBodyLimitLayer;

    use super::*;

    const GQL_RESPONSE: &str = "application/graphql-response+json";
    const JSON: &str = "application/json";
    const ONE_MIB: usize = 1024 * 1024;

    struct Query;

    #[Object(cache_control(max_age = 60))]
    impl Query {
        async fn hello(&self, ctx: &Context<'_>) -> String {
            // The test for rule 6 expects this header to survive.
            ctx.insert_http_header("x-hello", "world");
            "world".to_owned()
        }

        /// A nullable field that always fails, used to show that field errors aren't request
        /// errors.
        async fn boom(&self) -> GqlResult<Option<String>> {
            Err("boom".into())
        }

        async fn echo(&self, text: String) -> String {
            text
        }

        /// Answers after a second (longer than the timeout test's limit).
        async fn slow(&self) -> bool {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            true
        }
    }

    struct Mutation;

    #[Object]
    impl Mutation {
        async fn bump(&self, ctx: &Context<'_>) -> i32 {
            ctx.data_unchecked::<Arc<AtomicI32>>()
                .fetch_add(1, Ordering::SeqCst)
                + 1
        }
    }

    type TestSchema = Schema<Query, Mutation, EmptySubscription>;

    fn schema(counter: Arc<AtomicI32>) -> TestSchema {
        Schema::build(Query, Mutation, EmptySubscription)
            .data(counter)
            .finish()
    }

    async fn serve(router: Router) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind test listener");
        let addr = listener.local_addr().expect("listener address");
        tokio::spawn(async move {
            axum::serve(listener, router).await.expect("test server");
        });
        addr
    }

    async fn start() -> (String, Arc<AtomicI32>) {
        let counter = Arc::new(AtomicI32::new(0));
        let addr = serve(graphql_routes(
            schema(counter.clone()),
            "/graphql",
            HttpLimits::default(),
            None,
        ))
        .await;
        (format!("http://{addr}/graphql"), counter)
    }

    fn content_type(resp: &HttpResponse) -> String {
        resp.headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    async fn post_json(url: &str, accept: Option<&str>, body: &str) -> HttpResponse {
        let mut req = Client::new()
            .post(url)
            .header(header::CONTENT_TYPE, JSON)
            .body(body.to_owned());
        if let Some(accept) = accept {
            req = req.header(header::ACCEPT, accept);
        }
        req.send().await.expect("send")
    }

    async fn get_with(url: &str, accept: Option<&str>, params: &[(&str, &str)]) -> HttpResponse {
        let mut req = Client::new().get(url).query(params);
        if let Some(accept) = accept {
            req = req.header(header::ACCEPT, accept);
        }
        req.send().await.expect("send")
    }

    /// Asserts the `{"errors":[{"message": "..."}]}` shape, that there is no `data` key and that
    /// no error claims a location before the document's first line.
    async fn assert_error_body(resp: HttpResponse) -> Json {
        let body: Json = resp.json().await.expect("JSON error body");
        assert!(body.get("data").is_none(), "unexpected data in {body}");
        let errors = body["errors"].as_array().expect("errors array");
        assert!(!errors.is_empty());
        assert!(errors.iter().all(|e| e["message"].is_string()), "{body}");
        assert_no_fake_locations(&body);
        body
    }

    /// Asserts an error body (see [`assert_error_body`]) whose one error has `extensions.code`
    /// `code` and no `locations` (a transport error knows no position in the document).
    async fn assert_error_code(resp: HttpResponse, code: &str) -> Json {
        let body = assert_error_body(resp).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{body}");
        assert!(body["errors"][0].get("locations").is_none(), "{body}");
        body
    }

    /// No error of `body` has a location at line or column 0 (GraphQL counts from 1).
    fn assert_no_fake_locations(body: &Json) {
        let errors = body["errors"].as_array().into_iter().flatten();
        for location in errors.flat_map(|e| e["locations"].as_array().into_iter().flatten()) {
            assert!(
                location["line"].as_u64() >= Some(1) && location["column"].as_u64() >= Some(1),
                "{body}"
            );
        }
    }

    #[tokio::test]
    async fn post_without_accept_answers_application_json() {
        let (url, _) = start().await;
        let resp = post_json(&url, None, r#"{"query":"{ hello }"}"#).await;
        assert_eq!(resp.status(), 200);
        assert!(content_type(&resp).starts_with(JSON));
        let body: Json = resp.json().await.expect("json");
        assert_eq!(body, json!({"data": {"hello": "world"}}));
    }

    #[tokio::test]
    async fn accept_negotiation() {
        let (url, _) = start().await;
        let q = r#"{"query":"{ hello }"}"#;
        for (accept, expected) in [
            (GQL_RESPONSE, GQL_RESPONSE),
            (JSON, JSON),
            ("*/*", JSON),
            ("application/*", JSON),
            (
                "application/graphql-response+json, application/json",
                GQL_RESPONSE,
            ),
            ("application/json, application/graphql-response+json", JSON),
            (
                "text/plain, */*;q=0.1, application/graphql-response+json",
                GQL_RESPONSE,
            ),
            (
                "application/json;q=0.5, application/graphql-response+json",
                GQL_RESPONSE,
            ),
            (
                "application/graphql-response+json;q=0, application/json",
                JSON,
            ),
        ] {
            let resp = post_json(&url, Some(accept), q).await;
            assert_eq!(resp.status(), 200, "Accept: {accept}");
            assert!(
                content_type(&resp).starts_with(expected),
                "Accept: {accept}"
            );
        }
    }

    #[tokio::test]
    async fn unacceptable_accept_is_406_with_json_errors() {
        let (url, _) = start().await;
        for accept in [
            "text/plain",
            "application/xml, text/html",
            "application/json;q=0",
        ] {
            let resp = post_json(&url, Some(accept), r#"{"query":"{ hello }"}"#).await;
            assert_eq!(resp.status(), 406, "Accept: {accept}");
            assert!(content_type(&resp).starts_with(JSON));
            assert_error_code(resp, "NOT_ACCEPTABLE").await;
        }
        let resp = get_with(&url, Some("text/plain"), &[("query", "{ hello }")]).await;
        assert_eq!(resp.status(), 406);
        assert_error_code(resp, "NOT_ACCEPTABLE").await;
    }

    #[tokio::test]
    async fn request_errors_are_400_without_data_under_graphql_response_json() {
        let (url, _) = start().await;
        for body in [
            r#"{"query":"{"}"#,        // parse error
            r#"{"query":"{ nope }"}"#, // validation error
            r#"{"query":"query Q($t: String!) { echo(text: $t) }","variables":{"t":null}}"#, // coercion
        ] {
            let resp = post_json(&url, Some(GQL_RESPONSE), body).await;
            assert_eq!(resp.status(), 400, "{body}");
            assert!(content_type(&resp).starts_with(GQL_RESPONSE));
            assert_error_body(resp).await;

            let resp = post_json(&url, Some(JSON), body).await;
            assert_eq!(resp.status(), 200, "{body}");
            assert!(content_type(&resp).starts_with(JSON));
            assert_error_body(resp).await;
        }
        // The same rule applies over GET.
        let resp = get_with(&url, Some(GQL_RESPONSE), &[("query", "{ nope }")]).await;
        assert_eq!(resp.status(), 400);
        assert_error_body(resp).await;
    }

    #[tokio::test]
    async fn field_errors_are_not_request_errors() {
        let (url, _) = start().await;
        let resp = post_json(&url, Some(GQL_RESPONSE), r#"{"query":"{ boom hello }"}"#).await;
        assert_eq!(resp.status(), 200);
        let body: Json = resp.json().await.expect("json");
        // async-graphql 7.2.1 leaves the failed nullable field out of `data` instead of
        // setting it to null. Either way `data` isn't null, so this isn't a request error.
        assert_eq!(body["data"]["hello"], "world");
        assert_eq!(body["errors"][0]["path"], json!(["boom"]));
    }

    #[tokio::test]
    async fn non_json_post_is_415() {
        let (url, _) = start().await;
        for content_type_header in [
            Some("text/plain;charset=UTF-8"),
            Some("application/x-www-form-urlencoded"),
            Some("application/json; charset=latin1"),
            None,
        ] {
            let mut req = Client::new().post(&url).body(r#"{"query":"{ hello }"}"#);
            if let Some(ct) = content_type_header {
                req = req.header(header::CONTENT_TYPE, ct);
            }
            let resp = req.send().await.expect("send");
            assert_eq!(resp.status(), 415, "{content_type_header:?}");
            assert!(content_type(&resp).starts_with(JSON));
            assert_error_code(resp, "UNSUPPORTED_MEDIA_TYPE").await;
        }
        let resp = Client::new()
            .post(&url)
            .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
            .body(r#"{"query":"{ hello }"}"#)
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), 200);
    }

    #[tokio::test]
    async fn unreadable_and_invalid_bodies_are_400_json() {
        let (url, _) = start().await;
        for body in [
            "",
            r#"{ "not a JSON"#,
            r#"{"query":0}"#,
            r#"{"query":"{ hello }","variables":"string"}"#,
            r#"{"query":"{ hello }","operationName":false}"#,
            r#"{"query":"{ hello }","extensions":["array"]}"#,
            "[]",
        ] {
            for accept in [GQL_RESPONSE, JSON] {
                let resp = post_json(&url, Some(accept), body).await;
                assert_eq!(resp.status(), 400, "{body}");
                assert!(content_type(&resp).starts_with(accept));
                assert_error_code(resp, "BAD_REQUEST").await;
            }
        }
    }

    #[tokio::test]
    async fn empty_query_is_400_unless_persisted_query() {
        let (url, _) = start().await;
        for body in [r#"{"qeury":"{ hello }"}"#, r#"{"query":""}"#, "{}"] {
            let resp = post_json(&url, Some(JSON), body).await;
            assert_eq!(resp.status(), 400, "{body}");
            assert_error_code(resp, "BAD_REQUEST").await;
        }
        // A persisted-query hash is let through to execution. This schema has no APQ extension,
        // so async-graphql reports a request error, which is 200 under application/json rather
        // than the empty-query 400.
        let resp = post_json(
            &url,
            Some(JSON),
            r#"{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}"#,
        )
        .await;
        assert_eq!(resp.status(), 200);
        // GET applies the same rule.
        let resp = get_with(&url, Some(JSON), &[("query", "")]).await;
        assert_eq!(resp.status(), 400);
        assert_error_code(resp, "BAD_REQUEST").await;
        let resp = get_with(&url, Some(JSON), &[]).await;
        assert_eq!(resp.status(), 400);
        assert_error_code(resp, "BAD_REQUEST").await;
    }

    #[tokio::test]
    async fn batch_and_multipart_posts() {
        let (url, counter) = start().await;
        let resp = post_json(
            &url,
            None,
            r#"[{"query":"{ hello }"},{"query":"mutation { bump }"}]"#,
        )
        .await;
        assert_eq!(resp.status(), 200);
        let body: Json = resp.json().await.expect("json");
        assert_eq!(
            body,
            json!([{"data": {"hello": "world"}}, {"data": {"bump": 1}}])
        );
        assert_eq!(counter.load(Ordering::SeqCst), 1);

        let resp = post_json(&url, None, r#"[{"query":"{ hello }"},{"query":""}]"#).await;
        assert_eq!(resp.status(), 400);
        assert_error_code(resp, "BAD_REQUEST").await;
        let too_many = format!("[{}]", [r#"{"query":"{ hello }"}"#; 11].join(","));
        let resp = post_json(&url, None, &too_many).await;
        assert_eq!(resp.status(), 400);
        assert_error_code(resp, "BAD_REQUEST").await;

        let boundary = "XyZzYboundary";
        let multipart = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n\
             {{\"query\":\"mutation {{ bump }}\"}}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{}}\r\n\
             --{boundary}--\r\n"
        );
        let resp = Client::new()
            .post(&url)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(multipart)
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), 200);
        let body: Json = resp.json().await.expect("json");
        assert_eq!(body, json!({"data": {"bump": 2}}));

        // A multipart body without its `operations` part cannot be read.
        let broken = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{}}\r\n\
             --{boundary}--\r\n"
        );
        let resp = Client::new()
            .post(&url)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(broken)
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), 400);
        assert_error_code(resp, "BAD_REQUEST").await;
    }

    #[tokio::test]
    async fn get_executes_queries() {
        let (url, _) = start().await;
        let resp = get_with(&url, None, &[("query", "{ hello }")]).await;
        assert_eq!(resp.status(), 200);
        assert!(content_type(&resp).starts_with(JSON));
        let body: Json = resp.json().await.expect("json");
        assert_eq!(body, json!({"data": {"hello": "world"}}));

        let resp = get_with(
            &url,
            Some(GQL_RESPONSE),
            &[
                (
                    "query",
                    "query A { hello } query B($t: String!) { echo(text: $t) }",
                ),
                ("operationName", "B"),
                ("variables", r#"{"t":"hi"}"#),
                ("extensions", r#"{"some":"value"}"#),
            ],
        )
        .await;
        assert_eq!(resp.status(), 200);
        assert!(content_type(&resp).starts_with(GQL_RESPONSE));
        assert_eq!(
            resp.headers()
                .get(header::VARY)
                .and_then(|v| v.to_str().ok()),
            Some("accept")
        );
        let body: Json = resp.json().await.expect("json");
        assert_eq!(body, json!({"data": {"echo": "hi"}}));

        for (name, value) in [("variables", "{not json"), ("extensions", "[1]")] {
            let resp = get_with(&url, Some(JSON), &[("query", "{ hello }"), (name, value)]).await;
            assert_eq!(resp.status(), 400, "{name}");
            assert_error_code(resp, "BAD_REQUEST").await;
        }
    }

    #[tokio::test]
    async fn get_mutation_is_405_with_allow_post() {
        let (url, counter) = start().await;
        for (accept, params) in [
            (GQL_RESPONSE, vec![("query", "mutation { bump }")]),
            (
                JSON,
                vec![
                    ("query", "query A { hello } mutation B { bump }"),
                    ("operationName", "B"),
                ],
            ),
        ] {
            let resp = get_with(&url, Some(accept), &params).await;
            assert_eq!(resp.status(), 405);
            assert_eq!(
                resp.headers()
                    .get(header::ALLOW)
                    .and_then(|v| v.to_str().ok()),
                Some("POST")
            );
            assert!(content_type(&resp).starts_with(accept));
            assert_error_code(resp, "METHOD_NOT_ALLOWED").await;
        }
        assert_eq!(
            counter.load(Ordering::SeqCst),
            0,
            "the mutation must not run"
        );
        // Choosing the query operation of the same document is fine.
        let resp = get_with(
            &url,
            Some(JSON),
            &[
                ("query", "query A { hello } mutation B { bump }"),
                ("operationName", "A"),
            ],
        )
        .await;
        assert_eq!(resp.status(), 200);
    }

    #[tokio::test]
    async fn browser_get_serves_the_embedded_explorer() {
        let (url, _) = start().await;
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        let resp = get_with(&url, Some(browser), &[]).await;
        assert_eq!(resp.status(), 200);
        assert!(content_type(&resp).starts_with("text/html"));
        assert!(
            resp.headers()
                .get(header::CONTENT_SECURITY_POLICY)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|csp| csp.starts_with("default-src 'self'"))
        );
        let html = resp.text().await.expect("html");
        assert!(html.contains(r#"data-endpoint="/graphql""#), "{html}");
        assert!(
            html.contains(r#"src="/graphql/assets/graphiql.js?v="#),
            "{html}"
        );
        assert!(
            !html.contains("unpkg") && !html.contains("https://"),
            "{html}"
        );

        // A browser GET that carries a query runs it and gets JSON, because */* matches.
        let resp = get_with(&url, Some(browser), &[("query", "{ hello }")]).await;
        assert_eq!(resp.status(), 200);
        assert!(content_type(&resp).starts_with(JSON));

        // Clients that don't ask for HTML (curl's */*, fetch) get a JSON 400, not the HTML page.
        for accept in [Some("*/*"), None, Some("application/json, text/html")] {
            let resp = get_with(&url, accept, &[]).await;
            assert_eq!(resp.status(), 400, "{accept:?}");
            assert_error_code(resp, "BAD_REQUEST").await;
        }
    }

    #[tokio::test]
    async fn explorer_assets_are_served_with_their_types_and_long_caching() {
        let (url, _) = start().await;
        for (path, expected_type, marker) in [
            ("graphiql.js", "text/javascript", "graphiql"),
            ("graphiql.css", "text/css", ".graphiql-container"),
        ] {
            let resp = Client::new()
                .get(format!("{url}/assets/{path}?v=any"))
                .send()
                .await
                .expect("send");
            assert_eq!(resp.status(), 200, "{path}");
            assert!(content_type(&resp).starts_with(expected_type), "{path}");
            let header_of = |name| {
                resp.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            assert_eq!(
                header_of(header::CACHE_CONTROL).as_deref(),
                Some("public, max-age=31536000, immutable")
            );
            assert_eq!(
                header_of(header::X_CONTENT_TYPE_OPTIONS).as_deref(),
                Some("nosniff")
            );
            let body = resp.text().await.expect("body");
            assert!(body.contains(marker), "{path}");
        }
        let resp = Client::new()
            .get(format!("{url}/assets/missing.js"))
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), 404);
    }

    #[tokio::test]
    async fn cache_control_and_resolver_headers_are_kept() {
        let (url, _) = start().await;
        let post = post_json(&url, Some(GQL_RESPONSE), r#"{"query":"{ hello }"}"#).await;
        let get = get_with(&url, None, &[("query", "{ hello }")]).await;
        for resp in [post, get] {
            assert_eq!(resp.status(), 200);
            assert_eq!(
                resp.headers()
                    .get(header::CACHE_CONTROL)
                    .and_then(|v| v.to_str().ok()),
                Some("max-age=60")
            );
            assert_eq!(
                resp.headers().get("x-hello").and_then(|v| v.to_str().ok()),
                Some("world")
            );
        }
        // A response with errors must not be cacheable.
        let resp = post_json(&url, None, r#"{"query":"{ boom hello }"}"#).await;
        assert!(resp.headers().get(header::CACHE_CONTROL).is_none());
    }

    #[tokio::test]
    async fn other_methods_are_405_json() {
        let (url, _) = start().await;
        let resp = Client::new().put(&url).send().await.expect("send");
        assert_eq!(resp.status(), 405);
        let allow: Vec<_> = resp.headers().get_all(header::ALLOW).iter().collect();
        assert_eq!(allow, [HeaderValue::from_static("GET, HEAD, POST")]);
        assert_error_code(resp, "METHOD_NOT_ALLOWED").await;
    }

    /// Sends raw HTTP/1.1 bytes and returns the status line, the headers and the body as text.
    /// It reads until the server closes the connection or, for a 101, until the headers end.
    async fn raw_http(addr: SocketAddr, request: &[u8]) -> (String, String) {
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        // The server may answer (413) before the whole body is sent and then close, so a
        // failed write is expected in that case.
        let _ = stream.write_all(request).await;
        let mut buf = Vec::new();
        let mut chunk = [0_u8; 8192];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
            let text = String::from_utf8_lossy(&buf);
            if text.starts_with("HTTP/1.1 101") && text.contains("\r\n\r\n") {
                break;
            }
        }
        let text = String::from_utf8_lossy(&buf).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        (head.to_owned(), body.to_owned())
    }

    #[tokio::test]
    async fn oversized_body_is_413_json_under_a_1_mib_limit() {
        let big_query = format!(
            r#"{{"query":"{{ hello }}","variables":{{"pad":"{}"}}}}"#,
            "x".repeat(ONE_MIB + 10)
        );

        // (a) tower-http's RequestBodyLimitLayer with a chunked body: the limit shows up as the
        // extractor's "length limit exceeded" error, which this module turns into a JSON 413.
        let router = graphql_routes(
            schema(Arc::default()),
            "/graphql",
            HttpLimits::default(),
            None,
        )
        .layer(RequestBodyLimitLayer::new(ONE_MIB));
        let addr = serve(router).await;
        let mut request = format!(
            "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n",
            big_query.len()
        )
        .into_bytes();
        request.extend_from_slice(big_query.as_bytes());
        request.extend_from_slice(b"\r\n0\r\n\r\n");
        let (head, body) = raw_http(addr, &request).await;
        assert!(head.starts_with("HTTP/1.1 413"), "{head}");
        assert!(
            head.to_lowercase()
                .contains("content-type: application/json"),
            "{head}"
        );
        let body: Json = serde_json::from_str(&body).expect("JSON 413 body");
        assert!(body["errors"][0]["message"].is_string());
        assert_eq!(body["errors"][0]["extensions"]["code"], "PAYLOAD_TOO_LARGE");

        // (b) The same layer with a Content-Length body: tower-http answers 413 before the
        // handler runs. That body is tower-http's text/plain one, outside this module.
        let resp = post_json(&format!("http://{addr}/graphql"), None, &big_query).await;
        assert_eq!(resp.status(), 413);

        // (c) axum's DefaultBodyLimit, which the handler honours, gives a JSON 413 for a
        // Content-Length body too.
        let router = graphql_routes(
            schema(Arc::default()),
            "/graphql",
            HttpLimits::default(),
            None,
        )
        .layer(DefaultBodyLimit::max(ONE_MIB));
        let addr = serve(router).await;
        let url = format!("http://{addr}/graphql");
        let resp = post_json(&url, Some(GQL_RESPONSE), &big_query).await;
        assert_eq!(resp.status(), 413);
        assert!(content_type(&resp).starts_with(GQL_RESPONSE));
        assert_error_code(resp, "PAYLOAD_TOO_LARGE").await;
        // A body under the limit still works.
        let resp = post_json(&url, None, r#"{"query":"{ hello }"}"#).await;
        assert_eq!(resp.status(), 200);
    }

    #[tokio::test]
    async fn websocket_upgrade_echoes_the_subprotocol() {
        let addr = serve(graphql_routes(
            schema(Arc::default()),
            "/graphql",
            HttpLimits::default(),
            None,
        ))
        .await;
        let upgrade = |protocol: &str| {
            format!(
                "GET /graphql HTTP/1.1\r\nHost: {addr}\r\nConnection: Upgrade\r\n\
                 Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
                 Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n{protocol}\r\n"
            )
        };
        for protocol in ["graphql-transport-ws", "graphql-ws"] {
            let request = upgrade(&format!("Sec-WebSocket-Protocol: {protocol}\r\n"));
            let (head, _) = raw_http(addr, request.as_bytes()).await;
            assert!(head.starts_with("HTTP/1.1 101"), "{head}");
            assert!(
                head.to_lowercase()
                    .contains(&format!("sec-websocket-protocol: {protocol}")),
                "{head}"
            );
        }
        // Without a GraphQL subprotocol the upgrade is refused. `Connection: close` (listed
        // after `Upgrade`) makes the server close the socket so that raw_http can return.
        let request = upgrade("Connection: close\r\n");
        let (head, body) = raw_http(addr, request.as_bytes()).await;
        assert!(head.starts_with("HTTP/1.1 400"), "{head}");
        let body: Json = serde_json::from_str(&body).expect("JSON 400 body");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_REQUEST",
            "{body}"
        );
    }

    #[test]
    fn negotiation_unit_cases() {
        let headers = |accept: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                header::ACCEPT,
                HeaderValue::from_str(accept).expect("header"),
            );
            h
        };
        assert_eq!(
            negotiate(&HeaderMap::new()),
            Negotiated {
                format: Some(ResponseFormat::Json),
                prefers_html: false
            }
        );
        let chrome = negotiate(&headers(
            "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8",
        ));
        assert!(chrome.prefers_html);
        assert_eq!(chrome.format, Some(ResponseFormat::Json));
        assert!(!negotiate(&headers("*/*")).prefers_html);
        assert!(!negotiate(&headers("application/json, text/html")).prefers_html);
        assert!(negotiate(&headers("text/html")).prefers_html);
        assert_eq!(negotiate(&headers("text/html")).format, None);
        assert_eq!(
            negotiate(&headers("APPLICATION/GRAPHQL-RESPONSE+JSON; charset=utf-8")).format,
            Some(ResponseFormat::GraphqlResponseJson)
        );
    }

    #[tokio::test]
    async fn a_request_past_the_timeout_is_504_timeout() {
        let limits = HttpLimits {
            timeout: std::time::Duration::from_millis(50),
            ..HttpLimits::default()
        };
        let addr = serve(graphql_routes(
            schema(Arc::default()),
            "/graphql",
            limits,
            None,
        ))
        .await;
        let url = format!("http://{addr}/graphql");
        let resp = post_json(&url, Some(GQL_RESPONSE), r#"{"query":"{ slow }"}"#).await;
        assert_eq!(resp.status(), 504);
        assert_error_code(resp, "TIMEOUT").await;
        let resp = get_with(&url, Some(JSON), &[("query", "{ slow }")]).await;
        assert_eq!(resp.status(), 504);
        assert_error_code(resp, "TIMEOUT").await;
    }

    #[test]
    fn every_transport_status_has_its_code() {
        for (status, code) in [
            (StatusCode::BAD_REQUEST, "BAD_REQUEST"),
            (StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED"),
            (StatusCode::NOT_ACCEPTABLE, "NOT_ACCEPTABLE"),
            (StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE"),
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE"),
            (StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED"),
            (StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE"),
            (StatusCode::GATEWAY_TIMEOUT, "TIMEOUT"),
            (StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL"),
            (StatusCode::BAD_GATEWAY, "INTERNAL"),
        ] {
            assert_eq!(transport_code(status), code, "{status}");
        }
        // The body sent when serialization fails is coded like any other 500.
        let fallback: Json = serde_json::from_slice(FALLBACK_ERROR_BODY).expect("JSON");
        assert_eq!(
            fallback["errors"][0]["extensions"]["code"],
            transport_code(StatusCode::INTERNAL_SERVER_ERROR)
        );
    }

    #[test]
    fn refused_callers_get_coded_errors_without_locations() {
        use crate::auth::AuthError;
        for (rejection, status, code) in [
            (
                Rejection::Unauthenticated(AuthError::Missing),
                StatusCode::UNAUTHORIZED,
                "UNAUTHENTICATED",
            ),
            (
                Rejection::RateLimited(std::time::Duration::from_secs(2)),
                StatusCode::TOO_MANY_REQUESTS,
                "RATE_LIMITED",
            ),
            (
                Rejection::Unavailable,
                StatusCode::SERVICE_UNAVAILABLE,
                "UNAVAILABLE",
            ),
        ] {
            let (answered, error) = rejection_error(&rejection);
            assert_eq!(answered, status);
            let json = serde_json::to_value(&error).expect("JSON");
            assert_eq!(json["extensions"]["code"], code, "{json}");
            assert!(json.get("locations").is_none(), "{json}");
        }
    }

    #[test]
    fn legacy_connection_errors_get_a_code() {
        let refusal = std::sync::Mutex::new(None);
        // async-graphql's own: a peer that stopped answering pings.
        let timeout = r#"{"type":"connection_error","payload":{"message":"timeout"}}"#;
        let coded: Json =
            serde_json::from_str(&coded_connection_error(timeout.into(), &refusal)).expect("JSON");
        assert_eq!(coded["type"], "connection_error");
        assert_eq!(coded["payload"]["message"], "timeout");
        assert_eq!(coded["payload"]["extensions"]["code"], "TIMEOUT");
        // A refused caller: the refusal's error, with its code.
        let (_, error) = rejection_error(&Rejection::Unavailable);
        *refusal.lock().expect("lock") = Some(error);
        let refused = r#"{"type":"connection_error","payload":{"message":"x"}}"#;
        let coded: Json =
            serde_json::from_str(&coded_connection_error(refused.into(), &refusal)).expect("JSON");
        assert_eq!(coded["payload"]["extensions"]["code"], "UNAVAILABLE");
        // Anything else passes as it is.
        let next = r#"{"type":"next","id":"1","payload":{"data":{}}}"#;
        assert_eq!(coded_connection_error(next.into(), &refusal), next);
    }
}
