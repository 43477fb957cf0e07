//! The dashboard's routes: the page at `/dashboard` and under it, its embedded assets, and that
//! neither needs a token when the server requires one.

mod common;

use common::spawn_app_with;

#[tokio::test]
async fn the_dashboard_page_and_its_assets_are_served_without_a_token() {
    let app = spawn_app_with(|s| s.auth.require_auth = true).await;

    // The app routes on the path itself, so every route of it gets the same page.
    let mut page = String::new();
    for path in [
        "/dashboard",
        "/dashboard/",
        "/dashboard/runs/7?status=RUNNING",
        "/dashboard/records?documentType=INVOICE_HEADER&documentId=1001&resolved=false",
    ] {
        let resp = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        let headers = resp.headers();
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("connect-src 'self'"), "{csp}");
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert_eq!(headers["cache-control"], "no-cache", "{path}");
        page = resp.text().await.unwrap();
        assert!(page.contains(r#"id="dashboard""#), "{page}");
    }

    // The page's assets come from the gateway itself, with versioned URLs cached for long.
    for (asset, content_type, marker) in [
        (
            "/dashboard/assets/dashboard.js",
            "text/javascript",
            "integrationRunCounts",
        ),
        ("/dashboard/assets/dashboard.css", "text/css", ".badge"),
    ] {
        let versioned = page
            .split('"')
            .find(|part| part.starts_with(&format!("{asset}?v=")))
            .unwrap_or_else(|| panic!("{asset} in {page}"));
        let resp = app.client.get(app.url(versioned)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{asset}");
        let headers = resp.headers();
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with(content_type),
            "{asset}"
        );
        assert!(
            headers["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable"),
            "{asset}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(resp.text().await.unwrap().contains(marker), "{asset}");
    }

    let missing = app
        .client
        .get(app.url("/dashboard/assets/other.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    // The data is not public: the GraphQL endpoint still wants the token.
    let query = app
        .client
        .post(app.url("/graphql"))
        .json(&serde_json::json!({ "query": "{ integrationRunCounts { count } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(query.status(), 401);
}
