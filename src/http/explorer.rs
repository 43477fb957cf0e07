//! The GraphiQL explorer, served entirely from the binary.
//!
//! The JavaScript and CSS are the bundle that `scripts/build-explorer` writes to `explorer/dist`
//! (GraphiQL, React and graphql-ws). They are embedded at build time, so the page works on a
//! machine without internet access and without Node. The page itself is a few lines of HTML that
//! load the two assets from `<endpoint>/assets/`.

use super::embedded::{Bundle, escape_html};
use axum::{
    Router,
    body::Bytes,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};

/// The explorer's JavaScript bundle.
const SCRIPT: &[u8] = include_bytes!("../../explorer/dist/graphiql.js");

/// The explorer's style sheet (fonts inlined as data URLs).
const STYLE: &[u8] = include_bytes!("../../explorer/dist/graphiql.css");

/// Allows only this origin: a stray CDN reference in the bundle fails in the browser instead of
/// quietly needing internet access. Inline styles are GraphiQL's own (and the page's one rule).
const PAGE_CSP: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; \
                        img-src 'self' data:; font-src 'self' data:; object-src 'none'; \
                        base-uri 'none'; frame-ancestors 'none'";

/// The explorer's HTML page for a GraphQL endpoint at `endpoint`, and the routes of its assets.
#[derive(Clone, Debug)]
pub struct Explorer {
    page: Bytes,
    bundle: Bundle,
}

impl Explorer {
    /// Renders the page once; `endpoint` is the GraphQL path (queries and subscriptions).
    pub fn new(endpoint: &str) -> Self {
        let bundle = Bundle::new(&format!("{endpoint}/assets"), "graphiql", SCRIPT, STYLE);
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
            style = escape_html(&bundle.style_path),
            script = escape_html(&bundle.script_path),
            version = bundle.version,
            endpoint = escape_html(endpoint),
        );
        Self {
            page: Bytes::from(page),
            bundle,
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
        self.bundle.routes()
    }
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
