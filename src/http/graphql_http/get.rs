//! GET: a WebSocket upgrade, GraphiQL for a browser, or a GraphQL-over-HTTP request.

use std::sync::Arc;

use async_graphql::{Executor, Request as GqlRequest, Variables};
use async_graphql_axum::GraphQLProtocol;
use axum::{
    extract::{Query, State, WebSocketUpgrade, ws::rejection::WebSocketUpgradeRejection},
    http::{HeaderMap, HeaderValue, StatusCode, Uri, header},
    response::Response,
};
use serde::Deserialize;

use super::{
    GraphqlState,
    caller::with_caller,
    negotiate::negotiate,
    request::{check_query_present, is_mutation},
    response::{error_response, not_acceptable, single_response, timed_out},
    websocket,
};

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
pub(super) async fn graphql_get<E: Executor>(
    State(state): State<Arc<GraphqlState<E>>>,
    // axum 0.8 has no `Option<WebSocketUpgrade>` extractor, so a `Result` stands in for
    // "is this an upgrade?".
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    protocol: Result<GraphQLProtocol, StatusCode>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if let Ok(ws) = ws {
        return websocket::upgrade(state, ws, protocol, headers).await;
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
    state: Arc<GraphqlState<E>>,
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use axum::http::header;
    use serde_json::{Value as Json, json};

    use crate::http::graphql_http::test_support::*;

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
}
