use sea_orm::entity::prelude::*;

/// A row of `email_digests`: what one email delivery reports, to whom, over which window.
#[derive(Clone, Debug, Default, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_digests")]
pub struct Model {
    /// The email delivery (`deliveries.id`, channel `EMAIL`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub delivery_id: i32,
    /// The integration whose alerts it reports.
    pub integration_id: i32,
    /// The contact it goes to.
    pub contact_id: i32,
    /// When its first alert was raised.
    pub opened_at: DateTimeUtc,
    /// Alerts raised before this join it; it is sent from then on.
    pub closes_at: DateTimeUtc,
}

/// Relations of `email_digests`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
