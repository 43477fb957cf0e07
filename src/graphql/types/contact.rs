//! The IntegrationContact type: a person an integration's alerts reach.

use chrono::{DateTime, Utc};
use entity::integration_contact;

use super::{Integration, User, object::object, stored};
use crate::{domain, graphql::enums::ContactAlertType};

object! {
    /// A person an integration's alerts reach: TECHNICAL or FUNCTIONAL contacts receive the
    /// alerts of their type, and an alert for BOTH reaches both.
    IntegrationContact(integration_contact) loaded by contacts as "integration contact" {
        /// The contact's id.
        field id "id": i32 = |r| r.id;
        /// The contact's name.
        field name "name": &str = |r| &r.name;
        /// The contact's email address.
        field email "email": &str = |r| &r.email;
        /// TECHNICAL or FUNCTIONAL: which alerts reach the contact.
        parsed contact_type "contactType": ContactAlertType =
            |r| stored::<domain::ContactAlertType>(&r.contact_type).map(ContactAlertType::from);
        /// Whether alerts reach the contact (false once deactivated).
        field active "active": bool = |r| r.active;
        /// The integration whose alerts the contact receives.
        belongs_to integration "integration": Integration = |r| r.integration_id;
        /// When it was created.
        field created_at "createdAt": DateTime<Utc> = |r| r.created_at;
        /// When it was last changed.
        field updated_at "updatedAt": DateTime<Utc> = |r| r.updated_at;
        /// Who created it.
        maybe_belongs_to created_by "createdBy": User = |r| r.created_by_id;
        /// Who last changed it.
        maybe_belongs_to updated_by "updatedBy": User = |r| r.updated_by_id;
    }
}
