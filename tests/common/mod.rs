//! Test harness: the real server on an ephemeral port over a fresh database, and a GraphQL client.
#![allow(dead_code, unreachable_pub)]

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use integration_gateway::{
    app::Application,
    config::{DatabaseConfig, ServeConfig},
    db,
};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

/// A running gateway on its own database.
pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    statements: Arc<AtomicUsize>,
    _dir: tempfile::TempDir,
}

/// Starts the gateway on 127.0.0.1:0 over a new SQLite file.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like [`spawn_app`], with changed serve settings.
pub async fn spawn_app_with(configure: impl FnOnce(&mut ServeConfig)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
    let config = DatabaseConfig {
        database_url: url,
        database_max_connections: 8,
    };
    let mut pool = db::connect(&config).await.expect("connect");
    let statements = Arc::new(AtomicUsize::new(0));
    let counter = statements.clone();
    // Set before any clone of the pool, or the clones do not count.
    pool.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let mut serve = ServeConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..ServeConfig::default()
    };
    configure(&mut serve);
    let app = Application::with_db(pool.clone(), &serve)
        .await
        .expect("build app");
    let addr = app.local_addr().unwrap();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        addr,
        client: reqwest::Client::new(),
        db: pool,
        statements,
        _dir: dir,
    }
}

impl TestApp {
    /// The URL of a path on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// SQL statements run so far.
    pub fn statements(&self) -> usize {
        self.statements.load(Ordering::SeqCst)
    }

    /// Posts a GraphQL request and returns the whole JSON response.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        let resp = self
            .client
            .post(self.url("/graphql"))
            .header("accept", "application/json")
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request");
        resp.json().await.expect("json body")
    }

    /// Posts a GraphQL request that must succeed; returns `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.gql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// Posts a GraphQL request that must fail; returns the first error.
    pub async fn error(&self, query: &str, variables: Value) -> Value {
        let body = self.gql(query, variables).await;
        body["errors"][0].clone()
    }

    /// Creates an integration with this code and returns its id.
    pub async fn integration(&self, code: &str) -> i64 {
        let data = self
            .data(
                "mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }",
                json!({ "input": {
                    "code": code, "name": format!("{code} name"), "businessObject": "Invoice",
                    "direction": "FROM_COUPA", "endSystem": "SAP", "endSystemType": "ERP",
                    "integrationType": "API"
                }}),
            )
            .await;
        data["createIntegration"]["id"].as_i64().unwrap()
    }

    /// Creates a run of the integration with this code and returns its id.
    pub async fn run(&self, code: &str) -> i64 {
        let data = self
            .data(
                "mutation($code: String!) { createIntegrationRun(input: {integration: {code: $code}}) { id status } }",
                json!({ "code": code }),
            )
            .await;
        assert_eq!(data["createIntegrationRun"]["status"], "PENDING");
        data["createIntegrationRun"]["id"].as_i64().unwrap()
    }

    /// Applies a lifecycle action (`run`, `pause`, …) and returns the whole response.
    pub async fn act(&self, action: &str, id: i64) -> Value {
        let query = format!(
            "mutation($id: Int!) {{ {action}IntegrationRun(id: $id) {{ id status startTime endTime updatedAt }} }}"
        );
        self.gql(&query, json!({ "id": id })).await
    }
}
