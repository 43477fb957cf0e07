use sea_orm::entity::prelude::*;

/// The one row of `event_sequence`: the last sequence handed to an event.
#[derive(Clone, Debug, Default, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_sequence")]
pub struct Model {
    /// Always 1.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// The last sequence handed out.
    pub last_sequence: i64,
}

/// Relations of `event_sequence` (none).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
