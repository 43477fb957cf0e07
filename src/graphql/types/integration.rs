//! The Integration type, its filter and its ordering.

use async_graphql::{Enum, InputObject};
use chrono::{DateTime, Utc};
use entity::{integration, integration_contact, integration_run};
use sea_orm::Condition;

use super::{
    IntegrationContact, IntegrationRun, IntegrationRunConnection, IntegrationRunFilter,
    IntegrationRunOrder, User, object::object, stored, stored_opt,
};
use crate::{
    domain,
    graphql::{
        enums::{Direction, EndSystemType, IntegrationType, OrderDirection},
        filter::{self, BooleanFilter, EnumFilter, OrderedFilter, StringFilter},
    },
    service::paging::{KeyKind, Sort},
};

object! {
    /// An integration: one configured flow of documents between the platform and an external system.
    Integration(integration) loaded by integrations as "integration" {
        /// The integration's id.
        field id "id": i32 = |r| r.id;
        /// Unique code, used to refer to the integration.
        field code "code": &str = |r| &r.code;
        /// Unique name.
        field name "name": &str = |r| &r.name;
        /// The business object the integration moves (e.g. `Invoice`).
        field business_object "businessObject": &str = |r| &r.business_object;
        /// Which way documents move.
        parsed direction "direction": Direction =
            |r| stored::<domain::Direction>(&r.direction).map(Direction::from);
        /// The name of the system at the other end.
        field end_system "endSystem": &str = |r| &r.end_system;
        /// The kind of that system.
        parsed end_system_type "endSystemType": EndSystemType =
            |r| stored::<domain::EndSystemType>(&r.end_system_type).map(EndSystemType::from);
        /// The transport/format, when set.
        parsed integration_type "integrationType": Option<IntegrationType> =
            |r| stored_opt::<domain::IntegrationType>(r.integration_type.as_deref())
                .map(|t| t.map(IntegrationType::from));
        /// Whether the integration is one of the platform's standard ones.
        field standard "standard": bool = |r| r.standard;
        /// How long a run is expected to take, in seconds; a run left PENDING or RUNNING longer
        /// raises one "stale run" alert for the technical contacts. Null: no expectation.
        field expected_duration_seconds "expectedDurationSeconds": Option<i32> =
            |r| r.expected_duration_seconds;
        /// When it was created.
        field created_at "createdAt": DateTime<Utc> = |r| r.created_at;
        /// When it was last changed.
        field updated_at "updatedAt": DateTime<Utc> = |r| r.updated_at;
        /// Who created it.
        maybe_belongs_to created_by "createdBy": User = |r| r.created_by_id;
        /// Who last changed it.
        maybe_belongs_to updated_by "updatedBy": User = |r| r.updated_by_id;
        /// The integration's runs, filtered, ordered and paged like `integrationRuns`.
        pages runs "runs": IntegrationRunConnection
            [IntegrationRun, IntegrationRunFilter, IntegrationRunOrder, RUNS, "Only runs matching this filter."]
            = runs_of_integration by integration_run::Column::IntegrationId;
        /// The people the integration's alerts reach, oldest first: the active ones, or every
        /// one with `includeInactive: true`.
        active_children contacts "contacts": IntegrationContact
            = contacts_of_integration by integration_contact::Column::IntegrationId,
              |c| Some(c.integration_id),
              active integration_contact::Column::Active = |c| c.active;
    }
}

/// Conditions on integrations; fields combine with AND.
#[derive(InputObject, Clone, Debug, Default)]
pub struct IntegrationFilter {
    /// On the id.
    pub id: Option<OrderedFilter<i32>>,
    /// On the code.
    pub code: Option<StringFilter>,
    /// On the name.
    pub name: Option<StringFilter>,
    /// On the business object.
    pub business_object: Option<StringFilter>,
    /// On the direction.
    pub direction: Option<EnumFilter<Direction>>,
    /// On the end system.
    pub end_system: Option<StringFilter>,
    /// On the end system type.
    pub end_system_type: Option<EnumFilter<EndSystemType>>,
    /// On the integration type.
    pub integration_type: Option<EnumFilter<IntegrationType>>,
    /// On the standard flag.
    pub standard: Option<BooleanFilter>,
    /// On the creation time.
    pub created_at: Option<OrderedFilter<DateTime<Utc>>>,
    /// On the time of the last change.
    pub updated_at: Option<OrderedFilter<DateTime<Utc>>>,
    /// All of these filters match.
    pub and: Option<Vec<IntegrationFilter>>,
    /// At least one of these filters matches.
    pub or: Option<Vec<IntegrationFilter>>,
    /// This filter does not match.
    pub not: Option<Box<IntegrationFilter>>,
}

impl IntegrationFilter {
    /// The SQL condition of this filter.
    pub fn condition(&self, backend: sea_orm::DbBackend) -> Condition {
        use integration::Column as C;
        let c = Condition::all();
        let c = filter::field(c, &self.id, C::Id, backend);
        let c = filter::field(c, &self.code, C::Code, backend);
        let c = filter::field(c, &self.name, C::Name, backend);
        let c = filter::field(c, &self.business_object, C::BusinessObject, backend);
        let c = filter::field(c, &self.direction, C::Direction, backend);
        let c = filter::field(c, &self.end_system, C::EndSystem, backend);
        let c = filter::field(c, &self.end_system_type, C::EndSystemType, backend);
        let c = filter::field(c, &self.integration_type, C::IntegrationType, backend);
        let c = filter::field(c, &self.standard, C::Standard, backend);
        let c = filter::field(c, &self.created_at, C::CreatedAt, backend);
        let c = filter::field(c, &self.updated_at, C::UpdatedAt, backend);
        filter::combine(c, &self.and, &self.or, &self.not, |f| f.condition(backend))
    }
}

/// What integrations can be ordered by.
#[derive(Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum IntegrationOrderField {
    /// The id.
    #[default]
    Id,
    /// The code.
    Code,
    /// The name.
    Name,
    /// The creation time.
    CreatedAt,
    /// The time of the last change.
    UpdatedAt,
}

/// An ordering of integrations (ties broken by id).
#[derive(InputObject, Clone, Copy, Debug, Default)]
pub struct IntegrationOrder {
    /// The field ordered by.
    pub field: IntegrationOrderField,
    /// The direction (default ascending).
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl IntegrationOrder {
    /// The sort key of this ordering.
    pub fn sort(self) -> Sort<integration::Column> {
        use IntegrationOrderField as F;
        use integration::Column as C;
        let (column, kind) = match self.field {
            F::Id => (C::Id, KeyKind::Int),
            F::Code => (C::Code, KeyKind::Text),
            F::Name => (C::Name, KeyKind::Text),
            F::CreatedAt => (C::CreatedAt, KeyKind::DateTime),
            F::UpdatedAt => (C::UpdatedAt, KeyKind::DateTime),
        };
        Sort {
            column,
            kind,
            nullable: false,
            descending: self.direction == OrderDirection::Desc,
        }
    }
}

crate::graphql::connection::connection!(
    IntegrationConnection,
    IntegrationEdge,
    Integration,
    integration::Model,
    "integrations"
);
