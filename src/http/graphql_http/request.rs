//! Checks on a GraphQL request before it runs.

use async_graphql::{
    Request as GqlRequest,
    parser::{
        parse_query,
        types::{DocumentOperations, OperationType},
    },
};

/// The request extension that lets an empty `query` through.
/// With Automatic Persisted Queries the client sends only a hash, and the APQ extension fills in
/// the document.
const PERSISTED_QUERY_EXTENSION: &str = "persistedQuery";

/// Refuses an empty `query` unless it is a persisted-query hash lookup (rule 5).
/// `Request.query` is `#[serde(default)]`, so `{}` or a misspelled `qeury` key would otherwise
/// reach execution as `""` (audits 423L, 8764, 3E3A).
pub(super) fn check_query_present(req: &GqlRequest) -> Result<(), &'static str> {
    if req.query.is_empty() && !req.extensions.contains_key(PERSISTED_QUERY_EXTENSION) {
        Err("the GraphQL request has no `query`")
    } else {
        Ok(())
    }
}

/// Tells whether the operation the request would run is a mutation, so a GET can refuse it
/// before anything executes. An unparsable document or an ambiguous operation returns false;
/// execution then reports the real error.
pub(super) fn is_mutation(req: &GqlRequest) -> bool {
    operation_type(req) == Some(OperationType::Mutation)
}

/// The type of the operation a request runs, when its query parses.
pub(super) fn operation_type(req: &GqlRequest) -> Option<OperationType> {
    let doc = parse_query(&req.query).ok()?;
    let op = match &doc.operations {
        DocumentOperations::Single(op) => Some(op),
        DocumentOperations::Multiple(ops) => {
            req.operation_name.as_deref().and_then(|name| ops.get(name))
        }
    };
    op.map(|op| op.node.ty)
}

#[cfg(test)]
mod tests {
    use crate::http::graphql_http::test_support::*;

    #[tokio::test]
    async fn empty_query_is_400_unless_persisted_query() {
        let (url, _) = start().await;
        for body in [r#"{"qeury":"{ hello }"}"#, r#"{"query":""}"#, "{}"] {
            let resp = post_json(&url, Some(JSON), body).await;
            assert_eq!(resp.status(), 400, "{body}");
            assert_error_code(resp, "BAD_REQUEST").await;
        }
        // A persisted-query hash is let through to execution. This schema has no APQ extension,
        // so async-graphql reports a request error, which is 200 under application/json rather
        // than the empty-query 400.
        let resp = post_json(
            &url,
            Some(JSON),
            r#"{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}"#,
        )
        .await;
        assert_eq!(resp.status(), 200);
        // GET applies the same rule.
        let resp = get_with(&url, Some(JSON), &[("query", "")]).await;
        assert_eq!(resp.status(), 400);
        assert_error_code(resp, "BAD_REQUEST").await;
        let resp = get_with(&url, Some(JSON), &[]).await;
        assert_eq!(resp.status(), 400);
        assert_error_code(resp, "BAD_REQUEST").await;
    }
}
