//! The vendor REST API under /api on the real server: the vendor's integration sequence observed
//! through GraphQL queries and a subscription, filters and operators, paging limits, XML, error
//! bodies and status codes, scopes.

mod common;

use common::{TestApp, spawn_app, spawn_app_with};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

async fn rest(app: &TestApp, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    app.rest(method, path, body).await
}

async fn rest_as(
    app: &TestApp,
    method: &str,
    path: &str,
    body: Option<Value>,
    token: Option<&str>,
) -> (u16, Value) {
    app.rest_as(method, path, body, token).await
}

async fn create_integration(app: &TestApp, code: &str) -> i64 {
    let (status, body) = rest(
        app,
        "POST",
        "/api/integrations",
        Some(json!({
            "code": code, "name": format!("{code} export"), "business-object": "Invoice",
            "direction": "from_coupa", "end_system": "SAP S/4HANA", "end-system-type": "erp",
            "integration-type": "api"
        })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["code"], code);
    assert_eq!(
        body["end-system"], "SAP S/4HANA",
        "underscores are accepted on input"
    );
    body["id"].as_i64().unwrap()
}

async fn create_run(app: &TestApp, code: &str, body: Value) -> Value {
    let mut input = body;
    input["integration"] = json!({ "code": code });
    let (status, run) = rest(app, "POST", "/api/integration_runs", Some(input)).await;
    assert_eq!(status, 201, "{run}");
    run
}

const RUN_CHANGES: &str =
    "subscription { integrationRunStatusChanged(integration: {code: \"SAP\"}, afterSequence: 0) {
    action previousStatus status run { id totalRecords recordsProcessed } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vendors_integration_sequence_over_rest_is_seen_through_graphql() {
    let app = spawn_app().await;
    create_integration(&app, "SAP").await;
    let mut ws = app.ws("graphql-transport-ws").await;
    ws.subscribe("1", RUN_CHANGES, json!({})).await;

    // Create a run for an integration code.
    let run = create_run(&app, "SAP", json!({})).await;
    assert_eq!(run["status"], "pending");
    assert_eq!(run["integration"]["code"], "SAP");
    assert_eq!(run["created-by"]["login"], "local");
    let run_id = run["id"].as_i64().unwrap();

    // PUT the run with total-records (the action carries the run's fields).
    let (status, body) = rest(
        &app,
        "PUT",
        &format!("/api/integration_runs/{run_id}/run"),
        Some(json!({ "total-records": 2 })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "running");
    assert_eq!(body["total-records"], 2);
    assert!(body["start-time"].as_str().unwrap().ends_with("+00:00"));

    // Per document: a failure raises an alert, a success is a record.
    let (status, failed) = rest(
        &app,
        "POST",
        "/api/integration_history_records/create_alert",
        Some(json!({
            "contact-alert-type": "Functional", "document-type": "InvoiceHeader", "document-id": 4711,
            "integration": { "code": "SAP" }, "integration-run": { "id": run_id },
            "responses": [{ "response-code": "422", "response-message": "supplier is blocked" }]
        })),
    )
    .await;
    assert_eq!(status, 201, "{failed}");
    assert_eq!(failed["status"], "Error");
    assert_eq!(
        failed["responses"][0]["response-message"],
        "supplier is blocked"
    );
    let (status, other) = rest(
        &app,
        "POST",
        "/api/integration_history_records",
        Some(json!({
            "contact_alert_type": "Technical", "document_type": "InvoiceHeader", "document_id": 4712,
            "integration": { "code": "SAP" }, "integration_run_id": run_id, "status": "Success"
        })),
    )
    .await;
    assert_eq!(status, 201, "{other}");
    // The retry of 4711 succeeds; the older record of the same document is resolved.
    let (status, retried) = rest(
        &app,
        "POST",
        "/api/integration_history_records",
        Some(json!({
            "contact-alert-type": "Functional", "document-type": "InvoiceHeader", "document-id": 4711,
            "integration": { "id": run["integration"]["id"] }, "integration-run-id": run_id,
            "status": "Success"
        })),
    )
    .await;
    assert_eq!(status, 201, "{retried}");
    let (status, resolved) = rest(
        &app,
        "PUT",
        &format!("/api/integration_history_records/{}/resolve", failed["id"]),
        None,
    )
    .await;
    assert_eq!(status, 200, "{resolved}");
    assert_eq!(resolved["resolved"], true);

    // GraphQL sees the records: the open records of document 4711 are the retry only.
    let data = app
        .data(
            "{ integrationHistoryRecords(filter: {resolved: {eq: false}, documentType: {eq: INVOICE_HEADER}, documentId: {eq: 4711}}) {
                 nodes { id status integration { code } integrationRun { id } } }
               alerts: integrationAlerts { totalCount } }",
            json!({}),
        )
        .await;
    let open = data["integrationHistoryRecords"]["nodes"]
        .as_array()
        .unwrap();
    assert_eq!(open.len(), 1, "{data}");
    assert_eq!(open[0]["id"], retried["id"]);
    assert_eq!(open[0]["integrationRun"]["id"], run_id);
    assert_eq!(
        data["alerts"]["totalCount"], 1,
        "create_alert raised one alert"
    );

    // PUT success with the progress.
    let (status, done) = rest(
        &app,
        "PUT",
        &format!("/api/integration_runs/{run_id}/success"),
        Some(json!({ "records-processed": 2 })),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["status"], "successful");
    let data = app
        .data(
            "query($id: Int!) { integrationRun(id: $id) { status totalRecords recordsProcessed endTime createdBy { name } } }",
            json!({ "id": run_id }),
        )
        .await;
    let run = &data["integrationRun"];
    assert_eq!(run["status"], "SUCCESSFUL");
    assert_eq!(run["totalRecords"], 2);
    assert_eq!(run["recordsProcessed"], 2);
    assert!(run["endTime"].is_string());
    assert_eq!(run["createdBy"]["name"], "local");

    // The subscriber heard every transition made over REST.
    let first = ws.next_data().await;
    let change = &first["integrationRunStatusChanged"];
    assert_eq!(
        (
            &change["action"],
            &change["previousStatus"],
            &change["status"]
        ),
        (&json!("RUN"), &json!("PENDING"), &json!("RUNNING")),
        "{first}"
    );
    assert_eq!(change["run"]["id"], run_id);
    let second = ws.next_data().await;
    let change = &second["integrationRunStatusChanged"];
    assert_eq!(
        (&change["action"], &change["status"]),
        (&json!("SUCCESS"), &json!("SUCCESSFUL")),
        "{second}"
    );
    assert_eq!(change["run"]["recordsProcessed"], 2);
    ws.close().await;
}

#[tokio::test]
async fn filters_take_every_vendor_operator_and_association() {
    let app = spawn_app().await;
    create_integration(&app, "SAP-INV").await;
    create_integration(&app, "ORACLE").await;
    let a = create_run(&app, "SAP-INV", json!({ "total-records": 10 })).await;
    let b = create_run(
        &app,
        "SAP-INV",
        json!({ "total-records": 20, "flow": {"step_one": 1} }),
    )
    .await;
    let c = create_run(&app, "ORACLE", json!({})).await;
    let (a, b, c) = (a["id"].clone(), b["id"].clone(), c["id"].clone());
    rest(&app, "PUT", &format!("/api/integration_runs/{b}/run"), None).await;
    rest(
        &app,
        "PUT",
        &format!("/api/integration_runs/{c}/pause"),
        None,
    )
    .await;

    let ids = |body: &Value| -> Vec<Value> {
        body.as_array()
            .unwrap_or_else(|| panic!("a list: {body}"))
            .iter()
            .map(|r| r["id"].clone())
            .collect()
    };
    let cases: Vec<(&str, Vec<Value>)> = vec![
        ("status=pending", vec![a.clone()]),
        ("status[not_eq]=pending", vec![b.clone(), c.clone()]),
        ("status[in]=running,paused", vec![b.clone(), c.clone()]),
        ("status[not_in]=running,paused", vec![a.clone()]),
        ("status[contains]=UNN", vec![b.clone()]),
        ("status[starts_with]=pa", vec![c.clone()]),
        ("status[ends_with]=ing", vec![a.clone(), b.clone()]),
        ("total-records[gt]=10", vec![b.clone()]),
        ("total_records[lt]=20", vec![a.clone()]),
        ("total-records[gt_or_eq]=10", vec![a.clone(), b.clone()]),
        ("total-records[lt_or_eq]=10", vec![a.clone()]),
        ("total-records[blank]=true", vec![c.clone()]),
        ("start-time[blank]=false", vec![b.clone()]),
        ("integration[code]=ORACLE", vec![c.clone()]),
        (
            "integration[code][starts_with]=sap",
            vec![a.clone(), b.clone()],
        ),
        ("integration[name][contains]=ORACLE", vec![c.clone()]),
        (
            "created-at[gt_or_eq]=2000-01-01",
            vec![a.clone(), b.clone(), c.clone()],
        ),
        ("created-at[lt]=2000-01-01T00:00:00Z", vec![]),
        (
            "order_by=total-records&dir=desc",
            vec![b.clone(), a.clone(), c.clone()],
        ),
        ("order-by=id&dir=desc&limit=2", vec![c.clone(), b.clone()]),
    ];
    for (query, expected) in cases {
        let (status, body) =
            rest(&app, "GET", &format!("/api/integration_runs?{query}"), None).await;
        assert_eq!(status, 200, "{query}: {body}");
        assert_eq!(ids(&body), expected, "{query}");
    }
    let integration_id = rest(&app, "GET", "/api/integrations?code=ORACLE", None)
        .await
        .1[0]["id"]
        .clone();
    let (_, body) = rest(
        &app,
        "GET",
        &format!("/api/integration_runs?integration[id]={integration_id}"),
        None,
    )
    .await;
    assert_eq!(ids(&body), vec![c.clone()]);

    // The flow is stored as given, its keys untouched.
    let (_, run) = rest(&app, "GET", &format!("/api/integration_runs/{b}"), None).await;
    assert_eq!(run["flow"], json!({"step_one": 1}));

    // fields and return_object shape the answer.
    let (_, body) = rest(
        &app,
        "GET",
        "/api/integration_runs?fields=[\"status\",{\"integration\":[\"code\"]}]&limit=1",
        None,
    )
    .await;
    assert_eq!(
        body,
        json!([{ "id": a, "status": "pending", "integration": { "id": 1, "code": "SAP-INV" } }])
    );
    let (_, body) = rest(
        &app,
        "GET",
        "/api/integration_runs?return_object=shallow&limit=1",
        None,
    )
    .await;
    assert!(
        body[0]["integration-errors"].is_null() && body[0]["integration"].get("code").is_none(),
        "{body}"
    );
    let (status, body) = rest(
        &app,
        "POST",
        "/api/integration_runs?return_object=none",
        Some(json!({"integration": {"code": "ORACLE"}})),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(
        body.as_object().unwrap().keys().collect::<Vec<_>>(),
        vec!["id"]
    );

    // The vendor's open records of a document.
    for (id, resolved) in [(42, false), (42, true), (43, false)] {
        let (status, record) = rest(
            &app,
            "POST",
            "/api/integration_history_records",
            Some(json!({
                "contact-alert-type": "Both", "document-type": "InvoiceHeader", "document-id": id,
            })),
        )
        .await;
        assert_eq!(status, 201, "{record}");
        if resolved {
            rest(
                &app,
                "PUT",
                &format!("/api/integration_history_records/{}/resolve", record["id"]),
                None,
            )
            .await;
        }
    }
    let (_, open) = rest(&app, "GET", "/api/integration_history_records?resolved=false&document-type=InvoiceHeader&document-id=42", None).await;
    assert_eq!(open.as_array().unwrap().len(), 1, "{open}");
    assert_eq!(open[0]["resolved"], false);
}

#[tokio::test]
async fn pages_hold_fifty_at_most() {
    let app = spawn_app().await;
    create_integration(&app, "SAP").await;
    for _ in 0..55 {
        create_run(&app, "SAP", json!({})).await;
    }
    let count = |body: &Value| body.as_array().unwrap().len();
    let (_, body) = rest(&app, "GET", "/api/integration_runs", None).await;
    assert_eq!(count(&body), 50, "50 by default");
    let (_, body) = rest(&app, "GET", "/api/integration_runs?limit=200", None).await;
    assert_eq!(count(&body), 50, "and never more");
    let (_, body) = rest(&app, "GET", "/api/integration_runs?offset=50", None).await;
    assert_eq!(count(&body), 5);
    let (_, body) = rest(&app, "GET", "/api/integration_runs?offset=1&limit=2", None).await;
    assert_eq!(body[0]["id"], 2);
    assert_eq!(body[1]["id"], 3);
    let (status, body) = rest(&app, "GET", "/api/integration_runs?offset=-1", None).await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn xml_is_served_when_asked_for() {
    let app = spawn_app().await;
    create_integration(&app, "SAP").await;
    let run = create_run(&app, "SAP", json!({ "total-records": 5 })).await;
    let get_xml = |path: String| {
        let request = app
            .client
            .get(app.url(&path))
            .header("accept", "application/xml");
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let content_type = response.headers()["content-type"]
                .to_str()
                .unwrap()
                .to_owned();
            (status, content_type, response.text().await.unwrap())
        }
    };
    let (status, content_type, xml) = get_xml("/api/integration_runs".into()).await;
    assert_eq!(status, 200);
    assert!(
        content_type.starts_with("application/xml"),
        "{content_type}"
    );
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(
        xml.contains("<integration-runs type=\"array\"><integration-run>"),
        "{xml}"
    );
    assert!(
        xml.contains("<total-records type=\"integer\">5</total-records>"),
        "{xml}"
    );
    assert!(xml.contains("<end-time nil=\"true\"/>"), "{xml}");
    assert!(
        xml.contains("<integration-errors type=\"array\"></integration-errors>")
            || xml.contains("<integration-errors type=\"array\"/>"),
        "{xml}"
    );
    let (_, _, xml) = get_xml(format!("/api/integration_runs/{}", run["id"])).await;
    assert!(xml.contains("<integration-run><"), "{xml}");
    assert!(xml.contains("<code>SAP</code>"), "{xml}");
    let (status, _, xml) = get_xml("/api/integration_runs/999".into()).await;
    assert_eq!(status, 404);
    assert!(
        xml.contains("<errors><integration-run>integration run with id 999 does not exist</integration-run></errors>"),
        "{xml}"
    );
}

#[tokio::test]
async fn errors_have_the_vendor_body_and_status() {
    let app = spawn_app().await;
    create_integration(&app, "SAP").await;
    let run = create_run(&app, "SAP", json!({ "total-records": 5 })).await;
    let id = run["id"].clone();
    let message = |body: &Value, object: &str| -> String {
        body["errors"][object][0]
            .as_str()
            .unwrap_or_else(|| panic!("an error about {object}: {body}"))
            .to_owned()
    };

    let (status, body) = rest(&app, "GET", "/api/integration_runs/999", None).await;
    assert_eq!(status, 404);
    assert!(message(&body, "integration-run").contains("999"), "{body}");
    let (status, _) = rest(&app, "GET", "/api/integration_runs/abc", None).await;
    assert_eq!(status, 404);
    let (status, _) = rest(
        &app,
        "PUT",
        &format!("/api/integration_runs/{id}/explode"),
        None,
    )
    .await;
    assert_eq!(status, 404);

    let response = app
        .client
        .post(app.url("/api/integration_runs"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(
        message(&body, "integration-run").contains("not JSON"),
        "{body}"
    );

    let (status, body) = rest(&app, "GET", "/api/integration_runs?colour=red", None).await;
    assert_eq!(status, 400);
    assert!(
        message(&body, "integration-run").contains("unknown attribute \"colour\""),
        "{body}"
    );
    let (status, body) = rest(&app, "GET", "/api/integration_runs?status[near]=x", None).await;
    assert_eq!(status, 400);
    assert!(
        message(&body, "integration-run").contains("unknown operator"),
        "{body}"
    );

    let (status, body) = rest(
        &app,
        "PUT",
        &format!("/api/integration_runs/{id}"),
        Some(json!({ "records-processed": 6 })),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        message(&body, "integration-run").starts_with("records-processed must not exceed"),
        "{body}"
    );
    let (status, body) = rest(
        &app,
        "PUT",
        &format!("/api/integration_runs/{id}/success"),
        None,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        message(&body, "integration-run"),
        "cannot success a run that is pending; allowed: run, pause, fail"
    );
    let (status, body) = rest(
        &app,
        "POST",
        "/api/integrations",
        Some(json!({ "code": "X" })),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        body["errors"]["integration"].as_array().unwrap().len(),
        5,
        "{body}"
    );
    let (status, body) = rest(
        &app,
        "POST",
        "/api/integration_history_records",
        Some(json!({
        "contact-alert-type": "Everyone", "document-type": "InvoiceHeader", "document-id": 1 })),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        message(&body, "integration-history-record").contains("contact-alert-type"),
        "{body}"
    );
    let (status, body) = rest(
        &app,
        "POST",
        "/api/integrations",
        Some(json!({
        "code": "SAP", "name": "other", "business-object": "Invoice", "direction": "to_coupa",
        "end-system": "SAP", "end-system-type": "erp" })),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        message(&body, "integration").contains("has already been taken"),
        "{body}"
    );

    // Unresolved errors block success; resolving them over REST unblocks it.
    rest(
        &app,
        "PUT",
        &format!("/api/integration_runs/{id}/run"),
        None,
    )
    .await;
    let (status, error) = rest(
        &app,
        "POST",
        "/api/integration_errors",
        Some(json!({
        "contact-alert-type": "Technical", "integration-run": { "id": id },
        "responses": [{ "response-code": "500" }] })),
    )
    .await;
    assert_eq!(status, 201, "{error}");
    assert_eq!(error["responses"][0]["response-code"], "500");
    let (_, run) = rest(&app, "GET", &format!("/api/integration_runs/{id}"), None).await;
    assert_eq!(run["integration-errors"][0]["id"], error["id"]);
    let (status, body) = rest(
        &app,
        "PUT",
        &format!("/api/integration_runs/{id}/finish"),
        None,
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        message(&body, "integration-run").contains("unresolved"),
        "{body}"
    );
    let (status, _) = rest(
        &app,
        "PUT",
        &format!("/api/integration_errors/{}/resolve", error["id"]),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = rest(
        &app,
        "PUT",
        &format!("/api/integration_runs/{id}/finish"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "successful");

    // The OpenAPI document is served.
    let (status, doc) = rest(&app, "GET", "/api/openapi.json", None).await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(
        doc["paths"]["/api/integration_runs/{id}/{action}"]["put"]["responses"]["422"].is_object()
    );
    // The action segment lists the domain's actions, then the high-water mark.
    assert_eq!(
        doc["paths"]["/api/integration_runs/{id}/{action}"]["put"]["parameters"][1]["schema"],
        json!({ "$ref": "#/components/schemas/RunActionName" })
    );
    assert_eq!(
        doc["components"]["schemas"]["RunActionName"],
        json!({
            "type": "string",
            "description": "A lifecycle action of a run, as its path segment.",
            "enum": ["run", "pause", "pending", "success", "finish", "fail", "max_updated_at"],
        })
    );
}

const SECRET: &str = "a test secret that is long enough";

fn token(scope: &str) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({ "sub": "erp-bot", "exp": now + 3600, "iat": now, "scope": scope,
                         "iss": "https://id.example.com", "aud": "integration-gateway" });
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

#[tokio::test]
async fn scopes_guard_reads_and_writes_and_the_principal_is_recorded() {
    let app = spawn_app_with(|s| {
        s.auth.jwt_hs256_secret = Some(SECRET.into());
        s.auth.jwt_issuer = Some("https://id.example.com".into());
        s.auth.jwt_audience = Some("integration-gateway".into());
    })
    .await;
    let response = app
        .client
        .get(app.url("/api/integrations"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert!(
        response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    let body: Value = response.json().await.unwrap();
    assert!(body["errors"]["authentication"][0].is_string(), "{body}");
    let (status, _) = rest_as(&app, "GET", "/api/integrations", None, Some("nonsense")).await;
    assert_eq!(status, 401);

    let reader = token("core.integration.read");
    let writer = token("core.integration.read core.integration.write");
    let (status, _) = rest_as(&app, "GET", "/api/integrations", None, Some(&reader)).await;
    assert_eq!(status, 200);
    let input = json!({ "code": "SAP", "name": "SAP", "business-object": "Invoice",
        "direction": "to_coupa", "end-system": "SAP", "end-system-type": "erp" });
    let (status, body) = rest_as(
        &app,
        "POST",
        "/api/integrations",
        Some(input.clone()),
        Some(&reader),
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        body["errors"]["authorization"][0]
            .as_str()
            .unwrap()
            .contains("core.integration.write"),
        "{body}"
    );
    let (status, created) = rest_as(
        &app,
        "POST",
        "/api/integrations",
        Some(input),
        Some(&writer),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["created-by"]["login"], "erp-bot");
    let (status, _) = rest_as(
        &app,
        "PUT",
        "/api/integration_runs/1/run",
        None,
        Some(&reader),
    )
    .await;
    assert_eq!(status, 403, "actions need the write scope");
}

#[tokio::test]
async fn every_write_action_answers_with_the_object() {
    let app = spawn_app().await;
    let integration = create_integration(&app, "SAP").await;
    let (status, body) = rest(
        &app,
        "PATCH",
        &format!("/api/integrations/{integration}"),
        Some(json!({ "end-system-type": "other" })),
    )
    .await;
    assert_eq!(
        (status, &body["end-system-type"]),
        (200, &json!("other")),
        "{body}"
    );
    let run = create_run(&app, "SAP", json!({})).await;
    let run_id = run["id"].clone();
    let (status, body) = rest(
        &app,
        "PUT",
        &format!("/api/integration_runs/{run_id}/max_updated_at"),
        Some(json!({ "max-updated-at": "2026-11-23T13:01:15+00:00" })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["max-updated-at"], "2026-11-23T13:01:15+00:00");
    assert_eq!(
        body["status"], "pending",
        "the high-water mark never changes status"
    );
    let (status, _) = rest(
        &app,
        "PUT",
        &format!("/api/integration_runs/{run_id}/max_updated_at"),
        None,
    )
    .await;
    assert_eq!(status, 422);

    let record = json!({ "contact-alert-type": "Technical", "document-type": "Asn::Header", "document-id": 7,
                         "integration": { "code": "SAP" } });
    let (status, first) = rest(
        &app,
        "POST",
        "/api/integration_history_records/create_alert_and_mark_exported",
        Some(record.clone()),
    )
    .await;
    assert_eq!(
        (status, &first["status"]),
        (201, &json!("Error")),
        "{first}"
    );
    let (status, exported) = rest(
        &app,
        "POST",
        "/api/integration_history_records/mark_exported",
        Some(record.clone()),
    )
    .await;
    assert_eq!(
        (status, &exported["status"]),
        (201, &json!("Success")),
        "{exported}"
    );
    let (status, ack) = rest(
        &app,
        "POST",
        "/api/integration_history_records/acknowledge",
        Some(record.clone()),
    )
    .await;
    assert_eq!(status, 201, "{ack}");
    assert_eq!(
        (&ack["status"], &ack["resolved"]),
        (&json!("Success"), &json!(true))
    );
    let (_, open) = rest(
        &app,
        "GET",
        "/api/integration_history_records?document-id=7&resolved=false",
        None,
    )
    .await;
    assert_eq!(open, json!([]), "acknowledge resolved the earlier records");
    let data = app
        .data(
            "{ documentExport(documentType: ASN_HEADER, documentId: 7) { exported } }",
            json!({}),
        )
        .await;
    assert_eq!(data["documentExport"]["exported"], true);
    let (status, body) = rest(
        &app,
        "PUT",
        &format!("/api/integration_history_records/{}/unresolve", first["id"]),
        None,
    )
    .await;
    assert_eq!((status, &body["resolved"]), (200, &json!(false)));
    let (status, body) = rest(
        &app,
        "PUT",
        &format!("/api/integration_history_records/{}", first["id"]),
        Some(json!({ "external-id": "ERP-7" })),
    )
    .await;
    assert_eq!(
        (status, &body["external-id"]),
        (200, &json!("ERP-7")),
        "{body}"
    );

    let (status, error) = rest(&app, "POST", "/api/integration_errors/create_alert", Some(json!({
        "contact-alert-type": "Both", "integration-run-id": run_id, "document-type": "Invoice", "document-id": 3 }))).await;
    assert_eq!(status, 201, "{error}");
    assert_eq!(error["integration"]["code"], "SAP", "the run's integration");
    let (status, body) = rest(
        &app,
        "PATCH",
        &format!("/api/integration_errors/{}", error["id"]),
        Some(json!({ "status": "Retrying" })),
    )
    .await;
    assert_eq!((status, &body["status"]), (200, &json!("Retrying")));
    let (_, list) = rest(
        &app,
        "GET",
        &format!("/api/integration_errors?integration-run-id={run_id}&resolved=false"),
        None,
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let data = app
        .data("{ integrationAlerts { totalCount } }", json!({}))
        .await;
    assert_eq!(data["integrationAlerts"]["totalCount"], 2);
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after() {
    let app = spawn_app_with(|s| {
        s.auth.jwt_hs256_secret = Some(SECRET.into());
        s.auth.jwt_issuer = Some("https://id.example.com".into());
        s.auth.jwt_audience = Some("integration-gateway".into());
        s.auth.rate_limit_per_second = 1;
        s.auth.rate_limit_burst = 2;
    })
    .await;
    let reader = token("core.integration.read");
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let response = app
            .client
            .get(app.url("/api/integrations"))
            .bearer_auth(&reader)
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
        if response.status().as_u16() == 429 {
            assert!(response.headers().contains_key("retry-after"));
            let body: Value = response.json().await.unwrap();
            assert!(body["errors"]["authentication"][0].is_string(), "{body}");
        }
    }
    assert_eq!(&statuses[..2], &[200, 200]);
    assert!(statuses.contains(&429), "{statuses:?}");
}
