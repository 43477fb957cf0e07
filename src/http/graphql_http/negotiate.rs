//! Content negotiation: the response media type chosen from `Accept`.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};

/// The media type of a GraphQL response, as negotiated from `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ResponseFormat {
    /// `application/graphql-response+json`: request errors get 4xx.
    GraphqlResponseJson,
    /// `application/json`, the legacy type: request errors still get 200.
    Json,
}

impl ResponseFormat {
    /// The `Content-Type` value to send. JSON is always UTF-8; the charset is stated because the
    /// spec recommends it.
    pub(super) fn content_type(self) -> HeaderValue {
        match self {
            Self::GraphqlResponseJson => {
                HeaderValue::from_static("application/graphql-response+json; charset=utf-8")
            }
            Self::Json => HeaderValue::from_static("application/json; charset=utf-8"),
        }
    }

    /// The status for a request error (parse, validation or coercion) in this format.
    pub(super) fn request_error_status(self) -> StatusCode {
        match self {
            Self::GraphqlResponseJson => StatusCode::BAD_REQUEST,
            Self::Json => StatusCode::OK,
        }
    }
}

/// The result of reading `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Negotiated {
    /// `None` means no acceptable GraphQL media type, which gets 406.
    pub(super) format: Option<ResponseFormat>,
    /// `text/html` is listed and ranks at least as high as the best GraphQL media type.
    /// Browsers navigating to the endpoint send this.
    pub(super) prefers_html: bool,
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
pub(super) fn negotiate(headers: &HeaderMap) -> Negotiated {
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

#[cfg(test)]
mod tests {
    use serde_json::{Value as Json, json};

    use super::*;
    use crate::http::graphql_http::test_support::*;

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
}
