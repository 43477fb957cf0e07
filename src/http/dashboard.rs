//! The operations dashboard at `/dashboard`, served entirely from the binary.
//!
//! The JavaScript and CSS are the bundle that `scripts/build-dashboard` writes to `dashboard/dist`
//! (Preact, graphql-ws and the views; see `dashboard/`). They are embedded at build time, so the
//! page works on a machine without internet access and without Node. Every path under
//! `/dashboard` answers the same small HTML page, since the app routes on the path itself; the
//! page is public, and the data it asks for over the GraphQL WebSocket needs a token when the
//! server requires one.

use super::embedded::{Bundle, escape_html};
use axum::{
    Router,
    body::Bytes,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

/// The path the dashboard is served at.
pub const DASHBOARD_PATH: &str = "/dashboard";

/// The dashboard's JavaScript bundle.
const SCRIPT: &[u8] = include_bytes!("../../dashboard/dist/dashboard.js");

/// The dashboard's style sheet.
const STYLE: &[u8] = include_bytes!("../../dashboard/dist/dashboard.css");

/// The page itself is revalidated each time, so a new binary's asset URLs are picked up at once.
const PAGE_CACHE_CONTROL: &str = "no-cache";

/// Only this origin, and nothing inline: the bundle sets no inline styles or scripts. `'self'` in
/// connect-src also allows `ws:`/`wss:` to the same host and port (CSP Level 3, as Chromium and
/// Firefox implement it), which the GraphQL socket needs; the browser test checks that it opens.
/// The `data:` image is the page's empty favicon, which keeps the browser from asking for one.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
                        connect-src 'self'; img-src 'self' data:; base-uri 'none'; \
                        form-action 'self'; frame-ancestors 'none'";

/// The dashboard's HTML page for a GraphQL endpoint at `endpoint`, and its routes.
#[derive(Clone, Debug)]
pub struct Dashboard {
    page: Bytes,
    bundle: Bundle,
}

impl Dashboard {
    /// Renders the page once; `endpoint` is the GraphQL path the app opens its WebSocket on.
    pub fn new(endpoint: &str) -> Self {
        let bundle = Bundle::new(
            &format!("{DASHBOARD_PATH}/assets"),
            "dashboard",
            SCRIPT,
            STYLE,
        );
        let page = format!(
            r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>integration-gateway · dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{style}?v={version}">
</head>
<body>
<div id="dashboard" data-endpoint="{endpoint}" data-base="{base}">Loading the dashboard…</div>
<script src="{script}?v={version}"></script>
</body>
</html>
"#,
            style = escape_html(&bundle.style_path),
            script = escape_html(&bundle.script_path),
            version = bundle.version,
            endpoint = escape_html(endpoint),
            base = escape_html(DASHBOARD_PATH),
        );
        Self {
            page: Bytes::from(page),
            bundle,
        }
    }

    /// `GET /dashboard` and every path under it (the app's own routes), and the two assets.
    pub fn routes(&self) -> Router {
        let page = self.page.clone();
        let serve_page = move || {
            let page = page.clone();
            async move { page_response(page) }
        };
        Router::new()
            .route(DASHBOARD_PATH, get(serve_page.clone()))
            .route(&format!("{DASHBOARD_PATH}/"), get(serve_page.clone()))
            .route(&format!("{DASHBOARD_PATH}/{{*route}}"), get(serve_page))
            .merge(self.bundle.routes())
            // A stale or mistyped asset URL gets a 404, not the HTML page under a script's name.
            .route(
                &format!("{DASHBOARD_PATH}/assets/{{*asset}}"),
                get(|| async { StatusCode::NOT_FOUND }),
            )
    }
}

/// The HTML page with its policy.
fn page_response(page: Bytes) -> Response {
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
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(PAGE_CACHE_CONTROL),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
        ],
        page,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_the_embedded_assets_and_nothing_else() {
        let page = String::from_utf8(Dashboard::new("/graphql").page.to_vec()).expect("utf-8");
        assert!(page.contains(r#"data-endpoint="/graphql""#), "{page}");
        assert!(page.contains(r#"data-base="/dashboard""#), "{page}");
        assert!(
            page.contains(r#"src="/dashboard/assets/dashboard.js?v="#),
            "{page}"
        );
        assert!(
            page.contains(r#"href="/dashboard/assets/dashboard.css?v="#),
            "{page}"
        );
        assert!(
            !page.contains("//"),
            "no absolute or protocol-relative URL: {page}"
        );
        assert!(
            !page.contains("<style") && !page.contains("style="),
            "{page}"
        );
    }

    #[test]
    fn the_embedded_bundle_is_the_built_one() {
        // A forgotten or failed `scripts/build-dashboard` would leave an empty or stray file.
        assert!(SCRIPT.len() > 20_000);
        assert!(STYLE.len() > 1_000);
        let script = String::from_utf8_lossy(SCRIPT);
        assert!(script.contains("integrationRunCounts"));
        assert!(script.contains("graphql-transport-ws"));
        assert!(!script.contains("unpkg.com") && !script.contains("cdn.jsdelivr"));
    }
}
