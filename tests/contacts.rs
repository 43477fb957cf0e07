//! Integration contacts through GraphQL and REST: create, list, change, deactivate and
//! reactivate; refusals naming the field; no N+1 under `integrations { contacts }`; and the
//! recipients an alert's audience reaches.

mod common;

use common::{TestApp, spawn_app};
use integration_gateway::{domain::ContactAlertType, service::contacts};
use serde_json::{Value, json};

const CREATE: &str = "mutation($input: CreateIntegrationContactInput!) {
    createIntegrationContact(input: $input) { id name email contactType active integration { code } } }";

/// Adds a contact through GraphQL and returns it.
async fn contact(app: &TestApp, code: &str, name: &str, email: &str, kind: &str) -> Value {
    let data = app
        .data(
            CREATE,
            json!({ "input": {
                "integration": { "code": code }, "name": name, "email": email, "contactType": kind
            }}),
        )
        .await;
    data["createIntegrationContact"].clone()
}

async fn create_error(app: &TestApp, input: Value) -> Value {
    app.error(CREATE, json!({ "input": input })).await
}

#[tokio::test]
async fn contacts_are_created_listed_changed_deactivated_and_reactivated_through_graphql() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let ann = contact(&app, "SAP", "Ann", "ann@example.com", "TECHNICAL").await;
    assert_eq!(ann["name"], "Ann");
    assert_eq!(ann["contactType"], "TECHNICAL");
    assert_eq!(ann["active"], true);
    assert_eq!(ann["integration"]["code"], "SAP");
    let bob = contact(&app, "SAP", "Bob", "bob@example.com", "FUNCTIONAL").await;

    let changed = app
        .data(
            "mutation($id: Int!) { updateIntegrationContact(id: $id, input: {name: \"Robert\", contactType: TECHNICAL}) { name contactType active } }",
            json!({ "id": bob["id"] }),
        )
        .await;
    assert_eq!(
        changed["updateIntegrationContact"],
        json!({ "name": "Robert", "contactType": "TECHNICAL", "active": true })
    );
    let gone = app
        .data(
            "mutation($id: Int!) { deactivateIntegrationContact(id: $id) { id active } }",
            json!({ "id": ann["id"] }),
        )
        .await;
    assert_eq!(gone["deactivateIntegrationContact"]["active"], false);

    let list = "query($all: Boolean!) { integration(code: \"SAP\") { contacts(includeInactive: $all) { name active } } }";
    let active = app.data(list, json!({ "all": false })).await;
    assert_eq!(
        active["integration"]["contacts"],
        json!([{ "name": "Robert", "active": true }])
    );
    let all = app.data(list, json!({ "all": true })).await;
    assert_eq!(
        all["integration"]["contacts"],
        json!([{ "name": "Ann", "active": false }, { "name": "Robert", "active": true }])
    );
    // The argument's default is false.
    let default = app
        .data(
            "{ integration(code: \"SAP\") { contacts { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        default["integration"]["contacts"],
        json!([{ "name": "Robert" }])
    );

    let back = app
        .data(
            "mutation($id: Int!) { updateIntegrationContact(id: $id, input: {active: true}) { active } }",
            json!({ "id": ann["id"] }),
        )
        .await;
    assert_eq!(back["updateIntegrationContact"]["active"], true);
    let active = app.data(list, json!({ "all": false })).await;
    assert_eq!(
        active["integration"]["contacts"].as_array().unwrap().len(),
        2
    );

    // A contact is a node.
    let node = app
        .data(
            "{ integration(code: \"SAP\") { contacts { nodeId } } }",
            json!({}),
        )
        .await;
    let node_id = node["integration"]["contacts"][0]["nodeId"].clone();
    let found = app
        .data(
            "query($n: ID!) { node(nodeId: $n) { __typename ... on IntegrationContact { email } } }",
            json!({ "n": node_id }),
        )
        .await;
    assert_eq!(
        found["node"],
        json!({ "__typename": "IntegrationContact", "email": "ann@example.com" })
    );
}

#[tokio::test]
async fn bad_input_is_refused_naming_the_field_and_nothing_is_written() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    let good = |patch: Value| {
        let mut input = json!({
            "integration": { "code": "SAP" }, "name": "Ann", "email": "ann@example.com",
            "contactType": "TECHNICAL"
        });
        for (k, v) in patch.as_object().unwrap() {
            input[k] = v.clone();
        }
        input
    };
    for (patch, field) in [
        (json!({ "email": "not an address" }), "email"),
        (json!({ "email": "ann@" }), "email"),
        (json!({ "email": "Ann <ann@example.com>" }), "email"),
        (
            json!({ "email": format!("{}@example.com", "a".repeat(250)) }),
            "email",
        ),
        (json!({ "name": "   " }), "name"),
        (json!({ "name": "n".repeat(256) }), "name"),
        (json!({ "contactType": "BOTH" }), "contactType"),
    ] {
        let error = create_error(&app, good(patch.clone())).await;
        assert_eq!(
            error["extensions"]["code"], "VALIDATION",
            "{patch}: {error}"
        );
        assert_eq!(error["extensions"]["field"], field, "{patch}: {error}");
    }
    let error = create_error(
        &app,
        json!({ "integration": { "code": "NOPE" }, "name": "Ann", "email": "ann@example.com",
                "contactType": "TECHNICAL" }),
    )
    .await;
    assert_eq!(error["extensions"]["code"], "NOT_FOUND", "{error}");
    let error = app
        .error(
            "mutation { updateIntegrationContact(id: 999, input: {name: \"X\"}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "NOT_FOUND", "{error}");

    let all = app
        .data(
            "{ integration(code: \"SAP\") { contacts(includeInactive: true) { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        all["integration"]["contacts"],
        json!([]),
        "nothing half-written"
    );

    // A refused update leaves the contact as it was.
    let ann = contact(&app, "SAP", "Ann", "ann@example.com", "TECHNICAL").await;
    let error = app
        .error(
            "mutation($id: Int!) { updateIntegrationContact(id: $id, input: {name: \"Anna\", email: \"nope\"}) { id } }",
            json!({ "id": ann["id"] }),
        )
        .await;
    assert_eq!(error["extensions"]["field"], "email");
    let now = app
        .data(
            "{ integration(code: \"SAP\") { contacts { name email } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        now["integration"]["contacts"],
        json!([{ "name": "Ann", "email": "ann@example.com" }])
    );
}

#[tokio::test]
async fn an_email_appears_once_per_integration_and_type() {
    let app = spawn_app().await;
    app.integration("SAP").await;
    app.integration("ORACLE").await;
    contact(&app, "SAP", "Ann", "ann@example.com", "TECHNICAL").await;
    let error = create_error(
        &app,
        json!({ "integration": { "code": "SAP" }, "name": "Ann again", "email": "ann@example.com",
                "contactType": "TECHNICAL" }),
    )
    .await;
    assert_eq!(error["extensions"]["code"], "CONFLICT", "{error}");
    assert_eq!(error["extensions"]["field"], "email", "{error}");
    // The same person as a functional contact, or on another integration, is another contact.
    contact(&app, "SAP", "Ann", "ann@example.com", "FUNCTIONAL").await;
    let other = contact(&app, "ORACLE", "Ann", "ann@example.com", "TECHNICAL").await;
    // Changing a contact into a duplicate is refused too.
    contact(&app, "ORACLE", "Bob", "bob@example.com", "TECHNICAL").await;
    let error = app
        .error(
            "mutation($id: Int!) { updateIntegrationContact(id: $id, input: {email: \"bob@example.com\"}) { id } }",
            json!({ "id": other["id"] }),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "CONFLICT", "{error}");
}

#[tokio::test]
async fn integrations_with_their_contacts_take_one_statement_per_level_on_both_paths() {
    let app = spawn_app().await;
    let resolvers = app.twin_with(|s| s.disable_direct_reads = true).await;
    for i in 0..12 {
        let code = format!("I{i:02}");
        app.integration(&code).await;
        for j in 0..3 {
            contact(&app, &code, "C", &format!("c{j}@example.com"), "TECHNICAL").await;
        }
    }
    let query = "query($first: Int!, $all: Boolean!) { integrations(first: $first) { nodes { code contacts(includeInactive: $all) { email active } } } }";
    for server in [&app, &resolvers] {
        let mut counts = Vec::new();
        for (first, all) in [(2, false), (5, true), (12, false)] {
            let before = server.statements();
            let data = server
                .data(query, json!({ "first": first, "all": all }))
                .await;
            counts.push(server.statements() - before);
            let nodes = data["integrations"]["nodes"].as_array().unwrap();
            assert_eq!(nodes.len(), first);
            assert!(
                nodes
                    .iter()
                    .all(|n| n["contacts"].as_array().unwrap().len() == 3)
            );
        }
        // integrations; their contacts.
        assert_eq!(counts, vec![2, 2, 2]);
    }
}

#[tokio::test]
async fn an_alert_reaches_the_active_contacts_of_its_audience() {
    let app = spawn_app().await;
    let id = app.integration("SAP").await as i32;
    contact(&app, "SAP", "Tech", "tech@example.com", "TECHNICAL").await;
    contact(&app, "SAP", "Func", "func@example.com", "FUNCTIONAL").await;
    let off = contact(&app, "SAP", "Off", "off@example.com", "TECHNICAL").await;
    app.data(
        "mutation($id: Int!) { deactivateIntegrationContact(id: $id) { id } }",
        json!({ "id": off["id"] }),
    )
    .await;
    app.integration("OTHER").await;
    contact(&app, "OTHER", "Elsewhere", "else@example.com", "TECHNICAL").await;

    let emails = async |audience| {
        contacts::recipients(&app.db, id, audience)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.email)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        emails(ContactAlertType::Technical).await,
        ["tech@example.com"]
    );
    assert_eq!(
        emails(ContactAlertType::Functional).await,
        ["func@example.com"]
    );
    assert_eq!(
        emails(ContactAlertType::Both).await,
        ["tech@example.com", "func@example.com"]
    );
}

/// A REST request with a JSON body (or none).
async fn rest(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = app
        .client
        .request(method, app.url(path))
        .header("accept", "application/json");
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn contacts_are_managed_under_their_integration_over_rest() {
    use reqwest::Method;
    let app = spawn_app().await;
    let sap = app.integration("SAP").await;
    let oracle = app.integration("ORACLE").await;
    let base = format!("/api/integrations/{sap}/contacts");

    let (status, ann) = rest(
        &app,
        Method::POST,
        &base,
        Some(json!({ "name": "Ann", "email": "ann@example.com", "contact-type": "Technical" })),
    )
    .await;
    assert_eq!(status, 201, "{ann}");
    assert_eq!(ann["contact-type"], "Technical");
    assert_eq!(ann["active"], true);
    assert_eq!(ann["integration-id"], sap);
    let ann_id = ann["id"].as_i64().unwrap();
    let (status, _) = rest(
        &app,
        Method::POST,
        &base,
        Some(json!({ "name": "Bob", "email": "bob@example.com", "contact_type": "Functional" })),
    )
    .await;
    assert_eq!(status, 201);

    let (status, shown) = rest(&app, Method::GET, &format!("{base}/{ann_id}"), None).await;
    assert_eq!(
        (status, shown["email"].clone()),
        (200, json!("ann@example.com"))
    );
    // Under another integration the contact is not there.
    let (status, _) = rest(
        &app,
        Method::GET,
        &format!("/api/integrations/{oracle}/contacts/{ann_id}"),
        None,
    )
    .await;
    assert_eq!(status, 404);

    let (status, changed) = rest(
        &app,
        Method::PATCH,
        &format!("{base}/{ann_id}"),
        Some(json!({ "name": "Anna" })),
    )
    .await;
    assert_eq!((status, changed["name"].clone()), (200, json!("Anna")));
    let (status, off) = rest(
        &app,
        Method::PUT,
        &format!("{base}/{ann_id}/deactivate"),
        None,
    )
    .await;
    assert_eq!(
        (status, off["active"].clone()),
        (200, json!(false)),
        "{off}"
    );

    let (status, all) = rest(&app, Method::GET, &base, None).await;
    assert_eq!(status, 200);
    assert_eq!(all.as_array().unwrap().len(), 2, "{all}");
    let (_, active) = rest(&app, Method::GET, &format!("{base}?active=true"), None).await;
    let names: Vec<&str> = active
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Bob"]);
    let (_, none) = rest(
        &app,
        Method::GET,
        &format!("/api/integrations/{oracle}/contacts"),
        None,
    )
    .await;
    assert_eq!(none, json!([]));

    let (status, back) = rest(
        &app,
        Method::PUT,
        &format!("{base}/{ann_id}"),
        Some(json!({ "active": true })),
    )
    .await;
    assert_eq!((status, back["active"].clone()), (200, json!(true)));

    // Refusals: a bad email names the field; Both is not a contact's type; an unknown
    // integration is not found; an unknown field is refused.
    let (status, body) = rest(
        &app,
        Method::POST,
        &base,
        Some(json!({ "name": "X", "email": "x@", "contact-type": "Technical" })),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["errors"]["integration-contact"][0]
            .as_str()
            .unwrap()
            .starts_with("email "),
        "{body}"
    );
    let (status, body) = rest(
        &app,
        Method::POST,
        &base,
        Some(json!({ "name": "X", "email": "x@example.com", "contact-type": "Both" })),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("contact-type"), "{body}");
    let (status, body) = rest(
        &app,
        Method::POST,
        &base,
        Some(json!({ "name": "X", "email": "ann@example.com", "contact-type": "Technical" })),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.to_string().contains("has already been taken"),
        "{body}"
    );
    let (status, _) = rest(
        &app,
        Method::POST,
        "/api/integrations/9999/contacts",
        Some(json!({ "name": "X", "email": "x@example.com", "contact-type": "Technical" })),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = rest(&app, Method::GET, "/api/integrations/9999/contacts", None).await;
    assert_eq!(status, 404);
    let (status, body) = rest(
        &app,
        Method::POST,
        &base,
        Some(json!({ "name": "X", "email": "x@example.com", "contact-type": "Technical", "phone": "1" })),
    )
    .await;
    assert_eq!(status, 422, "{body}");

    // XML, like every resource.
    let xml = app
        .client
        .get(app.url(&format!("{base}/{ann_id}")))
        .header("accept", "application/xml")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(xml.contains("<email>ann@example.com</email>"), "{xml}");

    // The integration shows its expected duration over REST too.
    let (status, integration) = rest(
        &app,
        Method::PUT,
        &format!("/api/integrations/{sap}"),
        Some(json!({ "expected-duration-seconds": 3600 })),
    )
    .await;
    assert_eq!(status, 200, "{integration}");
    assert_eq!(integration["expected-duration-seconds"], 3600);
    let (status, body) = rest(
        &app,
        Method::PUT,
        &format!("/api/integrations/{sap}"),
        Some(json!({ "expected-duration-seconds": 0 })),
    )
    .await;
    assert_eq!(status, 422, "{body}");
}

#[tokio::test]
async fn the_openapi_document_describes_the_contact_routes() {
    let app = spawn_app().await;
    let doc: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in [
        "/api/integrations/{id}/contacts",
        "/api/integrations/{id}/contacts/{contact_id}",
        "/api/integrations/{id}/contacts/{contact_id}/deactivate",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    let new = &doc["components"]["schemas"]["NewIntegrationContactInput"];
    assert_eq!(new["required"], json!(["name", "email", "contact-type"]));
    assert_eq!(new["properties"]["email"]["maxLength"], 255);
}
