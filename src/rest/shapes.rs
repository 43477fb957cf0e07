//! The small shapes several resources share: users, references to integrations and runs, and
//! the external system's responses, as bodies carry them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::RestError;
use crate::service::{IntegrationRef, documents::NewResponse};

/// A user as shown in `created-by` / `updated-by`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub struct UserOut {
    /// The user's id.
    pub id: i32,
    /// The user or API client name (`sub` of a JWT, `token:NAME`, `local`).
    pub login: Option<String>,
}

/// An integration as referenced from runs, records and errors.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub struct IntegrationRefOut {
    /// The integration's id.
    pub id: i32,
    /// Its code.
    pub code: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// Whether the vendor ships it.
    pub standard: Option<bool>,
}

/// A reference to an integration in a request body: by id or by code.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub struct IntegrationRefIn {
    /// The integration's id.
    pub id: Option<i32>,
    /// The integration's code.
    #[schema(max_length = 255)]
    pub code: Option<String>,
}

impl IntegrationRefIn {
    /// The service's reference; neither id nor code is a 422 on `field`.
    pub fn to_ref(&self, object: &str, field: &str) -> Result<IntegrationRef, RestError> {
        IntegrationRef::from_parts(self.id, self.code.clone()).ok_or_else(|| {
            RestError::unprocessable(object, vec![format!("{field} must name an id or a code")])
        })
    }
}

/// A reference by id in a request body (`"integration-run": {"id": 5}`).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct IdRefIn {
    /// The id.
    pub id: Option<i32>,
}

/// A reference by id in a response.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct IdRefOut {
    /// The id.
    pub id: i32,
}

/// A response of the external system, as the API shows it.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = IntegrationRecordResponse)]
pub struct ResponseOut {
    /// Id.
    pub id: i32,
    /// The external system's code.
    pub response_code: Option<String>,
    /// The external system's message.
    pub response_message: Option<String>,
    /// When it was created.
    #[schema(format = DateTime)]
    pub created_at: Option<String>,
    /// When it was last changed.
    #[schema(format = DateTime)]
    pub updated_at: Option<String>,
    /// Who created it.
    pub created_by: Option<UserOut>,
    /// Who last changed it.
    pub updated_by: Option<UserOut>,
}

/// A response of the external system, created with its record or error.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = IntegrationRecordResponseInput)]
pub struct ResponseIn {
    /// The external system's code.
    #[schema(max_length = 255)]
    pub response_code: Option<String>,
    /// The external system's message.
    pub response_message: Option<String>,
}

impl ResponseIn {
    /// The service's new response.
    pub fn to_new(&self) -> NewResponse {
        NewResponse {
            response_code: self.response_code.clone(),
            response_message: self.response_message.clone(),
        }
    }
}
