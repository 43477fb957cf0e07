//! GraphQL-over-HTTP transport for the GraphQL endpoint.
//!
//! async-graphql-axum's stock `GraphQL` service always answers 200 with
//! `application/graphql-response+json`, returns `{:?}` text for unreadable requests and runs
//! mutations over GET. That fails several rules of the GraphQL-over-HTTP spec, so this module
//! has its own handlers. They pass graphql-http 1.23's `auditServer`: 13/13 MUST, 23/23
//! SHOULD, 25/25 MAY (`scripts/test` runs it against the binary:
//! `tests/js/graphql-http-audit.mjs`).
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
//!   chosen from the status by `response::transport_code`.
//! - A GET is a WebSocket upgrade (`graphql-transport-ws` or `graphql-ws`), or GraphiQL for a
//!   browser, or a GraphQL-over-HTTP request. Mutations are refused over GET with 405 and
//!   `Allow: POST`.
//!
//! The submodules:
//! - `negotiate`: reads `Accept` into the response media type, and whether a browser wants
//!   GraphiQL.
//! - `response`: builds every response: the status a request error gets in each format, bodies
//!   without `data`, coded transport errors, headers kept from execution.
//! - `caller`: who is calling: a refused caller's coded error and response, an admitted caller's
//!   principal given to the request.
//! - `request`: checks on a GraphQL request before it runs (a `query` is present; which
//!   operation type it would run).
//! - `post`: the POST handler: body types, JSON single and batch requests, multipart/form-data
//!   uploads (read by async-graphql's extractor).
//! - `get`: the GET handler: GraphiQL, GraphQL-over-HTTP GET, and WebSocket upgrades handed to
//!   `websocket`.
//! - `websocket`: subscriptions over `graphql-transport-ws` and `graphql-ws`: authentication
//!   at `connection_init`, closing on expired credentials and on shutdown, request errors as
//!   graphql-transport-ws `error` messages.
//! - `multipart`: subscriptions streamed over HTTP as `multipart/mixed`.

mod caller;
mod get;
mod multipart;
mod negotiate;
mod post;
mod request;
mod response;
#[cfg(test)]
mod test_support;
mod websocket;

use std::sync::Arc;

use async_graphql::Executor;
use axum::{
    Router,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::Response,
};

use self::{
    caller::rejection_to_response,
    get::graphql_get,
    negotiate::{ResponseFormat, negotiate},
    post::graphql_post,
    response::error_response,
};
use super::explorer::Explorer;
use crate::auth::{Principal, http::HttpAuth};

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
            axum::routing::get(graphql_get::<E>)
                .post(graphql_post::<E>)
                // Any other method (PUT, DELETE, …) gets a JSON 405 too, so error bodies keep
                // one shape. axum's default 405 has an empty body.
                .fallback(method_not_allowed),
        )
        // Shared: axum clones the state for every request, and one count is cheaper than one
        // per part.
        .with_state(Arc::new(GraphqlState {
            executor,
            explorer: explorer.clone(),
            limits,
            auth,
        }))
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
    /// How long a WebSocket peer may go unheard (no message, no answer to the server's pings)
    /// before it is closed.
    pub keepalive: std::time::Duration,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            max_batch_operations: 10,
            timeout: std::time::Duration::from_secs(30),
            max_message_bytes: 1024 * 1024,
            keepalive: std::time::Duration::from_secs(30),
        }
    }
}

/// Router state: the executor (usually a `Schema`) and the pre-rendered explorer page.
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
    use reqwest::Client;

    use super::{test_support::*, *};

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
    async fn other_methods_are_405_json() {
        let (url, _) = start().await;
        let resp = Client::new().put(&url).send().await.expect("send");
        assert_eq!(resp.status(), 405);
        let allow: Vec<_> = resp.headers().get_all(header::ALLOW).iter().collect();
        assert_eq!(allow, [HeaderValue::from_static("GET, HEAD, POST")]);
        assert_error_code(resp, "METHOD_NOT_ALLOWED").await;
    }
}
