//! JWT access tokens: HS256 with a shared secret, or RS256/ES256 with keys from a JWKS file;
//! issuer, audience, expiry and not-before checked; scopes from `scope` or `scp`.

use std::path::Path;

use chrono::{DateTime, Utc};
use jsonwebtoken::{
    Algorithm, DecodingKey, Validation, decode, decode_header,
    errors::ErrorKind,
    jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm},
};
use serde::Deserialize;

use super::{AuthError, Scopes};

/// Where verification keys come from.
enum Keys {
    /// One HS256 secret.
    Secret(DecodingKey),
    /// The keys of a JWKS document: (key id, algorithm, key).
    Set(Vec<(Option<String>, Algorithm, DecodingKey)>),
}

/// Checks JWT access tokens.
pub struct JwtVerifier {
    keys: Keys,
    issuer: Option<String>,
    audience: Option<String>,
    leeway_secs: u64,
}

impl std::fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

/// The claims the gateway reads.
#[derive(Debug, Deserialize)]
struct Claims {
    sub: String,
    exp: i64,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    scp: Option<ScpClaim>,
}

/// `scp` is an array in most servers, a space-separated string in some.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ScpClaim {
    List(Vec<String>),
    Text(String),
}

/// What a valid token says.
#[derive(Debug, Clone)]
pub struct VerifiedToken {
    /// The `sub` claim.
    pub subject: String,
    /// The known scopes among `scope` / `scp`.
    pub scopes: Scopes,
    /// The `exp` claim.
    pub expires_at: DateTime<Utc>,
}

/// Why a JWT configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum JwtConfigError {
    /// The JWKS file could not be read.
    #[error("cannot read the JWKS file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The JWKS file is not a key set.
    #[error("the JWKS file {path} is not a JSON Web Key Set: {reason}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
}

impl JwtVerifier {
    /// A verifier of HS256 tokens signed with `secret`.
    pub fn hs256(secret: &[u8]) -> Self {
        Self::new(Keys::Secret(DecodingKey::from_secret(secret)))
    }

    /// A verifier of RS256/ES256 (and HS256 `oct`) tokens signed by a key of the JWKS file.
    pub fn from_jwks_file(path: &Path) -> Result<Self, JwtConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| JwtConfigError::Read {
            path: shown.clone(),
            source,
        })?;
        let invalid = |reason: String| JwtConfigError::Invalid {
            path: shown.clone(),
            reason,
        };
        let set: JwkSet = serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        let mut keys = Vec::new();
        for jwk in &set.keys {
            let algorithm = match (&jwk.common.key_algorithm, &jwk.algorithm) {
                (Some(KeyAlgorithm::RS256), _) => Algorithm::RS256,
                (Some(KeyAlgorithm::ES256), _) => Algorithm::ES256,
                (Some(KeyAlgorithm::HS256), _) => Algorithm::HS256,
                (Some(other), _) => {
                    return Err(invalid(format!(
                        "key {:?} uses {other:?}; RS256, ES256 and HS256 are supported",
                        jwk.common.key_id
                    )));
                }
                (None, AlgorithmParameters::RSA(_)) => Algorithm::RS256,
                (None, AlgorithmParameters::EllipticCurve(p)) if p.curve == EllipticCurve::P256 => {
                    Algorithm::ES256
                }
                (None, AlgorithmParameters::OctetKey(_)) => Algorithm::HS256,
                (None, _) => {
                    return Err(invalid(format!(
                        "key {:?} has no supported algorithm",
                        jwk.common.key_id
                    )));
                }
            };
            let key = DecodingKey::from_jwk(jwk).map_err(|e| invalid(e.to_string()))?;
            keys.push((jwk.common.key_id.clone(), algorithm, key));
        }
        if keys.is_empty() {
            return Err(invalid("it holds no keys".into()));
        }
        Ok(Self::new(Keys::Set(keys)))
    }

    fn new(keys: Keys) -> Self {
        Self {
            keys,
            issuer: None,
            audience: None,
            leeway_secs: 30,
        }
    }

    /// Requires the `iss` claim to be `issuer`.
    pub fn with_issuer(mut self, issuer: Option<String>) -> Self {
        self.issuer = issuer;
        self
    }

    /// Requires the `aud` claim to name `audience`.
    pub fn with_audience(mut self, audience: Option<String>) -> Self {
        self.audience = audience;
        self
    }

    /// Clock skew tolerated on `exp` and `nbf`, in seconds.
    pub fn with_leeway(mut self, seconds: u64) -> Self {
        self.leeway_secs = seconds;
        self
    }

    /// Verifies the signature and the claims of `token`.
    pub fn verify(&self, token: &str) -> Result<VerifiedToken, AuthError> {
        let header = decode_header(token)
            .map_err(|e| AuthError::Malformed(format!("not a JWT: {}", describe(e.kind()))))?;
        let key = match &self.keys {
            Keys::Secret(key) if header.alg == Algorithm::HS256 => key,
            Keys::Secret(_) => {
                return Err(AuthError::Malformed(format!(
                    "the token is signed with {:?}; this server accepts HS256",
                    header.alg
                )));
            }
            Keys::Set(keys) => keys
                .iter()
                .find(|(kid, alg, _)| {
                    *alg == header.alg
                        && (header.kid.is_none() || header.kid.as_deref() == kid.as_deref())
                })
                .map(|(_, _, key)| key)
                .ok_or_else(|| {
                    AuthError::InvalidSignature(format!(
                        "no key of the configured key set matches kid {:?} and {:?}",
                        header.kid, header.alg
                    ))
                })?,
        };
        let mut validation = Validation::new(header.alg);
        validation.leeway = self.leeway_secs;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "sub"]);
        match &self.issuer {
            Some(issuer) => {
                validation.set_issuer(&[issuer]);
                validation.required_spec_claims.insert("iss".into());
            }
            None => validation.iss = None,
        }
        match &self.audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                validation.required_spec_claims.insert("aud".into());
            }
            // Without a configured audience any `aud` is accepted.
            None => validation.validate_aud = false,
        }
        let data = decode::<Claims>(token, key, &validation).map_err(|e| match e.kind() {
            ErrorKind::ExpiredSignature => AuthError::Expired,
            ErrorKind::ImmatureSignature => AuthError::NotYetValid,
            ErrorKind::InvalidAudience => AuthError::WrongAudience,
            ErrorKind::InvalidIssuer => AuthError::WrongIssuer,
            ErrorKind::InvalidSignature => {
                AuthError::InvalidSignature("the signature does not verify".into())
            }
            kind => AuthError::Malformed(describe(kind)),
        })?;
        let claims = data.claims;
        let mut names: Vec<&str> = claims
            .scope
            .as_deref()
            .map(|s| s.split_whitespace().collect())
            .unwrap_or_default();
        match &claims.scp {
            Some(ScpClaim::List(list)) => names.extend(list.iter().map(String::as_str)),
            Some(ScpClaim::Text(text)) => names.extend(text.split_whitespace()),
            None => {}
        }
        Ok(VerifiedToken {
            subject: claims.sub,
            scopes: Scopes::from_names(names),
            expires_at: DateTime::from_timestamp(claims.exp, 0).unwrap_or(DateTime::<Utc>::MAX_UTC),
        })
    }
}

/// A person-readable reason for a token that could not be read.
fn describe(kind: &ErrorKind) -> String {
    match kind {
        ErrorKind::MissingRequiredClaim(claim) => format!("the `{claim}` claim is missing"),
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => {
            "the token's algorithm is not accepted".into()
        }
        ErrorKind::Json(e) => format!("the claims are not valid JSON ({e})"),
        ErrorKind::Base64(_) | ErrorKind::Utf8(_) | ErrorKind::InvalidToken => {
            "it is not three base64url parts".into()
        }
        other => format!("{other:?}"),
    }
}
