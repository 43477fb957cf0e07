//! The DocumentExport type (export state of a document), its filter and ordering.

use async_graphql::{Context, Enum, InputObject, Object, Result};
use chrono::{DateTime, Utc};
use entity::document_export as export;
use sea_orm::Condition;

use super::{IntegrationHistoryRecord, IntegrationRun, stored};
use crate::{
    domain,
    graphql::{
        enums::{DocumentType, OrderDirection},
        filter::{self, BooleanFilter, EnumFilter, OrderedFilter},
        loaders,
    },
    service::paging::{KeyKind, Sort},
};

/// Whether and when a document was exported (picked up by an ERP).
#[derive(Clone, Debug)]
pub struct DocumentExport(pub export::Model);

/// Whether and when a document was exported (picked up by an ERP), and by which run and record.
#[Object]
impl DocumentExport {
    /// The document's type.
    async fn document_type(&self) -> Result<DocumentType> {
        Ok(stored::<domain::DocumentType>(&self.0.document_type)?.into())
    }

    /// The document's id.
    async fn document_id(&self) -> i32 {
        self.0.document_id
    }

    /// Whether the document has been exported.
    async fn exported(&self) -> bool {
        self.0.exported
    }

    /// When it was last exported.
    async fn last_exported_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_exported_at
    }

    /// The run that marked it exported.
    async fn integration_run(&self, ctx: &Context<'_>) -> Result<Option<IntegrationRun>> {
        let loaders = loaders::loaders(ctx)?;
        Ok(loaders::by_id(&loaders.runs, self.0.integration_run_id)
            .await?
            .map(IntegrationRun))
    }

    /// The history record that marked it exported.
    async fn integration_history_record(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<IntegrationHistoryRecord>> {
        let loaders = loaders::loaders(ctx)?;
        Ok(
            loaders::by_id(&loaders.records, self.0.integration_history_record_id)
                .await?
                .map(IntegrationHistoryRecord),
        )
    }

    /// When the export state was first recorded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Conditions on export states; fields combine with AND.
#[derive(InputObject, Clone, Debug, Default)]
pub struct DocumentExportFilter {
    /// On exported (`{eq: false}`: what an ERP has still to pick up).
    pub exported: Option<BooleanFilter>,
    /// On the document type.
    pub document_type: Option<EnumFilter<DocumentType>>,
    /// On the document id.
    pub document_id: Option<OrderedFilter<i32>>,
    /// On the time of the last export.
    pub last_exported_at: Option<OrderedFilter<DateTime<Utc>>>,
    /// On the run that marked it.
    pub integration_run_id: Option<OrderedFilter<i32>>,
    /// All of these filters match.
    pub and: Option<Vec<DocumentExportFilter>>,
    /// At least one of these filters matches.
    pub or: Option<Vec<DocumentExportFilter>>,
    /// This filter does not match.
    pub not: Option<Box<DocumentExportFilter>>,
}

impl DocumentExportFilter {
    /// The SQL condition of this filter.
    pub fn condition(&self, backend: sea_orm::DbBackend) -> Condition {
        use export::Column as C;
        let c = Condition::all();
        let c = filter::field(c, &self.exported, C::Exported, backend);
        let c = filter::field(c, &self.document_type, C::DocumentType, backend);
        let c = filter::field(c, &self.document_id, C::DocumentId, backend);
        let c = filter::field(c, &self.last_exported_at, C::LastExportedAt, backend);
        let c = filter::field(c, &self.integration_run_id, C::IntegrationRunId, backend);
        filter::combine(c, &self.and, &self.or, &self.not, |f| f.condition(backend))
    }
}

/// What export states can be ordered by.
#[derive(Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum DocumentExportOrderField {
    /// When the state was first recorded (its id).
    #[default]
    Id,
    /// The document id.
    DocumentId,
    /// The time of the last export (never exported last).
    LastExportedAt,
}

/// An ordering of export states (ties broken by id).
#[derive(InputObject, Clone, Copy, Debug, Default)]
pub struct DocumentExportOrder {
    /// The field ordered by.
    pub field: DocumentExportOrderField,
    /// The direction (default ascending).
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl DocumentExportOrder {
    /// The sort key of this ordering.
    pub fn sort(self) -> Sort<export::Column> {
        use DocumentExportOrderField as F;
        use export::Column as C;
        let (column, kind, nullable) = match self.field {
            F::Id => (C::Id, KeyKind::Int, false),
            F::DocumentId => (C::DocumentId, KeyKind::Int, false),
            F::LastExportedAt => (C::LastExportedAt, KeyKind::DateTime, true),
        };
        Sort {
            column,
            kind,
            nullable,
            descending: self.direction == OrderDirection::Desc,
        }
    }
}

crate::graphql::connection::connection!(
    DocumentExportConnection,
    DocumentExportEdge,
    DocumentExport,
    export::Model,
    "document export states"
);
