//! The one filter mechanism of every list: per-field operator inputs (eq, notEq, in, notIn, gt,
//! gte, lt, lte, contains, startsWith, endsWith, isNull), turned into SQL conditions, and combined
//! by each object's filter with and/or/not.

use async_graphql::{InputObject, InputType};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, DbBackend, Value,
    sea_query::{Expr, ExprTrait},
};

use super::enums::StoredEnum;
use crate::service::sql::{ListValue, in_list, like};

/// A timestamp (named so the concrete filter type can be declared).
pub type UtcDateTime = DateTime<Utc>;

/// The database backend of a request, for the filters' SQL.
pub fn backend(ctx: &async_graphql::Context<'_>) -> async_graphql::Result<DbBackend> {
    Ok(ctx
        .data::<sea_orm::DatabaseConnection>()?
        .get_database_backend())
}

/// Turns a field filter into a condition on one column.
pub trait FieldFilter {
    /// The condition this filter puts on `col` (an empty `all()` when the filter is empty), for
    /// a database of `backend` (an `in` list is one parameter, written differently on each).
    fn condition<C: ColumnTrait>(&self, col: C, backend: DbBackend) -> Condition;
}

/// Comparison operators on an ordered value (numbers, timestamps).
#[derive(InputObject, Clone, Debug, Default)]
#[graphql(
    concrete(name = "IntFilter", params(i32)),
    concrete(name = "DateTimeFilter", params(UtcDateTime))
)]
pub struct OrderedFilter<T: InputType + ListValue + Into<Value>> {
    /// Equal to.
    pub eq: Option<T>,
    /// Not equal to (NULLs do not match).
    pub not_eq: Option<T>,
    /// Equal to one of.
    #[graphql(name = "in")]
    pub in_list: Option<Vec<T>>,
    /// Equal to none of (NULLs do not match).
    pub not_in: Option<Vec<T>>,
    /// Greater than.
    pub gt: Option<T>,
    /// Greater than or equal to.
    pub gte: Option<T>,
    /// Less than.
    pub lt: Option<T>,
    /// Less than or equal to.
    pub lte: Option<T>,
    /// True: the field is null; false: it is not.
    pub is_null: Option<bool>,
}

impl<T: InputType + ListValue + Into<Value>> FieldFilter for OrderedFilter<T> {
    fn condition<C: ColumnTrait>(&self, col: C, backend: DbBackend) -> Condition {
        let mut c = Condition::all();
        if let Some(v) = &self.eq {
            c = c.add(col.eq(v.clone()));
        }
        if let Some(v) = &self.not_eq {
            c = c.add(col.ne(v.clone()));
        }
        if let Some(v) = &self.in_list {
            c = c.add(in_list(col, v, backend, false));
        }
        if let Some(v) = &self.not_in {
            c = c.add(in_list(col, v, backend, true));
        }
        if let Some(v) = &self.gt {
            c = c.add(col.gt(v.clone()));
        }
        if let Some(v) = &self.gte {
            c = c.add(col.gte(v.clone()));
        }
        if let Some(v) = &self.lt {
            c = c.add(col.lt(v.clone()));
        }
        if let Some(v) = &self.lte {
            c = c.add(col.lte(v.clone()));
        }
        null_condition(c, col, self.is_null)
    }
}

/// Operators on text; contains/startsWith/endsWith ignore case (ASCII), on every database.
#[derive(InputObject, Clone, Debug, Default)]
pub struct StringFilter {
    /// Equal to.
    pub eq: Option<String>,
    /// Not equal to (NULLs do not match).
    pub not_eq: Option<String>,
    /// Equal to one of.
    #[graphql(name = "in")]
    pub in_list: Option<Vec<String>>,
    /// Equal to none of (NULLs do not match).
    pub not_in: Option<Vec<String>>,
    /// Sorts after.
    pub gt: Option<String>,
    /// Sorts after or equal.
    pub gte: Option<String>,
    /// Sorts before.
    pub lt: Option<String>,
    /// Sorts before or equal.
    pub lte: Option<String>,
    /// Contains this text, ignoring case.
    pub contains: Option<String>,
    /// Starts with this text, ignoring case.
    pub starts_with: Option<String>,
    /// Ends with this text, ignoring case.
    pub ends_with: Option<String>,
    /// True: the field is null; false: it is not.
    pub is_null: Option<bool>,
}

impl FieldFilter for StringFilter {
    fn condition<C: ColumnTrait>(&self, col: C, backend: DbBackend) -> Condition {
        let mut c = Condition::all();
        if let Some(v) = &self.eq {
            c = c.add(col.eq(v.as_str()));
        }
        if let Some(v) = &self.not_eq {
            c = c.add(col.ne(v.as_str()));
        }
        if let Some(v) = &self.in_list {
            c = c.add(in_list(col, v, backend, false));
        }
        if let Some(v) = &self.not_in {
            c = c.add(in_list(col, v, backend, true));
        }
        if let Some(v) = &self.gt {
            c = c.add(col.gt(v.as_str()));
        }
        if let Some(v) = &self.gte {
            c = c.add(col.gte(v.as_str()));
        }
        if let Some(v) = &self.lt {
            c = c.add(col.lt(v.as_str()));
        }
        if let Some(v) = &self.lte {
            c = c.add(col.lte(v.as_str()));
        }
        if let Some(v) = &self.contains {
            c = c.add(like(col, "%", v, "%"));
        }
        if let Some(v) = &self.starts_with {
            c = c.add(like(col, "", v, "%"));
        }
        if let Some(v) = &self.ends_with {
            c = c.add(like(col, "%", v, ""));
        }
        null_condition(c, col, self.is_null)
    }
}

/// Operators on a boolean.
#[derive(InputObject, Clone, Debug, Default)]
pub struct BooleanFilter {
    /// Equal to.
    pub eq: Option<bool>,
    /// Not equal to.
    pub not_eq: Option<bool>,
    /// True: the field is null; false: it is not.
    pub is_null: Option<bool>,
}

impl FieldFilter for BooleanFilter {
    fn condition<C: ColumnTrait>(&self, col: C, _backend: DbBackend) -> Condition {
        let mut c = Condition::all();
        if let Some(v) = self.eq {
            c = c.add(col.eq(v));
        }
        if let Some(v) = self.not_eq {
            c = c.add(col.ne(v));
        }
        null_condition(c, col, self.is_null)
    }
}

/// Operators on an enumerated field.
#[derive(InputObject, Clone, Debug, Default)]
#[graphql(
    concrete(name = "RunStatusFilter", params(super::enums::RunStatus)),
    concrete(name = "DirectionFilter", params(super::enums::Direction)),
    concrete(name = "EndSystemTypeFilter", params(super::enums::EndSystemType)),
    concrete(name = "IntegrationTypeFilter", params(super::enums::IntegrationType)),
    concrete(
        name = "ContactAlertTypeFilter",
        params(super::enums::ContactAlertType)
    ),
    concrete(name = "DocumentTypeFilter", params(super::enums::DocumentType))
)]
pub struct EnumFilter<T: StoredEnum> {
    /// Equal to.
    pub eq: Option<T>,
    /// Not equal to (NULLs do not match).
    pub not_eq: Option<T>,
    /// Equal to one of.
    #[graphql(name = "in")]
    pub in_list: Option<Vec<T>>,
    /// Equal to none of (NULLs do not match).
    pub not_in: Option<Vec<T>>,
    /// True: the field is null; false: it is not.
    pub is_null: Option<bool>,
}

impl<T: StoredEnum> FieldFilter for EnumFilter<T> {
    fn condition<C: ColumnTrait>(&self, col: C, backend: DbBackend) -> Condition {
        let mut c = Condition::all();
        if let Some(v) = self.eq {
            c = c.add(col.eq(v.stored()));
        }
        if let Some(v) = self.not_eq {
            c = c.add(col.ne(v.stored()));
        }
        if let Some(v) = &self.in_list {
            let stored: Vec<String> = v.iter().map(|v| v.stored().to_owned()).collect();
            c = c.add(in_list(col, &stored, backend, false));
        }
        if let Some(v) = &self.not_in {
            let stored: Vec<String> = v.iter().map(|v| v.stored().to_owned()).collect();
            c = c.add(in_list(col, &stored, backend, true));
        }
        null_condition(c, col, self.is_null)
    }
}

fn null_condition<C: ColumnTrait>(c: Condition, col: C, is_null: Option<bool>) -> Condition {
    match is_null {
        Some(true) => c.add(col.is_null()),
        Some(false) => c.add(col.is_not_null()),
        None => c,
    }
}

/// Adds a field filter's condition when the filter is given.
pub fn field<F: FieldFilter, C: ColumnTrait>(
    c: Condition,
    filter: &Option<F>,
    col: C,
    backend: DbBackend,
) -> Condition {
    match filter {
        Some(f) => c.add(f.condition(col, backend)),
        None => c,
    }
}

/// Combines an object filter's own fields with its `and`, `or` and `not` parts.
pub fn combine<F>(
    own: Condition,
    and: &Option<Vec<F>>,
    or: &Option<Vec<F>>,
    not: &Option<Box<F>>,
    to_condition: impl Fn(&F) -> Condition,
) -> Condition {
    let mut c = own;
    if let Some(all) = and {
        for f in all {
            c = c.add(to_condition(f));
        }
    }
    if let Some(any) = or {
        // An empty `or` matches nothing, as an empty disjunction should.
        let mut disjunction = Condition::any();
        if any.is_empty() {
            disjunction = disjunction.add(Expr::val(1).eq(0));
        }
        for f in any {
            disjunction = disjunction.add(to_condition(f));
        }
        c = c.add(disjunction);
    }
    if let Some(f) = not {
        c = c.add(to_condition(f).not());
    }
    c
}
