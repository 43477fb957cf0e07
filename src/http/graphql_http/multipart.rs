//! Subscriptions over HTTP as `multipart/mixed` (Apollo's multipart subscription protocol).

use async_graphql::{Executor, Request as GqlRequest};
use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use super::caller::until;

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

/// Streams a subscription over HTTP as `multipart/mixed` parts, one per event.
/// The stream ends when the caller's credentials expire.
pub(super) fn multipart_subscription<E: Executor>(
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
