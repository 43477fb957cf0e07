//! POST: JSON (single or batch) and multipart/form-data requests.

use std::sync::Arc;

use async_graphql::{BatchRequest, Executor, ParseRequestError, parser::types::OperationType};
use async_graphql_axum::{GraphQLBatchRequest, rejection::GraphQLRejection};
use axum::{
    RequestExt,
    extract::{FromRequest, Request, State},
    http::{HeaderMap, StatusCode, header},
    response::Response,
};

use super::{
    GraphqlState,
    caller::with_caller,
    multipart::{accepts_multipart, multipart_subscription},
    negotiate::{ResponseFormat, negotiate},
    request::{check_query_present, operation_type},
    response::{batch_response, error_response, not_acceptable, single_response, timed_out},
};

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
    // The body did not arrive within the request timeout (tower-http's body timeout).
    if debug.contains("TimeoutError") || debug.contains("designated timeout") {
        return error_response(
            StatusCode::REQUEST_TIMEOUT,
            format,
            "the request body did not arrive within the request timeout (--request-timeout-ms)",
        );
    }
    error_response(
        StatusCode::BAD_REQUEST,
        format,
        &format!("could not read the GraphQL request: {err}"),
    )
}

/// How a POST's body is read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum BodyType {
    Json,
    Multipart,
}

/// The type of a POST's body if it is one we can read: JSON (UTF-8) or multipart. Anything else,
/// including a missing header, gets 415. fetch() sends `text/plain` when no type is given, which
/// is why the audit (9ABE) expects a 4xx.
fn body_type(headers: &HeaderMap) -> Option<BodyType> {
    let mime = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<mime::Mime>().ok())?;
    match (mime.type_(), mime.subtype()) {
        (mime::APPLICATION, mime::JSON) => mime
            .get_param(mime::CHARSET)
            // The JSON body is decoded as UTF-8 and nothing else. A different charset would
            // turn into a misleading parse error, so refuse it here.
            .is_none_or(|charset| charset.as_str().eq_ignore_ascii_case("utf-8"))
            .then_some(BodyType::Json),
        (mime::MULTIPART, _) => Some(BodyType::Multipart),
        _ => None,
    }
}

/// A JSON body as one request or a batch. async-graphql's `BatchRequest` is an untagged enum,
/// which serde reads by buffering the whole document into an intermediate tree and then trying
/// each variant on it; the first byte tells which it is, so the body is read once, straight into
/// its type (and an error names what is wrong instead of "no variant matched").
fn json_batch(body: &[u8]) -> Result<BatchRequest, ParseRequestError> {
    let invalid = |e| ParseRequestError::InvalidRequest(Box::new(e));
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        let requests: Vec<async_graphql::Request> =
            serde_json::from_slice(body).map_err(invalid)?;
        if requests.is_empty() {
            return Err(ParseRequestError::InvalidRequest(Box::new(
                <serde_json::Error as serde::de::Error>::custom(
                    "a batch must hold at least one request",
                ),
            )));
        }
        Ok(BatchRequest::Batch(requests))
    } else {
        serde_json::from_slice(body)
            .map(BatchRequest::Single)
            .map_err(invalid)
    }
}

/// Reads a POST's body: JSON into its request or batch, multipart through async-graphql's reader.
async fn read_batch(req: Request, body_type: BodyType) -> Result<BatchRequest, ParseRequestError> {
    // The extractors read `into_body()` directly, which skips axum's `DefaultBodyLimit`.
    // `with_limited_body` puts that limit back (2 MiB when none is configured), so an oversized
    // body reaches us as a "length limit exceeded" error and gets a JSON 413.
    let req = req.with_limited_body();
    match body_type {
        BodyType::Json => {
            let body = axum::body::to_bytes(req.into_body(), usize::MAX)
                .await
                // As async-graphql's reader reports it: the text is what tells a body too large
                // or too late from another failure (`rejection_response`).
                .map_err(|e| ParseRequestError::Io(std::io::Error::other(e.to_string())))?;
            json_batch(&body)
        }
        BodyType::Multipart => {
            match GraphQLBatchRequest::<GraphQLRejection>::from_request(req, &()).await {
                Ok(batch) => Ok(batch.into_inner()),
                Err(GraphQLRejection(err)) => Err(err),
            }
        }
    }
}

/// POST: reads a JSON (single or batch) or multipart GraphQL request and executes it.
pub(super) async fn graphql_post<E: Executor>(
    State(state): State<Arc<GraphqlState<E>>>,
    req: Request,
) -> Response {
    let multipart = accepts_multipart(req.headers());
    let format = match negotiate(req.headers()).format {
        Some(format) => format,
        // `Accept: multipart/mixed` alone still reads JSON errors.
        None if multipart => ResponseFormat::Json,
        None => return not_acceptable(),
    };
    let Some(body_type) = body_type(req.headers()) else {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format,
            "Content-Type must be application/json or multipart/form-data",
        );
    };
    // Callers are identified before their body is read, so strangers cost no parsing.
    let principal = match state.caller(req.headers(), format).await {
        Ok(principal) => principal,
        Err(response) => return response,
    };
    let batch = match read_batch(req, body_type).await {
        Ok(batch) => batch,
        Err(err) => return rejection_response(&err, format),
    };
    match batch {
        BatchRequest::Single(request) => {
            if let Err(message) = check_query_present(&request) {
                return error_response(StatusCode::BAD_REQUEST, format, message);
            }
            let request = with_caller(request, &principal);
            if multipart && operation_type(&request) == Some(OperationType::Subscription) {
                let expires = principal.as_ref().and_then(|p| p.expires_at);
                return multipart_subscription(state.executor.clone(), request, expires);
            }
            let limit = state.limits.timeout;
            // Boxed: the execution's future is large, and every layer above would move it.
            match tokio::time::timeout(limit, Box::pin(state.executor.execute(request))).await {
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

#[cfg(test)]
mod tests {
    use std::sync::{Arc, atomic::Ordering};

    use axum::{extract::DefaultBodyLimit, http::header};
    use reqwest::Client;
    use serde_json::{Value as Json, json};
    use tower_http::limit::RequestBodyLimitLayer;

    use crate::http::graphql_http::{HttpLimits, graphql_routes, test_support::*};

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

    #[test]
    fn a_json_body_is_read_as_one_request_or_a_batch_by_its_first_byte() {
        use async_graphql::BatchRequest;

        use super::json_batch;
        match json_batch(br#" {"query":"{ a }","variables":{"x":1}}"#) {
            Ok(BatchRequest::Single(r)) => assert_eq!(r.query, "{ a }"),
            other => panic!("one request expected: {other:?}"),
        }
        match json_batch(b"\n\t [{\"query\":\"{ a }\"},{\"query\":\"{ b }\"}]") {
            Ok(BatchRequest::Batch(rs)) => {
                assert_eq!(
                    rs.iter().map(|r| r.query.as_str()).collect::<Vec<_>>(),
                    ["{ a }", "{ b }"]
                )
            }
            other => panic!("a batch expected: {other:?}"),
        }
        // What is wrong is named, not "no variant matched".
        let empty = json_batch(b"[]").expect_err("an empty batch is refused");
        assert!(
            empty.to_string().contains("at least one request"),
            "{empty}"
        );
        let bad = json_batch(br#"{"query": 1}"#).expect_err("a query must be a string");
        assert!(bad.to_string().contains("expected a string"), "{bad}");
        assert!(json_batch(b"").is_err());
        assert!(json_batch(b"[{\"query\":\"{ a }\"},").is_err());
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
}
