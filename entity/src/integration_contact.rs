use sea_orm::entity::prelude::*;

/// A row of `integration_contacts`: a person an integration's alerts reach.
#[derive(Clone, Debug, Default, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "integration_contacts")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The integration whose alerts the contact receives.
    pub integration_id: i32,
    /// The contact's name, at most 255 characters.
    #[sea_orm(column_type = "String(StringLen::N(255))")]
    pub name: String,
    /// The contact's email address, at most 255 characters; unique per integration and type.
    #[sea_orm(column_type = "String(StringLen::N(255))")]
    pub email: String,
    /// `Technical` or `Functional`: which alerts reach the contact (an alert for `Both` reaches both).
    pub contact_type: String,
    /// Whether alerts reach the contact (a deactivated contact is kept, and can be reactivated).
    #[sea_orm(default_value = true)]
    pub active: bool,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last updated.
    pub updated_at: DateTimeUtc,
    /// The principal that created the row.
    pub created_by_id: Option<i32>,
    /// The principal that last updated the row.
    pub updated_by_id: Option<i32>,
}

/// Relations of `integration_contacts`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `integration_id` → `integrations.id`.
    #[sea_orm(
        belongs_to = "super::integration::Entity",
        from = "Column::IntegrationId",
        to = "super::integration::Column::Id",
        fk_name = "fk_integration_contacts_integration"
    )]
    Integration,
}

impl Related<super::integration::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Integration.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
