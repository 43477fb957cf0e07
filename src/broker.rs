//! Fan-out of committed events to subscribers.
//!
//! Writers only commit rows to the event log; a dispatcher reads new rows by sequence (woken after
//! each mutation, and polling as a safety net for writers in other processes) and broadcasts them
//! in sequence order. On PostgreSQL writers leave their events unnumbered and a sequencer numbers
//! them after commit (woken the same way; see [`crate::service::events`]), then wakes the
//! dispatchers of every instance. Each subscriber may fall behind by at most the channel's capacity: one that
//! lags further is told so (SLOW_CONSUMER) and dropped, and never slows writers or other
//! subscribers. While nobody is subscribed it reads only the newest sequence, not the rows. After
//! each read of new events the dispatcher also wakes the delivery expander
//! ([`Broker::dispatched_events`], `crate::delivery`).

use std::{
    sync::{Arc, Weak},
    time::Duration,
};

use chrono::Utc;
use entity::integration_event as event;
use sea_orm::{Condition, DatabaseConnection};
use tokio::sync::{Notify, broadcast};

use crate::{error::AppResult, service::events};

/// A committed event, shared by every subscriber.
pub type SharedEvent = Arc<event::Model>;

/// How the broker runs.
#[derive(Clone, Copy, Debug)]
pub struct BrokerOptions {
    /// How many events a subscriber may fall behind before it is dropped.
    pub capacity: usize,
    /// How often the log is read when nothing wakes the dispatcher (writes of other processes).
    pub poll: Duration,
    /// How long events are kept for replay.
    pub retention: Duration,
}

impl Default for BrokerOptions {
    fn default() -> Self {
        Self {
            capacity: 1024,
            poll: Duration::from_millis(250),
            retention: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

/// The event fan-out of one gateway process.
#[derive(Debug)]
pub struct Broker {
    sender: broadcast::Sender<SharedEvent>,
    wake: Notify,
    /// On PostgreSQL: wakes the sequencer (`None` on SQLite, where writers number their events).
    sequencer: Option<Notify>,
    /// This broker's name in its announcements of numbered events.
    id: String,
    /// The sequence of the last event dispatched (for the event-log lag metric).
    dispatched: std::sync::atomic::AtomicI64,
    /// How many events a subscriber may fall behind.
    capacity: usize,
    /// Notified whenever the dispatcher has read new events (the delivery expander waits on it).
    dispatched_events: Arc<Notify>,
}

impl Broker {
    /// Starts the dispatcher (and the retention pruner) after the newest stored event; on
    /// PostgreSQL (`listen_url`) also a LISTEN connection, so changes committed by other gateway
    /// instances are dispatched at once.
    pub async fn start(
        db: DatabaseConnection,
        options: BrokerOptions,
        listen_url: Option<String>,
    ) -> AppResult<Arc<Self>> {
        let (sender, _) = broadcast::channel(options.capacity.max(1));
        let broker = Arc::new(Self {
            sender,
            wake: Notify::new(),
            sequencer: listen_url.is_some().then(Notify::new),
            id: uuid::Uuid::new_v4().simple().to_string(),
            dispatched: std::sync::atomic::AtomicI64::new(0),
            capacity: options.capacity.max(1),
            dispatched_events: Arc::new(Notify::new()),
        });
        let last = events::last_sequence(&db).await?;
        broker
            .dispatched
            .store(last, std::sync::atomic::Ordering::Relaxed);
        if broker.sequencer.is_some() {
            tokio::spawn(sequence(Arc::downgrade(&broker), db.clone(), options.poll));
        }
        tokio::spawn(dispatch(Arc::downgrade(&broker), db, last, options));
        if let Some(url) = listen_url {
            tokio::spawn(listen(Arc::downgrade(&broker), url));
        }
        Ok(broker)
    }

    /// Asks the dispatcher to read the log now (called after a write commits); on PostgreSQL the
    /// sequencer first numbers what was committed, then wakes the dispatcher.
    pub fn notify(&self) {
        match &self.sequencer {
            Some(sequencer) => sequencer.notify_one(),
            None => self.wake.notify_one(),
        }
    }

    /// A receiver of every event dispatched from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<SharedEvent> {
        self.sender.subscribe()
    }

    /// The sequence of the last event dispatched to subscribers.
    pub fn last_dispatched(&self) -> i64 {
        self.dispatched.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many events a subscriber may fall behind before it is dropped.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Notified whenever new events have been dispatched (the delivery expander's wake-up).
    pub fn dispatched_events(&self) -> Arc<Notify> {
        self.dispatched_events.clone()
    }

    /// How many subscribers are listening.
    pub fn subscribers(&self) -> usize {
        self.sender.receiver_count()
    }
}

/// Wakes the sequencer on every NOTIFY of committed, unnumbered events and the dispatcher on every
/// NOTIFY of numbered ones, except this process's and this broker's own (they woke them
/// in-process already). A notification lost while the connection was away costs nothing: both
/// read the tables, and both are woken after every reconnection to catch up. Reconnects with
/// backoff, until the broker is dropped.
async fn listen(broker: Weak<Broker>, url: String) {
    use sea_orm::sqlx::postgres::PgListener;
    let mut backoff = Duration::from_millis(100);
    loop {
        let connected = async {
            let mut listener = PgListener::connect(&url).await?;
            listener
                .listen_all([events::NOTIFY_CHANNEL, events::PENDING_CHANNEL])
                .await?;
            Ok::<_, sea_orm::sqlx::Error>(listener)
        }
        .await;
        let mut listener = match connected {
            Ok(l) => l,
            Err(e) => {
                if broker.upgrade().is_none() {
                    return;
                }
                tracing::warn!(error = %e, retry_in = ?backoff, "cannot LISTEN for events; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        backoff = Duration::from_millis(100);
        tracing::info!("listening for events committed by any gateway instance");
        loop {
            let Some(b) = broker.upgrade() else { return };
            // Whatever was committed while we were (re)connecting.
            b.notify();
            b.wake.notify_one();
            drop(b);
            match listener.try_recv().await {
                Ok(Some(n)) => {
                    if let Some(b) = broker.upgrade() {
                        if n.channel() == events::PENDING_CHANNEL {
                            if n.payload() != events::instance_id() {
                                b.notify();
                            }
                        } else if n.payload() != b.id {
                            b.wake.notify_one();
                        }
                    }
                }
                // The connection dropped; try_recv reconnects on the next call.
                Ok(None) => tracing::warn!("the LISTEN connection dropped; reconnecting"),
                Err(e) => {
                    tracing::warn!(error = %e, "the LISTEN connection failed; reconnecting");
                    break;
                }
            }
        }
    }
}

/// PostgreSQL: numbers committed events ([`events::sequence_pending`]) whenever woken (a local
/// write, a writer's NOTIFY) or at every poll, and wakes the dispatcher when it numbered any,
/// until the broker is dropped.
async fn sequence(broker: Weak<Broker>, db: DatabaseConnection, poll: Duration) {
    loop {
        let Some(b) = broker.upgrade() else { return };
        let Some(sequencer) = &b.sequencer else {
            return;
        };
        loop {
            match events::sequence_pending(&db, &b.id).await {
                Ok(n) => {
                    if n > 0 {
                        b.wake.notify_one();
                    }
                    if n < events::ROUND {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "numbering events failed; retrying");
                    break;
                }
            }
        }
        tokio::select! {
            _ = sequencer.notified() => {}
            _ = tokio::time::sleep(poll) => {}
        }
    }
}

/// Reads new events in sequence order and broadcasts them, until the broker is dropped.
async fn dispatch(
    broker: Weak<Broker>,
    db: DatabaseConnection,
    mut last: i64,
    options: BrokerOptions,
) {
    const PAGE: u64 = 500;
    let mut last_prune = std::time::Instant::now() - options.retention;
    loop {
        let Some(b) = broker.upgrade() else { return };
        loop {
            // Nobody listens: there is nothing to broadcast, so the position moves to the newest
            // event without reading the rows (reading every event a write load makes cost
            // PostgreSQL more than the writes). Checked again after the read: a subscriber that
            // came meanwhile gets the rows; one that comes later hears only later events, as if
            // these had been broadcast before it came (its replay reads the log itself).
            if b.sender.receiver_count() == 0 {
                match events::last_sequence(&db).await {
                    Ok(newest) if b.sender.receiver_count() == 0 => {
                        if newest > last {
                            last = newest;
                            b.dispatched
                                .store(last, std::sync::atomic::Ordering::Relaxed);
                            b.dispatched_events.notify_one();
                        }
                        break;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "reading the event log failed; retrying");
                        break;
                    }
                }
            }
            match events::after(&db, last, Condition::all(), PAGE).await {
                Ok(rows) => {
                    let n = rows.len() as u64;
                    for row in rows {
                        last = row.sequence;
                        // No receiver is not an error: events stay in the log for replay.
                        let _ = b.sender.send(Arc::new(row));
                    }
                    b.dispatched
                        .store(last, std::sync::atomic::Ordering::Relaxed);
                    if n > 0 {
                        b.dispatched_events.notify_one();
                    }
                    if n < PAGE {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "reading the event log failed; retrying");
                    break;
                }
            }
        }
        if last_prune.elapsed() >= Duration::from_secs(3600) {
            last_prune = std::time::Instant::now();
            let cutoff = Utc::now()
                - chrono::Duration::from_std(options.retention)
                    .unwrap_or(chrono::Duration::days(7));
            match events::prune(&db, cutoff).await {
                Ok(n) if n > 0 => tracing::info!(pruned = n, "pruned the event log"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "pruning the event log failed"),
            }
        }
        let wake = async { b.wake.notified().await };
        tokio::select! {
            _ = wake => {}
            _ = tokio::time::sleep(options.poll) => {}
        }
    }
}
