//! Subscriptions over HTTP as `multipart/mixed` (Apollo's multipart subscription protocol).

use std::sync::Arc;

use async_graphql::{Executor, Request as GqlRequest};
use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use super::caller::until;
use crate::graphql::fanout::Splices;

/// Whether the client takes subscriptions as a `multipart/mixed` HTTP stream (Apollo's
/// multipart subscription protocol).
pub(super) fn accepts_multipart(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("multipart/mixed"))
}

/// How often an idle multipart subscription sends a heartbeat part.
const MULTIPART_HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(15);

/// Streams a subscription over HTTP as `multipart/mixed` parts, one per event (a shared answer's
/// bytes are spliced in as the part's body). The stream ends when the caller's credentials
/// expire, and when the server shuts down (the response then completes and lets it stop).
pub(super) fn multipart_subscription<E: Executor>(
    executor: E,
    request: GqlRequest,
    expires: Option<chrono::DateTime<chrono::Utc>>,
) -> Response {
    let splices = Arc::new(Splices::default());
    let mut session = async_graphql::Data::default();
    session.insert(splices.clone());
    let end = async move {
        tokio::select! {
            () = until(expires) => {}
            () = crate::shutdown::wait() => {}
        }
    };
    let stream = futures_util::StreamExt::take_until(
        executor.execute_stream(request, Some(Arc::new(session))),
        Box::pin(end),
    );
    let body = futures_util::StreamExt::map(
        async_graphql::http::create_multipart_mixed_stream(stream, MULTIPART_HEARTBEAT),
        move |part| {
            // Each answer is a chunk of its own, so a placeholder is a whole chunk.
            let spliced = part
                .starts_with(br#"{"data":""#)
                .then(|| std::str::from_utf8(&part).ok())
                .flatten()
                .and_then(|text| splices.splice(text));
            Ok::<_, std::convert::Infallible>(match spliced {
                Some(text) => axum::body::Bytes::from(text),
                None => part,
            })
        },
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
