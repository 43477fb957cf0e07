//! DataLoaders: every relation is fetched for all parents of a level at once (no N+1).

use std::{
    collections::HashMap,
    hash::{Hash, Hasher},
    sync::Arc,
};

use async_graphql::{
    Context, ErrorExtensions, Result,
    dataloader::{DataLoader, Loader},
};
use entity::{integration, integration_run, user};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter};

use super::types::{
    Integration, IntegrationRunConnection, IntegrationRunFilter, IntegrationRunOrder, User,
};
use crate::{
    error::AppError,
    service::{
        paging::{Page, PageArgs, Sort},
        runs,
    },
};

/// Loader errors must be `Clone`; the typed error is shared.
type LoadError = Arc<AppError>;

fn load_error(e: AppError) -> LoadError {
    Arc::new(e)
}

fn to_graphql(e: LoadError) -> async_graphql::Error {
    e.extend()
}

/// Integrations by id.
#[derive(Debug)]
pub struct IntegrationLoader(DatabaseConnection);

impl Loader<i32> for IntegrationLoader {
    type Value = integration::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let rows = integration::Entity::find()
            .filter(integration::Column::Id.is_in(keys.iter().copied()))
            .all(&self.0)
            .await
            .map_err(|e| load_error(e.into()))?;
        Ok(rows.into_iter().map(|m| (m.id, m)).collect())
    }
}

/// Users by id.
#[derive(Debug)]
pub struct UserLoader(DatabaseConnection);

impl Loader<i32> for UserLoader {
    type Value = user::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let rows = user::Entity::find()
            .filter(user::Column::Id.is_in(keys.iter().copied()))
            .all(&self.0)
            .await
            .map_err(|e| load_error(e.into()))?;
        Ok(rows.into_iter().map(|m| (m.id, m)).collect())
    }
}

/// A nested list request: one parent and the list arguments. Requests with the same arguments
/// (compared by `args_key`) are answered together by one statement.
#[derive(Clone, Debug)]
pub struct ChildPageKey {
    parent: i32,
    args_key: Arc<str>,
    args: Arc<(Condition, Sort<integration_run::Column>, PageArgs)>,
}

impl PartialEq for ChildPageKey {
    fn eq(&self, other: &Self) -> bool {
        self.parent == other.parent && self.args_key == other.args_key
    }
}

impl Eq for ChildPageKey {}

impl Hash for ChildPageKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.parent.hash(state);
        self.args_key.hash(state);
    }
}

/// Groups keys by their list arguments.
fn by_args(keys: &[ChildPageKey]) -> HashMap<Arc<str>, Vec<&ChildPageKey>> {
    let mut groups: HashMap<Arc<str>, Vec<&ChildPageKey>> = HashMap::new();
    for k in keys {
        groups.entry(k.args_key.clone()).or_default().push(k);
    }
    groups
}

/// Pages of runs per integration.
#[derive(Debug)]
pub struct RunPageLoader(DatabaseConnection);

impl Loader<ChildPageKey> for RunPageLoader {
    type Value = Page<integration_run::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ChildPageKey],
    ) -> Result<HashMap<ChildPageKey, Self::Value>, Self::Error> {
        let mut out = HashMap::new();
        for group in by_args(keys).into_values() {
            let (filter, sort, args) = &*group[0].args;
            let parents: Vec<i32> = group.iter().map(|k| k.parent).collect();
            let mut pages =
                runs::list_by_integrations(&self.0, &parents, filter.clone(), *sort, args)
                    .await
                    .map_err(load_error)?;
            for key in group {
                out.insert(key.clone(), pages.remove(&key.parent).unwrap_or_default());
            }
        }
        Ok(out)
    }
}

/// Run counts per integration.
#[derive(Debug)]
pub struct RunCountLoader(DatabaseConnection);

impl Loader<ChildPageKey> for RunCountLoader {
    type Value = u64;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ChildPageKey],
    ) -> Result<HashMap<ChildPageKey, Self::Value>, Self::Error> {
        let mut out = HashMap::new();
        for group in by_args(keys).into_values() {
            let (filter, _, _) = &*group[0].args;
            let parents: Vec<i32> = group.iter().map(|k| k.parent).collect();
            let counts = runs::count_by_integrations(&self.0, &parents, filter.clone())
                .await
                .map_err(load_error)?;
            for key in group {
                out.insert(key.clone(), counts.get(&key.parent).copied().unwrap_or(0));
            }
        }
        Ok(out)
    }
}

/// Every loader of the schema; one instance, no cache, so nothing is ever served stale.
#[derive(Clone)]
pub struct Loaders {
    integrations: Arc<DataLoader<IntegrationLoader>>,
    users: Arc<DataLoader<UserLoader>>,
    run_pages: Arc<DataLoader<RunPageLoader>>,
    run_counts: Arc<DataLoader<RunCountLoader>>,
}

impl std::fmt::Debug for Loaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Loaders")
    }
}

impl Loaders {
    /// Loaders over a database.
    pub fn new(db: &DatabaseConnection) -> Self {
        Self {
            integrations: Arc::new(DataLoader::new(IntegrationLoader(db.clone()), tokio::spawn)),
            users: Arc::new(DataLoader::new(UserLoader(db.clone()), tokio::spawn)),
            run_pages: Arc::new(DataLoader::new(RunPageLoader(db.clone()), tokio::spawn)),
            run_counts: Arc::new(DataLoader::new(RunCountLoader(db.clone()), tokio::spawn)),
        }
    }
}

/// The integration with this id (a run's integration always exists: foreign key).
pub async fn integration(ctx: &Context<'_>, id: i32) -> Result<Integration> {
    let loaders = ctx.data::<Loaders>()?;
    loaders
        .integrations
        .load_one(id)
        .await
        .map_err(to_graphql)?
        .map(Integration)
        .ok_or_else(|| AppError::not_found_id("integration", id).extend())
}

/// The user with this id, if any.
pub async fn user(ctx: &Context<'_>, id: Option<i32>) -> Result<Option<User>> {
    let Some(id) = id else { return Ok(None) };
    let loaders = ctx.data::<Loaders>()?;
    Ok(loaders
        .users
        .load_one(id)
        .await
        .map_err(to_graphql)?
        .map(User))
}

/// A page of an integration's runs, batched with the same request for the other integrations.
pub async fn runs_of_integration(
    ctx: &Context<'_>,
    integration_id: i32,
    filter: Option<IntegrationRunFilter>,
    order: Option<IntegrationRunOrder>,
    args: PageArgs,
) -> Result<IntegrationRunConnection> {
    let loaders = ctx.data::<Loaders>()?.clone();
    let args_key: Arc<str> = format!("{filter:?}|{order:?}|{args:?}").into();
    let condition = filter.map(|f| f.condition()).unwrap_or_else(Condition::all);
    let sort = order.unwrap_or_default().sort();
    let key = ChildPageKey {
        parent: integration_id,
        args_key,
        args: Arc::new((condition, sort, args)),
    };
    let page = loaders
        .run_pages
        .load_one(key.clone())
        .await
        .map_err(to_graphql)?
        .unwrap_or_default();
    let count = Arc::new(move || {
        let loaders = loaders.clone();
        let key = key.clone();
        Box::pin(async move {
            loaders
                .run_counts
                .load_one(key)
                .await
                .map_err(to_graphql)
                .map(|n| n.unwrap_or(0))
        }) as _
    });
    Ok(IntegrationRunConnection::new(page, count))
}
