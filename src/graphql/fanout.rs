//! Subscriptions multiplexed: subscribers whose subscription has the same document, operation,
//! variables and scopes share one execution per event.
//!
//! The first such subscriber makes a *group*: a task that runs the subscription once, live
//! (its broker receiver is taken when the group is made), with a [`Tap`] telling the resolver so.
//! The resolver filters events by the subscription's arguments before anything is executed; each
//! answer is put in selection order, tagged and serialised once, then the same bytes go to every
//! member's bounded queue. A member's own state is that queue, its position in the stream (the
//! last sequence it delivered) and its socket: the transports write the bytes into their own
//! frames through [`Splices`] without serialising the payload again. Over a WebSocket, after a
//! member's first live answer its queue moves to the connection's [`Lane`], and the connection
//! writes each later answer between the same frame text itself: an event costs a subscriber a
//! queue push, a wake-up and a socket write, not a pass through the protocol machine.
//!
//! - **Replay.** A member with `afterSequence` joins its group first, then runs its own replay of
//!   the stored events (an execution with [`Tap::replay`]), then delivers from its queue the
//!   events after the last one it replayed. Everything the group sends after the join is in the
//!   queue; everything it sent before was dispatched, so committed and in the log, and so in the
//!   replay: no gap, and sequences at or below the last delivered are skipped, so no duplicate.
//!   A member without `afterSequence` skips what was dispatched before it joined.
//! - **Slow consumers.** A member whose queue (`--subscriber-buffer` answers) is full is taken out
//!   of the group; it delivers what its queue holds, then `SLOW_CONSUMER` with its own last
//!   delivered sequence, and ends. When the group itself falls behind the broker, every member
//!   ends that way. Neither slows the group or the other members.
//! - **Ends.** A group ends when its last member leaves (it stops at once), when its execution
//!   ends (its members complete) or fails before any event (an unknown integration: the error is
//!   sent to its members, and it leaves the registry first, so nobody joins a group that is over).

use std::{
    collections::HashMap,
    sync::{
        Arc, LazyLock, Mutex, Weak,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
};

use async_graphql::{
    Data, Executor, PathSegment, Pos, Request, Response, Value,
    parser::types::{OperationDefinition, Selection},
};
use futures_util::stream::{BoxStream, StreamExt};
use tokio::sync::{Notify, mpsc, oneshot};

use super::{AppSchema, request_errors, scopes, selection_order::ResponseOrder, subscription::Tap};
use crate::{auth::Principal, broker::Broker, error::AppError};

/// The shared answer to one event, serialised once.
#[derive(Debug)]
pub struct Payload {
    /// The event's sequence; `None` for an answer that is for no event (an error before any).
    sequence: Option<i64>,
    /// The answer (`{"data":…}`, with `errors` when a field failed) as JSON.
    json: String,
}

/// What subscriptions share a group by.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    query: String,
    operation: Option<String>,
    /// The coerced variables as JSON.
    variables: String,
    /// The caller's scopes (the only part of a caller that execution reads).
    scopes: String,
}

/// The process's subscription groups.
#[derive(Clone)]
pub struct Fanout {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Fanout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fanout").finish_non_exhaustive()
    }
}

struct Inner {
    groups: Mutex<HashMap<Key, Arc<Group>>>,
    broker: Arc<Broker>,
    /// How many answers a member may have waiting.
    capacity: usize,
    /// Executions of a selection for an event, all groups together.
    executions: AtomicU64,
}

/// One shared execution and its members.
struct Group {
    key: Key,
    members: Mutex<Members>,
    /// Stops the execution (its last member left).
    stop: Notify,
}

#[derive(Default)]
struct Members {
    next: u64,
    queues: HashMap<u64, Member>,
    /// The execution is over: no one joins any more.
    ended: bool,
}

struct Member {
    queue: mpsc::Sender<Arc<Payload>>,
    /// Set when the member was dropped for falling behind.
    lagged: Arc<AtomicBool>,
}

/// What a member needs to answer `SLOW_CONSUMER` itself: the root field's position and
/// response key.
#[derive(Clone, Debug)]
struct RootField {
    pos: Pos,
    key: String,
}

impl Fanout {
    /// Groups over `broker`'s events; a member may have `capacity` answers waiting.
    pub fn new(broker: Arc<Broker>, capacity: usize) -> Self {
        Self {
            inner: Arc::new(Inner {
                groups: Mutex::new(HashMap::new()),
                broker,
                capacity: capacity.max(1),
                executions: AtomicU64::new(0),
            }),
        }
    }

    /// How many times a subscription's selection was executed for an event (once per group
    /// and event, however many members the group has).
    pub fn executions(&self) -> u64 {
        self.inner.executions.load(Ordering::Relaxed)
    }

    /// How many groups run.
    pub fn groups(&self) -> usize {
        self.inner.groups.lock().map(|g| g.len()).unwrap_or(0)
    }

    /// The answers of an admitted subscription: joins (or makes) its group, and replays first
    /// when it asks for `afterSequence`. Answers come in selection order (`order`) with their
    /// errors tagged; the group's are put so once per event, for all its members.
    pub fn subscribe(
        &self,
        schema: &AppSchema,
        mut request: Request,
        principal: Option<Principal>,
        session: Option<Arc<Data>>,
        order: Option<ResponseOrder>,
    ) -> BoxStream<'static, Response> {
        let order = order.map(Arc::new);
        let operation = request.operation_name.clone();
        let variables = std::mem::take(&mut request.variables);
        let (after, root) = match request.parsed_query() {
            Ok(doc) => {
                let op = scopes::operation_definition(doc, operation.as_deref());
                (
                    op.and_then(|op| replay_after(op, &variables)),
                    op.and_then(root_field),
                )
            }
            Err(_) => (None, None),
        };
        request.variables = variables;
        let key = Key {
            query: request.query.clone(),
            operation: request.operation_name.clone(),
            variables: serde_json::to_string(&request.variables).unwrap_or_default(),
            scopes: principal
                .as_ref()
                .map(|p| format!("{:?}", p.scopes))
                .unwrap_or_default(),
        };
        let splices = session
            .as_deref()
            .and_then(|data| data.get(&std::any::TypeId::of::<Arc<Splices>>()))
            .and_then(|value| value.downcast_ref::<Arc<Splices>>())
            .cloned();
        // A replay delivers what follows `afterSequence`; otherwise what was dispatched before
        // the subscription started is not its own.
        let floor = after.unwrap_or_else(|| self.inner.broker.last_dispatched());
        let (group, id, queue, lagged) =
            self.join(key, schema, &mut request, principal, order.clone());
        let leave = Leave {
            inner: Arc::downgrade(&self.inner),
            group,
            id,
        };
        let replay = after.is_some().then(|| {
            let tap = Arc::new(Tap::replay());
            request.data.insert(tap.clone());
            (Executor::execute_stream(schema, request, session), tap)
        });
        // The group puts its own answers in order; a member needs the order only for its replay.
        let order = if replay.is_some() { order } else { None };
        member_stream(leave, replay, queue, lagged, floor, splices, order, root)
    }

    /// Joins the group of `key`, making it (and starting its execution) when there is none.
    fn join(
        &self,
        key: Key,
        schema: &AppSchema,
        request: &mut Request,
        principal: Option<Principal>,
        order: Option<Arc<ResponseOrder>>,
    ) -> (
        Arc<Group>,
        u64,
        mpsc::Receiver<Arc<Payload>>,
        Arc<AtomicBool>,
    ) {
        let (sender, queue) = mpsc::channel(self.inner.capacity);
        let lagged = Arc::new(AtomicBool::new(false));
        let member = Member {
            queue: sender,
            lagged: lagged.clone(),
        };
        let mut groups = self
            .inner
            .groups
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(group) = groups.get(&key).cloned() {
            let mut members = group
                .members
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if !members.ended {
                let id = members.next;
                members.next += 1;
                members.queues.insert(id, member);
                drop(members);
                return (group, id, queue, lagged);
            }
        }
        // A new group: its receiver is taken now, so it misses nothing dispatched from here on.
        let tap = Arc::new(Tap::live(self.inner.broker.subscribe()));
        let group = Arc::new(Group {
            key: key.clone(),
            members: Mutex::new(Members::default()),
            stop: Notify::new(),
        });
        if let Ok(mut members) = group.members.lock() {
            members.next = 1;
            members.queues.insert(0, member);
        }
        groups.insert(key, group.clone());
        drop(groups);
        let mut shared = Request::new(request.query.clone())
            .variables(request.variables.clone())
            .data(tap.clone());
        shared.operation_name = request.operation_name.clone();
        // The admitted tree (the gateway's one parse), not the text parsed again.
        if let Ok(doc) = request.parsed_query() {
            shared.set_parsed_query(doc.clone());
        }
        // The caller is the only session data execution reads.
        let mut session = Data::default();
        if let Some(principal) = principal {
            session.insert(principal.actor());
            session.insert(principal);
        }
        let responses = Executor::execute_stream(schema, shared, Some(Arc::new(session)));
        tokio::spawn(run_group(
            Arc::downgrade(&self.inner),
            group.clone(),
            responses,
            tap,
            order,
        ));
        (group, 0, queue, lagged)
    }
}

/// The `afterSequence` of the subscription's root field, when given and not null (a replay).
fn replay_after(op: &OperationDefinition, variables: &async_graphql::Variables) -> Option<i64> {
    op.selection_set
        .node
        .items
        .iter()
        .find_map(|item| match &item.node {
            Selection::Field(field) => field
                .node
                .arguments
                .iter()
                .find(|(name, _)| name.node == "afterSequence")
                .map(|(_, value)| &value.node),
            _ => None,
        })
        .and_then(|value| match value {
            async_graphql_value::Value::Variable(var) => match variables.get(var)? {
                async_graphql::Value::Number(n) => n.as_i64(),
                _ => None,
            },
            async_graphql_value::Value::Number(n) => n.as_i64(),
            _ => None,
        })
}

/// The subscription's root field.
fn root_field(op: &OperationDefinition) -> Option<RootField> {
    op.selection_set
        .node
        .items
        .iter()
        .find_map(|item| match &item.node {
            Selection::Field(field) => Some(RootField {
                pos: field.pos,
                key: field.node.response_key().node.to_string(),
            }),
            _ => None,
        })
}

/// Runs a group's execution and fans its answers out, until it ends or is stopped.
async fn run_group(
    inner: Weak<Inner>,
    group: Arc<Group>,
    mut responses: BoxStream<'static, Response>,
    tap: Arc<Tap>,
    order: Option<Arc<ResponseOrder>>,
) {
    let mut lagged = false;
    loop {
        let response = tokio::select! {
            biased;
            () = group.stop.notified() => break,
            response = responses.next() => response,
        };
        let Some(mut response) = response else { break };
        if tap.lagged() {
            lagged = true;
            break;
        }
        let sequence = tap.take_sequence();
        if let Some(order) = &order {
            order.reorder(&mut response);
        }
        let response = request_errors::tag_response(response);
        let json = serde_json::to_string(&response).unwrap_or_default();
        let payload = Arc::new(Payload { sequence, json });
        if let Some(inner) = inner.upgrade() {
            inner.executions.fetch_add(1, Ordering::Relaxed);
            if sequence.is_none() {
                // An answer for no event ends the execution: nobody joins from now on.
                unregister(&inner, &group);
            }
        }
        crate::observability::metrics::metrics().subscription_execution();
        let mut members = group
            .members
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        members
            .queues
            .retain(|_, member| match member.queue.try_send(payload.clone()) {
                Ok(()) => true,
                Err(mpsc::error::TrySendError::Full(_)) => {
                    member.lagged.store(true, Ordering::Release);
                    false
                }
                Err(mpsc::error::TrySendError::Closed(_)) => false,
            });
    }
    if let Some(inner) = inner.upgrade() {
        unregister(&inner, &group);
    }
    let mut members = group
        .members
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    members.ended = true;
    // Dropping the senders ends the members' queues (after what they hold).
    for (_, member) in members.queues.drain() {
        if lagged {
            member.lagged.store(true, Ordering::Release);
        }
    }
}

/// Takes `group` out of the registry (if it is still the one under its key).
fn unregister(inner: &Inner, group: &Arc<Group>) {
    let mut groups = inner
        .groups
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    remove(&mut groups, group);
}

fn remove(groups: &mut HashMap<Key, Arc<Group>>, group: &Arc<Group>) {
    if groups
        .get(&group.key)
        .is_some_and(|g| Arc::ptr_eq(g, group))
    {
        groups.remove(&group.key);
    }
}

/// A member's place in its group; leaving (the member's stream is dropped) stops the group when
/// it was the last.
struct Leave {
    inner: Weak<Inner>,
    group: Arc<Group>,
    id: u64,
}

impl Drop for Leave {
    fn drop(&mut self) {
        let Some(inner) = self.inner.upgrade() else {
            return;
        };
        let mut groups = inner
            .groups
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut members = self
            .group
            .members
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        members.queues.remove(&self.id);
        if members.queues.is_empty() {
            members.ended = true;
            remove(&mut groups, &self.group);
            self.group.stop.notify_one();
        }
    }
}

/// One member's answers: its replay (when asked), then the group's answers after the last
/// sequence it delivered, each as a placeholder for the transport to splice or, without
/// [`Splices`], as the answer itself.
#[allow(clippy::too_many_arguments)]
fn member_stream(
    leave: Leave,
    replay: Option<(BoxStream<'static, Response>, Arc<Tap>)>,
    mut queue: mpsc::Receiver<Arc<Payload>>,
    lagged: Arc<AtomicBool>,
    floor: i64,
    splices: Option<Arc<Splices>>,
    order: Option<Arc<ResponseOrder>>,
    root: Option<RootField>,
) -> BoxStream<'static, Response> {
    async_stream::stream! {
        let _leave = leave;
        let mut last = floor;
        if let Some((mut replay, tap)) = replay {
            while let Some(mut response) = replay.next().await {
                let sequence = tap.take_sequence();
                if let Some(order) = &order {
                    order.reorder(&mut response);
                }
                yield request_errors::tag_response(response);
                match sequence {
                    Some(s) => last = last.max(s),
                    // An error (the log could not be read, an unknown integration): the end.
                    None => return,
                }
            }
        }
        loop {
            let Some(payload) = queue.recv().await else {
                if lagged.load(Ordering::Acquire) {
                    yield slow_consumer(last, root.as_ref());
                }
                return;
            };
            match payload.sequence {
                Some(s) if s <= last => continue,
                Some(s) => last = s,
                None => {}
            }
            match (&splices, payload.sequence) {
                // The first live answer goes out as any other; with it the queue moves to the
                // connection's lane, which writes the rest straight into frames like that one.
                // This stream then only waits for the queue's end (or to be dropped).
                (Some(splices), Some(_)) if splices.lanes => {
                    let (done, detached) = oneshot::channel();
                    yield splices.attach(payload, queue, last, done);
                    let Ok(last) = detached.await else { return };
                    if lagged.load(Ordering::Acquire) {
                        yield slow_consumer(last, root.as_ref());
                    }
                    return;
                }
                (Some(splices), Some(_)) => yield splices.placeholder(payload),
                _ => yield serde_json::from_str::<Response>(&payload.json).unwrap_or_else(|e| {
                    Response::from_errors(vec![
                        AppError::Internal(format!("a shared answer did not read back: {e}").into())
                            .into_request_error(),
                    ])
                }),
            }
        }
    }
    .boxed()
}

/// The `SLOW_CONSUMER` error a subscriber gets when it falls behind, as its own execution would
/// answer it.
fn slow_consumer(last_delivered: i64, root: Option<&RootField>) -> Response {
    let error: async_graphql::Error = AppError::SlowConsumer { last_delivered }.into();
    let error = match root {
        Some(root) => error
            .into_server_error(root.pos)
            .with_path(vec![PathSegment::Field(root.key.clone())]),
        None => error.into_server_error(Pos::default()),
    };
    request_errors::tag_response(Response::from_errors(vec![error]))
}

/// What a placeholder's string starts with: unguessable, so no data can pass for one.
static TOKEN: LazyLock<String> =
    LazyLock::new(|| format!("fanout-{}-", uuid::Uuid::new_v4().simple()));

/// A placeholder answer as async-graphql serialises it, up to the number.
static PLACEHOLDER: LazyLock<String> = LazyLock::new(|| format!(r#"{{"data":"{}"#, *TOKEN));

/// Finds a placeholder in a frame (built once: a searcher for a 50-byte needle is not free).
static FINDER: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(PLACEHOLDER.as_bytes()));

/// Shared answers on their way into one connection's frames. A member yields a placeholder
/// answer (`{"data":"<token><n>"}`) instead of the answer; the transport frames it as any other
/// (`next`, `data`, a multipart part) and [`splice`](Self::splice) puts the shared bytes in its
/// place. A placeholder is framed as soon as it is yielded, so at most one per subscription of the
/// connection waits here.
///
/// A transport with [lanes](Self::with_lanes) (a WebSocket) takes more: with a member's first
/// live answer comes its queue, and the frame around that answer is the template of every later
/// one. The transport's [`Lane`] then writes the member's answers itself, without waking the
/// GraphQL machinery between the group and the socket for each event.
#[derive(Debug, Default)]
pub struct Splices {
    next: AtomicU64,
    pending: Mutex<HashMap<u64, Pending>>,
    /// The transport takes members' queues into its [`Lane`].
    lanes: bool,
}

/// A placeholder's answer and, when the member moves to the lane with it, its queue.
#[derive(Debug)]
struct Pending {
    payload: Arc<Payload>,
    attach: Option<Attach>,
}

/// What moves to the lane with a member's first live answer.
#[derive(Debug)]
struct Attach {
    queue: mpsc::Receiver<Arc<Payload>>,
    /// The last sequence the member delivered (this answer's).
    last: i64,
    /// Told the last delivered sequence when the queue ends; the member then ends (with
    /// `SLOW_CONSUMER` when it lagged). Its receiver is the member's: closed when the member is
    /// dropped (its operation completed or was stopped), which tells the lane to let it go.
    done: oneshot::Sender<i64>,
}

impl Splices {
    /// Splices for a transport that takes members' queues into a [`Lane`].
    pub fn with_lanes() -> Self {
        Self {
            lanes: true,
            ..Self::default()
        }
    }

    /// A placeholder answer for `payload`.
    fn placeholder(&self, payload: Arc<Payload>) -> Response {
        self.pend(Pending {
            payload,
            attach: None,
        })
    }

    /// A placeholder answer for `payload` that also moves the member's `queue` to the lane.
    fn attach(
        &self,
        payload: Arc<Payload>,
        queue: mpsc::Receiver<Arc<Payload>>,
        last: i64,
        done: oneshot::Sender<i64>,
    ) -> Response {
        self.pend(Pending {
            payload,
            attach: Some(Attach { queue, last, done }),
        })
    }

    fn pend(&self, pending: Pending) -> Response {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut map) = self.pending.lock() {
            map.insert(n, pending);
        }
        Response::new(Value::String(format!("{}{n}", *TOKEN)))
    }

    /// `frame` with the shared answer in place of its placeholder; `None` when it has none.
    pub fn splice(&self, frame: &str) -> Option<String> {
        self.splice_into(frame, None)
    }

    /// As [`splice`](Self::splice); a member's queue that came with the answer joins `lane`.
    pub fn splice_into(&self, frame: &str, lane: Option<&mut Lane>) -> Option<String> {
        let start = FINDER.find(frame.as_bytes())?;
        let digits = &frame[start + PLACEHOLDER.len()..];
        let len = digits.bytes().take_while(u8::is_ascii_digit).count();
        let n: u64 = digits[..len].parse().ok()?;
        let end = start + PLACEHOLDER.len() + len;
        if !frame[end..].starts_with(r#""}"#) {
            return None;
        }
        let Pending { payload, attach } = self.pending.lock().ok()?.remove(&n)?;
        let end = end + 2;
        let (prefix, suffix) = (&frame[..start], &frame[end..]);
        let mut out = String::with_capacity(prefix.len() + payload.json.len() + suffix.len());
        out.push_str(prefix);
        out.push_str(&payload.json);
        out.push_str(suffix);
        if let (Some(lane), Some(attach)) = (lane, attach) {
            lane.members.push(LaneMember {
                queue: attach.queue,
                last: attach.last,
                prefix: prefix.to_owned(),
                suffix: suffix.to_owned(),
                done: Some(attach.done),
            });
        }
        Some(out)
    }
}

/// The members of one connection whose answers the transport writes itself: each event's shared
/// bytes between the frame text that surrounded the member's first live answer (its
/// subscription's id and message type are in there). Owned by the connection's loop.
#[derive(Debug, Default)]
pub struct Lane {
    members: Vec<LaneMember>,
    /// Where the next poll starts, so that a busy subscription cannot starve the others.
    start: usize,
}

#[derive(Debug)]
struct LaneMember {
    queue: mpsc::Receiver<Arc<Payload>>,
    last: i64,
    prefix: String,
    suffix: String,
    done: Option<oneshot::Sender<i64>>,
}

impl Lane {
    /// The next frame to write; pending (for ever, when the lane is empty) until one is ready.
    /// A member whose stream was dropped (the operation completed or was stopped) is let go
    /// before anything more of it is written; one whose queue ended hands its last sequence back
    /// to its stream, which ends the operation.
    pub fn poll_frame(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<String> {
        use std::task::Poll;
        let mut i = 0;
        while i < self.members.len() {
            let at = (self.start + i) % self.members.len();
            let member = &mut self.members[at];
            if member.done.as_ref().is_none_or(|done| done.is_closed()) {
                self.members.swap_remove(at);
                continue;
            }
            match member.queue.poll_recv(cx) {
                Poll::Ready(Some(payload)) => {
                    match payload.sequence {
                        Some(s) if s <= member.last => continue,
                        Some(s) => member.last = s,
                        None => {}
                    }
                    let mut frame = String::with_capacity(
                        member.prefix.len() + payload.json.len() + member.suffix.len(),
                    );
                    frame.push_str(&member.prefix);
                    frame.push_str(&payload.json);
                    frame.push_str(&member.suffix);
                    self.start = at + 1;
                    return Poll::Ready(frame);
                }
                Poll::Ready(None) => {
                    let member = self.members.swap_remove(at);
                    if let Some(done) = member.done {
                        let _ = done.send(member.last);
                    }
                }
                Poll::Pending => i += 1,
            }
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A group over a made-up execution of `events` answers (sequences 1, 2, …), with members
    /// whose queues hold `capacities` answers; answers the group and the members' receivers.
    fn group_of(capacities: &[usize]) -> (Arc<Group>, Vec<Place>) {
        let group = Arc::new(Group {
            key: key(),
            members: Mutex::new(Members::default()),
            stop: Notify::new(),
        });
        let mut receivers = Vec::new();
        let mut members = group.members.lock().unwrap();
        for (id, capacity) in capacities.iter().enumerate() {
            let (queue, receiver) = mpsc::channel(*capacity);
            let lagged = Arc::new(AtomicBool::new(false));
            members.queues.insert(
                id as u64,
                Member {
                    queue,
                    lagged: lagged.clone(),
                },
            );
            receivers.push((id as u64, receiver, lagged));
        }
        drop(members);
        (group, receivers)
    }

    /// A member's id, queue and lag flag.
    type Place = (u64, mpsc::Receiver<Arc<Payload>>, Arc<AtomicBool>);

    fn member(group: &Arc<Group>, (id, queue, lagged): Place) -> BoxStream<'static, Response> {
        let leave = Leave {
            inner: Weak::new(),
            group: group.clone(),
            id,
        };
        let root = RootField {
            pos: Pos {
                line: 1,
                column: 16,
            },
            key: "changed".into(),
        };
        member_stream(leave, None, queue, lagged, 0, None, None, Some(root))
    }

    #[tokio::test]
    async fn a_member_that_lags_or_leaves_does_not_affect_the_others() {
        let (group, mut receivers) = group_of(&[64, 4, 64]);
        let gone = receivers.pop().unwrap();
        let slow = receivers.pop().unwrap();
        let fast = receivers.pop().unwrap();
        // One member leaves before anything is sent.
        drop(member(&group, gone));
        let tap = Arc::new(Tap::replay());
        let answers = {
            let tap = tap.clone();
            futures_util::stream::iter(1..=20i64)
                .map(move |n| {
                    tap.record(n);
                    let data = serde_json::json!({ "changed": { "sequence": n } });
                    Response::new(Value::from_json(data).unwrap())
                })
                .boxed()
        };
        run_group(Weak::new(), group.clone(), answers, tap, None).await;
        // The one that read along got every answer, in order.
        let fast: Vec<Response> = member(&group, fast).collect().await;
        let sequences: Vec<i64> = fast
            .iter()
            .map(|r| {
                let data = serde_json::to_value(&r.data).unwrap();
                data["changed"]["sequence"].as_i64().unwrap()
            })
            .collect();
        assert_eq!(sequences, (1..=20).collect::<Vec<_>>());
        // The one that did not read got what its queue held, then SLOW_CONSUMER with its own
        // last sequence.
        let slow: Vec<Response> = member(&group, slow).collect().await;
        assert_eq!(slow.len(), 5, "{slow:?}");
        let error = serde_json::to_value(&slow[4].errors[0]).unwrap();
        assert_eq!(error["extensions"]["code"], "SLOW_CONSUMER", "{error}");
        assert_eq!(error["extensions"]["lastDeliveredSequence"], 4, "{error}");
        assert_eq!(error["path"], serde_json::json!(["changed"]), "{error}");
        assert!(group.members.lock().unwrap().queues.is_empty());
    }

    fn key() -> Key {
        Key {
            query: String::new(),
            operation: None,
            variables: String::new(),
            scopes: String::new(),
        }
    }

    #[test]
    fn a_placeholder_is_replaced_by_the_shared_bytes() {
        let splices = Splices::default();
        let payload = Arc::new(Payload {
            sequence: Some(7),
            json: r#"{"data":{"a":{"b":"x\"}"}}}"#.into(),
        });
        let placeholder = splices.placeholder(payload);
        let frame = serde_json::json!({"type": "next", "id": "1", "payload": placeholder});
        let frame = serde_json::to_string(&frame).unwrap();
        let spliced = splices.splice(&frame).expect("spliced");
        assert_eq!(
            spliced,
            r#"{"id":"1","payload":{"data":{"a":{"b":"x\"}"}}},"type":"next"}"#
        );
        // Once only; frames without a placeholder pass.
        assert_eq!(splices.splice(&frame), None);
        assert_eq!(splices.splice(r#"{"type":"complete","id":"1"}"#), None);
        assert!(splices.pending.lock().unwrap().is_empty());
    }
}
