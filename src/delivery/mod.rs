//! The delivery worker of one gateway process: an expander that turns new events into
//! deliveries, and a worker that claims due deliveries and sends them, each through the
//! [`Sender`] of its channel. Why nothing is lost or sent twice is argued in
//! [`crate::service::deliveries`].
//!
//! - The expander runs when the broker's dispatcher has read new events (the broker wakes it),
//!   and on a poll (events committed by other instances, a missed wake-up).
//! - The worker claims due deliveries ahead of its sends: up to [`queue_depth`] times the sends
//!   it may have in flight, in total and per endpoint (its own claimed deliveries, counted here:
//!   the bounds are per process). Each claimed delivery waits for a send slot of its endpoint and
//!   of the process (semaphores bound the sends in flight), is sent with a timeout — or, if its
//!   lease would end before the send could, left to be claimed again — and the attempts of the
//!   sends that ended meanwhile are recorded in one transaction. It claims again when they are
//!   recorded, when the expander made deliveries, when a retry falls due, or on a poll. Claiming
//!   ahead keeps an endpoint busy between claims, which matters when claims are held back.
//! - Both yield to requests: while the server is saturated (`crate::pressure`), each starts a
//!   round at most every `yield_interval`, so alerts do not slow the traffic that raises them.
//! - Both stop claiming when shutdown begins (`crate::shutdown`); a send cut short by the end of
//!   the process is sent again once its lease expires.
//!
//! A channel plugs in with a [`Sender`]: it turns claimed rows of its channel into sends (loading
//! what they need for the whole batch at once) and says what each answer means ([`Verdict`]).

/// Alert emails: a digest per delivery, over SMTP.
pub mod email;
/// Signed webhooks (Standard Webhooks) over HTTP, refusing private targets.
pub mod webhook;

use std::{
    collections::HashMap,
    fmt::Debug,
    future::Future,
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicI64, Ordering},
    },
    time::{Duration, Instant},
};

use chrono::Utc;
use entity::delivery;
use sea_orm::DatabaseConnection;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, mpsc};

use crate::{
    domain::{DeliveryChannel, DeliveryStatus, webhooks::Verdict},
    error::AppResult,
    service::deliveries::{self, Attempt, RetryPolicy},
};

/// One send, ready to run: it reports its attempt.
pub type Sending = Pin<Box<dyn Future<Output = Attempt> + Send>>;

/// How deliveries of one channel are sent.
#[async_trait::async_trait]
pub trait Sender: Send + Sync + Debug {
    /// The channel whose deliveries it sends.
    fn channel(&self) -> DeliveryChannel;

    /// The sends of a claimed batch of this channel's deliveries, one per delivery (in any
    /// order); what they need is loaded here, for the whole batch at once.
    async fn prepare(
        &self,
        db: &DatabaseConnection,
        batch: Vec<delivery::Model>,
    ) -> AppResult<Vec<(delivery::Model, Sending)>>;
}

/// How the worker runs.
#[derive(Clone, Copy, Debug)]
pub struct DeliveryOptions {
    /// How long one send may take before it counts as a timeout (retried).
    pub timeout: Duration,
    /// How long a claimed delivery stays claimed (longer than `timeout`): after it, a delivery
    /// whose worker died is claimed again.
    pub lease: Duration,
    /// Sends in flight at most, in this process.
    pub concurrency: usize,
    /// Sends in flight to one endpoint at most (the SMTP server counts as one), in this process.
    pub per_endpoint: usize,
    /// How often the log and the outbox are read when nothing wakes the tasks.
    pub poll: Duration,
    /// While the server is saturated with requests (`crate::pressure`), an expansion or a claim
    /// starts at most this often (zero: never held back).
    pub yield_interval: Duration,
    /// Retries and when a delivery is dead.
    pub retry: RetryPolicy,
    /// Alerts become email digests of this window (`None`: email is off).
    pub email_digest_window: Option<Duration>,
}

impl Default for DeliveryOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            lease: Duration::from_secs(60),
            concurrency: 128,
            per_endpoint: 50,
            poll: Duration::from_secs(1),
            yield_interval: Duration::from_millis(250),
            retry: RetryPolicy {
                max_attempts: 8,
                base: Duration::from_secs(1),
                cap: Duration::from_secs(3600),
            },
            email_digest_window: None,
        }
    }
}

/// The most deliveries one claim takes.
const MAX_CLAIM: usize = 200;

/// The most a worker claims ahead of its sends, as a multiple of its send bounds.
const MAX_QUEUE_DEPTH: u32 = 4;

/// How many times its send bounds a worker may hold claimed (sent or waiting to be): as many as
/// fit in a lease even if every send ahead of a delivery takes the whole timeout, at most
/// [`MAX_QUEUE_DEPTH`] (a delivery whose lease would end before its send anyway is not sent).
fn queue_depth(lease: Duration, timeout: Duration) -> usize {
    let per_send = (timeout + Duration::from_secs(1)).as_secs_f64();
    ((lease.as_secs_f64() / per_send).floor() as u32).clamp(1, MAX_QUEUE_DEPTH) as usize
}

/// The most attempts recorded in one transaction.
const MAX_SETTLE: usize = 200;

/// How often the backlog gauges are refreshed.
const BACKLOG_EVERY: Duration = Duration::from_secs(5);

/// A handle on the running worker: wakes it (after a redelivery) and lets the broker wake the
/// expander.
#[derive(Debug)]
pub struct DeliveryWorker {
    /// Wakes the expander (the broker's dispatcher read new events).
    expander: Arc<Notify>,
    /// Wakes the claimer (new deliveries, a redelivery, a freed slot).
    claimer: Notify,
    /// The soonest retry this process scheduled (Unix ms), so the claimer wakes for it.
    soonest: AtomicI64,
}

impl DeliveryWorker {
    /// Starts the expander and the worker over `db` (a pool of their own), woken by `events`
    /// (notified by the broker after it dispatched new events).
    pub fn start(
        db: DatabaseConnection,
        options: DeliveryOptions,
        senders: Vec<Arc<dyn Sender>>,
        events: Arc<Notify>,
    ) -> Arc<Self> {
        let worker = Arc::new(Self {
            expander: events,
            claimer: Notify::new(),
            soonest: AtomicI64::new(i64::MAX),
        });
        tokio::spawn(expand(worker.clone(), db.clone(), options));
        let senders: HashMap<DeliveryChannel, Arc<dyn Sender>> =
            senders.into_iter().map(|s| (s.channel(), s)).collect();
        tokio::spawn(work(worker.clone(), db.clone(), options, Arc::new(senders)));
        tokio::spawn(watch_backlog(db));
        worker
    }

    /// Asks the worker to claim now (a delivery was put back to pending).
    pub fn wake(&self) {
        self.claimer.notify_one();
    }

    /// How long the claimer may sleep: until the poll, or the soonest retry it knows of.
    fn idle(&self, poll: Duration) -> Duration {
        let soonest = self.soonest.load(Ordering::Relaxed);
        let now = Utc::now().timestamp_millis();
        if soonest == i64::MAX {
            return poll;
        }
        Duration::from_millis(soonest.saturating_sub(now).max(1) as u64).min(poll)
    }
}

/// The expander: makes deliveries of new events whenever woken or at every poll, until
/// shutdown.
async fn expand(worker: Arc<DeliveryWorker>, db: DatabaseConnection, options: DeliveryOptions) {
    let mut last = Instant::now();
    loop {
        if crate::shutdown::is_shutting_down() {
            return;
        }
        loop {
            pace(&mut last, options.yield_interval).await;
            match deliveries::expand(&db, options.email_digest_window).await {
                Ok(done) => {
                    if done.deliveries > 0 {
                        worker.claimer.notify_one();
                    }
                    if done.events < deliveries::EXPAND_PAGE as usize {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "making deliveries of new events failed; retrying");
                    break;
                }
            }
        }
        tokio::select! {
            _ = worker.expander.notified() => {}
            _ = tokio::time::sleep(options.poll) => {}
            _ = crate::shutdown::wait() => return,
        }
    }
}

/// Deliveries yield to requests: while the server is saturated, waits until `interval` has
/// passed since the last round of delivery work began (`last`), then marks this one's start;
/// answers whether it yielded (the round is then a bounded one). Under sustained saturation
/// deliveries go on at this bounded pace rather than taking their share of the cores from the
/// requests; they catch up at full speed once the traffic ebbs.
async fn pace(last: &mut Instant, interval: Duration) -> bool {
    let yielding = !interval.is_zero() && crate::pressure::saturated();
    if yielding {
        tokio::select! {
            _ = tokio::time::sleep_until((*last + interval).into()) => {}
            _ = crate::shutdown::wait() => {}
        }
    }
    *last = Instant::now();
    yielding
}

/// The worker: claims due deliveries into its free slots and sends them, until shutdown.
async fn work(
    worker: Arc<DeliveryWorker>,
    db: DatabaseConnection,
    options: DeliveryOptions,
    senders: Arc<HashMap<DeliveryChannel, Arc<dyn Sender>>>,
) {
    let lease = options.lease.max(options.timeout + Duration::from_secs(1));
    let depth = queue_depth(lease, options.timeout);
    let per_endpoint = options.per_endpoint.max(1);
    // Claimed and not yet recorded; the sends in flight are bounded below it.
    let slots = Arc::new(Semaphore::new(options.concurrency.max(1) * depth));
    let sending = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let mut endpoints: HashMap<(DeliveryChannel, i32), Arc<Semaphore>> = HashMap::new();
    let channels: Vec<DeliveryChannel> = senders.keys().copied().collect();
    let (settled, to_record) = mpsc::unbounded_channel();
    let in_flight = Arc::new(InFlight::default());
    tokio::spawn(settle(
        worker.clone(),
        db.clone(),
        options.retry,
        to_record,
        in_flight.clone(),
    ));
    let mut last = Instant::now();
    loop {
        let first = tokio::select! {
            permit = slots.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => return,
            },
            _ = crate::shutdown::wait() => return,
        };
        let mut permits = vec![first];
        while permits.len() < MAX_CLAIM {
            match slots.clone().try_acquire_owned() {
                Ok(permit) => permits.push(permit),
                Err(_) => break,
            }
        }
        // While yielding, a round claims at most the sends the process may have in flight (what
        // it claims ahead otherwise would make each round's work, and so its share of the CPU,
        // several times larger).
        if pace(&mut last, options.yield_interval).await {
            permits.truncate(options.concurrency.max(1));
        }
        if crate::shutdown::is_shutting_down() {
            return;
        }
        let claimed_at = Instant::now();
        let batch = match deliveries::claim(
            &db,
            &channels,
            &in_flight.counts(),
            permits.len() as u64,
            (per_endpoint * depth) as u64,
            lease,
        )
        .await
        {
            Ok(batch) => batch,
            Err(e) => {
                tracing::warn!(error = %e, "claiming deliveries failed; retrying");
                Vec::new()
            }
        };
        if batch.is_empty() {
            drop(permits);
            // A retry already due that this claim did not find was taken by another instance
            // (or put back by hand): forget it; the poll finds whatever else there is.
            if worker.soonest.load(Ordering::Relaxed) <= Utc::now().timestamp_millis() {
                worker.soonest.store(i64::MAX, Ordering::Relaxed);
            }
            let idle = worker.idle(options.poll);
            tokio::select! {
                _ = worker.claimer.notified() => {}
                _ = tokio::time::sleep(idle) => {}
                _ = crate::shutdown::wait() => return,
            }
            continue;
        }
        permits.truncate(batch.len());
        // Counted until recorded; a delivery not sent after all (its lease expires and it is
        // claimed again) stops counting at once.
        for d in &batch {
            in_flight.add(d);
        }
        let mut by_channel: HashMap<DeliveryChannel, Vec<delivery::Model>> = HashMap::new();
        for d in batch {
            match d.channel.parse::<DeliveryChannel>() {
                Ok(channel) => by_channel.entry(channel).or_default().push(d),
                Err(e) => {
                    in_flight.remove(&d);
                    tracing::error!(delivery = d.id, error = %e, "unknown delivery channel");
                }
            }
        }
        for (channel, batch) in by_channel {
            let Some(sender) = senders.get(&channel) else {
                batch.iter().for_each(|d| in_flight.remove(d));
                continue;
            };
            let claimed: Vec<(DeliveryChannel, i32)> =
                batch.iter().map(|d| (channel, target(d))).collect();
            let sends = match sender.prepare(&db, batch).await {
                Ok(sends) => sends,
                Err(e) => {
                    for key in claimed {
                        in_flight.sub(key);
                    }
                    // Their leases expire and they are claimed again.
                    tracing::warn!(error = %e, channel = %channel, "preparing deliveries failed");
                    continue;
                }
            };
            for (delivery, send) in sends {
                let Some(permit) = permits.pop() else {
                    in_flight.remove(&delivery);
                    continue;
                };
                let settled = settled.clone();
                let endpoint = endpoints
                    .entry((channel, target(&delivery)))
                    .or_insert_with(|| Arc::new(Semaphore::new(per_endpoint)))
                    .clone();
                let sending = sending.clone();
                let (worker, in_flight) = (worker.clone(), in_flight.clone());
                // The last moment a send may start and still end (timeout included) in the lease.
                let start_by = claimed_at + lease.saturating_sub(options.timeout);
                tokio::spawn(async move {
                    let (Ok(_endpoint), Ok(_sending)) =
                        (endpoint.acquire().await, sending.acquire().await)
                    else {
                        return;
                    };
                    if Instant::now() > start_by || crate::shutdown::is_shutting_down() {
                        // Not sent: claimed again once its lease ends (by this or another
                        // instance), so it stops counting here at once.
                        in_flight.remove(&delivery);
                        drop(permit);
                        worker.claimer.notify_one();
                        return;
                    }
                    let attempt = run(send, options.timeout).await;
                    // The slot stays taken until the attempt is recorded (the lease too).
                    let _ = settled.send(Settled {
                        channel,
                        delivery,
                        attempt,
                        _slot: permit,
                    });
                });
            }
        }
    }
}

/// The target a delivery is sent to: its endpoint, or 0 for its channel's one target (the SMTP
/// server).
fn target(d: &delivery::Model) -> i32 {
    d.endpoint_id.unwrap_or(0)
}

/// This worker's deliveries in flight per (channel, target): claimed and not yet recorded.
#[derive(Debug, Default)]
struct InFlight(std::sync::Mutex<HashMap<(DeliveryChannel, i32), u64>>);

impl InFlight {
    fn add(&self, d: &delivery::Model) {
        if let Ok(channel) = d.channel.parse::<DeliveryChannel>()
            && let Ok(mut map) = self.0.lock()
        {
            *map.entry((channel, target(d))).or_default() += 1;
        }
    }

    fn remove(&self, d: &delivery::Model) {
        if let Ok(channel) = d.channel.parse::<DeliveryChannel>() {
            self.sub((channel, target(d)));
        }
    }

    fn sub(&self, key: (DeliveryChannel, i32)) {
        if let Ok(mut map) = self.0.lock()
            && let Some(n) = map.get_mut(&key)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                map.remove(&key);
            }
        }
    }

    /// The targets with something in flight, and how much.
    fn counts(&self) -> Vec<(DeliveryChannel, i32, u64)> {
        self.0
            .lock()
            .map(|map| map.iter().map(|(&(c, t), &n)| (c, t, n)).collect())
            .unwrap_or_default()
    }
}

/// Runs one send within the timeout; a send that takes longer is a timeout (retried).
async fn run(send: Sending, timeout: Duration) -> Attempt {
    let at = crate::service::now();
    let started = Instant::now();
    match tokio::time::timeout(timeout, send).await {
        Ok(attempt) => attempt,
        Err(_) => Attempt {
            at,
            status_code: None,
            latency: started.elapsed(),
            error: Some(format!("timed out after {} ms", timeout.as_millis())),
            verdict: Verdict::Retry(None),
        },
    }
}

/// A send that ended, waiting for its attempt to be recorded.
struct Settled {
    channel: DeliveryChannel,
    delivery: delivery::Model,
    attempt: Attempt,
    /// Freed once recorded.
    _slot: OwnedSemaphorePermit,
}

/// Records the attempts of ended sends, as many as are waiting in one transaction (one commit
/// for a burst of answers rather than one each), until the worker and its sends are gone.
async fn settle(
    worker: Arc<DeliveryWorker>,
    db: DatabaseConnection,
    retry: RetryPolicy,
    mut ended: mpsc::UnboundedReceiver<Settled>,
    in_flight: Arc<InFlight>,
) {
    let mut batch = Vec::with_capacity(MAX_SETTLE);
    while ended.recv_many(&mut batch, MAX_SETTLE).await > 0 {
        record(&worker, &db, &batch, &retry).await;
        for s in &batch {
            in_flight.remove(&s.delivery);
        }
        // Frees their slots; their endpoints have room again, which a claim that found every
        // due delivery's endpoint at its bound is waiting for.
        batch.clear();
        worker.claimer.notify_one();
    }
}

/// Records a batch of attempts (retrying the write a few times: the sends happened), counts
/// them, and remembers when their retries fall due.
async fn record(
    worker: &DeliveryWorker,
    db: &DatabaseConnection,
    batch: &[Settled],
    retry: &RetryPolicy,
) {
    let settled: Vec<(delivery::Model, Attempt)> = batch
        .iter()
        .map(|s| (s.delivery.clone(), s.attempt.clone()))
        .collect();
    let mut wait = Duration::from_millis(50);
    for _ in 0..5 {
        match deliveries::record(db, &settled, retry).await {
            Ok(outcomes) => {
                for (s, (status, next)) in batch.iter().zip(outcomes) {
                    let outcome = match (status, &s.attempt.verdict) {
                        (DeliveryStatus::Delivered, _) => "delivered",
                        (DeliveryStatus::Pending, _) => "retried",
                        (DeliveryStatus::Dead, Verdict::Gone(_)) => "gone",
                        (DeliveryStatus::Dead, _) => "dead",
                    };
                    crate::observability::metrics::metrics().delivery(s.channel.as_str(), outcome);
                    if status == DeliveryStatus::Pending {
                        worker
                            .soonest
                            .fetch_min(next.timestamp_millis(), Ordering::Relaxed);
                    }
                }
                return;
            }
            Err(e) => {
                tracing::warn!(deliveries = batch.len(), error = %e, "recording delivery attempts failed; retrying");
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
        }
    }
    tracing::error!(
        deliveries = batch.len(),
        "could not record delivery attempts; they will be sent again when their leases expire"
    );
}

/// Refreshes the backlog gauges (retry queue depth, oldest undelivered age) until shutdown.
async fn watch_backlog(db: DatabaseConnection) {
    loop {
        match deliveries::backlog(&db).await {
            Ok(backlog) => crate::observability::metrics::metrics()
                .set_delivery_backlog(backlog.retrying, backlog.oldest.unwrap_or(Duration::ZERO)),
            Err(e) => tracing::warn!(error = %e, "reading the delivery backlog failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(BACKLOG_EVERY) => {}
            _ = crate::shutdown::wait() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_claims_ahead_only_as_far_as_a_lease_covers_the_sends_before() {
        let s = Duration::from_secs;
        // Defaults: a 60 s lease covers five 10 s sends (and their second each): capped at four.
        assert_eq!(queue_depth(s(60), s(10)), 4);
        assert_eq!(queue_depth(s(33), s(10)), 3);
        assert_eq!(queue_depth(s(32), s(10)), 2);
        // A lease of one send: nothing claimed ahead.
        assert_eq!(queue_depth(s(11), s(10)), 1);
        assert_eq!(queue_depth(s(1), s(10)), 1);
    }
}
