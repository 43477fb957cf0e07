//! What errors and history records share in GraphQL: their filter (the same fields over the same
//! columns of two tables, declared once) and the sub-queries it uses.

use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

use super::{IntegrationFilter, IntegrationRunFilter};

/// `col IN (SELECT id FROM integrations WHERE …)`.
pub(crate) fn in_integrations<C: ColumnTrait>(
    col: C,
    f: &IntegrationFilter,
    backend: sea_orm::DbBackend,
) -> Condition {
    Condition::all().add(
        col.in_subquery(
            entity::integration::Entity::find()
                .select_only()
                .column(entity::integration::Column::Id)
                .filter(f.condition(backend))
                .into_query(),
        ),
    )
}

/// `col IN (SELECT id FROM integration_runs WHERE …)`.
pub(crate) fn in_runs<C: ColumnTrait>(
    col: C,
    f: &IntegrationRunFilter,
    backend: sea_orm::DbBackend,
) -> Condition {
    Condition::all().add(
        col.in_subquery(
            entity::integration_run::Entity::find()
                .select_only()
                .column(entity::integration_run::Column::Id)
                .filter(f.condition(backend))
                .into_query(),
        ),
    )
}

/// Declares the filter of a document table (`$table`: the entity module of integration errors
/// or history records, which have the same columns).
macro_rules! document_filter {
    (
        $(#[doc = $doc:literal])*
        $name:ident over $table:ident,
        $resolved_doc:literal
    ) => {
        $(#[doc = $doc])*
#[derive(InputObject, Clone, Debug, Default)]
pub struct $name {
    /// On the id.
    pub id: Option<$crate::graphql::filter::OrderedFilter<i32>>,
    #[doc = $resolved_doc]
    pub resolved: Option<$crate::graphql::filter::BooleanFilter>,
    /// On the transaction status.
    pub status: Option<$crate::graphql::filter::StringFilter>,
    /// On the document type.
    pub document_type: Option<$crate::graphql::filter::EnumFilter<$crate::graphql::enums::DocumentType>>,
    /// On the document id.
    pub document_id: Option<$crate::graphql::filter::OrderedFilter<i32>>,
    /// On the document revision.
    pub document_revision: Option<$crate::graphql::filter::OrderedFilter<i32>>,
    /// On the document status.
    pub document_status: Option<$crate::graphql::filter::StringFilter>,
    /// On the creation method.
    pub creation_method: Option<$crate::graphql::filter::StringFilter>,
    /// On the external id.
    pub external_id: Option<$crate::graphql::filter::StringFilter>,
    /// On the integration's id.
    pub integration_id: Option<$crate::graphql::filter::OrderedFilter<i32>>,
    /// On the integration (e.g. `{code: {eq: "SAP"}}`).
    pub integration: Option<$crate::graphql::types::IntegrationFilter>,
    /// On the run's id.
    pub integration_run_id: Option<$crate::graphql::filter::OrderedFilter<i32>>,
    /// On the run.
    pub integration_run: Option<$crate::graphql::types::IntegrationRunFilter>,
    /// On the file name.
    pub integration_filename: Option<$crate::graphql::filter::StringFilter>,
    /// On the contact alert type.
    pub contact_alert_type: Option<$crate::graphql::filter::EnumFilter<$crate::graphql::enums::ContactAlertType>>,
    /// On the creation time.
    pub created_at: Option<$crate::graphql::filter::OrderedFilter<chrono::DateTime<chrono::Utc>>>,
    /// On the time of the last change.
    pub updated_at: Option<$crate::graphql::filter::OrderedFilter<chrono::DateTime<chrono::Utc>>>,
    /// All of these filters match.
    pub and: Option<Vec<$name>>,
    /// At least one of these filters matches.
    pub or: Option<Vec<$name>>,
    /// This filter does not match.
    pub not: Option<Box<$name>>,
}

impl $name {
    /// The SQL condition of this filter.
    pub fn condition(&self, backend: sea_orm::DbBackend) -> sea_orm::Condition {
        use $table::Column as C;
        let c = sea_orm::Condition::all();
        let c = $crate::graphql::filter::field(c, &self.id, C::Id, backend);
        let c = $crate::graphql::filter::field(c, &self.resolved, C::Resolved, backend);
        let c = $crate::graphql::filter::field(c, &self.status, C::Status, backend);
        let c = $crate::graphql::filter::field(c, &self.document_type, C::DocumentType, backend);
        let c = $crate::graphql::filter::field(c, &self.document_id, C::DocumentId, backend);
        let c = $crate::graphql::filter::field(c, &self.document_revision, C::DocumentRevision, backend);
        let c = $crate::graphql::filter::field(c, &self.document_status, C::DocumentStatus, backend);
        let c = $crate::graphql::filter::field(c, &self.creation_method, C::CreationMethod, backend);
        let c = $crate::graphql::filter::field(c, &self.external_id, C::ExternalId, backend);
        let c = $crate::graphql::filter::field(c, &self.integration_id, C::IntegrationId, backend);
        let c = match &self.integration {
            Some(f) => c.add($crate::graphql::types::document::in_integrations(C::IntegrationId, f, backend)),
            None => c,
        };
        let c = $crate::graphql::filter::field(c, &self.integration_run_id, C::IntegrationRunId, backend);
        let c = match &self.integration_run {
            Some(f) => c.add($crate::graphql::types::document::in_runs(C::IntegrationRunId, f, backend)),
            None => c,
        };
        let c = $crate::graphql::filter::field(
            c,
            &self.integration_filename,
            C::IntegrationFilename,
            backend,
        );
        let c = $crate::graphql::filter::field(c, &self.contact_alert_type, C::ContactAlertType, backend);
        let c = $crate::graphql::filter::field(c, &self.created_at, C::CreatedAt, backend);
        let c = $crate::graphql::filter::field(c, &self.updated_at, C::UpdatedAt, backend);
        $crate::graphql::filter::combine(c, &self.and, &self.or, &self.not, |f| f.condition(backend))
    }
}
    };
}

pub(crate) use document_filter;
