//! The HTTP surface: GraphiQL, GET queries, redirects, health.

mod common;

use common::spawn_app;

#[tokio::test]
async fn a_browser_gets_graphiql_and_the_root_redirects_to_it() {
    let app = spawn_app().await;
    let resp = app
        .client
        .get(app.url("/graphql"))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = resp.text().await.unwrap();
    assert!(page.contains(r#"id="graphiql""#), "{page}");

    // The page's assets come from the gateway itself (embedded in the binary), not from a CDN.
    for (asset, content_type) in [
        ("/graphql/assets/graphiql.js", "text/javascript"),
        ("/graphql/assets/graphiql.css", "text/css"),
    ] {
        assert!(page.contains(asset), "{asset} in {page}");
        let resp = app.client.get(app.url(asset)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{asset}");
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(content_type),
            "{asset}"
        );
    }

    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = no_redirects.get(app.url("/")).send().await.unwrap();
    assert!(resp.status().is_redirection());
    assert_eq!(resp.headers()["location"], "/graphql");
}

#[tokio::test]
async fn get_runs_queries_but_refuses_mutations() {
    let app = spawn_app().await;
    let resp = app
        .client
        .get(app.url("/graphql?query=%7B%20integrations%20%7B%20totalCount%20%7D%20%7D"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["data"]["integrations"]["totalCount"], 0);

    let resp = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { failIntegrationRun(id: 1) { id } }")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers()["allow"], "POST");
}

#[tokio::test]
async fn healthz_answers() {
    let app = spawn_app().await;
    let resp = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}
