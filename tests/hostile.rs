//! Hostile input against the real binary: every request of the corpus gets a typed error (no
//! crash, no hang, no `INTERNAL`), the server still answers `/healthz` within a second
//! afterwards, and no refused request leaves a row behind. Runs on SQLite, and on PostgreSQL when
//! `TEST_DATABASE_URL` names a server (scripts/test does both).

mod common;

use std::time::{Duration, Instant};

use common::{Instance, fresh_database_url, start_process_with};
use proptest::{prelude::*, test_runner::TestRunner};
use serde_json::{Value, json};

/// What a hostile request sends.
enum Send {
    /// A GraphQL request (JSON body, `application/graphql-response+json`).
    Graphql(String, Value),
    /// Any HTTP request: method, path, content type, body.
    Raw(&'static str, String, &'static str, Vec<u8>),
}

/// One case of the corpus and what it must get.
struct Case {
    name: &'static str,
    send: Send,
    status: u16,
    code: &'static str,
    /// The limit the error names (`extensions.limit`), for GraphQL cases.
    limit: Option<&'static str>,
}

fn gql(name: &'static str, query: String, variables: Value, code: &'static str) -> Case {
    Case {
        name,
        send: Send::Graphql(query, variables),
        status: 400,
        code,
        limit: None,
    }
}

fn limited(mut case: Case, limit: &'static str) -> Case {
    case.limit = Some(limit);
    case
}

fn rest(name: &'static str, method: &'static str, path: &str, body: Value, status: u16) -> Case {
    Case {
        name,
        send: Send::Raw(
            method,
            path.to_owned(),
            "application/json",
            body.to_string().into_bytes(),
        ),
        status,
        code: "",
        limit: None,
    }
}

/// `{"id": {"eq": 1}}` wrapped `levels` times in `key`.
fn nested_filter(levels: usize, key: &str) -> Value {
    let mut filter = json!({"id": {"eq": 1}});
    for _ in 0..levels {
        filter = if key == "not" {
            json!({ key: filter })
        } else {
            json!({ key: [filter] })
        };
    }
    filter
}

/// A JSON value written as a GraphQL literal (object keys bare, enums not used).
fn literal(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let fields: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}: {}", literal(v)))
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(literal).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

const RUNS: &str =
    "query($f: IntegrationRunFilter) { integrationRuns(filter: $f) { totalCount nodes { id } } }";

/// 2^n selections from n fragments of two spreads each.
fn fragment_bomb(n: usize) -> String {
    let mut doc = format!("query {{ integrationRun(id: 1) {{ ...F{n} }} }}\n");
    doc.push_str("fragment F0 on IntegrationRun { id }\n");
    for i in 1..=n {
        doc.push_str(&format!(
            "fragment F{i} on IntegrationRun {{ ...F{} ...F{} }}\n",
            i - 1,
            i - 1
        ));
    }
    doc
}

fn corpus() -> Vec<Case> {
    let many_ids: Vec<i64> = (0..32_766).collect();
    let branches: Vec<Value> = (0..1000).map(|i| json!({"id": {"eq": i}})).collect();
    let mut deep_list = json!(1);
    for _ in 0..100 {
        deep_list = json!([deep_list]);
    }
    let fragment_chain = {
        let mut doc = String::from("query { integrationRun(id: 1) { ...C0 } }\n");
        for i in 0..2000 {
            doc.push_str(&format!(
                "fragment C{i} on IntegrationRun {{ id ...C{} }}\n",
                i + 1
            ));
        }
        doc.push_str("fragment C2000 on IntegrationRun { id }\n");
        doc
    };
    let many_operations: String = (0..5000)
        .map(|i| format!("query Q{i} {{ __typename }}\n"))
        .collect();
    let create_integration =
        "mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }";
    let integration_input = |name: &str| {
        json!({"code": "EVIL", "name": name, "businessObject": "Invoice", "direction": "FROM_COUPA",
               "endSystem": "SAP", "endSystemType": "ERP", "integrationType": "API"})
    };
    let mut deep_json = String::new();
    for _ in 0..10_000 {
        deep_json.push('[');
    }
    vec![
        // Nesting: the stack.
        limited(gql("and nested 30 levels, as a variable", RUNS.into(), json!({"f": nested_filter(30, "and")}), "VALIDATION"), "max-input-depth"),
        limited(gql("or nested 30 levels, inline", format!("{{ integrationRuns(filter: {}) {{ totalCount }} }}", literal(&nested_filter(30, "or"))), json!({}), "VALIDATION"), "max-input-depth"),
        limited(gql("not nested 60 levels", RUNS.into(), json!({"f": nested_filter(60, "not")}), "VALIDATION"), "max-input-depth"),
        limited(gql("a variable nested inside an inline filter", "query($f: IntegrationRunFilter) { integrationRuns(filter: {and: [{and: [$f]}]}) { totalCount } }".into(), json!({"f": nested_filter(9, "and")}), "VALIDATION"), "max-input-depth"),
        limited(gql("an unused variable nested 100 lists deep", "query($x: Int) { integrationRuns { totalCount } }".into(), json!({"x": deep_list}), "VALIDATION"), "max-input-depth"),
        Case { name: "JSON nested 10,000 levels", send: Send::Raw("POST", "/graphql".into(), "application/json", format!("{{\"query\": \"{{ __typename }}\", \"variables\": {{\"x\": {deep_json}}}}}").into_bytes()), status: 400, code: "BAD_REQUEST", limit: None },
        gql("selections nested 2,000 deep", format!("{}{}", "{ integrationRuns { nodes { integration { runs { nodes { ".repeat(400), "}".repeat(2000)), json!({}), "VALIDATION"),
        // Fragments: validation time.
        gql("fragment bomb of 40 fragments", fragment_bomb(40), json!({}), "VALIDATION"),
        gql("fragment bomb of 400 fragments", fragment_bomb(400), json!({}), "VALIDATION"),
        gql("a chain of 2,000 fragments", fragment_chain, json!({}), "VALIDATION"),
        gql("fragments spreading each other", "query { integrationRun(id: 1) { ...A } } fragment A on IntegrationRun { id ...B } fragment B on IntegrationRun { ...A }".into(), json!({}), "VALIDATION"),
        gql("5,000 operations in one document", many_operations, json!({}), "VALIDATION"),
        gql("2,000 aliases", format!("{{ {} }}", (0..2000).map(|i| format!("a{i}: __typename")).collect::<Vec<_>>().join(" ")), json!({}), "VALIDATION"),
        // Sizes: the database.
        limited(gql("an in list of 32,766 ids", RUNS.into(), json!({"f": {"id": {"in": many_ids}}}), "VALIDATION"), "max-input-list-items"),
        limited(gql("an or of 1,000 branches", RUNS.into(), json!({"f": {"or": branches}}), "VALIDATION"), "max-filter-branches"),
        limited(gql("a contains of 100 KB", RUNS.into(), json!({"f": {"integration": {"code": {"contains": "x".repeat(100_000)}}}}), "VALIDATION"), "max-filter-pattern-bytes"),
        gql("an Int literal out of range", "{ integrationRun(id: 99999999999) { id } }".into(), json!({}), "VALIDATION"),
        gql("an Int variable out of range", "query($id: Int!) { integrationRun(id: $id) { id } }".into(), json!({"id": 1e300}), "VALIDATION"),
        // Text: what is stored must be given back.
        gql("NUL in a stored string", create_integration.into(), json!({"input": integration_input("a\u{0}b")}), "VALIDATION"),
        gql("an escape sequence in a stored string", create_integration.into(), json!({"input": integration_input("\u{1b}[31mred")}), "VALIDATION"),
        // A field error of the mutation (the service's rule), not a request error.
        Case { status: 200, ..gql("a name of 900 KB", create_integration.into(), json!({"input": integration_input(&"n".repeat(900_000))}), "VALIDATION") },
        rest("REST: NUL in a body", "POST", "/api/integrations", json!({"code": "EVIL", "name": "a\u{0}", "business-object": "Invoice", "direction": "from_coupa", "end-system": "SAP", "end-system-type": "erp", "integration-type": "api"}), 422),
        rest("REST: id and code that disagree", "POST", "/api/integration_runs", json!({"integration": {"id": 1, "code": "NOPE"}}), 422),
        rest("REST: a body nested 100 levels", "POST", "/api/integration_runs", json!({"integration": {"code": "SAP"}, "flow": deep_list_of(100)}), 422),
        rest("REST: an in list of 5,000 values", "GET", &format!("/api/integration_runs?id[in]={}", (0..5000).map(|i| i.to_string()).collect::<Vec<_>>().join(",")), Value::Null, 400),
        rest("REST: 1,000 filter parameters", "GET", &format!("/api/integration_runs?{}", (0..1000).map(|i| format!("id[not_eq]={i}")).collect::<Vec<_>>().join("&")), Value::Null, 400),
        rest("REST: NUL in a query value", "GET", "/api/integration_runs?status=%00", Value::Null, 400),
        // Transport.
        Case { name: "malformed UTF-8", send: Send::Raw("POST", "/graphql".into(), "application/json", b"{\"query\": \"{ a\xff\xfe }\"}".to_vec()), status: 400, code: "BAD_REQUEST", limit: None },
        Case { name: "a body of 2 MiB", send: Send::Raw("POST", "/graphql".into(), "application/json", format!("{{\"query\": \"{{ __typename }}\", \"x\": \"{}\"}}", "x".repeat(2 << 20)).into_bytes()), status: 413, code: "PAYLOAD_TOO_LARGE", limit: None },
        Case { name: "a batch of 1,000 operations", send: Send::Raw("POST", "/graphql".into(), "application/json", serde_json::to_vec(&vec![json!({"query": "{ __typename }"}); 1000]).unwrap()), status: 400, code: "BAD_REQUEST", limit: None },
        gql("a document that does not parse", "{ integrationRuns { ".into(), json!({}), "PARSE_ERROR"),
    ]
}

fn deep_list_of(levels: usize) -> Value {
    let mut value = json!(1);
    for _ in 0..levels {
        value = json!([value]);
    }
    value
}

/// Row counts of every table a request could write to.
async fn counts(client: &reqwest::Client, base: &str) -> Value {
    let body: Value = client
        .post(format!("{base}/graphql"))
        .json(&json!({"query": "{ integrations { totalCount } integrationRuns { totalCount } integrationHistoryRecords { totalCount } integrationErrors { totalCount } }"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

/// `/healthz` answers 200 within a second.
async fn healthy(client: &reqwest::Client, base: &str, after: &str) {
    let started = Instant::now();
    let resp = tokio::time::timeout(
        Duration::from_secs(1),
        client.get(format!("{base}/healthz")).send(),
    )
    .await
    .unwrap_or_else(|_| panic!("/healthz took over a second after {after}"))
    .unwrap_or_else(|e| panic!("/healthz failed after {after}: {e}"));
    assert_eq!(resp.status(), 200, "/healthz after {after}");
    assert!(started.elapsed() < Duration::from_secs(1));
}

async fn start() -> (Instance, tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database_url(dir.path()).await;
    let instance = start_process_with(&url, &[]).await;
    let base = format!("http://{}", instance.addr);
    (instance, dir, base)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hostile_request_gets_a_typed_error_and_the_server_stays_up() {
    let (mut instance, _dir, base) = start().await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    // Something to find and to protect.
    let seed = client
        .post(format!("{base}/graphql"))
        .json(&json!({"query": "mutation { createIntegration(input: {code: \"SAP\", name: \"SAP\", businessObject: \"Invoice\", direction: FROM_COUPA, endSystem: \"SAP\", endSystemType: ERP, integrationType: API}) { id } }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(seed.status(), 200);
    client
        .post(format!("{base}/api/integration_runs"))
        .json(&json!({"integration": {"code": "SAP"}}))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let before = counts(&client, &base).await;

    let mut failures = Vec::new();
    for case in corpus() {
        if let Err(failure) = try_case(&client, &base, &case).await {
            failures.push(failure);
        }
        assert!(
            instance.exited().is_none(),
            "{}: the server died",
            case.name
        );
        healthy(&client, &base, case.name).await;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        counts(&client, &base).await,
        before,
        "a refused request wrote"
    );
}

/// Sends one case; what it got wrong, if anything.
async fn try_case(client: &reqwest::Client, base: &str, case: &Case) -> Result<(), String> {
    let check = |ok: bool, what: &str, body: &Value| {
        if ok {
            Ok(())
        } else {
            Err(format!("{}: {what}: {body}", case.name))
        }
    };
    {
        let started = Instant::now();
        let request = match &case.send {
            Send::Graphql(query, variables) => client
                .post(format!("{base}/graphql"))
                .header("accept", "application/graphql-response+json")
                .json(&json!({"query": query, "variables": variables})),
            Send::Raw(method, path, content_type, body) => client
                .request(method.parse().unwrap(), format!("{base}{path}"))
                .header("content-type", *content_type)
                .header(
                    "accept",
                    "application/graphql-response+json, application/json",
                )
                .body(body.clone()),
        };
        let resp = request
            .send()
            .await
            .map_err(|e| format!("{}: no answer: {e}", case.name))?;
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        let took = started.elapsed();
        check(
            status == case.status,
            &format!("status {status}, not {}", case.status),
            &body,
        )?;
        if case.code.is_empty() {
            // The vendor's REST error body.
            check(body["errors"].is_object(), "no vendor error body", &body)?;
        } else {
            let error = &body["errors"][0];
            check(
                error["extensions"]["code"] == case.code,
                &format!("code is not {}", case.code),
                &body,
            )?;
            check(
                body.get("data").is_none(),
                "data beside a request error",
                &body,
            )?;
            for error in body["errors"].as_array().into_iter().flatten() {
                for location in error["locations"].as_array().into_iter().flatten() {
                    check(
                        location["line"].as_u64() >= Some(1),
                        "a location before line 1",
                        &body,
                    )?;
                }
            }
            if let Some(limit) = case.limit {
                check(
                    error["extensions"]["limit"] == limit,
                    &format!("limit is not {limit}"),
                    &body,
                )?;
                check(error["extensions"]["field"].is_string(), "no field", &body)?;
            }
        }
        // Generous for a debug build on a shared machine; the benchmark measures it properly.
        check(
            took < Duration::from_secs(5),
            &format!("took {took:?}"),
            &body,
        )?;
    }
    Ok(())
}

/// Requests at the limits are answered: the bounds refuse nothing a sane client sends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn input_at_the_limits_is_answered() {
    let (mut instance, _dir, base) = start().await;
    let client = reqwest::Client::new();
    let post = |query: &str, variables: Value| {
        client
            .post(format!("{base}/graphql"))
            .json(&json!({"query": query, "variables": variables}))
            .send()
    };
    let ids: Vec<i64> = (0..1000).collect();
    let branches: Vec<Value> = (0..100).map(|i| json!({"id": {"eq": i}})).collect();
    let inline_or = literal(&nested_filter(9, "or"));
    for (name, query, variables) in [
        ("and 9 levels (depth 20)", RUNS.to_owned(), json!({"f": nested_filter(9, "and")})),
        ("not 18 levels (depth 20)", RUNS.to_owned(), json!({"f": nested_filter(18, "not")})),
        ("inline or 9 levels", format!("{{ integrationRuns(filter: {inline_or}) {{ totalCount }} }}"), json!({})),
        ("an in list of 1,000 ids", RUNS.to_owned(), json!({"f": {"id": {"in": ids}}})),
        ("an or of 100 branches", RUNS.to_owned(), json!({"f": {"or": branches}})),
        ("a history record filter 9 levels", "query($f: IntegrationHistoryRecordFilter) { integrationHistoryRecords(filter: $f) { totalCount } }".to_owned(), json!({"f": nested_filter(9, "or")})),
        ("an error filter 18 nots", "query($f: IntegrationErrorFilter) { integrationErrors(filter: $f) { totalCount } }".to_owned(), json!({"f": nested_filter(18, "not")})),
        ("an integration filter 9 levels", "query($f: IntegrationFilter) { integrations(filter: $f) { totalCount } }".to_owned(), json!({"f": nested_filter(9, "and")})),
        ("text with tab, newline and unicode", "query($f: IntegrationRunFilter) { integrationRuns(filter: $f) { totalCount } }".to_owned(), json!({"f": {"integration": {"name": {"contains": "a\tb\nc\r ✓"}}}})),
    ] {
        let body: Value = post(&query, variables).await.unwrap().json().await.unwrap();
        assert!(body.get("errors").is_none(), "{name}: {body}");
        assert!(instance.exited().is_none(), "{name}: the server died");
    }
}

/// A filter of random shape as a variable: answered when within the limits, a VALIDATION error
/// naming a limit when not — never a crash or another error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_nested_filters_are_answered_or_refused_by_a_limit() {
    let (mut instance, _dir, base) = start().await;
    let client = reqwest::Client::new();
    let leaf = prop_oneof![
        any::<i32>().prop_map(|i| json!({"id": {"eq": i}})),
        "[a-z]{0,8}".prop_map(|s| json!({"integration": {"code": {"startsWith": s}}})),
        prop::collection::vec(any::<i32>(), 0..20).prop_map(|ids| json!({"id": {"in": ids}})),
        Just(json!({"status": {"in": ["RUNNING", "FAILED"]}})),
        Just(json!({})),
    ];
    let filter = leaf.prop_recursive(24, 400, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(|f| json!({"and": f})),
            prop::collection::vec(inner.clone(), 0..6).prop_map(|f| json!({"or": f})),
            inner.clone().prop_map(|f| json!({"not": f})),
            inner.prop_map(|f| json!({"integration": {"not": {"code": {"eq": "X"}}}, "and": [f]})),
        ]
    });
    // Wrappers around a random filter push some cases past the limits: and/or with extra
    // siblings (branches), not (depth).
    let wrappers = prop::collection::vec((0..3u8, 0..40usize), 0..16);
    let filter = (filter, wrappers).prop_map(|(mut f, wrappers)| {
        for (kind, siblings) in wrappers {
            let mut items = vec![f];
            items.extend((0..siblings).map(|i| json!({"id": {"eq": i}})));
            f = match kind {
                0 => json!({ "and": items }),
                1 => json!({ "or": items }),
                _ => json!({ "not": items.swap_remove(0) }),
            };
        }
        f
    });
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 200,
        ..ProptestConfig::default()
    });
    let runtime = tokio::runtime::Handle::current();
    let outcomes = std::sync::Mutex::new((0usize, 0usize));
    tokio::task::block_in_place(|| {
        runner
            .run(&filter, |f| {
                let body: Value = runtime.block_on(async {
                    client
                        .post(format!("{base}/graphql"))
                        .json(&json!({"query": RUNS, "variables": {"f": f}}))
                        .send()
                        .await
                        .unwrap()
                        .json()
                        .await
                        .unwrap()
                });
                let (depth, branches) = shape(&f);
                let within = depth <= 20 && branches <= 100;
                if within {
                    prop_assert!(body.get("errors").is_none(), "{f}: {body}");
                    outcomes.lock().unwrap().0 += 1;
                } else {
                    prop_assert_eq!(
                        &body["errors"][0]["extensions"]["code"],
                        "VALIDATION",
                        "{}",
                        body
                    );
                    prop_assert!(
                        body["errors"][0]["extensions"]["limit"].is_string(),
                        "{}",
                        body
                    );
                    outcomes.lock().unwrap().1 += 1;
                }
                Ok(())
            })
            .unwrap();
    });
    let (answered, refused) = *outcomes.lock().unwrap();
    assert!(
        answered > 20 && refused > 5,
        "answered {answered}, refused {refused}: the generator misses a side"
    );
    assert!(instance.exited().is_none());
}

/// The nesting (objects and lists) and the and/or/not branches of a filter, computed apart from
/// the server's walk.
fn shape(value: &Value) -> (usize, usize) {
    match value {
        Value::Object(map) => {
            let mut depth = 0;
            let mut branches = 0;
            for (key, v) in map {
                let (d, b) = shape(v);
                depth = depth.max(d);
                branches += b;
                match (key.as_str(), v) {
                    ("and" | "or", Value::Array(items)) => branches += items.len(),
                    ("not", Value::Object(_)) => branches += 1,
                    _ => {}
                }
            }
            (depth + 1, branches)
        }
        Value::Array(items) => {
            let (depth, branches) = items
                .iter()
                .map(shape)
                .fold((0, 0), |(d, b), (d2, b2)| (d.max(d2), b + b2));
            (depth + 1, branches)
        }
        _ => (0, 0),
    }
}
