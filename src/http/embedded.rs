//! Web apps embedded in the binary (the GraphiQL explorer, the dashboard): a script and a style
//! sheet built from npm packages and committed, served with long-lived caching under URLs that
//! carry a hash of their content.

use axum::{
    Router,
    http::header,
    response::{IntoResponse, Response},
    routing::get,
};
use sha2::{Digest, Sha256};

/// The assets may be cached for a year: their URLs carry a hash of their content, so a new
/// bundle gets new URLs.
const ASSET_CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// An app's two embedded assets and where they are served.
#[derive(Clone, Debug)]
pub struct Bundle {
    script: &'static [u8],
    style: &'static [u8],
    /// The script's path (no query string).
    pub script_path: String,
    /// The style sheet's path (no query string).
    pub style_path: String,
    /// The hash of both assets, for `?v=`: either changing busts the cache.
    pub version: String,
}

impl Bundle {
    /// A bundle of `script` and `style` served at `<assets>/<name>.js` and `<assets>/<name>.css`.
    pub fn new(assets: &str, name: &str, script: &'static [u8], style: &'static [u8]) -> Self {
        let mut hash = Sha256::new();
        hash.update(script);
        hash.update(style);
        let digest = format!("{:x}", hash.finalize());
        Self {
            script,
            style,
            script_path: format!("{assets}/{name}.js"),
            style_path: format!("{assets}/{name}.css"),
            version: digest[..16].to_owned(),
        }
    }

    /// `GET` of the script and of the style sheet.
    pub fn routes(&self) -> Router {
        let (script, style) = (self.script, self.style);
        Router::new()
            .route(
                &self.script_path,
                get(move || async move { asset("text/javascript; charset=utf-8", script) }),
            )
            .route(
                &self.style_path,
                get(move || async move { asset("text/css; charset=utf-8", style) }),
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

/// Escapes text for an HTML attribute. The paths are ours, but a page should not depend on them
/// being tame.
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
