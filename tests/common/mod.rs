//! Test harness: the real server on an ephemeral port over a fresh database, and a GraphQL client.
#![allow(dead_code, unreachable_pub)]

/// A process's figures from /proc (shared with the benchmarks).
pub mod procfs;
/// Python tools from PyPI in venvs made once.
pub mod python;
/// A real SMTP server (aiosmtpd) that records what it receives.
pub mod smtp;

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
use tokio::io::{AsyncBufReadExt, BufReader};

/// A running gateway on its own database.
pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    statements: Arc<AtomicUsize>,
    database: DatabaseConfig,
    _dir: tempfile::TempDir,
}

/// Creates an empty database for one test on the PostgreSQL server of `admin_url` (a URL of a
/// database on it, e.g. `postgres://postgres@127.0.0.1:55433/postgres`) and answers its URL.
pub async fn fresh_postgres_database(admin_url: &str) -> String {
    use sea_orm::ConnectionTrait;
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "test_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let admin = sea_orm::Database::connect(admin_url)
        .await
        .expect("connect to PostgreSQL");
    drop_databases_of_ended_processes(&admin).await;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create the test database");
    admin.close().await.ok();
    let (base, _) = admin_url.rsplit_once('/').expect("a database in the URL");
    format!("{base}/{name}")
}

/// Drops the test databases whose test process has ended, once per process. A test's database
/// outlives the test (a test may restart the gateway over it), so without this every test of the
/// suite would keep its database to the end: hundreds of them, gigabytes of a CI machine's disk.
/// Cargo runs the test binaries one after another, so each binary drops the ones before it.
async fn drop_databases_of_ended_processes(admin: &DatabaseConnection) {
    use sea_orm::{ConnectionTrait, Statement};
    static ONCE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    ONCE.get_or_init(|| async {
        let rows = admin
            .query_all_raw(Statement::from_string(
                admin.get_database_backend(),
                "SELECT datname FROM pg_database WHERE datname LIKE 'test\\_%'",
            ))
            .await
            .expect("list the test databases");
        for row in rows {
            let name: String = row.try_get("", "datname").expect("datname");
            let pid = name.split('_').nth(1).and_then(|p| p.parse::<u32>().ok());
            let ended = pid.is_some_and(|pid| {
                pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists()
            });
            if ended {
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .expect("drop an ended test process's database");
            }
        }
    })
    .await;
}

/// Whether the tests run on PostgreSQL (`TEST_DATABASE_URL`) rather than SQLite.
pub fn on_postgres() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres"))
}

/// A fresh database for a test process: a new PostgreSQL database when the tests run on
/// PostgreSQL, else a new SQLite file in `dir`.
pub async fn fresh_database_url(dir: &std::path::Path) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin) if admin.starts_with("postgres") => fresh_postgres_database(&admin).await,
        _ => format!("sqlite://{}?mode=rwc", dir.join("test.db").display()),
    }
}

/// Starts the gateway on 127.0.0.1:0 over a new SQLite file.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like [`spawn_app`], with changed serve settings.
pub async fn spawn_app_with(configure: impl FnOnce(&mut ServeConfig)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match std::env::var("TEST_DATABASE_URL") {
        Ok(admin) if admin.starts_with("postgres") => fresh_postgres_database(&admin).await,
        _ => format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()),
    };
    let config = DatabaseConfig::new(url);
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
    let addr = serve_on(&pool, &config, &serve).await;
    TestApp {
        addr,
        client: reqwest::Client::new(),
        db: pool,
        statements,
        database: config,
        _dir: dir,
    }
}

/// Starts a gateway over `pool` and answers its address.
async fn serve_on(
    pool: &DatabaseConnection,
    config: &DatabaseConfig,
    serve: &ServeConfig,
) -> SocketAddr {
    let app = Application::with_db(pool.clone(), config, serve)
        .await
        .expect("build app");
    let addr = app.local_addr().unwrap();
    tokio::spawn(app.run_until_stopped());
    addr
}

impl TestApp {
    /// A second gateway over the same database, with changed serve settings (e.g. one that
    /// answers every query through the resolvers, to compare the two paths).
    pub async fn twin_with(&self, configure: impl FnOnce(&mut ServeConfig)) -> TestApp {
        let mut serve = ServeConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            ..ServeConfig::default()
        };
        configure(&mut serve);
        TestApp {
            addr: serve_on(&self.db, &self.database, &serve).await,
            client: reqwest::Client::new(),
            db: self.db.clone(),
            statements: self.statements.clone(),
            database: self.database.clone(),
            _dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Another handle on this same server (for a concurrent task).
    pub fn handle(&self) -> TestApp {
        TestApp {
            addr: self.addr,
            client: self.client.clone(),
            db: self.db.clone(),
            statements: self.statements.clone(),
            database: self.database.clone(),
            _dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Makes every attempt to mark a document exported fail inside its transaction (a trigger),
    /// to prove that a change failing half way leaves nothing behind.
    pub async fn force_export_failures(&self) {
        use sea_orm::ConnectionTrait;
        let statements: &[&str] = if on_postgres() {
            &[
                "CREATE FUNCTION fail_mark() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'forced failure'; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER fail_mark BEFORE INSERT ON document_exports FOR EACH ROW WHEN (NEW.exported) EXECUTE FUNCTION fail_mark()",
            ]
        } else {
            &[
                "CREATE TRIGGER fail_mark BEFORE INSERT ON document_exports WHEN NEW.exported = 1 \
               BEGIN SELECT RAISE(ABORT, 'forced failure'); END;",
            ]
        };
        for sql in statements {
            self.db.execute_unprepared(sql).await.unwrap();
        }
    }

    /// The database settings this server runs on (to open pools of its own over it, as another
    /// gateway would).
    pub fn database_config(&self) -> DatabaseConfig {
        self.database.clone()
    }

    /// The URL of a path on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The URL of this server's database.
    pub fn database_url(&self) -> &str {
        &self.database.database_url
    }

    /// SQL statements run so far.
    pub fn statements(&self) -> usize {
        self.statements.load(Ordering::SeqCst)
    }

    /// Sends a REST request with an optional JSON body and an optional bearer token; answers the
    /// status and the JSON body (`null` when there is none).
    pub async fn rest_as(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.client.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        (status, value)
    }

    /// [`TestApp::rest_as`] without a token.
    pub async fn rest(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        self.rest_as(method, path, body, None).await
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

    /// Posts a GraphQL request with a bearer token and returns the whole JSON response.
    pub async fn gql_as(&self, token: &str, query: &str, variables: Value) -> Value {
        self.client
            .post(self.url("/graphql"))
            .header("accept", "application/json")
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json body")
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

/// A GraphQL WebSocket client speaking either subprotocol.
pub struct WsClient {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    legacy: bool,
}

impl TestApp {
    /// Opens /graphql as a WebSocket with `protocol` (`graphql-transport-ws` or `graphql-ws`)
    /// and completes the connection handshake.
    pub async fn ws(&self, protocol: &str) -> WsClient {
        WsClient::connect(self.addr, protocol).await
    }
}

impl WsClient {
    /// Opens /graphql on `addr` as a WebSocket with `protocol` and completes the handshake.
    pub async fn connect(addr: SocketAddr, protocol: &str) -> WsClient {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = format!("ws://{addr}/graphql")
            .into_client_request()
            .unwrap();
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", protocol.parse().unwrap());
        let (socket, response) = tokio_tungstenite::connect_async(request)
            .await
            .expect("connect");
        assert_eq!(response.headers()["sec-websocket-protocol"], protocol);
        let mut client = WsClient {
            socket,
            legacy: protocol == "graphql-ws",
        };
        client
            .send(json!({ "type": "connection_init", "payload": {} }))
            .await;
        let ack = client.receive().await;
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        client
    }
}

/// How an authenticated WebSocket handshake ended.
pub enum WsOutcome {
    /// `connection_ack`: the client is ready.
    Acked(Box<WsClient>),
    /// The server closed the socket with this code and reason.
    Closed(u16, String),
    /// The upgrade itself was refused with this HTTP status.
    Refused(u16),
    /// A legacy-protocol `connection_error` message.
    ConnectionError(Value),
}

impl WsClient {
    /// Opens /graphql with an optional `Authorization` header on the upgrade request and the
    /// given `connection_init` payload, and reports how the handshake ended.
    pub async fn open(
        addr: SocketAddr,
        protocol: &str,
        authorization: Option<&str>,
        payload: Value,
    ) -> WsOutcome {
        use tokio_tungstenite::tungstenite::{Error, client::IntoClientRequest};
        let mut request = format!("ws://{addr}/graphql")
            .into_client_request()
            .unwrap();
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", protocol.parse().unwrap());
        if let Some(value) = authorization {
            request
                .headers_mut()
                .insert("Authorization", value.parse().unwrap());
        }
        let socket = match tokio_tungstenite::connect_async(request).await {
            Ok((socket, _)) => socket,
            Err(Error::Http(response)) => return WsOutcome::Refused(response.status().as_u16()),
            Err(other) => panic!("connect: {other}"),
        };
        let mut client = WsClient {
            socket,
            legacy: protocol == "graphql-ws",
        };
        client
            .send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        match client.receive_or_close().await {
            Ok(message) if message["type"] == "connection_ack" => {
                WsOutcome::Acked(Box::new(client))
            }
            Ok(message) if message["type"] == "connection_error" => {
                WsOutcome::ConnectionError(message)
            }
            Ok(other) => panic!("unexpected handshake message {other}"),
            Err((code, reason)) => WsOutcome::Closed(code, reason),
        }
    }

    /// Waits for the server to close the socket; answers the close code and reason.
    pub async fn closed(&mut self) -> (u16, String) {
        loop {
            if let Err(close) = self.receive_or_close().await {
                return close;
            }
        }
    }

    /// Everything the server writes from now until it closes the connection, read straight off
    /// the TCP stream (this client answers nothing meanwhile, not even pings).
    pub async fn raw_until_closed(&mut self) -> Vec<u8> {
        use tokio::io::AsyncReadExt;
        let tokio_tungstenite::MaybeTlsStream::Plain(stream) = self.socket.get_mut() else {
            panic!("a plain TCP stream");
        };
        let mut bytes = Vec::new();
        tokio::time::timeout(
            std::time::Duration::from_secs(20),
            stream.read_to_end(&mut bytes),
        )
        .await
        .expect("closed within 20 s")
        .expect("readable until closed");
        bytes
    }

    /// The next protocol message, or the close frame that came instead.
    async fn receive_or_close(&mut self) -> Result<Value, (u16, String)> {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::Message;
        loop {
            let message =
                tokio::time::timeout(std::time::Duration::from_secs(20), self.socket.next())
                    .await
                    .expect("a message within 20 s");
            match message {
                Some(Ok(Message::Text(text))) => {
                    let value: Value = serde_json::from_str(&text).unwrap();
                    match value["type"].as_str() {
                        Some("ka") | Some("pong") => continue,
                        Some("ping") => {
                            self.send(json!({ "type": "pong" })).await;
                            continue;
                        }
                        _ => return Ok(value),
                    }
                }
                Some(Ok(Message::Close(frame))) => {
                    return Err(frame
                        .map(|f| (u16::from(f.code), f.reason.to_string()))
                        .unwrap_or((1005, String::new())));
                }
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err((1006, e.to_string())),
                None => return Err((1006, "the connection ended".into())),
            }
        }
    }

    pub async fn send(&mut self, message: Value) {
        self.try_send(message).await.unwrap();
    }

    /// Sends a message; the error when the server reset the connection meanwhile (as it may
    /// while a message it refuses is still being written).
    pub async fn try_send(&mut self, message: Value) -> Result<(), String> {
        use futures_util::SinkExt;
        self.socket
            .send(tokio_tungstenite::tungstenite::Message::Text(
                message.to_string().into(),
            ))
            .await
            .map_err(|e| e.to_string())
    }

    /// Writes bytes straight to the TCP stream under the WebSocket (a hand-made frame).
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        use tokio::io::AsyncWriteExt;
        let stream = self.socket.get_mut();
        stream.write_all(bytes).await.unwrap();
        stream.flush().await.unwrap();
    }

    /// The text of the next protocol message other than keep-alives, as the server wrote it
    /// (key order included).
    pub async fn next_text(&mut self) -> String {
        use futures_util::StreamExt;
        loop {
            let message =
                tokio::time::timeout(std::time::Duration::from_secs(20), self.socket.next())
                    .await
                    .expect("a message within 20 s")
                    .expect("the socket is open")
                    .expect("a readable message");
            let tokio_tungstenite::tungstenite::Message::Text(text) = message else {
                continue;
            };
            let value: Value = serde_json::from_str(&text).unwrap();
            if matches!(value["type"].as_str(), Some("ka" | "pong" | "ping")) {
                continue;
            }
            return text.to_string();
        }
    }

    /// The next protocol message (keep-alives answered and skipped).
    async fn receive(&mut self) -> Value {
        use futures_util::StreamExt;
        loop {
            let message =
                tokio::time::timeout(std::time::Duration::from_secs(20), self.socket.next())
                    .await
                    .expect("a message within 20 s")
                    .expect("the socket is open")
                    .expect("a readable message");
            let tokio_tungstenite::tungstenite::Message::Text(text) = message else {
                continue;
            };
            let value: Value = serde_json::from_str(&text).unwrap();
            match value["type"].as_str() {
                Some("ka") | Some("pong") => continue,
                Some("ping") => {
                    self.send(json!({ "type": "pong" })).await;
                    continue;
                }
                _ => return value,
            }
        }
    }

    /// Starts subscription `id`.
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        let kind = if self.legacy { "start" } else { "subscribe" };
        self.send(json!({ "id": id, "type": kind, "payload": { "query": query, "variables": variables } }))
            .await;
    }

    /// The next event's `data`, or panics with the protocol message that came instead.
    pub async fn next_data(&mut self) -> Value {
        let message = self.next_message().await;
        let payload = &message["payload"];
        assert!(payload.get("errors").is_none(), "{message}");
        payload["data"].clone()
    }

    /// The next `next`/`data`/`error`/`complete` message.
    pub async fn next_message(&mut self) -> Value {
        self.receive().await
    }

    /// Closes the connection.
    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
}

/// A gateway process; killed when dropped.
pub struct Instance {
    /// Where it listens.
    pub addr: SocketAddr,
    _child: tokio::process::Child,
}

impl Instance {
    /// The process's resident memory, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let pid = self._child.id().expect("the gateway runs");
        procfs::rss_kib(pid).expect("VmRSS of the gateway")
    }

    /// Whether the process has ended (crashed, when nobody stopped it).
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self._child.try_wait().ok().flatten()
    }

    /// Kills the process at once (SIGKILL: no shutdown, nothing flushed) and waits for it.
    pub async fn kill(&mut self) {
        self._child.kill().await.expect("kill the gateway");
    }
}

/// Starts the gateway binary on 127.0.0.1:0 over `database_url`.
pub async fn start_process(database_url: &str) -> Instance {
    start_process_with(database_url, &[]).await
}

/// Like [`start_process`], with more `serve` flags.
pub async fn start_process_with(database_url: &str, flags: &[&str]) -> Instance {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_integration-gateway"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(flags)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the gateway");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines
            .next_line()
            .await
            .unwrap()
            .expect("the gateway started");
        if let Some(rest) = line.split("serving GraphQL and GraphiQL at http://").nth(1) {
            break rest.trim().trim_end_matches("/graphql").parse().unwrap();
        }
    };
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Instance {
        addr,
        _child: child,
    }
}

/// Posts a GraphQL request to `addr` that must succeed; returns `data`.
pub async fn gql_at(addr: SocketAddr, query: &str, variables: Value) -> Value {
    let body: Value = reqwest::Client::new()
        .post(format!("http://{addr}/graphql"))
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}
