//! Rows read in part: only the columns a reader needs, decoded by their position in the select
//! list (no lookup of a column by name per value) into the table's model, whose other fields keep
//! their `Default` values. A reader that asks for a column must read no other field of the model.
//!
//! Reading a whole row into a model by column name was about 30% of the gateway's CPU under a
//! three-level read (bench/run, Q4) where it needed a few columns of each row.

use sea_orm::{
    ConnectionTrait, DbErr, EntityTrait, IdenStatic, ModelTrait, QueryResult, QuerySelect,
    QueryTrait, Select, Statement, Value,
};

/// How a column's value is read: the type of its model field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Int,
    BigInt,
    Text,
    Bool,
    Json,
    DateTime,
}

impl Kind {
    /// The kind of a model field's value; `None` for a type read only by name.
    fn of(value: &Value) -> Option<Self> {
        Some(match value {
            Value::Int(_) => Self::Int,
            Value::BigInt(_) => Self::BigInt,
            Value::String(_) => Self::Text,
            Value::Bool(_) => Self::Bool,
            Value::Json(_) => Self::Json,
            Value::ChronoDateTimeUtc(_) => Self::DateTime,
            _ => return None,
        })
    }

    /// The value at `index` of `row`, in the variant the model's field takes.
    fn read(self, row: &QueryResult, index: usize) -> Result<Value, DbErr> {
        Ok(match self {
            Self::Int => Value::Int(row.try_get_by_index(index)?),
            Self::BigInt => Value::BigInt(row.try_get_by_index(index)?),
            Self::Text => Value::String(row.try_get_by_index(index)?),
            Self::Bool => Value::Bool(row.try_get_by_index(index)?),
            Self::Json => Value::Json(
                row.try_get_by_index::<Option<serde_json::Value>>(index)?
                    .map(Box::new),
            ),
            Self::DateTime => Value::ChronoDateTimeUtc(row.try_get_by_index(index)?),
        })
    }
}

/// Which columns of `E`'s rows to read: some, in select order, or every one.
pub struct Columns<E: EntityTrait> {
    /// The columns and how each is read; `None`: the whole row, by name.
    only: Option<Vec<(E::Column, Kind)>>,
}

impl<E: EntityTrait> Clone for Columns<E> {
    fn clone(&self) -> Self {
        Self {
            only: self.only.clone(),
        }
    }
}

impl<E: EntityTrait> std::fmt::Debug for Columns<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.only {
            Some(only) => f
                .debug_list()
                .entries(only.iter().map(|(c, _)| c.as_str()))
                .finish(),
            None => f.write_str("*"),
        }
    }
}

impl<E> Columns<E>
where
    E: EntityTrait<Model: Default>,
{
    /// No column yet.
    pub fn none() -> Self {
        Self {
            only: Some(Vec::new()),
        }
    }

    /// Every column (the whole model).
    pub fn all() -> Self {
        Self { only: None }
    }

    /// Whether every column is read.
    pub fn is_all(&self) -> bool {
        self.only.is_none()
    }

    /// Reads `column` too (once; a column of a type read only by name makes it the whole row).
    pub fn add(&mut self, column: E::Column) {
        let Some(only) = &mut self.only else { return };
        if only.iter().any(|(c, _)| c.as_str() == column.as_str()) {
            return;
        }
        match Kind::of(&E::Model::default().get(column)) {
            Some(kind) => only.push((column, kind)),
            None => self.only = None,
        }
    }

    /// Reads the column named `name` (the model's field name); a name that is no column makes
    /// it the whole row.
    pub fn add_named(&mut self, name: &str) {
        match name.parse::<E::Column>() {
            Ok(column) => self.add(column),
            Err(_) => self.only = None,
        }
    }

    /// Reads the whole row.
    pub fn add_all(&mut self) {
        self.only = None;
    }

    /// A select of `E`'s rows for these columns to be added to ([`select`](Self::select),
    /// [`read`](Self::read)): one selecting nothing yet when some, `E::find()` (every column)
    /// when all. `E::find()` builds an expression for each of the table's columns, which
    /// `select` then throws away: a tenth of a one-level list read's CPU (bench Q3); the empty
    /// select is made once per table and copied.
    pub fn find(&self) -> Select<E> {
        use std::any::{Any, TypeId};
        type Selects = std::collections::HashMap<TypeId, Box<dyn Any + Send + Sync>>;
        static BARE: std::sync::LazyLock<std::sync::RwLock<Selects>> =
            std::sync::LazyLock::new(Default::default);
        if self.only.is_none() {
            return E::find();
        }
        let cached = BARE.read().ok().and_then(|selects| {
            selects
                .get(&TypeId::of::<E>())
                .and_then(|s| s.downcast_ref::<Select<E>>())
                .cloned()
        });
        cached.unwrap_or_else(|| {
            let bare = E::find().select_only();
            if let Ok(mut selects) = BARE.write() {
                selects.insert(TypeId::of::<E>(), Box::new(bare.clone()));
            }
            bare
        })
    }

    /// `select` reading these columns, in this order, first (nothing else when some).
    pub fn select(&self, select: Select<E>) -> Select<E> {
        match &self.only {
            Some(only) => select
                .select_only()
                .columns(only.iter().map(|(column, _)| *column)),
            None => select,
        }
    }

    /// The models of the rows `select` finds (built by [`select`](Self::select) or not: these
    /// columns are selected here).
    pub async fn read<C: ConnectionTrait>(
        &self,
        db: &C,
        select: Select<E>,
    ) -> Result<Vec<E::Model>, DbErr> {
        match &self.only {
            Some(_) => {
                let statement = self.select(select).build(db.get_database_backend());
                self.read_raw(db, statement).await
            }
            None => select.all(db).await,
        }
    }

    /// The row of `E` whose `id_column` is `id`, if any. The statement's text is made once per
    /// engine, table and set of columns (one-row reads are frequent, and building the same
    /// statement with sea-query was a sixth of their CPU); at most [`MAX_CACHED_STATEMENTS`]
    /// such shapes are kept, others are built each time.
    pub async fn read_by_id<C: ConnectionTrait>(
        &self,
        db: &C,
        id_column: E::Column,
        id: i32,
    ) -> Result<Option<E::Model>, DbErr> {
        use sea_orm::{ColumnTrait, QueryFilter};
        // No LIMIT: the key matches one row at most, and a LIMIT's parameter and plan node cost
        // PostgreSQL time on every read.
        let build = |id: i32| {
            self.select(E::find().filter(id_column.eq(id)))
                .build(db.get_database_backend())
        };
        let Some(only) = &self.only else {
            return E::find().from_raw_sql(build(id)).one(db).await;
        };
        let mut key = format!(
            "{:?} {} {}",
            db.get_database_backend(),
            E::default().table_name(),
            id_column.as_str()
        );
        for (column, _) in only {
            key.push(' ');
            key.push_str(column.as_str());
        }
        let statement = match cached_statement(&key) {
            Some(mut statement) => {
                statement.values = statement.values.map(|mut values| {
                    values.0[0] = Value::Int(Some(id));
                    values
                });
                statement
            }
            None => {
                let statement = build(id);
                // The id must be the first parameter for the text to be reused.
                if statement
                    .values
                    .as_ref()
                    .is_some_and(|v| v.0.first() == Some(&Value::Int(Some(id))))
                {
                    keep_statement(key, &statement);
                }
                statement
            }
        };
        Ok(self.read_raw(db, statement).await?.into_iter().next())
    }

    /// The models of the rows of `statement`, whose select list starts with these columns (any
    /// columns after them are not read).
    pub async fn read_raw<C: ConnectionTrait>(
        &self,
        db: &C,
        statement: Statement,
    ) -> Result<Vec<E::Model>, DbErr> {
        match &self.only {
            Some(only) => db
                .query_all_raw(statement)
                .await?
                .iter()
                .map(|row| decode::<E>(only, row))
                .collect(),
            None => E::find().from_raw_sql(statement).all(db).await,
        }
    }
}

/// The most statement shapes [`Columns::read_by_id`] keeps (the subsets of a table's columns a
/// client may select are many; the ones in use are few).
pub const MAX_CACHED_STATEMENTS: usize = 1024;

/// Statements by shape (engine, table, key column, columns), with their parameters as made.
/// Hashed with foldhash (randomly seeded per process): the key is hashed on every one-row read,
/// and SipHash showed in their profile.
static STATEMENTS: std::sync::LazyLock<
    std::sync::RwLock<std::collections::HashMap<String, Statement, foldhash::fast::RandomState>>,
> = std::sync::LazyLock::new(Default::default);

fn cached_statement(key: &str) -> Option<Statement> {
    STATEMENTS.read().ok()?.get(key).cloned()
}

fn keep_statement(key: String, statement: &Statement) {
    if let Ok(mut statements) = STATEMENTS.write()
        && statements.len() < MAX_CACHED_STATEMENTS
    {
        statements.insert(key, statement.clone());
    }
}

/// A model with `only`'s columns read from `row` by position; other fields keep their defaults.
fn decode<E>(only: &[(E::Column, Kind)], row: &QueryResult) -> Result<E::Model, DbErr>
where
    E: EntityTrait<Model: Default>,
{
    let mut model = E::Model::default();
    for (index, (column, kind)) in only.iter().enumerate() {
        model.try_set(*column, kind.read(row, index)?)?;
    }
    Ok(model)
}

/// Every column of `E` has a kind read by position (so [`Columns::add`] never falls back to the
/// whole row for it).
#[cfg(test)]
pub(crate) fn every_column_reads_by_position<E>() -> bool
where
    E: EntityTrait<Model: Default>,
{
    use sea_orm::Iterable;
    E::Column::iter().all(|column| Kind::of(&E::Model::default().get(column)).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statement_cache_keeps_a_bounded_number_of_shapes() {
        // A client can select many subsets of a table's columns; each is a shape.
        let statement = Statement::from_string(sea_orm::DbBackend::Sqlite, "SELECT 1");
        for n in 0..MAX_CACHED_STATEMENTS + 50 {
            keep_statement(format!("test shape {n}"), &statement);
        }
        assert_eq!(STATEMENTS.read().unwrap().len(), MAX_CACHED_STATEMENTS);
        assert!(cached_statement("test shape 0").is_some());
        assert!(cached_statement(&format!("test shape {}", MAX_CACHED_STATEMENTS + 49)).is_none());
    }
}
