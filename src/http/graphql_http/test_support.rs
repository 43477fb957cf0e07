//! What the transport's tests share: a small schema, a server on port 0 and request helpers.
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
use axum::{Router, http::header};
use reqwest::{Client, Response as HttpResponse};
use serde_json::Value as Json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{HttpLimits, graphql_routes};

pub(super) const GQL_RESPONSE: &str = "application/graphql-response+json";
pub(super) const JSON: &str = "application/json";
pub(super) const ONE_MIB: usize = 1024 * 1024;

pub(super) struct Query;

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

pub(super) struct Mutation;

#[Object]
impl Mutation {
    async fn bump(&self, ctx: &Context<'_>) -> i32 {
        ctx.data_unchecked::<Arc<AtomicI32>>()
            .fetch_add(1, Ordering::SeqCst)
            + 1
    }
}

pub(super) type TestSchema = Schema<Query, Mutation, EmptySubscription>;

pub(super) fn schema(counter: Arc<AtomicI32>) -> TestSchema {
    Schema::build(Query, Mutation, EmptySubscription)
        .data(counter)
        .finish()
}

pub(super) async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind test listener");
    let addr = listener.local_addr().expect("listener address");
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("test server");
    });
    addr
}

pub(super) async fn start() -> (String, Arc<AtomicI32>) {
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

pub(super) fn content_type(resp: &HttpResponse) -> String {
    resp.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

pub(super) async fn post_json(url: &str, accept: Option<&str>, body: &str) -> HttpResponse {
    let mut req = Client::new()
        .post(url)
        .header(header::CONTENT_TYPE, JSON)
        .body(body.to_owned());
    if let Some(accept) = accept {
        req = req.header(header::ACCEPT, accept);
    }
    req.send().await.expect("send")
}

pub(super) async fn get_with(
    url: &str,
    accept: Option<&str>,
    params: &[(&str, &str)],
) -> HttpResponse {
    let mut req = Client::new().get(url).query(params);
    if let Some(accept) = accept {
        req = req.header(header::ACCEPT, accept);
    }
    req.send().await.expect("send")
}

/// Asserts the `{"errors":[{"message": "..."}]}` shape, that there is no `data` key and that
/// no error claims a location before the document's first line.
pub(super) async fn assert_error_body(resp: HttpResponse) -> Json {
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
pub(super) async fn assert_error_code(resp: HttpResponse, code: &str) -> Json {
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

/// Sends raw HTTP/1.1 bytes and returns the status line, the headers and the body as text.
/// It reads until the server closes the connection or, for a 101, until the headers end.
pub(super) async fn raw_http(addr: SocketAddr, request: &[u8]) -> (String, String) {
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
