//! The root subscription: live changes, each optionally replayed from the event log first
//! (`afterSequence`), with no gap and no duplicate at the seam.
//!
//! Run by the gateway's fan-out ([`super::fanout`]), a resolver reads a [`Tap`] from the request
//! data: a shared execution follows the live events only (its receiver taken when its group
//! was made) and a subscriber's own execution only replays; both say which event each answer
//! is for.

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicBool, AtomicI64, Ordering},
};

use async_graphql::{Context, Result, Subscription};
use entity::integration_event as event;
use futures_util::{Stream, StreamExt};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection};
use tokio::sync::broadcast::{self, error::RecvError};

use super::{
    enums::{ContactAlertType, DocumentType, RunStatus},
    mutation::integrations::IntegrationRefInput,
    types::event::{
        IntegrationAlertRaised, IntegrationErrorChange, IntegrationHistoryRecordChange,
        IntegrationRunChange, IntegrationRunStatusChange,
    },
};
use crate::{
    broker::{Broker, SharedEvent},
    domain,
    error::AppError,
    service::{events, events::EventType, integrations},
};

/// Live changes of runs, history records, errors and alerts.
#[derive(Debug, Default)]
pub struct SubscriptionRoot;

/// Which events a subscription wants; the same test in SQL (replay) and in memory (live).
#[derive(Clone, Debug, Default)]
struct EventFilter {
    types: Vec<EventType>,
    run_id: Option<i32>,
    integration_id: Option<i32>,
    new_statuses: Option<Vec<String>>,
    document_type: Option<String>,
    document_id: Option<i32>,
    /// Alerts for these contacts (an alert for Both reaches every type).
    audience: Option<domain::ContactAlertType>,
}

impl EventFilter {
    fn alert_types(&self) -> Option<Vec<&'static str>> {
        match self.audience? {
            domain::ContactAlertType::Both => None,
            a => Some(vec![a.as_str(), domain::ContactAlertType::Both.as_str()]),
        }
    }

    fn condition(&self) -> Condition {
        use event::Column as C;
        let mut c = Condition::all().add(C::EventType.is_in(self.types.iter().map(|t| t.as_str())));
        if let Some(id) = self.run_id {
            c = c.add(C::IntegrationRunId.eq(id));
        }
        if let Some(id) = self.integration_id {
            c = c.add(C::IntegrationId.eq(id));
        }
        if let Some(statuses) = &self.new_statuses {
            c = c.add(C::NewStatus.is_in(statuses.iter().map(String::as_str)));
        }
        if let Some(t) = &self.document_type {
            c = c.add(C::DocumentType.eq(t.as_str()));
        }
        if let Some(id) = self.document_id {
            c = c.add(C::DocumentId.eq(id));
        }
        if let Some(types) = self.alert_types() {
            c = c.add(C::ContactAlertType.is_in(types));
        }
        c
    }

    fn matches(&self, e: &event::Model) -> bool {
        let kind_ok = EventType::parse(&e.event_type).is_some_and(|t| self.types.contains(&t));
        kind_ok
            && self
                .run_id
                .is_none_or(|id| e.integration_run_id == Some(id))
            && self
                .integration_id
                .is_none_or(|id| e.integration_id == Some(id))
            && self
                .new_statuses
                .as_ref()
                .is_none_or(|s| e.new_status.as_ref().is_some_and(|n| s.contains(n)))
            && self
                .document_type
                .as_ref()
                .is_none_or(|t| e.document_type.as_ref() == Some(t))
            && self.document_id.is_none_or(|id| e.document_id == Some(id))
            && self.alert_types().is_none_or(|types| {
                e.contact_alert_type
                    .as_deref()
                    .is_some_and(|t| types.contains(&t))
            })
    }
}

/// What a subscription's execution is for, given in its request data by the fan-out.
#[derive(Debug)]
pub struct Tap {
    mode: TapMode,
    /// The sequence of the event the resolver yielded last, or [`NO_EVENT`] when its last item
    /// was no event (an error).
    sequence: AtomicI64,
    /// Whether the live execution fell behind the broker (its last item is `SLOW_CONSUMER`).
    lagged: AtomicBool,
}

#[derive(Debug)]
enum TapMode {
    /// The shared execution of a group: live events only (any `afterSequence` is the members'
    /// business), from a receiver taken when the group was made.
    Live(Mutex<Option<broadcast::Receiver<SharedEvent>>>),
    /// One subscriber's replay of `afterSequence`: the stored events, then the end.
    Replay,
}

/// [`Tap::sequence`] when the last item was no event.
const NO_EVENT: i64 = i64::MIN;

impl Tap {
    /// A shared live execution that follows `receiver`.
    pub fn live(receiver: broadcast::Receiver<SharedEvent>) -> Self {
        Self {
            mode: TapMode::Live(Mutex::new(Some(receiver))),
            sequence: AtomicI64::new(NO_EVENT),
            lagged: AtomicBool::new(false),
        }
    }

    /// A replay that ends with the stored events.
    pub fn replay() -> Self {
        Self {
            mode: TapMode::Replay,
            sequence: AtomicI64::new(NO_EVENT),
            lagged: AtomicBool::new(false),
        }
    }

    /// The sequence of the event the last answer was for (`None`: it was for no event). The
    /// execution resolves an event before it polls the resolver for the next one, so this is
    /// read between the two.
    pub fn take_sequence(&self) -> Option<i64> {
        let s = self.sequence.swap(NO_EVENT, Ordering::AcqRel);
        (s != NO_EVENT).then_some(s)
    }

    /// Whether the live execution fell behind the broker.
    pub fn lagged(&self) -> bool {
        self.lagged.load(Ordering::Acquire)
    }

    /// Says the next answer is for the event of `sequence`.
    pub(crate) fn record(&self, sequence: i64) {
        self.sequence.store(sequence, Ordering::Release);
    }
}

/// Replays stored events after `after` (when given), then follows the live ones. The live
/// receiver is taken before the replay reads, so nothing committed meanwhile is missed, and
/// sequences at or below the last one seen are skipped, so nothing is delivered twice. With a
/// [`Tap`], only the live part (from the tap's receiver) or only the replay runs.
fn event_stream(
    db: DatabaseConnection,
    broker: Arc<Broker>,
    filter: EventFilter,
    after: Option<i64>,
    tap: Option<Arc<Tap>>,
) -> impl Stream<Item = Result<SharedEvent, AppError>> {
    let (live, after) = match tap.as_deref().map(|t| &t.mode) {
        Some(TapMode::Live(receiver)) => {
            let taken = receiver.lock().ok().and_then(|mut r| r.take());
            (Some(taken.unwrap_or_else(|| broker.subscribe())), None)
        }
        Some(TapMode::Replay) => (None, after),
        None => (Some(broker.subscribe()), after),
    };
    async_stream::stream! {
        let mut seen = after.unwrap_or(0);
        let mut delivered = seen;
        if after.is_some() {
            loop {
                match events::after(&db, seen, filter.condition(), 500).await {
                    Ok(rows) => {
                        let done = rows.len() < 500;
                        for row in rows {
                            seen = row.sequence;
                            delivered = row.sequence;
                            if let Some(tap) = &tap {
                                tap.record(row.sequence);
                            }
                            yield Ok(Arc::new(row));
                        }
                        if done {
                            break;
                        }
                    }
                    Err(e) => {
                        yield Err(e);
                        return;
                    }
                }
            }
        }
        let Some(mut live) = live else { return };
        loop {
            match live.recv().await {
                Ok(e) => {
                    if e.sequence <= seen {
                        continue;
                    }
                    seen = e.sequence;
                    // Filtered before anything is executed.
                    if filter.matches(&e) {
                        delivered = e.sequence;
                        if let Some(tap) = &tap {
                            tap.record(e.sequence);
                        }
                        yield Ok(e);
                    }
                }
                Err(RecvError::Lagged(_)) => {
                    if let Some(tap) = &tap {
                        tap.lagged.store(true, Ordering::Release);
                    }
                    yield Err(AppError::SlowConsumer { last_delivered: delivered });
                    return;
                }
                Err(RecvError::Closed) => return,
            }
        }
    }
}

/// The database, the broker and the fan-out's tap.
type Setup = (DatabaseConnection, Arc<Broker>, Option<Arc<Tap>>);

/// The database, the broker, the tap and the integration id of an optional reference.
async fn setup(
    ctx: &Context<'_>,
    integration: Option<IntegrationRefInput>,
) -> Result<(Setup, Option<i32>)> {
    let db = ctx.data::<DatabaseConnection>()?.clone();
    let broker = ctx.data::<Arc<Broker>>()?.clone();
    let tap = ctx.data_opt::<Arc<Tap>>().cloned();
    let integration_id = match integration {
        Some(r) => Some(integrations::find(&db, &r.into()).await?.id),
        None => None,
    };
    Ok(((db, broker, tap), integration_id))
}

/// [`event_stream`] over what [`setup`] gave.
fn events_of(
    (db, broker, tap): Setup,
    filter: EventFilter,
    after: Option<i64>,
) -> impl Stream<Item = Result<SharedEvent, AppError>> {
    event_stream(db, broker, filter, after, tap)
}

fn items<T>(
    stream: impl Stream<Item = Result<SharedEvent, AppError>>,
    wrap: fn(SharedEvent) -> T,
) -> impl Stream<Item = Result<T>> {
    stream.map(move |item| item.map(wrap).map_err(Into::into))
}

/// Live changes of runs, history records, errors and alerts.
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Every committed status change of runs (the no-op repeat of an action changes nothing and
    /// sends nothing).
    async fn integration_run_status_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this run.")] run_id: Option<i32>,
        #[graphql(desc = "Only runs of this integration.")] integration: Option<
            IntegrationRefInput,
        >,
        #[graphql(desc = "Only changes to one of these statuses.")] statuses: Option<
            Vec<RunStatus>,
        >,
        #[graphql(desc = "First replay the stored changes after this sequence, then go on live.")]
        after_sequence: Option<i64>,
    ) -> Result<impl Stream<Item = Result<IntegrationRunStatusChange>>> {
        let (setup, integration_id) = setup(ctx, integration).await?;
        let filter = EventFilter {
            types: vec![EventType::RunStatusChanged],
            run_id,
            integration_id,
            new_statuses: statuses.map(|s| {
                s.into_iter()
                    .map(|x| domain::RunStatus::from(x).as_str().to_owned())
                    .collect()
            }),
            ..Default::default()
        };
        Ok(items(
            events_of(setup, filter, after_sequence),
            IntegrationRunStatusChange,
        ))
    }

    /// Every committed change of runs: created, fields updated (`recordsProcessed`, `endTime` …)
    /// and status changed, in commit order. For views of runs that count or sum them, which a
    /// status change alone does not keep up to date.
    async fn integration_run_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this run.")] run_id: Option<i32>,
        #[graphql(desc = "Only runs of this integration.")] integration: Option<
            IntegrationRefInput,
        >,
        #[graphql(desc = "First replay the stored changes after this sequence, then go on live.")]
        after_sequence: Option<i64>,
    ) -> Result<impl Stream<Item = Result<IntegrationRunChange>>> {
        let (setup, integration_id) = setup(ctx, integration).await?;
        let filter = EventFilter {
            types: vec![
                EventType::RunCreated,
                EventType::RunUpdated,
                EventType::RunStatusChanged,
            ],
            run_id,
            integration_id,
            ..Default::default()
        };
        Ok(items(
            events_of(setup, filter, after_sequence),
            IntegrationRunChange,
        ))
    }

    /// Every committed change of history records (created, updated, resolved, unresolved,
    /// acknowledged, exported).
    async fn integration_history_record_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only records of this integration.")] integration: Option<
            IntegrationRefInput,
        >,
        #[graphql(desc = "Only records of this document type.")] document_type: Option<
            DocumentType,
        >,
        #[graphql(desc = "Only records of this document id.")] document_id: Option<i32>,
        #[graphql(desc = "Only records with this transaction status (e.g. `Error`).")]
        status: Option<String>,
        #[graphql(desc = "First replay the stored changes after this sequence, then go on live.")]
        after_sequence: Option<i64>,
    ) -> Result<impl Stream<Item = Result<IntegrationHistoryRecordChange>>> {
        let (setup, integration_id) = setup(ctx, integration).await?;
        let filter = EventFilter {
            types: vec![
                EventType::RecordCreated,
                EventType::RecordUpdated,
                EventType::RecordResolved,
                EventType::RecordUnresolved,
                EventType::RecordAcknowledged,
                EventType::RecordExported,
            ],
            integration_id,
            document_type: document_type.map(|t| domain::DocumentType::from(t).as_str().to_owned()),
            document_id,
            new_statuses: status.map(|s| vec![s]),
            ..Default::default()
        };
        Ok(items(
            events_of(setup, filter, after_sequence),
            IntegrationHistoryRecordChange,
        ))
    }

    /// Every committed change of integration errors (created, updated, resolved, unresolved).
    async fn integration_error_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only errors of this run.")] run_id: Option<i32>,
        #[graphql(desc = "Only errors of this integration.")] integration: Option<
            IntegrationRefInput,
        >,
        #[graphql(desc = "First replay the stored changes after this sequence, then go on live.")]
        after_sequence: Option<i64>,
    ) -> Result<impl Stream<Item = Result<IntegrationErrorChange>>> {
        let (setup, integration_id) = setup(ctx, integration).await?;
        let filter = EventFilter {
            types: vec![
                EventType::ErrorCreated,
                EventType::ErrorUpdated,
                EventType::ErrorResolved,
                EventType::ErrorUnresolved,
            ],
            run_id,
            integration_id,
            ..Default::default()
        };
        Ok(items(
            events_of(setup, filter, after_sequence),
            IntegrationErrorChange,
        ))
    }

    /// Every alert raised; with `contactAlertType`, the alerts that reach those contacts (an alert
    /// for BOTH reaches every type).
    async fn integration_alert_raised(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only alerts to contacts of this integration.")] integration: Option<
            IntegrationRefInput,
        >,
        #[graphql(desc = "Only alerts that reach these contacts.")] contact_alert_type: Option<
            ContactAlertType,
        >,
        #[graphql(desc = "First replay the stored alerts after this sequence, then go on live.")]
        after_sequence: Option<i64>,
    ) -> Result<impl Stream<Item = Result<IntegrationAlertRaised>>> {
        let (setup, integration_id) = setup(ctx, integration).await?;
        let filter = EventFilter {
            types: vec![EventType::AlertRaised],
            integration_id,
            audience: contact_alert_type.map(Into::into),
            ..Default::default()
        };
        Ok(items(
            events_of(setup, filter, after_sequence),
            IntegrationAlertRaised,
        ))
    }
}
