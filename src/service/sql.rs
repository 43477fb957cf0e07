//! SQL building blocks: multi-row INSERTs in chunks the writes share (answering the models in
//! the order given), and for every adapter's filters an `in` list as one parameter and a
//! case-insensitive `LIKE` with the user's wildcards taken literally.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, DbBackend, Value,
    sea_query::{Expr, ExprTrait, Func, LikeExpr, SimpleExpr, extension::postgres::PgFunc},
};

/// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's bound-parameter limits.
pub const INSERT_CHUNK: usize = 500;

/// Inserts `rows` (multi-row INSERTs of [`INSERT_CHUNK`] rows) and answers the inserted models in
/// the order of `rows`: ids are handed out in VALUES order, but RETURNING's own order is not
/// promised, so each chunk's models are sorted by `id`.
pub async fn insert_returning<A, C>(
    db: &C,
    rows: &[A],
    id: impl Fn(&<A::Entity as sea_orm::EntityTrait>::Model) -> i32,
) -> Result<Vec<<A::Entity as sea_orm::EntityTrait>::Model>, sea_orm::DbErr>
where
    A: sea_orm::ActiveModelTrait + Clone + Send,
    <A::Entity as sea_orm::EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
    C: sea_orm::ConnectionTrait,
{
    let mut models = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(INSERT_CHUNK) {
        let mut inserted = <A::Entity as sea_orm::EntityTrait>::insert_many(chunk.to_vec())
            .exec_with_returning(db)
            .await?;
        inserted.sort_by_key(|m| id(m));
        models.extend(inserted);
    }
    Ok(models)
}

/// A value of an `in` list, as the database takes the whole list in one parameter.
pub trait ListValue: Clone {
    /// The list as one PostgreSQL array.
    fn array(values: &[Self]) -> Value;
    /// The value as an element of a JSON array, in the form SQLite stores the column.
    fn json(&self) -> serde_json::Value;
}

impl ListValue for i32 {
    fn array(values: &[Self]) -> Value {
        values.to_vec().into()
    }
    fn json(&self) -> serde_json::Value {
        (*self).into()
    }
}

impl ListValue for String {
    fn array(values: &[Self]) -> Value {
        values.to_vec().into()
    }
    fn json(&self) -> serde_json::Value {
        self.as_str().into()
    }
}

impl ListValue for DateTime<Utc> {
    fn array(values: &[Self]) -> Value {
        values.to_vec().into()
    }
    fn json(&self) -> serde_json::Value {
        // As sqlx writes a timestamp into SQLite (text compared as stored).
        self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
            .into()
    }
}

/// `col IN (values)` (or `NOT IN`) with the whole list as one bound parameter, never one per
/// value (SQLite takes at most 32,766, and every length would be another statement text):
/// `col = ANY($1)` / `col <> ALL($1)` over an array on PostgreSQL, `col IN (SELECT value FROM
/// json_each(?))` over a JSON array on SQLite. NULLs match neither, as with `IN`.
pub fn in_list<C: ColumnTrait, V: ListValue>(
    col: C,
    values: &[V],
    backend: DbBackend,
    negate: bool,
) -> SimpleExpr {
    let column = Expr::col(col.as_column_ref());
    match backend {
        DbBackend::Postgres => {
            let array = Expr::val(V::array(values));
            if negate {
                column.ne(PgFunc::all(array))
            } else {
                column.eq(PgFunc::any(array))
            }
        }
        _ => {
            let json = serde_json::Value::Array(values.iter().map(V::json).collect()).to_string();
            let sql = if negate {
                "? NOT IN (SELECT value FROM json_each(?))"
            } else {
                "? IN (SELECT value FROM json_each(?))"
            };
            Expr::cust_with_exprs(sql, [column, Expr::val(json)])
        }
    }
}

/// `LOWER(col) LIKE pattern ESCAPE '\'`, with the user's `%`, `_` and `\` taken literally.
pub fn like<C: ColumnTrait>(col: C, prefix: &str, text: &str, suffix: &str) -> SimpleExpr {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let pattern = format!("{prefix}{escaped}{suffix}");
    Expr::expr(Func::lower(Expr::col(col.as_column_ref())))
        .like(LikeExpr::new(pattern).escape('\\'))
}
