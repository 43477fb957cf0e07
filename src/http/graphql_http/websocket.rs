//! Subscriptions (and queries) over WebSocket, in `graphql-transport-ws` or `graphql-ws`.

use std::{collections::HashSet, sync::Arc};

use async_graphql::{
    Executor, Response as GqlResponse, ServerError,
    http::{ALL_WEBSOCKET_PROTOCOLS, WebSocketProtocols},
};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::{
    extract::WebSocketUpgrade,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};

use super::{
    GraphqlState,
    caller::{rejection_error, rejection_to_response, until},
    negotiate::ResponseFormat,
    response::{error_response, is_request_error, transport_error},
};
use crate::{
    auth::{
        Principal,
        http::{HttpAuth, payload_authorization},
    },
    graphql::fanout::{Lane, Splices},
};

/// Read buffer of a WebSocket connection: what one read takes (larger messages still pass, in
/// reads of this size). Every idle subscriber holds one, so it is sized for the usual messages
/// (`connection_init` with a token, `subscribe` with a document), not for the largest.
const WS_READ_BUFFER: usize = 1024;

/// How much a WebSocket connection buffers before writing (every answer is flushed anyway).
const WS_WRITE_BUFFER: usize = 4 * 1024;

/// How many keep-alive pings the server sends within `--websocket-keepalive-secs` (so a live
/// peer's answer is always well within it).
const PINGS_PER_KEEPALIVE: u32 = 3;

/// The graphql-transport-ws close code of a peer that stopped answering ("timeout", as
/// async-graphql and the graphql-ws server write it).
const CLOSE_TIMEOUT: u16 = 3008;

/// The graphql-transport-ws close code of a socket whose `connection_init` did not come (or was
/// not accepted) in time.
const CLOSE_INIT_TIMEOUT: u16 = 4408;

/// A WebSocket upgrade on GET: a GraphQL subprotocol is required and, with authentication, a
/// token in the upgrade request's own header is checked before upgrading.
pub(super) async fn upgrade<E: Executor>(
    state: Arc<GraphqlState<E>>,
    ws: WebSocketUpgrade,
    protocol: Result<GraphQLProtocol, StatusCode>,
    headers: HeaderMap,
) -> Response {
    let Ok(protocol) = protocol else {
        return error_response(
            StatusCode::BAD_REQUEST,
            ResponseFormat::Json,
            "Sec-WebSocket-Protocol must be graphql-transport-ws or graphql-ws",
        );
    };
    let executor = state.executor.clone();
    // A token in the upgrade request's header is checked before upgrading, so a bad one
    // gets a plain 401; otherwise the connection_init payload carries it.
    let from_header = match (&state.auth, headers.contains_key(header::AUTHORIZATION)) {
        (Some(auth), true) => match auth.principal(&headers).await {
            Ok(principal) => Some(principal),
            Err(rejection) => return rejection_to_response(rejection, ResponseFormat::Json),
        },
        _ => None,
    };
    let auth = state.auth.clone();
    let keepalive = state.limits.keepalive;
    // Read now, so that the request's headers are dropped: their values are slices of the
    // connection's read buffer (16 KiB), which they would keep alive as long as the socket.
    let chosen = chosen_protocol(&headers);
    drop(headers);
    // Once upgraded, the socket is no longer the HTTP server's, whose graceful shutdown would
    // not wait for it to send its 1001: this keeps shutdown waiting (within its grace).
    let hold = crate::shutdown::hold();
    // The chosen subprotocol has to be echoed back. Otherwise browsers and Node's WebSocket
    // drop the connection ("Server did not respond with sent protocols").
    ws.protocols(ALL_WEBSOCKET_PROTOCOLS)
        // GraphQL messages are small; tungstenite's 128 KiB default buffers made an idle
        // subscriber cost ~130 KiB of server memory (benches/subscriptions.rs).
        .read_buffer_size(WS_READ_BUFFER)
        .write_buffer_size(WS_WRITE_BUFFER)
        // tungstenite's defaults (64 MiB messages) would let a subscribe message carry
        // 64 times what an HTTP body may: the connection is closed (1009) instead.
        .max_message_size(state.limits.max_message_bytes)
        .max_frame_size(state.limits.max_message_bytes)
        .on_upgrade(move |socket| match (auth, chosen) {
            (Some(auth), Some(chosen)) => {
                // Split before any future holds the socket: a future that took it whole (and
                // passed it on to another) kept room for it in each, in every connection's task.
                let (sink, stream) = futures_util::StreamExt::split(socket);
                futures_util::future::Either::Left(async move {
                    serve_websocket(sink, stream, executor, chosen, auth, from_header, keepalive)
                        .await;
                    drop(hold);
                })
            }
            // Pings keep idle connections alive through proxies; a peer that stops answering
            // them is closed. (This loop does not watch shutdown, nor answer request errors
            // with `error`.) Boxed: a connection's task is as large as its largest branch, and
            // this one (the transport's own tests only) should not set it.
            _ => {
                drop(hold);
                futures_util::future::Either::Right(Box::pin(
                    GraphQLWebSocket::new(socket, executor, protocol)
                        .keepalive_timeout(keepalive)
                        .serve(),
                ))
            }
        })
        .into_response()
}

/// The subprotocol of a WebSocket upgrade: the first listed one async-graphql speaks (as
/// `GraphQLProtocol` picks it, whose value is private).
fn chosen_protocol(headers: &HeaderMap) -> Option<WebSocketProtocols> {
    headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|value| value.to_str().ok())?
        .split(',')
        .find_map(|p| p.trim().parse().ok())
}

/// The graphql-transport-ws close code for refused or expired credentials ("Forbidden"; the
/// graphql-ws client retries it, asking its connectionParams for a fresh token).
const CLOSE_FORBIDDEN: u16 = 4403;

/// Serves one authenticated GraphQL WebSocket. async-graphql-axum's `serve` cannot close a
/// socket on its own initiative, so this is its loop with these additions: a refused
/// `connection_init` closes with 4403 (not 1002), the socket closes with 4403 when the
/// credentials expire, and with 1001 when the server shuts down; over graphql-transport-ws,
/// request errors are answered with `error` ([`RequestErrors`]); the answers subscriptions share
/// are spliced into their frames ([`Splices`]).
///
/// Keep-alive: the server pings (a WebSocket ping frame, which browsers and WebSocket libraries
/// answer by themselves) [`PINGS_PER_KEEPALIVE`] times per `keepalive`, and closes a peer it has
/// heard nothing from — no message, no pong — for `keepalive` (3008 "timeout"; the legacy
/// protocol's `connection_error`). async-graphql's own keep-alive closed any peer that sent
/// nothing for that long: an idle subscriber, whose client need not ping (graphql-ws's does not
/// by default), was cut off every 30 seconds. A socket must still be initialised within
/// `keepalive` (4408), or a peer that answers pings could hold one unauthenticated for ever.
async fn serve_websocket<E: Executor>(
    mut sink: futures_util::stream::SplitSink<
        axum::extract::ws::WebSocket,
        axum::extract::ws::Message,
    >,
    stream: futures_util::stream::SplitStream<axum::extract::ws::WebSocket>,
    executor: E,
    protocol: WebSocketProtocols,
    auth: HttpAuth,
    from_header: Option<Principal>,
    keepalive: std::time::Duration,
) {
    use axum::extract::ws::{CloseFrame, Message};
    use futures_util::{SinkExt, StreamExt};

    // When the peer was last heard from (any frame, its pongs included), in milliseconds since
    // `opened`; read at each ping.
    let opened = tokio::time::Instant::now();
    let heard = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let heard_in_input = heard.clone();

    // A message over --max-body-bytes ends the input; the peer is then told why (1009).
    let too_big = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let too_big_in_input = too_big.clone();
    let input = stream
        .inspect(move |res| {
            if res.is_ok() {
                let now = u64::try_from(opened.elapsed().as_millis()).unwrap_or(u64::MAX);
                heard_in_input.store(now, std::sync::atomic::Ordering::Relaxed);
            }
        })
        .take_while(move |res| {
            if let Err(error) = res {
                // axum hides tungstenite's error type; its capacity error reads
                // "Space limit exceeded: Message too long: …".
                let text = error.to_string();
                if text.contains("too long") || text.contains("Space limit exceeded") {
                    too_big_in_input.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            }
            std::future::ready(res.is_ok())
        })
        .filter_map(|res| {
            std::future::ready(match res {
                Ok(msg @ (Message::Text(_) | Message::Binary(_))) => Some(msg.into_data()),
                _ => None,
            })
        });
    // At most MAX_OPERATIONS operations at once: one more is refused before it starts.
    let operations = Arc::new(Operations::new(protocol));
    let operations_in_input = operations.clone();
    let input = input.filter(move |bytes| std::future::ready(operations_in_input.admit(bytes)));
    // When the credentials expire: those of the upgrade request's header until
    // `connection_init` is accepted, then that caller's. The loop reads it after each message
    // (`connection_init` is handled while the loop polls, so nothing needs waking).
    let mut expires = from_header.as_ref().and_then(|p| p.expires_at);
    let accepted_expiry = Arc::new(std::sync::Mutex::new(None));
    let accepted_expiry_in_init = accepted_expiry.clone();
    // The error a refused `connection_init` is answered with.
    let refusal = Arc::new(std::sync::Mutex::new(None::<ServerError>));
    let refusal_in_init = refusal.clone();
    // Shared subscription answers, spliced into this socket's frames; after the first, a
    // subscription's answers come through the lane.
    let splices = Arc::new(Splices::with_lanes());
    let mut lane = Lane::default();
    let splices_in_init = splices.clone();
    let on_init = move |payload: serde_json::Value| async move {
        let principal = match (payload_authorization(&payload), from_header) {
            (Some(value), _) => auth.principal_from(Some(value)).await,
            (None, Some(principal)) => Ok(principal),
            (None, None) => auth.principal_from(None).await,
        };
        match principal {
            Ok(principal) => {
                if let Ok(mut accepted) = accepted_expiry_in_init.lock() {
                    *accepted = Some(principal.expires_at);
                }
                let mut data = async_graphql::Data::default();
                data.insert(principal.actor());
                data.insert(principal);
                data.insert(splices_in_init);
                Ok(data)
            }
            Err(rejection) => {
                let (_, error) = rejection_error(&rejection);
                let message = error.message.clone();
                if let Ok(mut refusal) = refusal_in_init.lock() {
                    *refusal = Some(error);
                }
                Err(async_graphql::Error::new(message))
            }
        }
    };
    let messages =
        async_graphql::http::WebSocket::new(executor, input, protocol).on_connection_init(on_init);
    futures_util::pin_mut!(messages);
    // The refusals of operations over the limit come out with the protocol's own messages.
    let operations_out = operations.clone();
    // (Polling the machine reads the input, which queues refusals; after a message it yields,
    // `Woken` polls it again, so a refusal waits at most for that.)
    let messages = futures_util::stream::poll_fn(move |cx| {
        match futures_util::Stream::poll_next(messages.as_mut(), cx) {
            std::task::Poll::Pending => {
                operations_out
                    .refusal()
                    .map_or(std::task::Poll::Pending, |refusal| {
                        std::task::Poll::Ready(Some(async_graphql::http::WsMessage::Text(refusal)))
                    })
            }
            ready => ready,
        }
    });
    let mut messages = Woken::new(messages);
    let mut request_errors =
        (protocol == WebSocketProtocols::GraphQLWS).then(RequestErrors::default);
    // Made once, not per message: a shared answer reaches thousands of sockets at once, and
    // re-registering each time with the shutdown flag (behind one lock for every connection)
    // and with the timer wheel showed in the profile of every delivery.
    let shutdown = crate::shutdown::wait();
    tokio::pin!(shutdown);
    let expiry = until(expires);
    tokio::pin!(expiry);
    let mut initialised = false;
    let init_deadline = tokio::time::sleep_until(opened + keepalive);
    tokio::pin!(init_deadline);
    let every = (keepalive / PINGS_PER_KEEPALIVE).max(std::time::Duration::from_millis(1));
    let mut pings = tokio::time::interval_at(opened + every, every);
    pings.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        if let Some(accepted) = accepted_expiry.lock().ok().and_then(|mut a| a.take()) {
            expires = accepted;
            expiry.set(until(expires));
            initialised = true;
        }
        tokio::select! {
            // The server is stopping: say so (1001 going away) so clients reconnect elsewhere.
            () = &mut shutdown => {
                let _ = sink
                    .send(Message::Close(Some(CloseFrame {
                        code: axum::extract::ws::close_code::AWAY,
                        reason: "server shutting down".into(),
                    })))
                    .await;
                break;
            }
            message = messages.next() => {
                let Some(message) = message else {
                    if too_big.load(std::sync::atomic::Ordering::Relaxed) {
                        let _ = sink
                            .send(Message::Close(Some(CloseFrame {
                                code: axum::extract::ws::close_code::SIZE,
                                reason: "the message is larger than --max-body-bytes".into(),
                            })))
                            .await;
                    }
                    break;
                };
                let frame = match message {
                    async_graphql::http::WsMessage::Text(text) => {
                        let text = coded_connection_error(text, &refusal);
                        let text = match &mut request_errors {
                            Some(request_errors) => request_errors.rewrite(text),
                            None => Some(text),
                        };
                        let Some(text) = text else { continue };
                        operations.ended_by(&text);
                        // A shared answer's bytes, written into this protocol's own frame.
                        let text = splices.splice_into(&text, Some(&mut lane)).unwrap_or(text);
                        Message::Text(text.into())
                    }
                    async_graphql::http::WsMessage::Close(code, reason) => {
                        let refused = refusal.lock().is_ok_and(|r| r.is_some());
                        let code = if refused { CLOSE_FORBIDDEN } else { code };
                        Message::Close(Some(CloseFrame { code, reason: reason.into() }))
                    }
                };
                if sink.send(frame).await.is_err() {
                    break;
                }
            }
            frame = std::future::poll_fn(|cx| lane.poll_frame(cx)) => {
                if sink.send(Message::Text(frame.into())).await.is_err() {
                    break;
                }
            }
            () = &mut init_deadline, if !initialised => {
                let reason = "Connection initialisation timeout";
                let _ = sink.send(timed_out(protocol, CLOSE_INIT_TIMEOUT, reason)).await;
                break;
            }
            _ = pings.tick() => {
                let last = std::time::Duration::from_millis(
                    heard.load(std::sync::atomic::Ordering::Relaxed),
                );
                if opened.elapsed().saturating_sub(last) >= keepalive {
                    let _ = sink.send(timed_out(protocol, CLOSE_TIMEOUT, "timeout")).await;
                    break;
                }
                if sink.send(Message::Ping(Default::default())).await.is_err() {
                    break;
                }
            }
            () = &mut expiry, if expires.is_some() => {
                let _ = sink
                    .send(Message::Close(Some(CloseFrame {
                        code: CLOSE_FORBIDDEN,
                        reason: "Forbidden: the token has expired".into(),
                    })))
                    .await;
                break;
            }
        }
    }
}

/// What a socket closed for lack of time is told: over graphql-transport-ws a close frame with
/// `code` and `reason`, over the legacy protocol a `connection_error` (code TIMEOUT) saying
/// `reason`.
fn timed_out(protocol: WebSocketProtocols, code: u16, reason: &str) -> axum::extract::ws::Message {
    use axum::extract::ws::{CloseFrame, Message};
    match protocol {
        WebSocketProtocols::GraphQLWS => Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })),
        WebSocketProtocols::SubscriptionsTransportWS => {
            let error = transport_error(StatusCode::GATEWAY_TIMEOUT, reason).1;
            let text =
                serde_json::json!({ "type": "connection_error", "payload": error }).to_string();
            Message::Text(text.into())
        }
    }
}

/// How many operations (subscriptions, and queries over the socket) one WebSocket may have
/// running at once. Each holds server memory (and, with its own variables, an execution of its
/// own); without a bound one socket could open them by the thousand.
const MAX_OPERATIONS: usize = 100;

/// The operations a WebSocket has running, as its messages tell: a `subscribe` (`start`) adds
/// one, unless MAX_OPERATIONS are running — it is then refused with an `error` message and never
/// reaches the protocol machine; the client's `complete` (`stop`) and the server's `complete` or
/// `error` end one.
struct Operations {
    protocol: WebSocketProtocols,
    state: std::sync::Mutex<OperationsState>,
}

/// The ids of the operations running, and the refusals waiting to be sent.
#[derive(Default)]
struct OperationsState {
    running: HashSet<String>,
    refused: std::collections::VecDeque<String>,
}

/// The type and id of a protocol message (the rest is skipped). The type is borrowed when it can
/// be and decoded when it has JSON escapes, as the protocol machine decodes it: a `&str` would
/// fail on `"subscr\u0069be"`, and the message would reach the machine unbounded.
#[derive(Deserialize)]
struct Kind<'a> {
    #[serde(rename = "type", borrow)]
    kind: std::borrow::Cow<'a, str>,
    #[serde(default)]
    id: Option<String>,
}

impl Operations {
    fn new(protocol: WebSocketProtocols) -> Self {
        Self {
            protocol,
            state: std::sync::Mutex::default(),
        }
    }

    /// Whether the client's message goes on to the protocol machine.
    fn admit(&self, message: &[u8]) -> bool {
        let Ok(Kind { kind, id: Some(id) }) = serde_json::from_slice::<Kind<'_>>(message) else {
            // Not one that starts or ends an operation (or unreadable: the machine answers it).
            return true;
        };
        let Ok(mut state) = self.state.lock() else {
            return true;
        };
        match &*kind {
            "subscribe" | "start" => {
                if state.running.contains(&id) || state.running.len() < MAX_OPERATIONS {
                    state.running.insert(id);
                    return true;
                }
                let refusal = self.refusal_of(&id);
                state.refused.push_back(refusal);
                false
            }
            "complete" | "stop" => {
                state.running.remove(&id);
                true
            }
            _ => true,
        }
    }

    /// The next refusal to send.
    fn refusal(&self) -> Option<String> {
        self.state.lock().ok()?.refused.pop_front()
    }

    /// Notes the end of the operation a server message ends (`complete`, `error`).
    fn ended_by(&self, text: &str) {
        if !(text.starts_with(r#"{"type":"complete""#) || text.starts_with(r#"{"type":"error""#)) {
            return;
        }
        if let (Some(id), Ok(mut state)) = (RequestErrors::id_of(text), self.state.lock()) {
            state.running.remove(&id);
        }
    }

    /// The `error` message refusing operation `id`: over graphql-transport-ws its payload is the
    /// errors, over the legacy protocol one error.
    fn refusal_of(&self, id: &str) -> String {
        let (_, mut error) = transport_error(
            StatusCode::BAD_REQUEST,
            &format!(
                "this connection already has {MAX_OPERATIONS} operations running: complete one \
                 first, or open another connection"
            ),
        );
        let ext = error.extensions.get_or_insert_with(Default::default);
        ext.set("code", "VALIDATION");
        ext.set("limit", "operations per WebSocket");
        ext.set("max", MAX_OPERATIONS as u64);
        let payload = match self.protocol {
            WebSocketProtocols::GraphQLWS => serde_json::json!([error]),
            _ => serde_json::json!(error),
        };
        serde_json::json!({ "type": "error", "id": id, "payload": payload }).to_string()
    }
}

/// A stream polled only when it woke the task since it last returned `Pending` (or after it
/// yielded): the connection's loop wakes for every event of the lane, and polling the protocol
/// machine each time (which polls the socket's input and every operation) would cost more than
/// writing the event.
struct Woken<S> {
    inner: S,
    flag: Arc<Flag>,
}

/// Whether a [`Woken`] stream woke, and the task to wake with it.
#[derive(Default)]
struct Flag {
    woken: std::sync::atomic::AtomicBool,
    task: futures_util::task::AtomicWaker,
}

impl std::task::Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, std::sync::atomic::Ordering::Release);
        self.task.wake();
    }
}

impl<S> Woken<S> {
    fn new(inner: S) -> Self {
        let flag = Arc::new(Flag::default());
        // Polled the first time.
        flag.woken.store(true, std::sync::atomic::Ordering::Release);
        Self { inner, flag }
    }
}

impl<S: futures_util::Stream + Unpin> futures_util::Stream for Woken<S> {
    type Item = S::Item;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<S::Item>> {
        let this = self.get_mut();
        this.flag.task.register(cx.waker());
        if !this
            .flag
            .woken
            .swap(false, std::sync::atomic::Ordering::AcqRel)
        {
            return std::task::Poll::Pending;
        }
        let waker = std::task::Waker::from(this.flag.clone());
        let polled = std::pin::Pin::new(&mut this.inner)
            .poll_next(&mut std::task::Context::from_waker(&waker));
        if polled.is_ready() {
            // It may have more at once, and will not wake anyone for it.
            this.flag
                .woken
                .store(true, std::sync::atomic::Ordering::Release);
        }
        polled
    }
}

/// The legacy protocol's (`graphql-ws`, subscriptions-transport-ws) `connection_error`, whose
/// payload async-graphql writes without extensions, with a code: the refusal's own error when
/// the caller was refused, `TIMEOUT` for a peer that stopped answering pings, `BAD_REQUEST` for
/// a broken handshake. Every other message passes unchanged.
fn coded_connection_error(text: String, refusal: &std::sync::Mutex<Option<ServerError>>) -> String {
    if !text.starts_with(r#"{"type":"connection_error""#) {
        return text;
    }
    let refusal = refusal.lock().ok().and_then(|refusal| refusal.clone());
    let error = refusal.unwrap_or_else(|| {
        let message = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|m| m["payload"]["message"].as_str().map(str::to_owned))
            .unwrap_or_default();
        let status = if message == "timeout" {
            StatusCode::GATEWAY_TIMEOUT
        } else {
            StatusCode::BAD_REQUEST
        };
        transport_error(status, &message).1
    });
    serde_json::to_string(&serde_json::json!({ "type": "connection_error", "payload": error }))
        .unwrap_or(text)
}

/// graphql-transport-ws answers an operation refused before execution (a request error, as
/// [`is_request_error`] tells it) with one `error` message carrying the errors, and nothing
/// after it. async-graphql writes the refusal like any result, a `next` then a `complete`: this
/// turns that `next` into `error` and drops its `complete`. Field errors stay in `next`. (The
/// legacy protocol is left alone: its reference server also answers validation errors with
/// `data` then `complete`.)
#[derive(Debug, Default)]
struct RequestErrors {
    /// Operations answered with `error` whose `complete` is yet to come.
    ended: HashSet<String>,
}

/// The id of a `next` or `complete` message.
#[derive(Deserialize)]
struct Id {
    id: String,
}

/// A `next` message, read only when its data is null.
#[derive(Deserialize)]
struct Next {
    id: String,
    payload: GqlResponse,
}

/// graphql-transport-ws's `error` message.
#[derive(Serialize)]
struct ErrorMessage<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    payload: &'a [ServerError],
}

impl RequestErrors {
    /// The message to send instead of `text` (async-graphql's), or `None` to send nothing.
    fn rewrite(&mut self, text: String) -> Option<String> {
        if text.starts_with(r#"{"type":"complete""#) {
            let ended = !self.ended.is_empty()
                && Self::id_of(&text).is_some_and(|id| self.ended.remove(&id));
            return (!ended).then_some(text);
        }
        if !text.starts_with(r#"{"type":"next""#) {
            return Some(text);
        }
        // A `next` for an ended id belongs to a new operation that reused the id: async-graphql
        // dropped the refused one's stream without completing it.
        if !self.ended.is_empty()
            && let Some(id) = Self::id_of(&text)
        {
            self.ended.remove(&id);
        }
        // Only a `next` whose data is null can carry a request error; events pass unparsed.
        if !text.contains(r#""data":null"#) {
            return Some(text);
        }
        let Ok(next) = serde_json::from_str::<Next>(&text) else {
            return Some(text);
        };
        if !is_request_error(&next.payload) {
            return Some(text);
        }
        let error = ErrorMessage {
            kind: "error",
            id: &next.id,
            payload: &next.payload.errors,
        };
        let Ok(error) = serde_json::to_string(&error) else {
            return Some(text);
        };
        self.ended.insert(next.id);
        Some(error)
    }

    /// The `id` of a message (its payload is skipped, not kept).
    fn id_of(text: &str) -> Option<String> {
        serde_json::from_str::<Id>(text)
            .ok()
            .map(|message| message.id)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value as Json, json};

    use super::*;
    use crate::{
        auth::http::Rejection,
        http::graphql_http::{HttpLimits, graphql_routes, test_support::*},
    };

    #[test]
    fn an_operation_over_the_bound_is_refused_however_its_message_is_written() {
        let operations = Operations::new(WebSocketProtocols::GraphQLWS);
        for i in 0..MAX_OPERATIONS {
            let message = json!({ "id": i.to_string(), "type": "subscribe", "payload": {} });
            assert!(operations.admit(message.to_string().as_bytes()));
        }
        // The same message with its type or id written with JSON escapes (which the protocol
        // machine decodes), or its keys in another order.
        for message in [
            r#"{"id":"x","type":"subscr\u0069be","payload":{}}"#,
            r#"{"type":"subscribe","id":"\u0078","payload":{}}"#,
            r#"{"payload":{},"type":"\u0073ubscribe","id":"y"}"#,
        ] {
            assert!(!operations.admit(message.as_bytes()), "{message}");
        }
        assert_eq!(
            std::iter::from_fn(|| operations.refusal()).count(),
            3,
            "each refusal is sent"
        );
        // One ends (its id escaped too), and another may start.
        assert!(operations.admit(br#"{"id":"\u0030","type":"complete"}"#));
        assert!(operations.admit(br#"{"id":"x","type":"subscribe","payload":{}}"#));
    }

    #[tokio::test]
    async fn websocket_upgrade_echoes_the_subprotocol() {
        let addr = serve(graphql_routes(
            schema(Arc::default()),
            "/graphql",
            HttpLimits::default(),
            None,
        ))
        .await;
        let upgrade = |protocol: &str| {
            format!(
                "GET /graphql HTTP/1.1\r\nHost: {addr}\r\nConnection: Upgrade\r\n\
                 Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
                 Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n{protocol}\r\n"
            )
        };
        for protocol in ["graphql-transport-ws", "graphql-ws"] {
            let request = upgrade(&format!("Sec-WebSocket-Protocol: {protocol}\r\n"));
            let (head, _) = raw_http(addr, request.as_bytes()).await;
            assert!(head.starts_with("HTTP/1.1 101"), "{head}");
            assert!(
                head.to_lowercase()
                    .contains(&format!("sec-websocket-protocol: {protocol}")),
                "{head}"
            );
        }
        // Without a GraphQL subprotocol the upgrade is refused. `Connection: close` (listed
        // after `Upgrade`) makes the server close the socket so that raw_http can return.
        let request = upgrade("Connection: close\r\n");
        let (head, body) = raw_http(addr, request.as_bytes()).await;
        assert!(head.starts_with("HTTP/1.1 400"), "{head}");
        let body: Json = serde_json::from_str(&body).expect("JSON 400 body");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_REQUEST",
            "{body}"
        );
    }

    #[test]
    fn legacy_connection_errors_get_a_code() {
        let refusal = std::sync::Mutex::new(None);
        // async-graphql's own: a peer that stopped answering pings.
        let timeout = r#"{"type":"connection_error","payload":{"message":"timeout"}}"#;
        let coded: Json =
            serde_json::from_str(&coded_connection_error(timeout.into(), &refusal)).expect("JSON");
        assert_eq!(coded["type"], "connection_error");
        assert_eq!(coded["payload"]["message"], "timeout");
        assert_eq!(coded["payload"]["extensions"]["code"], "TIMEOUT");
        // A refused caller: the refusal's error, with its code.
        let (_, error) = rejection_error(&Rejection::Unavailable);
        *refusal.lock().expect("lock") = Some(error);
        let refused = r#"{"type":"connection_error","payload":{"message":"x"}}"#;
        let coded: Json =
            serde_json::from_str(&coded_connection_error(refused.into(), &refusal)).expect("JSON");
        assert_eq!(coded["payload"]["extensions"]["code"], "UNAVAILABLE");
        // Anything else passes as it is.
        let next = r#"{"type":"next","id":"1","payload":{"data":{}}}"#;
        assert_eq!(coded_connection_error(next.into(), &refusal), next);
    }

    #[test]
    fn request_errors_go_out_as_one_error_message() {
        let mut rewrite = RequestErrors::default();
        let refused = r#"{"type":"next","id":"1","payload":{"data":null,"errors":[{"message":"Unknown field","locations":[{"line":1,"column":3}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}}"#;
        let error = rewrite.rewrite(refused.into()).expect("an error message");
        assert_eq!(
            serde_json::from_str::<Json>(&error).expect("JSON"),
            json!({"type": "error", "id": "1", "payload": [{
                "message": "Unknown field",
                "locations": [{"line": 1, "column": 3}],
                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
            }]})
        );
        assert!(error.starts_with(r#"{"type":"error","id":"1","payload":["#));
        // Its `complete` is not sent; another operation's is.
        let other = r#"{"type":"complete","id":"2"}"#;
        assert_eq!(rewrite.rewrite(other.into()).as_deref(), Some(other));
        assert_eq!(
            rewrite.rewrite(r#"{"type":"complete","id":"1"}"#.into()),
            None
        );
        assert!(rewrite.ended.is_empty());
    }

    #[test]
    fn field_errors_and_events_stay_next() {
        let mut rewrite = RequestErrors::default();
        for next in [
            r#"{"type":"next","id":"1","payload":{"data":null,"errors":[{"message":"boom","path":["runs"]}]}}"#,
            r#"{"type":"next","id":"1","payload":{"data":{"a":null},"errors":[{"message":"boom","path":["a"]}]}}"#,
            r#"{"type":"next","id":"1","payload":{"data":{"a":1}}}"#,
            r#"{"type":"complete","id":"1"}"#,
            r#"{"type":"connection_ack"}"#,
        ] {
            assert_eq!(rewrite.rewrite(next.into()).as_deref(), Some(next));
        }
    }

    #[test]
    fn an_id_reused_after_its_error_completes_normally() {
        let mut rewrite = RequestErrors::default();
        let refused =
            r#"{"type":"next","id":"1","payload":{"data":null,"errors":[{"message":"no"}]}}"#;
        assert!(rewrite.rewrite(refused.into()).is_some());
        // async-graphql replaced the refused stream before completing it: the new operation's
        // messages, its `complete` included, all go out.
        let event = r#"{"type":"next","id":"1","payload":{"data":{"a":1}}}"#;
        assert_eq!(rewrite.rewrite(event.into()).as_deref(), Some(event));
        let complete = r#"{"type":"complete","id":"1"}"#;
        assert_eq!(rewrite.rewrite(complete.into()).as_deref(), Some(complete));
    }
}
