//! DataLoaders: every relation is fetched for all parents of a level at once (no N+1).

use std::{
    collections::HashMap,
    hash::{Hash, Hasher},
    marker::PhantomData,
    sync::Arc,
    time::Duration,
};

use async_graphql::{
    Context, ErrorExtensions, Result,
    dataloader::{DataLoader, Loader},
};
use entity::{
    integration, integration_contact, integration_error, integration_history_record,
    integration_record_response, integration_run, user,
};
use sea_orm::{Condition, DatabaseConnection, EntityTrait};

use super::connection::CountFn;
use crate::{
    error::AppError,
    service::{
        paging::{self, Page, PageArgs, Sort},
        related,
    },
};

/// Loader errors must be `Clone`; the typed error is shared.
type LoadError = Arc<AppError>;

fn load_error(e: impl Into<AppError>) -> LoadError {
    Arc::new(e.into())
}

/// The GraphQL form of a loader error (its code kept).
pub fn to_graphql(e: LoadError) -> async_graphql::Error {
    e.extend()
}

/// Records a loader's batch size (keys per load), to show whether batching works under load: a
/// level was seen to take several batches per request there, not one, so they are counted.
fn record_batch<E>(kind: &str, keys: usize) {
    let metrics = crate::observability::metrics::metrics();
    metrics.loader_batch(
        &crate::observability::metrics::loader_label::<E>(kind),
        keys,
    );
}

/// Rows of `E` by primary key (`id`).
pub struct ById<E: EntityTrait> {
    db: DatabaseConnection,
    id_col: E::Column,
}

impl<E: EntityTrait> std::fmt::Debug for ById<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ById")
    }
}

impl<E> Loader<i32> for ById<E>
where
    E: EntityTrait,
    E::Model: Sync + Clone + Default,
    E::Column: Send + Sync,
{
    type Value = E::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        record_batch::<E>("by_id", keys.len());
        related::by_id::<E>(&self.db, self.id_col, keys)
            .await
            .map_err(load_error)
    }
}

impl<E> ById<E>
where
    E: EntityTrait,
    E::Model: Sync + Clone + Default,
    E::Column: Send + Sync,
{
    fn loader(
        db: &DatabaseConnection,
        id_col: E::Column,
        delay: Duration,
    ) -> Arc<DataLoader<Self>> {
        Arc::new(
            DataLoader::new(
                Self {
                    db: db.clone(),
                    id_col,
                },
                tokio::spawn,
            )
            .delay(delay),
        )
    }
}

/// Every child of `E` of each parent (small, unpaged lists such as a record's responses), by id.
pub struct ChildrenOf<E: EntityTrait> {
    db: DatabaseConnection,
    parent_col: E::Column,
    id_col: E::Column,
}

impl<E: EntityTrait> std::fmt::Debug for ChildrenOf<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChildrenOf")
    }
}

impl<E> Loader<i32> for ChildrenOf<E>
where
    E: EntityTrait,
    E::Model: Sync + Clone + Default,
    E::Column: Send + Sync,
{
    type Value = Vec<E::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        record_batch::<E>("children_of", keys.len());
        related::children_of::<E>(&self.db, self.parent_col, self.id_col, keys)
            .await
            .map_err(load_error)
    }
}

/// A nested list request: one parent and the list arguments. Requests with the same arguments
/// (compared by `args_key`) are answered together by one statement.
#[derive(Clone, Debug)]
pub struct ChildPageKey<C> {
    parent: i32,
    args_key: Arc<str>,
    args: Arc<(Condition, Sort<C>, PageArgs)>,
}

impl<C> PartialEq for ChildPageKey<C> {
    fn eq(&self, other: &Self) -> bool {
        self.parent == other.parent && self.args_key == other.args_key
    }
}

impl<C> Eq for ChildPageKey<C> {}

impl<C> Hash for ChildPageKey<C> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.parent.hash(state);
        self.args_key.hash(state);
    }
}

/// Groups keys by their list arguments.
fn by_args<C>(keys: &[ChildPageKey<C>]) -> HashMap<Arc<str>, Vec<&ChildPageKey<C>>> {
    let mut groups: HashMap<Arc<str>, Vec<&ChildPageKey<C>>> = HashMap::new();
    for k in keys {
        groups.entry(k.args_key.clone()).or_default().push(k);
    }
    groups
}

/// Pages of the children of many parents (e.g. the runs of each integration).
pub struct ChildPages<E: EntityTrait> {
    db: DatabaseConnection,
    parent_col: E::Column,
    id_col: E::Column,
}

impl<E: EntityTrait> std::fmt::Debug for ChildPages<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChildPages")
    }
}

impl<E> Loader<ChildPageKey<E::Column>> for ChildPages<E>
where
    E: EntityTrait,
    E::Model: Sync + Clone + Default,
    E::Column: Send + Sync + 'static,
{
    type Value = Page<E::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ChildPageKey<E::Column>],
    ) -> Result<HashMap<ChildPageKey<E::Column>, Self::Value>, Self::Error> {
        record_batch::<E>("child_pages", keys.len());
        let mut out = HashMap::new();
        for group in by_args(keys).into_values() {
            let (filter, sort, args) = &*group[0].args;
            let parents: Vec<i32> = group.iter().map(|k| k.parent).collect();
            let mut pages = paging::fetch_pages_by_parent::<E, _>(
                &self.db,
                self.parent_col,
                &parents,
                filter.clone(),
                *sort,
                self.id_col,
                args,
            )
            .await
            .map_err(load_error)?;
            for key in group {
                out.insert(key.clone(), pages.remove(&key.parent).unwrap_or_default());
            }
        }
        Ok(out)
    }
}

/// How many children each parent has (nested lists' `totalCount`).
pub struct ChildCounts<E: EntityTrait> {
    db: DatabaseConnection,
    parent_col: E::Column,
    _entity: PhantomData<E>,
}

impl<E: EntityTrait> std::fmt::Debug for ChildCounts<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChildCounts")
    }
}

impl<E> Loader<ChildPageKey<E::Column>> for ChildCounts<E>
where
    E: EntityTrait,
    E::Column: Send + Sync + 'static,
{
    type Value = u64;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ChildPageKey<E::Column>],
    ) -> Result<HashMap<ChildPageKey<E::Column>, Self::Value>, Self::Error> {
        record_batch::<E>("child_counts", keys.len());
        let mut out = HashMap::new();
        for group in by_args(keys).into_values() {
            let (filter, _, _) = &*group[0].args;
            let parents: Vec<i32> = group.iter().map(|k| k.parent).collect();
            let counts = paging::count_by_parent::<E, _>(
                &self.db,
                self.parent_col,
                &parents,
                filter.clone(),
            )
            .await
            .map_err(load_error)?;
            for key in group {
                out.insert(key.clone(), counts.get(&key.parent).copied().unwrap_or(0));
            }
        }
        Ok(out)
    }
}

/// A paged child relation: its page loader and its count loader.
pub struct ChildList<E: EntityTrait>
where
    E::Model: Sync + Clone + Default,
    E::Column: Send + Sync + 'static,
{
    pages: DataLoader<ChildPages<E>>,
    counts: DataLoader<ChildCounts<E>>,
}

impl<E: EntityTrait> std::fmt::Debug for ChildList<E>
where
    E::Model: Sync + Clone + Default,
    E::Column: Send + Sync + 'static,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChildList")
    }
}

impl<E: EntityTrait> ChildList<E>
where
    E::Model: Sync + Clone + Default,
    E::Column: Send + Sync + 'static,
{
    fn new(
        db: &DatabaseConnection,
        parent_col: E::Column,
        id_col: E::Column,
        delay: Duration,
    ) -> Arc<Self> {
        Arc::new(Self {
            pages: DataLoader::new(
                ChildPages {
                    db: db.clone(),
                    parent_col,
                    id_col,
                },
                tokio::spawn,
            )
            .delay(delay),
            counts: DataLoader::new(
                ChildCounts {
                    db: db.clone(),
                    parent_col,
                    _entity: PhantomData,
                },
                tokio::spawn,
            )
            .delay(delay),
        })
    }

    /// One parent's page, batched with the same request for the other parents, and its lazy count.
    pub async fn page(
        self: &Arc<Self>,
        parent: i32,
        args_key: String,
        condition: Condition,
        sort: Sort<E::Column>,
        args: PageArgs,
    ) -> Result<(Page<E::Model>, CountFn)> {
        let key = ChildPageKey {
            parent,
            args_key: args_key.into(),
            args: Arc::new((condition, sort, args)),
        };
        let page = self
            .pages
            .load_one(key.clone())
            .await
            .map_err(to_graphql)?
            .unwrap_or_default();
        let this = self.clone();
        let count: CountFn = Arc::new(move || {
            let this = this.clone();
            let key = key.clone();
            Box::pin(async move {
                this.counts
                    .load_one(key)
                    .await
                    .map_err(to_graphql)
                    .map(|n| n.unwrap_or(0))
            })
        });
        Ok((page, count))
    }
}

/// Every loader of the schema; one instance, no cache, so nothing is ever served stale.
#[derive(Clone)]
pub struct Loaders {
    /// Integrations by id.
    pub integrations: Arc<DataLoader<ById<integration::Entity>>>,
    /// Runs by id.
    pub runs: Arc<DataLoader<ById<integration_run::Entity>>>,
    /// Integration errors by id.
    pub errors: Arc<DataLoader<ById<integration_error::Entity>>>,
    /// Alerts by id.
    pub alerts: Arc<DataLoader<ById<entity::integration_alert::Entity>>>,
    /// History records by id.
    pub records: Arc<DataLoader<ById<integration_history_record::Entity>>>,
    /// Users by id.
    pub users: Arc<DataLoader<ById<user::Entity>>>,
    /// Responses by id (for `node`).
    pub responses: Arc<DataLoader<ById<integration_record_response::Entity>>>,
    /// Contacts by id (for `node`).
    pub contacts: Arc<DataLoader<ById<integration_contact::Entity>>>,
    /// An integration's runs.
    pub runs_of_integration: Arc<ChildList<integration_run::Entity>>,
    /// A run's errors.
    pub errors_of_run: Arc<ChildList<integration_error::Entity>>,
    /// A run's history records.
    pub records_of_run: Arc<ChildList<integration_history_record::Entity>>,
    /// A history record's responses.
    pub responses_of_record: Arc<DataLoader<ChildrenOf<integration_record_response::Entity>>>,
    /// An error's responses.
    pub responses_of_error: Arc<DataLoader<ChildrenOf<integration_record_response::Entity>>>,
    /// Webhook endpoints by id.
    pub webhook_endpoints: Arc<DataLoader<ById<entity::webhook_endpoint::Entity>>>,
    /// Deliveries by id (for `node`).
    pub deliveries: Arc<DataLoader<ById<entity::delivery::Entity>>>,
    /// Delivery attempts by id (for `node`).
    pub delivery_attempts: Arc<DataLoader<ById<entity::delivery_attempt::Entity>>>,
    /// A delivery's attempts.
    pub attempts_of_delivery: Arc<DataLoader<ChildrenOf<entity::delivery_attempt::Entity>>>,
    /// An integration's contacts, active and not (the field filters: one statement serves both).
    pub contacts_of_integration: Arc<DataLoader<ChildrenOf<integration_contact::Entity>>>,
}

impl std::fmt::Debug for Loaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Loaders")
    }
}

impl Loaders {
    /// Loaders over a database; each waits `delay` after its first key to gather the others.
    pub fn new(db: &DatabaseConnection, delay: Duration) -> Self {
        use integration_record_response::Column as R;
        Self {
            integrations: ById::loader(db, integration::Column::Id, delay),
            runs: ById::loader(db, integration_run::Column::Id, delay),
            records: ById::loader(db, integration_history_record::Column::Id, delay),
            errors: ById::loader(db, integration_error::Column::Id, delay),
            alerts: ById::loader(db, entity::integration_alert::Column::Id, delay),
            users: ById::loader(db, user::Column::Id, delay),
            responses: ById::loader(db, R::Id, delay),
            contacts: ById::loader(db, integration_contact::Column::Id, delay),
            contacts_of_integration: Arc::new(
                DataLoader::new(
                    ChildrenOf {
                        db: db.clone(),
                        parent_col: integration_contact::Column::IntegrationId,
                        id_col: integration_contact::Column::Id,
                    },
                    tokio::spawn,
                )
                .delay(delay),
            ),
            runs_of_integration: ChildList::new(
                db,
                integration_run::Column::IntegrationId,
                integration_run::Column::Id,
                delay,
            ),
            errors_of_run: ChildList::new(
                db,
                integration_error::Column::IntegrationRunId,
                integration_error::Column::Id,
                delay,
            ),
            records_of_run: ChildList::new(
                db,
                integration_history_record::Column::IntegrationRunId,
                integration_history_record::Column::Id,
                delay,
            ),
            responses_of_record: Arc::new(
                DataLoader::new(
                    ChildrenOf {
                        db: db.clone(),
                        parent_col: R::IntegrationHistoryRecordId,
                        id_col: R::Id,
                    },
                    tokio::spawn,
                )
                .delay(delay),
            ),
            responses_of_error: Arc::new(
                DataLoader::new(
                    ChildrenOf {
                        db: db.clone(),
                        parent_col: R::IntegrationErrorId,
                        id_col: R::Id,
                    },
                    tokio::spawn,
                )
                .delay(delay),
            ),
            webhook_endpoints: ById::loader(db, entity::webhook_endpoint::Column::Id, delay),
            deliveries: ById::loader(db, entity::delivery::Column::Id, delay),
            delivery_attempts: ById::loader(db, entity::delivery_attempt::Column::Id, delay),
            attempts_of_delivery: Arc::new(
                DataLoader::new(
                    ChildrenOf {
                        db: db.clone(),
                        parent_col: entity::delivery_attempt::Column::DeliveryId,
                        id_col: entity::delivery_attempt::Column::Id,
                    },
                    tokio::spawn,
                )
                .delay(delay),
            ),
        }
    }
}

/// The loaders of the schema.
pub fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a Loaders> {
    ctx.data::<Loaders>()
}

/// Loads one row by id through a `ById` loader; `None` when absent.
pub async fn by_id<E>(loader: &DataLoader<ById<E>>, id: Option<i32>) -> Result<Option<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync + Clone + Default,
    E::Column: Send + Sync,
{
    let Some(id) = id else { return Ok(None) };
    loader.load_one(id).await.map_err(to_graphql)
}

/// Loads one row that a foreign key guarantees; a miss is an internal error.
pub async fn required<E>(
    loader: &DataLoader<ById<E>>,
    entity: &'static str,
    id: i32,
) -> Result<E::Model>
where
    E: EntityTrait,
    E::Model: Sync + Clone + Default,
    E::Column: Send + Sync,
{
    by_id(loader, Some(id))
        .await?
        .ok_or_else(|| AppError::not_found_id(entity, id).extend())
}
