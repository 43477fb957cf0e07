//! The GraphiQL explorer, served entirely from the binary.
//!
//! The JavaScript and CSS are the bundle that `scripts/build-explorer` writes to `explorer/dist`
//! (GraphiQL, React and graphql-ws). They are embedded at build time, so the page works on a
//! machine without internet access and without Node. The page itself is a few lines of HTML that
//! load the two assets from `<endpoint>/assets/`.

use axum::{
    Router,
    body::Bytes,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};
use sha2::{Digest, Sha256};

/// The explorer's JavaScript bundle.
const SCRIPT: &[u8] = include_bytes!("../../explorer/dist/graphiql.js");

/// The explorer's style sheet (fonts inlined as data URLs).
const STYLE: &[u8] = include_bytes!("../../explorer/dist/graphiql.css");

/// The assets may be cached for a year: their URLs carry a hash of their content, so a new
/// bundle gets new URLs.
const ASSET_CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// Allows only this origin: a stray CDN reference in the bundle fails in the browser instead of
/// quietly needing internet access. Inline styles are GraphiQL's own (and the page's one rule).
const PAGE_CSP: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; \
                        img-src 'self' data:; font-src 'self' data:; object-src 'none'; \
                        base-uri 'none'; frame-ancestors 'none'";

/// The explorer's HTML page for a GraphQL endpoint at `endpoint`, and the routes of its assets.
#[derive(Clone, Debug)]
pub struct Explorer {
    page: Bytes,
    script_path: String,
    style_path: String,
}

impl Explorer {
    /// Renders the page once; `endpoint` is the GraphQL path (queries and subscriptions).
    pub fn new(endpoint: &str) -> Self {
        let script_path = format!("{endpoint}/assets/graphiql.js");
        let style_path = format!("{endpoint}/assets/graphiql.css");
        // Both assets share one version: the hash of both, so either changing busts the cache.
        let version = {
            let mut hash = Sha256::new();
            hash.update(SCRIPT);
            hash.update(STYLE);
            let digest = format!("{:x}", hash.finalize());
            digest[..16].to_owned()
        };
        let page = format!(
            r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>integration-gateway · GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{style}?v={version}">
<style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
</head>
<body>
<div id="graphiql" data-endpoint="{endpoint}">Loading the explorer…</div>
<script src="{script}?v={version}"></script>
</body>
</html>
"#,
            style = escape_html(&style_path),
            script = escape_html(&script_path),
            endpoint = escape_html(endpoint),
        );
        Self {
            page: Bytes::from(page),
            script_path,
            style_path,
        }
    }

    /// The HTML page that loads the explorer.
    pub fn page(&self) -> Response {
        (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                ),
                (
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(PAGE_CSP),
                ),
            ],
            self.page.clone(),
        )
            .into_response()
    }

    /// `GET <endpoint>/assets/graphiql.js` and `…/graphiql.css`.
    pub fn asset_routes(&self) -> Router {
        Router::new()
            .route(
                &self.script_path,
                get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }),
            )
            .route(
                &self.style_path,
                get(|| async { asset("text/css; charset=utf-8", STYLE) }),
            )
    }
}

/// An embedded asset with its type and long-lived caching.
fn asset(content_type: &'static str, body: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, ASSET_CACHE_CONTROL),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

/// Escapes text for an HTML attribute. The endpoint is ours, but the page should not depend on it
/// being tame.
fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_the_embedded_assets_and_nothing_else() {
        let page = String::from_utf8(Explorer::new("/graphql").page.to_vec()).expect("utf-8");
        assert!(page.contains(r#"data-endpoint="/graphql""#), "{page}");
        assert!(
            page.contains(r#"src="/graphql/assets/graphiql.js?v="#),
            "{page}"
        );
        assert!(
            page.contains(r#"href="/graphql/assets/graphiql.css?v="#),
            "{page}"
        );
        assert!(
            !page.contains("//"),
            "no absolute or protocol-relative URL: {page}"
        );
    }

    #[test]
    fn the_embedded_bundle_is_the_built_one() {
        // A forgotten or failed `scripts/build-explorer` would leave an empty or stray file.
        assert!(SCRIPT.len() > 100_000);
        assert!(STYLE.len() > 10_000);
        let script = String::from_utf8_lossy(SCRIPT);
        assert!(script.contains("graphiql"));
        assert!(!script.contains("unpkg.com") && !script.contains("cdn.jsdelivr"));
    }
}
