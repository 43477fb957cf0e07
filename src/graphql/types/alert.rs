//! The IntegrationAlert type, its filter and ordering.

use async_graphql::{Context, InputObject, Object, Result};
use chrono::{DateTime, Utc};
use entity::integration_alert as alert;
use sea_orm::Condition;

use super::{Integration, IntegrationFilter, User, document::in_integrations, stored};
use crate::{
    domain,
    graphql::{
        enums::{ContactAlertType, DocumentType, OrderDirection},
        filter::{self, EnumFilter, OrderedFilter},
        loaders,
    },
    service::paging::{KeyKind, Sort},
};

/// An alert raised to an integration's contacts.
#[derive(Clone, Debug)]
pub struct IntegrationAlert(pub alert::Model);

/// An alert raised to an integration's contacts (by createIntegrationHistoryAlert,
/// createIntegrationHistoryAlertAndMarkExported or createIntegrationErrorAlert).
#[Object]
impl IntegrationAlert {
    /// The alert's id.
    async fn id(&self) -> i32 {
        self.0.id
    }

    /// Which contacts are alerted (`BOTH` reaches every contact).
    async fn contact_alert_type(&self) -> Result<ContactAlertType> {
        Ok(stored::<domain::ContactAlertType>(&self.0.contact_alert_type)?.into())
    }

    /// The integration whose contacts are alerted.
    async fn integration(&self, ctx: &Context<'_>) -> Result<Option<Integration>> {
        let loaders = loaders::loaders(ctx)?;
        Ok(loaders::by_id(&loaders.integrations, self.0.integration_id)
            .await?
            .map(Integration))
    }

    /// The history record that raised it.
    async fn integration_history_record_id(&self) -> Option<i32> {
        self.0.integration_history_record_id
    }

    /// The integration error that raised it.
    async fn integration_error_id(&self) -> Option<i32> {
        self.0.integration_error_id
    }

    /// The run concerned.
    async fn integration_run_id(&self) -> Option<i32> {
        self.0.integration_run_id
    }

    /// The document's type.
    async fn document_type(&self) -> Result<Option<DocumentType>> {
        match &self.0.document_type {
            Some(t) => Ok(Some(stored::<domain::DocumentType>(t)?.into())),
            None => Ok(None),
        }
    }

    /// The document's id.
    async fn document_id(&self) -> Option<i32> {
        self.0.document_id
    }

    /// What the alert says.
    async fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    /// When it was raised.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Who raised it.
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        super::object::load_maybe::<User>(ctx, self.0.created_by_id).await
    }
}

/// Conditions on alerts; fields combine with AND.
#[derive(InputObject, Clone, Debug, Default)]
pub struct IntegrationAlertFilter {
    /// On the integration's id.
    pub integration_id: Option<OrderedFilter<i32>>,
    /// On the integration.
    pub integration: Option<IntegrationFilter>,
    /// On the contact alert type.
    pub contact_alert_type: Option<EnumFilter<ContactAlertType>>,
    /// On the document type.
    pub document_type: Option<EnumFilter<DocumentType>>,
    /// On the document id.
    pub document_id: Option<OrderedFilter<i32>>,
    /// On the run's id.
    pub integration_run_id: Option<OrderedFilter<i32>>,
    /// On the time it was raised.
    pub created_at: Option<OrderedFilter<DateTime<Utc>>>,
    /// All of these filters match.
    pub and: Option<Vec<IntegrationAlertFilter>>,
    /// At least one of these filters matches.
    pub or: Option<Vec<IntegrationAlertFilter>>,
    /// This filter does not match.
    pub not: Option<Box<IntegrationAlertFilter>>,
}

impl IntegrationAlertFilter {
    /// The SQL condition of this filter.
    pub fn condition(&self, backend: sea_orm::DbBackend) -> Condition {
        use alert::Column as C;
        let c = Condition::all();
        let c = filter::field(c, &self.integration_id, C::IntegrationId, backend);
        let c = match &self.integration {
            Some(f) => c.add(in_integrations(C::IntegrationId, f, backend)),
            None => c,
        };
        let c = filter::field(c, &self.contact_alert_type, C::ContactAlertType, backend);
        let c = filter::field(c, &self.document_type, C::DocumentType, backend);
        let c = filter::field(c, &self.document_id, C::DocumentId, backend);
        let c = filter::field(c, &self.integration_run_id, C::IntegrationRunId, backend);
        let c = filter::field(c, &self.created_at, C::CreatedAt, backend);
        filter::combine(c, &self.and, &self.or, &self.not, |f| f.condition(backend))
    }
}

/// An ordering of alerts: by the time they were raised (ties broken by id).
#[derive(InputObject, Clone, Copy, Debug, Default)]
pub struct IntegrationAlertOrder {
    /// The direction (default ascending: oldest first).
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl IntegrationAlertOrder {
    /// The sort key of this ordering.
    pub fn sort(self) -> Sort<alert::Column> {
        Sort {
            column: alert::Column::CreatedAt,
            kind: KeyKind::DateTime,
            nullable: false,
            descending: self.direction == OrderDirection::Desc,
        }
    }
}

crate::graphql::connection::connection!(
    IntegrationAlertConnection,
    IntegrationAlertEdge,
    IntegrationAlert,
    alert::Model,
    "integration alerts"
);
