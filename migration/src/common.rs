//! Helpers shared by the table migrations.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_users::Users;

/// Column names every audited table shares.
#[derive(DeriveIden)]
pub(crate) enum Audit {
    CreatedAt,
    UpdatedAt,
    CreatedById,
    UpdatedById,
}

/// Adds `created_at`, `updated_at` (both NOT NULL, no DB default: the
/// application sets every timestamp) and the nullable `created_by_id` /
/// `updated_by_id` with their foreign keys `fk_<table>_created_by` and
/// `fk_<table>_updated_by` to `users`.
pub(crate) fn audit_columns(table: &mut TableCreateStatement, table_name: &str) {
    table
        .col(timestamp_with_time_zone(Audit::CreatedAt))
        .col(timestamp_with_time_zone(Audit::UpdatedAt))
        .col(integer_null(Audit::CreatedById))
        .col(integer_null(Audit::UpdatedById))
        .foreign_key(
            ForeignKey::create()
                .name(format!("fk_{table_name}_created_by"))
                .from_col(Audit::CreatedById)
                .to(Users::Table, Users::Id),
        )
        .foreign_key(
            ForeignKey::create()
                .name(format!("fk_{table_name}_updated_by"))
                .from_col(Audit::UpdatedById)
                .to(Users::Table, Users::Id),
        );
}

/// A named CHECK that `col` holds one of `values`.
pub(crate) fn check_in<C>(name: &str, col: C, values: &[&'static str]) -> (String, Expr)
where
    C: IntoIden,
{
    (
        name.to_owned(),
        Expr::col(col.into_iden()).is_in(values.iter().copied()),
    )
}

/// A named CHECK that `col` is NULL or holds one of `values`.
pub(crate) fn check_null_or_in<C>(name: &str, col: C, values: &[&'static str]) -> (String, Expr)
where
    C: IntoIden,
{
    let col = col.into_iden();
    (
        name.to_owned(),
        Expr::col(col.clone())
            .is_null()
            .or(Expr::col(col).is_in(values.iter().copied())),
    )
}

/// A named CHECK that `col` is NULL or not negative.
pub(crate) fn check_non_negative<C>(name: &str, col: C) -> (String, Expr)
where
    C: IntoIden,
{
    let col = col.into_iden();
    (
        name.to_owned(),
        Expr::col(col.clone()).is_null().or(Expr::col(col).gte(0)),
    )
}

/// `CREATE INDEX <name> ON <table> (<cols>)`.
pub(crate) fn index<T, C>(name: &str, table: T, cols: C) -> IndexCreateStatement
where
    T: IntoIden,
    C: IntoIterator,
    C::Item: IntoIndexColumn,
{
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(col);
    }
    index.take()
}

/// An inline named `UNIQUE` table constraint (`CONSTRAINT <name> UNIQUE (<cols>)`).
pub(crate) fn unique<C>(name: &str, cols: C) -> IndexCreateStatement
where
    C: IntoIterator,
    C::Item: IntoIndexColumn,
{
    let mut index = Index::create();
    index.name(name).unique();
    for col in cols {
        index.col(col);
    }
    index.take()
}
