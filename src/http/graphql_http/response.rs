//! Building responses: statuses, media types and error bodies.

use std::collections::BTreeMap;

use async_graphql::{BatchResponse, Response as GqlResponse, ServerError, Value};
use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;

use super::negotiate::ResponseFormat;

/// This body is sent only if serde_json can't serialize one of our own bodies. That shouldn't
/// happen, but a panic on the request path would be worse.
const FALLBACK_ERROR_BODY: &[u8] = br#"{"errors":[{"message":"internal error while encoding the response","extensions":{"code":"INTERNAL"}}]}"#;

/// The `extensions.code` of a transport-level refusal, chosen from its status: the one place
/// these codes are named. Authentication and scope refusals carry
/// [`AppError`](crate::error::AppError)'s codes instead.
fn transport_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "BAD_REQUEST",
        StatusCode::METHOD_NOT_ALLOWED => "METHOD_NOT_ALLOWED",
        StatusCode::NOT_ACCEPTABLE => "NOT_ACCEPTABLE",
        StatusCode::PAYLOAD_TOO_LARGE => "PAYLOAD_TOO_LARGE",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "UNSUPPORTED_MEDIA_TYPE",
        StatusCode::TOO_MANY_REQUESTS => "RATE_LIMITED",
        StatusCode::SERVICE_UNAVAILABLE => "UNAVAILABLE",
        StatusCode::GATEWAY_TIMEOUT | StatusCode::REQUEST_TIMEOUT => "TIMEOUT",
        // No other 4xx is answered here; should one be, it is still the client's request.
        status if status.is_client_error() => "BAD_REQUEST",
        _ => "INTERNAL",
    }
}

/// A transport-level error: `message`, coded by [`transport_code`], without `locations` (no
/// document position is known at this level), with the status it is answered with.
pub(super) fn transport_error(status: StatusCode, message: &str) -> (StatusCode, ServerError) {
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
pub(super) fn errors_response(
    status: StatusCode,
    format: ResponseFormat,
    errors: &[ServerError],
) -> Response {
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
pub(super) fn error_response(
    status: StatusCode,
    format: ResponseFormat,
    message: &str,
) -> Response {
    let (status, error) = transport_error(status, message);
    errors_response(status, format, &[error])
}

/// 406 for an `Accept` header that allows no GraphQL media type. The client accepts none of our
/// types, so the body uses application/json, the most widely understood one.
pub(super) fn not_acceptable() -> Response {
    error_response(
        StatusCode::NOT_ACCEPTABLE,
        ResponseFormat::Json,
        "Accept must allow application/graphql-response+json or application/json",
    )
}

/// Answers 504 with a JSON error when the request outlives the limit.
pub(super) fn timed_out(format: ResponseFormat, limit: std::time::Duration) -> Response {
    error_response(
        StatusCode::GATEWAY_TIMEOUT,
        format,
        &format!(
            "the request ran longer than {} ms and was cancelled",
            limit.as_millis()
        ),
    )
}

/// Detects a request error, meaning execution never started. async-graphql reports parse,
/// validation and coercion failures as `data: null` with errors that have no `path`. Field
/// errors always have a path, so they are not matched.
pub(super) fn is_request_error(resp: &GqlResponse) -> bool {
    resp.data == Value::Null
        && !resp.errors.is_empty()
        && resp.errors.iter().all(|error| error.path.is_empty())
}

/// Turns an executed single request into the HTTP response (rules 3 and 6).
pub(super) fn single_response(resp: GqlResponse, format: ResponseFormat) -> Response {
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
pub(super) fn batch_response(resp: BatchResponse, format: ResponseFormat) -> Response {
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::{Value as Json, json};

    use super::*;
    use crate::http::graphql_http::{HttpLimits, graphql_routes, test_support::*};

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
}
