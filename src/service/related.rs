//! Related rows of many parents at once: the one way every adapter loads a relation (GraphQL's
//! data loaders, REST's renderers), one statement per relation and level whatever the number of
//! parents (`= ANY($1)` with one array parameter on PostgreSQL, see [`super::paging::id_in`]).

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, EntityTrait, ModelTrait, QueryFilter, QueryOrder, Value};

use super::paging::id_in;
use crate::error::AppResult;

fn int_of(v: Value) -> Option<i32> {
    match v {
        Value::Int(v) => v,
        _ => None,
    }
}

/// Distinct ids, sorted, without the absent ones.
pub fn distinct(ids: impl IntoIterator<Item = Option<i32>>) -> Vec<i32> {
    let mut ids: Vec<i32> = ids.into_iter().flatten().collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The rows of `E` whose `id_col` is one of `ids`, by id; no statement when there are none.
pub async fn by_id<E: EntityTrait>(
    db: &impl ConnectionTrait,
    id_col: E::Column,
    ids: &[i32],
) -> AppResult<HashMap<i32, E::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = E::find()
        .filter(id_in(db.get_database_backend(), id_col, ids))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|m| int_of(m.get(id_col)).map(|id| (id, m)))
        .collect())
}

/// Every row of `E` whose `parent_col` is one of `parents`, grouped by parent, each group in id
/// order (small, unpaged lists such as a record's responses or a run's errors).
pub async fn children_of<E: EntityTrait>(
    db: &impl ConnectionTrait,
    parent_col: E::Column,
    id_col: E::Column,
    parents: &[i32],
) -> AppResult<HashMap<i32, Vec<E::Model>>> {
    let mut out: HashMap<i32, Vec<E::Model>> = HashMap::new();
    if parents.is_empty() {
        return Ok(out);
    }
    let rows = E::find()
        .filter(id_in(db.get_database_backend(), parent_col, parents))
        .order_by_asc(id_col)
        .all(db)
        .await?;
    for row in rows {
        if let Some(parent) = int_of(row.get(parent_col)) {
            out.entry(parent).or_default().push(row);
        }
    }
    Ok(out)
}
