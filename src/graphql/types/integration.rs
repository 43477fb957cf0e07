//! The Integration type, its filter and its ordering.

use async_graphql::{Context, Enum, InputObject, Object, Result};
use chrono::{DateTime, Utc};
use entity::integration;
use sea_orm::Condition;

use super::{IntegrationRunConnection, IntegrationRunFilter, IntegrationRunOrder, User, stored};
use crate::{
    domain,
    graphql::{
        enums::{Direction, EndSystemType, IntegrationType, OrderDirection},
        filter::{self, BooleanFilter, EnumFilter, OrderedFilter, StringFilter},
        loaders,
    },
    service::paging::{KeyKind, PageArgs, Sort},
};

/// An integration: one configured flow of documents between the platform and an external system.
#[derive(Clone, Debug)]
pub struct Integration(pub integration::Model);

/// An integration: one configured flow of documents between the platform and an external system.
#[Object]
impl Integration {
    /// The integration's id.
    async fn id(&self) -> i32 {
        self.0.id
    }

    /// Unique code, used to refer to the integration.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Unique name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The business object the integration moves (e.g. `Invoice`).
    async fn business_object(&self) -> &str {
        &self.0.business_object
    }

    /// Which way documents move.
    async fn direction(&self) -> Result<Direction> {
        Ok(stored::<domain::Direction>(&self.0.direction)?.into())
    }

    /// The name of the system at the other end.
    async fn end_system(&self) -> &str {
        &self.0.end_system
    }

    /// The kind of that system.
    async fn end_system_type(&self) -> Result<EndSystemType> {
        Ok(stored::<domain::EndSystemType>(&self.0.end_system_type)?.into())
    }

    /// The transport/format, when set.
    async fn integration_type(&self) -> Result<Option<IntegrationType>> {
        match &self.0.integration_type {
            Some(t) => Ok(Some(stored::<domain::IntegrationType>(t)?.into())),
            None => Ok(None),
        }
    }

    /// Whether the integration is one of the platform's standard ones.
    async fn standard(&self) -> bool {
        self.0.standard
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Who created it.
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        super::user::load(ctx, self.0.created_by_id).await
    }

    /// Who last changed it.
    async fn updated_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        super::user::load(ctx, self.0.updated_by_id).await
    }

    /// The integration's runs, filtered, ordered and paged like `integrationRuns`.
    #[allow(clippy::too_many_arguments)]
    async fn runs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only runs matching this filter.")] filter: Option<IntegrationRunFilter>,
        #[graphql(desc = "The ordering (default: id ascending).")] order_by: Option<
            IntegrationRunOrder,
        >,
        #[graphql(desc = "Forward paging: at most this many runs (≤ 200).")] first: Option<i32>,
        #[graphql(desc = "Forward paging: runs after this cursor.")] after: Option<String>,
        #[graphql(desc = "Backward paging: at most this many runs (≤ 200).")] last: Option<i32>,
        #[graphql(desc = "Backward paging: runs before this cursor.")] before: Option<String>,
        #[graphql(desc = "Vendor paging: skip this many runs.")] offset: Option<i32>,
        #[graphql(desc = "Vendor paging: at most this many runs (default 50, ≤ 200).")]
        limit: Option<i32>,
    ) -> Result<IntegrationRunConnection> {
        let paging = PageArgs {
            first,
            after,
            last,
            before,
            offset,
            limit,
        };
        let args_key = format!("{filter:?}|{order_by:?}|{paging:?}");
        let backend = filter::backend(ctx)?;
        let condition = filter
            .map(|f| f.condition(backend))
            .unwrap_or_else(Condition::all);
        let sort = order_by.unwrap_or_default().sort();
        let (page, count) = loaders::loaders(ctx)?
            .runs_of_integration
            .page(self.0.id, args_key, condition, sort, paging)
            .await?;
        Ok(IntegrationRunConnection::new(page, count))
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
