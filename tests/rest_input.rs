//! What the REST API takes, on the real server: every field an endpoint does not take is refused
//! by name (422, the vendor's error body) instead of being dropped; what was read can be sent
//! back unchanged; responses are appended on a change; the vendor's shapes (nested integrations
//! with `standard`, datetimes to the second with offset, the run API's 19 document types).

mod common;

use common::{TestApp, spawn_app};
use serde_json::{Value, json};

async fn rest(app: &TestApp, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    app.rest(method, path, body).await
}

/// An integration `SAP`, a run of it and a history record of the run with one response.
async fn setup(app: &TestApp) -> (Value, Value, Value) {
    let (status, integration) = rest(
        app,
        "POST",
        "/api/integrations",
        Some(json!({
            "code": "SAP", "name": "SAP export", "business-object": "Invoice",
            "direction": "from_coupa", "end-system": "SAP", "end-system-type": "erp"
        })),
    )
    .await;
    assert_eq!(status, 201, "{integration}");
    let (status, run) = rest(
        app,
        "POST",
        "/api/integration_runs",
        Some(json!({"integration": {"code": "SAP"}, "total-records": 10, "flow": {"step": 1}})),
    )
    .await;
    assert_eq!(status, 201, "{run}");
    let (status, record) = rest(
        app,
        "POST",
        "/api/integration_history_records",
        Some(json!({
            "contact-alert-type": "Technical", "document-type": "InvoiceHeader",
            "document-id": 42, "integration-run": {"id": run["id"]}, "status": "Error",
            "responses": [{"response-code": "500", "response-message": "down"}]
        })),
    )
    .await;
    assert_eq!(status, 201, "{record}");
    (integration, run, record)
}

/// The messages of a vendor error body about `object`.
fn messages(body: &Value, object: &str) -> Vec<String> {
    body["errors"][object]
        .as_array()
        .unwrap_or_else(|| panic!("no errors about {object}: {body}"))
        .iter()
        .map(|m| m.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn fields_an_endpoint_does_not_take_are_refused_by_name_and_nothing_is_written() {
    let app = spawn_app().await;
    let (_, run, record) = setup(&app).await;

    // The record's file name is the server's (output only in the vendor's table).
    let (status, body) = rest(
        &app,
        "POST",
        "/api/integration_history_records",
        Some(json!({
            "contact-alert-type": "Technical", "document-type": "InvoiceHeader",
            "document-id": 43, "integration-filename": "x.csv", "id": 7, "colour": "red",
            "responses": [{"response-code": "1", "id": 3}]
        })),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let m = messages(&body, "integration-history-record");
    assert!(
        m.contains(&"integration-filename is not a field this endpoint takes".to_owned()),
        "{m:?}"
    );
    assert!(
        m.contains(&"id is set by the server and cannot be written".to_owned()),
        "{m:?}"
    );
    assert!(
        m.contains(&"colour is not a field this endpoint takes".to_owned()),
        "{m:?}"
    );
    assert!(
        m.contains(&"responses[0].id is set by the server and cannot be written".to_owned())
            || m.contains(&"responses[0].id is not a field this endpoint takes".to_owned()),
        "{m:?}"
    );
    let (_, list) = rest(
        &app,
        "GET",
        "/api/integration_history_records?document-id=43",
        None,
    )
    .await;
    assert_eq!(list, json!([]), "nothing was written");

    // A run's integration is set on create: an update naming another is refused.
    let (status, body) = rest(
        &app,
        "PUT",
        &format!("/api/integration_runs/{}", run["id"]),
        Some(json!({"integration": {"code": "OTHER"}, "total-records": 11})),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        messages(&body, "integration-run"),
        ["integration cannot be changed through this endpoint"]
    );
    // Its status changes only by actions.
    let (status, body) = rest(
        &app,
        "PATCH",
        &format!("/api/integration_runs/{}", run["id"]),
        Some(json!({"status": "successful"})),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        messages(&body, "integration-run"),
        ["status cannot be changed through this endpoint"]
    );
    let (_, shown) = rest(
        &app,
        "GET",
        &format!("/api/integration_runs/{}", run["id"]),
        None,
    )
    .await;
    assert_eq!(
        shown["total-records"], 10,
        "the refused update wrote nothing"
    );
    assert_eq!(shown["status"], "pending");

    // An error's run is set on create.
    let (status, error) = rest(
        &app,
        "POST",
        "/api/integration_errors",
        Some(json!({"contact-alert-type": "Both", "integration-run-id": run["id"], "integration-filename": "in.csv"})),
    )
    .await;
    assert_eq!(status, 201, "{error}");
    assert_eq!(
        error["integration-filename"], "in.csv",
        "an error's file name is an input"
    );
    let (status, body) = rest(
        &app,
        "PATCH",
        &format!("/api/integration_errors/{}", error["id"]),
        Some(json!({"integration-run-id": record["id"].as_i64().unwrap() + 100})),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        messages(&body, "integration-error"),
        ["integration-run-id cannot be changed through this endpoint"]
    );
}

#[tokio::test]
async fn what_was_read_can_be_sent_back_and_responses_are_appended() {
    let app = spawn_app().await;
    let (_, run, record) = setup(&app).await;

    // Every resource takes back what it showed: no field refused, nothing changed.
    for path in [
        format!("/api/integration_runs/{}", run["id"]),
        format!("/api/integration_history_records/{}", record["id"]),
    ] {
        let (_, now) = rest(&app, "GET", &path, None).await;
        let (status, after) = rest(&app, "PUT", &path, Some(now.clone())).await;
        assert_eq!(status, 200, "{path}: {after}");
        let strip = |mut v: Value| {
            v.as_object_mut().unwrap().remove("updated-at");
            v
        };
        assert_eq!(
            strip(after),
            strip(now),
            "{path}: sent back, nothing changed"
        );
    }
    let (_, integration) = rest(&app, "GET", "/api/integrations?code=SAP", None).await;
    let integration = integration[0].clone();
    let (status, after) = rest(
        &app,
        "PUT",
        &format!("/api/integrations/{}", integration["id"]),
        Some(integration.clone()),
    )
    .await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["code"], "SAP");

    // Responses: the held ones sent back unchanged, a new one appended.
    let path = format!("/api/integration_history_records/{}", record["id"]);
    let (_, now) = rest(&app, "GET", &path, None).await;
    let mut responses = now["responses"].as_array().unwrap().clone();
    assert_eq!(responses.len(), 1);
    responses.push(json!({"response-code": "200", "response-message": "accepted"}));
    let (status, after) = rest(&app, "PATCH", &path, Some(json!({"responses": responses}))).await;
    assert_eq!(status, 200, "{after}");
    let codes: Vec<&str> = after["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["response-code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["500", "200"]);
    // Only new ones: the held response is not sent at all.
    let (status, after) = rest(
        &app,
        "PATCH",
        &path,
        Some(json!({"responses": [{"response-code": "201"}]})),
    )
    .await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["responses"].as_array().unwrap().len(), 3);
    // A held response cannot be edited.
    let mut edited = after["responses"][0].clone();
    edited["response-message"] = json!("rewritten");
    let (status, body) = rest(&app, "PATCH", &path, Some(json!({"responses": [edited]}))).await;
    assert_eq!(status, 422, "{body}");
    let (_, shown) = rest(&app, "GET", &path, None).await;
    assert_eq!(shown["responses"][0]["response-message"], "down");
    assert_eq!(shown["responses"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn shapes_and_formats_are_the_vendors() {
    let app = spawn_app().await;
    let (_, run, record) = setup(&app).await;
    assert_eq!(run["integration"]["standard"], false, "{run}");
    assert_eq!(record["integration"]["standard"], false, "{record}");
    for at in [
        &run["created-at"],
        &run["updated-at"],
        &record["created-at"],
        &record["responses"][0]["created-at"],
    ] {
        let at = at.as_str().unwrap();
        assert!(
            chrono::DateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S%:z").is_ok(),
            "to the second with its offset: {at}"
        );
    }
    let (_, doc) = rest(&app, "GET", "/api/openapi.json", None).await;
    let types = |schema: &str| -> Vec<Value> {
        doc["components"]["schemas"][schema]["properties"]["document-type"]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema}"))
            .iter()
            .filter(|v| !v.is_null())
            .cloned()
            .collect()
    };
    assert_eq!(types("IntegrationError").len(), 19);
    assert_eq!(types("IntegrationErrorChanges").len(), 19);
    assert_eq!(types("IntegrationHistoryRecord").len(), 31);
    // What a create takes is what the document says it takes.
    let run_input = &doc["components"]["schemas"]["IntegrationRunChanges"]["properties"];
    assert!(run_input.get("integration").is_none(), "{run_input}");
    let record_input = &doc["components"]["schemas"]["NewIntegrationHistoryRecordInput"];
    assert!(
        record_input["properties"]
            .get("integration-filename")
            .is_none(),
        "{record_input}"
    );
}

/// Sends `body` as XML; answers the status and the JSON answer.
async fn rest_xml(app: &TestApp, method: &str, path: &str, body: String) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let response = app
        .client
        .request(method, app.url(path))
        .header("content-type", "application/xml")
        .body(body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")),
    )
}

/// The object at `path` as XML.
async fn get_xml(app: &TestApp, path: &str) -> String {
    let response = app
        .client
        .get(app.url(path))
        .header("accept", "application/xml")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

#[tokio::test]
async fn xml_bodies_are_taken_and_what_was_rendered_as_xml_goes_back_unchanged() {
    let app = spawn_app().await;
    let (integration, run, record) = setup(&app).await;
    let (status, error) = rest(
        &app,
        "POST",
        "/api/integration_errors",
        Some(
            json!({"contact-alert-type": "Both", "integration-run-id": run["id"],
            "document-type": "InvoiceHeader", "document-id": 42,
            "responses": [{"response-code": "E1", "response-message": "a <b> & \"c\""}]}),
        ),
    )
    .await;
    assert_eq!(status, 201, "{error}");

    // Render as XML → send back → the same object (its update time aside).
    for path in [
        format!("/api/integrations/{}", integration["id"]),
        format!("/api/integration_runs/{}", run["id"]),
        format!("/api/integration_history_records/{}", record["id"]),
        format!("/api/integration_errors/{}", error["id"]),
    ] {
        let (_, before) = rest(&app, "GET", &path, None).await;
        let xml = get_xml(&app, &path).await;
        let (status, after) = rest_xml(&app, "PUT", &path, xml.clone()).await;
        assert_eq!(status, 200, "{path}: {after}\n{xml}");
        let strip = |mut v: Value| {
            v.as_object_mut().unwrap().remove("updated-at");
            v
        };
        assert_eq!(strip(after), strip(before), "{path}\n{xml}");
    }

    // Creates and changes in XML, typed scalars and nil included, as the JSON ones.
    let (status, created) = rest_xml(
        &app,
        "POST",
        "/api/integration_runs",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<integration-run>
  <integration><code>SAP</code></integration>
  <total-records type="integer">12</total-records>
  <flow><source>SAP</source><batch type="integer">3</batch></flow>
  <end-time nil="true"/>
</integration-run>"#
            .to_owned(),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["total-records"], 12);
    assert_eq!(created["flow"], json!({"source": "SAP", "batch": 3}));
    let (status, ran) = rest_xml(
        &app,
        "PUT",
        &format!("/api/integration_runs/{}/run", created["id"]),
        "<integration-run><records-processed type=\"integer\">4</records-processed></integration-run>"
            .to_owned(),
    )
    .await;
    assert_eq!(status, 200, "{ran}");
    assert_eq!(
        (ran["status"].as_str(), ran["records-processed"].as_i64()),
        (Some("running"), Some(4))
    );
    let (status, created) = rest_xml(
        &app,
        "POST",
        "/api/integration_history_records/create_alert",
        r#"<integration-history-record>
  <contact-alert-type>Functional</contact-alert-type>
  <document-type>Supplier</document-type>
  <document-id type="integer">7</document-id>
  <responses type="array"><response><response-code>404</response-code><response-message>no such supplier</response-message></response></responses>
</integration-history-record>"#
            .to_owned(),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["status"], "Error");
    assert_eq!(
        created["responses"][0]["response-message"],
        "no such supplier"
    );

    // What XML cannot carry is refused as in JSON: a field the endpoint does not take, a wrong
    // root, a bad typed scalar, a DOCTYPE.
    let (status, body) = rest_xml(
        &app,
        "POST",
        "/api/integration_runs",
        "<integration-run><integration><code>SAP</code></integration><status>failed</status></integration-run>".to_owned(),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        messages(&body, "integration-run"),
        ["status is not a field this endpoint takes"]
    );
    for (xml, expect) in [
        (
            "<integration><code>X</code></integration>",
            "root element is <integration>",
        ),
        (
            "<integration-run><total-records type=\"integer\">ten</total-records></integration-run>",
            "is not an integer",
        ),
        (
            "<!DOCTYPE x [<!ENTITY a \"b\">]><integration-run/>",
            "DOCTYPE",
        ),
    ] {
        let (status, body) = rest_xml(&app, "POST", "/api/integration_runs", xml.to_owned()).await;
        assert_eq!(status, 400, "{xml}: {body}");
        let m = messages(&body, "integration-run").join(" ");
        assert!(m.contains(expect), "{xml}: {m}");
    }
}

#[tokio::test]
async fn a_rest_page_costs_one_statement_per_association_whatever_its_size() {
    let app = spawn_app().await;
    let (_, run, _) = setup(&app).await;
    let add_error = |run: Value| {
        let app = &app;
        async move {
            let (status, error) = rest(
                app,
                "POST",
                "/api/integration_errors",
                Some(
                    json!({"contact-alert-type": "Both", "integration-run-id": run["id"],
                    "responses": [{"response-code": "E"}, {"response-code": "F"}]}),
                ),
            )
            .await;
            assert_eq!(status, 201, "{error}");
        }
    };
    add_error(run.clone()).await;
    let count = |path: &'static str| {
        let app = &app;
        async move {
            let before = app.statements();
            let (status, list) = rest(app, "GET", path, None).await;
            assert_eq!(status, 200, "{list}");
            (app.statements() - before, list.as_array().unwrap().len())
        }
    };
    let (small, n) = count("/api/integration_runs").await;
    assert_eq!(n, 1);
    for _ in 0..6 {
        let (_, run) = rest(
            &app,
            "POST",
            "/api/integration_runs",
            Some(json!({"integration": {"code": "SAP"}})),
        )
        .await;
        add_error(run.clone()).await;
        add_error(run).await;
    }
    let (large, n) = count("/api/integration_runs").await;
    assert_eq!(n, 7);
    eprintln!("statements per page: {small} (1 run), {large} (7 runs)");
    assert_eq!(small, large, "statements for 1 run and for 7");
    // The page, its integrations and users, the runs' errors with their integrations, users
    // and responses (and the responses' users): one each.
    assert!(large <= 9, "{large} statements");
}

#[tokio::test]
async fn what_the_document_allows_is_taken_a_null_action_body_and_whole_decimals() {
    let app = spawn_app().await;
    let (_, run, _) = setup(&app).await;
    let (status, paused) = rest(
        &app,
        "PUT",
        &format!("/api/integration_runs/{}/pause", run["id"]),
        Some(Value::Null),
    )
    .await;
    assert_eq!(status, 200, "{paused}");
    assert_eq!(paused["status"], "paused");
    let (status, changed) = rest(
        &app,
        "PATCH",
        &format!("/api/integration_runs/{}", run["id"]),
        Some(json!({"total-records": 667.0, "flow": {"ratio": 2.0}})),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["total-records"], 667);
    assert_eq!(changed["flow"]["ratio"], 2.0, "flow is kept as given");
    let (status, body) = rest(
        &app,
        "PATCH",
        &format!("/api/integration_runs/{}", run["id"]),
        Some(json!({"total-records": 667.5})),
    )
    .await;
    assert_eq!(status, 400, "{body}");
}
