//! The hostile-input corpus, shared by `tests/hostile.rs` (each case gets a typed error) and
//! `benches/hostile.rs` (CPU per case, `/healthz` latency while clients send them in a loop).
#![allow(dead_code, unreachable_pub)]

use serde_json::{Value, json};

/// What a hostile request sends.
pub enum Send {
    /// A GraphQL request (JSON body, `application/graphql-response+json`).
    Graphql(String, Value),
    /// Any HTTP request: method, path, content type, body.
    Raw(&'static str, String, &'static str, Vec<u8>),
}

/// One case of the corpus and what it must get.
pub struct Case {
    pub name: &'static str,
    pub send: Send,
    pub status: u16,
    pub code: &'static str,
    /// The limit the error names (`extensions.limit`), for GraphQL cases.
    pub limit: Option<&'static str>,
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
pub fn nested_filter(levels: usize, key: &str) -> Value {
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
pub fn literal(value: &Value) -> String {
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

pub const RUNS: &str =
    "query($f: IntegrationRunFilter) { integrationRuns(filter: $f) { totalCount nodes { id } } }";

/// 2^n selections from n fragments of two spreads each.
pub fn fragment_bomb(n: usize) -> String {
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

pub fn corpus() -> Vec<Case> {
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
        limited(gql("a variable nested inside an inline filter", "query($f: IntegrationRunFilter!) { integrationRuns(filter: {and: [{and: [$f]}]}) { totalCount } }".into(), json!({"f": nested_filter(9, "and")}), "VALIDATION"), "max-input-depth"),
        limited(gql("a variable nested 100 lists deep", "query($x: [Int!]) { integrationRuns(filter: {id: {in: $x}}) { totalCount } }".into(), json!({"x": deep_list}), "VALIDATION"), "max-input-depth"),
        Case { name: "JSON nested 10,000 levels", send: Send::Raw("POST", "/graphql".into(), "application/json", format!("{{\"query\": \"{{ __typename }}\", \"variables\": {{\"x\": {deep_json}}}}}").into_bytes()), status: 400, code: "BAD_REQUEST", limit: None },
        gql("selections nested 2,000 deep", format!("{}{}", "{ integrationRuns { nodes { integration { runs { nodes { ".repeat(400), "}".repeat(2000)), json!({}), "VALIDATION"),
        // Fragments: validation time.
        gql("fragment bomb of 40 fragments", fragment_bomb(40), json!({}), "VALIDATION"),
        gql("fragment bomb of 400 fragments", fragment_bomb(400), json!({}), "VALIDATION"),
        gql("a chain of 2,000 fragments", fragment_chain, json!({}), "VALIDATION"),
        // Shallow in fields, 40 inline fragments deep: async-graphql's nesting limit, enforced
        // before a direct read could answer it.
        limited(gql("inline fragments 40 deep", format!("{{ integrationRuns {{ nodes {{ {} id {} }} }} }}", "... { ".repeat(40), "} ".repeat(40)), json!({}), "VALIDATION"), "max-selection-nesting"),
        gql("fragments spreading each other", "query { integrationRun(id: 1) { ...A } } fragment A on IntegrationRun { id ...B } fragment B on IntegrationRun { ...A }".into(), json!({}), "VALIDATION"),
        gql("5,000 operations in one document", many_operations, json!({}), "VALIDATION"),
        gql("20,000 unused variables", format!("query({}) {{ __typename }}", (0..20_000).map(|i| format!("$v{i}: Int")).collect::<Vec<_>>().join(" ")), json!({}), "VALIDATION"),
        gql("20,000 arguments of one name", format!("{{ integrationRun({}) {{ id }} }}", (0..20_000).map(|i| format!("id: {i}")).collect::<Vec<_>>().join(" ")), json!({}), "VALIDATION"),
        gql("a document of 900 KB", format!("{{ {} }}", "__typename ".repeat(80_000)), json!({}), "VALIDATION"),
        gql("a document of 100,000 tokens", format!("{{ integrationRuns(filter: {{or: [{}]}}) {{ totalCount }} }}", "{id: {eq: 1}} ".repeat(12_500)), json!({}), "VALIDATION"),
        gql("3,000 unknown fields (3,000 errors, 100 listed)", format!("{{ integrationRuns {{ nodes {{ {} }} }} }}", (0..3000).map(|i| format!("f{i}")).collect::<Vec<_>>().join(" ")), json!({}), "VALIDATION"),
        gql("2,000 aliases", format!("{{ {} }}", (0..2000).map(|i| format!("a{i}: __typename")).collect::<Vec<_>>().join(" ")), json!({}), "VALIDATION"),
        // Sizes: the database.
        limited(gql("an in list of 32,766 ids", RUNS.into(), json!({"f": {"id": {"in": many_ids}}}), "VALIDATION"), "max-input-list-items"),
        limited(gql("100 in lists of 1,000 ids in one filter", RUNS.into(), json!({"f": {"or": vec![json!({"id": {"in": (0..1000).collect::<Vec<i64>>()}}); 100]}}), "VALIDATION"), "max-filter-in-values"),
        limited(gql("an or of 1,000 branches", RUNS.into(), json!({"f": {"or": branches}}), "VALIDATION"), "max-filter-branches"),
        limited(gql("a contains of 100 KB", RUNS.into(), json!({"f": {"integration": {"code": {"contains": "x".repeat(100_000)}}}}), "VALIDATION"), "max-filter-pattern-bytes"),
        gql("an Int literal out of range", "{ integrationRun(id: 99999999999) { id } }".into(), json!({}), "VALIDATION"),
        gql("an Int variable out of range", "query($id: Int!) { integrationRun(id: $id) { id } }".into(), json!({"id": 1e300}), "VALIDATION"),
        // Text: what is stored must be given back. A valid document may hold it (graphql-js
        // takes it), so it is the writing field's error, not the request's.
        Case { status: 200, ..gql("NUL in a stored string", create_integration.into(), json!({"input": integration_input("a\u{0}b")}), "VALIDATION") },
        Case { status: 200, ..gql("an escape sequence in a stored string", create_integration.into(), json!({"input": integration_input("\u{1b}[31mred")}), "VALIDATION") },
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

pub fn deep_list_of(levels: usize) -> Value {
    let mut value = json!(1);
    for _ in 0..levels {
        value = json!([value]);
    }
    value
}
