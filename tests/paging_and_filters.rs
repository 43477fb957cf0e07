//! Lists: cursors both ways, offsets, ordering, filters, nested lists without N+1.

mod common;

use std::collections::HashSet;

use common::{TestApp, spawn_app, spawn_app_with};
use serde_json::{Value, json};

const PAGE: &str = "query($first: Int, $after: String, $last: Int, $before: String, $offset: Int, $limit: Int, $filter: IntegrationRunFilter, $orderBy: IntegrationRunOrder) {
  integrationRuns(first: $first, after: $after, last: $last, before: $before, offset: $offset, limit: $limit, filter: $filter, orderBy: $orderBy) {
    totalCount
    edges { cursor node { id status } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}";

async fn page(app: &TestApp, vars: Value) -> Value {
    app.data(PAGE, vars).await["integrationRuns"].clone()
}

fn ids(conn: &Value) -> Vec<i64> {
    conn["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_i64().unwrap())
        .collect()
}

/// 120 runs: 60 of A, 60 of B; every third one running.
async fn seed_runs(app: &TestApp) -> Vec<i64> {
    app.integration("A").await;
    app.integration("B").await;
    let mut all = Vec::new();
    for i in 0..120 {
        let id = app.run(if i % 2 == 0 { "A" } else { "B" }).await;
        if i % 3 == 0 {
            app.act("run", id).await;
        }
        all.push(id);
    }
    all
}

#[tokio::test]
async fn cursors_page_through_every_run_exactly_once_in_both_directions() {
    let app = spawn_app().await;
    let all = seed_runs(&app).await;

    // Forward, 50 at a time.
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let conn = page(&app, json!({ "first": 50, "after": after })).await;
        assert_eq!(conn["totalCount"], 120);
        seen.extend(ids(&conn));
        if !conn["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        assert_eq!(conn["pageInfo"]["hasPreviousPage"], after.is_some());
        after = conn["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen, all, "forward: every run once, in id order");

    // Backward, 50 at a time, from the end.
    let mut seen_back: Vec<i64> = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let conn = page(&app, json!({ "last": 50, "before": before })).await;
        let mut chunk = ids(&conn);
        chunk.extend(seen_back);
        seen_back = chunk;
        if !conn["pageInfo"]["hasPreviousPage"].as_bool().unwrap() {
            break;
        }
        before = conn["pageInfo"]["startCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen_back, all, "backward: every run once");
}

#[tokio::test]
async fn offsets_page_through_every_run_exactly_once() {
    let app = spawn_app().await;
    let all = seed_runs(&app).await;
    let default = page(&app, json!({})).await;
    assert_eq!(ids(&default).len(), 50, "50 by default");
    let mut seen = Vec::new();
    for offset in (0..120).step_by(50) {
        let conn = page(&app, json!({ "offset": offset, "limit": 50 })).await;
        assert_eq!(conn["pageInfo"]["hasPreviousPage"], offset > 0);
        seen.extend(ids(&conn));
    }
    assert_eq!(seen, all);
    let err = app.error(PAGE, json!({ "limit": 201 })).await;
    assert_eq!(err["extensions"]["code"], "VALIDATION");
    assert_eq!(err["extensions"]["field"], "limit");
}

#[tokio::test]
async fn ordering_descending_with_cursors_visits_every_run_once() {
    let app = spawn_app().await;
    let mut all = seed_runs(&app).await;
    all.reverse();
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let conn = page(
            &app,
            json!({ "first": 35, "after": after, "orderBy": { "field": "CREATED_AT", "direction": "DESC" } }),
        )
        .await;
        seen.extend(ids(&conn));
        if !conn["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = conn["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen, all);

    // A nullable key: started runs first (by start time), never-started ones last, each once.
    let mut seen = HashSet::new();
    let mut after: Option<String> = None;
    let mut order = Vec::new();
    loop {
        let conn = page(
            &app,
            json!({ "first": 30, "after": after, "orderBy": { "field": "START_TIME" } }),
        )
        .await;
        for e in conn["edges"].as_array().unwrap() {
            assert!(seen.insert(e["node"]["id"].as_i64().unwrap()));
            order.push(e["node"]["status"].as_str().unwrap().to_owned());
        }
        if !conn["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = conn["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen.len(), 120);
    assert!(order[..40].iter().all(|s| s == "RUNNING"));
    assert!(order[40..].iter().all(|s| s == "PENDING"));
}

#[tokio::test]
async fn filters_by_status_integration_and_time_range() {
    let app = spawn_app().await;
    let all = seed_runs(&app).await;

    let running = page(
        &app,
        json!({ "filter": { "status": { "eq": "RUNNING" } }, "first": 200 }),
    )
    .await;
    assert_eq!(running["totalCount"], 40);
    assert!(
        running["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["status"] == "RUNNING")
    );

    let of_a = page(
        &app,
        json!({ "filter": { "integration": { "code": { "eq": "A" } } }, "first": 200 }),
    )
    .await;
    assert_eq!(of_a["totalCount"], 60);
    let expected: Vec<i64> = all.iter().copied().step_by(2).collect();
    assert_eq!(ids(&of_a), expected);

    let combined = page(
        &app,
        json!({ "filter": { "or": [
            { "integration": { "code": { "startsWith": "b" } }, "status": { "in": ["RUNNING"] } },
            { "id": { "lte": all[1] } }
        ] }, "first": 200 }),
    )
    .await;
    // Runs of B that are running: odd indices divisible by 3 → 20; plus the first two runs (neither one of those).
    assert_eq!(combined["totalCount"], 20 + 2);

    let not_pending = page(
        &app,
        json!({ "filter": { "not": { "status": { "eq": "PENDING" } } } }),
    )
    .await;
    assert_eq!(not_pending["totalCount"], 40);

    // Time range: created at or after the 100th run's creation time.
    let hundredth = app
        .data(
            "query($id: Int!) { integrationRun(id: $id) { createdAt } }",
            json!({ "id": all[99] }),
        )
        .await["integrationRun"]["createdAt"]
        .clone();
    let recent = page(
        &app,
        json!({ "filter": { "createdAt": { "gte": hundredth } }, "first": 200 }),
    )
    .await;
    assert_eq!(ids(&recent), all[99..].to_vec());
    let started = page(
        &app,
        json!({ "filter": { "startTime": { "isNull": false } }, "first": 200 }),
    )
    .await;
    assert_eq!(started["totalCount"], 40);
}

#[tokio::test]
async fn nested_runs_of_many_integrations_cost_one_statement_per_level() {
    // A generous batching window, so the count measures batching, not the speed of a debug build.
    let app = spawn_app_with(|s| s.dataloader_delay_ms = 25).await;
    for code in ["A", "B", "C", "D", "E"] {
        app.integration(code).await;
        for _ in 0..4 {
            app.run(code).await;
        }
    }
    let query = "{ integrations(first: 10) { edges { node { code
        runs(first: 3, orderBy: {field: ID, direction: DESC}) { totalCount edges { node { id integration { code } } } pageInfo { hasNextPage } }
    } } } }";
    let before = app.statements();
    let data = app.data(query, json!({})).await;
    let statements = app.statements() - before;
    let edges = data["integrations"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 5);
    for e in edges {
        let runs = &e["node"]["runs"];
        assert_eq!(runs["totalCount"], 4);
        assert_eq!(runs["edges"].as_array().unwrap().len(), 3);
        assert_eq!(runs["pageInfo"]["hasNextPage"], true);
        for r in runs["edges"].as_array().unwrap() {
            assert_eq!(r["node"]["integration"]["code"], e["node"]["code"]);
        }
    }
    // integrations page + runs pages + run counts + run.integration: 4, whatever the parent count.
    assert!(
        statements <= 4,
        "{statements} statements for 5 integrations × 3 runs"
    );
}

/// A nested list (an integration's `runs`) pages exactly as the root list filtered to the same
/// parent does, for every ordering (nullable keys included) and every way of paging. Nested pages
/// of all parents come from one statement (a window over all parents on SQLite, a LATERAL
/// subquery per parent on PostgreSQL); each query runs twice, so the direct read answers too.
#[tokio::test]
async fn nested_pages_are_the_root_pages_of_each_parent() {
    let app = spawn_app().await;
    integration_gateway::seed::demo(&app.db).await.unwrap();
    let nested = "query($orderBy: IntegrationRunOrder, $first: Int, $after: String, $last: Int, \
                  $before: String, $offset: Int, $limit: Int) { integrations(first: 10) { nodes { id \
                  runs(orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before, \
                  offset: $offset, limit: $limit) { edges { cursor node { id } } \
                  pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }";
    let root = "query($id: Int!, $orderBy: IntegrationRunOrder, $first: Int, $after: String, \
                $last: Int, $before: String, $offset: Int, $limit: Int) { integrationRuns(\
                filter: {integrationId: {eq: $id}}, orderBy: $orderBy, first: $first, after: $after, \
                last: $last, before: $before, offset: $offset, limit: $limit) { edges { cursor node { id } } \
                pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
    let mut compared = 0;
    for (field, direction) in [
        ("ID", "ASC"),
        ("START_TIME", "DESC"),
        ("END_TIME", "ASC"),
        ("STATUS", "DESC"),
        ("CREATED_AT", "DESC"),
    ] {
        let order = json!({"field": field, "direction": direction});
        // Cursors from the first integration's whole list, used for every parent.
        let whole = app
            .data(root, json!({"id": 1, "orderBy": order, "first": 50}))
            .await;
        let cursors: Vec<String> = whole["integrationRuns"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["cursor"].as_str().unwrap().to_owned())
            .collect();
        assert!(cursors.len() >= 4, "{whole}");
        let pagings = [
            json!({"first": 2}),
            json!({"last": 2}),
            json!({"first": 2, "after": cursors[1]}),
            json!({"last": 2, "before": cursors[cursors.len() - 2]}),
            json!({"first": 3, "after": cursors[cursors.len() - 1]}),
            json!({"offset": 1, "limit": 2}),
            json!({"first": 0}),
        ];
        for paging in pagings {
            let mut vars = paging.clone();
            vars["orderBy"] = order.clone();
            for _ in 0..2 {
                let data = app.data(nested, vars.clone()).await;
                for integration in data["integrations"]["nodes"].as_array().unwrap() {
                    let mut root_vars = vars.clone();
                    root_vars["id"] = integration["id"].clone();
                    let alone = app.data(root, root_vars).await;
                    assert_eq!(
                        integration["runs"], alone["integrationRuns"],
                        "{order} {paging} integration {}",
                        integration["id"]
                    );
                    compared += 1;
                }
            }
        }
    }
    assert!(compared >= 5 * 7 * 2 * 3, "{compared}");
}

/// `in` / `notIn` on every kind of value (ids, text, enums, timestamps), each list sent to the
/// database as one parameter: the same rows as the equivalent `or` of `eq`s; NULLs match neither.
#[tokio::test]
async fn in_and_not_in_lists_match_every_kind_of_value() {
    let app = spawn_app().await;
    app.integration("A").await;
    app.integration("B").await;
    let mut runs = Vec::new();
    for i in 0..6 {
        let id = app.run(if i % 2 == 0 { "A" } else { "B" }).await;
        if i < 3 {
            app.act("run", id).await;
        }
        runs.push(id);
    }
    let all: Value = app
        .data(
            "{ integrationRuns(first: 50) { nodes { id createdAt startTime status } } }",
            json!({}),
        )
        .await;
    let nodes = all["integrationRuns"]["nodes"].as_array().unwrap().clone();
    let query = "query($f: IntegrationRunFilter) { integrationRuns(first: 50, filter: $f) { nodes { id } } }";
    let found = |f: Value| {
        let app = &app;
        async move {
            let data = app.data(query, json!({ "f": f })).await;
            let mut ids: Vec<i64> = data["integrationRuns"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["id"].as_i64().unwrap())
                .collect();
            ids.sort();
            ids
        }
    };
    let sorted = |mut v: Vec<i64>| {
        v.sort();
        v
    };
    assert_eq!(
        found(json!({"id": {"in": [runs[0], runs[4], 999_999]}})).await,
        sorted(vec![runs[0], runs[4]])
    );
    assert_eq!(found(json!({"id": {"in": []}})).await, Vec::<i64>::new());
    assert_eq!(
        found(json!({"id": {"notIn": [runs[0]]}})).await,
        sorted(runs[1..].to_vec())
    );
    assert_eq!(
        found(json!({"status": {"in": ["RUNNING"]}})).await,
        sorted(runs[..3].to_vec())
    );
    assert_eq!(
        found(json!({"status": {"notIn": ["RUNNING", "FAILED"]}})).await,
        sorted(runs[3..].to_vec())
    );
    assert_eq!(
        found(json!({"integration": {"code": {"in": ["B", "C"]}}})).await,
        sorted(vec![runs[1], runs[3], runs[5]])
    );
    // Timestamps as the API gives them back.
    let created: Vec<&Value> = nodes.iter().take(2).map(|n| &n["createdAt"]).collect();
    let expected = sorted(
        nodes
            .iter()
            .take(2)
            .map(|n| n["id"].as_i64().unwrap())
            .collect(),
    );
    assert_eq!(found(json!({"createdAt": {"in": created}})).await, expected);
    // NULL start times match neither in nor notIn.
    let started = nodes.iter().find(|n| !n["startTime"].is_null()).unwrap();
    assert_eq!(
        found(json!({"startTime": {"notIn": [started["startTime"]]}}))
            .await
            .len(),
        2,
        "three runs never started (NULL), one is excluded by value"
    );
    assert_eq!(
        found(json!({"startTime": {"in": [started["startTime"]]}})).await,
        vec![started["id"].as_i64().unwrap()]
    );
}
