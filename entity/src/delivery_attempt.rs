use sea_orm::entity::prelude::*;

/// A row of `delivery_attempts`: one try of a delivery and how it ended.
#[derive(Clone, Debug, Default, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delivery_attempts")]
pub struct Model {
    /// The attempt's id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The delivery tried.
    pub delivery_id: i32,
    /// When it started.
    pub attempted_at: DateTimeUtc,
    /// The HTTP status answered (none on a timeout or connection error).
    pub status_code: Option<i32>,
    /// How long it took, in milliseconds.
    pub latency_ms: i32,
    /// What went wrong (bounded).
    pub error: Option<String>,
}

/// Relations of `delivery_attempts`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
