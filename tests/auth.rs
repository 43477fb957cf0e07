//! Authentication and scopes over HTTP and WebSocket: JWTs (HS256 secret, RS256/ES256 from a
//! JWKS file), API tokens made by the token service, the loopback rule, the rate limit.

mod common;

use std::path::PathBuf;

use common::{TestApp, WsClient, WsOutcome, spawn_app_with};
use integration_gateway::{
    app::{Application, StartupError},
    auth::Scopes,
    config::{DatabaseConfig, ServeConfig},
    service::tokens,
};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

const SECRET: &str = "a test secret that is long enough";
const READ: &str = "core.integration.read";
const WRITE: &str = "core.integration.write";
const QUERY: &str = "{ integrations { totalCount } }";
const MUTATION: &str = "mutation($code: String!) { createIntegration(input: { code: $code, name: $code, businessObject: \"Invoice\", direction: FROM_COUPA, endSystem: \"SAP\", endSystemType: ERP, integrationType: API }) { code createdBy { name kind } } }";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/jwt")
        .join(name)
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// HS256 claims valid for an hour, with `extra` merged in.
fn claims(extra: Value) -> Value {
    let mut claims = json!({ "sub": "alice", "exp": now() + 3600, "iat": now(), "scope": format!("{READ} {WRITE}") });
    for (k, v) in extra.as_object().unwrap() {
        claims[k] = v.clone();
    }
    claims
}

fn hs256(claims: &Value, secret: &str) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

async fn jwt_app() -> TestApp {
    spawn_app_with(|s| {
        s.auth.jwt_hs256_secret = Some(SECRET.into());
        s.auth.jwt_issuer = Some("https://id.example.com".into());
        s.auth.jwt_audience = Some("integration-gateway".into());
        s.auth.jwt_leeway_secs = 0;
    })
    .await
}

/// Claims the jwt_app accepts.
fn valid(extra: Value) -> Value {
    let mut base = json!({ "iss": "https://id.example.com", "aud": "integration-gateway" });
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    claims(base)
}

/// Posts `query` with an optional bearer token; answers status, WWW-Authenticate and body.
async fn post(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> (u16, Option<String>, Value) {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let resp = request.send().await.unwrap();
    let status = resp.status().as_u16();
    let challenge = resp
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, challenge, resp.json().await.unwrap())
}

fn code_and_reason(body: &Value) -> (String, String) {
    let ext = &body["errors"][0]["extensions"];
    (
        ext["code"].as_str().unwrap_or_default().to_owned(),
        ext["reason"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn without_a_token_every_entry_point_answers_401_with_a_challenge() {
    let app = jwt_app().await;
    let (status, challenge, body) = post(&app, None, QUERY, json!({})).await;
    assert_eq!(status, 401);
    assert_eq!(
        challenge.as_deref(),
        Some("Bearer realm=\"integration-gateway\"")
    );
    assert_eq!(
        code_and_reason(&body),
        ("UNAUTHENTICATED".into(), "missing".into())
    );
    assert!(body.get("data").is_none(), "{body}");
    // Known before any position in a document: no `locations` (rather than line 0).
    assert!(body["errors"][0].get("locations").is_none(), "{body}");

    let get = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", QUERY)])
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 401);

    // The explorer page itself is public; what it sends is not.
    let page = app
        .client
        .get(app.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
}

#[tokio::test]
async fn each_scope_does_exactly_what_it_should() {
    let app = jwt_app().await;
    let reader = hs256(&valid(json!({ "scope": READ })), SECRET);
    let writer = hs256(&valid(json!({ "scope": null, "scp": [WRITE] })), SECRET);
    let both = hs256(&valid(json!({ "scp": [READ, WRITE] })), SECRET);
    let neither = hs256(&valid(json!({ "scope": "openid profile" })), SECRET);

    let (status, _, body) = post(&app, Some(&reader), QUERY, json!({})).await;
    assert_eq!(
        (status, &body["data"]["integrations"]["totalCount"]),
        (200, &json!(0))
    );
    let (status, _, body) = post(&app, Some(&reader), MUTATION, json!({ "code": "A" })).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
    assert_eq!(body["errors"][0]["extensions"]["requiredScope"], WRITE);
    assert!(body.get("data").is_none());
    assert!(body["errors"][0].get("locations").is_none(), "{body}");

    let (status, _, body) = post(&app, Some(&writer), MUTATION, json!({ "code": "B" })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["createIntegration"]["code"], "B");
    let (status, _, body) = post(&app, Some(&writer), QUERY, json!({})).await;
    assert_eq!(status, 403);
    assert_eq!(body["errors"][0]["extensions"]["requiredScope"], READ);

    let (status, _, _) = post(&app, Some(&both), QUERY, json!({})).await;
    assert_eq!(status, 200);
    let (status, _, body) = post(&app, Some(&neither), QUERY, json!({})).await;
    assert_eq!(status, 403);
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("grant none"),
        "{body}"
    );

    // The refused mutation wrote nothing: only B exists.
    let (_, _, body) = post(
        &app,
        Some(&both),
        "{ integrations { nodes { code } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        body["data"]["integrations"]["nodes"],
        json!([{ "code": "B" }])
    );

    // A read-only token cannot slip a mutation into a batch either.
    let batch = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&reader)
        .json(&json!([{ "query": QUERY }, { "query": MUTATION, "variables": { "code": "C" } }]))
        .send()
        .await
        .unwrap();
    let batch: Value = batch.json().await.unwrap();
    assert_eq!(batch[0]["data"]["integrations"]["totalCount"], 1);
    assert_eq!(batch[1]["errors"][0]["extensions"]["code"], "FORBIDDEN");
}

#[tokio::test]
async fn changes_are_attributed_to_the_principal() {
    let app = jwt_app().await;
    let token = hs256(
        &valid(json!({ "sub": "erp-connector@example.com" })),
        SECRET,
    );
    let (_, _, body) = post(&app, Some(&token), MUTATION, json!({ "code": "SAP" })).await;
    assert_eq!(
        body["data"]["createIntegration"]["createdBy"],
        json!({ "name": "erp-connector@example.com", "kind": "user" })
    );
    let created = tokens::create(&app.db, "etl", Scopes::all(), None)
        .await
        .unwrap();
    let (_, _, body) = post(
        &app,
        Some(&created.secret),
        MUTATION,
        json!({ "code": "ETL" }),
    )
    .await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(
        body["data"]["createIntegration"]["createdBy"],
        json!({ "name": "token:etl", "kind": "api_client" })
    );
}

#[tokio::test]
async fn bad_tokens_are_refused_with_their_reason() {
    let app = jwt_app().await;
    let cases = [
        (
            "expired",
            hs256(&valid(json!({ "exp": now() - 10 })), SECRET),
        ),
        (
            "not_yet_valid",
            hs256(&valid(json!({ "nbf": now() + 3600 })), SECRET),
        ),
        (
            "wrong_audience",
            hs256(&valid(json!({ "aud": "another-api" })), SECRET),
        ),
        (
            "wrong_issuer",
            hs256(&valid(json!({ "iss": "https://evil.example.com" })), SECRET),
        ),
        (
            "invalid_signature",
            hs256(&valid(json!({})), "another secret, not ours"),
        ),
        ("malformed", "not-a-token".to_owned()),
        ("malformed", "a.b.c".to_owned()),
        (
            "malformed",
            // A token without `exp` never expires; refused.
            {
                let mut c = valid(json!({}));
                c.as_object_mut().unwrap().remove("exp");
                hs256(&c, SECRET)
            },
        ),
        ("unknown_token", "igw_nosuchtoken".to_owned()),
    ];
    for (reason, token) in cases {
        let (status, challenge, body) = post(&app, Some(&token), QUERY, json!({})).await;
        assert_eq!(status, 401, "{reason}: {body}");
        assert_eq!(
            code_and_reason(&body),
            ("UNAUTHENTICATED".into(), reason.into()),
            "{body}"
        );
        assert!(
            challenge.unwrap().contains("error=\"invalid_token\""),
            "{reason}"
        );
    }
    // Another scheme is malformed too.
    let resp = app
        .client
        .post(app.url("/graphql"))
        .basic_auth("user", Some("pass"))
        .json(&json!({ "query": QUERY }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn rs256_and_es256_tokens_verify_against_the_jwks_file() {
    let app = spawn_app_with(|s| {
        s.auth.jwt_jwks_file = Some(fixture("jwks.json"));
        s.auth.jwt_audience = Some("integration-gateway".into());
    })
    .await;
    let claims = claims(json!({ "aud": "integration-gateway", "scope": READ }));
    let sign = |alg: Algorithm, kid: &str, pem: &str| {
        let mut header = Header::new(alg);
        header.kid = Some(kid.into());
        let pem = std::fs::read(fixture(pem)).unwrap();
        let key = match alg {
            Algorithm::RS256 => EncodingKey::from_rsa_pem(&pem).unwrap(),
            _ => EncodingKey::from_ec_pem(&pem).unwrap(),
        };
        encode(&header, &claims, &key).unwrap()
    };
    for token in [
        sign(Algorithm::RS256, "rsa-1", "rsa-private.pem"),
        sign(Algorithm::ES256, "ec-1", "ec-private.pem"),
    ] {
        let (status, _, body) = post(&app, Some(&token), QUERY, json!({})).await;
        assert_eq!(status, 200, "{body}");
    }
    // Signed by a key that is not in the set, under a listed kid.
    let forged = sign(Algorithm::RS256, "rsa-1", "other-rsa-private.pem");
    let (status, _, body) = post(&app, Some(&forged), QUERY, json!({})).await;
    assert_eq!(status, 401);
    assert_eq!(code_and_reason(&body).1, "invalid_signature");
    // An HS256 token made with the public key as its secret (the classic confusion) is refused.
    let confused = hs256(
        &claims,
        &std::fs::read_to_string(fixture("jwks.json")).unwrap(),
    );
    let (status, _, _) = post(&app, Some(&confused), QUERY, json!({})).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn api_tokens_work_until_revoked_and_only_their_hash_is_stored() {
    let app = spawn_app_with(|s| s.auth.require_auth = true).await;
    let reader = tokens::create(&app.db, "dashboard", Scopes::from_names([READ]), None)
        .await
        .unwrap();
    assert!(reader.secret.starts_with("igw_"));
    assert_ne!(reader.token.token_hash, reader.secret);
    assert!(!reader.token.token_hash.contains(&reader.secret[4..]));

    let (status, _, _) = post(&app, Some(&reader.secret), QUERY, json!({})).await;
    assert_eq!(status, 200);
    let (status, _, body) =
        post(&app, Some(&reader.secret), MUTATION, json!({ "code": "X" })).await;
    assert_eq!(
        (status, body["errors"][0]["extensions"]["code"].as_str()),
        (403, Some("FORBIDDEN"))
    );

    tokens::revoke(&app.db, "dashboard").await.unwrap();
    let (status, _, body) = post(&app, Some(&reader.secret), QUERY, json!({})).await;
    assert_eq!(status, 401);
    assert_eq!(code_and_reason(&body).1, "revoked");

    // Without JWT settings a JWT is refused as such, not silently.
    let jwt = hs256(&claims(json!({})), SECRET);
    let (status, _, body) = post(&app, Some(&jwt), QUERY, json!({})).await;
    assert_eq!(status, 401);
    assert_eq!(code_and_reason(&body).1, "jwt_not_configured");

    let duplicate = tokens::create(&app.db, "dashboard", Scopes::all(), None).await;
    assert!(duplicate.is_err());
    let expired = tokens::create(
        &app.db,
        "old",
        Scopes::all(),
        Some(chrono::Utc::now() - chrono::Duration::hours(1)),
    )
    .await;
    assert!(expired.is_err(), "an already-expired token is not made");
}

#[tokio::test]
async fn an_open_server_still_checks_a_presented_token() {
    // No authentication configured: anonymous local requests run, a bad token does not.
    let app = spawn_app_with(|_| {}).await;
    let (status, _, _) = post(&app, None, QUERY, json!({})).await;
    assert_eq!(status, 200);
    let (status, _, _) = post(&app, Some("igw_wrong"), QUERY, json!({})).await;
    assert_eq!(status, 401);
    let created = tokens::create(&app.db, "ro", Scopes::from_names([READ]), None)
        .await
        .unwrap();
    let (status, _, _) = post(
        &app,
        Some(&created.secret),
        MUTATION,
        json!({ "code": "Y" }),
    )
    .await;
    assert_eq!(status, 403, "a presented token's scopes apply");
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after() {
    let app = spawn_app_with(|s| {
        s.auth.require_auth = true;
        s.auth.rate_limit_per_second = 1;
        s.auth.rate_limit_burst = 3;
    })
    .await;
    let a = tokens::create(&app.db, "a", Scopes::all(), None)
        .await
        .unwrap();
    let b = tokens::create(&app.db, "b", Scopes::all(), None)
        .await
        .unwrap();
    for _ in 0..3 {
        let (status, _, _) = post(&app, Some(&a.secret), QUERY, json!({})).await;
        assert_eq!(status, 200);
    }
    let resp = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&a.secret)
        .json(&json!({ "query": QUERY }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "RATE_LIMITED",
        "{body}"
    );
    assert!(body["errors"][0].get("locations").is_none(), "{body}");
    // Another token has its own allowance.
    let (status, _, _) = post(&app, Some(&b.secret), QUERY, json!({})).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn without_authentication_only_loopback_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let database = DatabaseConfig::new(format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("t.db").display()
    ));
    let open = ServeConfig {
        listen: "0.0.0.0:0".parse().unwrap(),
        ..ServeConfig::default()
    };
    let refused = Application::build(&database, &open).await.unwrap_err();
    assert!(matches!(refused, StartupError::Config(_)));
    assert!(
        refused.to_string().contains("--insecure-no-auth"),
        "{refused}"
    );

    let mut insecure = open.clone();
    insecure.auth.insecure_no_auth = true;
    assert!(Application::build(&database, &insecure).await.is_ok());
    let mut secured = open.clone();
    secured.auth.require_auth = true;
    assert!(Application::build(&database, &secured).await.is_ok());
}

const RUN_CHANGES: &str =
    "subscription { integrationRunStatusChanged(afterSequence: 0) { sequence status } }";

#[tokio::test]
async fn subscriptions_authenticate_from_connection_init_or_the_upgrade_header() {
    let app = jwt_app().await;
    let reader = hs256(&valid(json!({ "scope": READ })), SECRET);
    let writer = hs256(&valid(json!({ "scope": WRITE })), SECRET);

    // No token: the handshake is refused with 4403.
    match WsClient::open(app.addr, "graphql-transport-ws", None, json!({})).await {
        WsOutcome::Closed(code, reason) => {
            assert_eq!(code, 4403);
            assert!(reason.contains("authentication required"), "{reason}");
        }
        _ => panic!("expected a close"),
    }
    // The legacy protocol reports a connection_error.
    match WsClient::open(app.addr, "graphql-ws", None, json!({})).await {
        WsOutcome::ConnectionError(message) => {
            assert!(message.to_string().contains("authentication required"));
            assert_eq!(
                message["payload"]["extensions"]["code"], "UNAUTHENTICATED",
                "{message}"
            );
        }
        _ => panic!("expected connection_error"),
    }
    // A bad token in the upgrade request's header: plain 401 before upgrading.
    match WsClient::open(
        app.addr,
        "graphql-transport-ws",
        Some("Bearer nope"),
        json!({}),
    )
    .await
    {
        WsOutcome::Refused(status) => assert_eq!(status, 401),
        _ => panic!("expected 401"),
    }

    // A read token in connection_init: subscriptions run, and they see the writer's change.
    let payload = json!({ "Authorization": format!("Bearer {reader}") });
    let WsOutcome::Acked(mut ws) =
        WsClient::open(app.addr, "graphql-transport-ws", None, payload).await
    else {
        panic!("expected an ack");
    };
    ws.subscribe("1", RUN_CHANGES, json!({})).await;
    let (_, _, body) = post(&app, Some(&writer), MUTATION, json!({ "code": "SAP" })).await;
    assert!(body.get("errors").is_none(), "{body}");
    let (_, _, body) = post(
        &app,
        Some(&writer),
        "mutation { createIntegrationRun(input: { integration: { code: \"SAP\" } }) { id } }",
        json!({}),
    )
    .await;
    let run = body["data"]["createIntegrationRun"]["id"].as_i64().unwrap();
    let (_, _, body) = post(
        &app,
        Some(&writer),
        "mutation($id: Int!) { runIntegrationRun(id: $id) { status } }",
        json!({ "id": run }),
    )
    .await;
    assert_eq!(body["data"]["runIntegrationRun"]["status"], "RUNNING");
    let event = ws.next_data().await;
    assert_eq!(event["integrationRunStatusChanged"]["status"], "RUNNING");
    ws.close().await;

    // A write-only token over the upgrade header: connected, but a subscription is forbidden.
    let header = format!("Bearer {writer}");
    let WsOutcome::Acked(mut ws) =
        WsClient::open(app.addr, "graphql-transport-ws", Some(&header), json!({})).await
    else {
        panic!("expected an ack");
    };
    ws.subscribe("1", RUN_CHANGES, json!({})).await;
    // Refused before execution: graphql-transport-ws's `error`, its payload the errors.
    let message = ws.next_message().await;
    assert_eq!(message["type"], "error", "{message}");
    let error = &message["payload"][0];
    assert_eq!(error["extensions"]["code"], "FORBIDDEN", "{message}");
    assert!(error.get("locations").is_none(), "{message}");
    assert_eq!(error["extensions"]["requiredScope"], READ);
    ws.close().await;
}

#[tokio::test]
async fn a_subscription_socket_closes_when_its_token_expires() {
    let app = jwt_app().await;
    let short = hs256(&valid(json!({ "scope": READ, "exp": now() + 2 })), SECRET);
    let payload = json!({ "Authorization": format!("Bearer {short}") });
    let WsOutcome::Acked(mut ws) =
        WsClient::open(app.addr, "graphql-transport-ws", None, payload).await
    else {
        panic!("expected an ack");
    };
    ws.subscribe("1", RUN_CHANGES, json!({})).await;
    let started = std::time::Instant::now();
    let (code, reason) = ws.closed().await;
    assert_eq!(code, 4403);
    assert!(reason.contains("expired"), "{reason}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}
