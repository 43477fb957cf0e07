//! One declaration per object type. Each field of a type read directly (runs, errors, history
//! records, responses, integrations, users, contacts, alerts) is declared once, in `object!`, and both the
//! async-graphql resolver and the direct read's field (`graphql/direct`, which answers known
//! queries without the resolvers) are generated from that line: a field cannot exist in one path
//! and not the other, nor take an argument one path ignores (a declared field takes none but
//! the paging arguments every list takes and `active_children`'s `includeInactive`, which both
//! paths read the same way).
//!
//! Every type declared here also implements Relay's `Node` interface: `nodeId` is generated
//! for it, and `node`/`nodes` find it again (see `graphql::node_id`), read directly as well. The
//! admin-only webhook types implement it too, by hand, and are read by the resolvers alone.

use async_graphql::{ID, Value};

use crate::graphql::direct::{Decline, Direct};
pub(crate) use crate::graphql::node_id::{node_id, parse_node_id};

/// A GraphQL object type over one row of its table.
pub(crate) trait Object: Sized {
    /// The row.
    type Model;
    /// The object of a row.
    fn wrap(model: Self::Model) -> Self;
}

/// A field's value as async-graphql's executor writes it, for a direct read (taken by value:
/// text borrowed from the row is copied once, into the response).
pub(crate) trait FieldValue {
    /// The value.
    fn into_value(self) -> Direct<Value>;
}

impl FieldValue for i32 {
    fn into_value(self) -> Direct<Value> {
        Ok(Value::Number(self.into()))
    }
}

impl FieldValue for bool {
    fn into_value(self) -> Direct<Value> {
        Ok(Value::Boolean(self))
    }
}

impl FieldValue for &str {
    fn into_value(self) -> Direct<Value> {
        Ok(Value::String(self.to_owned()))
    }
}

impl FieldValue for ID {
    fn into_value(self) -> Direct<Value> {
        Ok(Value::String(self.0))
    }
}

impl FieldValue for chrono::DateTime<chrono::Utc> {
    fn into_value(self) -> Direct<Value> {
        Ok(async_graphql::ScalarType::to_value(&self))
    }
}

impl FieldValue for async_graphql::Json<&serde_json::Value> {
    fn into_value(self) -> Direct<Value> {
        Value::from_json(self.0.clone()).map_err(|_| Decline)
    }
}

impl<T: FieldValue> FieldValue for Option<T> {
    fn into_value(self) -> Direct<Value> {
        self.map_or(Ok(Value::Null), FieldValue::into_value)
    }
}

/// The GraphQL enums fields return.
macro_rules! enum_values {
    ($($enum:ty),*) => {$(
        impl FieldValue for $enum {
            fn into_value(self) -> Direct<Value> {
                Ok(async_graphql::resolver_utils::enum_value(self))
            }
        }
    )*};
}

enum_values!(
    crate::graphql::enums::RunStatus,
    crate::graphql::enums::ContactAlertType,
    crate::graphql::enums::DocumentType,
    crate::graphql::enums::Direction,
    crate::graphql::enums::EndSystemType,
    crate::graphql::enums::IntegrationType
);

/// An object with a global id (Relay's Global Object Identification): `node(nodeId:)` fetches it
/// again.
// Every object type with an id is one: those declared with `object!` (read directly too) and the
// admin-only webhook types (`types/webhook.rs`, read by the resolvers, behind the admin guard).
#[derive(Debug, async_graphql::Interface)]
#[graphql(field(
    name = "node_id",
    ty = "ID",
    desc = "The object's global id: opaque, stable, and what `node(nodeId:)` takes to fetch it again."
))]
pub enum Node {
    /// An integration.
    Integration(super::Integration),
    /// A run.
    IntegrationRun(super::IntegrationRun),
    /// An error.
    IntegrationError(super::IntegrationError),
    /// A history record.
    IntegrationHistoryRecord(super::IntegrationHistoryRecord),
    /// A response.
    IntegrationRecordResponse(super::IntegrationRecordResponse),
    /// A user.
    User(super::User),
    /// A contact.
    IntegrationContact(super::IntegrationContact),
    /// An alert.
    IntegrationAlert(super::IntegrationAlert),
    /// A webhook endpoint (admin).
    WebhookEndpoint(super::WebhookEndpoint),
    /// A delivery of an event (admin).
    WebhookDelivery(super::WebhookDelivery),
    /// One attempt of a delivery (admin).
    DeliveryAttempt(super::DeliveryAttempt),
}

/// The object a global id stands for, through the by-id loaders; `None` for an id that is not
/// one of ours or an object that is not there.
pub(crate) async fn load_node(
    ctx: &async_graphql::Context<'_>,
    node_id: &str,
) -> async_graphql::Result<Option<Node>> {
    let Some((type_name, id)) = parse_node_id(node_id) else {
        return Ok(None);
    };
    Ok(match type_name.as_str() {
        "Integration" => load_maybe(ctx, Some(id)).await?.map(Node::Integration),
        "IntegrationRun" => load_maybe(ctx, Some(id)).await?.map(Node::IntegrationRun),
        "IntegrationError" => load_maybe(ctx, Some(id)).await?.map(Node::IntegrationError),
        "IntegrationHistoryRecord" => load_maybe(ctx, Some(id))
            .await?
            .map(Node::IntegrationHistoryRecord),
        "IntegrationRecordResponse" => load_maybe(ctx, Some(id))
            .await?
            .map(Node::IntegrationRecordResponse),
        "User" => load_maybe(ctx, Some(id)).await?.map(Node::User),
        "IntegrationContact" => load_maybe(ctx, Some(id))
            .await?
            .map(Node::IntegrationContact),
        "IntegrationAlert" => load_maybe(ctx, Some(id)).await?.map(Node::IntegrationAlert),
        // The admin-only types: the same guard as their own root fields.
        "WebhookEndpoint" => admin_only(ctx, id).await?.map(Node::WebhookEndpoint),
        "WebhookDelivery" => admin_only(ctx, id).await?.map(Node::WebhookDelivery),
        "DeliveryAttempt" => admin_only(ctx, id).await?.map(Node::DeliveryAttempt),
        _ => None,
    })
}

/// An admin-only object by id, behind the same guard as its own root fields.
async fn admin_only<T: Loaded>(
    ctx: &async_graphql::Context<'_>,
    id: i32,
) -> async_graphql::Result<Option<T>> {
    async_graphql::Guard::check(&crate::graphql::scopes::AdminGuard, ctx).await?;
    load_maybe(ctx, Some(id)).await
}

/// The [`Object`] impl of a type over one row of `$table` and, with `loaded by loader as "what"`,
/// its [`Loaded`] impl (the by-id loader other types' fields and `node` fetch it through). Used by
/// `object!` and by the types declared without it (the admin-only webhook types).
macro_rules! loadable {
    ($ty:ident($table:ident) $(loaded by $loader:ident as $what:literal)?) => {
        impl $crate::graphql::types::object::Object for $ty {
            type Model = $table::Model;
            fn wrap(model: $table::Model) -> Self {
                Self(model)
            }
        }

        $(
            impl $crate::graphql::types::object::Loaded for $ty {
                type Entity = $table::Entity;
                const WHAT: &'static str = $what;
                fn loader(
                    loaders: &$crate::graphql::loaders::Loaders,
                ) -> &async_graphql::dataloader::DataLoader<
                    $crate::graphql::loaders::ById<$table::Entity>,
                > {
                    &loaders.$loader
                }
            }
        )?
    };
}

pub(crate) use loadable;

/// Declares an object type over a table (module `$table`: `Model`, `Entity`, `Column::Id`): the
/// struct, its async-graphql resolvers, its direct-read node and its `nodeId`. Field kinds:
///
/// - `field name "gqlName": Type = |row| value;` a value of the row;
/// - `parsed name "gqlName": Type = |row| result;` one that can fail (a stored enum);
/// - `belongs_to name "gqlName": Object = |row| key;` the object the row's key points at (the
///   key is an `i32`; a missing row is an error);
/// - `maybe_belongs_to name "gqlName": Object = |row| key;` same with an optional key (`null`);
/// - `children name "gqlName": Object = loader by Column, |child| parent_key;` every child
///   row, oldest first;
/// - `active_children name "gqlName": Object = loader by Column, |child| parent_key, active
///   ActiveColumn = |child| is_active;` the same, the inactive ones only with the field's
///   `includeInactive: true` (its one argument, read alike by both paths);
/// - `pages name "gqlName": Connection [Object, Filter, Order, NAMES, "filter's description"] =
///   loader by Column;` a filtered, ordered, paged connection of child rows.
///
/// `loaded by loader as "what"` after the table names the type's by-id loader, for the fields
/// of other types that point at it.
///
/// A field's Rust name is also the column its value reads (a `belongs_to`'s key column is the
/// name with `_id`; lists read the id): direct reads select only the columns of the fields a
/// selection asks for (`Node::COLUMNS`), and the models they build hold nothing else.
macro_rules! object {
    (
        $(#[doc = $doc:literal])*
        $ty:ident($table:ident) $(loaded by $loader:ident as $what:literal)? {
            $($fields:tt)*
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Debug)]
        pub struct $ty(pub $table::Model);

        $crate::graphql::types::object::loadable!($ty($table) $(loaded by $loader as $what)?);

        $crate::graphql::types::object::object!(@fields [cx parents field this] [$(#[doc = $doc])*] $ty $table
            [] [] [] []
            $($fields)*
        );
    };

    // ---- one rule per kind of field: each adds its resolver, its direct scalar arm or its
    // direct relation arm, and goes on with the rest ----

    (@fields [$cx:ident $parents:ident $field:ident $this:ident] $docs:tt $ty:ident $table:ident [$($methods:tt)*] [$($scalars:tt)*] [$($relations:tt)*] [$($columns:tt)*]
        $(#[doc = $fdoc:literal])* field $name:ident $gql:literal : $fty:ty = |$row:ident| $value:expr;
        $($rest:tt)*
    ) => {
        $crate::graphql::types::object::object!(@fields [$cx $parents $field $this] $docs $ty $table
            [$($methods)*
                $(#[doc = $fdoc])*
                #[graphql(name = $gql)]
                async fn $name(&self) -> $fty {
                    let $row = &self.0;
                    $value
                }
            ]
            [$($scalars)*
                $gql => Some(|$this: &Self| {
                    let $row = $this;
                    let value: $fty = $value;
                    $crate::graphql::types::object::FieldValue::into_value(value)
                }),
            ]
            [$($relations)*]
            [$($columns)* ($gql, stringify!($name))]
            $($rest)*
        );
    };

    (@fields [$cx:ident $parents:ident $field:ident $this:ident] $docs:tt $ty:ident $table:ident [$($methods:tt)*] [$($scalars:tt)*] [$($relations:tt)*] [$($columns:tt)*]
        $(#[doc = $fdoc:literal])* parsed $name:ident $gql:literal : $fty:ty = |$row:ident| $value:expr;
        $($rest:tt)*
    ) => {
        $crate::graphql::types::object::object!(@fields [$cx $parents $field $this] $docs $ty $table
            [$($methods)*
                $(#[doc = $fdoc])*
                #[graphql(name = $gql)]
                async fn $name(&self) -> async_graphql::Result<$fty> {
                    let $row = &self.0;
                    Ok($value?)
                }
            ]
            [$($scalars)*
                $gql => Some(|$this: &Self| {
                    let $row = $this;
                    let value: $fty = $value.map_err(|_| $crate::graphql::direct::Decline)?;
                    $crate::graphql::types::object::FieldValue::into_value(value)
                }),
            ]
            [$($relations)*]
            [$($columns)* ($gql, stringify!($name))]
            $($rest)*
        );
    };

    (@fields [$cx:ident $parents:ident $field:ident $this:ident] $docs:tt $ty:ident $table:ident [$($methods:tt)*] [$($scalars:tt)*] [$($relations:tt)*] [$($columns:tt)*]
        $(#[doc = $fdoc:literal])* belongs_to $name:ident $gql:literal : $target:ident = |$row:ident| $key:expr;
        $($rest:tt)*
    ) => {
        $crate::graphql::types::object::object!(@fields [$cx $parents $field $this] $docs $ty $table
            [$($methods)*
                $(#[doc = $fdoc])*
                #[graphql(name = $gql)]
                async fn $name(&self, ctx: &async_graphql::Context<'_>) -> async_graphql::Result<$target> {
                    let $row = &self.0;
                    $crate::graphql::types::object::load_one::<$target>(ctx, $key).await
                }
            ]
            [$($scalars)*]
            [$($relations)*
                $gql => Some(Box::pin($crate::graphql::direct::belongs_to::<
                    Self,
                    <$target as $crate::graphql::types::object::Object>::Model,
                >($cx, $parents, |$row| Some($key), $field, true))),
            ]
            [$($columns)* ($gql, concat!(stringify!($name), "_id"))]
            $($rest)*
        );
    };

    (@fields [$cx:ident $parents:ident $field:ident $this:ident] $docs:tt $ty:ident $table:ident [$($methods:tt)*] [$($scalars:tt)*] [$($relations:tt)*] [$($columns:tt)*]
        $(#[doc = $fdoc:literal])* maybe_belongs_to $name:ident $gql:literal : $target:ident = |$row:ident| $key:expr;
        $($rest:tt)*
    ) => {
        $crate::graphql::types::object::object!(@fields [$cx $parents $field $this] $docs $ty $table
            [$($methods)*
                $(#[doc = $fdoc])*
                #[graphql(name = $gql)]
                async fn $name(&self, ctx: &async_graphql::Context<'_>) -> async_graphql::Result<Option<$target>> {
                    let $row = &self.0;
                    $crate::graphql::types::object::load_maybe::<$target>(ctx, $key).await
                }
            ]
            [$($scalars)*]
            [$($relations)*
                $gql => Some(Box::pin($crate::graphql::direct::belongs_to::<
                    Self,
                    <$target as $crate::graphql::types::object::Object>::Model,
                >($cx, $parents, |$row| $key, $field, false))),
            ]
            [$($columns)* ($gql, concat!(stringify!($name), "_id"))]
            $($rest)*
        );
    };

    (@fields [$cx:ident $parents:ident $field:ident $this:ident] $docs:tt $ty:ident $table:ident [$($methods:tt)*] [$($scalars:tt)*] [$($relations:tt)*] [$($columns:tt)*]
        $(#[doc = $fdoc:literal])* children $name:ident $gql:literal : $target:ident
            = $loader:ident by $column:path, |$child:ident| $parent:expr;
        $($rest:tt)*
    ) => {
        $crate::graphql::types::object::object!(@fields [$cx $parents $field $this] $docs $ty $table
            [$($methods)*
                $(#[doc = $fdoc])*
                #[graphql(name = $gql)]
                async fn $name(&self, ctx: &async_graphql::Context<'_>) -> async_graphql::Result<Vec<$target>> {
                    let loaders = $crate::graphql::loaders::loaders(ctx)?;
                    Ok(loaders
                        .$loader
                        .load_one(self.0.id)
                        .await
                        .map_err($crate::graphql::loaders::to_graphql)?
                        .unwrap_or_default()
                        .into_iter()
                        .map(<$target as $crate::graphql::types::object::Object>::wrap)
                        .collect())
                }
            ]
            [$($scalars)*]
            [$($relations)*
                $gql => Some(Box::pin($crate::graphql::direct::children::<
                    Self,
                    <$target as $crate::graphql::types::object::Object>::Model,
                >($cx, $parents, $column, |$child| $parent, $field))),
            ]
            [$($columns)* ($gql, "id")]
            $($rest)*
        );
    };

    (@fields [$cx:ident $parents:ident $field:ident $this:ident] $docs:tt $ty:ident $table:ident [$($methods:tt)*] [$($scalars:tt)*] [$($relations:tt)*] [$($columns:tt)*]
        $(#[doc = $fdoc:literal])* active_children $name:ident $gql:literal : $target:ident
            = $loader:ident by $column:path, |$child:ident| $parent:expr,
              active $active_col:path = |$row:ident| $active:expr;
        $($rest:tt)*
    ) => {
        $crate::graphql::types::object::object!(@fields [$cx $parents $field $this] $docs $ty $table
            [$($methods)*
                $(#[doc = $fdoc])*
                #[graphql(name = $gql)]
                async fn $name(
                    &self,
                    ctx: &async_graphql::Context<'_>,
                    #[graphql(desc = "Include the deactivated ones too.", default = false)]
                    include_inactive: bool,
                ) -> async_graphql::Result<Vec<$target>> {
                    let loaders = $crate::graphql::loaders::loaders(ctx)?;
                    Ok(loaders
                        .$loader
                        .load_one(self.0.id)
                        .await
                        .map_err($crate::graphql::loaders::to_graphql)?
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|$row| include_inactive || $active)
                        .map(<$target as $crate::graphql::types::object::Object>::wrap)
                        .collect())
                }
            ]
            [$($scalars)*]
            [$($relations)*
                $gql => Some(Box::pin($crate::graphql::direct::active_children::<
                    Self,
                    <$target as $crate::graphql::types::object::Object>::Model,
                >($cx, $parents, $column, |$child| $parent, $active_col, $field))),
            ]
            [$($columns)* ($gql, "id")]
            $($rest)*
        );
    };

    (@fields [$cx:ident $parents:ident $field:ident $this:ident] $docs:tt $ty:ident $table:ident [$($methods:tt)*] [$($scalars:tt)*] [$($relations:tt)*] [$($columns:tt)*]
        $(#[doc = $fdoc:literal])* pages $name:ident $gql:literal : $connection:ident
            [$target:ident, $filter:ident, $order:ident, $names:ident, $filter_desc:literal]
            = $loader:ident by $column:path;
        $($rest:tt)*
    ) => {
        $crate::graphql::types::object::object!(@fields [$cx $parents $field $this] $docs $ty $table
            [$($methods)*
                $(#[doc = $fdoc])*
                #[graphql(name = $gql)]
                #[allow(clippy::too_many_arguments)]
                async fn $name(
                    &self,
                    ctx: &async_graphql::Context<'_>,
                    #[graphql(desc = $filter_desc)] filter: Option<$filter>,
                    #[graphql(desc = "The ordering (default: id ascending).")] order_by: Option<$order>,
                    #[graphql(desc = "Forward paging: at most this many (≤ 200).")] first: Option<i32>,
                    #[graphql(desc = "Forward paging: items after this cursor.")] after: Option<String>,
                    #[graphql(desc = "Backward paging: at most this many (≤ 200).")] last: Option<i32>,
                    #[graphql(desc = "Backward paging: items before this cursor.")] before: Option<String>,
                    #[graphql(desc = "Vendor paging: skip this many.")] offset: Option<i32>,
                    #[graphql(desc = "Vendor paging: at most this many (default 50, ≤ 200).")] limit: Option<i32>,
                ) -> async_graphql::Result<$connection> {
                    let paging = $crate::service::paging::PageArgs { first, after, last, before, offset, limit };
                    let args_key = format!("{filter:?}|{order_by:?}|{paging:?}");
                    let backend = $crate::graphql::filter::backend(ctx)?;
                    let condition = filter
                        .map(|f| f.condition(backend))
                        .unwrap_or_else(sea_orm::Condition::all);
                    let sort = order_by.unwrap_or_default().sort();
                    let (page, count) = $crate::graphql::loaders::loaders(ctx)?
                        .$loader
                        .page(self.0.id, args_key, condition, sort, paging)
                        .await?;
                    Ok($connection::new(page, count))
                }
            ]
            [$($scalars)*]
            [$($relations)*
                $gql => Some(Box::pin($crate::graphql::direct::child_pages::<
                    Self,
                    <$target as $crate::graphql::types::object::Object>::Model,
                    $filter,
                    $order,
                >($cx, $parents, $field, $column, $crate::graphql::direct::Names::$names))),
            ]
            [$($columns)* ($gql, "id")]
            $($rest)*
        );
    };

    // ---- every field seen: the object type and the direct-read node ----

    (@fields [$cx:ident $parents:ident $field:ident $this:ident] [$($doc:tt)*] $ty:ident $table:ident [$($methods:tt)*] [$($scalars:tt)*] [$($relations:tt)*] [$($columns:tt)*]) => {
        $($doc)*
        #[async_graphql::Object]
        impl $ty {
            /// The object's global id (Relay's Global Object Identification): opaque, stable,
            /// and what `node(nodeId:)` takes to fetch it again.
            #[graphql(name = "nodeId")]
            pub(crate) async fn node_id(&self) -> async_graphql::ID {
                $crate::graphql::types::object::node_id(stringify!($ty), self.0.id)
            }

            $($methods)*
        }

        impl $crate::graphql::direct::Node for $table::Model {
            type Entity = $table::Entity;
            const TYPE: &'static str = stringify!($ty);

            fn id(&self) -> i32 {
                self.id
            }

            fn id_column() -> $table::Column {
                $table::Column::Id
            }

            const COLUMNS: &'static [(&'static str, &'static str)] = &[
                ("nodeId", "id"),
                $($columns,)*
            ];

            #[allow(unreachable_code, clippy::needless_question_mark)]
            fn scalar(
                name: &str,
            ) -> Option<fn(&Self) -> $crate::graphql::direct::Direct<async_graphql::Value>> {
                match name {
                    "nodeId" => Some(|$this: &Self| {
                        $crate::graphql::types::object::FieldValue::into_value(
                            $crate::graphql::types::object::node_id(stringify!($ty), $this.id),
                        )
                    }),
                    $($scalars)*
                    _ => None,
                }
            }

            #[allow(unused_variables)]
            fn relation<'a>(
                $cx: &'a $crate::graphql::direct::Cx<'a>,
                $parents: &'a [&'a Self],
                $field: &'a async_graphql::parser::types::Field,
            ) -> Option<futures_util::future::BoxFuture<'a, $crate::graphql::direct::Direct<Vec<async_graphql::Value>>>> {
                match $field.name.node.as_str() {
                    $($relations)*
                    _ => None,
                }
            }
        }
    };
}

pub(crate) use object;

/// An object type with a by-id loader (for the fields of other types that point at it).
pub(crate) trait Loaded:
    Object<Model = <Self::Entity as sea_orm::EntityTrait>::Model>
{
    /// The table.
    type Entity: sea_orm::EntityTrait<Model: Clone + Sync + Default, Column: Send + Sync>;
    /// What to call a missing one in an error.
    const WHAT: &'static str;
    /// The loader.
    fn loader(
        loaders: &crate::graphql::loaders::Loaders,
    ) -> &async_graphql::dataloader::DataLoader<crate::graphql::loaders::ById<Self::Entity>>;
}

/// The object a required key points at (a missing row is an error).
pub(crate) async fn load_one<T: Loaded>(
    ctx: &async_graphql::Context<'_>,
    id: i32,
) -> async_graphql::Result<T> {
    let loaders = crate::graphql::loaders::loaders(ctx)?;
    crate::graphql::loaders::required(T::loader(loaders), T::WHAT, id)
        .await
        .map(T::wrap)
}

/// The object an optional key points at, if any.
pub(crate) async fn load_maybe<T: Loaded>(
    ctx: &async_graphql::Context<'_>,
    id: Option<i32>,
) -> async_graphql::Result<Option<T>> {
    let loaders = crate::graphql::loaders::loaders(ctx)?;
    Ok(crate::graphql::loaders::by_id(T::loader(loaders), id)
        .await?
        .map(T::wrap))
}

#[cfg(test)]
mod tests {
    use sea_orm::EntityTrait;

    use crate::graphql::direct::Node;

    /// Every field's column (`Node::COLUMNS`) is one of the table's, read by position.
    fn columns_are_the_tables<N: Node>() {
        for (field, column) in N::COLUMNS {
            assert!(
                column.parse::<<N::Entity as EntityTrait>::Column>().is_ok(),
                "{}.{field}: no column {column}",
                N::TYPE
            );
        }
        assert!(crate::service::columns::every_column_reads_by_position::<
            N::Entity,
        >());
    }

    #[test]
    fn every_field_reads_a_column_of_its_table() {
        columns_are_the_tables::<entity::integration::Model>();
        columns_are_the_tables::<entity::integration_run::Model>();
        columns_are_the_tables::<entity::integration_error::Model>();
        columns_are_the_tables::<entity::integration_history_record::Model>();
        columns_are_the_tables::<entity::integration_record_response::Model>();
        columns_are_the_tables::<entity::user::Model>();
        columns_are_the_tables::<entity::integration_contact::Model>();
    }
}
