use sea_orm::entity::prelude::*;

/// A row of `email_digest_alerts`: an alert an email digest reports.
#[derive(Clone, Debug, Default, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_digest_alerts")]
pub struct Model {
    /// The digest (its email delivery's id).
    #[sea_orm(primary_key, auto_increment = false)]
    pub delivery_id: i32,
    /// The alert.
    #[sea_orm(primary_key, auto_increment = false)]
    pub alert_id: i32,
}

/// Relations of `email_digest_alerts`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
