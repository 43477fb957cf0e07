//! Fuzzing the schema (behind the gateway's request rules): arbitrary documents and variables,
//! executed in-process, never panic and
//! always answer. Documents come from three generators: arbitrary text, sequences of GraphQL
//! tokens over the schema's own names (so they reach resolvers), and valid operations with one
//! character changed. `PROPTEST_CASES=100000 cargo test --release --test fuzz_schema` runs longer.

use std::time::Duration;

use async_graphql::{Executor, Request, Variables};
use integration_gateway::{
    app::Application,
    auth::{Principal, Scopes},
    config::{DatabaseConfig, ServeConfig},
    graphql::gateway::Gateway,
};
use proptest::prelude::*;

/// Valid operations the mutation generator starts from.
const SEEDS: &[&str] = &[
    "{ integrations(first: 5) { totalCount nodes { id code runs { nodes { id status errors { nodes { id } } } } } } }",
    "query($f: IntegrationRunFilter) { integrationRuns(filter: $f, orderBy: {field: ID, direction: DESC}, last: 3) { pageInfo { hasNextPage startCursor } edges { cursor node { id } } } }",
    "mutation($c: String!) { createIntegration(input: {code: $c, name: $c, businessObject: \"Invoice\", direction: FROM_COUPA, endSystem: \"SAP\", endSystemType: ERP, integrationType: API}) { id } }",
    "mutation { createIntegrationRun(input: {integration: {code: \"A\"}}) { id status } }",
    "query { integrationHistoryRecords(filter: {resolved: {eq: false}, documentType: {in: [INVOICE]}}) { nodes { id responses { nodes { id } } } } }",
    "fragment F on Integration { id code } { integration(code: \"A\") { ...F } }",
    "subscription { integrationRunStatusChanged(afterSequence: 0) { sequence } }",
];

/// Punctuation and keywords of the language.
const SYNTAX: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ":",
    "!",
    "$",
    "@",
    "...",
    "=",
    ",",
    "|",
    "&",
    "query",
    "mutation",
    "subscription",
    "fragment",
    "on",
    "true",
    "false",
    "null",
    "\"s\"",
    "\"\"\"b\"\"\"",
    "0",
    "-1",
    "2147483648",
    "1e309",
    "3.5",
    "$v",
    "@include(if: true)",
    "@skip(if: $v)",
    "__typename",
    "__schema",
    "__type(name: \"Query\")",
];

fn schema_names() -> Vec<String> {
    let sdl = integration_gateway::graphql::sdl();
    let mut names: Vec<String> = sdl
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.len() > 1 && w.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .map(str::to_owned)
        .collect();
    names.sort();
    names.dedup();
    names
}

fn token_document(names: Vec<String>) -> impl Strategy<Value = String> {
    let tokens: Vec<String> = names
        .into_iter()
        .chain(SYNTAX.iter().map(|s| (*s).to_owned()))
        .collect();
    prop::collection::vec(prop::sample::select(tokens), 0..80).prop_map(|t| t.join(" "))
}

fn mutated_seed() -> impl Strategy<Value = String> {
    (
        prop::sample::select(SEEDS),
        any::<prop::sample::Index>(),
        any::<char>(),
        0..3u8,
    )
        .prop_map(|(seed, at, c, how)| {
            let mut chars: Vec<char> = seed.chars().collect();
            let i = at.index(chars.len());
            match how {
                0 => {
                    chars.remove(i);
                }
                1 => chars.insert(i, c),
                _ => chars[i] = c,
            }
            chars.into_iter().collect()
        })
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number)),
        ".{0,20}".prop_map(serde_json::Value::from),
        prop::sample::select(vec![
            "FROM_COUPA",
            "ERP",
            "INVOICE",
            "RUNNING",
            "A",
            "2026-01-01T00:00:00Z"
        ])
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map("[a-zA-Z$]{1,10}", inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn variables() -> impl Strategy<Value = serde_json::Value> {
    prop::collection::btree_map(
        prop::sample::select(vec!["v", "f", "c", "id", "input", "after", "x"])
            .prop_map(str::to_owned),
        json_value(),
        0..4,
    )
    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect()))
}

fn document(names: Vec<String>) -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,200}".boxed(),
        token_document(names).boxed(),
        mutated_seed().boxed(),
        // Intact operations, so arbitrary variables reach coercion and the resolvers.
        prop::sample::select(SEEDS).prop_map(str::to_owned).boxed(),
    ]
}

struct Fixture {
    runtime: tokio::runtime::Runtime,
    gateway: Gateway,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("fuzz.db").display());
    let gateway = runtime.block_on(async {
        let serve = ServeConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            ..ServeConfig::default()
        };
        let app = Application::build(&DatabaseConfig::new(url), &serve)
            .await
            .expect("build app");
        let gateway = app.gateway().clone();
        tokio::spawn(app.run_until_stopped());
        gateway
    });
    Fixture {
        runtime,
        gateway,
        _dir: dir,
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(500)
}

#[test]
fn arbitrary_documents_and_variables_never_panic() {
    let fx = fixture();
    let principal = Principal {
        name: "fuzz".into(),
        user_id: None,
        scopes: Scopes::all(),
        expires_at: None,
        rate_key: None,
    };
    let config = ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let executed = std::sync::atomic::AtomicUsize::new(0);
    runner
        .run(&(document(schema_names()), variables()), |(doc, vars)| {
            let request = Request::new(doc.clone())
                .variables(Variables::from_json(vars))
                .data(principal.clone());
            let response = fx.runtime.block_on(async {
                tokio::time::timeout(Duration::from_secs(20), fx.gateway.execute(request)).await
            });
            let response = response.map_err(|_| TestCaseError::fail(format!("hung on {doc:?}")))?;
            if response.data != async_graphql::Value::Null {
                executed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            // Always an answer: data, or errors with messages.
            prop_assert!(
                response.errors.iter().all(|e| !e.message.is_empty()),
                "an empty error message for {doc:?}"
            );
            Ok(())
        })
        .unwrap();
    // Shows how much of the input got past parsing and validation into resolvers.
    eprintln!(
        "{} of {} documents executed",
        executed.load(std::sync::atomic::Ordering::Relaxed),
        cases()
    );
}
