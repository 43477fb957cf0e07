//! Pages of a list: Relay cursors (keyset: the cursor is the ordering key plus the id, never an
//! offset) and the vendor's offset/limit, over any entity, for one list or for many parents at once.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, ModelTrait, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Value,
    sea_query::{
        Alias, Expr, ExprTrait, Func, JoinType, NullOrdering, PgFunc, Query, WindowStatement,
    },
};

use super::columns::Columns;
use crate::error::{AppError, AppResult};

/// `column IN (ids)`; on PostgreSQL `column = ANY($1)` with one array parameter: one statement
/// text whatever the number of ids (so one prepared statement), and one value to bind and plan
/// instead of hundreds.
pub fn id_in<C: ColumnTrait>(backend: DbBackend, column: C, ids: &[i32]) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::col(column).eq(PgFunc::any(Expr::val(ids.to_vec()))),
        _ => column.is_in(ids.iter().copied()),
    }
}

/// Page size when the request names none (the vendor's default).
pub const DEFAULT_PAGE_SIZE: u64 = 50;
/// Largest page a request may ask for.
pub const MAX_PAGE_SIZE: u64 = 200;

/// The paging arguments of a list, as a client sends them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PageArgs {
    /// Forward: at most this many items after `after`.
    pub first: Option<i32>,
    /// Forward: the cursor to start after.
    pub after: Option<String>,
    /// Backward: at most this many items before `before`.
    pub last: Option<i32>,
    /// Backward: the cursor to end before.
    pub before: Option<String>,
    /// Vendor-style: skip this many items.
    pub offset: Option<i32>,
    /// Vendor-style: at most this many items.
    pub limit: Option<i32>,
}

/// How the value of a sort column is typed, to read it back from a cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// An integer column.
    Int,
    /// A text column.
    Text,
    /// A timestamp column.
    DateTime,
}

/// The ordering of a list: one column (ties broken by id, in the same direction).
#[derive(Clone, Copy, Debug)]
pub struct Sort<C> {
    /// The column ordered by.
    pub column: C,
    /// How the column's values are typed.
    pub kind: KeyKind,
    /// Whether the column may be NULL (NULLs always sort last).
    pub nullable: bool,
    /// Ascending or descending.
    pub descending: bool,
}

/// A decoded cursor: the ordering key and id of the item it points at.
#[derive(Clone, Debug, PartialEq)]
struct Cursor {
    key: serde_json::Value,
    id: i32,
}

/// The validated window of a page request.
#[derive(Clone, Debug, PartialEq)]
struct Window {
    size: u64,
    offset: u64,
    backward: bool,
    cursor: Option<Cursor>,
}

/// One page of items with what a Relay `PageInfo` needs.
#[derive(Clone, Debug)]
pub struct Page<M> {
    /// The items with their cursors, in the requested order.
    pub items: Vec<(String, M)>,
    /// Whether items follow the page.
    pub has_next_page: bool,
    /// Whether items precede the page.
    pub has_previous_page: bool,
}

impl<M> Default for Page<M> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            has_next_page: false,
            has_previous_page: false,
        }
    }
}

fn size_arg(name: &str, value: i32) -> AppResult<u64> {
    if value < 0 {
        return Err(AppError::field(name, "must be greater than or equal to 0"));
    }
    let value = value as u64;
    if value > MAX_PAGE_SIZE {
        return Err(AppError::field(
            name,
            format!("must be at most {MAX_PAGE_SIZE}"),
        ));
    }
    Ok(value)
}

impl Window {
    /// The rows to skip, as an OFFSET clause: none for 0, whose parameter and plan node would
    /// cost PostgreSQL time on every read of a first page.
    fn skipped(&self) -> Option<u64> {
        (self.offset > 0).then_some(self.offset)
    }
}

impl PageArgs {
    fn window(&self) -> AppResult<Window> {
        let sizes = [
            self.first.is_some(),
            self.last.is_some(),
            self.limit.is_some(),
        ];
        if sizes.iter().filter(|s| **s).count() > 1 {
            return Err(AppError::field(
                "first",
                "give only one of first, last and limit",
            ));
        }
        if self.after.is_some() && self.before.is_some() {
            return Err(AppError::field(
                "before",
                "give either after or before, not both",
            ));
        }
        let backward = self.last.is_some() || (self.before.is_some() && self.first.is_none());
        if backward && self.after.is_some() {
            return Err(AppError::field(
                "after",
                "after goes with first, not with last",
            ));
        }
        if !backward && self.before.is_some() {
            return Err(AppError::field(
                "before",
                "before goes with last, not with first",
            ));
        }
        let offset = match self.offset {
            Some(o) if o < 0 => {
                return Err(AppError::field(
                    "offset",
                    "must be greater than or equal to 0",
                ));
            }
            Some(_) if backward || self.after.is_some() => {
                return Err(AppError::field(
                    "offset",
                    "offset cannot be combined with cursors or last",
                ));
            }
            Some(o) => o as u64,
            None => 0,
        };
        let size = match (self.first, self.last, self.limit) {
            (Some(n), _, _) => size_arg("first", n)?,
            (_, Some(n), _) => size_arg("last", n)?,
            (_, _, Some(n)) => size_arg("limit", n)?,
            _ => DEFAULT_PAGE_SIZE,
        };
        let cursor = match (&self.after, &self.before) {
            (Some(c), _) => Some(decode_cursor("after", c)?),
            (_, Some(c)) => Some(decode_cursor("before", c)?),
            _ => None,
        };
        Ok(Window {
            size,
            offset,
            backward,
            cursor,
        })
    }
}

fn decode_cursor(field: &str, text: &str) -> AppResult<Cursor> {
    let invalid = || AppError::field(field, "is not a cursor returned by this list");
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
    let (key, id): (serde_json::Value, i32) =
        serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    Ok(Cursor { key, id })
}

fn encode_cursor(key: serde_json::Value, id: i32) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::json!([key, id]).to_string())
}

/// The JSON form of a sort key value (for the cursor).
fn key_to_json(value: Value) -> serde_json::Value {
    match value {
        Value::Int(Some(v)) => v.into(),
        Value::BigInt(Some(v)) => v.into(),
        Value::String(Some(v)) => v.into(),
        Value::ChronoDateTimeUtc(Some(v)) => v.to_rfc3339().into(),
        _ => serde_json::Value::Null,
    }
}

/// Reads a sort key back from a cursor; `None` is a NULL key.
fn key_from_json(kind: KeyKind, json: &serde_json::Value, field: &str) -> AppResult<Option<Value>> {
    if json.is_null() {
        return Ok(None);
    }
    let invalid = || {
        AppError::field(
            field,
            "is not a cursor returned by this list (ordering changed?)",
        )
    };
    let value = match kind {
        KeyKind::Int => Value::from(
            json.as_i64()
                .and_then(|v| i32::try_from(v).ok())
                .ok_or_else(invalid)?,
        ),
        KeyKind::Text => Value::from(json.as_str().ok_or_else(invalid)?.to_owned()),
        KeyKind::DateTime => Value::from(
            json.as_str()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|d| d.with_timezone(&Utc))
                .ok_or_else(invalid)?,
        ),
    };
    Ok(Some(value))
}

/// The rows strictly after the cursor in the effective ordering (`descending`, NULLs last or first).
fn after_cursor<C: ColumnTrait>(
    sort: &Sort<C>,
    id_col: C,
    key: Option<Value>,
    id: i32,
    descending: bool,
    nulls_last: bool,
) -> Condition {
    let id_after = if descending {
        id_col.lt(id)
    } else {
        id_col.gt(id)
    };
    match key {
        Some(v) => {
            let beyond = if descending {
                sort.column.lt(v.clone())
            } else {
                sort.column.gt(v.clone())
            };
            let mut c = Condition::any()
                .add(beyond)
                .add(Condition::all().add(sort.column.eq(v)).add(id_after));
            if sort.nullable && nulls_last {
                c = c.add(sort.column.is_null());
            }
            c
        }
        None => {
            let mut c =
                Condition::any().add(Condition::all().add(sort.column.is_null()).add(id_after));
            if !nulls_last {
                c = c.add(sort.column.is_not_null());
            }
            c
        }
    }
}

/// The effective ordering of a window: backward pages read the list reversed.
fn effective(sort_desc: bool, backward: bool) -> (bool, bool) {
    // (descending, nulls_last); the natural order puts NULLs last.
    if backward {
        (!sort_desc, false)
    } else {
        (sort_desc, true)
    }
}

fn order(desc: bool) -> Order {
    if desc { Order::Desc } else { Order::Asc }
}

fn nulls(last: bool) -> NullOrdering {
    if last {
        NullOrdering::Last
    } else {
        NullOrdering::First
    }
}

/// The filtered, cursor-limited query of a window (no order, no LIMIT yet), over `columns`'
/// base select ([`Columns::find`]; the columns themselves are added by whoever reads it).
fn windowed_select<E: EntityTrait<Model: Default>>(
    columns: &Columns<E>,
    filter: Condition,
    sort: &Sort<E::Column>,
    id_col: E::Column,
    window: &Window,
) -> AppResult<sea_orm::Select<E>> {
    let (desc, nulls_last) = effective(sort.descending, window.backward);
    let field = cursor_field(window);
    let mut q = columns.find().filter(filter);
    if let Some(cursor) = &window.cursor {
        let key = key_from_json(sort.kind, &cursor.key, field)?;
        if key.is_none() && !sort.nullable {
            return Err(AppError::field(
                field,
                "is not a cursor returned by this list",
            ));
        }
        q = q.filter(after_cursor(sort, id_col, key, cursor.id, desc, nulls_last));
    }
    Ok(q)
}

fn cursor_field(window: &Window) -> &'static str {
    if window.backward { "before" } else { "after" }
}

fn finish_page<M: ModelTrait>(
    mut rows: Vec<M>,
    sort: &Sort<<M::Entity as EntityTrait>::Column>,
    id_col: <M::Entity as EntityTrait>::Column,
    window: &Window,
) -> Page<M> {
    let has_more = rows.len() as u64 > window.size;
    rows.truncate(window.size as usize);
    if window.backward {
        rows.reverse();
    }
    let items = rows
        .into_iter()
        .map(|m| {
            let id = match m.get(id_col) {
                Value::Int(Some(id)) => id,
                _ => 0,
            };
            (encode_cursor(key_to_json(m.get(sort.column)), id), m)
        })
        .collect();
    let (has_next_page, has_previous_page) = if window.backward {
        (window.cursor.is_some(), has_more)
    } else {
        (has_more, window.cursor.is_some() || window.offset > 0)
    };
    Page {
        items,
        has_next_page,
        has_previous_page,
    }
}

/// Fetches one page of `E` matching `filter`, ordered by `sort` then id, in one statement.
pub async fn fetch_page<E, C>(
    db: &C,
    filter: Condition,
    sort: Sort<E::Column>,
    id_col: E::Column,
    args: &PageArgs,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync + Default,
    C: ConnectionTrait,
{
    fetch_page_of(db, filter, sort, id_col, args, &Columns::<E>::all()).await
}

/// [`fetch_page`] reading only `columns` of each row (and the id and sort columns the cursors
/// need); the models' other fields are left at their defaults.
pub async fn fetch_page_of<E, C>(
    db: &C,
    filter: Condition,
    sort: Sort<E::Column>,
    id_col: E::Column,
    args: &PageArgs,
    columns: &Columns<E>,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync + Default,
    C: ConnectionTrait,
{
    let window = args.window()?;
    if window.size == 0 {
        return Ok(Page::default());
    }
    let (desc, nulls_last) = effective(sort.descending, window.backward);
    let columns = with_keys(columns, &sort, id_col, None);
    let select = windowed_select(&columns, filter, &sort, id_col, &window)?;
    // A NULLS clause against the index's own order (DESC NULLS LAST) keeps PostgreSQL from
    // reading the order off the index, so it sorts every matching row; NOT NULL keys need none.
    let select = if sort.nullable {
        select.order_by_with_nulls(sort.column, order(desc), nulls(nulls_last))
    } else {
        select.order_by(sort.column, order(desc))
    };
    let select = then_by_id(select, sort.column, id_col, desc)
        .offset(window.skipped())
        .limit(window.size + 1);
    let rows = columns.read(db, select).await?;
    Ok(finish_page(rows, &sort, id_col, &window))
}

/// Whether a page's order needs the id after its sort column to be total: not when it sorts by
/// the id (ordering by it twice costs the database a second comparison per row).
fn needs_id_order<C: ColumnTrait>(sort_column: C, id_col: C) -> bool {
    sort_column.as_str() != id_col.as_str()
}

/// `select` ordered by the id after its sort column (when [`needs_id_order`]).
fn then_by_id<Q: QueryOrder, C: ColumnTrait>(
    select: Q,
    sort_column: C,
    id_col: C,
    desc: bool,
) -> Q {
    if needs_id_order(sort_column, id_col) {
        select.order_by(id_col, order(desc))
    } else {
        select
    }
}

/// `columns` with the ones a page's cursors and grouping read: the sort column, the id and the
/// parent's key.
fn with_keys<E: EntityTrait<Model: Default>>(
    columns: &Columns<E>,
    sort: &Sort<E::Column>,
    id_col: E::Column,
    parent_col: Option<E::Column>,
) -> Columns<E> {
    let mut columns = columns.clone();
    columns.add(id_col);
    columns.add(sort.column);
    if let Some(parent_col) = parent_col {
        columns.add(parent_col);
    }
    columns
}

/// Fetches the same page for many parents at once (e.g. the runs of 50 integrations) in one
/// statement. On SQLite a window numbers each parent's rows (`ROW_NUMBER() OVER (PARTITION BY
/// parent …)`) and the outer query keeps the page's numbers; on PostgreSQL each parent gets a
/// `LATERAL` subquery with the page's OFFSET and LIMIT (`fetch_pages_lateral`).
pub async fn fetch_pages_by_parent<E, C>(
    db: &C,
    parent_col: E::Column,
    parents: &[i32],
    filter: Condition,
    sort: Sort<E::Column>,
    id_col: E::Column,
    args: &PageArgs,
) -> AppResult<std::collections::HashMap<i32, Page<E::Model>>>
where
    E: EntityTrait,
    E::Model: Sync + Default,
    C: ConnectionTrait,
{
    let keys = (parent_col, parents);
    fetch_pages_by_parent_of(db, keys, filter, sort, id_col, args, &Columns::<E>::all()).await
}

/// [`fetch_pages_by_parent`] reading only `columns` of each row (and the id, sort and parent
/// columns the cursors and the grouping need); the models' other fields are left at their
/// defaults.
pub async fn fetch_pages_by_parent_of<E, C>(
    db: &C,
    (parent_col, parents): (E::Column, &[i32]),
    filter: Condition,
    sort: Sort<E::Column>,
    id_col: E::Column,
    args: &PageArgs,
    columns: &Columns<E>,
) -> AppResult<std::collections::HashMap<i32, Page<E::Model>>>
where
    E: EntityTrait,
    E::Model: Sync + Default,
    C: ConnectionTrait,
{
    let columns = with_keys(columns, &sort, id_col, Some(parent_col));
    let window = args.window()?;
    let mut pages = std::collections::HashMap::new();
    if window.size == 0 || parents.is_empty() {
        return Ok(pages);
    }
    let (desc, nulls_last) = effective(sort.descending, window.backward);
    if db.get_database_backend() == DbBackend::Postgres {
        let keys = (parent_col, parents);
        return fetch_pages_lateral::<E, C>(db, keys, filter, sort, id_col, &window, &columns)
            .await;
    }
    let filter = filter.add(parent_col.is_in(parents.iter().copied()));
    let mut inner = columns
        .select(windowed_select(&columns, filter, &sort, id_col, &window)?)
        .into_query();
    let mut over = WindowStatement::partition_by(parent_col);
    if sort.nullable {
        over.order_by_with_nulls(sort.column, order(desc), nulls(nulls_last));
    } else {
        over.order_by(sort.column, order(desc));
    }
    if needs_id_order(sort.column, id_col) {
        over.order_by(id_col, order(desc));
    }
    inner.expr_window_as(Expr::cust("ROW_NUMBER()"), over, Alias::new("page_row"));
    let rn = Expr::col((Alias::new("paged"), Alias::new("page_row")));
    let outer = Query::select()
        .column(sea_orm::sea_query::Asterisk)
        .from_subquery(inner, Alias::new("paged"))
        .and_where(rn.clone().gt(window.offset as i64))
        .and_where(rn.lte((window.offset + window.size + 1) as i64))
        .order_by((Alias::new("paged"), Alias::new("page_row")), Order::Asc)
        .to_owned();
    let stmt = db.get_database_backend().build(&outer);
    let rows = columns.read_raw(db, stmt).await?;
    let mut grouped: std::collections::HashMap<i32, Vec<E::Model>> =
        std::collections::HashMap::new();
    for row in rows {
        if let Value::Int(Some(parent)) = row.get(parent_col) {
            grouped.entry(parent).or_default().push(row);
        }
    }
    for parent in parents {
        let rows = grouped.remove(parent).unwrap_or_default();
        pages.insert(*parent, finish_page(rows, &sort, id_col, &window));
    }
    Ok(pages)
}

/// [`fetch_pages_by_parent`] on PostgreSQL: the parents' ids are unnested and each joins a
/// `LATERAL` subquery that reads that parent's page (OFFSET, LIMIT) and stops at its end on the
/// parent's index, where SQLite's form numbers every child of every parent first (a third less
/// PostgreSQL time for a run's first 10 of ~10 records, bench/run). Inside it, `ROW_NUMBER()`
/// only carries each parent's order through the join.
async fn fetch_pages_lateral<E, C>(
    db: &C,
    (parent_col, parents): (E::Column, &[i32]),
    filter: Condition,
    sort: Sort<E::Column>,
    id_col: E::Column,
    window: &Window,
    columns: &Columns<E>,
) -> AppResult<std::collections::HashMap<i32, Page<E::Model>>>
where
    E: EntityTrait,
    E::Model: Sync + Default,
    C: ConnectionTrait,
{
    let (desc, nulls_last) = effective(sort.descending, window.backward);
    let parent = Alias::new("parents");
    let paged = Alias::new("paged");
    let page_row = Alias::new("page_row");
    let mut inner = columns
        .select(windowed_select(columns, filter, &sort, id_col, window)?)
        .into_query();
    // A scalar function's column takes the alias's name: `unnest($1) AS parents` has `parents`.
    inner.and_where(Expr::col(parent_col).equals((parent.clone(), parent.clone())));
    // The row number keeps each parent's order through the join (the outer ORDER BY).
    let mut over = WindowStatement::new();
    if sort.nullable {
        over.order_by_with_nulls(sort.column, order(desc), nulls(nulls_last));
        inner.order_by_with_nulls(sort.column, order(desc), nulls(nulls_last));
    } else {
        over.order_by(sort.column, order(desc));
        inner.order_by(sort.column, order(desc));
    }
    if needs_id_order(sort.column, id_col) {
        over.order_by(id_col, order(desc));
        inner.order_by(id_col, order(desc));
    }
    inner.expr_window_as(Expr::cust("ROW_NUMBER()"), over, page_row.clone());
    if let Some(offset) = window.skipped() {
        inner.offset(offset);
    }
    inner.limit(window.size + 1);
    let outer = Query::select()
        .expr(Expr::cust("\"paged\".*"))
        .from_function(
            Func::cust(Alias::new("unnest")).arg(Expr::val(parents.to_vec())),
            parent,
        )
        .join_lateral(
            JoinType::InnerJoin,
            inner,
            paged.clone(),
            Expr::cust("TRUE"),
        )
        .order_by((paged, page_row), Order::Asc)
        .to_owned();
    let stmt = db.get_database_backend().build(&outer);
    let rows = columns.read_raw(db, stmt).await?;
    let mut grouped: std::collections::HashMap<i32, Vec<E::Model>> =
        std::collections::HashMap::new();
    for row in rows {
        if let Value::Int(Some(parent)) = row.get(parent_col) {
            grouped.entry(parent).or_default().push(row);
        }
    }
    Ok(parents
        .iter()
        .map(|p| {
            let rows = grouped.remove(p).unwrap_or_default();
            (*p, finish_page(rows, &sort, id_col, window))
        })
        .collect())
}

/// Counts the items matching `filter` (a connection's `totalCount`).
pub async fn count<E, C>(db: &C, filter: Condition) -> AppResult<u64>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
{
    Ok(E::find().filter(filter).count(db).await?)
}

/// How many items match `filter`, per parent, in one statement (nested lists' `totalCount`).
pub async fn count_by_parent<E, C>(
    db: &C,
    parent_col: E::Column,
    parents: &[i32],
    filter: Condition,
) -> AppResult<std::collections::HashMap<i32, u64>>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let rows: Vec<(i32, i64)> = E::find()
        .select_only()
        .column(parent_col)
        .column_as(parent_col.count(), "n")
        .filter(filter)
        .filter(id_in(db.get_database_backend(), parent_col, parents))
        .group_by(parent_col)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, n)| (id, n as u64)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_defaults_to_fifty_and_is_capped() {
        assert_eq!(PageArgs::default().window().unwrap().size, 50);
        let args = PageArgs {
            limit: Some(201),
            ..Default::default()
        };
        assert!(args.window().is_err());
        let args = PageArgs {
            first: Some(-1),
            ..Default::default()
        };
        assert!(args.window().is_err());
    }

    #[test]
    fn conflicting_arguments_are_refused() {
        let both = PageArgs {
            first: Some(1),
            last: Some(1),
            ..Default::default()
        };
        assert!(both.window().is_err());
        let offset_and_cursor = PageArgs {
            offset: Some(5),
            after: Some(encode_cursor(1.into(), 1)),
            ..Default::default()
        };
        assert!(offset_and_cursor.window().is_err());
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let text = encode_cursor("2026-11-23T13:01:15+00:00".into(), 42);
        let args = PageArgs {
            after: Some(text),
            ..Default::default()
        };
        let cursor = args.window().unwrap().cursor.unwrap();
        assert_eq!(cursor.id, 42);
        assert!(
            key_from_json(KeyKind::DateTime, &cursor.key, "after")
                .unwrap()
                .is_some()
        );
        let bad = PageArgs {
            after: Some("not-a-cursor".into()),
            ..Default::default()
        };
        assert!(bad.window().is_err());
    }

    #[test]
    fn backward_pages_read_the_list_reversed_with_nulls_first() {
        assert_eq!(effective(false, false), (false, true));
        assert_eq!(effective(false, true), (true, false));
        assert_eq!(effective(true, true), (false, false));
    }
}
