//! The IntegrationAlert type, its filter and ordering.

use async_graphql::InputObject;
use chrono::{DateTime, Utc};
use entity::integration_alert as alert;
use sea_orm::Condition;

use super::{
    Integration, IntegrationFilter, User, document::in_integrations, object::object, stored,
};
use crate::{
    domain,
    graphql::{
        enums::{ContactAlertType, DocumentType, OrderDirection},
        filter::{self, EnumFilter, OrderedFilter},
    },
    service::paging::{KeyKind, Sort},
};

object! {
    /// An alert raised to an integration's contacts (by createIntegrationHistoryAlert,
    /// createIntegrationHistoryAlertAndMarkExported or createIntegrationErrorAlert).
    IntegrationAlert(alert) loaded by alerts as "integration alert" {
        /// The alert's id.
        field id "id": i32 = |r| r.id;
        /// Which contacts are alerted (`BOTH` reaches every contact).
        parsed contact_alert_type "contactAlertType": ContactAlertType =
            |r| stored::<domain::ContactAlertType>(&r.contact_alert_type).map(ContactAlertType::from);
        /// The integration whose contacts are alerted.
        maybe_belongs_to integration "integration": Integration = |r| r.integration_id;
        /// The history record that raised it.
        field integration_history_record_id "integrationHistoryRecordId": Option<i32> =
            |r| r.integration_history_record_id;
        /// The integration error that raised it.
        field integration_error_id "integrationErrorId": Option<i32> = |r| r.integration_error_id;
        /// The run concerned.
        field integration_run_id "integrationRunId": Option<i32> = |r| r.integration_run_id;
        /// The document's type.
        parsed document_type "documentType": Option<DocumentType> = |r| r
            .document_type
            .as_deref()
            .map(stored::<domain::DocumentType>)
            .transpose()
            .map(|t| t.map(DocumentType::from));
        /// The document's id.
        field document_id "documentId": Option<i32> = |r| r.document_id;
        /// What the alert says.
        field message "message": Option<&str> = |r| r.message.as_deref();
        /// When it was raised.
        field created_at "createdAt": DateTime<Utc> = |r| r.created_at;
        /// Who raised it.
        maybe_belongs_to created_by "createdBy": User = |r| r.created_by_id;
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
