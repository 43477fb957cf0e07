use sea_orm::entity::prelude::*;

/// The one row of `delivery_cursor`: the last event the expander made deliveries for.
#[derive(Clone, Debug, Default, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delivery_cursor")]
pub struct Model {
    /// Always 1.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// The sequence of the last event expanded.
    pub last_sequence: i64,
}

/// Relations of `delivery_cursor` (none).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
