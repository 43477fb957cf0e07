//! Persisted operations on the Apollo protocol (`extensions.persistedQuery.sha256Hash`): an
//! allow list loaded from a manifest file and, in strict mode, nothing else runs.

use std::{collections::HashMap, num::NonZeroUsize, path::Path, sync::Mutex};

use async_graphql::{Request, ServerError, ServerResult};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The request extension of the Apollo persisted-query protocol.
pub const EXTENSION: &str = "persistedQuery";

/// The operations allowed, by the hex SHA-256 of their text.
#[derive(Debug, Default)]
pub struct PersistedOperations {
    by_hash: HashMap<String, String>,
    strict: bool,
}

/// An Apollo persisted-query manifest, or a plain `{ "hash": "query" }` object.
#[derive(Deserialize)]
#[serde(untagged)]
enum Manifest {
    Apollo { operations: Vec<ManifestOperation> },
    Map(HashMap<String, String>),
}

#[derive(Deserialize)]
struct ManifestOperation {
    id: String,
    body: String,
}

/// The hex SHA-256 of an operation's text, as the protocol's `sha256Hash`.
pub fn sha256_hex(text: &str) -> String {
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

impl PersistedOperations {
    /// Loads an allow list: an Apollo manifest (`{"format":"apollo-persisted-query-manifest",
    /// "operations":[{"id","body",…}]}`) or an object of hash → query. Every id must be the
    /// SHA-256 of its body, as clients compute it.
    pub fn from_file(path: &Path, strict: bool) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{} is neither an Apollo persisted-query manifest nor a hash → query object: {e}",
                path.display()
            )
        })?;
        let pairs: Vec<(String, String)> = match manifest {
            Manifest::Apollo { operations } => {
                operations.into_iter().map(|op| (op.id, op.body)).collect()
            }
            Manifest::Map(map) => map.into_iter().collect(),
        };
        let mut by_hash = HashMap::new();
        for (id, body) in pairs {
            let hash = sha256_hex(&body);
            if !id.eq_ignore_ascii_case(&hash) {
                return Err(format!(
                    "{}: operation {id} is not the SHA-256 of its body (that is {hash})",
                    path.display()
                ));
            }
            by_hash.insert(hash, body);
        }
        Ok(Self { by_hash, strict })
    }

    /// An allow list from (hash-less) operation texts; for tests and tools.
    pub fn from_operations<'a>(ops: impl IntoIterator<Item = &'a str>, strict: bool) -> Self {
        Self {
            by_hash: ops
                .into_iter()
                .map(|op| (sha256_hex(op), op.to_owned()))
                .collect(),
            strict,
        }
    }

    /// How many operations are listed.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// Whether only listed operations run.
    pub fn strict(&self) -> bool {
        self.strict
    }

    /// Fills in or checks the request's document; `Err` refuses the request.
    pub fn resolve(&self, mut request: Request) -> ServerResult<Request> {
        let hash = match request.extensions.get(EXTENSION) {
            None => None,
            Some(value) => Some(requested_hash(value)?),
        };
        match hash {
            Some(hash) => {
                if !request.query.is_empty() && sha256_hex(&request.query) != hash {
                    return Err(coded(
                        "provided sha does not match query",
                        "PERSISTED_QUERY_HASH_MISMATCH",
                    ));
                }
                if let Some(body) = self.by_hash.get(&hash) {
                    request.query = body.clone();
                    // Answered here; the automatic cache must not store it again.
                    request.extensions.remove(EXTENSION);
                } else if self.strict {
                    return Err(if request.query.is_empty() {
                        coded("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
                    } else {
                        not_in_list()
                    });
                }
                Ok(request)
            }
            None if self.strict && !self.by_hash.contains_key(&sha256_hex(&request.query)) => {
                Err(not_in_list())
            }
            None => Ok(request),
        }
    }
}

/// Automatic persisted queries: clients register an operation by sending its text with its hash
/// once, then send the hash alone; the most recently used operations are kept.
#[derive(Debug)]
pub struct AutomaticPersistedQueries {
    cache: Mutex<lru::LruCache<String, String>>,
}

impl AutomaticPersistedQueries {
    /// A cache of at most `capacity` operations.
    pub fn new(capacity: usize) -> Self {
        Self {
            cache: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }

    /// Fills in the text of a hash-only request, or registers a request that carries both.
    pub fn resolve(&self, mut request: Request) -> ServerResult<Request> {
        let Some(value) = request.extensions.remove(EXTENSION) else {
            return Ok(request);
        };
        let hash = requested_hash(&value)?;
        if request.query.is_empty() {
            let found = self
                .cache
                .lock()
                .ok()
                .and_then(|mut c| c.get(&hash).cloned());
            request.query = found
                .ok_or_else(|| coded("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND"))?;
        } else if sha256_hex(&request.query) != hash {
            return Err(coded(
                "provided sha does not match query",
                "PERSISTED_QUERY_HASH_MISMATCH",
            ));
        } else if let Ok(mut cache) = self.cache.lock() {
            cache.put(hash, request.query.clone());
        }
        Ok(request)
    }
}

/// The `sha256Hash` of a `persistedQuery` extension of version 1.
fn requested_hash(value: &async_graphql::Value) -> ServerResult<String> {
    let invalid = || {
        coded(
            "invalid persistedQuery extension: expected {\"version\":1,\"sha256Hash\":\"…\"}",
            "VALIDATION",
        )
    };
    let async_graphql::Value::Object(fields) = value else {
        return Err(invalid());
    };
    match fields.get("version") {
        Some(async_graphql::Value::Number(n)) if n.as_u64() == Some(1) => {}
        _ => return Err(invalid()),
    }
    match fields.get("sha256Hash") {
        Some(async_graphql::Value::String(hash)) => Ok(hash.to_ascii_lowercase()),
        _ => Err(invalid()),
    }
}

fn not_in_list() -> ServerError {
    coded(
        "this server runs only persisted operations, and this one is not on its list",
        "PERSISTED_QUERY_NOT_IN_LIST",
    )
}

fn coded(message: &str, code: &str) -> ServerError {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTED: &str = "{ integrations { totalCount } }";

    fn with_hash(query: &str, hash: &str) -> Request {
        let mut request = Request::new(query);
        request.extensions.insert(
            EXTENSION.to_owned(),
            async_graphql::Value::from_json(
                serde_json::json!({ "version": 1, "sha256Hash": hash }),
            )
            .unwrap(),
        );
        request
    }

    #[test]
    fn strict_mode_runs_listed_operations_only() {
        let ops = PersistedOperations::from_operations([LISTED], true);
        let by_hash = ops.resolve(with_hash("", &sha256_hex(LISTED))).unwrap();
        assert_eq!(by_hash.query, LISTED);
        assert!(ops.resolve(Request::new(LISTED)).is_ok());
        let other = "{ integrationRuns { totalCount } }";
        let refused = ops.resolve(Request::new(other)).unwrap_err();
        assert!(refused.message.contains("not on its list"));
        let unknown = ops.resolve(with_hash("", &sha256_hex(other))).unwrap_err();
        assert_eq!(unknown.message, "PersistedQueryNotFound");
        let mismatch = ops
            .resolve(with_hash(other, &sha256_hex(LISTED)))
            .unwrap_err();
        assert!(mismatch.message.contains("does not match"));
    }

    #[test]
    fn lenient_mode_serves_the_list_and_lets_the_rest_through() {
        let ops = PersistedOperations::from_operations([LISTED], false);
        assert!(ops.resolve(Request::new("{ x }")).is_ok());
        let unknown = ops.resolve(with_hash("", "ab")).unwrap();
        // Left to the automatic persisted-query cache.
        assert!(unknown.extensions.contains_key(EXTENSION));
    }

    #[test]
    fn automatic_persisted_queries_register_then_serve() {
        let apq = AutomaticPersistedQueries::new(2);
        let hash = sha256_hex(LISTED);
        let missing = apq.resolve(with_hash("", &hash)).unwrap_err();
        assert_eq!(missing.message, "PersistedQueryNotFound");
        assert!(apq.resolve(with_hash(LISTED, &hash)).is_ok());
        assert_eq!(apq.resolve(with_hash("", &hash)).unwrap().query, LISTED);
        assert!(apq.resolve(with_hash("{ x }", &hash)).is_err());
    }

    #[test]
    fn manifests_must_hash_their_bodies() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.json");
        std::fs::write(
            &good,
            serde_json::json!({
                "format": "apollo-persisted-query-manifest", "version": 1,
                "operations": [{ "id": sha256_hex(LISTED), "name": "N", "type": "query", "body": LISTED }]
            })
            .to_string(),
        )
        .unwrap();
        assert_eq!(
            PersistedOperations::from_file(&good, true).unwrap().len(),
            1
        );
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, serde_json::json!({ "abc": LISTED }).to_string()).unwrap();
        assert!(
            PersistedOperations::from_file(&bad, true)
                .unwrap_err()
                .contains("not the SHA-256")
        );
    }
}
