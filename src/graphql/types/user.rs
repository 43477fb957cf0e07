//! The principal that made a change.

use entity::user;

use super::object::object;

object! {
    /// A user or API client that created or changed data.
    User(user) loaded by users as "user" {
        /// The user's id.
        field id "id": i32 = |r| r.id;
        /// The user's name (or the API client's name).
        field name "name": &str = |r| &r.name;
        /// `user` or `api_client`.
        field kind "kind": &str = |r| &r.kind;
    }
}
